/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sc-cli-private.h"
#include "sc-profile.h"

static const struct
{
  const char       *name;
  ScCliCommandFunc  func;
  gboolean          own_help;  /* answers COMMAND --help itself, with its options */
} commands[] = {
  { "identity", sc_cli_identity, FALSE },
  { "trust",    sc_cli_trust,    FALSE },
  { "cert",     sc_cli_cert,     FALSE },
  { "requests", sc_cli_requests, FALSE },
  { "listen",   sc_cli_listen,   TRUE },
  { "chat",     sc_cli_chat,     TRUE },
  { "history",  sc_cli_history,  FALSE },
};

static const char help_text[] =
  "Usage: sixchat-cli [--profile DIR] [--version] [--help] COMMAND [ARGUMENTS…]\n"
  "\n"
  "A SixChat user agent without a window: the identity, trust settings and\n"
  "contact requests of a profile, certificate checks, and chat.\n"
  "\n"
  "Global options:\n"
  "  --profile DIR   the profile directory (default: $SIXCHAT_PROFILE,\n"
  "                  else $XDG_DATA_HOME/sixchat)\n"
  "  --version       print the version and exit\n"
  "  --help          print this help and exit (also COMMAND --help)\n"
  "\n"
  "Identity:\n"
  "  identity new --name NAME --user USERID [--replace]\n"
  "                  create a key and a self-signed certificate\n"
  "  identity show [--json]\n"
  "  identity csr [--output FILE]\n"
  "                  a certificate request (PEM) for the identity's key\n"
  "  identity import --cert FILE [--key FILE] [--replace]\n"
  "                  a certificate chain (PEM, leaf first), with its key or\n"
  "                  for the profile's key (the answer to `identity csr`)\n"
  "  identity import-p12 FILE [--replace]\n"
  "  identity export-p12 FILE\n"
  "\n"
  "Trust:\n"
  "  trust add-issuer FILE        trust the CA certificates in FILE (PEM or DER)\n"
  "  trust remove-issuer FINGERPRINT\n"
  "  trust add-crl FILE           add the CRLs in FILE (PEM or DER)\n"
  "  trust remove-crl FINGERPRINT\n"
  "  trust allow TARGET [--note TEXT]\n"
  "  trust disallow TARGET\n"
  "  trust block TARGET|issuer:FINGERPRINT [--note TEXT]\n"
  "  trust unblock TARGET|issuer:FINGERPRINT\n"
  "  trust policy [ask|reject]    what happens to strangers (print it without argument)\n"
  "  trust list [--json]\n"
  "  trust knocks [--json] [--limit N]\n"
  "                  who connected, newest first (all unless --limit)\n"
  "\n"
  "  TARGET is a SHA-256 certificate fingerprint (64 hex digits; colons and\n"
  "  case do not matter) or a user ID (anything containing '@').\n"
  "\n"
  "Certificates:\n"
  "  cert verify FILE [--at UNIXTIME] [--purpose client|server] [--json]\n"
  "                  decide on a chain (PEM, leaf first) as if a peer presented it\n"
  "\n"
  "Contact requests:\n"
  "  requests [--json] [--all]    pending requests (--all: decided ones too)\n"
  "  requests accept ID           allow the certificate\n"
  "  requests decline ID\n"
  "  requests undo ID             make a declined request pending again\n"
  "  requests block ID            block the certificate\n"
  "\n"
  "Network (listen --help and chat --help describe their options):\n"
  "  listen [--address ADDR] [--port N] [--max-sessions N] [--max-handshakes N]\n"
  "         [--handshake-timeout MS]\n"
  "                  accept sessions until SIGINT or SIGTERM; one JSON event per line\n"
  "  chat USERID --address ADDR[:PORT] [--greeting TEXT] [--timeout S]\n"
  "                  send each line of standard input to USERID as a message;\n"
  "                  what cannot be delivered stays queued in the profile\n"
  "\n"
  "History:\n"
  "  history [--json] [--limit N]  the conversations, newest first\n"
  "  history USERID [--json] [--limit N]\n"
  "                  the conversation with USERID, oldest first (the last N)\n"
  "  history --search TEXT [--json] [--limit N]\n"
  "                  messages containing every word of TEXT, newest first\n"
  "\n"
  "--json prints one JSON object per line on stdout.  PKCS#12 passphrases come\n"
  "from $SIXCHAT_PASSPHRASE, else they are asked for on the terminal.\n"
  "\n"
  "Exit status:\n"
  "   0  success; cert verify: allow\n"
  "   1  an error (message on stderr); cert verify: reject\n"
  "   2  bad command line; cert verify: any error, such as a file that cannot\n"
  "      be read or parsed (with --json, {\"error\": MESSAGE} on stdout)\n"
  "   3  cert verify: ask\n"
  "   4  chat: connection refused (nobody listening)\n"
  "   5  chat: no route, or the name does not resolve\n"
  "   6  chat: connecting, the handshake or the hello timed out\n"
  "   7  chat: TLS failed; the peer refused our certificate\n"
  "   8  chat: we rejected the peer's certificate\n"
  "   9  chat: the peer is not the user ID we called\n"
  "  10  chat: the peer declined our contact request\n"
  "  11  chat: closed before every message was acknowledged\n";

static int
vprint_error (int         status,
              const char *format,
              va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  fprintf (stderr, "sixchat-cli: %s\n", message);
  if (status == SC_EXIT_USAGE)
    fputs ("Try 'sixchat-cli --help'.\n", stderr);

  return status;
}

int
sc_cli_error (const char *format,
              ...)
{
  va_list args;
  int status;

  va_start (args, format);
  status = vprint_error (SC_EXIT_FAILURE, format, args);
  va_end (args);

  return status;
}

int
sc_cli_error_from (const GError *error,
                   GQuark        domain,
                   int           code,
                   const char   *format,
                   ...)
{
  va_list args;
  int status;

  if (!g_error_matches (error, domain, code))
    return sc_cli_error ("%s", error->message);

  va_start (args, format);
  status = vprint_error (SC_EXIT_FAILURE, format, args);
  va_end (args);

  return status;
}

int
sc_cli_usage_error (const char *format,
                    ...)
{
  va_list args;
  int status;

  va_start (args, format);
  status = vprint_error (SC_EXIT_USAGE, format, args);
  va_end (args);

  return status;
}

int
sc_cli_dispatch (const char          *group,
                 const ScCliCommand  *group_commands,
                 gsize                n_commands,
                 const char          *profile_dir,
                 int                  argc,
                 char               **argv)
{
  g_autoptr(GString) names = g_string_new (NULL);

  if (argc >= 2)
    {
      for (gsize i = 0; i < n_commands; i++)
        if (g_str_equal (argv[1], group_commands[i].name))
          return group_commands[i].func (profile_dir, argc - 1, argv + 1);
    }

  for (gsize i = 0; i < n_commands; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", group_commands[i].name);

  if (argc < 2)
    return sc_cli_usage_error ("usage: sixchat-cli %s %s …", group, names->str);

  return sc_cli_usage_error ("unknown command “%s %s” (one of %s)", group, argv[1], names->str);
}

gboolean
sc_cli_parse_options (const char          *usage,
                      const GOptionEntry  *entries,
                      int                  min_args,
                      int                  max_args,
                      int                 *argc,
                      char              ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  int n_args;

  g_option_context_set_help_enabled (context, FALSE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      sc_cli_usage_error ("%s (usage: sixchat-cli %s)", error->message, usage);
      return FALSE;
    }

  n_args = *argc - 1;
  if (n_args < min_args || n_args > max_args)
    {
      sc_cli_usage_error ("usage: sixchat-cli %s", usage);
      return FALSE;
    }

  return TRUE;
}

void
sc_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  /* Event streams (listen, chat) are read line by line as they happen. */
  fflush (stdout);
}

void
sc_cli_json_add_string (JsonBuilder *builder,
                        const char  *name,
                        const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
sc_cli_json_add_int (JsonBuilder *builder,
                     const char  *name,
                     gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
sc_cli_json_add_knock (JsonBuilder   *builder,
                       const ScKnock *knock)
{
  sc_cli_json_add_string (builder, "direction", knock->incoming ? "incoming" : "outgoing");
  sc_cli_json_add_string (builder, "address", knock->address);
  sc_cli_json_add_string (builder, "fingerprint", knock->fingerprint);
  sc_cli_json_add_string (builder, "user", knock->user_id);
  sc_cli_json_add_string (builder, "name", knock->name);
  sc_cli_json_add_string (builder, "verdict", sc_verdict_to_string (knock->verdict));
  sc_cli_json_add_string (builder, "reason", knock->reason);
  sc_cli_json_add_string (builder, "detail", knock->detail);
}

char *
sc_cli_printable (const char *text)
{
  g_autofree char *valid = NULL;
  GString *printable;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  printable = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (printable, g_unichar_iscntrl (c) ? 0xFFFD : c);
    }

  return g_string_free (printable, FALSE);
}

void
sc_cli_print_field (const char *label,
                    const char *value)
{
  g_autofree char *with_colon = g_strconcat (label, ":", NULL);
  g_autofree char *printable = sc_cli_printable (value);

  printf ("%-13s%s\n", with_colon, printable);
}

char *
sc_cli_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);

  if (time == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, unix_seconds);

  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

void
sc_cli_print_certificate (ScPeerCertificate *certificate)
{
  g_autofree char *from = sc_cli_format_time (sc_peer_certificate_get_not_before (certificate));
  g_autofree char *to = sc_cli_format_time (sc_peer_certificate_get_not_after (certificate));
  g_autofree char *validity = g_strdup_printf ("%s to %s", from, to);
  g_autofree char *fingerprint = NULL;

  fingerprint = sc_fingerprint_format (sc_peer_certificate_get_fingerprint (certificate));
  sc_cli_print_field ("User ID", sc_peer_certificate_get_user_id (certificate));
  sc_cli_print_field ("Name", sc_peer_certificate_get_name (certificate));
  sc_cli_print_field ("Fingerprint", fingerprint);
  sc_cli_print_field ("Valid", validity);
}

static gboolean
is_help_option (const char *arg)
{
  return g_str_equal (arg, "--help") || g_str_equal (arg, "-h");
}

/* `sixchat-cli COMMAND … --help`: any --help before a "--". */
static gboolean
wants_help (int    argc,
            char **argv)
{
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (is_help_option (argv[i]))
      return TRUE;

  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  const char *profile_option = NULL;
  g_autofree char *profile_dir = NULL;
  int i;

  setlocale (LC_ALL, "");

  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        {
          i++;
          break;
        }
      else if (g_str_equal (arg, "--profile"))
        {
          if (i + 1 >= argc)
            return sc_cli_usage_error ("--profile needs a directory");
          profile_option = argv[++i];
        }
      else if (g_str_has_prefix (arg, "--profile="))
        {
          profile_option = arg + strlen ("--profile=");
        }
      else if (g_str_equal (arg, "--version"))
        {
          printf ("sixchat-cli %s\n", PACKAGE_VERSION);
          return SC_EXIT_OK;
        }
      else if (is_help_option (arg))
        {
          fputs (help_text, stdout);
          return SC_EXIT_OK;
        }
      else
        {
          return sc_cli_usage_error ("unknown option %s", arg);
        }
    }

  if (profile_option != NULL && profile_option[0] == '\0')
    return sc_cli_usage_error ("--profile needs a directory");

  if (i >= argc)
    return sc_cli_usage_error ("no command given");

  if (g_str_equal (argv[i], "help"))
    {
      fputs (help_text, stdout);
      return SC_EXIT_OK;
    }

  for (gsize c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      if (!g_str_equal (argv[i], commands[c].name))
        continue;

      if (!commands[c].own_help && wants_help (argc - i, argv + i))
        {
          fputs (help_text, stdout);
          return SC_EXIT_OK;
        }

      profile_dir = sc_profile_resolve (profile_option);
      return commands[c].func (profile_dir, argc - i, argv + i);
    }

  return sc_cli_usage_error ("unknown command “%s”", argv[i]);
}
