/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sc-address.h"
#include "sc-protocol.h"
#include "sc-reloader.h"
#include "sc-request-item.h"
#include "sc-request-row.h"
#include "sc-requests-page.h"

struct _ScRequestsPage
{
  AdwBin           parent_instance;

  ScAccount       *account;
  GCancellable    *cancellable;
  ScReloader      *reloader;
  guint            pending_count;
  ScRequestItem   *block_item;   /* the request the block dialog asks about */
  AdwToast        *toast;        /* the last toast, until dismissed; not a reference */

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GListStore      *requests;
};

G_DEFINE_FINAL_TYPE (ScRequestsPage, sc_requests_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_PENDING_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_toast_dismissed (AdwToast       *toast,
                    ScRequestsPage *self)
{
  if (self->toast == toast)
    self->toast = NULL;
}

/* The newest news replaces the last toast at once, so that an Undo button
 * is there when it is useful.  (Not ADW_TOAST_PRIORITY_HIGH: libadwaita 1.2
 * aborts when the toast it pushed back returns while still hiding.) */
static void
add_toast (ScRequestsPage *self,
           AdwToast       *toast)
{
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);

  self->toast = toast;
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Takes title.  Toast titles are markup: build them from escaped text. */
static void
show_toast (ScRequestsPage *self,
            char           *title)
{
  add_toast (self, adw_toast_new (title));
  g_free (title);
}

static char *
escape (const char *text)
{
  return g_markup_escape_text (text != NULL ? text : "", -1);
}

static ScRequestItem *
find_item (ScRequestsPage *self,
           gint64          id)
{
  GListModel *model = G_LIST_MODEL (self->requests);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ScRequestItem) item = g_list_model_get_item (model, i);

      if (sc_request_item_get_id (item) == id)
        return item;
    }

  return NULL;
}

static void
set_pending_count (ScRequestsPage *self,
                   guint           count)
{
  gtk_stack_set_visible_child_name (self->stack, count > 0 ? "list" : "empty");

  if (self->pending_count == count)
    return;

  self->pending_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
}

/* Loading */

static gpointer
list_requests_job (ScStore       *store,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GPtrArray) requests = sc_store_list_requests (store, FALSE, error);
  GPtrArray *items;

  if (requests == NULL)
    return NULL;

  /* Each item takes its request. */
  g_ptr_array_set_free_func (requests, NULL);
  items = g_ptr_array_new_full (requests->len, g_object_unref);
  for (guint i = 0; i < requests->len; i++)
    g_ptr_array_add (items, sc_request_item_new (g_ptr_array_index (requests, i)));

  return items;
}

static void
on_requests_listed (gpointer      result,
                    const GError *error,
                    gpointer      user_data)
{
  ScRequestsPage *self = user_data;
  GPtrArray *items = result;

  if (items != NULL)
    {
      guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->requests));

      g_list_store_splice (self->requests, 0, n_shown, items->pdata, items->len);
      set_pending_count (self, items->len);
    }
  else
    {
      g_autofree char *message = escape (error->message);

      show_toast (self, g_strdup_printf (_("Cannot read the requests: %s"), message));
    }
}

static void
reload (ScRequestsPage *self)
{
  sc_reloader_reload (self->reloader);
}

/* Accepting: the requester becomes a contact */

typedef struct
{
  char *name;
  char *user_id;
  char *fingerprint;
  char *certificate_pem;
  char *address;
} NewContact;

static void
new_contact_free (NewContact *contact)
{
  g_free (contact->name);
  g_free (contact->user_id);
  g_free (contact->fingerprint);
  g_free (contact->certificate_pem);
  g_free (contact->address);
  g_free (contact);
}

/* Where to call them back: the host they called from, at the default port
 * (the port of an incoming call is not the one they listen on). */
static char *
callback_address (const char *address)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (address == NULL ||
      !sc_address_parse (address, SC_PROTOCOL_DEFAULT_PORT, &host, &port, NULL))
    return NULL;

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, SC_PROTOCOL_DEFAULT_PORT);
  return g_strdup_printf ("%s:%u", host, SC_PROTOCOL_DEFAULT_PORT);
}

/* Saves a new contact, or completes the one with their user ID when it has
 * no certificate or this one.  Returns NULL without an error when a contact
 * with their user ID keeps another certificate. */
static gpointer
save_contact_job (ScStore       *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  NewContact *new_contact = data;
  g_autoptr(ScContact) contact = NULL;
  g_autoptr(GStrvBuilder) addresses = g_strv_builder_new ();
  g_auto(GStrv) all_addresses = NULL;
  const char *fingerprint;

  contact = sc_store_find_contact (store, new_contact->user_id, error);
  if (contact == NULL && *error != NULL)
    return NULL;

  if (contact == NULL)
    contact = sc_contact_new (new_contact->name, new_contact->user_id);

  fingerprint = sc_contact_get_fingerprint (contact);
  if (fingerprint != NULL && g_strcmp0 (fingerprint, new_contact->fingerprint) != 0)
    return NULL;

  if (new_contact->address != NULL)
    g_strv_builder_add (addresses, new_contact->address);
  for (const char * const *a = sc_contact_get_addresses (contact); *a != NULL; a++)
    if (g_strcmp0 (*a, new_contact->address) != 0)
      g_strv_builder_add (addresses, *a);
  all_addresses = g_strv_builder_end (addresses);

  sc_contact_set_fingerprint (contact, new_contact->fingerprint);
  sc_contact_set_certificate_pem (contact, new_contact->certificate_pem);
  sc_contact_set_addresses (contact, (const char * const *) all_addresses);

  if (!sc_store_save_contact (store, contact, error))
    return NULL;

  return g_steal_pointer (&contact);
}

typedef struct
{
  ScRequestsPage *self;   /* not a reference: the page cancels its calls when disposed */
  char           *name;
} ContactCall;

static void
contact_call_free (ContactCall *call)
{
  g_free (call->name);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ContactCall, contact_call_free)

static void
on_contact_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ContactCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScContact) contact = sc_store_run_finish (SC_STORE (source), result, &error);
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  name = escape (call->name);
  if (error != NULL)
    {
      message = escape (error->message);
      show_toast (call->self,
                  g_strdup_printf (_("%s can reach you now, but is not in your contacts: %s"),
                                   name, message));
    }
  else if (contact == NULL)
    {
      show_toast (call->self,
                  g_strdup_printf (_("%s can reach you now; your contact with that user ID keeps "
                                     "their earlier certificate"), name));
    }
  else
    {
      show_toast (call->self, g_strdup_printf (_("%s is now in your contacts"), name));
    }
}

static void
save_contact (ScRequestsPage *self,
              ScRequestItem  *item)
{
  const ScRequest *request = sc_request_item_get_request (item);
  NewContact *new_contact = g_new0 (NewContact, 1);
  ContactCall *call = g_new0 (ContactCall, 1);

  new_contact->name = g_strdup (sc_request_item_get_display_name (item));
  new_contact->user_id = g_strdup (request->user_id);
  new_contact->fingerprint = g_strdup (request->fingerprint);
  new_contact->certificate_pem = g_strdup (request->certificate_pem);
  new_contact->address = callback_address (request->address);

  call->self = self;
  call->name = g_strdup (sc_request_item_get_display_name (item));

  sc_store_run_async (sc_account_get_store (self->account), save_contact_job,
                      new_contact, (GDestroyNotify) new_contact_free, g_object_unref,
                      self->cancellable, on_contact_saved, call);
}

/* Decisions */

typedef struct
{
  ScRequestsPage *self;   /* not a reference: the page cancels its calls when disposed */
  ScRequestItem  *item;   /* NULL when undoing a decline */
  gint64          id;
  ScRequestState  state;
} Decision;

static void
decision_free (Decision *decision)
{
  g_clear_object (&decision->item);
  g_free (decision);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decision, decision_free)

static void
decided (Decision     *decision,
         const GError *error)
{
  ScRequestsPage *self = decision->self;
  g_autofree char *name = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (decision->item != NULL)
    name = escape (sc_request_item_get_display_name (decision->item));

  if (error != NULL)
    {
      g_autofree char *message = escape (error->message);

      show_toast (self, g_strdup_printf (_("Cannot save your decision: %s"), message));
    }
  else if (decision->state == SC_REQUEST_ACCEPTED)
    {
      save_contact (self, decision->item);
    }
  else if (decision->state == SC_REQUEST_BLOCKED)
    {
      show_toast (self, g_strdup_printf (_("%s is blocked"), name));
    }
  else if (decision->state == SC_REQUEST_DECLINED)
    {
      g_autofree char *title = g_strdup_printf (_("Declined %s"), name);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "requests.undo-decline");
      adw_toast_set_action_target (toast, "x", decision->id);
      add_toast (self, toast);
    }

  reload (self);
}

static void
on_agent_decided (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Decision) decision = user_data;
  g_autoptr(GError) error = NULL;

  sc_user_agent_decide_request_finish (SC_USER_AGENT (source), result, &error);
  decided (decision, error);
}

typedef struct
{
  gint64         id;
  ScRequestState state;
} StateChange;

static gpointer
set_state_job (ScStore       *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  StateChange *change = data;

  if (!sc_store_set_request_state (store, change->id, change->state, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static void
on_store_decided (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Decision) decision = user_data;
  g_autoptr(GError) error = NULL;

  sc_store_run_finish (SC_STORE (source), result, &error);
  decided (decision, error);
}

/* Through the agent when there is one, so that the requester's live
 * sessions follow at once; else in the store alone. */
static void
decide (ScRequestsPage *self,
        ScRequestItem  *item,
        gint64          id,
        ScRequestState  state)
{
  ScStore *store = self->account != NULL ? sc_account_get_store (self->account) : NULL;
  ScUserAgent *agent = self->account != NULL ? sc_account_get_agent (self->account) : NULL;
  Decision *decision;

  if (store == NULL)
    return;

  decision = g_new0 (Decision, 1);
  decision->self = self;
  decision->item = item != NULL ? g_object_ref (item) : NULL;
  decision->id = id;
  decision->state = state;

  if (agent != NULL)
    {
      sc_user_agent_decide_request_async (agent, id, state, self->cancellable,
                                          on_agent_decided, decision);
    }
  else
    {
      StateChange *change = g_new0 (StateChange, 1);

      change->id = id;
      change->state = state;
      sc_store_run_async (store, set_state_job, change, g_free, NULL,
                          self->cancellable, on_store_decided, decision);
    }
}

static void
accept_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScRequestsPage *self = SC_REQUESTS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  ScRequestItem *item = find_item (self, id);

  if (item != NULL)
    decide (self, item, id, SC_REQUEST_ACCEPTED);
}

static void
decline_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ScRequestsPage *self = SC_REQUESTS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  ScRequestItem *item = find_item (self, id);

  if (item != NULL)
    decide (self, item, id, SC_REQUEST_DECLINED);
}

static void
undo_decline_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  decide (SC_REQUESTS_PAGE (widget), NULL, g_variant_get_int64 (parameter), SC_REQUEST_PENDING);
}

static void
on_block_response (AdwMessageDialog *dialog,
                   const char       *response,
                   ScRequestsPage   *self)
{
  g_autoptr(ScRequestItem) item = g_steal_pointer (&self->block_item);

  if (item != NULL && g_strcmp0 (response, "block") == 0)
    decide (self, item, sc_request_item_get_id (item), SC_REQUEST_BLOCKED);
}

static void
block_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScRequestsPage *self = SC_REQUESTS_PAGE (widget);
  ScRequestItem *item = find_item (self, g_variant_get_int64 (parameter));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (item == NULL)
    return;

  g_set_object (&self->block_item, item);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL,
                                   _("They will no longer reach you with this certificate, and "
                                     "you will not see their requests. You can unblock them in "
                                     "Preferences."));
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Block %s?"),
                                     sc_request_item_get_display_name (item));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "block", _("_Block"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "block",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_widget_set_name (dialog, "block_request_dialog");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_block_response), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* The account */

/* Decisions made elsewhere (a chat window, the command line) show when the
 * page does. */
static void
sc_requests_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sc_requests_page_parent_class)->map (widget);
  reload (SC_REQUESTS_PAGE (widget));
}

static void
set_account (ScRequestsPage *self,
             ScAccount      *account)
{
  if (self->account == account)
    return;

  g_set_object (&self->account, account);
  sc_reloader_set_account (self->reloader, account);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

GtkWidget *
sc_requests_page_new (ScAccount *account)
{
  return g_object_new (SC_TYPE_REQUESTS_PAGE, "account", account, NULL);
}

guint
sc_requests_page_get_pending_count (ScRequestsPage *self)
{
  g_return_val_if_fail (SC_IS_REQUESTS_PAGE (self), 0);
  return self->pending_count;
}

static void
sc_requests_page_dispose (GObject *object)
{
  ScRequestsPage *self = (ScRequestsPage *) object;

  g_cancellable_cancel (self->cancellable);
  /* The bin's child is a template child: let go of it before the template does. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_REQUESTS_PAGE);
  g_clear_object (&self->account);
  g_clear_object (&self->block_item);
  g_clear_object (&self->reloader);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sc_requests_page_parent_class)->dispose (object);
}

static void
sc_requests_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ScRequestsPage *self = SC_REQUESTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_requests_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ScRequestsPage *self = SC_REQUESTS_PAGE (object);

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
sc_requests_page_class_init (ScRequestsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_requests_page_dispose;
  object_class->get_property = sc_requests_page_get_property;
  object_class->set_property = sc_requests_page_set_property;
  widget_class->map = sc_requests_page_map;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SC_TYPE_REQUEST_ITEM);
  g_type_ensure (SC_TYPE_REQUEST_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-requests-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ScRequestsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScRequestsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ScRequestsPage, requests);

  gtk_widget_class_install_action (widget_class, "requests.accept", "x", accept_activated);
  gtk_widget_class_install_action (widget_class, "requests.decline", "x", decline_activated);
  gtk_widget_class_install_action (widget_class, "requests.block", "x", block_activated);
  gtk_widget_class_install_action (widget_class, "requests.undo-decline", "x",
                                   undo_decline_activated);
}

static void
sc_requests_page_init (ScRequestsPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->reloader = sc_reloader_new (list_requests_job, (GDestroyNotify) g_ptr_array_unref,
                                    self->cancellable, on_requests_listed, self);
  /* The store is there once the account loaded: its agent starts then. */
  sc_reloader_reload_on (self->reloader, "notify::agent", 0);
  sc_reloader_reload_on (self->reloader, "knock", 0);
  sc_reloader_reload_on (self->reloader, "incoming-session", 0);
  gtk_widget_init_template (GTK_WIDGET (self));
}
