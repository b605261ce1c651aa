/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The requests page and the knock log, driven through their widgets: two
 * strangers call the app's agent for real (in-process peers on ::1) and
 * wait, pending, while the user accepts, declines, undoes and blocks. */
#include "config.h"

#include "sc-knock-row.h"
#include "sc-knocks-page.h"
#include "sc-profile.h"
#include "sc-request-row.h"
#include "sc-requests-page.h"
#include "sc-test-agent.h"
#include "sc-test-ui.h"
#include "sc-test-util.h"

typedef struct
{
  char          *dir;
  char          *profile;
  ScApplication *app;
  ScStore       *store;      /* the app's own, read synchronously by the test */
  GtkWidget     *window;
  GtkWidget     *requests_page;
  GtkWidget     *knocks_page;
  ScTestPeer    *bob;
  ScTestPeer    *carol;
  ScSession     *bob_session;
  ScSession     *carol_session;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ScIdentity) alice = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScKnock no_certificate = {
    .time = g_get_real_time () - 2 * G_USEC_PER_SEC,
    .incoming = TRUE,
    .address = (char *) "[::1]:50000",
    .verdict = SC_VERDICT_REJECT,
    .reason = (char *) "no-certificate",
    .detail = (char *) "The caller presented no certificate",
  };

  fixture->dir = sc_test_dir_new ("sixchat-ui-inbox");
  fixture->profile = g_build_filename (fixture->dir, "alice", NULL);
  alice = sc_identity_create (fixture->profile, "Alice", "alice@example.org",
                              SC_IDENTITY_FLAGS_NONE, &error);
  g_assert_no_error (error);

  /* Listen on loopback only, on a free port; one knock from before. */
  store = sc_profile_open_store (fixture->profile, &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-address", "::1", &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-port", "0", &error);
  g_assert_no_error (error);
  sc_store_add_knock (store, &no_certificate, &error);
  g_assert_no_error (error);

  fixture->app = sc_test_ui_app_new (fixture->profile);
  fixture->store = g_object_ref (sc_account_get_store (sc_application_get_account (fixture->app)));
  fixture->window = GTK_WIDGET (sc_application_get_main_window (fixture->app));
  fixture->requests_page = sc_test_ui_find (fixture->window, SC_TYPE_REQUESTS_PAGE, NULL);
  fixture->knocks_page = sc_test_ui_find (fixture->window, SC_TYPE_KNOCKS_PAGE, NULL);
  g_assert_nonnull (fixture->requests_page);
  g_assert_nonnull (fixture->knocks_page);

  fixture->bob = sc_test_peer_new (fixture->dir, "Bob", "bob@example.org");
  fixture->carol = sc_test_peer_new (fixture->dir, "Carol", "carol@example.org");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->bob_session);
  g_clear_object (&fixture->carol_session);
  sc_test_ui_app_free (fixture->app);
  g_clear_pointer (&fixture->bob, sc_test_peer_free);
  g_clear_pointer (&fixture->carol, sc_test_peer_free);
  g_clear_object (&fixture->store);
  g_free (fixture->profile);
  sc_test_dir_free (fixture->dir);
}

static void
show_tab (Fixture    *fixture,
          const char *name)
{
  GtkWidget *stack = sc_test_ui_find (fixture->window, ADW_TYPE_VIEW_STACK, NULL);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), name);
}

/* A stranger dials Alice's agent with a greeting; their session waits. */
static ScSession *
call_alice (Fixture    *fixture,
            ScTestPeer *peer,
            const char *greeting)
{
  ScUserAgent *agent = sc_account_get_agent (sc_application_get_account (fixture->app));
  g_autofree char *address = g_strdup_printf ("[::1]:%u", sc_user_agent_get_port (agent));
  g_autoptr(GError) error = NULL;
  ScSession *session = sc_user_agent_connect (peer->agent, "alice@example.org", address,
                                              greeting, &error);

  g_assert_no_error (error);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_PENDING, 10));

  return session;
}

/* The requests page */

static guint
pending_count (Fixture *fixture)
{
  return sc_requests_page_get_pending_count (SC_REQUESTS_PAGE (fixture->requests_page));
}

typedef struct
{
  Fixture *fixture;
  guint    count;
} CountWanted;

static gboolean
pending_count_is (gpointer data)
{
  CountWanted *wanted = data;

  return pending_count (wanted->fixture) == wanted->count;
}

static void
wait_pending_count (Fixture *fixture,
                    guint    count)
{
  CountWanted wanted = { fixture, count };

  g_assert_true (sc_test_ui_wait_for (pending_count_is, &wanted, 5000));
}

static void
on_pending_count (GObject    *page,
                  GParamSpec *pspec,
                  guint      *notified)
{
  (*notified)++;
}

/* The row of the request from user_id, or NULL. */
static GtkWidget *
find_request_row (GtkWidget  *root,
                  const char *user_id)
{
  if (SC_IS_REQUEST_ROW (root))
    {
      ScRequestItem *item = sc_request_row_get_item (SC_REQUEST_ROW (root));

      return item != NULL && g_strcmp0 (sc_request_item_get_request (item)->user_id, user_id) == 0
             ? root : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = find_request_row (child, user_id);

      if (row != NULL)
        return row;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *user_id;
} RowWanted;

static gboolean
request_row_shown (gpointer data)
{
  RowWanted *wanted = data;
  GtkWidget *row = find_request_row (wanted->root, wanted->user_id);

  return row != NULL && gtk_widget_get_mapped (row);
}

static GtkWidget *
wait_request_row (Fixture    *fixture,
                  const char *user_id)
{
  RowWanted wanted = { fixture->requests_page, user_id };

  g_assert_true (sc_test_ui_wait_for (request_row_shown, &wanted, 5000));
  return find_request_row (fixture->requests_page, user_id);
}

static const char *
row_text (GtkWidget  *row,
          const char *label_name)
{
  GtkWidget *label = sc_test_ui_find (row, GTK_TYPE_LABEL, label_name);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
click (GtkWidget  *root,
       const char *button_name)
{
  GtkWidget *button = sc_test_ui_find (root, GTK_TYPE_BUTTON, button_name);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
}

static ScRequestState
request_state (Fixture    *fixture,
               ScTestPeer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScRequest) request =
    sc_store_find_request (fixture->store, sc_identity_get_fingerprint (peer->identity), &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request->state;
}

static gboolean
on_list (Fixture     *fixture,
         ScListKind   list,
         const char  *fingerprint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = sc_store_list_entries (fixture->store, list, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      ScListEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == SC_ENTRY_FINGERPRINT && g_strcmp0 (entry->value, fingerprint) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_contact (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScContact) contact = sc_store_find_contact (fixture->store, "bob@example.org", &error);

  g_assert_no_error (error);
  return contact != NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  GtkWindow **dialog = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        {
          *dialog = window;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
undo_shown (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *button = sc_test_ui_find_button (fixture->requests_page, "_Undo");

  return button != NULL && gtk_widget_get_mapped (button);
}

typedef struct
{
  Fixture        *fixture;
  ScTestPeer     *peer;
  ScRequestState  state;
} StateWanted;

static gboolean
request_state_is (gpointer data)
{
  StateWanted *wanted = data;

  return request_state (wanted->fixture, wanted->peer) == wanted->state;
}

static void
wait_request_state (Fixture        *fixture,
                    ScTestPeer     *peer,
                    ScRequestState  state)
{
  StateWanted wanted = { fixture, peer, state };

  g_assert_true (sc_test_ui_wait_for (request_state_is, &wanted, 5000));
}

static void
test_requests (Fixture       *fixture,
               gconstpointer  data)
{
  const char *bob_fingerprint = sc_identity_get_fingerprint (fixture->bob->identity);
  const char *carol_fingerprint = sc_identity_get_fingerprint (fixture->carol->identity);
  GtkWidget *row;
  GtkWindow *dialog = NULL;
  GtkWidget *stack;
  guint notified = 0;

  g_signal_connect (fixture->requests_page, "notify::pending-count",
                    G_CALLBACK (on_pending_count), &notified);
  show_tab (fixture, "requests");
  g_assert_cmpuint (pending_count (fixture), ==, 0);

  fixture->bob_session = call_alice (fixture, fixture->bob,
                                     "Hi Alice, it's Bob from the <b>café</b>");
  fixture->carol_session = call_alice (fixture, fixture->carol, "Carol here: we met at GUADEC");
  wait_pending_count (fixture, 2);
  g_assert_cmpuint (notified, >=, 1);

  /* Both, with their greetings as plain text, newest first. */
  row = wait_request_row (fixture, "bob@example.org");
  g_assert_cmpstr (row_text (row, "name_label"), ==, "Bob");
  g_assert_cmpstr (row_text (row, "greeting_label"), ==,
                   "“Hi Alice, it's Bob from the <b>café</b>”");
  row = wait_request_row (fixture, "carol@example.org");
  g_assert_cmpstr (row_text (row, "greeting_label"), ==, "“Carol here: we met at GUADEC”");
  sc_test_ui_screenshot (fixture->window, "requests");

  /* Accept Bob: pinned, a contact, and his waiting session opens. */
  click (wait_request_row (fixture, "bob@example.org"), "accept_button");
  wait_pending_count (fixture, 1);
  g_assert_cmpint (request_state (fixture, fixture->bob), ==, SC_REQUEST_ACCEPTED);
  g_assert_true (on_list (fixture, SC_LIST_ALLOW, bob_fingerprint));
  g_assert_true (sc_test_ui_wait_for (has_contact, fixture, 5000));
  g_assert_true (sc_test_wait_state (fixture->bob_session, SC_SESSION_STATE_OPEN, 5));
  g_assert_null (find_request_row (fixture->requests_page, "bob@example.org"));

  /* Decline Carol, then undo it from the toast. */
  click (wait_request_row (fixture, "carol@example.org"), "decline_button");
  wait_pending_count (fixture, 0);
  g_assert_cmpint (request_state (fixture, fixture->carol), ==, SC_REQUEST_DECLINED);
  stack = sc_test_ui_find (fixture->requests_page, GTK_TYPE_STACK, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_true (sc_test_ui_wait_for (undo_shown, fixture, 5000));
  g_assert_true (gtk_widget_activate (sc_test_ui_find_button (fixture->requests_page, "_Undo")));
  wait_pending_count (fixture, 1);
  g_assert_cmpint (request_state (fixture, fixture->carol), ==, SC_REQUEST_PENDING);

  /* Block Carol, after confirming. */
  click (wait_request_row (fixture, "carol@example.org"), "block_button");
  g_assert_true (sc_test_ui_wait_for (dialog_shown, &dialog, 5000));
  g_assert_true (gtk_widget_activate (sc_test_ui_find_button (GTK_WIDGET (dialog), "_Block")));
  wait_request_state (fixture, fixture->carol, SC_REQUEST_BLOCKED);
  wait_pending_count (fixture, 0);
  g_assert_true (on_list (fixture, SC_LIST_BLOCK, carol_fingerprint));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_cmpuint (notified, >=, 5);
}

/* The knock log */

static GListModel *
knocks_model (Fixture *fixture)
{
  GtkWidget *list = sc_test_ui_find (fixture->knocks_page, GTK_TYPE_LIST_VIEW, "knocks_list");

  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
}

static gboolean
knocks_at_least (gpointer data)
{
  Fixture *fixture = ((CountWanted *) data)->fixture;

  return g_list_model_get_n_items (knocks_model (fixture)) >= ((CountWanted *) data)->count;
}

/* The position of the first knock whose reason is reason, and whose
 * fingerprint is fingerprint (NULL: none). */
static guint
find_knock (Fixture    *fixture,
            const char *reason,
            const char *fingerprint)
{
  GListModel *model = knocks_model (fixture);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ScKnockItem) item = g_list_model_get_item (model, i);
      const ScKnock *knock = sc_knock_item_get_knock (item);

      if (g_strcmp0 (knock->reason, reason) == 0 &&
          g_strcmp0 (knock->fingerprint, fingerprint) == 0)
        return i;
    }

  g_assert_not_reached ();
}

static GtkWidget *
find_knock_row (GtkWidget *root,
                gint64     id)
{
  if (SC_IS_KNOCK_ROW (root))
    {
      ScKnockItem *item = sc_knock_row_get_item (SC_KNOCK_ROW (root));

      return item != NULL && sc_knock_item_get_id (item) == id ? root : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = find_knock_row (child, id);

      if (row != NULL)
        return row;
    }

  return NULL;
}

typedef struct
{
  Fixture *fixture;
  gint64   id;
} KnockWanted;

static gboolean
knock_row_shown (gpointer data)
{
  KnockWanted *wanted = data;
  GtkWidget *row = find_knock_row (wanted->fixture->knocks_page, wanted->id);

  return row != NULL && gtk_widget_get_mapped (row);
}

/* Scrolls the knock at position into view and returns its row. */
static GtkWidget *
show_knock (Fixture *fixture,
            guint    position)
{
  GtkWidget *list = sc_test_ui_find (fixture->knocks_page, GTK_TYPE_LIST_VIEW, "knocks_list");
  g_autoptr(ScKnockItem) item = g_list_model_get_item (knocks_model (fixture), position);
  KnockWanted wanted = { fixture, sc_knock_item_get_id (item) };

  g_assert_true (gtk_widget_activate_action (list, "list.scroll-to-item", "u", position));
  g_assert_true (sc_test_ui_wait_for (knock_row_shown, &wanted, 5000));

  return find_knock_row (fixture->knocks_page, wanted.id);
}

static const char *
verdict_css (GtkWidget *row)
{
  GtkWidget *badge = sc_test_ui_find (row, GTK_TYPE_LABEL, "verdict_label");

  if (gtk_widget_has_css_class (badge, "allow"))
    return "allow";
  if (gtk_widget_has_css_class (badge, "ask"))
    return "ask";
  if (gtk_widget_has_css_class (badge, "reject"))
    return "reject";
  return NULL;
}

static gboolean
knock_row_blocked (gpointer data)
{
  KnockWanted *wanted = data;
  GtkWidget *row = find_knock_row (wanted->fixture->knocks_page, wanted->id);

  return row != NULL &&
         !gtk_widget_is_sensitive (sc_test_ui_find (row, GTK_TYPE_BUTTON, "block_button"));
}

static char *
allow_note (Fixture    *fixture,
            const char *fingerprint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = sc_store_list_entries (fixture->store, SC_LIST_ALLOW, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      ScListEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->value, fingerprint) == 0)
        return g_strdup (entry->note);
    }

  return NULL;
}

static gboolean
bob_allowed (gpointer data)
{
  Fixture *fixture = data;

  return on_list (fixture, SC_LIST_ALLOW, sc_identity_get_fingerprint (fixture->bob->identity));
}

static gboolean
carol_blocked (gpointer data)
{
  Fixture *fixture = data;

  return on_list (fixture, SC_LIST_BLOCK, sc_identity_get_fingerprint (fixture->carol->identity));
}

static void
test_knocks (Fixture       *fixture,
             gconstpointer  data)
{
  const char *bob_fingerprint = sc_identity_get_fingerprint (fixture->bob->identity);
  const char *carol_fingerprint = sc_identity_get_fingerprint (fixture->carol->identity);
  CountWanted three = { fixture, 3 };
  KnockWanted wanted = { fixture, 0 };
  g_autofree char *note = NULL;
  GtkWidget *row;

  show_tab (fixture, "knocks");
  fixture->bob_session = call_alice (fixture, fixture->bob, "Hello");
  fixture->carol_session = call_alice (fixture, fixture->carol, NULL);

  /* The knock from before and the two calls, newest first. */
  g_assert_true (sc_test_ui_wait_for (knocks_at_least, &three, 5000));

  row = show_knock (fixture, find_knock (fixture, "stranger-self-signed", carol_fingerprint));
  g_assert_cmpstr (row_text (row, "name_label"), ==, "Carol");
  g_assert_cmpstr (verdict_css (row), ==, "ask");

  /* Without a certificate there is nothing to allow or block. */
  row = show_knock (fixture, find_knock (fixture, "no-certificate", NULL));
  g_assert_cmpstr (verdict_css (row), ==, "reject");
  g_assert_false (gtk_widget_is_sensitive (sc_test_ui_find (row, GTK_TYPE_BUTTON, "block_button")));
  g_assert_false (gtk_widget_is_sensitive (sc_test_ui_find (row, GTK_TYPE_BUTTON, "allow_button")));

  row = show_knock (fixture, 0);
  sc_test_ui_screenshot (fixture->window, "knocks");

  /* Block Carol's certificate from her knock. */
  row = show_knock (fixture, find_knock (fixture, "stranger-self-signed", carol_fingerprint));
  click (row, "block_button");
  g_assert_true (sc_test_ui_wait_for (carol_blocked, fixture, 5000));
  g_assert_false (on_list (fixture, SC_LIST_ALLOW, carol_fingerprint));

  /* Once reloaded, her row offers no second block. */
  wanted.id = sc_knock_item_get_id (sc_knock_row_get_item (SC_KNOCK_ROW (row)));
  g_assert_true (sc_test_ui_wait_for (knock_row_blocked, &wanted, 5000));

  /* Allow Bob's certificate from his knock: pinned with his name. */
  row = show_knock (fixture, find_knock (fixture, "stranger-self-signed", bob_fingerprint));
  click (row, "allow_button");
  g_assert_true (sc_test_ui_wait_for (bob_allowed, fixture, 5000));
  note = allow_note (fixture, bob_fingerprint);
  g_assert_cmpstr (note, ==, "Bob");
}

int
main (int   argc,
      char *argv[])
{
  sc_test_ui_init (&argc, &argv);

  g_test_add ("/ui/inbox/requests", Fixture, NULL,
              fixture_set_up, test_requests, fixture_tear_down);
  g_test_add ("/ui/inbox/knocks", Fixture, NULL,
              fixture_set_up, test_knocks, fixture_tear_down);

  return g_test_run ();
}
