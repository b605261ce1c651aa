/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>

#include <gio/gio.h>

#include "sc-thread-pool.h"

struct _ScThreadPool
{
  gatomicrefcount  ref_count;   /* the owner's and one per thread */
  gsize            stack_size;

  GMutex           lock;
  GCond            cond;
  GQueue           jobs;        /* Job*, oldest first */
  guint            max_idle;
  guint            n_threads;
  guint            n_idle;      /* threads waiting in cond */
  gboolean         closed;
};

typedef struct
{
  ScThreadPoolFunc func;
  gpointer         data;
} Job;

ScThreadPool *
sc_thread_pool_new (gsize stack_size,
                    guint max_idle)
{
  ScThreadPool *pool = g_new0 (ScThreadPool, 1);

  g_atomic_ref_count_init (&pool->ref_count);
  pool->stack_size = stack_size;
  pool->max_idle = max_idle;
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->cond);
  g_queue_init (&pool->jobs);

  return pool;
}

static void
pool_unref (ScThreadPool *pool)
{
  if (!g_atomic_ref_count_dec (&pool->ref_count))
    return;

  g_assert (g_queue_is_empty (&pool->jobs));
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->cond);
  g_free (pool);
}

void
sc_thread_pool_free (ScThreadPool *pool)
{
  g_return_if_fail (pool != NULL);

  g_mutex_lock (&pool->lock);
  pool->closed = TRUE;
  g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);

  pool_unref (pool);
}

/* Takes the next job, waiting for one while fewer than max_idle threads
 * wait; NULL when this thread should end.  Called with the lock held. */
static Job *
pool_next_job (ScThreadPool *pool)
{
  Job *job = g_queue_pop_head (&pool->jobs);

  if (job != NULL || pool->closed || pool->n_idle >= pool->max_idle)
    return job;

  pool->n_idle++;
  while ((job = g_queue_pop_head (&pool->jobs)) == NULL && !pool->closed)
    g_cond_wait (&pool->cond, &pool->lock);
  pool->n_idle--;

  return job;
}

static void *
pool_thread (void *data)
{
  ScThreadPool *pool = data;
  Job *job;

  g_mutex_lock (&pool->lock);
  while ((job = pool_next_job (pool)) != NULL)
    {
      g_mutex_unlock (&pool->lock);
      job->func (job->data);
      g_free (job);
      g_mutex_lock (&pool->lock);
    }
  pool->n_threads--;
  g_mutex_unlock (&pool->lock);

  pool_unref (pool);
  return NULL;
}

gboolean
sc_thread_pool_push (ScThreadPool      *pool,
                     ScThreadPoolFunc   func,
                     gpointer           data,
                     GError           **error)
{
  Job *job = g_new (Job, 1);
  pthread_attr_t attr;
  pthread_t thread;
  gboolean taken;
  int ret;

  g_return_val_if_fail (pool != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  job->func = func;
  job->data = data;

  g_mutex_lock (&pool->lock);
  g_queue_push_tail (&pool->jobs, job);
  if (pool->jobs.length <= pool->n_idle)
    {
      /* A waiting thread takes it. */
      g_cond_signal (&pool->cond);
      g_mutex_unlock (&pool->lock);
      return TRUE;
    }
  pool->n_threads++;
  g_mutex_unlock (&pool->lock);

  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, pool->stack_size);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  g_atomic_ref_count_inc (&pool->ref_count);
  ret = pthread_create (&thread, &attr, pool_thread, pool);
  pthread_attr_destroy (&attr);

  if (ret == 0)
    return TRUE;

  pool_unref (pool);
  g_mutex_lock (&pool->lock);
  pool->n_threads--;
  /* A thread that finished its job meanwhile may have taken this one. */
  taken = !g_queue_remove (&pool->jobs, job);
  g_mutex_unlock (&pool->lock);

  if (taken)
    return TRUE;

  g_free (job);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (ret),
               "Cannot start a thread: %s", g_strerror (ret));
  return FALSE;
}

guint
sc_thread_pool_get_n_threads (ScThreadPool *pool)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&pool->lock);

  return pool->n_threads;
}

guint
sc_thread_pool_get_n_idle (ScThreadPool *pool)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&pool->lock);

  return pool->n_idle;
}
