/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-application.h"
#include "sc-autostart.h"
#include "sc-chat-window.h"
#include "sc-connect-dialog.h"
#include "sc-preferences-window.h"
#include "sc-profile.h"
#include "sc-uri.h"
#include "sc-window.h"

struct _ScApplication
{
  AdwApplication  parent_instance;

  char           *profile_dir;
  GSettings      *settings;      /* NULL when the schema is not installed */
  GCancellable   *cancellable;   /* cancelled at shutdown */
  ScAccount      *account;
  ScWindow       *window;
  gboolean        loaded;        /* the account finished loading, maybe with load_error */
  GError         *load_error;
  GPtrArray      *pending_uris;  /* sixchat: links opened before the account loaded */
  gboolean        start_hidden;  /* --background: the first activation opens no window */
  gboolean        background;    /* started with --background: runs until Quit */
  gboolean        held;          /* held to keep listening without a window */
};

G_DEFINE_FINAL_TYPE (ScApplication, sc_application, ADW_TYPE_APPLICATION)

ScApplication *
sc_application_new (void)
{
  /* The profile (--profile, $SIXCHAT_PROFILE) sets the id before
   * registration: one instance per profile. */
  return g_object_new (SC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/sixchat/SixChat",
                       NULL);
}

char *
sc_application_id_for_profile (const char *profile_dir)
{
  g_autofree char *default_dir = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *checksum = NULL;

  g_return_val_if_fail (profile_dir != NULL, NULL);

  /* Not $SIXCHAT_PROFILE: the default is the profile the desktop file and
   * D-Bus activation start. */
  default_dir = g_build_filename (g_get_user_data_dir (), "sixchat", NULL);
  canonical = g_canonicalize_filename (profile_dir, NULL);
  if (g_str_equal (canonical, default_dir))
    return g_strdup (APP_ID);

  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  return g_strdup_printf ("%s.Profile%.12s", APP_ID, checksum);
}

ScAccount *
sc_application_get_account (ScApplication *self)
{
  g_return_val_if_fail (SC_IS_APPLICATION (self), NULL);
  return self->account;
}

void
sc_application_set_profile_dir (ScApplication *self,
                                const char    *profile_dir)
{
  g_return_if_fail (SC_IS_APPLICATION (self));

  g_free (self->profile_dir);
  self->profile_dir = sc_profile_resolve (profile_dir);
}

GtkWindow *
sc_application_get_main_window (ScApplication *self)
{
  g_return_val_if_fail (SC_IS_APPLICATION (self), NULL);
  return GTK_WINDOW (self->window);
}

static GtkWindow *
active_window (ScApplication *self)
{
  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

static ScChatWindow *
find_chat_window (ScApplication *self,
                  guint64        session_id)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      ScSession *session;

      if (!SC_IS_CHAT_WINDOW (l->data))
        continue;

      session = sc_chat_window_get_session (l->data);
      if (session != NULL && sc_session_get_id (session) == session_id)
        return l->data;
    }

  return NULL;
}

static void
show_error (ScApplication *self,
            const char    *heading,
            const char    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self->window), heading, body);

  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Running in the background */

static gboolean
get_boolean_state (ScApplication *self,
                   const char    *action_name)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), action_name);

  return state != NULL && g_variant_get_boolean (state);
}

/* Holds the app while it has an identity to listen for, with Run in
 * Background on (or --background): closing the last window then leaves
 * the agent running.  Quit ends it anyway. */
static void
update_hold (ScApplication *self)
{
  gboolean hold = self->account != NULL && sc_account_get_identity (self->account) != NULL
                  && (self->background || get_boolean_state (self, "run-in-background"));

  if (hold == self->held)
    return;

  self->held = hold;
  if (hold)
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

static void present_main_window (ScApplication *self);

/* Opening sixchat: links */

static void
open_uri (ScApplication *self,
          const char    *uri)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *address = NULL;
  ScConnectDialog *dialog;

  /* The dialogs belong to the main window, which may have been closed. */
  present_main_window (self);

  if (!sc_uri_parse (uri, &user_id, &address, &error))
    {
      show_error (self, _("Cannot Open Link"), error->message);
      return;
    }

  if (sc_account_get_identity (self->account) == NULL)
    {
      show_error (self, _("Cannot Open Link"),
                  self->load_error != NULL
                  ? self->load_error->message
                  : _("Create or import your identity first, then open the link again."));
      return;
    }

  dialog = sc_connect_dialog_new (GTK_WINDOW (self->window), user_id, address);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The account and the main window */

static void
on_incoming_session (ScAccount     *account,
                     ScSession     *session,
                     ScApplication *self);

static void
on_account_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ScApplication) self = user_data;
  g_autoptr(GPtrArray) uris = g_steal_pointer (&self->pending_uris);

  self->loaded = TRUE;
  sc_account_load_finish (SC_ACCOUNT (source), result, &self->load_error);
  if (self->window != NULL)
    sc_window_set_loaded (self->window, self->load_error);

  update_hold (self);
  if (self->background && !self->held)
    g_message ("Not listening in the background: %s",
               self->load_error != NULL ? self->load_error->message
                                        : "the profile has no identity yet");
  for (guint i = 0; uris != NULL && i < uris->len && self->account != NULL; i++)
    open_uri (self, g_ptr_array_index (uris, i));

  /* Held while loading: --background has no window to keep it. */
  g_application_release (G_APPLICATION (self));
}

/* Creates the account and starts listening, once. */
static void
ensure_account (ScApplication *self)
{
  if (self->account != NULL)
    return;

  if (self->profile_dir == NULL)
    self->profile_dir = sc_profile_resolve (NULL);
  self->account = sc_account_new (self->profile_dir);
  g_signal_connect_object (self->account, "incoming-session",
                           G_CALLBACK (on_incoming_session), self, 0);
  g_signal_connect_object (self->account, "notify::identity",
                           G_CALLBACK (update_hold), self, G_CONNECT_SWAPPED);

  g_application_hold (G_APPLICATION (self));
  sc_account_load_async (self->account, NULL, on_account_loaded, g_object_ref (self));
}

static void
present_main_window (ScApplication *self)
{
  ensure_account (self);

  if (self->window == NULL)
    {
      self->window = sc_window_new (ADW_APPLICATION (self), self->account);
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      if (self->loaded)
        sc_window_set_loaded (self->window, self->load_error);
    }

  gtk_window_present (GTK_WINDOW (self->window));
}

static void
notify_incoming (ScApplication *self,
                 ScSession     *session)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = g_strdup_printf ("session-%" G_GUINT64_FORMAT, sc_session_get_id (session));
  const char *name = sc_session_get_peer_name (session);
  const char *user = sc_session_get_peer_user_id (session);
  gboolean request = sc_session_get_state (session) == SC_SESSION_STATE_PENDING;
  g_autofree char *title = NULL;

  title = request ? g_strdup_printf (_("%s asks to chat with you"), name ? name : user)
                  : g_strdup_printf (_("%s is calling"), name ? name : user);
  notification = g_notification_new (title);
  g_notification_set_body (notification, user);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.show-session", "t",
                                                sc_session_get_id (session));
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
on_incoming_session (ScAccount     *account,
                     ScSession     *session,
                     ScApplication *self)
{
  GtkWindow *focused = active_window (self);
  gboolean app_focused = focused != NULL && gtk_window_is_active (focused);
  ScChatWindow *window = sc_chat_window_new_incoming (ADW_APPLICATION (self), account, session);

  gtk_window_present (GTK_WINDOW (window));
  if (!app_focused)
    notify_incoming (self, session);
}

static void
sc_application_activate (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);

  if (self->start_hidden)
    {
      self->start_hidden = FALSE;
      ensure_account (self);
      return;
    }

  present_main_window (self);
}

static void
sc_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  ScApplication *self = SC_APPLICATION (application);

  present_main_window (self);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (self->loaded)
        {
          open_uri (self, uri);
        }
      else
        {
          if (self->pending_uris == NULL)
            self->pending_uris = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (self->pending_uris, g_steal_pointer (&uri));
        }
    }
}

static int
sc_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  ScApplication *self = SC_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char *profile = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("sixchat %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "profile", "^&ay", &profile);
  sc_application_set_profile_dir (self, profile);
  id = sc_application_id_for_profile (self->profile_dir);
  g_application_set_application_id (application, id);

  if (g_variant_dict_contains (options, "background"))
    {
      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      /* This profile runs already, and listens. */
      if (g_application_get_is_remote (application))
        return 0;

      self->start_hidden = TRUE;
      self->background = TRUE;
    }

  return -1;
}

/* Actions */

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  ScApplication *self = user_data;
  const char *developers[] = { "The SixChat developers", NULL };

  adw_show_about_window (active_window (self),
                         "application-name", _("SixChat"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "comments", _("Direct, end-to-end secure chat: every connection is "
                                       "mutually authenticated TLS between two people."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ScApplication *self = user_data;
  ScPreferencesWindow *window;

  if (self->account == NULL || sc_account_get_store (self->account) == NULL)
    return;

  /* One preferences window: Ctrl+, again brings it back. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SC_IS_PREFERENCES_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }

  window = sc_preferences_window_new (active_window (self), self->account);
  gtk_window_present (GTK_WINDOW (window));
}

static void
connect_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ScApplication *self = user_data;

  if (self->account == NULL || sc_account_get_identity (self->account) == NULL)
    return;

  gtk_window_present (GTK_WINDOW (sc_connect_dialog_new (active_window (self), NULL, NULL)));
}

static void
dial_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ScApplication *self = user_data;
  const char *user_id;
  const char *address;
  ScChatWindow *window;

  if (self->account == NULL || sc_account_get_identity (self->account) == NULL)
    return;

  g_variant_get (parameter, "(&s&s)", &user_id, &address);
  window = sc_chat_window_new_outgoing (ADW_APPLICATION (self), self->account, user_id, address);
  gtk_window_present (GTK_WINDOW (window));
}

/* Presents the chat window with user_id (a new one shows the history and
 * dials nobody), scrolled to the message with seq (0: the newest). */
static void
open_chat_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ScApplication *self = user_data;
  const char *user_id;
  g_autofree char *peer = NULL;
  gint64 seq;
  ScChatWindow *window = NULL;

  if (self->account == NULL || sc_account_get_identity (self->account) == NULL)
    return;

  g_variant_get (parameter, "(&sx)", &user_id, &seq);
  peer = sc_user_id_normalize (user_id);
  if (peer == NULL)
    return;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SC_IS_CHAT_WINDOW (l->data)
        && g_strcmp0 (sc_chat_window_get_peer (l->data), peer) == 0)
      {
        window = l->data;
        break;
      }

  if (window == NULL)
    window = sc_chat_window_new_for_peer (ADW_APPLICATION (self), self->account, peer);
  if (seq > 0)
    sc_chat_window_show_message (window, seq);
  gtk_window_present (GTK_WINDOW (window));
}

static void
show_session_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ScApplication *self = user_data;
  ScChatWindow *window = find_chat_window (self, g_variant_get_uint64 (parameter));

  if (window != NULL)
    gtk_window_present (GTK_WINDOW (window));
  else
    present_main_window (self);
}

static void
run_in_background_changed (GSimpleAction *action,
                           GVariant      *value,
                           gpointer       user_data)
{
  ScApplication *self = user_data;

  g_simple_action_set_state (action, value);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "run-in-background", g_variant_get_boolean (value));
  update_hold (self);
}

static void
on_autostart_set (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean enabled = get_boolean_state (self, "start-at-login");
  GAction *action;

  if (sc_autostart_set_finish (result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Back to how it was. */
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "start-at-login");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (!enabled));
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "start-at-login", !enabled);

  show_error (self, enabled ? _("Cannot Start at Login") : _("Cannot Stop Starting at Login"),
              error->message);
}

static void
start_at_login_changed (GSimpleAction *action,
                        GVariant      *value,
                        gpointer       user_data)
{
  ScApplication *self = user_data;
  gboolean enabled = g_variant_get_boolean (value);
  g_autofree char *id = NULL;
  const char *profile_dir = NULL;

  if (enabled == get_boolean_state (self, "start-at-login"))
    return;

  g_simple_action_set_state (action, value);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "start-at-login", enabled);

  /* The entry starts this profile; the default one needs no --profile. */
  if (self->profile_dir == NULL)
    self->profile_dir = sc_profile_resolve (NULL);
  id = sc_application_id_for_profile (self->profile_dir);
  if (!g_str_equal (id, APP_ID))
    profile_dir = self->profile_dir;

  sc_autostart_set_async (SC_AUTOSTART_AUTO, enabled, profile_dir, self->cancellable,
                          on_autostart_set, g_object_ref (self));
}

/* Another process (or dconf-editor) changed a setting. */
static void
on_setting_changed (GSettings     *settings,
                    const char    *key,
                    ScApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), key);

  if (action == NULL)
    return;

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (g_settings_get_boolean (settings, key)));
  update_hold (self);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "connect", connect_action },
  { "dial", dial_action, "(ss)" },
  { "show-session", show_session_action, "t" },
  { "run-in-background", NULL, NULL, "true", run_in_background_changed },
  { "start-at-login", NULL, NULL, "false", start_at_login_changed },
  { "open-chat", open_chat_action, "(sx)" },
};

/* The app's settings, or NULL (and the defaults) when the schema is not
 * installed, e.g. for _build/src/app/sixchat without GSETTINGS_SCHEMA_DIR. */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("The GSettings schema %s is not installed: Run in Background and "
                 "Start at Login keep their defaults and are not saved", APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
sc_application_startup (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);
  const char *quit[] = { "<Control>q", NULL };
  const char *preferences[] = { "<Control>comma", NULL };
  const char *connect[] = { "<Control>n", NULL };
  const char *close[] = { "<Control>w", NULL };
  const char *keys[] = { "run-in-background", "start-at-login" };

  G_APPLICATION_CLASS (sc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.connect", connect);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close);

  self->settings = open_settings ();
  if (self->settings != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        on_setting_changed (self->settings, keys[i], self);
      g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed), self, 0);
    }
}

static void
sc_application_shutdown (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  /* Closes every session with a bye before the process ends. */
  g_clear_object (&self->account);

  G_APPLICATION_CLASS (sc_application_parent_class)->shutdown (application);
}

static void
sc_application_finalize (GObject *object)
{
  ScApplication *self = (ScApplication *) object;

  g_clear_object (&self->account);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->pending_uris, g_ptr_array_unref);
  g_free (self->profile_dir);

  G_OBJECT_CLASS (sc_application_parent_class)->finalize (object);
}

static void
sc_application_class_init (ScApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sc_application_finalize;
  app_class->activate = sc_application_activate;
  app_class->open = sc_application_open;
  app_class->startup = sc_application_startup;
  app_class->shutdown = sc_application_shutdown;
  app_class->handle_local_options = sc_application_handle_local_options;
}

static void
sc_application_init (ScApplication *self)
{
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The profile directory (default: $SIXCHAT_PROFILE, else $XDG_DATA_HOME/sixchat)"),
      N_("DIR") },
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Listen for calls without opening a window, until Quit"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
