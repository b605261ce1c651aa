/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "sc-profile.h"

char *
sc_profile_resolve (const char *explicit_dir)
{
  const char *env;

  if (explicit_dir != NULL && explicit_dir[0] != '\0')
    return g_canonicalize_filename (explicit_dir, NULL);

  env = g_getenv ("SIXCHAT_PROFILE");
  if (env != NULL && env[0] != '\0')
    return g_canonicalize_filename (env, NULL);

  return g_build_filename (g_get_user_data_dir (), "sixchat", NULL);
}

gboolean
sc_profile_ensure (const char  *profile_dir,
                   GError     **error)
{
  g_return_val_if_fail (profile_dir != NULL, FALSE);

  if (g_file_test (profile_dir, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (profile_dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                       "Profile %s is not a directory", profile_dir);
          return FALSE;
        }
      return TRUE;
    }

  if (g_mkdir_with_parents (profile_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create profile directory %s: %s",
                   profile_dir, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

char *
sc_profile_database_path (const char *profile_dir)
{
  return g_build_filename (profile_dir, "sixchat.db", NULL);
}

ScStore *
sc_profile_open_store (const char  *profile_dir,
                       GError     **error)
{
  g_autofree char *path = NULL;

  if (!sc_profile_ensure (profile_dir, error))
    return NULL;

  path = sc_profile_database_path (profile_dir);
  return sc_store_open (path, error);
}
