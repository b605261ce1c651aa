/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-messenger-private.h"

struct _ScMessenger
{
  GObject         parent_instance;

  ScAgentContext *context;
};

G_DEFINE_FINAL_TYPE (ScMessenger, sc_messenger, G_TYPE_OBJECT)

enum {
  MESSAGE_ADDED,
  MESSAGE_CHANGED,
  MESSAGE_REMOVED,
  CONVERSATION_REMOVED,
  STORE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  JOB_SEND,
  JOB_RESEND,
  JOB_DELETE,
  JOB_DELETE_CONVERSATION,
} JobKind;

/* One store job.  It runs in a worker thread (inner task); its outcome is
 * announced through the agent context's event queue before any session is
 * told of the message, so "message-added" always comes before the
 * "message-changed" of the same message.  Then the caller's task (outer)
 * completes; the signals do not depend on the caller finishing. */
typedef struct
{
  JobKind    kind;
  char      *peer;
  char      *body;
  gint64     seq;
  ScMessage *removed;  /* set by the job */
  ScMessage *added;    /* set by the job */
  GTask     *outer;
} Job;

static void
job_free (Job *job)
{
  g_free (job->peer);
  g_free (job->body);
  g_clear_pointer (&job->removed, sc_message_unref);
  g_clear_pointer (&job->added, sc_message_unref);
  g_clear_object (&job->outer);
  g_free (job);
}

typedef struct
{
  ScMessenger *messenger;
  JobKind      kind;
  char        *peer;
  ScMessage   *removed;
  ScMessage   *added;
} Announcement;

static void
announce (gpointer data)
{
  Announcement *announcement = data;
  ScMessenger *self = announcement->messenger;

  if (announcement->removed != NULL)
    g_signal_emit (self, signals[MESSAGE_REMOVED], 0, announcement->removed);
  if (announcement->kind == JOB_DELETE_CONVERSATION)
    g_signal_emit (self, signals[CONVERSATION_REMOVED], 0, announcement->peer);
  if (announcement->added != NULL)
    g_signal_emit (self, signals[MESSAGE_ADDED], 0, announcement->added);

  g_object_unref (announcement->messenger);
  g_free (announcement->peer);
  g_clear_pointer (&announcement->removed, sc_message_unref);
  g_clear_pointer (&announcement->added, sc_message_unref);
  g_free (announcement);
}

static void
post_announcement (ScMessenger *self,
                   Job         *job)
{
  Announcement *announcement = g_new0 (Announcement, 1);

  announcement->messenger = g_object_ref (self);
  announcement->kind = job->kind;
  announcement->peer = g_strdup (job->peer);
  announcement->removed = job->removed != NULL ? sc_message_ref (job->removed) : NULL;
  announcement->added = job->added != NULL ? sc_message_ref (job->added) : NULL;
  sc_agent_context_post (self->context, announce, announcement);
}

static gboolean
run_job (ScMessenger  *self,
         Job          *job,
         GError      **error)
{
  ScStore *store = sc_agent_context_get_store (self->context);

  switch (job->kind)
    {
    case JOB_SEND:
      job->added = sc_store_add_outgoing_message (store, job->peer, job->body, error);
      break;

    case JOB_RESEND:
      job->removed = sc_store_get_message (store, job->seq, error);
      if (job->removed == NULL)
        return FALSE;
      job->added = sc_store_requeue_message (store, job->seq, error);
      break;

    case JOB_DELETE:
      job->removed = sc_store_get_message (store, job->seq, error);
      if (job->removed == NULL || !sc_store_delete_message (store, job->seq, error))
        return FALSE;
      post_announcement (self, job);
      return TRUE;

    case JOB_DELETE_CONVERSATION:
      if (!sc_store_delete_conversation (store, job->peer, NULL, error))
        return FALSE;
      post_announcement (self, job);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  if (job->added == NULL)
    return FALSE;

  /* Announced first, then every open session with the peer sends it. */
  post_announcement (self, job);
  sc_agent_context_poke_peer (self->context, job->added->peer);
  return TRUE;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (run_job (source_object, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) outer = g_steal_pointer (&job->outer);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  if (job->added != NULL)
    g_task_return_pointer (outer, sc_message_ref (job->added), (GDestroyNotify) sc_message_unref);
  else
    g_task_return_boolean (outer, TRUE);
}

static void
start_job (ScMessenger         *self,
           Job                 *job,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;

  job->outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->outer, source_tag);

  /* Not cancellable once started: what was stored is announced. */
  inner = g_task_new (self, NULL, job_done, NULL);
  g_task_set_source_tag (inner, source_tag);
  g_task_set_task_data (inner, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (inner, job_thread);
}

static Job *
job_new (JobKind kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  return job;
}

ScMessenger *
sc_messenger_new (ScAgentContext *context)
{
  ScMessenger *self = g_object_new (SC_TYPE_MESSENGER, NULL);

  self->context = sc_agent_context_ref (context);
  return self;
}

ScStore *
sc_messenger_get_store (ScMessenger *self)
{
  g_return_val_if_fail (SC_IS_MESSENGER (self), NULL);

  return sc_agent_context_get_store (self->context);
}

void
sc_messenger_send_async (ScMessenger         *self,
                         const char          *peer,
                         const char          *body,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Job *job;

  g_return_if_fail (SC_IS_MESSENGER (self));

  job = job_new (JOB_SEND);
  job->peer = g_strdup (peer);
  job->body = g_strdup (body);
  start_job (self, job, sc_messenger_send_async, cancellable, callback, user_data);
}

ScMessage *
sc_messenger_send_finish (ScMessenger   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sc_messenger_resend_async (ScMessenger         *self,
                           gint64               seq,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Job *job;

  g_return_if_fail (SC_IS_MESSENGER (self));

  job = job_new (JOB_RESEND);
  job->seq = seq;
  start_job (self, job, sc_messenger_resend_async, cancellable, callback, user_data);
}

ScMessage *
sc_messenger_resend_finish (ScMessenger   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sc_messenger_delete_async (ScMessenger         *self,
                           gint64               seq,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Job *job;

  g_return_if_fail (SC_IS_MESSENGER (self));

  job = job_new (JOB_DELETE);
  job->seq = seq;
  start_job (self, job, sc_messenger_delete_async, cancellable, callback, user_data);
}

gboolean
sc_messenger_delete_finish (ScMessenger   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sc_messenger_delete_conversation_async (ScMessenger         *self,
                                        const char          *peer,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Job *job;

  g_return_if_fail (SC_IS_MESSENGER (self));

  job = job_new (JOB_DELETE_CONVERSATION);
  job->peer = sc_user_id_normalize (peer);
  if (job->peer == NULL)
    job->peer = g_strdup (peer);
  start_job (self, job, sc_messenger_delete_conversation_async, cancellable, callback, user_data);
}

gboolean
sc_messenger_delete_conversation_finish (ScMessenger   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sessions */

static void
on_message_received (ScSession   *session,
                     ScMessage   *message,
                     ScMessenger *self)
{
  g_signal_emit (self, signals[MESSAGE_ADDED], 0, message);
}

static void
on_message_changed (ScSession   *session,
                    ScMessage   *message,
                    ScMessenger *self)
{
  g_signal_emit (self, signals[MESSAGE_CHANGED], 0, message);
}

static void
on_store_failed (ScSession   *session,
                 const char  *message,
                 ScMessenger *self)
{
  g_signal_emit (self, signals[STORE_FAILED], 0, message);
}

void
sc_messenger_track_session (ScMessenger *self,
                            ScSession   *session)
{
  g_signal_connect_object (session, "message-received", G_CALLBACK (on_message_received), self, 0);
  g_signal_connect_object (session, "message-changed", G_CALLBACK (on_message_changed), self, 0);
  g_signal_connect_object (session, "store-failed", G_CALLBACK (on_store_failed), self, 0);
}

/* GObject */

static void
sc_messenger_finalize (GObject *object)
{
  ScMessenger *self = (ScMessenger *) object;

  g_clear_pointer (&self->context, sc_agent_context_unref);

  G_OBJECT_CLASS (sc_messenger_parent_class)->finalize (object);
}

static void
sc_messenger_class_init (ScMessengerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sc_messenger_finalize;

  signals[MESSAGE_ADDED] =
    g_signal_new ("message-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[MESSAGE_CHANGED] =
    g_signal_new ("message-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[MESSAGE_REMOVED] =
    g_signal_new ("message-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SC_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CONVERSATION_REMOVED] =
    g_signal_new ("conversation-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[STORE_FAILED] =
    g_signal_new ("store-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sc_messenger_init (ScMessenger *self)
{
}
