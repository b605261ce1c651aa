/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sc-identity.h"
#include "sc-test-util.h"

#define DAY (24 * 60 * 60)
#define PASSPHRASE_VARIABLE "SC_TEST_P12_PASSPHRASE"
#define PASSPHRASE "correct horse battery staple"

#define PKCS8_HEADER "-----BEGIN PRIVATE KEY-----\n"

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

static char *
profile_file (const char *profile,
              const char *name)
{
  g_autofree char *path = g_build_filename (profile, name, NULL);

  return sc_test_read_file (path);
}

static int
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);

  return st.st_mode & 0777;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The sorted names in dir, comma-separated: shows stray temporary files. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (",", (char **) names->pdata);
}

static void
assert_profile_clean (const char *profile)
{
  g_autofree char *listing = list_dir (profile);

  g_assert_cmpstr (listing, ==, "identity.crt,identity.key");
}

static ScIdentity *
create (const char *profile,
        const char *name,
        const char *user_id)
{
  g_autoptr(GError) error = NULL;
  ScIdentity *identity;

  identity = sc_identity_create (profile, name, user_id, SC_IDENTITY_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (SC_IS_IDENTITY (identity));

  return identity;
}

/* A CA made by certtool: <dir>/ca.crt, returned, and <dir>/ca.key. */
static char *
make_ca (const char *dir)
{
  return sc_test_certtool_cert (dir, "ca", "ecdsa",
                                "cn = \"SixChat Test CA\"\n"
                                "ca\n"
                                "cert_signing_key\n"
                                "expiration_days = 30\n", NULL);
}

/* The CA's answer to the identity's request: <dir>/<name>.crt. */
static char *
sign_request (const char *dir,
              ScIdentity *identity,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csr = sc_identity_create_csr (identity, &error);
  g_autofree char *csr_name = g_strdup_printf ("%s.csr", name);
  g_autofree char *csr_path = NULL;
  g_autofree char *ca_key = g_build_filename (dir, "ca.key", NULL);
  g_autofree char *ca_crt = g_build_filename (dir, "ca.crt", NULL);
  g_autofree char *template = sc_test_write_file (dir, "leaf.tmpl",
                                                  "honor_crq_extensions\n"
                                                  "expiration_days = 30\n", -1);
  char *crt = g_strdup_printf ("%s/%s.crt", dir, name);

  g_assert_no_error (error);
  csr_path = sc_test_write_file (dir, csr_name, csr, -1);
  sc_test_run_tool ("certtool", "--generate-certificate", "--no-text", "--load-request", csr_path,
                    "--load-ca-certificate", ca_crt, "--load-ca-privkey", ca_key,
                    "--template", template, "--outfile", crt, NULL);

  return crt;
}

static gnutls_x509_crt_t
parse_leaf (ScPeerCertificate *certificate)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize size;

  datum.data = (unsigned char *) g_bytes_get_data (sc_peer_certificate_get_der (certificate, 0),
                                                   &size);
  datum.size = size;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER), ==, 0);

  return crt;
}

static void
assert_created_certificate (ScIdentity *identity,
                            const char *user_id)
{
  ScPeerCertificate *certificate = sc_identity_get_certificate (identity);
  g_auto(gnutls_x509_crt_t) crt = parse_leaf (certificate);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_before = gnutls_x509_crt_get_activation_time (crt);
  gint64 not_after = gnutls_x509_crt_get_expiration_time (crt);
  gboolean client_auth = FALSE;
  gboolean server_auth = FALSE;
  unsigned int key_usage = 0;
  unsigned int critical = 0;
  unsigned int ca = 1;
  guint8 serial[32];
  size_t serial_size = sizeof serial;
  char san[256];
  size_t san_size = sizeof san;
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;

  g_assert_cmpint (gnutls_x509_crt_get_version (crt), ==, 3);
  g_assert_true (sc_peer_certificate_is_self_signed (certificate));
  g_assert_cmpuint (sc_peer_certificate_get_length (certificate), ==, 1);
  g_assert_cmpstr (sc_peer_certificate_get_key_description (certificate), ==, "ECDSA P-256");
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (crt), ==, GNUTLS_SIGN_ECDSA_SHA256);

  /* Backdated five minutes, valid for two years. */
  g_assert_cmpint (not_before, <=, now - 5 * 60 + 2);
  g_assert_cmpint (not_before, >=, now - 5 * 60 - 10);
  g_assert_cmpint (not_after - not_before, >=, 730 * DAY + 5 * 60);
  g_assert_cmpint (not_after - not_before, <=, 731 * DAY + 5 * 60);
  g_assert_cmpint (not_after, ==, sc_peer_certificate_get_not_after (certificate));

  for (guint i = 0; ; i++)
    {
      char oid[128];
      size_t oid_size = sizeof oid;

      if (gnutls_x509_crt_get_key_purpose_oid (crt, i, oid, &oid_size, &critical) < 0)
        break;
      g_assert_cmpuint (critical, ==, 0);
      client_auth |= g_str_equal (oid, GNUTLS_KP_TLS_WWW_CLIENT);
      server_auth |= g_str_equal (oid, GNUTLS_KP_TLS_WWW_SERVER);
    }
  g_assert_true (client_auth);
  g_assert_true (server_auth);

  g_assert_cmpint (gnutls_x509_crt_get_key_usage (crt, &key_usage, &critical), ==, 0);
  g_assert_cmpuint (key_usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (crt, &critical, &ca, NULL), ==, 0);
  g_assert_cmpuint (ca, ==, 0);

  g_assert_cmpint (gnutls_x509_crt_get_serial (crt, serial, &serial_size), ==, 0);
  g_assert_cmpuint (serial_size, ==, 16);
  g_assert_cmpuint (serial[0] & 0x80, ==, 0);

  g_assert_cmpint (gnutls_x509_crt_get_subject_alt_name (crt, 0, san, &san_size, NULL), ==,
                   GNUTLS_SAN_RFC822NAME);
  g_assert_cmpstr (san, ==, user_id);
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (crt, key_id, &key_id_size, NULL), ==, 0);
  g_assert_cmpstr (strstr (sc_peer_certificate_get_subject_dn (certificate), "UID="), !=, NULL);
}

static void
test_create_load (void)
{
  g_autofree char *root = sc_test_dir_new ("sc-identity");
  g_autofree char *profile = g_build_filename (root, "profile", NULL);
  g_autofree char *crt_path = g_build_filename (profile, "identity.crt", NULL);
  g_autofree char *key_path = g_build_filename (profile, "identity.key", NULL);
  g_autofree char *key_file = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(ScIdentity) loaded = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *key_pem;

  g_assert_false (sc_identity_exists (profile));
  g_assert_null (sc_identity_load (profile, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, profile));
  g_clear_error (&error);

  identity = create (profile, "Alice Liddell", "alice@example.org");

  g_assert_true (sc_identity_exists (profile));
  g_assert_cmpint (file_mode (profile), ==, 0700);
  g_assert_cmpint (file_mode (key_path), ==, 0600);
  assert_profile_clean (profile);

  g_assert_cmpstr (sc_identity_get_profile_dir (identity), ==, profile);
  g_assert_cmpstr (sc_identity_get_name (identity), ==, "Alice Liddell");
  g_assert_cmpstr (sc_identity_get_user_id (identity), ==, "alice@example.org");
  g_assert_cmpstr (sc_identity_get_fingerprint (identity), ==,
                   sc_peer_certificate_get_fingerprint (sc_identity_get_certificate (identity)));
  assert_created_certificate (identity, "alice@example.org");

  key_pem = sc_identity_get_key_pem (identity);
  key_file = sc_test_read_file (key_path);
  g_assert_true (g_str_has_prefix (key_file, PKCS8_HEADER));
  g_assert_cmpmem (g_bytes_get_data (key_pem, NULL), g_bytes_get_size (key_pem),
                   key_file, strlen (key_file));
  g_assert_cmpstr (g_bytes_get_data (key_pem, NULL), ==, key_file);

  loaded = sc_identity_load (profile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (loaded), ==,
                   sc_identity_get_fingerprint (identity));
  g_assert_cmpstr (sc_identity_get_name (loaded), ==, "Alice Liddell");
  g_assert_cmpstr (sc_identity_get_user_id (loaded), ==, "alice@example.org");
  g_assert_true (g_bytes_equal (sc_identity_get_key_pem (loaded), key_pem));

  /* openssl agrees the files are a certificate and its key. */
  sc_test_run_tool ("openssl", "x509", "-in", crt_path, "-noout", "-checkend", "86400", NULL);
  sc_test_run_tool ("openssl", "pkey", "-in", key_path, "-noout", NULL);

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_create_normalizes_user_id (void)
{
  g_autofree char *root = sc_test_dir_new ("sc-identity");
  g_autoptr(ScIdentity) identity = create (root, "Bob", "  Bob@Example.ORG ");

  g_assert_cmpstr (sc_identity_get_user_id (identity), ==, "bob@example.org");

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_create_invalid (void)
{
  g_autofree char *root = sc_test_dir_new ("sc-identity");
  g_autofree char *profile = g_build_filename (root, "profile", NULL);
  g_autofree char *too_long = g_strnfill (257, 'n');
  g_autofree char *longest = g_strnfill (256, 'n');
  const char *bad_names[] = { "", "   ", "\xff\xfe", too_long };
  const char *bad_user_ids[] = {
    "", "alice", "alice@", "@example.org", "alice@example@org", "alice smith@example.org",
    "alice@exa\tmple.org",
  };
  g_autoptr(ScIdentity) identity = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (sc_identity_create (profile, bad_names[i], "alice@example.org",
                                         SC_IDENTITY_FLAGS_NONE, &error));
      g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_INVALID);
      g_assert_false (g_file_test (profile, G_FILE_TEST_EXISTS));
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_user_ids); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (sc_identity_create (profile, "Alice", bad_user_ids[i],
                                         SC_IDENTITY_FLAGS_NONE, &error));
      g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_INVALID);
      g_assert_false (g_file_test (profile, G_FILE_TEST_EXISTS));
    }

  identity = create (profile, longest, "alice@example.org");
  g_assert_cmpstr (sc_identity_get_name (identity), ==, longest);

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_create_exists (void)
{
  g_autofree char *root = sc_test_dir_new ("sc-identity");
  g_autoptr(ScIdentity) first = create (root, "Alice", "alice@example.org");
  g_autoptr(ScIdentity) second = NULL;
  g_autoptr(ScIdentity) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *crt_before = profile_file (root, "identity.crt");
  g_autofree char *key_before = profile_file (root, "identity.key");
  g_autofree char *crt_after = NULL;
  g_autofree char *key_after = NULL;

  g_assert_null (sc_identity_create (root, "Mallory", "mallory@example.org",
                                     SC_IDENTITY_FLAGS_NONE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, root));
  g_clear_error (&error);

  crt_after = profile_file (root, "identity.crt");
  key_after = profile_file (root, "identity.key");
  g_assert_cmpstr (crt_after, ==, crt_before);
  g_assert_cmpstr (key_after, ==, key_before);
  assert_profile_clean (root);

  second = sc_identity_create (root, "Alice", "alice@example.org", SC_IDENTITY_FLAGS_REPLACE,
                               &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (second), !=, sc_identity_get_fingerprint (first));
  assert_profile_clean (root);

  loaded = sc_identity_load (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (loaded), ==, sc_identity_get_fingerprint (second));
  g_assert_true (g_bytes_equal (sc_identity_get_key_pem (loaded),
                                sc_identity_get_key_pem (second)));

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_csr (void)
{
  g_autofree char *root = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *csr_path = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  identity = create (root, "Alice Liddell", "alice@example.org");
  csr = sc_identity_create_csr (identity, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csr, "-----BEGIN NEW CERTIFICATE REQUEST-----\n") ||
                 g_str_has_prefix (csr, "-----BEGIN CERTIFICATE REQUEST-----\n"));
  csr_path = sc_test_write_file (root, "alice.csr", csr, -1);

  sc_test_run_tool ("openssl", "req", "-verify", "-noout", "-in", csr_path, NULL);
  g_assert_cmpint (sc_test_run (&subject, NULL, "openssl", "req", "-noout", "-subject",
                                "-nameopt", "RFC2253", "-in", csr_path, NULL), ==, 0);
  g_assert_nonnull (strstr (subject, "CN=Alice Liddell"));
  g_assert_nonnull (strstr (subject, "UID=alice@example.org"));

  g_assert_cmpint (sc_test_run (&text, NULL, "openssl", "req", "-noout", "-text",
                                "-in", csr_path, NULL), ==, 0);
  g_assert_nonnull (strstr (text, "email:alice@example.org"));
  g_assert_nonnull (strstr (text, "Digital Signature"));
  g_assert_nonnull (strstr (text, "TLS Web Client Authentication, TLS Web Server Authentication"));
  g_assert_nonnull (strstr (text, "ecdsa-with-SHA256"));

  sc_test_dir_free (g_steal_pointer (&root));
}

/* Request, sign with a CA, install the answer without a key, export the
 * chain in a PKCS#12 file. */
static void
test_ca_flow (void)
{
  g_autofree char *root = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *signed_crt = NULL;
  g_autofree char *ca_crt = NULL;
  g_autofree char *chain = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *leaf_pem = NULL;
  g_autofree char *ca_pem = NULL;
  g_autofree char *key_before = NULL;
  g_autofree char *key_after = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *p12 = NULL;
  g_autofree char *p12_text = NULL;
  g_autofree char *other_profile = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(ScIdentity) imported = NULL;
  g_autoptr(ScIdentity) loaded = NULL;
  g_autoptr(ScIdentity) from_p12 = NULL;
  g_autoptr(GError) error = NULL;
  ScPeerCertificate *certificate;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  profile = g_build_filename (root, "profile", NULL);
  identity = create (profile, "Alice Liddell", "alice@example.org");
  key_before = profile_file (profile, "identity.key");

  ca_crt = make_ca (root);
  signed_crt = sign_request (root, identity, "alice");
  leaf_pem = sc_test_read_file (signed_crt);
  ca_pem = sc_test_read_file (ca_crt);
  chain = g_strconcat (leaf_pem, ca_pem, NULL);
  chain_path = sc_test_write_file (root, "chain.pem", chain, -1);
  expected = sc_test_certtool_fingerprint (signed_crt);

  imported = sc_identity_import (profile, chain_path, NULL, SC_IDENTITY_FLAGS_NONE, &error);
  g_assert_no_error (error);
  certificate = sc_identity_get_certificate (imported);
  g_assert_cmpstr (sc_identity_get_fingerprint (imported), ==, expected);
  g_assert_cmpstr (sc_identity_get_user_id (imported), ==, "alice@example.org");
  g_assert_cmpstr (sc_identity_get_name (imported), ==, "Alice Liddell");
  g_assert_cmpuint (sc_peer_certificate_get_length (certificate), ==, 2);
  g_assert_cmpstr (sc_peer_certificate_get_issuer_name (certificate), ==, "SixChat Test CA");
  g_assert_false (sc_peer_certificate_is_self_signed (certificate));
  g_assert_true (g_bytes_equal (sc_identity_get_key_pem (imported),
                                sc_identity_get_key_pem (identity)));
  key_after = profile_file (profile, "identity.key");
  g_assert_cmpstr (key_after, ==, key_before);
  assert_profile_clean (profile);

  loaded = sc_identity_load (profile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (loaded), ==, expected);
  g_assert_cmpuint (sc_peer_certificate_get_length (sc_identity_get_certificate (loaded)), ==, 2);

  /* The PKCS#12 export carries the whole chain. */
  p12 = g_build_filename (root, "alice.p12", NULL);
  g_assert_true (sc_identity_export_pkcs12 (loaded, p12, PASSPHRASE, &error));
  g_assert_no_error (error);
  g_setenv (PASSPHRASE_VARIABLE, PASSPHRASE, TRUE);
  g_assert_cmpint (sc_test_run (&p12_text, NULL, "openssl", "pkcs12", "-in", p12,
                                "-passin", "env:" PASSPHRASE_VARIABLE, "-nokeys", NULL), ==, 0);
  g_assert_nonnull (strstr (p12_text, "subject=CN = Alice Liddell, UID = alice@example.org"));
  g_assert_nonnull (strstr (p12_text, "subject=CN = SixChat Test CA"));

  other_profile = g_build_filename (root, "other", NULL);
  from_p12 = sc_identity_import_pkcs12 (other_profile, p12, PASSPHRASE, SC_IDENTITY_FLAGS_NONE,
                                        &error);
  g_assert_no_error (error);
  certificate = sc_identity_get_certificate (from_p12);
  g_assert_cmpuint (sc_peer_certificate_get_length (certificate), ==, 2);
  g_assert_cmpstr (sc_peer_certificate_get_fingerprint_at (certificate, 0), ==, expected);
  g_assert_cmpstr (sc_peer_certificate_get_issuer_name (certificate), ==, "SixChat Test CA");

  sc_test_dir_free (g_steal_pointer (&root));
}

/* A certificate for another key changes nothing. */
static void
test_import_key_mismatch (void)
{
  g_autofree char *root = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *other_crt = NULL;
  g_autofree char *crt_before = NULL;
  g_autofree char *key_before = NULL;
  g_autofree char *crt_after = NULL;
  g_autofree char *key_after = NULL;
  g_autofree char *profile_key = NULL;
  g_autofree char *own_crt = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  identity = create (root, "Alice", "alice@example.org");
  crt_before = profile_file (root, "identity.crt");
  key_before = profile_file (root, "identity.key");
  profile_key = g_build_filename (root, "identity.key", NULL);
  own_crt = g_build_filename (root, "identity.crt", NULL);

  other_key = sc_test_openssl_key (root, "other", "EC", "ec_paramgen_curve:P-256");
  other_crt = sc_test_openssl_self_signed (root, "other", other_key,
                                           "/CN=Alice/UID=alice@example.org", NULL);

  g_assert_null (sc_identity_import (root, other_crt, NULL, SC_IDENTITY_FLAGS_NONE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_KEY_MISMATCH);
  g_assert_nonnull (strstr (error->message, other_crt));
  g_assert_nonnull (strstr (error->message, profile_key));
  g_clear_error (&error);

  /* The profile's own certificate with someone else's key. */
  g_assert_null (sc_identity_import (root, own_crt, other_key, SC_IDENTITY_FLAGS_REPLACE,
                                     &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_KEY_MISMATCH);
  g_assert_nonnull (strstr (error->message, own_crt));
  g_assert_nonnull (strstr (error->message, other_key));
  g_clear_error (&error);

  crt_after = profile_file (root, "identity.crt");
  key_after = profile_file (root, "identity.key");
  g_assert_cmpstr (crt_after, ==, crt_before);
  g_assert_cmpstr (key_after, ==, key_before);

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
assert_imports (const char *root,
                const char *name,
                const char *crt,
                const char *key)
{
  g_autofree char *profile = g_build_filename (root, name, NULL);
  g_autofree char *key_path = g_build_filename (profile, "identity.key", NULL);
  g_autofree char *expected = sc_test_openssl_fingerprint (crt);
  g_autofree char *key_file = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(ScIdentity) loaded = NULL;
  g_autoptr(GError) error = NULL;

  identity = sc_identity_import (profile, crt, key, SC_IDENTITY_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (identity), ==, expected);
  g_assert_cmpstr (sc_identity_get_user_id (identity), ==, "bob@example.org");
  g_assert_cmpstr (sc_identity_get_name (identity), ==, "Bob");
  g_assert_cmpint (file_mode (profile), ==, 0700);
  g_assert_cmpint (file_mode (key_path), ==, 0600);
  assert_profile_clean (profile);

  key_file = sc_test_read_file (key_path);
  g_assert_true (g_str_has_prefix (key_file, PKCS8_HEADER));
  g_assert_true (g_str_has_prefix (g_bytes_get_data (sc_identity_get_key_pem (identity), NULL),
                                   PKCS8_HEADER));

  loaded = sc_identity_load (profile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (loaded), ==, expected);
}

/* Keys as PKCS#8, SEC1 and PKCS#1 PEM, stored as PKCS#8. */
static void
test_import_openssl (void)
{
  g_autofree char *root = NULL;
  g_autofree char *ec_key = NULL;
  g_autofree char *ec_crt = NULL;
  g_autofree char *sec1_key = NULL;
  g_autofree char *rsa_key = NULL;
  g_autofree char *rsa_crt = NULL;
  g_autofree char *pkcs1_key = NULL;
  g_autofree char *sec1_text = NULL;
  g_autofree char *pkcs1_text = NULL;
  g_autofree char *anonymous_crt = NULL;
  g_autofree char *anonymous_profile = NULL;
  g_autoptr(GError) error = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  ec_key = sc_test_openssl_key (root, "bob-ec", "EC", "ec_paramgen_curve:P-256");
  ec_crt = sc_test_openssl_self_signed (root, "bob-ec", ec_key, "/CN=Bob/UID=bob@example.org",
                                        NULL);
  sec1_key = g_build_filename (root, "bob-ec.sec1.key", NULL);
  sc_test_run_tool ("openssl", "ec", "-in", ec_key, "-out", sec1_key, NULL);
  rsa_key = sc_test_openssl_key (root, "bob-rsa", "RSA", "rsa_keygen_bits:2048");
  rsa_crt = sc_test_openssl_self_signed (root, "bob-rsa", rsa_key, "/CN=Bob/UID=bob@example.org",
                                         NULL);
  pkcs1_key = g_build_filename (root, "bob-rsa.pkcs1.key", NULL);
  sc_test_run_tool ("openssl", "rsa", "-in", rsa_key, "-traditional", "-out", pkcs1_key, NULL);

  sec1_text = sc_test_read_file (sec1_key);
  pkcs1_text = sc_test_read_file (pkcs1_key);
  g_assert_true (g_str_has_prefix (sec1_text, "-----BEGIN EC PRIVATE KEY-----"));
  g_assert_true (g_str_has_prefix (pkcs1_text, "-----BEGIN RSA PRIVATE KEY-----"));

  assert_imports (root, "pkcs8-ec", ec_crt, ec_key);
  assert_imports (root, "sec1-ec", ec_crt, sec1_key);
  assert_imports (root, "pkcs8-rsa", rsa_crt, rsa_key);
  assert_imports (root, "pkcs1-rsa", rsa_crt, pkcs1_key);

  /* A certificate that names no user cannot be an identity. */
  anonymous_crt = sc_test_openssl_self_signed (root, "anonymous", ec_key, "/CN=Nobody", NULL);
  anonymous_profile = g_build_filename (root, "anonymous", NULL);
  g_assert_null (sc_identity_import (anonymous_profile, anonymous_crt, ec_key,
                                     SC_IDENTITY_FLAGS_NONE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, anonymous_crt));
  g_assert_false (g_file_test (anonymous_profile, G_FILE_TEST_EXISTS));

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_import_exists (void)
{
  g_autofree char *root = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(ScIdentity) replaced = NULL;
  g_autoptr(GError) error = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  identity = create (root, "Alice", "alice@example.org");
  key = sc_test_openssl_key (root, "bob", "EC", "ec_paramgen_curve:P-256");
  crt = sc_test_openssl_self_signed (root, "bob", key, "/CN=Bob/UID=bob@example.org", NULL);

  g_assert_null (sc_identity_import (root, crt, key, SC_IDENTITY_FLAGS_NONE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_EXISTS);
  g_clear_error (&error);

  replaced = sc_identity_import (root, crt, key, SC_IDENTITY_FLAGS_REPLACE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_user_id (replaced), ==, "bob@example.org");

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_import_garbage (void)
{
  g_autofree char *root = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *good_crt = NULL;
  g_autofree char *good_pem = NULL;
  g_autofree char *encrypted_key = NULL;
  g_autofree char *crl = NULL;
  g_autofree char *crl_template = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *ca_crt = NULL;
  g_autofree char *profile_key = NULL;
  g_autofree char *crt_before = NULL;
  g_autofree char *key_before = NULL;
  g_autofree char *crt_after = NULL;
  g_autofree char *key_after = NULL;
  g_autoptr(GPtrArray) bad_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  guint8 junk[700];

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  profile = g_build_filename (root, "profile", NULL);
  identity = create (profile, "Alice", "alice@example.org");
  good_crt = g_build_filename (profile, "identity.crt", NULL);
  good_pem = sc_test_read_file (good_crt);
  crt_before = profile_file (profile, "identity.crt");
  key_before = profile_file (profile, "identity.key");

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = g_random_int_range (0, 256);
  crl = g_build_filename (root, "revoked.crl", NULL);
  crl_template = sc_test_write_file (root, "crl.tmpl", "crl_next_update = 30\n", -1);
  ca_crt = make_ca (root);
  ca_key = g_build_filename (root, "ca.key", NULL);
  sc_test_run_tool ("certtool", "--generate-crl", "--no-text", "--load-ca-privkey", ca_key,
                    "--load-ca-certificate", ca_crt, "--template", crl_template,
                    "--outfile", crl, NULL);

  g_ptr_array_add (bad_files, sc_test_write_file (root, "empty", "", 0));
  g_ptr_array_add (bad_files, sc_test_write_file (root, "junk", (const char *) junk, sizeof junk));
  g_ptr_array_add (bad_files, sc_test_write_file (root, "truncated.pem", good_pem,
                                                  strlen (good_pem) - 40));
  g_ptr_array_add (bad_files, g_strdup (crl));
  g_ptr_array_add (bad_files, g_strdup (root));
  g_ptr_array_add (bad_files, g_build_filename (root, "missing", NULL));

  for (guint i = 0; i < bad_files->len; i++)
    {
      const char *bad = g_ptr_array_index (bad_files, i);

      /* As the certificate, with and without a key. */
      g_assert_null (sc_identity_import (profile, bad, NULL, SC_IDENTITY_FLAGS_NONE, &error));
      g_assert_true (g_error_matches (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE) ||
                     g_error_matches (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO));
      g_assert_nonnull (strstr (error->message, bad));
      g_clear_error (&error);

      /* As the key. */
      g_assert_null (sc_identity_import (profile, good_crt, bad, SC_IDENTITY_FLAGS_REPLACE,
                                         &error));
      g_assert_true (g_error_matches (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE) ||
                     g_error_matches (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO));
      g_assert_nonnull (strstr (error->message, bad));
      g_clear_error (&error);
    }

  /* An encrypted key is refused, not prompted for. */
  encrypted_key = g_build_filename (root, "encrypted.key", NULL);
  profile_key = g_build_filename (profile, "identity.key", NULL);
  g_setenv (PASSPHRASE_VARIABLE, PASSPHRASE, TRUE);
  sc_test_run_tool ("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", profile_key,
                    "-passout", "env:" PASSPHRASE_VARIABLE, "-out", encrypted_key, NULL);
  g_assert_null (sc_identity_import (profile, good_crt, encrypted_key, SC_IDENTITY_FLAGS_REPLACE,
                                     &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, encrypted_key));
  g_clear_error (&error);

  crt_after = profile_file (profile, "identity.crt");
  key_after = profile_file (profile, "identity.key");
  g_assert_cmpstr (crt_after, ==, crt_before);
  g_assert_cmpstr (key_after, ==, key_before);
  assert_profile_clean (profile);

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_load_broken (void)
{
  g_autofree char *root = sc_test_dir_new ("sc-identity");
  g_autofree char *key_path = g_build_filename (root, "identity.key", NULL);
  g_autofree char *crt_path = g_build_filename (root, "identity.crt", NULL);
  g_autoptr(ScIdentity) first = create (root, "Alice", "alice@example.org");
  g_autoptr(ScIdentity) second = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *first_key = sc_identity_get_key_pem (first);

  /* The certificate of the second identity beside the key of the first. */
  second = sc_identity_create (root, "Alice", "alice@example.org", SC_IDENTITY_FLAGS_REPLACE,
                               &error);
  g_assert_no_error (error);
  g_file_set_contents (key_path, g_bytes_get_data (first_key, NULL),
                       g_bytes_get_size (first_key), &error);
  g_assert_no_error (error);

  g_assert_null (sc_identity_load (root, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_KEY_MISMATCH);
  g_assert_nonnull (strstr (error->message, crt_path));
  g_assert_nonnull (strstr (error->message, key_path));
  g_clear_error (&error);

  /* A key file of junk. */
  g_file_set_contents (key_path, "\x30\x82\x01\x00junk", 8, &error);
  g_assert_no_error (error);
  g_assert_null (sc_identity_load (root, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, key_path));
  g_clear_error (&error);

  /* No certificate beside the key. */
  g_assert_cmpint (g_unlink (crt_path), ==, 0);
  g_assert_true (sc_identity_exists (root));
  g_assert_null (sc_identity_load (root, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  sc_test_dir_free (g_steal_pointer (&root));
}

/* When the certificate cannot take its place, the old key stays and no
 * temporary file is left behind. */
static void
test_write_failure_keeps_old_key (void)
{
  g_autofree char *root = sc_test_dir_new ("sc-identity");
  g_autofree char *crt_path = g_build_filename (root, "identity.crt", NULL);
  g_autofree char *blocker = g_build_filename (crt_path, "blocker", NULL);
  g_autofree char *key_before = NULL;
  g_autofree char *key_after = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(ScIdentity) identity = create (root, "Alice", "alice@example.org");
  g_autoptr(GError) error = NULL;

  key_before = profile_file (root, "identity.key");
  g_assert_cmpint (g_unlink (crt_path), ==, 0);
  g_assert_cmpint (g_mkdir (crt_path, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (blocker, 0700), ==, 0);

  g_assert_null (sc_identity_create (root, "Mallory", "mallory@example.org",
                                     SC_IDENTITY_FLAGS_REPLACE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO);
  g_assert_nonnull (strstr (error->message, crt_path));

  key_after = profile_file (root, "identity.key");
  g_assert_cmpstr (key_after, ==, key_before);
  listing = list_dir (root);
  g_assert_cmpstr (listing, ==, "identity.crt,identity.key");

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_pkcs12_export (void)
{
  g_autofree char *root = NULL;
  g_autofree char *p12 = NULL;
  g_autofree char *info = NULL;
  g_autofree char *certs = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *other_profile = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(ScIdentity) imported = NULL;
  g_autoptr(GError) error = NULL;
  const char *cursor;
  guint aes_256 = 0;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  identity = create (root, "Alice Liddell", "alice@example.org");
  p12 = g_build_filename (root, "alice.p12", NULL);

  g_assert_true (sc_identity_export_pkcs12 (identity, p12, PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_mode (p12), ==, 0600);
  listing = list_dir (root);
  g_assert_cmpstr (listing, ==, "alice.p12,identity.crt,identity.key");

  g_setenv (PASSPHRASE_VARIABLE, PASSPHRASE, TRUE);
  g_assert_cmpint (sc_test_run (NULL, &info, "openssl", "pkcs12", "-in", p12, "-passin",
                                "env:" PASSPHRASE_VARIABLE, "-nodes", "-info", "-noout", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (info, "MAC: sha256"));
  g_assert_nonnull (strstr (info, "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC"));
  g_assert_nonnull (strstr (info, "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"));
  for (cursor = info; (cursor = strstr (cursor, "AES-256-CBC")) != NULL; cursor++)
    aes_256++;
  g_assert_cmpuint (aes_256, ==, 2);

  g_assert_cmpint (sc_test_run (&certs, NULL, "openssl", "pkcs12", "-in", p12, "-passin",
                                "env:" PASSPHRASE_VARIABLE, "-nokeys", NULL), ==, 0);
  g_assert_nonnull (strstr (certs, "friendlyName: Alice Liddell"));
  g_assert_nonnull (strstr (certs, "localKeyID:"));
  g_assert_nonnull (strstr (certs, "subject=CN = Alice Liddell, UID = alice@example.org"));

  g_assert_cmpint (sc_test_run (&keys, NULL, "openssl", "pkcs12", "-in", p12, "-passin",
                                "env:" PASSPHRASE_VARIABLE, "-nocerts", "-nodes", NULL), ==, 0);
  g_assert_nonnull (strstr (keys, "friendlyName: Alice Liddell"));
  g_assert_nonnull (strstr (keys, PKCS8_HEADER));

  /* And back. */
  other_profile = g_build_filename (root, "other", NULL);
  imported = sc_identity_import_pkcs12 (other_profile, p12, PASSPHRASE, SC_IDENTITY_FLAGS_NONE,
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (imported), ==,
                   sc_identity_get_fingerprint (identity));
  g_assert_true (g_bytes_equal (sc_identity_get_key_pem (imported),
                                sc_identity_get_key_pem (identity)));
  g_assert_cmpint (file_mode (other_profile), ==, 0700);
  assert_profile_clean (other_profile);

  g_assert_null (sc_identity_import_pkcs12 (other_profile, p12, PASSPHRASE,
                                            SC_IDENTITY_FLAGS_NONE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_null (sc_identity_import_pkcs12 (other_profile, p12, "wrong", SC_IDENTITY_FLAGS_REPLACE,
                                            &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PASSPHRASE);
  g_clear_error (&error);

  /* Exporting onto a directory fails cleanly. */
  g_assert_false (sc_identity_export_pkcs12 (identity, other_profile, PASSPHRASE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO);
  g_assert_nonnull (strstr (error->message, other_profile));
  g_clear_pointer (&listing, g_free);
  listing = list_dir (root);
  g_assert_cmpstr (listing, ==, "alice.p12,identity.crt,identity.key,other");

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
assert_pkcs12_imports (const char *p12,
                       const char *crt,
                       const char *user_id,
                       guint       chain_length)
{
  g_autofree char *profile = g_strconcat (p12, ".profile", NULL);
  g_autofree char *expected = sc_test_openssl_fingerprint (crt);
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (sc_identity_import_pkcs12 (profile, p12, "not the passphrase",
                                            SC_IDENTITY_FLAGS_REPLACE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "Wrong passphrase"));
  g_assert_nonnull (strstr (error->message, p12));
  g_assert_false (g_file_test (profile, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  identity = sc_identity_import_pkcs12 (profile, p12, PASSPHRASE, SC_IDENTITY_FLAGS_REPLACE,
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_identity_get_fingerprint (identity), ==, expected);
  g_assert_cmpstr (sc_identity_get_user_id (identity), ==, user_id);
  g_assert_cmpuint (sc_peer_certificate_get_length (sc_identity_get_certificate (identity)), ==,
                    chain_length);
  assert_profile_clean (profile);
}

/* OpenSSL 3 defaults: PBES2/AES-256-CBC, PBKDF2, SHA-256 MAC. */
static void
test_pkcs12_import_openssl (void)
{
  g_autofree char *root = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *ca_crt = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *leaf = NULL;
  g_autofree char *single = NULL;
  g_autofree char *chained = NULL;
  g_autofree char *unchecked = NULL;
  g_autofree char *unchecked_profile = NULL;
  g_autoptr(GError) error = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  g_setenv (PASSPHRASE_VARIABLE, PASSPHRASE, TRUE);

  key = sc_test_openssl_key (root, "bob", "RSA", "rsa_keygen_bits:2048");
  crt = sc_test_openssl_self_signed (root, "bob", key, "/CN=Bob/UID=bob@example.org", NULL);
  single = g_build_filename (root, "bob.p12", NULL);
  sc_test_run_tool ("openssl", "pkcs12", "-export", "-inkey", key, "-in", crt, "-name", "Bob",
                    "-passout", "env:" PASSPHRASE_VARIABLE, "-out", single, NULL);
  assert_pkcs12_imports (single, crt, "bob@example.org", 1);

  /* Without a MAC nothing vouches for the passphrase or the contents. */
  unchecked = g_build_filename (root, "bob-nomac.p12", NULL);
  unchecked_profile = g_build_filename (root, "unchecked", NULL);
  sc_test_run_tool ("openssl", "pkcs12", "-export", "-inkey", key, "-in", crt, "-nomac",
                    "-passout", "env:" PASSPHRASE_VARIABLE, "-out", unchecked, NULL);
  g_assert_null (sc_identity_import_pkcs12 (unchecked_profile, unchecked, PASSPHRASE,
                                            SC_IDENTITY_FLAGS_NONE, &error));
  g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "no MAC"));

  ca_key = sc_test_openssl_key (root, "ca", "EC", "ec_paramgen_curve:P-256");
  ca_crt = sc_test_openssl_self_signed (root, "ca", ca_key, "/CN=OpenSSL Test CA", NULL);
  g_clear_pointer (&key, g_free);
  key = sc_test_openssl_key (root, "carol", "EC", "ec_paramgen_curve:P-256");
  leaf = sc_test_openssl_signed (root, "carol", key, "/CN=Carol",
                                 "subjectAltName=email:carol@example.org", ca_crt, ca_key);
  chained = g_build_filename (root, "carol.p12", NULL);
  sc_test_run_tool ("openssl", "pkcs12", "-export", "-inkey", key, "-in", leaf, "-certfile", ca_crt,
                    "-passout", "env:" PASSPHRASE_VARIABLE, "-out", chained, NULL);
  assert_pkcs12_imports (chained, leaf, "carol@example.org", 2);

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_pkcs12_import_certtool (void)
{
  g_autofree char *root = NULL;
  g_autofree char *key = NULL;
  g_autofree char *crt = NULL;
  g_autofree char *p12 = NULL;
  g_autofree char *template = NULL;
  g_autofree char *password_template = NULL;

  if (!sc_test_have_cert_tools ())
    return;

  root = sc_test_dir_new ("sc-identity");
  key = g_build_filename (root, "dora.key", NULL);
  crt = g_build_filename (root, "dora.crt", NULL);
  p12 = g_build_filename (root, "dora.p12", NULL);
  template = sc_test_write_file (root, "dora.tmpl",
                                 "cn = \"Dora\"\n"
                                 "uid = \"dora@example.org\"\n"
                                 "email = \"dora@example.org\"\n"
                                 "tls_www_client\n"
                                 "tls_www_server\n", -1);
  /* certtool takes the passphrase from a template, not from argv. */
  password_template = sc_test_write_file (root, "password.tmpl",
                                          "password = \"" PASSPHRASE "\"\n", -1);

  sc_test_run_tool ("certtool", "--generate-privkey", "--no-text", "--key-type", "ecdsa",
                    "--outfile", key, NULL);
  sc_test_run_tool ("certtool", "--generate-self-signed", "--no-text", "--load-privkey", key,
                    "--template", template, "--outfile", crt, NULL);
  sc_test_run_tool ("certtool", "--to-p12", "--load-privkey", key, "--load-certificate", crt,
                    "--p12-name", "Dora", "--template", password_template, "--outder",
                    "--outfile", p12, NULL);

  assert_pkcs12_imports (p12, crt, "dora@example.org", 1);

  sc_test_dir_free (g_steal_pointer (&root));
}

static void
test_pkcs12_garbage (void)
{
  g_autofree char *root = sc_test_dir_new ("sc-identity");
  g_autofree char *profile = g_build_filename (root, "profile", NULL);
  g_autoptr(GPtrArray) bad_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ScIdentity) identity = NULL;
  guint8 junk[600];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = g_random_int_range (0, 256);
  junk[0] = 0x30;

  identity = create (root, "Alice", "alice@example.org");
  g_ptr_array_add (bad_files, sc_test_write_file (root, "empty.p12", "", 0));
  g_ptr_array_add (bad_files, sc_test_write_file (root, "junk.p12",
                                                  (const char *) junk, sizeof junk));
  g_ptr_array_add (bad_files, g_build_filename (root, "identity.crt", NULL));
  g_ptr_array_add (bad_files, g_build_filename (root, "identity.key", NULL));

  for (guint i = 0; i < bad_files->len; i++)
    {
      const char *bad = g_ptr_array_index (bad_files, i);
      g_autoptr(GError) error = NULL;

      g_assert_null (sc_identity_import_pkcs12 (profile, bad, PASSPHRASE,
                                                SC_IDENTITY_FLAGS_NONE, &error));
      g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, bad));
    }

  {
    g_autofree char *missing = g_build_filename (root, "missing.p12", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null (sc_identity_import_pkcs12 (profile, missing, PASSPHRASE,
                                              SC_IDENTITY_FLAGS_NONE, &error));
    g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO);
    g_clear_error (&error);

    g_assert_null (sc_identity_import_pkcs12 (profile, root, PASSPHRASE,
                                              SC_IDENTITY_FLAGS_NONE, &error));
    g_assert_error (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_IO);
    g_assert_nonnull (strstr (error->message, root));
  }

  g_assert_false (g_file_test (profile, G_FILE_TEST_EXISTS));

  sc_test_dir_free (g_steal_pointer (&root));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/identity/create/load", test_create_load);
  g_test_add_func ("/identity/create/normalizes-user-id", test_create_normalizes_user_id);
  g_test_add_func ("/identity/create/invalid", test_create_invalid);
  g_test_add_func ("/identity/create/exists", test_create_exists);
  g_test_add_func ("/identity/create/write-failure", test_write_failure_keeps_old_key);
  g_test_add_func ("/identity/load/broken", test_load_broken);
  g_test_add_func ("/identity/csr", test_csr);
  g_test_add_func ("/identity/import/ca-flow", test_ca_flow);
  g_test_add_func ("/identity/import/key-mismatch", test_import_key_mismatch);
  g_test_add_func ("/identity/import/openssl", test_import_openssl);
  g_test_add_func ("/identity/import/exists", test_import_exists);
  g_test_add_func ("/identity/import/garbage", test_import_garbage);
  g_test_add_func ("/identity/pkcs12/export", test_pkcs12_export);
  g_test_add_func ("/identity/pkcs12/import-openssl", test_pkcs12_import_openssl);
  g_test_add_func ("/identity/pkcs12/import-certtool", test_pkcs12_import_certtool);
  g_test_add_func ("/identity/pkcs12/garbage", test_pkcs12_garbage);

  return g_test_run ();
}
