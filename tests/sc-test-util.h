/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh temporary directory (mode 0700) removed, with everything in it, by
 * sc_test_dir_free(). */
char     *sc_test_dir_new           (const char *prefix);
void      sc_test_dir_free          (char       *path);
void      sc_test_rm_rf             (const char *path);

/* Spins the thread-default main context until *flag becomes TRUE or the
 * timeout (seconds) passes; returns *flag. */
gboolean  sc_test_wait_for          (const gboolean *flag,
                                     guint           timeout_seconds);

/* Runs a program to completion; stdout in *out (may be NULL). Returns the exit status. */
int       sc_test_run               (char          **out,
                                     char          **err,
                                     const char     *first_arg,
                                     ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
