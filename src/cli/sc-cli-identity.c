/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sc-cli-private.h"
#include "sc-identity.h"
#include "sc-peer-certificate.h"

#define PASSPHRASE_ENV "SIXCHAT_PASSPHRASE"
#define PASSPHRASE_MAX 1024

/* A passphrase, wiped when freed. */
typedef char ScCliSecret;

static void
sc_cli_secret_free (ScCliSecret *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScCliSecret, sc_cli_secret_free)

/* The terminal whose echo is off while a passphrase is typed, so that a
 * signal does not leave it silent. */
static int tty_fd = -1;
static struct termios tty_saved;

static void
restore_tty_and_raise (int signum)
{
  tcsetattr (tty_fd, TCSAFLUSH, &tty_saved);
  signal (signum, SIG_DFL);
  raise (signum);
}

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void
tty_write (int         fd,
           const char *text)
{
  gsize length = strlen (text);

  while (length > 0)
    {
      ssize_t n = write (fd, text, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      text += n;
      length -= n;
    }
}

/* Reads one line from the terminal fd with echo off; NULL at end of input. */
static ScCliSecret *
read_hidden_line (int         fd,
                  const char *prompt)
{
  struct sigaction action = { .sa_handler = restore_tty_and_raise };
  struct sigaction saved_actions[G_N_ELEMENTS (tty_signals)];
  struct termios silent;
  char buffer[PASSPHRASE_MAX];
  gsize length = 0;
  gboolean complete = FALSE;
  gboolean echo_off;
  ScCliSecret *line = NULL;

  tty_write (fd, prompt);
  echo_off = tcgetattr (fd, &tty_saved) == 0;
  if (echo_off)
    {
      tty_fd = fd;
      sigemptyset (&action.sa_mask);
      for (gsize i = 0; i < G_N_ELEMENTS (tty_signals); i++)
        sigaction (tty_signals[i], &action, &saved_actions[i]);

      silent = tty_saved;
      silent.c_lflag &= ~(ECHO | ECHONL);
      silent.c_lflag |= ICANON;
      tcsetattr (fd, TCSAFLUSH, &silent);
    }

  while (length < sizeof buffer - 1)
    {
      ssize_t n = read (fd, buffer + length, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (buffer[length] == '\n')
        {
          complete = TRUE;
          break;
        }
      length++;
    }
  buffer[length] = '\0';

  if (echo_off)
    {
      tcsetattr (fd, TCSAFLUSH, &tty_saved);
      for (gsize i = 0; i < G_N_ELEMENTS (tty_signals); i++)
        sigaction (tty_signals[i], &saved_actions[i], NULL);
      tty_fd = -1;
      tty_write (fd, "\n");
    }

  if (complete || length > 0)
    line = g_strdup (buffer);
  explicit_bzero (buffer, sizeof buffer);

  return line;
}

/* The PKCS#12 passphrase: $SIXCHAT_PASSPHRASE, else asked on /dev/tty (twice
 * when confirm).  Never taken from the command line.  Prints an error and
 * returns NULL when there is none. */
static ScCliSecret *
get_passphrase (const char *path,
                gboolean    confirm)
{
  g_autoptr(ScCliSecret) passphrase = NULL;
  g_autoptr(ScCliSecret) again = NULL;
  g_autofree char *prompt = NULL;
  const char *env;
  int fd;

  env = g_getenv (PASSPHRASE_ENV);
  if (env != NULL)
    return g_strdup (env);

  fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      sc_cli_error ("a passphrase for %s is needed: set %s or run sixchat-cli in a terminal",
                    path, PASSPHRASE_ENV);
      return NULL;
    }

  prompt = g_strdup_printf ("Passphrase for %s: ", path);
  passphrase = read_hidden_line (fd, prompt);
  if (passphrase != NULL && confirm)
    {
      again = read_hidden_line (fd, "Repeat the passphrase: ");
      if (again == NULL || !g_str_equal (passphrase, again))
        {
          close (fd);
          sc_cli_error ("the passphrases do not match");
          return NULL;
        }
    }
  close (fd);

  if (passphrase == NULL)
    {
      sc_cli_error ("no passphrase given");
      return NULL;
    }

  return g_steal_pointer (&passphrase);
}

/* Prints error, with advice where the message alone would leave the user stuck. */
static int
identity_error (const GError *error)
{
  return sc_cli_error_from (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_EXISTS,
                            "%s; give --replace to replace it (its key is lost)", error->message);
}

/* The profile's identity, or NULL after printing an error. */
static ScIdentity *
load_identity (const char *profile_dir)
{
  g_autoptr(GError) error = NULL;
  ScIdentity *identity = sc_identity_load (profile_dir, &error);

  if (identity == NULL)
    sc_cli_error_from (error, SC_IDENTITY_ERROR, SC_IDENTITY_ERROR_NOT_FOUND,
                       "%s; create one with 'sixchat-cli identity new' or import one",
                       error->message);

  return identity;
}

/* Prints what verb did to the identity of this profile, or the error when
 * there is no identity; returns the exit status. */
static int
report_created (const char   *verb,
                ScIdentity   *identity,
                const GError *error)
{
  g_autofree char *fingerprint = NULL;

  if (identity == NULL)
    return identity_error (error);

  fingerprint = sc_fingerprint_format (sc_identity_get_fingerprint (identity));
  printf ("%s the identity of this profile.\n", verb);
  sc_cli_print_field ("User ID", sc_identity_get_user_id (identity));
  sc_cli_print_field ("Name", sc_identity_get_name (identity));
  sc_cli_print_field ("Fingerprint", fingerprint);

  return SC_EXIT_OK;
}

static int
identity_new (const char *profile_dir,
              int         argc,
              char      **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *user_id = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, NULL, NULL },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user_id, NULL, NULL },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  const char *usage = "identity new --name NAME --user USERID [--replace]";
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  if (!sc_cli_parse_options (usage, entries, 0, 0, &argc, &argv))
    return SC_EXIT_USAGE;
  if (name == NULL || user_id == NULL)
    return sc_cli_usage_error ("usage: sixchat-cli %s", usage);

  identity = sc_identity_create (profile_dir, name, user_id,
                                 replace ? SC_IDENTITY_FLAGS_REPLACE : SC_IDENTITY_FLAGS_NONE,
                                 &error);
  return report_created ("Created", identity, error);
}

static int
identity_show (const char *profile_dir,
               int         argc,
               char      **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScIdentity) identity = NULL;
  ScPeerCertificate *certificate;

  if (!sc_cli_parse_options ("identity show [--json]", entries, 0, 0, &argc, &argv))
    return SC_EXIT_USAGE;

  identity = load_identity (profile_dir);
  if (identity == NULL)
    return SC_EXIT_FAILURE;

  certificate = sc_identity_get_certificate (identity);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      sc_cli_json_add_string (builder, "user", sc_identity_get_user_id (identity));
      sc_cli_json_add_string (builder, "name", sc_identity_get_name (identity));
      sc_cli_json_add_string (builder, "fingerprint", sc_identity_get_fingerprint (identity));
      sc_cli_json_add_int (builder, "not_before", sc_peer_certificate_get_not_before (certificate));
      sc_cli_json_add_int (builder, "not_after", sc_peer_certificate_get_not_after (certificate));
      sc_cli_json_add_string (builder, "issuer",
                              sc_peer_certificate_get_issuer_name (certificate));
      json_builder_set_member_name (builder, "self_signed");
      json_builder_add_boolean_value (builder, sc_peer_certificate_is_self_signed (certificate));
      sc_cli_json_add_string (builder, "profile", profile_dir);
      json_builder_end_object (builder);

      sc_cli_print_json (builder);
    }
  else
    {
      sc_cli_print_certificate (certificate);
      sc_cli_print_field ("Issuer", sc_peer_certificate_is_self_signed (certificate)
                                      ? "self-signed"
                                      : sc_peer_certificate_get_issuer_name (certificate));
      sc_cli_print_field ("Profile", profile_dir);
    }

  return SC_EXIT_OK;
}

static int
identity_csr (const char *profile_dir,
              int         argc,
              char      **argv)
{
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;

  if (!sc_cli_parse_options ("identity csr [--output FILE]", entries, 0, 0, &argc, &argv))
    return SC_EXIT_USAGE;

  identity = load_identity (profile_dir);
  if (identity == NULL)
    return SC_EXIT_FAILURE;

  pem = sc_identity_create_csr (identity, &error);
  if (pem == NULL)
    return identity_error (error);

  if (output == NULL)
    fputs (pem, stdout);
  else if (!g_file_set_contents (output, pem, -1, &error))
    return sc_cli_error ("%s", error->message);

  return SC_EXIT_OK;
}

static int
identity_import (const char *profile_dir,
                 int         argc,
                 char      **argv)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_path, NULL, NULL },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, NULL, NULL },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  const char *usage = "identity import --cert FILE [--key FILE] [--replace]";
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  if (!sc_cli_parse_options (usage, entries, 0, 0, &argc, &argv))
    return SC_EXIT_USAGE;
  if (cert_path == NULL)
    return sc_cli_usage_error ("usage: sixchat-cli %s", usage);

  identity = sc_identity_import (profile_dir, cert_path, key_path,
                                 replace ? SC_IDENTITY_FLAGS_REPLACE : SC_IDENTITY_FLAGS_NONE,
                                 &error);
  return report_created ("Imported", identity, error);
}

static int
identity_import_p12 (const char *profile_dir,
                     int         argc,
                     char      **argv)
{
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScCliSecret) passphrase = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  if (!sc_cli_parse_options ("identity import-p12 FILE [--replace]", entries, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  path = argv[1];

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return sc_cli_error ("cannot read %s: no such file", path);

  passphrase = get_passphrase (path, FALSE);
  if (passphrase == NULL)
    return SC_EXIT_FAILURE;

  identity = sc_identity_import_pkcs12 (profile_dir, path, passphrase,
                                        replace ? SC_IDENTITY_FLAGS_REPLACE
                                                : SC_IDENTITY_FLAGS_NONE,
                                        &error);
  return report_created ("Imported", identity, error);
}

static int
identity_export_p12 (const char *profile_dir,
                     int         argc,
                     char      **argv)
{
  g_autoptr(ScCliSecret) passphrase = NULL;
  g_autoptr(ScIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  if (!sc_cli_parse_options ("identity export-p12 FILE", NULL, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  path = argv[1];

  identity = load_identity (profile_dir);
  if (identity == NULL)
    return SC_EXIT_FAILURE;

  passphrase = get_passphrase (path, TRUE);
  if (passphrase == NULL)
    return SC_EXIT_FAILURE;
  if (passphrase[0] == '\0')
    return sc_cli_error ("refusing to export the key with an empty passphrase");

  if (!sc_identity_export_pkcs12 (identity, path, passphrase, &error))
    return identity_error (error);

  printf ("Exported identity to %s\n", path);
  return SC_EXIT_OK;
}

int
sc_cli_identity (const char *profile_dir,
                 int         argc,
                 char      **argv)
{
  static const ScCliCommand subcommands[] = {
    { "new", identity_new },
    { "show", identity_show },
    { "csr", identity_csr },
    { "import", identity_import },
    { "import-p12", identity_import_p12 },
    { "export-p12", identity_export_p12 },
  };

  return sc_cli_dispatch ("identity", subcommands, G_N_ELEMENTS (subcommands),
                          profile_dir, argc, argv);
}
