/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sc-session-private.h"
#include "sc-store.h"

G_BEGIN_DECLS

/* What a session's thread tells its owner context. */
typedef enum
{
  SC_SESSION_EVENT_STATE,     /* state; text1: remote address (may be NULL) */
  SC_SESSION_EVENT_VERIFIED,  /* certificate, decision */
  SC_SESSION_EVENT_HELLO,     /* text1: user ID, text2: name, text3: greeting */
  SC_SESSION_EVENT_REQUEST,   /* number: request id */
  SC_SESSION_EVENT_MESSAGES,  /* messages: new from the peer, stored */
  SC_SESSION_EVENT_MESSAGES_CHANGED, /* messages: ours, in a new state */
  SC_SESSION_EVENT_STORE_FAILED, /* text1: what could not be stored and why */
  SC_SESSION_EVENT_TYPING,    /* number: ScTypingState */
  SC_SESSION_EVENT_PONG,      /* number: the round trip in µs */
  SC_SESSION_EVENT_KNOCK,     /* knock */
  SC_SESSION_EVENT_CLOSED,    /* reason, text1: message */
  SC_SESSION_EVENT_FINISHED,  /* the thread is done; session: the thread's reference */
} ScSessionEventType;

typedef struct
{
  ScSessionEventType  type;
  ScSession          *session;
  ScSessionState      state;
  ScCloseReason       reason;
  gint64              number;
  char               *text1;
  char               *text2;
  char               *text3;
  ScPeerCertificate  *certificate;
  ScTrustDecision    *decision;
  ScKnock            *knock;
  GPtrArray          *messages;      /* of ScMessage */
} ScSessionEvent;

ScSessionEvent    *sc_session_event_new        (ScSessionEventType  type);
void               sc_session_event_free       (ScSessionEvent     *event);
/* Hands the event to the owner context (takes ownership); the events of a
 * session are dispatched in the order they were posted. */
void               sc_session_post             (ScSession          *self,
                                                ScSessionEvent     *event);

/* What the worker reads of its session (all immutable after construction). */
ScAgentContext    *sc_session_get_context      (ScSession          *self);
GSocketConnection *sc_session_get_connection   (ScSession          *self);
GCancellable      *sc_session_get_cancellable  (ScSession          *self);
int                sc_session_get_wake_fd      (ScSession          *self);
void               sc_session_get_dial_target  (ScSession          *self,
                                                const char        **host,
                                                guint16            *port,
                                                const char        **greeting);
/* Moves queued frames into frames, tells whether the outbox was poked and
 * clears the wake-up; TRUE (with the reason) when the owner asked the
 * session to close. */
gboolean           sc_session_take_requests    (ScSession          *self,
                                                GQueue             *frames,
                                                gboolean           *outbox_poked,
                                                ScCloseReason      *close_reason,
                                                char              **close_message);
/* No more frames are accepted after this. */
void               sc_session_mark_finished    (ScSession          *self);

/* The thread body; takes over the reference passed to the thread. */
void               sc_session_worker_run       (ScSession          *self);

G_END_DECLS
