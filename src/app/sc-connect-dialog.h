/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_CONNECT_DIALOG (sc_connect_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScConnectDialog, sc_connect_dialog, SC, CONNECT_DIALOG, AdwWindow)

/* Ad hoc Connect-to-User: a user ID and an address, validated as typed;
 * Connect activates app.dial and closes. */
ScConnectDialog *sc_connect_dialog_new (GtkWindow  *parent,
                                        const char *user_id,
                                        const char *address);

G_END_DECLS
