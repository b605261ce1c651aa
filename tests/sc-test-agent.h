/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-identity.h"
#include "sc-store.h"
#include "sc-user-agent.h"

G_BEGIN_DECLS

/* One person in a network test: a profile directory with an identity, its
 * store and a user agent living on the thread-default main context. */
typedef struct
{
  char        *profile_dir;
  ScIdentity  *identity;
  ScStore     *store;
  ScUserAgent *agent;
  GPtrArray   *messages;   /* bodies received on any session, in order */
  GPtrArray   *delivered;  /* ids of our messages that became DELIVERED */
  GPtrArray   *failures;   /* what the messenger reported as store-failed */
  GPtrArray   *knocks;     /* "verdict reason" of every knock */
  GPtrArray   *incoming;   /* ScSession: incoming sessions that said hello */
} ScTestPeer;

/* A peer whose identity is made by sc_identity_create(). */
ScTestPeer  *sc_test_peer_new            (const char  *parent_dir,
                                          const char  *name,
                                          const char  *user_id);
/* A peer whose profile directory already holds an identity. */
ScTestPeer  *sc_test_peer_new_for_profile (const char *profile_dir);
/* Stops the agent, waits for every session thread to end, frees. */
void         sc_test_peer_free           (ScTestPeer  *peer);
/* Listens on address ("::1", "127.0.0.1") with a free port; returns
 * "[::1]:PORT" or "127.0.0.1:PORT". */
char        *sc_test_peer_listen         (ScTestPeer  *peer,
                                          const char  *address);
/* Pins other's certificate on peer's allow list. */
void         sc_test_peer_pin            (ScTestPeer  *peer,
                                          ScTestPeer  *other);
ScSession   *sc_test_peer_dial           (ScTestPeer  *peer,
                                          ScTestPeer  *callee,
                                          const char  *address);
/* Writes a message to user_id through peer's messenger and waits until
 * it is stored; returns its id, or NULL with error. */
char        *sc_test_peer_send           (ScTestPeer  *peer,
                                          const char  *user_id,
                                          const char  *body,
                                          GError     **error);

/* Spins the main context until the session reaches state (or a later one,
 * CLOSED included) or timeout_s passes; returns whether it got exactly state. */
gboolean     sc_test_wait_state          (ScSession      *session,
                                          ScSessionState  state,
                                          guint           timeout_s);
/* Spins until array->len >= n or timeout. */
gboolean     sc_test_wait_len            (GPtrArray      *array,
                                          guint           n,
                                          guint           timeout_s);
/* Spins until the agent runs no session thread. */
gboolean     sc_test_wait_idle           (ScUserAgent    *agent,
                                          guint           timeout_s);
/* Spins the main context for about ms milliseconds. */
void         sc_test_spin                (guint           ms);

/* A real SQLITE_FULL: the store's database may not grow beyond pages
 * pages (0: the pages it has now, G_MAXINT32: room again).  Call it while
 * no job of the store runs. */
void         sc_test_store_set_max_pages (ScStore        *store,
                                          gint64          pages);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTestPeer, sc_test_peer_free)

G_END_DECLS
