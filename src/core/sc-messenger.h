/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-message.h"
#include "sc-store.h"

G_BEGIN_DECLS

#define SC_TYPE_MESSENGER (sc_messenger_get_type ())
G_DECLARE_FINAL_TYPE (ScMessenger, sc_messenger, SC, MESSENGER, GObject)

/* The message history and outbox of one user agent
 * (sc_user_agent_get_messenger()).  Writing a message stores it as PENDING
 * first; every open session with its peer then sends it, and a session
 * that opens later, whichever side dialled, sends whatever is still
 * unsent, in order.  The store is written in worker threads; signals are
 * emitted on the agent's main context:
 *
 *   message-added (ScMessage *)     a message entered the history: ours
 *                                   (PENDING) or the peer's (stored, receipt sent)
 *   message-changed (ScMessage *)   one of ours changed state
 *   message-removed (ScMessage *)   it left the history (deleted, or sent
 *                                   again: removed, then added at the end)
 *   conversation-removed (const char *peer)
 *   store-failed (const char *)     the history could not be written
 *
 * A message's "message-added" always comes before its "message-changed";
 * the signals of a write may come before its _finish() callback. */
ScStore    *sc_messenger_get_store                 (ScMessenger          *self);

/* Stores a message to peer (a user ID) and has it sent.  Fails for an
 * invalid user ID or body (SC_STORE_ERROR_INVALID) or when the history
 * cannot be written; then nothing was stored. */
void        sc_messenger_send_async                (ScMessenger          *self,
                                                    const char           *peer,
                                                    const char           *body,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
ScMessage  *sc_messenger_send_finish               (ScMessenger          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
/* Sends one of our undelivered messages (PENDING, SENT or FAILED) again,
 * at the end of the conversation (sc_store_requeue_message()). */
void        sc_messenger_resend_async              (ScMessenger          *self,
                                                    gint64                seq,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
ScMessage  *sc_messenger_resend_finish             (ScMessenger          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void        sc_messenger_delete_async              (ScMessenger          *self,
                                                    gint64                seq,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean    sc_messenger_delete_finish             (ScMessenger          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void        sc_messenger_delete_conversation_async (ScMessenger          *self,
                                                    const char           *peer,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean    sc_messenger_delete_conversation_finish (ScMessenger         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
