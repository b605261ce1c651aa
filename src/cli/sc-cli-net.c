/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "sc-address.h"
#include "sc-cli-private.h"
#include "sc-identity.h"
#include "sc-profile.h"
#include "sc-protocol.h"
#include "sc-reachability.h"
#include "sc-user-agent.h"

/* Both commands print one JSON object per line on stdout for every event. */

static JsonBuilder *
begin_event (const char *name,
             ScSession  *session)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, name);
  if (session != NULL)
    {
      json_builder_set_member_name (builder, "session");
      json_builder_add_int_value (builder, (gint64) sc_session_get_id (session));
    }

  return builder;
}

static void
end_event (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  sc_cli_print_json (builder);
  g_object_unref (builder);
}

static void
print_session (const char *name,
               ScSession  *session)
{
  JsonBuilder *builder = begin_event (name, session);
  ScPeerCertificate *certificate = sc_session_get_peer_certificate (session);
  const ScTrustDecision *decision = sc_session_get_decision (session);

  sc_cli_json_add_string (builder, "direction", sc_session_is_incoming (session) ? "incoming" : "outgoing");
  sc_cli_json_add_string (builder, "address", sc_session_get_remote_address (session));
  sc_cli_json_add_string (builder, "state", sc_session_state_to_string (sc_session_get_state (session)));
  if (certificate != NULL)
    {
      sc_cli_json_add_string (builder, "user", sc_peer_certificate_get_user_id (certificate));
      sc_cli_json_add_string (builder, "name", sc_peer_certificate_get_name (certificate));
      sc_cli_json_add_string (builder, "fingerprint", sc_peer_certificate_get_fingerprint (certificate));
      sc_cli_json_add_string (builder, "issuer", sc_peer_certificate_get_issuer_name (certificate));
      json_builder_set_member_name (builder, "not_before");
      json_builder_add_int_value (builder, sc_peer_certificate_get_not_before (certificate));
      json_builder_set_member_name (builder, "not_after");
      json_builder_add_int_value (builder, sc_peer_certificate_get_not_after (certificate));
    }
  if (decision != NULL)
    {
      sc_cli_json_add_string (builder, "verdict", sc_verdict_to_string (decision->verdict));
      sc_cli_json_add_string (builder, "reason", sc_reason_to_string (decision->reason));
      sc_cli_json_add_string (builder, "detail", decision->detail);
      json_builder_set_member_name (builder, "verified");
      json_builder_add_boolean_value (builder, decision->verified);
      sc_cli_json_add_string (builder, "trusted_issuer", decision->issuer_name);
    }
  if (sc_session_get_greeting (session) != NULL)
    sc_cli_json_add_string (builder, "greeting", sc_session_get_greeting (session));
  if (sc_session_get_request_id (session) > 0)
    {
      json_builder_set_member_name (builder, "request");
      json_builder_add_int_value (builder, sc_session_get_request_id (session));
    }
  end_event (builder);
}

static void
on_knock (ScUserAgent   *agent,
          const ScKnock *knock,
          gpointer       user_data)
{
  JsonBuilder *builder = begin_event ("knock", NULL);

  sc_cli_json_add_knock (builder, knock);
  end_event (builder);
}

static void
on_message (ScSession  *session,
            ScMessage  *message,
            gpointer    user_data)
{
  JsonBuilder *builder = begin_event ("message", session);

  sc_cli_json_add_string (builder, "user", sc_session_get_peer_user_id (session));
  sc_cli_json_add_string (builder, "id", message->id);
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, message->time);
  sc_cli_json_add_string (builder, "body", message->body);
  end_event (builder);
}

/* Our messages: "receipt" once the peer stored one, "refused" when it will not. */
static void
on_message_changed (ScSession  *session,
                    ScMessage  *message,
                    gpointer    user_data)
{
  JsonBuilder *builder;

  if (message->state != SC_MESSAGE_DELIVERED && message->state != SC_MESSAGE_FAILED)
    return;

  builder = begin_event (message->state == SC_MESSAGE_DELIVERED ? "receipt" : "refused", session);
  sc_cli_json_add_string (builder, "id", message->id);
  if (message->error != NULL)
    sc_cli_json_add_string (builder, "detail", message->error);
  end_event (builder);
}

static void
on_store_failed (ScSession  *session,
                 const char *message,
                 gpointer    user_data)
{
  JsonBuilder *builder = begin_event ("store-failed", session);

  sc_cli_json_add_string (builder, "detail", message);
  end_event (builder);
  g_printerr ("sixchat-cli: %s\n", message);
}

static void
on_typing (ScSession  *session,
           GParamSpec *pspec,
           gpointer    user_data)
{
  JsonBuilder *builder = begin_event ("typing", session);

  sc_cli_json_add_string (builder, "state", sc_typing_state_to_string (sc_session_get_peer_typing (session)));
  end_event (builder);
}

static void
on_closed (ScSession     *session,
           ScCloseReason  reason,
           const char    *message,
           gpointer       user_data)
{
  JsonBuilder *builder = begin_event ("closed", session);

  sc_cli_json_add_string (builder, "user", sc_session_get_peer_user_id (session));
  sc_cli_json_add_string (builder, "reason", sc_close_reason_to_string (reason));
  sc_cli_json_add_string (builder, "detail", message);
  end_event (builder);
}

static void
watch_session (ScSession *session)
{
  g_signal_connect (session, "message-received", G_CALLBACK (on_message), NULL);
  g_signal_connect (session, "message-changed", G_CALLBACK (on_message_changed), NULL);
  g_signal_connect (session, "store-failed", G_CALLBACK (on_store_failed), NULL);
  g_signal_connect (session, "notify::peer-typing", G_CALLBACK (on_typing), NULL);
  g_signal_connect (session, "closed", G_CALLBACK (on_closed), NULL);
}

/* Common set-up */

static void
raise_file_limit (void)
{
  struct rlimit limit;

  /* One descriptor per session plus its wake-up: lift the soft limit. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static ScUserAgent *
open_agent (const char  *profile_dir,
            GError     **error)
{
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) local_error = NULL;

  identity = sc_identity_load (profile_dir, &local_error);
  if (identity == NULL)
    {
      if (g_error_matches (local_error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_NOT_FOUND))
        g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_NOT_FOUND,
                     "No identity in profile %s; create one with "
                     "`sixchat-cli identity new --name NAME --user USERID`", profile_dir);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  store = sc_profile_open_store (profile_dir, error);
  if (store == NULL)
    return NULL;

  raise_file_limit ();

  return sc_user_agent_new (identity, store, error);
}

static gboolean
parse_uint_option (const char  *name,
                   const char  *text,
                   guint64      min,
                   guint64      max,
                   guint64     *value)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, value, &error))
    {
      g_printerr ("sixchat-cli: --%s: %s\n", name, error->message);
      return FALSE;
    }

  return TRUE;
}

/* listen */

/* "reachable": the addresses others can use, best first, and "hint": a
 * sentence when none of them reaches beyond this network, else null. */
static void
add_reachability (JsonBuilder *builder,
                  ScUserAgent *agent)
{
  g_autofree char *host = NULL;
  g_autoptr(GPtrArray) reachable = NULL;
  g_autofree char *hint = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = 0;

  if (sc_address_parse (sc_user_agent_get_listen_address (agent), 0, &host, &port, &error))
    reachable = sc_reachability_list (host, port, &error);
  if (reachable != NULL)
    hint = sc_reachability_hint (reachable);
  else
    g_printerr ("sixchat-cli: cannot list the addresses others can reach: %s\n", error->message);

  json_builder_set_member_name (builder, "reachable");
  json_builder_begin_array (builder);
  for (guint i = 0; reachable != NULL && i < reachable->len; i++)
    {
      const ScReachableAddress *address = reachable->pdata[i];

      json_builder_begin_object (builder);
      sc_cli_json_add_string (builder, "address", address->address);
      sc_cli_json_add_string (builder, "scope", sc_address_scope_to_string (address->scope));
      sc_cli_json_add_string (builder, "interface", address->interface);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  sc_cli_json_add_string (builder, "hint", hint);
}

typedef struct
{
  GMainLoop   *loop;
  ScUserAgent *agent;
  gboolean     stopping;
} ListenState;

static void
on_session_started (ScUserAgent *agent,
                    ScSession   *session,
                    gpointer     user_data)
{
  watch_session (session);
}

static void
on_session_state (ScSession  *session,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  ScSessionState state = sc_session_get_state (session);

  /* An incoming request that was accepted opens later. */
  if (state == SC_SESSION_STATE_OPEN && sc_session_get_request_id (session) > 0)
    print_session ("accepted", session);
}

static void
on_incoming_session (ScUserAgent *agent,
                     ScSession   *session,
                     gpointer     user_data)
{
  print_session (sc_session_get_state (session) == SC_SESSION_STATE_PENDING ? "request" : "session",
                 session);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_session_state), NULL);
}

static gboolean
check_stopped (gpointer data)
{
  ListenState *state = data;

  if (sc_user_agent_get_n_running (state->agent) > 0)
    return G_SOURCE_CONTINUE;

  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_signal (gpointer data)
{
  ListenState *state = data;

  if (state->stopping)
    {
      g_main_loop_quit (state->loop);
      return G_SOURCE_CONTINUE;
    }

  state->stopping = TRUE;
  sc_user_agent_shutdown (state->agent);
  g_timeout_add (20, check_stopped, state);
  /* Whatever still lingers after two seconds is cut off. */
  g_timeout_add_once (2000, (GSourceOnceFunc) g_main_loop_quit, state->loop);

  return G_SOURCE_CONTINUE;
}

int
sc_cli_listen (const char  *profile_dir,
               int          argc,
               char       **argv)
{
  g_autofree char *address = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *max_sessions_text = NULL;
  g_autofree char *max_handshakes_text = NULL;
  g_autofree char *timeout_text = NULL;
  GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, "Address to listen on (default ::, IPv6 and IPv4)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_STRING, &port_text, "TCP port (default 4605; 0 picks a free one)", "N" },
    { "max-sessions", 0, 0, G_OPTION_ARG_STRING, &max_sessions_text, "Most sessions at once (default 1024)", "N" },
    { "max-handshakes", 0, 0, G_OPTION_ARG_STRING, &max_handshakes_text, "Most unfinished handshakes at once (default 64)", "N" },
    { "handshake-timeout", 0, 0, G_OPTION_ARG_STRING, &timeout_text, "Milliseconds a caller has for handshake and hello (default 10000)", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- accept PeerTLS sessions until SIGINT/SIGTERM");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScUserAgent) agent = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint64 port = SC_PROTOCOL_DEFAULT_PORT;
  guint64 max_sessions = 1024;
  guint64 max_handshakes = 64;
  guint64 timeout_ms = 10000;
  ListenState state = { 0 };
  JsonBuilder *builder;

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options,
                                "Prints one JSON object per line for every event: listening, knock,\n"
                                "session, request, accepted, message, receipt, typing, closed.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("sixchat-cli listen: %s\n", error->message);
      return SC_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr ("sixchat-cli listen: unexpected argument “%s”\n", argv[1]);
      return SC_EXIT_USAGE;
    }
  if (!parse_uint_option ("port", port_text, 0, 65535, &port)
      || !parse_uint_option ("max-sessions", max_sessions_text, 1, 1000000, &max_sessions)
      || !parse_uint_option ("max-handshakes", max_handshakes_text, 1, 100000, &max_handshakes)
      || !parse_uint_option ("handshake-timeout", timeout_text, 1, 3600000, &timeout_ms))
    return SC_EXIT_USAGE;

  agent = open_agent (profile_dir, &error);
  if (agent == NULL)
    {
      g_printerr ("sixchat-cli: %s\n", error->message);
      return SC_EXIT_FAILURE;
    }

  sc_user_agent_set_listen_address (agent, address);
  sc_user_agent_set_port (agent, (guint16) port);
  sc_user_agent_set_limits (agent, (guint) max_sessions, (guint) max_handshakes);
  sc_user_agent_set_timeouts (agent, (guint) timeout_ms, 10000);
  g_signal_connect (agent, "knock", G_CALLBACK (on_knock), NULL);
  g_signal_connect (agent, "session-started", G_CALLBACK (on_session_started), NULL);
  g_signal_connect (agent, "incoming-session", G_CALLBACK (on_incoming_session), NULL);

  if (!sc_user_agent_listen (agent, &error))
    {
      g_printerr ("sixchat-cli: %s\n", error->message);
      return SC_EXIT_FAILURE;
    }

  builder = begin_event ("listening", NULL);
  sc_cli_json_add_string (builder, "address", sc_user_agent_get_listen_address (agent));
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, sc_user_agent_get_port (agent));
  sc_cli_json_add_string (builder, "user", sc_identity_get_user_id (sc_user_agent_get_identity (agent)));
  sc_cli_json_add_string (builder, "fingerprint", sc_identity_get_fingerprint (sc_user_agent_get_identity (agent)));
  add_reachability (builder, agent);
  end_event (builder);

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.agent = agent;
  g_unix_signal_add (SIGINT, on_stop_signal, &state);
  g_unix_signal_add (SIGTERM, on_stop_signal, &state);
  g_main_loop_run (loop);

  return SC_EXIT_OK;
}

/* chat */

typedef struct
{
  GMainLoop        *loop;
  ScMessenger      *messenger;
  ScSession        *session;
  char             *peer;
  GDataInputStream *input;
  GCancellable     *cancellable;
  GHashTable       *unacknowledged;  /* message ids */
  gboolean          input_done;
  gboolean          closed;
  guint             queued;          /* stored after the session closed */
  int               exit_code;
} ChatState;

static int
exit_code_for (ScCloseReason reason)
{
  switch (reason)
    {
    case SC_CLOSE_REFUSED: return SC_EXIT_REFUSED;
    case SC_CLOSE_UNREACHABLE: return SC_EXIT_UNREACHABLE;
    case SC_CLOSE_TIMEOUT: return SC_EXIT_TIMEOUT;
    case SC_CLOSE_TLS_ERROR: return SC_EXIT_TLS;
    case SC_CLOSE_REJECTED: return SC_EXIT_CERTIFICATE;
    case SC_CLOSE_WRONG_PEER: return SC_EXIT_WRONG_PEER;
    case SC_CLOSE_DECLINED: return SC_EXIT_DECLINED;
    default: return SC_EXIT_FAILURE;
    }
}

/* Ends the chat once standard input is done: after every message was
 * acknowledged on an open session, or at once when the session closed
 * (what is unacknowledged stays in the outbox for the next session). */
static void
maybe_finish (ChatState *state)
{
  if (!state->input_done)
    return;

  if (state->closed)
    g_main_loop_quit (state->loop);
  else if (g_hash_table_size (state->unacknowledged) == 0
           && sc_session_get_state (state->session) == SC_SESSION_STATE_OPEN)
    sc_session_close (state->session);
}

static void read_next_line (ChatState *state);

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ChatState *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScMessage) message = sc_messenger_send_finish (SC_MESSENGER (source), result, &error);

  if (message == NULL)
    {
      g_printerr ("sixchat-cli: message not sent: %s\n", error->message);
      if (!g_error_matches (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID))
        state->exit_code = SC_EXIT_FAILURE;
    }

  /* One line at a time: the history keeps them in the order typed. */
  read_next_line (state);
}

/* Told before the write's callback, and always before its receipt: the
 * receipt of a fast peer may come before on_stored() runs. */
static void
on_chat_message_added (ScMessenger *messenger,
                       ScMessage   *message,
                       ChatState   *state)
{
  JsonBuilder *builder;

  if (!message->outgoing || !sc_user_id_equal (message->peer, state->peer))
    return;

  /* "sent": stored, and on its way as soon as a session with the peer
   * is open; "queued": stored while none is. */
  builder = begin_event (state->closed ? "queued" : "sent", state->closed ? NULL : state->session);
  sc_cli_json_add_string (builder, "id", message->id);
  sc_cli_json_add_string (builder, "body", message->body);
  end_event (builder);
  if (state->closed)
    state->queued++;
  else
    g_hash_table_add (state->unacknowledged, g_strdup (message->id));
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ChatState *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                    &length, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL || line == NULL)
    {
      if (error != NULL)
        g_printerr ("sixchat-cli: cannot read standard input: %s\n", error->message);
      state->input_done = TRUE;
      maybe_finish (state);
      return;
    }

  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';

  if (length == 0)
    {
      read_next_line (state);
      return;
    }

  sc_messenger_send_async (state->messenger, state->peer, line, NULL, on_stored, state);
}

static void
read_next_line (ChatState *state)
{
  g_data_input_stream_read_line_async (state->input, G_PRIORITY_DEFAULT,
                                       state->cancellable, on_line, state);
}

static void
on_chat_message_changed (ScSession  *session,
                         ScMessage  *message,
                         ChatState  *state)
{
  if (message->state == SC_MESSAGE_DELIVERED || message->state == SC_MESSAGE_FAILED)
    g_hash_table_remove (state->unacknowledged, message->id);
  maybe_finish (state);
}

static void
on_chat_state (ScSession  *session,
               GParamSpec *pspec,
               ChatState  *state)
{
  ScSessionState session_state = sc_session_get_state (session);
  JsonBuilder *builder;

  if (session_state == SC_SESSION_STATE_CLOSED)
    return;

  if (session_state == SC_SESSION_STATE_HELLO)
    print_session ("session", session);

  builder = begin_event ("state", session);
  sc_cli_json_add_string (builder, "state", sc_session_state_to_string (session_state));
  sc_cli_json_add_string (builder, "address", sc_session_get_remote_address (session));
  end_event (builder);

  maybe_finish (state);
}

static void
on_chat_closed (ScSession     *session,
                ScCloseReason  reason,
                const char    *message,
                ChatState     *state)
{
  guint unacknowledged = g_hash_table_size (state->unacknowledged);

  if (reason == SC_CLOSE_LOCAL && unacknowledged == 0)
    state->exit_code = SC_EXIT_OK;
  else if (reason == SC_CLOSE_PEER_BYE || reason == SC_CLOSE_PEER_GONE
           || reason == SC_CLOSE_LOCAL)
    state->exit_code = unacknowledged > 0 || !state->input_done
                       ? SC_EXIT_UNACKNOWLEDGED : SC_EXIT_OK;
  else
    state->exit_code = exit_code_for (reason);

  if (state->exit_code != SC_EXIT_OK && message != NULL)
    g_printerr ("sixchat-cli: %s\n", message);
  if (unacknowledged > 0)
    g_printerr ("sixchat-cli: %u message(s) were not acknowledged; they stay in the outbox "
                "and go out the next time a session with %s opens\n",
                unacknowledged, state->peer);
  if (!state->input_done)
    g_printerr ("sixchat-cli: the rest of standard input is queued for %s\n", state->peer);

  state->closed = TRUE;
  maybe_finish (state);
}

static gboolean
on_chat_interrupt (gpointer data)
{
  ChatState *state = data;

  /* Stop reading; what was stored stays queued. */
  state->input_done = TRUE;
  g_cancellable_cancel (state->cancellable);
  if (state->closed)
    g_main_loop_quit (state->loop);
  else
    sc_session_close (state->session);
  return G_SOURCE_CONTINUE;
}

int
sc_cli_chat (const char  *profile_dir,
             int          argc,
             char       **argv)
{
  g_autofree char *address = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *timeout_text = NULL;
  GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, "Where the peer listens: [ADDR]:PORT, ADDR or HOST[:PORT]", "ADDR[:PORT]" },
    { "greeting", 0, 0, G_OPTION_ARG_STRING, &greeting, "A short greeting for a contact request (≤ 500 bytes)", "TEXT" },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &timeout_text, "Seconds for connect and for handshake + hello (default 10)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("USERID - send each line of standard input as a message");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScUserAgent) agent = NULL;
  g_autoptr(ScSession) session = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GHashTable) unacknowledged = NULL;
  guint64 timeout_s = 10;
  ChatState state = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options,
                                "Every line is stored in the history first. Lines the peer did not acknowledge,\n"
                                "because it could not be reached or the session closed, stay queued and go out\n"
                                "the next time a session with USERID opens (chat, listen or the app).\n"
                                "Exits 0 once standard input has ended and every message was acknowledged.\n"
                                "Exit codes: 4 refused, 5 unreachable, 6 timed out, 7 TLS failed or the peer\n"
                                "refused our certificate, 8 we rejected the peer's certificate, 9 the peer is\n"
                                "not USERID, 10 contact request declined, 11 closed before every message was\n"
                                "acknowledged, 1 other errors, 2 usage.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("sixchat-cli chat: %s\n", error->message);
      return SC_EXIT_USAGE;
    }
  if (argc != 2 || address == NULL)
    {
      g_printerr ("sixchat-cli chat: usage: sixchat-cli chat USERID --address ADDR[:PORT]\n");
      return SC_EXIT_USAGE;
    }
  if (!parse_uint_option ("timeout", timeout_text, 1, 3600, &timeout_s))
    return SC_EXIT_USAGE;

  agent = open_agent (profile_dir, &error);
  if (agent == NULL)
    {
      g_printerr ("sixchat-cli: %s\n", error->message);
      return SC_EXIT_FAILURE;
    }
  sc_user_agent_set_timeouts (agent, (guint) timeout_s * 1000, (guint) timeout_s * 1000);
  g_signal_connect (agent, "knock", G_CALLBACK (on_knock), NULL);

  session = sc_user_agent_connect (agent, argv[1], address, greeting, &error);
  if (session == NULL)
    {
      g_printerr ("sixchat-cli: %s\n", error->message);
      return SC_EXIT_USAGE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  unacknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stdin_stream = g_unix_input_stream_new (0, FALSE);
  input = g_data_input_stream_new (stdin_stream);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (input), SC_PROTOCOL_MAX_LINE);

  state.loop = loop;
  state.messenger = sc_user_agent_get_messenger (agent);
  state.peer = argv[1];
  state.session = session;
  state.input = input;
  state.cancellable = cancellable;
  state.unacknowledged = unacknowledged;
  state.exit_code = SC_EXIT_FAILURE;

  watch_session (session);
  g_signal_connect (state.messenger, "message-added", G_CALLBACK (on_chat_message_added), &state);
  g_signal_connect (session, "message-changed", G_CALLBACK (on_chat_message_changed), &state);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_chat_state), &state);
  g_signal_connect (session, "closed", G_CALLBACK (on_chat_closed), &state);
  g_unix_signal_add (SIGINT, on_chat_interrupt, &state);
  g_unix_signal_add (SIGTERM, on_chat_interrupt, &state);

  read_next_line (&state);
  g_main_loop_run (loop);
  g_cancellable_cancel (cancellable);

  if (state.queued > 0)
    g_printerr ("sixchat-cli: %u message(s) queued for %s; they go out the next time "
                "a session with %s opens\n", state.queued, state.peer, state.peer);

  /* Let the session thread deliver our bye before the process ends. */
  while (sc_user_agent_get_n_running (agent) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (state.messenger, &state);

  return state.exit_code;
}
