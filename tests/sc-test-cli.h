/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sc-test-util.h"

G_BEGIN_DECLS

/* sixchat-cli ($SIXCHAT_CLI) run as a subprocess, as users and scripts run
 * it, with its output captured, for test-cli and test-cli-net.  Each case
 * makes its own temporary directory, with the profile in DIR/profile.
 *
 * The test programs ignore SIGPIPE and the children restore it; children
 * started by sc_test_cli_spawn() are killed when the test program dies. */

typedef char ScTestDir;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTestDir, sc_test_dir_free)

#define SC_TEST_NET_TIMEOUT 10  /* seconds any one wait may take */

typedef struct
{
  int   status;  /* exit status; -1 when killed by a signal */
  char *out;
  char *err;
} ScTestCliResult;

void             sc_test_cli_result_free     (ScTestCliResult    *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTestCliResult, sc_test_cli_result_free)

/* Runs $SIXCHAT_CLI [--profile PROFILE] ARGS… to completion, with stdin
 * empty and no terminal.  SIXCHAT_PROFILE and SIXCHAT_PASSPHRASE are unset
 * unless env (NULL-terminated "NAME=VALUE" strings, may be NULL) sets them. */
ScTestCliResult *sc_test_cli_run_env         (const char         *profile,
                                              const char * const *env,
                                              const char         *first_arg,
                                              ...) G_GNUC_NULL_TERMINATED;
#define sc_test_cli_run(profile, ...) sc_test_cli_run_env ((profile), NULL, __VA_ARGS__)

/* Starts $SIXCHAT_CLI --profile PROFILE ARGS… with stdin, stdout and stderr
 * as flags says, in a new session, killed when the test program dies. */
GSubprocess     *sc_test_cli_spawn           (const char         *profile,
                                              GSubprocessFlags    flags,
                                              GPtrArray          *args);

/* The only line of out, parsed as a JSON object. */
JsonObject      *sc_test_parse_json_line     (const char         *out);
/* Every line of out, each a JSON object. */
GPtrArray       *sc_test_parse_json_lines    (const char         *out);

/* DIR/profile */
char            *sc_test_cli_profile_path    (const char         *dir);
/* identity new --name NAME --user USER_ID, which must succeed. */
void             sc_test_cli_create_identity (const char         *profile,
                                              const char         *name,
                                              const char         *user_id);
/* identity show --json */
JsonObject      *sc_test_cli_show_identity   (const char         *profile);
/* trust list --json */
JsonObject      *sc_test_cli_trust_list      (const char         *profile);
/* Whether the allow or block list (of a `trust list --json` object) holds
 * kind:value. */
gboolean         sc_test_cli_list_has        (JsonObject         *list,
                                              const char         *name,
                                              const char         *kind,
                                              const char         *value);
/* The object of objects whose "user" is user_id; there must be one. */
JsonObject      *sc_test_find_by_user        (GPtrArray          *objects,
                                              const char         *user_id);

/* The first event of events named event, and whose string member is value
 * unless member is NULL; NULL when there is none. */
JsonObject      *sc_test_find_event          (GPtrArray          *events,
                                              const char         *event,
                                              const char         *member,
                                              const char         *value);
/* The events named event, in order (borrowed from events). */
GPtrArray       *sc_test_filter_events       (GPtrArray          *events,
                                              const char         *event);

typedef gboolean (*ScTestCondition) (gpointer data);

/* data points to a gboolean: whether it is TRUE. */
gboolean         sc_test_flag_is_set         (gpointer            data);
/* Spins the main context until condition (data) holds or timeout_seconds
 * pass; returns whether it holds. */
gboolean         sc_test_spin_until          (ScTestCondition     condition,
                                              gpointer            data,
                                              guint               timeout_seconds);
/* Waits up to timeout_seconds for process to exit; past that it is killed
 * and FALSE returned. */
gboolean         sc_test_process_wait        (GSubprocess        *process,
                                              guint               timeout_seconds);

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
} ScTestListener;

/* Starts `listen --address ADDRESS --port 0 [--handshake-timeout MS]` and
 * waits until it listens. */
ScTestListener  *sc_test_listener_start      (const char         *profile,
                                              const char         *address,
                                              const char         *handshake_timeout_ms);
/* Waits for an event as sc_test_find_event() finds it and returns it. */
JsonObject      *sc_test_listener_wait       (ScTestListener     *listener,
                                              const char         *event,
                                              const char         *member,
                                              const char         *value);
/* SIGTERM, then waits until it exited (with status 0) and all of its output
 * was read. */
void             sc_test_listener_stop       (ScTestListener     *listener);
void             sc_test_listener_free       (ScTestListener     *listener);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTestListener, sc_test_listener_free)

/* A running `chat`: its stdout and stderr collected as they come. */
typedef struct _ScTestChat ScTestChat;

/* Starts `chat ARGS…` and writes input on its standard input, which stays
 * open until sc_test_chat_end_input(). */
ScTestChat      *sc_test_chat_spawn          (const char         *profile,
                                              const char         *input,
                                              const char         *first_arg,
                                              ...) G_GNUC_NULL_TERMINATED;
/* Writes text on the chat's standard input. */
void             sc_test_chat_write          (ScTestChat         *chat,
                                              const char         *text);
void             sc_test_chat_end_input      (ScTestChat         *chat);
/* Ends the chat's standard input, waits for it to exit and frees it. */
ScTestCliResult *sc_test_chat_finish         (ScTestChat         *chat);
/* `chat ARGS…` with input on its standard input, run to completion. */
ScTestCliResult *sc_test_chat_run            (const char         *profile,
                                              const char         *input,
                                              const char         *first_arg,
                                              ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
