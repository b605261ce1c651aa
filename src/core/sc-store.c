/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sqlite3.h>

#include "sc-peer-certificate.h"
#include "sc-store.h"

/* 'SIXC': PRAGMA application_id of every SixChat database. */
#define SC_STORE_APPLICATION_ID 0x53495843
#define SC_STORE_BUSY_TIMEOUT_MS 5000
#define SC_STORE_MAX_KNOCKS 10000

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
};

#define SC_STORE_SCHEMA_VERSION ((int) G_N_ELEMENTS (migrations))

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

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ScStore, sc_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (sc-store-error-quark, sc_store_error)

/* A borrowed cached statement, reset (and its bindings cleared) when it
 * goes out of scope. */
typedef sqlite3_stmt ScStoreStatement;

static void
sc_store_statement_release (ScStoreStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScStoreStatement, sc_store_statement_release)

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

void
sc_issuer_entry_free (ScIssuerEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->fingerprint);
  g_free (entry->subject);
  g_clear_pointer (&entry->der, g_bytes_unref);
  g_free (entry);
}

void
sc_crl_entry_free (ScCrlEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->fingerprint);
  g_free (entry->issuer);
  g_clear_pointer (&entry->der, g_bytes_unref);
  g_free (entry);
}

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

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* SQLite plumbing; every helper expects self->lock to be held. */

static gboolean
store_fail (ScStore  *self,
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
static ScStoreStatement *
store_prepare (ScStore     *self,
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
      store_fail (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
store_step_done (ScStore       *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return store_fail (self, rc, error);

  return TRUE;
}

static gboolean
store_run (ScStore     *self,
           const char  *sql,
           GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = store_prepare (self, sql, error);

  return stmt != NULL && store_step_done (self, stmt, error);
}

/* Reads a single integer (a PRAGMA or an aggregate). */
static gboolean
store_query_int (ScStore     *self,
                 const char  *sql,
                 gint64      *value,
                 GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return store_fail (self, rc, error);

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

static gboolean
store_begin_write (ScStore  *self,
                   GError  **error)
{
  if (sqlite3_db_readonly (self->db, "main") == 1)
    return store_fail (self, SQLITE_READONLY, error);

  self->changes_at_begin = sqlite3_total_changes (self->db);
  return store_run (self, "BEGIN IMMEDIATE", error);
}

/* Commits a transaction begun with store_begin_write() or store_begin_read();
 * rolls it back when that fails. */
static gboolean
store_commit (ScStore  *self,
              GError  **error)
{
  if (!store_run (self, "COMMIT", error))
    {
      store_rollback (self);
      return FALSE;
    }

  if (sqlite3_total_changes (self->db) != self->changes_at_begin)
    self->own_commits++;

  return TRUE;
}

/* Ends a transaction: commits it when the work in it succeeded (ok), else
 * rolls it back and passes the failure on. */
static gboolean
store_end (ScStore   *self,
           gboolean   ok,
           GError   **error)
{
  if (!ok)
    {
      store_rollback (self);
      return FALSE;
    }

  return store_commit (self, error);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           index,
            GBytes       *bytes)
{
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  sqlite3_bind_blob64 (stmt, index, data, size, SQLITE_TRANSIENT);
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  const void *data = sqlite3_column_blob (stmt, column);
  int size = sqlite3_column_bytes (stmt, column);

  return g_bytes_new (data, size);
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
        return store_fail (self, rc, error);
    }

  return TRUE;
}

static gboolean
store_migrate (ScStore  *self,
               GError  **error)
{
  /* Another process may be creating the same database: the migrations
   * check its version again under the write lock. */
  return store_begin_write (self, error) &&
         store_end (self, store_run_migrations (self, error), error);
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

  stmt = store_prepare (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return store_fail (self, rc, error);

  return TRUE;
}

/* Damage found now is an error naming the file, rather than a failure of
 * some later call.  Reads every page once: milliseconds for a full knock log. */
static gboolean
store_quick_check (ScStore  *self,
                   GError  **error)
{
  g_autoptr(ScStoreStatement) stmt = store_prepare (self, "PRAGMA quick_check (1)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return store_fail (self, rc, error);

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    return store_fail (self, SQLITE_CORRUPT, error);

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

  stmt = store_prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail (self, rc, error);

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
    stmt = store_prepare (self,
                          "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                          "WHERE value IS NOT excluded.value",
                          error);
  else
    stmt = store_prepare (self, "DELETE FROM settings WHERE key = ?1", error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  if (value != NULL)
    bind_text (stmt, 2, value);

  return store_step_done (self, stmt, error);
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
  return store_begin_write (self, error) &&
         store_end (self, store_write_setting (self, key, value, error), error);
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
static char *
normalize_fingerprint (const char  *text,
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

  return normalize_fingerprint (value, error);
}

static gboolean
store_insert_entry (ScStore      *self,
                    ScListKind    list,
                    ScEntryKind   kind,
                    const char   *value,
                    const char   *note,
                    GError      **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = store_prepare (self,
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

  return store_step_done (self, stmt, error);
}

/* Deletes an entry; a missing one is an error only when it must_exist. */
static gboolean
store_delete_entry (ScStore      *self,
                    ScListKind    list,
                    ScEntryKind   kind,
                    const char   *value,
                    gboolean      must_exist,
                    GError      **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = store_prepare (self, "DELETE FROM lists WHERE list = ? AND kind = ? AND value = ?",
                        error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, list_to_db (list));
  bind_text (stmt, 2, sc_entry_kind_to_string (kind));
  bind_text (stmt, 3, value);
  if (!store_step_done (self, stmt, error))
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
  return store_begin_write (self, error) &&
         store_end (self, store_insert_entry (self, list, kind, normalized, note, error), error);
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
  return store_begin_write (self, error) &&
         store_end (self, store_delete_entry (self, list, kind, normalized, TRUE, error), error);
}

GPtrArray *
sc_store_list_entries (ScStore     *self,
                       ScListKind   list,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (list == SC_LIST_ALLOW || list == SC_LIST_BLOCK, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = store_prepare (self,
                        "SELECT list, kind, value, note, added FROM lists "
                        "WHERE list = ? ORDER BY kind, value",
                        error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, list_to_db (list));
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_list_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ScListEntry *entry = g_new0 (ScListEntry, 1);

      entry->list = list_from_db ((const char *) sqlite3_column_text (stmt, 0));
      entry->kind = entry_kind_from_db ((const char *) sqlite3_column_text (stmt, 1));
      entry->value = column_strdup (stmt, 2);
      entry->note = column_strdup (stmt, 3);
      entry->added = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      store_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/* Trust settings */

static gboolean
store_read_blobs (ScStore     *self,
                  const char  *sql,
                  GPtrArray   *blobs,
                  GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (blobs, column_bytes (stmt, 0));

  return rc == SQLITE_DONE || store_fail (self, rc, error);
}

static gboolean
store_read_sets (ScStore          *self,
                 ScTrustSettings  *settings,
                 GError          **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  int rc;

  stmt = store_prepare (self, "SELECT list, kind, value FROM lists", error);
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

  return rc == SQLITE_DONE || store_fail (self, rc, error);
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
      !store_end (self, store_read_trust_settings (self, settings, error), error))
    return NULL;

  return g_steal_pointer (&settings);
}

/* Issuers and CRLs */

static gboolean
set_gnutls_invalid (GError     **error,
                    const char  *what,
                    int          ret)
{
  g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
               _("Not a DER-encoded %s: %s"), what, gnutls_strerror (ret));
  return FALSE;
}

static GBytes *
bytes_from_datum (gnutls_datum_t *datum)
{
  GBytes *bytes = g_bytes_new (datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;
  return bytes;
}

static char *
string_from_datum (gnutls_datum_t *datum)
{
  char *text = g_strndup ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;
  return text;
}

/* Parses a CA certificate; returns its canonical DER and subject DN. */
static gboolean
parse_issuer (GBytes   *der,
              GBytes  **canonical,
              char    **subject,
              GError  **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  unsigned int critical;
  unsigned int ca = 0;
  int pathlen;
  gsize size;
  gboolean ok = FALSE;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;

  if ((ret = gnutls_x509_crt_init (&crt)) < 0 ||
      (ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER)) < 0)
    {
      set_gnutls_invalid (error, _("certificate"), ret);
      goto out;
    }

  if ((ret = gnutls_x509_crt_get_dn3 (crt, &datum, 0)) < 0)
    {
      set_gnutls_invalid (error, _("certificate"), ret);
      goto out;
    }
  *subject = string_from_datum (&datum);

  if (gnutls_x509_crt_get_basic_constraints (crt, &critical, &ca, &pathlen) < 0 || !ca)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                   _("“%s” is not a CA certificate (no basicConstraints cA=TRUE)"), *subject);
      g_clear_pointer (subject, g_free);
      goto out;
    }

  if ((ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &datum)) < 0)
    {
      set_gnutls_invalid (error, _("certificate"), ret);
      g_clear_pointer (subject, g_free);
      goto out;
    }
  *canonical = bytes_from_datum (&datum);
  ok = TRUE;

out:
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  return ok;
}

static gboolean
parse_crl (GBytes      *der,
           ScCrlEntry  *entry,
           GError     **error)
{
  gnutls_x509_crl_t crl = NULL;
  gnutls_datum_t datum;
  time_t next_update;
  gsize size;
  gboolean ok = FALSE;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;

  if ((ret = gnutls_x509_crl_init (&crl)) < 0 ||
      (ret = gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_DER)) < 0 ||
      (ret = gnutls_x509_crl_get_issuer_dn3 (crl, &datum, 0)) < 0)
    {
      set_gnutls_invalid (error, _("certificate revocation list"), ret);
      goto out;
    }
  entry->issuer = string_from_datum (&datum);

  if ((ret = gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &datum)) < 0)
    {
      set_gnutls_invalid (error, _("certificate revocation list"), ret);
      goto out;
    }
  entry->der = bytes_from_datum (&datum);

  entry->this_update = gnutls_x509_crl_get_this_update (crl);
  next_update = gnutls_x509_crl_get_next_update (crl);
  entry->next_update = next_update == (time_t) -1 ? 0 : next_update;
  entry->fingerprint = sc_fingerprint_of_der (entry->der);
  ok = TRUE;

out:
  g_clear_pointer (&crl, gnutls_x509_crl_deinit);
  return ok;
}

/* Runs sql, a DELETE taking a normalized fingerprint; deleting nothing is
 * an error, in which what names the missing thing. */
static gboolean
store_delete_by_fingerprint (ScStore     *self,
                             const char  *sql,
                             const char  *what,
                             const char  *fingerprint,
                             GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, fingerprint);
  if (!store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                   _("There is no %s with fingerprint %s"), what, fingerprint);
      return FALSE;
    }

  return TRUE;
}

static gboolean
store_remove_by_fingerprint (ScStore     *self,
                             const char  *sql,
                             const char  *what,
                             const char  *fingerprint,
                             GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;

  normalized = normalize_fingerprint (fingerprint, error);
  if (normalized == NULL)
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  return store_begin_write (self, error) &&
         store_end (self, store_delete_by_fingerprint (self, sql, what, normalized, error),
                    error);
}

static gboolean
store_insert_issuer (ScStore     *self,
                     const char  *subject,
                     GBytes      *der,
                     GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autofree char *fingerprint = sc_fingerprint_of_der (der);

  stmt = store_prepare (self,
                        "INSERT OR IGNORE INTO issuers (fingerprint, subject, der, added) "
                        "VALUES (?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, fingerprint);
  bind_text (stmt, 2, subject);
  bind_bytes (stmt, 3, der);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  return store_step_done (self, stmt, error);
}

gboolean
sc_store_add_issuer (ScStore  *self,
                     GBytes   *der,
                     GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GBytes) canonical = NULL;
  g_autofree char *subject = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (der != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!parse_issuer (der, &canonical, &subject, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  return store_begin_write (self, error) &&
         store_end (self, store_insert_issuer (self, subject, canonical, error), error);
}

gboolean
sc_store_remove_issuer (ScStore     *self,
                        const char  *fingerprint,
                        GError     **error)
{
  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return store_remove_by_fingerprint (self, "DELETE FROM issuers WHERE fingerprint = ?",
                                      _("trusted issuer"), fingerprint, error);
}

GPtrArray *
sc_store_list_issuers (ScStore  *self,
                       GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autoptr(GPtrArray) issuers = NULL;
  int rc;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = store_prepare (self,
                        "SELECT fingerprint, subject, der, added FROM issuers "
                        "ORDER BY added, fingerprint",
                        error);
  if (stmt == NULL)
    return NULL;

  issuers = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_issuer_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ScIssuerEntry *entry = g_new0 (ScIssuerEntry, 1);

      entry->fingerprint = column_strdup (stmt, 0);
      entry->subject = column_strdup (stmt, 1);
      entry->der = column_bytes (stmt, 2);
      entry->added = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (issuers, entry);
    }

  if (rc != SQLITE_DONE)
    {
      store_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&issuers);
}

static gboolean
store_insert_crl (ScStore           *self,
                  const ScCrlEntry  *entry,
                  GError           **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = store_prepare (self,
                        "INSERT OR IGNORE INTO crls "
                        "(fingerprint, issuer, this_update, next_update, der, added) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, entry->fingerprint);
  bind_text (stmt, 2, entry->issuer);
  sqlite3_bind_int64 (stmt, 3, entry->this_update);
  sqlite3_bind_int64 (stmt, 4, entry->next_update);
  bind_bytes (stmt, 5, entry->der);
  sqlite3_bind_int64 (stmt, 6, now_seconds ());
  return store_step_done (self, stmt, error);
}

gboolean
sc_store_add_crl (ScStore  *self,
                  GBytes   *der,
                  GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScCrlEntry) entry = g_new0 (ScCrlEntry, 1);

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (der != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!parse_crl (der, entry, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  return store_begin_write (self, error) &&
         store_end (self, store_insert_crl (self, entry, error), error);
}

gboolean
sc_store_remove_crl (ScStore     *self,
                     const char  *fingerprint,
                     GError     **error)
{
  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return store_remove_by_fingerprint (self, "DELETE FROM crls WHERE fingerprint = ?",
                                      _("certificate revocation list"), fingerprint, error);
}

GPtrArray *
sc_store_list_crls (ScStore  *self,
                    GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autoptr(GPtrArray) crls = NULL;
  int rc;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = store_prepare (self,
                        "SELECT fingerprint, issuer, this_update, next_update, der, added "
                        "FROM crls ORDER BY added, fingerprint",
                        error);
  if (stmt == NULL)
    return NULL;

  crls = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_crl_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ScCrlEntry *entry = g_new0 (ScCrlEntry, 1);

      entry->fingerprint = column_strdup (stmt, 0);
      entry->issuer = column_strdup (stmt, 1);
      entry->this_update = sqlite3_column_int64 (stmt, 2);
      entry->next_update = sqlite3_column_int64 (stmt, 3);
      entry->der = column_bytes (stmt, 4);
      entry->added = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (crls, entry);
    }

  if (rc != SQLITE_DONE)
    {
      store_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&crls);
}

/* Knocks */

static gboolean
store_insert_knock (ScStore        *self,
                    const ScKnock  *knock,
                    GError        **error)
{
  g_autoptr(ScStoreStatement) insert = NULL;
  g_autoptr(ScStoreStatement) prune = NULL;

  insert = store_prepare (self,
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
  if (!store_step_done (self, insert, error))
    return FALSE;

  /* Ids grow by one per knock and only the oldest are ever deleted, so this
   * keeps exactly the newest ones; with nothing to delete it is a single
   * index seek. */
  prune = store_prepare (self, "DELETE FROM knocks WHERE id <= ?", error);
  if (prune == NULL)
    return FALSE;

  sqlite3_bind_int64 (prune, 1, sqlite3_last_insert_rowid (self->db) - SC_STORE_MAX_KNOCKS);
  return store_step_done (self, prune, error);
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
  return store_begin_write (self, error) &&
         store_end (self, store_insert_knock (self, knock, error), error);
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
  g_autoptr(GPtrArray) knocks = NULL;
  int rc;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = store_prepare (self,
                        "SELECT id, time, incoming, address, fingerprint, user_id, name, "
                        "verdict, reason, detail FROM knocks ORDER BY id DESC LIMIT ?",
                        error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  knocks = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_knock_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
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
      g_ptr_array_add (knocks, knock);
    }

  if (rc != SQLITE_DONE)
    {
      store_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&knocks);
}

/* Requests */

#define REQUEST_COLUMNS \
  "id, fingerprint, user_id, name, certificate_pem, greeting, address, " \
  "first_seen, last_seen, attempts, state"

static ScRequest *
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

/* Runs a query for at most one request, bound to id or to a fingerprint;
 * *request is NULL when there is none. */
static gboolean
store_read_request (ScStore     *self,
                    const char  *sql,
                    gint64       id,
                    const char  *fingerprint,
                    ScRequest  **request,
                    GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  if (fingerprint != NULL)
    bind_text (stmt, 1, fingerprint);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail (self, rc, error);

  *request = rc == SQLITE_ROW ? request_from_row (stmt) : NULL;
  return TRUE;
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
  stmt = store_prepare (self,
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
    return store_fail (self, rc, error);

  *id = sqlite3_column_int64 (stmt, 0);

  /* Finish the statement before the caller commits. */
  return store_step_done (self, stmt, error);
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

  normalized = normalize_fingerprint (fingerprint, error);
  if (normalized == NULL)
    return 0;

  locker = g_mutex_locker_new (&self->lock);
  if (!store_begin_write (self, error) ||
      !store_end (self,
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
  ScRequest *request = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (!store_read_request (self, "SELECT " REQUEST_COLUMNS " FROM requests WHERE id = ?",
                           id, NULL, &request, error))
    return NULL;

  if (request == NULL)
    g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                 _("There is no contact request %lld"), (long long) id);

  return request;
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

  normalized = normalize_fingerprint (fingerprint, error);
  if (normalized == NULL)
    return NULL;

  locker = g_mutex_locker_new (&self->lock);
  store_read_request (self, "SELECT " REQUEST_COLUMNS " FROM requests WHERE fingerprint = ?",
                      0, normalized, &request, error);

  return request;
}

GPtrArray *
sc_store_list_requests (ScStore   *self,
                        gboolean   include_decided,
                        GError   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  int rc;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = store_prepare (self,
                        "SELECT " REQUEST_COLUMNS " FROM requests "
                        "WHERE ?1 OR state = 'pending' ORDER BY last_seen DESC, id DESC",
                        error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, include_decided ? 1 : 0);
  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_request_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (requests, request_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      store_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&requests);
}

static gboolean
store_update_request_state (ScStore         *self,
                            gint64           id,
                            ScRequestState   state,
                            GError         **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = store_prepare (self, "UPDATE requests SET state = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, sc_request_state_to_string (state));
  sqlite3_bind_int64 (stmt, 2, id);
  return store_step_done (self, stmt, error);
}

/* Inside the caller's write transaction. */
static gboolean
store_apply_request_state (ScStore         *self,
                           gint64           id,
                           ScRequestState   state,
                           GError         **error)
{
  g_autoptr(ScRequest) request = NULL;

  if (!store_read_request (self, "SELECT " REQUEST_COLUMNS " FROM requests WHERE id = ?",
                           id, NULL, &request, error))
    return FALSE;

  if (request == NULL)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                   _("There is no contact request %lld"), (long long) id);
      return FALSE;
    }

  if (!store_update_request_state (self, id, state, error))
    return FALSE;

  switch (state)
    {
    case SC_REQUEST_ACCEPTED:
      return store_insert_entry (self, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                                 request->fingerprint, request->name, error) &&
             store_delete_entry (self, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
                                 request->fingerprint, FALSE, error);

    case SC_REQUEST_BLOCKED:
      return store_insert_entry (self, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
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
  return store_begin_write (self, error) &&
         store_end (self, store_apply_request_state (self, id, state, error), error);
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
