/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sc-peer-certificate.h"
#include "sc-store-private.h"

#define MESSAGE_COLUMNS \
  "seq, id, peer, fingerprint, outgoing, time, received, body, state, error"

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gpointer
read_message (sqlite3_stmt *stmt)
{
  ScMessage *message = sc_message_new ();

  message->seq = sqlite3_column_int64 (stmt, 0);
  message->id = column_strdup (stmt, 1);
  message->peer = column_strdup (stmt, 2);
  message->fingerprint = column_strdup (stmt, 3);
  message->outgoing = sqlite3_column_int (stmt, 4) != 0;
  message->time = sqlite3_column_int64 (stmt, 5);
  message->received = sqlite3_column_int64 (stmt, 6);
  message->body = column_strdup (stmt, 7);
  if (!sc_message_state_from_string ((const char *) sqlite3_column_text (stmt, 8), &message->state))
    message->state = SC_MESSAGE_FAILED;
  message->error = column_strdup (stmt, 9);

  return message;
}

static gpointer
read_hit (sqlite3_stmt *stmt)
{
  ScMessage *message = read_message (stmt);

  message->snippet = column_strdup (stmt, 10);
  return message;
}

static char *
normalize_peer (const char  *peer,
                GError     **error)
{
  char *normalized = peer != NULL && sc_user_id_is_valid (peer) ? sc_user_id_normalize (peer) : NULL;

  if (normalized == NULL)
    g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                 _("“%s” is not a user ID"), peer != NULL ? peer : "");

  return normalized;
}

static ScMessage *
store_read_message (ScStore  *self,
                    gint64    seq,
                    GError  **error)
{
  gpointer row = NULL;

  if (!sc_store_read_one (self, "SELECT " MESSAGE_COLUMNS " FROM messages WHERE seq = ?",
                          seq, NULL, read_message, &row, error))
    return NULL;

  if (row == NULL)
    g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                 _("There is no message %lld"), (long long) seq);

  return row;
}

static gint64
store_insert_outgoing (ScStore     *self,
                       const char  *id,
                       const char  *peer,
                       gint64       time,
                       const char  *body,
                       GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = sc_store_prepare (self,
                           "INSERT INTO messages (id, peer, outgoing, time, received, body, state) "
                           "VALUES (?, ?, 1, ?, 0, ?, 'pending')",
                           error);
  if (stmt == NULL)
    return 0;

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, peer);
  sqlite3_bind_int64 (stmt, 3, time);
  bind_text (stmt, 4, body);
  if (!sc_store_step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

ScMessage *
sc_store_add_outgoing_message (ScStore     *self,
                               const char  *peer,
                               const char  *body,
                               GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 seq;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  if ((normalized = normalize_peer (peer, error)) == NULL)
    return NULL;

  if (!sc_message_check_body (body, &local_error))
    {
      g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID, local_error->message);
      return NULL;
    }

  locker = g_mutex_locker_new (&self->lock);
  id = g_uuid_string_random ();
  if (!sc_store_begin_durable (self, error))
    return NULL;
  seq = store_insert_outgoing (self, id, normalized, now_ms (), body, error);
  if (!sc_store_end_durable (self, seq > 0, error))
    return NULL;

  return store_read_message (self, seq, error);
}

gboolean
sc_store_receive_messages (ScStore     *self,
                           const char  *peer,
                           const char  *fingerprint,
                           GPtrArray   *messages,
                           GPtrArray  **added,
                           GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) new_messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  g_autofree char *normalized = NULL;
  gint64 received = now_ms ();
  gboolean ok = TRUE;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  if ((normalized = normalize_peer (peer, error)) == NULL)
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  if (!sc_store_begin_durable (self, error))
    return FALSE;

  for (guint i = 0; ok && i < messages->len; i++)
    {
      const ScMessage *message = g_ptr_array_index (messages, i);
      g_autoptr(ScStoreStatement) stmt = NULL;

      stmt = sc_store_prepare (self,
                               "INSERT OR IGNORE INTO messages (id, peer, fingerprint, outgoing, "
                               "time, received, body, state) VALUES (?, ?, ?, 0, ?, ?, ?, 'delivered')",
                               error);
      ok = stmt != NULL;
      if (!ok)
        break;

      bind_text (stmt, 1, message->id);
      bind_text (stmt, 2, normalized);
      bind_text (stmt, 3, fingerprint);
      sqlite3_bind_int64 (stmt, 4, message->time);
      sqlite3_bind_int64 (stmt, 5, received);
      bind_text (stmt, 6, message->body);
      ok = sc_store_step_done (self, stmt, error);
      if (ok && sqlite3_changes (self->db) > 0)
        {
          /* The row as stored: every field is known here. */
          ScMessage *row = sc_message_copy (message);

          row->seq = sqlite3_last_insert_rowid (self->db);
          g_free (row->peer);
          row->peer = g_strdup (normalized);
          g_free (row->fingerprint);
          row->fingerprint = g_strdup (fingerprint);
          row->outgoing = FALSE;
          row->received = received;
          row->state = SC_MESSAGE_DELIVERED;
          g_ptr_array_add (new_messages, row);
        }
    }

  if (!sc_store_end_durable (self, ok, error))
    return FALSE;

  if (added != NULL)
    *added = g_steal_pointer (&new_messages);

  return TRUE;
}

GPtrArray *
sc_store_list_unsent (ScStore     *self,
                      const char  *peer,
                      gint64       after_seq,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT " MESSAGE_COLUMNS " FROM messages "
                           "WHERE peer = ? AND outgoing AND state IN ('pending', 'sent') AND seq > ? "
                           "ORDER BY seq LIMIT ?",
                           error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, peer);
  sqlite3_bind_int64 (stmt, 2, after_seq);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);

  return sc_store_list_rows (self, stmt, read_message,
                             (GDestroyNotify) sc_message_unref, error);
}

/* Runs a one-parameter-per-item UPDATE for each item, in one transaction,
 * and returns the new snapshot of every row it changed.  bind() binds the
 * item to the statement and returns FALSE to skip it. */
typedef gboolean (*BindFunc) (sqlite3_stmt *stmt,
                              gpointer      item,
                              gpointer      data);

static gboolean
store_update_each (ScStore     *self,
                   const char  *update_sql,
                   const char  *select_sql,
                   GPtrArray   *items,
                   BindFunc     bind,
                   gpointer     data,
                   gboolean     durable,
                   GPtrArray  **changed,
                   GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  gboolean ok = TRUE;

  if (!(durable ? sc_store_begin_durable (self, error) : sc_store_begin_write (self, error)))
    return FALSE;

  for (guint i = 0; ok && i < items->len; i++)
    {
      g_autoptr(ScStoreStatement) update = sc_store_prepare (self, update_sql, error);
      g_autoptr(ScStoreStatement) select = NULL;
      gpointer row = NULL;

      ok = update != NULL;
      if (!ok || !bind (update, g_ptr_array_index (items, i), data))
        continue;

      ok = sc_store_step_done (self, update, error);
      if (!ok || sqlite3_changes (self->db) == 0)
        continue;

      select = sc_store_prepare (self, select_sql, error);
      ok = select != NULL;
      if (!ok)
        continue;
      bind (select, g_ptr_array_index (items, i), data);
      ok = sc_store_step_done (self, select, error);
      if (ok && sqlite3_data_count (select) > 0 && (row = read_message (select)) != NULL)
        g_ptr_array_add (rows, row);
    }

  if (!(durable ? sc_store_end_durable (self, ok, error) : sc_store_end_log (self, ok, error)))
    return FALSE;

  if (changed != NULL)
    *changed = g_steal_pointer (&rows);

  return TRUE;
}

typedef struct
{
  const char *peer;
  const char *fingerprint;
  const char *reason;
  gint64      time;
} UpdateData;

static gboolean
bind_sent (sqlite3_stmt *stmt,
           gpointer      item,
           gpointer      data)
{
  const ScMessage *message = item;
  const UpdateData *update = data;

  sqlite3_bind_int64 (stmt, 1, message->seq);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    bind_text (stmt, 2, update->fingerprint);

  return TRUE;
}

gboolean
sc_store_mark_sent (ScStore     *self,
                    GPtrArray   *messages,
                    const char  *fingerprint,
                    GPtrArray  **changed,
                    GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  UpdateData data = { .fingerprint = fingerprint };

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return store_update_each (self,
                            "UPDATE messages SET state = 'sent', fingerprint = ?2 "
                            "WHERE seq = ?1 AND outgoing AND state = 'pending'",
                            "SELECT " MESSAGE_COLUMNS " FROM messages WHERE seq = ?1",
                            messages, bind_sent, &data, FALSE, changed, error);
}

static gboolean
bind_receipt (sqlite3_stmt *stmt,
              gpointer      item,
              gpointer      data)
{
  const char *id = item;
  const UpdateData *update = data;
  int n = sqlite3_bind_parameter_count (stmt);

  bind_text (stmt, 1, update->peer);
  bind_text (stmt, 2, id);
  if (n >= 3)
    sqlite3_bind_int64 (stmt, 3, update->time);
  if (n >= 4)
    bind_text (stmt, 4, update->reason);

  return TRUE;
}

/* Applies receipts of one kind from peer (update_sql binds ?1 peer, ?2 id,
 * ?3 now, ?4 reason). */
static gboolean
store_apply_receipts (ScStore     *self,
                      const char  *peer,
                      GPtrArray   *ids,
                      const char  *update_sql,
                      const char  *reason,
                      GPtrArray  **changed,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;
  UpdateData data = { .time = now_ms (), .reason = reason };

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);

  if ((normalized = normalize_peer (peer, error)) == NULL)
    return FALSE;
  data.peer = normalized;

  locker = g_mutex_locker_new (&self->lock);
  return store_update_each (self, update_sql,
                            "SELECT " MESSAGE_COLUMNS " FROM messages "
                            "WHERE peer = ?1 AND id = ?2 AND outgoing = 1",
                            ids, bind_receipt, &data, FALSE, changed, error);
}

gboolean
sc_store_mark_delivered (ScStore     *self,
                         const char  *peer,
                         GPtrArray   *ids,
                         GPtrArray  **changed,
                         GError     **error)
{
  return store_apply_receipts (self, peer, ids,
                               "UPDATE messages SET state = 'delivered', received = ?3, error = NULL "
                               "WHERE peer = ?1 AND id = ?2 AND outgoing = 1 AND state != 'delivered'",
                               NULL, changed, error);
}

gboolean
sc_store_mark_refused (ScStore     *self,
                       const char  *peer,
                       GPtrArray   *ids,
                       const char  *reason,
                       GPtrArray  **changed,
                       GError     **error)
{
  return store_apply_receipts (self, peer, ids,
                               "UPDATE messages SET state = 'failed', received = ?3, error = ?4 "
                               "WHERE peer = ?1 AND id = ?2 AND outgoing = 1 AND state IN ('pending', 'sent')",
                               reason, changed, error);
}

ScMessage *
sc_store_get_message (ScStore  *self,
                      gint64    seq,
                      GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  return store_read_message (self, seq, error);
}

GArray *
sc_store_list_message_seqs (ScStore     *self,
                            const char  *peer,
                            GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *normalized = NULL;
  int rc;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  if ((normalized = normalize_peer (peer, error)) == NULL)
    return NULL;

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self, "SELECT seq FROM messages WHERE peer = ? ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, normalized);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (seqs, seq);
    }

  if (rc != SQLITE_DONE)
    {
      sc_store_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&seqs);
}

GPtrArray *
sc_store_list_messages (ScStore     *self,
                        const char  *peer,
                        gint64       first_seq,
                        gint64       last_seq,
                        GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  if ((normalized = normalize_peer (peer, error)) == NULL)
    return NULL;

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT " MESSAGE_COLUMNS " FROM messages "
                           "WHERE peer = ? AND seq BETWEEN ? AND ? ORDER BY seq",
                           error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, normalized);
  sqlite3_bind_int64 (stmt, 2, first_seq);
  sqlite3_bind_int64 (stmt, 3, last_seq);

  return sc_store_list_rows (self, stmt, read_message,
                             (GDestroyNotify) sc_message_unref, error);
}

GPtrArray *
sc_store_list_conversations (ScStore  *self,
                             GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT " MESSAGE_COLUMNS " FROM messages WHERE seq IN "
                           "(SELECT max (seq) FROM messages GROUP BY peer) ORDER BY seq DESC",
                           error);
  if (stmt == NULL)
    return NULL;

  return sc_store_list_rows (self, stmt, read_message,
                             (GDestroyNotify) sc_message_unref, error);
}

/* Every word of what the user typed must appear (a prefix for the last),
 * each quoted so that nothing typed is FTS5 syntax. */
static char *
search_to_fts (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\r\n", -1);
  g_autoptr(GString) query = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_auto(GStrv) quotes = NULL;
      g_autofree char *escaped = NULL;

      if (words[i][0] == '\0')
        continue;

      quotes = g_strsplit (words[i], "\"", -1);
      escaped = g_strjoinv ("\"\"", quotes);
      if (n++ > 0)
        g_string_append_c (query, ' ');
      g_string_append_printf (query, "\"%s\"", escaped);
    }

  if (n == 0)
    return NULL;

  g_string_append_c (query, '*');
  return g_string_free (g_steal_pointer (&query), FALSE);
}

GPtrArray *
sc_store_search_messages (ScStore     *self,
                          const char  *text,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  if (text == NULL || !g_utf8_validate (text, -1, NULL) || (query = search_to_fts (text)) == NULL)
    {
      g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                           _("Type a word to search for"));
      return NULL;
    }

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT m.seq, m.id, m.peer, m.fingerprint, m.outgoing, m.time, "
                           "m.received, m.body, m.state, m.error, "
                           "snippet (messages_fts, 0, char (2), char (3), '…', 16) "
                           "FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid "
                           "WHERE messages_fts MATCH ? ORDER BY m.seq DESC LIMIT ?",
                           error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, query);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  return sc_store_list_rows (self, stmt, read_hit, (GDestroyNotify) sc_message_unref, error);
}

ScMessage *
sc_store_requeue_message (ScStore  *self,
                          gint64    seq,
                          GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScMessage) old = NULL;
  g_autoptr(ScStoreStatement) remove = NULL;
  gint64 new_seq = 0;
  gboolean ok;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (!sc_store_begin_durable (self, error))
    return NULL;

  old = store_read_message (self, seq, error);
  ok = old != NULL;
  if (ok && (!old->outgoing || old->state == SC_MESSAGE_DELIVERED))
    {
      g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                           old->outgoing ? _("The message was already delivered")
                                         : _("Only your own messages can be sent again"));
      ok = FALSE;
    }

  /* The same id, so that a peer who got it after all keeps it once; a new
   * place at the end of the conversation, where the user sees it go. */
  if (ok)
    ok = (remove = sc_store_prepare (self, "DELETE FROM messages WHERE seq = ?", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (remove, 1, seq);
      ok = sc_store_step_done (self, remove, error);
    }
  if (ok)
    ok = (new_seq = store_insert_outgoing (self, old->id, old->peer, old->time, old->body, error)) > 0;

  if (!sc_store_end_durable (self, ok, error))
    return NULL;

  return store_read_message (self, new_seq, error);
}

gboolean
sc_store_delete_message (ScStore  *self,
                         gint64    seq,
                         GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&self->lock);
  if (!sc_store_begin_write (self, error))
    return FALSE;

  ok = (stmt = sc_store_prepare (self, "DELETE FROM messages WHERE seq = ?", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, seq);
      ok = sc_store_step_done (self, stmt, error);
    }
  if (ok && sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                   _("There is no message %lld"), (long long) seq);
      ok = FALSE;
    }

  return sc_store_end_log (self, ok, error);
}

gboolean
sc_store_delete_conversation (ScStore     *self,
                              const char  *peer,
                              guint       *n_deleted,
                              GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autofree char *normalized = NULL;
  gboolean ok;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);

  if ((normalized = normalize_peer (peer, error)) == NULL)
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  if (!sc_store_begin_write (self, error))
    return FALSE;

  ok = (stmt = sc_store_prepare (self, "DELETE FROM messages WHERE peer = ?", error)) != NULL;
  if (ok)
    {
      bind_text (stmt, 1, normalized);
      ok = sc_store_step_done (self, stmt, error);
    }
  if (ok && n_deleted != NULL)
    *n_deleted = sqlite3_changes (self->db);

  return sc_store_end_log (self, ok, error);
}
