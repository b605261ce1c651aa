/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-message.h"

G_BEGIN_DECLS

typedef enum
{
  SC_CHAT_MESSAGE_RECEIVED,   /* from the peer */
  SC_CHAT_MESSAGE_SENDING,    /* ours, queued or on its way */
  SC_CHAT_MESSAGE_DELIVERED,  /* ours, the peer sent a receipt */
  SC_CHAT_MESSAGE_FAILED,     /* ours, the peer refused it (error says why) */
  SC_CHAT_MESSAGE_PENDING,    /* ours, stored, waiting for a session */
} ScChatMessageState;

#define SC_TYPE_CHAT_MESSAGE (sc_chat_message_get_type ())
G_DECLARE_FINAL_TYPE (ScChatMessage, sc_chat_message, SC, CHAT_MESSAGE, GObject)

/* One line of a chat transcript.  Properties: seq (its place in the
 * history; 0 if none), id, body, time (UNIX milliseconds), own, state,
 * error, loaded, and for display time-text ("14:05") and status-text ("Not
 * sent yet", "Sending…", "Delivered", "Not delivered: …"; "" for the
 * peer's).  A placeholder (sc_chat_message_new_placeholder()) stands for a
 * message of the history not read yet: loaded is FALSE, and
 * sc_chat_message_update() fills it in place, notifying each property. */
ScChatMessage      *sc_chat_message_new             (const char         *id,
                                                     const char         *body,
                                                     gint64              time,
                                                     ScChatMessageState  state);
ScChatMessage      *sc_chat_message_new_placeholder (gint64              seq);
ScChatMessage      *sc_chat_message_new_stored      (const ScMessage    *stored);
void                sc_chat_message_update          (ScChatMessage      *self,
                                                     const ScMessage    *stored);
gint64              sc_chat_message_get_seq         (ScChatMessage      *self);
gboolean            sc_chat_message_get_loaded      (ScChatMessage      *self);
const char         *sc_chat_message_get_error       (ScChatMessage      *self);
/* PENDING, SENDING or FAILED: ours and not delivered (Retry, Delete). */
gboolean            sc_chat_message_get_undelivered (ScChatMessage      *self);
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
