/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contacts page and the contact editor, driven through their widgets
 * and actions, with a real profile under Xvfb. */
#include "config.h"

#include "sc-chat-window.h"
#include "sc-connect-dialog.h"
#include "sc-contact-editor.h"
#include "sc-contact-row.h"
#include "sc-contacts-page.h"
#include "sc-profile.h"
#include "sc-test-ui.h"
#include "sc-test-util.h"

typedef struct
{
  char          *dir;
  char          *profile;
  ScIdentity    *bob;    /* identities of others, for their certificates */
  ScIdentity    *carol;
  char          *bob_crt;
  ScApplication *app;
  GtkWidget     *window;
  GtkWidget     *page;
} Fixture;

/* Profiles */

static ScIdentity *
make_identity (Fixture    *fixture,
               const char *who,
               const char *name,
               const char *user_id)
{
  g_autofree char *profile = g_build_filename (fixture->dir, who, NULL);
  g_autoptr(GError) error = NULL;
  ScIdentity *identity = sc_identity_create (profile, name, user_id,
                                             SC_IDENTITY_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return identity;
}

static ScStore *
open_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  ScStore *store = sc_profile_open_store (fixture->profile, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ScIdentity) alice = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = sc_test_dir_new ("sixchat-ui-contacts");
  fixture->profile = g_build_filename (fixture->dir, "alice", NULL);
  alice = make_identity (fixture, "alice", "Alice", "alice@example.org");
  fixture->bob = make_identity (fixture, "bob", "Bob", "bob@example.org");
  fixture->carol = make_identity (fixture, "carol", "Carol", "carol@example.org");
  fixture->bob_crt = g_build_filename (fixture->dir, "bob", "identity.crt", NULL);

  /* Listen on loopback only, on a free port. */
  store = open_store (fixture);
  sc_store_set_setting (store, "listen-address", "::1", &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-port", "0", &error);
  g_assert_no_error (error);
}

static void
fixture_start (Fixture *fixture)
{
  fixture->app = sc_test_ui_app_new (fixture->profile);
  fixture->window = GTK_WIDGET (sc_application_get_main_window (fixture->app));
  fixture->page = sc_test_ui_find (fixture->window, SC_TYPE_CONTACTS_PAGE, NULL);
  g_assert_nonnull (fixture->page);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sc_test_ui_app_free (fixture->app);
  g_clear_object (&fixture->bob);
  g_clear_object (&fixture->carol);
  g_free (fixture->bob_crt);
  g_free (fixture->profile);
  sc_test_dir_free (fixture->dir);
}

/* Looking at the page */

static const char *
page_state (Fixture *fixture)
{
  GtkWidget *stack = sc_test_ui_find (fixture->page, GTK_TYPE_STACK, NULL);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static guint
n_shown (Fixture *fixture)
{
  GtkWidget *list = sc_test_ui_find (fixture->page, GTK_TYPE_LIST_VIEW, "contacts-list");

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list))));
}

/* The row that shows the contact named name, or NULL. */
static ScContactRow *
find_row_in (GtkWidget  *root,
             const char *name)
{
  if (SC_IS_CONTACT_ROW (root))
    {
      ScContact *contact = sc_contact_row_get_contact (SC_CONTACT_ROW (root));

      return contact != NULL && g_strcmp0 (sc_contact_get_name (contact), name) == 0
             ? SC_CONTACT_ROW (root) : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ScContactRow *row = find_row_in (child, name);

      if (row != NULL)
        return row;
    }

  return NULL;
}

static ScContactRow *
find_row (Fixture    *fixture,
          const char *name)
{
  GtkWidget *list = sc_test_ui_find (fixture->page, GTK_TYPE_LIST_VIEW, "contacts-list");

  return find_row_in (list, name);
}

static const char *
row_label (ScContactRow *row,
           const char   *label_name)
{
  GtkWidget *label = sc_test_ui_find (GTK_WIDGET (row), GTK_TYPE_LABEL, label_name);

  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

typedef struct
{
  Fixture    *fixture;
  const char *name;
  const char *trust;  /* NULL: any */
} RowWanted;

static gboolean
row_shown (gpointer data)
{
  RowWanted *wanted = data;
  ScContactRow *row = find_row (wanted->fixture, wanted->name);

  return row != NULL && gtk_widget_get_mapped (GTK_WIDGET (row))
         && (wanted->trust == NULL
             || g_strcmp0 (row_label (row, "contact-trust"), wanted->trust) == 0);
}

static ScContactRow *
wait_for_row (Fixture    *fixture,
              const char *name,
              const char *trust)
{
  RowWanted wanted = { fixture, name, trust };

  g_assert_true (sc_test_ui_wait_for (row_shown, &wanted, 5000));
  return find_row (fixture, name);
}

static gboolean
row_gone (gpointer data)
{
  RowWanted *wanted = data;

  return find_row (wanted->fixture, wanted->name) == NULL;
}

typedef struct
{
  Fixture    *fixture;
  const char *state;
  guint       shown;
} PageWanted;

static gboolean
page_is (gpointer data)
{
  PageWanted *wanted = data;

  return g_strcmp0 (page_state (wanted->fixture), wanted->state) == 0
         && n_shown (wanted->fixture) == wanted->shown;
}

static void
wait_for_page (Fixture    *fixture,
               const char *state,
               guint       shown)
{
  PageWanted wanted = { fixture, state, shown };

  g_assert_true (sc_test_ui_wait_for (page_is, &wanted, 5000));
}

/* The store, read as the test's own check. */
static ScContact *
stored_contact (Fixture    *fixture,
                const char *user_id)
{
  g_autoptr(ScStore) store = open_store (fixture);
  g_autoptr(GError) error = NULL;
  ScContact *contact = sc_store_find_contact (store, user_id, &error);

  g_assert_no_error (error);
  return contact;
}

/* The editor */

static ScContactEditor *
editor_window (Fixture *fixture)
{
  return (ScContactEditor *) sc_test_ui_find_window (fixture->app, SC_TYPE_CONTACT_EDITOR);
}

static GtkWidget *
editor_widget (ScContactEditor *editor,
               GType            type,
               const char       *name)
{
  GtkWidget *widget = sc_test_ui_find (GTK_WIDGET (editor), type, name);

  g_assert_nonnull (widget);
  return widget;
}

static void
editor_set (ScContactEditor *editor,
            const char      *name,
            const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editor_widget (editor, ADW_TYPE_ENTRY_ROW, name)), text);
}

static void
editor_set_addresses (ScContactEditor *editor,
                      const char      *text)
{
  GtkWidget *view = editor_widget (editor, GTK_TYPE_TEXT_VIEW, "editor-addresses");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

static gboolean
editor_error_shown (gpointer data)
{
  return gtk_widget_get_visible (editor_widget (data, GTK_TYPE_LABEL, "editor-error"));
}

static gboolean
no_editor (gpointer data)
{
  return editor_window (data) == NULL;
}

static gboolean
has_editor (gpointer data)
{
  return editor_window (data) != NULL;
}

static ScContactEditor *
wait_for_editor (Fixture *fixture)
{
  g_assert_true (sc_test_ui_wait_for (has_editor, fixture, 5000));
  return editor_window (fixture);
}

static void
editor_save (Fixture         *fixture,
             ScContactEditor *editor)
{
  gtk_widget_activate (editor_widget (editor, GTK_TYPE_BUTTON, "editor-save"));
}

/* Saves and waits for the editor to close. */
static void
editor_save_and_close (Fixture         *fixture,
                       ScContactEditor *editor)
{
  editor_save (fixture, editor);
  g_assert_true (sc_test_ui_wait_for (no_editor, fixture, 5000));
}

typedef struct
{
  ScContactEditor *editor;
  const char      *title;
} TitleWanted;

static gboolean
certificate_title_is (gpointer data)
{
  TitleWanted *wanted = data;
  GtkWidget *row = editor_widget (wanted->editor, ADW_TYPE_ACTION_ROW, "editor-certificate");

  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), wanted->title) == 0;
}

static void
wait_for_certificate_title (ScContactEditor *editor,
                            const char      *title)
{
  TitleWanted wanted = { editor, title };

  g_assert_true (sc_test_ui_wait_for (certificate_title_is, &wanted, 5000));
}

static gboolean
past_menu_filled (gpointer data)
{
  GtkWidget *button = editor_widget (data, GTK_TYPE_MENU_BUTTON, "editor-past-sessions");

  return g_menu_model_get_n_items (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button))) > 0;
}

static ScContactEditor *
open_editor (Fixture    *fixture,
             GtkWidget  *widget,
             const char *action)
{
  ScContactEditor *editor;

  gtk_widget_activate_action (widget, action, NULL);
  editor = editor_window (fixture);
  g_assert_nonnull (editor);
  return editor;
}

/* Dialogs */

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
chat_window_shown (gpointer data)
{
  return sc_test_ui_find_window (data, SC_TYPE_CHAT_WINDOW) != NULL;
}

/* Search */

static void
search (Fixture    *fixture,
        const char *text)
{
  GtkWidget *entry = sc_test_ui_find (fixture->page, GTK_TYPE_SEARCH_ENTRY, "contacts-search");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* Tests */

static void
test_add_edit_remove (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ScContact) stored = NULL;
  g_autoptr(GError) error = NULL;
  ScContactEditor *editor;
  ScContactRow *row;
  GtkWidget *warning;
  GtkWidget *undo;
  GtkWindow *dialog;
  const char * const *addresses;

  fixture_start (fixture);
  wait_for_page (fixture, "empty", 0);
  sc_test_ui_screenshot (fixture->window, "contacts-empty");

  /* Add: nothing typed is refused in place. */
  gtk_widget_activate (sc_test_ui_find (fixture->page, GTK_TYPE_BUTTON, "add-contact-empty"));
  editor = wait_for_editor (fixture);
  editor_save (fixture, editor);
  g_assert_true (sc_test_ui_wait_for (editor_error_shown, editor, 5000));
  g_assert_true (gtk_widget_has_css_class (editor_widget (editor, ADW_TYPE_ENTRY_ROW, "editor-name"),
                                           "error"));

  /* Bob, his two addresses and the certificate he gave us. */
  editor_set (editor, "editor-name", "Bob");
  g_assert_false (editor_error_shown (editor));
  editor_set (editor, "editor-user-id", "Bob@Example.org");
  editor_set_addresses (editor, "[::1]:4605\n\n  [2001:db8::7]:4605  \n");
  {
    g_autoptr(GFile) file = g_file_new_for_path (fixture->bob_crt);

    sc_contact_editor_load_certificate_file (editor, file);
  }
  wait_for_certificate_title (editor, "Bob (bob@example.org)");
  warning = editor_widget (editor, GTK_TYPE_LABEL, "editor-certificate-warning");
  g_assert_false (gtk_widget_get_visible (warning));
  editor_save_and_close (fixture, editor);

  row = wait_for_row (fixture, "Bob", "Pinned");
  g_assert_cmpstr (row_label (row, "contact-user-id"), ==, "bob@example.org");
  g_assert_cmpstr (row_label (row, "contact-addresses"), ==, "[::1]:4605, [2001:db8::7]:4605");
  stored = stored_contact (fixture, "bob@example.org");
  g_assert_nonnull (stored);
  g_assert_cmpstr (sc_contact_get_name (stored), ==, "Bob");
  g_assert_cmpstr (sc_contact_get_fingerprint (stored), ==, sc_identity_get_fingerprint (fixture->bob));
  g_assert_nonnull (sc_contact_get_certificate_pem (stored));
  addresses = sc_contact_get_addresses (stored);
  g_assert_cmpuint (g_strv_length ((char **) addresses), ==, 2);
  g_clear_object (&stored);

  /* Messages: the chat window with Bob's history, calling nobody. */
  gtk_widget_activate_action (GTK_WIDGET (row), "row.messages", NULL);
  {
    GtkWindow *chat = sc_test_ui_find_window (fixture->app, SC_TYPE_CHAT_WINDOW);

    g_assert_nonnull (chat);
    g_assert_cmpstr (sc_chat_window_get_peer (SC_CHAT_WINDOW (chat)), ==, "bob@example.org");
    g_assert_null (sc_chat_window_get_session (SC_CHAT_WINDOW (chat)));
    gtk_window_destroy (chat);
  }

  /* Edit from the row's menu: a new name and address. */
  editor = open_editor (fixture, GTK_WIDGET (row), "row.edit");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_widget (editor, ADW_TYPE_ENTRY_ROW,
                                                                       "editor-name"))),
                   ==, "Bob");
  wait_for_certificate_title (editor, "Bob (bob@example.org)");
  editor_set (editor, "editor-name", "Robert");
  editor_set_addresses (editor, "[::1]:4700");
  editor_save_and_close (fixture, editor);

  row = wait_for_row (fixture, "Robert", "Pinned");
  g_assert_null (find_row (fixture, "Bob"));
  g_assert_cmpstr (row_label (row, "contact-addresses"), ==, "[::1]:4700");
  stored = stored_contact (fixture, "bob@example.org");
  g_assert_cmpstr (sc_contact_get_name (stored), ==, "Robert");
  addresses = sc_contact_get_addresses (stored);
  g_assert_cmpstr (addresses[0], ==, "[::1]:4700");
  g_assert_null (addresses[1]);
  g_clear_object (&stored);

  /* Carol, who called once: the store refuses Bob's user ID for her, and
   * Bob's certificate is flagged as not hers. */
  {
    g_autoptr(ScStore) store = open_store (fixture);
    ScKnock knock = {
      .time = g_get_real_time (),
      .incoming = TRUE,
      .address = (char *) "[::1]:50123",
      .fingerprint = (char *) sc_identity_get_fingerprint (fixture->carol),
      .user_id = (char *) "carol@example.org",
      .name = (char *) "Carol",
      .verdict = SC_VERDICT_ASK,
      .reason = (char *) "stranger-self-signed",
      .detail = (char *) "A stranger",
    };

    sc_store_add_knock (store, &knock, &error);
    g_assert_no_error (error);
  }

  editor = open_editor (fixture, fixture->page, "contacts.add");
  editor_set (editor, "editor-name", "Carol");
  editor_set (editor, "editor-user-id", "bob@example.org");
  editor_save (fixture, editor);
  g_assert_true (sc_test_ui_wait_for (editor_error_shown, editor, 5000));
  g_assert_true (gtk_widget_has_css_class (editor_widget (editor, ADW_TYPE_ENTRY_ROW,
                                                         "editor-user-id"), "error"));
  g_assert_nonnull (editor_window (fixture));

  editor_set (editor, "editor-user-id", "carol@example.org");
  {
    g_autoptr(GFile) file = g_file_new_for_path (fixture->bob_crt);

    sc_contact_editor_load_certificate_file (editor, file);
  }
  wait_for_certificate_title (editor, "Bob (bob@example.org)");
  warning = editor_widget (editor, GTK_TYPE_LABEL, "editor-certificate-warning");
  g_assert_true (gtk_widget_get_visible (warning));

  /* …so she gets the certificate she presented in that session instead. */
  g_assert_true (sc_test_ui_wait_for (past_menu_filled, editor, 5000));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.pin-past", "s",
                              sc_identity_get_fingerprint (fixture->carol));
  wait_for_certificate_title (editor, "Carol (carol@example.org)");
  g_assert_false (gtk_widget_get_visible (warning));
  editor_save_and_close (fixture, editor);

  wait_for_row (fixture, "Carol", NULL);
  stored = stored_contact (fixture, "carol@example.org");
  g_assert_cmpstr (sc_contact_get_fingerprint (stored), ==,
                   sc_identity_get_fingerprint (fixture->carol));
  g_clear_object (&stored);
  wait_for_page (fixture, "contacts", 2);

  /* Search by name or user ID, in any case. */
  search (fixture, "carol");
  wait_for_page (fixture, "contacts", 1);
  g_assert_nonnull (find_row (fixture, "Carol"));
  search (fixture, "BOB@EXAMPLE");
  wait_for_page (fixture, "contacts", 1);
  g_assert_nonnull (find_row (fixture, "Robert"));
  search (fixture, "nobody");
  wait_for_page (fixture, "contacts", 0);
  search (fixture, "");
  wait_for_page (fixture, "contacts", 2);

  /* Remove Robert, confirmed in a dialog… */
  row = wait_for_row (fixture, "Robert", NULL);
  gtk_widget_activate_action (GTK_WIDGET (row), "row.remove", NULL);
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  gtk_widget_activate (sc_test_ui_find_button (GTK_WIDGET (dialog), "_Remove"));
  {
    RowWanted gone = { fixture, "Robert", NULL };

    g_assert_true (sc_test_ui_wait_for (row_gone, &gone, 5000));
  }
  wait_for_page (fixture, "contacts", 1);
  stored = stored_contact (fixture, "bob@example.org");
  g_assert_null (stored);

  /* …and brought back from the toast, pin included. */
  undo = sc_test_ui_find_button (fixture->page, "_Undo");
  g_assert_nonnull (undo);
  gtk_widget_activate (undo);
  wait_for_row (fixture, "Robert", "Pinned");
  stored = stored_contact (fixture, "bob@example.org");
  g_assert_nonnull (stored);
  g_assert_cmpstr (sc_contact_get_fingerprint (stored), ==, sc_identity_get_fingerprint (fixture->bob));
  g_clear_object (&stored);

  /* Activating Carol, who has no address, asks where to call her. */
  row = wait_for_row (fixture, "Carol", NULL);
  gtk_widget_activate_action (GTK_WIDGET (row), "row.connect", NULL);
  dialog = find_toplevel (SC_TYPE_CONNECT_DIALOG);
  g_assert_nonnull (dialog);
  gtk_window_destroy (dialog);

  /* Activating Robert's row dials his first address. */
  {
    GtkWidget *list = sc_test_ui_find (fixture->page, GTK_TYPE_LIST_VIEW, "contacts-list");
    GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
    guint position = G_MAXUINT;

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(ScContact) contact = g_list_model_get_item (model, i);

        if (g_strcmp0 (sc_contact_get_name (contact), "Robert") == 0)
          position = i;
      }
    g_assert_cmpuint (position, !=, G_MAXUINT);
    g_signal_emit_by_name (list, "activate", position);
    g_assert_true (sc_test_ui_wait_for (chat_window_shown, fixture->app, 5000));
  }
}

static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScContact) bob = sc_contact_new ("Bob Example", "bob@example.org");
  g_autoptr(ScContact) carol = sc_contact_new ("Carol Jones", "carol@example.org");
  g_autoptr(ScContact) dave = sc_contact_new ("Dave Miller", "dave@example.net");
  g_autofree char *bob_pem = sc_peer_certificate_to_pem (sc_identity_get_certificate (fixture->bob));
  const char *bob_addresses[] = { "[2001:db8::b0b]:4605", "[::1]:4605", NULL };
  const char *carol_addresses[] = { "carol.example.org", NULL };
  const char *dave_addresses[] = { "[2001:db8::da7e]:4605", NULL };
  ScContactEditor *editor;

  sc_contact_set_addresses (bob, bob_addresses);
  sc_contact_set_fingerprint (bob, sc_identity_get_fingerprint (fixture->bob));
  sc_contact_set_certificate_pem (bob, bob_pem);
  sc_contact_set_addresses (carol, carol_addresses);
  sc_contact_set_addresses (dave, dave_addresses);
  sc_store_save_contact (store, bob, &error);
  g_assert_no_error (error);
  sc_store_save_contact (store, carol, &error);
  g_assert_no_error (error);
  sc_store_save_contact (store, dave, &error);
  g_assert_no_error (error);
  sc_store_add_entry (store, SC_LIST_BLOCK, SC_ENTRY_USER, "dave@example.net", NULL, &error);
  g_assert_no_error (error);

  fixture_start (fixture);
  wait_for_page (fixture, "contacts", 3);
  wait_for_row (fixture, "Bob Example", "Pinned");
  wait_for_row (fixture, "Carol Jones", "No certificate yet");
  wait_for_row (fixture, "Dave Miller", "Blocked");
  sc_test_ui_screenshot (fixture->window, "contacts");

  editor = open_editor (fixture, GTK_WIDGET (find_row (fixture, "Bob Example")), "row.edit");
  wait_for_certificate_title (editor, "Bob (bob@example.org)");
  sc_test_ui_screenshot (GTK_WIDGET (editor), "contact-editor");
}

int
main (int   argc,
      char *argv[])
{
  sc_test_ui_init (&argc, &argv);

  g_test_add ("/ui/contacts/add-edit-remove", Fixture, NULL,
              fixture_set_up, test_add_edit_remove, fixture_tear_down);
  g_test_add ("/ui/contacts/screenshot", Fixture, NULL,
              fixture_set_up, test_screenshot, fixture_tear_down);

  return g_test_run ();
}
