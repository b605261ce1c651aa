/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "sc-identity.h"
#include "sc-store.h"
#include "sc-certificate-cache.h"
#include "sc-thread-pool.h"
#include "sc-trust-policy.h"

G_BEGIN_DECLS

/* What every session thread of one user agent shares: the identity and its
 * TLS credentials, the TLS priority, the store, the trust policy (rebuilt
 * when the store changes), the admission counters, the session threads,
 * the way back to the owner context and the open sessions by peer.
 * Reference counted and safe to use from any thread; internal to
 * libsixchat-core. */
typedef struct _ScAgentContext ScAgentContext;

/* Runs on the owner context and owns data. */
typedef void (*ScOwnerFunc) (gpointer data);

typedef struct _ScSession ScSession;

ScAgentContext *sc_agent_context_new              (ScIdentity      *identity,
                                                   ScStore         *store,
                                                   GError         **error);
ScAgentContext *sc_agent_context_ref              (ScAgentContext  *context);
void            sc_agent_context_unref            (ScAgentContext  *context);

ScIdentity     *sc_agent_context_get_identity     (ScAgentContext  *context);
ScStore        *sc_agent_context_get_store        (ScAgentContext  *context);
gnutls_certificate_credentials_t
                sc_agent_context_get_credentials  (ScAgentContext  *context);
gnutls_priority_t
                sc_agent_context_get_priority     (ScAgentContext  *context);
/* The policy for the store's current contents (reloaded when its
 * generation changed).  Never NULL without an error. */
ScTrustPolicy  *sc_agent_context_get_policy       (ScAgentContext  *context,
                                                   GError         **error);

/* Timeouts in milliseconds. */
guint           sc_agent_context_get_handshake_timeout (ScAgentContext *context);
void            sc_agent_context_set_handshake_timeout (ScAgentContext *context,
                                                        guint           timeout_ms);
guint           sc_agent_context_get_connect_timeout   (ScAgentContext *context);
void            sc_agent_context_set_connect_timeout   (ScAgentContext *context,
                                                        guint           timeout_ms);
/* Liveness: an open session that heard nothing for idle_ms pings its peer,
 * and gives the peer up when it still hears nothing timeout_ms later. */
void            sc_agent_context_get_liveness          (ScAgentContext *context,
                                                        guint          *idle_ms,
                                                        guint          *timeout_ms);
void            sc_agent_context_set_liveness          (ScAgentContext *context,
                                                        guint           idle_ms,
                                                        guint           timeout_ms);

/* Admission control.  A session counts from creation until its thread ends;
 * an incoming one also counts as "handshaking" until its hello arrived.
 * Admitting a handshake beyond the cap evicts the oldest unfinished one. */
void            sc_agent_context_set_limits       (ScAgentContext  *context,
                                                   guint            max_sessions,
                                                   guint            max_handshakes);
gboolean        sc_agent_context_try_add_session  (ScAgentContext  *context);
void            sc_agent_context_remove_session   (ScAgentContext  *context);
guint           sc_agent_context_get_n_sessions   (ScAgentContext  *context);
void            sc_agent_context_begin_handshake  (ScAgentContext  *context,
                                                   ScSession       *session);
void            sc_agent_context_end_handshake    (ScAgentContext  *context,
                                                   ScSession       *session);

/* Open sessions by peer (a normalized user ID), so that a new outgoing
 * message reaches every open session with its peer at once, whichever
 * thread stored it.  A session registers when it opens and unregisters
 * before its thread ends. */
void            sc_agent_context_register_peer    (ScAgentContext  *context,
                                                   ScSession       *session,
                                                   const char      *peer);
void            sc_agent_context_unregister_peer  (ScAgentContext  *context,
                                                   ScSession       *session,
                                                   const char      *peer);
/* Thread-safe: every open session with peer sends what is unsent. */
void            sc_agent_context_poke_peer        (ScAgentContext  *context,
                                                   const char      *peer);

/* The owner context is the thread-default main context of the thread that
 * made the context.  sc_agent_context_post() calls func (data) there, calls
 * from every thread in the order they were posted; never in the calling
 * thread, even when it could acquire the owner context. */
void            sc_agent_context_post             (ScAgentContext  *context,
                                                   ScOwnerFunc      func,
                                                   gpointer         data);

/* The peer chains this agent parsed lately (see sc-certificate-cache.h). */
ScCertificateCache *sc_agent_context_get_certificate_cache (ScAgentContext *context);
/* The threads that run this agent's sessions (see sc-thread-pool.h). */
ScThreadPool   *sc_agent_context_get_thread_pool  (ScAgentContext  *context);
/* A new session's id: 1, 2, … in the order asked, from any thread. */
guint64         sc_agent_context_next_session_id  (ScAgentContext  *context);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScAgentContext, sc_agent_context_unref)

G_END_DECLS
