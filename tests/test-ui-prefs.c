/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The preferences window with a real profile, under Xvfb: identity details,
 * the block list, the policy for strangers, the network settings and
 * replacing the identity. */
#include "config.h"

#include <string.h>

#include "sc-preferences-window.h"
#include "sc-profile.h"
#include "sc-test-certs.h"
#include "sc-test-ui.h"
#include "sc-test-util.h"

#define EVE_FINGERPRINT "8f43b2c1d0e9a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2"

typedef struct
{
  char          *dir;
  char          *profile;
  ScStore       *store;    /* the test's own connection to the profile database */
  ScApplication *app;
  ScAccount     *account;
  GtkWidget     *prefs;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  ScTestCertSpec ca_spec = { .cn = "Example Root CA", .is_ca = TRUE };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(GBytes) ca_der = sc_test_cert_der (ca);
  g_autoptr(GBytes) crl_der = sc_test_crl_der (ca, ca, NULL, 0);
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = sc_test_dir_new ("sixchat-ui-prefs");
  fixture->profile = g_build_filename (fixture->dir, "alice", NULL);
  identity = sc_identity_create (fixture->profile, "Alice", "alice@example.org",
                                 SC_IDENTITY_FLAGS_NONE, &error);
  g_assert_no_error (error);

  fixture->store = sc_profile_open_store (fixture->profile, &error);
  g_assert_no_error (error);
  /* Loopback only, any free port. */
  g_assert_true (sc_store_set_setting (fixture->store, "listen-address", "::1", &error));
  g_assert_true (sc_store_set_setting (fixture->store, "listen-port", "0", &error));
  g_assert_true (sc_store_add_issuer (fixture->store, ca_der, &error));
  g_assert_true (sc_store_add_crl (fixture->store, crl_der, &error));
  g_assert_true (sc_store_add_entry (fixture->store, SC_LIST_BLOCK, SC_ENTRY_USER,
                                     "mallory@example.org", "Mallory", &error));
  g_assert_true (sc_store_add_entry (fixture->store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
                                     EVE_FINGERPRINT, "Eve", &error));
  g_assert_no_error (error);

  fixture->app = sc_test_ui_app_new (fixture->profile);
  fixture->account = sc_application_get_account (fixture->app);

  /* Ctrl+, */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  fixture->prefs = GTK_WIDGET (sc_test_ui_find_window (fixture->app, SC_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (fixture->prefs);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sc_test_ui_app_free (fixture->app);
  g_clear_object (&fixture->store);
  g_free (fixture->profile);
  sc_test_dir_free (fixture->dir);
}

static void
show_page (Fixture    *fixture,
           const char *name)
{
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (fixture->prefs), name);
}

static GtkWidget *
find (Fixture    *fixture,
      GType       type,
      const char *name)
{
  GtkWidget *widget = sc_test_ui_find (fixture->prefs, type, name);

  g_assert_nonnull (widget);
  return widget;
}

typedef struct
{
  GtkLabel   *label;
  const char *text;
} LabelWait;

static gboolean
label_is (gpointer data)
{
  LabelWait *wait = data;

  return g_strcmp0 (gtk_label_get_label (wait->label), wait->text) == 0;
}

static gboolean
label_has_prefix (gpointer data)
{
  LabelWait *wait = data;

  return g_str_has_prefix (gtk_label_get_label (wait->label), wait->text);
}

static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
widget_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

/* The identity page shows my details. */
static void
test_identity (Fixture       *fixture,
               gconstpointer  data)
{
  LabelWait wait = { GTK_LABEL (find (fixture, GTK_TYPE_LABEL, "identity-user-id")),
                     "alice@example.org" };
  ScIdentity *identity = sc_account_get_identity (fixture->account);
  g_autofree char *fingerprint = sc_fingerprint_format (sc_identity_get_fingerprint (identity));
  GtkLabel *fingerprint_label = GTK_LABEL (find (fixture, GTK_TYPE_LABEL, "identity-fingerprint"));

  g_assert_true (sc_test_ui_wait_for (label_is, &wait, 5000));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (fixture, GTK_TYPE_LABEL, "identity-name"))),
                   ==, "Alice");
  g_assert_cmpstr (gtk_label_get_label (fingerprint_label), ==, fingerprint);

  sc_test_ui_screenshot (fixture->prefs, "preferences");
}

typedef struct
{
  Fixture *fixture;
  guint    n_entries;
} BlockWait;

static gboolean
block_list_has (gpointer data)
{
  BlockWait *wait = data;
  g_autoptr(GPtrArray) entries = sc_store_list_entries (wait->fixture->store, SC_LIST_BLOCK, NULL);

  return entries != NULL && entries->len == wait->n_entries;
}

static gboolean
list_has (gpointer data)
{
  BlockWait *wait = data;
  GtkWidget *list = find (wait->fixture, GTK_TYPE_LIST_VIEW, "blocked-list");
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));

  return g_list_model_get_n_items (model) == wait->n_entries;
}

/* Removing block entries with their buttons removes them from the store;
 * the list follows, and shows its empty row at the end. */
static void
test_block_list (Fixture       *fixture,
                 gconstpointer  data)
{
  BlockWait wait = { fixture, 2 };
  GtkWidget *list;

  show_page (fixture, "blocked");
  list = find (fixture, GTK_TYPE_LIST_VIEW, "blocked-list");
  g_assert_true (sc_test_ui_wait_for (list_has, &wait, 5000));
  g_assert_true (gtk_widget_get_visible (list));
  g_assert_false (gtk_widget_get_visible (find (fixture, GTK_TYPE_LIST_BOX, "blocked-empty")));
  sc_test_ui_screenshot (fixture->prefs, "preferences-blocked");

  while (wait.n_entries > 0)
    {
      GtkWidget *button = sc_test_ui_find (list, GTK_TYPE_BUTTON, "remove-button");

      g_assert_nonnull (button);
      gtk_widget_activate (button);
      wait.n_entries--;
      g_assert_true (sc_test_ui_wait_for (block_list_has, &wait, 5000));
      g_assert_true (sc_test_ui_wait_for (list_has, &wait, 5000));
    }

  g_assert_true (gtk_widget_get_visible (find (fixture, GTK_TYPE_LIST_BOX, "blocked-empty")));
  g_assert_false (gtk_widget_get_visible (list));
}

static gboolean
policy_is_reject (gpointer data)
{
  Fixture *fixture = data;

  return sc_store_get_policy (fixture->store, NULL) == SC_POLICY_REJECT;
}

/* Issuers and CRLs are listed; choosing Refuse stores the policy. */
static void
test_trust (Fixture       *fixture,
            gconstpointer  data)
{
  GtkWidget *policy_row = find (fixture, ADW_TYPE_COMBO_ROW, "policy-row");
  GtkWidget *issuers = find (fixture, GTK_TYPE_LIST_VIEW, "issuers-list");

  show_page (fixture, "trust");
  g_assert_true (sc_test_ui_wait_for (widget_sensitive, policy_row, 5000));
  g_assert_true (sc_test_ui_wait_for (widget_visible, issuers, 5000));
  g_assert_true (gtk_widget_get_visible (find (fixture, GTK_TYPE_LIST_VIEW, "crls-list")));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (policy_row)), ==, 0);
  g_assert_cmpint (sc_store_get_policy (fixture->store, NULL), ==, SC_POLICY_ASK);

  adw_combo_row_set_selected (ADW_COMBO_ROW (policy_row), 1);
  g_assert_true (sc_test_ui_wait_for (policy_is_reject, fixture, 5000));

  sc_test_ui_screenshot (fixture->prefs, "preferences-trust");
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

typedef struct
{
  ScAccount *account;
  guint16    port;
} PortWait;

static gboolean
agent_listens_on (gpointer data)
{
  PortWait *wait = data;
  ScUserAgent *agent = sc_account_get_agent (wait->account);

  return agent != NULL && sc_user_agent_is_listening (agent)
         && sc_user_agent_get_port (agent) == wait->port;
}

static void
apply (Fixture *fixture,
       guint16  port)
{
  GtkWidget *apply_button = find (fixture, GTK_TYPE_BUTTON, "apply-button");

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (fixture, GTK_TYPE_SPIN_BUTTON, "port-spin")), port);
  g_assert_true (gtk_widget_get_sensitive (apply_button));
  gtk_widget_activate (apply_button);
}

/* Apply listens on the new port; a port in use shows the error in place. */
static void
test_network (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *address_row = find (fixture, ADW_TYPE_ENTRY_ROW, "address-row");
  GtkLabel *status = GTK_LABEL (find (fixture, GTK_TYPE_LABEL, "network-status"));
  PortWait port_wait = { fixture->account, free_port () };
  g_autofree char *listening = g_strdup_printf ("Listening on [::1]:%u", port_wait.port);
  LabelWait status_wait = { status, listening };
  g_autoptr(GSocket) busy = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) busy_address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  guint16 busy_port;

  show_page (fixture, "network");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (address_row)), ==, "::1");

  /* Not an address: refused before anything is written. */
  gtk_editable_set_text (GTK_EDITABLE (address_row), "::1::2");
  g_assert_true (gtk_widget_has_css_class (address_row, "error"));
  g_assert_false (gtk_widget_get_sensitive (find (fixture, GTK_TYPE_BUTTON, "apply-button")));

  /* Brackets are fine. */
  gtk_editable_set_text (GTK_EDITABLE (address_row), "[::1]");
  g_assert_false (gtk_widget_has_css_class (address_row, "error"));

  apply (fixture, port_wait.port);
  g_assert_true (sc_test_ui_wait_for (agent_listens_on, &port_wait, 5000));
  g_assert_true (sc_test_ui_wait_for (label_is, &status_wait, 5000));
  stored = sc_store_get_setting (fixture->store, "listen-port", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_ascii_strtoull (stored, NULL, 10), ==, port_wait.port);
  g_clear_pointer (&stored, g_free);
  stored = sc_store_get_setting (fixture->store, "listen-address", &error);
  g_assert_cmpstr (stored, ==, "::1");

  /* Somebody else holds this port. */
  busy_port = free_port ();
  busy = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  busy_address = g_inet_socket_address_new (loopback, busy_port);
  g_assert_true (g_socket_bind (busy, busy_address, FALSE, &error));
  g_assert_true (g_socket_listen (busy, &error));
  g_assert_no_error (error);

  apply (fixture, busy_port);
  status_wait.text = "Not listening: ";
  g_assert_true (sc_test_ui_wait_for (label_has_prefix, &status_wait, 5000));
  g_assert_nonnull (sc_account_get_listen_error (fixture->account));
  g_assert_nonnull (strstr (gtk_label_get_label (status),
                            sc_account_get_listen_error (fixture->account)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));

  sc_test_ui_screenshot (fixture->prefs, "preferences-network");
}

/* The most recently shown dialog with this heading. */
static AdwMessageDialog *
find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window))
          && g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog (data) != NULL;
}

static gboolean
user_id_is (gpointer data)
{
  Fixture *fixture = data;
  ScIdentity *identity = sc_account_get_identity (fixture->account);

  return g_strcmp0 (sc_identity_get_user_id (identity), "alice@example.net") == 0;
}

/* Replace… → Create New… → a new self-signed identity the account uses. */
static void
test_replace (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *old = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *user_row;
  LabelWait wait = { GTK_LABEL (find (fixture, GTK_TYPE_LABEL, "identity-user-id")),
                     "alice@example.net" };

  old = g_strdup (sc_identity_get_fingerprint (sc_account_get_identity (fixture->account)));

  g_assert_true (gtk_widget_activate_action (fixture->prefs, "prefs.replace", NULL));
  dialog = find_dialog ("Replace Your Identity?");
  g_assert_nonnull (dialog);
  gtk_widget_activate (sc_test_ui_find_button (GTK_WIDGET (dialog), "Create _New…"));

  /* A button clicks a moment after it is activated. */
  g_assert_true (sc_test_ui_wait_for (dialog_shown, "New Identity", 5000));
  dialog = find_dialog ("New Identity");
  g_assert_null (find_dialog ("Replace Your Identity?"));
  user_row = sc_test_ui_find (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, NULL);
  g_assert_nonnull (user_row);
  /* The first row is the name, prefilled; the second the user ID. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (user_row)), ==, "Alice");
  user_row = sc_test_ui_find (gtk_widget_get_next_sibling (user_row), ADW_TYPE_ENTRY_ROW, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (user_row)), ==, "alice@example.org");
  gtk_editable_set_text (GTK_EDITABLE (user_row), "alice@example.net");
  sc_test_ui_screenshot (GTK_WIDGET (dialog), "preferences-new-identity");
  /* Enter in the row. */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (user_row)), "activate");

  g_assert_true (sc_test_ui_wait_for (user_id_is, fixture, 10000));
  g_assert_cmpstr (sc_identity_get_fingerprint (sc_account_get_identity (fixture->account)), !=, old);
  g_assert_true (sc_test_ui_wait_for (label_is, &wait, 5000));
  g_assert_null (find_dialog ("New Identity"));
}

/* A certificate that ends within 30 days is a warning on the identity page. */
static void
test_expiry (Fixture       *fixture,
             gconstpointer  data)
{
  ScTestCertSpec spec = { .cn = "Alice", .uid = "alice@example.org",
                          .not_after = g_get_real_time () / G_USEC_PER_SEC + 10 * 86400 + 3600 };
  g_autoptr(ScTestCert) leaf = sc_test_cert_new (&spec, NULL);
  g_autofree char *other = g_build_filename (fixture->dir, "short", NULL);
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row = find (fixture, ADW_TYPE_ACTION_ROW, "expiry-row");

  g_assert_false (gtk_widget_get_visible (row));

  g_assert_cmpint (g_mkdir_with_parents (other, 0700), ==, 0);
  sc_test_install_identity (other, leaf, NULL, 0);
  identity = sc_identity_load (other, &error);
  g_assert_no_error (error);
  sc_account_set_identity (fixture->account, identity);

  g_assert_true (gtk_widget_get_visible (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "Your certificate expires in 10 days. Replace it, or have it renewed.");
}

/* A visible file chooser (GtkFileChooserNative without portals shows a
 * GtkFileChooserDialog) picks file, as if clicked. */
static gboolean
chooser_shown (gpointer data)
{
  GtkWindow **found = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          *found = window;
          return TRUE;
        }
    }

  return FALSE;
}

typedef struct
{
  GtkFileChooser *chooser;
  GFile          *file;
} ChooserWait;

static gboolean
chooser_has_a_folder (gpointer data)
{
  g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (data);

  return folder != NULL;
}

static gboolean
chooser_has_folder (gpointer data)
{
  ChooserWait *wait = data;
  g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (wait->chooser);

  return folder != NULL && g_file_equal (folder, wait->file);
}

static gboolean
chooser_has_file (gpointer data)
{
  ChooserWait *wait = data;
  g_autoptr(GFile) file = gtk_file_chooser_get_file (wait->chooser);

  return file != NULL && g_file_equal (file, wait->file);
}

/* Picks path in the chooser that is showing and clicks accept_label. */
static void
choose_file (const char *path,
             const char *accept_label)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog = NULL;
  ChooserWait wait = { NULL, folder };
  GtkWidget *accept;

  g_assert_true (sc_test_ui_wait_for (chooser_shown, &dialog, 5000));
  wait.chooser = GTK_FILE_CHOOSER (dialog);
  if (gtk_file_chooser_get_action (wait.chooser) == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      /* It opens its first folder on its own; only then does ours stay. */
      g_assert_true (sc_test_ui_wait_for (chooser_has_a_folder, wait.chooser, 5000));
      g_assert_true (gtk_file_chooser_set_current_folder (wait.chooser, folder, &error));
      g_assert_true (sc_test_ui_wait_for (chooser_has_folder, &wait, 5000));
      gtk_file_chooser_set_current_name (wait.chooser, name);
    }
  else
    {
      g_assert_true (gtk_file_chooser_set_file (wait.chooser, file, &error));
    }
  g_assert_no_error (error);
  /* The chooser loads the folder before it selects the file. */
  wait.file = file;
  g_assert_true (sc_test_ui_wait_for (chooser_has_file, &wait, 5000));

  accept = sc_test_ui_find_button (GTK_WIDGET (dialog), accept_label);
  g_assert_nonnull (accept);
  gtk_widget_activate (accept);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* Export PKCS#12: a file, the passphrase twice, and a backup that imports
 * as the same identity. */
static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "backup.p12", NULL);
  g_autofree char *other = g_build_filename (fixture->dir, "restored", NULL);
  g_autoptr(ScIdentity) restored = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *first;
  GtkWidget *second;

  g_assert_true (gtk_widget_activate_action (fixture->prefs, "prefs.export", NULL));
  choose_file (path, "_Save");

  g_assert_true (sc_test_ui_wait_for (dialog_shown, "Protect the Backup", 5000));
  dialog = find_dialog ("Protect the Backup");
  first = sc_test_ui_find (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  second = sc_test_ui_find (gtk_widget_get_next_sibling (first), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));

  gtk_editable_set_text (GTK_EDITABLE (first), "correct horse");
  gtk_editable_set_text (GTK_EDITABLE (second), "correct hose");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  g_assert_true (gtk_widget_has_css_class (second, "error"));
  gtk_editable_set_text (GTK_EDITABLE (second), "correct horse");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  sc_test_ui_screenshot (GTK_WIDGET (dialog), "preferences-export");

  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (second)), "activate");
  g_assert_true (sc_test_ui_wait_for (file_exists, path, 10000));
  /* The rows forget the passphrase. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (first)), ==, "");

  restored = sc_identity_import_pkcs12 (other, path, "correct horse", SC_IDENTITY_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (restored), ==,
                   sc_identity_get_fingerprint (sc_account_get_identity (fixture->account)));
}

static gboolean
toast_says_not_ca (gpointer data)
{
  return sc_test_ui_has_label_containing (data, "is not a CA certificate");
}

static gboolean
two_issuers (gpointer data)
{
  GtkWidget *list = data;

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)))) == 2;
}

/* Add… takes a CA certificate from a file; one that is no CA is refused
 * with a toast. */
static void
test_add_issuer (Fixture       *fixture,
                 gconstpointer  data)
{
  ScTestCertSpec ca_spec = { .cn = "Second CA", .is_ca = TRUE };
  ScTestCertSpec leaf_spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScTestCert) leaf = sc_test_cert_new (&leaf_spec, NULL);
  g_autofree char *ca_pem = sc_test_cert_pem (ca);
  g_autofree char *leaf_pem = sc_test_cert_pem (leaf);
  g_autofree char *ca_path = sc_test_write_file (fixture->dir, "second-ca.pem", ca_pem, -1);
  g_autofree char *leaf_path = sc_test_write_file (fixture->dir, "bob.pem", leaf_pem, -1);
  GtkWidget *list = find (fixture, GTK_TYPE_LIST_VIEW, "issuers-list");
  g_autoptr(GPtrArray) issuers = NULL;

  show_page (fixture, "trust");

  g_assert_true (gtk_widget_activate_action (fixture->prefs, "prefs.add-issuer", NULL));
  choose_file (leaf_path, "_Add");
  g_assert_true (sc_test_ui_wait_for (toast_says_not_ca, fixture->prefs, 5000));

  g_assert_true (gtk_widget_activate_action (fixture->prefs, "prefs.add-issuer", NULL));
  choose_file (ca_path, "_Add");
  g_assert_true (sc_test_ui_wait_for (two_issuers, list, 5000));
  issuers = sc_store_list_issuers (fixture->store, NULL);
  g_assert_cmpuint (issuers->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  sc_test_ui_init (&argc, &argv);

  g_test_add ("/ui/prefs/identity", Fixture, NULL, fixture_set_up, test_identity, fixture_tear_down);
  g_test_add ("/ui/prefs/expiry", Fixture, NULL, fixture_set_up, test_expiry, fixture_tear_down);
  g_test_add ("/ui/prefs/block-list", Fixture, NULL, fixture_set_up, test_block_list, fixture_tear_down);
  g_test_add ("/ui/prefs/trust", Fixture, NULL, fixture_set_up, test_trust, fixture_tear_down);
  g_test_add ("/ui/prefs/network", Fixture, NULL, fixture_set_up, test_network, fixture_tear_down);
  g_test_add ("/ui/prefs/replace", Fixture, NULL, fixture_set_up, test_replace, fixture_tear_down);
  g_test_add ("/ui/prefs/export", Fixture, NULL, fixture_set_up, test_export, fixture_tear_down);
  g_test_add ("/ui/prefs/add-issuer", Fixture, NULL, fixture_set_up, test_add_issuer, fixture_tear_down);

  return g_test_run ();
}
