/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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

G_END_DECLS
