/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SC_CHAT_MESSAGE_RECEIVED,   /* from the peer */
  SC_CHAT_MESSAGE_SENDING,    /* ours, queued or on its way */
  SC_CHAT_MESSAGE_DELIVERED,  /* ours, the peer sent a receipt */
  SC_CHAT_MESSAGE_FAILED,     /* ours, the session closed before a receipt */
} ScChatMessageState;

#define SC_TYPE_CHAT_MESSAGE (sc_chat_message_get_type ())
G_DECLARE_FINAL_TYPE (ScChatMessage, sc_chat_message, SC, CHAT_MESSAGE, GObject)

/* One line of a chat transcript.  Properties: id, body, time (UNIX
 * milliseconds), own, state, and for display time-text ("14:05") and
 * status-text ("Sending…", "Delivered", "Not delivered"; "" for the peer's). */
ScChatMessage      *sc_chat_message_new             (const char         *id,
                                                     const char         *body,
                                                     gint64              time,
                                                     ScChatMessageState  state);
const char         *sc_chat_message_get_id          (ScChatMessage      *self);
const char         *sc_chat_message_get_body        (ScChatMessage      *self);
gint64              sc_chat_message_get_time        (ScChatMessage      *self);
gboolean            sc_chat_message_get_own         (ScChatMessage      *self);
ScChatMessageState  sc_chat_message_get_state       (ScChatMessage      *self);
void                sc_chat_message_set_state       (ScChatMessage      *self,
                                                     ScChatMessageState  state);
const char         *sc_chat_message_get_status_text (ScChatMessage      *self);
char               *sc_chat_message_dup_time_text   (ScChatMessage      *self);

G_END_DECLS
