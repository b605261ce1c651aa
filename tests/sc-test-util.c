/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "sc-peer-certificate.h"
#include "sc-test-util.h"

char *
sc_test_dir_new (const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix ? prefix : "sixchat-test");
  char *path = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_assert_nonnull (path);
  g_chmod (path, 0700);

  return path;
}

void
sc_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      sc_test_rm_rf (child);
    }
  g_rmdir (path);
}

void
sc_test_dir_free (char *path)
{
  if (path == NULL)
    return;

  sc_test_rm_rf (path);
  g_free (path);
}

static gboolean
on_timeout (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sc_test_wait_for (const gboolean *flag,
                  guint           timeout_seconds)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean timed_out = FALSE;
  g_autoptr(GSource) source = g_timeout_source_new_seconds (timeout_seconds);

  g_source_set_callback (source, on_timeout, &timed_out, NULL);
  g_source_attach (source, context);

  while (!*flag && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (source);

  return *flag;
}

static int
run_va (char       **out,
        char       **err,
        const char  *first_arg,
        va_list      args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);

  return -1;
}

int
sc_test_run (char       **out,
             char       **err,
             const char  *first_arg,
             ...)
{
  va_list args;
  int status;

  va_start (args, first_arg);
  status = run_va (out, err, first_arg, args);
  va_end (args);

  return status;
}

void
sc_test_run_tool (const char *first_arg,
                  ...)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;
  int status;

  va_start (args, first_arg);
  status = run_va (&out, &err, first_arg, args);
  va_end (args);

  if (status != 0)
    g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
}

char *
sc_test_write_file (const char *dir,
                    const char *name,
                    const char *contents,
                    gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  return path;
}

char *
sc_test_read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

gboolean
sc_test_have_cert_tools (void)
{
  g_autofree char *certtool = g_find_program_in_path ("certtool");
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (certtool != NULL && openssl != NULL)
    return TRUE;

  g_test_skip ("certtool (gnutls-bin) and openssl are needed to make test certificates");
  return FALSE;
}

char *
sc_test_certtool_cert (const char *dir,
                       const char *name,
                       const char *key_type,
                       const char *template_text,
                       const char *issuer)
{
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, name);
  g_autofree char *template_name = g_strdup_printf ("%s.tmpl", name);
  g_autofree char *template = sc_test_write_file (dir, template_name, template_text, -1);
  char *crt = g_strdup_printf ("%s/%s.crt", dir, name);

  sc_test_run_tool ("certtool", "--generate-privkey", "--no-text", "--key-type", key_type,
                    "--bits", g_str_equal (key_type, "rsa") ? "2048" : "256",
                    "--outfile", key, NULL);

  if (issuer == NULL)
    {
      sc_test_run_tool ("certtool", "--generate-self-signed", "--no-text", "--load-privkey", key,
                        "--template", template, "--outfile", crt, NULL);
    }
  else
    {
      g_autofree char *ca_crt = g_strdup_printf ("%s/%s.crt", dir, issuer);
      g_autofree char *ca_key = g_strdup_printf ("%s/%s.key", dir, issuer);

      sc_test_run_tool ("certtool", "--generate-certificate", "--no-text", "--load-privkey", key,
                        "--load-ca-certificate", ca_crt, "--load-ca-privkey", ca_key,
                        "--template", template, "--outfile", crt, NULL);
    }

  return crt;
}

char *
sc_test_openssl_key (const char *dir,
                     const char *name,
                     const char *algorithm,
                     const char *option)
{
  char *key = g_strdup_printf ("%s/%s.key", dir, name);

  /* A NULL option ends the argument list before "-pkeyopt". */
  sc_test_run_tool ("openssl", "genpkey", "-algorithm", algorithm, "-out", key,
                    option != NULL ? "-pkeyopt" : NULL, option, NULL);

  return key;
}

char *
sc_test_openssl_self_signed (const char *dir,
                             const char *name,
                             const char *key,
                             const char *subject,
                             const char *addext)
{
  char *crt = g_strdup_printf ("%s/%s.crt", dir, name);

  /* A NULL addext ends the argument list before "-addext". */
  sc_test_run_tool ("openssl", "req", "-x509", "-key", key, "-subj", subject, "-days", "30",
                    "-out", crt, addext != NULL ? "-addext" : NULL, addext, NULL);

  return crt;
}

char *
sc_test_openssl_signed (const char *dir,
                        const char *name,
                        const char *key,
                        const char *subject,
                        const char *addext,
                        const char *ca_crt,
                        const char *ca_key)
{
  g_autofree char *csr = g_strdup_printf ("%s/%s.csr", dir, name);
  char *crt = g_strdup_printf ("%s/%s.crt", dir, name);

  /* A NULL addext ends the argument lists before "-addext" and "-copy_extensions". */
  sc_test_run_tool ("openssl", "req", "-new", "-key", key, "-subj", subject, "-out", csr,
                    addext != NULL ? "-addext" : NULL, addext, NULL);
  sc_test_run_tool ("openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
                    "-CAcreateserial", "-days", "30", "-out", crt,
                    addext != NULL ? "-copy_extensions" : NULL, "copy", NULL);

  return crt;
}

char *
sc_test_certtool_fingerprint (const char *crt)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (sc_test_run (&out, NULL, "certtool", "--fingerprint", "--hash", "sha256",
                                "--infile", crt, NULL), ==, 0);

  return g_strdup (g_strstrip (out));
}

char *
sc_test_openssl_fingerprint (const char *crt)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *equals;
  char *fingerprint;

  /* "sha256 Fingerprint=AB:CD:…" */
  g_assert_cmpint (sc_test_run (&out, NULL, "openssl", "x509", "-noout", "-fingerprint",
                                "-sha256", "-in", crt, NULL), ==, 0);
  equals = strchr (out, '=');
  g_assert_nonnull (equals);

  fingerprint = sc_fingerprint_normalize (equals + 1, &error);
  g_assert_no_error (error);

  return fingerprint;
}
