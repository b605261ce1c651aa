/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-application.h"
#include "sc-chat-window.h"
#include "sc-connect-dialog.h"
#include "sc-preferences-window.h"
#include "sc-profile.h"
#include "sc-window.h"

struct _ScApplication
{
  AdwApplication  parent_instance;

  char           *profile_dir;
  ScAccount      *account;
  ScWindow       *window;
};

G_DEFINE_FINAL_TYPE (ScApplication, sc_application, ADW_TYPE_APPLICATION)

ScApplication *
sc_application_new (void)
{
  /* Every profile is its own person: two may run side by side. */
  return g_object_new (SC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/sixchat/SixChat",
                       NULL);
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
on_account_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ScApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  sc_account_load_finish (SC_ACCOUNT (source), result, &error);
  if (self->window != NULL)
    sc_window_set_loaded (self->window, error);
}

static void
sc_application_activate (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);

  if (self->window == NULL)
    {
      if (self->profile_dir == NULL)
        self->profile_dir = sc_profile_resolve (NULL);
      self->account = sc_account_new (self->profile_dir);
      g_signal_connect_object (self->account, "incoming-session",
                               G_CALLBACK (on_incoming_session), self, 0);
      self->window = sc_window_new (ADW_APPLICATION (self), self->account);
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      sc_account_load_async (self->account, NULL, on_account_loaded, g_object_ref (self));
    }

  gtk_window_present (GTK_WINDOW (self->window));
}

static int
sc_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  ScApplication *self = SC_APPLICATION (application);
  const char *profile = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("sixchat %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "profile", "^&ay", &profile);
  sc_application_set_profile_dir (self, profile);

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
  else if (self->window != NULL)
    gtk_window_present (GTK_WINDOW (self->window));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "connect", connect_action },
  { "dial", dial_action, "(ss)" },
  { "show-session", show_session_action, "t" },
  { "open-chat", open_chat_action, "(sx)" },
};

static void
sc_application_startup (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);
  const char *quit[] = { "<Control>q", NULL };
  const char *preferences[] = { "<Control>comma", NULL };
  const char *connect[] = { "<Control>n", NULL };
  const char *close[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (sc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.connect", connect);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close);
}

static void
sc_application_shutdown (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);

  /* Closes every session with a bye before the process ends. */
  g_clear_object (&self->account);

  G_APPLICATION_CLASS (sc_application_parent_class)->shutdown (application);
}

static void
sc_application_finalize (GObject *object)
{
  ScApplication *self = (ScApplication *) object;

  g_clear_object (&self->account);
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
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
