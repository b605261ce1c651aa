/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ScThreadPool: threads are reused, at most max_idle of them wait, and
 * every job runs. */
#include "config.h"

#include <glib.h>

#include "sc-thread-pool.h"

#define STACK_SIZE (256 * 1024)
#define MAX_IDLE   3

/* Jobs that wait for a gate, so that a test decides when they end. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean open;
  guint    started;
  guint    done;
  GThread *last_thread;
} Gate;

static void
gate_init (Gate *gate)
{
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
}

static void
gate_clear (Gate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

static void
gate_job (gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->started++;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  gate->last_thread = g_thread_self ();
  gate->done++;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

static void
gate_open (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

/* Waits until *counter reaches n, for 10 s at most. */
static gboolean
gate_wait (Gate  *gate,
           guint *counter,
           guint  n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  gboolean reached;

  g_mutex_lock (&gate->lock);
  while (*counter < n && g_cond_wait_until (&gate->cond, &gate->lock, deadline))
    ;
  reached = *counter >= n;
  g_mutex_unlock (&gate->lock);

  return reached;
}

/* Waits until the pool has n idle threads, for 10 s at most. */
static gboolean
wait_idle (ScThreadPool *pool,
           guint         n)
{
  for (guint i = 0; i < 1000; i++)
    {
      if (sc_thread_pool_get_n_idle (pool) == n)
        return TRUE;
      g_usleep (10 * 1000);
    }

  return FALSE;
}

static void
test_reuse (void)
{
  ScThreadPool *pool = sc_thread_pool_new (STACK_SIZE, MAX_IDLE);
  GThread *first = NULL;
  Gate gate = { .open = TRUE };

  gate_init (&gate);

  /* One job after another: the same thread runs them all. */
  for (guint i = 1; i <= 50; i++)
    {
      g_assert_true (sc_thread_pool_push (pool, gate_job, &gate, NULL));
      g_assert_true (gate_wait (&gate, &gate.done, i));
      g_assert_true (wait_idle (pool, 1));
      g_assert_cmpuint (sc_thread_pool_get_n_threads (pool), ==, 1);

      if (first == NULL)
        first = gate.last_thread;
      g_assert_true (gate.last_thread == first);
    }

  sc_thread_pool_free (pool);
  gate_clear (&gate);
}

static void
test_bounded (void)
{
  ScThreadPool *pool = sc_thread_pool_new (STACK_SIZE, MAX_IDLE);
  const guint n = 12;
  Gate gate = { .open = FALSE };

  gate_init (&gate);

  /* Jobs that all run at once each get a thread… */
  for (guint i = 0; i < n; i++)
    g_assert_true (sc_thread_pool_push (pool, gate_job, &gate, NULL));
  g_assert_true (gate_wait (&gate, &gate.started, n));
  g_assert_cmpuint (sc_thread_pool_get_n_threads (pool), ==, n);
  g_assert_cmpuint (sc_thread_pool_get_n_idle (pool), ==, 0);

  /* …and once they are done, only MAX_IDLE threads stay. */
  gate_open (&gate);
  g_assert_true (gate_wait (&gate, &gate.done, n));
  g_assert_true (wait_idle (pool, MAX_IDLE));
  for (guint i = 0; i < 1000 && sc_thread_pool_get_n_threads (pool) > MAX_IDLE; i++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (sc_thread_pool_get_n_threads (pool), ==, MAX_IDLE);

  /* The waiting threads take new jobs before any thread is made. */
  g_mutex_lock (&gate.lock);
  gate.open = FALSE;
  g_mutex_unlock (&gate.lock);
  for (guint i = 0; i < MAX_IDLE; i++)
    g_assert_true (sc_thread_pool_push (pool, gate_job, &gate, NULL));
  g_assert_true (gate_wait (&gate, &gate.started, n + MAX_IDLE));
  g_assert_cmpuint (sc_thread_pool_get_n_threads (pool), ==, MAX_IDLE);

  gate_open (&gate);
  g_assert_true (gate_wait (&gate, &gate.done, n + MAX_IDLE));
  g_assert_true (wait_idle (pool, MAX_IDLE));

  sc_thread_pool_free (pool);
  gate_clear (&gate);
}

static void
test_free_runs_pushed_jobs (void)
{
  ScThreadPool *pool = sc_thread_pool_new (STACK_SIZE, MAX_IDLE);
  Gate gate = { .open = FALSE };

  gate_init (&gate);

  /* Freeing lets the threads go, not the jobs already pushed. */
  for (guint i = 0; i < 5; i++)
    g_assert_true (sc_thread_pool_push (pool, gate_job, &gate, NULL));
  g_assert_true (gate_wait (&gate, &gate.started, 5));
  sc_thread_pool_free (pool);

  gate_open (&gate);
  g_assert_true (gate_wait (&gate, &gate.done, 5));
  gate_clear (&gate);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/thread-pool/reuse", test_reuse);
  g_test_add_func ("/thread-pool/bounded", test_bounded);
  g_test_add_func ("/thread-pool/free-runs-pushed-jobs", test_free_runs_pushed_jobs);

  return g_test_run ();
}
