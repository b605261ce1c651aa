/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_PREFERENCES_WINDOW (sc_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (ScPreferencesWindow, sc_preferences_window, SC, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* My identity (details, export PKCS#12, replace), trusted issuers and CRLs
 * (add, remove), the block list (remove entries), the policy for strangers
 * (ask, reject), network (listen address, port). */
ScPreferencesWindow *sc_preferences_window_new (GtkWindow *parent,
                                                ScAccount *account);

G_END_DECLS
