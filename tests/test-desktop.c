/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SixChat as a desktop citizen, under Xvfb with a private session bus: one
 * instance per profile (the real sixchat binary launched again), sixchat:
 * links, running in the background, --background, start at login through
 * the autostart file and the Background portal, and the switches in
 * Preferences. */
#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>

#include "sc-autostart.h"
#include "sc-chat-window.h"
#include "sc-connect-dialog.h"
#include "sc-preferences-window.h"
#include "sc-profile.h"
#include "sc-test-agent.h"
#include "sc-test-ui.h"
#include "sc-test-util.h"
#include "sc-window.h"

/* $XDG_DATA_HOME and $XDG_CONFIG_HOME of this process: the default profile
 * and the autostart directory live there. */
static char *home_dir;

/* Profiles */

/* A profile with an identity, listening on ::1 at a free port; when friend
 * is given, the two have pinned each other. */
static char *
listening_profile (const char *dir,
                   const char *name,
                   const char *user_id,
                   ScTestPeer *friend)
{
  g_autofree char *profile = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScIdentity) identity = sc_identity_create (profile, name, user_id,
                                                       SC_IDENTITY_FLAGS_NONE, &error);
  g_autoptr(ScStore) store = NULL;

  g_assert_no_error (error);
  store = sc_profile_open_store (profile, &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-address", "::1", &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-port", "0", &error);
  g_assert_no_error (error);

  if (friend != NULL)
    {
      sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                          sc_identity_get_fingerprint (friend->identity), NULL, &error);
      g_assert_no_error (error);
      sc_store_add_entry (friend->store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                          sc_identity_get_fingerprint (identity), NULL, &error);
      g_assert_no_error (error);
    }

  return g_steal_pointer (&profile);
}

static guint
count_windows (ScApplication *app,
               GType          type)
{
  guint count = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (g_type_is_a (G_OBJECT_TYPE (l->data), type))
      count++;

  return count;
}

static gboolean
state_is (ScApplication *app,
          const char    *action,
          gboolean       expected)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (app), action);

  return g_variant_get_boolean (state) == expected;
}

static const char *
entry_text (GtkWidget  *root,
            const char *name)
{
  GtkWidget *row = sc_test_ui_find (root, ADW_TYPE_ENTRY_ROW, name);

  g_assert_nonnull (row);
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

typedef struct
{
  ScApplication *app;
  GType          type;
} WindowWait;

static gboolean
have_window (gpointer data)
{
  WindowWait *wait = data;

  return sc_test_ui_find_window (wait->app, wait->type) != NULL;
}

static GtkWindow *
wait_for_window (ScApplication *app,
                 GType          type)
{
  WindowWait wait = { app, type };

  g_assert_true (sc_test_ui_wait_for (have_window, &wait, 10000));
  return sc_test_ui_find_window (app, type);
}

/* The real sixchat, launched again */

typedef struct
{
  GSubprocess *process;
  gboolean     exited;
} Launch;

static void
on_launch_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Launch *launch = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  launch->exited = TRUE;
}

/* Starts $SIXCHAT_APP ARGS… (NULL-terminated). */
static Launch *
launch_new (const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Launch *launch = g_new0 (Launch, 1);
  const char *program = g_getenv ("SIXCHAT_APP");
  va_list args;

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (char *) program);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Its stdout would mix with the TAP stream; stderr goes to the log. */
  launch->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (launch->process, NULL, on_launch_exited, launch);

  return launch;
}

static gboolean
launch_exited (gpointer data)
{
  return ((Launch *) data)->exited;
}

/* Waits for the launch to end by itself and returns its exit status. */
static int
launch_wait (Launch *launch)
{
  g_assert_true (sc_test_ui_wait_for (launch_exited, launch, 15000));
  g_assert_true (g_subprocess_get_if_exited (launch->process));
  return g_subprocess_get_exit_status (launch->process);
}

static void
launch_free (Launch *launch)
{
  if (!launch->exited)
    {
      g_subprocess_force_exit (launch->process);
      sc_test_ui_wait_for (launch_exited, launch, 5000);
    }
  g_object_unref (launch->process);
  g_free (launch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Launch, launch_free)

/* sixchat --profile PROFILE [URI] for a profile that runs already: it
 * hands over and exits 0 at once. */
static void
launch_again (const char *profile,
              const char *uri)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(Launch) launch = launch_new ("--profile", profile, uri, NULL);

  g_assert_cmpint (launch_wait (launch), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* Another SixChat on the bus */

/* bus, or the session bus when it is NULL; a new reference. */
static GDBusConnection *
bus_or_session (GDBusConnection *bus)
{
  g_autoptr(GError) error = NULL;

  if (bus != NULL)
    return g_object_ref (bus);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  return bus;
}

static char *
object_path_for (const char *app_id)
{
  char *path = g_strconcat ("/", app_id, NULL);

  g_strdelimit (path, ".", '/');
  g_strdelimit (path, "-", '_');
  return path;
}

typedef struct
{
  GDBusConnection *bus;
  const char      *name;
  gboolean         owned;
} NameWait;

static gboolean
name_owned (gpointer data)
{
  NameWait *wait = data;
  g_autoptr(GDBusConnection) bus = bus_or_session (wait->bus);
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", wait->name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (reply);
  g_variant_get (reply, "(b)", &wait->owned);
  return wait->owned;
}

static gboolean
name_gone (gpointer data)
{
  return !name_owned (data);
}

static gboolean
wait_for_name (GDBusConnection *bus,
               const char      *name)
{
  NameWait wait = { bus, name, FALSE };

  return sc_test_ui_wait_for (name_owned, &wait, 15000);
}

static gboolean
wait_for_name_gone (GDBusConnection *bus,
                    const char      *name)
{
  NameWait wait = { bus, name, FALSE };

  return sc_test_ui_wait_for (name_gone, &wait, 15000);
}

/* How many windows the SixChat owning app_id shows (each is exported at
 * OBJECT_PATH/window/N). */
static guint
remote_window_count (GDBusConnection *on_bus,
                     const char      *app_id)
{
  g_autoptr(GDBusConnection) bus = bus_or_session (on_bus);
  g_autofree char *path = object_path_for (app_id);
  g_autofree char *windows_path = g_strconcat (path, "/window", NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *xml;
  guint count = 0;

  reply = g_dbus_connection_call_sync (bus, app_id, windows_path,
                                       "org.freedesktop.DBus.Introspectable", "Introspect",
                                       NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);

  while (node->nodes != NULL && node->nodes[count] != NULL)
    count++;
  return count;
}

typedef struct
{
  GDBusConnection *bus;
  const char      *app_id;
  guint            count;
} RemoteWindowWait;

static gboolean
remote_windows_are (gpointer data)
{
  RemoteWindowWait *wait = data;

  return remote_window_count (wait->bus, wait->app_id) == wait->count;
}

/* app.quit of the SixChat owning app_id, over D-Bus. */
static void
remote_quit (GDBusConnection *on_bus,
             const char      *app_id)
{
  g_autoptr(GDBusConnection) bus = bus_or_session (on_bus);
  g_autofree char *path = object_path_for (app_id);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, app_id, path, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(s@av@a{sv})", "quit",
                                                      g_variant_new_array (G_VARIANT_TYPE_VARIANT,
                                                                           NULL, 0),
                                                      g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
                                                                           NULL, 0)),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* The app, run as main.c runs it */

typedef void (*Scenario) (ScApplication *app,
                          gpointer       data);

typedef struct
{
  ScApplication *app;
  Scenario       scenario;
  gpointer       data;
  gboolean       done;
  gboolean       timed_out;
} Run;

static gboolean
run_scenario (gpointer user_data)
{
  Run *run = user_data;

  run->scenario (run->app, run->data);
  run->done = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
run_timed_out (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

/* g_application_run() of app (taken) with --profile profile_dir: the
 * scenario runs once the app is up; the app must end by itself, with
 * status 0, within timeout_s. */
static void
run_app (ScApplication *app,
         const char    *profile_dir,
         Scenario       scenario,
         gpointer       data,
         guint          timeout_s)
{
  char *argv[] = { (char *) "sixchat", (char *) "--profile", (char *) profile_dir, NULL };
  Run run = { app, scenario, data, FALSE, FALSE };
  guint timeout_id;
  int status;
  GList *windows;

  g_idle_add (run_scenario, &run);
  timeout_id = g_timeout_add_seconds (timeout_s, run_timed_out, &run);
  status = g_application_run (G_APPLICATION (run.app), G_N_ELEMENTS (argv) - 1, argv);

  g_assert_false (run.timed_out);
  g_source_remove (timeout_id);
  g_assert_true (run.done);
  g_assert_cmpint (status, ==, 0);

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (run.app))) != NULL)
    gtk_window_destroy (windows->data);
  sc_test_ui_spin (100);
  g_object_unref (run.app);
}

/* Application ids */

static void
test_app_id (void)
{
  g_autofree char *default_profile = g_build_filename (home_dir, "data", "sixchat", NULL);
  g_autofree char *default_untidy = g_build_filename (home_dir, "data", ".", "sixchat/", NULL);
  g_autofree char *alice = sc_application_id_for_profile ("/tmp/alice");
  g_autofree char *alice_again = sc_application_id_for_profile ("/tmp//alice/");
  g_autofree char *bob = sc_application_id_for_profile ("/tmp/bob");
  g_autofree char *id = NULL;

  id = sc_application_id_for_profile (default_profile);
  g_assert_cmpstr (id, ==, APP_ID);
  g_free (id);
  id = sc_application_id_for_profile (default_untidy);
  g_assert_cmpstr (id, ==, APP_ID);

  g_assert_true (g_application_id_is_valid (alice));
  g_assert_true (g_application_id_is_valid (bob));
  g_assert_true (g_str_has_prefix (alice, APP_ID ".Profile"));
  g_assert_cmpuint (strlen (alice), ==, strlen (APP_ID ".Profile") + 12);
  g_assert_cmpstr (alice, ==, alice_again);
  g_assert_cmpstr (alice, !=, bob);
}

/* One instance per profile */

typedef struct
{
  char  *dir;
  char  *other_profile;
  guint  activations;
} SecondLaunch;

static void
on_activate (ScApplication *app,
             SecondLaunch  *f)
{
  f->activations++;
}

static void
second_launch_scenario (ScApplication *app,
                        gpointer       data)
{
  SecondLaunch *f = data;
  const char *profile = sc_account_get_profile_dir (sc_application_get_account (app));
  g_autofree char *id = sc_application_id_for_profile (profile);
  g_autofree char *other_id = sc_application_id_for_profile (f->other_profile);
  g_autoptr(Launch) other = NULL;
  GtkWindow *main_window;
  GtkWindow *window;

  g_assert_true (sc_test_ui_wait_for (sc_test_ui_app_loaded, app, 10000));
  g_assert_cmpstr (g_application_get_application_id (G_APPLICATION (app)), ==, id);
  g_assert_cmpuint (f->activations, ==, 1);
  main_window = sc_application_get_main_window (app);

  /* The same profile again: the first one presents its window. */
  launch_again (profile, NULL);
  g_assert_cmpuint (f->activations, ==, 2);
  g_assert_cmpuint (count_windows (app, SC_TYPE_WINDOW), ==, 1);
  g_assert_true (sc_application_get_main_window (app) == main_window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (main_window)));

  /* A link opened by the desktop goes to the running one. */
  launch_again (profile, "sixchat:bob@example.org?address=%5B2001:db8::1%5D:4605");
  window = wait_for_window (app, SC_TYPE_CONNECT_DIALOG);
  g_assert_cmpstr (entry_text (GTK_WIDGET (window), "user-id-row"), ==, "bob@example.org");
  g_assert_cmpstr (entry_text (GTK_WIDGET (window), "address-row"), ==, "[2001:db8::1]:4605");
  g_assert_true (gtk_widget_get_sensitive (sc_test_ui_find (GTK_WIDGET (window), GTK_TYPE_BUTTON,
                                                            "connect-button")));
  g_assert_true (gtk_window_get_transient_for (window) == main_window);
  sc_test_ui_screenshot (GTK_WIDGET (window), "connect-from-link");
  gtk_window_destroy (window);

  /* A bad one is explained. */
  launch_again (profile, "sixchat:bob?address=[::1]:4605");
  window = wait_for_window (app, ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), ==,
                   "Cannot Open Link");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (window)),
                            "“bob” is not a user ID"));
  gtk_window_destroy (window);
  g_assert_cmpuint (count_windows (app, SC_TYPE_CONNECT_DIALOG), ==, 0);

  /* Another profile is another person: it runs beside this one. */
  other = launch_new ("--profile", f->other_profile, NULL);
  g_assert_true (wait_for_name (NULL, other_id));
  sc_test_ui_spin (200);
  g_assert_false (other->exited);
  {
    RemoteWindowWait wait = { NULL, other_id, 1 };

    g_assert_true (sc_test_ui_wait_for (remote_windows_are, &wait, 10000));
  }
  g_assert_cmpuint (count_windows (app, SC_TYPE_WINDOW), ==, 1);

  /* Quit really quits it. */
  remote_quit (NULL, other_id);
  g_assert_cmpint (launch_wait (other), ==, 0);

  g_application_quit (G_APPLICATION (app));
}

static void
test_second_launch (void)
{
  SecondLaunch f = { 0 };
  g_autofree char *profile = NULL;
  ScApplication *app = sc_application_new ();

  f.dir = sc_test_dir_new ("sixchat-desktop");
  profile = listening_profile (f.dir, "Alice", "alice@example.org", NULL);
  f.other_profile = g_build_filename (f.dir, "other", NULL);

  g_signal_connect (app, "activate", G_CALLBACK (on_activate), &f);
  run_app (app, profile, second_launch_scenario, &f, 90);

  g_free (f.other_profile);
  sc_test_dir_free (g_steal_pointer (&f.dir));
}

/* Run in background */

typedef struct
{
  char          *dir;
  ScTestPeer    *bob;
  ScApplication *app;
  gboolean       kept_running;
  gboolean       window_closed;
} Background;

static gboolean
notified (gpointer data)
{
  return sc_test_ui_get_notifications ()->len > GPOINTER_TO_UINT (data);
}

static gboolean
chat_window_shown (gpointer data)
{
  return sc_test_ui_find_window (data, SC_TYPE_CHAT_WINDOW) != NULL;
}

/* Half a second after the last window closed, the app still runs. */
static gboolean
background_call (gpointer data)
{
  Background *f = data;
  ScAccount *account = sc_application_get_account (f->app);
  ScUserAgent *agent = sc_account_get_agent (account);
  GPtrArray *notifications = sc_test_ui_get_notifications ();
  guint notified_before = notifications->len;
  g_autoptr(ScSession) call = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  GtkWindow *main_window;

  f->kept_running = TRUE;
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (f->app)));

  /* The agent still listens: Bob's call pops up a window and a notification. */
  g_assert_nonnull (agent);
  g_assert_true (sc_user_agent_is_listening (agent));
  address = g_strdup_printf ("[::1]:%u", sc_user_agent_get_port (agent));
  call = sc_user_agent_connect (f->bob->agent, "alice@example.org", address, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sc_test_ui_wait_for (chat_window_shown, f->app, 10000));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (sc_test_ui_find_window (f->app,
                                                                              SC_TYPE_CHAT_WINDOW))));
  g_assert_true (sc_test_ui_wait_for (notified, GUINT_TO_POINTER (notified_before), 5000));
  g_assert_cmpstr (g_ptr_array_index (notifications, notified_before), ==, "Bob is calling");

  /* Activating the app again brings back a main window for the same account. */
  g_application_activate (G_APPLICATION (f->app));
  main_window = sc_application_get_main_window (f->app);
  g_assert_nonnull (main_window);
  g_assert_true (sc_test_ui_wait_for (sc_test_ui_app_loaded, f->app, 5000));
  g_assert_true (sc_application_get_account (f->app) == account);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (sc_test_ui_find (GTK_WIDGET (main_window),
                                                                                 GTK_TYPE_STACK, NULL))),
                   ==, "main");

  /* Quit really quits, windows or not. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
background_scenario (ScApplication *app,
                     gpointer       data)
{
  Background *f = data;

  f->app = app;
  g_assert_true (sc_test_ui_wait_for (sc_test_ui_app_loaded, app, 10000));
  g_assert_true (state_is (app, "run-in-background", TRUE));

  /* As the close button does. */
  gtk_window_close (sc_application_get_main_window (app));
  g_assert_null (sc_application_get_main_window (app));
  f->window_closed = TRUE;
  g_timeout_add (500, background_call, f);
}

static void
test_run_in_background (void)
{
  Background f = { 0 };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *profile = NULL;

  g_settings_reset (settings, "run-in-background");
  f.dir = sc_test_dir_new ("sixchat-desktop");
  f.bob = sc_test_peer_new (f.dir, "Bob", "bob@example.org");
  profile = listening_profile (f.dir, "Alice", "alice@example.org", f.bob);

  run_app (sc_application_new (), profile, background_scenario, &f, 60);
  g_assert_true (f.window_closed);
  g_assert_true (f.kept_running);

  g_clear_pointer (&f.bob, sc_test_peer_free);
  sc_test_dir_free (g_steal_pointer (&f.dir));
}

static void
foreground_scenario (ScApplication *app,
                     gpointer       data)
{
  GSettings *settings = data;
  GActionGroup *actions = G_ACTION_GROUP (app);

  g_assert_true (sc_test_ui_wait_for (sc_test_ui_app_loaded, app, 10000));
  g_assert_true (state_is (app, "run-in-background", FALSE));

  /* The action writes the setting, and the setting moves the action. */
  g_action_group_change_action_state (actions, "run-in-background", g_variant_new_boolean (TRUE));
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  g_assert_true (state_is (app, "run-in-background", FALSE));

  /* Closing the last window ends the app: run_app() returns. */
  gtk_window_close (sc_application_get_main_window (app));
}

static void
test_no_background (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = sc_test_dir_new ("sixchat-desktop");
  g_autofree char *profile = listening_profile (dir, "Alice", "alice@example.org", NULL);

  g_settings_set_boolean (settings, "run-in-background", FALSE);
  run_app (sc_application_new (), profile, foreground_scenario, settings, 30);
  g_settings_reset (settings, "run-in-background");

  sc_test_dir_free (g_steal_pointer (&dir));
}

/* --background, with the real binary */

static void
test_background_option (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-desktop");
  g_autofree char *profile = listening_profile (dir, "Alice", "alice@example.org", NULL);
  g_autofree char *id = sc_application_id_for_profile (profile);
  g_autoptr(Launch) agent = launch_new ("--profile", profile, "--background", NULL);
  g_autoptr(Launch) again = NULL;
  RemoteWindowWait one_window = { NULL, id, 1 };

  /* It runs, listening, without a window. */
  g_assert_true (wait_for_name (NULL, id));
  sc_test_ui_spin (300);
  g_assert_false (agent->exited);
  g_assert_cmpuint (remote_window_count (NULL, id), ==, 0);

  /* --background again: already running, nothing to show. */
  again = launch_new ("--profile", profile, "--background", NULL);
  g_assert_cmpint (launch_wait (again), ==, 0);
  sc_test_ui_spin (300);
  g_assert_cmpuint (remote_window_count (NULL, id), ==, 0);

  /* Launched from the desktop: the window comes. */
  launch_again (profile, NULL);
  g_assert_true (sc_test_ui_wait_for (remote_windows_are, &one_window, 10000));
  g_assert_false (agent->exited);

  remote_quit (NULL, id);
  g_assert_cmpint (launch_wait (agent), ==, 0);

  sc_test_dir_free (g_steal_pointer (&dir));
}

/* DBusActivatable: the desktop asks the bus, the bus starts SixChat */

static const char bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <servicedir>%s</servicedir>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

/* The built D-Bus service file, starting the built sixchat instead of the
 * installed one. */
static void
write_service_file (const char *services_dir)
{
  g_autoptr(GKeyFile) service = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *installed = g_build_filename (BINDIR, "sixchat", NULL);
  g_autofree char *expected = g_strconcat (installed, " --gapplication-service", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;

  g_assert_nonnull (g_getenv ("SIXCHAT_SERVICE_FILE"));
  g_key_file_load_from_file (service, g_getenv ("SIXCHAT_SERVICE_FILE"), G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  name = g_key_file_get_string (service, "D-BUS Service", "Name", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, APP_ID);
  exec = g_key_file_get_string (service, "D-BUS Service", "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, expected);

  g_free (exec);
  exec = g_strconcat (g_getenv ("SIXCHAT_APP"), " --gapplication-service", NULL);
  g_key_file_set_string (service, "D-BUS Service", "Exec", exec);
  contents = g_key_file_to_data (service, NULL, NULL);
  path = sc_test_write_file (services_dir, APP_ID ".service", contents, -1);
}

static void
test_dbus_activation (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-desktop-bus");
  g_autofree char *services = g_build_filename (dir, "services", NULL);
  g_autofree char *config = g_strdup_printf (bus_config, dir, services);
  g_autofree char *config_path = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  RemoteWindowWait one_window = { NULL, APP_ID, 1 };
  const char *uris[] = { "sixchat:bob@example.org", NULL };

  g_assert_cmpint (g_mkdir (services, 0700), ==, 0);
  write_service_file (services);
  config_path = sc_test_write_file (dir, "bus.conf", config, -1);
  config_arg = g_strconcat ("--config-file=", config_path, NULL);

  /* A bus of its own, as a desktop session has: services it starts get
   * this process's environment (its $XDG_DATA_HOME: the default profile). */
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "dbus-daemon", config_arg,
                             "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);

  /* What GNOME Shell does for a DBusActivatable desktop file. */
  reply = g_dbus_connection_call_sync (bus, APP_ID, "/io/github/sixchat/SixChat",
                                       "org.freedesktop.Application", "Activate",
                                       g_variant_new ("(@a{sv})",
                                                      g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
                                                                           NULL, 0)),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  one_window.bus = bus;
  g_assert_true (sc_test_ui_wait_for (remote_windows_are, &one_window, 10000));

  /* A sixchat: link, as the desktop opens one. */
  reply = g_dbus_connection_call_sync (bus, APP_ID, "/io/github/sixchat/SixChat",
                                       "org.freedesktop.Application", "Open",
                                       g_variant_new ("(^as@a{sv})", uris,
                                                      g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
                                                                           NULL, 0)),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (remote_window_count (bus, APP_ID), ==, 1);

  remote_quit (bus, APP_ID);
  g_assert_true (wait_for_name_gone (bus, APP_ID));

  g_dbus_connection_close_sync (bus, NULL, NULL);
  g_subprocess_send_signal (daemon, SIGTERM);
  g_subprocess_wait (daemon, NULL, NULL);
  sc_test_dir_free (g_steal_pointer (&dir));
}

/* A link when there is no identity yet */

static void
test_link_without_identity (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-desktop");
  g_autofree char *profile = g_build_filename (dir, "new", NULL);
  ScApplication *app = sc_test_ui_app_new (profile);
  g_autoptr(GFile) link = g_file_new_for_uri ("sixchat:bob@example.org");
  GtkWindow *dialog;

  g_application_open (G_APPLICATION (app), &link, 1, "");
  dialog = wait_for_window (app, ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Create or import your identity first, then open the link again.");
  g_assert_cmpuint (count_windows (app, SC_TYPE_CONNECT_DIALOG), ==, 0);

  sc_test_ui_app_free (app);
  sc_test_dir_free (g_steal_pointer (&dir));
}

/* Start at login: the autostart file */

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
file_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
check_autostart_entry (const char *path,
                       const char *profile)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *program = g_build_filename (BINDIR, "sixchat", NULL);
  g_auto(GStrv) argv = NULL;
  g_autofree char *validator = g_find_program_in_path ("desktop-file-validate");

  g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_key_file_get_boolean (entry, "Desktop Entry", "X-GNOME-Autostart-enabled", NULL));
  exec = g_key_file_get_string (entry, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);

  /* Quoted as the Desktop Entry Specification says, and read as GIO's
   * launcher reads it: split like a shell, then %% is a percent sign. */
  g_shell_parse_argv (exec, NULL, &argv, &error);
  g_assert_no_error (error);
  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (argv[i], "%%", -1);

      g_free (argv[i]);
      argv[i] = g_strjoinv ("%", parts);
    }
  g_assert_cmpuint (g_strv_length (argv), ==, 4);
  g_assert_cmpstr (argv[0], ==, program);
  g_assert_cmpstr (argv[1], ==, "--background");
  g_assert_cmpstr (argv[2], ==, "--profile");
  g_assert_cmpstr (argv[3], ==, profile);

  if (validator != NULL)
    sc_test_run_tool (validator, path, NULL);
  else
    g_test_message ("desktop-file-validate is not installed: the entry is not validated");
}

static void
test_start_at_login (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-desktop");
  /* A path that needs quoting in Exec. */
  g_autofree char *profile = g_build_filename (dir, "Alice \"A\" $HOME 100%", NULL);
  g_autofree char *path = sc_autostart_get_file_path ();
  g_autofree char *autostart_dir = g_path_get_dirname (path);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  ScApplication *app = sc_test_ui_app_new (profile);
  GActionGroup *actions = G_ACTION_GROUP (app);
  GtkWindow *dialog;

  g_assert_true (g_str_has_prefix (path, home_dir));
  g_assert_true (state_is (app, "start-at-login", FALSE));

  g_action_group_change_action_state (actions, "start-at-login", g_variant_new_boolean (TRUE));
  g_assert_true (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_true (sc_test_ui_wait_for (file_exists, path, 10000));
  check_autostart_entry (path, profile);

  g_action_group_change_action_state (actions, "start-at-login", g_variant_new_boolean (FALSE));
  g_assert_false (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_true (sc_test_ui_wait_for (file_gone, path, 10000));

  /* When the file cannot be written, the switch goes back and says why. */
  g_assert_cmpint (g_rmdir (autostart_dir), ==, 0);
  g_assert_true (g_file_set_contents (autostart_dir, "not a directory", -1, NULL));
  g_action_group_change_action_state (actions, "start-at-login", g_variant_new_boolean (TRUE));
  dialog = wait_for_window (app, ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Cannot Start at Login");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), autostart_dir));
  g_assert_true (state_is (app, "start-at-login", FALSE));
  g_assert_false (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_cmpint (g_unlink (autostart_dir), ==, 0);

  sc_test_ui_app_free (app);
  g_settings_reset (settings, "start-at-login");
  sc_test_dir_free (g_steal_pointer (&dir));
}

/* The switches in Preferences */

static gboolean
switch_is (GtkWidget *widget,
           gboolean   active)
{
  return gtk_switch_get_active (GTK_SWITCH (widget)) == active;
}

static void
test_preferences_switches (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-desktop");
  g_autofree char *profile = listening_profile (dir, "Alice", "alice@example.org", NULL);
  g_autofree char *path = sc_autostart_get_file_path ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  ScApplication *app = sc_test_ui_app_new (profile);
  GtkWidget *window;
  GtkWidget *background;
  GtkWidget *login;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  window = GTK_WIDGET (wait_for_window (app, SC_TYPE_PREFERENCES_WINDOW));
  background = sc_test_ui_find (window, GTK_TYPE_SWITCH, "run-in-background-switch");
  login = sc_test_ui_find (window, GTK_TYPE_SWITCH, "start-at-login-switch");
  g_assert_nonnull (background);
  g_assert_nonnull (login);

  /* The defaults. */
  g_assert_true (switch_is (background, TRUE));
  g_assert_true (switch_is (login, FALSE));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "network");
  sc_test_ui_screenshot (window, "preferences-background");

  /* A change of the setting (e.g. from another profile) shows. */
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  sc_test_ui_spin (50);
  g_assert_true (switch_is (background, FALSE));

  /* The switches change the settings and do the work. */
  gtk_switch_set_active (GTK_SWITCH (background), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  gtk_switch_set_active (GTK_SWITCH (login), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_true (sc_test_ui_wait_for (file_exists, path, 10000));
  gtk_switch_set_active (GTK_SWITCH (login), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_true (sc_test_ui_wait_for (file_gone, path, 10000));

  sc_test_ui_app_free (app);
  g_settings_reset (settings, "run-in-background");
  g_settings_reset (settings, "start-at-login");
  sc_test_dir_free (g_steal_pointer (&dir));
}

/* Start at login in Flatpak: a stand-in for the Background portal */

typedef enum
{
  PORTAL_GRANT,    /* response 0, autostart as asked */
  PORTAL_REFUSE,   /* response 0, autostart false */
  PORTAL_CANCEL,   /* response 1: the user said no */
  PORTAL_SILENT,   /* no response at all */
} PortalMode;

typedef struct
{
  GDBusConnection *bus;
  guint            object_id;
  guint            owner_id;
  gboolean         acquired;
  PortalMode       mode;
  GVariant        *options;   /* of the last request */
} Portal;

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "      <arg type='o' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
on_request_background (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  Portal *portal = user_data;
  g_autofree char *sender_part = g_strdelimit (g_strdup (sender + 1), ".", '_');
  g_autofree char *handle = NULL;
  const char *token = NULL;
  GVariantBuilder results;
  gboolean autostart = FALSE;

  g_clear_pointer (&portal->options, g_variant_unref);
  g_variant_get_child (parameters, 1, "@a{sv}", &portal->options);
  g_assert_true (g_variant_lookup (portal->options, "handle_token", "&s", &token));
  g_variant_lookup (portal->options, "autostart", "b", &autostart);
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender_part, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));

  if (portal->mode == PORTAL_SILENT)
    return;

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&results, "{sv}", "autostart",
                         g_variant_new_boolean (portal->mode == PORTAL_GRANT && autostart));
  g_dbus_connection_emit_signal (connection, sender, handle, "org.freedesktop.portal.Request",
                                 "Response",
                                 g_variant_new ("(ua{sv})", portal->mode == PORTAL_CANCEL ? 1 : 0,
                                                &results),
                                 NULL);
}

static void
on_portal_name_acquired (GDBusConnection *connection,
                         const char      *name,
                         gpointer         user_data)
{
  ((Portal *) user_data)->acquired = TRUE;
}

static gboolean
portal_acquired (gpointer data)
{
  return ((Portal *) data)->acquired;
}

/* Serves the portal on a connection of its own, as another process would. */
static Portal *
portal_new (void)
{
  static const GDBusInterfaceVTable vtable = { on_request_background, NULL, NULL, { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_autofree char *address = NULL;
  Portal *portal = g_new0 (Portal, 1);

  g_assert_no_error (error);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  portal->bus = g_dbus_connection_new_for_address_sync (address,
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                        | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
  g_assert_no_error (error);
  portal->object_id = g_dbus_connection_register_object (portal->bus,
                                                         "/org/freedesktop/portal/desktop",
                                                         node->interfaces[0], &vtable, portal,
                                                         NULL, &error);
  g_assert_no_error (error);
  portal->owner_id = g_bus_own_name_on_connection (portal->bus, "org.freedesktop.portal.Desktop",
                                                   G_BUS_NAME_OWNER_FLAGS_NONE,
                                                   on_portal_name_acquired, NULL, portal, NULL);
  g_assert_true (sc_test_ui_wait_for (portal_acquired, portal, 5000));

  return portal;
}

static void
portal_free (Portal *portal)
{
  g_bus_unown_name (portal->owner_id);
  g_dbus_connection_unregister_object (portal->bus, portal->object_id);
  g_dbus_connection_close_sync (portal->bus, NULL, NULL);
  g_object_unref (portal->bus);
  g_clear_pointer (&portal->options, g_variant_unref);
  g_free (portal);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Result;

static void
on_set (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Result *outcome = user_data;

  outcome->ok = sc_autostart_set_finish (result, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
result_done (gpointer data)
{
  return ((Result *) data)->done;
}

/* Asks the portal and waits for the answer; fills *error when it fails. */
static gboolean
set_by_portal (gboolean       enabled,
               const char    *profile,
               GCancellable  *cancellable,
               GError       **error)
{
  Result outcome = { 0 };

  sc_autostart_set_async (SC_AUTOSTART_PORTAL, enabled, profile, cancellable, on_set, &outcome);
  g_assert_true (sc_test_ui_wait_for (result_done, &outcome, 10000));
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.ok;
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_portal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = sc_autostart_get_file_path ();
  g_auto(GStrv) command_line = NULL;
  Portal *portal;
  gboolean autostart = FALSE;
  gboolean activatable = TRUE;
  const char *reason = NULL;

  /* No portal: a clear error, not a hang. */
  g_assert_false (set_by_portal (TRUE, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "background portal is not available"));
  g_clear_error (&error);

  portal = portal_new ();

  portal->mode = PORTAL_GRANT;
  g_assert_true (set_by_portal (TRUE, "/home/alice/other profile", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (portal->options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (portal->options, "dbus-activatable", "b", &activatable));
  g_assert_false (activatable);
  g_assert_true (g_variant_lookup (portal->options, "reason", "&s", &reason));
  g_assert_cmpstr (reason, !=, "");
  g_assert_true (g_variant_lookup (portal->options, "commandline", "^as", &command_line));
  g_assert_cmpuint (g_strv_length (command_line), ==, 4);
  g_assert_cmpstr (command_line[0], ==, "sixchat");
  g_assert_cmpstr (command_line[1], ==, "--background");
  g_assert_cmpstr (command_line[2], ==, "--profile");
  g_assert_cmpstr (command_line[3], ==, "/home/alice/other profile");
  /* The portal writes the autostart entry, not SixChat. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (set_by_portal (FALSE, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (portal->options, "autostart", "b", &autostart));
  g_assert_false (autostart);

  portal->mode = PORTAL_REFUSE;
  g_assert_false (set_by_portal (TRUE, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  portal->mode = PORTAL_CANCEL;
  g_assert_false (set_by_portal (TRUE, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* An answer that never comes ends with the app (its cancellable). */
  portal->mode = PORTAL_SILENT;
  g_timeout_add (300, cancel_soon, cancellable);
  g_assert_false (set_by_portal (TRUE, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  portal_free (portal);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  home_dir = sc_test_dir_new ("sixchat-desktop-home");
  {
    g_autofree char *data = g_build_filename (home_dir, "data", NULL);
    g_autofree char *config = g_build_filename (home_dir, "config", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  }

  sc_test_ui_init (&argc, &argv);

  g_test_add_func ("/desktop/app-id", test_app_id);
  g_test_add_func ("/desktop/second-launch", test_second_launch);
  g_test_add_func ("/desktop/run-in-background", test_run_in_background);
  g_test_add_func ("/desktop/no-background", test_no_background);
  g_test_add_func ("/desktop/background-option", test_background_option);
  g_test_add_func ("/desktop/dbus-activation", test_dbus_activation);
  g_test_add_func ("/desktop/link-without-identity", test_link_without_identity);
  g_test_add_func ("/desktop/start-at-login", test_start_at_login);
  g_test_add_func ("/desktop/preferences-switches", test_preferences_switches);
  g_test_add_func ("/desktop/portal", test_portal);

  status = g_test_run ();
  sc_test_dir_free (g_steal_pointer (&home_dir));
  return status;
}
