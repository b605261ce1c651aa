/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sc-store-private.h"

#define REQUEST_COLUMNS \
  "id, fingerprint, user_id, name, certificate_pem, greeting, address, " \
  "first_seen, last_seen, attempts, state"

void
sc_request_free (ScRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->fingerprint);
  g_free (request->user_id);
  g_free (request->name);
  g_free (request->certificate_pem);
  g_free (request->greeting);
  g_free (request->address);
  g_free (request);
}

const char *
sc_request_state_to_string (ScRequestState state)
{
  switch (state)
    {
    case SC_REQUEST_PENDING:
      return "pending";
    case SC_REQUEST_ACCEPTED:
      return "accepted";
    case SC_REQUEST_DECLINED:
      return "declined";
    case SC_REQUEST_BLOCKED:
      return "blocked";
    default:
      g_return_val_if_reached (NULL);
    }
}

static ScRequestState
request_state_from_db (const char *text)
{
  if (g_strcmp0 (text, "accepted") == 0)
    return SC_REQUEST_ACCEPTED;
  if (g_strcmp0 (text, "declined") == 0)
    return SC_REQUEST_DECLINED;
  if (g_strcmp0 (text, "blocked") == 0)
    return SC_REQUEST_BLOCKED;
  return SC_REQUEST_PENDING;
}

static gpointer
request_from_row (sqlite3_stmt *stmt)
{
  ScRequest *request = g_new0 (ScRequest, 1);

  request->id = sqlite3_column_int64 (stmt, 0);
  request->fingerprint = column_strdup (stmt, 1);
  request->user_id = column_strdup (stmt, 2);
  request->name = column_strdup (stmt, 3);
  request->certificate_pem = column_strdup (stmt, 4);
  request->greeting = column_strdup (stmt, 5);
  request->address = column_strdup (stmt, 6);
  request->first_seen = sqlite3_column_int64 (stmt, 7);
  request->last_seen = sqlite3_column_int64 (stmt, 8);
  request->attempts = sqlite3_column_int64 (stmt, 9);
  request->state = request_state_from_db ((const char *) sqlite3_column_text (stmt, 10));

  return request;
}

/* The request with that id; NULL and SC_STORE_ERROR_NOT_FOUND when there is none. */
static ScRequest *
store_read_request_by_id (ScStore  *self,
                          gint64    id,
                          GError  **error)
{
  ScRequest *request = NULL;

  if (!sc_store_read_one (self, "SELECT " REQUEST_COLUMNS " FROM requests WHERE id = ?",
                          id, NULL, request_from_row, (gpointer *) &request, error))
    return NULL;

  if (request == NULL)
    g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                 _("There is no contact request %lld"), (long long) id);

  return request;
}

static gboolean
store_upsert_request (ScStore     *self,
                      const char  *fingerprint,
                      const char  *user_id,
                      const char  *name,
                      const char  *certificate_pem,
                      const char  *greeting,
                      const char  *address,
                      gint64      *id,
                      GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  gint64 now = now_seconds ();
  int rc;

  /* A retry without a greeting keeps the one they wrote before. */
  stmt = sc_store_prepare (self,
                           "INSERT INTO requests (fingerprint, user_id, name, certificate_pem, "
                           "greeting, address, first_seen, last_seen, attempts, state) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1, 'pending') "
                           "ON CONFLICT (fingerprint) DO UPDATE SET "
                           "user_id = excluded.user_id, name = excluded.name, "
                           "certificate_pem = excluded.certificate_pem, "
                           "greeting = coalesce (excluded.greeting, greeting), "
                           "address = excluded.address, last_seen = excluded.last_seen, "
                           "attempts = attempts + 1, state = 'pending' "
                           "RETURNING id",
                           error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, fingerprint);
  bind_text (stmt, 2, user_id);
  bind_text (stmt, 3, name);
  bind_text (stmt, 4, certificate_pem);
  bind_text (stmt, 5, greeting);
  bind_text (stmt, 6, address);
  sqlite3_bind_int64 (stmt, 7, now);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sc_store_fail (self, rc, error);

  *id = sqlite3_column_int64 (stmt, 0);

  /* Finish the statement before the caller commits. */
  return sc_store_step_done (self, stmt, error);
}

gint64
sc_store_record_request (ScStore     *self,
                         const char  *fingerprint,
                         const char  *user_id,
                         const char  *name,
                         const char  *certificate_pem,
                         const char  *greeting,
                         const char  *address,
                         GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;
  gint64 id = 0;

  g_return_val_if_fail (SC_IS_STORE (self), 0);
  g_return_val_if_fail (fingerprint != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  normalized = sc_store_normalize_fingerprint (fingerprint, error);
  if (normalized == NULL)
    return 0;

  locker = g_mutex_locker_new (&self->lock);
  if (!sc_store_begin_write (self, error) ||
      !sc_store_end (self,
                     store_upsert_request (self, normalized, user_id, name, certificate_pem,
                                           greeting, address, &id, error),
                     error))
    return 0;

  return id;
}

ScRequest *
sc_store_get_request (ScStore  *self,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  return store_read_request_by_id (self, id, error);
}

ScRequest *
sc_store_find_request (ScStore     *self,
                       const char  *fingerprint,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;
  ScRequest *request = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (fingerprint != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  normalized = sc_store_normalize_fingerprint (fingerprint, error);
  if (normalized == NULL)
    return NULL;

  locker = g_mutex_locker_new (&self->lock);
  sc_store_read_one (self, "SELECT " REQUEST_COLUMNS " FROM requests WHERE fingerprint = ?",
                     0, normalized, request_from_row, (gpointer *) &request, error);

  return request;
}

GPtrArray *
sc_store_list_requests (ScStore   *self,
                        gboolean   include_decided,
                        GError   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT " REQUEST_COLUMNS " FROM requests "
                           "WHERE ?1 OR state = 'pending' ORDER BY last_seen DESC, id DESC",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, include_decided ? 1 : 0);
  return sc_store_list_rows (self, stmt, request_from_row, (GDestroyNotify) sc_request_free,
                             error);
}

static gboolean
store_update_request_state (ScStore         *self,
                            gint64           id,
                            ScRequestState   state,
                            GError         **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = sc_store_prepare (self, "UPDATE requests SET state = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, sc_request_state_to_string (state));
  sqlite3_bind_int64 (stmt, 2, id);
  return sc_store_step_done (self, stmt, error);
}

/* Inside the caller's write transaction. */
static gboolean
store_apply_request_state (ScStore         *self,
                           gint64           id,
                           ScRequestState   state,
                           GError         **error)
{
  g_autoptr(ScRequest) request = store_read_request_by_id (self, id, error);

  if (request == NULL || !store_update_request_state (self, id, state, error))
    return FALSE;

  switch (state)
    {
    case SC_REQUEST_ACCEPTED:
      return sc_store_insert_entry (self, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                                    request->fingerprint, request->name, error) &&
             sc_store_delete_entry (self, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
                                    request->fingerprint, FALSE, error);

    case SC_REQUEST_BLOCKED:
      return sc_store_insert_entry (self, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
                                    request->fingerprint, request->name, error);

    case SC_REQUEST_PENDING:
    case SC_REQUEST_DECLINED:
    default:
      return TRUE;
    }
}

gboolean
sc_store_set_request_state (ScStore         *self,
                            gint64           id,
                            ScRequestState   state,
                            GError         **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (state <= SC_REQUEST_BLOCKED, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end (self, store_apply_request_state (self, id, state, error), error);
}
