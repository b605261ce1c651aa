/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include <gio/gio.h>
#include <sqlite3.h>

#include "../src/cli/sc-cli-private.h"
#include "sc-test-cli.h"
#include "sc-test-util.h"

/* The reliability suite: two sixchat-cli agents on loopback, Alice
 * `listen`ing and Bob `chat`ting, each with a burst of messages queued for
 * the other (stored while nobody listened), so that every session sends
 * both ways at once.  Each round one agent, in turn, is killed with
 * SIGKILL at a random moment (50–500 ms after the session opened) while
 * the bursts flow, the other one is
 * stopped, and the databases are checked with SQLite itself: integrity_check
 * is ok; what a sender has as delivered is in the receiver's history
 * exactly once; everything else it sent is still pending or sent.  A last
 * session, left alone, must then deliver everything, each exactly once.
 *
 * Environment: SIXCHAT_RELIABILITY_SEED (the seed of the kill times,
 * printed either way), SIXCHAT_RELIABILITY_MESSAGES (each way, default
 * 10000), SIXCHAT_RELIABILITY_ROUNDS (default 4). */

#define KILL_MIN_MS      50
#define KILL_MAX_MS      500
#define QUEUE_TIMEOUT_S  240
#define DRAIN_TIMEOUT_S  240

typedef struct
{
  char  *dir;
  char  *profile[2];   /* Alice's and Bob's profile directories */
  char  *database[2];
  guint  n_messages;
} Peers;

static const char *const users[2] = { "alice@example.org", "bob@example.org" };

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static char *
fingerprint_of (const char *profile)
{
  g_autoptr(JsonObject) identity = sc_test_cli_show_identity (profile);

  return g_strdup (json_object_get_string_member (identity, "fingerprint"));
}

static void
pin (const char *profile,
     const char *fingerprint)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "trust", "allow", fingerprint, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
}

/* "127.0.0.1:PORT" where nobody listens: a bound socket that never listens. */
static GSocket *
refusing_socket (char **address)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_bind (sock, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  *address = g_strdup_printf ("127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  return sock;
}

/* `chat PEER --address ADDRESS`, its output thrown away and its standard
 * input a pipe (the chat keeps its session while the pipe is open). */
static GSubprocess *
spawn_chat (const char *profile,
            const char *peer,
            const char *address)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) "chat");
  g_ptr_array_add (args, (gpointer) peer);
  g_ptr_array_add (args, (gpointer) "--address");
  g_ptr_array_add (args, (gpointer) address);

  return sc_test_cli_spawn (profile,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE
                            | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                            | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            args);
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, NULL, NULL, &error);
  g_assert_no_error (error);
  (*pending)--;
}

static gboolean
is_zero (gpointer data)
{
  return *(guint *) data == 0;
}

/* Both write their burst while the other cannot be reached: every message
 * is stored as pending (chat exits REFUSED). */
static void
queue_bursts (Peers *peers)
{
  g_autofree char *address = NULL;
  g_autoptr(GSocket) refusing = refusing_socket (&address);
  GSubprocess *chats[2] = { NULL, NULL };
  guint pending = 2;
  gint64 start = g_get_monotonic_time ();

  for (guint side = 0; side < 2; side++)
    {
      g_autoptr(GString) input = g_string_new (NULL);
      g_autoptr(GBytes) bytes = NULL;

      for (guint i = 0; i < peers->n_messages; i++)
        g_string_append_printf (input, "%s to %s, message %05u\n",
                                users[side], users[1 - side], i);
      bytes = g_string_free_to_bytes (g_steal_pointer (&input));
      chats[side] = spawn_chat (peers->profile[side], users[1 - side], address);
      g_subprocess_communicate_async (chats[side], bytes, NULL, on_communicated, &pending);
    }

  g_assert_true (sc_test_spin_until (is_zero, &pending, QUEUE_TIMEOUT_S));
  for (guint side = 0; side < 2; side++)
    {
      g_assert_true (g_subprocess_get_if_exited (chats[side]));
      g_assert_cmpint (g_subprocess_get_exit_status (chats[side]), ==, SC_EXIT_REFUSED);
      g_object_unref (chats[side]);
    }
  g_test_message ("queued %u messages each way in %.1f s", peers->n_messages,
                  (g_get_monotonic_time () - start) / 1e6);
}

static sqlite3 *
open_database (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("cannot open %s: %s", path, sqlite3_errmsg (db));
  sqlite3_busy_timeout (db, 5000);

  return db;
}

static gint64
query_int (sqlite3    *db,
           const char *sql,
           const char *first,
           const char *second)
{
  sqlite3_stmt *statement = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  sqlite3_bind_text (statement, 1, first, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, second, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  value = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);

  return value;
}

static void
assert_integrity (sqlite3    *db,
                  const char *path)
{
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &statement, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  if (!g_str_equal ((const char *) sqlite3_column_text (statement, 0), "ok"))
    g_error ("%s: integrity_check: %s", path, sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
}

/* The invariants of the messages from side to the other, both stopped or
 * not; returns how many the sender has as delivered. */
static gint64
check_direction (Peers    *peers,
                 guint     side,
                 gboolean  complete)
{
  sqlite3 *sender = open_database (peers->database[side]);
  const char *receiver_user = users[1 - side];
  const char *sender_user = users[side];
  char *attach;
  gint64 total, delivered, unsent, failed, received, not_once, unknown, duplicates;

  assert_integrity (sender, peers->database[side]);
  attach = sqlite3_mprintf ("ATTACH %Q AS receiver", peers->database[1 - side]);
  g_assert_cmpint (sqlite3_exec (sender, attach, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (attach);

  /* ?1 is the receiver, ?2 the sender: every lookup by id goes through
   * the UNIQUE (peer, outgoing, id) index. */
  total = query_int (sender, "SELECT count(*) FROM main.messages WHERE peer = ?1 "
                             "AND outgoing = 1", receiver_user, sender_user);
  delivered = query_int (sender, "SELECT count(*) FROM main.messages WHERE peer = ?1 "
                                 "AND outgoing = 1 AND state = 'delivered'",
                         receiver_user, sender_user);
  unsent = query_int (sender, "SELECT count(*) FROM main.messages WHERE peer = ?1 "
                              "AND outgoing = 1 AND state IN ('pending', 'sent')",
                      receiver_user, sender_user);
  failed = query_int (sender, "SELECT count(*) FROM main.messages WHERE outgoing = 1 "
                              "AND state = 'failed'", receiver_user, sender_user);
  received = query_int (sender, "SELECT count(*) FROM receiver.messages WHERE peer = ?2 "
                                "AND outgoing = 0", receiver_user, sender_user);
  /* Delivered at the sender, but not exactly once at the receiver. */
  not_once = query_int (sender,
                        "SELECT count(*) FROM main.messages s WHERE s.peer = ?1 "
                        "AND s.outgoing = 1 AND s.state = 'delivered' "
                        "AND (SELECT count(*) FROM receiver.messages r WHERE r.peer = ?2 "
                        "AND r.outgoing = 0 AND r.id = s.id) != 1",
                        receiver_user, sender_user);
  /* At the receiver, but never written by the sender. */
  unknown = query_int (sender,
                       "SELECT count(*) FROM receiver.messages r WHERE r.peer = ?2 "
                       "AND r.outgoing = 0 AND NOT EXISTS (SELECT 1 FROM main.messages s "
                       "WHERE s.peer = ?1 AND s.outgoing = 1 AND s.id = r.id)",
                       receiver_user, sender_user);
  duplicates = query_int (sender, "SELECT count(*) - count(DISTINCT id) FROM receiver.messages "
                                  "WHERE peer = ?2 AND outgoing = 0", receiver_user, sender_user);
  sqlite3_close (sender);

  g_test_message ("%s → %s: %" G_GINT64_FORMAT " delivered, %" G_GINT64_FORMAT
                  " pending or sent; %" G_GINT64_FORMAT " stored by the receiver",
                  sender_user, receiver_user, delivered, unsent, received);
  g_assert_cmpint (total, ==, peers->n_messages);
  g_assert_cmpint (delivered + unsent, ==, total);
  g_assert_cmpint (failed, ==, 0);
  g_assert_cmpint (not_once, ==, 0);
  g_assert_cmpint (unknown, ==, 0);
  g_assert_cmpint (duplicates, ==, 0);
  g_assert_cmpint (received, >=, delivered);
  if (complete)
    {
      g_assert_cmpint (delivered, ==, total);
      g_assert_cmpint (received, ==, total);
    }

  return delivered;
}

static void
check_databases (Peers    *peers,
                 gboolean  complete)
{
  sqlite3 *receiver = open_database (peers->database[1]);

  assert_integrity (receiver, peers->database[1]);
  sqlite3_close (receiver);
  check_direction (peers, 0, complete);
  check_direction (peers, 1, complete);
}

static gboolean
on_elapsed (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main context (the listener's output is read) for ms. */
static void
spin_ms (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, on_elapsed, &elapsed);
  while (!elapsed)
    g_main_context_iteration (NULL, TRUE);
}

static void
kill_listener (ScTestListener *listener)
{
  g_subprocess_force_exit (listener->process);
  g_assert_true (sc_test_process_wait (listener->process, SC_TEST_NET_TIMEOUT));
  g_assert_true (sc_test_spin_until (sc_test_flag_is_set, &listener->eof, SC_TEST_NET_TIMEOUT));
  listener->stopped = TRUE;
}

static void
stop_chat (GSubprocess *chat)
{
  g_subprocess_send_signal (chat, SIGTERM);
  g_assert_true (sc_test_process_wait (chat, SC_TEST_NET_TIMEOUT));
}

static gboolean
everything_delivered (gpointer data)
{
  Peers *peers = data;

  for (guint side = 0; side < 2; side++)
    {
      sqlite3 *db = open_database (peers->database[side]);
      gint64 delivered = query_int (db, "SELECT count(*) FROM messages WHERE outgoing = 1 "
                                        "AND state = 'delivered'", NULL, NULL);

      sqlite3_close (db);
      if (delivered < peers->n_messages)
        return FALSE;
    }

  return TRUE;
}

static gboolean
poll_delivered (gpointer data)
{
  spin_ms (250);
  return everything_delivered (data);
}

static void
test_kill_during_burst (void)
{
  guint32 seed = env_uint ("SIXCHAT_RELIABILITY_SEED", g_random_int ());
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint n_rounds = env_uint ("SIXCHAT_RELIABILITY_ROUNDS", 4);
  Peers peers = { 0 };
  g_autofree char *fingerprints[2] = { NULL, NULL };
  g_autoptr(ScTestListener) alice = NULL;
  g_autoptr(GSubprocess) bob = NULL;
  gint64 start;

  g_test_message ("SIXCHAT_RELIABILITY_SEED=%u", seed);
  peers.n_messages = env_uint ("SIXCHAT_RELIABILITY_MESSAGES", 10000);
  peers.dir = sc_test_dir_new ("test-reliability");
  for (guint side = 0; side < 2; side++)
    {
      peers.profile[side] = g_build_filename (peers.dir, side == 0 ? "alice" : "bob", NULL);
      peers.database[side] = g_build_filename (peers.profile[side], "sixchat.db", NULL);
      sc_test_cli_create_identity (peers.profile[side], side == 0 ? "Alice" : "Bob", users[side]);
      fingerprints[side] = fingerprint_of (peers.profile[side]);
    }
  pin (peers.profile[0], fingerprints[1]);
  pin (peers.profile[1], fingerprints[0]);

  queue_bursts (&peers);
  check_databases (&peers, FALSE);

  for (guint round = 0; round < n_rounds; round++)
    {
      guint delay = g_rand_int_range (rand, KILL_MIN_MS, KILL_MAX_MS + 1);
      gboolean kill_alice = round % 2 == 0;

      alice = sc_test_listener_start (peers.profile[0], "127.0.0.1", NULL);
      bob = spawn_chat (peers.profile[1], users[0], alice->address);
      sc_test_listener_wait (alice, "session", "state", "open");
      spin_ms (delay);
      g_test_message ("round %u: SIGKILL to %s %u ms after the session opened", round + 1,
                      kill_alice ? "Alice (listen)" : "Bob (chat)", delay);
      if (kill_alice)
        {
          kill_listener (alice);
          stop_chat (bob);
        }
      else
        {
          g_subprocess_force_exit (bob);
          g_assert_true (sc_test_process_wait (bob, SC_TEST_NET_TIMEOUT));
          sc_test_listener_stop (alice);
        }
      g_clear_pointer (&alice, sc_test_listener_free);
      g_clear_object (&bob);

      check_databases (&peers, FALSE);
    }

  start = g_get_monotonic_time ();
  alice = sc_test_listener_start (peers.profile[0], "127.0.0.1", NULL);
  bob = spawn_chat (peers.profile[1], users[0], alice->address);
  g_assert_true (sc_test_spin_until (poll_delivered, &peers, DRAIN_TIMEOUT_S));
  g_test_message ("last session delivered the rest in %.1f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_output_stream_close (g_subprocess_get_stdin_pipe (bob), NULL, NULL);
  g_assert_true (sc_test_process_wait (bob, SC_TEST_NET_TIMEOUT));
  g_assert_cmpint (g_subprocess_get_exit_status (bob), ==, SC_EXIT_OK);
  sc_test_listener_stop (alice);

  check_databases (&peers, TRUE);

  sc_test_dir_free (peers.dir);
  for (guint side = 0; side < 2; side++)
    {
      g_free (peers.profile[side]);
      g_free (peers.database[side]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/reliability/kill-during-burst", test_kill_during_burst);

  return g_test_run ();
}
