/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sc-preferences-window-private.h"
#include "sc-trust-item.h"

/* Warn this long before my certificate expires. */
#define EXPIRY_WARNING_DAYS 30

static const char *key_suffixes[] = { "pem", "key", NULL };
static const char *pkcs12_suffixes[] = { "p12", "pfx", NULL };
static const char *request_suffixes[] = { "csr", "pem", NULL };

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

void
sc_preferences_window_update_identity (ScPreferencesWindow *self)
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
  g_autoptr(ScPreferencesWindowCaller) caller = user_data;
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

  self = sc_preferences_window_caller_get_window (caller);
  if (self == NULL)
    return;

  self->identity_busy = FALSE;
  update_identity_actions (self);

  if (identity == NULL)
    {
      sc_preferences_window_show_toast (self, error->message);
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
  sc_preferences_window_show_toast (self, message);
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
  task = g_task_new (NULL, NULL, on_identity_job_done, sc_preferences_window_caller_new (self));
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

void
sc_preferences_window_on_export_passphrase_changed (ScPreferencesWindow *self)
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

void
sc_preferences_window_on_export_response (AdwMessageDialog    *dialog,
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

void
sc_preferences_window_export_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (widget);
  g_autofree char *name = file_name_for (self, "p12");

  sc_preferences_window_choose_file (self, _("Export Your Identity"), _("_Save"), name,
                                     _("PKCS#12 Files"), pkcs12_suffixes, export_file_chosen);
}

/* Certificate request and signed certificate */

static void
request_file_chosen (ScPreferencesWindow *self,
                     const char          *path)
{
  run_identity_job (self, identity_job_new (IDENTITY_SAVE_REQUEST, path));
}

void
sc_preferences_window_save_request_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (widget);
  g_autofree char *name = file_name_for (self, "csr");

  sc_preferences_window_choose_file (self, _("Save Certificate Request"), _("_Save"), name,
                                     _("Certificate Requests"), request_suffixes,
                                     request_file_chosen);
}

static void
signed_file_chosen (ScPreferencesWindow *self,
                    const char          *path)
{
  run_identity_job (self, identity_job_new (IDENTITY_IMPORT_SIGNED, path));
}

void
sc_preferences_window_import_signed_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  sc_preferences_window_choose_file (SC_PREFERENCES_WINDOW (widget),
                                     _("Import Signed Certificate"), _("_Import"), NULL,
                                     _("Certificates"), sc_preferences_window_certificate_suffixes,
                                     signed_file_chosen);
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

  sc_preferences_window_choose_file (self, _("Choose the Private Key"), _("_Import"), NULL,
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

void
sc_preferences_window_on_import_response (AdwMessageDialog    *dialog,
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

void
sc_preferences_window_on_create_changed (ScPreferencesWindow *self)
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

void
sc_preferences_window_on_create_response (AdwMessageDialog    *dialog,
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

void
sc_preferences_window_on_replace_response (AdwMessageDialog    *dialog,
                                           const char          *response,
                                           ScPreferencesWindow *self)
{
  ScIdentity *identity = sc_account_get_identity (self->account);

  if (g_strcmp0 (response, "pkcs12") == 0)
    {
      sc_preferences_window_choose_file (self, _("Import a PKCS#12 File"), _("_Import"), NULL,
                                         _("PKCS#12 Files"), pkcs12_suffixes, pkcs12_file_chosen);
    }
  else if (g_strcmp0 (response, "pem") == 0)
    {
      sc_preferences_window_choose_file (self, _("Choose the Certificate"), _("_Next"), NULL,
                                         _("Certificates"),
                                         sc_preferences_window_certificate_suffixes,
                                         certificate_file_chosen);
    }
  else if (g_strcmp0 (response, "create") == 0)
    {
      gtk_editable_set_text (self->create_name_row,
                             identity != NULL ? sc_identity_get_name (identity) : "");
      gtk_editable_set_text (self->create_user_row,
                             identity != NULL ? sc_identity_get_user_id (identity) : "");
      sc_preferences_window_on_create_changed (self);
      present_dialog (self, self->create_dialog);
      gtk_widget_grab_focus (GTK_WIDGET (self->create_name_row));
    }
}

void
sc_preferences_window_replace_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (widget);

  present_dialog (self, self->replace_dialog);
}
