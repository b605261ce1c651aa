/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "sc-chat-message.h"

G_BEGIN_DECLS

#define SC_TYPE_MESSAGE_ROW (sc_message_row_get_type ())
G_DECLARE_FINAL_TYPE (ScMessageRow, sc_message_row, SC, MESSAGE_ROW, GtkWidget)

/* One message in a transcript: a bubble with the body, the time and, for
 * our own, the delivery state; ours on the right, the peer's on the left.
 * Property "message" (ScChatMessage), may be NULL. */
ScChatMessage *sc_message_row_get_message (ScMessageRow  *self);
void           sc_message_row_set_message (ScMessageRow  *self,
                                           ScChatMessage *message);

G_END_DECLS
