/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Shared by the benchmark programs: a monotonic clock in nanoseconds, and
 * one JSON object per line on stdout for bench/run to read. */

gint64  sc_bench_now_ns          (void);

/* samples: a GArray of gint64 nanoseconds; sorted in place.  Nearest rank:
 * the smallest sample that at least fraction of the samples do not exceed. */
gint64  sc_bench_percentile      (GArray      *samples,
                                  double       fraction);

/* Starts a result object: {"bench": name */
GString *sc_bench_result_new     (const char  *name);
/* , "<prefix>n": …, "<prefix>median_us": …, p99, p999, mean, min, max, and
 * "<prefix>samples_us": [every sample in the order taken]; sorts samples. */
void     sc_bench_result_add_samples (GString *result,
                                      const char *prefix,
                                      GArray     *samples);
void     sc_bench_result_add_int (GString     *result,
                                  const char  *key,
                                  gint64       value);
void     sc_bench_result_add_double (GString  *result,
                                     const char *key,
                                     double      value);
/* value is written as a JSON string; it must need no escaping. */
void     sc_bench_result_add_string (GString  *result,
                                     const char *key,
                                     const char *value);
/* Closes the object, prints it as one line and frees it. */
void     sc_bench_result_print   (GString     *result);

/* {"bench": "error", "message": …} on stdout and the message on stderr. */
void     sc_bench_print_error    (const char  *format,
                                  ...) G_GNUC_PRINTF (1, 2);

/* Lifts the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit. */
guint64  sc_bench_raise_file_limit (void);

G_END_DECLS
