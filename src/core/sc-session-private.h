/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gnutls/gnutls.h>

#include "sc-agent-context.h"
#include "sc-session.h"

G_BEGIN_DECLS

ScSession *sc_session_new_incoming   (ScAgentContext    *context,
                                      guint64            id,
                                      GSocketConnection *connection);
ScSession *sc_session_new_outgoing   (ScAgentContext    *context,
                                      guint64            id,
                                      const char        *user_id,
                                      const char        *host,
                                      guint16            port,
                                      const char        *greeting);
/* Starts the session's thread; the session must already be counted with
 * sc_agent_context_try_add_session(). */
gboolean   sc_session_start          (ScSession         *self,
                                      GError           **error);
/* Thread-safe: ends the session as soon as its thread notices. */
void       sc_session_abort          (ScSession         *self,
                                      ScCloseReason      reason,
                                      const char        *message);
/* Thread-safe: an open session sends what its peer has unsent in the store. */
void       sc_session_poke_outbox    (ScSession         *self);
/* Thread-safe: makes the session look at its contact request again now. */
void       sc_session_wake           (ScSession         *self);
/* The GnuTLS certificate verification callback of every session. */
int        sc_session_verify_peer    (gnutls_session_t   tls);

G_END_DECLS
