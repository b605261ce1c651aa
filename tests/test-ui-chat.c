/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chat windows against a real peer on ::1: incoming chats and contact
 * requests, Connect-to-User with its stages and failures, the Connect
 * dialog. */
#include "config.h"

#include "sc-certificate-view.h"
#include "sc-chat-message.h"
#include "sc-chat-window.h"
#include "sc-connect-dialog.h"
#include "sc-profile.h"
#include "sc-search-result.h"
#include "sc-window.h"
#include "sc-test-agent.h"
#include "sc-test-ui.h"
#include "sc-test-util.h"

typedef enum
{
  ALICE_PINS_BOB = 1 << 0,
  ALICE_BLOCKS_BOB = 1 << 1,
  BOB_PINS_ALICE = 1 << 2,
} Setup;

typedef struct
{
  char          *dir;
  char          *alice_profile;
  char          *alice_address;   /* where the app listens: "[::1]:PORT" */
  char          *alice_fingerprint;
  ScTestPeer    *bob;
  ScApplication *app;
} Fixture;

/* Alice is the app; Bob an in-process peer. */
static void
fixture_set_up (Fixture *f,
                Setup    setup)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScIdentity) alice = NULL;
  g_autoptr(ScStore) store = NULL;
  const char *bob_fingerprint;
  ScUserAgent *agent;

  f->dir = sc_test_dir_new ("sixchat-ui-chat");
  f->alice_profile = g_build_filename (f->dir, "alice", NULL);
  alice = sc_identity_create (f->alice_profile, "Alice", "alice@example.org",
                              SC_IDENTITY_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->alice_fingerprint = g_strdup (sc_identity_get_fingerprint (alice));
  f->bob = sc_test_peer_new (f->dir, "Bob", "bob@example.org");
  bob_fingerprint = sc_identity_get_fingerprint (f->bob->identity);

  /* Before the app loads: listen on loopback, on a free port. */
  store = sc_profile_open_store (f->alice_profile, &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-address", "::1", &error);
  g_assert_no_error (error);
  sc_store_set_setting (store, "listen-port", "0", &error);
  g_assert_no_error (error);
  if (setup & ALICE_PINS_BOB)
    sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, bob_fingerprint, NULL, &error);
  g_assert_no_error (error);
  if (setup & ALICE_BLOCKS_BOB)
    sc_store_add_entry (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, bob_fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  if (setup & BOB_PINS_ALICE)
    sc_store_add_entry (f->bob->store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, f->alice_fingerprint,
                        NULL, &error);
  g_assert_no_error (error);

  f->app = sc_test_ui_app_new (f->alice_profile);
  agent = sc_account_get_agent (sc_application_get_account (f->app));
  g_assert_nonnull (agent);
  g_assert_true (sc_user_agent_is_listening (agent));
  f->alice_address = g_strdup_printf ("[::1]:%u", sc_user_agent_get_port (agent));
}

static void
fixture_tear_down (Fixture *f)
{
  sc_test_ui_app_free (f->app);
  g_clear_pointer (&f->bob, sc_test_peer_free);
  g_free (f->alice_address);
  g_free (f->alice_fingerprint);
  g_free (f->alice_profile);
  sc_test_dir_free (g_steal_pointer (&f->dir));
}

/* Looking at the window */

static GtkWidget *
find (GtkWidget  *root,
      GType       type,
      const char *name)
{
  GtkWidget *widget = sc_test_ui_find (root, type, name);

  g_assert_nonnull (widget);
  return widget;
}

static void
send_text (GtkWidget  *window,
           const char *text)
{
  GtkWidget *entry = find (window, GTK_TYPE_TEXT_VIEW, "message-entry");

  g_assert_true (gtk_widget_is_sensitive (entry));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (entry)), text, -1);
  gtk_widget_activate_action (window, "chat.send", NULL);
}

static const char *
label_text (GtkWidget  *root,
            const char *name)
{
  return gtk_label_get_label (GTK_LABEL (find (root, GTK_TYPE_LABEL, name)));
}

static const char *
visible_page (GtkWidget *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (find (window, GTK_TYPE_STACK, "chat-stack")));
}

static GListModel *
transcript (GtkWidget *window)
{
  GtkWidget *view = find (window, GTK_TYPE_LIST_VIEW, "transcript");

  return gtk_no_selection_get_model (GTK_NO_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view))));
}

static ScChatMessage *
transcript_item (GtkWidget *window,
                 guint      position)
{
  g_autoptr(ScChatMessage) message = g_list_model_get_item (transcript (window), position);

  g_assert_nonnull (message);
  return message;  /* the model keeps it */
}

/* Waiting */

static gboolean
have_chat_window (gpointer data)
{
  return sc_test_ui_find_window (data, SC_TYPE_CHAT_WINDOW) != NULL;
}

static GtkWidget *
wait_for_chat_window (ScApplication *app)
{
  g_assert_true (sc_test_ui_wait_for (have_chat_window, app, 10000));
  return GTK_WIDGET (sc_test_ui_find_window (app, SC_TYPE_CHAT_WINDOW));
}

typedef struct
{
  GtkWidget  *window;
  const char *page;
} PageWait;

static gboolean
page_shown (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (visible_page (wait->window), wait->page) == 0;
}

static void
wait_for_page (GtkWidget  *window,
               const char *page)
{
  PageWait wait = { window, page };

  if (!sc_test_ui_wait_for (page_shown, &wait, 10000))
    g_error ("the chat window shows page %s, not %s", visible_page (window), page);
}

typedef struct
{
  GtkWidget *window;
  guint      n;
} LengthWait;

static gboolean
transcript_long_enough (gpointer data)
{
  LengthWait *wait = data;

  return g_list_model_get_n_items (transcript (wait->window)) >= wait->n;
}

static void
wait_for_transcript (GtkWidget *window,
                     guint      n)
{
  LengthWait wait = { window, n };

  g_assert_true (sc_test_ui_wait_for (transcript_long_enough, &wait, 10000));
}

static gboolean
message_delivered (gpointer data)
{
  return sc_chat_message_get_state (data) == SC_CHAT_MESSAGE_DELIVERED;
}

static gboolean
peer_messages_arrived (gpointer data)
{
  ScTestPeer *peer = data;

  return peer->messages->len > 0;
}

typedef struct
{
  ScSession      *session;
  ScSessionState  state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return sc_session_get_state (wait->session) >= wait->state;
}

static void
wait_for_state (ScSession      *session,
                ScSessionState  state)
{
  StateWait wait = { session, state };

  g_assert_true (sc_test_ui_wait_for (state_reached, &wait, 10000));
  g_assert_cmpint (sc_session_get_state (session), ==, state);
}

typedef struct
{
  ScSession     *session;
  ScTypingState  typing;
} TypingWait;

static gboolean
typing_reached (gpointer data)
{
  TypingWait *wait = data;

  return sc_session_get_peer_typing (wait->session) == wait->typing;
}

static void
wait_for_peer_typing (ScSession     *session,
                      ScTypingState  typing)
{
  TypingWait wait = { session, typing };

  g_assert_true (sc_test_ui_wait_for (typing_reached, &wait, 10000));
}

static gboolean
revealed (gpointer data)
{
  return gtk_revealer_get_reveal_child (data);
}

/* The key controller the entry sends with. */
static GtkEventController *
entry_key_controller (GtkWidget *entry)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (entry);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller)
          && gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        return controller;
    }

  g_assert_not_reached ();
}

static gboolean
press_key (GtkWidget       *entry,
           guint            keyval,
           GdkModifierType  state)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (entry_key_controller (entry), "key-pressed", keyval, 0, state, &handled);
  return handled;
}

static gboolean
scrolled_to_end (gpointer data)
{
  GtkWidget *transcript_view = find (data, GTK_TYPE_LIST_VIEW, "transcript");
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (transcript_view));
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  return end > 0 && gtk_adjustment_get_value (adjustment) >= end - 1;
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
assert_certificate (GtkWidget  *window,
                    ScTestPeer *peer,
                    const char *badge)
{
  g_autofree char *expected = sc_fingerprint_format (sc_identity_get_fingerprint (peer->identity));
  g_autofree char *shown = g_strdup (label_text (window, "certificate-fingerprint"));

  g_assert_cmpstr (label_text (window, "verdict-badge"), ==, badge);
  g_assert_cmpstr (label_text (window, "certificate-name"), ==, sc_identity_get_name (peer->identity));
  g_assert_cmpstr (label_text (window, "certificate-user"), ==, sc_identity_get_user_id (peer->identity));
  g_assert_true (sc_test_ui_wait_for (mapped, find (window, SC_TYPE_CERTIFICATE_VIEW, "certificate-view"),
                                      5000));
  /* Readable groups of four, in two lines. */
  g_assert_nonnull (strchr (shown, '\n'));
  g_strdelimit (shown, "\n", ' ');
  g_assert_cmpstr (shown, ==, expected);
}

/* (a) Bob, pinned both ways, calls: the chat opens at once. */
static void
test_incoming_chat (void)
{
  Fixture f = { 0 };
  g_autoptr(ScSession) bob_session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reply_id = NULL;
  ScChatMessage *sent;
  ScChatMessage *reply;
  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *chain;
  GtkRevealer *typing;
  GtkWidget *reconnect;

  fixture_set_up (&f, ALICE_PINS_BOB | BOB_PINS_ALICE);

  bob_session = sc_user_agent_connect (f.bob->agent, "alice@example.org", f.alice_address, NULL, &error);
  g_assert_no_error (error);
  window = wait_for_chat_window (f.app);
  wait_for_page (window, "chat");
  wait_for_state (bob_session, SC_SESSION_STATE_OPEN);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Bob");
  assert_certificate (window, f.bob, "Pinned");
  g_assert_true (gtk_widget_has_css_class (find (window, GTK_TYPE_LABEL, "verdict-badge"), "allow"));
  /* Details: one self-signed certificate in the chain. */
  chain = find (window, GTK_TYPE_LIST_VIEW, "certificate-chain");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (chain)))), ==, 1);
  g_assert_true (g_str_has_prefix (label_text (window, "session-state"), "Connected to [::1]:"));

  /* Typing reaches Bob; Shift+Enter is a new line, Enter sends. */
  entry = find (window, GTK_TYPE_TEXT_VIEW, "message-entry");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (entry)), "Hello Bob", -1);
  wait_for_peer_typing (bob_session, SC_TYPING_ACTIVE);
  g_assert_false (press_key (entry, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_true (press_key (entry, GDK_KEY_Return, 0));

  wait_for_transcript (window, 1);
  sent = transcript_item (window, 0);
  g_assert_true (sc_chat_message_get_own (sent));
  g_assert_cmpstr (sc_chat_message_get_body (sent), ==, "Hello Bob");
  g_assert_true (sc_test_ui_wait_for (peer_messages_arrived, f.bob, 10000));
  g_assert_cmpstr (g_ptr_array_index (f.bob->messages, 0), ==, "Hello Bob");
  g_assert_true (sc_test_ui_wait_for (message_delivered, sent, 10000));
  wait_for_peer_typing (bob_session, SC_TYPING_IDLE);
  g_assert_cmpint (gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (entry))), ==, 0);

  /* Bob types and answers. */
  typing = GTK_REVEALER (gtk_widget_get_parent (find (window, GTK_TYPE_LABEL, "peer-typing")));
  sc_session_set_typing (bob_session, SC_TYPING_ACTIVE);
  g_assert_true (sc_test_ui_wait_for (revealed, typing, 10000));
  g_assert_cmpstr (label_text (window, "peer-typing"), ==, "Bob is typing…");
  reply_id = sc_test_peer_send (f.bob, "alice@example.org", "Hi Alice, good to see you here", &error);
  g_assert_no_error (error);
  wait_for_transcript (window, 2);
  reply = transcript_item (window, 1);
  g_assert_false (sc_chat_message_get_own (reply));
  g_assert_cmpstr (sc_chat_message_get_id (reply), ==, reply_id);
  g_assert_cmpstr (sc_chat_message_get_body (reply), ==, "Hi Alice, good to see you here");

  sc_test_ui_screenshot (window, "incoming-chat");
  g_assert_true (gtk_widget_has_focus (entry));

  /* A long conversation: the transcript follows the newest message. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *body = g_strdup_printf ("Line %u of a long story", i);
      g_autofree char *id = sc_test_peer_send (f.bob, "alice@example.org", body, &error);

      g_assert_no_error (error);
    }
  wait_for_transcript (window, 42);
  g_assert_true (sc_test_ui_wait_for (scrolled_to_end, window, 5000));

  /* Bob leaves: the state line says so and offers to call him back on the
   * default port, since he called from a port of his own. */
  sc_session_set_typing (bob_session, SC_TYPING_IDLE);
  sc_session_close (bob_session);
  wait_for_state (sc_chat_window_get_session (SC_CHAT_WINDOW (window)), SC_SESSION_STATE_CLOSED);
  g_assert_cmpstr (label_text (window, "session-state"), ==, "Bob ended the chat.");
  g_assert_cmpstr (visible_page (window), ==, "chat");
  reconnect = find (window, GTK_TYPE_BUTTON, "reconnect-button");
  g_assert_true (gtk_widget_get_visible (reconnect));
  g_assert_true (gtk_widget_is_sensitive (reconnect));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (reconnect), "[::1]:4605"));
  /* Writing stays possible: it waits in the history for a session. */
  g_assert_true (gtk_widget_is_sensitive (entry));
  g_assert_cmpstr (label_text (window, "offline-hint"), ==,
                   "Bob is offline; messages will be sent when you are connected.");
  g_assert_false (gtk_revealer_get_reveal_child (typing));

  fixture_tear_down (&f);
}

/* Every title the progress page showed. */
static void
on_progress_title (AdwStatusPage *page,
                   GParamSpec    *pspec,
                   GPtrArray     *titles)
{
  const char *title = adw_status_page_get_title (page);

  if (title != NULL && (titles->len == 0
                        || g_strcmp0 (g_ptr_array_index (titles, titles->len - 1), title) != 0))
    g_ptr_array_add (titles, g_strdup (title));
}

static gboolean
titles_contain (GPtrArray  *titles,
                const char *prefix)
{
  for (guint i = 0; i < titles->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (titles, i), prefix))
      return TRUE;

  return FALSE;
}

static GtkWidget *
dial_from_app (Fixture    *f,
               const char *user_id,
               const char *address,
               GPtrArray  *titles)
{
  GtkWidget *window;
  AdwStatusPage *progress;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dial",
                                  g_variant_new ("(ss)", user_id, address));
  window = wait_for_chat_window (f->app);
  progress = ADW_STATUS_PAGE (find (window, ADW_TYPE_STATUS_PAGE, "progress-page"));
  on_progress_title (progress, NULL, titles);
  g_signal_connect (progress, "notify::title", G_CALLBACK (on_progress_title), titles);

  return window;
}

static gboolean
have_incoming (gpointer data)
{
  ScTestPeer *peer = data;

  return peer->incoming->len > 0;
}

static void
on_decided (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  sc_user_agent_decide_request_finish (SC_USER_AGENT (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

typedef struct
{
  GtkWidget *window;
  ScSession *old;
} SessionWait;

static gboolean
session_replaced (gpointer data)
{
  SessionWait *wait = data;

  return sc_chat_window_get_session (SC_CHAT_WINDOW (wait->window)) != wait->old;
}

/* Connect to User: every stage shows while it happens, then the request
 * waits for Bob, then the chat opens. */
static void
test_outgoing_stages (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bob_address = NULL;
  g_autofree char *resolving = NULL;
  g_autofree char *connecting = NULL;
  g_autoptr(ScSession) first = NULL;
  gboolean decided = FALSE;
  ScSession *answer;
  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *reconnect;

  fixture_set_up (&f, 0);
  bob_address = sc_test_peer_listen (f.bob, "::1");

  window = dial_from_app (&f, "bob@example.org", bob_address, titles);
  g_assert_true (sc_test_ui_wait_for (have_incoming, f.bob, 10000));
  answer = g_ptr_array_index (f.bob->incoming, 0);
  g_assert_cmpint (sc_session_get_state (answer), ==, SC_SESSION_STATE_PENDING);
  wait_for_state (sc_chat_window_get_session (SC_CHAT_WINDOW (window)), SC_SESSION_STATE_PENDING);
  g_assert_cmpstr (visible_page (window), ==, "progress");

  resolving = g_strdup ("Resolving ::1…");
  connecting = g_strdup_printf ("Connecting to %s…", bob_address);
  for (guint i = 0; i < titles->len; i++)
    g_test_message ("stage: %s", (char *) g_ptr_array_index (titles, i));
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, resolving);
  g_assert_true (titles_contain (titles, connecting));
  g_assert_true (titles_contain (titles, "TLS handshake…"));
  g_assert_true (titles_contain (titles, "Verifying the certificate…"));
  g_assert_cmpstr (g_ptr_array_index (titles, titles->len - 1), ==,
                   "Waiting for Bob to accept your request…");
  /* Bob's self-signed certificate is judged while we wait. */
  assert_certificate (window, f.bob, "Unverified, self-signed");

  sc_user_agent_decide_request_async (f.bob->agent, sc_session_get_request_id (answer),
                                      SC_REQUEST_ACCEPTED, NULL, on_decided, &decided);
  g_assert_true (sc_test_ui_wait_for (flag_set, &decided, 10000));
  wait_for_page (window, "chat");
  first = g_object_ref (sc_chat_window_get_session (SC_CHAT_WINDOW (window)));
  g_assert_cmpint (sc_session_get_state (first), ==, SC_SESSION_STATE_OPEN);
  entry = find (window, GTK_TYPE_TEXT_VIEW, "message-entry");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (entry)), "Thanks for accepting", -1);
  gtk_widget_activate_action (window, "chat.send", NULL);
  wait_for_transcript (window, 1);
  g_assert_true (sc_test_ui_wait_for (message_delivered, transcript_item (window, 0), 10000));

  /* Bob hangs up; Reconnect calls him where he answered, and the
   * transcript stays. */
  sc_session_close (answer);
  wait_for_state (first, SC_SESSION_STATE_CLOSED);
  reconnect = find (window, GTK_TYPE_BUTTON, "reconnect-button");
  g_assert_true (gtk_widget_get_visible (reconnect));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (reconnect), bob_address));
  gtk_widget_activate (reconnect);
  g_assert_true (sc_test_ui_wait_for (session_replaced, &(SessionWait) { window, first }, 10000));
  wait_for_state (sc_chat_window_get_session (SC_CHAT_WINDOW (window)), SC_SESSION_STATE_OPEN);
  g_assert_cmpstr (visible_page (window), ==, "chat");
  g_assert_true (gtk_widget_is_sensitive (entry));
  g_assert_false (gtk_widget_get_visible (reconnect));
  g_assert_cmpuint (g_list_model_get_n_items (transcript (window)), ==, 1);
  assert_certificate (window, f.bob, "Unverified, self-signed");

  fixture_tear_down (&f);
}

/* The certificate answers for someone else. */
static void
test_outgoing_wrong_peer (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bob_address = NULL;
  GtkWidget *window;

  fixture_set_up (&f, ALICE_PINS_BOB | BOB_PINS_ALICE);
  bob_address = sc_test_peer_listen (f.bob, "::1");

  window = dial_from_app (&f, "carol@example.org", bob_address, titles);
  wait_for_page (window, "failure");
  g_assert_true (g_str_has_prefix (adw_status_page_get_description (
                   ADW_STATUS_PAGE (find (window, ADW_TYPE_STATUS_PAGE, "failure-page"))),
                   "You dialled carol@example.org but bob@example.org answered"));
  assert_certificate (window, f.bob, "Pinned");
  g_assert_true (gtk_widget_get_visible (find (window, GTK_TYPE_BUTTON, "retry-button")));

  fixture_tear_down (&f);
}

/* (b) Alice blocks Bob's certificate and dials him anyway. */
static void
test_outgoing_rejected (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bob_address = NULL;
  const ScTrustDecision *decision;
  ScSession *first;
  GtkWidget *window;
  GtkWidget *retry;
  const char *description;

  fixture_set_up (&f, ALICE_BLOCKS_BOB | BOB_PINS_ALICE);
  bob_address = sc_test_peer_listen (f.bob, "::1");

  window = dial_from_app (&f, "bob@example.org", bob_address, titles);
  wait_for_page (window, "failure");
  first = sc_chat_window_get_session (SC_CHAT_WINDOW (window));
  g_assert_cmpint (sc_session_get_close_reason (first), ==, SC_CLOSE_REJECTED);
  decision = sc_session_get_decision (first);
  g_assert_nonnull (decision);

  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (find (window, ADW_TYPE_STATUS_PAGE,
                                                                     "failure-page"))),
                   ==, "Certificate Rejected");
  description = adw_status_page_get_description (ADW_STATUS_PAGE (find (window, ADW_TYPE_STATUS_PAGE,
                                                                        "failure-page")));
  g_test_message ("%s", description);
  g_assert_nonnull (strstr (description, decision->detail));
  g_assert_nonnull (strstr (description, "bob@example.org"));
  assert_certificate (window, f.bob, "Blocked");
  g_assert_true (gtk_widget_has_css_class (find (window, GTK_TYPE_LABEL, "verdict-badge"), "reject"));
  g_assert_false (gtk_widget_get_mapped (find (window, GTK_TYPE_TEXT_VIEW, "message-entry")));

  retry = find (window, GTK_TYPE_BUTTON, "retry-button");
  g_assert_true (gtk_widget_get_visible (retry));
  /* A certificate we refused is no reason to write to them meanwhile. */
  g_assert_false (gtk_widget_get_visible (find (window, GTK_TYPE_BUTTON, "write-button")));
  sc_test_ui_screenshot (window, "connect-rejected");

  /* Retry dials again: a new session, rejected again. */
  g_object_ref (first);
  gtk_widget_activate (retry);
  g_assert_true (sc_test_ui_wait_for (session_replaced, &(SessionWait) { window, first }, 10000));
  wait_for_state (sc_chat_window_get_session (SC_CHAT_WINDOW (window)), SC_SESSION_STATE_CLOSED);
  g_assert_cmpint (sc_session_get_close_reason (sc_chat_window_get_session (SC_CHAT_WINDOW (window))),
                   ==, SC_CLOSE_REJECTED);
  g_assert_cmpstr (visible_page (window), ==, "failure");
  g_object_unref (first);

  fixture_tear_down (&f);
}

/* Nobody listens: the address and a likely cause. */
static void
test_outgoing_refused (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *window;

  fixture_set_up (&f, 0);

  /* A port that was free a moment ago and has nobody listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("[::1]:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  window = dial_from_app (&f, "bob@example.org", address, titles);
  wait_for_page (window, "failure");
  expected = g_strdup_printf ("Nobody is listening at %s: SixChat may not be running there", address);
  g_assert_true (g_str_has_prefix (adw_status_page_get_description (
                   ADW_STATUS_PAGE (find (window, ADW_TYPE_STATUS_PAGE, "failure-page"))), expected));
  g_assert_true (gtk_widget_get_visible (find (window, GTK_TYPE_BUTTON, "retry-button")));

  /* Bob is offline, but he can be written to: the chat opens, says so, and
   * the message waits in the store. */
  g_assert_true (gtk_widget_get_visible (find (window, GTK_TYPE_BUTTON, "write-button")));
  gtk_widget_activate (find (window, GTK_TYPE_BUTTON, "write-button"));
  wait_for_page (window, "chat");
  g_assert_true (gtk_widget_get_visible (find (window, GTK_TYPE_LABEL, "offline-hint")));
  g_assert_true (gtk_widget_has_focus (find (window, GTK_TYPE_TEXT_VIEW, "message-entry")));
  send_text (window, "Call me when you are back");
  wait_for_transcript (window, 1);
  g_assert_cmpint (sc_chat_message_get_state (transcript_item (window, 0)), ==,
                   SC_CHAT_MESSAGE_PENDING);
  g_assert_cmpstr (sc_chat_message_get_body (transcript_item (window, 0)), ==,
                   "Call me when you are back");
  sc_test_ui_screenshot (window, "connect-refused-write");

  fixture_tear_down (&f);
}

/* (c) A stranger's contact request */

static GtkWidget *
incoming_request (Fixture  *f,
                  ScSession **bob_session)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *window;

  fixture_set_up (f, BOB_PINS_ALICE);
  *bob_session = sc_user_agent_connect (f->bob->agent, "alice@example.org", f->alice_address,
                                        "Hi Alice, it's Bob from the climbing club", &error);
  g_assert_no_error (error);

  window = wait_for_chat_window (f->app);
  wait_for_page (window, "request");
  g_assert_cmpint (sc_session_get_state (*bob_session), ==, SC_SESSION_STATE_PENDING);

  return window;
}

static ScRequest *
bob_request (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ScStore *store = sc_account_get_store (sc_application_get_account (f->app));
  ScRequest *request = sc_store_find_request (store, sc_identity_get_fingerprint (f->bob->identity),
                                              &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request;
}

static gboolean
list_has (Fixture    *f,
          ScListKind  list,
          const char *fingerprint)
{
  g_autoptr(GError) error = NULL;
  ScStore *store = sc_account_get_store (sc_application_get_account (f->app));
  g_autoptr(GPtrArray) entries = sc_store_list_entries (store, list, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      ScListEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == SC_ENTRY_FINGERPRINT && g_strcmp0 (entry->value, fingerprint) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_incoming_request_accept (void)
{
  Fixture f = { 0 };
  g_autoptr(ScSession) bob_session = NULL;
  g_autoptr(ScRequest) request = NULL;
  GtkWidget *window;
  GtkWidget *accept;

  window = incoming_request (&f, &bob_session);

  assert_certificate (window, f.bob, "Unverified, self-signed");
  g_assert_true (gtk_widget_has_css_class (find (window, GTK_TYPE_LABEL, "verdict-badge"), "ask"));
  g_assert_cmpstr (label_text (window, "greeting"), ==, "Hi Alice, it's Bob from the climbing club");
  accept = find (window, GTK_TYPE_BUTTON, "accept-button");
  g_assert_true (gtk_widget_get_mapped (accept));
  g_assert_true (gtk_widget_get_mapped (find (window, GTK_TYPE_BUTTON, "decline-button")));
  g_assert_true (gtk_widget_get_mapped (find (window, GTK_TYPE_BUTTON, "block-button")));
  /* No transcript or entry until accepted. */
  g_assert_false (gtk_widget_get_mapped (find (window, GTK_TYPE_TEXT_VIEW, "message-entry")));
  g_assert_false (gtk_widget_get_mapped (find (window, GTK_TYPE_LIST_VIEW, "transcript")));
  g_assert_false (list_has (&f, SC_LIST_ALLOW, sc_identity_get_fingerprint (f.bob->identity)));
  sc_test_ui_screenshot (window, "incoming-request");

  gtk_widget_activate (accept);
  wait_for_page (window, "chat");
  wait_for_state (bob_session, SC_SESSION_STATE_OPEN);
  g_assert_true (gtk_widget_get_mapped (find (window, GTK_TYPE_TEXT_VIEW, "message-entry")));
  g_assert_true (list_has (&f, SC_LIST_ALLOW, sc_identity_get_fingerprint (f.bob->identity)));
  request = bob_request (&f);
  g_assert_cmpint (request->state, ==, SC_REQUEST_ACCEPTED);

  fixture_tear_down (&f);
}

static void
test_incoming_request_decline (void)
{
  Fixture f = { 0 };
  g_autoptr(ScSession) bob_session = NULL;
  g_autoptr(ScRequest) request = NULL;
  GtkWidget *window;

  window = incoming_request (&f, &bob_session);
  gtk_widget_activate (find (window, GTK_TYPE_BUTTON, "decline-button"));

  wait_for_page (window, "failure");
  wait_for_state (bob_session, SC_SESSION_STATE_CLOSED);
  g_assert_cmpint (sc_session_get_close_reason (bob_session), ==, SC_CLOSE_DECLINED);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (find (window, ADW_TYPE_STATUS_PAGE,
                                                                     "failure-page"))),
                   ==, "Request Declined");
  g_assert_false (gtk_widget_get_visible (find (window, GTK_TYPE_BUTTON, "retry-button")));
  request = bob_request (&f);
  g_assert_cmpint (request->state, ==, SC_REQUEST_DECLINED);
  g_assert_false (list_has (&f, SC_LIST_ALLOW, sc_identity_get_fingerprint (f.bob->identity)));
  g_assert_false (list_has (&f, SC_LIST_BLOCK, sc_identity_get_fingerprint (f.bob->identity)));

  fixture_tear_down (&f);
}

static void
test_incoming_request_block (void)
{
  Fixture f = { 0 };
  g_autoptr(ScSession) bob_session = NULL;
  g_autoptr(ScRequest) request = NULL;
  GtkWidget *window;

  window = incoming_request (&f, &bob_session);
  gtk_widget_activate (find (window, GTK_TYPE_BUTTON, "block-button"));

  wait_for_page (window, "failure");
  wait_for_state (bob_session, SC_SESSION_STATE_CLOSED);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (find (window, ADW_TYPE_STATUS_PAGE,
                                                                     "failure-page"))),
                   ==, "Blocked");
  request = bob_request (&f);
  g_assert_cmpint (request->state, ==, SC_REQUEST_BLOCKED);
  g_assert_true (list_has (&f, SC_LIST_BLOCK, sc_identity_get_fingerprint (f.bob->identity)));

  fixture_tear_down (&f);
}

static gboolean
three_chat_windows (gpointer data)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (data); l != NULL; l = l->next)
    n += SC_IS_CHAT_WINDOW (l->data);

  return n == 3;
}

/* Two calls from Bob and one to him: three windows, three sessions. */
static void
test_several_windows (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ScSession) first = NULL;
  g_autoptr(ScSession) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bob_address = NULL;
  GList *windows;
  guint n = 0;

  fixture_set_up (&f, ALICE_PINS_BOB | BOB_PINS_ALICE);
  bob_address = sc_test_peer_listen (f.bob, "::1");

  first = sc_user_agent_connect (f.bob->agent, "alice@example.org", f.alice_address, NULL, &error);
  g_assert_no_error (error);
  second = sc_user_agent_connect (f.bob->agent, "alice@example.org", f.alice_address, NULL, &error);
  g_assert_no_error (error);
  dial_from_app (&f, "bob@example.org", bob_address, titles);
  g_assert_true (sc_test_ui_wait_for (three_chat_windows, f.app, 10000));

  /* A copy: the application reorders its list as focus moves. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (f.app)));
  for (GList *l = windows; l != NULL; l = l->next)
    {
      GtkWidget *window = l->data;
      g_autofree char *body = NULL;

      if (!SC_IS_CHAT_WINDOW (window))
        continue;

      wait_for_page (window, "chat");
      body = g_strdup_printf ("From window %u", ++n);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (window, GTK_TYPE_TEXT_VIEW,
                                                                             "message-entry"))),
                                body, -1);
      gtk_widget_activate_action (window, "chat.send", NULL);
      wait_for_transcript (window, 1);
    }
  g_list_free (windows);
  g_assert_cmpuint (n, ==, 3);

  g_assert_true (sc_test_wait_len (f.bob->messages, 3, 10));
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("From window %u", i);

      g_assert_true (g_ptr_array_find_with_equal_func (f.bob->messages, body, g_str_equal, NULL));
    }

  fixture_tear_down (&f);
}

/* The Connect dialog validates as typed and dials through app.dial. */
static void
test_connect_dialog (void)
{
  Fixture f = { 0 };
  g_autofree char *bob_address = NULL;
  GtkWindow *dialog;
  GtkWidget *user_row;
  GtkWidget *address_row;
  GtkWidget *connect;
  GtkWidget *window;

  fixture_set_up (&f, ALICE_PINS_BOB | BOB_PINS_ALICE);
  bob_address = sc_test_peer_listen (f.bob, "::1");

  g_action_group_activate_action (G_ACTION_GROUP (f.app), "connect", NULL);
  dialog = sc_test_ui_find_window (f.app, SC_TYPE_CONNECT_DIALOG);
  g_assert_nonnull (dialog);
  user_row = find (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "user-id-row");
  address_row = find (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "address-row");
  connect = find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "connect-button");
  g_assert_false (gtk_widget_get_sensitive (connect));

  gtk_editable_set_text (GTK_EDITABLE (user_row), "bob");
  g_assert_true (gtk_widget_has_css_class (user_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (user_row), "bob@example.org");
  g_assert_false (gtk_widget_has_css_class (user_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (address_row), "[::1]:99999");
  g_assert_true (gtk_widget_has_css_class (address_row, "error"));
  g_assert_false (gtk_widget_get_sensitive (connect));
  gtk_editable_set_text (GTK_EDITABLE (address_row), bob_address);
  g_assert_false (gtk_widget_has_css_class (address_row, "error"));
  g_assert_true (gtk_widget_get_sensitive (connect));
  sc_test_ui_screenshot (GTK_WIDGET (dialog), "connect-dialog");

  /* A button clicks a moment after it is activated. */
  gtk_widget_activate (connect);
  window = wait_for_chat_window (f.app);
  g_assert_null (sc_test_ui_find_window (f.app, SC_TYPE_CONNECT_DIALOG));
  wait_for_page (window, "chat");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Bob");

  fixture_tear_down (&f);
}

/* A certificate from an issuer, expiring soon, as the view shows it. */
static void
test_certificate_view (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *leaf = NULL;
  g_autofree char *chain_pem = NULL;
  g_autofree char *ca_pem = NULL;
  g_autofree char *leaf_pem = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *ca_fingerprint = NULL;
  g_autoptr(ScPeerCertificate) chain = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) item = NULL;
  ScTrustDecision decision = {
    .verdict = SC_VERDICT_ALLOW,
    .reason = SC_REASON_ALLOWED_USER,
    .detail = (char *) "Verified by SixChat Test CA",
    .verified = TRUE,
    .issuer_name = (char *) "SixChat Test CA",
  };
  GtkWidget *view;
  GtkWidget *window;
  GtkWidget *chain_view;
  GListModel *chain_model;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sixchat-ui-certificate");
  ca = sc_test_certtool_cert (dir, "ca", "ecdsa",
                              "cn = \"SixChat Test CA\"\n"
                              "ca\n"
                              "cert_signing_key\n", NULL);
  leaf = sc_test_certtool_cert (dir, "frank", "ecdsa",
                                "cn = \"Frank\"\n"
                                "uid = \"frank@example.org\"\n"
                                "signing_key\n"
                                "tls_www_client\n"
                                "expiration_days = 10\n", "ca");
  leaf_pem = sc_test_read_file (leaf);
  ca_pem = sc_test_read_file (ca);
  chain_pem = g_strconcat (leaf_pem, ca_pem, NULL);
  chain = sc_peer_certificate_new_from_pem (chain_pem, strlen (chain_pem), &error);
  g_assert_no_error (error);

  view = sc_certificate_view_new ();
  sc_certificate_view_set_certificate (SC_CERTIFICATE_VIEW (view), chain, &decision);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 480, -1);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpstr (label_text (view, "verdict-badge"), ==, "Verified by SixChat Test CA");
  g_assert_cmpstr (label_text (view, "certificate-name"), ==, "Frank");
  g_assert_cmpstr (label_text (view, "certificate-user"), ==, "frank@example.org");
  g_assert_cmpstr (label_text (view, "certificate-issuer"), ==, "Issued by SixChat Test CA");
  g_assert_true (g_str_has_prefix (label_text (view, "certificate-validity"), "Valid from "));
  g_assert_true (gtk_widget_get_visible (find (view, GTK_TYPE_LABEL, "certificate-expiry")));
  g_assert_true (g_str_equal (label_text (view, "certificate-expiry"), "Expires in 9 days")
                 || g_str_equal (label_text (view, "certificate-expiry"), "Expires in 10 days"));

  /* Details: the whole chain, the leaf first. */
  chain_view = find (view, GTK_TYPE_LIST_VIEW, "certificate-chain");
  chain_model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (chain_view)));
  g_assert_cmpuint (g_list_model_get_n_items (chain_model), ==, 2);
  item = g_list_model_get_item (chain_model, 1);
  markup = g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  g_assert_nonnull (strstr (markup, "CN=SixChat Test CA"));
  ca_fingerprint = sc_fingerprint_format (sc_peer_certificate_get_fingerprint_at (chain, 1));
  ca_fingerprint[39] = '\0';  /* the first line: eight groups */
  g_assert_nonnull (strstr (markup, ca_fingerprint));
  sc_test_ui_screenshot (window, "certificate-view");

  /* No certificate: nothing to show. */
  sc_certificate_view_set_certificate (SC_CERTIFICATE_VIEW (view), NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (chain_model), ==, 0);
  g_assert_false (gtk_widget_get_visible (find (view, GTK_TYPE_LABEL, "verdict-badge")));

  gtk_window_destroy (GTK_WINDOW (window));
  sc_test_dir_free (g_steal_pointer (&dir));
}

/* History */

static GtkWidget *
open_chat (ScApplication *app,
           const char    *user_id,
           gint64         seq)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-chat",
                                  g_variant_new ("(sx)", user_id, seq));
  return GTK_WIDGET (sc_test_ui_find_window (app, SC_TYPE_CHAT_WINDOW));
}

typedef struct
{
  GtkWidget *window;
  guint       position;
  const char *body;
} ItemWait;

static gboolean
item_loaded (gpointer data)
{
  ItemWait *wait = data;
  GListModel *model = transcript (wait->window);
  g_autoptr(ScChatMessage) message = NULL;

  if (wait->position >= g_list_model_get_n_items (model))
    return FALSE;
  message = g_list_model_get_item (model, wait->position);
  return sc_chat_message_get_loaded (message)
         && g_strcmp0 (sc_chat_message_get_body (message), wait->body) == 0;
}

static void
wait_for_item (GtkWidget  *window,
               guint       position,
               const char *body)
{
  ItemWait wait = { window, position, body };

  g_assert_true (sc_test_ui_wait_for (item_loaded, &wait, 10000));
  g_assert_cmpstr (sc_chat_message_get_body (transcript_item (window, position)), ==, body);
}


static gboolean
transcript_exactly (gpointer data)
{
  LengthWait *wait = data;

  return g_list_model_get_n_items (transcript (wait->window)) == wait->n;
}

/* A chat with Bob, closed and the app restarted: a new window for Bob
 * shows it without dialling; writing while Bob is away stores the message
 * as pending, and it goes out when Bob calls. */
static void
test_history_restart (void)
{
  Fixture f = { 0 };
  g_autoptr(ScSession) bob_session = NULL;
  g_autoptr(ScSession) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  GtkWidget *window;

  fixture_set_up (&f, ALICE_PINS_BOB | BOB_PINS_ALICE);

  bob_session = sc_user_agent_connect (f.bob->agent, "alice@example.org", f.alice_address, NULL, &error);
  g_assert_no_error (error);
  window = wait_for_chat_window (f.app);
  wait_for_page (window, "chat");
  wait_for_state (bob_session, SC_SESSION_STATE_OPEN);
  id = sc_test_peer_send (f.bob, "alice@example.org", "Hello from before", &error);
  g_assert_no_error (error);
  wait_for_transcript (window, 1);
  send_text (window, "Reply from before");
  wait_for_transcript (window, 2);
  g_assert_true (sc_test_ui_wait_for (message_delivered, transcript_item (window, 1), 10000));
  sc_session_close (bob_session);
  wait_for_state (bob_session, SC_SESSION_STATE_CLOSED);

  /* The app starts again on the same profile. */
  sc_test_ui_app_free (f.app);
  f.app = sc_test_ui_app_new (f.alice_profile);
  g_free (f.alice_address);   /* it listens on another free port now */
  f.alice_address = g_strdup_printf ("[::1]:%u", sc_user_agent_get_port (
                                       sc_account_get_agent (sc_application_get_account (f.app))));
  window = open_chat (f.app, "bob@example.org", 0);
  g_assert_nonnull (window);
  g_assert_null (sc_chat_window_get_session (SC_CHAT_WINDOW (window)));
  wait_for_page (window, "chat");
  wait_for_transcript (window, 2);
  wait_for_item (window, 0, "Hello from before");
  wait_for_item (window, 1, "Reply from before");
  g_assert_false (sc_chat_message_get_own (transcript_item (window, 0)));
  g_assert_true (sc_chat_message_get_own (transcript_item (window, 1)));
  g_assert_cmpint (sc_chat_message_get_state (transcript_item (window, 1)), ==,
                   SC_CHAT_MESSAGE_DELIVERED);
  g_assert_cmpstr (label_text (window, "offline-hint"), ==,
                   "bob@example.org is offline; messages will be sent when you are connected.");
  /* Opening it again presents the same window, however the ID is spelt. */
  g_assert_true (open_chat (f.app, "Bob@Example.org", 0) == window);

  /* Bob is away: the message waits. */
  send_text (window, "While you were away");
  wait_for_transcript (window, 3);
  g_assert_cmpint (sc_chat_message_get_state (transcript_item (window, 2)), ==,
                   SC_CHAT_MESSAGE_PENDING);
  g_assert_cmpstr (sc_chat_message_get_status_text (transcript_item (window, 2)), ==,
                   "Not sent yet");

  /* Bob calls: it goes out and is delivered. */
  again = sc_user_agent_connect (f.bob->agent, "alice@example.org", f.alice_address, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sc_test_ui_wait_for (message_delivered, transcript_item (window, 2), 10000));
  g_assert_true (sc_test_wait_len (f.bob->messages, 2, 10));
  g_assert_cmpstr (g_ptr_array_index (f.bob->messages, 1), ==, "While you were away");

  fixture_tear_down (&f);
}

/* 100,000 messages open at once, and the last ones are read. */
typedef struct
{
  GtkWidget  *root;
  const char *text;
} RowWait;

/* A transcript row showing exactly text is built and mapped. */
static gboolean
label_mapped (GtkWidget  *widget,
              const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_mapped (child, text))
      return TRUE;

  return FALSE;
}

static gboolean
row_shown (gpointer data)
{
  RowWait *wait = data;

  return label_mapped (find (wait->root, GTK_TYPE_LIST_VIEW, "transcript"), wait->text);
}

static void
test_history_large (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  gint64 now = g_get_real_time () / 1000;
  gint64 start;
  gint64 seq;
  GtkWidget *window;

  fixture_set_up (&f, ALICE_PINS_BOB);

  for (guint i = 0; i < 100000; i++)
    {
      ScMessage *message = sc_message_new ();

      message->id = g_uuid_string_random ();
      message->time = now - 100000 + i;
      message->body = g_strdup_printf ("Message %u", i);
      g_ptr_array_add (messages, message);
    }
  store = sc_profile_open_store (f.alice_profile, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (sc_store_receive_messages (store, "bob@example.org",
                                            sc_identity_get_fingerprint (f.bob->identity),
                                            messages, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("Storing 100000 messages took %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);

  start = g_get_monotonic_time ();
  window = open_chat (f.app, "bob@example.org", 0);
  g_assert_true (sc_test_ui_wait_for (transcript_exactly, &(LengthWait) { window, 100000 }, 10000));
  g_test_message ("The 100000 messages opened (n_items) in %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  wait_for_item (window, 99999, "Message 99999");
  g_test_message ("The last message was read after %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  wait_for_item (window, 0, "Message 0");
  wait_for_item (window, 50000, "Message 50000");

  /* Opened at a message (as a search result does), the view scrolls to it:
   * its row is built and on screen, far from the end. */
  seq = sc_chat_message_get_seq (transcript_item (window, 50000));
  g_assert_true (open_chat (f.app, "bob@example.org", seq) == window);
  g_assert_true (sc_test_ui_wait_for (row_shown, &(RowWait) { window, "Message 50000" }, 10000));
  g_assert_false (row_shown (&(RowWait) { window, "Message 99999" }));

  fixture_tear_down (&f);
}

static void
press_response (GtkWidget  *window,
                const char *response)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *dialog = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        dialog = toplevel;
    }
  g_assert_nonnull (dialog);
  /* It closes itself after the response. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
}

static gboolean
entry_has_text (gpointer data)
{
  return gtk_text_buffer_get_char_count (data) > 0;
}

/* Our pending messages can be sent again (at the end) or deleted; the
 * whole conversation can be deleted. */
static void
test_history_retry_delete (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GArray) seqs = NULL;
  GtkWidget *window;
  gint64 seq;

  fixture_set_up (&f, ALICE_PINS_BOB);

  window = open_chat (f.app, "bob@example.org", 0);
  wait_for_page (window, "chat");
  send_text (window, "First");
  wait_for_transcript (window, 1);
  send_text (window, "Second");
  wait_for_transcript (window, 2);
  g_assert_true (sc_chat_message_get_undelivered (transcript_item (window, 0)));

  /* Retry: First goes to the end, still pending. */
  seq = sc_chat_message_get_seq (transcript_item (window, 0));
  gtk_widget_activate_action (window, "chat.retry-message", "x", seq);
  wait_for_item (window, 1, "First");
  g_assert_cmpstr (sc_chat_message_get_body (transcript_item (window, 0)), ==, "Second");
  g_assert_cmpint (sc_chat_message_get_state (transcript_item (window, 1)), ==,
                   SC_CHAT_MESSAGE_PENDING);

  /* Delete: Second is gone. */
  seq = sc_chat_message_get_seq (transcript_item (window, 0));
  gtk_widget_activate_action (window, "chat.delete-message", "x", seq);
  g_assert_true (sc_test_ui_wait_for (transcript_exactly, &(LengthWait) { window, 1 }, 5000));
  g_assert_cmpstr (sc_chat_message_get_body (transcript_item (window, 0)), ==, "First");

  /* A message that cannot be stored (too long for the protocol): nothing
   * is lost, the text is back in the entry. */
  {
    g_autofree char *huge = g_strnfill (100 * 1024, 'x');
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (window, GTK_TYPE_TEXT_VIEW,
                                                                           "message-entry")));

    send_text (window, huge);
    g_assert_true (sc_test_ui_wait_for (entry_has_text, buffer, 5000));
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 100 * 1024);
    g_assert_cmpuint (g_list_model_get_n_items (transcript (window)), ==, 1);
    gtk_text_buffer_set_text (buffer, "", 0);
  }

  /* Delete the conversation: Cancel keeps it, Delete empties it. */
  gtk_widget_activate_action (window, "chat.delete-conversation", NULL);
  press_response (window, "cancel");
  sc_test_ui_spin (200);
  g_assert_cmpuint (g_list_model_get_n_items (transcript (window)), ==, 1);
  gtk_widget_activate_action (window, "chat.delete-conversation", NULL);
  press_response (window, "delete");
  g_assert_true (sc_test_ui_wait_for (transcript_exactly, &(LengthWait) { window, 0 }, 5000));

  store = sc_profile_open_store (f.alice_profile, &error);
  g_assert_no_error (error);
  seqs = sc_store_list_message_seqs (store, "bob@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seqs->len, ==, 0);

  fixture_tear_down (&f);
}

typedef struct
{
  GtkWidget *view;
  guint      n;
} ResultsWait;

static gboolean
results_shown (gpointer data)
{
  ResultsWait *wait = data;

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (wait->view))))
         == wait->n;
}

static gboolean
nothing_found (gpointer data)
{
  return g_strcmp0 (label_text (data, "search-status"), "No messages found") == 0;
}

/* Ctrl+F in the main window searches every conversation; a result opens
 * the chat at that message. */
static void
test_history_search (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  const char *bodies[] = { "A quick brown fox", "Nothing to see", "Another fox <b>& co</b>",
                           "The end" };
  g_autoptr(ScContact) contact = sc_contact_new ("Bob Builder", "bob@example.org");
  g_autoptr(GObject) first = NULL;
  g_autoptr(GObject) last = NULL;
  GtkWidget *main_window;
  GtkWidget *entry;
  GtkWidget *view;
  GtkWidget *window;
  gint64 seq;
  const char *markup;

  fixture_set_up (&f, ALICE_PINS_BOB);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      ScMessage *message = sc_message_new ();

      message->id = g_uuid_string_random ();
      message->time = g_get_real_time () / 1000 - 10 + i;
      message->body = g_strdup (bodies[i]);
      g_ptr_array_add (messages, message);
    }
  store = sc_profile_open_store (f.alice_profile, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) carols = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
    ScMessage *message = sc_message_new ();

    message->id = g_uuid_string_random ();
    message->time = g_get_real_time () / 1000 - 20;
    message->body = g_strdup ("Carol's fox");
    g_ptr_array_add (carols, message);
    g_assert_true (sc_store_receive_messages (store, "carol@example.org", "00", carols, NULL,
                                              &error));
    g_assert_no_error (error);
  }
  g_assert_true (sc_store_receive_messages (store, "bob@example.org",
                                            sc_identity_get_fingerprint (f.bob->identity),
                                            messages, NULL, &error));
  g_assert_no_error (error);

  /* Bob is a contact, shown by his name; Carol is not, shown by her user ID
   * (her message came first, so it is the last result). */
  g_assert_true (sc_store_save_contact (store, contact, &error));
  g_assert_no_error (error);

  main_window = GTK_WIDGET (sc_test_ui_find_window (f.app, SC_TYPE_WINDOW));
  g_assert_nonnull (main_window);
  gtk_widget_activate_action (main_window, "main.search", NULL);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (
                     ADW_VIEW_STACK (find (main_window, ADW_TYPE_VIEW_STACK, "view-stack"))),
                   ==, "search");
  entry = find (main_window, GTK_TYPE_SEARCH_ENTRY, "history-search-entry");
  view = find (main_window, GTK_TYPE_LIST_VIEW, "search-results");
  gtk_editable_set_text (GTK_EDITABLE (entry), "fox");
  g_assert_true (sc_test_ui_wait_for (results_shown, &(ResultsWait) { view, 3 }, 5000));

  /* Newest first; the match in bold, the rest escaped. */
  first = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 0);
  markup = sc_search_result_get_markup (SC_SEARCH_RESULT (first));
  g_test_message ("snippet: %s", markup);
  g_assert_nonnull (strstr (markup, "<b>fox</b>"));
  g_assert_nonnull (strstr (markup, "&lt;b&gt;&amp; co&lt;/b&gt;"));
  g_assert_cmpstr (sc_search_result_get_peer (SC_SEARCH_RESULT (first)), ==, "bob@example.org");
  g_assert_cmpstr (sc_search_result_get_title (SC_SEARCH_RESULT (first)), ==, "Bob Builder");
  seq = sc_search_result_get_seq (SC_SEARCH_RESULT (first));
  last = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view))), 2);
  g_assert_cmpstr (sc_search_result_get_title (SC_SEARCH_RESULT (last)), ==, "carol@example.org");

  /* Nothing found says so. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "zebra");
  g_assert_true (sc_test_ui_wait_for (nothing_found, main_window, 5000));
  g_assert_true (results_shown (&(ResultsWait) { view, 0 }));
  gtk_editable_set_text (GTK_EDITABLE (entry), "fox");
  g_assert_true (sc_test_ui_wait_for (results_shown, &(ResultsWait) { view, 3 }, 5000));

  /* Activating it opens the chat with Bob at that message. */
  g_signal_emit_by_name (view, "activate", 0);
  window = GTK_WIDGET (sc_test_ui_find_window (f.app, SC_TYPE_CHAT_WINDOW));
  g_assert_nonnull (window);
  wait_for_transcript (window, 4);
  wait_for_item (window, 2, "Another fox <b>& co</b>");
  g_assert_cmpint (sc_chat_message_get_seq (transcript_item (window, 2)), ==, seq);
  g_assert_null (sc_chat_window_get_session (SC_CHAT_WINDOW (window)));

  fixture_tear_down (&f);
}

static gboolean
says_disk_full (gpointer data)
{
  return sc_test_ui_has_label_containing (data, "disk full");
}

/* The history cannot be written: a toast says why, the text goes back into
 * the entry, nothing is shown as sent; once there is room it goes. */
static void
test_history_store_full (void)
{
  Fixture f = { 0 };
  g_autofree char *big = g_strnfill (60000, 'x');
  ScStore *store;
  GtkWidget *window;
  GtkWidget *entry;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *left = NULL;

  fixture_set_up (&f, ALICE_PINS_BOB);
  store = sc_account_get_store (sc_application_get_account (f.app));
  window = open_chat (f.app, "bob@example.org", 0);
  wait_for_page (window, "chat");
  entry = find (window, GTK_TYPE_TEXT_VIEW, "message-entry");
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (entry));

  sc_test_store_set_max_pages (store, 0);
  send_text (window, big);
  g_assert_true (sc_test_ui_wait_for (says_disk_full, window, 10000));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  left = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (left, ==, big);
  g_assert_cmpuint (g_list_model_get_n_items (transcript (window)), ==, 0);
  sc_test_ui_screenshot (window, "history-disk-full");

  sc_test_store_set_max_pages (store, G_MAXINT32);
  gtk_widget_activate_action (window, "chat.send", NULL);
  wait_for_transcript (window, 1);
  g_assert_cmpint (sc_chat_message_get_state (transcript_item (window, 0)), ==,
                   SC_CHAT_MESSAGE_PENDING);

  fixture_tear_down (&f);
}

static gboolean
reconnect_offered (gpointer data)
{
  return gtk_widget_get_visible (find (data, GTK_TYPE_BUTTON, "reconnect-button"));
}

/* A chat opened on the history calls the contact when we write, and the
 * transcript stays in view meanwhile. */
static void
test_history_send_dials (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(ScContact) contact = sc_contact_new ("Bob", "bob@example.org");
  g_autofree char *bob_address = NULL;
  g_autofree char *pem = NULL;
  GtkWidget *window;

  fixture_set_up (&f, ALICE_PINS_BOB | BOB_PINS_ALICE);
  bob_address = sc_test_peer_listen (f.bob, "::1");
  sc_contact_set_addresses (contact, (const char *[]) { bob_address, NULL });
  pem = sc_peer_certificate_to_pem (sc_identity_get_certificate (f.bob->identity));
  sc_contact_set_certificate_pem (contact, pem);
  sc_contact_set_last_seen (contact, g_get_real_time () / G_USEC_PER_SEC - 3600);
  store = sc_profile_open_store (f.alice_profile, &error);
  g_assert_no_error (error);
  g_assert_true (sc_store_save_contact (store, contact, &error));
  g_assert_no_error (error);

  window = open_chat (f.app, "bob@example.org", 0);
  wait_for_page (window, "chat");
  g_assert_true (sc_test_ui_wait_for (reconnect_offered, window, 5000));
  g_assert_null (sc_chat_window_get_session (SC_CHAT_WINDOW (window)));

  /* No session, yet his certificate status is in view: the one kept with
   * the contact, judged now, and said to be that. */
  assert_certificate (window, f.bob, "Pinned");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Bob");
  g_assert_true (gtk_widget_get_visible (find (window, GTK_TYPE_LABEL, "certificate-note")));
  g_test_message ("%s", label_text (window, "certificate-note"));
  g_assert_nonnull (strstr (label_text (window, "certificate-note"), "when you last talked"));
  sc_test_ui_screenshot (window, "history-kept-certificate");

  send_text (window, "Are you there?");
  wait_for_transcript (window, 1);
  g_assert_nonnull (sc_chat_window_get_session (SC_CHAT_WINDOW (window)));
  g_assert_cmpstr (visible_page (window), ==, "chat");
  g_assert_true (sc_test_ui_wait_for (message_delivered, transcript_item (window, 0), 10000));
  g_assert_true (sc_test_wait_len (f.bob->messages, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f.bob->messages, 0), ==, "Are you there?");
  g_assert_cmpstr (visible_page (window), ==, "chat");
  /* The session's own certificate now, without the note. */
  assert_certificate (window, f.bob, "Pinned");
  g_assert_false (gtk_widget_get_visible (find (window, GTK_TYPE_LABEL, "certificate-note")));

  fixture_tear_down (&f);
}

int
main (int   argc,
      char *argv[])
{
  sc_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/chat/certificate-view", test_certificate_view);
  g_test_add_func ("/ui/chat/incoming", test_incoming_chat);
  g_test_add_func ("/ui/chat/outgoing/stages", test_outgoing_stages);
  g_test_add_func ("/ui/chat/outgoing/rejected", test_outgoing_rejected);
  g_test_add_func ("/ui/chat/outgoing/refused", test_outgoing_refused);
  g_test_add_func ("/ui/chat/outgoing/wrong-peer", test_outgoing_wrong_peer);
  g_test_add_func ("/ui/chat/request/accept", test_incoming_request_accept);
  g_test_add_func ("/ui/chat/request/decline", test_incoming_request_decline);
  g_test_add_func ("/ui/chat/request/block", test_incoming_request_block);
  g_test_add_func ("/ui/chat/several-windows", test_several_windows);
  g_test_add_func ("/ui/chat/connect-dialog", test_connect_dialog);
  g_test_add_func ("/ui/chat/history/restart", test_history_restart);
  g_test_add_func ("/ui/chat/history/large", test_history_large);
  g_test_add_func ("/ui/chat/history/retry-delete", test_history_retry_delete);
  g_test_add_func ("/ui/chat/history/search", test_history_search);
  g_test_add_func ("/ui/chat/history/send-dials", test_history_send_dials);
  g_test_add_func ("/ui/chat/history/store-full", test_history_store_full);

  return g_test_run ();
}
