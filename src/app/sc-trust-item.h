/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-store.h"

G_BEGIN_DECLS

typedef enum
{
  SC_TRUST_ITEM_ISSUER,  /* a trusted issuer; key: its fingerprint */
  SC_TRUST_ITEM_CRL,     /* a CRL; key: its fingerprint */
  SC_TRUST_ITEM_ENTRY,   /* an allow or block list entry; key: its value */
} ScTrustItemKind;

#define SC_TYPE_TRUST_ITEM (sc_trust_item_get_type ())
G_DECLARE_FINAL_TYPE (ScTrustItem, sc_trust_item, SC, TRUST_ITEM, GObject)

/* One trusted issuer, CRL or list entry as a row of the preferences shows
 * it: read-only properties "title", "subtitle" and "tooltip" (both in
 * full), text for people, and what the store needs to remove it.
 * Immutable; made in any thread. */
ScTrustItem     *sc_trust_item_new_issuer       (const ScIssuerEntry *issuer);
ScTrustItem     *sc_trust_item_new_crl          (const ScCrlEntry    *crl);
ScTrustItem     *sc_trust_item_new_entry        (const ScListEntry   *entry);

ScTrustItemKind  sc_trust_item_get_kind         (ScTrustItem         *self);
const char      *sc_trust_item_get_key          (ScTrustItem         *self);
/* Of an SC_TRUST_ITEM_ENTRY. */
ScListKind       sc_trust_item_get_list         (ScTrustItem         *self);
ScEntryKind      sc_trust_item_get_entry_kind   (ScTrustItem         *self);
const char      *sc_trust_item_get_title        (ScTrustItem         *self);
const char      *sc_trust_item_get_subtitle     (ScTrustItem         *self);

/* A UNIX time as a date for people ("12 March 2025"), in local time. */
char            *sc_trust_item_format_date      (gint64               unix_seconds);

G_END_DECLS
