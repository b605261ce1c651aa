/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_WELCOME_PAGE (sc_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (ScWelcomePage, sc_welcome_page, SC, WELCOME_PAGE, AdwBin)

/* Property "account" (ScAccount): set once, by the window template's owner
 * after construction or through _new(); the page loads when it is set. */
GtkWidget *sc_welcome_page_new (ScAccount *account);

/* First run: create an identity (name + user ID → self-signed), import a
 * PKCS#12 file, import a certificate + key, or request a certificate from a
 * CA (save the CSR, later import the signed certificate).  Errors are shown
 * in place; nothing is left half-written.
 *
 * Signal "identity-ready" (ScIdentity *): the profile now has an identity. */

/* For tests, which cannot drive a native file chooser: the next file the
 * page would ask for (to open or to save) is file, and no chooser shows. */
void       sc_welcome_page_set_file_for_testing (ScWelcomePage *self,
                                                 GFile         *file);

G_END_DECLS
