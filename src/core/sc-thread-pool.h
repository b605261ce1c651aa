/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Threads with a small stack that run one job after another: a thread that
 * finished its job waits for the next one, up to max_idle threads at a time;
 * beyond that it ends.  Starting a job on a waiting thread saves creating
 * one (the stack mapping and clone()) on the path of the job.  Internal to
 * libsixchat-core; every function is thread-safe. */
typedef struct _ScThreadPool ScThreadPool;

typedef void (*ScThreadPoolFunc) (gpointer data);

ScThreadPool *sc_thread_pool_new        (gsize          stack_size,
                                         guint          max_idle);
/* Lets the waiting threads end; jobs already pushed still run. */
void          sc_thread_pool_free       (ScThreadPool  *pool);
/* Runs func (data) on a waiting thread, or on a new one when none waits. */
gboolean      sc_thread_pool_push       (ScThreadPool  *pool,
                                         ScThreadPoolFunc func,
                                         gpointer       data,
                                         GError       **error);
/* Threads that exist (running a job or waiting), and those waiting. */
guint         sc_thread_pool_get_n_threads (ScThreadPool *pool);
guint         sc_thread_pool_get_n_idle    (ScThreadPool *pool);

G_END_DECLS
