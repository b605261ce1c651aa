/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "../src/cli/sc-cli-private.h"
#include "sc-test-cli.h"
#include "sc-test-util.h"

/* Network cases of sixchat-cli (see sc-test-cli.h): `listen` runs in the
 * background while `chat` processes and raw TCP clients call it, on
 * loopback only.  Every wait spins the main context with a time limit. */

/* Two profiles in one temporary directory: alice@example.org and
 * bob@example.org.  Bob pins Alice's certificate; Alice pins Bob's when
 * asked to. */
typedef struct
{
  char *dir;
  char *alice;  /* profile directories */
  char *bob;
  char *alice_fingerprint;
  char *bob_fingerprint;
} Peers;

static void
trust (const char *profile,
       const char *verb,
       const char *target)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "trust", verb, target, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
}

static char *
fingerprint_of (const char *profile)
{
  g_autoptr(JsonObject) identity = sc_test_cli_show_identity (profile);

  return g_strdup (json_object_get_string_member (identity, "fingerprint"));
}

static Peers *
peers_new (gboolean alice_pins_bob)
{
  Peers *peers = g_new0 (Peers, 1);

  peers->dir = sc_test_dir_new ("test-cli");
  peers->alice = g_build_filename (peers->dir, "alice", NULL);
  peers->bob = g_build_filename (peers->dir, "bob", NULL);
  sc_test_cli_create_identity (peers->alice, "Alice", "alice@example.org");
  sc_test_cli_create_identity (peers->bob, "Bob", "bob@example.org");
  peers->alice_fingerprint = fingerprint_of (peers->alice);
  peers->bob_fingerprint = fingerprint_of (peers->bob);

  trust (peers->bob, "allow", peers->alice_fingerprint);
  if (alice_pins_bob)
    trust (peers->alice, "allow", peers->bob_fingerprint);

  return peers;
}

static void
peers_free (Peers *peers)
{
  sc_test_dir_free (peers->dir);
  g_free (peers->alice);
  g_free (peers->bob);
  g_free (peers->alice_fingerprint);
  g_free (peers->bob_fingerprint);
  g_free (peers);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peers, peers_free)

/* A TCP socket bound on [::1]:PORT (a free port), listening when listening
 * is TRUE; never accepting.  *address is "[::1]:PORT". */
static GSocket *
loopback_socket (gboolean   listening,
                 char     **address)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_bind (sock, any_port, FALSE, &error);
  g_assert_no_error (error);
  if (listening)
    {
      g_socket_listen (sock, &error);
      g_assert_no_error (error);
    }

  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  *address = g_strdup_printf ("[::1]:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  return sock;
}

/* Alice listens on address; Bob sends three lines, every one acknowledged. */
static void
check_three_messages (const char *address)
{
  const char *bodies[] = { "one", "two, with a comma", "three ✓" };
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(ScTestListener) alice = sc_test_listener_start (peers->alice, address, NULL);
  g_autoptr(ScTestCliResult) result = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  JsonObject *session;

  result = sc_test_chat_run (peers->bob, "one\ntwo, with a comma\nthree ✓\n", "alice@example.org",
                             "--address", alice->address, NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  sc_test_listener_stop (alice);

  events = sc_test_parse_json_lines (result->out);
  session = sc_test_find_event (events, "session", NULL, NULL);
  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "user"), ==, "alice@example.org");
  g_assert_cmpstr (json_object_get_string_member (session, "fingerprint"), ==,
                   peers->alice_fingerprint);
  g_assert_cmpstr (json_object_get_string_member (session, "reason"), ==, "pinned");
  sent = sc_test_filter_events (events, "sent");
  receipts = sc_test_filter_events (events, "receipt");
  g_assert_cmpuint (sent->len, ==, G_N_ELEMENTS (bodies));
  g_assert_cmpuint (receipts->len, ==, G_N_ELEMENTS (bodies));

  session = sc_test_find_event (alice->events, "session", NULL, NULL);
  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "user"), ==, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (session, "fingerprint"), ==,
                   peers->bob_fingerprint);
  messages = sc_test_filter_events (alice->events, "message");
  g_assert_cmpuint (messages->len, ==, G_N_ELEMENTS (bodies));
  for (guint i = 0; i < messages->len; i++)
    {
      const char *id = json_object_get_string_member (messages->pdata[i], "id");

      g_assert_cmpstr (json_object_get_string_member (messages->pdata[i], "body"), ==, bodies[i]);
      g_assert_cmpstr (json_object_get_string_member (messages->pdata[i], "user"), ==,
                       "bob@example.org");
      g_assert_cmpstr (json_object_get_string_member (sent->pdata[i], "id"), ==, id);
      g_assert_nonnull (sc_test_find_event (receipts, "receipt", "id", id));
    }
}

static void
test_net_chat_ipv6 (void)
{
  check_three_messages ("::1");
}

static void
test_net_chat_ipv4 (void)
{
  check_three_messages ("127.0.0.1");
}

static void
test_net_refused (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autofree char *address = NULL;
  /* Bound but not listening: connections to it are refused. */
  g_autoptr(GSocket) closed_port = loopback_socket (FALSE, &address);
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (peers->bob, "chat", "alice@example.org",
                                                       "--address", address, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_REFUSED);
  g_assert_true (g_str_has_prefix (result->err, "sixchat-cli: "));
}

static void
test_net_wrong_peer (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(ScTestListener) alice = sc_test_listener_start (peers->alice, "::1", NULL);
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (peers->bob, "chat", "carol@example.org",
                                                       "--address", alice->address, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_WRONG_PEER);
  g_assert_nonnull (strstr (result->err, "carol@example.org"));
  g_assert_nonnull (strstr (result->err, "alice@example.org"));
}

static void
test_net_we_reject (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(ScTestListener) alice = NULL;
  g_autoptr(ScTestCliResult) result = NULL;

  trust (peers->bob, "block", peers->alice_fingerprint);
  alice = sc_test_listener_start (peers->alice, "::1", NULL);

  result = sc_test_chat_run (peers->bob, "hello\n", "alice@example.org", "--address",
                             alice->address, NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_CERTIFICATE);
  sc_test_listener_stop (alice);
  g_assert_null (sc_test_find_event (alice->events, "message", NULL, NULL));
}

static void
test_net_peer_refuses (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(ScTestListener) alice = NULL;
  g_autoptr(ScTestCliResult) result = NULL;
  g_autoptr(ScTestCliResult) knocks = NULL;
  g_autoptr(GPtrArray) recorded = NULL;
  JsonObject *knock;

  trust (peers->alice, "block", "bob@example.org");
  alice = sc_test_listener_start (peers->alice, "::1", NULL);

  result = sc_test_chat_run (peers->bob, "hello\n", "alice@example.org", "--address",
                             alice->address, NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_TLS);
  knock = sc_test_listener_wait (alice, "knock", "reason", "blocked-user");
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "reject");
  g_assert_cmpstr (json_object_get_string_member (knock, "user"), ==, "bob@example.org");
  sc_test_listener_stop (alice);
  g_assert_null (sc_test_find_event (alice->events, "message", NULL, NULL));

  knocks = sc_test_cli_run (peers->alice, "trust", "knocks", "--json", NULL);
  g_assert_cmpint (knocks->status, ==, SC_EXIT_OK);
  recorded = sc_test_parse_json_lines (knocks->out);
  knock = sc_test_find_by_user (recorded, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (knock, "direction"), ==, "incoming");
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "reject");
  g_assert_cmpstr (json_object_get_string_member (knock, "reason"), ==, "blocked-user");
  g_assert_cmpstr (json_object_get_string_member (knock, "fingerprint"), ==,
                   peers->bob_fingerprint);
}

/* Bob, a stranger to Alice, sends a contact request with one message; once
 * Alice's listener shows it, Alice decides (`requests DECISION ID`) from
 * another process.  Returns how Bob's chat ended. */
static ScTestCliResult *
contact_request (Peers          *peers,
                 ScTestListener *alice,
                 const char     *decision)
{
  g_autoptr(ScTestCliResult) pending = NULL;
  g_autoptr(ScTestCliResult) decided = NULL;
  g_autoptr(ScTestCliResult) left = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *id = NULL;
  JsonObject *shown;
  JsonObject *request;
  ScTestChat *chat;

  chat = sc_test_chat_spawn (peers->bob, "hello, Alice\n", "alice@example.org",
                             "--address", alice->address, "--greeting", "hi, Bob here", NULL);

  shown = sc_test_listener_wait (alice, "request", "user", "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (shown, "greeting"), ==, "hi, Bob here");
  g_assert_cmpstr (json_object_get_string_member (shown, "fingerprint"), ==,
                   peers->bob_fingerprint);
  g_assert_cmpstr (json_object_get_string_member (shown, "verdict"), ==, "ask");
  sc_test_chat_end_input (chat);

  pending = sc_test_cli_run (peers->alice, "requests", "--json", NULL);
  g_assert_cmpint (pending->status, ==, SC_EXIT_OK);
  requests = sc_test_parse_json_lines (pending->out);
  g_assert_cmpuint (requests->len, ==, 1);
  request = sc_test_find_by_user (requests, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (request, "greeting"), ==, "hi, Bob here");
  g_assert_cmpint (json_object_get_int_member (request, "id"), ==,
                   json_object_get_int_member (shown, "request"));
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (request, "id"));

  decided = sc_test_cli_run (peers->alice, "requests", decision, id, NULL);
  g_assert_cmpint (decided->status, ==, SC_EXIT_OK);
  left = sc_test_cli_run (peers->alice, "requests", "--json", NULL);
  g_assert_cmpstr (left->out, ==, "");

  return sc_test_chat_finish (chat);
}

static void
test_net_request_accepted (void)
{
  g_autoptr(Peers) peers = peers_new (FALSE);
  g_autoptr(ScTestListener) alice = sc_test_listener_start (peers->alice, "::1", NULL);
  g_autoptr(ScTestCliResult) result = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(GPtrArray) events = NULL;
  JsonObject *message;

  result = contact_request (peers, alice, "accept");
  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  events = sc_test_parse_json_lines (result->out);
  g_assert_nonnull (sc_test_find_event (events, "state", "state", "pending"));
  g_assert_nonnull (sc_test_find_event (events, "state", "state", "open"));
  g_assert_nonnull (sc_test_find_event (events, "receipt", NULL, NULL));

  message = sc_test_listener_wait (alice, "message", "user", "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (message, "body"), ==, "hello, Alice");
  g_assert_nonnull (sc_test_find_event (alice->events, "accepted", "user", "bob@example.org"));
  sc_test_listener_stop (alice);

  list = sc_test_cli_trust_list (peers->alice);
  g_assert_true (sc_test_cli_list_has (list, "allow", "fingerprint", peers->bob_fingerprint));
}

static void
test_net_request_declined (void)
{
  g_autoptr(Peers) peers = peers_new (FALSE);
  g_autoptr(ScTestListener) alice = sc_test_listener_start (peers->alice, "::1", NULL);
  g_autoptr(ScTestCliResult) result = contact_request (peers, alice, "decline");
  g_autoptr(JsonObject) list = NULL;

  g_assert_cmpint (result->status, ==, SC_EXIT_DECLINED);
  sc_test_listener_stop (alice);
  g_assert_null (sc_test_find_event (alice->events, "message", NULL, NULL));
  g_assert_null (sc_test_find_event (alice->events, "accepted", NULL, NULL));

  list = sc_test_cli_trust_list (peers->alice);
  g_assert_false (sc_test_cli_list_has (list, "allow", "fingerprint", peers->bob_fingerprint));
  g_assert_false (sc_test_cli_list_has (list, "block", "fingerprint", peers->bob_fingerprint));
}

static void
test_net_request_blocked (void)
{
  g_autoptr(Peers) peers = peers_new (FALSE);
  g_autoptr(ScTestListener) alice = sc_test_listener_start (peers->alice, "::1", NULL);
  g_autoptr(ScTestCliResult) result = contact_request (peers, alice, "block");
  g_autoptr(ScTestCliResult) again = NULL;
  g_autoptr(JsonObject) list = NULL;

  g_assert_cmpint (result->status, ==, SC_EXIT_DECLINED);

  again = sc_test_chat_run (peers->bob, "", "alice@example.org", "--address", alice->address, NULL);
  g_assert_cmpint (again->status, ==, SC_EXIT_TLS);
  sc_test_listener_stop (alice);
  g_assert_null (sc_test_find_event (alice->events, "message", NULL, NULL));

  list = sc_test_cli_trust_list (peers->alice);
  g_assert_true (sc_test_cli_list_has (list, "block", "fingerprint", peers->bob_fingerprint));
}

static void
test_net_handshake_timeout (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autofree char *address = NULL;
  /* Listening, never accepting: the kernel completes the connection and
   * nobody answers the TLS handshake. */
  g_autoptr(GSocket) silent = loopback_socket (TRUE, &address);
  g_autoptr(ScTestCliResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  result = sc_test_chat_run (peers->bob, "hello\n", "alice@example.org", "--address", address,
                             "--timeout", "1", NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_net_port_busy (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(ScTestListener) alice = sc_test_listener_start (peers->alice, "::1", NULL);
  g_autofree char *port = g_strdup_printf ("%u", alice->port);
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (peers->bob, "listen", "--address", "::1",
                                                       "--port", port, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (result->err, "already in use"));
  g_assert_cmpstr (result->out, ==, "");
}

typedef struct
{
  gboolean done;
  gssize   size;
  GError  *error;
  gint64   time;   /* monotonic µs when the read ended */
  char     buffer[256];
} RawRead;

static void
on_raw_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawRead *raw = user_data;

  raw->size = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &raw->error);
  raw->time = g_get_monotonic_time ();
  raw->done = TRUE;
}

static void
test_net_listener_handshake_timeout (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(ScTestListener) alice = sc_test_listener_start (peers->alice, "::1", "1000");
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new_from_string ("::1", alice->port);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(ScTestCliResult) result = NULL;
  g_autoptr(GError) error = NULL;
  RawRead raw = { 0 };
  JsonObject *knock;
  gint64 connected;

  /* A caller that connects and says nothing. */
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (target), NULL, &error);
  g_assert_no_error (error);
  connected = g_get_monotonic_time ();
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             raw.buffer, sizeof raw.buffer, G_PRIORITY_DEFAULT, NULL,
                             on_raw_read, &raw);

  /* Meanwhile a real chat goes through. */
  result = sc_test_chat_run (peers->bob, "still here\n", "alice@example.org",
                             "--address", alice->address, NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  sc_test_listener_wait (alice, "message", "body", "still here");

  /* The silent caller is cut off after about a second. */
  g_assert_true (sc_test_spin_until (sc_test_flag_is_set, &raw.done, SC_TEST_NET_TIMEOUT));
  g_assert_no_error (raw.error);
  g_assert_cmpint (raw.size, ==, 0);
  g_assert_cmpint (raw.time - connected, >=, 900 * 1000);
  knock = sc_test_listener_wait (alice, "knock", "reason", "timeout");
  g_assert_cmpstr (json_object_get_string_member (knock, "direction"), ==, "incoming");
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "reject");
  g_assert_true (json_object_get_null_member (knock, "fingerprint"));
}

/* `history PEER --json` of profile, one object per message, oldest first. */
static GPtrArray *
history_of (const char *profile,
            const char *peer)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "history", peer, "--json", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (result->err, ==, "");
  return sc_test_parse_json_lines (result->out);
}

/* The bodies of messages (`history --json` objects) of one direction,
 * each followed by ":" and its state, joined by spaces. */
static char *
summarize (GPtrArray  *messages,
           const char *direction)
{
  g_autoptr(GString) summary = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      JsonObject *message = messages->pdata[i];

      if (!g_str_equal (json_object_get_string_member (message, "direction"), direction))
        continue;
      g_string_append_printf (summary, "%s%s:%s", summary->len > 0 ? " " : "",
                              json_object_get_string_member (message, "body"),
                              json_object_get_string_member (message, "state"));
    }

  return g_string_free (g_steal_pointer (&summary), FALSE);
}

/* Alice writes to Bob while nobody listens: her lines are queued (exit
 * REFUSED) and pending in her history.  Once Bob listens, her next chat
 * delivers them first, each exactly once; then Bob answers.  Both
 * histories show both directions. */
static void
test_net_queued_history (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autofree char *address = NULL;
  g_autoptr(GSocket) closed_port = loopback_socket (FALSE, &address);
  g_autoptr(ScTestCliResult) refused = NULL;
  g_autoptr(ScTestCliResult) delivered = NULL;
  g_autoptr(ScTestCliResult) answer = NULL;
  g_autoptr(ScTestCliResult) text = NULL;
  g_autoptr(ScTestCliResult) conversations = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) alice_history = NULL;
  g_autoptr(GPtrArray) bob_history = NULL;
  g_autofree char *pending_summary = NULL;
  g_autofree char *alice_sent = NULL;
  g_autofree char *alice_got = NULL;
  g_autofree char *bob_sent = NULL;
  g_autofree char *bob_got = NULL;
  ScTestListener *bob;
  ScTestListener *alice;

  refused = sc_test_chat_run (peers->alice, "q1\nq2\nq3\n", "bob@example.org",
                              "--address", address, NULL);
  g_assert_cmpint (refused->status, ==, SC_EXIT_REFUSED);
  g_assert_nonnull (strstr (refused->err, "3 message(s) queued for bob@example.org"));
  events = sc_test_parse_json_lines (refused->out);
  queued = sc_test_filter_events (events, "queued");
  g_assert_cmpuint (queued->len, ==, 3);

  pending = history_of (peers->alice, "bob@example.org");
  pending_summary = summarize (pending, "outgoing");
  g_assert_cmpstr (pending_summary, ==, "q1:pending q2:pending q3:pending");
  for (guint i = 0; i < pending->len; i++)
    {
      g_assert_cmpstr (json_object_get_string_member (pending->pdata[i], "id"), ==,
                       json_object_get_string_member (queued->pdata[i], "id"));
      g_assert_true (json_object_get_null_member (pending->pdata[i], "fingerprint"));
    }

  bob = sc_test_listener_start (peers->bob, "::1", NULL);
  delivered = sc_test_chat_run (peers->alice, "after\n", "bob@example.org",
                                "--address", bob->address, NULL);
  g_assert_cmpint (delivered->status, ==, SC_EXIT_OK);
  sc_test_listener_stop (bob);
  sc_test_listener_free (bob);

  alice = sc_test_listener_start (peers->alice, "::1", NULL);
  answer = sc_test_chat_run (peers->bob, "line one\nreply\n", "alice@example.org",
                             "--address", alice->address, NULL);
  g_assert_cmpint (answer->status, ==, SC_EXIT_OK);
  sc_test_listener_stop (alice);
  sc_test_listener_free (alice);

  alice_history = history_of (peers->alice, "bob@example.org");
  bob_history = history_of (peers->bob, "alice@example.org");
  alice_sent = summarize (alice_history, "outgoing");
  alice_got = summarize (alice_history, "incoming");
  bob_sent = summarize (bob_history, "outgoing");
  bob_got = summarize (bob_history, "incoming");
  g_assert_cmpstr (alice_sent, ==, "q1:delivered q2:delivered q3:delivered after:delivered");
  g_assert_cmpstr (bob_got, ==, "q1:delivered q2:delivered q3:delivered after:delivered");
  g_assert_cmpstr (bob_sent, ==, "line one:delivered reply:delivered");
  g_assert_cmpstr (alice_got, ==, "line one:delivered reply:delivered");
  for (guint i = 0; i < bob_history->len; i++)
    {
      JsonObject *message = bob_history->pdata[i];
      gboolean outgoing = g_str_equal (json_object_get_string_member (message, "direction"),
                                       "outgoing");

      g_assert_cmpstr (json_object_get_string_member (message, "peer"), ==, "alice@example.org");
      g_assert_cmpstr (json_object_get_string_member (message, "fingerprint"), ==,
                       peers->alice_fingerprint);
      g_assert_cmpint (json_object_get_int_member (message, "received_ms"), >, 0);
      if (!outgoing)
        g_assert_cmpstr (json_object_get_string_member (message, "id"), ==,
                         json_object_get_string_member (alice_history->pdata[i], "id"));
    }

  text = sc_test_cli_run (peers->alice, "history", "BOB@example.org", "--limit", "2", NULL);
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  g_assert_null (strstr (text->out, "q3"));
  g_assert_nonnull (strstr (text->out, "←\n    line one\n"));
  g_assert_nonnull (strstr (text->out, "←\n    reply\n"));

  conversations = sc_test_cli_run (peers->bob, "history", NULL);
  g_assert_cmpint (conversations->status, ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (conversations->out, "alice@example.org  6 messages, newest "));
}

static void
test_net_usage (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_autoptr(ScTestCliResult) no_address = NULL;
  g_autoptr(ScTestCliResult) bad_address = NULL;
  g_autoptr(ScTestCliResult) bad_port = NULL;
  g_autoptr(ScTestCliResult) no_identity = NULL;

  sc_test_cli_create_identity (profile, "Bob", "bob@example.org");

  no_address = sc_test_cli_run (profile, "chat", "alice@example.org", NULL);
  g_assert_cmpint (no_address->status, ==, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (no_address->err, "--address"));

  bad_address = sc_test_cli_run (profile, "chat", "alice@example.org", "--address", "[::1", NULL);
  g_assert_cmpint (bad_address->status, ==, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (bad_address->err, "[::1"));

  bad_port = sc_test_cli_run (profile, "listen", "--address", "::1", "--port", "70000", NULL);
  g_assert_cmpint (bad_port->status, ==, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (bad_port->err, "70000"));

  no_identity = sc_test_cli_run (empty, "listen", "--address", "::1", "--port", "0", NULL);
  g_assert_cmpint (no_identity->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (no_identity->err, "identity new"));

  g_assert_cmpstr (no_address->out, ==, "");
  g_assert_cmpstr (bad_address->out, ==, "");
  g_assert_cmpstr (bad_port->out, ==, "");
  g_assert_cmpstr (no_identity->out, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Writing to a chat that has already exited fails with EPIPE instead of
   * killing the test; GSocket ignores SIGPIPE process-wide anyway. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/cli/net/chat-ipv6", test_net_chat_ipv6);
  g_test_add_func ("/cli/net/chat-ipv4", test_net_chat_ipv4);
  g_test_add_func ("/cli/net/refused", test_net_refused);
  g_test_add_func ("/cli/net/wrong-peer", test_net_wrong_peer);
  g_test_add_func ("/cli/net/we-reject", test_net_we_reject);
  g_test_add_func ("/cli/net/peer-refuses", test_net_peer_refuses);
  g_test_add_func ("/cli/net/request-accepted", test_net_request_accepted);
  g_test_add_func ("/cli/net/request-declined", test_net_request_declined);
  g_test_add_func ("/cli/net/request-blocked", test_net_request_blocked);
  g_test_add_func ("/cli/net/handshake-timeout", test_net_handshake_timeout);
  g_test_add_func ("/cli/net/port-busy", test_net_port_busy);
  g_test_add_func ("/cli/net/listener-handshake-timeout", test_net_listener_handshake_timeout);
  g_test_add_func ("/cli/net/usage", test_net_usage);
  g_test_add_func ("/cli/net/queued-history", test_net_queued_history);

  return g_test_run ();
}
