/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sc-peer-certificate.h"
#include "sc-store.h"

G_BEGIN_DECLS

/* Exit codes of sixchat-cli; documented in README.md and `sixchat-cli --help`. */
typedef enum
{
  SC_EXIT_OK              = 0,   /* success; `cert verify`: allow */
  SC_EXIT_FAILURE         = 1,   /* an error (message on stderr); `cert verify`: reject */
  SC_EXIT_USAGE           = 2,   /* bad command line */
  SC_EXIT_ASK             = 3,   /* `cert verify`: ask */
  SC_EXIT_REFUSED         = 4,   /* chat: connection refused (nobody listening) */
  SC_EXIT_UNREACHABLE     = 5,   /* chat: no route, name not resolved */
  SC_EXIT_TIMEOUT         = 6,   /* chat: connect, handshake or hello timed out */
  SC_EXIT_TLS             = 7,   /* chat: TLS failed; the peer refused our certificate */
  SC_EXIT_CERTIFICATE     = 8,   /* chat: we rejected the peer's certificate */
  SC_EXIT_WRONG_PEER      = 9,   /* chat: the peer is not the user ID we dialled */
  SC_EXIT_DECLINED        = 10,  /* chat: the peer declined our contact request */
  SC_EXIT_UNACKNOWLEDGED  = 11,  /* chat: closed before every message was acknowledged */
} ScExitCode;

/* Each subcommand gets the resolved profile directory and the arguments
 * after its name (argv[0] is the subcommand name).  They print errors to
 * stderr and return an ScExitCode. */
int sc_cli_identity (const char *profile_dir, int argc, char **argv);
int sc_cli_trust    (const char *profile_dir, int argc, char **argv);
int sc_cli_cert     (const char *profile_dir, int argc, char **argv);
int sc_cli_requests (const char *profile_dir, int argc, char **argv);
int sc_cli_listen   (const char *profile_dir, int argc, char **argv);
int sc_cli_chat     (const char *profile_dir, int argc, char **argv);
int sc_cli_history  (const char *profile_dir, int argc, char **argv);

/* Helpers shared by the subcommands (sc-cli.c). */

typedef int (*ScCliCommandFunc) (const char  *profile_dir,
                                 int          argc,
                                 char       **argv);

typedef struct
{
  const char       *name;
  ScCliCommandFunc  func;
} ScCliCommand;

/* Run the entry of commands named by argv[1], with argv + 1; group is the
 * name in argv[0] ("trust"), for the usage error when none matches. */
int       sc_cli_dispatch         (const char          *group,
                                   const ScCliCommand  *commands,
                                   gsize                n_commands,
                                   const char          *profile_dir,
                                   int                  argc,
                                   char               **argv);

/* Print "sixchat-cli: MESSAGE" on stderr; return SC_EXIT_FAILURE. */
int       sc_cli_error            (const char          *format,
                                   ...) G_GNUC_PRINTF (1, 2);
/* sc_cli_error() with error's message; or, when error matches domain and
 * code, with the message made from format instead. */
int       sc_cli_error_from       (const GError        *error,
                                   GQuark               domain,
                                   int                  code,
                                   const char          *format,
                                   ...) G_GNUC_PRINTF (4, 5);
/* Print "sixchat-cli: MESSAGE" and a pointer to --help on stderr; return SC_EXIT_USAGE. */
int       sc_cli_usage_error      (const char          *format,
                                   ...) G_GNUC_PRINTF (1, 2);
/* Parse a subcommand's options (entries may be NULL) out of argc and argv,
 * where argv[0] names the subcommand, and check that between min_args and
 * max_args positional arguments remain.  On failure print a usage error
 * quoting usage ("trust list [--json]") and return FALSE. */
gboolean  sc_cli_parse_options    (const char          *usage,
                                   const GOptionEntry  *entries,
                                   int                  min_args,
                                   int                  max_args,
                                   int                 *argc,
                                   char              ***argv);
/* Print what builder built as one line of compact JSON on stdout. */
void      sc_cli_print_json       (JsonBuilder         *builder);
/* Add a member whose value is a string, or null when value is NULL. */
void      sc_cli_json_add_string  (JsonBuilder         *builder,
                                   const char          *name,
                                   const char          *value);
/* Add a member whose value is an integer. */
void      sc_cli_json_add_int     (JsonBuilder         *builder,
                                   const char          *name,
                                   gint64               value);
/* Add the members describing a knock (direction to detail), as
 * `trust knocks --json` and the knock event of `listen` print them. */
void      sc_cli_json_add_knock   (JsonBuilder         *builder,
                                   const ScKnock       *knock);
/* text (which may come from a peer: a name, a greeting) with control
 * characters and invalid UTF-8 replaced, safe to print on a terminal;
 * "" for NULL. */
char     *sc_cli_printable        (const char          *text);
/* Print "LABEL:  VALUE" aligned on stdout, value through sc_cli_printable(). */
void      sc_cli_print_field      (const char          *label,
                                   const char          *value);
/* UNIX seconds as local "YYYY-MM-DD HH:MM:SS", for people. */
char     *sc_cli_format_time      (gint64               unix_seconds);
/* Print the User ID, Name, Fingerprint and Valid fields of the leaf. */
void      sc_cli_print_certificate (ScPeerCertificate  *certificate);

G_END_DECLS
