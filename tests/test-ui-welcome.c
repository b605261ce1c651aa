/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The first-run welcome page with real profiles, under Xvfb. */
#include "config.h"

#include <string.h>

#include "sc-profile.h"
#include "sc-test-ui.h"
#include "sc-test-util.h"
#include "sc-welcome-page.h"

typedef struct
{
  char          *dir;
  char          *profile;
  ScApplication *app;
  GtkWidget     *window;
  GtkWidget     *page;
} Fixture;

/* A new profile without an identity, listening on loopback only and on a
 * free port once it has one, open in SixChat. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScStore) store = NULL;

  fixture->dir = sc_test_dir_new ("sixchat-ui-welcome");
  fixture->profile = g_build_filename (fixture->dir, "new", NULL);

  store = sc_profile_open_store (fixture->profile, &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-address", "::1", &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-port", "0", &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  fixture->app = sc_test_ui_app_new (fixture->profile);
  fixture->window = GTK_WIDGET (sc_application_get_main_window (fixture->app));
  fixture->page = sc_test_ui_find (fixture->window, SC_TYPE_WELCOME_PAGE, NULL);
  g_assert_nonnull (fixture->page);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sc_test_ui_app_free (fixture->app);
  g_free (fixture->profile);
  sc_test_dir_free (fixture->dir);
}

static const char *
visible_page (Fixture *fixture)
{
  GtkWidget *stack = sc_test_ui_find (fixture->window, GTK_TYPE_STACK, NULL);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static gboolean
main_shown (gpointer data)
{
  return g_strcmp0 (visible_page (data), "main") == 0;
}

static GtkWidget *
find (Fixture    *fixture,
      GType       type,
      const char *name)
{
  GtkWidget *widget = sc_test_ui_find (fixture->page, type, name);

  g_assert_nonnull (widget);
  return widget;
}

/* Activates one of the four ways in on the first screen. */
static void
choose (Fixture    *fixture,
        const char *row_name)
{
  gtk_widget_activate (find (fixture, ADW_TYPE_ACTION_ROW, row_name));
  sc_test_ui_spin (50);
}

static void
type_into (Fixture    *fixture,
           const char *row_name,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find (fixture, ADW_TYPE_ENTRY_ROW, row_name)), text);
}

/* Enter in an entry row: what the text field's key binding emits. */
static void
press_enter (Fixture    *fixture,
             const char *row_name)
{
  GtkWidget *row = find (fixture, ADW_TYPE_ENTRY_ROW, row_name);

  g_signal_emit_by_name (sc_test_ui_find (row, GTK_TYPE_TEXT, NULL), "activate");
}

static void
click (Fixture    *fixture,
       const char *button_name)
{
  GtkWidget *button = find (fixture, GTK_TYPE_BUTTON, button_name);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
sensitive (Fixture    *fixture,
           const char *button_name)
{
  return gtk_widget_is_sensitive (find (fixture, GTK_TYPE_BUTTON, button_name));
}

/* The next file chooser answers with path. */
static void
preset_file (Fixture    *fixture,
             const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  sc_welcome_page_set_file_for_testing (SC_WELCOME_PAGE (fixture->page), file);
}

static gboolean
error_shown (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *label = sc_test_ui_find (fixture->page, GTK_TYPE_LABEL, "error_label");

  return gtk_widget_get_visible (label) &&
         !gtk_widget_get_visible (sc_test_ui_find (fixture->page, GTK_TYPE_SPINNER, NULL));
}

static const char *
error_text (Fixture *fixture)
{
  g_assert_true (sc_test_ui_wait_for (error_shown, fixture, 10000));
  return gtk_label_get_label (GTK_LABEL (find (fixture, GTK_TYPE_LABEL, "error_label")));
}

static char *
profile_file (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->profile, name, NULL);
}

static gboolean
has_identity_files (Fixture *fixture)
{
  g_autofree char *crt = profile_file (fixture, "identity.crt");
  g_autofree char *key = profile_file (fixture, "identity.key");

  return g_file_test (crt, G_FILE_TEST_EXISTS) || g_file_test (key, G_FILE_TEST_EXISTS);
}

static ScIdentity *
account_identity (Fixture *fixture)
{
  return sc_account_get_identity (sc_application_get_account (fixture->app));
}

/* Waits for the main window and checks the profile and the account hold
 * the identity of user_id. */
static void
assert_identity_ready (Fixture    *fixture,
                       const char *user_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScIdentity) loaded = NULL;
  ScIdentity *identity;

  g_assert_true (sc_test_ui_wait_for (main_shown, fixture, 10000));

  identity = account_identity (fixture);
  g_assert_nonnull (identity);
  g_assert_cmpstr (sc_identity_get_user_id (identity), ==, user_id);
  g_assert_nonnull (sc_account_get_agent (sc_application_get_account (fixture->app)));

  loaded = sc_identity_load (fixture->profile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (loaded), ==, sc_identity_get_fingerprint (identity));
}

/* Another profile's identity, made without the UI. */
static ScIdentity *
other_identity (Fixture    *fixture,
                const char *name,
                const char *user_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (fixture->dir, user_id, NULL);
  ScIdentity *identity = sc_identity_create (dir, name, user_id, SC_IDENTITY_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return identity;
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_assert_cmpstr (visible_page (fixture), ==, "welcome");
  g_assert_null (account_identity (fixture));
  sc_test_ui_screenshot (fixture->window, "welcome");

  choose (fixture, "create_choice");
  g_assert_false (sensitive (fixture, "create_button"));
  type_into (fixture, "create_name", "Alice Liddell");
  g_assert_false (sensitive (fixture, "create_button"));
  type_into (fixture, "create_user_id", "alice@example.org");
  g_assert_true (sensitive (fixture, "create_button"));
  sc_test_ui_screenshot (fixture->window, "welcome-create");

  click (fixture, "create_button");
  /* Busy while the key is made in a worker thread. */
  g_assert_false (sensitive (fixture, "create_button"));
  g_assert_false (sensitive (fixture, "back_button"));
  g_assert_true (gtk_widget_get_visible (find (fixture, GTK_TYPE_SPINNER, NULL)));
  assert_identity_ready (fixture, "alice@example.org");
  g_assert_cmpstr (sc_identity_get_name (account_identity (fixture)), ==, "Alice Liddell");
  g_assert_true (has_identity_files (fixture));
}

static void
test_invalid_user_id (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *invalid[] = { "bob", "bob@", "@example.org", "bob@a@b", "bob smith@example.org" };
  GtkWidget *user_id_row;

  choose (fixture, "create_choice");
  user_id_row = find (fixture, ADW_TYPE_ENTRY_ROW, "create_user_id");
  type_into (fixture, "create_name", "Bob");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      type_into (fixture, "create_user_id", invalid[i]);
      g_assert_false (sensitive (fixture, "create_button"));
      g_assert_true (gtk_widget_has_css_class (user_id_row, "error"));
    }
  sc_test_ui_screenshot (fixture->window, "welcome-invalid-user-id");

  /* Enter in the last field does nothing while the form is invalid. */
  press_enter (fixture, "create_user_id");
  sc_test_ui_spin (300);
  g_assert_cmpstr (visible_page (fixture), ==, "welcome");
  g_assert_false (has_identity_files (fixture));

  type_into (fixture, "create_user_id", "bob@example.org");
  g_assert_true (sensitive (fixture, "create_button"));
  g_assert_false (gtk_widget_has_css_class (user_id_row, "error"));

  /* A blank name is no name. */
  type_into (fixture, "create_name", "   ");
  g_assert_false (sensitive (fixture, "create_button"));

  /* Enter in the last field creates. */
  type_into (fixture, "create_name", "Bob");
  press_enter (fixture, "create_user_id");
  assert_identity_ready (fixture, "bob@example.org");
}

static void
test_import_pkcs12 (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ScIdentity) carol = other_identity (fixture, "Carol", "carol@example.org");
  g_autofree char *p12 = g_build_filename (fixture->dir, "carol.p12", NULL);
  g_autoptr(GError) error = NULL;
  AdwActionRow *file_row;

  sc_identity_export_pkcs12 (carol, p12, "correct horse", &error);
  g_assert_no_error (error);

  choose (fixture, "pkcs12_choice");
  g_assert_false (sensitive (fixture, "import_pkcs12_button"));
  preset_file (fixture, p12);
  click (fixture, "choose_pkcs12");
  file_row = ADW_ACTION_ROW (find (fixture, ADW_TYPE_ACTION_ROW, "pkcs12_file"));
  g_assert_cmpstr (adw_action_row_get_subtitle (file_row), ==, "carol.p12");
  g_assert_true (sensitive (fixture, "import_pkcs12_button"));

  /* A wrong passphrase: said in place, nothing written. */
  type_into (fixture, "pkcs12_passphrase", "wrong horse");
  press_enter (fixture, "pkcs12_passphrase");
  g_assert_nonnull (strstr (error_text (fixture), "Wrong passphrase for “carol.p12”"));
  g_assert_true (gtk_widget_has_css_class (find (fixture, ADW_TYPE_ENTRY_ROW, "pkcs12_passphrase"),
                                           "error"));
  g_assert_false (has_identity_files (fixture));
  g_assert_null (account_identity (fixture));
  g_assert_cmpstr (visible_page (fixture), ==, "welcome");
  sc_test_ui_screenshot (fixture->window, "welcome-pkcs12-wrong-passphrase");

  type_into (fixture, "pkcs12_passphrase", "correct horse");
  g_assert_false (gtk_widget_has_css_class (find (fixture, ADW_TYPE_ENTRY_ROW, "pkcs12_passphrase"),
                                            "error"));
  click (fixture, "import_pkcs12_button");
  assert_identity_ready (fixture, "carol@example.org");
  g_assert_cmpstr (sc_identity_get_fingerprint (account_identity (fixture)), ==,
                   sc_identity_get_fingerprint (carol));
}

static void
test_import_pair (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ScIdentity) dave = other_identity (fixture, "Dave", "dave@example.org");
  g_autoptr(ScIdentity) erin = other_identity (fixture, "Erin", "erin@example.org");
  g_autofree char *dave_crt = g_build_filename (fixture->dir, "dave@example.org", "identity.crt", NULL);
  g_autofree char *dave_key = g_build_filename (fixture->dir, "dave@example.org", "identity.key", NULL);
  g_autofree char *erin_key = g_build_filename (fixture->dir, "erin@example.org", "identity.key", NULL);
  const char *message;

  choose (fixture, "pair_choice");
  preset_file (fixture, dave_crt);
  click (fixture, "choose_certificate");
  g_assert_false (sensitive (fixture, "import_pair_button"));
  preset_file (fixture, erin_key);
  click (fixture, "choose_key");

  /* Someone else's key: the mismatch is named, nothing written. */
  click (fixture, "import_pair_button");
  message = error_text (fixture);
  g_assert_nonnull (strstr (message, "does not belong to the private key"));
  g_assert_false (has_identity_files (fixture));
  g_assert_null (account_identity (fixture));
  sc_test_ui_screenshot (fixture->window, "welcome-pair-mismatch");

  preset_file (fixture, dave_key);
  click (fixture, "choose_key");
  g_assert_false (gtk_widget_get_visible (find (fixture, GTK_TYPE_LABEL, "error_label")));
  click (fixture, "import_pair_button");
  assert_identity_ready (fixture, "dave@example.org");
  g_assert_cmpstr (sc_identity_get_fingerprint (account_identity (fixture)), ==,
                   sc_identity_get_fingerprint (dave));
}

static gboolean
signed_step_shown (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_visible (find (fixture, GTK_TYPE_LABEL, "request_saved_label")) &&
         gtk_widget_is_drawable (find (fixture, GTK_TYPE_BUTTON, "import_signed_button"));
}

static gboolean
request_made (gpointer data)
{
  return gtk_widget_is_drawable (find (data, GTK_TYPE_BUTTON, "save_request_button"));
}

/* Name + user ID → key and request; returns the saved request's path. */
static char *
make_request (Fixture    *fixture,
              const char *user_id)
{
  g_autofree char *csr = g_build_filename (fixture->dir, "request.csr", NULL);
  g_autofree char *contents = NULL;

  choose (fixture, "request_choice");
  type_into (fixture, "request_name", "Frank");
  type_into (fixture, "request_user_id", user_id);
  press_enter (fixture, "request_user_id");
  g_assert_true (sc_test_ui_wait_for (request_made, fixture, 10000));
  g_assert_true (has_identity_files (fixture));
  /* The self-signed placeholder is not announced yet. */
  g_assert_cmpstr (visible_page (fixture), ==, "welcome");
  g_assert_null (account_identity (fixture));

  preset_file (fixture, csr);
  click (fixture, "save_request_button");
  g_assert_true (sc_test_ui_wait_for (signed_step_shown, fixture, 10000));
  contents = sc_test_read_file (csr);
  g_assert_true (g_str_has_prefix (contents, "-----BEGIN NEW CERTIFICATE REQUEST-----") ||
                 g_str_has_prefix (contents, "-----BEGIN CERTIFICATE REQUEST-----"));

  return g_steal_pointer (&csr);
}

static void
test_request_continue_self_signed (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *csr = make_request (fixture, "frank@example.org");

  sc_test_ui_screenshot (fixture->window, "welcome-request-saved");
  click (fixture, "continue_button");
  assert_identity_ready (fixture, "frank@example.org");
  g_assert_true (sc_peer_certificate_is_self_signed (sc_identity_get_certificate (account_identity (fixture))));
}

static void
test_request_import_signed (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ScIdentity) other = other_identity (fixture, "Grace", "grace@example.org");
  g_autofree char *other_crt = g_build_filename (fixture->dir, "grace@example.org", "identity.crt",
                                                 NULL);
  g_autofree char *csr = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *ca_crt = NULL;
  g_autofree char *signed_crt = g_build_filename (fixture->dir, "frank.crt", NULL);

  if (!sc_test_have_cert_tools ())
    return;

  csr = make_request (fixture, "frank@example.org");

  /* A certificate for another key is refused, naming the problem. */
  preset_file (fixture, other_crt);
  click (fixture, "choose_signed");
  click (fixture, "import_signed_button");
  g_assert_nonnull (strstr (error_text (fixture), "is not for the key of your request"));
  g_assert_null (account_identity (fixture));

  /* The CA answers. */
  ca_key = sc_test_openssl_key (fixture->dir, "ca", "EC", "ec_paramgen_curve:P-256");
  ca_crt = sc_test_openssl_self_signed (fixture->dir, "ca", ca_key, "/CN=Test CA",
                                        "basicConstraints=critical,CA:TRUE");
  sc_test_run_tool ("openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
                    "-CAcreateserial", "-days", "30", "-copy_extensions", "copy",
                    "-out", signed_crt, NULL);

  preset_file (fixture, signed_crt);
  click (fixture, "choose_signed");
  click (fixture, "import_signed_button");
  assert_identity_ready (fixture, "frank@example.org");
  g_assert_false (sc_peer_certificate_is_self_signed (sc_identity_get_certificate (account_identity (fixture))));
}

int
main (int   argc,
      char *argv[])
{
  sc_test_ui_init (&argc, &argv);

  g_test_add ("/ui/welcome/create", Fixture, NULL,
              fixture_set_up, test_create, fixture_tear_down);
  g_test_add ("/ui/welcome/invalid-user-id", Fixture, NULL,
              fixture_set_up, test_invalid_user_id, fixture_tear_down);
  g_test_add ("/ui/welcome/import-pkcs12", Fixture, NULL,
              fixture_set_up, test_import_pkcs12, fixture_tear_down);
  g_test_add ("/ui/welcome/import-pair", Fixture, NULL,
              fixture_set_up, test_import_pair, fixture_tear_down);
  g_test_add ("/ui/welcome/request/continue", Fixture, NULL,
              fixture_set_up, test_request_continue_self_signed, fixture_tear_down);
  g_test_add ("/ui/welcome/request/import-signed", Fixture, NULL,
              fixture_set_up, test_request_import_signed, fixture_tear_down);

  return g_test_run ();
}
