/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_WINDOW (sc_window_get_type ())
G_DECLARE_FINAL_TYPE (ScWindow, sc_window, SC, WINDOW, AdwApplicationWindow)

/* The main window: while the account loads a spinner, without an identity
 * the welcome page, then contacts, requests and the knock log, with my
 * identity and where others can reach me in the header. */
ScWindow  *sc_window_new          (AdwApplication *application,
                                   ScAccount      *account);
/* Shows the load error, or the main content once the account loaded. */
void       sc_window_set_loaded   (ScWindow       *self,
                                   const GError   *error);
void       sc_window_show_toast   (ScWindow       *self,
                                   const char     *text);

G_END_DECLS
