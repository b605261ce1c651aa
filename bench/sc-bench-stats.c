/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>

#include "sc-bench-stats.h"

gint64
sc_bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

gint64
sc_bench_percentile (GArray *samples,
                     double  fraction)
{
  gsize rank;

  g_return_val_if_fail (samples != NULL && samples->len > 0, 0);

  g_array_sort (samples, compare_int64);
  rank = (gsize) ceil (fraction * samples->len);
  rank = CLAMP (rank, 1, samples->len);

  return g_array_index (samples, gint64, rank - 1);
}

GString *
sc_bench_result_new (const char *name)
{
  GString *result = g_string_new ("{");

  g_string_append_printf (result, "\"bench\": \"%s\"", name);
  return result;
}

void
sc_bench_result_add_int (GString    *result,
                         const char *key,
                         gint64      value)
{
  g_string_append_printf (result, ", \"%s\": %" G_GINT64_FORMAT, key, value);
}

void
sc_bench_result_add_double (GString    *result,
                            const char *key,
                            double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buffer, sizeof buffer, "%.3f", value);
  g_string_append_printf (result, ", \"%s\": %s", key, buffer);
}

void
sc_bench_result_add_string (GString    *result,
                            const char *key,
                            const char *value)
{
  g_string_append_printf (result, ", \"%s\": \"%s\"", key, value);
}

void
sc_bench_result_add_samples (GString    *result,
                             const char *prefix,
                             GArray     *samples)
{
  g_autofree char *n = g_strconcat (prefix, "n", NULL);
  g_autofree char *median = g_strconcat (prefix, "median_us", NULL);
  g_autofree char *p99 = g_strconcat (prefix, "p99_us", NULL);
  g_autofree char *p999 = g_strconcat (prefix, "p999_us", NULL);
  g_autofree char *mean = g_strconcat (prefix, "mean_us", NULL);
  g_autofree char *min = g_strconcat (prefix, "min_us", NULL);
  g_autofree char *max = g_strconcat (prefix, "max_us", NULL);
  g_autofree char *all = g_strconcat (prefix, "samples_us", NULL);
  g_autoptr(GArray) in_order = NULL;
  double sum = 0;

  sc_bench_result_add_int (result, n, samples->len);
  if (samples->len == 0)
    return;

  in_order = g_array_copy (samples);
  for (guint i = 0; i < samples->len; i++)
    sum += (double) g_array_index (samples, gint64, i);

  sc_bench_result_add_double (result, median, sc_bench_percentile (samples, 0.50) / 1e3);
  sc_bench_result_add_double (result, p99, sc_bench_percentile (samples, 0.99) / 1e3);
  sc_bench_result_add_double (result, p999, sc_bench_percentile (samples, 0.999) / 1e3);
  sc_bench_result_add_double (result, mean, sum / samples->len / 1e3);
  sc_bench_result_add_double (result, min, g_array_index (samples, gint64, 0) / 1e3);
  sc_bench_result_add_double (result, max,
                              g_array_index (samples, gint64, samples->len - 1) / 1e3);

  /* Every sample, in the order taken, for bench/run to pool several runs. */
  g_string_append_printf (result, ", \"%s\": [", all);
  for (guint i = 0; i < samples->len; i++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (buffer, sizeof buffer, "%.3f",
                       g_array_index (in_order, gint64, i) / 1e3);
      g_string_append_printf (result, "%s%s", i > 0 ? ", " : "", buffer);
    }
  g_string_append_c (result, ']');
}

void
sc_bench_result_print (GString *result)
{
  g_string_append (result, "}\n");
  fputs (result->str, stdout);
  fflush (stdout);
  g_string_free (result, TRUE);
}

void
sc_bench_print_error (const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  g_autoptr(GString) escaped = g_string_new (NULL);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  for (const char *p = message; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (escaped, '\\');
      if ((guchar) *p < 0x20)
        g_string_append_c (escaped, ' ');
      else
        g_string_append_c (escaped, *p);
    }

  fprintf (stderr, "sixchat-bench: %s\n", message);
  printf ("{\"bench\": \"error\", \"message\": \"%s\"}\n", escaped->str);
  fflush (stdout);
}

guint64
sc_bench_raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 0;

  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        getrlimit (RLIMIT_NOFILE, &limit);
    }

  return limit.rlim_cur;
}
