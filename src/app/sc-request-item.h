/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-store.h"

G_BEGIN_DECLS

#define SC_TYPE_REQUEST_ITEM (sc_request_item_get_type ())
G_DECLARE_FINAL_TYPE (ScRequestItem, sc_request_item, SC, REQUEST_ITEM, GObject)

/* One contact request in the requests page's list: the request as the store
 * keeps it and what its certificate says.  Immutable; made in a worker
 * thread (parsing the certificate takes time), used on the main thread.
 * Takes request. */
ScRequestItem   *sc_request_item_new                 (ScRequest     *request);

const ScRequest *sc_request_item_get_request         (ScRequestItem *self);
gint64           sc_request_item_get_id              (ScRequestItem *self);
/* The name they gave, else their user ID. */
const char      *sc_request_item_get_display_name    (ScRequestItem *self);

/* Of their certificate's leaf; valid only without a certificate error. */
const char      *sc_request_item_get_certificate_error (ScRequestItem *self);
const char      *sc_request_item_get_issuer_name     (ScRequestItem *self);
gboolean         sc_request_item_is_self_signed      (ScRequestItem *self);
const char      *sc_request_item_get_key_description (ScRequestItem *self);
gint64           sc_request_item_get_not_before      (ScRequestItem *self);
gint64           sc_request_item_get_not_after       (ScRequestItem *self);

G_END_DECLS
