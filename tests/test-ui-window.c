/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window with a real profile, under Xvfb. */
#include "config.h"

#include "sc-chat-window.h"
#include "sc-test-agent.h"
#include "sc-test-ui.h"
#include "sc-profile.h"
#include "sc-test-util.h"

static const char *
visible_page (ScApplication *app)
{
  GtkWidget *window = GTK_WIDGET (sc_application_get_main_window (app));
  GtkWidget *stack = sc_test_ui_find (window, GTK_TYPE_STACK, NULL);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static void
test_first_run_shows_welcome (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-ui-window");
  g_autofree char *profile = g_build_filename (dir, "new", NULL);
  ScApplication *app = sc_test_ui_app_new (profile);

  g_assert_cmpstr (visible_page (app), ==, "welcome");
  g_assert_null (sc_account_get_identity (sc_application_get_account (app)));

  sc_test_ui_app_free (app);
  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_main_window (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-ui-window");
  g_autofree char *profile = g_build_filename (dir, "alice", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScIdentity) identity = sc_identity_create (profile, "Alice", "alice@example.org",
                                                       SC_IDENTITY_FLAGS_NONE, &error);
  g_autoptr(ScStore) store = NULL;
  ScApplication *app;
  ScAccount *account;
  GtkWidget *window;
  GtkWidget *user_label;

  g_assert_no_error (error);
  /* Listen on loopback only, on a free port. */
  store = sc_profile_open_store (profile, &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-address", "::1", &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-port", "0", &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  app = sc_test_ui_app_new (profile);
  account = sc_application_get_account (app);
  window = GTK_WIDGET (sc_application_get_main_window (app));

  g_assert_cmpstr (visible_page (app), ==, "main");
  g_assert_nonnull (sc_account_get_agent (account));
  g_assert_true (sc_user_agent_is_listening (sc_account_get_agent (account)));
  g_assert_null (sc_account_get_listen_error (account));

  user_label = sc_test_ui_find (window, GTK_TYPE_LABEL, "identity-user");
  g_assert_nonnull (user_label);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (user_label)), ==, "alice@example.org");

  sc_test_ui_screenshot (window, "main-window");

  sc_test_ui_app_free (app);
  sc_test_dir_free (g_steal_pointer (&dir));
}

static gboolean
chat_window_shown (gpointer data)
{
  return sc_test_ui_find_window (data, SC_TYPE_CHAT_WINDOW) != NULL;
}

static gboolean
notified (gpointer data)
{
  return sc_test_ui_get_notifications ()->len > GPOINTER_TO_UINT (data);
}

static void
test_incoming_call_notifies (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-ui-window");
  g_autofree char *profile = g_build_filename (dir, "alice", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScIdentity) identity = sc_identity_create (profile, "Alice", "alice@example.org",
                                                       SC_IDENTITY_FLAGS_NONE, &error);
  g_autoptr(ScStore) store = NULL;
  g_autoptr(ScTestPeer) bob = sc_test_peer_new (dir, "Bob", "bob@example.org");
  g_autoptr(ScSession) call = NULL;
  g_autofree char *address = NULL;
  GPtrArray *notifications = sc_test_ui_get_notifications ();
  guint notified_before = notifications->len;
  ScApplication *app;
  GtkWindow *chat;
  guint64 session_id;

  g_assert_no_error (error);
  store = sc_profile_open_store (profile, &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-address", "::1", &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-port", "0", &error);
  g_assert_no_error (error);
  sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                      sc_identity_get_fingerprint (bob->identity), "Bob", &error);
  g_assert_no_error (error);
  sc_store_add_entry (bob->store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                      sc_identity_get_fingerprint (identity), "Alice", &error);
  g_assert_no_error (error);

  app = sc_test_ui_app_new (profile);
  address = g_strdup_printf ("[::1]:%u",
                             sc_user_agent_get_port (sc_account_get_agent (sc_application_get_account (app))));
  /* No SixChat window has the focus, as when it runs in the background. */
  gtk_widget_set_visible (GTK_WIDGET (sc_application_get_main_window (app)), FALSE);
  sc_test_ui_spin (100);
  call = sc_user_agent_connect (bob->agent, "alice@example.org", address, NULL, &error);
  g_assert_no_error (error);

  /* The call presents an Incoming Chat window and a notification that
   * names the caller. */
  g_assert_true (sc_test_ui_wait_for (chat_window_shown, app, 10000));
  chat = sc_test_ui_find_window (app, SC_TYPE_CHAT_WINDOW);
  session_id = sc_session_get_id (sc_chat_window_get_session (SC_CHAT_WINDOW (chat)));
  g_assert_true (sc_test_ui_wait_for (notified, GUINT_TO_POINTER (notified_before), 5000));
  g_assert_cmpstr (g_ptr_array_index (notifications, notified_before), ==, "Bob is calling");

  /* Activating the notification presents that window again. */
  gtk_window_present (sc_application_get_main_window (app));
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-session",
                                  g_variant_new_uint64 (session_id));
  g_assert_true (gtk_application_get_windows (GTK_APPLICATION (app))->data == chat);

  sc_test_ui_app_free (app);
  g_clear_pointer (&bob, sc_test_peer_free);
  sc_test_dir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  sc_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/window/first-run", test_first_run_shows_welcome);
  g_test_add_func ("/ui/window/main", test_main_window);
  g_test_add_func ("/ui/window/incoming-call", test_incoming_call_notifies);

  return g_test_run ();
}
