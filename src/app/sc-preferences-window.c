/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sc-preferences-window.h"
#include "sc-trust-item.h"

/* Warn this long before my certificate expires. */
#define EXPIRY_WARNING_DAYS 30

typedef void (*FileChosen) (ScPreferencesWindow *self,
                            const char          *path);

struct _ScPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  ScAccount            *account;
  /* Cancelled when the window goes: stops reloads, and tells work still in
   * flight that the widgets are gone. */
  GCancellable         *cancellable;

  GtkFileChooserNative *chooser;
  FileChosen            file_chosen;
  char                 *pending_path;   /* a file chosen for a dialog still open */
  guint                 reload_serial;
  gboolean              setting_policy; /* showing the stored policy, not choosing one */
  gboolean              identity_busy;
  gboolean              network_busy;
  char                 *network_error;  /* why the last Apply failed, or NULL */

  AdwActionRow         *expiry_row;
  GtkLabel             *name_label;
  GtkLabel             *user_id_label;
  GtkLabel             *issuer_label;
  GtkLabel             *not_before_label;
  GtkLabel             *not_after_label;
  GtkLabel             *fingerprint_label;
  AdwComboRow          *policy_row;
  GListStore           *issuers;
  GtkWidget            *issuers_view;
  GtkWidget            *issuers_empty;
  GListStore           *crls;
  GtkWidget            *crls_view;
  GtkWidget            *crls_empty;
  GListStore           *blocked;
  GtkWidget            *blocked_view;
  GtkWidget            *blocked_empty;
  AdwEntryRow          *address_row;
  GtkSpinButton        *port_spin;
  GtkImage             *status_icon;
  GtkLabel             *status_label;
  AdwMessageDialog     *replace_dialog;
  AdwMessageDialog     *export_dialog;
  GtkEditable          *export_passphrase_row;
  GtkEditable          *export_confirm_row;
  AdwMessageDialog     *import_dialog;
  GtkEditable          *import_passphrase_row;
  AdwMessageDialog     *create_dialog;
  GtkEditable          *create_name_row;
  GtkEditable          *create_user_row;
};

G_DEFINE_FINAL_TYPE (ScPreferencesWindow, sc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Who hears how async work ended: the window, held weakly so that work in
 * flight keeps no closed window alive, and its account, which work that
 * changed the identity or the network settings updates in any case. */
typedef struct
{
  GWeakRef   window;
  ScAccount *account;
} Caller;

static Caller *
caller_new (ScPreferencesWindow *self)
{
  Caller *caller = g_new0 (Caller, 1);

  g_weak_ref_init (&caller->window, self);
  caller->account = g_object_ref (self->account);
  return caller;
}

static void
caller_free (Caller *caller)
{
  g_weak_ref_clear (&caller->window);
  g_object_unref (caller->account);
  g_free (caller);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Caller, caller_free)

/* The window, when it is still open. */
static ScPreferencesWindow *
caller_get_window (Caller *caller)
{
  ScPreferencesWindow *self = g_weak_ref_get (&caller->window);

  if (self != NULL && g_cancellable_is_cancelled (self->cancellable))
    g_clear_object (&self);
  return self;
}

static void
show_toast (ScPreferencesWindow *self,
            const char          *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
secret_free (char *secret)
{
  if (secret == NULL)
    return;

  memset (secret, 0, strlen (secret));
  g_free (secret);
}

/* Takes the text of a passphrase row and empties the row. */
static char *
take_secret (GtkEditable *editable)
{
  char *secret = g_strdup (gtk_editable_get_text (editable));

  gtk_editable_set_text (editable, "");
  return secret;
}

static void
present_dialog (ScPreferencesWindow *self,
                AdwMessageDialog    *dialog)
{
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* File choosers */

static void
on_chooser_response (GtkNativeDialog     *dialog,
                     int                  response,
                     ScPreferencesWindow *self)
{
  g_autoptr(GtkFileChooserNative) chooser = g_steal_pointer (&self->chooser);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  FileChosen chosen = self->file_chosen;

  g_assert (GTK_NATIVE_DIALOG (chooser) == dialog);

  self->file_chosen = NULL;
  if (response != GTK_RESPONSE_ACCEPT)
    return;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    {
      show_toast (self, _("Choose a file on this computer"));
      return;
    }

  chosen (self, path);
}

/* Closes a chooser still open, without a response. */
static void
drop_chooser (ScPreferencesWindow *self)
{
  if (self->chooser == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->chooser, self);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->file_chosen = NULL;
}

/* Asks for a file to open (suggested_name NULL) or to save, of the kind
 * that suffixes name; chosen gets its path. */
static void
choose_file (ScPreferencesWindow *self,
             const char          *title,
             const char          *accept_label,
             const char          *suggested_name,
             const char          *filter_name,
             const char         **suffixes,
             FileChosen           chosen)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserAction action = suggested_name != NULL ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                       : GTK_FILE_CHOOSER_ACTION_OPEN;

  drop_chooser (self);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                               accept_label, _("_Cancel"));
  self->file_chosen = chosen;
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (filter, filter_name);
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
    }
  else
    {
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested_name);
    }

  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static const char *certificate_suffixes[] = { "pem", "crt", "cer", "der", NULL };
static const char *key_suffixes[] = { "pem", "key", NULL };
static const char *pkcs12_suffixes[] = { "p12", "pfx", NULL };
static const char *request_suffixes[] = { "csr", "pem", NULL };
static const char *crl_suffixes[] = { "crl", "pem", "der", NULL };

/* A file name made of the user ID and a suffix. */
static char *
file_name_for (ScPreferencesWindow *self,
               const char          *suffix)
{
  ScIdentity *identity = sc_account_get_identity (self->account);
  g_autofree char *stem = g_strdup (identity != NULL ? sc_identity_get_user_id (identity)
                                                     : "sixchat");

  g_strdelimit (stem, "/\\", '_');
  return g_strconcat (stem, ".", suffix, NULL);
}

/* Identity */

static void
set_label (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "—");
}

static void
update_identity_actions (ScPreferencesWindow *self)
{
  gboolean have = sc_account_get_identity (self->account) != NULL && !self->identity_busy;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.export", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.save-request", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.import-signed", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.replace", !self->identity_busy);
}

static char *
expiry_warning (ScPeerCertificate *certificate)
{
  gint64 not_after = sc_peer_certificate_get_not_after (certificate);
  gint64 days = (not_after - g_get_real_time () / G_USEC_PER_SEC) / 86400;

  if (not_after < g_get_real_time () / G_USEC_PER_SEC)
    return g_strdup (_("Your certificate has expired: nobody can verify you. Replace it."));
  if (days < EXPIRY_WARNING_DAYS)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Your certificate expires in %d day. Replace it, or have it renewed.",
                                         "Your certificate expires in %d days. Replace it, or have it renewed.",
                                         (gulong) days),
                            (int) days);
  return NULL;
}

static void
update_identity (ScPreferencesWindow *self)
{
  ScIdentity *identity = sc_account_get_identity (self->account);
  ScPeerCertificate *certificate = identity != NULL ? sc_identity_get_certificate (identity) : NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  g_autofree char *warning = NULL;

  if (certificate != NULL)
    {
      fingerprint = sc_fingerprint_format (sc_identity_get_fingerprint (identity));
      not_before = sc_trust_item_format_date (sc_peer_certificate_get_not_before (certificate));
      not_after = sc_trust_item_format_date (sc_peer_certificate_get_not_after (certificate));
      warning = expiry_warning (certificate);
    }

  set_label (self->name_label, identity != NULL ? sc_identity_get_name (identity) : NULL);
  set_label (self->user_id_label, identity != NULL ? sc_identity_get_user_id (identity) : NULL);
  if (certificate != NULL && sc_peer_certificate_is_self_signed (certificate))
    set_label (self->issuer_label, _("Yourself (self-signed)"));
  else
    set_label (self->issuer_label,
               certificate != NULL ? sc_peer_certificate_get_issuer_name (certificate) : NULL);
  set_label (self->not_before_label, not_before);
  set_label (self->not_after_label, not_after);
  set_label (self->fingerprint_label, fingerprint);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->expiry_row), warning != NULL ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_row), warning != NULL);

  update_identity_actions (self);
}

typedef enum
{
  IDENTITY_EXPORT,
  IDENTITY_SAVE_REQUEST,
  IDENTITY_IMPORT_SIGNED,
  IDENTITY_IMPORT_PKCS12,
  IDENTITY_IMPORT_PEM,
  IDENTITY_CREATE,
} IdentityOp;

/* What an identity job needs, copied for its thread. */
typedef struct
{
  IdentityOp  op;
  ScIdentity *identity;    /* the current one: export, request */
  char       *profile_dir;
  char       *path;        /* the file to write or read */
  char       *key_path;
  char       *passphrase;
  char       *name;
  char       *user_id;
} IdentityJob;

static void
identity_job_free (IdentityJob *job)
{
  g_clear_object (&job->identity);
  g_free (job->profile_dir);
  g_free (job->path);
  g_free (job->key_path);
  secret_free (job->passphrase);
  g_free (job->name);
  g_free (job->user_id);
  g_free (job);
}

static void
identity_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  IdentityJob *job = task_data;
  g_autoptr(ScIdentity) identity = NULL;
  g_autofree char *request = NULL;
  GError *error = NULL;

  switch (job->op)
    {
    case IDENTITY_EXPORT:
      if (!sc_identity_export_pkcs12 (job->identity, job->path, job->passphrase, &error))
        break;
      identity = g_object_ref (job->identity);
      break;
    case IDENTITY_SAVE_REQUEST:
      request = sc_identity_create_csr (job->identity, &error);
      if (request == NULL || !g_file_set_contents (job->path, request, -1, &error))
        break;
      identity = g_object_ref (job->identity);
      break;
    case IDENTITY_IMPORT_SIGNED:
      identity = sc_identity_import (job->profile_dir, job->path, NULL,
                                     SC_IDENTITY_FLAGS_NONE, &error);
      break;
    case IDENTITY_IMPORT_PKCS12:
      identity = sc_identity_import_pkcs12 (job->profile_dir, job->path, job->passphrase,
                                            SC_IDENTITY_FLAGS_REPLACE, &error);
      break;
    case IDENTITY_IMPORT_PEM:
      identity = sc_identity_import (job->profile_dir, job->path, job->key_path,
                                     SC_IDENTITY_FLAGS_REPLACE, &error);
      break;
    case IDENTITY_CREATE:
      identity = sc_identity_create (job->profile_dir, job->name, job->user_id,
                                     SC_IDENTITY_FLAGS_REPLACE, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (identity == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&identity), g_object_unref);
}

static void
on_identity_job_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Caller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = NULL;
  IdentityJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = job->path != NULL ? g_path_get_basename (job->path) : NULL;
  g_autofree char *message = NULL;

  identity = g_task_propagate_pointer (G_TASK (result), &error);

  /* A new identity is the account's even when the window closed meanwhile:
   * its files are already written. */
  if (identity != NULL && job->op != IDENTITY_EXPORT && job->op != IDENTITY_SAVE_REQUEST)
    sc_account_set_identity (caller->account, identity);

  self = caller_get_window (caller);
  if (self == NULL)
    return;

  self->identity_busy = FALSE;
  update_identity_actions (self);

  if (identity == NULL)
    {
      show_toast (self, error->message);
      return;
    }

  switch (job->op)
    {
    case IDENTITY_EXPORT:
      message = g_strdup_printf (_("Backup saved as %s"), basename);
      break;
    case IDENTITY_SAVE_REQUEST:
      message = g_strdup_printf (_("Certificate request saved as %s"), basename);
      break;
    case IDENTITY_IMPORT_SIGNED:
      message = g_strdup_printf (_("You now use the certificate signed by %s"),
                                 sc_peer_certificate_get_issuer_name (sc_identity_get_certificate (identity)));
      break;
    case IDENTITY_IMPORT_PKCS12:
    case IDENTITY_IMPORT_PEM:
    case IDENTITY_CREATE:
      message = g_strdup_printf (_("You are now %s"), sc_identity_get_user_id (identity));
      break;
    default:
      g_assert_not_reached ();
    }
  show_toast (self, message);
}

/* Runs job in a worker thread; takes it. */
static void
run_identity_job (ScPreferencesWindow *self,
                  IdentityJob         *job)
{
  g_autoptr(GTask) task = NULL;
  ScIdentity *identity = sc_account_get_identity (self->account);

  job->profile_dir = g_strdup (sc_account_get_profile_dir (self->account));
  if (identity != NULL)
    job->identity = g_object_ref (identity);

  self->identity_busy = TRUE;
  update_identity_actions (self);

  /* Not cancellable: a job that replaces the identity must reach its end. */
  task = g_task_new (NULL, NULL, on_identity_job_done, caller_new (self));
  g_task_set_source_tag (task, run_identity_job);
  g_task_set_task_data (task, job, (GDestroyNotify) identity_job_free);
  g_task_run_in_thread (task, identity_thread);
}

static IdentityJob *
identity_job_new (IdentityOp  op,
                  const char *path)
{
  IdentityJob *job = g_new0 (IdentityJob, 1);

  job->op = op;
  job->path = g_strdup (path);
  return job;
}

/* Export */

static void
on_export_passphrase_changed (ScPreferencesWindow *self)
{
  const char *passphrase = gtk_editable_get_text (self->export_passphrase_row);
  const char *confirm = gtk_editable_get_text (self->export_confirm_row);
  gboolean mismatch = confirm[0] != '\0' && strcmp (passphrase, confirm) != 0;

  if (mismatch)
    gtk_widget_add_css_class (GTK_WIDGET (self->export_confirm_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->export_confirm_row), "error");

  adw_message_dialog_set_response_enabled (self->export_dialog, "export",
                                           passphrase[0] != '\0' && strcmp (passphrase, confirm) == 0);
}

static void
export_file_chosen (ScPreferencesWindow *self,
                    const char          *path)
{
  g_free (self->pending_path);
  self->pending_path = g_strdup (path);

  gtk_editable_set_text (self->export_passphrase_row, "");
  gtk_editable_set_text (self->export_confirm_row, "");
  present_dialog (self, self->export_dialog);
  gtk_widget_grab_focus (GTK_WIDGET (self->export_passphrase_row));
}

static void
on_export_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    ScPreferencesWindow *self)
{
  g_autofree char *path = g_steal_pointer (&self->pending_path);
  char *passphrase = take_secret (self->export_passphrase_row);
  IdentityJob *job;

  gtk_editable_set_text (self->export_confirm_row, "");
  if (g_strcmp0 (response, "export") != 0 || path == NULL)
    {
      secret_free (passphrase);
      return;
    }

  job = identity_job_new (IDENTITY_EXPORT, path);
  job->passphrase = passphrase;
  run_identity_job (self, job);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (widget);
  g_autofree char *name = file_name_for (self, "p12");

  choose_file (self, _("Export Your Identity"), _("_Save"), name,
               _("PKCS#12 Files"), pkcs12_suffixes, export_file_chosen);
}

/* Certificate request and signed certificate */

static void
request_file_chosen (ScPreferencesWindow *self,
                     const char          *path)
{
  run_identity_job (self, identity_job_new (IDENTITY_SAVE_REQUEST, path));
}

static void
save_request_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (widget);
  g_autofree char *name = file_name_for (self, "csr");

  choose_file (self, _("Save Certificate Request"), _("_Save"), name,
               _("Certificate Requests"), request_suffixes, request_file_chosen);
}

static void
signed_file_chosen (ScPreferencesWindow *self,
                    const char          *path)
{
  run_identity_job (self, identity_job_new (IDENTITY_IMPORT_SIGNED, path));
}

static void
import_signed_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose_file (SC_PREFERENCES_WINDOW (widget), _("Import Signed Certificate"), _("_Import"), NULL,
               _("Certificates"), certificate_suffixes, signed_file_chosen);
}

/* Replace */

static void
key_file_chosen (ScPreferencesWindow *self,
                 const char          *path)
{
  IdentityJob *job = identity_job_new (IDENTITY_IMPORT_PEM, self->pending_path);

  job->key_path = g_strdup (path);
  g_clear_pointer (&self->pending_path, g_free);
  run_identity_job (self, job);
}

static void
certificate_file_chosen (ScPreferencesWindow *self,
                         const char          *path)
{
  g_free (self->pending_path);
  self->pending_path = g_strdup (path);

  choose_file (self, _("Choose the Private Key"), _("_Import"), NULL,
               _("Private Keys"), key_suffixes, key_file_chosen);
}

static void
pkcs12_file_chosen (ScPreferencesWindow *self,
                    const char          *path)
{
  g_free (self->pending_path);
  self->pending_path = g_strdup (path);

  gtk_editable_set_text (self->import_passphrase_row, "");
  present_dialog (self, self->import_dialog);
  gtk_widget_grab_focus (GTK_WIDGET (self->import_passphrase_row));
}

static void
on_import_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    ScPreferencesWindow *self)
{
  g_autofree char *path = g_steal_pointer (&self->pending_path);
  char *passphrase = take_secret (self->import_passphrase_row);
  IdentityJob *job;

  if (g_strcmp0 (response, "import") != 0 || path == NULL)
    {
      secret_free (passphrase);
      return;
    }

  job = identity_job_new (IDENTITY_IMPORT_PKCS12, path);
  job->passphrase = passphrase;
  run_identity_job (self, job);
}

static void
on_create_changed (ScPreferencesWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (self->create_name_row)));
  const char *user_id = gtk_editable_get_text (self->create_user_row);
  gboolean user_ok = sc_user_id_is_valid (user_id);

  if (user_id[0] != '\0' && !user_ok)
    gtk_widget_add_css_class (GTK_WIDGET (self->create_user_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->create_user_row), "error");

  adw_message_dialog_set_response_enabled (self->create_dialog, "create",
                                           name[0] != '\0' && user_ok);
}

static void
on_create_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    ScPreferencesWindow *self)
{
  IdentityJob *job;

  if (g_strcmp0 (response, "create") != 0)
    return;

  job = identity_job_new (IDENTITY_CREATE, NULL);
  job->name = g_strstrip (g_strdup (gtk_editable_get_text (self->create_name_row)));
  job->user_id = g_strdup (gtk_editable_get_text (self->create_user_row));
  run_identity_job (self, job);
}

static void
on_replace_response (AdwMessageDialog    *dialog,
                     const char          *response,
                     ScPreferencesWindow *self)
{
  ScIdentity *identity = sc_account_get_identity (self->account);

  if (g_strcmp0 (response, "pkcs12") == 0)
    {
      choose_file (self, _("Import a PKCS#12 File"), _("_Import"), NULL,
                   _("PKCS#12 Files"), pkcs12_suffixes, pkcs12_file_chosen);
    }
  else if (g_strcmp0 (response, "pem") == 0)
    {
      choose_file (self, _("Choose the Certificate"), _("_Next"), NULL,
                   _("Certificates"), certificate_suffixes, certificate_file_chosen);
    }
  else if (g_strcmp0 (response, "create") == 0)
    {
      gtk_editable_set_text (self->create_name_row,
                             identity != NULL ? sc_identity_get_name (identity) : "");
      gtk_editable_set_text (self->create_user_row,
                             identity != NULL ? sc_identity_get_user_id (identity) : "");
      on_create_changed (self);
      present_dialog (self, self->create_dialog);
      gtk_widget_grab_focus (GTK_WIDGET (self->create_name_row));
    }
}

static void
replace_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (widget);

  present_dialog (self, self->replace_dialog);
}

/* Lists and policy */

typedef struct
{
  guint      serial;
  ScPolicy   policy;
  GPtrArray *issuers;  /* of ScTrustItem */
  GPtrArray *crls;
  GPtrArray *blocked;
} Lists;

static void
lists_free (Lists *lists)
{
  g_clear_pointer (&lists->issuers, g_ptr_array_unref);
  g_clear_pointer (&lists->crls, g_ptr_array_unref);
  g_clear_pointer (&lists->blocked, g_ptr_array_unref);
  g_free (lists);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lists, lists_free)

static gpointer
load_lists_job (ScStore       *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(Lists) lists = g_new0 (Lists, 1);
  g_autoptr(GPtrArray) issuers = NULL;
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(GPtrArray) blocked = NULL;
  GError *policy_error = NULL;

  lists->serial = GPOINTER_TO_UINT (data);
  lists->policy = sc_store_get_policy (store, &policy_error);
  if (policy_error != NULL)
    {
      g_propagate_error (error, policy_error);
      return NULL;
    }

  if ((issuers = sc_store_list_issuers (store, error)) == NULL
      || (crls = sc_store_list_crls (store, error)) == NULL
      || (blocked = sc_store_list_entries (store, SC_LIST_BLOCK, error)) == NULL)
    return NULL;

  lists->issuers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < issuers->len; i++)
    g_ptr_array_add (lists->issuers, sc_trust_item_new_issuer (issuers->pdata[i]));
  lists->crls = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < crls->len; i++)
    g_ptr_array_add (lists->crls, sc_trust_item_new_crl (crls->pdata[i]));
  lists->blocked = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < blocked->len; i++)
    g_ptr_array_add (lists->blocked, sc_trust_item_new_entry (blocked->pdata[i]));

  return g_steal_pointer (&lists);
}

static void
show_list (GListStore *store,
           GPtrArray  *items,
           GtkWidget  *view,
           GtkWidget  *empty_row)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
  gtk_widget_set_visible (view, items->len > 0);
  gtk_widget_set_visible (empty_row, items->len == 0);
}

static void
on_lists_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Caller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = caller_get_window (caller);
  g_autoptr(GError) error = NULL;
  g_autoptr(Lists) lists = sc_store_run_finish (SC_STORE (source), result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (lists == NULL)
    {
      show_toast (self, error->message);
      return;
    }
  /* A later reload is on its way. */
  if (lists->serial != self->reload_serial)
    return;

  show_list (self->issuers, lists->issuers, self->issuers_view, self->issuers_empty);
  show_list (self->crls, lists->crls, self->crls_view, self->crls_empty);
  show_list (self->blocked, lists->blocked, self->blocked_view, self->blocked_empty);

  self->setting_policy = TRUE;
  adw_combo_row_set_selected (self->policy_row, lists->policy == SC_POLICY_REJECT ? 1 : 0);
  self->setting_policy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->policy_row), TRUE);
}

static void
reload_lists (ScPreferencesWindow *self)
{
  sc_store_run_async (sc_account_get_store (self->account), load_lists_job,
                      GUINT_TO_POINTER (++self->reload_serial), NULL,
                      (GDestroyNotify) lists_free, self->cancellable,
                      on_lists_loaded, caller_new (self));
}

/* Every change ends here: a toast for what went wrong or what was done,
 * then the lists as the store has them now. */
static void
on_change_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Caller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = caller_get_window (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *done = sc_store_run_finish (SC_STORE (source), result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    show_toast (self, error->message);
  else if (done != NULL)
    show_toast (self, done);

  reload_lists (self);
}

/* job returns a message for a toast (or NULL for none). */
static void
run_change (ScPreferencesWindow *self,
            ScStoreJob           job,
            gpointer             data,
            GDestroyNotify       data_free)
{
  sc_store_run_async (sc_account_get_store (self->account), job, data, data_free, g_free,
                      self->cancellable, on_change_done, caller_new (self));
}

static gpointer
set_policy_job (ScStore       *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  sc_store_set_policy (store, GPOINTER_TO_INT (data), error);
  return NULL;
}

static void
on_policy_selected (ScPreferencesWindow *self)
{
  ScPolicy policy = adw_combo_row_get_selected (self->policy_row) == 1 ? SC_POLICY_REJECT
                                                                      : SC_POLICY_ASK;

  if (self->setting_policy)
    return;

  run_change (self, set_policy_job, GINT_TO_POINTER (policy), NULL);
}

static gpointer
remove_job (ScStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ScTrustItem *item = data;
  const char *key = sc_trust_item_get_key (item);
  gboolean removed = FALSE;

  switch (sc_trust_item_get_kind (item))
    {
    case SC_TRUST_ITEM_ISSUER:
      removed = sc_store_remove_issuer (store, key, error);
      break;
    case SC_TRUST_ITEM_CRL:
      removed = sc_store_remove_crl (store, key, error);
      break;
    case SC_TRUST_ITEM_ENTRY:
      removed = sc_store_remove_entry (store, sc_trust_item_get_list (item),
                                       sc_trust_item_get_entry_kind (item), key, error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!removed)
    return NULL;
  return g_strdup_printf (_("Removed %s"), sc_trust_item_get_title (item));
}

static void
on_remove_clicked (GtkButton   *button,
                   GtkListItem *list_item)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));
  ScTrustItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    run_change (self, remove_job, g_object_ref (item), g_object_unref);
}

/* Adding issuers and CRLs */

/* The error for the first thing that failed, naming the file; NULL when
 * nothing did. */
static void
note_failure (GError     **first,
              const char  *path,
              GError      *error)
{
  g_autofree char *basename = g_path_get_basename (path);

  if (*first == NULL)
    *first = g_error_new (error->domain, error->code, "%s: %s", basename, error->message);
  g_error_free (error);
}

static gpointer
add_issuers_job (ScStore       *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  const char *path = data;
  g_autoptr(ScPeerCertificate) bundle = NULL;
  GError *local_error = NULL;
  GError *first = NULL;
  guint n_added = 0;

  bundle = sc_peer_certificate_new_from_file (path, &local_error);
  if (bundle == NULL)
    {
      note_failure (error, path, local_error);
      return NULL;
    }

  /* Every certificate of a bundle on its own: one that is not a CA keeps
   * none of the others out. */
  for (guint i = 0; i < sc_peer_certificate_get_length (bundle); i++)
    {
      if (sc_store_add_issuer (store, sc_peer_certificate_get_der (bundle, i), &local_error))
        n_added++;
      else
        note_failure (&first, path, g_steal_pointer (&local_error));
    }

  if (first != NULL)
    {
      g_propagate_error (error, first);
      return NULL;
    }

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u trusted issuer",
                                       "Added %u trusted issuers", n_added), n_added);
}

static void
issuer_file_chosen (ScPreferencesWindow *self,
                    const char          *path)
{
  run_change (self, add_issuers_job, g_strdup (path), g_free);
}

static void
add_issuer_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_file (SC_PREFERENCES_WINDOW (widget), _("Add Trusted Issuers"), _("_Add"), NULL,
               _("Certificates"), certificate_suffixes, issuer_file_chosen);
}

static void
set_gnutls_error (GError     **error,
                  const char  *path,
                  int          code)
{
  g_autofree char *basename = g_path_get_basename (path);

  g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
               _("%s: not a certificate revocation list (%s)"), basename, gnutls_strerror (code));
}

/* The CRLs of a PEM bundle or a DER file, each as DER. */
static GPtrArray *
read_crls (const char  *path,
           GError     **error)
{
  g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) data = NULL;
  gnutls_x509_crl_t *list = NULL;
  unsigned int n_list = 0;
  gnutls_datum_t datum;
  gsize length;
  int ret;

  data = g_file_load_bytes (file, NULL, NULL, error);
  if (data == NULL)
    return NULL;

  datum.data = (unsigned char *) g_bytes_get_data (data, &length);
  datum.size = length;
  ret = gnutls_x509_crl_list_import2 (&list, &n_list, &datum,
                                      g_strstr_len ((const char *) datum.data, length, "-----BEGIN") != NULL
                                      ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
  if (ret < 0)
    {
      set_gnutls_error (error, path, ret);
      return NULL;
    }

  for (unsigned int i = 0; i < n_list; i++)
    {
      gnutls_datum_t der = { NULL, 0 };

      if (ret >= 0)
        ret = gnutls_x509_crl_export2 (list[i], GNUTLS_X509_FMT_DER, &der);
      if (ret >= 0)
        g_ptr_array_add (ders, g_bytes_new (der.data, der.size));
      gnutls_free (der.data);
      gnutls_x509_crl_deinit (list[i]);
    }
  gnutls_free (list);

  if (ret < 0)
    {
      set_gnutls_error (error, path, ret);
      return NULL;
    }

  return g_steal_pointer (&ders);
}

static gpointer
add_crls_job (ScStore       *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  const char *path = data;
  g_autoptr(GPtrArray) ders = read_crls (path, error);
  GError *local_error = NULL;
  GError *first = NULL;
  guint n_added = 0;

  if (ders == NULL)
    return NULL;

  for (guint i = 0; i < ders->len; i++)
    {
      if (sc_store_add_crl (store, ders->pdata[i], &local_error))
        n_added++;
      else
        note_failure (&first, path, g_steal_pointer (&local_error));
    }

  if (first != NULL)
    {
      g_propagate_error (error, first);
      return NULL;
    }

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u revocation list",
                                       "Added %u revocation lists", n_added), n_added);
}

static void
crl_file_chosen (ScPreferencesWindow *self,
                 const char          *path)
{
  run_change (self, add_crls_job, g_strdup (path), g_free);
}

static void
add_crl_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  choose_file (SC_PREFERENCES_WINDOW (widget), _("Add Revocation Lists"), _("_Add"), NULL,
               _("Revocation Lists"), crl_suffixes, crl_file_chosen);
}

/* Network */

/* The address the entry holds, without brackets, as GLib writes it ("::"
 * when empty); NULL when it is not an IP address. */
static char *
entered_address (ScPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row))));
  g_autoptr(GInetAddress) address = NULL;
  gsize length = strlen (text);

  if (length == 0)
    return g_strdup ("::");

  if (length > 2 && text[0] == '[' && text[length - 1] == ']')
    {
      text[length - 1] = '\0';
      memmove (text, text + 1, length - 1);
    }

  address = g_inet_address_new_from_string (text);
  return address != NULL ? g_inet_address_to_string (address) : NULL;
}

static void
set_status (ScPreferencesWindow *self,
            const char          *icon_name,
            const char          *style,
            const char          *text)
{
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), icon_name != NULL);
  gtk_label_set_label (self->status_label, text);

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "success");
  if (style != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), style);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), style);
    }
}

static void
update_network_status (ScPreferencesWindow *self)
{
  ScUserAgent *agent = sc_account_get_agent (self->account);
  const char *listen_error = sc_account_get_listen_error (self->account);
  g_autofree char *address = entered_address (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.apply-network",
                                 address != NULL && !self->network_busy);

  if (self->network_busy)
    {
      set_status (self, NULL, "dim-label", _("Applying…"));
    }
  else if (self->network_error != NULL || listen_error != NULL)
    {
      g_autofree char *text =
        g_strdup_printf (_("Not listening: %s"),
                         self->network_error != NULL ? self->network_error : listen_error);

      set_status (self, "dialog-warning-symbolic", "error", text);
    }
  else if (agent != NULL && sc_user_agent_is_listening (agent))
    {
      g_autofree char *text = NULL;

      /* Translators: %s is an address and port, e.g. "Listening on [::]:4605". */
      text = g_strdup_printf (_("Listening on %s"), sc_user_agent_get_listen_address (agent));
      set_status (self, "emblem-ok-symbolic", "success", text);
    }
  else
    {
      set_status (self, NULL, "dim-label",
                  _("Not listening: create or import your identity first"));
    }
}

static void
on_network_changed (ScPreferencesWindow *self)
{
  g_autofree char *address = entered_address (self);

  if (address == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");

  update_network_status (self);
}

/* The configured address and port in the form. */
static void
load_network_settings (ScPreferencesWindow *self)
{
  const char *address = sc_account_get_listen_address (self->account);
  guint port = sc_account_get_listen_port (self->account);
  ScUserAgent *agent = sc_account_get_agent (self->account);

  /* Port 0 (any free port) is for tests; show the one in use. */
  if (port == 0 && agent != NULL && sc_user_agent_is_listening (agent))
    port = sc_user_agent_get_port (agent);

  gtk_editable_set_text (GTK_EDITABLE (self->address_row),
                         g_strcmp0 (address, "::") != 0 ? address : "");
  gtk_spin_button_set_value (self->port_spin, port);
  on_network_changed (self);
}

static void
on_network_restarted (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Caller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = NULL;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: the agent does not listen; the account says why. */
  sc_account_restart_finish (SC_ACCOUNT (source), result, &error);
  self = caller_get_window (caller);
  if (self == NULL)
    return;

  self->network_busy = FALSE;
  g_clear_pointer (&self->network_error, g_free);
  if (error != NULL)
    self->network_error = g_strdup (error->message);
  update_network_status (self);
}

static void
on_network_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Caller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = NULL;
  g_autoptr(GError) error = NULL;

  sc_store_run_finish (SC_STORE (source), result, &error);
  if (error == NULL)
    {
      ScAccount *account = caller->account;

      /* Saved: listen there even when the window closed meanwhile. */
      sc_account_restart_async (account, NULL, on_network_restarted, g_steal_pointer (&caller));
      return;
    }

  self = caller_get_window (caller);
  if (self == NULL)
    return;

  self->network_busy = FALSE;
  self->network_error = g_strdup (error->message);
  update_network_status (self);
}

typedef struct
{
  char *address;
  char *port;
} NetworkSettings;

static void
network_settings_free (NetworkSettings *settings)
{
  g_free (settings->address);
  g_free (settings->port);
  g_free (settings);
}

static gpointer
save_network_job (ScStore       *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  NetworkSettings *settings = data;

  if (sc_store_set_setting (store, "listen-address", settings->address, error))
    sc_store_set_setting (store, "listen-port", settings->port, error);
  return NULL;
}

static void
apply_network_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (widget);
  NetworkSettings *settings;
  char *address = entered_address (self);

  if (address == NULL || self->network_busy)
    {
      g_free (address);
      return;
    }

  settings = g_new0 (NetworkSettings, 1);
  settings->address = address;
  settings->port = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->port_spin));

  self->network_busy = TRUE;
  g_clear_pointer (&self->network_error, g_free);
  update_network_status (self);

  sc_store_run_async (sc_account_get_store (self->account), save_network_job,
                      settings, (GDestroyNotify) network_settings_free, NULL,
                      NULL, on_network_saved, caller_new (self));
}

/* Construction */

static void
on_identity_changed (ScPreferencesWindow *self)
{
  update_identity (self);
}

static void
on_agent_changed (ScPreferencesWindow *self)
{
  update_network_status (self);
}

ScPreferencesWindow *
sc_preferences_window_new (GtkWindow *parent,
                           ScAccount *account)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SC_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (sc_account_get_store (account) != NULL, NULL);

  return g_object_new (SC_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       "account", account,
                       NULL);
}

static void
sc_preferences_window_constructed (GObject *object)
{
  ScPreferencesWindow *self = (ScPreferencesWindow *) object;

  G_OBJECT_CLASS (sc_preferences_window_parent_class)->constructed (object);

  g_signal_connect_object (self->account, "notify::identity",
                           G_CALLBACK (on_identity_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account, "notify::agent",
                           G_CALLBACK (on_agent_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account, "notify::listen-error",
                           G_CALLBACK (on_agent_changed), self, G_CONNECT_SWAPPED);

  update_identity (self);
  load_network_settings (self);
  reload_lists (self);
}

static void
sc_preferences_window_dispose (GObject *object)
{
  ScPreferencesWindow *self = (ScPreferencesWindow *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);

  drop_chooser (self);

  /* The dialogs are toplevels of their own: once the template lets go of
   * them, only their destruction ends them. */
  if (self->replace_dialog != NULL)
    {
      GtkWindow *dialogs[] = { GTK_WINDOW (self->replace_dialog), GTK_WINDOW (self->export_dialog),
                               GTK_WINDOW (self->import_dialog), GTK_WINDOW (self->create_dialog) };

      gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_PREFERENCES_WINDOW);
      for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++)
        {
          /* libadwaita 1.2: a password row whose text still has the focus
           * when its window goes is called back after it is gone. */
          gtk_window_set_focus (dialogs[i], NULL);
          gtk_window_destroy (dialogs[i]);
        }
    }

  G_OBJECT_CLASS (sc_preferences_window_parent_class)->dispose (object);
}

static void
sc_preferences_window_finalize (GObject *object)
{
  ScPreferencesWindow *self = (ScPreferencesWindow *) object;

  g_clear_object (&self->account);
  g_clear_object (&self->cancellable);
  g_free (self->pending_path);
  g_free (self->network_error);

  G_OBJECT_CLASS (sc_preferences_window_parent_class)->finalize (object);
}

static void
sc_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (object);

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
sc_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_preferences_window_class_init (ScPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sc_preferences_window_constructed;
  object_class->dispose = sc_preferences_window_dispose;
  object_class->finalize = sc_preferences_window_finalize;
  object_class->get_property = sc_preferences_window_get_property;
  object_class->set_property = sc_preferences_window_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SC_TYPE_TRUST_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, user_id_label);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, not_before_label);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, not_after_label);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, policy_row);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, issuers);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, issuers_view);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, issuers_empty);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, crls);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, crls_view);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, crls_empty);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, blocked);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, blocked_view);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, blocked_empty);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, replace_dialog);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, export_dialog);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, export_passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, export_confirm_row);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, import_dialog);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, import_passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, create_dialog);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, create_name_row);
  gtk_widget_class_bind_template_child (widget_class, ScPreferencesWindow, create_user_row);
  gtk_widget_class_bind_template_callback (widget_class, on_policy_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_network_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_replace_response);
  gtk_widget_class_bind_template_callback (widget_class, on_export_response);
  gtk_widget_class_bind_template_callback (widget_class, on_export_passphrase_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_import_response);
  gtk_widget_class_bind_template_callback (widget_class, on_create_response);
  gtk_widget_class_bind_template_callback (widget_class, on_create_changed);

  gtk_widget_class_install_action (widget_class, "prefs.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "prefs.replace", NULL, replace_action);
  gtk_widget_class_install_action (widget_class, "prefs.save-request", NULL, save_request_action);
  gtk_widget_class_install_action (widget_class, "prefs.import-signed", NULL, import_signed_action);
  gtk_widget_class_install_action (widget_class, "prefs.add-issuer", NULL, add_issuer_action);
  gtk_widget_class_install_action (widget_class, "prefs.add-crl", NULL, add_crl_action);
  gtk_widget_class_install_action (widget_class, "prefs.apply-network", NULL, apply_network_action);
}

static void
sc_preferences_window_init (ScPreferencesWindow *self)
{
  GtkEditable *address_text;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The default shows while the row is being edited and empty. */
  address_text = gtk_editable_get_delegate (GTK_EDITABLE (self->address_row));
  if (GTK_IS_TEXT (address_text))
    gtk_text_set_placeholder_text (GTK_TEXT (address_text), "::");
}
