/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-contact.h"

G_BEGIN_DECLS

/* How far a contact is trusted, as the contacts page works it out. */
typedef enum
{
  SC_CONTACT_TRUST_NO_CERTIFICATE,  /* nothing seen or pinned yet */
  SC_CONTACT_TRUST_PINNED,
  SC_CONTACT_TRUST_VERIFIED,        /* by an issuer the profile trusts */
  SC_CONTACT_TRUST_UNVERIFIED,
  SC_CONTACT_TRUST_BLOCKED,
} ScContactTrust;

#define SC_TYPE_CONTACT_ROW (sc_contact_row_get_type ())
G_DECLARE_FINAL_TYPE (ScContactRow, sc_contact_row, SC, CONTACT_ROW, AdwBin)

/* One row of the contacts list: avatar, name, user ID, last known
 * addresses, a trust badge (label; detail as its tooltip) and a menu with
 * Connect, Edit and Remove, which activate contacts.connect, contacts.edit
 * and contacts.remove (x: the contact's id) on the page.  The menu also
 * opens on a right click. */
GtkWidget *sc_contact_row_new         (void);
/* contact NULL clears the row. */
void       sc_contact_row_set_contact (ScContactRow   *self,
                                       ScContact      *contact,
                                       ScContactTrust  trust,
                                       const char     *trust_label,
                                       const char     *trust_detail);
ScContact *sc_contact_row_get_contact (ScContactRow   *self);

G_END_DECLS
