/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_APPLICATION (sc_application_get_type ())
G_DECLARE_FINAL_TYPE (ScApplication, sc_application, SC, APPLICATION, AdwApplication)

/* The SixChat application: one profile (--profile DIR, else $SIXCHAT_PROFILE,
 * else $XDG_DATA_HOME/sixchat), its main window and its chat windows.
 *
 * Actions: app.quit, app.about, app.preferences, app.connect (the ad hoc
 * Connect-to-User dialog), app.dial ((ss) user ID, address: opens a chat
 * window that dials), app.show-session (t: presents the chat window of that
 * session; used by notifications). */
ScApplication *sc_application_new          (void);
ScAccount     *sc_application_get_account  (ScApplication *self);
/* The profile to open; --profile sets it.  Tests call it before activate. */
void           sc_application_set_profile_dir (ScApplication *self,
                                               const char    *profile_dir);
/* The main window, once activated. */
GtkWindow     *sc_application_get_main_window (ScApplication *self);

G_END_DECLS
