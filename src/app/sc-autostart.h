/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Start at login: SixChat started without a window (--background) when the
 * user logs in. */
typedef enum
{
  SC_AUTOSTART_AUTO,    /* the portal inside Flatpak (/.flatpak-info exists), else the file */
  SC_AUTOSTART_FILE,    /* $XDG_CONFIG_HOME/autostart/APP_ID.desktop */
  SC_AUTOSTART_PORTAL,  /* org.freedesktop.portal.Background.RequestBackground */
} ScAutostartMethod;

/* $XDG_CONFIG_HOME/autostart/APP_ID.desktop */
char     *sc_autostart_get_file_path (void);
/* The arguments that start profile_dir (NULL: the default profile) in the
 * background: program --background [--profile DIR]. */
GStrv     sc_autostart_command_line  (const char           *program,
                                      const char           *profile_dir);
/* Turns start at login on or off for profile_dir (NULL: the default
 * profile).  File work runs in a worker thread; the portal may ask the user
 * first.  Fails when the file cannot be written or removed, or the portal
 * refuses. */
void      sc_autostart_set_async     (ScAutostartMethod     method,
                                      gboolean              enabled,
                                      const char           *profile_dir,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean  sc_autostart_set_finish    (GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
