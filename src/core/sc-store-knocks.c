/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-store-private.h"

#define SC_STORE_MAX_KNOCKS 10000

void
sc_knock_free (ScKnock *knock)
{
  if (knock == NULL)
    return;

  g_free (knock->address);
  g_free (knock->fingerprint);
  g_free (knock->user_id);
  g_free (knock->name);
  g_free (knock->reason);
  g_free (knock->detail);
  g_free (knock);
}

static const char *
verdict_to_db (ScVerdict verdict)
{
  switch (verdict)
    {
    case SC_VERDICT_ALLOW:
      return "allow";
    case SC_VERDICT_ASK:
      return "ask";
    case SC_VERDICT_REJECT:
    default:
      return "reject";
    }
}

static ScVerdict
verdict_from_db (const char *text)
{
  if (g_strcmp0 (text, "allow") == 0)
    return SC_VERDICT_ALLOW;
  if (g_strcmp0 (text, "ask") == 0)
    return SC_VERDICT_ASK;
  return SC_VERDICT_REJECT;
}

static gboolean
store_insert_knock (ScStore        *self,
                    const ScKnock  *knock,
                    GError        **error)
{
  g_autoptr(ScStoreStatement) insert = NULL;
  g_autoptr(ScStoreStatement) prune = NULL;

  insert = sc_store_prepare (self,
                             "INSERT INTO knocks (time, incoming, address, fingerprint, user_id, "
                             "name, verdict, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             error);
  if (insert == NULL)
    return FALSE;

  sqlite3_bind_int64 (insert, 1, knock->time);
  sqlite3_bind_int (insert, 2, knock->incoming ? 1 : 0);
  bind_text (insert, 3, knock->address);
  bind_text (insert, 4, knock->fingerprint);
  bind_text (insert, 5, knock->user_id);
  bind_text (insert, 6, knock->name);
  bind_text (insert, 7, verdict_to_db (knock->verdict));
  bind_text (insert, 8, knock->reason);
  bind_text (insert, 9, knock->detail);
  if (!sc_store_step_done (self, insert, error))
    return FALSE;

  /* Ids grow by one per knock and only the oldest are ever deleted, so this
   * keeps exactly the newest ones; with nothing to delete it is a single
   * index seek. */
  prune = sc_store_prepare (self, "DELETE FROM knocks WHERE id <= ?", error);
  if (prune == NULL)
    return FALSE;

  sqlite3_bind_int64 (prune, 1, sqlite3_last_insert_rowid (self->db) - SC_STORE_MAX_KNOCKS);
  return sc_store_step_done (self, prune, error);
}

gboolean
sc_store_add_knock (ScStore        *self,
                    const ScKnock  *knock,
                    GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (knock != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end_log (self, store_insert_knock (self, knock, error), error);
}

static gpointer
knock_from_row (sqlite3_stmt *stmt)
{
  ScKnock *knock = g_new0 (ScKnock, 1);

  knock->id = sqlite3_column_int64 (stmt, 0);
  knock->time = sqlite3_column_int64 (stmt, 1);
  knock->incoming = sqlite3_column_int (stmt, 2) != 0;
  knock->address = column_strdup (stmt, 3);
  knock->fingerprint = column_strdup (stmt, 4);
  knock->user_id = column_strdup (stmt, 5);
  knock->name = column_strdup (stmt, 6);
  knock->verdict = verdict_from_db ((const char *) sqlite3_column_text (stmt, 7));
  knock->reason = column_strdup (stmt, 8);
  knock->detail = column_strdup (stmt, 9);

  return knock;
}

/* Newest first means most recently recorded: by id, the order in which
 * knocks were committed, which is also the order the pruning keeps. */
GPtrArray *
sc_store_list_knocks (ScStore  *self,
                      guint     limit,
                      GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT id, time, incoming, address, fingerprint, user_id, name, "
                           "verdict, reason, detail FROM knocks ORDER BY id DESC LIMIT ?",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  return sc_store_list_rows (self, stmt, knock_from_row, (GDestroyNotify) sc_knock_free, error);
}
