/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sc-peer-certificate.h"
#include "sc-store-private.h"

/* 'SIXC': PRAGMA application_id of every SixChat database. */
#define SC_STORE_APPLICATION_ID 0x53495843
#define SC_STORE_BUSY_TIMEOUT_MS 5000

/* migrations[n] brings a database from user_version n to n + 1. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE settings ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE lists ("
  "  list  TEXT NOT NULL CHECK (list IN ('allow', 'block')),"
  "  kind  TEXT NOT NULL CHECK (kind IN ('fingerprint', 'user', 'issuer')),"
  "  value TEXT NOT NULL,"
  "  note  TEXT,"
  "  added INTEGER NOT NULL,"
  "  PRIMARY KEY (list, kind, value));"
  "CREATE TABLE issuers ("
  "  fingerprint TEXT PRIMARY KEY NOT NULL,"
  "  subject     TEXT NOT NULL,"
  "  der         BLOB NOT NULL,"
  "  added       INTEGER NOT NULL);"
  "CREATE TABLE crls ("
  "  fingerprint TEXT PRIMARY KEY NOT NULL,"
  "  issuer      TEXT NOT NULL,"
  "  this_update INTEGER NOT NULL,"
  "  next_update INTEGER NOT NULL,"
  "  der         BLOB NOT NULL,"
  "  added       INTEGER NOT NULL);"
  "CREATE TABLE knocks ("
  "  id          INTEGER PRIMARY KEY,"
  "  time        INTEGER NOT NULL,"
  "  incoming    INTEGER NOT NULL,"
  "  address     TEXT,"
  "  fingerprint TEXT,"
  "  user_id     TEXT,"
  "  name        TEXT,"
  "  verdict     TEXT NOT NULL,"
  "  reason      TEXT,"
  "  detail      TEXT);"
  "CREATE TABLE requests ("
  "  id              INTEGER PRIMARY KEY,"
  "  fingerprint     TEXT UNIQUE NOT NULL,"
  "  user_id         TEXT,"
  "  name            TEXT,"
  "  certificate_pem TEXT,"
  "  greeting        TEXT,"
  "  address         TEXT,"
  "  first_seen      INTEGER NOT NULL,"
  "  last_seen       INTEGER NOT NULL,"
  "  attempts        INTEGER NOT NULL,"
  "  state           TEXT NOT NULL);",
  /* 1 → 2; addresses are newline-separated */
  "CREATE TABLE contacts ("
  "  id              INTEGER PRIMARY KEY,"
  "  name            TEXT NOT NULL,"
  "  user_id         TEXT UNIQUE NOT NULL,"
  "  addresses       TEXT NOT NULL,"
  "  fingerprint     TEXT,"
  "  certificate_pem TEXT,"
  "  last_seen       INTEGER NOT NULL,"
  "  created         INTEGER NOT NULL);",
  /* 2 → 3: the message history; times are UNIX milliseconds.  A message id
   * is unique per peer and direction, which is what makes a message that
   * arrives twice a no-op.  The search index mirrors the bodies. */
  "CREATE TABLE messages ("
  "  seq         INTEGER PRIMARY KEY,"
  "  id          TEXT NOT NULL,"
  "  peer        TEXT NOT NULL,"
  "  fingerprint TEXT,"
  "  outgoing    INTEGER NOT NULL,"
  "  time        INTEGER NOT NULL,"
  "  received    INTEGER NOT NULL,"
  "  body        TEXT NOT NULL,"
  "  state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'failed')),"
  "  error       TEXT,"
  "  UNIQUE (peer, outgoing, id));"
  "CREATE INDEX messages_by_peer ON messages (peer, seq);"
  "CREATE INDEX messages_unsent ON messages (peer, seq)"
  "  WHERE outgoing AND state IN ('pending', 'sent');"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
  "  body, content = 'messages', content_rowid = 'seq',"
  "  tokenize = 'unicode61 remove_diacritics 2');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.body);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);"
  "END;",
};

#define SC_STORE_SCHEMA_VERSION ((int) G_N_ELEMENTS (migrations))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ScStore, sc_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (sc-store-error-quark, sc_store_error)

/* Free functions and enum names */

void
sc_list_entry_free (ScListEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->value);
  g_free (entry->note);
  g_free (entry);
}

const char *
sc_entry_kind_to_string (ScEntryKind kind)
{
  switch (kind)
    {
    case SC_ENTRY_FINGERPRINT:
      return "fingerprint";
    case SC_ENTRY_USER:
      return "user";
    case SC_ENTRY_ISSUER:
      return "issuer";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* How the database spells enums.  Strings rather than numbers keep the file
 * readable with the sqlite3 shell and independent of enum order. */

static const char *
list_to_db (ScListKind list)
{
  return list == SC_LIST_ALLOW ? "allow" : "block";
}

static ScListKind
list_from_db (const char *text)
{
  return g_strcmp0 (text, "allow") == 0 ? SC_LIST_ALLOW : SC_LIST_BLOCK;
}

static ScEntryKind
entry_kind_from_db (const char *text)
{
  if (g_strcmp0 (text, "user") == 0)
    return SC_ENTRY_USER;
  if (g_strcmp0 (text, "issuer") == 0)
    return SC_ENTRY_ISSUER;
  return SC_ENTRY_FINGERPRINT;
}

/* SQLite plumbing; every helper expects self->lock to be held. */

gboolean
sc_store_fail (ScStore  *self,
               int       rc,
               GError  **error)
{
  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO,
                   _("Cannot write to %s: the database is read-only"), self->path);
      break;

    case SQLITE_FULL:
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO,
                   _("Cannot write to %s: disk full"), self->path);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_CORRUPT,
                   _("%s is damaged or is not a SixChat database"), self->path);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO,
                   _("%s is busy: another program kept it locked for too long"), self->path);
      break;

    case SQLITE_CANTOPEN:
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_OPEN,
                   _("Cannot open %s: %s"), self->path, sqlite3_errmsg (self->db));
      break;

    default:
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO,
                   _("Cannot access %s: %s"), self->path, sqlite3_errmsg (self->db));
      break;
    }

  return FALSE;
}

static void
statement_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* sql must be a static string: it is the cache key. */
ScStoreStatement *
sc_store_prepare (ScStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sc_store_fail (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
sc_store_step_done (ScStore       *self,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sc_store_fail (self, rc, error);

  return TRUE;
}

static gboolean
store_run (ScStore     *self,
           const char  *sql,
           GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = sc_store_prepare (self, sql, error);

  return stmt != NULL && sc_store_step_done (self, stmt, error);
}

/* Reads a single integer (a PRAGMA or an aggregate). */
static gboolean
store_query_int (ScStore     *self,
                 const char  *sql,
                 gint64      *value,
                 GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = sc_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sc_store_fail (self, rc, error);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static void
store_rollback (ScStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    store_run (self, "ROLLBACK", NULL);
}

static gboolean
store_begin_read (ScStore  *self,
                  GError  **error)
{
  self->changes_at_begin = sqlite3_total_changes (self->db);
  return store_run (self, "BEGIN", error);
}

gboolean
sc_store_begin_write (ScStore  *self,
                      GError  **error)
{
  if (sqlite3_db_readonly (self->db, "main") == 1)
    return sc_store_fail (self, SQLITE_READONLY, error);

  self->changes_at_begin = sqlite3_total_changes (self->db);
  return store_run (self, "BEGIN IMMEDIATE", error);
}

/* Commits a transaction begun with sc_store_begin_write() or store_begin_read();
 * rolls it back when that fails. */
static gboolean
store_commit (ScStore   *self,
              gboolean   counted,
              GError   **error)
{
  if (!store_run (self, "COMMIT", error))
    {
      store_rollback (self);
      return FALSE;
    }

  if (counted && sqlite3_total_changes (self->db) != self->changes_at_begin)
    self->own_commits++;

  return TRUE;
}

/* Ends a transaction: commits it when the work in it succeeded (ok), else
 * rolls it back and passes the failure on. */
gboolean
sc_store_end (ScStore   *self,
              gboolean   ok,
              GError   **error)
{
  if (!ok)
    {
      store_rollback (self);
      return FALSE;
    }

  return store_commit (self, TRUE, error);
}

/* Like sc_store_end() for a record of what happened (the knock log): it
 * leaves the generation alone, so that logging a handshake does not make
 * every session reload the trust settings. */
gboolean
sc_store_end_log (ScStore   *self,
                  gboolean   ok,
                  GError   **error)
{
  if (!ok)
    {
      store_rollback (self);
      return FALSE;
    }

  return store_commit (self, FALSE, error);
}

/* A write transaction whose commit reaches the disk before it returns
 * (synchronous = FULL): for what we acknowledge or show as kept.  The
 * connection's default (NORMAL, with WAL) survives a crash of the process
 * but not of the machine. */
gboolean
sc_store_begin_durable (ScStore  *self,
                        GError  **error)
{
  if (!store_run (self, "PRAGMA synchronous = FULL", error))
    return FALSE;

  if (!sc_store_begin_write (self, error))
    {
      store_run (self, "PRAGMA synchronous = NORMAL", NULL);
      return FALSE;
    }

  return TRUE;
}

/* Ends a transaction begun with sc_store_begin_durable(), like
 * sc_store_end_log(): messages change no trust decision. */
gboolean
sc_store_end_durable (ScStore   *self,
                      gboolean   ok,
                      GError   **error)
{
  gboolean committed = sc_store_end_log (self, ok, error);

  store_run (self, "PRAGMA synchronous = NORMAL", NULL);
  return committed;
}

/* Steps stmt to its end, adding what read_row makes of each row to rows. */
static gboolean
store_read_rows (ScStore         *self,
                 sqlite3_stmt    *stmt,
                 ScStoreRowFunc   read_row,
                 GPtrArray       *rows,
                 GError         **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_row (stmt));

  return rc == SQLITE_DONE || sc_store_fail (self, rc, error);
}

GPtrArray *
sc_store_list_rows (ScStore         *self,
                    sqlite3_stmt    *stmt,
                    ScStoreRowFunc   read_row,
                    GDestroyNotify   free_row,
                    GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_row);

  if (!store_read_rows (self, stmt, read_row, rows, error))
    return NULL;

  return g_steal_pointer (&rows);
}

gboolean
sc_store_read_one (ScStore         *self,
                   const char      *sql,
                   gint64           id,
                   const char      *key,
                   ScStoreRowFunc   read_row,
                   gpointer        *row,
                   GError         **error)
{
  g_autoptr(ScStoreStatement) stmt = sc_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  if (key != NULL)
    bind_text (stmt, 1, key);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sc_store_fail (self, rc, error);

  *row = rc == SQLITE_ROW ? read_row (stmt) : NULL;
  return TRUE;
}

/* Opening and migrating */

static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int saved_errno = errno;

  if (fd >= 0)
    {
      g_close (fd, NULL);
      return TRUE;
    }

  if (saved_errno == EEXIST)
    return TRUE;

  g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_OPEN,
               _("Cannot create %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/* Checks that the database is a SixChat one that this version can read, and
 * returns its schema version (0: a new, empty database).  Reading the schema
 * first is what tells a file that is not a database at all. */
static gboolean
store_check_header (ScStore  *self,
                    gint64   *version,
                    GError  **error)
{
  gint64 n_objects;
  gint64 application_id;
  gboolean is_ours;
  gboolean is_new;

  if (!store_query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error) ||
      !store_query_int (self, "PRAGMA application_id", &application_id, error) ||
      !store_query_int (self, "PRAGMA user_version", version, error))
    return FALSE;

  /* Another application's mark, or tables without ours, is not ours. */
  is_ours = application_id == SC_STORE_APPLICATION_ID && *version > 0;
  is_new = application_id == 0 && *version == 0 && n_objects == 0;
  if (!is_ours && !is_new)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_CORRUPT,
                   _("%s is not a SixChat database"), self->path);
      return FALSE;
    }

  /* user_version is a 32-bit integer in the file header. */
  if (*version > SC_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NEWER,
                   _("%s was written by a newer version of SixChat "
                     "(schema version %d; this version knows up to %d)"),
                   self->path, (int) *version, SC_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

static gboolean
store_run_migrations (ScStore  *self,
                      GError  **error)
{
  gint64 version;

  if (!store_check_header (self, &version, error))
    return FALSE;

  for (; version < SC_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = NULL;
      int rc;

      rc = sqlite3_exec (self->db, migrations[version], NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        {
          /* PRAGMAs take no parameters; these are integers of our own. */
          set_version = g_strdup_printf ("PRAGMA application_id = %d;"
                                         "PRAGMA user_version = %" G_GINT64_FORMAT ";",
                                         SC_STORE_APPLICATION_ID, version + 1);
          rc = sqlite3_exec (self->db, set_version, NULL, NULL, NULL);
        }

      if (rc != SQLITE_OK)
        return sc_store_fail (self, rc, error);
    }

  return TRUE;
}

static gboolean
store_migrate (ScStore  *self,
               GError  **error)
{
  /* Another process may be creating the same database: the migrations
   * check its version again under the write lock. */
  return sc_store_begin_write (self, error) &&
         sc_store_end (self, store_run_migrations (self, error), error);
}

static gboolean
store_set_journal_mode (ScStore  *self,
                        GError  **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  int rc;

  /* WAL is a property of the file; a read-only one keeps whatever it has. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    return TRUE;

  stmt = sc_store_prepare (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sc_store_fail (self, rc, error);

  return TRUE;
}

/* Damage found now is an error naming the file, rather than a failure of
 * some later call.  Reads every page once: milliseconds for a full knock log. */
static gboolean
store_quick_check (ScStore  *self,
                   GError  **error)
{
  g_autoptr(ScStoreStatement) stmt = sc_store_prepare (self, "PRAGMA quick_check (1)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sc_store_fail (self, rc, error);

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    return sc_store_fail (self, SQLITE_CORRUPT, error);

  return TRUE;
}

/* SQLite gives the -wal and -shm files the database's mode, and a reader of
 * a read-only database leaves them behind.  Once the database is writable
 * again they must be too, or SQLite keeps refusing every write. */
static void
store_fix_side_file_modes (ScStore *self)
{
  static const char * const suffixes[] = { "-wal", "-shm" };
  GStatBuf st;

  if (sqlite3_db_readonly (self->db, "main") == 1 || g_stat (self->path, &st) != 0)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (self->path, suffixes[i], NULL);

      if (g_access (side, W_OK) != 0 && errno == EACCES)
        g_chmod (side, st.st_mode & 0777);
    }
}

static gboolean
store_open_database (ScStore  *self,
                     GError  **error)
{
  gint64 version;
  int rc;

  if (!create_private_file (self->path, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_OPEN,
                   _("Cannot open %s: %s"), self->path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, SC_STORE_BUSY_TIMEOUT_MS);
  store_fix_side_file_modes (self);

  if (!store_check_header (self, &version, error) ||
      !store_quick_check (self, error) ||
      !store_set_journal_mode (self, error) ||
      !store_run (self, "PRAGMA synchronous = NORMAL", error) ||
      !store_run (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (version < SC_STORE_SCHEMA_VERSION && !store_migrate (self, error))
    return FALSE;

  return store_query_int (self, "PRAGMA data_version", &self->data_version, error);
}

ScStore *
sc_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(ScStore) self = NULL;
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SC_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  locker = g_mutex_locker_new (&self->lock);
  if (!store_open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
sc_store_get_path (ScStore *self)
{
  g_return_val_if_fail (SC_IS_STORE (self), NULL);

  return self->path;
}

guint64
sc_store_get_generation (ScStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), 0);

  locker = g_mutex_locker_new (&self->lock);

  /* data_version changes when another connection commits, own_commits when
   * this one does; both only grow, so their sum changes with either.  On a
   * failed read the last known data_version stands. */
  store_query_int (self, "PRAGMA data_version", &self->data_version, NULL);

  return (guint64) self->data_version + self->own_commits;
}

/* Settings */

static gboolean
store_read_setting (ScStore     *self,
                    const char  *key,
                    char       **value,
                    GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  int rc;

  stmt = sc_store_prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sc_store_fail (self, rc, error);

  *value = rc == SQLITE_ROW ? column_strdup (stmt, 0) : NULL;
  return TRUE;
}

static gboolean
store_write_setting (ScStore     *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  if (value != NULL)
    stmt = sc_store_prepare (self,
                             "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                             "WHERE value IS NOT excluded.value",
                             error);
  else
    stmt = sc_store_prepare (self, "DELETE FROM settings WHERE key = ?1", error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  if (value != NULL)
    bind_text (stmt, 2, value);

  return sc_store_step_done (self, stmt, error);
}

/* Unknown text (written by hand) reads as the default, ask. */
static ScPolicy
policy_from_db (const char *text)
{
  ScPolicy policy = SC_POLICY_ASK;

  if (text != NULL)
    sc_policy_from_string (text, &policy);

  return policy;
}

char *
sc_store_get_setting (ScStore     *self,
                      const char  *key,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  char *value = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  store_read_setting (self, key, &value, error);

  return value;
}

/* value NULL removes the setting. */
gboolean
sc_store_set_setting (ScStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  ScPolicy policy;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_str_equal (key, "policy") && value != NULL && !sc_policy_from_string (value, &policy))
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                   _("“%s” is not a policy: use “ask” or “reject”"), value);
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end (self, store_write_setting (self, key, value, error), error);
}

ScPolicy
sc_store_get_policy (ScStore  *self,
                     GError  **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), SC_POLICY_ASK);

  text = sc_store_get_setting (self, "policy", error);
  return policy_from_db (text);
}

gboolean
sc_store_set_policy (ScStore   *self,
                     ScPolicy   policy,
                     GError   **error)
{
  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (policy == SC_POLICY_ASK || policy == SC_POLICY_REJECT, FALSE);

  return sc_store_set_setting (self, "policy", sc_policy_to_string (policy), error);
}

/* Allow and block lists */

/* sc_fingerprint_normalize() with its complaint as an SC_STORE_ERROR_INVALID. */
char *
sc_store_normalize_fingerprint (const char  *text,
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *normalized = sc_fingerprint_normalize (text, &local_error);

  if (normalized == NULL)
    g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                 _("“%s” is not a certificate fingerprint: %s"), text,
                 local_error != NULL ? local_error->message : _("64 hexadecimal digits expected"));

  return normalized;
}

static const char *
list_description (ScListKind list)
{
  return list == SC_LIST_ALLOW ? _("the allow list") : _("the block list");
}

static char *
normalize_entry_value (ScListKind    list,
                       ScEntryKind   kind,
                       const char   *value,
                       GError      **error)
{
  if (kind == SC_ENTRY_ISSUER && list != SC_LIST_BLOCK)
    {
      g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                           _("Issuers can only be put on the block list; "
                             "to trust an issuer, add its CA certificate"));
      return NULL;
    }

  if (kind == SC_ENTRY_USER)
    {
      if (!sc_user_id_is_valid (value))
        {
          g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                       _("“%s” is not a valid user ID"), value);
          return NULL;
        }
      return sc_user_id_normalize (value);
    }

  return sc_store_normalize_fingerprint (value, error);
}

gboolean
sc_store_insert_entry (ScStore      *self,
                       ScListKind    list,
                       ScEntryKind   kind,
                       const char   *value,
                       const char   *note,
                       GError      **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = sc_store_prepare (self,
                           "INSERT OR IGNORE INTO lists (list, kind, value, note, added) "
                           "VALUES (?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, list_to_db (list));
  bind_text (stmt, 2, sc_entry_kind_to_string (kind));
  bind_text (stmt, 3, value);
  bind_text (stmt, 4, note);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());

  return sc_store_step_done (self, stmt, error);
}

/* Deletes an entry; a missing one is an error only when it must_exist. */
gboolean
sc_store_delete_entry (ScStore      *self,
                       ScListKind    list,
                       ScEntryKind   kind,
                       const char   *value,
                       gboolean      must_exist,
                       GError      **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = sc_store_prepare (self, "DELETE FROM lists WHERE list = ? AND kind = ? AND value = ?",
                           error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, list_to_db (list));
  bind_text (stmt, 2, sc_entry_kind_to_string (kind));
  bind_text (stmt, 3, value);
  if (!sc_store_step_done (self, stmt, error))
    return FALSE;

  if (must_exist && sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                   _("The %s %s is not on %s"),
                   sc_entry_kind_to_string (kind), value, list_description (list));
      return FALSE;
    }

  return TRUE;
}

gboolean
sc_store_add_entry (ScStore      *self,
                    ScListKind    list,
                    ScEntryKind   kind,
                    const char   *value,
                    const char   *note,
                    GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (list == SC_LIST_ALLOW || list == SC_LIST_BLOCK, FALSE);
  g_return_val_if_fail (kind <= SC_ENTRY_ISSUER, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normalized = normalize_entry_value (list, kind, value, error);
  if (normalized == NULL)
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end (self,
                       sc_store_insert_entry (self, list, kind, normalized, note, error),
                       error);
}

gboolean
sc_store_remove_entry (ScStore      *self,
                       ScListKind    list,
                       ScEntryKind   kind,
                       const char   *value,
                       GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (list == SC_LIST_ALLOW || list == SC_LIST_BLOCK, FALSE);
  g_return_val_if_fail (kind <= SC_ENTRY_ISSUER, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normalized = normalize_entry_value (list, kind, value, error);
  if (normalized == NULL)
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end (self,
                       sc_store_delete_entry (self, list, kind, normalized, TRUE, error),
                       error);
}

static gpointer
entry_from_row (sqlite3_stmt *stmt)
{
  ScListEntry *entry = g_new0 (ScListEntry, 1);

  entry->list = list_from_db ((const char *) sqlite3_column_text (stmt, 0));
  entry->kind = entry_kind_from_db ((const char *) sqlite3_column_text (stmt, 1));
  entry->value = column_strdup (stmt, 2);
  entry->note = column_strdup (stmt, 3);
  entry->added = sqlite3_column_int64 (stmt, 4);

  return entry;
}

GPtrArray *
sc_store_list_entries (ScStore     *self,
                       ScListKind   list,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (list == SC_LIST_ALLOW || list == SC_LIST_BLOCK, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT list, kind, value, note, added FROM lists "
                           "WHERE list = ? ORDER BY kind, value",
                           error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, list_to_db (list));
  return sc_store_list_rows (self, stmt, entry_from_row,
                             (GDestroyNotify) sc_list_entry_free, error);
}

/* Trust settings */

static gpointer
blob_from_row (sqlite3_stmt *stmt)
{
  return column_bytes (stmt, 0);
}

/* Adds the first column of every row of sql to blobs, as GBytes. */
static gboolean
store_read_blobs (ScStore     *self,
                  const char  *sql,
                  GPtrArray   *blobs,
                  GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = sc_store_prepare (self, sql, error);

  return stmt != NULL && store_read_rows (self, stmt, blob_from_row, blobs, error);
}

static gboolean
store_read_sets (ScStore          *self,
                 ScTrustSettings  *settings,
                 GError          **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  int rc;

  stmt = sc_store_prepare (self, "SELECT list, kind, value FROM lists", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ScListKind list = list_from_db ((const char *) sqlite3_column_text (stmt, 0));
      ScEntryKind kind = entry_kind_from_db ((const char *) sqlite3_column_text (stmt, 1));
      GHashTable *set;

      if (list == SC_LIST_ALLOW && kind == SC_ENTRY_FINGERPRINT)
        set = settings->allow_fingerprints;
      else if (list == SC_LIST_ALLOW && kind == SC_ENTRY_USER)
        set = settings->allow_users;
      else if (list == SC_LIST_BLOCK && kind == SC_ENTRY_FINGERPRINT)
        set = settings->block_fingerprints;
      else if (list == SC_LIST_BLOCK && kind == SC_ENTRY_USER)
        set = settings->block_users;
      else if (list == SC_LIST_BLOCK && kind == SC_ENTRY_ISSUER)
        set = settings->block_issuers;
      else
        continue;

      g_hash_table_add (set, column_strdup (stmt, 2));
    }

  return rc == SQLITE_DONE || sc_store_fail (self, rc, error);
}

static gboolean
store_read_trust_settings (ScStore          *self,
                           ScTrustSettings  *settings,
                           GError          **error)
{
  g_autofree char *policy = NULL;

  if (!store_read_blobs (self, "SELECT der FROM issuers ORDER BY added, fingerprint",
                         settings->anchors, error) ||
      !store_read_blobs (self, "SELECT der FROM crls ORDER BY added, fingerprint",
                         settings->crls, error) ||
      !store_read_sets (self, settings, error) ||
      !store_read_setting (self, "policy", &policy, error))
    return FALSE;

  settings->policy = policy_from_db (policy);
  return TRUE;
}

ScTrustSettings *
sc_store_load_trust_settings (ScStore  *self,
                              GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScTrustSettings) settings = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  settings = sc_trust_settings_new ();

  if (!store_begin_read (self, error) ||
      !sc_store_end (self, store_read_trust_settings (self, settings, error), error))
    return NULL;

  return g_steal_pointer (&settings);
}

/* GObject */

static void
sc_store_finalize (GObject *object)
{
  ScStore *self = SC_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sc_store_parent_class)->finalize (object);
}

static void
sc_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ScStore *self = SC_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_store_class_init (ScStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sc_store_finalize;
  object_class->get_property = sc_store_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_store_init (ScStore *self)
{
  g_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, statement_finalize);
}
