/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sc-certificate-cache.h"
#include "sc-peer-certificate.h"
#include "sc-test-certs.h"
#include "sc-test-util.h"

#define DAY (24 * 60 * 60)

static ScPeerCertificate *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  ScPeerCertificate *certificate = sc_peer_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_true (SC_IS_PEER_CERTIFICATE (certificate));

  return certificate;
}

static void
test_uid_only_certtool (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  crt = sc_test_certtool_cert (dir, "alice", "ecdsa",
                               "cn = \"Alice Liddell\"\n"
                               "uid = \"alice@example.org\"\n"
                               "tls_www_client\n"
                               "tls_www_server\n", NULL);
  certificate = load (crt);
  expected = sc_test_certtool_fingerprint (crt);

  g_assert_cmpuint (sc_peer_certificate_get_length (certificate), ==, 1);
  g_assert_cmpstr (sc_peer_certificate_get_user_id (certificate), ==, "alice@example.org");
  g_assert_cmpstr (sc_peer_certificate_get_name (certificate), ==, "Alice Liddell");
  g_assert_cmpstr (sc_peer_certificate_get_issuer_name (certificate), ==, "Alice Liddell");
  g_assert_cmpstr (sc_peer_certificate_get_key_description (certificate), ==, "ECDSA P-256");
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (certificate), ==, expected);
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint_at (certificate, 0), ==, expected);
  g_assert_true (strstr (sc_peer_certificate_get_subject_dn (certificate), "CN=Alice Liddell"));
  g_assert_cmpstr (sc_peer_certificate_get_subject_dn (certificate), ==,
                   sc_peer_certificate_get_issuer_dn (certificate));
  g_assert_true (sc_peer_certificate_is_self_signed (certificate));

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_san_only_certtool (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *crt = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  crt = sc_test_certtool_cert (dir, "bob", "rsa",
                               "cn = \"Bob\"\n"
                               "email = \"bob@example.org\"\n"
                               "tls_www_client\n", NULL);
  certificate = load (crt);

  g_assert_cmpstr (sc_peer_certificate_get_user_id (certificate), ==, "bob@example.org");
  g_assert_null (strstr (sc_peer_certificate_get_subject_dn (certificate), "UID="));
  g_assert_cmpstr (sc_peer_certificate_get_name (certificate), ==, "Bob");
  g_assert_cmpstr (sc_peer_certificate_get_key_description (certificate), ==, "RSA 2048");

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_email_only_openssl (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  key = sc_test_openssl_key (dir, "carol", "EC", "ec_paramgen_curve:P-256");
  crt = sc_test_openssl_self_signed (dir, "carol", key,
                                     "/CN=Carol/emailAddress=carol@example.org", NULL);
  certificate = load (crt);
  expected = sc_test_openssl_fingerprint (crt);

  g_assert_cmpstr (sc_peer_certificate_get_user_id (certificate), ==, "carol@example.org");
  g_assert_cmpstr (sc_peer_certificate_get_name (certificate), ==, "Carol");
  g_assert_cmpstr (sc_peer_certificate_get_key_description (certificate), ==, "ECDSA P-256");
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (certificate), ==, expected);
  g_assert_true (sc_peer_certificate_is_self_signed (certificate));

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_uid_openssl (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *ec_key = NULL;
  g_autofree char *rsa_key = NULL;
  g_autofree char *ec_crt = NULL;
  g_autofree char *rsa_crt = NULL;
  g_autoptr(ScPeerCertificate) ec = NULL;
  g_autoptr(ScPeerCertificate) rsa = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  ec_key = sc_test_openssl_key (dir, "bob-ec", "EC", "ec_paramgen_curve:P-256");
  ec_crt = sc_test_openssl_self_signed (dir, "bob-ec", ec_key, "/CN=Bob/UID=bob@example.org",
                                        "extendedKeyUsage=clientAuth,serverAuth");
  rsa_key = sc_test_openssl_key (dir, "bob-rsa", "RSA", "rsa_keygen_bits:2048");
  rsa_crt = sc_test_openssl_self_signed (dir, "bob-rsa", rsa_key, "/CN=Bob/UID=bob@example.org",
                                         NULL);
  ec = load (ec_crt);
  rsa = load (rsa_crt);

  g_assert_cmpstr (sc_peer_certificate_get_user_id (ec), ==, "bob@example.org");
  g_assert_cmpstr (sc_peer_certificate_get_user_id (rsa), ==, "bob@example.org");
  g_assert_cmpstr (sc_peer_certificate_get_name (ec), ==, "Bob");
  g_assert_cmpstr (sc_peer_certificate_get_key_description (ec), ==, "ECDSA P-256");
  g_assert_cmpstr (sc_peer_certificate_get_key_description (rsa), ==, "RSA 2048");
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (ec), !=,
                   sc_peer_certificate_get_fingerprint (rsa));

  sc_test_dir_free (g_steal_pointer (&dir));
}

/* UID before the SAN e-mail before the subject emailAddress. */
static void
test_user_id_precedence (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *all_crt = NULL;
  g_autofree char *san_crt = NULL;
  g_autoptr(ScPeerCertificate) all = NULL;
  g_autoptr(ScPeerCertificate) san = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  key = sc_test_openssl_key (dir, "dan", "ED25519", NULL);
  all_crt = sc_test_openssl_self_signed (dir, "all", key,
                                         "/CN=Dan/UID=dan@uid.example"
                                         "/emailAddress=dan@mail.example",
                                         "subjectAltName=DNS:dan.example,email:dan@san.example");
  san_crt = sc_test_openssl_self_signed (dir, "san", key, "/CN=Dan/emailAddress=dan@mail.example",
                                         "subjectAltName=DNS:dan.example,email:dan@san.example");
  all = load (all_crt);
  san = load (san_crt);

  g_assert_cmpstr (sc_peer_certificate_get_user_id (all), ==, "dan@uid.example");
  g_assert_cmpstr (sc_peer_certificate_get_user_id (san), ==, "dan@san.example");
  g_assert_cmpstr (sc_peer_certificate_get_key_description (all), ==, "Ed25519");

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_no_user_id (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cn_crt = NULL;
  g_autofree char *org_crt = NULL;
  g_autoptr(ScPeerCertificate) cn_only = NULL;
  g_autoptr(ScPeerCertificate) org_only = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  key = sc_test_openssl_key (dir, "nobody", "RSA", "rsa_keygen_bits:2048");
  cn_crt = sc_test_openssl_self_signed (dir, "cn", key, "/CN=Nobody",
                                        "subjectAltName=DNS:nobody.example");
  org_crt = sc_test_openssl_self_signed (dir, "org", key, "/O=Nobody Ltd", NULL);
  cn_only = load (cn_crt);
  org_only = load (org_crt);

  g_assert_null (sc_peer_certificate_get_user_id (cn_only));
  g_assert_cmpstr (sc_peer_certificate_get_name (cn_only), ==, "Nobody");
  g_assert_null (sc_peer_certificate_get_user_id (org_only));
  g_assert_null (sc_peer_certificate_get_name (org_only));
  g_assert_cmpstr (sc_peer_certificate_get_issuer_name (org_only), ==, "O=Nobody Ltd");

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_properties (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *issuer_name = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;
  gint64 not_before = 0;
  gint64 not_after = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  key = sc_test_openssl_key (dir, "erin", "EC", "ec_paramgen_curve:P-256");
  crt = sc_test_openssl_self_signed (dir, "erin", key, "/CN=Erin/UID=erin@example.org", NULL);
  certificate = load (crt);

  g_object_get (certificate,
                "user-id", &user_id,
                "name", &name,
                "fingerprint", &fingerprint,
                "issuer-name", &issuer_name,
                "not-before", &not_before,
                "not-after", &not_after,
                NULL);

  g_assert_cmpstr (user_id, ==, "erin@example.org");
  g_assert_cmpstr (name, ==, "Erin");
  g_assert_cmpstr (issuer_name, ==, "Erin");
  g_assert_cmpstr (fingerprint, ==, sc_peer_certificate_get_fingerprint (certificate));
  g_assert_cmpint (not_before, ==, sc_peer_certificate_get_not_before (certificate));
  g_assert_cmpint (not_after, ==, sc_peer_certificate_get_not_after (certificate));
  g_assert_cmpint (not_before, <=, now + 1);
  g_assert_cmpint (not_before, >=, now - 60);
  g_assert_cmpint (not_after - not_before, ==, 30 * DAY);

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_chain (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *root = NULL;
  g_autofree char *intermediate = NULL;
  g_autofree char *leaf = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *leaf_pem = NULL;
  g_autofree char *intermediate_pem = NULL;
  g_autofree char *root_pem = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(ScPeerCertificate) chain = NULL;
  g_autoptr(ScPeerCertificate) root_only = NULL;
  g_autoptr(ScPeerCertificate) from_pem = NULL;
  g_autoptr(ScPeerCertificate) from_der = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *ders[3];
  const char *paths[3];

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  root = sc_test_certtool_cert (dir, "root", "ecdsa",
                                "cn = \"SixChat Test Root\"\n"
                                "ca\n"
                                "cert_signing_key\n", NULL);
  intermediate = sc_test_certtool_cert (dir, "intermediate", "rsa",
                                        "cn = \"SixChat Test Intermediate\"\n"
                                        "ca\n"
                                        "cert_signing_key\n", "root");
  leaf = sc_test_certtool_cert (dir, "leaf", "ecdsa",
                                "cn = \"Frank\"\n"
                                "uid = \"frank@example.org\"\n"
                                "email = \"frank@example.org\"\n"
                                "signing_key\n"
                                "tls_www_client\n"
                                "tls_www_server\n", "intermediate");

  paths[0] = leaf;
  paths[1] = intermediate;
  paths[2] = root;
  leaf_pem = sc_test_read_file (leaf);
  intermediate_pem = sc_test_read_file (intermediate);
  root_pem = sc_test_read_file (root);
  pem = g_strconcat (leaf_pem, intermediate_pem, root_pem, NULL);
  chain_path = sc_test_write_file (dir, "chain.pem", pem, -1);
  chain = load (chain_path);

  g_assert_cmpuint (sc_peer_certificate_get_length (chain), ==, 3);
  g_assert_cmpstr (sc_peer_certificate_get_user_id (chain), ==, "frank@example.org");
  g_assert_cmpstr (sc_peer_certificate_get_name (chain), ==, "Frank");
  g_assert_cmpstr (sc_peer_certificate_get_issuer_name (chain), ==, "SixChat Test Intermediate");
  g_assert_cmpstr (sc_peer_certificate_get_issuer_dn (chain), ==, "CN=SixChat Test Intermediate");
  g_assert_false (sc_peer_certificate_is_self_signed (chain));

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *expected = sc_test_certtool_fingerprint (paths[i]);
      g_autofree char *of_der = NULL;

      ders[i] = sc_peer_certificate_get_der (chain, i);
      of_der = sc_fingerprint_of_der (ders[i]);
      g_assert_cmpstr (sc_peer_certificate_get_fingerprint_at (chain, i), ==, expected);
      g_assert_cmpstr (of_der, ==, expected);
    }
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (chain), ==,
                   sc_peer_certificate_get_fingerprint_at (chain, 0));

  root_only = load (root);
  g_assert_true (sc_peer_certificate_is_self_signed (root_only));
  g_assert_null (sc_peer_certificate_get_user_id (root_only));

  g_free (pem);
  pem = sc_peer_certificate_to_pem (chain);
  from_pem = sc_peer_certificate_new_from_pem (pem, strlen (pem), &error);
  g_assert_no_error (error);
  from_der = sc_peer_certificate_new_from_der (ders, 3, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      const char *expected = sc_peer_certificate_get_fingerprint_at (chain, i);

      g_assert_cmpstr (sc_peer_certificate_get_fingerprint_at (from_pem, i), ==, expected);
      g_assert_cmpstr (sc_peer_certificate_get_fingerprint_at (from_der, i), ==, expected);
    }
  g_assert_cmpuint (sc_peer_certificate_get_length (from_pem), ==, 3);
  g_assert_cmpuint (sc_peer_certificate_get_length (from_der), ==, 3);

  sc_test_dir_free (g_steal_pointer (&dir));
}

/* An issuer without a CN is named by its whole DN. */
static void
test_issuer_without_cn (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *ca_crt = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  ca_key = sc_test_openssl_key (dir, "ca", "EC", "ec_paramgen_curve:P-256");
  ca_crt = sc_test_openssl_self_signed (dir, "ca", ca_key, "/O=Test Org/OU=Test Unit", NULL);
  key = sc_test_openssl_key (dir, "gina", "EC", "ec_paramgen_curve:P-256");
  crt = sc_test_openssl_signed (dir, "gina", key, "/CN=Gina/UID=gina@example.org", NULL,
                                ca_crt, ca_key);
  certificate = load (crt);

  g_assert_cmpstr (sc_peer_certificate_get_issuer_dn (certificate), ==, "OU=Test Unit,O=Test Org");
  g_assert_cmpstr (sc_peer_certificate_get_issuer_name (certificate), ==,
                   "OU=Test Unit,O=Test Org");
  g_assert_cmpstr (sc_peer_certificate_get_user_id (certificate), ==, "gina@example.org");
  g_assert_false (sc_peer_certificate_is_self_signed (certificate));

  sc_test_dir_free (g_steal_pointer (&dir));
}

/* Issuer DN equal to the subject DN is not enough: the signature must
 * verify with the certificate's own key. */
static void
test_self_signed_needs_own_signature (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *twin_key = NULL;
  g_autofree char *twin_crt = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *corrupt = NULL;
  g_autoptr(ScPeerCertificate) original = NULL;
  g_autoptr(ScPeerCertificate) impostor = NULL;
  g_autoptr(ScPeerCertificate) damaged = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;
  guint8 *data;
  gsize size;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  twin_key = sc_test_openssl_key (dir, "twin", "EC", "ec_paramgen_curve:P-256");
  twin_crt = sc_test_openssl_self_signed (dir, "twin", twin_key, "/CN=Twin", NULL);
  key = sc_test_openssl_key (dir, "impostor", "EC", "ec_paramgen_curve:P-256");
  crt = sc_test_openssl_signed (dir, "impostor", key, "/CN=Twin", NULL, twin_crt, twin_key);

  original = load (twin_crt);
  impostor = load (crt);
  g_assert_true (sc_peer_certificate_is_self_signed (original));
  g_assert_cmpstr (sc_peer_certificate_get_subject_dn (impostor), ==,
                   sc_peer_certificate_get_issuer_dn (impostor));
  g_assert_false (sc_peer_certificate_is_self_signed (impostor));
  g_assert_true (sc_peer_certificate_self_signature_verifies (original));
  g_assert_false (sc_peer_certificate_self_signature_verifies (impostor));

  /* The last byte of the DER is the last byte of the ECDSA signature. */
  data = g_bytes_unref_to_data (g_bytes_ref (sc_peer_certificate_get_der (original, 0)), &size);
  data[size - 1] ^= 0x01;
  der = g_bytes_new_take (data, size);
  damaged = sc_peer_certificate_new_from_der (&der, 1, &error);
  g_assert_no_error (error);
  g_assert_false (sc_peer_certificate_is_self_signed (damaged));
  g_assert_false (sc_peer_certificate_self_signature_verifies (damaged));
  /* Asked again, the remembered answers stand. */
  g_assert_false (sc_peer_certificate_self_signature_verifies (damaged));
  g_assert_true (sc_peer_certificate_self_signature_verifies (original));
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (damaged), !=,
                   sc_peer_certificate_get_fingerprint (original));

  sc_test_dir_free (g_steal_pointer (&dir));
}

static GBytes *
copy_der (ScPeerCertificate *certificate,
          guint              index)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (sc_peer_certificate_get_der (certificate, index), &size);

  return g_bytes_new (data, size);
}

typedef struct
{
  ScCertificateCache *cache;
  GBytes             *ders[2];
  guint               failures;
} CacheRace;

static gpointer
cache_race_thread (gpointer data)
{
  CacheRace *race = data;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ScPeerCertificate) one = sc_certificate_cache_lookup (race->cache, &race->ders[i % 2],
                                                                       1, &error);

      if (one == NULL || !sc_peer_certificate_self_signature_verifies (one))
        g_atomic_int_inc (&race->failures);
    }

  return NULL;
}

static void
test_cache (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *alice_crt = NULL;
  g_autofree char *bob_crt = NULL;
  g_autofree char *carol_crt = NULL;
  g_autoptr(ScPeerCertificate) alice = NULL;
  g_autoptr(ScPeerCertificate) bob = NULL;
  g_autoptr(ScPeerCertificate) carol = NULL;
  g_autoptr(ScCertificateCache) cache = sc_certificate_cache_new (2);
  g_autoptr(ScPeerCertificate) first = NULL;
  g_autoptr(ScPeerCertificate) again = NULL;
  g_autoptr(ScPeerCertificate) pair = NULL;
  g_autoptr(ScPeerCertificate) other = NULL;
  g_autoptr(ScPeerCertificate) evicted = NULL;
  g_autoptr(ScPeerCertificate) kept = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\x30\x03\x02\x01\x01", 5);
  g_autoptr(GError) error = NULL;
  GBytes *ders[2];
  CacheRace race = { 0 };
  GThread *threads[4];

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  alice_crt = sc_test_certtool_cert (dir, "alice", "ecdsa", "cn = Alice\nuid = alice@example.org\n", NULL);
  bob_crt = sc_test_certtool_cert (dir, "bob", "ecdsa", "cn = Bob\nuid = bob@example.org\n", NULL);
  carol_crt = sc_test_certtool_cert (dir, "carol", "rsa", "cn = Carol\nuid = carol@example.org\n", NULL);
  alice = load (alice_crt);
  bob = load (bob_crt);
  carol = load (carol_crt);

  /* The same bytes, even in other buffers, give the same object. */
  ders[0] = copy_der (alice, 0);
  first = sc_certificate_cache_lookup (cache, ders, 1, &error);
  g_assert_no_error (error);
  g_bytes_unref (ders[0]);
  ders[0] = copy_der (alice, 0);
  again = sc_certificate_cache_lookup (cache, ders, 1, &error);
  g_assert_no_error (error);
  g_assert_true (first == again);
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (first), ==,
                   sc_peer_certificate_get_fingerprint (alice));
  g_assert_true (sc_peer_certificate_self_signature_verifies (first));

  /* A chain is another key than its leaf alone. */
  ders[1] = copy_der (bob, 0);
  pair = sc_certificate_cache_lookup (cache, ders, 2, &error);
  g_assert_no_error (error);
  g_assert_true (pair != first);
  g_assert_cmpuint (sc_peer_certificate_get_length (pair), ==, 2);
  g_assert_cmpuint (sc_certificate_cache_get_size (cache), ==, 2);

  /* Bad input is an error and is never kept. */
  g_assert_null (sc_certificate_cache_lookup (cache, &garbage, 1, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (sc_certificate_cache_lookup (cache, ders, 0, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_cmpuint (sc_certificate_cache_get_size (cache), ==, 2);

  /* Alice was used before the pair, then touched again: the pair is the
   * least recently used and leaves when Carol comes. */
  g_clear_object (&again);
  again = sc_certificate_cache_lookup (cache, ders, 1, &error);
  g_assert_true (again == first);
  g_bytes_unref (ders[1]);
  ders[1] = copy_der (carol, 0);
  other = sc_certificate_cache_lookup (cache, &ders[1], 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_peer_certificate_get_user_id (other), ==, "carol@example.org");
  g_assert_cmpuint (sc_certificate_cache_get_size (cache), ==, 2);
  kept = sc_certificate_cache_lookup (cache, ders, 1, &error);
  g_assert_true (kept == first);
  g_bytes_unref (ders[1]);
  ders[1] = copy_der (bob, 0);
  evicted = sc_certificate_cache_lookup (cache, ders, 2, &error);
  g_assert_no_error (error);
  g_assert_true (evicted != pair);
  g_assert_cmpuint (sc_certificate_cache_get_size (cache), ==, 2);

  /* Many threads at once. */
  race.cache = cache;
  race.ders[0] = ders[0];
  race.ders[1] = ders[1];
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("cache", cache_race_thread, &race);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (race.failures, ==, 0);
  g_assert_cmpuint (sc_certificate_cache_get_size (cache), <=, 2);

  g_bytes_unref (ders[0]);
  g_bytes_unref (ders[1]);
  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_der_file (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *der = NULL;
  g_autoptr(ScPeerCertificate) from_pem = NULL;
  g_autoptr(ScPeerCertificate) from_der = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  key = sc_test_openssl_key (dir, "hank", "EC", "ec_paramgen_curve:P-256");
  crt = sc_test_openssl_self_signed (dir, "hank", key, "/CN=Hank/UID=hank@example.org", NULL);
  der = g_build_filename (dir, "hank.der", NULL);
  sc_test_run_tool ("openssl", "x509", "-in", crt, "-outform", "DER", "-out", der, NULL);
  from_pem = load (crt);
  from_der = load (der);

  g_assert_cmpuint (sc_peer_certificate_get_length (from_der), ==, 1);
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint (from_der), ==,
                   sc_peer_certificate_get_fingerprint (from_pem));
  g_assert_cmpstr (sc_peer_certificate_get_user_id (from_der), ==, "hank@example.org");

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
assert_file_fails (const char *path,
                   GQuark      domain,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;

  certificate = sc_peer_certificate_new_from_file (path, &error);
  g_assert_null (certificate);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_garbage (void)
{
  static const char bad_base64[] =
    "-----BEGIN CERTIFICATE-----\n"
    "!!!! this is not base64 !!!!\n"
    "-----END CERTIFICATE-----\n";
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *crt_pem = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *junk = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *crl = NULL;
  g_autofree char *crl_der = NULL;
  g_autofree char *crl_template = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) junk_bytes = NULL;
  g_autoptr(GBytes) empty_bytes = NULL;
  GBytes *ders[2];
  guint8 random_bytes[512];

  if (!sc_test_have_cert_tools ())
    return;

  dir = sc_test_dir_new ("sc-cert");
  for (guint i = 0; i < sizeof random_bytes; i++)
    random_bytes[i] = g_random_int_range (0, 256);
  random_bytes[0] = 0x30;   /* looks like the start of a DER SEQUENCE */

  key = sc_test_openssl_key (dir, "ivy", "EC", "ec_paramgen_curve:P-256");
  crt = sc_test_openssl_self_signed (dir, "ivy", key, "/CN=Ivy", NULL);
  crt_pem = sc_test_read_file (crt);
  crl = g_build_filename (dir, "ivy.crl", NULL);
  crl_der = g_build_filename (dir, "ivy.crl.der", NULL);
  crl_template = sc_test_write_file (dir, "crl.tmpl", "crl_next_update = 30\n", -1);
  sc_test_run_tool ("certtool", "--generate-crl", "--no-text", "--load-ca-privkey", key,
                    "--load-ca-certificate", crt, "--template", crl_template,
                    "--outfile", crl, NULL);
  sc_test_run_tool ("openssl", "crl", "-in", crl, "-outform", "DER", "-out", crl_der, NULL);

  empty = sc_test_write_file (dir, "empty.pem", "", 0);
  junk = sc_test_write_file (dir, "junk.bin", (const char *) random_bytes, sizeof random_bytes);
  truncated = sc_test_write_file (dir, "truncated.pem", crt_pem, strlen (crt_pem) / 2);
  bad = sc_test_write_file (dir, "bad.pem", bad_base64, -1);
  missing = g_build_filename (dir, "missing.pem", NULL);

  assert_file_fails (empty, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  assert_file_fails (junk, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  assert_file_fails (truncated, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  assert_file_fails (crl, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  assert_file_fails (crl_der, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  assert_file_fails (key, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  assert_file_fails (bad, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  assert_file_fails (missing, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  assert_file_fails (dir, G_FILE_ERROR, G_FILE_ERROR_ISDIR);

  g_assert_null (sc_peer_certificate_new_from_pem ((const char *) random_bytes,
                                                   sizeof random_bytes, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_null (sc_peer_certificate_new_from_pem ("", 0, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_null (sc_peer_certificate_new_from_der (NULL, 0, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  g_clear_error (&error);

  junk_bytes = g_bytes_new (random_bytes, sizeof random_bytes);
  empty_bytes = g_bytes_new (NULL, 0);
  ders[0] = junk_bytes;
  g_assert_null (sc_peer_certificate_new_from_der (ders, 1, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  g_clear_error (&error);

  ders[0] = empty_bytes;
  g_assert_null (sc_peer_certificate_new_from_der (ders, 1, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY);
  g_clear_error (&error);

  /* A good leaf followed by junk is no chain. */
  {
    g_autoptr(ScPeerCertificate) good = load (crt);

    ders[0] = sc_peer_certificate_get_der (good, 0);
    ders[1] = junk_bytes;
    g_assert_null (sc_peer_certificate_new_from_der (ders, 2, &error));
    g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "2 of 2"));
    g_clear_error (&error);
  }

  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_fingerprint_normalize (void)
{
  static const char expected[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static const char *good[] = {
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
    "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef",
    "0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567 89AB CDEF",
    "  0123456789aBcDeF0123456789AbCdEf\t0123456789abcdef0123456789abcdef\n",
  };
  static const char *bad[] = {
    "",
    "0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00",
    "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef-0123456789abcdef0123456789abcdef",
    "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd",
    "SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = sc_fingerprint_normalize (good[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = sc_fingerprint_normalize (bad[i], &error);

      g_assert_null (normalized);
      g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_FINGERPRINT);
    }
}

static void
test_fingerprint_format (void)
{
  g_autofree char *formatted = NULL;
  g_autofree char *from_colons = NULL;
  g_autofree char *round_trip = NULL;
  g_auto(GStrv) groups = NULL;

  formatted = sc_fingerprint_format ("0123456789abcdef0123456789abcdef"
                                     "0123456789abcdef0123456789abcdef");
  g_assert_cmpstr (formatted, ==,
                   "0123 4567 89AB CDEF 0123 4567 89AB CDEF "
                   "0123 4567 89AB CDEF 0123 4567 89AB CDEF");

  groups = g_strsplit (formatted, " ", -1);
  g_assert_cmpuint (g_strv_length (groups), ==, 16);

  from_colons = sc_fingerprint_format ("01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
                                       "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF");
  g_assert_cmpstr (from_colons, ==, formatted);

  round_trip = sc_fingerprint_normalize (formatted, NULL);
  g_assert_cmpstr (round_trip, ==,
                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void
test_user_id_valid (void)
{
  g_autofree char *long_local = g_strnfill (256 - strlen ("@example.org"), 'a');
  g_autofree char *longest = g_strconcat (long_local, "@example.org", NULL);
  g_autofree char *too_long = g_strconcat (long_local, "a@example.org", NULL);

  g_assert_true (sc_user_id_is_valid ("alice@example.org"));
  g_assert_true (sc_user_id_is_valid ("Alice.Liddell+chat@Example.ORG"));
  g_assert_true (sc_user_id_is_valid ("a@b"));
  g_assert_true (sc_user_id_is_valid ("zoë@exämple.org"));
  g_assert_cmpuint (strlen (longest), ==, 256);
  g_assert_true (sc_user_id_is_valid (longest));

  g_assert_false (sc_user_id_is_valid (NULL));
  g_assert_false (sc_user_id_is_valid (""));
  g_assert_false (sc_user_id_is_valid ("alice"));
  g_assert_false (sc_user_id_is_valid ("@example.org"));
  g_assert_false (sc_user_id_is_valid ("alice@"));
  g_assert_false (sc_user_id_is_valid ("@"));
  g_assert_false (sc_user_id_is_valid ("alice@example@org"));
  g_assert_false (sc_user_id_is_valid ("alice @example.org"));
  g_assert_false (sc_user_id_is_valid (" alice@example.org"));
  g_assert_false (sc_user_id_is_valid ("alice@example.org\n"));
  g_assert_false (sc_user_id_is_valid ("alice\t@example.org"));
  g_assert_false (sc_user_id_is_valid ("ali\x01" "ce@example.org"));
  g_assert_false (sc_user_id_is_valid ("alice@exa\xc2\xa0mple.org"));  /* no-break space */
  g_assert_false (sc_user_id_is_valid ("alice@exa\xffmple.org"));      /* not UTF-8 */
  g_assert_false (sc_user_id_is_valid (too_long));
}

static void
test_user_id_normalize (void)
{
  g_autofree char *plain = sc_user_id_normalize ("alice@example.org");
  g_autofree char *mixed = sc_user_id_normalize ("  Alice@Example.ORG\n");
  g_autofree char *unicode = sc_user_id_normalize ("ZOË@Example.org");

  g_assert_cmpstr (plain, ==, "alice@example.org");
  g_assert_cmpstr (mixed, ==, "alice@example.org");
  /* Only ASCII letters change case. */
  g_assert_cmpstr (unicode, ==, "zoË@example.org");

  g_assert_true (sc_user_id_equal ("alice@example.org", "ALICE@example.org"));
  g_assert_true (sc_user_id_equal (" alice@example.org", "alice@EXAMPLE.org "));
  g_assert_false (sc_user_id_equal ("alice@example.org", "alice@example.com"));
  g_assert_false (sc_user_id_equal ("alice@example.org", "alicia@example.org"));
  g_assert_false (sc_user_id_equal ("alice@example.org", NULL));
  g_assert_false (sc_user_id_equal (NULL, NULL));
}

static void
test_crl_files (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-crl");
  ScTestCertSpec ca_spec = { .cn = "CRL Test CA", .is_ca = TRUE };
  ScTestCertSpec other_spec = { .cn = "Other CA", .is_ca = TRUE };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScTestCert) other = sc_test_cert_new (&other_spec, NULL);
  g_autofree char *pem_a = sc_test_crl_pem (ca, ca, NULL, 0);
  g_autofree char *pem_b = sc_test_crl_pem (other, other, NULL, 0);
  g_autofree char *bundle = g_strconcat (pem_a, pem_b, NULL);
  g_autoptr(GBytes) der = sc_test_crl_der (ca, ca, NULL, 0);
  g_autofree char *cert_pem = sc_test_cert_pem (ca);
  g_autofree char *bundle_path = sc_test_write_file (dir, "two.crl", bundle, -1);
  g_autofree char *der_path = sc_test_write_file (dir, "one.der", g_bytes_get_data (der, NULL),
                                                  (gssize) g_bytes_get_size (der));
  g_autofree char *garbage_path = sc_test_write_file (dir, "garbage.crl", "not a CRL", -1);
  g_autofree char *cert_path = sc_test_write_file (dir, "cert.pem", cert_pem, -1);
  g_autofree char *missing_path = g_build_filename (dir, "missing.crl", NULL);
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) not_der = g_bytes_new_static ("not DER", 7);
  g_autofree char *issuer = NULL;

  crls = sc_crl_list_from_file (bundle_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crls->len, ==, 2);
  issuer = sc_crl_get_issuer_dn (g_ptr_array_index (crls, 1));
  g_assert_nonnull (strstr (issuer, "Other CA"));
  g_clear_pointer (&crls, g_ptr_array_unref);

  crls = sc_crl_list_from_file (der_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crls->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (crls, 0), der));
  g_clear_pointer (&crls, g_ptr_array_unref);

  g_assert_null (sc_crl_list_from_file (garbage_path, &error));
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "garbage.crl"));
  g_clear_error (&error);

  g_assert_null (sc_crl_list_from_file (cert_path, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SC_CERTIFICATE_ERROR);
  g_clear_error (&error);

  g_assert_null (sc_crl_list_from_file (missing_path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_assert_null (sc_crl_get_issuer_dn (not_der));

  sc_test_dir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/certificate/user-id/uid-only-certtool", test_uid_only_certtool);
  g_test_add_func ("/certificate/user-id/san-only-certtool", test_san_only_certtool);
  g_test_add_func ("/certificate/user-id/email-only-openssl", test_email_only_openssl);
  g_test_add_func ("/certificate/user-id/uid-openssl", test_uid_openssl);
  g_test_add_func ("/certificate/user-id/precedence", test_user_id_precedence);
  g_test_add_func ("/certificate/user-id/none", test_no_user_id);
  g_test_add_func ("/certificate/properties", test_properties);
  g_test_add_func ("/certificate/chain", test_chain);
  g_test_add_func ("/certificate/issuer-without-cn", test_issuer_without_cn);
  g_test_add_func ("/certificate/self-signed", test_self_signed_needs_own_signature);
  g_test_add_func ("/certificate/der-file", test_der_file);
  g_test_add_func ("/certificate/cache", test_cache);
  g_test_add_func ("/certificate/garbage", test_garbage);
  g_test_add_func ("/certificate/fingerprint/normalize", test_fingerprint_normalize);
  g_test_add_func ("/certificate/fingerprint/format", test_fingerprint_format);
  g_test_add_func ("/certificate/user-id/valid", test_user_id_valid);
  g_test_add_func ("/certificate/user-id/normalize", test_user_id_normalize);

  g_test_add_func ("/certificate/crl-files", test_crl_files);

  return g_test_run ();
}
