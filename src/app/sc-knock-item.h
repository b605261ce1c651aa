/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-store.h"

G_BEGIN_DECLS

#define SC_TYPE_KNOCK_ITEM (sc_knock_item_get_type ())
G_DECLARE_FINAL_TYPE (ScKnockItem, sc_knock_item, SC, KNOCK_ITEM, GObject)

/* One entry of the knock log page's list: the knock as the store keeps it,
 * and whether its certificate is on the allow or the block list now.
 * Immutable; made in a worker thread, used on the main thread.  Takes
 * knock. */
ScKnockItem   *sc_knock_item_new              (ScKnock     *knock,
                                               gboolean     allowed,
                                               gboolean     blocked);

const ScKnock *sc_knock_item_get_knock        (ScKnockItem *self);
gint64         sc_knock_item_get_id           (ScKnockItem *self);
/* Their name, else their user ID, else NULL. */
const char    *sc_knock_item_get_display_name (ScKnockItem *self);
gboolean       sc_knock_item_is_allowed       (ScKnockItem *self);
gboolean       sc_knock_item_is_blocked       (ScKnockItem *self);

G_END_DECLS
