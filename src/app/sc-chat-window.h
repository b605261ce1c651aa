/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"
#include "sc-session.h"

G_BEGIN_DECLS

#define SC_TYPE_CHAT_WINDOW (sc_chat_window_get_type ())
G_DECLARE_FINAL_TYPE (ScChatWindow, sc_chat_window, SC, CHAT_WINDOW, AdwApplicationWindow)

/* Connect-to-User: dials user_id at address and shows each stage while it
 * happens (resolving, connecting to [addr]:port, TLS handshake, verifying
 * the certificate, waiting for the peer to accept), a specific human error
 * for every failure with Retry, then becomes the chat. */
ScChatWindow *sc_chat_window_new_outgoing (AdwApplication *application,
                                           ScAccount      *account,
                                           const char     *user_id,
                                           const char     *address);
/* Incoming Chat: a session that arrived (state OPEN, or PENDING for a
 * contact request: certificate + greeting with Accept, Decline and Block,
 * and no chat until accepted). */
ScChatWindow *sc_chat_window_new_incoming (AdwApplication *application,
                                           ScAccount      *account,
                                           ScSession      *session);
/* A chat with user_id that shows its history and dials nobody until the
 * user writes (the message waits) or reconnects. */
ScChatWindow *sc_chat_window_new_for_peer (AdwApplication *application,
                                           ScAccount      *account,
                                           const char     *user_id);
/* The peer's user ID (NULL while an incoming session has not said). */
const char   *sc_chat_window_get_peer     (ScChatWindow   *self);
/* Scrolls to the message with seq, once the history is in. */
void         sc_chat_window_show_message  (ScChatWindow   *self,
                                           gint64          seq);
/* The current session (a Retry or Reconnect makes a new one). */
ScSession    *sc_chat_window_get_session  (ScChatWindow   *self);

G_END_DECLS
