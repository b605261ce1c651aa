/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-address.h"
#include "sc-contact-editor.h"
#include "sc-protocol.h"

/* How many past sessions the From a Past Session menu offers. */
#define MAX_PAST_SESSIONS 10

/* A certificate someone presented, from the knock log. */
typedef struct
{
  char   *user_id;
  char   *name;
  char   *fingerprint;
  gint64  time;  /* UNIX microseconds, of the newest knock with it */
} PastSession;

static void
past_session_free (PastSession *past)
{
  g_free (past->user_id);
  g_free (past->name);
  g_free (past->fingerprint);
  g_free (past);
}

struct _ScContactEditor
{
  AdwWindow             parent_instance;

  ScAccount            *account;
  ScContact            *contact;      /* the copy being edited */
  ScPeerCertificate    *certificate;  /* read from a file or the contact's PEM, or NULL */
  GPtrArray            *past;         /* of PastSession, newest first; NULL until loaded */
  GtkFileChooserNative *chooser;
  GCancellable         *cancellable;
  gboolean              saving;

  AdwWindowTitle       *window_title;
  GtkLabel             *error_label;
  AdwEntryRow          *name_row;
  AdwEntryRow          *user_id_row;
  GtkFrame             *addresses_frame;
  GtkTextView          *addresses_view;
  AdwActionRow         *certificate_row;
  GtkButton            *unpin_button;
  AdwActionRow         *past_row;
  GtkMenuButton        *past_button;
  GMenu                *past_menu;
  GtkLabel             *certificate_warning;
};

G_DEFINE_FINAL_TYPE (ScContactEditor, sc_contact_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Errors in place */

static void
clear_errors (ScContactEditor *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->user_id_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->addresses_frame), "error");
}

/* field: the widget to mark, or NULL. */
static void
show_error (ScContactEditor *self,
            const char      *message,
            GtkWidget       *field)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (field != NULL)
    gtk_widget_add_css_class (field, "error");
}

/* The pinned certificate */

static const char *
user_id_text (ScContactEditor *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->user_id_row));
}

static PastSession *
find_past (ScContactEditor *self,
           const char      *fingerprint)
{
  for (guint i = 0; self->past != NULL && i < self->past->len; i++)
    {
      PastSession *past = g_ptr_array_index (self->past, i);

      if (g_strcmp0 (past->fingerprint, fingerprint) == 0)
        return past;
    }

  return NULL;
}

static void
update_certificate (ScContactEditor *self)
{
  const char *fingerprint = sc_contact_get_fingerprint (self->contact);
  const char *owner_name = NULL;
  const char *owner_user_id = NULL;
  g_autofree char *formatted = NULL;
  g_autofree char *title = NULL;
  g_autofree char *warning = NULL;
  PastSession *past;

  gtk_widget_set_visible (GTK_WIDGET (self->unpin_button), fingerprint != NULL);
  if (fingerprint == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->certificate_row), _("Not Pinned"));
      adw_action_row_set_subtitle (self->certificate_row,
                                   _("Their calls ask you first, unless an issuer you trust "
                                     "verifies them."));
      gtk_widget_set_visible (GTK_WIDGET (self->certificate_warning), FALSE);
      return;
    }

  if (self->certificate != NULL
      && g_strcmp0 (sc_peer_certificate_get_fingerprint (self->certificate), fingerprint) == 0)
    {
      owner_name = sc_peer_certificate_get_name (self->certificate);
      owner_user_id = sc_peer_certificate_get_user_id (self->certificate);
    }
  else if ((past = find_past (self, fingerprint)) != NULL)
    {
      owner_name = past->name;
      owner_user_id = past->user_id;
    }

  if (owner_name != NULL && owner_user_id != NULL)
    /* Translators: a certificate's owner: name (user ID) */
    title = g_strdup_printf (_("%s (%s)"), owner_name, owner_user_id);
  else if (owner_name != NULL || owner_user_id != NULL)
    title = g_strdup (owner_name != NULL ? owner_name : owner_user_id);
  else
    title = g_strdup (_("Pinned Certificate"));

  formatted = sc_fingerprint_format (fingerprint);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->certificate_row), title);
  adw_action_row_set_subtitle (self->certificate_row, formatted);

  if (owner_user_id != NULL && *user_id_text (self) != '\0'
      && !sc_user_id_equal (owner_user_id, user_id_text (self)))
    /* Translators: the first %s is the user ID in a certificate, the second the contact's */
    warning = g_strdup_printf (_("This certificate is for %s, not %s: calls from %s will not "
                                 "match it."),
                               owner_user_id, user_id_text (self), user_id_text (self));

  gtk_label_set_label (self->certificate_warning, warning);
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_warning), warning != NULL);
}

static char *
format_past (PastSession *past)
{
  g_autoptr(GDateTime) seen = g_date_time_new_from_unix_local (past->time / G_USEC_PER_SEC);
  g_autofree char *date = g_date_time_format (seen, "%x %H:%M");
  g_autofree char *fingerprint = sc_fingerprint_format (past->fingerprint);

  /* The first four groups tell certificates apart well enough to choose. */
  fingerprint[19] = '\0';
  /* Translators: a past session: its date, then the start of a certificate fingerprint */
  return g_strdup_printf (_("%s — %s…"), date, fingerprint);
}

/* Offers the certificates that the user ID typed presented before. */
static void
update_past_menu (ScContactEditor *self)
{
  guint n = 0;

  g_menu_remove_all (self->past_menu);

  for (guint i = 0; self->past != NULL && i < self->past->len && n < MAX_PAST_SESSIONS; i++)
    {
      PastSession *past = g_ptr_array_index (self->past, i);
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;

      if (!sc_user_id_equal (past->user_id, user_id_text (self)))
        continue;

      label = format_past (past);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "editor.pin-past", "s", past->fingerprint);
      g_menu_append_item (self->past_menu, item);
      n++;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->past_row), n > 0);
  adw_action_row_set_subtitle (self->past_row,
                               self->past == NULL ? _("Reading the knock log…")
                               : n > 0 ? _("A certificate this user ID presented before")
                               : _("No past session with this user ID"));
}

/* What the editor reads when it opens: the contact's certificate (parsed)
 * and the certificates in the knock log. */
typedef struct
{
  ScPeerCertificate *certificate;
  GPtrArray         *past;
} Opened;

static void
opened_free (Opened *opened)
{
  g_clear_object (&opened->certificate);
  g_clear_pointer (&opened->past, g_ptr_array_unref);
  g_free (opened);
}

static gpointer
open_job (ScStore       *store,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  const char *pem = data;
  g_autoptr(GPtrArray) knocks = sc_store_list_knocks (store, 0, error);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  Opened *opened;

  if (knocks == NULL)
    return NULL;

  opened = g_new0 (Opened, 1);
  opened->past = g_ptr_array_new_with_free_func ((GDestroyNotify) past_session_free);
  if (pem != NULL)
    opened->certificate = sc_peer_certificate_new_from_pem (pem, strlen (pem), NULL);

  /* Newest first: the first knock with a fingerprint dates it. */
  for (guint i = 0; i < knocks->len; i++)
    {
      ScKnock *knock = g_ptr_array_index (knocks, i);
      PastSession *past;

      if (knock->fingerprint == NULL || knock->user_id == NULL
          || g_hash_table_contains (seen, knock->fingerprint))
        continue;

      past = g_new0 (PastSession, 1);
      past->user_id = g_strdup (knock->user_id);
      past->name = g_strdup (knock->name);
      past->fingerprint = g_strdup (knock->fingerprint);
      past->time = knock->time;
      g_ptr_array_add (opened->past, past);
      g_hash_table_add (seen, past->fingerprint);
    }

  return opened;
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Opened *opened = sc_store_run_finish (SC_STORE (source), result, &error);
  ScContactEditor *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SC_CONTACT_EDITOR (user_data);
  if (opened == NULL)
    {
      self->past = g_ptr_array_new ();
      show_error (self, error->message, NULL);
    }
  else
    {
      self->past = g_steal_pointer (&opened->past);
      if (self->certificate == NULL)
        self->certificate = g_steal_pointer (&opened->certificate);
      opened_free (opened);
    }

  update_past_menu (self);
  update_certificate (self);
}

static void
pin_past_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScContactEditor *self = SC_CONTACT_EDITOR (widget);

  sc_contact_set_fingerprint (self->contact, g_variant_get_string (parameter, NULL));
  update_certificate (self);
}

static void
unpin_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ScContactEditor *self = SC_CONTACT_EDITOR (widget);

  sc_contact_set_fingerprint (self->contact, NULL);
  update_certificate (self);
}

/* A certificate from a file */

static void
read_certificate_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  ScPeerCertificate *certificate;
  GError *error = NULL;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Choose a file on this computer"));
      return;
    }

  certificate = sc_peer_certificate_new_from_file (path, &error);
  if (certificate == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, certificate, g_object_unref);
}

static void
on_certificate_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ScContactEditor *self = SC_CONTACT_EDITOR (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScPeerCertificate) certificate = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *pem = NULL;
  const char *name;
  const char *user_id;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  clear_errors (self);
  if (certificate == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot use that certificate: %s"),
                                                  error->message);

      show_error (self, message, NULL);
      return;
    }

  name = sc_peer_certificate_get_name (certificate);
  user_id = sc_peer_certificate_get_user_id (certificate);
  pem = sc_peer_certificate_to_pem (certificate);

  /* A new contact takes who the certificate names. */
  if (*gtk_editable_get_text (GTK_EDITABLE (self->name_row)) == '\0' && name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (*user_id_text (self) == '\0' && user_id != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->user_id_row), user_id);

  g_set_object (&self->certificate, certificate);
  sc_contact_set_fingerprint (self->contact, sc_peer_certificate_get_fingerprint (certificate));
  sc_contact_set_certificate_pem (self->contact, pem);
  update_certificate (self);
}

void
sc_contact_editor_load_certificate_file (ScContactEditor *self,
                                         GFile           *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SC_IS_CONTACT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, self->cancellable, on_certificate_read, NULL);
  g_task_set_source_tag (task, sc_contact_editor_load_certificate_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, read_certificate_thread);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     ScContactEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      sc_contact_editor_load_certificate_file (self, file);
    }

  g_clear_object (&self->chooser);
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ScContactEditor *self = SC_CONTACT_EDITOR (widget);
  g_autoptr(GtkFileFilter) certificates = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (certificates, _("Certificates"));
  gtk_file_filter_add_mime_type (certificates, "application/x-x509-ca-cert");
  gtk_file_filter_add_mime_type (certificates, "application/pkix-cert");
  gtk_file_filter_add_suffix (certificates, "pem");
  gtk_file_filter_add_suffix (certificates, "crt");
  gtk_file_filter_add_suffix (certificates, "cer");
  gtk_file_filter_add_suffix (certificates, "der");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  self->chooser = gtk_file_chooser_native_new (_("Choose Their Certificate"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), certificates);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Saving */

static char **
addresses_from_view (ScContactEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->addresses_view);
  GtkTextIter start;
  GtkTextIter end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return g_strsplit (text, "\n", -1);
}

/* Which field sc_contact_validate() refused, or NULL. */
static GtkWidget *
invalid_field (ScContactEditor *self)
{
  const char *name = sc_contact_get_name (self->contact);
  const char * const *addresses = sc_contact_get_addresses (self->contact);

  if (*name == '\0' || strlen (name) > SC_CONTACT_NAME_MAX_BYTES)
    return GTK_WIDGET (self->name_row);
  if (!sc_user_id_is_valid (sc_contact_get_user_id (self->contact)))
    return GTK_WIDGET (self->user_id_row);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *host = NULL;
      guint16 port;

      if (!sc_address_parse (addresses[i], SC_PROTOCOL_DEFAULT_PORT, &host, &port, NULL))
        return GTK_WIDGET (self->addresses_frame);
    }

  return NULL;
}

static void
set_saving (ScContactEditor *self,
            gboolean         saving)
{
  self->saving = saving;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", !saving);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ScContactEditor *self;

  if (!sc_store_save_contact_finish (SC_STORE (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SC_CONTACT_EDITOR (user_data);
  set_saving (self, FALSE);

  if (error != NULL)
    {
      /* What the store refuses beyond sc_contact_validate(): a user ID
       * that another contact has. */
      show_error (self, error->message,
                  g_error_matches (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID)
                  ? GTK_WIDGET (self->user_id_row) : NULL);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, self->contact);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScContactEditor *self = SC_CONTACT_EDITOR (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_auto(GStrv) addresses = addresses_from_view (self);
  g_autoptr(GError) error = NULL;

  if (self->saving)
    return;

  sc_contact_set_name (self->contact, name);
  sc_contact_set_user_id (self->contact, user_id_text (self));
  sc_contact_set_addresses (self->contact, (const char * const *) addresses);

  clear_errors (self);
  if (!sc_contact_validate (self->contact, &error))
    {
      show_error (self, error->message, invalid_field (self));
      return;
    }

  set_saving (self, TRUE);
  sc_store_save_contact_async (sc_account_get_store (self->account), self->contact,
                               self->cancellable, on_saved, self);
}

/* Typing */

static void
on_name_changed (GtkEditable     *editable,
                 ScContactEditor *self)
{
  clear_errors (self);
}

static void
on_user_id_changed (GtkEditable     *editable,
                    ScContactEditor *self)
{
  clear_errors (self);
  update_past_menu (self);
  update_certificate (self);
}

static void
on_addresses_changed (GtkTextBuffer   *buffer,
                      ScContactEditor *self)
{
  clear_errors (self);
}

ScContactEditor *
sc_contact_editor_new (GtkWindow *parent,
                       ScAccount *account,
                       ScContact *contact)
{
  ScContactEditor *self;
  ScStore *store;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SC_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (contact == NULL || SC_IS_CONTACT (contact), NULL);

  store = sc_account_get_store (account);
  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (SC_TYPE_CONTACT_EDITOR,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->account = g_object_ref (account);
  self->contact = contact != NULL ? sc_contact_copy (contact) : sc_contact_new (NULL, NULL);

  if (contact != NULL)
    {
      g_autofree char *addresses = g_strjoinv ("\n", (char **) sc_contact_get_addresses (contact));

      gtk_editable_set_text (GTK_EDITABLE (self->name_row), sc_contact_get_name (contact));
      gtk_editable_set_text (GTK_EDITABLE (self->user_id_row), sc_contact_get_user_id (contact));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->addresses_view), addresses, -1);
    }

  gtk_window_set_title (GTK_WINDOW (self), contact != NULL ? _("Edit Contact") : _("New Contact"));
  adw_window_title_set_title (self->window_title, gtk_window_get_title (GTK_WINDOW (self)));
  clear_errors (self);
  update_past_menu (self);
  update_certificate (self);

  sc_store_run_async (store, open_job,
                      g_strdup (sc_contact_get_certificate_pem (self->contact)), g_free,
                      (GDestroyNotify) opened_free, self->cancellable, on_opened, self);

  return self;
}

static void
sc_contact_editor_dispose (GObject *object)
{
  ScContactEditor *self = (ScContactEditor *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_CONTACT_EDITOR);
  g_clear_object (&self->account);
  g_clear_object (&self->contact);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->past, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sc_contact_editor_parent_class)->dispose (object);
}

static void
sc_contact_editor_class_init (ScContactEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_contact_editor_dispose;

  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SC_TYPE_CONTACT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-contact-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, user_id_row);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, addresses_frame);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, addresses_view);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, certificate_row);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, unpin_button);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, past_row);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, past_button);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, past_menu);
  gtk_widget_class_bind_template_child (widget_class, ScContactEditor, certificate_warning);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_user_id_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_addresses_changed);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "editor.pin-past", "s", pin_past_action);
  gtk_widget_class_install_action (widget_class, "editor.unpin", NULL, unpin_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sc_contact_editor_init (ScContactEditor *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
