/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "../src/cli/sc-cli-private.h"
#include "sc-peer-certificate.h"
#include "sc-profile.h"
#include "sc-store.h"
#include "sc-test-certs.h"
#include "sc-test-util.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

/* sixchat-cli runs as a subprocess, as users and scripts run it: each case
 * makes its own temporary directory, with the profile in DIR/profile. */

typedef char TestDir;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDir, sc_test_dir_free)

typedef struct
{
  int   status;  /* exit status; -1 when killed by a signal */
  char *out;
  char *err;
} CliResult;

static void
cli_result_free (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

static void
detach_from_terminal (gpointer data)
{
  /* A new session has no controlling terminal: /dev/tty cannot be opened,
   * as for a program started by a service or a script. */
  setsid ();
  /* This process ignores SIGPIPE (see main()); a shell's child would not. */
  signal (SIGPIPE, SIG_DFL);
}

/* Runs $SIXCHAT_CLI [--profile PROFILE] ARGS… to completion, with stdin
 * empty and no terminal.  SIXCHAT_PROFILE and SIXCHAT_PASSPHRASE are unset
 * unless env (NULL-terminated "NAME=VALUE" strings, may be NULL) sets them. */
static CliResult *
cli_run_env (const char         *profile,
             const char * const *env,
             const char         *first_arg,
             ...) G_GNUC_NULL_TERMINATED;

static CliResult *
cli_run_env (const char         *profile,
             const char * const *env,
             const char         *first_arg,
             ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  CliResult *result = g_new0 (CliResult, 1);
  const char *cli = g_getenv ("SIXCHAT_CLI");
  va_list args;

  g_assert_nonnull (cli);

  g_ptr_array_add (argv, (gpointer) cli);
  if (profile != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--profile");
      g_ptr_array_add (argv, (gpointer) profile);
    }
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "SIXCHAT_PROFILE");
  g_subprocess_launcher_unsetenv (launcher, "SIXCHAT_PASSPHRASE");
  for (gsize i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_assert_nonnull (pair[1]);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  g_subprocess_launcher_set_child_setup (launcher, detach_from_terminal, NULL, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);

  result->status = g_subprocess_get_if_exited (process)
                   ? g_subprocess_get_exit_status (process)
                   : -1;

  command = g_strjoinv (" ", (char **) argv->pdata + 1);
  g_test_message ("sixchat-cli %s\nexit status %d\nstdout:\n%s\nstderr:\n%s",
                  command, result->status, result->out, result->err);

  return result;
}

#define cli_run(profile, ...) cli_run_env ((profile), NULL, __VA_ARGS__)

static char *
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  return path;
}

static char *
write_cert (const char *dir,
            const char *name,
            ScTestCert *cert)
{
  g_autofree char *pem = sc_test_cert_pem (cert);

  return write_file (dir, name, pem, -1);
}

/* The only line of out, parsed as a JSON object. */
static JsonObject *
parse_json_line (const char *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_true (g_str_has_suffix (out, "\n"));
  g_assert_true (strchr (out, '\n') == out + strlen (out) - 1);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

/* Every line of out, each a JSON object. */
static GPtrArray *
parse_json_lines (const char *out)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = NULL;

      if (lines[i][0] == '\0')
        {
          g_assert_null (lines[i + 1]);
          break;
        }
      line = g_strconcat (lines[i], "\n", NULL);
      g_ptr_array_add (objects, parse_json_line (line));
    }

  return g_steal_pointer (&objects);
}

static char *
profile_path (const char *dir)
{
  return g_build_filename (dir, "profile", NULL);
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

static void
create_identity (const char *profile,
                 const char *name,
                 const char *user_id)
{
  g_autoptr(CliResult) result = cli_run (profile, "identity", "new", "--name", name,
                                         "--user", user_id, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
}

static JsonObject *
show_identity (const char *profile)
{
  g_autoptr(CliResult) result = cli_run (profile, "identity", "show", "--json", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);

  return parse_json_line (result->out);
}

static JsonObject *
trust_list (const char *profile)
{
  g_autoptr(CliResult) result = cli_run (profile, "trust", "list", "--json", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);

  return parse_json_line (result->out);
}

/* Whether the allow or block list (of a `trust list --json` object) holds kind:value. */
static gboolean
list_has (JsonObject *list,
          const char *name,
          const char *kind,
          const char *value)
{
  JsonArray *entries = json_object_get_array_member (list, name);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_str_equal (json_object_get_string_member (entry, "kind"), kind) &&
          g_str_equal (json_object_get_string_member (entry, "value"), value))
        return TRUE;
    }

  return FALSE;
}

/* The object of objects whose "user" is user_id. */
static JsonObject *
find_by_user (GPtrArray  *objects,
              const char *user_id)
{
  for (guint i = 0; i < objects->len; i++)
    if (g_strcmp0 (json_object_get_string_member (objects->pdata[i], "user"), user_id) == 0)
      return objects->pdata[i];

  g_assert_not_reached ();
}

/* cert verify --json FILE [extra]: the exit status and the parsed answer. */
static JsonObject *
verify (const char *profile,
        const char *path,
        const char *extra_option,
        const char *extra_value,
        int        *status)
{
  g_autoptr(CliResult) result = cli_run (profile, "cert", "verify", "--json", path,
                                         extra_option, extra_value, NULL);

  *status = result->status;
  return parse_json_line (result->out);
}

static void
test_version (void)
{
  g_autoptr(CliResult) result = cli_run (NULL, "--version", NULL);

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
  g_autoptr(CliResult) help = cli_run (NULL, "--help", NULL);
  g_autoptr(CliResult) trust_help = cli_run (NULL, "trust", "allow", "--help", NULL);

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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) result = cli_run (profile, cases[i][0], cases[i][1], cases[i][2],
                                             cases[i][3], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_USAGE);
      g_assert_true (g_str_has_prefix (result->err, "sixchat-cli: "));
      g_assert_cmpstr (result->out, ==, "");
    }
}

static void
test_identity_new_show (void)
{
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *crt = g_build_filename (profile, "identity.crt", NULL);
  g_autofree char *openssl_out = NULL;
  g_autofree char *openssl_fingerprint = NULL;
  g_autofree char *formatted = NULL;
  g_autoptr(JsonObject) identity = NULL;
  g_autoptr(CliResult) text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *fingerprint;

  create_identity (profile, "Alice Example", "alice@example.org");
  identity = show_identity (profile);

  g_assert_cmpstr (json_object_get_string_member (identity, "user"), ==, "alice@example.org");
  g_assert_cmpstr (json_object_get_string_member (identity, "name"), ==, "Alice Example");
  g_assert_cmpint (json_object_get_int_member (identity, "not_before"), <=, now);
  g_assert_cmpint (json_object_get_int_member (identity, "not_after"), >, now + 365 * DAY);
  g_assert_true (json_object_get_boolean_member (identity, "self_signed"));
  g_assert_cmpstr (json_object_get_string_member (identity, "profile"), ==, profile);

  g_assert_cmpint (sc_test_run (&openssl_out, NULL, "openssl", "x509", "-in", crt, "-noout",
                                "-fingerprint", "-sha256", NULL), ==, 0);
  g_assert_nonnull (strchr (openssl_out, '='));
  openssl_fingerprint = sc_fingerprint_normalize (g_strstrip (strchr (openssl_out, '=') + 1),
                                                  &error);
  g_assert_no_error (error);
  fingerprint = json_object_get_string_member (identity, "fingerprint");
  g_assert_cmpstr (fingerprint, ==, openssl_fingerprint);

  text = cli_run (profile, "identity", "show", NULL);
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  formatted = sc_fingerprint_format (fingerprint);
  g_assert_nonnull (strstr (text->out, formatted));
  g_assert_nonnull (strstr (text->out, "alice@example.org"));
}

static void
test_identity_profile_env (void)
{
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *setting = g_strconcat ("SIXCHAT_PROFILE=", profile, NULL);
  const char *env[] = { setting, NULL };
  g_autoptr(CliResult) result = NULL;
  g_autoptr(JsonObject) identity = NULL;

  create_identity (profile, "Alice", "alice@example.org");
  result = cli_run_env (NULL, env, "identity", "show", "--json", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  identity = parse_json_line (result->out);
  g_assert_cmpstr (json_object_get_string_member (identity, "profile"), ==, profile);
}

static void
test_identity_new_twice (void)
{
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) unchanged = NULL;
  g_autoptr(JsonObject) replaced = NULL;
  g_autoptr(CliResult) again = NULL;
  g_autoptr(CliResult) replace = NULL;

  create_identity (profile, "Alice", "alice@example.org");
  first = show_identity (profile);

  again = cli_run (profile, "identity", "new", "--name", "Mallory", "--user", "mallory@example.org",
                   NULL);
  g_assert_cmpint (again->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (again->err, "--replace"));
  unchanged = show_identity (profile);
  g_assert_cmpstr (json_object_get_string_member (unchanged, "fingerprint"), ==,
                   json_object_get_string_member (first, "fingerprint"));

  replace = cli_run (profile, "identity", "new", "--name", "Alice", "--user", "alice@example.org",
                     "--replace", NULL);
  g_assert_cmpint (replace->status, ==, SC_EXIT_OK);
  replaced = show_identity (profile);
  g_assert_cmpstr (json_object_get_string_member (replaced, "fingerprint"), !=,
                   json_object_get_string_member (first, "fingerprint"));
}

static void
test_identity_bad_user_id (void)
{
  const char *bad[] = { "alice", "alice@", "@example.org", "al ice@example.org", "a@b@c" };
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *crt = g_build_filename (profile, "identity.crt", NULL);
  g_autofree char *key = g_build_filename (profile, "identity.key", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CliResult) result = cli_run (profile, "identity", "new", "--name", "Alice",
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autoptr(CliResult) show = cli_run (profile, "identity", "show", NULL);
  g_autoptr(CliResult) csr = cli_run (profile, "identity", "csr", NULL);

  g_assert_cmpint (show->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (show->err, "identity new"));
  g_assert_cmpint (csr->status, ==, SC_EXIT_FAILURE);
  g_assert_cmpstr (csr->out, ==, "");
}

static void
test_identity_csr (void)
{
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *output = g_build_filename (dir, "request.csr", NULL);
  g_autofree char *stdout_copy = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(CliResult) to_stdout = NULL;
  g_autoptr(CliResult) to_file = NULL;

  create_identity (profile, "Alice", "alice@example.org");

  to_stdout = cli_run (profile, "identity", "csr", NULL);
  g_assert_cmpint (to_stdout->status, ==, SC_EXIT_OK);
  g_assert_true (g_str_has_prefix (to_stdout->out, "-----BEGIN "));
  g_assert_nonnull (strstr (to_stdout->out, "CERTIFICATE REQUEST-----\n"));
  stdout_copy = write_file (dir, "stdout.csr", to_stdout->out, -1);
  g_assert_cmpint (sc_test_run (NULL, NULL, "openssl", "req", "-in", stdout_copy, "-verify",
                                "-noout", NULL), ==, 0);

  to_file = cli_run (profile, "identity", "csr", "--output", output, NULL);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *crt = write_cert (dir, "carol.crt", cert);
  g_autofree char *key_pem = sc_test_cert_key_pem (cert);
  g_autofree char *key = write_file (dir, "carol.key", key_pem, -1);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autoptr(CliResult) no_key = cli_run (profile, "identity", "import", "--cert", crt, NULL);
  g_autoptr(CliResult) imported = NULL;
  g_autoptr(JsonObject) identity = NULL;

  g_assert_cmpint (no_key->status, ==, SC_EXIT_FAILURE);

  imported = cli_run (profile, "identity", "import", "--cert", crt, "--key", key, NULL);
  g_assert_cmpint (imported->status, ==, SC_EXIT_OK);
  identity = show_identity (profile);
  g_assert_cmpstr (json_object_get_string_member (identity, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (json_object_get_string_member (identity, "user"), ==, "carol@example.org");
}

static void
test_identity_p12_round_trip (void)
{
  const char *env[] = { "SIXCHAT_PASSPHRASE=correct horse battery staple", NULL };
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *p12 = g_build_filename (dir, "alice.p12", NULL);
  g_autoptr(JsonObject) original = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(CliResult) exported = NULL;
  g_autoptr(CliResult) imported = NULL;

  create_identity (profile, "Alice", "alice@example.org");
  original = show_identity (profile);

  exported = cli_run_env (profile, env, "identity", "export-p12", p12, NULL);
  g_assert_cmpint (exported->status, ==, SC_EXIT_OK);
  g_assert_true (g_file_test (p12, G_FILE_TEST_IS_REGULAR));

  imported = cli_run_env (other, env, "identity", "import-p12", p12, NULL);
  g_assert_cmpint (imported->status, ==, SC_EXIT_OK);
  copy = show_identity (other);
  g_assert_cmpstr (json_object_get_string_member (copy, "fingerprint"), ==,
                   json_object_get_string_member (original, "fingerprint"));
  g_assert_cmpstr (json_object_get_string_member (copy, "user"), ==, "alice@example.org");
}

static void
test_identity_p12_wrong_passphrase (void)
{
  const char *right[] = { "SIXCHAT_PASSPHRASE=correct horse battery staple", NULL };
  const char *wrong[] = { "SIXCHAT_PASSPHRASE=incorrect horse", NULL };
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *other_crt = g_build_filename (other, "identity.crt", NULL);
  g_autofree char *p12 = g_build_filename (dir, "alice.p12", NULL);
  g_autoptr(CliResult) exported = NULL;
  g_autoptr(CliResult) imported = NULL;

  create_identity (profile, "Alice", "alice@example.org");
  exported = cli_run_env (profile, right, "identity", "export-p12", p12, NULL);
  g_assert_cmpint (exported->status, ==, SC_EXIT_OK);

  imported = cli_run_env (other, wrong, "identity", "import-p12", p12, NULL);
  g_assert_cmpint (imported->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (imported->err, "passphrase"));
  g_assert_false (g_file_test (other_crt, G_FILE_TEST_EXISTS));
}

static void
test_identity_p12_no_passphrase (void)
{
  const char *env[] = { "SIXCHAT_PASSPHRASE=correct horse battery staple", NULL };
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *p12 = g_build_filename (dir, "alice.p12", NULL);
  g_autofree char *unwritten = g_build_filename (dir, "unwritten.p12", NULL);
  g_autoptr(CliResult) exported = NULL;
  g_autoptr(CliResult) no_export = NULL;
  g_autoptr(CliResult) no_import = NULL;

  create_identity (profile, "Alice", "alice@example.org");
  exported = cli_run_env (profile, env, "identity", "export-p12", p12, NULL);
  g_assert_cmpint (exported->status, ==, SC_EXIT_OK);

  no_export = cli_run (profile, "identity", "export-p12", unwritten, NULL);
  g_assert_cmpint (no_export->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (no_export->err, "SIXCHAT_PASSPHRASE"));
  g_assert_false (g_file_test (unwritten, G_FILE_TEST_EXISTS));

  no_import = cli_run (other, "identity", "import-p12", p12, NULL);
  g_assert_cmpint (no_import->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (no_import->err, "SIXCHAT_PASSPHRASE"));
}

static void
test_trust_allow_block (void)
{
  ScTestCertSpec spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
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
      g_autoptr(CliResult) result = cli_run (profile, "trust", steps[i][0], steps[i][1], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_OK);
    }

  added = trust_list (profile);
  g_assert_true (list_has (added, "allow", "fingerprint", fingerprint));
  g_assert_true (list_has (added, "allow", "user", "bob@example.org"));
  g_assert_true (list_has (added, "block", "fingerprint", fingerprint));
  g_assert_true (list_has (added, "block", "user", "eve@example.org"));
  g_assert_true (list_has (added, "block", "issuer", fingerprint));

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      const char *undo = g_str_equal (steps[i][0], "allow") ? "disallow" : "unblock";
      g_autoptr(CliResult) result = cli_run (profile, "trust", undo, steps[i][1], NULL);
      g_autoptr(CliResult) again = cli_run (profile, "trust", undo, steps[i][1], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_OK);
      g_assert_cmpint (again->status, ==, SC_EXIT_FAILURE);
      g_assert_nonnull (strstr (again->err, "is not on the"));
    }

  removed = trust_list (profile);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) result = cli_run (profile, "trust", cases[i][0], cases[i][1], NULL);

      g_assert_cmpint (result->status, ==, SC_EXIT_FAILURE);
      g_assert_true (g_str_has_prefix (result->err, "sixchat-cli: "));
      g_assert_cmpstr (result->out, ==, "");
    }
}

static void
test_trust_policy (void)
{
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autoptr(CliResult) initial = cli_run (profile, "trust", "policy", NULL);
  g_autoptr(CliResult) set = cli_run (profile, "trust", "policy", "reject", NULL);
  g_autoptr(CliResult) now = cli_run (profile, "trust", "policy", NULL);
  g_autoptr(CliResult) bad = cli_run (profile, "trust", "policy", "maybe", NULL);
  g_autoptr(JsonObject) list = trust_list (profile);

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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(CliResult) text = NULL;

  list = trust_list (profile);
  g_assert_cmpstr (json_object_get_string_member (list, "policy"), ==, "ask");
  for (gsize i = 0; i < G_N_ELEMENTS (arrays); i++)
    {
      g_assert_true (json_object_has_member (list, arrays[i]));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, arrays[i])),
                        ==, 0);
    }

  text = cli_run (profile, "trust", "list", NULL);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *ca_pem = sc_test_cert_pem (ca);
  g_autofree char *other_pem = sc_test_cert_pem (other);
  g_autofree char *bundle_pem = g_strconcat (ca_pem, other_pem, NULL);
  g_autofree char *bundle = write_file (dir, "bundle.pem", bundle_pem, -1);
  g_autoptr(GBytes) leaf_der = sc_test_cert_der (leaf);
  g_autofree char *leaf_path = write_file (dir, "leaf.der", g_bytes_get_data (leaf_der, NULL),
                                           g_bytes_get_size (leaf_der));
  g_autofree char *ca_fingerprint = sc_test_cert_fingerprint (ca);
  g_autofree char *other_fingerprint = sc_test_cert_fingerprint (other);
  g_autofree char *other_upper = colon_upper (other_fingerprint);
  g_autoptr(CliResult) added = cli_run (profile, "trust", "add-issuer", bundle, NULL);
  g_autoptr(CliResult) not_ca = cli_run (profile, "trust", "add-issuer", leaf_path, NULL);
  g_autoptr(JsonObject) both = trust_list (profile);
  g_autoptr(CliResult) removed = cli_run (profile, "trust", "remove-issuer", other_upper, NULL);
  g_autoptr(CliResult) again = cli_run (profile, "trust", "remove-issuer", other_upper, NULL);
  g_autoptr(JsonObject) one = trust_list (profile);
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
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (issuers, 0),
                                                           "subject"), "Example CA"));
}

static void
test_trust_crls (void)
{
  ScTestCertSpec ca_spec = { .cn = "Example CA", .is_ca = TRUE };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *ca_path = write_cert (dir, "ca.pem", ca);
  g_autofree char *crl_pem = sc_test_crl_pem (ca, ca, NULL, 0);
  g_autofree char *pem_path = write_file (dir, "ca.crl", crl_pem, -1);
  g_autoptr(GBytes) crl_der = sc_test_crl_der (ca, ca, NULL, 0);
  g_autofree char *der_path = write_file (dir, "ca.crl.der", g_bytes_get_data (crl_der, NULL),
                                          g_bytes_get_size (crl_der));
  g_autofree char *garbage = write_file (dir, "garbage.crl", "not a CRL", -1);
  g_autoptr(CliResult) issuer = cli_run (profile, "trust", "add-issuer", ca_path, NULL);
  g_autoptr(CliResult) from_pem = cli_run (profile, "trust", "add-crl", pem_path, NULL);
  g_autoptr(CliResult) from_der = cli_run (profile, "trust", "add-crl", der_path, NULL);
  g_autoptr(CliResult) bad = cli_run (profile, "trust", "add-crl", garbage, NULL);
  g_autoptr(JsonObject) list = trust_list (profile);
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
      g_autoptr(CliResult) removed = NULL;

      g_assert_nonnull (strstr (json_object_get_string_member (crl, "issuer"), "Example CA"));
      g_assert_cmpint (json_object_get_int_member (crl, "next_update"), >,
                       json_object_get_int_member (crl, "this_update"));
      removed = cli_run (profile, "trust", "remove-crl",
                         json_object_get_string_member (crl, "fingerprint"), NULL);
      g_assert_cmpint (removed->status, ==, SC_EXIT_OK);
    }

  emptied = trust_list (profile);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (emptied, "crls")), ==, 0);
}

static void
test_trust_knocks (void)
{
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autoptr(ScStore) store = open_store (profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(CliResult) empty = cli_run (profile, "trust", "knocks", "--json", NULL);
  g_autoptr(CliResult) all = NULL;
  g_autoptr(CliResult) newest = NULL;
  g_autoptr(CliResult) text = NULL;
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

  all = cli_run (profile, "trust", "knocks", "--json", NULL);
  g_assert_cmpint (all->status, ==, SC_EXIT_OK);
  knocks = parse_json_lines (all->out);
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

  newest = cli_run (profile, "trust", "knocks", "--json", "--limit", "1", NULL);
  g_assert_cmpint (newest->status, ==, SC_EXIT_OK);
  limited = parse_json_lines (newest->out);
  g_assert_cmpuint (limited->len, ==, 1);

  /* A peer's name reaches the terminal without its control characters. */
  text = cli_run (profile, "trust", "knocks", NULL);
  g_assert_cmpint (text->status, ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (text->out, "bob@example.org"));
  g_assert_null (strchr (text->out, '\033'));
}

static void
test_verify_pinned (void)
{
  ScTestCertSpec spec = { .cn = "Bob", .uid = "bob@example.org" };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *path = write_cert (dir, "bob.pem", cert);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autofree char *upper = colon_upper (fingerprint);
  g_autoptr(CliResult) pin = cli_run (profile, "trust", "allow", upper, NULL);
  g_autoptr(CliResult) text = cli_run (profile, "cert", "verify", path, NULL);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *path = write_cert (dir, "bob.pem", cert);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autoptr(CliResult) pin = cli_run (profile, "trust", "allow", fingerprint, NULL);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *path = write_cert (dir, "stranger.pem", cert);
  g_autoptr(JsonObject) asked = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(CliResult) policy = NULL;
  int status;

  asked = verify (profile, path, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_ASK);
  g_assert_cmpstr (json_object_get_string_member (asked, "verdict"), ==, "ask");
  g_assert_cmpstr (json_object_get_string_member (asked, "reason"), ==, "stranger-self-signed");

  policy = cli_run (profile, "trust", "policy", "reject", NULL);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *path = write_cert (dir, "bob.pem", cert);
  g_autofree char *fingerprint = sc_test_cert_fingerprint (cert);
  g_autofree char *yesterday = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                g_get_real_time () / G_USEC_PER_SEC - DAY);
  g_autoptr(CliResult) pin = cli_run (profile, "trust", "allow", fingerprint, NULL);
  g_autoptr(CliResult) bad_time = cli_run (profile, "cert", "verify", path, "--at", "yesterday",
                                           NULL);
  g_autoptr(CliResult) bad_purpose = cli_run (profile, "cert", "verify", path,
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *ca_path = write_cert (dir, "ca.pem", ca);
  g_autofree char *leaf_pem = sc_test_cert_pem (leaf);
  g_autofree char *ca_pem = sc_test_cert_pem (ca);
  g_autofree char *chain_pem = g_strconcat (leaf_pem, ca_pem, NULL);
  g_autofree char *chain = write_file (dir, "chain.pem", chain_pem, -1);
  g_autoptr(CliResult) issuer = cli_run (profile, "trust", "add-issuer", ca_path, NULL);
  g_autoptr(JsonObject) stranger = NULL;
  g_autoptr(JsonObject) allowed = NULL;
  g_autoptr(CliResult) allow = NULL;
  int status;

  g_assert_cmpint (issuer->status, ==, SC_EXIT_OK);

  stranger = verify (profile, chain, NULL, NULL, &status);
  g_assert_cmpint (status, ==, SC_EXIT_ASK);
  g_assert_cmpstr (json_object_get_string_member (stranger, "reason"), ==, "stranger-verified");
  g_assert_true (json_object_get_boolean_member (stranger, "verified"));

  allow = cli_run (profile, "trust", "allow", "bob@example.org", NULL);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *garbage = write_file (dir, "garbage.pem", "-----BEGIN CERTIFICATE-----\n"
                                         "bm90IGEgY2VydGlmaWNhdGU=\n"
                                         "-----END CERTIFICATE-----\n", -1);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  const char *paths[] = { garbage, missing };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(CliResult) text = cli_run (profile, "cert", "verify", paths[i], NULL);
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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autoptr(CliResult) json = cli_run (profile, "requests", "--json", NULL);
  g_autoptr(CliResult) all = cli_run (profile, "requests", "--json", "--all", NULL);
  g_autoptr(CliResult) text = cli_run (profile, "requests", NULL);
  g_autoptr(CliResult) unknown = cli_run (profile, "requests", "accept", "42", NULL);

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
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
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
    g_autoptr(CliResult) result = cli_run (profile, "requests", "--json", NULL);
    g_autoptr(CliResult) text = cli_run (profile, "requests", NULL);

    g_assert_cmpint (result->status, ==, SC_EXIT_OK);
    pending = parse_json_lines (result->out);
    g_assert_cmpuint (pending->len, ==, 2);
    request = find_by_user (pending, "bob@example.org");
    g_assert_cmpstr (json_object_get_string_member (request, "user"), ==, "bob@example.org");
    g_assert_cmpint (json_object_get_int_member (request, "id"), ==,
                     g_ascii_strtoll (bob_id, NULL, 10));
    g_assert_cmpstr (json_object_get_string_member (request, "name"), ==, "Bob");
    g_assert_cmpstr (json_object_get_string_member (request, "fingerprint"), ==, bob_fingerprint);
    g_assert_cmpstr (json_object_get_string_member (request, "greeting"), ==, "Hi, it's Bob\033[2J");
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
    g_autoptr(CliResult) accepted = cli_run (profile, "requests", "accept", bob_id, NULL);
    g_autoptr(CliResult) undo_accepted = cli_run (profile, "requests", "undo", bob_id, NULL);
    g_autoptr(CliResult) declined = cli_run (profile, "requests", "decline", eve_id, NULL);
    g_autoptr(CliResult) left = cli_run (profile, "requests", "--json", NULL);

    g_assert_cmpint (accepted->status, ==, SC_EXIT_OK);
    g_assert_cmpint (undo_accepted->status, ==, SC_EXIT_FAILURE);
    g_assert_cmpint (declined->status, ==, SC_EXIT_OK);
    g_assert_cmpint (left->status, ==, SC_EXIT_OK);
    g_assert_cmpstr (left->out, ==, "");
  }

  {
    g_autoptr(CliResult) undone = cli_run (profile, "requests", "undo", eve_id, NULL);
    g_autoptr(CliResult) again = cli_run (profile, "requests", "--json", NULL);
    g_autoptr(GPtrArray) reopened = NULL;

    g_assert_cmpint (undone->status, ==, SC_EXIT_OK);
    reopened = parse_json_lines (again->out);
    g_assert_cmpuint (reopened->len, ==, 1);
    g_assert_cmpstr (json_object_get_string_member (reopened->pdata[0], "user"), ==,
                     "eve@example.org");
  }

  {
    g_autoptr(CliResult) blocked = cli_run (profile, "requests", "block", eve_id, NULL);
    g_autoptr(CliResult) all = cli_run (profile, "requests", "--json", "--all", NULL);
    g_autoptr(GPtrArray) decided = NULL;

    g_assert_cmpint (blocked->status, ==, SC_EXIT_OK);
    decided = parse_json_lines (all->out);
    g_assert_cmpuint (decided->len, ==, 2);
  }

  list = trust_list (profile);
  g_assert_true (list_has (list, "allow", "fingerprint", bob_fingerprint));
  g_assert_true (list_has (list, "block", "fingerprint", eve_fingerprint));
}

/* Network cases: `listen` runs in the background while `chat` processes
 * and raw TCP clients call it, on loopback only.  Every wait spins the main
 * context with a time limit. */

#define NET_TIMEOUT 10  /* seconds any one wait may take */

static void
detach_and_die_with_parent (gpointer data)
{
  detach_from_terminal (data);
#ifdef __linux__
  /* A failed assertion aborts the test program: no process outlives it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

/* Starts $SIXCHAT_CLI --profile PROFILE ARGS… with stdin, stdout and stderr
 * as flags says. */
static GSubprocess *
cli_spawn (const char       *profile,
           GSubprocessFlags  flags,
           GPtrArray        *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  const char *cli = g_getenv ("SIXCHAT_CLI");
  GSubprocess *process;

  g_assert_nonnull (cli);

  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "--profile");
  g_ptr_array_add (argv, (gpointer) profile);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, args->pdata[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_unsetenv (launcher, "SIXCHAT_PROFILE");
  g_subprocess_launcher_unsetenv (launcher, "SIXCHAT_PASSPHRASE");
  g_subprocess_launcher_set_child_setup (launcher, detach_and_die_with_parent, NULL, NULL);

  command = g_strjoinv (" ", (char **) argv->pdata + 1);
  g_test_message ("starting sixchat-cli %s", command);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
on_spin_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main context until condition (data) holds or timeout_seconds
 * pass; returns whether it holds. */
static gboolean
spin_until (Condition  condition,
            gpointer   data,
            guint      timeout_seconds)
{
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_seconds * 1000);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, on_spin_timeout, &timed_out, NULL);
  g_source_attach (timeout, NULL);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_destroy (timeout);

  return condition (data);
}

static void
on_process_exited (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Waits up to timeout_seconds for process to exit; past that it is killed
 * and FALSE returned. */
static gboolean
process_wait (GSubprocess *process,
              guint        timeout_seconds)
{
  gboolean exited = FALSE;

  g_subprocess_wait_async (process, NULL, on_process_exited, &exited);
  if (spin_until (flag_is_set, &exited, timeout_seconds))
    return TRUE;

  g_subprocess_force_exit (process);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);

  return FALSE;
}

/* The first event of events named event, and whose string member is value
 * unless member is NULL; NULL when there is none. */
static JsonObject *
find_event (GPtrArray  *events,
            const char *event,
            const char *member,
            const char *value)
{
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *object = events->pdata[i];
      JsonNode *node;

      if (g_strcmp0 (json_object_get_string_member (object, "event"), event) != 0)
        continue;
      if (member == NULL)
        return object;

      node = json_object_get_member (object, member);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING
          && g_str_equal (json_node_get_string (node), value))
        return object;
    }

  return NULL;
}

/* The events named event, in order (borrowed from events). */
static GPtrArray *
filter_events (GPtrArray  *events,
               const char *event)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (json_object_get_string_member (events->pdata[i], "event"), event) == 0)
      g_ptr_array_add (found, events->pdata[i]);

  return found;
}

/* A running `listen`, its stdout read line by line as it comes. */
typedef struct
{
  GSubprocess      *process;
  GDataInputStream *output;
  GPtrArray        *events;   /* JsonObject, one per line of stdout */
  gboolean          eof;
  gboolean          stopped;
  char             *address;  /* "[::1]:PORT", from the listening event */
  guint16           port;
} Listener;

static void listener_read_line (Listener *listener);

static void
on_listener_line (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Listener *listener = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                    &error);
  g_assert_no_error (error);
  if (line == NULL)
    {
      listener->eof = TRUE;
      return;
    }

  g_test_message ("listen: %s", line);
  text = g_strconcat (line, "\n", NULL);
  g_ptr_array_add (listener->events, parse_json_line (text));
  listener_read_line (listener);
}

static void
listener_read_line (Listener *listener)
{
  g_data_input_stream_read_line_async (listener->output, G_PRIORITY_DEFAULT, NULL,
                                       on_listener_line, listener);
}

typedef struct
{
  Listener   *listener;
  const char *event;
  const char *member;
  const char *value;
  JsonObject *found;
} EventQuery;

static gboolean
event_seen (gpointer data)
{
  EventQuery *query = data;

  query->found = find_event (query->listener->events, query->event, query->member, query->value);

  return query->found != NULL || query->listener->eof;
}

/* Waits for an event as find_event() finds it and returns it. */
static JsonObject *
listener_wait (Listener   *listener,
               const char *event,
               const char *member,
               const char *value)
{
  EventQuery query = { listener, event, member, value, NULL };

  spin_until (event_seen, &query, NET_TIMEOUT);
  if (query.found == NULL)
    g_error ("listen printed no %s event with %s = %s", event, member, value);

  return query.found;
}

/* Starts `listen --address ADDRESS --port 0 [--handshake-timeout MS]` and
 * waits until it listens. */
static Listener *
listener_start (const char *profile,
                const char *address,
                const char *handshake_timeout_ms)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  Listener *listener = g_new0 (Listener, 1);
  JsonObject *listening;

  g_ptr_array_add (args, (gpointer) "listen");
  g_ptr_array_add (args, (gpointer) "--address");
  g_ptr_array_add (args, (gpointer) address);
  g_ptr_array_add (args, (gpointer) "--port");
  g_ptr_array_add (args, (gpointer) "0");
  if (handshake_timeout_ms != NULL)
    {
      g_ptr_array_add (args, (gpointer) "--handshake-timeout");
      g_ptr_array_add (args, (gpointer) handshake_timeout_ms);
    }

  listener->process = cli_spawn (profile, G_SUBPROCESS_FLAGS_STDOUT_PIPE, args);
  listener->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (listener->process));
  listener->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  listener_read_line (listener);

  listening = listener_wait (listener, "listening", NULL, NULL);
  g_assert_true (listener->events->pdata[0] == listening);
  listener->port = (guint16) json_object_get_int_member (listening, "port");
  g_assert_cmpuint (listener->port, >, 0);
  listener->address = g_strdup (json_object_get_string_member (listening, "address"));

  return listener;
}

/* SIGTERM, then waits until it exited (with status 0) and all of its output
 * was read. */
static void
listener_stop (Listener *listener)
{
  gboolean exited;

  if (listener->stopped)
    return;
  listener->stopped = TRUE;

  g_subprocess_send_signal (listener->process, SIGTERM);
  exited = process_wait (listener->process, NET_TIMEOUT);
  g_assert_true (spin_until (flag_is_set, &listener->eof, NET_TIMEOUT));
  g_assert_true (exited);
  g_assert_true (g_subprocess_get_if_exited (listener->process));
  g_assert_cmpint (g_subprocess_get_exit_status (listener->process), ==, SC_EXIT_OK);
}

static void
listener_free (Listener *listener)
{
  listener_stop (listener);
  g_clear_object (&listener->output);
  g_clear_object (&listener->process);
  g_clear_pointer (&listener->events, g_ptr_array_unref);
  g_free (listener->address);
  g_free (listener);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listener, listener_free)

/* A running `chat`: its stdout and stderr collected as they come. */
typedef struct
{
  GSubprocess   *process;
  GOutputStream *out;  /* GMemoryOutputStream */
  GOutputStream *err;
  gboolean       out_done;
  gboolean       err_done;
  gboolean       exited;
} Chat;

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
collect (GInputStream   *pipe,
         GOutputStream **memory,
         gboolean       *done)
{
  *memory = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (*memory, pipe,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, on_spliced, done);
}

/* Writes text on the chat's standard input. */
static void
chat_write (Chat       *chat,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *input = g_subprocess_get_stdin_pipe (chat->process);

  g_output_stream_write_all (input, text, strlen (text), NULL, NULL, &error);
  /* A chat that has already given up reads no more: its exit status tells. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    g_assert_no_error (error);
}

static void
chat_end_input (Chat *chat)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (chat->process), NULL, &error);
  g_assert_no_error (error);
}

/* Starts `chat ARGS…` and writes input on its standard input, which stays
 * open until chat_end_input(). */
static Chat *
chat_spawn_va (const char *profile,
               const char *input,
               const char *first_arg,
               va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Chat *chat = g_new0 (Chat, 1);

  g_ptr_array_add (argv, (gpointer) "chat");
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);

  chat->process = cli_spawn (profile,
                             G_SUBPROCESS_FLAGS_STDIN_PIPE |
                             G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE, argv);
  collect (g_subprocess_get_stdout_pipe (chat->process), &chat->out, &chat->out_done);
  collect (g_subprocess_get_stderr_pipe (chat->process), &chat->err, &chat->err_done);
  g_subprocess_wait_async (chat->process, NULL, on_process_exited, &chat->exited);

  if (input[0] != '\0')
    chat_write (chat, input);

  return chat;
}

static Chat *
chat_spawn (const char *profile,
            const char *input,
            const char *first_arg,
            ...) G_GNUC_NULL_TERMINATED;

static Chat *
chat_spawn (const char *profile,
            const char *input,
            const char *first_arg,
            ...)
{
  Chat *chat;
  va_list args;

  va_start (args, first_arg);
  chat = chat_spawn_va (profile, input, first_arg, args);
  va_end (args);

  return chat;
}

static gboolean
chat_done (gpointer data)
{
  Chat *chat = data;

  return chat->exited && chat->out_done && chat->err_done;
}

static char *
memory_text (GOutputStream *memory)
{
  GMemoryOutputStream *stream = G_MEMORY_OUTPUT_STREAM (memory);

  return g_strndup (g_memory_output_stream_get_data (stream),
                    g_memory_output_stream_get_data_size (stream));
}

/* Ends the chat's standard input, waits for it to exit and frees it. */
static CliResult *
chat_finish (Chat *chat)
{
  CliResult *result = g_new0 (CliResult, 1);
  gboolean in_time;

  chat_end_input (chat);
  in_time = spin_until (chat_done, chat, NET_TIMEOUT);
  if (!in_time)
    {
      g_test_message ("chat did not end within %d s: killed", NET_TIMEOUT);
      g_subprocess_force_exit (chat->process);
      while (!chat_done (chat))
        g_main_context_iteration (NULL, TRUE);
    }

  result->status = g_subprocess_get_if_exited (chat->process)
                   ? g_subprocess_get_exit_status (chat->process)
                   : -1;
  result->out = memory_text (chat->out);
  result->err = memory_text (chat->err);
  g_test_message ("chat exit status %d\nstdout:\n%s\nstderr:\n%s",
                  result->status, result->out, result->err);

  g_object_unref (chat->out);
  g_object_unref (chat->err);
  g_object_unref (chat->process);
  g_free (chat);

  g_assert_true (in_time);

  return result;
}

/* `chat ARGS…` with input on its standard input, run to completion. */
static CliResult *
chat_run (const char *profile,
          const char *input,
          const char *first_arg,
          ...) G_GNUC_NULL_TERMINATED;

static CliResult *
chat_run (const char *profile,
          const char *input,
          const char *first_arg,
          ...)
{
  Chat *chat;
  va_list args;

  va_start (args, first_arg);
  chat = chat_spawn_va (profile, input, first_arg, args);
  va_end (args);

  return chat_finish (chat);
}

/* Two profiles in one temporary directory: alice@example.org and
 * bob@example.org.  Bob pins Alice's certificate; Alice pins Bob's when
 * asked to. */
typedef struct
{
  char *dir;
  char *alice;  /* profile directories */
  char *bob;
  char *alice_fingerprint;
  char *bob_fingerprint;
} Peers;

static void
trust (const char *profile,
       const char *verb,
       const char *target)
{
  g_autoptr(CliResult) result = cli_run (profile, "trust", verb, target, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
}

static char *
fingerprint_of (const char *profile)
{
  g_autoptr(JsonObject) identity = show_identity (profile);

  return g_strdup (json_object_get_string_member (identity, "fingerprint"));
}

static Peers *
peers_new (gboolean alice_pins_bob)
{
  Peers *peers = g_new0 (Peers, 1);

  peers->dir = sc_test_dir_new ("test-cli");
  peers->alice = g_build_filename (peers->dir, "alice", NULL);
  peers->bob = g_build_filename (peers->dir, "bob", NULL);
  create_identity (peers->alice, "Alice", "alice@example.org");
  create_identity (peers->bob, "Bob", "bob@example.org");
  peers->alice_fingerprint = fingerprint_of (peers->alice);
  peers->bob_fingerprint = fingerprint_of (peers->bob);

  trust (peers->bob, "allow", peers->alice_fingerprint);
  if (alice_pins_bob)
    trust (peers->alice, "allow", peers->bob_fingerprint);

  return peers;
}

static void
peers_free (Peers *peers)
{
  sc_test_dir_free (peers->dir);
  g_free (peers->alice);
  g_free (peers->bob);
  g_free (peers->alice_fingerprint);
  g_free (peers->bob_fingerprint);
  g_free (peers);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peers, peers_free)

/* A TCP socket bound on [::1]:PORT (a free port), listening when listening
 * is TRUE; never accepting.  *address is "[::1]:PORT". */
static GSocket *
loopback_socket (gboolean   listening,
                 char     **address)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_bind (sock, any_port, FALSE, &error);
  g_assert_no_error (error);
  if (listening)
    {
      g_socket_listen (sock, &error);
      g_assert_no_error (error);
    }

  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  *address = g_strdup_printf ("[::1]:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  return sock;
}

/* Alice listens on address; Bob sends three lines, every one acknowledged. */
static void
check_three_messages (const char *address)
{
  const char *bodies[] = { "one", "two, with a comma", "three ✓" };
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(Listener) alice = listener_start (peers->alice, address, NULL);
  g_autoptr(CliResult) result = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  JsonObject *session;

  result = chat_run (peers->bob, "one\ntwo, with a comma\nthree ✓\n", "alice@example.org",
                     "--address", alice->address, NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  listener_stop (alice);

  events = parse_json_lines (result->out);
  session = find_event (events, "session", NULL, NULL);
  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "user"), ==, "alice@example.org");
  g_assert_cmpstr (json_object_get_string_member (session, "fingerprint"), ==,
                   peers->alice_fingerprint);
  g_assert_cmpstr (json_object_get_string_member (session, "reason"), ==, "pinned");
  sent = filter_events (events, "sent");
  receipts = filter_events (events, "receipt");
  g_assert_cmpuint (sent->len, ==, G_N_ELEMENTS (bodies));
  g_assert_cmpuint (receipts->len, ==, G_N_ELEMENTS (bodies));

  session = find_event (alice->events, "session", NULL, NULL);
  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "user"), ==, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (session, "fingerprint"), ==,
                   peers->bob_fingerprint);
  messages = filter_events (alice->events, "message");
  g_assert_cmpuint (messages->len, ==, G_N_ELEMENTS (bodies));
  for (guint i = 0; i < messages->len; i++)
    {
      const char *id = json_object_get_string_member (messages->pdata[i], "id");

      g_assert_cmpstr (json_object_get_string_member (messages->pdata[i], "body"), ==, bodies[i]);
      g_assert_cmpstr (json_object_get_string_member (messages->pdata[i], "user"), ==,
                       "bob@example.org");
      g_assert_cmpstr (json_object_get_string_member (sent->pdata[i], "id"), ==, id);
      g_assert_nonnull (find_event (receipts, "receipt", "id", id));
    }
}

static void
test_net_chat_ipv6 (void)
{
  check_three_messages ("::1");
}

static void
test_net_chat_ipv4 (void)
{
  check_three_messages ("127.0.0.1");
}

static void
test_net_refused (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autofree char *address = NULL;
  /* Bound but not listening: connections to it are refused. */
  g_autoptr(GSocket) closed_port = loopback_socket (FALSE, &address);
  g_autoptr(CliResult) result = cli_run (peers->bob, "chat", "alice@example.org",
                                         "--address", address, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_REFUSED);
  g_assert_true (g_str_has_prefix (result->err, "sixchat-cli: "));
}

static void
test_net_wrong_peer (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(Listener) alice = listener_start (peers->alice, "::1", NULL);
  g_autoptr(CliResult) result = cli_run (peers->bob, "chat", "carol@example.org",
                                         "--address", alice->address, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_WRONG_PEER);
  g_assert_nonnull (strstr (result->err, "carol@example.org"));
  g_assert_nonnull (strstr (result->err, "alice@example.org"));
}

static void
test_net_we_reject (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(Listener) alice = NULL;
  g_autoptr(CliResult) result = NULL;

  trust (peers->bob, "block", peers->alice_fingerprint);
  alice = listener_start (peers->alice, "::1", NULL);

  result = chat_run (peers->bob, "hello\n", "alice@example.org", "--address", alice->address,
                     NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_CERTIFICATE);
  listener_stop (alice);
  g_assert_null (find_event (alice->events, "message", NULL, NULL));
}

static void
test_net_peer_refuses (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(Listener) alice = NULL;
  g_autoptr(CliResult) result = NULL;
  g_autoptr(CliResult) knocks = NULL;
  g_autoptr(GPtrArray) recorded = NULL;
  JsonObject *knock;

  trust (peers->alice, "block", "bob@example.org");
  alice = listener_start (peers->alice, "::1", NULL);

  result = chat_run (peers->bob, "hello\n", "alice@example.org", "--address", alice->address,
                     NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_TLS);
  knock = listener_wait (alice, "knock", "reason", "blocked-user");
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "reject");
  g_assert_cmpstr (json_object_get_string_member (knock, "user"), ==, "bob@example.org");
  listener_stop (alice);
  g_assert_null (find_event (alice->events, "message", NULL, NULL));

  knocks = cli_run (peers->alice, "trust", "knocks", "--json", NULL);
  g_assert_cmpint (knocks->status, ==, SC_EXIT_OK);
  recorded = parse_json_lines (knocks->out);
  knock = find_by_user (recorded, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (knock, "direction"), ==, "incoming");
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "reject");
  g_assert_cmpstr (json_object_get_string_member (knock, "reason"), ==, "blocked-user");
  g_assert_cmpstr (json_object_get_string_member (knock, "fingerprint"), ==,
                   peers->bob_fingerprint);
}

/* Bob, a stranger to Alice, sends a contact request with one message; once
 * Alice's listener shows it, Alice decides (`requests DECISION ID`) from
 * another process.  Returns how Bob's chat ended. */
static CliResult *
contact_request (Peers      *peers,
                 Listener   *alice,
                 const char *decision)
{
  g_autoptr(CliResult) pending = NULL;
  g_autoptr(CliResult) decided = NULL;
  g_autoptr(CliResult) left = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *id = NULL;
  JsonObject *shown;
  JsonObject *request;
  Chat *chat;

  chat = chat_spawn (peers->bob, "hello, Alice\n", "alice@example.org",
                     "--address", alice->address, "--greeting", "hi, Bob here", NULL);

  shown = listener_wait (alice, "request", "user", "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (shown, "greeting"), ==, "hi, Bob here");
  g_assert_cmpstr (json_object_get_string_member (shown, "fingerprint"), ==,
                   peers->bob_fingerprint);
  g_assert_cmpstr (json_object_get_string_member (shown, "verdict"), ==, "ask");
  chat_end_input (chat);

  pending = cli_run (peers->alice, "requests", "--json", NULL);
  g_assert_cmpint (pending->status, ==, SC_EXIT_OK);
  requests = parse_json_lines (pending->out);
  g_assert_cmpuint (requests->len, ==, 1);
  request = find_by_user (requests, "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (request, "greeting"), ==, "hi, Bob here");
  g_assert_cmpint (json_object_get_int_member (request, "id"), ==,
                   json_object_get_int_member (shown, "request"));
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (request, "id"));

  decided = cli_run (peers->alice, "requests", decision, id, NULL);
  g_assert_cmpint (decided->status, ==, SC_EXIT_OK);
  left = cli_run (peers->alice, "requests", "--json", NULL);
  g_assert_cmpstr (left->out, ==, "");

  return chat_finish (chat);
}

static void
test_net_request_accepted (void)
{
  g_autoptr(Peers) peers = peers_new (FALSE);
  g_autoptr(Listener) alice = listener_start (peers->alice, "::1", NULL);
  g_autoptr(CliResult) result = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(GPtrArray) events = NULL;
  JsonObject *message;

  result = contact_request (peers, alice, "accept");
  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  events = parse_json_lines (result->out);
  g_assert_nonnull (find_event (events, "state", "state", "pending"));
  g_assert_nonnull (find_event (events, "state", "state", "open"));
  g_assert_nonnull (find_event (events, "receipt", NULL, NULL));

  message = listener_wait (alice, "message", "user", "bob@example.org");
  g_assert_cmpstr (json_object_get_string_member (message, "body"), ==, "hello, Alice");
  g_assert_nonnull (find_event (alice->events, "accepted", "user", "bob@example.org"));
  listener_stop (alice);

  list = trust_list (peers->alice);
  g_assert_true (list_has (list, "allow", "fingerprint", peers->bob_fingerprint));
}

static void
test_net_request_declined (void)
{
  g_autoptr(Peers) peers = peers_new (FALSE);
  g_autoptr(Listener) alice = listener_start (peers->alice, "::1", NULL);
  g_autoptr(CliResult) result = contact_request (peers, alice, "decline");
  g_autoptr(JsonObject) list = NULL;

  g_assert_cmpint (result->status, ==, SC_EXIT_DECLINED);
  listener_stop (alice);
  g_assert_null (find_event (alice->events, "message", NULL, NULL));
  g_assert_null (find_event (alice->events, "accepted", NULL, NULL));

  list = trust_list (peers->alice);
  g_assert_false (list_has (list, "allow", "fingerprint", peers->bob_fingerprint));
  g_assert_false (list_has (list, "block", "fingerprint", peers->bob_fingerprint));
}

static void
test_net_request_blocked (void)
{
  g_autoptr(Peers) peers = peers_new (FALSE);
  g_autoptr(Listener) alice = listener_start (peers->alice, "::1", NULL);
  g_autoptr(CliResult) result = contact_request (peers, alice, "block");
  g_autoptr(CliResult) again = NULL;
  g_autoptr(JsonObject) list = NULL;

  g_assert_cmpint (result->status, ==, SC_EXIT_DECLINED);

  again = chat_run (peers->bob, "", "alice@example.org", "--address", alice->address, NULL);
  g_assert_cmpint (again->status, ==, SC_EXIT_TLS);
  listener_stop (alice);
  g_assert_null (find_event (alice->events, "message", NULL, NULL));

  list = trust_list (peers->alice);
  g_assert_true (list_has (list, "block", "fingerprint", peers->bob_fingerprint));
}

static void
test_net_handshake_timeout (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autofree char *address = NULL;
  /* Listening, never accepting: the kernel completes the connection and
   * nobody answers the TLS handshake. */
  g_autoptr(GSocket) silent = loopback_socket (TRUE, &address);
  g_autoptr(CliResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  result = chat_run (peers->bob, "hello\n", "alice@example.org", "--address", address,
                     "--timeout", "1", NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_net_port_busy (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(Listener) alice = listener_start (peers->alice, "::1", NULL);
  g_autofree char *port = g_strdup_printf ("%u", alice->port);
  g_autoptr(CliResult) result = cli_run (peers->bob, "listen", "--address", "::1",
                                         "--port", port, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (result->err, "already in use"));
  g_assert_cmpstr (result->out, ==, "");
}

typedef struct
{
  gboolean done;
  gssize   size;
  GError  *error;
  gint64   time;   /* monotonic µs when the read ended */
  char     buffer[256];
} RawRead;

static void
on_raw_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawRead *raw = user_data;

  raw->size = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &raw->error);
  raw->time = g_get_monotonic_time ();
  raw->done = TRUE;
}

static void
test_net_listener_handshake_timeout (void)
{
  g_autoptr(Peers) peers = peers_new (TRUE);
  g_autoptr(Listener) alice = listener_start (peers->alice, "::1", "1000");
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new_from_string ("::1", alice->port);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(CliResult) result = NULL;
  g_autoptr(GError) error = NULL;
  RawRead raw = { 0 };
  JsonObject *knock;
  gint64 connected;

  /* A caller that connects and says nothing. */
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (target), NULL, &error);
  g_assert_no_error (error);
  connected = g_get_monotonic_time ();
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             raw.buffer, sizeof raw.buffer, G_PRIORITY_DEFAULT, NULL,
                             on_raw_read, &raw);

  /* Meanwhile a real chat goes through. */
  result = chat_run (peers->bob, "still here\n", "alice@example.org",
                     "--address", alice->address, NULL);
  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
  listener_wait (alice, "message", "body", "still here");

  /* The silent caller is cut off after about a second. */
  g_assert_true (spin_until (flag_is_set, &raw.done, NET_TIMEOUT));
  g_assert_no_error (raw.error);
  g_assert_cmpint (raw.size, ==, 0);
  g_assert_cmpint (raw.time - connected, >=, 900 * 1000);
  knock = listener_wait (alice, "knock", "reason", "timeout");
  g_assert_cmpstr (json_object_get_string_member (knock, "direction"), ==, "incoming");
  g_assert_cmpstr (json_object_get_string_member (knock, "verdict"), ==, "reject");
  g_assert_true (json_object_get_null_member (knock, "fingerprint"));
}

static void
test_net_usage (void)
{
  g_autoptr(TestDir) dir = sc_test_dir_new ("test-cli");
  g_autofree char *profile = profile_path (dir);
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_autoptr(CliResult) no_address = NULL;
  g_autoptr(CliResult) bad_address = NULL;
  g_autoptr(CliResult) bad_port = NULL;
  g_autoptr(CliResult) no_identity = NULL;

  create_identity (profile, "Bob", "bob@example.org");

  no_address = cli_run (profile, "chat", "alice@example.org", NULL);
  g_assert_cmpint (no_address->status, ==, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (no_address->err, "--address"));

  bad_address = cli_run (profile, "chat", "alice@example.org", "--address", "[::1", NULL);
  g_assert_cmpint (bad_address->status, ==, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (bad_address->err, "[::1"));

  bad_port = cli_run (profile, "listen", "--address", "::1", "--port", "70000", NULL);
  g_assert_cmpint (bad_port->status, ==, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (bad_port->err, "70000"));

  no_identity = cli_run (empty, "listen", "--address", "::1", "--port", "0", NULL);
  g_assert_cmpint (no_identity->status, ==, SC_EXIT_FAILURE);
  g_assert_nonnull (strstr (no_identity->err, "identity new"));

  g_assert_cmpstr (no_address->out, ==, "");
  g_assert_cmpstr (bad_address->out, ==, "");
  g_assert_cmpstr (bad_port->out, ==, "");
  g_assert_cmpstr (no_identity->out, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Writing to a chat that has already exited fails with EPIPE instead of
   * killing the test; GSocket ignores SIGPIPE process-wide anyway. */
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

  g_test_add_func ("/cli/net/chat-ipv6", test_net_chat_ipv6);
  g_test_add_func ("/cli/net/chat-ipv4", test_net_chat_ipv4);
  g_test_add_func ("/cli/net/refused", test_net_refused);
  g_test_add_func ("/cli/net/wrong-peer", test_net_wrong_peer);
  g_test_add_func ("/cli/net/we-reject", test_net_we_reject);
  g_test_add_func ("/cli/net/peer-refuses", test_net_peer_refuses);
  g_test_add_func ("/cli/net/request-accepted", test_net_request_accepted);
  g_test_add_func ("/cli/net/request-declined", test_net_request_declined);
  g_test_add_func ("/cli/net/request-blocked", test_net_request_blocked);
  g_test_add_func ("/cli/net/handshake-timeout", test_net_handshake_timeout);
  g_test_add_func ("/cli/net/port-busy", test_net_port_busy);
  g_test_add_func ("/cli/net/listener-handshake-timeout", test_net_listener_handshake_timeout);
  g_test_add_func ("/cli/net/usage", test_net_usage);

  return g_test_run ();
}
