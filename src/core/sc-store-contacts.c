/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sc-address.h"
#include "sc-peer-certificate.h"
#include "sc-store-private.h"

#define CONTACT_COLUMNS \
  "id, name, user_id, addresses, fingerprint, certificate_pem, last_seen, created"

/* How many addresses sc_store_note_contact_seen() keeps. */
#define CONTACT_MAX_ADDRESSES 5

static gpointer
contact_from_row (sqlite3_stmt *stmt)
{
  ScContact *contact = sc_contact_new ((const char *) sqlite3_column_text (stmt, 1),
                                       (const char *) sqlite3_column_text (stmt, 2));
  g_auto(GStrv) addresses = g_strsplit ((const char *) sqlite3_column_text (stmt, 3), "\n", -1);

  sc_contact_set_id (contact, sqlite3_column_int64 (stmt, 0));
  sc_contact_set_addresses (contact, (const char * const *) addresses);
  sc_contact_set_fingerprint (contact, (const char *) sqlite3_column_text (stmt, 4));
  sc_contact_set_certificate_pem (contact, (const char *) sqlite3_column_text (stmt, 5));
  sc_contact_set_last_seen (contact, sqlite3_column_int64 (stmt, 6));
  sc_contact_set_created (contact, sqlite3_column_int64 (stmt, 7));

  return contact;
}

/* The contact with that id; NULL and SC_STORE_ERROR_NOT_FOUND when there is none. */
static ScContact *
store_read_contact_by_id (ScStore  *self,
                          gint64    id,
                          GError  **error)
{
  ScContact *contact = NULL;

  if (!sc_store_read_one (self, "SELECT " CONTACT_COLUMNS " FROM contacts WHERE id = ?",
                          id, NULL, contact_from_row, (gpointer *) &contact, error))
    return NULL;

  if (contact == NULL)
    g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                 _("There is no contact %lld"), (long long) id);

  return contact;
}

/* Puts a contact's fingerprint (a pin) or user ID (allowed when a trusted
 * issuer vouches for it) on the allow list, named after the contact. */
static gboolean
store_allow (ScStore     *self,
             ScEntryKind  kind,
             const char  *value,
             const char  *name,
             GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = sc_store_prepare (self,
                           "INSERT INTO lists (list, kind, value, note, added) "
                           "VALUES ('allow', ?1, ?2, ?3, ?4) "
                           "ON CONFLICT (list, kind, value) DO UPDATE SET note = excluded.note "
                           "WHERE note IS NOT excluded.note",
                           error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, sc_entry_kind_to_string (kind));
  bind_text (stmt, 2, value);
  bind_text (stmt, 3, name);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  return sc_store_step_done (self, stmt, error);
}

/* Takes a fingerprint or user ID off the allow list once no contact has it. */
static gboolean
store_disallow (ScStore     *self,
                ScEntryKind  kind,
                const char  *value,
                GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_assert (kind == SC_ENTRY_FINGERPRINT || kind == SC_ENTRY_USER);

  stmt = sc_store_prepare (self,
                           kind == SC_ENTRY_FINGERPRINT
                           ? "DELETE FROM lists "
                             "WHERE list = 'allow' AND kind = 'fingerprint' AND value = ?1 "
                             "AND NOT EXISTS (SELECT 1 FROM contacts WHERE fingerprint = ?1)"
                           : "DELETE FROM lists "
                             "WHERE list = 'allow' AND kind = 'user' AND value = ?1 "
                             "AND NOT EXISTS (SELECT 1 FROM contacts WHERE user_id = ?1)",
                           error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, value);
  return sc_store_step_done (self, stmt, error);
}

/* Refuses a user ID that another contact (one with an id other than id) has. */
static gboolean
store_check_user_id_free (ScStore     *self,
                          const char  *user_id,
                          gint64       id,
                          GError     **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  int rc;

  stmt = sc_store_prepare (self, "SELECT name FROM contacts WHERE user_id = ?1 AND id != ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return sc_store_fail (self, rc, error);

  g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
               _("You already have a contact for %s: %s"),
               user_id, (const char *) sqlite3_column_text (stmt, 0));
  return FALSE;
}

/* What the row holds after an insert or an update. */
typedef struct
{
  gint64 id;
  gint64 last_seen;
  gint64 created;
} SavedRow;

/* Inserts (id 0) or updates the row of contact; binds
 * ?1 id, ?2 name, ?3 user_id, ?4 addresses, ?5 fingerprint,
 * ?6 certificate_pem, ?7 last_seen, ?8 created. */
static gboolean
store_write_contact (ScStore    *self,
                     ScContact  *contact,
                     SavedRow   *saved,
                     GError    **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autofree char *addresses = NULL;
  gint64 created = sc_contact_get_created (contact);
  int rc;

  if (sc_contact_get_id (contact) == 0)
    stmt = sc_store_prepare (self,
                             "INSERT INTO contacts (name, user_id, addresses, fingerprint, "
                             "certificate_pem, last_seen, created) "
                             "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                             "RETURNING id, last_seen, created",
                             error);
  else
    stmt = sc_store_prepare (self,
                             "UPDATE contacts SET name = ?2, user_id = ?3, addresses = ?4, "
                             "fingerprint = ?5, certificate_pem = ?6, "
                             "last_seen = max (last_seen, ?7) "
                             "WHERE id = ?1 RETURNING id, last_seen, created",
                             error);
  if (stmt == NULL)
    return FALSE;

  addresses = g_strjoinv ("\n", (GStrv) sc_contact_get_addresses (contact));
  sqlite3_bind_int64 (stmt, 1, sc_contact_get_id (contact));
  bind_text (stmt, 2, sc_contact_get_name (contact));
  bind_text (stmt, 3, sc_contact_get_user_id (contact));
  bind_text (stmt, 4, addresses);
  bind_text (stmt, 5, sc_contact_get_fingerprint (contact));
  bind_text (stmt, 6, sc_contact_get_certificate_pem (contact));
  sqlite3_bind_int64 (stmt, 7, sc_contact_get_last_seen (contact));
  sqlite3_bind_int64 (stmt, 8, created != 0 ? created : now_seconds ());

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sc_store_fail (self, rc, error);

  saved->id = sqlite3_column_int64 (stmt, 0);
  saved->last_seen = sqlite3_column_int64 (stmt, 1);
  saved->created = sqlite3_column_int64 (stmt, 2);

  /* Finish the statement before the caller commits. */
  return sc_store_step_done (self, stmt, error);
}

/* Inside the caller's write transaction. */
static gboolean
store_save_contact (ScStore    *self,
                    ScContact  *contact,
                    SavedRow   *saved,
                    GError    **error)
{
  g_autoptr(ScContact) old = NULL;
  const char *fingerprint = sc_contact_get_fingerprint (contact);
  gint64 id = sc_contact_get_id (contact);

  if (id != 0 && (old = store_read_contact_by_id (self, id, error)) == NULL)
    return FALSE;

  if (!store_check_user_id_free (self, sc_contact_get_user_id (contact), id, error) ||
      !store_write_contact (self, contact, saved, error))
    return FALSE;

  if (old != NULL && sc_contact_get_fingerprint (old) != NULL &&
      g_strcmp0 (sc_contact_get_fingerprint (old), fingerprint) != 0 &&
      !store_disallow (self, SC_ENTRY_FINGERPRINT, sc_contact_get_fingerprint (old), error))
    return FALSE;

  if (old != NULL &&
      g_strcmp0 (sc_contact_get_user_id (old), sc_contact_get_user_id (contact)) != 0 &&
      !store_disallow (self, SC_ENTRY_USER, sc_contact_get_user_id (old), error))
    return FALSE;

  return store_allow (self, SC_ENTRY_USER, sc_contact_get_user_id (contact),
                      sc_contact_get_name (contact), error) &&
         (fingerprint == NULL ||
          store_allow (self, SC_ENTRY_FINGERPRINT, fingerprint, sc_contact_get_name (contact), error));
}

gboolean
sc_store_save_contact (ScStore    *self,
                       ScContact  *contact,
                       GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  SavedRow saved = { 0, };

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (SC_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sc_contact_validate (contact, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  if (!sc_store_begin_write (self, error) ||
      !sc_store_end (self, store_save_contact (self, contact, &saved, error), error))
    return FALSE;
  g_clear_pointer (&locker, g_mutex_locker_free);

  sc_contact_set_id (contact, saved.id);
  sc_contact_set_last_seen (contact, saved.last_seen);
  sc_contact_set_created (contact, saved.created);
  return TRUE;
}

/* Inside the caller's write transaction. */
static gboolean
store_delete_contact (ScStore  *self,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(ScContact) contact = store_read_contact_by_id (self, id, error);
  g_autoptr(ScStoreStatement) stmt = NULL;

  if (contact == NULL)
    return FALSE;

  stmt = sc_store_prepare (self, "DELETE FROM contacts WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!sc_store_step_done (self, stmt, error))
    return FALSE;

  return store_disallow (self, SC_ENTRY_USER, sc_contact_get_user_id (contact), error) &&
         (sc_contact_get_fingerprint (contact) == NULL ||
          store_disallow (self, SC_ENTRY_FINGERPRINT, sc_contact_get_fingerprint (contact), error));
}

gboolean
sc_store_delete_contact (ScStore  *self,
                         gint64    id,
                         GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end (self, store_delete_contact (self, id, error), error);
}

/* By name, case-insensitively, as people read a list; then by id. */
static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  ScContact *contact_a = *(ScContact * const *) a;
  ScContact *contact_b = *(ScContact * const *) b;
  g_autofree char *folded_a = g_utf8_casefold (sc_contact_get_name (contact_a), -1);
  g_autofree char *folded_b = g_utf8_casefold (sc_contact_get_name (contact_b), -1);
  int order = g_utf8_collate (folded_a, folded_b);

  if (order != 0)
    return order;

  return (sc_contact_get_id (contact_a) > sc_contact_get_id (contact_b)) -
         (sc_contact_get_id (contact_a) < sc_contact_get_id (contact_b));
}

GPtrArray *
sc_store_list_contacts (ScStore  *self,
                        GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  GPtrArray *contacts;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self, "SELECT " CONTACT_COLUMNS " FROM contacts", error);
  if (stmt == NULL)
    return NULL;

  contacts = sc_store_list_rows (self, stmt, contact_from_row, g_object_unref, error);
  if (contacts != NULL)
    g_ptr_array_sort (contacts, compare_by_name);

  return contacts;
}

ScContact *
sc_store_get_contact (ScStore  *self,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  return store_read_contact_by_id (self, id, error);
}

ScContact *
sc_store_find_contact (ScStore     *self,
                       const char  *user_id,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;
  ScContact *contact = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  normalized = sc_user_id_normalize (user_id);

  locker = g_mutex_locker_new (&self->lock);
  sc_store_read_one (self, "SELECT " CONTACT_COLUMNS " FROM contacts WHERE user_id = ?",
                     0, normalized, contact_from_row, (gpointer *) &contact, error);

  return contact;
}

/* address first, then the others in their order, at most CONTACT_MAX_ADDRESSES. */
static char *
join_addresses (const char         *address,
                const char * const *others)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (address != NULL)
    g_ptr_array_add (kept, (gpointer) address);

  for (guint i = 0; others[i] != NULL && kept->len < CONTACT_MAX_ADDRESSES; i++)
    {
      if (g_strcmp0 (others[i], address) != 0)
        g_ptr_array_add (kept, (gpointer) others[i]);
    }
  g_ptr_array_add (kept, NULL);

  return g_strjoinv ("\n", (GStrv) kept->pdata);
}

/* Inside the caller's write transaction. */
static gboolean
store_note_contact_seen (ScStore     *self,
                         const char  *user_id,
                         const char  *address,
                         const char  *certificate_pem,
                         GError     **error)
{
  g_autoptr(ScContact) contact = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;
  g_autofree char *addresses = NULL;

  if (!sc_store_read_one (self, "SELECT " CONTACT_COLUMNS " FROM contacts WHERE user_id = ?",
                          0, user_id, contact_from_row, (gpointer *) &contact, error))
    return FALSE;

  if (contact == NULL)
    return TRUE;

  stmt = sc_store_prepare (self,
                           "UPDATE contacts SET last_seen = ?2, addresses = ?3, "
                           "certificate_pem = coalesce (nullif (?4, ''), certificate_pem) "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  addresses = join_addresses (address, sc_contact_get_addresses (contact));
  sqlite3_bind_int64 (stmt, 1, sc_contact_get_id (contact));
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  bind_text (stmt, 3, addresses);
  bind_text (stmt, 4, certificate_pem);
  return sc_store_step_done (self, stmt, error);
}

gboolean
sc_store_note_contact_seen (ScStore     *self,
                            const char  *user_id,
                            const char  *address,
                            const char  *certificate_pem,
                            GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) local_error = NULL;
  guint16 port;

  g_return_val_if_fail (SC_IS_STORE (self), FALSE);
  g_return_val_if_fail (user_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (address != NULL)
    {
      stripped = g_strstrip (g_strdup (address));
      if (!sc_address_parse (stripped, 0, &host, &port, &local_error))
        {
          g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                               local_error->message);
          return FALSE;
        }
    }

  normalized = sc_user_id_normalize (user_id);

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end (self,
                       store_note_contact_seen (self, normalized, stripped, certificate_pem,
                                                error),
                       error);
}
