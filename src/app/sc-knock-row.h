/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-knock-item.h"

G_BEGIN_DECLS

#define SC_TYPE_KNOCK_ROW (sc_knock_row_get_type ())
G_DECLARE_FINAL_TYPE (ScKnockRow, sc_knock_row, SC, KNOCK_ROW, AdwBin)

/* One row of the knock log: the verdict, who, when, which direction, from
 * or to which address, and why; buttons for the page's actions knocks.allow
 * and knocks.block (target: the knock id), insensitive when the knock has
 * no certificate or its certificate is already allowed or blocked.
 * Property "item" (ScKnockItem, may be NULL). */
ScKnockItem *sc_knock_row_get_item (ScKnockRow  *self);
void         sc_knock_row_set_item (ScKnockRow  *self,
                                    ScKnockItem *item);

G_END_DECLS
