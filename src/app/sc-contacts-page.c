/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-connect-dialog.h"
#include "sc-contact-editor.h"
#include "sc-contact-row.h"
#include "sc-contacts-page.h"
#include "sc-reloader.h"

struct _ScContactsPage
{
  AdwBin              parent_instance;

  ScAccount          *account;
  GCancellable       *cancellable;
  /* ScContact (one of contacts) → TrustInfo, from the same load. */
  GHashTable         *trust;
  GtkCustomFilter    *filter;
  /* The search text, normalized and case-folded; NULL: show everyone. */
  char               *search;
  ScReloader         *reloader;
  gboolean            loaded;
  gboolean            failed;   /* the first load failed */

  AdwToastOverlay    *toast_overlay;
  GtkStack           *stack;
  GtkStack           *results_stack;
  AdwStatusPage      *error_page;
  GtkSearchEntry     *search_entry;
  GtkListView        *list_view;
  GtkFilterListModel *filter_model;
  GListStore         *contacts;
};

G_DEFINE_FINAL_TYPE (ScContactsPage, sc_contacts_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
sc_contacts_page_new (ScAccount *account)
{
  return g_object_new (SC_TYPE_CONTACTS_PAGE, "account", account, NULL);
}

/* Trust, worked out in a worker thread */

typedef struct
{
  ScContactTrust  trust;
  char           *label;
  char           *detail;
} TrustInfo;

static void
trust_info_free (TrustInfo *info)
{
  g_free (info->label);
  g_free (info->detail);
  g_free (info);
}

static TrustInfo *
trust_info_new (ScContactTrust  trust,
                char           *label,
                char           *detail)
{
  TrustInfo *info = g_new0 (TrustInfo, 1);

  info->trust = trust;
  info->label = label;
  info->detail = detail;

  return info;
}

static TrustInfo *
decide_trust (ScTrustPolicy         *policy,
              const ScTrustSettings *settings,
              ScContact             *contact)
{
  const char *fingerprint = sc_contact_get_fingerprint (contact);
  const char *pem = sc_contact_get_certificate_pem (contact);
  g_autoptr(ScPeerCertificate) chain = NULL;
  g_autoptr(ScTrustDecision) decision = NULL;
  g_autoptr(GError) error = NULL;

  if (g_hash_table_contains (settings->block_users, sc_contact_get_user_id (contact)))
    return trust_info_new (SC_CONTACT_TRUST_BLOCKED, g_strdup (_("Blocked")),
                           g_strdup (_("You blocked this user ID: their calls are refused.")));
  if (fingerprint != NULL && g_hash_table_contains (settings->block_fingerprints, fingerprint))
    return trust_info_new (SC_CONTACT_TRUST_BLOCKED, g_strdup (_("Blocked")),
                           g_strdup (_("You blocked the certificate pinned for them.")));

  if (pem == NULL)
    {
      if (fingerprint != NULL)
        return trust_info_new (SC_CONTACT_TRUST_PINNED, g_strdup (_("Pinned")),
                               g_strdup (_("Their certificate is pinned; you have not seen it in a session yet.")));
      return trust_info_new (SC_CONTACT_TRUST_NO_CERTIFICATE, g_strdup (_("No certificate yet")),
                             g_strdup (_("Pin their certificate, or check it when they first call.")));
    }

  chain = sc_peer_certificate_new_from_pem (pem, strlen (pem), &error);
  if (chain == NULL)
    return trust_info_new (SC_CONTACT_TRUST_UNVERIFIED, g_strdup (_("Unverified")),
                           g_strdup (error->message));

  decision = sc_trust_policy_decide (policy, chain, -1, SC_PURPOSE_CLIENT);
  switch (decision->reason)
    {
    case SC_REASON_BLOCKED_FINGERPRINT:
    case SC_REASON_BLOCKED_USER:
    case SC_REASON_BLOCKED_ISSUER:
      return trust_info_new (SC_CONTACT_TRUST_BLOCKED, g_strdup (_("Blocked")),
                             g_strdup (decision->detail));
    case SC_REASON_PINNED:
      return trust_info_new (SC_CONTACT_TRUST_PINNED, g_strdup (_("Pinned")),
                             g_strdup (decision->detail));
    default:
      if (decision->verified && decision->issuer_name != NULL)
        return trust_info_new (SC_CONTACT_TRUST_VERIFIED,
                               /* Translators: %s is the name of a certificate issuer */
                               g_strdup_printf (_("Verified by %s"), decision->issuer_name),
                               g_strdup (decision->detail));
      return trust_info_new (SC_CONTACT_TRUST_UNVERIFIED, g_strdup (_("Unverified")),
                             g_strdup (decision->detail));
    }
}

typedef struct
{
  GPtrArray  *contacts;  /* of ScContact, by name */
  GHashTable *trust;     /* ScContact → TrustInfo */
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->contacts, g_ptr_array_unref);
  g_clear_pointer (&loaded->trust, g_hash_table_unref);
  g_free (loaded);
}

static gpointer
load_job (ScStore       *store,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(ScTrustSettings) settings = NULL;
  g_autoptr(ScTrustPolicy) policy = NULL;
  Loaded *loaded;

  contacts = sc_store_list_contacts (store, error);
  if (contacts == NULL)
    return NULL;
  settings = sc_store_load_trust_settings (store, error);
  if (settings == NULL)
    return NULL;
  policy = sc_trust_policy_new (settings, error);
  if (policy == NULL)
    return NULL;

  loaded = g_new0 (Loaded, 1);
  loaded->contacts = g_steal_pointer (&contacts);
  loaded->trust = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                         (GDestroyNotify) trust_info_free);
  for (guint i = 0; i < loaded->contacts->len; i++)
    {
      ScContact *contact = g_ptr_array_index (loaded->contacts, i);

      g_hash_table_insert (loaded->trust, g_object_ref (contact),
                           decide_trust (policy, settings, contact));
    }

  return loaded;
}

/* Showing the list */

/* A toast's title is markup. */
static void
show_toast (ScContactsPage *self,
            const char     *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
update_view (ScContactsPage *self)
{
  const char *page;

  if (!self->loaded)
    page = self->failed ? "error" : "loading";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->contacts)) == 0)
    page = "empty";
  else
    page = "contacts";

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_stack_set_visible_child_name (self->results_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0
                                    ? "list" : "no-results");
}

static void
on_loaded (gpointer      result,
           const GError *error,
           gpointer      user_data)
{
  ScContactsPage *self = SC_CONTACTS_PAGE (user_data);
  Loaded *loaded = result;

  if (loaded == NULL)
    {
      if (self->loaded)
        show_toast (self, error->message);
      else
        adw_status_page_set_description (self->error_page, error->message);
      self->failed = !self->loaded;
    }
  else
    {
      /* The trust table first: splicing binds the new rows at once. */
      g_clear_pointer (&self->trust, g_hash_table_unref);
      self->trust = g_steal_pointer (&loaded->trust);
      g_list_store_splice (self->contacts, 0,
                           g_list_model_get_n_items (G_LIST_MODEL (self->contacts)),
                           loaded->contacts->pdata, loaded->contacts->len);
      self->loaded = TRUE;
    }

  update_view (self);
}

/* Loads the contacts and their trust again; a change during a load makes
 * one more load once it is done. */
static void
reload (ScContactsPage *self)
{
  sc_reloader_reload (self->reloader);
}

static ScContact *
find_contact (ScContactsPage *self,
              gint64          id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

      if (sc_contact_get_id (contact) == id)
        return contact;
    }

  return NULL;
}

/* Rows */

static void
on_setup_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              ScContactsPage           *self)
{
  gtk_list_item_set_child (item, sc_contact_row_new ());
}

static void
on_bind_row (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             ScContactsPage           *self)
{
  ScContact *contact = gtk_list_item_get_item (item);
  TrustInfo *info = self->trust != NULL ? g_hash_table_lookup (self->trust, contact) : NULL;

  g_assert (info != NULL);
  sc_contact_row_set_contact (SC_CONTACT_ROW (gtk_list_item_get_child (item)), contact,
                              info->trust, info->label, info->detail);
}

static void
on_unbind_row (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               ScContactsPage           *self)
{
  sc_contact_row_set_contact (SC_CONTACT_ROW (gtk_list_item_get_child (item)), NULL,
                              SC_CONTACT_TRUST_NO_CERTIFICATE, NULL, NULL);
}

/* Searching */

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized, -1);
}

static gboolean
matches (const char *text,
         const char *search)
{
  g_autofree char *folded = fold (text);

  return strstr (folded, search) != NULL;
}

static gboolean
filter_contact (gpointer item,
                gpointer user_data)
{
  ScContactsPage *self = user_data;
  ScContact *contact = item;

  return self->search == NULL
         || matches (sc_contact_get_name (contact), self->search)
         || matches (sc_contact_get_user_id (contact), self->search);
}

static void
on_search_changed (GtkSearchEntry *entry,
                   ScContactsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->search, g_free);
  if (*stripped != '\0')
    self->search = fold (stripped);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_stop_search (GtkSearchEntry *entry,
                ScContactsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_filtered_changed (GListModel     *model,
                     guint           position,
                     guint           removed,
                     guint           added,
                     ScContactsPage *self)
{
  update_view (self);
}

/* Connecting, adding, editing and removing */

static GtkWindow *
parent_window (ScContactsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
connect_contact (ScContactsPage *self,
                 ScContact      *contact)
{
  const char * const *addresses = sc_contact_get_addresses (contact);

  if (addresses[0] != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "app.dial", "(ss)",
                                  sc_contact_get_user_id (contact), addresses[0]);
      return;
    }

  /* Nowhere to call them yet: ask where. */
  gtk_window_present (GTK_WINDOW (sc_connect_dialog_new (parent_window (self),
                                                         sc_contact_get_user_id (contact),
                                                         NULL)));
}

static void
on_row_activated (GtkListView    *list_view,
                  guint           position,
                  ScContactsPage *self)
{
  g_autoptr(ScContact) contact = g_list_model_get_item (G_LIST_MODEL (self->filter_model), position);

  if (contact != NULL)
    connect_contact (self, contact);
}

static void
on_editor_saved (ScContactEditor *editor,
                 ScContact       *contact,
                 ScContactsPage  *self)
{
  reload (self);
}

static void
open_editor (ScContactsPage *self,
             ScContact      *contact)
{
  ScContactEditor *editor;

  if (self->account == NULL || sc_account_get_store (self->account) == NULL)
    return;

  editor = sc_contact_editor_new (parent_window (self), self->account, contact);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (SC_CONTACTS_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScContactsPage *self = SC_CONTACTS_PAGE (widget);
  ScContact *contact = find_contact (self, g_variant_get_int64 (parameter));

  if (contact != NULL)
    open_editor (self, contact);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScContactsPage *self = SC_CONTACTS_PAGE (widget);
  ScContact *contact = find_contact (self, g_variant_get_int64 (parameter));

  if (contact != NULL)
    connect_contact (self, contact);
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ScContactsPage *self;

  if (!sc_store_save_contact_finish (SC_STORE (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SC_CONTACTS_PAGE (user_data);
  if (error != NULL)
    show_toast (self, error->message);
  reload (self);
}

static void
on_undo_remove (AdwToast       *toast,
                ScContactsPage *self)
{
  ScContact *removed = g_object_get_data (G_OBJECT (toast), "sc-contact");
  g_autoptr(ScContact) contact = sc_contact_copy (removed);

  /* Back as a new row, pin included. */
  sc_contact_set_id (contact, 0);
  sc_store_save_contact_async (sc_account_get_store (self->account), contact,
                               self->cancellable, on_restored, self);
}

/* A removal under way: the contact goes to the toast that can bring it back. */
typedef struct
{
  ScContactsPage *self;
  ScContact      *contact;
} Removal;

static void
removal_free (Removal *removal)
{
  g_clear_object (&removal->contact);
  g_free (removal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Removal, removal_free)

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Removal) removal = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  ScContactsPage *self;
  AdwToast *toast;

  if (!sc_store_delete_contact_finish (SC_STORE (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = removal->self;
  reload (self);

  if (error != NULL)
    {
      show_toast (self, error->message);
      return;
    }

  name = g_markup_escape_text (sc_contact_get_name (removal->contact), -1);
  /* Translators: %s is the name of a contact */
  title = g_strdup_printf (_("Removed %s"), name);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "sc-contact", g_steal_pointer (&removal->contact),
                          g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_remove), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    ScContactsPage   *self)
{
  Removal *removal;

  if (g_strcmp0 (response, "remove") != 0)
    return;

  removal = g_new0 (Removal, 1);
  removal->self = self;
  removal->contact = g_object_ref (g_object_get_data (G_OBJECT (dialog), "sc-contact"));
  sc_store_delete_contact_async (sc_account_get_store (self->account),
                                 sc_contact_get_id (removal->contact),
                                 self->cancellable, on_removed, removal);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScContactsPage *self = SC_CONTACTS_PAGE (widget);
  ScContact *contact = find_contact (self, g_variant_get_int64 (parameter));
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (contact == NULL)
    return;

  /* Translators: %s is the name of a contact */
  heading = g_strdup_printf (_("Remove %s?"), sc_contact_get_name (contact));
  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   sc_contact_get_fingerprint (contact) != NULL
                                   ? _("Their pinned certificate is no longer trusted: "
                                       "their next call asks you first.")
                                   : _("Their name and addresses are forgotten."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sc-contact", sc_contact_copy (contact),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (SC_CONTACTS_PAGE (widget));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScContactsPage *self = SC_CONTACTS_PAGE (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "contacts") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The account */

static void
set_account (ScContactsPage *self,
             ScAccount      *account)
{
  g_return_if_fail (self->account == NULL);

  if (account == NULL)
    return;

  self->account = g_object_ref (account);
  sc_reloader_set_account (self->reloader, account);
}

static void
sc_contacts_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ScContactsPage *self = SC_CONTACTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      set_account (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_contacts_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ScContactsPage *self = SC_CONTACTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_contacts_page_dispose (GObject *object)
{
  ScContactsPage *self = (ScContactsPage *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  /* The bin unparents its child itself: the template must not as well. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_CONTACTS_PAGE);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->trust, g_hash_table_unref);
  g_clear_object (&self->account);
  g_clear_object (&self->reloader);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sc_contacts_page_parent_class)->dispose (object);
}

static void
sc_contacts_page_finalize (GObject *object)
{
  ScContactsPage *self = (ScContactsPage *) object;

  g_free (self->search);

  G_OBJECT_CLASS (sc_contacts_page_parent_class)->finalize (object);
}

static void
sc_contacts_page_class_init (ScContactsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_contacts_page_dispose;
  object_class->finalize = sc_contacts_page_finalize;
  object_class->set_property = sc_contacts_page_set_property;
  object_class->get_property = sc_contacts_page_get_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SC_TYPE_CONTACT);

  /* Rows come from a GtkSignalListItemFactory rather than a builder one:
   * a row shows trust that the page works out per load, which is no
   * property of ScContact that a template could bind. */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-contacts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, filter_model);
  gtk_widget_class_bind_template_child (widget_class, ScContactsPage, contacts);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_row);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_filtered_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "contacts.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "contacts.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "contacts.remove", "x", remove_action);
  gtk_widget_class_install_action (widget_class, "contacts.connect", "x", connect_action);
  gtk_widget_class_install_action (widget_class, "contacts.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "contacts.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "contacts.search", NULL);
}

static void
sc_contacts_page_init (ScContactsPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->reloader = sc_reloader_new (load_job, (GDestroyNotify) loaded_free,
                                    self->cancellable, on_loaded, self);
  sc_reloader_reload_on (self->reloader, "notify::identity", 0);
  /* A session or knock may have changed what the store knows of a contact
   * (last seen, address, certificate). */
  sc_reloader_reload_on (self->reloader, "incoming-session", 0);
  sc_reloader_reload_on (self->reloader, "knock", 0);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = gtk_custom_filter_new (filter_contact, self, NULL);
  gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
}
