/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sc-welcome-page.h"

/* The files the page asks the user for. */
typedef enum
{
  SLOT_PKCS12,
  SLOT_CERTIFICATE,
  SLOT_KEY,
  SLOT_SIGNED,
  SLOT_REQUEST,   /* where to save the certificate request */
  N_SLOTS
} Slot;

static const struct
{
  const char *name;
  const char *title;
  const char *filter_name;
  const char *suffixes[4];
} slots[N_SLOTS] = {
  { "pkcs12", N_("Choose a PKCS#12 File"), N_("PKCS#12 Files"), { "p12", "pfx", NULL } },
  { "certificate", N_("Choose the Certificate"), N_("PEM Certificates"), { "pem", "crt", "cer", NULL } },
  { "key", N_("Choose the Private Key"), N_("PEM Keys"), { "pem", "key", NULL } },
  { "signed", N_("Choose the Signed Certificate"), N_("PEM Certificates"), { "pem", "crt", "cer", NULL } },
  { "request", N_("Save the Certificate Request"), NULL, { NULL } },
};

/* What a worker thread does for the page. */
typedef enum
{
  JOB_CREATE,
  JOB_CREATE_REQUEST,
  JOB_SAVE_REQUEST,
  JOB_IMPORT_PKCS12,
  JOB_IMPORT_PAIR,
  JOB_IMPORT_SIGNED,
} JobKind;

typedef struct
{
  JobKind          kind;
  char            *profile_dir;
  ScIdentityFlags  flags;
  char            *name;
  char            *user_id;
  char            *passphrase;
  GFile           *file;         /* to import, or where to save the request */
  GFile           *key_file;
  char            *request_pem;  /* saved by JOB_SAVE_REQUEST, made by JOB_CREATE_REQUEST */
  ScIdentity      *identity;     /* the result of every other job */
} Job;

struct _ScWelcomePage
{
  AdwBin           parent_instance;

  ScAccount       *account;
  GCancellable    *cancellable;
  gboolean         busy;
  GtkWidget       *focus_before_busy;  /* weak */
  GtkNativeDialog *chooser;
  Slot             chooser_slot;
  GFile           *file_for_testing;
  GFile           *files[SLOT_REQUEST];  /* chosen to import */
  /* Made on this page for a certificate request and not announced yet; its
   * files in the profile are ours to replace. */
  ScIdentity      *request_identity;
  char            *request_pem;

  GtkStack        *stack;
  GtkStack        *forms;
  GtkLabel        *form_title;
  AdwEntryRow     *create_name_row;
  AdwEntryRow     *create_user_id_row;
  AdwEntryRow     *passphrase_row;
  AdwEntryRow     *request_name_row;
  AdwEntryRow     *request_user_id_row;
  AdwActionRow    *pkcs12_file_row;
  AdwActionRow    *certificate_file_row;
  AdwActionRow    *key_file_row;
  AdwActionRow    *signed_file_row;
  GtkWidget       *signed_box;
  GtkLabel        *request_saved_label;
  GtkSpinner      *spinner;
  GtkLabel        *error_label;
};

G_DEFINE_FINAL_TYPE (ScWelcomePage, sc_welcome_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

enum {
  IDENTITY_READY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
job_free (Job *job)
{
  g_free (job->profile_dir);
  g_free (job->name);
  g_free (job->user_id);
  if (job->passphrase != NULL)
    memset (job->passphrase, 0, strlen (job->passphrase));
  g_free (job->passphrase);
  g_clear_object (&job->file);
  g_clear_object (&job->key_file);
  g_free (job->request_pem);
  g_clear_object (&job->identity);
  g_free (job);
}

static char *
file_display_name (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path != NULL ? g_filename_display_basename (path) : g_file_get_parse_name (file);
}

static char *
local_path (GFile   *file,
            GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is not a local file"), name);
    }

  return path;
}

static gboolean
run_job (Job     *job,
         GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *key_path = NULL;

  if (job->kind != JOB_SAVE_REQUEST && job->file != NULL &&
      (path = local_path (job->file, error)) == NULL)
    return FALSE;
  if (job->key_file != NULL && (key_path = local_path (job->key_file, error)) == NULL)
    return FALSE;

  switch (job->kind)
    {
    case JOB_CREATE:
      job->identity = sc_identity_create (job->profile_dir, job->name, job->user_id,
                                          job->flags, error);
      return job->identity != NULL;

    case JOB_CREATE_REQUEST:
      job->identity = sc_identity_create (job->profile_dir, job->name, job->user_id,
                                          job->flags, error);
      if (job->identity == NULL)
        return FALSE;
      job->request_pem = sc_identity_create_csr (job->identity, error);
      return job->request_pem != NULL;

    case JOB_SAVE_REQUEST:
      /* Written to a temporary file that then replaces the target. */
      return g_file_replace_contents (job->file, job->request_pem, strlen (job->request_pem),
                                      NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, error);

    case JOB_IMPORT_PKCS12:
      job->identity = sc_identity_import_pkcs12 (job->profile_dir, path, job->passphrase,
                                                 job->flags, error);
      return job->identity != NULL;

    case JOB_IMPORT_PAIR:
      job->identity = sc_identity_import (job->profile_dir, path, key_path, job->flags, error);
      return job->identity != NULL;

    case JOB_IMPORT_SIGNED:
      /* Without a key file: the answer to our request, for the profile's key. */
      job->identity = sc_identity_import (job->profile_dir, path, NULL, job->flags, error);
      return job->identity != NULL;
    }

  g_assert_not_reached ();
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (run_job (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
user_id_is_valid (AdwEntryRow *row)
{
  g_autofree char *user_id = sc_user_id_normalize (gtk_editable_get_text (GTK_EDITABLE (row)));

  return sc_user_id_is_valid (user_id);
}

static gboolean
name_and_user_id_valid (AdwEntryRow *name_row,
                        AdwEntryRow *user_id_row)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (name_row))));

  return name[0] != '\0' && user_id_is_valid (user_id_row);
}

static void
update_actions (ScWelcomePage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean idle = !self->busy && self->account != NULL;

  gtk_widget_action_set_enabled (widget, "welcome.show", idle);
  gtk_widget_action_set_enabled (widget, "welcome.back", idle);
  gtk_widget_action_set_enabled (widget, "welcome.choose-file", idle);
  gtk_widget_action_set_enabled (widget, "welcome.create",
                                 idle && name_and_user_id_valid (self->create_name_row,
                                                                 self->create_user_id_row));
  gtk_widget_action_set_enabled (widget, "welcome.create-request",
                                 idle && name_and_user_id_valid (self->request_name_row,
                                                                 self->request_user_id_row));
  gtk_widget_action_set_enabled (widget, "welcome.import-pkcs12",
                                 idle && self->files[SLOT_PKCS12] != NULL);
  gtk_widget_action_set_enabled (widget, "welcome.import-pair",
                                 idle && self->files[SLOT_CERTIFICATE] != NULL &&
                                 self->files[SLOT_KEY] != NULL);
  gtk_widget_action_set_enabled (widget, "welcome.save-request",
                                 idle && self->request_identity != NULL &&
                                 self->request_pem != NULL);
  gtk_widget_action_set_enabled (widget, "welcome.import-signed",
                                 idle && self->request_identity != NULL &&
                                 self->files[SLOT_SIGNED] != NULL);
  gtk_widget_action_set_enabled (widget, "welcome.continue",
                                 idle && self->request_identity != NULL);
}

static void
set_busy (ScWelcomePage *self,
          gboolean       busy)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* Take the focus out of a form before it turns insensitive: a text field
   * would otherwise keep blinking its cursor.  An error gives it back. */
  if (busy && focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->forms)))
    {
      g_set_weak_pointer (&self->focus_before_busy, focus);
      gtk_root_set_focus (root, NULL);
    }

  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forms), !busy);
  update_actions (self);
}

static void
show_error (ScWelcomePage *self,
            const char    *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
clear_error (ScWelcomePage *self)
{
  show_error (self, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->passphrase_row), "error");
}

static AdwActionRow *
file_row (ScWelcomePage *self,
          Slot           slot)
{
  switch (slot)
    {
    case SLOT_PKCS12:
      return self->pkcs12_file_row;
    case SLOT_CERTIFICATE:
      return self->certificate_file_row;
    case SLOT_KEY:
      return self->key_file_row;
    case SLOT_SIGNED:
      return self->signed_file_row;
    case SLOT_REQUEST:
    case N_SLOTS:
      break;
    }

  g_assert_not_reached ();
}

/* The request identity is in use now, or replaced. */
static void
forget_request (ScWelcomePage *self)
{
  g_clear_object (&self->request_identity);
  g_clear_pointer (&self->request_pem, g_free);
  update_actions (self);
}

/* What went wrong, in the user's words; the core's message names the file
 * and the cause where there is no better summary. */
static char *
describe_error (Job          *job,
                const GError *error)
{
  g_autofree char *file = job->file != NULL ? file_display_name (job->file) : NULL;

  if (g_error_matches (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PASSPHRASE))
    return g_strdup_printf (_("Wrong passphrase for “%s”. Nothing was imported."), file);

  if (g_error_matches (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_KEY_MISMATCH))
    {
      g_autofree char *key = NULL;

      if (job->kind == JOB_IMPORT_SIGNED)
        return g_strdup_printf (_("The certificate in “%s” is not for the key of your request. "
                                  "Nothing was imported."), file);

      key = file_display_name (job->key_file);
      return g_strdup_printf (_("The certificate in “%s” does not belong to the private key in "
                                "“%s”. Nothing was imported."), file, key);
    }

  switch (job->kind)
    {
    case JOB_CREATE:
    case JOB_CREATE_REQUEST:
      return g_strdup_printf (_("Cannot create the identity: %s"), error->message);
    case JOB_SAVE_REQUEST:
      return g_strdup_printf (_("Cannot save the request: %s"), error->message);
    case JOB_IMPORT_PKCS12:
    case JOB_IMPORT_PAIR:
    case JOB_IMPORT_SIGNED:
      return g_strdup_printf (_("Nothing was imported: %s"), error->message);
    }

  g_assert_not_reached ();
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* Cancelled only when the page goes away. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Even when its request failed, the new identity exists now, and an
   * earlier request is for a key that is gone. */
  if (job->kind == JOB_CREATE_REQUEST && job->identity != NULL)
    {
      g_set_object (&self->request_identity, job->identity);
      g_free (self->request_pem);
      self->request_pem = g_steal_pointer (&job->request_pem);
    }

  set_busy (self, FALSE);

  if (error != NULL)
    {
      g_autofree char *message = describe_error (job, error);

      show_error (self, message);
      if (g_error_matches (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PASSPHRASE))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->passphrase_row), "error");
          g_set_weak_pointer (&self->focus_before_busy, GTK_WIDGET (self->passphrase_row));
        }
      if (self->focus_before_busy != NULL)
        gtk_widget_grab_focus (self->focus_before_busy);
      g_clear_weak_pointer (&self->focus_before_busy);
      return;
    }

  g_clear_weak_pointer (&self->focus_before_busy);

  switch (job->kind)
    {
    case JOB_CREATE_REQUEST:
      gtk_widget_set_visible (self->signed_box, FALSE);
      gtk_stack_set_visible_child_name (self->forms, "request-made");
      update_actions (self);
      break;

    case JOB_SAVE_REQUEST:
      {
        g_autofree char *name = file_display_name (job->file);
        g_autofree char *text =
          g_strdup_printf (_("The request is saved in “%s”. Send this request to your CA; when "
                             "the signed certificate arrives, import it here."), name);

        gtk_label_set_label (self->request_saved_label, text);
        gtk_widget_set_visible (self->signed_box, TRUE);
      }
      break;

    case JOB_CREATE:
    case JOB_IMPORT_PKCS12:
    case JOB_IMPORT_PAIR:
    case JOB_IMPORT_SIGNED:
      forget_request (self);
      g_signal_emit (self, signals[IDENTITY_READY], 0, job->identity);
      break;
    }
}

/* Takes job and runs it in a worker thread. */
static void
start_job (ScWelcomePage *self,
           Job           *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_job_done, NULL);

  job->profile_dir = g_strdup (sc_account_get_profile_dir (self->account));
  job->flags = self->request_identity != NULL ? SC_IDENTITY_FLAGS_REPLACE
                                              : SC_IDENTITY_FLAGS_NONE;
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  clear_error (self);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, job_thread);
}

static void
file_chosen (ScWelcomePage *self,
             Slot           slot,
             GFile         *file)
{
  g_autofree char *name = NULL;

  if (slot == SLOT_REQUEST)
    {
      Job *job = g_new0 (Job, 1);

      job->kind = JOB_SAVE_REQUEST;
      job->file = g_object_ref (file);
      job->request_pem = g_strdup (self->request_pem);
      start_job (self, job);
      return;
    }

  g_set_object (&self->files[slot], file);
  name = file_display_name (file);
  adw_action_row_set_subtitle (file_row (self, slot), name);
  clear_error (self);
  update_actions (self);
}

static void
drop_chooser (ScWelcomePage *self)
{
  if (self->chooser == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->chooser, self);
  gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     ScWelcomePage   *self)
{
  g_autoptr(GFile) file = NULL;
  Slot slot = self->chooser_slot;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  drop_chooser (self);

  if (file != NULL)
    file_chosen (self, slot, file);
}

static void
add_filters (GtkFileChooser *chooser,
             Slot            slot)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _(slots[slot].filter_name));
  for (guint i = 0; slots[slot].suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, slots[slot].suffixes[i]);
  gtk_file_chooser_add_filter (chooser, filter);

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);
}

static void
choose_file (ScWelcomePage *self,
             Slot           slot)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean save = slot == SLOT_REQUEST;
  GtkFileChooserNative *chooser;

  if (self->file_for_testing != NULL)
    {
      g_autoptr(GFile) file = g_steal_pointer (&self->file_for_testing);

      file_chosen (self, slot, file);
      return;
    }

  drop_chooser (self);
  chooser = gtk_file_chooser_native_new (_(slots[slot].title),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                              : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         save ? _("_Save") : _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (save)
    {
      g_autofree char *name =
        g_strdup_printf ("%s.csr", sc_identity_get_user_id (self->request_identity));

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  else
    {
      add_filters (GTK_FILE_CHOOSER (chooser), slot);
    }

  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  self->chooser_slot = slot;
  gtk_native_dialog_show (self->chooser);
}

/* Template callbacks */

static void
on_form_changed (GtkStack      *forms,
                 GParamSpec    *pspec,
                 ScWelcomePage *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (forms);

  if (child != NULL)
    gtk_label_set_label (self->form_title,
                         gtk_stack_page_get_title (gtk_stack_get_page (forms, child)));
}

static void
on_entry_changed (GtkEditable   *editable,
                  ScWelcomePage *self)
{
  GtkWidget *row = GTK_WIDGET (editable);

  if (row == GTK_WIDGET (self->create_user_id_row) ||
      row == GTK_WIDGET (self->request_user_id_row))
    {
      const char *text = gtk_editable_get_text (editable);

      if (text[0] != '\0' && !user_id_is_valid (ADW_ENTRY_ROW (row)))
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
    }

  update_actions (self);
}

/* Enter moves to the next field, and in the last one does the form's job. */
static void
on_entry_activated (AdwEntryRow   *row,
                    ScWelcomePage *self)
{
  if (row == self->create_name_row)
    gtk_widget_grab_focus (GTK_WIDGET (self->create_user_id_row));
  else if (row == self->create_user_id_row)
    gtk_widget_activate_action (GTK_WIDGET (self), "welcome.create", NULL);
  else if (row == self->request_name_row)
    gtk_widget_grab_focus (GTK_WIDGET (self->request_user_id_row));
  else if (row == self->request_user_id_row)
    gtk_widget_activate_action (GTK_WIDGET (self), "welcome.create-request", NULL);
  else if (row == self->passphrase_row)
    gtk_widget_activate_action (GTK_WIDGET (self), "welcome.import-pkcs12", NULL);
}

/* Actions */

static void
show_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);
  const char *form = g_variant_get_string (parameter, NULL);

  g_return_if_fail (gtk_stack_get_child_by_name (self->forms, form) != NULL);

  clear_error (self);
  gtk_stack_set_visible_child_name (self->forms, form);
  gtk_stack_set_visible_child_name (self->stack, "form");

  if (g_str_equal (form, "create"))
    gtk_widget_grab_focus (GTK_WIDGET (self->create_name_row));
  else if (g_str_equal (form, "request"))
    gtk_widget_grab_focus (GTK_WIDGET (self->request_name_row));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);

  clear_error (self);
  gtk_stack_set_visible_child_name (self->stack, "choose");
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const char *name = g_variant_get_string (parameter, NULL);

  for (Slot slot = 0; slot < SLOT_REQUEST; slot++)
    if (g_str_equal (name, slots[slot].name))
      {
        choose_file (SC_WELCOME_PAGE (widget), slot);
        return;
      }

  g_return_if_reached ();
}

static Job *
job_with_name (JobKind      kind,
               AdwEntryRow *name_row,
               AdwEntryRow *user_id_row)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (name_row))));
  job->user_id = g_strdup (gtk_editable_get_text (GTK_EDITABLE (user_id_row)));

  return job;
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);

  start_job (self, job_with_name (JOB_CREATE, self->create_name_row, self->create_user_id_row));
}

static void
create_request_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);

  start_job (self, job_with_name (JOB_CREATE_REQUEST,
                                  self->request_name_row, self->request_user_id_row));
}

static void
save_request_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  choose_file (SC_WELCOME_PAGE (widget), SLOT_REQUEST);
}

static void
import_pkcs12_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_IMPORT_PKCS12;
  job->file = g_object_ref (self->files[SLOT_PKCS12]);
  job->passphrase = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)));
  start_job (self, job);
}

static void
import_pair_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_IMPORT_PAIR;
  job->file = g_object_ref (self->files[SLOT_CERTIFICATE]);
  job->key_file = g_object_ref (self->files[SLOT_KEY]);
  start_job (self, job);
}

static void
import_signed_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_IMPORT_SIGNED;
  job->file = g_object_ref (self->files[SLOT_SIGNED]);
  start_job (self, job);
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (widget);
  g_autoptr(ScIdentity) identity = g_object_ref (self->request_identity);

  forget_request (self);
  g_signal_emit (self, signals[IDENTITY_READY], 0, identity);
}

/* Public API */

GtkWidget *
sc_welcome_page_new (ScAccount *account)
{
  return g_object_new (SC_TYPE_WELCOME_PAGE, "account", account, NULL);
}

void
sc_welcome_page_set_file_for_testing (ScWelcomePage *self,
                                      GFile         *file)
{
  g_return_if_fail (SC_IS_WELCOME_PAGE (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->file_for_testing, file);
}

static void
sc_welcome_page_dispose (GObject *object)
{
  ScWelcomePage *self = (ScWelcomePage *) object;

  g_cancellable_cancel (self->cancellable);
  drop_chooser (self);
  g_clear_weak_pointer (&self->focus_before_busy);
  /* The template's stack is the bin's child: unparented once, by the bin. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_WELCOME_PAGE);

  g_clear_object (&self->account);
  g_clear_object (&self->file_for_testing);
  for (guint i = 0; i < G_N_ELEMENTS (self->files); i++)
    g_clear_object (&self->files[i]);
  g_clear_object (&self->request_identity);

  G_OBJECT_CLASS (sc_welcome_page_parent_class)->dispose (object);
}

static void
sc_welcome_page_finalize (GObject *object)
{
  ScWelcomePage *self = (ScWelcomePage *) object;

  g_clear_object (&self->cancellable);
  g_free (self->request_pem);

  G_OBJECT_CLASS (sc_welcome_page_parent_class)->finalize (object);
}

static void
sc_welcome_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      if (g_set_object (&self->account, g_value_get_object (value)))
        {
          update_actions (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_welcome_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (object);

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
sc_welcome_page_class_init (ScWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_welcome_page_dispose;
  object_class->finalize = sc_welcome_page_finalize;
  object_class->set_property = sc_welcome_page_set_property;
  object_class->get_property = sc_welcome_page_get_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[IDENTITY_READY] =
    g_signal_new ("identity-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SC_TYPE_IDENTITY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, stack);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, forms);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, form_title);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, create_name_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, create_user_id_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, request_name_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, request_user_id_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, pkcs12_file_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, certificate_file_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, key_file_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, signed_file_row);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, signed_box);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, request_saved_label);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, ScWelcomePage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "welcome.show", "s", show_action);
  gtk_widget_class_install_action (widget_class, "welcome.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "welcome.choose-file", "s", choose_file_action);
  gtk_widget_class_install_action (widget_class, "welcome.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "welcome.create-request", NULL,
                                   create_request_action);
  gtk_widget_class_install_action (widget_class, "welcome.save-request", NULL,
                                   save_request_action);
  gtk_widget_class_install_action (widget_class, "welcome.import-pkcs12", NULL,
                                   import_pkcs12_action);
  gtk_widget_class_install_action (widget_class, "welcome.import-pair", NULL, import_pair_action);
  gtk_widget_class_install_action (widget_class, "welcome.import-signed", NULL,
                                   import_signed_action);
  gtk_widget_class_install_action (widget_class, "welcome.continue", NULL, continue_action);
}

static void
sc_welcome_page_init (ScWelcomePage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  on_form_changed (self->forms, NULL, self);
  update_actions (self);
}
