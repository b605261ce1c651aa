/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-identity.h"
#include "sc-messenger.h"
#include "sc-session.h"
#include "sc-store.h"

G_BEGIN_DECLS

#define SC_TYPE_USER_AGENT (sc_user_agent_get_type ())
G_DECLARE_FINAL_TYPE (ScUserAgent, sc_user_agent, SC, USER_AGENT, GObject)

/* A SixChat node for one profile: it listens for PeerTLS sessions and dials
 * them.  Lives on the main context that was the thread default when it was
 * made; every signal is emitted there and nothing here blocks on the network.
 *
 * Signals:
 *   session-started (ScSession *)   every new session, incoming or outgoing
 *   incoming-session (ScSession *)  an incoming session said hello: state OPEN
 *                                   (allowed) or PENDING (a contact request)
 *   knock (const ScKnock *)         a verdict was appended to the knock log */
ScUserAgent *sc_user_agent_new                  (ScIdentity          *identity,
                                                 ScStore             *store,
                                                 GError             **error);
ScIdentity  *sc_user_agent_get_identity         (ScUserAgent         *self);
ScStore     *sc_user_agent_get_store            (ScUserAgent         *self);
/* The message history and outbox; sessions report to it. */
ScMessenger *sc_user_agent_get_messenger        (ScUserAgent         *self);

/* "::" (default: IPv6 and IPv4), "0.0.0.0", "::1", "127.0.0.1", … */
void         sc_user_agent_set_listen_address   (ScUserAgent         *self,
                                                 const char          *address);
/* 0 picks a free port (tests). Default SC_PROTOCOL_DEFAULT_PORT. */
void         sc_user_agent_set_port             (ScUserAgent         *self,
                                                 guint16              port);
void         sc_user_agent_set_limits           (ScUserAgent         *self,
                                                 guint                max_sessions,
                                                 guint                max_handshakes);
/* Milliseconds a caller has for TCP accept → handshake → hello (default 10 s),
 * and a dial for each TCP connect (default 10 s). */
void         sc_user_agent_set_timeouts         (ScUserAgent         *self,
                                                 guint                handshake_timeout_ms,
                                                 guint                connect_timeout_ms);
/* An open session that heard nothing from its peer for idle_ms (default
 * 30 s) sends a ping; hearing nothing timeout_ms (default 15 s) later, it
 * closes as SC_CLOSE_PEER_GONE.  Sessions started later use the new values. */
void         sc_user_agent_set_liveness         (ScUserAgent         *self,
                                                 guint                idle_ms,
                                                 guint                timeout_ms);

/* Binds and listens; a busy port or bad address is a clear error. */
gboolean     sc_user_agent_listen               (ScUserAgent         *self,
                                                 GError             **error);
gboolean     sc_user_agent_is_listening         (ScUserAgent         *self);
/* The bound address, e.g. "[::]:4605", and port (after listen). */
const char  *sc_user_agent_get_listen_address   (ScUserAgent         *self);
guint16      sc_user_agent_get_port             (ScUserAgent         *self);

/* Dials user_id at address ("[2001:db8::1]:4605", "192.0.2.1", "host:4605").
 * Returns at once with a session in state RESOLVING; failures arrive as its
 * "closed" signal.  Fails only for a malformed user ID or address. */
ScSession   *sc_user_agent_connect              (ScUserAgent         *self,
                                                 const char          *user_id,
                                                 const char          *address,
                                                 const char          *greeting,
                                                 GError             **error);

/* Every live session (ScSession), in creation order. */
GListModel  *sc_user_agent_get_sessions         (ScUserAgent         *self);
/* Sessions whose threads are still running (including closing ones). */
guint        sc_user_agent_get_n_running        (ScUserAgent         *self);

/* Accept, decline, undo (PENDING) or block a contact request; live pending
 * sessions of that request follow at once.  The store is written in a
 * worker thread. */
void         sc_user_agent_decide_request_async (ScUserAgent         *self,
                                                 gint64               request_id,
                                                 ScRequestState       state,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     sc_user_agent_decide_request_finish (ScUserAgent        *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

/* Stops listening and closes every session. */
void         sc_user_agent_shutdown             (ScUserAgent         *self);

G_END_DECLS
