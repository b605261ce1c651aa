/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sc-address.h"
#include "sc-agent-context.h"
#include "sc-messenger-private.h"
#include "sc-protocol.h"
#include "sc-session-private.h"
#include "sc-user-agent.h"

/* How long accepting pauses after an error such as running out of file
 * descriptors, rather than spinning on a socket that stays readable. */
#define ACCEPT_PAUSE_MS 100

/* Accepting runs in a thread of its own, so that a caller's handshake starts
 * on a session thread at once, whatever the owner context is busy with. */
typedef struct
{
  gatomicrefcount   ref_count;  /* the agent's and one per session on its way to the owner */
  ScUserAgent      *agent;      /* owner context only; NULL once stopped */
  ScAgentContext   *context;
  GSocket          *socket;
  int               stop_fd;
  GThread          *thread;
} Listener;

struct _ScUserAgent
{
  GObject           parent_instance;

  ScIdentity       *identity;
  ScStore          *store;
  ScAgentContext   *context;
  ScMessenger      *messenger;
  Listener         *listener;
  GListStore       *sessions;
  GCancellable     *cancellable;

  char             *listen_address;
  guint16           port;
  char             *bound_address;
};

G_DEFINE_FINAL_TYPE (ScUserAgent, sc_user_agent, G_TYPE_OBJECT)

enum {
  SESSION_STARTED,
  INCOMING_SESSION,
  KNOCK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

ScUserAgent *
sc_user_agent_new (ScIdentity  *identity,
                   ScStore     *store,
                   GError     **error)
{
  g_autoptr(ScUserAgent) self = NULL;

  g_return_val_if_fail (SC_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (SC_IS_STORE (store), NULL);

  self = g_object_new (SC_TYPE_USER_AGENT, NULL);
  self->identity = g_object_ref (identity);
  self->store = g_object_ref (store);
  self->context = sc_agent_context_new (identity, store, error);
  if (self->context == NULL)
    return NULL;
  self->messenger = sc_messenger_new (self->context);

  return g_steal_pointer (&self);
}

ScIdentity *
sc_user_agent_get_identity (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), NULL);
  return self->identity;
}

ScMessenger *
sc_user_agent_get_messenger (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), NULL);
  return self->messenger;
}

ScStore *
sc_user_agent_get_store (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), NULL);
  return self->store;
}

void
sc_user_agent_set_listen_address (ScUserAgent *self,
                                  const char  *address)
{
  g_return_if_fail (SC_IS_USER_AGENT (self));

  g_free (self->listen_address);
  self->listen_address = g_strdup (address != NULL && address[0] != '\0' ? address : "::");
}

void
sc_user_agent_set_port (ScUserAgent *self,
                        guint16      port)
{
  g_return_if_fail (SC_IS_USER_AGENT (self));
  self->port = port;
}

void
sc_user_agent_set_limits (ScUserAgent *self,
                          guint        max_sessions,
                          guint        max_handshakes)
{
  g_return_if_fail (SC_IS_USER_AGENT (self));
  sc_agent_context_set_limits (self->context, max_sessions, max_handshakes);
}

void
sc_user_agent_set_timeouts (ScUserAgent *self,
                            guint        handshake_timeout_ms,
                            guint        connect_timeout_ms)
{
  g_return_if_fail (SC_IS_USER_AGENT (self));
  sc_agent_context_set_handshake_timeout (self->context, handshake_timeout_ms);
  sc_agent_context_set_connect_timeout (self->context, connect_timeout_ms);
}

void
sc_user_agent_set_liveness (ScUserAgent *self,
                            guint        idle_ms,
                            guint        timeout_ms)
{
  g_return_if_fail (SC_IS_USER_AGENT (self));
  sc_agent_context_set_liveness (self->context, idle_ms, timeout_ms);
}

/* Sessions */

static void
on_session_state (ScSession   *session,
                  GParamSpec  *pspec,
                  ScUserAgent *self)
{
  ScSessionState state = sc_session_get_state (session);

  if (!sc_session_is_incoming (session))
    return;

  /* The first time an incoming session has said hello. */
  if ((state == SC_SESSION_STATE_OPEN || state == SC_SESSION_STATE_PENDING)
      && g_object_get_data (G_OBJECT (session), "sc-announced") == NULL)
    {
      g_object_set_data (G_OBJECT (session), "sc-announced", GINT_TO_POINTER (TRUE));
      g_signal_emit (self, signals[INCOMING_SESSION], 0, session);
    }
}

static void
on_session_knock (ScSession     *session,
                  const ScKnock *knock,
                  ScUserAgent   *self)
{
  g_signal_emit (self, signals[KNOCK], 0, knock);
}

static void
on_session_closed (ScSession     *session,
                   ScCloseReason  reason,
                   const char    *message,
                   ScUserAgent   *self)
{
  guint position;

  if (g_list_store_find (self->sessions, session, &position))
    g_list_store_remove (self->sessions, position);
}

/* Called on the owner context before any event of the session is. */
static void
add_session (ScUserAgent *self,
             ScSession   *session)
{
  g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state), self, 0);
  g_signal_connect_object (session, "knock", G_CALLBACK (on_session_knock), self, 0);
  g_signal_connect_object (session, "closed", G_CALLBACK (on_session_closed), self, 0);
  sc_messenger_track_session (self->messenger, session);

  g_list_store_append (self->sessions, session);
  g_signal_emit (self, signals[SESSION_STARTED], 0, session);
}

/* Accepting */

static Listener *
listener_ref (Listener *listener)
{
  g_atomic_ref_count_inc (&listener->ref_count);
  return listener;
}

static void
listener_unref (Listener *listener)
{
  if (!g_atomic_ref_count_dec (&listener->ref_count))
    return;

  close (listener->stop_fd);
  g_object_unref (listener->socket);
  sc_agent_context_unref (listener->context);
  g_free (listener);
}

typedef struct
{
  Listener  *listener;
  ScSession *session;
} Accepted;

static void
add_accepted (gpointer data)
{
  Accepted *accepted = data;

  /* Accepted while the agent shut down. */
  if (accepted->listener->agent == NULL)
    sc_session_close (accepted->session);
  else
    add_session (accepted->listener->agent, accepted->session);

  listener_unref (accepted->listener);
  g_object_unref (accepted->session);
  g_free (accepted);
}

static void
accept_connection (Listener *listener,
                   GSocket  *socket)
{
  g_autoptr(GSocketConnection) connection = g_socket_connection_factory_create_connection (socket);
  g_autoptr(ScSession) session = NULL;
  g_autoptr(GError) error = NULL;
  Accepted *accepted;

  if (!sc_agent_context_try_add_session (listener->context))
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return;
    }

  session = sc_session_new_incoming (listener->context,
                                     sc_agent_context_next_session_id (listener->context),
                                     connection);

  /* Posted first, so the owner adds the session before its first event. */
  accepted = g_new (Accepted, 1);
  accepted->listener = listener_ref (listener);
  accepted->session = g_object_ref (session);
  sc_agent_context_post (listener->context, add_accepted, accepted);

  if (!sc_session_start (session, &error))
    {
      g_warning ("Cannot accept a connection: %s", error->message);
      sc_agent_context_remove_session (listener->context);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
}

static gpointer
accept_thread (gpointer data)
{
  Listener *listener = data;
  struct pollfd fds[2] = {
    { .fd = g_socket_get_fd (listener->socket), .events = POLLIN },
    { .fd = listener->stop_fd, .events = POLLIN },
  };

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      GSocket *socket;

      if (poll (fds, G_N_ELEMENTS (fds), -1) < 0 && errno != EINTR)
        g_error ("Cannot wait for connections: %s", g_strerror (errno));
      if (fds[1].revents != 0)
        break;

      while ((socket = g_socket_accept (listener->socket, NULL, &error)) != NULL)
        {
          accept_connection (listener, socket);
          g_object_unref (socket);
        }

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_warning ("Cannot accept a connection: %s", error->message);
          poll (&fds[1], 1, ACCEPT_PAUSE_MS);
        }
    }

  return NULL;
}

static gboolean
listener_start (ScUserAgent  *self,
                GSocket      *socket,
                GError      **error)
{
  Listener *listener = g_new0 (Listener, 1);

  g_atomic_ref_count_init (&listener->ref_count);
  listener->agent = self;
  listener->context = sc_agent_context_ref (self->context);
  listener->socket = g_object_ref (socket);
  listener->stop_fd = eventfd (0, EFD_CLOEXEC);
  if (listener->stop_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create an eventfd: %s", g_strerror (saved_errno));
      listener_unref (listener);
      return FALSE;
    }

  g_socket_set_blocking (socket, FALSE);
  listener->thread = g_thread_try_new ("sc-accept", accept_thread, listener, error);
  if (listener->thread == NULL)
    {
      listener_unref (listener);
      return FALSE;
    }

  self->listener = listener;
  return TRUE;
}

static void
listener_stop (Listener *listener)
{
  guint64 one = 1;

  /* The thread never blocks but in poll(): joining it is quick. */
  if (write (listener->stop_fd, &one, sizeof one) < 0)
    g_error ("Cannot stop accepting connections: %s", g_strerror (errno));
  g_thread_join (listener->thread);
  g_socket_close (listener->socket, NULL);

  listener->agent = NULL;
  listener_unref (listener);
}

ScSession *
sc_user_agent_connect (ScUserAgent  *self,
                       const char   *user_id,
                       const char   *address,
                       const char   *greeting,
                       GError      **error)
{
  g_autoptr(ScSession) session = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  g_return_val_if_fail (SC_IS_USER_AGENT (self), NULL);

  if (!sc_user_id_is_valid (user_id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a user ID (it looks like name@example.org)",
                   user_id != NULL ? user_id : "");
      return NULL;
    }

  if (greeting != NULL && strlen (greeting) > SC_PROTOCOL_MAX_GREETING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A greeting may hold at most %d bytes", SC_PROTOCOL_MAX_GREETING);
      return NULL;
    }

  if (greeting != NULL && !g_utf8_validate (greeting, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The greeting is not valid UTF-8");
      return NULL;
    }

  if (!sc_address_parse (address, SC_PROTOCOL_DEFAULT_PORT, &host, &port, error))
    return NULL;

  if (!sc_agent_context_try_add_session (self->context))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "Too many sessions are open; close some and try again");
      return NULL;
    }

  session = sc_session_new_outgoing (self->context, sc_agent_context_next_session_id (self->context),
                                     user_id, host, port, greeting);
  if (!sc_session_start (session, error))
    {
      sc_agent_context_remove_session (self->context);
      return NULL;
    }
  add_session (self, session);

  return g_steal_pointer (&session);
}

GListModel *
sc_user_agent_get_sessions (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), NULL);
  return G_LIST_MODEL (self->sessions);
}

guint
sc_user_agent_get_n_running (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), 0);
  return sc_agent_context_get_n_sessions (self->context);
}

/* Listening */

static GSocket *
bind_socket (GInetAddress  *address,
             guint16        port,
             GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSocketFamily family = g_inet_address_get_family (address);

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  /* "::" means every address, IPv4 included. */
  if (family == G_SOCKET_FAMILY_IPV6 && g_inet_address_get_is_any (address))
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 0, NULL);

  socket_address = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, socket_address, TRUE, error))
    return NULL;

  g_socket_set_listen_backlog (socket, 512);
  if (!g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

gboolean
sc_user_agent_listen (ScUserAgent  *self,
                      GError      **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *host = g_strdup (self->listen_address);

  g_return_val_if_fail (SC_IS_USER_AGENT (self), FALSE);
  g_return_val_if_fail (self->bound_address == NULL, FALSE);

  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    {
      memmove (host, host + 1, strlen (host) - 2);
      host[strlen (host) - 2] = '\0';
    }

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address to listen on (try :: or 0.0.0.0)",
                   self->listen_address);
      return FALSE;
    }

  socket = bind_socket (address, self->port, &local_error);
  if (socket == NULL && g_inet_address_get_is_any (address)
      && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
      && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      /* No IPv6 on this machine: every IPv4 address instead. */
      g_clear_error (&local_error);
      g_clear_object (&address);
      address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      socket = bind_socket (address, self->port, &local_error);
    }

  if (socket == NULL)
    {
      g_autofree char *where = g_inet_address_to_string (address);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     "Port %u on %s is already in use: is SixChat already running, "
                     "or another program using that port? Choose another port or stop it.",
                     self->port, where);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     "Cannot listen on %s port %u: %s", where, self->port, local_error->message);
      return FALSE;
    }

  local = g_socket_get_local_address (socket, error);
  if (local == NULL || !listener_start (self, socket, error))
    return FALSE;

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->bound_address = sc_address_to_string (local);

  return TRUE;
}

gboolean
sc_user_agent_is_listening (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), FALSE);
  return self->listener != NULL;
}

const char *
sc_user_agent_get_listen_address (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), NULL);
  return self->bound_address;
}

guint16
sc_user_agent_get_port (ScUserAgent *self)
{
  g_return_val_if_fail (SC_IS_USER_AGENT (self), 0);
  return self->port;
}

/* Requests */

typedef struct
{
  gint64         request_id;
  ScRequestState state;
} DecideData;

static void
decide_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ScUserAgent *self = source_object;
  DecideData *data = task_data;
  GError *error = NULL;

  if (!sc_store_set_request_state (self->store, data->request_id, data->state, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sc_user_agent_decide_request_async (ScUserAgent         *self,
                                    gint64               request_id,
                                    ScRequestState       state,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DecideData *data;

  g_return_if_fail (SC_IS_USER_AGENT (self));

  data = g_new0 (DecideData, 1);
  data->request_id = request_id;
  data->state = state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_user_agent_decide_request_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, decide_thread);
}

gboolean
sc_user_agent_decide_request_finish (ScUserAgent   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  GTask *task = G_TASK (result);
  DecideData *data = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (task, error))
    return FALSE;

  /* Live sessions of this request look at the store at once. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sessions)); i++)
    {
      g_autoptr(ScSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (sc_session_get_request_id (session) == data->request_id)
        sc_session_wake (session);
    }

  return TRUE;
}

void
sc_user_agent_shutdown (ScUserAgent *self)
{
  g_return_if_fail (SC_IS_USER_AGENT (self));

  g_clear_pointer (&self->listener, listener_stop);
  g_cancellable_cancel (self->cancellable);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sessions)); i++)
    {
      g_autoptr(ScSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      sc_session_close (session);
    }
}

/* GObject */

static void
sc_user_agent_dispose (GObject *object)
{
  ScUserAgent *self = (ScUserAgent *) object;

  if (self->sessions != NULL)
    sc_user_agent_shutdown (self);

  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (sc_user_agent_parent_class)->dispose (object);
}

static void
sc_user_agent_finalize (GObject *object)
{
  ScUserAgent *self = (ScUserAgent *) object;

  g_clear_object (&self->messenger);
  g_clear_pointer (&self->context, sc_agent_context_unref);
  g_clear_object (&self->identity);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_free (self->listen_address);
  g_free (self->bound_address);

  G_OBJECT_CLASS (sc_user_agent_parent_class)->finalize (object);
}

static void
sc_user_agent_class_init (ScUserAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sc_user_agent_dispose;
  object_class->finalize = sc_user_agent_finalize;

  signals[SESSION_STARTED] =
    g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SC_TYPE_SESSION);
  signals[INCOMING_SESSION] =
    g_signal_new ("incoming-session", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SC_TYPE_SESSION);
  signals[KNOCK] =
    g_signal_new ("knock", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
sc_user_agent_init (ScUserAgent *self)
{
  self->sessions = g_list_store_new (SC_TYPE_SESSION);
  self->cancellable = g_cancellable_new ();
  self->listen_address = g_strdup ("::");
  self->port = SC_PROTOCOL_DEFAULT_PORT;
}
