/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-time-format.h"

/* Days from b's local date to a's. */
static int
days_between (GDateTime *a,
              GDateTime *b)
{
  GDate date_a, date_b;

  g_date_clear (&date_a, 1);
  g_date_clear (&date_b, 1);
  g_date_set_dmy (&date_a, g_date_time_get_day_of_month (a),
                  g_date_time_get_month (a), g_date_time_get_year (a));
  g_date_set_dmy (&date_b, g_date_time_get_day_of_month (b),
                  g_date_time_get_month (b), g_date_time_get_year (b));

  return g_date_days_between (&date_b, &date_a);
}

char *
sc_time_format_relative (gint64 time,
                         gint64 now)
{
  g_autoptr(GDateTime) then_local = g_date_time_new_from_unix_local (time);
  g_autoptr(GDateTime) now_local = g_date_time_new_from_unix_local (now);
  gint64 ago = now - time;
  int days;

  if (then_local == NULL || now_local == NULL)
    return g_strdup ("");

  days = days_between (now_local, then_local);

  if (ago >= 0 && ago < 60)
    return g_strdup (_("Just now"));
  if (ago >= 0 && ago < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago",
                                         (gulong) (ago / 60)),
                            (int) (ago / 60));
  if (days == 0)
    /* Translators: a time today, see g_date_time_format() */
    return g_date_time_format (then_local, _("Today at %H:%M"));
  if (days == 1)
    /* Translators: a time yesterday, see g_date_time_format() */
    return g_date_time_format (then_local, _("Yesterday at %H:%M"));

  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (then_local, _("%-d %b %Y, %H:%M"));
}

char *
sc_time_format_full (gint64 time)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time);

  if (local == NULL)
    return g_strdup ("");

  /* Translators: a full date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%A, %-d %B %Y, %H:%M:%S"));
}
