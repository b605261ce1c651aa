/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two or more real user agents on loopback, real TLS handshakes between
 * real sockets, and hostile clients written with GnuTLS and raw TCP. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "sc-contact.h"
#include "sc-store-private.h"
#include "sc-test-agent.h"
#include "sc-test-certs.h"
#include "sc-test-util.h"

typedef struct
{
  char       *dir;
  ScTestPeer *alice;
  ScTestPeer *bob;
  char       *alice_address;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *listen = data != NULL ? data : "::1";

  f->dir = sc_test_dir_new ("sixchat-agent");
  f->alice = sc_test_peer_new (f->dir, "Alice", "alice@example.org");
  f->bob = sc_test_peer_new (f->dir, "Bob", "bob@example.org");
  f->alice_address = sc_test_peer_listen (f->alice, listen);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->alice, sc_test_peer_free);
  g_clear_pointer (&f->bob, sc_test_peer_free);
  g_free (f->alice_address);
  sc_test_dir_free (f->dir);
}

static ScSession *
incoming_session (ScTestPeer *peer)
{
  g_assert_true (sc_test_wait_len (peer->incoming, 1, 10));
  return g_ptr_array_index (peer->incoming, peer->incoming->len - 1);
}

static gboolean
has_knock (ScTestPeer *peer,
           const char *knock)
{
  for (guint i = 0; i < peer->knocks->len; i++)
    if (g_strcmp0 (g_ptr_array_index (peer->knocks, i), knock) == 0)
      return TRUE;

  return FALSE;
}

static void
assert_knock (ScTestPeer *peer,
              const char *knock)
{
  gboolean found = FALSE;

  for (guint tries = 0; tries < 100 && !found; tries++)
    {
      found = has_knock (peer, knock);
      if (!found)
        sc_test_spin (50);
    }

  if (!found)
    {
      g_autofree char *all = NULL;

      g_ptr_array_add (peer->knocks, NULL);
      all = g_strjoinv (", ", (char **) peer->knocks->pdata);
      g_ptr_array_remove_index (peer->knocks, peer->knocks->len - 1);
      g_error ("expected knock “%s”, got: %s", knock, all);
    }
}

/* Chat both ways */

/* The session thread notes the sighting just after the session opened. */
static ScContact *
wait_seen (ScTestPeer *peer,
           const char *user_id)
{
  for (guint tries = 0; tries < 200; tries++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ScContact) contact = sc_store_find_contact (peer->store, user_id, &error);

      g_assert_no_error (error);
      if (sc_contact_get_last_seen (contact) > 0)
        return g_steal_pointer (&contact);
      sc_test_spin (25);
    }

  g_error ("%s was never noted as seen", user_id);
}

static void
test_chat_both_ways (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ScSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  ScSession *answer;
  const ScTrustDecision *decision;

  g_autoptr(ScContact) alice_in_bob = sc_contact_new ("Alice", "alice@example.org");
  g_autoptr(ScContact) bob_in_alice = sc_contact_new ("Bob", "bob@example.org");
  g_autoptr(ScContact) seen = NULL;

  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  sc_store_save_contact (f->bob->store, alice_in_bob, &error);
  g_assert_no_error (error);
  sc_store_save_contact (f->alice->store, bob_in_alice, &error);
  g_assert_no_error (error);

  session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));

  decision = sc_session_get_decision (session);
  g_assert_cmpint (decision->verdict, ==, SC_VERDICT_ALLOW);
  g_assert_cmpint (decision->reason, ==, SC_REASON_PINNED);
  g_assert_cmpstr (sc_peer_certificate_get_user_id (sc_session_get_peer_certificate (session)),
                   ==, "alice@example.org");
  g_assert_cmpstr (sc_session_get_peer_name (session), ==, "Alice");

  answer = incoming_session (f->alice);
  g_assert_true (sc_test_wait_state (answer, SC_SESSION_STATE_OPEN, 10));
  g_assert_cmpstr (sc_session_get_peer_user_id (answer), ==, "bob@example.org");
  g_assert_cmpint (sc_session_get_decision (answer)->reason, ==, SC_REASON_PINNED);

  /* Both contacts were seen; only the dialled address is worth keeping. */
  seen = wait_seen (f->bob, "alice@example.org");
  g_assert_cmpstr (sc_contact_get_addresses (seen)[0], ==, f->alice_address);
  g_assert_nonnull (sc_contact_get_certificate_pem (seen));
  g_clear_object (&seen);
  seen = wait_seen (f->alice, "bob@example.org");
  g_assert_true (sc_contact_get_addresses (seen) == NULL || sc_contact_get_addresses (seen)[0] == NULL);

  id1 = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), "Hello Alice ✓", &error);
  g_assert_no_error (error);
  g_assert_true (sc_test_wait_len (f->alice->messages, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->alice->messages, 0), ==, "Hello Alice ✓");
  g_assert_true (sc_test_wait_len (f->bob->delivered, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->bob->delivered, 0), ==, id1);

  id2 = sc_test_peer_send (f->alice, sc_identity_get_user_id (f->bob->identity), "Hi Bob\nsecond line", &error);
  g_assert_no_error (error);
  g_assert_true (sc_test_wait_len (f->bob->messages, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->bob->messages, 0), ==, "Hi Bob\nsecond line");
  g_assert_true (sc_test_wait_len (f->alice->delivered, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->alice->delivered, 0), ==, id2);

  /* The limit is the encoded line: 20,000 control characters escape to 120 KB. */
  {
    g_autofree char *escaped = g_strnfill (20000, '\x01');
    g_autofree char *large = g_strnfill (SC_PROTOCOL_MAX_LINE - 200, 'a');
    g_autofree char *rejected = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), escaped, &error);
    g_autofree char *accepted = NULL;

    g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
    g_assert_null (rejected);
    g_clear_error (&error);

    accepted = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), large, &error);
    g_assert_no_error (error);
    g_assert_true (sc_test_wait_len (f->alice->messages, 2, 10));
    g_assert_cmpstr (g_ptr_array_index (f->alice->messages, 1), ==, large);
  }

  sc_session_close (session);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpint (sc_session_get_close_reason (session), ==, SC_CLOSE_LOCAL);
  g_assert_true (sc_test_wait_state (answer, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpint (sc_session_get_close_reason (answer), ==, SC_CLOSE_PEER_BYE);

  assert_knock (f->alice, "allow pinned");
  assert_knock (f->bob, "allow pinned");
}

static void
test_dual_stack (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ScTestPeer) carol = sc_test_peer_new (f->dir, "Carol", "carol@example.org");
  g_autofree char *any = sc_test_peer_listen (carol, "::");
  guint16 port = sc_user_agent_get_port (carol->agent);
  const char *hosts[] = { "[::1]", "127.0.0.1" };

  g_assert_cmpstr (sc_user_agent_get_listen_address (carol->agent), ==, any);
  sc_test_peer_pin (carol, f->bob);
  sc_test_peer_pin (f->bob, carol);

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *address = g_strdup_printf ("%s:%u", hosts[i], port);
      g_autoptr(ScSession) session = sc_test_peer_dial (f->bob, carol, address);

      g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
      g_assert_cmpstr (sc_session_get_remote_address (session), ==, address);
    }

  /* Carol sees the IPv4 caller as 127.0.0.1, not as ::ffff:127.0.0.1. */
  g_assert_true (sc_test_wait_len (carol->incoming, 2, 10));
  g_assert_true (g_str_has_prefix (sc_session_get_remote_address (g_ptr_array_index (carol->incoming, 0)), "127.0.0.1:")
                 || g_str_has_prefix (sc_session_get_remote_address (g_ptr_array_index (carol->incoming, 1)), "127.0.0.1:"));
}

static void
test_every_address_tried (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *address = g_strdup_printf ("localhost:%u", sc_user_agent_get_port (f->alice->agent));
  g_autoptr(ScSession) session = NULL;

  /* Alice listens on 127.0.0.1 only: if localhost resolves to ::1 first,
   * that attempt is refused and the next address is tried. */
  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  session = sc_test_peer_dial (f->bob, f->alice, address);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
  g_assert_true (g_str_has_prefix (sc_session_get_remote_address (session), "127.0.0.1:"));
}

/* Refusals between two agents */

/* Returns Bob's closed session. */
static ScSession *
assert_refused_in_handshake (Fixture       *f,
                             ScCloseReason  expected)
{
  g_autoptr(ScSession) session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_autofree char *id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), "must never arrive", NULL);

  g_assert_nonnull (id);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  g_test_message ("closed: %s", sc_session_get_close_message (session));
  g_assert_cmpint (sc_session_get_close_reason (session), ==, expected);
  sc_test_spin (100);
  g_assert_cmpuint (f->alice->messages->len, ==, 0);
  g_assert_cmpuint (f->alice->incoming->len, ==, 0);

  return g_steal_pointer (&session);
}

static void
test_reject_blocked_user (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sc_test_peer_pin (f->bob, f->alice);
  sc_test_peer_pin (f->alice, f->bob);
  sc_store_add_entry (f->alice->store, SC_LIST_BLOCK, SC_ENTRY_USER, "BOB@example.org", NULL, &error);
  g_assert_no_error (error);

  g_object_unref (assert_refused_in_handshake (f, SC_CLOSE_TLS_ERROR));
  assert_knock (f->alice, "reject blocked-user");
}

static void
test_reject_policy (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sc_test_peer_pin (f->bob, f->alice);
  sc_store_set_policy (f->alice->store, SC_POLICY_REJECT, &error);
  g_assert_no_error (error);

  g_object_unref (assert_refused_in_handshake (f, SC_CLOSE_TLS_ERROR));
  assert_knock (f->alice, "reject stranger-self-signed");
}

static void
test_reject_outgoing (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ScSession) session = NULL;
  g_autoptr(GError) error = NULL;

  /* Bob blocks Alice: his own dial refuses her certificate. */
  sc_test_peer_pin (f->alice, f->bob);
  sc_store_add_entry (f->bob->store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
                      sc_identity_get_fingerprint (f->alice->identity), NULL, &error);
  g_assert_no_error (error);

  session = assert_refused_in_handshake (f, SC_CLOSE_REJECTED);
  assert_knock (f->bob, "reject blocked-fingerprint");
  /* The rejected certificate and the verdict stay on the session. */
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (sc_session_get_peer_certificate (session)),
                   ==, sc_identity_get_fingerprint (f->alice->identity));
  g_assert_cmpint (sc_session_get_decision (session)->verdict, ==, SC_VERDICT_REJECT);
  g_assert_cmpint (sc_session_get_decision (session)->reason, ==, SC_REASON_BLOCKED_FINGERPRINT);
}

static void
test_wrong_peer (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ScSession) session = NULL;
  g_autoptr(GError) error = NULL;

  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  session = sc_user_agent_connect (f->bob->agent, "carol@example.org", f->alice_address, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpint (sc_session_get_close_reason (session), ==, SC_CLOSE_WRONG_PEER);
  g_assert_nonnull (strstr (sc_session_get_close_message (session), "carol@example.org"));
  g_assert_nonnull (strstr (sc_session_get_close_message (session), "alice@example.org"));
  g_assert_cmpstr (sc_peer_certificate_get_user_id (sc_session_get_peer_certificate (session)),
                   ==, "alice@example.org");
  g_assert_cmpuint (f->alice->incoming->len, ==, 0);
  assert_knock (f->bob, "reject wrong-peer");
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(ScSession) session = NULL;
  g_autofree char *address = NULL;

  /* A port that was free a moment ago and has no listener. */
  g_assert_true (g_socket_bind (probe, any_port, FALSE, NULL));
  bound = g_socket_get_local_address (probe, NULL);
  address = g_strdup_printf ("[::1]:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (probe, NULL);

  session = sc_test_peer_dial (f->bob, f->alice, address);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpint (sc_session_get_close_reason (session), ==, SC_CLOSE_REFUSED);
}

static void
test_listen_port_busy (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sc_user_agent_set_listen_address (f->bob->agent, "::1");
  sc_user_agent_set_port (f->bob->agent, sc_user_agent_get_port (f->alice->agent));
  g_assert_false (sc_user_agent_listen (f->bob->agent, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, "already in use"));
}

/* Contact requests */

static ScSession *
start_request (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ScSession *session;
  ScSession *answer;

  sc_test_peer_pin (f->bob, f->alice);
  session = sc_user_agent_connect (f->bob->agent, "alice@example.org", f->alice_address,
                                   "Hi Alice, Bob from the conference", &error);
  g_assert_no_error (error);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_PENDING, 10));

  answer = incoming_session (f->alice);
  g_assert_cmpint (sc_session_get_state (answer), ==, SC_SESSION_STATE_PENDING);
  g_assert_cmpint (sc_session_get_decision (answer)->verdict, ==, SC_VERDICT_ASK);
  g_assert_cmpint (sc_session_get_decision (answer)->reason, ==, SC_REASON_STRANGER_SELF_SIGNED);
  g_assert_cmpstr (sc_session_get_greeting (answer), ==, "Hi Alice, Bob from the conference");
  g_assert_cmpint (sc_session_get_request_id (answer), >, 0);
  assert_knock (f->alice, "ask stranger-self-signed");

  return session;
}

static void
on_decided (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;

  sc_user_agent_decide_request_finish (SC_USER_AGENT (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static void
decide (ScTestPeer     *peer,
        gint64          request_id,
        ScRequestState  state)
{
  gboolean done = FALSE;

  sc_user_agent_decide_request_async (peer->agent, request_id, state, NULL, on_decided, &done);
  g_assert_true (sc_test_wait_for (&done, 10));
}

static void
test_request_accept (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ScSession) session = start_request (f);
  g_autoptr(ScRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  ScSession *answer = incoming_session (f->alice);

  /* Written while pending: kept until the request is accepted. */
  id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), "waiting for you", &error);
  g_assert_no_error (error);
  sc_test_spin (300);
  g_assert_cmpuint (f->alice->messages->len, ==, 0);

  decide (f->alice, sc_session_get_request_id (answer), SC_REQUEST_ACCEPTED);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
  g_assert_true (sc_test_wait_state (answer, SC_SESSION_STATE_OPEN, 10));
  g_assert_true (sc_test_wait_len (f->alice->messages, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->alice->messages, 0), ==, "waiting for you");

  request = sc_store_get_request (f->alice->store, sc_session_get_request_id (answer), &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->state, ==, SC_REQUEST_ACCEPTED);
  g_assert_cmpstr (request->greeting, ==, "Hi Alice, Bob from the conference");

  /* Bob is now on the allow list: the next call opens at once. */
  {
    g_autoptr(ScSession) again = sc_test_peer_dial (f->bob, f->alice, f->alice_address);

    g_assert_true (sc_test_wait_state (again, SC_SESSION_STATE_OPEN, 10));
    g_assert_true (sc_test_wait_len (f->alice->incoming, 2, 10));
    g_assert_cmpint (sc_session_get_decision (incoming_session (f->alice))->reason, ==, SC_REASON_PINNED);
  }
}

static void
test_request_decline (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ScSession) session = start_request (f);
  g_autoptr(ScRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), "never delivered", NULL);
  ScSession *answer = incoming_session (f->alice);
  gint64 request_id = sc_session_get_request_id (answer);

  decide (f->alice, request_id, SC_REQUEST_DECLINED);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpint (sc_session_get_close_reason (session), ==, SC_CLOSE_DECLINED);
  g_assert_true (sc_test_wait_state (answer, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpuint (f->alice->messages->len, ==, 0);

  /* Undo: the request is pending again, still in the inbox. */
  decide (f->alice, request_id, SC_REQUEST_PENDING);
  request = sc_store_get_request (f->alice->store, request_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->state, ==, SC_REQUEST_PENDING);
}

static void
test_request_block (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ScSession) session = start_request (f);
  ScSession *answer = incoming_session (f->alice);

  decide (f->alice, sc_session_get_request_id (answer), SC_REQUEST_BLOCKED);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpint (sc_session_get_close_reason (session), ==, SC_CLOSE_DECLINED);

  /* The next attempt is refused inside the handshake. */
  g_ptr_array_set_size (f->alice->incoming, 0);
  g_object_unref (assert_refused_in_handshake (f, SC_CLOSE_TLS_ERROR));
  assert_knock (f->alice, "reject blocked-fingerprint");
}

static void
test_request_survives_hangup (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(ScSession) session = start_request (f);
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;

  sc_session_close (session);
  g_assert_true (sc_test_wait_state (incoming_session (f->alice), SC_SESSION_STATE_CLOSED, 10));

  requests = sc_store_list_requests (f->alice->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_cmpstr (((ScRequest *) g_ptr_array_index (requests, 0))->user_id, ==, "bob@example.org");
}

/* The receiver's disk is full (SQLite's page limit gives a real
 * SQLITE_FULL): nothing is acknowledged, the sender keeps the message and
 * delivers it once there is room. */
static void
test_receiver_disk_full (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *body = g_strnfill (60000, 'x');
  g_autoptr(ScSession) first = NULL;
  g_autoptr(ScSession) second = NULL;
  g_autoptr(GPtrArray) unsent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), body, &error);
  g_assert_no_error (error);

  sc_test_store_set_max_pages (f->alice->store, 0);
  first = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_assert_true (sc_test_wait_state (first, SC_SESSION_STATE_CLOSED, 10));
  g_test_message ("closed: %s", sc_session_get_close_message (first));
  g_assert_cmpint (sc_session_get_close_reason (first), ==, SC_CLOSE_PROTOCOL_ERROR);
  g_assert_nonnull (strstr (sc_session_get_close_message (first), "storage-failed"));
  g_assert_true (sc_test_wait_len (f->alice->failures, 1, 10));
  g_assert_nonnull (strstr (g_ptr_array_index (f->alice->failures, 0), "disk full"));
  g_assert_cmpuint (f->alice->messages->len, ==, 0);
  g_assert_cmpuint (f->bob->delivered->len, ==, 0);
  unsent = sc_store_list_unsent (f->bob->store, "alice@example.org", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unsent->len, ==, 1);

  sc_test_store_set_max_pages (f->alice->store, G_MAXINT32);
  second = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_assert_true (sc_test_wait_len (f->alice->messages, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->alice->messages, 0), ==, body);
  g_assert_true (sc_test_wait_len (f->bob->delivered, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->bob->delivered, 0), ==, id);
}

/* Many sessions */

static void
test_concurrent_sessions (Fixture       *f,
                          gconstpointer  data)
{
  const guint n = 50;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);

  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);

  for (guint i = 0; i < n; i++)
    {
      ScSession *session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
      g_autofree char *body = g_strdup_printf ("message %u", i);
      g_autofree char *id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), body, NULL);

      g_assert_nonnull (id);
      g_ptr_array_add (sessions, session);
    }

  /* Every session sends what is unsent; Alice keeps each message once. */
  g_assert_true (sc_test_wait_len (f->alice->messages, n, 60));
  g_assert_true (sc_test_wait_len (f->bob->delivered, n, 60));
  sc_test_spin (200);
  g_assert_cmpuint (f->alice->messages->len, ==, n);
  g_assert_cmpuint (f->bob->delivered->len, ==, n);

  /* Early sessions may have carried every message while later ones were
   * still opening: each opens all the same. */
  g_assert_true (sc_test_wait_len (f->alice->incoming, n, 60));
  for (guint i = 0; i < n; i++)
    g_assert_true (sc_test_wait_state (g_ptr_array_index (sessions, i), SC_SESSION_STATE_OPEN, 30));
  g_assert_cmpuint (f->alice->incoming->len, ==, n);
}

/* Session threads */

/* The ids of this process's threads. */
static GHashTable *
thread_ids (void)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_hash_table_add (ids, g_strdup (name));

  return ids;
}

static guint
n_threads (void)
{
  g_autoptr(GHashTable) ids = thread_ids ();

  return g_hash_table_size (ids);
}

static void
wait_all_idle (Fixture *f)
{
  g_assert_true (sc_test_wait_idle (f->alice->agent, 10));
  g_assert_true (sc_test_wait_idle (f->bob->agent, 10));
}

/* Dials, sends a message and hangs up. */
static void
chat_once (Fixture *f,
           guint    round)
{
  g_autoptr(ScSession) session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_autofree char *body = g_strdup_printf ("round %u", round);
  g_autofree char *id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity),
                                           body, NULL);

  g_assert_nonnull (id);
  g_assert_true (sc_test_wait_len (f->alice->messages, round + 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->alice->messages, round), ==, body);

  sc_session_close (session);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  wait_all_idle (f);
}

static void
test_threads_reused (Fixture       *f,
                     gconstpointer  data)
{
  const guint rounds = 30;
  const guint burst = 20;
  /* Per agent, as in sc-agent-context.c. */
  const guint max_idle = 4;
  g_autoptr(GHashTable) first = NULL;
  g_autoptr(GHashTable) later = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  const char *id;
  guint made = 0;

  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);

  /* One session after another reuses the threads: a new one is made only
   * when a dial comes before the last session's thread is back (it counts
   * the session as ended just before), so each agent ends up with a few. */
  chat_once (f, 0);
  first = thread_ids ();
  for (guint i = 1; i < rounds; i++)
    chat_once (f, i);
  later = thread_ids ();
  g_hash_table_iter_init (&iter, later);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    if (!g_hash_table_contains (first, id))
      made++;
  g_assert_cmpuint (made, <=, 2 * (max_idle - 1));

  /* Many at once need many threads; once they ended, a few wait, no more. */
  for (guint i = 0; i < burst; i++)
    g_ptr_array_add (sessions, sc_test_peer_dial (f->bob, f->alice, f->alice_address));
  for (guint i = 0; i < burst; i++)
    g_assert_true (sc_test_wait_state (g_ptr_array_index (sessions, i), SC_SESSION_STATE_OPEN, 30));
  g_assert_cmpuint (n_threads (), >=, g_hash_table_size (first) + burst);

  for (guint i = 0; i < burst; i++)
    sc_session_close (g_ptr_array_index (sessions, i));
  wait_all_idle (f);
  for (guint tries = 0; tries < 100 && n_threads () > g_hash_table_size (first) + 2 * (max_idle - 1); tries++)
    sc_test_spin (20);
  g_assert_cmpuint (n_threads (), <=, g_hash_table_size (first) + 2 * (max_idle - 1));

  /* And they still serve. */
  chat_once (f, rounds);
}

static void
test_session_cap (Fixture       *f,
                  gconstpointer  data)
{
  const guint cap = 3;
  const guint dials = 5;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  guint open = 0;

  sc_user_agent_set_limits (f->alice->agent, cap, 64);
  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);

  /* Beyond the cap the listener closes the connection at once. */
  for (guint i = 0; i < dials; i++)
    {
      ScSession *session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);

      g_ptr_array_add (sessions, session);
      sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10);
      if (sc_session_get_state (session) == SC_SESSION_STATE_OPEN)
        open++;
      else
        g_assert_cmpint (sc_session_get_state (session), ==, SC_SESSION_STATE_CLOSED);
    }
  g_assert_cmpuint (open, ==, cap);
  /* Bob's side opens on Alice's admission, which may come before Alice
   * has read Bob's hello (and so announced the session). */
  g_assert_true (sc_test_wait_len (f->alice->incoming, cap, 10));
  sc_test_spin (50);
  g_assert_cmpuint (f->alice->incoming->len, ==, cap);
  g_assert_cmpuint (sc_user_agent_get_n_running (f->alice->agent), ==, cap);

  /* Ended sessions give their places back. */
  for (guint i = 0; i < dials; i++)
    sc_session_close (g_ptr_array_index (sessions, i));
  wait_all_idle (f);
  g_assert_cmpuint (g_list_model_get_n_items (sc_user_agent_get_sessions (f->alice->agent)), ==, 0);
  chat_once (f, 0);
}

/* Hostile and broken clients */

static int
raw_connect (Fixture *f)
{
  struct sockaddr_in6 address = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  struct timeval timeout = { .tv_sec = 15 };
  int fd = socket (AF_INET6, SOCK_STREAM, 0);

  address.sin6_port = htons (sc_user_agent_get_port (f->alice->agent));
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  return fd;
}

/* A blocking GnuTLS client run in a thread, so the agent can work on the
 * main context meanwhile. */
typedef struct
{
  int         fd;
  const char *cert_path;   /* NULL: no client certificate */
  const char *key_path;
  const char *priority;    /* NULL: TLS 1.3 */
  gboolean    no_alpn;
  const char *send;        /* written after the handshake */
  int         handshake;   /* result */
  int         last_read;   /* result of the last gnutls_record_recv */
  GString    *received;
  gboolean    done;
} RawClient;

static gpointer
raw_client_thread (gpointer data)
{
  RawClient *c = data;
  gnutls_certificate_credentials_t credentials;
  gnutls_session_t tls;
  gnutls_datum_t alpn = { (unsigned char *) "sixchat/1", 9 };
  char buffer[4096];

  gnutls_certificate_allocate_credentials (&credentials);
  if (c->cert_path != NULL)
    g_assert_cmpint (gnutls_certificate_set_x509_key_file (credentials, c->cert_path, c->key_path,
                                                           GNUTLS_X509_FMT_PEM), >=, 0);
  gnutls_init (&tls, GNUTLS_CLIENT);
  g_assert_cmpint (gnutls_priority_set_direct (tls, c->priority ? c->priority
                                               : "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL), ==, 0);
  gnutls_credentials_set (tls, GNUTLS_CRD_CERTIFICATE, credentials);
  if (!c->no_alpn)
    gnutls_alpn_set_protocols (tls, &alpn, 1, 0);
  gnutls_transport_set_int (tls, c->fd);

  do
    c->handshake = gnutls_handshake (tls);
  while (c->handshake < 0 && !gnutls_error_is_fatal (c->handshake));

  if (c->handshake == 0)
    {
      gsize sent = 0;
      gsize length = c->send != NULL ? strlen (c->send) : 0;

      while (sent < length)
        {
          ssize_t n = gnutls_record_send (tls, c->send + sent, length - sent);

          if (n < 0 && gnutls_error_is_fatal (n))
            break;
          if (n > 0)
            sent += n;
        }
      do
        {
          c->last_read = gnutls_record_recv (tls, buffer, sizeof buffer);
          if (c->last_read > 0)
            g_string_append_len (c->received, buffer, c->last_read);
        }
      while (c->last_read > 0 || (c->last_read < 0 && !gnutls_error_is_fatal (c->last_read)
                                  && c->last_read != GNUTLS_E_AGAIN));
    }

  gnutls_deinit (tls);
  gnutls_certificate_free_credentials (credentials);
  close (c->fd);
  g_atomic_int_set (&c->done, TRUE);
  g_main_context_wakeup (NULL);

  return NULL;
}

static void
run_raw_client (Fixture   *f,
                RawClient *c)
{
  GThread *thread;

  c->fd = raw_connect (f);
  c->received = g_string_new (NULL);
  thread = g_thread_new ("raw-client", raw_client_thread, c);
  g_assert_true (sc_test_wait_for (&c->done, 30));
  g_thread_join (thread);
}

static void
raw_client_clear (RawClient *c)
{
  g_string_free (c->received, TRUE);
}

static char *
write_temp (Fixture    *f,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return path;
}

/* A client presenting leaf (plus chain) says hello as user and sends a
 * message: it must be refused in the handshake with knock "reject REASON"
 * and no message may arrive. */
static void
assert_client_refused (Fixture    *f,
                       ScTestCert *leaf,
                       ScTestCert *intermediate,
                       const char *user,
                       const char *name,
                       const char *reason)
{
  g_autofree char *leaf_pem = sc_test_cert_pem (leaf);
  g_autofree char *chain_pem = intermediate ? sc_test_cert_pem (intermediate) : g_strdup ("");
  g_autofree char *all = g_strconcat (leaf_pem, chain_pem, NULL);
  g_autofree char *key = sc_test_cert_key_pem (leaf);
  g_autofree char *cert_path = write_temp (f, "client.crt", all);
  g_autofree char *key_path = write_temp (f, "client.key", key);
  g_autofree char *knock = g_strdup_printf ("reject %s", reason);
  g_autofree char *lines = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"user\":\"%s\",\"name\":\"%s\",\"features\":[]}\n"
                                            "{\"type\":\"message\",\"id\":\"m1\",\"time\":1,\"body\":\"leaked\"}\n",
                                            user, name);
  RawClient c = { .cert_path = cert_path, .key_path = key_path, .send = lines };

  run_raw_client (f, &c);
  g_test_message ("%s: handshake %d, read %d", reason, c.handshake, c.last_read);
  /* TLS 1.3: the client may finish its side before the server's alert. */
  g_assert_true (c.handshake < 0 || c.last_read < 0);
  g_assert_cmpuint (c.received->len, ==, 0);
  assert_knock (f->alice, knock);
  g_assert_cmpuint (f->alice->messages->len, ==, 0);
  g_assert_cmpuint (f->alice->incoming->len, ==, 0);
  raw_client_clear (&c);
}

static void
test_reject_reasons (Fixture       *f,
                     gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec ca_spec = { .cn = "Test CA", .is_ca = TRUE };
  ScTestCertSpec weak_ca_spec = { .cn = "No CRL Sign CA", .is_ca = TRUE, .ca_no_crl_sign = TRUE };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScTestCert) weak_ca = sc_test_cert_new (&weak_ca_spec, NULL);
  g_autoptr(ScTestCert) other_key = sc_test_cert_new (&ca_spec, NULL);
  ScTestCertSpec spec = { .cn = "Mallory", .uid = "mallory@example.org" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ca_der = sc_test_cert_der (ca);
  g_autoptr(GBytes) weak_ca_der = sc_test_cert_der (weak_ca);

  sc_store_add_issuer (f->alice->store, ca_der, &error);
  g_assert_no_error (error);
  sc_store_add_issuer (f->alice->store, weak_ca_der, &error);
  g_assert_no_error (error);
  sc_store_add_entry (f->alice->store, SC_LIST_ALLOW, SC_ENTRY_USER, "mallory@example.org", NULL, &error);
  g_assert_no_error (error);

  {
    ScTestCertSpec s = spec;
    g_autoptr(ScTestCert) leaf = NULL;

    s.not_before = now - 3 * 86400;
    s.not_after = now - 86400;
    leaf = sc_test_cert_new (&s, ca);
    assert_client_refused (f, leaf, NULL, "mallory@example.org", "Mallory", "expired");
  }
  {
    ScTestCertSpec s = spec;
    g_autoptr(ScTestCert) leaf = NULL;

    s.not_before = now + 86400;
    s.not_after = now + 3 * 86400;
    leaf = sc_test_cert_new (&s, ca);
    assert_client_refused (f, leaf, NULL, "mallory@example.org", "Mallory", "not-yet-valid");
  }
  {
    ScTestCertSpec s = spec;
    g_autoptr(ScTestCert) leaf = NULL;

    s.eku = SC_TEST_EKU_SERVER;
    leaf = sc_test_cert_new (&s, ca);
    assert_client_refused (f, leaf, NULL, "mallory@example.org", "Mallory", "bad-eku");
  }
  {
    ScTestCertSpec s = spec;
    g_autoptr(ScTestCert) leaf = NULL;

    s.is_ca = TRUE;
    s.ca_digital_signature = TRUE;
    leaf = sc_test_cert_new (&s, ca);
    assert_client_refused (f, leaf, NULL, "mallory@example.org", "Mallory", "ca-as-leaf");
  }
  {
    ScTestCertSpec s = { .cn = "Nobody" };
    g_autoptr(ScTestCert) leaf = sc_test_cert_new (&s, ca);

    assert_client_refused (f, leaf, NULL, "nobody@example.org", "Nobody", "no-user-id");
  }
  {
    g_autoptr(ScTestCert) leaf = sc_test_cert_new (&spec, weak_ca);
    g_autoptr(GBytes) crl = sc_test_crl_der (weak_ca, weak_ca, NULL, 0);

    /* A CRL from an issuer without cRLSign cannot be trusted: fail closed. */
    sc_store_add_crl (f->alice->store, crl, &error);
    g_assert_no_error (error);
    assert_client_refused (f, leaf, NULL, "mallory@example.org", "Mallory", "bad-crl");
  }
  {
    g_autoptr(ScTestCert) leaf = sc_test_cert_new (&spec, ca);
    ScTestCert *revoked[] = { leaf };
    g_autoptr(GBytes) crl = sc_test_crl_der (ca, ca, revoked, 1);

    sc_store_add_crl (f->alice->store, crl, &error);
    g_assert_no_error (error);
    assert_client_refused (f, leaf, NULL, "mallory@example.org", "Mallory", "revoked");
  }
  {
    ScTestCertSpec inter_spec = { .cn = "Blocked Intermediate", .is_ca = TRUE };
    g_autoptr(ScTestCert) intermediate = sc_test_cert_new (&inter_spec, other_key);
    g_autoptr(ScTestCert) leaf = sc_test_cert_new (&spec, intermediate);
    g_autofree char *fp = sc_test_cert_fingerprint (intermediate);

    sc_store_add_entry (f->alice->store, SC_LIST_BLOCK, SC_ENTRY_ISSUER, fp, NULL, &error);
    g_assert_no_error (error);
    assert_client_refused (f, leaf, intermediate, "mallory@example.org", "Mallory", "blocked-issuer");
  }
  {
    ScTestCertSpec s = { .cn = "Eve", .uid = "eve@example.org" };
    g_autoptr(ScTestCert) leaf = sc_test_cert_new (&s, NULL);
    g_autofree char *fp = sc_test_cert_fingerprint (leaf);

    sc_store_add_entry (f->alice->store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, fp, NULL, &error);
    g_assert_no_error (error);
    assert_client_refused (f, leaf, NULL, "eve@example.org", "Eve", "blocked-fingerprint");
  }

  /* After all that, a real contact still gets through. */
  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  {
    g_autoptr(ScSession) session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);

    g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
  }
}

/* A peer for a raw client: its certificate and key in files, and pinned
 * on Alice's allow list. */
typedef struct
{
  char *cert_path;
  char *key_path;
} RawIdentity;

static void
raw_identity_free (RawIdentity *identity)
{
  g_free (identity->cert_path);
  g_free (identity->key_path);
  g_free (identity);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawIdentity, raw_identity_free)

static RawIdentity *
raw_identity_new (Fixture    *f,
                  const char *name,
                  const char *user_id)
{
  ScTestCertSpec spec = { .cn = name, .uid = user_id };
  g_autoptr(ScTestCert) leaf = sc_test_cert_new (&spec, NULL);
  g_autofree char *cert_pem = sc_test_cert_pem (leaf);
  g_autofree char *key_pem = sc_test_cert_key_pem (leaf);
  g_autofree char *cert_name = g_strconcat (user_id, ".crt", NULL);
  g_autofree char *key_name = g_strconcat (user_id, ".key", NULL);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (leaf);
  g_autoptr(GError) error = NULL;
  RawIdentity *identity = g_new0 (RawIdentity, 1);

  identity->cert_path = write_temp (f, cert_name, cert_pem);
  identity->key_path = write_temp (f, key_name, key_pem);
  sc_store_add_entry (f->alice->store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, fingerprint, NULL,
                      &error);
  g_assert_no_error (error);

  return identity;
}

static void
test_hello_mismatch (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(RawIdentity) peer = raw_identity_new (f, "Mallory", "mallory@example.org");
  RawClient c = {
    .cert_path = peer->cert_path, .key_path = peer->key_path,
    .send = "{\"type\":\"hello\",\"version\":1,\"user\":\"alice@example.org\",\"name\":\"Mallory\"}\n"
            "{\"type\":\"message\",\"id\":\"m1\",\"time\":1,\"body\":\"spoofed\"}\n",
  };


  run_raw_client (f, &c);
  g_assert_cmpint (c.handshake, ==, 0);
  g_assert_nonnull (strstr (c.received->str, "\"hello-mismatch\""));
  g_assert_cmpuint (f->alice->messages->len, ==, 0);
  raw_client_clear (&c);
}

static void
test_bad_frames (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(RawIdentity) peer = raw_identity_new (f, "Fuzzer", "fuzz@example.org");
  g_autofree char *deep = g_strnfill (5000, '[');
  g_autofree char *huge = g_strnfill (70000, 'x');
  const char *hello = "{\"type\":\"hello\",\"version\":1,\"user\":\"fuzz@example.org\",\"name\":\"Fuzzer\"}\n";
  struct {
    const char *after_hello;
    const char *code;
  } cases[] = {
    { "not json at all\n", "malformed-json" },
    { "[1,2,3]\n", "not-object" },
    { "{\"type\":\"message\",\"id\":5,\"time\":1,\"body\":\"x\"}\n", "wrong-type" },
    { "{\"type\":\"message\",\"time\":1,\"body\":\"x\"}\n", "missing-field" },
    { "{\"type\":\"message\",\"id\":\"\xff\xfe\",\"time\":1,\"body\":\"x\"}\n", "invalid-utf8" },
    { deep, "too-deep" },
    { huge, "line-too-long" },
  };


  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *send = g_strconcat (hello, cases[i].after_hello,
                                           cases[i].after_hello == deep ? "\n" : "", NULL);
      g_autofree char *code = g_strdup_printf ("\"code\":\"%s\"", cases[i].code);
      RawClient c = { .cert_path = peer->cert_path, .key_path = peer->key_path, .send = send };

      run_raw_client (f, &c);
      g_assert_cmpint (c.handshake, ==, 0);
      if (strstr (c.received->str, code) == NULL)
        g_error ("case %u: expected %s in: %s", i, code, c.received->str);
      raw_client_clear (&c);
    }

  g_assert_cmpuint (f->alice->messages->len, ==, 0);
}

/* A pinned peer floods Alice with tiny messages, some twice, and with
 * receipts for ids she never sent, then says bye: each message is stored
 * once and acknowledged, and Alice goes on working. */
static void
test_flood_and_unknown_receipts (Fixture       *f,
                                 gconstpointer  data)
{
  const guint n = 3000;
  const guint n_again = 200;
  const guint n_receipts = 1000;
  g_autoptr(RawIdentity) peer = raw_identity_new (f, "Flooder", "flood@example.org");
  g_autoptr(GString) send = g_string_new ("{\"type\":\"hello\",\"version\":1,"
                                          "\"user\":\"flood@example.org\",\"name\":\"Flooder\","
                                          "\"features\":[\"receipts\"]}\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(ScSession) session = NULL;
  g_autofree char *id = NULL;
  RawClient c = { .cert_path = peer->cert_path, .key_path = peer->key_path };
  guint receipts = 0;


  for (guint i = 0; i < n + n_again; i++)
    {
      if (i % 3 == 0 && i / 3 < n_receipts)
        g_string_append_printf (send, "{\"type\":\"receipt\",\"id\":\"never-sent-%u\","
                                "\"status\":\"delivered\"}\n", i / 3);
      g_string_append_printf (send, "{\"type\":\"message\",\"id\":\"m%u\",\"time\":%u,"
                              "\"body\":\"%u\"}\n", i % n, i + 1, i % n);
    }
  g_string_append (send, "{\"type\":\"bye\"}\n");
  c.send = send->str;

  run_raw_client (f, &c);
  g_assert_cmpint (c.handshake, ==, 0);
  for (const char *p = c.received->str; (p = strstr (p, "\"type\":\"receipt\"")) != NULL; p++)
    receipts++;
  g_test_message ("%u receipts for %u messages (%u sent twice)", receipts, n, n_again);
  g_assert_cmpuint (receipts, ==, n + n_again);  /* a repeat is acknowledged again */
  g_assert_null (strstr (c.received->str, "\"type\":\"error\""));
  raw_client_clear (&c);

  seqs = sc_store_list_message_seqs (f->alice->store, "flood@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seqs->len, ==, n);
  g_assert_cmpuint (f->alice->messages->len, ==, n);

  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), "still here", NULL);
  g_assert_nonnull (id);
  g_assert_true (sc_test_wait_len (f->bob->delivered, 1, 30));
}

static void
on_pong (ScSession *session,
         gint64     round_trip_us,
         GArray    *round_trips)
{
  g_array_append_val (round_trips, round_trip_us);
}

static gboolean
wait_pongs (GArray *round_trips,
            guint   n)
{
  for (guint tries = 0; tries < 400 && round_trips->len < n; tries++)
    sc_test_spin (25);
  return round_trips->len >= n;
}

/* Either side measures the round trip; a burst keeps the last pings; pongs
 * for pings never sent, or long forgotten, are ignored without harm. */
static void
test_ping (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ScSession) session = NULL;
  g_autoptr(GArray) bob_pongs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) alice_pongs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  ScSession *answer;
  gint64 round_trip;

  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_signal_connect (session, "pong", G_CALLBACK (on_pong), bob_pongs);
  g_assert_cmpint (sc_session_get_round_trip_time (session), ==, -1);

  /* Not open yet: nothing to measure. */
  sc_session_ping (session);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
  answer = incoming_session (f->alice);
  g_assert_true (sc_test_wait_state (answer, SC_SESSION_STATE_OPEN, 10));
  g_signal_connect (answer, "pong", G_CALLBACK (on_pong), alice_pongs);
  sc_test_spin (100);
  g_assert_cmpuint (bob_pongs->len, ==, 0);

  sc_session_ping (session);
  g_assert_true (wait_pongs (bob_pongs, 1));
  round_trip = g_array_index (bob_pongs, gint64, 0);
  g_assert_cmpint (round_trip, >, 0);
  g_assert_cmpint (round_trip, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (sc_session_get_round_trip_time (session), ==, round_trip);

  sc_session_ping (answer);
  g_assert_true (wait_pongs (alice_pongs, 1));
  g_assert_cmpint (g_array_index (alice_pongs, gint64, 0), >, 0);

  /* A burst: at least the last eight are answered, none twice. */
  g_array_set_size (bob_pongs, 0);
  for (guint i = 0; i < 20; i++)
    sc_session_ping (session);
  g_assert_true (wait_pongs (bob_pongs, 8));
  sc_test_spin (200);
  g_assert_cmpuint (bob_pongs->len, >=, 8);
  g_assert_cmpuint (bob_pongs->len, <=, 20);

  /* Chat goes on. */
  id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), "after pings", &error);
  g_assert_no_error (error);
  g_assert_true (sc_test_wait_len (f->alice->messages, 1, 10));

  /* Closed: nothing more. */
  sc_session_close (session);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_CLOSED, 10));
  g_array_set_size (bob_pongs, 0);
  sc_session_ping (session);
  sc_test_spin (100);
  g_assert_cmpuint (bob_pongs->len, ==, 0);
}

static void
test_stray_pongs (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(RawIdentity) peer = raw_identity_new (f, "Ponger", "pong@example.org");
  RawClient c = {
    .cert_path = peer->cert_path, .key_path = peer->key_path,
    .send = "{\"type\":\"hello\",\"version\":1,\"user\":\"pong@example.org\",\"name\":\"Ponger\"}\n"
            "{\"type\":\"pong\",\"id\":\"p1\"}\n"
            "{\"type\":\"pong\",\"id\":\"p0\"}\n"
            "{\"type\":\"pong\",\"id\":\"p-1\"}\n"
            "{\"type\":\"pong\",\"id\":\"p99999999999999999999999\"}\n"
            "{\"type\":\"pong\",\"id\":\"q\"}\n"
            "{\"type\":\"ping\",\"id\":\"k1\"}\n"
            "{\"type\":\"message\",\"id\":\"m1\",\"time\":1,\"body\":\"still fine\"}\n"
            "{\"type\":\"bye\"}\n",
  };


  run_raw_client (f, &c);
  g_assert_cmpint (c.handshake, ==, 0);
  g_assert_nonnull (strstr (c.received->str, "{\"type\":\"pong\",\"id\":\"k1\"}"));
  g_assert_null (strstr (c.received->str, "\"type\":\"error\""));
  g_assert_true (sc_test_wait_len (f->alice->messages, 1, 10));
  g_assert_cmpstr (g_ptr_array_index (f->alice->messages, 0), ==, "still fine");
  raw_client_clear (&c);
}

/* Liveness: quiet sessions ping each other and stay open; a peer that
 * stops answering is given up (peer-gone) in bounded time. */
static void
test_liveness_keeps_open (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ScSession) session = NULL;
  g_autoptr(GArray) bob_pongs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) alice_pongs = g_array_new (FALSE, FALSE, sizeof (gint64));
  ScSession *answer;

  sc_user_agent_set_liveness (f->alice->agent, 200, 300);
  sc_user_agent_set_liveness (f->bob->agent, 200, 300);
  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);
  session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_signal_connect (session, "pong", G_CALLBACK (on_pong), bob_pongs);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
  answer = incoming_session (f->alice);
  g_signal_connect (answer, "pong", G_CALLBACK (on_pong), alice_pongs);

  /* Ten idle periods without a word from the owners: pings, no close. */
  sc_test_spin (2000);
  g_assert_cmpint (sc_session_get_state (session), ==, SC_SESSION_STATE_OPEN);
  g_assert_cmpint (sc_session_get_state (answer), ==, SC_SESSION_STATE_OPEN);
  g_test_message ("pongs: Bob %u, Alice %u", bob_pongs->len, alice_pongs->len);
  g_assert_cmpuint (bob_pongs->len + alice_pongs->len, >=, 2);
  g_assert_cmpint (MAX (sc_session_get_round_trip_time (session),
                        sc_session_get_round_trip_time (answer)), >, 0);
}

static void
test_liveness_gives_up (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(RawIdentity) peer = raw_identity_new (f, "Ghost", "ghost@example.org");
  RawClient c = {
    .cert_path = peer->cert_path, .key_path = peer->key_path,
    /* Says hello, then never answers anything. */
    .send = "{\"type\":\"hello\",\"version\":1,\"user\":\"ghost@example.org\",\"name\":\"Ghost\"}\n",
  };
  ScSession *answer;
  gint64 start;

  sc_user_agent_set_liveness (f->alice->agent, 200, 300);

  start = g_get_monotonic_time ();
  run_raw_client (f, &c);
  g_test_message ("the silent client was dropped after %.2f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (c.handshake, ==, 0);
  g_assert_nonnull (strstr (c.received->str, "{\"type\":\"ping\",\"id\":\"p1\"}"));

  answer = incoming_session (f->alice);
  g_assert_true (sc_test_wait_state (answer, SC_SESSION_STATE_CLOSED, 10));
  g_assert_cmpint (sc_session_get_close_reason (answer), ==, SC_CLOSE_PEER_GONE);
  g_assert_nonnull (strstr (sc_session_get_close_message (answer), "No answer"));
  raw_client_clear (&c);
}

static void
test_hostile_clients (Fixture       *f,
                      gconstpointer  data)
{
  const char *garbage[] = {
    "\x16\x03\x01\xff\xff garbage that is not TLS",
    "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      int fd = raw_connect (f);
      char buffer[256];
      gboolean closed = FALSE;
      ssize_t n;

      g_assert_cmpint (write (fd, garbage[i], strlen (garbage[i])), >, 0);
      /* Spin while waiting, so the agent can accept. */
      for (guint tries = 0; tries < 200 && !closed; tries++)
        {
          sc_test_spin (25);
          n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT);
          closed = n == 0 || (n < 0 && errno != EAGAIN);
        }
      g_assert_true (closed);
      close (fd);
    }
  assert_knock (f->alice, "reject tls-error");

  {
    RawClient c = { .send = "{}\n" };

    run_raw_client (f, &c);
    g_assert_true (c.handshake < 0 || c.last_read < 0);
    assert_knock (f->alice, "reject no-certificate");
    raw_client_clear (&c);
  }

  {
    g_autofree char *cert_pem = sc_peer_certificate_to_pem (sc_identity_get_certificate (f->bob->identity));
    GBytes *key = sc_identity_get_key_pem (f->bob->identity);
    g_autofree char *cert_path = write_temp (f, "bob.crt", cert_pem);
    g_autofree char *key_path = write_temp (f, "bob.key", g_bytes_get_data (key, NULL));
    RawClient tls12 = { .cert_path = cert_path, .key_path = key_path,
                        .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2" };
    RawClient no_alpn = { .cert_path = cert_path, .key_path = key_path, .no_alpn = TRUE };

    sc_test_peer_pin (f->alice, f->bob);

    run_raw_client (f, &tls12);
    g_assert_cmpint (tls12.handshake, <, 0);
    assert_knock (f->alice, "reject tls-version");
    raw_client_clear (&tls12);

    run_raw_client (f, &no_alpn);
    g_assert_true (no_alpn.handshake < 0 || no_alpn.last_read < 0);
    assert_knock (f->alice, "reject no-alpn");
    raw_client_clear (&no_alpn);
  }

  /* The agent still serves. */
  sc_test_peer_pin (f->bob, f->alice);
  {
    g_autoptr(ScSession) session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);

    g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
  }
  g_assert_cmpuint (f->alice->messages->len, ==, 0);
}

static void
test_silent_peer_dropped (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ScSession) session = NULL;
  gint64 start;
  gboolean closed = FALSE;
  int fd;

  sc_user_agent_set_timeouts (f->alice->agent, 1000, 10000);
  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);

  start = g_get_monotonic_time ();
  fd = raw_connect (f);

  /* A real contact is served while the silent one waits. */
  session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));

  for (guint tries = 0; tries < 400 && !closed; tries++)
    {
      char byte;
      ssize_t n;

      sc_test_spin (25);
      n = recv (fd, &byte, 1, MSG_DONTWAIT);
      closed = n == 0 || (n < 0 && errno != EAGAIN);
    }
  close (fd);

  g_assert_true (closed);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
  assert_knock (f->alice, "reject timeout");
  g_assert_cmpint (sc_session_get_state (session), ==, SC_SESSION_STATE_OPEN);
}

static void
test_half_open_flood (Fixture       *f,
                      gconstpointer  data)
{
  int fds[24];
  g_autoptr(ScSession) session = NULL;
  g_autofree char *id = NULL;

  sc_user_agent_set_limits (f->alice->agent, 1024, 4);
  sc_test_peer_pin (f->alice, f->bob);
  sc_test_peer_pin (f->bob, f->alice);

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = raw_connect (f);
  sc_test_spin (200);

  session = sc_test_peer_dial (f->bob, f->alice, f->alice_address);
  id = sc_test_peer_send (f->bob, sc_identity_get_user_id (f->alice->identity), "through the flood", NULL);
  g_assert_true (sc_test_wait_state (session, SC_SESSION_STATE_OPEN, 10));
  g_assert_true (sc_test_wait_len (f->alice->messages, 1, 10));
  assert_knock (f->alice, "reject busy");

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/agent/chat/ipv6", test_chat_both_ways, "::1");
  ADD ("/agent/chat/ipv4", test_chat_both_ways, "127.0.0.1");
  ADD ("/agent/listen/port-busy", test_listen_port_busy, NULL);
  ADD ("/agent/listen/dual-stack", test_dual_stack, NULL);
  ADD ("/agent/connect/every-address", test_every_address_tried, "127.0.0.1");
  ADD ("/agent/connect/refused", test_connection_refused, NULL);
  ADD ("/agent/connect/wrong-peer", test_wrong_peer, NULL);
  ADD ("/agent/reject/blocked-user", test_reject_blocked_user, NULL);
  ADD ("/agent/reject/policy", test_reject_policy, NULL);
  ADD ("/agent/reject/outgoing", test_reject_outgoing, NULL);
  ADD ("/agent/reject/reasons", test_reject_reasons, NULL);
  ADD ("/agent/request/accept", test_request_accept, NULL);
  ADD ("/agent/request/decline", test_request_decline, NULL);
  ADD ("/agent/request/block", test_request_block, NULL);
  ADD ("/agent/ping", test_ping, NULL);
  ADD ("/agent/ping/stray-pongs", test_stray_pongs, NULL);
  ADD ("/agent/liveness/keeps-open", test_liveness_keeps_open, NULL);
  ADD ("/agent/liveness/gives-up", test_liveness_gives_up, NULL);
  ADD ("/agent/request/survives-hangup", test_request_survives_hangup, NULL);
  ADD ("/agent/protocol/hello-mismatch", test_hello_mismatch, NULL);
  ADD ("/agent/protocol/bad-frames", test_bad_frames, NULL);
  ADD ("/agent/hostile/clients", test_hostile_clients, NULL);
  ADD ("/agent/hostile/silent-peer", test_silent_peer_dropped, NULL);
  ADD ("/agent/hostile/half-open-flood", test_half_open_flood, NULL);
  ADD ("/agent/hostile/message-flood", test_flood_and_unknown_receipts, NULL);
  ADD ("/agent/messages/receiver-disk-full", test_receiver_disk_full, NULL);
  ADD ("/agent/concurrent/50", test_concurrent_sessions, NULL);
  ADD ("/agent/threads/reused", test_threads_reused, NULL);
  ADD ("/agent/threads/session-cap", test_session_cap, NULL);

  return g_test_run ();
}
