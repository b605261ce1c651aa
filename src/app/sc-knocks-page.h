/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_KNOCKS_PAGE (sc_knocks_page_get_type ())
G_DECLARE_FINAL_TYPE (ScKnocksPage, sc_knocks_page, SC, KNOCKS_PAGE, AdwBin)

/* Property "account" (ScAccount): set once, by the window template's owner
 * after construction or through _new(); the page loads when it is set. */
GtkWidget *sc_knocks_page_new (ScAccount *account);

/* The knock log: who tried to connect, when, from which address, the
 * verdict and its reason, with one action to allow or to block that
 * certificate.  Newest first; refreshed on every knock. */

G_END_DECLS
