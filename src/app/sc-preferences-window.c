/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sc-preferences-window-private.h"
#include "sc-trust-item.h"

G_DEFINE_FINAL_TYPE (ScPreferencesWindow, sc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

ScPreferencesWindowCaller *
sc_preferences_window_caller_new (ScPreferencesWindow *self)
{
  ScPreferencesWindowCaller *caller = g_new0 (ScPreferencesWindowCaller, 1);

  g_weak_ref_init (&caller->window, self);
  caller->account = g_object_ref (self->account);
  return caller;
}

void
sc_preferences_window_caller_free (ScPreferencesWindowCaller *caller)
{
  g_weak_ref_clear (&caller->window);
  g_object_unref (caller->account);
  g_free (caller);
}

/* The window, when it is still open. */
ScPreferencesWindow *
sc_preferences_window_caller_get_window (ScPreferencesWindowCaller *caller)
{
  ScPreferencesWindow *self = g_weak_ref_get (&caller->window);

  if (self != NULL && g_cancellable_is_cancelled (self->cancellable))
    g_clear_object (&self);
  return self;
}

void
sc_preferences_window_show_toast (ScPreferencesWindow *self,
                                  const char          *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
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
  ScPreferencesWindowFileChosen chosen = self->file_chosen;

  g_assert (GTK_NATIVE_DIALOG (chooser) == dialog);

  self->file_chosen = NULL;
  if (response != GTK_RESPONSE_ACCEPT)
    return;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    {
      sc_preferences_window_show_toast (self, _("Choose a file on this computer"));
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
void
sc_preferences_window_choose_file (ScPreferencesWindow           *self,
                                   const char                    *title,
                                   const char                    *accept_label,
                                   const char                    *suggested_name,
                                   const char                    *filter_name,
                                   const char                   **suffixes,
                                   ScPreferencesWindowFileChosen  chosen)
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

const char *sc_preferences_window_certificate_suffixes[] = { "pem", "crt", "cer", "der", NULL };

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
  g_autoptr(ScPreferencesWindowCaller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = NULL;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: the agent does not listen; the account says why. */
  sc_account_restart_finish (SC_ACCOUNT (source), result, &error);
  self = sc_preferences_window_caller_get_window (caller);
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
  g_autoptr(ScPreferencesWindowCaller) caller = user_data;
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

  self = sc_preferences_window_caller_get_window (caller);
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
                      NULL, on_network_saved, sc_preferences_window_caller_new (self));
}

/* Construction */

static void
on_identity_changed (ScPreferencesWindow *self)
{
  sc_preferences_window_update_identity (self);
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

  sc_preferences_window_update_identity (self);
  load_network_settings (self);
  sc_preferences_window_reload_lists (self);
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
  /* The handler names in the template; the callbacks live in the files
   * of their part of the window. */
#define BIND_CALLBACK(name) \
  gtk_widget_class_bind_template_callback_full (widget_class, #name, \
                                                G_CALLBACK (sc_preferences_window_##name))
  BIND_CALLBACK (on_policy_selected);
  BIND_CALLBACK (on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_network_changed);
  BIND_CALLBACK (on_replace_response);
  BIND_CALLBACK (on_export_response);
  BIND_CALLBACK (on_export_passphrase_changed);
  BIND_CALLBACK (on_import_response);
  BIND_CALLBACK (on_create_response);
  BIND_CALLBACK (on_create_changed);
#undef BIND_CALLBACK

  gtk_widget_class_install_action (widget_class, "prefs.export", NULL,
                                   sc_preferences_window_export_action);
  gtk_widget_class_install_action (widget_class, "prefs.replace", NULL,
                                   sc_preferences_window_replace_action);
  gtk_widget_class_install_action (widget_class, "prefs.save-request", NULL,
                                   sc_preferences_window_save_request_action);
  gtk_widget_class_install_action (widget_class, "prefs.import-signed", NULL,
                                   sc_preferences_window_import_signed_action);
  gtk_widget_class_install_action (widget_class, "prefs.add-issuer", NULL,
                                   sc_preferences_window_add_issuer_action);
  gtk_widget_class_install_action (widget_class, "prefs.add-crl", NULL,
                                   sc_preferences_window_add_crl_action);
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
