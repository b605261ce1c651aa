/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_CONTACTS_PAGE (sc_contacts_page_get_type ())
G_DECLARE_FINAL_TYPE (ScContactsPage, sc_contacts_page, SC, CONTACTS_PAGE, AdwBin)

/* Property "account" (ScAccount): set once, by the window template's owner
 * after construction or through _new(); the page loads when it is set. */
GtkWidget *sc_contacts_page_new (ScAccount *account);

/* A searchable list (GtkListView over a GListModel of ScContact) of
 * contacts: name, user ID, how each is trusted (pinned, verified by
 * <issuer>, unverified, blocked) and last known addresses.  Add, edit and
 * remove contacts (name, user ID, addresses, a pinned certificate from a
 * file or from a past session).  Activating one (double-click or Enter)
 * activates app.dial with its user ID and first address. */

G_END_DECLS
