/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-request-item.h"

G_BEGIN_DECLS

#define SC_TYPE_REQUEST_ROW (sc_request_row_get_type ())
G_DECLARE_FINAL_TYPE (ScRequestRow, sc_request_row, SC, REQUEST_ROW, AdwBin)

/* One row of the requests page: who asks (name, user ID, fingerprint), when
 * and from where, their greeting and certificate, and buttons for the
 * page's actions requests.accept, requests.decline and requests.block
 * (target: the request id).  Property "item" (ScRequestItem, may be NULL). */
ScRequestItem *sc_request_row_get_item (ScRequestRow  *self);
void           sc_request_row_set_item (ScRequestRow  *self,
                                        ScRequestItem *item);

G_END_DECLS
