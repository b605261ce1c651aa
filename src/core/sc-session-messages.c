/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-session-worker-private.h"

/* Messages from the peer are stored (and acknowledged) in batches of at
 * most this many: one disk flush per batch. */
#define INBOX_BATCH       512
/* Our unsent messages are read from the store this many at a time, and
 * only while less than OUT_LOW_WATER bytes wait to be written. */
#define OUTBOX_BATCH      128

static void
post_messages (Worker             *w,
               ScSessionEventType  type,
               GPtrArray          *messages)
{
  ScSessionEvent *event;

  if (messages == NULL || messages->len == 0)
    return;

  event = sc_session_event_new (type);
  event->messages = g_ptr_array_ref (messages);
  sc_session_post (w->session, event);
}

static void
post_store_failed (Worker       *w,
                   const GError *error)
{
  ScSessionEvent *event = sc_session_event_new (SC_SESSION_EVENT_STORE_FAILED);

  g_message ("Session with %s: %s", w->peer_key, error->message);
  event->text1 = g_strdup (error->message);
  sc_session_post (w->session, event);
}

/* The outbox */

/* Writes our unsent messages to the session, oldest first: those pending,
 * and those sent on an earlier session that never got a receipt (the peer
 * keeps a message it already has once).  Stops while much is unwritten. */
void
sc_worker_send_outbox (Worker *w)
{
  while (w->outbox_wanted && w->state == SC_SESSION_STATE_OPEN
         && w->out->len - w->out_pos < OUT_LOW_WATER)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) unsent = NULL;
      g_autoptr(GPtrArray) changed = NULL;

      unsent = sc_store_list_unsent (w->store, w->peer_key, w->outbox_seq, OUTBOX_BATCH, &error);
      if (unsent == NULL)
        {
          /* Tried again on the next message or session. */
          post_store_failed (w, error);
          w->outbox_wanted = FALSE;
          return;
        }

      if (unsent->len < OUTBOX_BATCH)
        w->outbox_wanted = FALSE;

      for (guint i = 0; i < unsent->len; i++)
        {
          const ScMessage *message = g_ptr_array_index (unsent, i);
          g_autoptr(ScFrame) frame = sc_frame_new (SC_FRAME_MESSAGE);

          frame->id = g_strdup (message->id);
          frame->time = message->time;
          frame->body = g_strdup (message->body);
          sc_worker_queue_frame (w, frame);
          w->outbox_seq = message->seq;
        }

      if (!sc_store_mark_sent (w->store, unsent, sc_peer_certificate_get_fingerprint (w->peer),
                               &changed, &error))
        post_store_failed (w, error);
      post_messages (w, SC_SESSION_EVENT_MESSAGES_CHANGED, changed);
    }
}

/* The inbox and receipts */

/* Stores what the peer sent since the last batch, then acknowledges all
 * of it: a receipt only ever follows a message that is on disk.  A message
 * we already had is acknowledged again but not reported again.  When the
 * store fails nothing is acknowledged; the peer keeps the messages and
 * sends them on its next session. */
static void
commit_inbox (Worker *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = NULL;

  if (w->inbox->len == 0)
    return;

  if (!sc_store_receive_messages (w->store, w->peer_key, sc_peer_certificate_get_fingerprint (w->peer),
                                  w->inbox, &added, &error))
    {
      post_store_failed (w, error);
      sc_worker_queue_error (w, "storage-failed",
                             "The messages could not be stored; send them again later");
      sc_worker_close (w, SC_CLOSE_IO_ERROR, "Cannot store the messages of %s: %s",
                       w->peer_key, error->message);
      g_ptr_array_set_size (w->inbox, 0);
      return;
    }

  for (guint i = 0; i < w->inbox->len; i++)
    {
      const ScMessage *message = g_ptr_array_index (w->inbox, i);
      g_autoptr(ScFrame) receipt = sc_frame_new (SC_FRAME_RECEIPT);

      receipt->id = g_strdup (message->id);
      receipt->status = g_strdup ("delivered");
      sc_worker_queue_frame (w, receipt);
    }
  g_ptr_array_set_size (w->inbox, 0);

  /* The receipts go out before the owner hears of the messages. */
  sc_worker_flush (w);
  post_messages (w, SC_SESSION_EVENT_MESSAGES, added);
}

/* Our messages the peer acknowledged since the last batch.  A receipt for
 * an id we never sent changes nothing. */
static void
commit_receipts (Worker *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changed = NULL;

  if (w->receipts->len == 0)
    return;

  if (!sc_store_mark_delivered (w->store, w->peer_key, w->receipts, &changed, &error))
    post_store_failed (w, error);
  g_ptr_array_set_size (w->receipts, 0);
  post_messages (w, SC_SESSION_EVENT_MESSAGES_CHANGED, changed);
}

void
sc_worker_commit_batches (Worker *w)
{
  commit_inbox (w);
  commit_receipts (w);
}

void
sc_worker_handle_message (Worker  *w,
                          ScFrame *frame)
{
  ScMessage *message;

  if (w->state != SC_SESSION_STATE_OPEN)
    {
      sc_worker_protocol_error (w, "not-admitted",
                                "messages wait until the contact request is accepted");
      return;
    }

  message = sc_message_new ();
  message->id = g_steal_pointer (&frame->id);
  message->time = frame->time;
  message->body = g_steal_pointer (&frame->body);
  g_ptr_array_add (w->inbox, message);

  if (w->inbox->len >= INBOX_BATCH)
    commit_inbox (w);
}

void
sc_worker_handle_receipt (Worker  *w,
                          ScFrame *frame)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  if (w->state != SC_SESSION_STATE_OPEN)
    return;

  if (g_strcmp0 (frame->status, "delivered") == 0)
    {
      g_ptr_array_add (w->receipts, g_steal_pointer (&frame->id));
      if (w->receipts->len >= INBOX_BATCH)
        commit_receipts (w);
      return;
    }

  /* Other statuses are for later versions; "refused" is final. */
  if (g_strcmp0 (frame->status, "refused") != 0)
    return;

  commit_receipts (w);
  ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (ids, g_steal_pointer (&frame->id));
  if (!sc_store_mark_refused (w->store, w->peer_key, ids,
                              frame->reason != NULL ? frame->reason : "The peer refused the message",
                              &changed, &error))
    post_store_failed (w, error);
  post_messages (w, SC_SESSION_EVENT_MESSAGES_CHANGED, changed);
}
