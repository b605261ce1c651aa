/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sc-address.h"
#include "sc-session-private.h"
#include "sc-session-worker.h"

struct _ScSession
{
  GObject            parent_instance;

  /* Set at construction; read-only afterwards (any thread). */
  ScAgentContext    *context;
  guint64            id;
  gboolean           incoming;
  char              *dialled_user_id;
  char              *dial_host;
  guint16            dial_port;
  char              *own_greeting;
  GSocketConnection *connection;
  GCancellable      *cancellable;
  int                wake_fd;

  /* Shared with the worker thread, under lock. */
  GMutex             lock;
  GQueue             requests;       /* ScFrame* (typing, ping) */
  gboolean           outbox_poked;   /* messages may wait in the store */
  gboolean           close_requested;
  ScCloseReason      close_request_reason;
  char              *close_request_message;
  gboolean           finished;

  /* Owner context only. */
  ScSessionState     state;
  char              *remote_address;
  ScPeerCertificate *peer_certificate;
  ScTrustDecision   *decision;
  char              *peer_user_id;
  char              *peer_name;
  char              *greeting;
  gint64             request_id;
  ScTypingState      peer_typing;
  gint64             round_trip_time;
  ScCloseReason      close_reason;
  char              *close_message;
};

G_DEFINE_FINAL_TYPE (ScSession, sc_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_INCOMING,
  PROP_STATE,
  PROP_REMOTE_ADDRESS,
  PROP_DIALLED_USER_ID,
  PROP_PEER_CERTIFICATE,
  PROP_DECISION,
  PROP_PEER_USER_ID,
  PROP_PEER_NAME,
  PROP_GREETING,
  PROP_REQUEST_ID,
  PROP_PEER_TYPING,
  PROP_ROUND_TRIP_TIME,
  PROP_CLOSE_REASON,
  PROP_CLOSE_MESSAGE,
  N_PROPS
};

enum {
  MESSAGE_RECEIVED,
  MESSAGE_CHANGED,
  STORE_FAILED,
  KNOCK,
  PONG,
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const char *
sc_session_state_to_string (ScSessionState state)
{
  switch (state)
    {
    case SC_SESSION_STATE_RESOLVING: return "resolving";
    case SC_SESSION_STATE_CONNECTING: return "connecting";
    case SC_SESSION_STATE_HANDSHAKING: return "handshaking";
    case SC_SESSION_STATE_HELLO: return "hello";
    case SC_SESSION_STATE_PENDING: return "pending";
    case SC_SESSION_STATE_OPEN: return "open";
    case SC_SESSION_STATE_CLOSED: return "closed";
    default: g_return_val_if_reached ("unknown");
    }
}

const char *
sc_close_reason_to_string (ScCloseReason reason)
{
  switch (reason)
    {
    case SC_CLOSE_NONE: return "none";
    case SC_CLOSE_LOCAL: return "local";
    case SC_CLOSE_PEER_BYE: return "peer-bye";
    case SC_CLOSE_PEER_GONE: return "peer-gone";
    case SC_CLOSE_REFUSED: return "refused";
    case SC_CLOSE_UNREACHABLE: return "unreachable";
    case SC_CLOSE_TIMEOUT: return "timeout";
    case SC_CLOSE_TLS_ERROR: return "tls-error";
    case SC_CLOSE_REJECTED: return "rejected";
    case SC_CLOSE_WRONG_PEER: return "wrong-peer";
    case SC_CLOSE_DECLINED: return "declined";
    case SC_CLOSE_BLOCKED: return "blocked";
    case SC_CLOSE_PROTOCOL_ERROR: return "protocol-error";
    case SC_CLOSE_BUSY: return "busy";
    case SC_CLOSE_IO_ERROR: return "io-error";
    default: g_return_val_if_reached ("unknown");
    }
}

/* Events: from the worker thread to the owner context. */

void
sc_session_event_free (ScSessionEvent *event)
{
  g_clear_object (&event->session);
  g_free (event->text1);
  g_free (event->text2);
  g_free (event->text3);
  g_clear_object (&event->certificate);
  g_clear_pointer (&event->decision, sc_trust_decision_free);
  g_clear_pointer (&event->knock, sc_knock_free);
  g_clear_pointer (&event->messages, g_ptr_array_unref);
  g_free (event);
}

static void
set_string (ScSession   *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (ScSession      *self,
           ScSessionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
dispatch_event (ScSessionEvent *event)
{
  ScSession *self = event->session;

  g_object_freeze_notify (G_OBJECT (self));

  switch (event->type)
    {
    case SC_SESSION_EVENT_STATE:
      if (event->text1 != NULL)
        set_string (self, &self->remote_address, event->text1, PROP_REMOTE_ADDRESS);
      set_state (self, event->state);
      break;

    case SC_SESSION_EVENT_VERIFIED:
      g_set_object (&self->peer_certificate, event->certificate);
      g_clear_pointer (&self->decision, sc_trust_decision_free);
      self->decision = g_steal_pointer (&event->decision);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CERTIFICATE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECISION]);
      break;

    case SC_SESSION_EVENT_HELLO:
      set_string (self, &self->peer_user_id, event->text1, PROP_PEER_USER_ID);
      set_string (self, &self->peer_name, event->text2, PROP_PEER_NAME);
      set_string (self, &self->greeting, event->text3, PROP_GREETING);
      break;

    case SC_SESSION_EVENT_REQUEST:
      if (self->request_id != event->number)
        {
          self->request_id = event->number;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_ID]);
        }
      break;

    case SC_SESSION_EVENT_MESSAGES:
      for (guint i = 0; i < event->messages->len; i++)
        g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, g_ptr_array_index (event->messages, i));
      break;

    case SC_SESSION_EVENT_MESSAGES_CHANGED:
      for (guint i = 0; i < event->messages->len; i++)
        g_signal_emit (self, signals[MESSAGE_CHANGED], 0, g_ptr_array_index (event->messages, i));
      break;

    case SC_SESSION_EVENT_STORE_FAILED:
      g_signal_emit (self, signals[STORE_FAILED], 0, event->text1);
      break;

    case SC_SESSION_EVENT_TYPING:
      if (self->peer_typing != (ScTypingState) event->number)
        {
          self->peer_typing = (ScTypingState) event->number;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_TYPING]);
        }
      break;

    case SC_SESSION_EVENT_KNOCK:
      g_signal_emit (self, signals[KNOCK], 0, event->knock);
      break;

    case SC_SESSION_EVENT_PONG:
      if (self->round_trip_time != event->number)
        {
          self->round_trip_time = event->number;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROUND_TRIP_TIME]);
        }
      g_signal_emit (self, signals[PONG], 0, event->number);
      break;

    case SC_SESSION_EVENT_CLOSED:
      self->close_reason = event->reason;
      set_string (self, &self->close_message, event->text1, PROP_CLOSE_MESSAGE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_REASON]);
      set_state (self, SC_SESSION_STATE_CLOSED);
      g_object_thaw_notify (G_OBJECT (self));
      g_signal_emit (self, signals[CLOSED], 0, event->reason, event->text1);
      return;

    case SC_SESSION_EVENT_FINISHED:
    default:
      break;
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void
run_event (gpointer data)
{
  dispatch_event (data);
  sc_session_event_free (data);
}

void
sc_session_post (ScSession      *self,
                 ScSessionEvent *event)
{
  /* Never g_main_context_invoke(): it would run the event right here, in
   * the worker, whenever it can acquire the context (the global default
   * context is every thread's default).  The context's queue keeps the
   * order. */
  if (event->type != SC_SESSION_EVENT_FINISHED)
    event->session = g_object_ref (self);
  sc_agent_context_post (self->context, run_event, event);
}

ScSessionEvent *
sc_session_event_new (ScSessionEventType type)
{
  ScSessionEvent *event = g_new0 (ScSessionEvent, 1);

  event->type = type;
  return event;
}

/* The worker's view of the shared fields. */

ScAgentContext *
sc_session_get_context (ScSession *self)
{
  return self->context;
}

GSocketConnection *
sc_session_get_connection (ScSession *self)
{
  return self->connection;
}

GCancellable *
sc_session_get_cancellable (ScSession *self)
{
  return self->cancellable;
}

int
sc_session_get_wake_fd (ScSession *self)
{
  return self->wake_fd;
}

void
sc_session_get_dial_target (ScSession   *self,
                            const char **host,
                            guint16     *port,
                            const char **greeting)
{
  *host = self->dial_host;
  *port = self->dial_port;
  *greeting = self->own_greeting;
}

gboolean
sc_session_take_requests (ScSession      *self,
                          GQueue         *frames,
                          gboolean       *outbox_poked,
                          ScCloseReason  *close_reason,
                          char          **close_message)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  guint64 drained;

  /* Clears the wake-up (one read resets an eventfd); anything arriving
   * later writes it again. */
  if (read (self->wake_fd, &drained, sizeof drained) < 0 && errno != EAGAIN)
    g_warning ("Cannot read the wake-up of session %" G_GUINT64_FORMAT ": %s",
               self->id, g_strerror (errno));

  while (!g_queue_is_empty (&self->requests))
    g_queue_push_tail (frames, g_queue_pop_head (&self->requests));

  *outbox_poked = self->outbox_poked;
  self->outbox_poked = FALSE;

  if (self->close_requested)
    {
      *close_reason = self->close_request_reason;
      *close_message = g_strdup (self->close_request_message);
      return TRUE;
    }

  return FALSE;
}

void
sc_session_mark_finished (ScSession *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->finished = TRUE;
  g_queue_clear_full (&self->requests, (GDestroyNotify) sc_frame_free);
}

static void
wake (ScSession *self)
{
  guint64 one = 1;

  if (write (self->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_warning ("Cannot wake session %" G_GUINT64_FORMAT ": %s", self->id, g_strerror (errno));
}

void
sc_session_wake (ScSession *self)
{
  g_return_if_fail (SC_IS_SESSION (self));

  wake (self);
}

void
sc_session_poke_outbox (ScSession *self)
{
  g_mutex_lock (&self->lock);
  self->outbox_poked = TRUE;
  g_mutex_unlock (&self->lock);

  wake (self);
}

void
sc_session_abort (ScSession     *self,
                  ScCloseReason  reason,
                  const char    *message)
{
  g_return_if_fail (SC_IS_SESSION (self));

  g_mutex_lock (&self->lock);
  if (!self->close_requested && !self->finished)
    {
      self->close_requested = TRUE;
      self->close_request_reason = reason;
      self->close_request_message = g_strdup (message);
    }
  g_mutex_unlock (&self->lock);

  g_cancellable_cancel (self->cancellable);
  wake (self);
}

static gboolean
queue_frame (ScSession *self,
             ScFrame   *frame)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (self->finished || self->close_requested)
    {
      sc_frame_free (frame);
      return FALSE;
    }

  g_queue_push_tail (&self->requests, frame);
  wake (self);

  return TRUE;
}

void
sc_session_set_typing (ScSession     *self,
                       ScTypingState  state)
{
  ScFrame *frame;

  g_return_if_fail (SC_IS_SESSION (self));

  frame = sc_frame_new (SC_FRAME_TYPING);
  frame->typing = state;
  queue_frame (self, frame);
}

void
sc_session_ping (ScSession *self)
{
  g_return_if_fail (SC_IS_SESSION (self));

  queue_frame (self, sc_frame_new (SC_FRAME_PING));
}

void
sc_session_close (ScSession *self)
{
  g_return_if_fail (SC_IS_SESSION (self));

  sc_session_abort (self, SC_CLOSE_LOCAL, NULL);
}

static void
session_thread (gpointer data)
{
  sc_session_worker_run (data);
}

gboolean
sc_session_start (ScSession  *self,
                  GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  ScSessionEvent *event;

  g_return_val_if_fail (SC_IS_SESSION (self), FALSE);

  if (self->incoming)
    sc_agent_context_begin_handshake (self->context, self);

  /* The thread owns one reference, which its last event (FINISHED) takes
   * to the owner context, so the session is always finalized there. */
  if (sc_thread_pool_push (sc_agent_context_get_thread_pool (self->context),
                           session_thread, g_object_ref (self), &local_error))
    return TRUE;

  if (self->incoming)
    sc_agent_context_end_handshake (self->context, self);

  /* Whoever already listens for the end of this session hears it. */
  event = sc_session_event_new (SC_SESSION_EVENT_CLOSED);
  event->reason = SC_CLOSE_IO_ERROR;
  event->text1 = g_strdup_printf ("Cannot start the session: %s", local_error->message);
  sc_session_post (self, event);
  g_object_unref (self);

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* GObject */

static ScSession *
session_new (ScAgentContext *context,
             guint64         id,
             gboolean        incoming)
{
  ScSession *self = g_object_new (SC_TYPE_SESSION, NULL);

  self->context = sc_agent_context_ref (context);
  self->id = id;
  self->incoming = incoming;
  self->state = incoming ? SC_SESSION_STATE_HANDSHAKING : SC_SESSION_STATE_RESOLVING;

  return self;
}

ScSession *
sc_session_new_incoming (ScAgentContext    *context,
                         guint64            id,
                         GSocketConnection *connection)
{
  ScSession *self = session_new (context, id, TRUE);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  self->connection = g_object_ref (connection);
  if (remote != NULL)
    self->remote_address = sc_address_to_string (remote);

  return self;
}

ScSession *
sc_session_new_outgoing (ScAgentContext *context,
                         guint64         id,
                         const char     *user_id,
                         const char     *host,
                         guint16         port,
                         const char     *greeting)
{
  ScSession *self = session_new (context, id, FALSE);

  self->dialled_user_id = g_strdup (user_id);
  self->dial_host = g_strdup (host);
  self->dial_port = port;
  self->own_greeting = g_strdup (greeting);

  return self;
}

static void
sc_session_finalize (GObject *object)
{
  ScSession *self = (ScSession *) object;

  g_queue_clear_full (&self->requests, (GDestroyNotify) sc_frame_free);
  g_mutex_clear (&self->lock);
  if (self->wake_fd >= 0)
    close (self->wake_fd);

  g_clear_pointer (&self->context, sc_agent_context_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->peer_certificate);
  g_clear_pointer (&self->decision, sc_trust_decision_free);
  g_free (self->dialled_user_id);
  g_free (self->dial_host);
  g_free (self->own_greeting);
  g_free (self->close_request_message);
  g_free (self->remote_address);
  g_free (self->peer_user_id);
  g_free (self->peer_name);
  g_free (self->greeting);
  g_free (self->close_message);

  G_OBJECT_CLASS (sc_session_parent_class)->finalize (object);
}

static void
sc_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ScSession *self = SC_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint64 (value, self->id);
      break;
    case PROP_INCOMING:
      g_value_set_boolean (value, self->incoming);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_REMOTE_ADDRESS:
      g_value_set_string (value, self->remote_address);
      break;
    case PROP_DIALLED_USER_ID:
      g_value_set_string (value, self->dialled_user_id);
      break;
    case PROP_PEER_CERTIFICATE:
      g_value_set_object (value, self->peer_certificate);
      break;
    case PROP_DECISION:
      g_value_set_boxed (value, self->decision);
      break;
    case PROP_PEER_USER_ID:
      g_value_set_string (value, self->peer_user_id);
      break;
    case PROP_PEER_NAME:
      g_value_set_string (value, self->peer_name);
      break;
    case PROP_GREETING:
      g_value_set_string (value, self->greeting);
      break;
    case PROP_REQUEST_ID:
      g_value_set_int64 (value, self->request_id);
      break;
    case PROP_PEER_TYPING:
      g_value_set_int (value, self->peer_typing);
      break;
    case PROP_ROUND_TRIP_TIME:
      g_value_set_int64 (value, self->round_trip_time);
      break;
    case PROP_CLOSE_REASON:
      g_value_set_int (value, self->close_reason);
      break;
    case PROP_CLOSE_MESSAGE:
      g_value_set_string (value, self->close_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_session_class_init (ScSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sc_session_finalize;
  object_class->get_property = sc_session_get_property;

  properties[PROP_ID] =
    g_param_spec_uint64 ("id", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_INCOMING] =
    g_param_spec_boolean ("incoming", NULL, NULL, FALSE, flags);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      SC_SESSION_STATE_RESOLVING, SC_SESSION_STATE_CLOSED,
                      SC_SESSION_STATE_RESOLVING, flags);
  properties[PROP_REMOTE_ADDRESS] =
    g_param_spec_string ("remote-address", NULL, NULL, NULL, flags);
  properties[PROP_DIALLED_USER_ID] =
    g_param_spec_string ("dialled-user-id", NULL, NULL, NULL, flags);
  properties[PROP_PEER_CERTIFICATE] =
    g_param_spec_object ("peer-certificate", NULL, NULL, SC_TYPE_PEER_CERTIFICATE, flags);
  properties[PROP_DECISION] =
    g_param_spec_boxed ("decision", NULL, NULL, SC_TYPE_TRUST_DECISION, flags);
  properties[PROP_PEER_USER_ID] =
    g_param_spec_string ("peer-user-id", NULL, NULL, NULL, flags);
  properties[PROP_PEER_NAME] =
    g_param_spec_string ("peer-name", NULL, NULL, NULL, flags);
  properties[PROP_GREETING] =
    g_param_spec_string ("greeting", NULL, NULL, NULL, flags);
  properties[PROP_REQUEST_ID] =
    g_param_spec_int64 ("request-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PEER_TYPING] =
    g_param_spec_int ("peer-typing", NULL, NULL,
                      SC_TYPING_IDLE, SC_TYPING_PAUSED, SC_TYPING_IDLE, flags);
  properties[PROP_ROUND_TRIP_TIME] =
    g_param_spec_int64 ("round-trip-time", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_CLOSE_REASON] =
    g_param_spec_int ("close-reason", NULL, NULL,
                      SC_CLOSE_NONE, SC_CLOSE_IO_ERROR, SC_CLOSE_NONE, flags);
  properties[PROP_CLOSE_MESSAGE] =
    g_param_spec_string ("close-message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A new message from the peer (ScMessage *), already in the history;
   * the receipt went out once it was stored.  A message that arrives
   * again is not reported again. */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* One of our messages changed state in the history (ScMessage *): SENT
   * when written to this session, DELIVERED on the peer's receipt, FAILED
   * when the peer refused it. */
  signals[MESSAGE_CHANGED] =
    g_signal_new ("message-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* The history could not be written (a sentence naming the file and the
   * cause); what was not stored was not acknowledged either. */
  signals[STORE_FAILED] =
    g_signal_new ("store-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A verdict appended to the knock log (const ScKnock *). */
  signals[KNOCK] =
    g_signal_new ("knock", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[PONG] =
    g_signal_new ("pong", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
sc_session_init (ScSession *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->requests);
  self->round_trip_time = -1;
  self->cancellable = g_cancellable_new ();
  self->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (self->wake_fd < 0)
    g_error ("Cannot create an eventfd: %s", g_strerror (errno));
}

guint64
sc_session_get_id (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), 0);
  return self->id;
}

gboolean
sc_session_is_incoming (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), FALSE);
  return self->incoming;
}

ScSessionState
sc_session_get_state (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), SC_SESSION_STATE_CLOSED);
  return self->state;
}

const char *
sc_session_get_remote_address (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->remote_address;
}

const char *
sc_session_get_dialled_user_id (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->dialled_user_id;
}

ScPeerCertificate *
sc_session_get_peer_certificate (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->peer_certificate;
}

const ScTrustDecision *
sc_session_get_decision (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->decision;
}

const char *
sc_session_get_peer_user_id (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->peer_user_id;
}

const char *
sc_session_get_peer_name (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->peer_name;
}

const char *
sc_session_get_greeting (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->greeting;
}

gint64
sc_session_get_request_id (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), 0);
  return self->request_id;
}

ScTypingState
sc_session_get_peer_typing (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), SC_TYPING_IDLE);
  return self->peer_typing;
}

gint64
sc_session_get_round_trip_time (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), -1);
  return self->round_trip_time;
}

ScCloseReason
sc_session_get_close_reason (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), SC_CLOSE_NONE);
  return self->close_reason;
}

const char *
sc_session_get_close_message (ScSession *self)
{
  g_return_val_if_fail (SC_IS_SESSION (self), NULL);
  return self->close_message;
}
