/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "sc-cli-private.h"

int
sc_cli_listen (const char *profile_dir, int argc, char **argv)
{
  fprintf (stderr, "sixchat-cli: listen is not built yet\n");
  return SC_EXIT_FAILURE;
}

int
sc_cli_chat (const char *profile_dir, int argc, char **argv)
{
  fprintf (stderr, "sixchat-cli: chat is not built yet\n");
  return SC_EXIT_FAILURE;
}
