/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>

#include "sc-test-certs.h"

#define HOUR (G_GINT64_CONSTANT (60) * 60)
#define DAY  (24 * HOUR)

#define check(expr) sc_test_check_gnutls ((expr), #expr)

static void
sc_test_check_gnutls (int         ret,
                      const char *what)
{
  if (ret < 0)
    g_error ("%s: %s", what, gnutls_strerror (ret));
}

static char *
take_datum_string (gnutls_datum_t *datum)
{
  char *text = g_strndup ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;

  return text;
}

static GBytes *
take_datum_bytes (gnutls_datum_t *datum)
{
  GBytes *bytes = g_bytes_new (datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;

  return bytes;
}

static void
set_serial (gnutls_x509_crt_t crt,
            guint64           serial)
{
  guint8 bytes[20];
  gsize len = 0;

  if (serial == 0)
    {
      /* 16 random bytes, positive and without a leading zero byte. */
      check (gnutls_rnd (GNUTLS_RND_NONCE, bytes, 16));
      bytes[0] = (bytes[0] & 0x7f) | 0x40;
      len = 16;
    }
  else
    {
      guint8 be[8];
      gsize start = 0;

      for (gsize i = 0; i < 8; i++)
        be[i] = (serial >> (8 * (7 - i))) & 0xff;
      while (start < 7 && be[start] == 0)
        start++;
      /* A leading zero byte keeps a high first bit from making it negative. */
      if (be[start] & 0x80)
        bytes[len++] = 0;
      memcpy (bytes + len, be + start, 8 - start);
      len += 8 - start;
    }

  check (gnutls_x509_crt_set_serial (crt, bytes, len));
}

static void
set_subject (gnutls_x509_crt_t     crt,
             const ScTestCertSpec *spec)
{
  const char *cn = spec->cn != NULL ? spec->cn : "SixChat Test Certificate";

  check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)));
  if (spec->uid != NULL)
    check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_LDAP_UID, 0,
                                          spec->uid, strlen (spec->uid)));
  if (spec->email != NULL)
    check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_PKCS9_EMAIL, 0,
                                          spec->email, strlen (spec->email)));
  if (spec->san_email != NULL)
    check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_RFC822NAME,
                                                 spec->san_email, strlen (spec->san_email),
                                                 GNUTLS_FSAN_APPEND));
}

static void
set_eku (gnutls_x509_crt_t crt,
         ScTestEku         eku,
         gboolean          is_ca)
{
  static const guint8 empty_sequence[] = { 0x30, 0x00 };

  switch (eku)
    {
    case SC_TEST_EKU_DEFAULT:
      if (!is_ca)
        {
          check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
          check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
        }
      break;
    case SC_TEST_EKU_NONE:
      break;
    case SC_TEST_EKU_EMPTY:
      check (gnutls_x509_crt_set_extension_by_oid (crt, "2.5.29.37", empty_sequence,
                                                   sizeof empty_sequence, 0));
      break;
    case SC_TEST_EKU_SERVER:
      check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
      break;
    case SC_TEST_EKU_CLIENT:
      check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
      break;
    case SC_TEST_EKU_ANY:
      check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_ANY, 0));
      break;
    default:
      g_assert_not_reached ();
    }
}

static GBytes *
key_id_of (gnutls_x509_privkey_t key)
{
  guint8 id[64];
  size_t size = sizeof id;

  check (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, id, &size));

  return g_bytes_new (id, size);
}

ScTestCert *
sc_test_cert_new (const ScTestCertSpec *spec,
                  ScTestCert           *issuer)
{
  static const ScTestCertSpec defaults = { 0 };
  g_autoptr(ScTestCert) cert = g_new0 (ScTestCert, 1);
  g_autoptr(GBytes) key_id = NULL;
  g_autoptr(GBytes) issuer_key_id = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  unsigned int key_usage;

  if (spec == NULL)
    spec = &defaults;

  check (gnutls_x509_privkey_init (&cert->key));
  if (spec->rsa)
    check (gnutls_x509_privkey_generate (cert->key, GNUTLS_PK_RSA, 2048, 0));
  else
    check (gnutls_x509_privkey_generate (cert->key, GNUTLS_PK_ECDSA,
                                         GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0));

  check (gnutls_x509_crt_init (&cert->crt));
  check (gnutls_x509_crt_set_version (cert->crt, 3));
  set_serial (cert->crt, spec->serial);
  check (gnutls_x509_crt_set_activation_time (cert->crt,
                                              spec->not_before != 0 ? spec->not_before
                                                                    : now - HOUR));
  check (gnutls_x509_crt_set_expiration_time (cert->crt,
                                              spec->not_after != 0 ? spec->not_after
                                                                   : now + 365 * DAY));
  set_subject (cert->crt, spec);
  check (gnutls_x509_crt_set_key (cert->crt, cert->key));

  check (gnutls_x509_crt_set_basic_constraints (cert->crt, spec->is_ca ? 1 : 0, -1));
  if (spec->is_ca)
    key_usage = GNUTLS_KEY_KEY_CERT_SIGN | (spec->ca_no_crl_sign ? 0 : GNUTLS_KEY_CRL_SIGN)
                | (spec->ca_digital_signature ? GNUTLS_KEY_DIGITAL_SIGNATURE : 0);
  else
    key_usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
  check (gnutls_x509_crt_set_key_usage (cert->crt, key_usage));
  set_eku (cert->crt, spec->eku, spec->is_ca);

  key_id = key_id_of (cert->key);
  check (gnutls_x509_crt_set_subject_key_id (cert->crt, g_bytes_get_data (key_id, NULL),
                                             g_bytes_get_size (key_id)));
  issuer_key_id = issuer != NULL ? key_id_of (issuer->key) : g_bytes_ref (key_id);
  check (gnutls_x509_crt_set_authority_key_id (cert->crt,
                                               g_bytes_get_data (issuer_key_id, NULL),
                                               g_bytes_get_size (issuer_key_id)));

  if (issuer != NULL)
    check (gnutls_x509_crt_sign2 (cert->crt, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0));
  else
    check (gnutls_x509_crt_sign2 (cert->crt, cert->crt, cert->key, GNUTLS_DIG_SHA256, 0));

  return g_steal_pointer (&cert);
}

void
sc_test_cert_free (ScTestCert *cert)
{
  if (cert == NULL)
    return;

  g_clear_pointer (&cert->crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&cert->key, gnutls_x509_privkey_deinit);
  g_free (cert);
}

char *
sc_test_cert_pem (ScTestCert *cert)
{
  gnutls_datum_t out = { NULL, 0 };

  g_assert_nonnull (cert);
  check (gnutls_x509_crt_export2 (cert->crt, GNUTLS_X509_FMT_PEM, &out));

  return take_datum_string (&out);
}

char *
sc_test_cert_key_pem (ScTestCert *cert)
{
  gnutls_datum_t out = { NULL, 0 };

  g_assert_nonnull (cert);
  check (gnutls_x509_privkey_export2_pkcs8 (cert->key, GNUTLS_X509_FMT_PEM, NULL,
                                            GNUTLS_PKCS_PLAIN, &out));

  return take_datum_string (&out);
}

GBytes *
sc_test_cert_der (ScTestCert *cert)
{
  gnutls_datum_t out = { NULL, 0 };

  g_assert_nonnull (cert);
  check (gnutls_x509_crt_export2 (cert->crt, GNUTLS_X509_FMT_DER, &out));

  return take_datum_bytes (&out);
}

char *
sc_test_cert_fingerprint (ScTestCert *cert)
{
  guint8 digest[32];
  size_t size = sizeof digest;
  GString *hex = g_string_sized_new (2 * sizeof digest);

  g_assert_nonnull (cert);
  check (gnutls_x509_crt_get_fingerprint (cert->crt, GNUTLS_DIG_SHA256, digest, &size));
  g_assert_cmpuint (size, ==, sizeof digest);
  for (gsize i = 0; i < size; i++)
    g_string_append_printf (hex, "%02x", digest[i]);

  return g_string_free (hex, FALSE);
}

char *
sc_test_cert_pem_corrupt_signature (ScTestCert *cert)
{
  g_autoptr(GBytes) der = sc_test_cert_der (cert);
  gsize size;
  g_autofree guint8 *bytes = g_bytes_unref_to_data (g_steal_pointer (&der), &size);
  gnutls_datum_t in;
  gnutls_datum_t out = { NULL, 0 };

  /* The DER ends with the signature BIT STRING: changing its last byte keeps
   * the certificate parseable but makes the signature wrong. */
  g_assert_cmpuint (size, >, 16);
  bytes[size - 1] ^= 0x01;
  in.data = bytes;
  in.size = size;
  check (gnutls_pem_base64_encode2 ("CERTIFICATE", &in, &out));

  return take_datum_string (&out);
}

static gnutls_x509_crl_t
build_crl (ScTestCert  *issuer,
           ScTestCert  *signer,
           ScTestCert **revoked,
           guint        n_revoked)
{
  static const guint8 crl_number[] = { 0x01 };
  gnutls_x509_crl_t crl;
  g_autoptr(GBytes) issuer_key_id = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_nonnull (issuer);
  g_assert_true (revoked != NULL || n_revoked == 0);
  if (signer == NULL)
    signer = issuer;

  check (gnutls_x509_crl_init (&crl));
  check (gnutls_x509_crl_set_version (crl, 2));
  check (gnutls_x509_crl_set_this_update (crl, now - HOUR));
  check (gnutls_x509_crl_set_next_update (crl, now + 7 * DAY));
  check (gnutls_x509_crl_set_number (crl, crl_number, sizeof crl_number));
  for (guint i = 0; i < n_revoked; i++)
    check (gnutls_x509_crl_set_crt (crl, revoked[i]->crt, now - HOUR));

  issuer_key_id = key_id_of (issuer->key);
  check (gnutls_x509_crl_set_authority_key_id (crl, g_bytes_get_data (issuer_key_id, NULL),
                                               g_bytes_get_size (issuer_key_id)));
  if (signer == issuer)
    {
      check (gnutls_x509_crl_sign2 (crl, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0));
    }
  else
    {
      /* A forged CRL: the issuer's name, another key.  GnuTLS signs with the
       * key type of the certificate it is given, so give it a copy of the
       * issuer carrying the signer's public key. */
      gnutls_x509_crt_t forger;
      gnutls_datum_t der = { NULL, 0 };

      check (gnutls_x509_crt_export2 (issuer->crt, GNUTLS_X509_FMT_DER, &der));
      check (gnutls_x509_crt_init (&forger));
      check (gnutls_x509_crt_import (forger, &der, GNUTLS_X509_FMT_DER));
      gnutls_free (der.data);
      check (gnutls_x509_crt_set_key (forger, signer->key));
      check (gnutls_x509_crl_sign2 (crl, forger, signer->key, GNUTLS_DIG_SHA256, 0));
      gnutls_x509_crt_deinit (forger);
    }

  return crl;
}

char *
sc_test_crl_pem (ScTestCert  *issuer,
                 ScTestCert  *signer,
                 ScTestCert **revoked,
                 guint        n_revoked)
{
  gnutls_x509_crl_t crl = build_crl (issuer, signer, revoked, n_revoked);
  gnutls_datum_t out = { NULL, 0 };

  check (gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_PEM, &out));
  gnutls_x509_crl_deinit (crl);

  return take_datum_string (&out);
}

GBytes *
sc_test_crl_der (ScTestCert  *issuer,
                 ScTestCert  *signer,
                 ScTestCert **revoked,
                 guint        n_revoked)
{
  gnutls_x509_crl_t crl = build_crl (issuer, signer, revoked, n_revoked);
  gnutls_datum_t out = { NULL, 0 };

  check (gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &out));
  gnutls_x509_crl_deinit (crl);

  return take_datum_bytes (&out);
}

void
sc_test_install_identity (const char  *profile_dir,
                          ScTestCert  *leaf,
                          ScTestCert **chain,
                          guint        n_chain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) crt_pem = g_string_new (NULL);
  g_autofree char *leaf_pem = sc_test_cert_pem (leaf);
  g_autofree char *key_pem = sc_test_cert_key_pem (leaf);
  g_autofree char *crt_path = g_build_filename (profile_dir, "identity.crt", NULL);
  g_autofree char *key_path = g_build_filename (profile_dir, "identity.key", NULL);

  g_assert_true (chain != NULL || n_chain == 0);
  g_assert_cmpint (g_mkdir_with_parents (profile_dir, 0700), ==, 0);

  g_string_append (crt_pem, leaf_pem);
  for (guint i = 0; i < n_chain; i++)
    {
      g_autofree char *pem = sc_test_cert_pem (chain[i]);

      g_string_append (crt_pem, pem);
    }

  g_file_set_contents_full (crt_path, crt_pem->str, crt_pem->len,
                            G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (key_path, key_pem, -1,
                            G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
}
