/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "sc-store.h"

G_BEGIN_DECLS

/* ScStore is one class over several files: sc-store.c (opening, schema,
 * settings, allow and block lists, trust settings), sc-store-issuers.c
 * (trusted issuers and CRLs), sc-store-knocks.c (the knock log),
 * sc-store-requests.c (contact requests), sc-store-contacts.c (contacts),
 * sc-store-messages.c (the message history) and sc-store-async.c (jobs in
 * worker threads).  This is what they share. */

struct _ScStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;

  /* One connection serves every thread.  SQLite serializes single calls
   * (FULLMUTEX), but a transaction or a stepped statement spans several, so
   * every public call holds this lock from start to end. */
  GMutex      lock;
  /* Prepared statements by SQL text (static strings). */
  GHashTable *statements;

  /* Successful commits that changed rows, made through this connection. */
  guint64     own_commits;
  int         changes_at_begin;
  gint64      data_version;
};

/* A borrowed cached statement, reset (and its bindings cleared) when it
 * goes out of scope. */
typedef sqlite3_stmt ScStoreStatement;

static inline void
sc_store_statement_release (ScStoreStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScStoreStatement, sc_store_statement_release)

/* Makes a new item (an ScKnock, an ScRequest, …) of a statement's current row. */
typedef gpointer (*ScStoreRowFunc) (sqlite3_stmt *stmt);

static inline gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static inline void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static inline char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static inline GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  const void *data = sqlite3_column_blob (stmt, column);
  int size = sqlite3_column_bytes (stmt, column);

  return g_bytes_new (data, size);
}

/* SQLite plumbing (sc-store.c); every function expects self->lock to be held. */

/* Sets error from an SQLite result code; returns FALSE. */
gboolean          sc_store_fail                  (ScStore         *self,
                                                  int              rc,
                                                  GError         **error);
/* sql must be a static string: it is the cache key. */
ScStoreStatement *sc_store_prepare               (ScStore         *self,
                                                  const char      *sql,
                                                  GError         **error);
gboolean          sc_store_step_done             (ScStore         *self,
                                                  sqlite3_stmt    *stmt,
                                                  GError         **error);
/* Steps a prepared (and bound) statement to its end; returns what read_row
 * makes of each row, in an array that frees them with free_row. */
GPtrArray        *sc_store_list_rows             (ScStore         *self,
                                                  sqlite3_stmt    *stmt,
                                                  ScStoreRowFunc   read_row,
                                                  GDestroyNotify   free_row,
                                                  GError         **error);
/* Runs sql with its one parameter bound to key (text) or, when key is NULL,
 * to id; *row is what read_row makes of the first row, NULL when none. */
gboolean          sc_store_read_one              (ScStore         *self,
                                                  const char      *sql,
                                                  gint64           id,
                                                  const char      *key,
                                                  ScStoreRowFunc   read_row,
                                                  gpointer        *row,
                                                  GError         **error);
gboolean          sc_store_begin_write           (ScStore         *self,
                                                  GError         **error);
/* Ends a transaction: commits it when the work in it succeeded (ok), else
 * rolls it back and passes the failure on. */
gboolean          sc_store_end                   (ScStore         *self,
                                                  gboolean         ok,
                                                  GError         **error);
gboolean          sc_store_end_log               (ScStore         *self,
                                                  gboolean         ok,
                                                  GError         **error);
/* A write transaction committed with synchronous = FULL, for messages; it
 * leaves the generation alone like sc_store_end_log(). */
gboolean          sc_store_begin_durable         (ScStore         *self,
                                                  GError         **error);
gboolean          sc_store_end_durable           (ScStore         *self,
                                                  gboolean         ok,
                                                  GError         **error);

/* sc_fingerprint_normalize() with its complaint as an SC_STORE_ERROR_INVALID. */
char             *sc_store_normalize_fingerprint (const char      *text,
                                                  GError         **error);

/* List rows, inside the caller's write transaction; value is normalized. */
gboolean          sc_store_insert_entry          (ScStore         *self,
                                                  ScListKind       list,
                                                  ScEntryKind      kind,
                                                  const char      *value,
                                                  const char      *note,
                                                  GError         **error);
/* A missing entry is an error only when it must_exist. */
gboolean          sc_store_delete_entry          (ScStore         *self,
                                                  ScListKind       list,
                                                  ScEntryKind      kind,
                                                  const char      *value,
                                                  gboolean         must_exist,
                                                  GError         **error);

G_END_DECLS
