/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-identity.h"
#include "sc-store.h"
#include "sc-user-agent.h"

G_BEGIN_DECLS

#define SC_TYPE_ACCOUNT (sc_account_get_type ())
G_DECLARE_FINAL_TYPE (ScAccount, sc_account, SC, ACCOUNT, GObject)

/* One profile as the app sees it: its store, its identity (NULL until one
 * exists) and the user agent that listens for it.  Opening the store and
 * loading the identity happen in a worker thread.
 *
 * Properties (notify on the main context): identity, agent, listen-error.
 * Signals, re-emitted from the agent: incoming-session (ScSession *),
 * knock (const ScKnock *). */
ScAccount   *sc_account_new               (const char           *profile_dir);
void         sc_account_load_async        (ScAccount            *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     sc_account_load_finish       (ScAccount            *self,
                                           GAsyncResult         *result,
                                           GError              **error);

const char  *sc_account_get_profile_dir   (ScAccount            *self);
ScStore     *sc_account_get_store         (ScAccount            *self);
ScIdentity  *sc_account_get_identity      (ScAccount            *self);
ScUserAgent *sc_account_get_agent         (ScAccount            *self);
/* Why the agent does not listen (port in use, …), or NULL. */
const char  *sc_account_get_listen_error  (ScAccount            *self);

/* Uses identity from now on: a new agent replaces the old one and listens
 * on the configured address and port ("listen-address", "listen-port"
 * settings in the store, read when the account loaded or restarted). */
void         sc_account_set_identity      (ScAccount            *self,
                                           ScIdentity           *identity);
/* Reads the network settings again and restarts listening. */
void         sc_account_restart_async     (ScAccount            *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     sc_account_restart_finish    (ScAccount            *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* The configured listen address ("::") and port (4605). */
const char  *sc_account_get_listen_address (ScAccount           *self);
guint16      sc_account_get_listen_port    (ScAccount           *self);

/* Dials user_id at address; see sc_user_agent_connect(). */
ScSession   *sc_account_dial              (ScAccount            *self,
                                           const char           *user_id,
                                           const char           *address,
                                           GError              **error);

G_END_DECLS
