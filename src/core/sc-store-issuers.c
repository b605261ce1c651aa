/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sc-peer-certificate.h"
#include "sc-store-private.h"

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

static void
bind_bytes (sqlite3_stmt *stmt,
            int           index,
            GBytes       *bytes)
{
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  sqlite3_bind_blob64 (stmt, index, data, size, SQLITE_TRANSIENT);
}

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
  g_autoptr(ScStoreStatement) stmt = sc_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, fingerprint);
  if (!sc_store_step_done (self, stmt, error))
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

  normalized = sc_store_normalize_fingerprint (fingerprint, error);
  if (normalized == NULL)
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  return sc_store_begin_write (self, error) &&
         sc_store_end (self, store_delete_by_fingerprint (self, sql, what, normalized, error),
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

  stmt = sc_store_prepare (self,
                           "INSERT OR IGNORE INTO issuers (fingerprint, subject, der, added) "
                           "VALUES (?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, fingerprint);
  bind_text (stmt, 2, subject);
  bind_bytes (stmt, 3, der);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  return sc_store_step_done (self, stmt, error);
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
  return sc_store_begin_write (self, error) &&
         sc_store_end (self, store_insert_issuer (self, subject, canonical, error), error);
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

static gpointer
issuer_from_row (sqlite3_stmt *stmt)
{
  ScIssuerEntry *entry = g_new0 (ScIssuerEntry, 1);

  entry->fingerprint = column_strdup (stmt, 0);
  entry->subject = column_strdup (stmt, 1);
  entry->der = column_bytes (stmt, 2);
  entry->added = sqlite3_column_int64 (stmt, 3);

  return entry;
}

GPtrArray *
sc_store_list_issuers (ScStore  *self,
                       GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT fingerprint, subject, der, added FROM issuers "
                           "ORDER BY added, fingerprint",
                           error);
  if (stmt == NULL)
    return NULL;

  return sc_store_list_rows (self, stmt, issuer_from_row,
                             (GDestroyNotify) sc_issuer_entry_free, error);
}

static gboolean
store_insert_crl (ScStore           *self,
                  const ScCrlEntry  *entry,
                  GError           **error)
{
  g_autoptr(ScStoreStatement) stmt = NULL;

  stmt = sc_store_prepare (self,
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
  return sc_store_step_done (self, stmt, error);
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
  return sc_store_begin_write (self, error) &&
         sc_store_end (self, store_insert_crl (self, entry, error), error);
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

static gpointer
crl_from_row (sqlite3_stmt *stmt)
{
  ScCrlEntry *entry = g_new0 (ScCrlEntry, 1);

  entry->fingerprint = column_strdup (stmt, 0);
  entry->issuer = column_strdup (stmt, 1);
  entry->this_update = sqlite3_column_int64 (stmt, 2);
  entry->next_update = sqlite3_column_int64 (stmt, 3);
  entry->der = column_bytes (stmt, 4);
  entry->added = sqlite3_column_int64 (stmt, 5);

  return entry;
}

GPtrArray *
sc_store_list_crls (ScStore  *self,
                    GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(ScStoreStatement) stmt = NULL;

  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  stmt = sc_store_prepare (self,
                           "SELECT fingerprint, issuer, this_update, next_update, der, added "
                           "FROM crls ORDER BY added, fingerprint",
                           error);
  if (stmt == NULL)
    return NULL;

  return sc_store_list_rows (self, stmt, crl_from_row, (GDestroyNotify) sc_crl_entry_free, error);
}
