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

G_END_DECLS
