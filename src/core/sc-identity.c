/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "sc-identity.h"
#include "sc-profile.h"

#define CERTIFICATE_FILE "identity.crt"
#define KEY_FILE         "identity.key"
#define NAME_MAX_BYTES   256
#define SERIAL_BYTES     16
#define BACKDATE_SECONDS (5 * 60)
#define VALIDITY_YEARS   2

struct _ScIdentity
{
  GObject parent_instance;

  char *profile_dir;
  ScPeerCertificate *certificate;
  GBytes *key_pem;   /* PKCS#8 */
};

G_DEFINE_FINAL_TYPE (ScIdentity, sc_identity, G_TYPE_OBJECT)

G_DEFINE_QUARK (sc-identity-error-quark, sc_identity_error)

static void
datum_clear (gnutls_datum_t *datum)
{
  g_clear_pointer (&datum->data, gnutls_free);
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, datum_clear)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crq_t, gnutls_x509_crq_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pkcs12_t, gnutls_pkcs12_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pkcs12_bag_t, gnutls_pkcs12_bag_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_key_purposes_t, gnutls_x509_key_purpose_deinit, NULL)

/* A view of bytes, for GnuTLS; read_file() keeps them few enough. */
static void
datum_of_bytes (GBytes         *bytes,
                gnutls_datum_t *datum)
{
  gsize size;

  datum->data = (unsigned char *) g_bytes_get_data (bytes, &size);
  g_assert (size <= G_MAXUINT);
  datum->size = size;
}

static GBytes *
bytes_take_datum (gnutls_datum_t *datum)
{
  GBytes *bytes = g_bytes_new (datum->data, datum->size);

  datum_clear (datum);
  return bytes;
}

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO,
               "%s “%s”: %s", what, path, g_strerror (saved_errno));
}

/* Restates an error of ScPeerCertificate or of GLib file reading, whose
 * message already names the file, as an SC_IDENTITY_ERROR. */
static void
propagate_as_identity_error (GError **error,
                             GError  *local)
{
  ScIdentityError code;

  code = local->domain == G_FILE_ERROR ? SC_IDENTITY_ERROR_IO : SC_IDENTITY_ERROR_PARSE;
  g_set_error_literal (error, SC_IDENTITY_ERROR, code, local->message);
  g_error_free (local);
}

static GBytes *
read_file (const char  *path,
           GError     **error)
{
  GError *local = NULL;
  char *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      propagate_as_identity_error (error, local);
      return NULL;
    }

  if (length > G_MAXUINT)
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE,
                   "“%s” is far too large for a key or a PKCS#12 file", path);
      g_free (contents);
      return NULL;
    }

  return g_bytes_new_take (contents, length);
}

static ScPeerCertificate *
certificate_from_file (const char  *path,
                       GError     **error)
{
  GError *local = NULL;
  ScPeerCertificate *certificate;

  certificate = sc_peer_certificate_new_from_file (path, &local);
  if (certificate == NULL)
    propagate_as_identity_error (error, local);

  return certificate;
}

/* An unencrypted PEM key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC). */
static gnutls_x509_privkey_t
key_from_file (const char  *path,
               GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_autoptr(GBytes) pem = NULL;
  gnutls_datum_t datum;
  int ret;

  pem = read_file (path, error);
  if (pem == NULL)
    return NULL;

  if (g_bytes_get_size (pem) == 0)
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE,
                   "No private key in “%s”: the file is empty", path);
      return NULL;
    }

  datum_of_bytes (pem, &datum);
  if ((ret = gnutls_x509_privkey_init (&key)) < 0 ||
      (ret = gnutls_x509_privkey_import2 (key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0)
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE,
                   "No usable private key in “%s” (an unencrypted PEM key is needed): %s",
                   path, gnutls_strerror (ret));
      return NULL;
    }

  return g_steal_pointer (&key);
}

/* PEM text, with a NUL after its last byte so it also reads as a string. */
static GBytes *
key_to_pkcs8_pem (gnutls_x509_privkey_t key)
{
  g_auto(gnutls_datum_t) pem = { NULL, 0 };
  int ret;

  ret = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                           GNUTLS_PKCS_PLAIN, &pem);
  g_assert (ret == 0);

  return g_bytes_new_take (g_strndup ((const char *) pem.data, pem.size), pem.size);
}

/* One member of a parsed chain as GnuTLS sees it; NULL only on failure to
 * allocate, since ScPeerCertificate parsed these very bytes before. */
static gnutls_x509_crt_t
crt_at (ScPeerCertificate *certificate,
        guint              index)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  gnutls_datum_t datum;

  datum_of_bytes (sc_peer_certificate_get_der (certificate, index), &datum);
  if (gnutls_x509_crt_init (&crt) < 0 ||
      gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER) < 0)
    return NULL;

  return g_steal_pointer (&crt);
}

static gboolean
key_matches_leaf (gnutls_x509_privkey_t  key,
                  ScPeerCertificate     *certificate)
{
  g_auto(gnutls_x509_crt_t) leaf = crt_at (certificate, 0);
  guint8 crt_id[64];
  guint8 key_id[64];
  size_t crt_id_size = sizeof crt_id;
  size_t key_id_size = sizeof key_id;

  return leaf != NULL &&
         gnutls_x509_crt_get_key_id (leaf, GNUTLS_KEYID_USE_SHA256, crt_id, &crt_id_size) == 0 &&
         gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_size) == 0 &&
         crt_id_size == key_id_size &&
         memcmp (crt_id, key_id, crt_id_size) == 0;
}

/* The leaf must name its owner and belong to the key. */
static gboolean
check_pair (ScPeerCertificate      *certificate,
            gnutls_x509_privkey_t   key,
            const char             *certificate_source,
            const char             *key_source,
            GError                **error)
{
  if (!sc_user_id_is_valid (sc_peer_certificate_get_user_id (certificate)))
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_INVALID,
                   "The certificate in “%s” carries no user ID (a subject UID, an e-mail "
                   "subject alternative name or a subject emailAddress of the form user@domain)",
                   certificate_source);
      return FALSE;
    }

  if (!key_matches_leaf (key, certificate))
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_KEY_MISMATCH,
                   "The certificate in “%s” does not belong to the private key in “%s”",
                   certificate_source, key_source);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_can_write (const char       *profile_dir,
                 ScIdentityFlags   flags,
                 GError          **error)
{
  if ((flags & SC_IDENTITY_FLAGS_REPLACE) == 0 && sc_identity_exists (profile_dir))
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_EXISTS,
                   "The profile “%s” already holds an identity; it is only replaced on request",
                   profile_dir);
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          if (written == 0)
            errno = ENOSPC;
          return FALSE;
        }

      data += written;
      length -= written;
    }

  return TRUE;
}

/* Writes data to a new file next to target, created with mode from the
 * start, and flushes it to disk; returns the new file's path. */
static char *
stage_file (const char  *target,
            GBytes      *data,
            int          mode,
            GError     **error)
{
  g_autofree char *staged = g_strconcat (target, ".XXXXXX", NULL);
  int saved_errno = 0;
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  int fd;

  fd = g_mkstemp_full (staged, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      set_errno_error (error, errno, "Cannot write", target);
      return NULL;
    }

  if (!write_all (fd, bytes, length) || fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;

  if (saved_errno != 0)
    {
      g_unlink (staged);
      set_errno_error (error, saved_errno, "Cannot write", target);
      return NULL;
    }

  return g_steal_pointer (&staged);
}

static void
sync_directory (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

static void
unlink_staged (const char *staged)
{
  if (staged != NULL)
    g_unlink (staged);
}

/* Moves a staged file into place; the rename is atomic. */
static gboolean
install_file (const char  *staged,
              const char  *target,
              GError     **error)
{
  g_autofree char *directory = g_path_get_dirname (target);

  if (g_rename (staged, target) != 0)
    {
      set_errno_error (error, errno, "Cannot replace", target);
      g_unlink (staged);
      return FALSE;
    }

  sync_directory (directory);
  return TRUE;
}

/* Moves the staged key, then the staged certificate into place.  Should the
 * certificate fail to follow, the previous key comes back from a hard link
 * made beforehand, so a failure leaves the previous identity as it was. */
static gboolean
install_pair (const char  *key_staged,
              const char  *key_target,
              const char  *crt_staged,
              const char  *crt_target,
              GError     **error)
{
  g_autofree char *backup = g_strconcat (key_staged, ".old", NULL);
  gboolean had_key;

  had_key = link (key_target, backup) == 0;
  if (!had_key && errno != ENOENT)
    {
      set_errno_error (error, errno, "Cannot keep a copy of", key_target);
      return FALSE;
    }

  if (g_rename (key_staged, key_target) != 0)
    {
      set_errno_error (error, errno, "Cannot replace", key_target);
      unlink_staged (had_key ? backup : NULL);
      return FALSE;
    }

  if (g_rename (crt_staged, crt_target) != 0)
    {
      set_errno_error (error, errno, "Cannot replace", crt_target);
      if (had_key)
        g_rename (backup, key_target);
      else
        g_unlink (key_target);
      return FALSE;
    }

  unlink_staged (had_key ? backup : NULL);
  return TRUE;
}

/* Writes identity.crt and, unless key_pem is NULL, identity.key. */
static gboolean
write_identity (const char         *profile_dir,
                ScPeerCertificate  *certificate,
                GBytes             *key_pem,
                GError            **error)
{
  g_autofree char *crt_path = g_build_filename (profile_dir, CERTIFICATE_FILE, NULL);
  g_autofree char *key_path = g_build_filename (profile_dir, KEY_FILE, NULL);
  g_autofree char *crt_staged = NULL;
  g_autofree char *key_staged = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GBytes) crt_pem = NULL;
  GError *local = NULL;
  gboolean installed;

  if (!sc_profile_ensure (profile_dir, &local))
    {
      g_set_error_literal (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO, local->message);
      g_error_free (local);
      return FALSE;
    }
  if (g_chmod (profile_dir, 0700) != 0)
    {
      set_errno_error (error, errno, "Cannot make private the profile", profile_dir);
      return FALSE;
    }

  pem = sc_peer_certificate_to_pem (certificate);
  crt_pem = g_bytes_new (pem, strlen (pem));

  if (key_pem != NULL)
    {
      key_staged = stage_file (key_path, key_pem, 0600, error);
      if (key_staged == NULL)
        return FALSE;
    }

  crt_staged = stage_file (crt_path, crt_pem, 0644, error);
  if (crt_staged == NULL)
    {
      unlink_staged (key_staged);
      return FALSE;
    }

  if (key_staged == NULL)
    return install_file (crt_staged, crt_path, error);

  installed = install_pair (key_staged, key_path, crt_staged, crt_path, error);
  if (!installed)
    {
      unlink_staged (key_staged);
      unlink_staged (crt_staged);
    }
  sync_directory (profile_dir);

  return installed;
}

static ScIdentity *
identity_new (const char            *profile_dir,
              ScPeerCertificate     *certificate,
              gnutls_x509_privkey_t  key)
{
  ScIdentity *self = g_object_new (SC_TYPE_IDENTITY, NULL);

  self->profile_dir = g_strdup (profile_dir);
  self->certificate = g_object_ref (certificate);
  self->key_pem = key_to_pkcs8_pem (key);

  return self;
}

/* Writes the identity to the profile and returns it; key_is_new FALSE
 * keeps the profile's key file as it is. */
static ScIdentity *
identity_install (const char             *profile_dir,
                  ScPeerCertificate      *certificate,
                  gnutls_x509_privkey_t   key,
                  gboolean                key_is_new,
                  GError                **error)
{
  g_autoptr(ScIdentity) self = identity_new (profile_dir, certificate, key);

  if (!write_identity (profile_dir, certificate, key_is_new ? self->key_pem : NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

static void
gnutls_failed (GError     **error,
               int          ret,
               const char  *what)
{
  g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_INVALID,
               "Cannot %s: %s", what, gnutls_strerror (ret));
}

/* The identity's key, parsed again from its PEM. */
static int
import_key (ScIdentity            *self,
            gnutls_x509_privkey_t *key)
{
  gnutls_datum_t pem;
  int ret;

  datum_of_bytes (self->key_pem, &pem);
  ret = gnutls_x509_privkey_init (key);
  if (ret == 0)
    ret = gnutls_x509_privkey_import (*key, &pem, GNUTLS_X509_FMT_PEM);

  return ret;
}

gboolean
sc_identity_exists (const char *profile_dir)
{
  g_autofree char *crt_path = NULL;
  g_autofree char *key_path = NULL;

  g_return_val_if_fail (profile_dir != NULL, FALSE);

  crt_path = g_build_filename (profile_dir, CERTIFICATE_FILE, NULL);
  key_path = g_build_filename (profile_dir, KEY_FILE, NULL);

  return g_file_test (crt_path, G_FILE_TEST_EXISTS) ||
         g_file_test (key_path, G_FILE_TEST_EXISTS);
}

ScIdentity *
sc_identity_load (const char  *profile_dir,
                  GError     **error)
{
  g_autofree char *crt_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;
  g_auto(gnutls_x509_privkey_t) key = NULL;

  g_return_val_if_fail (profile_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  crt_path = g_build_filename (profile_dir, CERTIFICATE_FILE, NULL);
  key_path = g_build_filename (profile_dir, KEY_FILE, NULL);

  if (!g_file_test (crt_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_NOT_FOUND,
                   "The profile “%s” holds no identity (%s and %s)",
                   profile_dir, CERTIFICATE_FILE, KEY_FILE);
      return NULL;
    }

  certificate = certificate_from_file (crt_path, error);
  if (certificate == NULL)
    return NULL;

  key = key_from_file (key_path, error);
  if (key == NULL || !check_pair (certificate, key, crt_path, key_path, error))
    return NULL;

  return identity_new (profile_dir, certificate, key);
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name));

  if (stripped[0] == '\0' || strlen (name) > NAME_MAX_BYTES ||
      !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_INVALID,
                   "Invalid name: it must be UTF-8 text, not blank, of at most %d bytes",
                   NAME_MAX_BYTES);
      return FALSE;
    }

  return TRUE;
}

/* A random, positive serial number of exactly SERIAL_BYTES bytes. */
static int
set_random_serial (gnutls_x509_crt_t crt)
{
  guint8 serial[SERIAL_BYTES];
  int ret;

  ret = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  if (ret < 0)
    return ret;

  serial[0] = (serial[0] & 0x7f) | 0x40;
  return gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
}

static int
set_subject_key_id (gnutls_x509_crt_t crt)
{
  guint8 id[64];
  size_t id_size = sizeof id;
  int ret;

  ret = gnutls_x509_crt_get_key_id (crt, 0, id, &id_size);
  if (ret < 0)
    return ret;

  return gnutls_x509_crt_set_subject_key_id (crt, id, id_size);
}

static ScPeerCertificate *
make_self_signed (gnutls_x509_privkey_t   key,
                  const char             *name,
                  const char             *user_id,
                  GError                **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(gnutls_datum_t) der = { NULL, 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiry = g_date_time_add_years (now, VALIDITY_YEARS);
  g_autoptr(GBytes) bytes = NULL;
  GError *local = NULL;
  ScPeerCertificate *certificate;
  int ret;

  if ((ret = gnutls_x509_crt_init (&crt)) < 0 ||
      (ret = gnutls_x509_crt_set_version (crt, 3)) < 0 ||
      (ret = set_random_serial (crt)) < 0 ||
      (ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                            name, strlen (name))) < 0 ||
      (ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_LDAP_UID, 0,
                                            user_id, strlen (user_id))) < 0 ||
      (ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_RFC822NAME,
                                                   user_id, strlen (user_id),
                                                   GNUTLS_FSAN_SET)) < 0 ||
      (ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0 ||
      (ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
      (ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0)) < 0 ||
      (ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
      (ret = gnutls_x509_crt_set_activation_time (crt, g_date_time_to_unix (now) -
                                                       BACKDATE_SECONDS)) < 0 ||
      (ret = gnutls_x509_crt_set_expiration_time (crt, g_date_time_to_unix (expiry))) < 0 ||
      (ret = gnutls_x509_crt_set_key (crt, key)) < 0 ||
      (ret = set_subject_key_id (crt)) < 0 ||
      (ret = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
      (ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der)) < 0)
    {
      gnutls_failed (error, ret, "make the certificate");
      return NULL;
    }

  bytes = bytes_take_datum (&der);
  certificate = sc_peer_certificate_new_from_der (&bytes, 1, &local);
  if (certificate == NULL)
    propagate_as_identity_error (error, local);

  return certificate;
}

ScIdentity *
sc_identity_create (const char       *profile_dir,
                    const char       *name,
                    const char       *user_id,
                    ScIdentityFlags   flags,
                    GError          **error)
{
  g_autofree char *normal_user_id = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;
  g_auto(gnutls_x509_privkey_t) key = NULL;
  int ret;

  g_return_val_if_fail (profile_dir != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name (name, error))
    return NULL;

  normal_user_id = sc_user_id_normalize (user_id);
  if (!sc_user_id_is_valid (normal_user_id))
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_INVALID,
                   "Invalid user ID “%s”: it must look like user@domain",
                   user_id);
      return NULL;
    }

  if (!check_can_write (profile_dir, flags, error))
    return NULL;

  if ((ret = gnutls_x509_privkey_init (&key)) < 0 ||
      (ret = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                           GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                           0)) < 0)
    {
      gnutls_failed (error, ret, "generate a key");
      return NULL;
    }

  certificate = make_self_signed (key, name, normal_user_id, error);
  if (certificate == NULL)
    return NULL;

  return identity_install (profile_dir, certificate, key, TRUE, error);
}

/* clientAuth + serverAuth, not critical.  Built by hand because
 * gnutls_x509_crq_set_key_purpose_oid() marks the extension critical once it
 * holds two purposes. */
static int
set_request_key_purposes (gnutls_x509_crq_t crq)
{
  g_auto(gnutls_x509_key_purposes_t) purposes = NULL;
  g_auto(gnutls_datum_t) der = { NULL, 0 };
  int ret;

  if ((ret = gnutls_x509_key_purpose_init (&purposes)) < 0 ||
      (ret = gnutls_x509_key_purpose_set (purposes, GNUTLS_KP_TLS_WWW_CLIENT)) < 0 ||
      (ret = gnutls_x509_key_purpose_set (purposes, GNUTLS_KP_TLS_WWW_SERVER)) < 0 ||
      (ret = gnutls_x509_ext_export_key_purposes (purposes, &der)) < 0)
    return ret;

  return gnutls_x509_crq_set_extension_by_oid (crq, GNUTLS_X509EXT_OID_EXTENDED_KEY_USAGE,
                                               der.data, der.size, 0);
}

char *
sc_identity_create_csr (ScIdentity  *self,
                        GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(gnutls_x509_crq_t) crq = NULL;
  g_auto(gnutls_datum_t) pem = { NULL, 0 };
  const char *name;
  const char *user_id;
  int ret;

  g_return_val_if_fail (SC_IS_IDENTITY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = sc_peer_certificate_get_name (self->certificate);
  user_id = sc_peer_certificate_get_user_id (self->certificate);

  if ((ret = import_key (self, &key)) < 0 ||
      (ret = gnutls_x509_crq_init (&crq)) < 0 ||
      (ret = gnutls_x509_crq_set_version (crq, 1)) < 0 ||
      (name != NULL &&
       (ret = gnutls_x509_crq_set_dn_by_oid (crq, GNUTLS_OID_X520_COMMON_NAME, 0,
                                             name, strlen (name))) < 0) ||
      (ret = gnutls_x509_crq_set_dn_by_oid (crq, GNUTLS_OID_LDAP_UID, 0,
                                            user_id, strlen (user_id))) < 0 ||
      (ret = gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_RFC822NAME,
                                                   user_id, strlen (user_id),
                                                   GNUTLS_FSAN_SET)) < 0 ||
      (ret = gnutls_x509_crq_set_key_usage (crq, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
      (ret = set_request_key_purposes (crq)) < 0 ||
      (ret = gnutls_x509_crq_set_key (crq, key)) < 0 ||
      (ret = gnutls_x509_crq_sign2 (crq, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
      (ret = gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_PEM, &pem)) < 0)
    {
      gnutls_failed (error, ret, "make a certificate request");
      return NULL;
    }

  return g_strndup ((const char *) pem.data, pem.size);
}

ScIdentity *
sc_identity_import (const char       *profile_dir,
                    const char       *cert_path,
                    const char       *key_path,
                    ScIdentityFlags   flags,
                    GError          **error)
{
  g_autofree char *profile_key_path = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;
  g_auto(gnutls_x509_privkey_t) key = NULL;
  gboolean key_is_new = key_path != NULL;

  g_return_val_if_fail (profile_dir != NULL, NULL);
  g_return_val_if_fail (cert_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Without a key file this installs the answer to our own request, which
   * replaces nothing the user could lose: the key stays. */
  if (key_is_new && !check_can_write (profile_dir, flags, error))
    return NULL;

  profile_key_path = g_build_filename (profile_dir, KEY_FILE, NULL);
  if (!key_is_new && !g_file_test (profile_key_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_NOT_FOUND,
                   "The profile “%s” holds no key for the certificate in “%s”; "
                   "import the key file with it",
                   profile_dir, cert_path);
      return NULL;
    }
  if (!key_is_new)
    key_path = profile_key_path;

  certificate = certificate_from_file (cert_path, error);
  if (certificate == NULL)
    return NULL;

  key = key_from_file (key_path, error);
  if (key == NULL || !check_pair (certificate, key, cert_path, key_path, error))
    return NULL;

  return identity_install (profile_dir, certificate, key, key_is_new, error);
}

/* The certificates of a PKCS#12 chain (leaf first) as an ScPeerCertificate. */
static ScPeerCertificate *
certificate_from_crts (gnutls_x509_crt_t  *crts,
                       guint               n_crts,
                       GError            **error)
{
  g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GError *local = NULL;
  ScPeerCertificate *certificate;

  for (guint i = 0; i < n_crts; i++)
    {
      g_auto(gnutls_datum_t) der = { NULL, 0 };
      int ret = gnutls_x509_crt_export2 (crts[i], GNUTLS_X509_FMT_DER, &der);

      if (ret < 0)
        {
          g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE,
                       "Cannot read certificate %u: %s", i + 1, gnutls_strerror (ret));
          return NULL;
        }
      g_ptr_array_add (ders, bytes_take_datum (&der));
    }

  certificate = sc_peer_certificate_new_from_der ((GBytes * const *) ders->pdata, ders->len,
                                                  &local);
  if (certificate == NULL)
    propagate_as_identity_error (error, local);

  return certificate;
}

static void
crt_list_free (gnutls_x509_crt_t *crts,
               guint              n_crts)
{
  for (guint i = 0; i < n_crts; i++)
    gnutls_x509_crt_deinit (crts[i]);
  gnutls_free (crts);
}

/* The key and its chain from a PKCS#12 file whose MAC the passphrase
 * verifies.  *key belongs to the caller even when this fails. */
static gboolean
parse_pkcs12 (const char             *path,
              const char             *passphrase,
              gnutls_x509_privkey_t  *key,
              ScPeerCertificate     **certificate,
              GError                **error)
{
  g_auto(gnutls_pkcs12_t) p12 = NULL;
  g_autoptr(GBytes) contents = NULL;
  gnutls_x509_crt_t *chain = NULL;
  unsigned int chain_length = 0;
  gnutls_datum_t datum;
  int ret;

  contents = read_file (path, error);
  if (contents == NULL)
    return FALSE;

  datum_of_bytes (contents, &datum);
  if ((ret = gnutls_pkcs12_init (&p12)) < 0 ||
      (ret = gnutls_pkcs12_import (p12, &datum, GNUTLS_X509_FMT_DER, 0)) < 0)
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE,
                   "“%s” is not a PKCS#12 file: %s", path, gnutls_strerror (ret));
      return FALSE;
    }

  ret = gnutls_pkcs12_verify_mac (p12, passphrase);
  if (ret == GNUTLS_E_ASN1_ELEMENT_NOT_FOUND)
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE,
                   "“%s” has no MAC to check the passphrase and the contents with", path);
      return FALSE;
    }
  if (ret == 0)
    ret = gnutls_pkcs12_simple_parse (p12, passphrase, key, &chain, &chain_length,
                                      NULL, NULL, NULL, GNUTLS_PKCS12_SP_INCLUDE_SELF_SIGNED);

  if (ret == GNUTLS_E_MAC_VERIFY_FAILED || ret == GNUTLS_E_DECRYPTION_FAILED)
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PASSPHRASE,
                   "Wrong passphrase for “%s”", path);
      return FALSE;
    }
  if (ret < 0 || chain_length == 0)
    {
      g_set_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE,
                   "No private key with its certificate in “%s”: %s",
                   path, gnutls_strerror (ret < 0 ? ret : GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE));
      crt_list_free (chain, chain_length);
      return FALSE;
    }

  *certificate = certificate_from_crts (chain, chain_length, error);
  crt_list_free (chain, chain_length);

  return *certificate != NULL;
}

ScIdentity *
sc_identity_import_pkcs12 (const char       *profile_dir,
                           const char       *path,
                           const char       *passphrase,
                           ScIdentityFlags   flags,
                           GError          **error)
{
  g_autoptr(ScPeerCertificate) certificate = NULL;
  g_auto(gnutls_x509_privkey_t) key = NULL;

  g_return_val_if_fail (profile_dir != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_can_write (profile_dir, flags, error) ||
      !parse_pkcs12 (path, passphrase, &key, &certificate, error) ||
      !check_pair (certificate, key, path, path, error))
    return NULL;

  return identity_install (profile_dir, certificate, key, TRUE, error);
}

static int
add_certificates (ScIdentity           *self,
                  gnutls_pkcs12_bag_t   bag,
                  const gnutls_datum_t *key_id,
                  const char           *friendly_name)
{
  for (guint i = 0; i < sc_peer_certificate_get_length (self->certificate); i++)
    {
      g_auto(gnutls_x509_crt_t) crt = crt_at (self->certificate, i);
      int index;
      int ret;

      if (crt == NULL)
        return GNUTLS_E_MEMORY_ERROR;

      index = ret = gnutls_pkcs12_bag_set_crt (bag, crt);
      if (ret >= 0 && i == 0 && (ret = gnutls_pkcs12_bag_set_key_id (bag, index, key_id)) >= 0)
        ret = gnutls_pkcs12_bag_set_friendly_name (bag, index, friendly_name);
      if (ret < 0)
        return ret;
    }

  return 0;
}

/* A bag of the whole chain and a bag of the key, each PBES2/AES-256
 * encrypted, the leaf and the key tied by a local key ID and carrying the
 * display name; MAC with SHA-256. */
static int
build_pkcs12 (ScIdentity     *self,
              const char     *passphrase,
              gnutls_datum_t *der)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(gnutls_pkcs12_bag_t) crt_bag = NULL;
  g_auto(gnutls_pkcs12_bag_t) key_bag = NULL;
  g_auto(gnutls_pkcs12_t) p12 = NULL;
  const char *friendly_name = sc_identity_get_name (self);
  guint8 key_id_data[20];
  size_t key_id_size = sizeof key_id_data;
  gnutls_datum_t key_id = { key_id_data, 0 };
  int ret;

  if (friendly_name == NULL)
    friendly_name = sc_identity_get_user_id (self);

  if ((ret = import_key (self, &key)) < 0 ||
      (ret = gnutls_x509_privkey_get_key_id (key, 0, key_id_data, &key_id_size)) < 0)
    return ret;
  key_id.size = key_id_size;

  if ((ret = gnutls_pkcs12_bag_init (&crt_bag)) < 0 ||
      (ret = add_certificates (self, crt_bag, &key_id, friendly_name)) < 0 ||
      (ret = gnutls_pkcs12_bag_encrypt (crt_bag, passphrase, GNUTLS_PKCS_PBES2_AES_256)) < 0 ||
      (ret = gnutls_pkcs12_bag_init (&key_bag)) < 0 ||
      (ret = gnutls_pkcs12_bag_set_privkey (key_bag, key, passphrase,
                                            GNUTLS_PKCS_PBES2_AES_256)) < 0 ||
      (ret = gnutls_pkcs12_bag_set_key_id (key_bag, 0, &key_id)) < 0 ||
      (ret = gnutls_pkcs12_bag_set_friendly_name (key_bag, 0, friendly_name)) < 0 ||
      (ret = gnutls_pkcs12_init (&p12)) < 0 ||
      (ret = gnutls_pkcs12_set_bag (p12, crt_bag)) < 0 ||
      (ret = gnutls_pkcs12_set_bag (p12, key_bag)) < 0 ||
      (ret = gnutls_pkcs12_generate_mac2 (p12, GNUTLS_MAC_SHA256, passphrase)) < 0)
    return ret;

  return gnutls_pkcs12_export2 (p12, GNUTLS_X509_FMT_DER, der);
}

gboolean
sc_identity_export_pkcs12 (ScIdentity  *self,
                           const char  *path,
                           const char  *passphrase,
                           GError     **error)
{
  g_auto(gnutls_datum_t) der = { NULL, 0 };
  g_autoptr(GBytes) p12 = NULL;
  g_autofree char *staged = NULL;
  int ret;

  g_return_val_if_fail (SC_IS_IDENTITY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (passphrase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ret = build_pkcs12 (self, passphrase, &der);
  if (ret < 0)
    {
      gnutls_failed (error, ret, "export the identity");
      return FALSE;
    }

  p12 = bytes_take_datum (&der);

  staged = stage_file (path, p12, 0600, error);
  if (staged == NULL)
    return FALSE;

  return install_file (staged, path, error);
}

const char *
sc_identity_get_profile_dir (ScIdentity *self)
{
  g_return_val_if_fail (SC_IS_IDENTITY (self), NULL);

  return self->profile_dir;
}

ScPeerCertificate *
sc_identity_get_certificate (ScIdentity *self)
{
  g_return_val_if_fail (SC_IS_IDENTITY (self), NULL);

  return self->certificate;
}

const char *
sc_identity_get_user_id (ScIdentity *self)
{
  g_return_val_if_fail (SC_IS_IDENTITY (self), NULL);

  return sc_peer_certificate_get_user_id (self->certificate);
}

const char *
sc_identity_get_name (ScIdentity *self)
{
  g_return_val_if_fail (SC_IS_IDENTITY (self), NULL);

  return sc_peer_certificate_get_name (self->certificate);
}

const char *
sc_identity_get_fingerprint (ScIdentity *self)
{
  g_return_val_if_fail (SC_IS_IDENTITY (self), NULL);

  return sc_peer_certificate_get_fingerprint (self->certificate);
}

GBytes *
sc_identity_get_key_pem (ScIdentity *self)
{
  g_return_val_if_fail (SC_IS_IDENTITY (self), NULL);

  return self->key_pem;
}

static void
sc_identity_dispose (GObject *object)
{
  ScIdentity *self = SC_IDENTITY (object);

  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (sc_identity_parent_class)->dispose (object);
}

static void
sc_identity_finalize (GObject *object)
{
  ScIdentity *self = SC_IDENTITY (object);

  g_clear_pointer (&self->profile_dir, g_free);
  g_clear_pointer (&self->key_pem, g_bytes_unref);

  G_OBJECT_CLASS (sc_identity_parent_class)->finalize (object);
}

static void
sc_identity_class_init (ScIdentityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sc_identity_dispose;
  object_class->finalize = sc_identity_finalize;
}

static void
sc_identity_init (ScIdentity *self)
{
}
