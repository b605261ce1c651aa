/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sixchat-bench: the SixChat side of the benchmark, driven by bench/run.
 *
 *   profiles DIR_A DIR_B   two identities (sc_identity_create) pinned to each other
 *   handshake              sequential dials: sc_user_agent_connect() → OPEN
 *   roundtrip              message → receipt on one open session, then
 *                          ping → pong on the same session
 *   flood                  opens many sessions into a listener and holds them
 *   throughput             --count messages written at once on one session,
 *                          until every one is delivered (durable storage)
 *   history                --count messages stored in --profile, then the
 *                          time to open the conversation's last page
 *
 * Every result is one JSON object per line on stdout. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "sc-identity.h"
#include "sc-profile.h"
#include "sc-user-agent.h"
#include "sc-bench-stats.h"

/* How long any single wait may take before the benchmark gives up. */
#define WAIT_MS 10000

static char *opt_server;
static char *opt_client;
static char *opt_profile;
static char *opt_user;
static char *opt_address;
static int opt_count = 500;
static int opt_warmup = 20;
static int opt_size = 64;
static int opt_batch = 50;
static int opt_timeout_s = 60;

static const GOptionEntry entries[] = {
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &opt_server, "Profile of the listening agent", "DIR" },
  { "client", 0, 0, G_OPTION_ARG_FILENAME, &opt_client, "Profile of the dialling agent", "DIR" },
  { "profile", 0, 0, G_OPTION_ARG_FILENAME, &opt_profile, "flood: the dialling profile; history: the profile to fill", "DIR" },
  { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "flood: the user ID to dial; history: the peer", "USERID" },
  { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address,
    "handshake, roundtrip: address to listen on (::1); flood: where to dial", "ADDR" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "Measured dials, messages (history: stored) or sessions", "N" },
  { "warmup", 0, 0, G_OPTION_ARG_INT, &opt_warmup, "Unmeasured rounds first", "N" },
  { "size", 0, 0, G_OPTION_ARG_INT, &opt_size, "roundtrip, throughput, history: message body bytes", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &opt_batch, "flood: dials in flight at once; history: messages per transaction", "N" },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout_s, "flood, throughput: seconds for everything", "S" },
  { NULL }
};

/* Spinning the main context */

typedef gboolean (*Condition) (gpointer data);

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keep_polling (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the thread-default main context until condition holds or
 * timeout_ms pass; poll_ms > 0 also wakes it that often. */
static gboolean
spin_until (Condition condition,
            gpointer  data,
            guint     timeout_ms,
            guint     poll_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, on_timeout, &timed_out);
  guint poll_id = poll_ms > 0 ? g_timeout_add (poll_ms, keep_polling, NULL) : 0;

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);
  g_clear_handle_id (&poll_id, g_source_remove);

  return condition (data);
}

/* A profile and its agent */

typedef struct
{
  ScIdentity  *identity;
  ScStore     *store;
  ScUserAgent *agent;
} Peer;

static gboolean
agent_idle (gpointer data)
{
  return sc_user_agent_get_n_running (data) == 0;
}

static void
peer_free (Peer *peer)
{
  if (peer == NULL)
    return;

  if (peer->agent != NULL)
    {
      sc_user_agent_shutdown (peer->agent);
      /* Session threads end in about a millisecond; the poll catches a
       * count that dropped without an event behind it. */
      if (!spin_until (agent_idle, peer->agent, WAIT_MS, 5))
        g_printerr ("sixchat-bench: %u session threads still run\n",
                    sc_user_agent_get_n_running (peer->agent));
      /* Deliver the sessions' last events. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  g_clear_object (&peer->agent);
  g_clear_object (&peer->identity);
  g_clear_object (&peer->store);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

static Peer *
peer_open (const char  *profile_dir,
           GError     **error)
{
  g_autoptr(Peer) peer = g_new0 (Peer, 1);

  peer->identity = sc_identity_load (profile_dir, error);
  if (peer->identity == NULL)
    return NULL;

  peer->store = sc_profile_open_store (profile_dir, error);
  if (peer->store == NULL)
    return NULL;

  peer->agent = sc_user_agent_new (peer->identity, peer->store, error);
  if (peer->agent == NULL)
    return NULL;

  return g_steal_pointer (&peer);
}

/* Listens on address with a free port; returns what to dial. */
static char *
peer_listen (Peer        *peer,
             const char  *address,
             GError     **error)
{
  sc_user_agent_set_listen_address (peer->agent, address);
  sc_user_agent_set_port (peer->agent, 0);
  if (!sc_user_agent_listen (peer->agent, error))
    return NULL;

  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", address, sc_user_agent_get_port (peer->agent));
  return g_strdup_printf ("%s:%u", address, sc_user_agent_get_port (peer->agent));
}

static gboolean
pin (Peer        *peer,
     Peer        *other,
     GError     **error)
{
  return sc_store_add_entry (peer->store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                             sc_identity_get_fingerprint (other->identity), "benchmark peer",
                             error);
}

/* Both agents of a two-party benchmark, the server listening. */
static gboolean
open_pair (Peer       **server,
           Peer       **client,
           char       **address,
           GError     **error)
{
  if (opt_server == NULL || opt_client == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           "--server and --client are required");
      return FALSE;
    }

  *server = peer_open (opt_server, error);
  if (*server == NULL)
    return FALSE;
  *client = peer_open (opt_client, error);
  if (*client == NULL)
    return FALSE;

  *address = peer_listen (*server, opt_address != NULL ? opt_address : "::1", error);
  return *address != NULL;
}

/* profiles */

static int
run_profiles (int    argc,
              char **argv)
{
  g_autoptr(GError) error = NULL;
  Peer *peers[2] = { NULL, NULL };
  GString *result;

  if (argc != 3)
    {
      sc_bench_print_error ("profiles DIR_A DIR_B");
      return 2;
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_path_get_basename (argv[1 + i]);
      g_autofree char *user_id = g_strdup_printf ("%s@bench.example", name);
      g_autoptr(ScIdentity) identity =
        sc_identity_create (argv[1 + i], name, user_id, SC_IDENTITY_FLAGS_NONE, &error);

      if (identity == NULL)
        break;
      peers[i] = peer_open (argv[1 + i], &error);
      if (peers[i] == NULL)
        break;
    }

  if (error == NULL && pin (peers[0], peers[1], &error))
    pin (peers[1], peers[0], &error);

  if (error != NULL)
    {
      sc_bench_print_error ("profiles: %s", error->message);
      g_clear_pointer (&peers[0], peer_free);
      g_clear_pointer (&peers[1], peer_free);
      return 1;
    }

  result = sc_bench_result_new ("profiles");
  sc_bench_result_add_string (result, "a_user", sc_identity_get_user_id (peers[0]->identity));
  sc_bench_result_add_string (result, "a_fingerprint",
                              sc_identity_get_fingerprint (peers[0]->identity));
  sc_bench_result_add_string (result, "b_user", sc_identity_get_user_id (peers[1]->identity));
  sc_bench_result_add_string (result, "b_fingerprint",
                              sc_identity_get_fingerprint (peers[1]->identity));
  sc_bench_result_print (result);

  peer_free (peers[0]);
  peer_free (peers[1]);
  return 0;
}

/* handshake */

typedef struct
{
  gint64 at[SC_SESSION_STATE_CLOSED + 1];  /* ns when each state was first seen */
} Dial;

static void
on_dial_state (ScSession  *session,
               GParamSpec *pspec,
               Dial       *dial)
{
  ScSessionState state = sc_session_get_state (session);

  if (dial->at[state] == 0)
    dial->at[state] = sc_bench_now_ns ();
}

static gboolean
dial_settled (gpointer data)
{
  ScSessionState state = sc_session_get_state (data);

  return state == SC_SESSION_STATE_OPEN || state == SC_SESSION_STATE_CLOSED;
}

typedef struct
{
  Peer *server;
  Peer *client;
} Pair;

static gboolean
pair_idle (gpointer data)
{
  Pair *pair = data;

  return sc_user_agent_get_n_running (pair->server->agent) == 0
         && sc_user_agent_get_n_running (pair->client->agent) == 0;
}

/* Dials once, waits for OPEN, closes and waits until both agents are idle. */
static gboolean
dial_once (Pair        *pair,
           const char  *address,
           Dial        *dial,
           GError     **error)
{
  const char *user_id = sc_identity_get_user_id (pair->server->identity);
  g_autoptr(ScSession) session = NULL;
  gint64 start;

  memset (dial, 0, sizeof *dial);
  start = sc_bench_now_ns ();
  session = sc_user_agent_connect (pair->client->agent, user_id, address, NULL, error);
  if (session == NULL)
    return FALSE;
  dial->at[SC_SESSION_STATE_RESOLVING] = start;
  g_signal_connect (session, "notify::state", G_CALLBACK (on_dial_state), dial);

  spin_until (dial_settled, session, WAIT_MS, 0);
  g_signal_handlers_disconnect_by_data (session, dial);

  if (sc_session_get_state (session) != SC_SESSION_STATE_OPEN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the session did not open: %s (%s)",
                   sc_close_reason_to_string (sc_session_get_close_reason (session)),
                   sc_session_get_close_message (session) != NULL
                   ? sc_session_get_close_message (session) : "timed out");
      return FALSE;
    }

  sc_session_close (session);
  if (!spin_until (pair_idle, pair, WAIT_MS, 5))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "the sessions did not end after closing");
      return FALSE;
    }

  return TRUE;
}

static void
add_phase (GArray *samples,
           Dial   *dial,
           int     from,
           int     to)
{
  gint64 value;

  if (dial->at[from] == 0 || dial->at[to] == 0)
    return;
  value = dial->at[to] - dial->at[from];
  g_array_append_val (samples, value);
}

static int
run_handshake (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Peer) server = NULL;
  g_autoptr(Peer) client = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) connect = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) tls = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) hello = g_array_new (FALSE, FALSE, sizeof (gint64));
  Pair pair;
  GString *result;
  gint64 started;

  if (!open_pair (&server, &client, &address, &error))
    {
      sc_bench_print_error ("handshake: %s", error->message);
      return 1;
    }

  pair.server = server;
  pair.client = client;
  started = sc_bench_now_ns ();

  for (int i = 0; i < opt_warmup + opt_count; i++)
    {
      Dial dial;

      if (!dial_once (&pair, address, &dial, &error))
        {
          sc_bench_print_error ("handshake: dial %d: %s", i, error->message);
          return 1;
        }

      if (i < opt_warmup)
        continue;

      add_phase (total, &dial, SC_SESSION_STATE_RESOLVING, SC_SESSION_STATE_OPEN);
      add_phase (connect, &dial, SC_SESSION_STATE_RESOLVING, SC_SESSION_STATE_HANDSHAKING);
      add_phase (tls, &dial, SC_SESSION_STATE_HANDSHAKING, SC_SESSION_STATE_HELLO);
      add_phase (hello, &dial, SC_SESSION_STATE_HELLO, SC_SESSION_STATE_OPEN);
    }

  result = sc_bench_result_new ("agent-handshake");
  sc_bench_result_add_string (result, "address", address);
  sc_bench_result_add_samples (result, "", total);
  /* The phases as the owner context saw them: thread start and TCP connect;
   * TLS handshake, verification and the knock; hello and admission. */
  sc_bench_result_add_samples (result, "connect_", connect);
  sc_bench_result_add_samples (result, "tls_", tls);
  sc_bench_result_add_samples (result, "hello_", hello);
  sc_bench_result_add_double (result, "seconds", (sc_bench_now_ns () - started) / 1e9);
  sc_bench_result_print (result);

  return 0;
}

/* roundtrip */

/* The receipt may be seen before the store's answer to the send: the
 * session sends the message as soon as it is stored.  Both are waited for. */
typedef struct
{
  char     *expected_id;
  char     *delivered_id;
  gboolean  stored;
  gint64    at;
  GError   *error;
} Receipt;

static void
on_delivered (ScSession  *session,
              ScMessage  *message,
              Receipt    *receipt)
{
  if (message->state == SC_MESSAGE_DELIVERED)
    {
      receipt->at = sc_bench_now_ns ();
      g_free (receipt->delivered_id);
      receipt->delivered_id = g_strdup (message->id);
    }
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Receipt *receipt = user_data;
  g_autoptr(ScMessage) message = sc_messenger_send_finish (SC_MESSENGER (source), result,
                                                           &receipt->error);

  if (message != NULL)
    receipt->expected_id = g_strdup (message->id);
  receipt->stored = TRUE;
}

typedef struct
{
  gint64 at;          /* ns when the pong signal ran; 0: not yet */
  gint64 session_us;  /* the round trip the session thread measured */
} Pong;

static void
on_pong (ScSession *session,
         gint64     round_trip_us,
         Pong      *pong)
{
  pong->at = sc_bench_now_ns ();
  pong->session_us = round_trip_us;
}

/* Pings on the open session: each sample is timed on the main context
 * (sc_session_ping() → "pong") and, as the session thread timed it, from
 * writing the ping to reading the pong. */
static gboolean
measure_pings (ScSession  *session,
               GArray     *owner,
               GArray     *thread,
               gboolean   *timed_out,
               char      **failure)
{
  Pong pong = { 0 };

  g_signal_connect (session, "pong", G_CALLBACK (on_pong), &pong);
  for (int i = 0; i < opt_warmup + opt_count; i++)
    {
      gint64 sent = sc_bench_now_ns ();

      pong.at = 0;
      sc_session_ping (session);
      while (pong.at == 0 && !*timed_out)
        g_main_context_iteration (NULL, TRUE);

      if (pong.at == 0)
        {
          *failure = g_strdup_printf ("ping %d: no pong (%s)", i,
                                      sc_session_state_to_string (sc_session_get_state (session)));
          break;
        }
      if (i >= opt_warmup)
        {
          gint64 value = pong.at - sent;

          g_array_append_val (owner, value);
          value = pong.session_us * 1000;
          g_array_append_val (thread, value);
        }
    }
  g_signal_handlers_disconnect_by_data (session, &pong);

  return *failure == NULL;
}

static gboolean
receipt_received (Receipt *receipt)
{
  return receipt->expected_id != NULL && g_strcmp0 (receipt->expected_id, receipt->delivered_id) == 0;
}

static void
on_incoming_session (ScUserAgent *agent,
                     ScSession   *session,
                     ScSession  **incoming)
{
  g_set_object (incoming, session);
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static int
run_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Peer) server = NULL;
  g_autoptr(Peer) client = NULL;
  g_autoptr(ScSession) session = NULL;
  g_autoptr(ScSession) incoming = NULL;
  g_autofree char *address = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) pings = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) session_pings = g_array_new (FALSE, FALSE, sizeof (gint64));
  Receipt receipt = { 0 };
  g_autofree char *failure = NULL;
  gboolean timed_out = FALSE;
  gint64 budget_ms;
  guint timeout_id;
  GString *result;
  gint64 started;

  if (!open_pair (&server, &client, &address, &error))
    {
      sc_bench_print_error ("roundtrip: %s", error->message);
      return 1;
    }

  g_signal_connect (server->agent, "incoming-session", G_CALLBACK (on_incoming_session),
                    &incoming);
  session = sc_user_agent_connect (client->agent, sc_identity_get_user_id (server->identity),
                                   address, NULL, &error);
  if (session == NULL)
    {
      sc_bench_print_error ("roundtrip: %s", error->message);
      return 1;
    }

  spin_until (dial_settled, session, WAIT_MS, 0);
  spin_until (pointer_set, &incoming, WAIT_MS, 0);
  g_signal_handlers_disconnect_by_data (server->agent, &incoming);
  if (sc_session_get_state (session) != SC_SESSION_STATE_OPEN || incoming == NULL
      || sc_session_get_state (incoming) != SC_SESSION_STATE_OPEN)
    {
      sc_bench_print_error ("roundtrip: the session did not open: %s",
                            sc_session_get_close_message (session) != NULL
                            ? sc_session_get_close_message (session) : "timed out");
      return 1;
    }

  body = g_strnfill (MAX (opt_size, 1), 'x');
  memcpy (body, "benchmark ", MIN (strlen ("benchmark "), strlen (body)));
  g_signal_connect (session, "message-changed", G_CALLBACK (on_delivered), &receipt);
  /* One deadline for the whole run rather than a timeout source per
   * message, which would add its own cost to every round trip. */
  budget_ms = (gint64) WAIT_MS + (gint64) (opt_warmup + opt_count) * 100;
  timeout_id = g_timeout_add ((guint) MIN (budget_ms, G_MAXUINT), on_timeout, &timed_out);
  started = sc_bench_now_ns ();

  for (int i = 0; i < opt_warmup + opt_count && failure == NULL; i++)
    {
      gint64 sent;

      sent = sc_bench_now_ns ();
      g_clear_pointer (&receipt.expected_id, g_free);
  g_clear_pointer (&receipt.delivered_id, g_free);
  g_clear_error (&receipt.error);
      receipt.stored = FALSE;
      sc_messenger_send_async (sc_user_agent_get_messenger (client->agent),
                               sc_identity_get_user_id (server->identity), body, NULL,
                               on_stored, &receipt);
      while (!receipt.stored && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (receipt.error != NULL)
        {
          failure = g_strdup_printf ("message %d: %s", i, receipt.error->message);
          break;
        }

      while (!receipt_received (&receipt) && !timed_out)
        g_main_context_iteration (NULL, TRUE);

      if (!receipt_received (&receipt))
        failure = g_strdup_printf ("message %d: no receipt (%s)", i,
                                   sc_session_state_to_string (sc_session_get_state (session)));
      else if (i >= opt_warmup)
        {
          gint64 value = receipt.at - sent;

          g_array_append_val (samples, value);
        }
    }

  g_signal_handlers_disconnect_by_data (session, &receipt);
  g_clear_pointer (&receipt.expected_id, g_free);

  if (failure == NULL)
    measure_pings (session, pings, session_pings, &timed_out, &failure);
  if (!timed_out)
    g_source_remove (timeout_id);

  if (failure != NULL)
    {
      sc_bench_print_error ("roundtrip: %s", failure);
      return 1;
    }

  result = sc_bench_result_new ("agent-roundtrip");
  sc_bench_result_add_string (result, "address", address);
  sc_bench_result_add_int (result, "size", strlen (body));
  sc_bench_result_add_samples (result, "", samples);
  sc_bench_result_add_samples (result, "ping_", pings);
  sc_bench_result_add_samples (result, "ping_thread_", session_pings);
  sc_bench_result_add_double (result, "seconds", (sc_bench_now_ns () - started) / 1e9);
  sc_bench_result_print (result);

  sc_session_close (session);
  return 0;
}

/* flood */

typedef struct
{
  guint  dialled;
  guint  open;
  guint  closed;
  char  *first_failure;
} Flood;

static void
on_flood_state (ScSession  *session,
                GParamSpec *pspec,
                Flood      *flood)
{
  ScSessionState state = sc_session_get_state (session);

  if (state == SC_SESSION_STATE_OPEN)
    flood->open++;
  else if (state == SC_SESSION_STATE_CLOSED)
    {
      flood->closed++;
      if (flood->first_failure == NULL)
        flood->first_failure =
          g_strdup_printf ("%s: %s",
                           sc_close_reason_to_string (sc_session_get_close_reason (session)),
                           sc_session_get_close_message (session));
    }
}

static gboolean
flood_settled (gpointer data)
{
  Flood *flood = data;

  /* A session that opened and then closed counts twice: compare loosely. */
  return flood->open + flood->closed >= flood->dialled;
}

static gboolean
on_stdin (int           fd,
          GIOCondition  condition,
          gpointer      data)
{
  char buffer[256];
  ssize_t n = read (fd, buffer, sizeof buffer);

  if (n > 0)
    return G_SOURCE_CONTINUE;

  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;

  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gint64
read_vmrss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}

static int
run_flood (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Peer) client = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  Flood flood = { 0 };
  gboolean stdin_closed = FALSE;
  guint64 nofile = sc_bench_raise_file_limit ();
  gint64 started = sc_bench_now_ns ();
  gint64 deadline = started + (gint64) opt_timeout_s * G_GINT64_CONSTANT (1000000000);
  guint stdin_id;
  GString *result;

  if (opt_profile == NULL || opt_user == NULL || opt_address == NULL)
    {
      sc_bench_print_error ("flood: --profile, --user and --address are required");
      return 2;
    }

  client = peer_open (opt_profile, &error);
  if (client == NULL)
    {
      sc_bench_print_error ("flood: %s", error->message);
      return 1;
    }
  sc_user_agent_set_limits (client->agent, opt_count + 16, 64);

  while (flood.dialled < (guint) opt_count && flood.closed == 0)
    {
      guint batch = MIN ((guint) MAX (opt_batch, 1), (guint) opt_count - flood.dialled);
      gint64 left_ms = (deadline - sc_bench_now_ns ()) / 1000000;

      if (left_ms <= 0)
        break;

      for (guint i = 0; i < batch; i++)
        {
          ScSession *session = sc_user_agent_connect (client->agent, opt_user, opt_address,
                                                      NULL, &error);

          if (session == NULL)
            {
              sc_bench_print_error ("flood: session %u: %s", flood.dialled, error->message);
              return 1;
            }

          g_signal_connect (session, "notify::state", G_CALLBACK (on_flood_state), &flood);
          g_ptr_array_add (sessions, session);
          flood.dialled++;
        }

      spin_until (flood_settled, &flood, (guint) left_ms, 0);
    }

  result = sc_bench_result_new ("flood");
  sc_bench_result_add_int (result, "dialled", flood.dialled);
  sc_bench_result_add_int (result, "open", flood.open);
  sc_bench_result_add_int (result, "failed", flood.closed);
  sc_bench_result_add_double (result, "seconds", (sc_bench_now_ns () - started) / 1e9);
  sc_bench_result_add_int (result, "client_rss_kib", read_vmrss_kib ());
  sc_bench_result_add_int (result, "nofile", (gint64) nofile);
  if (flood.first_failure != NULL)
    {
      g_strdelimit (flood.first_failure, "\"\\", '\'');
      sc_bench_result_add_string (result, "first_failure", flood.first_failure);
    }
  sc_bench_result_print (result);

  /* Hold the sessions until bench/run has measured the listener. */
  stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &stdin_closed);
  if (!spin_until (flag_set, &stdin_closed, (guint) opt_timeout_s * 1000, 0))
    g_source_remove (stdin_id);

  for (guint i = 0; i < sessions->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (sessions, i), &flood);
  g_free (flood.first_failure);

  return 0;
}

/* throughput */

typedef struct
{
  guint   stored;
  guint   delivered;
  GError *error;
} Throughput;

static void
on_throughput_stored (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Throughput *throughput = user_data;
  g_autoptr(ScMessage) message = sc_messenger_send_finish (SC_MESSENGER (source), result,
                                                           throughput->error == NULL
                                                           ? &throughput->error : NULL);

  if (message != NULL)
    throughput->stored++;
}

static void
on_throughput_changed (ScSession  *session,
                       ScMessage  *message,
                       Throughput *throughput)
{
  if (message->state == SC_MESSAGE_DELIVERED)
    throughput->delivered++;
}

static gboolean
all_delivered (gpointer data)
{
  Throughput *throughput = data;

  return throughput->error != NULL || throughput->delivered >= (guint) opt_count;
}

static int
run_throughput (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Peer) server = NULL;
  g_autoptr(Peer) client = NULL;
  g_autoptr(ScSession) session = NULL;
  g_autofree char *address = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GArray) seqs = NULL;
  Throughput throughput = { 0 };
  const char *server_user;
  gint64 started, stored_at;
  double seconds;
  GString *result;

  if (!open_pair (&server, &client, &address, &error))
    {
      sc_bench_print_error ("throughput: %s", error->message);
      return 1;
    }

  server_user = sc_identity_get_user_id (server->identity);
  session = sc_user_agent_connect (client->agent, server_user, address, NULL, &error);
  if (session == NULL)
    {
      sc_bench_print_error ("throughput: %s", error->message);
      return 1;
    }
  spin_until (dial_settled, session, WAIT_MS, 0);
  if (sc_session_get_state (session) != SC_SESSION_STATE_OPEN)
    {
      sc_bench_print_error ("throughput: the session did not open");
      return 1;
    }

  body = g_strnfill (MAX (opt_size, 1), 'x');
  g_signal_connect (session, "message-changed", G_CALLBACK (on_throughput_changed), &throughput);
  started = sc_bench_now_ns ();
  for (int i = 0; i < opt_count; i++)
    sc_messenger_send_async (sc_user_agent_get_messenger (client->agent), server_user, body,
                             NULL, on_throughput_stored, &throughput);
  spin_until (all_delivered, &throughput, opt_timeout_s * 1000, 100);
  seconds = (sc_bench_now_ns () - started) / 1e9;
  stored_at = throughput.stored;
  g_signal_handlers_disconnect_by_data (session, &throughput);

  if (throughput.error != NULL || throughput.delivered < (guint) opt_count)
    {
      sc_bench_print_error ("throughput: %u of %d delivered: %s", throughput.delivered,
                            opt_count, throughput.error != NULL ? throughput.error->message
                                                                : "timed out");
      g_clear_error (&throughput.error);
      return 1;
    }

  seqs = sc_store_list_message_seqs (server->store,
                                     sc_identity_get_user_id (client->identity), &error);
  if (seqs == NULL)
    {
      sc_bench_print_error ("throughput: %s", error->message);
      return 1;
    }

  result = sc_bench_result_new ("agent-throughput");
  sc_bench_result_add_int (result, "messages", opt_count);
  sc_bench_result_add_int (result, "stored", stored_at);
  sc_bench_result_add_int (result, "received", seqs->len);
  sc_bench_result_add_int (result, "size", strlen (body));
  sc_bench_result_add_double (result, "seconds", seconds);
  sc_bench_result_add_double (result, "per_second", opt_count / seconds);
  sc_bench_result_print (result);

  sc_session_close (session);
  return 0;
}

/* history */

static int
run_history (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GPtrArray) page = NULL;
  const char *peer = opt_user != NULL ? opt_user : "peer@example.org";
  g_autofree char *body = g_strnfill (MAX (opt_size, 1), 'x');
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 fill_started, started, listed, loaded, filled;
  GString *result;

  if (opt_profile == NULL)
    {
      sc_bench_print_error ("history: --profile is required");
      return 2;
    }

  fill_started = sc_bench_now_ns ();
  store = sc_profile_open_store (opt_profile, &error);
  for (int done = 0; store != NULL && done < opt_count; done += opt_batch)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);

      for (int i = done; i < MIN (done + opt_batch, opt_count); i++)
        {
          ScMessage *message = sc_message_new ();

          message->id = g_uuid_string_random ();
          message->time = now_ms - opt_count + i;
          message->body = g_strdup (body);
          g_ptr_array_add (batch, message);
        }
      if (!sc_store_receive_messages (store, peer, NULL, batch, NULL, &error))
        break;
    }
  if (error != NULL)
    {
      sc_bench_print_error ("history: %s", error->message);
      return 1;
    }
  filled = sc_bench_now_ns ();
  g_clear_object (&store);

  started = sc_bench_now_ns ();
  store = sc_profile_open_store (opt_profile, &error);
  if (store != NULL)
    seqs = sc_store_list_message_seqs (store, peer, &error);
  listed = sc_bench_now_ns ();
  if (seqs != NULL && seqs->len > 0)
    page = sc_store_list_messages (store, peer,
                                   g_array_index (seqs, gint64, seqs->len - MIN (seqs->len, 100)),
                                   g_array_index (seqs, gint64, seqs->len - 1), &error);
  loaded = sc_bench_now_ns ();
  if (page == NULL)
    {
      sc_bench_print_error ("history: %s", error != NULL ? error->message : "no messages");
      return 1;
    }

  result = sc_bench_result_new ("history-open");
  sc_bench_result_add_int (result, "messages", seqs->len);
  sc_bench_result_add_int (result, "page", page->len);
  sc_bench_result_add_double (result, "fill_seconds", (filled - fill_started) / 1e9);
  sc_bench_result_add_double (result, "open_and_list_ms", (listed - started) / 1e6);
  sc_bench_result_add_double (result, "last_page_ms", (loaded - listed) / 1e6);
  sc_bench_result_add_double (result, "total_ms", (loaded - started) / 1e6);
  sc_bench_result_print (result);

  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  const char *command;

  options = g_option_context_new ("profiles|handshake|roundtrip|flood|throughput|history - SixChat benchmark");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      sc_bench_print_error ("%s", error->message);
      return 2;
    }

  if (argc < 2)
    {
      sc_bench_print_error ("a command is required: profiles, handshake, roundtrip, flood, throughput or history");
      return 2;
    }

  command = argv[1];
  if (g_str_equal (command, "profiles"))
    return run_profiles (argc - 1, argv + 1);
  if (g_str_equal (command, "handshake"))
    return run_handshake ();
  if (g_str_equal (command, "roundtrip"))
    return run_roundtrip ();
  if (g_str_equal (command, "flood"))
    return run_flood ();
  if (g_str_equal (command, "throughput"))
    return run_throughput ();
  if (g_str_equal (command, "history"))
    return run_history ();

  sc_bench_print_error ("unknown command “%s”", command);
  return 2;
}
