/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* When something happened, in local time, for a list row: "Just now" and
 * "5 minutes ago" within the last hour, "Today at 14:05", "Yesterday at
 * 14:05", else the date and time.  time: UNIX seconds; now: UNIX seconds
 * to compare with (g_get_real_time () / G_USEC_PER_SEC). */
char *sc_time_format_relative (gint64 time,
                               gint64 now);
/* The full local date and time, for a tooltip. */
char *sc_time_format_full     (gint64 time);

G_END_DECLS
