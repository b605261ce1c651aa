/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-message.h"
#include "sc-peer-certificate.h"
#include "sc-protocol.h"
#include "sc-trust-policy.h"

G_BEGIN_DECLS

typedef enum
{
  SC_SESSION_STATE_RESOLVING,    /* outgoing: looking up the address */
  SC_SESSION_STATE_CONNECTING,   /* outgoing: TCP connect to remote-address */
  SC_SESSION_STATE_HANDSHAKING,  /* TLS handshake and certificate verification */
  SC_SESSION_STATE_HELLO,        /* TLS is up; exchanging hello */
  SC_SESSION_STATE_PENDING,      /* a contact request awaits a decision: ours when
                                  * incoming, the peer's when outgoing */
  SC_SESSION_STATE_OPEN,         /* chatting */
  SC_SESSION_STATE_CLOSED,
} ScSessionState;

typedef enum
{
  SC_CLOSE_NONE,
  SC_CLOSE_LOCAL,           /* we closed it */
  SC_CLOSE_PEER_BYE,        /* the peer said bye */
  SC_CLOSE_PEER_GONE,       /* the connection ended without a bye */
  SC_CLOSE_REFUSED,         /* nobody listens at the address */
  SC_CLOSE_UNREACHABLE,     /* no such host, no route */
  SC_CLOSE_TIMEOUT,         /* connect, handshake or hello took too long */
  SC_CLOSE_TLS_ERROR,       /* the handshake failed; includes the peer refusing our certificate */
  SC_CLOSE_REJECTED,        /* we rejected the peer's certificate (see the decision) */
  SC_CLOSE_WRONG_PEER,      /* outgoing: the peer is not the user ID we dialled */
  SC_CLOSE_DECLINED,        /* the contact request was declined (by them or by us) */
  SC_CLOSE_BLOCKED,         /* we blocked the peer while its request was pending */
  SC_CLOSE_PROTOCOL_ERROR,  /* bad frames or hello, from either side */
  SC_CLOSE_BUSY,            /* the agent is at its session or handshake cap */
  SC_CLOSE_IO_ERROR,        /* reading or writing the socket failed */
} ScCloseReason;

const char *sc_session_state_to_string (ScSessionState state);   /* "connecting", … */
const char *sc_close_reason_to_string  (ScCloseReason  reason);  /* "peer-bye", … */

#define SC_TYPE_SESSION (sc_session_get_type ())
G_DECLARE_FINAL_TYPE (ScSession, sc_session, SC, SESSION, GObject)

/* One PeerTLS connection, run by its own thread.  Messages are not written
 * here: they go through the history (ScMessenger, the store), and every
 * open session sends its peer what is unsent there, in order.  Properties change and
 * signals are emitted on the main context that was the thread default when
 * the session was made (its owner); call every function from there too.
 * Nothing here blocks. */
guint64                 sc_session_get_id               (ScSession     *self);
gboolean                sc_session_is_incoming          (ScSession     *self);
ScSessionState          sc_session_get_state            (ScSession     *self);
/* The address being tried or connected: "[::1]:4605". */
const char             *sc_session_get_remote_address   (ScSession     *self);
/* Outgoing: the user ID that was dialled; incoming: NULL. */
const char             *sc_session_get_dialled_user_id  (ScSession     *self);
/* Set once the certificate was judged (state ≥ HELLO, or CLOSED after a rejection). */
ScPeerCertificate      *sc_session_get_peer_certificate (ScSession     *self);
const ScTrustDecision  *sc_session_get_decision         (ScSession     *self);
/* From the peer's hello. */
const char             *sc_session_get_peer_user_id     (ScSession     *self);
const char             *sc_session_get_peer_name        (ScSession     *self);
const char             *sc_session_get_greeting         (ScSession     *self);
/* Incoming PENDING sessions: the contact request in the store; else 0. */
gint64                  sc_session_get_request_id       (ScSession     *self);
ScTypingState           sc_session_get_peer_typing      (ScSession     *self);
ScCloseReason           sc_session_get_close_reason     (ScSession     *self);
/* The last round trip that sc_session_ping() measured, in microseconds, or
 * -1 before the first. */
gint64                  sc_session_get_round_trip_time  (ScSession     *self);
const char             *sc_session_get_close_message    (ScSession     *self);

void                    sc_session_set_typing           (ScSession     *self,
                                                         ScTypingState  state);
/* Measures the round trip to the peer: an open session sends a ping and
 * times the peer's pong on its own thread, from writing the one to reading
 * the other; "pong" then reports it (and round-trip-time changes).  A
 * session that is not open, or closes first, reports nothing.  The pings a
 * quiet session sends by itself (sc_user_agent_set_liveness()) are reported
 * the same way. */
void                    sc_session_ping                 (ScSession     *self);
/* Says bye and closes; "closed" follows with SC_CLOSE_LOCAL. */
void                    sc_session_close                (ScSession     *self);

G_END_DECLS
