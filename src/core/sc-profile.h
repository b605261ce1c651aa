/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-store.h"

G_BEGIN_DECLS

/* A profile is one directory (mode 0700) holding identity.crt, identity.key
 * and sixchat.db.  Several profiles side by side are separate people. */

/* explicit_dir if given, else $SIXCHAT_PROFILE, else $XDG_DATA_HOME/sixchat. */
char     *sc_profile_resolve        (const char  *explicit_dir);
/* Creates the directory (0700) if needed; refuses a path that is not a directory. */
gboolean  sc_profile_ensure         (const char  *profile_dir,
                                     GError     **error);
char     *sc_profile_database_path  (const char  *profile_dir);
/* sc_profile_ensure() + sc_store_open() of the profile database. */
ScStore  *sc_profile_open_store     (const char  *profile_dir,
                                     GError     **error);

G_END_DECLS
