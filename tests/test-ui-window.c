/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window with a real profile, under Xvfb. */
#include "config.h"

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

int
main (int   argc,
      char *argv[])
{
  sc_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/window/first-run", test_first_run_shows_welcome);
  g_test_add_func ("/ui/window/main", test_main_window);

  return g_test_run ();
}
