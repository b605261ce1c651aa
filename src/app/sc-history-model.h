/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-messenger.h"

G_BEGIN_DECLS

#define SC_TYPE_HISTORY_MODEL (sc_history_model_get_type ())
G_DECLARE_FINAL_TYPE (ScHistoryModel, sc_history_model, SC, HISTORY_MODEL, GObject)

/* The whole conversation with one peer as a GListModel of ScChatMessage,
 * oldest first.  It reads the list of seqs with one store job, then the
 * messages a page at a time, when get_item() asks for a position not read
 * yet: that item is a placeholder until its page arrives, then filled in
 * place.  It follows the messenger: messages added, changed and removed,
 * and the conversation deleted.  The store is only used through
 * sc_store_run_async().  Properties: peer, loaded (the seqs are in). */
ScHistoryModel *sc_history_model_new             (ScMessenger    *messenger,
                                                  const char     *peer);
const char     *sc_history_model_get_peer        (ScHistoryModel *self);
gboolean        sc_history_model_get_loaded      (ScHistoryModel *self);
/* The position of the message with seq, or -1. */
gint64          sc_history_model_find_seq        (ScHistoryModel *self,
                                                  gint64          seq);

G_END_DECLS
