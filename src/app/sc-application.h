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
 * One instance per profile: g_application_run() sets the application id
 * from the profile (sc_application_id_for_profile()), so launching a
 * profile again presents its window, and opening a sixchat: link hands it
 * to the running instance, which shows Connect-to-User filled in.
 * --background starts listening without a window.
 *
 * Actions: app.quit, app.about, app.preferences, app.connect (the ad hoc
 * Connect-to-User dialog), app.dial ((ss) user ID, address: opens a chat
 * window that dials), app.show-session (t: presents the chat window of that
 * session; used by notifications), app.run-in-background and
 * app.start-at-login (boolean states, saved in GSettings). */
ScApplication *sc_application_new          (void);
/* APP_ID for the default profile ($XDG_DATA_HOME/sixchat), else APP_ID
 * plus ".Profile" and 12 hex digits of the SHA-256 of the canonical path:
 * stable, and distinct for each profile. */
char          *sc_application_id_for_profile (const char *profile_dir);
ScAccount     *sc_application_get_account  (ScApplication *self);
/* The profile to open; --profile sets it.  Tests call it before activate. */
void           sc_application_set_profile_dir (ScApplication *self,
                                               const char    *profile_dir);
/* The main window, once activated. */
GtkWindow     *sc_application_get_main_window (ScApplication *self);

G_END_DECLS
