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
#include "sc-test-cli.h"

void
sc_test_cli_result_free (ScTestCliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

static void
detach_from_terminal (gpointer data)
{
  /* A new session has no controlling terminal: /dev/tty cannot be opened,
   * as for a program started by a service or a script. */
  setsid ();
  /* This process ignores SIGPIPE (see main()); a shell's child would not. */
  signal (SIGPIPE, SIG_DFL);
}

ScTestCliResult *
sc_test_cli_run_env (const char         *profile,
                     const char * const *env,
                     const char         *first_arg,
                     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  ScTestCliResult *result = g_new0 (ScTestCliResult, 1);
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

/* The only line of out, parsed as a JSON object. */
JsonObject *
sc_test_parse_json_line (const char *out)
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
GPtrArray *
sc_test_parse_json_lines (const char *out)
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
      g_ptr_array_add (objects, sc_test_parse_json_line (line));
    }

  return g_steal_pointer (&objects);
}

char *
sc_test_cli_profile_path (const char *dir)
{
  return g_build_filename (dir, "profile", NULL);
}

void
sc_test_cli_create_identity (const char *profile,
                             const char *name,
                             const char *user_id)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "identity", "new", "--name", name,
                                                       "--user", user_id, NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);
}

JsonObject *
sc_test_cli_show_identity (const char *profile)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "identity", "show", "--json", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);

  return sc_test_parse_json_line (result->out);
}

JsonObject *
sc_test_cli_trust_list (const char *profile)
{
  g_autoptr(ScTestCliResult) result = sc_test_cli_run (profile, "trust", "list", "--json", NULL);

  g_assert_cmpint (result->status, ==, SC_EXIT_OK);

  return sc_test_parse_json_line (result->out);
}

/* Whether the allow or block list (of a `trust list --json` object) holds kind:value. */
gboolean
sc_test_cli_list_has (JsonObject *list,
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
JsonObject *
sc_test_find_by_user (GPtrArray  *objects,
                      const char *user_id)
{
  for (guint i = 0; i < objects->len; i++)
    if (g_strcmp0 (json_object_get_string_member (objects->pdata[i], "user"), user_id) == 0)
      return objects->pdata[i];

  g_assert_not_reached ();
}

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
GSubprocess *
sc_test_cli_spawn (const char       *profile,
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

gboolean
sc_test_flag_is_set (gpointer data)
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
gboolean
sc_test_spin_until (ScTestCondition condition,
                    gpointer        data,
                    guint           timeout_seconds)
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
gboolean
sc_test_process_wait (GSubprocess *process,
                      guint        timeout_seconds)
{
  gboolean exited = FALSE;

  g_subprocess_wait_async (process, NULL, on_process_exited, &exited);
  if (sc_test_spin_until (sc_test_flag_is_set, &exited, timeout_seconds))
    return TRUE;

  g_subprocess_force_exit (process);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);

  return FALSE;
}

/* The first event of events named event, and whose string member is value
 * unless member is NULL; NULL when there is none. */
JsonObject *
sc_test_find_event (GPtrArray  *events,
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
GPtrArray *
sc_test_filter_events (GPtrArray  *events,
                       const char *event)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (json_object_get_string_member (events->pdata[i], "event"), event) == 0)
      g_ptr_array_add (found, events->pdata[i]);

  return found;
}

static void listener_read_line (ScTestListener *listener);

static void
on_listener_line (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ScTestListener *listener = user_data;
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
  g_ptr_array_add (listener->events, sc_test_parse_json_line (text));
  listener_read_line (listener);
}

static void
listener_read_line (ScTestListener *listener)
{
  g_data_input_stream_read_line_async (listener->output, G_PRIORITY_DEFAULT, NULL,
                                       on_listener_line, listener);
}

typedef struct
{
  ScTestListener *listener;
  const char     *event;
  const char     *member;
  const char     *value;
  JsonObject     *found;
} EventQuery;

static gboolean
event_seen (gpointer data)
{
  EventQuery *query = data;

  query->found = sc_test_find_event (query->listener->events, query->event, query->member,
                                     query->value);

  return query->found != NULL || query->listener->eof;
}

/* Waits for an event as sc_test_find_event() finds it and returns it. */
JsonObject *
sc_test_listener_wait (ScTestListener *listener,
                       const char     *event,
                       const char     *member,
                       const char     *value)
{
  EventQuery query = { listener, event, member, value, NULL };

  sc_test_spin_until (event_seen, &query, SC_TEST_NET_TIMEOUT);
  if (query.found == NULL)
    g_error ("listen printed no %s event with %s = %s", event, member, value);

  return query.found;
}

/* Starts `listen --address ADDRESS --port 0 [--handshake-timeout MS]` and
 * waits until it listens. */
ScTestListener *
sc_test_listener_start (const char *profile,
                        const char *address,
                        const char *handshake_timeout_ms)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  ScTestListener *listener = g_new0 (ScTestListener, 1);
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

  listener->process = sc_test_cli_spawn (profile, G_SUBPROCESS_FLAGS_STDOUT_PIPE, args);
  listener->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (listener->process));
  listener->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  listener_read_line (listener);

  listening = sc_test_listener_wait (listener, "listening", NULL, NULL);
  g_assert_true (listener->events->pdata[0] == listening);
  listener->port = (guint16) json_object_get_int_member (listening, "port");
  g_assert_cmpuint (listener->port, >, 0);
  listener->address = g_strdup (json_object_get_string_member (listening, "address"));

  return listener;
}

/* SIGTERM, then waits until it exited (with status 0) and all of its output
 * was read. */
void
sc_test_listener_stop (ScTestListener *listener)
{
  gboolean exited;

  if (listener->stopped)
    return;
  listener->stopped = TRUE;

  g_subprocess_send_signal (listener->process, SIGTERM);
  exited = sc_test_process_wait (listener->process, SC_TEST_NET_TIMEOUT);
  g_assert_true (sc_test_spin_until (sc_test_flag_is_set, &listener->eof, SC_TEST_NET_TIMEOUT));
  g_assert_true (exited);
  g_assert_true (g_subprocess_get_if_exited (listener->process));
  g_assert_cmpint (g_subprocess_get_exit_status (listener->process), ==, SC_EXIT_OK);
}

void
sc_test_listener_free (ScTestListener *listener)
{
  sc_test_listener_stop (listener);
  g_clear_object (&listener->output);
  g_clear_object (&listener->process);
  g_clear_pointer (&listener->events, g_ptr_array_unref);
  g_free (listener->address);
  g_free (listener);
}

struct _ScTestChat
{
  GSubprocess   *process;
  GOutputStream *out;  /* GMemoryOutputStream */
  GOutputStream *err;
  gboolean       out_done;
  gboolean       err_done;
  gboolean       exited;
};

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
void
sc_test_chat_write (ScTestChat *chat,
                    const char *text)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *input = g_subprocess_get_stdin_pipe (chat->process);

  g_output_stream_write_all (input, text, strlen (text), NULL, NULL, &error);
  /* A chat that has already given up reads no more: its exit status tells. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    g_assert_no_error (error);
}

void
sc_test_chat_end_input (ScTestChat *chat)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (chat->process), NULL, &error);
  g_assert_no_error (error);
}

/* Starts `chat ARGS…` and writes input on its standard input, which stays
 * open until sc_test_chat_end_input(). */
static ScTestChat *
chat_spawn_va (const char *profile,
               const char *input,
               const char *first_arg,
               va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  ScTestChat *chat = g_new0 (ScTestChat, 1);

  g_ptr_array_add (argv, (gpointer) "chat");
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);

  chat->process = sc_test_cli_spawn (profile,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE, argv);
  collect (g_subprocess_get_stdout_pipe (chat->process), &chat->out, &chat->out_done);
  collect (g_subprocess_get_stderr_pipe (chat->process), &chat->err, &chat->err_done);
  g_subprocess_wait_async (chat->process, NULL, on_process_exited, &chat->exited);

  if (input[0] != '\0')
    sc_test_chat_write (chat, input);

  return chat;
}

ScTestChat *
sc_test_chat_spawn (const char *profile,
                    const char *input,
                    const char *first_arg,
                    ...)
{
  ScTestChat *chat;
  va_list args;

  va_start (args, first_arg);
  chat = chat_spawn_va (profile, input, first_arg, args);
  va_end (args);

  return chat;
}

static gboolean
chat_done (gpointer data)
{
  ScTestChat *chat = data;

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
ScTestCliResult *
sc_test_chat_finish (ScTestChat *chat)
{
  ScTestCliResult *result = g_new0 (ScTestCliResult, 1);
  gboolean in_time;

  sc_test_chat_end_input (chat);
  in_time = sc_test_spin_until (chat_done, chat, SC_TEST_NET_TIMEOUT);
  if (!in_time)
    {
      g_test_message ("chat did not end within %d s: killed", SC_TEST_NET_TIMEOUT);
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
ScTestCliResult *
sc_test_chat_run (const char *profile,
                  const char *input,
                  const char *first_arg,
                  ...)
{
  ScTestChat *chat;
  va_list args;

  va_start (args, first_arg);
  chat = chat_spawn_va (profile, input, first_arg, args);
  va_end (args);

  return sc_test_chat_finish (chat);
}
