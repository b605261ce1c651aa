/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "../src/cli/sc-cli-private.h"
#include "sc-peer-certificate.h"
#include "sc-profile.h"
#include "sc-store.h"
#include "sc-test-certs.h"
#include "sc-test-cli.h"
#include "sc-test-util.h"

/* The commands that need no network, sixchat-cli run as a subprocess (see
 * sc-test-cli.h); the network cases are in test-cli-net.c. */

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

static char *
write_cert (const char *dir,
            const char *name,
            ScTestCert *cert)
{
  g_autofree char *pem = sc_test_cert_pem (cert);

  return sc_test_write_file (dir, name, pem, -1);
}

static ScStore *
open_store (const char *profile)
{
  g_autoptr(GError) error = NULL;
  ScStore *store = sc_profile_open_store (profile, &error);

  g_assert_no_error (error);

  return store;
}

/* "AB:CD:…", as `openssl x509 -fingerprint` writes it. */
static char *
colon_upper (const char *fingerprint)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; fingerprint[i] != '\0'; i += 2)
    g_string_append_printf (text, "%s%c%c", i > 0 ? ":" : "",
                            g_ascii_toupper (fingerprint[i]), g_ascii_toupper (fingerprint[i + 1]));

  return g_string_free (text, FALSE);
}

/* cert verify --json FILE [extra]: the exit status and the parsed answer. */
static JsonObject *
verify (const char *profile,
        const char *path,
        const char *extra_option,
        const char *extra_value,
        int        *status)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "cert", "verify", "--json", path,
                                                       extra_option, extra_value, NULL);

  *status = result->status;
  return sc_test_parse_json_line (result->out);
}

static void
test_version (void)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (NULL, "--version", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (result->out, ==, "sixchat-cli " PACKAGE_VERSION "\n");
}

static void
test_help (void)
{
  const char *commands[] = {
    "identity new", "identity show", "identity csr", "identity import ",
    "identity import-p12", "identity export-p12", "trust add-issuer", "trust remove-issuer",
    "trust add-crl", "trust remove-crl", "trust allow", "trust disallow", "trust block",
    "trust unblock", "trust policy", "trust list", "trust knocks", "cert verify",
    "requests accept", "requests decline", "requests undo", "requests block",
    "listen", "chat",
  };
  g_autoptr(ScTestCliResult) help = sc_test_cli_run (NULL, "--help", NULL);
  g_autoptr(ScTestCliResult) trust_help = sc_test_cli_run (NULL, "trust", "allow", "--help", NULL);

  g_assert_cmpint (help->status, ==, SC_EXIT_OK);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (help->out, commands[i]));
  for (int code = SC_EXIT_OK; code <= SC_EXIT_UNACKNOWLEDGED; code++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %2d  ", code);

      g_assert_nonnull (strstr (help->out, line));
    }

  g_assert_cmpint (trust_help->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (trust_help->out, ==, help->out);
}

static void
test_usage_errors (void)
{
  const char *cases[][4] = {
    { NULL },
    { "frobnicate" },
    { "--frobnicate", "trust", "list" },
    { "--profile" },
    { "trust" },
    { "trust", "frobnicate" },
    { "trust", "list", "--frobnicate" },
    { "trust", "allow" },
    { "trust", "knocks", "--limit", "many" },
    { "identity", "new", "--name", "Alice" },
    { "cert", "verify" },
    { "requests", "accept", "first" },
  };
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, cases[i][0], cases[i][1],
                                                           cases[i][2],
                                                           cases[i][3], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_USAGE);
      g_assert_true (g_str_has_prefix (result->err, "sixchat-cli: "));
      g_assert_cmpstr (result->out, ==, "");
    }
}

static void
test_identity_new_show (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *crt = g_build_filename (profile, "identity.crt", NULL);
  g_autofree char *openssl_fingerprint = NULL;
  g_autofree char *formatted = NULL;
  g_autoptr(JsonObject) identity = NULL;
  g_autoptr(ScTestCliResult) text = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *fingerprint;

  sc_test_cli_create_identity (profile, "Alice Example", "alice@example.org");
  identity = sc_test_cli_show_identity (profile);

  g_assert_cmpstr (json_object_get_string_member (identity, "user"), ==, "alice@example.org");
  g_assert_cmpstr (json_object_get_string_member (identity, "name"), ==, "Alice Example");
  g_assert_cmpint (json_object_get_int_member (identity, "not_before"), <=, now);
  g_assert_cmpint (json_object_get_int_member (identity, "not_after"), >, now + 365 * DAY);
  g_assert_true (json_object_get_boolean_member (identity, "self_signed"));
  g_assert_cmpstr (json_object_get_string_member (identity, "profile"), ==, profile);

  openssl_fingerprint = sc_test_openssl_fingerprint (crt);
  fingerprint = json_object_get_string_member (identity, "fingerprint");
  g_assert_cmpstr (fingerprint, ==, openssl_fingerprint);

  text = sc_test_cli_run (profile, "identity", "show", NULL);
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  formatted = sc_fingerprint_format (fingerprint);
  g_assert_nonnull (strstr (text->out, formatted));
  g_assert_nonnull (strstr (text->out, "alice@example.org"));
}

static void
test_identity_profile_env (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *setting = g_strconcat ("SIXCHAT_PROFILE=", profile, NULL);
  const char *env[] = { setting, NULL };
  g_autoptr(ScTestCliResult) result = NULL;
  g_autoptr(JsonObject) identity = NULL;

  sc_test_cli_create_identity (profile, "Alice", "alice@example.org");
  result = sc_test_cli_run_env (NULL, env, "identity", "show", "--json", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  identity = sc_test_parse_json_line (result->out);
  g_assert_cmpstr (json_object_get_string_member (identity, "profile"), ==, profile);
}

static void
test_identity_new_twice (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) unchanged = NULL;
  g_autoptr(JsonObject) replaced = NULL;
  g_autoptr(ScTestCliResult) again = NULL;
  g_autoptr(ScTestCliResult) replace = NULL;

  sc_test_cli_create_identity (profile, "Alice", "alice@example.org");
  first = sc_test_cli_show_identity (profile);

  again = sc_test_cli_run (profile, "identity", "new", "--name", "Mallory", "--user",
                           "mallory@example.org", NULL);
  g_assert_cmpint (again->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (again->err, "--replace"));
  unchanged = sc_test_cli_show_identity (profile);
  g_assert_cmpstr (json_object_get_string_member (unchanged, "fingerprint"), ==,
                   json_object_get_string_member (first, "fingerprint"));

  replace = sc_test_cli_run (profile, "identity", "new", "--name", "Alice", "--user",
                             "alice@example.org",
                             "--replace", NULL);
  g_assert_cmpint (replace->status, ==, SC_EXIT_OK);
  replaced = sc_test_cli_show_identity (profile);
  g_assert_cmpstr (json_object_get_string_member (replaced, "fingerprint"), !=,
                   json_object_get_string_member (first, "fingerprint"));
}

static void
test_identity_bad_user_id (void)
{
  const char *bad[] = { "alice", "alice@", "@example.org", "al ice@example.org", "a@b@c" };
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *crt = g_build_filename (profile, "identity.crt", NULL);
  g_autofree char *key = g_build_filename (profile, "identity.key", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "identity", "new", "--name",
                                                           "Alice",
                                                           "--user", bad[i], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_FAILURE);
      g_assert_true (g_str_has_prefix (result->err, "sixchat-cli: "));
      g_assert_false (g_file_test (crt, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));
    }
}

static void
test_identity_missing (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autoptr(ScTestCliResult) show = sc_test_cli_run (profile, "identity", "show", NULL);
  g_autoptr(ScTestCliResult) csr = sc_test_cli_run (profile, "identity", "csr", NULL);

  g_assert_cmpint (show->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (show->err, "identity new"));
  g_assert_cmpint (csr->status, ==, SC_EXIT_FAILURE);
  g_assert_cmpstr (csr->out, ==, "");
}

static void
test_identity_csr (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *output = g_build_filename (dir, "request.csr", NULL);
  g_autofree char *stdout_copy = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(ScTestCliResult) to_stdout = NULL;
  g_autoptr(ScTestCliResult) to_file = NULL;

  sc_test_cli_create_identity (profile, "Alice", "alice@example.org");

  to_stdout = sc_test_cli_run (profile, "identity", "csr", NULL);
  g_assert_cmpint (to_stdout->status, ==, SC_EXIT_OK);
  g_assert_true (g_str_has_prefix (to_stdout->out, "-----BEGIN "));
  g_assert_nonnull (strstr (to_stdout->out, "CERTIFICATE REQUEST-----\n"));
  stdout_copy = sc_test_write_file (dir, "stdout.csr", to_stdout->out, -1);
  sc_test_run_tool ("openssl", "req", "-in", stdout_copy, "-verify", "-noout", NULL);

  to_file = sc_test_cli_run (profile, "identity", "csr", "--output", output, NULL);
  g_assert_cmpint (to_file->status, ==, SC_EXIT_OK);
  g_assert_cmpint (sc_test_run (&subject, NULL, "openssl", "req", "-in", output, "-verify",
                                "-noout", "-subject", NULL), ==, 0);
  g_assert_nonnull (strstr (subject, "Alice"));
}

static void
test_identity_import (void)
{
  ScTestCertSpec spec = { .cn = "Carol", .uid = "carol@example.org" };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *crt = write_cert (dir, "carol.crt", cert);
  g_autofree char *key_pem = sc_test_cert_key_pem (cert);
  g_autofree char *key = sc_test_write_file (dir, "carol.key", key_pem, -1);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autoptr(ScTestCliResult) no_key = sc_test_cli_run (profile, "identity", "import", "--cert",
                                                       crt, NULL);
  g_autoptr(ScTestCliResult) imported = NULL;
  g_autoptr(JsonObject) identity = NULL;

  g_assert_cmpint (no_key->status, ==, SC_EXIT_FAILURE);

  imported = sc_test_cli_run (profile, "identity", "import", "--cert", crt, "--key", key, NULL);
  g_assert_cmpint (imported->status, ==, SC_EXIT_OK);
  identity = sc_test_cli_show_identity (profile);
  g_assert_cmpstr (json_object_get_string_member (identity, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (json_object_get_string_member (identity, "user"), ==, "carol@example.org");
}

static void
test_identity_p12_round_trip (void)
{
  const char *env[] = { "SIXCHAT_PASSPHRASE=correct horse battery staple", NULL };
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *p12 = g_build_filename (dir, "alice.p12", NULL);
  g_autoptr(JsonObject) original = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(ScTestCliResult) exported = NULL;
  g_autoptr(ScTestCliResult) imported = NULL;

  sc_test_cli_create_identity (profile, "Alice", "alice@example.org");
  original = sc_test_cli_show_identity (profile);

  exported = sc_test_cli_run_env (profile, env, "identity", "export-p12", p12, NULL);
  g_assert_cmpint (exported->status, ==, SC_EXIT_OK);
  g_assert_true (g_file_test (p12, G_FILE_TEST_IS_REGULAR));

  imported = sc_test_cli_run_env (other, env, "identity", "import-p12", p12, NULL);
  g_assert_cmpint (imported->status, ==, SC_EXIT_OK);
  copy = sc_test_cli_show_identity (other);
  g_assert_cmpstr (json_object_get_string_member (copy, "fingerprint"), ==,
                   json_object_get_string_member (original, "fingerprint"));
  g_assert_cmpstr (json_object_get_string_member (copy, "user"), ==, "alice@example.org");
}

static void
test_identity_p12_wrong_passphrase (void)
{
  const char *right[] = { "SIXCHAT_PASSPHRASE=correct horse battery staple", NULL };
  const char *wrong[] = { "SIXCHAT_PASSPHRASE=incorrect horse", NULL };
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *other_crt = g_build_filename (other, "identity.crt", NULL);
  g_autofree char *p12 = g_build_filename (dir, "alice.p12", NULL);
  g_autoptr(ScTestCliResult) exported = NULL;
  g_autoptr(ScTestCliResult) imported = NULL;

  sc_test_cli_create_identity (profile, "Alice", "alice@example.org");
  exported = sc_test_cli_run_env (profile, right, "identity", "export-p12", p12, NULL);
  g_assert_cmpint (exported->status, ==, SC_EXIT_OK);

  imported = sc_test_cli_run_env (other, wrong, "identity", "import-p12", p12, NULL);
  g_assert_cmpint (imported->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (imported->err, "passphrase"));
  g_assert_false (g_file_test (other_crt, G_FILE_TEST_EXISTS));
}

static void
test_identity_p12_no_passphrase (void)
{
  const char *env[] = { "SIXCHAT_PASSPHRASE=correct horse battery staple", NULL };
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *p12 = g_build_filename (dir, "alice.p12", NULL);
  g_autofree char *unwritten = g_build_filename (dir, "unwritten.p12", NULL);
  g_autoptr(ScTestCliResult) exported = NULL;
  g_autoptr(ScTestCliResult) no_export = NULL;
  g_autoptr(ScTestCliResult) no_import = NULL;

  sc_test_cli_create_identity (profile, "Alice", "alice@example.org");
  exported = sc_test_cli_run_env (profile, env, "identity", "export-p12", p12, NULL);
  g_assert_cmpint (exported->status, ==, SC_EXIT_OK);

  no_export = sc_test_cli_run (profile, "identity", "export-p12", unwritten, NULL);
  g_assert_cmpint (no_export->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (no_export->err, "SIXCHAT_PASSPHRASE"));
  g_assert_false (g_file_test (unwritten, G_FILE_TEST_EXISTS));

  no_import = sc_test_cli_run (other, "identity", "import-p12", p12, NULL);
  g_assert_cmpint (no_import->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (no_import->err, "SIXCHAT_PASSPHRASE"));
}

static void
test_trust_allow_block (void)
{
  ScTestCertSpec spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autofree char *upper = colon_upper (fingerprint);
  g_autofree char *issuer = g_strconcat ("issuer:", upper, NULL);
  const char *steps[][2] = {
    { "allow", upper },
    { "allow", "Bob@Example.org" },
    { "block", upper },
    { "block", "eve@example.org" },
    { "block", issuer },
  };
  g_autoptr(JsonObject) added = NULL;
  g_autoptr(JsonObject) removed = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "trust", steps[i][0],
                                                           steps[i][1], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_OK);
    }

  added = sc_test_cli_trust_list (profile);
  g_assert_true (sc_test_cli_list_has (added, "allow", "fingerprint", fingerprint));
  g_assert_true (sc_test_cli_list_has (added, "allow", "user", "bob@example.org"));
  g_assert_true (sc_test_cli_list_has (added, "block", "fingerprint", fingerprint));
  g_assert_true (sc_test_cli_list_has (added, "block", "user", "eve@example.org"));
  g_assert_true (sc_test_cli_list_has (added, "block", "issuer", fingerprint));

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      const char *undo = g_str_equal (steps[i][0], "allow") ? "disallow" : "unblock";
      g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "trust", undo, steps[i][1],
                                                           NULL);
      g_autoptr(ScTestCliResult) again = sc_test_cli_run (profile, "trust", undo, steps[i][1],
                                                          NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_OK);
      g_assert_cmpint (again->status, ==, SC_EXIT_FAILURE);
      g_assert_nonnull (strstr (again->err, "is not on the"));
    }

  removed = sc_test_cli_trust_list (profile);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (removed, "allow")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (removed, "block")), ==, 0);
}

static void
test_trust_bad_target (void)
{
  const char *cases[][2] = {
    { "allow", "nothing" },
    { "allow", "abcd" },
    { "allow", "alice@" },
    { "allow", "issuer:" "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" },
    { "block", "issuer:bob@example.org" },
    { "block", "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" },
    { "remove-issuer", "bob@example.org" },
    { "remove-crl", "0011" },
  };
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "trust", cases[i][0],
                                                           cases[i][1], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_FAILURE);
      g_assert_true (g_str_has_prefix (result->err, "sixchat-cli: "));
      g_assert_cmpstr (result->out, ==, "");
    }
}

static void
test_trust_policy (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autoptr(ScTestCliResult) initial = sc_test_cli_run (profile, "trust", "policy", NULL);
  g_autoptr(ScTestCliResult) set = sc_test_cli_run (profile, "trust", "policy", "reject", NULL);
  g_autoptr(ScTestCliResult) now = sc_test_cli_run (profile, "trust", "policy", NULL);
  g_autoptr(ScTestCliResult) bad = sc_test_cli_run (profile, "trust", "policy", "maybe", NULL);
  g_autoptr(JsonObject) list = sc_test_cli_trust_list (profile);

  g_assert_cmpint (initial->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (initial->out, ==, "ask\n");
  g_assert_cmpint (set->status, ==, SC_EXIT_OK);
  g_assert_cmpint (now->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (now->out, ==, "reject\n");
  g_assert_cmpint (bad->status, ==, SC_EXIT_USAGE);
  g_assert_cmpstr (json_object_get_string_member (list, "policy"), ==, "reject");
}

static void
test_trust_list_json (void)
{
  const char *arrays[] = { "issuers", "crls", "allow", "block" };
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(ScTestCliResult) text = NULL;

  list = sc_test_cli_trust_list (profile);
  g_assert_cmpstr (json_object_get_string_member (list, "policy"), ==, "ask");
  for (gsize i = 0; i < G_N_ELEMENTS (arrays); i++)
    {
      g_assert_true (json_object_has_member (list, arrays[i]));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, arrays[i])),
                        ==, 0);
    }

  text = sc_test_cli_run (profile, "trust", "list", NULL);
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (text->out, "Trusted issuers:"));
}

static void
test_trust_issuers (void)
{
  ScTestCertSpec ca_spec = { .cn = "Example CA", .is_ca = TRUE };
  ScTestCertSpec other_spec = { .cn = "Other CA", .is_ca = TRUE };
  ScTestCertSpec leaf_spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScTestCert) other = sc_test_cert_new (&other_spec, NULL);
  g_autoptr(ScTestCert) leaf = sc_test_cert_new (&leaf_spec, ca);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *ca_pem = sc_test_cert_pem (ca);
  g_autofree char *other_pem = sc_test_cert_pem (other);
  g_autofree char *bundle_pem = g_strconcat (ca_pem, other_pem, NULL);
  g_autofree char *bundle = sc_test_write_file (dir, "bundle.pem", bundle_pem, -1);
  g_autoptr(GBytes) leaf_der = sc_test_cert_der (leaf);
  g_autofree char *leaf_path = sc_test_write_file (dir, "leaf.der",
                                                   g_bytes_get_data (leaf_der, NULL),
                                                   g_bytes_get_size (leaf_der));
  g_autofree char *ca_fingerprint = sc_test_cert_fingerprint (ca);
  g_autofree char *other_fingerprint = sc_test_cert_fingerprint (other);
  g_autofree char *other_upper = colon_upper (other_fingerprint);
  g_autoptr(ScTestCliResult) added = sc_test_cli_run (profile, "trust", "add-issuer", bundle, NULL);
  g_autoptr(ScTestCliResult) not_ca = sc_test_cli_run (profile, "trust", "add-issuer", leaf_path,
                                                       NULL);
  g_autoptr(JsonObject) both = sc_test_cli_trust_list (profile);
  g_autoptr(ScTestCliResult) removed = sc_test_cli_run (profile, "trust", "remove-issuer",
                                                        other_upper, NULL);
  g_autoptr(ScTestCliResult) again = sc_test_cli_run (profile, "trust", "remove-issuer",
                                                      other_upper, NULL);
  g_autoptr(JsonObject) one = sc_test_cli_trust_list (profile);
  JsonArray *issuers;

  g_assert_cmpint (added->status, ==, SC_EXIT_OK);
  g_assert_cmpint (not_ca->status, ==, SC_EXIT_FAILURE);
  g_assert_true (g_str_has_prefix (not_ca->err, "sixchat-cli: "));

  issuers = json_object_get_array_member (both, "issuers");
  g_assert_cmpuint (json_array_get_length (issuers), ==, 2);

  g_assert_cmpint (removed->status, ==, SC_EXIT_OK);
  g_assert_cmpint (again->status, ==, SC_EXIT_FAILURE);

  issuers = json_object_get_array_member (one, "issuers");
  g_assert_cmpuint (json_array_get_length (issuers), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (issuers, 0),
                                                  "fingerprint"), ==, ca_fingerprint);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (issuers,
                                                                                          0),
                                                           "subject"), "Example CA"));
}

static void
test_trust_crls (void)
{
  ScTestCertSpec ca_spec = { .cn = "Example CA", .is_ca = TRUE };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *ca_path = write_cert (dir, "ca.pem", ca);
  g_autofree char *crl_pem = sc_test_crl_pem (ca, ca, NULL, 0);
  g_autofree char *pem_path = sc_test_write_file (dir, "ca.crl", crl_pem, -1);
  g_autoptr(GBytes) crl_der = sc_test_crl_der (ca, ca, NULL, 0);
  g_autofree char *der_path = sc_test_write_file (dir, "ca.crl.der",
                                                  g_bytes_get_data (crl_der, NULL),
                                                  g_bytes_get_size (crl_der));
  g_autofree char *garbage = sc_test_write_file (dir, "garbage.crl", "not a CRL", -1);
  g_autoptr(ScTestCliResult) issuer = sc_test_cli_run (profile, "trust", "add-issuer", ca_path,
                                                       NULL);
  g_autoptr(ScTestCliResult) from_pem = sc_test_cli_run (profile, "trust", "add-crl", pem_path,
                                                         NULL);
  g_autoptr(ScTestCliResult) from_der = sc_test_cli_run (profile, "trust", "add-crl", der_path,
                                                         NULL);
  g_autoptr(ScTestCliResult) bad = sc_test_cli_run (profile, "trust", "add-crl", garbage, NULL);
  g_autoptr(JsonObject) list = sc_test_cli_trust_list (profile);
  JsonArray *crls = json_object_get_array_member (list, "crls");
  g_autoptr(JsonObject) emptied = NULL;

  g_assert_cmpint (issuer->status, ==, SC_EXIT_OK);
  g_assert_cmpint (from_pem->status, ==, SC_EXIT_OK);
  g_assert_cmpint (from_der->status, ==, SC_EXIT_OK);
  g_assert_cmpint (bad->status, ==, SC_EXIT_FAILURE);

  /* Two CRLs (ECDSA signatures differ), each removable by its fingerprint. */
  g_assert_cmpuint (json_array_get_length (crls), ==, 2);
  for (guint i = 0; i < json_array_get_length (crls); i++)
    {
      JsonObject *crl = json_array_get_object_element (crls, i);
      g_autoptr(ScTestCliResult) removed = NULL;

      g_assert_nonnull (strstr (json_object_get_string_member (crl, "issuer"), "Example CA"));
      g_assert_cmpint (json_object_get_int_member (crl, "next_update"), >,
                       json_object_get_int_member (crl, "this_update"));
      removed = sc_test_cli_run (profile, "trust", "remove-crl",
                                 json_object_get_string_member (crl, "fingerprint"), NULL);
      g_assert_cmpint (removed->status, ==, SC_EXIT_OK);
    }

  emptied = sc_test_cli_trust_list (profile);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (emptied, "crls")), ==, 0);
}

static void
test_trust_knocks (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autoptr(ScStore) store = open_store (profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScTestCliResult) empty = sc_test_cli_run (profile, "trust", "knocks", "--json", NULL);
  g_autoptr(ScTestCliResult) all = NULL;
  g_autoptr(ScTestCliResult) newest = NULL;
  g_autoptr(ScTestCliResult) text = NULL;
  g_autoptr(GPtrArray) knocks = NULL;
  g_autoptr(GPtrArray) limited = NULL;
  ScKnock old = {
    .time = G_GINT64_CONSTANT (1700000000000000),
    .incoming = TRUE,
    .address = (char *) "[::1]:41234",
    .verdict = SC_VERDICT_REJECT,
    .reason = (char *) "invalid-chain",
    .detail = (char *) "No certificate.",
  };
  ScKnock recent = {
    .time = G_GINT64_CONSTANT (1700000100250000),
    .incoming = FALSE,
    .address = (char *) "127.0.0.1:4605",
    .fingerprint = (char *) "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    .user_id = (char *) "bob@example.org",
    .name = (char *) "Bob\033[2J",
    .verdict = SC_VERDICT_ASK,
    .reason = (char *) "stranger-self-signed",
    .detail = (char *) "A stranger.",
  };
  JsonObject *knock;

  g_assert_cmpint (empty->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (empty->out, ==, "");

  sc_store_add_knock (store, &old, &error);
  g_assert_no_error (error);
  sc_store_add_knock (store, &recent, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  all = sc_test_cli_run (profile, "trust", "knocks", "--json", NULL);
  g_assert_cmpint (all->status, ==, SC_EXIT_OK);
  knocks = sc_test_parse_json_lines (all->out);
  g_assert_cmpuint (knocks->len, ==, 2);

  knock = knocks->pdata[0];
  g_assert_cmpint (json_object_get_int_member (knock, "time_us"), ==, recent.time);
  g_assert_cmpstr (json_object_get_string_member (knock, "time"), ==,
                   "2023-11-14T22:15:00.250000Z");
  g_assert_cmpstr (json_object_get_string_member (knock, "direction"), ==, "outgoing");
  g_assert_cmpstr (json_object_get_string_member (knock, "address"), ==, recent.address);
  g_assert_cmpstr (json_object_get_string_member (knock, "fingerprint"), ==, recent.fingerprint);
  g_assert_cmpstr (json_object_get_string_member (knock, "user"), ==, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (knock, "name"), ==, recent.name);
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "ask");
  g_assert_cmpstr (json_object_get_string_member (knock, "reason"), ==, "stranger-self-signed");
  g_assert_cmpstr (json_object_get_string_member (knock, "detail"), ==, "A stranger.");

  knock = knocks->pdata[1];
  g_assert_cmpstr (json_object_get_string_member (knock, "direction"), ==, "incoming");
  g_assert_true (json_object_get_null_member (knock, "fingerprint"));
  g_assert_true (json_object_get_null_member (knock, "user"));
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "reject");

  newest = sc_test_cli_run (profile, "trust", "knocks", "--json", "--limit", "1", NULL);
  g_assert_cmpint (newest->status, ==, SC_EXIT_OK);
  limited = sc_test_parse_json_lines (newest->out);
  g_assert_cmpuint (limited->len, ==, 1);

  /* A peer's name reaches the terminal without its control characters. */
  text = sc_test_cli_run (profile, "trust", "knocks", NULL);
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (text->out, "bob@example.org"));
  g_assert_null (strchr (text->out, '\033'));
}

static void
test_verify_pinned (void)
{
  ScTestCertSpec spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *path = write_cert (dir, "bob.pem", cert);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autofree char *upper = colon_upper (fingerprint);
  g_autoptr(ScTestCliResult) pin = sc_test_cli_run (profile, "trust", "allow", upper, NULL);
  g_autoptr(ScTestCliResult) text = sc_test_cli_run (profile, "cert", "verify", path, NULL);
  g_autoptr(JsonObject) answer = NULL;
  int status;

  g_assert_cmpint (pin->status, ==, SC_EXIT_OK);
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (text->out, "allow"));

  answer = verify (profile, path, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_OK);
  g_assert_cmpstr (json_object_get_string_member (answer, "verdict"), ==, "allow");
  g_assert_cmpstr (json_object_get_string_member (answer, "reason"), ==, "pinned");
  g_assert_nonnull (json_object_get_string_member (answer, "detail"));
  g_assert_false (json_object_get_boolean_member (answer, "verified"));
  g_assert_cmpstr (json_object_get_string_member (answer, "user"), ==, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (answer, "name"), ==, "Bob");
  g_assert_cmpstr (json_object_get_string_member (answer, "fingerprint"), ==, fingerprint);
  g_assert_true (json_object_get_null_member (answer, "issuer"));
  g_assert_cmpint (json_object_get_int_member (answer, "not_before"), <,
                   json_object_get_int_member (answer, "not_after"));
}

static void
test_verify_expired (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec spec = {
    .cn = "Bob",
    .uid = "bob@example.org",
    .not_before = now - 30 * DAY,
    .not_after = now - DAY,
  };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *path = write_cert (dir, "bob.pem", cert);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autoptr(ScTestCliResult) pin = sc_test_cli_run (profile, "trust", "allow", fingerprint, NULL);
  g_autoptr(JsonObject) answer = NULL;
  int status;

  g_assert_cmpint (pin->status, ==, SC_EXIT_OK);

  answer = verify (profile, path, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_FAILURE);
  g_assert_cmpstr (json_object_get_string_member (answer, "verdict"), ==, "reject");
  g_assert_cmpstr (json_object_get_string_member (answer, "reason"), ==, "expired");
}

static void
test_verify_stranger (void)
{
  ScTestCertSpec spec = { .cn = "Stranger", .uid = "stranger@example.org" };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *path = write_cert (dir, "stranger.pem", cert);
  g_autoptr(JsonObject) asked = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(ScTestCliResult) policy = NULL;
  int status;

  asked = verify (profile, path, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_ASK);
  g_assert_cmpstr (json_object_get_string_member (asked, "verdict"), ==, "ask");
  g_assert_cmpstr (json_object_get_string_member (asked, "reason"), ==, "stranger-self-signed");

  policy = sc_test_cli_run (profile, "trust", "policy", "reject", NULL);
  g_assert_cmpint (policy->status, ==, SC_EXIT_OK);
  refused = verify (profile, path, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_FAILURE);
  g_assert_cmpstr (json_object_get_string_member (refused, "verdict"), ==, "reject");
}

static void
test_verify_at (void)
{
  ScTestCertSpec spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *path = write_cert (dir, "bob.pem", cert);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autofree char *yesterday = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                g_get_real_time () / G_USEC_PER_SEC - DAY);
  g_autoptr(ScTestCliResult) pin = sc_test_cli_run (profile, "trust", "allow", fingerprint, NULL);
  g_autoptr(ScTestCliResult) bad_time = sc_test_cli_run (profile, "cert", "verify", path, "--at",
                                                         "yesterday", NULL);
  g_autoptr(ScTestCliResult) bad_purpose = sc_test_cli_run (profile, "cert", "verify", path,
                                                            "--purpose", "email", NULL);
  g_autoptr(JsonObject) early = NULL;
  g_autoptr(JsonObject) server = NULL;
  int status;

  g_assert_cmpint (pin->status, ==, SC_EXIT_OK);
  g_assert_cmpint (bad_time->status, ==, SC_EXIT_USAGE);
  g_assert_cmpint (bad_purpose->status, ==, SC_EXIT_USAGE);

  early = verify (profile, path, "--at", yesterday, &status);
  g_assert_cmpint (status, ==, SC_EXIT_FAILURE);
  g_assert_cmpstr (json_object_get_string_member (early, "reason"), ==, "not-yet-valid");

  server = verify (profile, path, "--purpose", "server", &status);
  g_assert_cmpint (status, ==, SC_EXIT_OK);
  g_assert_cmpstr (json_object_get_string_member (server, "reason"), ==, "pinned");
}

static void
test_verify_issuer_allowed_user (void)
{
  ScTestCertSpec ca_spec = { .cn = "Example CA", .is_ca = TRUE };
  ScTestCertSpec leaf_spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScTestCert) leaf = sc_test_cert_new (&leaf_spec, ca);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *ca_path = write_cert (dir, "ca.pem", ca);
  g_autofree char *leaf_pem = sc_test_cert_pem (leaf);
  g_autofree char *ca_pem = sc_test_cert_pem (ca);
  g_autofree char *chain_pem = g_strconcat (leaf_pem, ca_pem, NULL);
  g_autofree char *chain = sc_test_write_file (dir, "chain.pem", chain_pem, -1);
  g_autoptr(ScTestCliResult) issuer = sc_test_cli_run (profile, "trust", "add-issuer", ca_path,
                                                       NULL);
  g_autoptr(JsonObject) stranger = NULL;
  g_autoptr(JsonObject) allowed = NULL;
  g_autoptr(ScTestCliResult) allow = NULL;
  int status;

  g_assert_cmpint (issuer->status, ==, SC_EXIT_OK);

  stranger = verify (profile, chain, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_ASK);
  g_assert_cmpstr (json_object_get_string_member (stranger, "reason"), ==, "stranger-verified");
  g_assert_true (json_object_get_boolean_member (stranger, "verified"));

  allow = sc_test_cli_run (profile, "trust", "allow", "bob@example.org", NULL);
  g_assert_cmpint (allow->status, ==, SC_EXIT_OK);

  allowed = verify (profile, chain, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_OK);
  g_assert_cmpstr (json_object_get_string_member (allowed, "verdict"), ==, "allow");
  g_assert_cmpstr (json_object_get_string_member (allowed, "reason"), ==, "allowed-user");
  g_assert_true (json_object_get_boolean_member (allowed, "verified"));
  g_assert_cmpstr (json_object_get_string_member (allowed, "issuer"), ==, "Example CA");
  g_assert_cmpstr (json_object_get_string_member (allowed, "user"), ==, "bob@example.org");
}

static void
test_verify_garbage (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *garbage = sc_test_write_file (dir, "garbage.pem",
                                                 "-----BEGIN CERTIFICATE-----\n"
                                                 "bm90IGEgY2VydGlmaWNhdGU=\n"
                                                 "-----END CERTIFICATE-----\n", -1);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  const char *paths[] = { garbage, missing };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(ScTestCliResult) text = sc_test_cli_run (profile, "cert", "verify", paths[i], NULL);
      g_autoptr(JsonObject) answer = NULL;
      int status;

      g_assert_cmpint (text->status, ==, SC_EXIT_USAGE);
      g_assert_true (g_str_has_prefix (text->err, "sixchat-cli: "));

      answer = verify (profile, paths[i], NULL, NULL, &status);
      g_assert_cmpint (status, ==, SC_EXIT_USAGE);
      g_assert_true (json_object_has_member (answer, "error"));
      g_assert_cmpstr (json_object_get_string_member (answer, "error"), !=, "");
      g_assert_false (json_object_has_member (answer, "verdict"));
    }
}

static void
test_requests_empty (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autoptr(ScTestCliResult) json = sc_test_cli_run (profile, "requests", "--json", NULL);
  g_autoptr(ScTestCliResult) all = sc_test_cli_run (profile, "requests", "--json", "--all", NULL);
  g_autoptr(ScTestCliResult) text = sc_test_cli_run (profile, "requests", NULL);
  g_autoptr(ScTestCliResult) unknown = sc_test_cli_run (profile, "requests", "accept", "42", NULL);

  g_assert_cmpint (json->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (json->out, ==, "");
  g_assert_cmpint (all->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (all->out, ==, "");
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  g_assert_cmpint (unknown->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (unknown->err, "42"));
}

static void
test_requests_decide (void)
{
  ScTestCertSpec bob_spec = { .cn = "Bob", .uid = "bob@example.org" };
  ScTestCertSpec eve_spec = { .cn = "Eve", .uid = "eve@example.org" };
  g_autoptr(ScTestCert) bob = sc_test_cert_new (&bob_spec, NULL);
  g_autoptr(ScTestCert) eve = sc_test_cert_new (&eve_spec, NULL);
  g_autofree char *bob_fingerprint = sc_test_cert_fingerprint (bob);
  g_autofree char *eve_fingerprint = sc_test_cert_fingerprint (eve);
  g_autofree char *bob_pem = sc_test_cert_pem (bob);
  g_autofree char *eve_pem = sc_test_cert_pem (eve);
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autoptr(ScStore) store = open_store (profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autofree char *bob_id = NULL;
  g_autofree char *eve_id = NULL;
  JsonObject *request;
  gint64 id;

  id = sc_store_record_request (store, bob_fingerprint, "bob@example.org", "Bob", bob_pem,
                                "Hi, it's Bob\033[2J", "[::1]:41234", &error);
  g_assert_no_error (error);
  bob_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  id = sc_store_record_request (store, eve_fingerprint, "eve@example.org", "Eve", eve_pem,
                                NULL, "[::1]:41235", &error);
  g_assert_no_error (error);
  eve_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_clear_object (&store);

  {
    g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "requests", "--json", NULL);
    g_autoptr(ScTestCliResult) text = sc_test_cli_run (profile, "requests", NULL);

    g_assert_cmpint (result->status, ==, SC_EXIT_OK);
    pending = sc_test_parse_json_lines (result->out);
    g_assert_cmpuint (pending->len, ==, 2);
    request = sc_test_find_by_user (pending, "bob@example.org");
    g_assert_cmpstr (json_object_get_string_member (request, "user"), ==, "bob@example.org");
    g_assert_cmpint (json_object_get_int_member (request, "id"), ==,
                     g_ascii_strtoll (bob_id, NULL, 10));
    g_assert_cmpstr (json_object_get_string_member (request, "name"), ==, "Bob");
    g_assert_cmpstr (json_object_get_string_member (request, "fingerprint"), ==, bob_fingerprint);
    g_assert_cmpstr (json_object_get_string_member (request, "greeting"), ==,
                     "Hi, it's Bob\033[2J");
    g_assert_cmpstr (json_object_get_string_member (request, "address"), ==, "[::1]:41234");
    g_assert_cmpint (json_object_get_int_member (request, "attempts"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (request, "first_seen"), >, 0);
    g_assert_cmpint (json_object_get_int_member (request, "last_seen"), >, 0);
    g_assert_cmpstr (json_object_get_string_member (request, "state"), ==, "pending");

    g_assert_cmpint (text->status, ==, SC_EXIT_OK);
    g_assert_nonnull (strstr (text->out, "Hi, it's Bob"));
    g_assert_null (strchr (text->out, '\033'));
  }

  {
    g_autoptr(ScTestCliResult) accepted = sc_test_cli_run (profile, "requests", "accept", bob_id,
                                                           NULL);
    g_autoptr(ScTestCliResult) undo_accepted = sc_test_cli_run (profile, "requests", "undo",
                                                                bob_id, NULL);
    g_autoptr(ScTestCliResult) declined = sc_test_cli_run (profile, "requests", "decline", eve_id,
                                                           NULL);
    g_autoptr(ScTestCliResult) left = sc_test_cli_run (profile, "requests", "--json", NULL);

    g_assert_cmpint (accepted->status, ==, SC_EXIT_OK);
    g_assert_cmpint (undo_accepted->status, ==, SC_EXIT_FAILURE);
    g_assert_cmpint (declined->status, ==, SC_EXIT_OK);
    g_assert_cmpint (left->status, ==, SC_EXIT_OK);
    g_assert_cmpstr (left->out, ==, "");
  }

  {
    g_autoptr(ScTestCliResult) undone = sc_test_cli_run (profile, "requests", "undo", eve_id, NULL);
    g_autoptr(ScTestCliResult) again = sc_test_cli_run (profile, "requests", "--json", NULL);
    g_autoptr(GPtrArray) reopened = NULL;

    g_assert_cmpint (undone->status, ==, SC_EXIT_OK);
    reopened = sc_test_parse_json_lines (again->out);
    g_assert_cmpuint (reopened->len, ==, 1);
    g_assert_cmpstr (json_object_get_string_member (reopened->pdata[0], "user"), ==,
                     "eve@example.org");
  }

  {
    g_autoptr(ScTestCliResult) blocked = sc_test_cli_run (profile, "requests", "block", eve_id,
                                                          NULL);
    g_autoptr(ScTestCliResult) all = sc_test_cli_run (profile, "requests", "--json", "--all", NULL);
    g_autoptr(GPtrArray) decided = NULL;

    g_assert_cmpint (blocked->status, ==, SC_EXIT_OK);
    decided = sc_test_parse_json_lines (all->out);
    g_assert_cmpuint (decided->len, ==, 2);
  }

  list = sc_test_cli_trust_list (profile);
  g_assert_true (sc_test_cli_list_has (list, "allow", "fingerprint", bob_fingerprint));
  g_assert_true (sc_test_cli_list_has (list, "block", "fingerprint", eve_fingerprint));
}

static void
test_history_errors (void)
{
  g_autoptr(ScTestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = sc_test_cli_profile_path (dir);
  g_autofree char *database = g_build_filename (profile, "sixchat.db", NULL);
  const char garbage[] = "this is not an SQLite database, and it stays as it is\n";
  g_autoptr(ScTestCliResult) bad_user = NULL;
  g_autoptr(ScTestCliResult) bad_limit = NULL;
  g_autoptr(ScTestCliResult) both = NULL;
  g_autoptr(ScTestCliResult) empty = NULL;
  g_autoptr(ScTestCliResult) corrupt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  sc_test_cli_create_identity (profile, "Bob", "bob@example.org");

  bad_user = sc_test_cli_run (profile, "history", "alice", NULL);
  g_assert_cmpint (bad_user->status, ==, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (bad_user->err, "“alice” is not a user ID"));
  bad_limit = sc_test_cli_run (profile, "history", "--limit", "-1", NULL);
  g_assert_cmpint (bad_limit->status, ==, SC_EXIT_USAGE);
  both = sc_test_cli_run (profile, "history", "alice@example.org", "--search", "x", NULL);
  g_assert_cmpint (both->status, ==, SC_EXIT_USAGE);

  empty = sc_test_cli_run (profile, "history", "alice@example.org", "--json", NULL);
  g_assert_cmpint (empty->status, ==, SC_EXIT_OK);
  g_assert_cmpstr (empty->out, ==, "");

  g_file_set_contents (database, garbage, -1, &error);
  g_assert_no_error (error);
  corrupt = sc_test_cli_run (profile, "history", "alice@example.org", NULL);
  g_assert_cmpint (corrupt->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (corrupt->err, database));
  g_assert_cmpstr (corrupt->out, ==, "");
  g_file_get_contents (database, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, garbage);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Writing to a sixchat-cli that has already exited fails with EPIPE
   * instead of killing the test; GSocket ignores SIGPIPE process-wide anyway. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);

  g_test_add_func ("/cli/identity/new-show", test_identity_new_show);
  g_test_add_func ("/cli/identity/profile-env", test_identity_profile_env);
  g_test_add_func ("/cli/identity/new-twice", test_identity_new_twice);
  g_test_add_func ("/cli/identity/bad-user-id", test_identity_bad_user_id);
  g_test_add_func ("/cli/identity/missing", test_identity_missing);
  g_test_add_func ("/cli/identity/csr", test_identity_csr);
  g_test_add_func ("/cli/identity/import", test_identity_import);
  g_test_add_func ("/cli/identity/p12-round-trip", test_identity_p12_round_trip);
  g_test_add_func ("/cli/identity/p12-wrong-passphrase", test_identity_p12_wrong_passphrase);
  g_test_add_func ("/cli/identity/p12-no-passphrase", test_identity_p12_no_passphrase);

  g_test_add_func ("/cli/trust/allow-block", test_trust_allow_block);
  g_test_add_func ("/cli/trust/bad-target", test_trust_bad_target);
  g_test_add_func ("/cli/trust/policy", test_trust_policy);
  g_test_add_func ("/cli/trust/list-json", test_trust_list_json);
  g_test_add_func ("/cli/trust/issuers", test_trust_issuers);
  g_test_add_func ("/cli/trust/crls", test_trust_crls);
  g_test_add_func ("/cli/trust/knocks", test_trust_knocks);

  g_test_add_func ("/cli/cert/verify-pinned", test_verify_pinned);
  g_test_add_func ("/cli/cert/verify-expired", test_verify_expired);
  g_test_add_func ("/cli/cert/verify-stranger", test_verify_stranger);
  g_test_add_func ("/cli/cert/verify-at", test_verify_at);
  g_test_add_func ("/cli/cert/verify-issuer-allowed-user", test_verify_issuer_allowed_user);
  g_test_add_func ("/cli/cert/verify-garbage", test_verify_garbage);

  g_test_add_func ("/cli/requests/empty", test_requests_empty);
  g_test_add_func ("/cli/requests/decide", test_requests_decide);

  g_test_add_func ("/cli/history/errors", test_history_errors);

  return g_test_run ();
}
