/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Third-party TLS clients, gnutls-cli and openssl s_client, talking PeerTLS
 * to a real `sixchat-cli listen` on ::1, the way docs/PROTOCOL.md §11 tells
 * people to talk to a node by hand.  Each case starts its own listener (Bob)
 * in its own temporary profile that has pinned Carol's certificate. */
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

#include "sc-test-certs.h"
#include "sc-test-util.h"

/* Every wait is bounded by this; a healthy run needs well under a second. */
#define WAIT_SECONDS 15

#define BOB_USER    "bob@example.net"
#define BOB_NAME    "Bob"
#define CAROL_USER  "carol@example.org"
#define CAROL_NAME  "Carol"
#define ALPN        "sixchat/1"

typedef enum
{
  TOOL_GNUTLS,
  TOOL_OPENSSL,
} Tool;

static const char *
tool_program (Tool tool)
{
  return tool == TOOL_GNUTLS ? "gnutls-cli" : "openssl";
}

/* Skips the test unless every program named is on PATH. */
static gboolean
require_programs (const char *first,
                  ...) G_GNUC_NULL_TERMINATED;

static gboolean
require_programs (const char *first,
                  ...)
{
  gboolean found = TRUE;
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_autofree char *path = g_find_program_in_path (name);

      if (path == NULL)
        {
          g_test_skip_printf ("%s is not installed (Debian: apt install gnutls-bin openssl)",
                              name);
          found = FALSE;
          break;
        }
    }
  va_end (args);

  return found;
}

/* JSON helpers */

/* The string value of a member, or NULL when it is missing, null or not a string. */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);

  return json_node_get_int (node);
}

static char *
builder_to_line (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  return g_strconcat (text, "\n", NULL);
}

static char *
hello_line (const char *user,
            const char *name,
            const char *greeting)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "hello");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  if (greeting != NULL)
    {
      json_builder_set_member_name (builder, "greeting");
      json_builder_add_string_value (builder, greeting);
    }

  return builder_to_line (builder);
}

static char *
message_line (const char *id,
              gint64      time_ms,
              const char *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "message");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, time_ms);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);

  return builder_to_line (builder);
}

/* Child processes
 *
 * A Child reads its stdout and stderr line by line as the main context
 * spins.  Every stdout line that is a JSON object lands in frames: for the
 * listener those are its events (and every line must be one), for a TLS
 * client the frames the node sent, among the tool's own chatter. */

typedef struct
{
  char             *label;
  gboolean          strict_json;
  GSubprocess      *process;
  GOutputStream    *stdin_pipe;
  GDataInputStream *stdout_lines;
  GDataInputStream *stderr_lines;
  GCancellable     *cancellable;
  GPtrArray        *frames;      /* JsonObject */
  GPtrArray        *lines;       /* every stdout line */
  guint             n_pending;   /* async operations whose callback has not run */
  gboolean          stdout_done;
  gboolean          stderr_done;
  gboolean          exited;
} Child;

static void
child_setup (gpointer data)
{
  /* No controlling terminal, as for a program started by a script; the
   * default SIGPIPE, which this test program ignores; and should the test
   * abort, the child dies with it instead of lingering. */
  setsid ();
  signal (SIGPIPE, SIG_DFL);
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static GSubprocessLauncher *
launcher_new (void)
{
  GSubprocessLauncher *launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_unsetenv (launcher, "SIXCHAT_PROFILE");
  g_subprocess_launcher_unsetenv (launcher, "SIXCHAT_PASSPHRASE");
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  return launcher;
}

static void read_next_stdout (Child *child);
static void read_next_stderr (Child *child);

static void
on_stdout_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  child->n_pending--;
  raw = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result,
                                              &length, &error);
  if (raw == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_test_message ("%s: stdout: %s", child->label, error->message);
      child->stdout_done = TRUE;
      return;
    }

  if (length > 0 && raw[length - 1] == '\r')
    raw[--length] = '\0';
  line = g_utf8_make_valid (raw, length);
  g_test_message ("%s> %s", child->label, line);
  g_ptr_array_add (child->lines, g_strdup (line));

  if (child->strict_json || line[0] == '{')
    {
      JsonNode *root;

      parser = json_parser_new ();
      json_parser_load_from_data (parser, line, -1, &error);
      g_assert_no_error (error);
      root = json_parser_get_root (parser);
      g_assert_nonnull (root);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      g_ptr_array_add (child->frames, json_object_ref (json_node_get_object (root)));
    }

  read_next_stdout (child);
}

static void
read_next_stdout (Child *child)
{
  child->n_pending++;
  g_data_input_stream_read_line_async (child->stdout_lines, G_PRIORITY_DEFAULT,
                                       child->cancellable, on_stdout_line, child);
}

static void
on_stderr_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Child *child = user_data;
  g_autofree char *raw = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  child->n_pending--;
  raw = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result,
                                              &length, NULL);
  if (raw == NULL)
    {
      child->stderr_done = TRUE;
      return;
    }

  line = g_utf8_make_valid (raw, length);
  g_test_message ("%s (stderr)> %s", child->label, line);
  read_next_stderr (child);
}

static void
read_next_stderr (Child *child)
{
  child->n_pending++;
  g_data_input_stream_read_line_async (child->stderr_lines, G_PRIORITY_DEFAULT,
                                       child->cancellable, on_stderr_line, child);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Child *child = user_data;

  child->n_pending--;
  if (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL))
    {
      child->exited = TRUE;
      g_test_message ("%s: %s %d", child->label,
                      g_subprocess_get_if_exited (child->process) ? "exited with status"
                                                                  : "killed by signal",
                      g_subprocess_get_if_exited (child->process)
                      ? g_subprocess_get_exit_status (child->process)
                      : g_subprocess_get_term_sig (child->process));
    }
}

static GDataInputStream *
line_reader (GInputStream *pipe)
{
  GDataInputStream *lines = g_data_input_stream_new (pipe);

  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  return lines;
}

static Child *
child_spawn (const char         *label,
             gboolean            strict_json,
             const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strjoinv (" ", (char **) argv);
  Child *child = g_new0 (Child, 1);

  g_test_message ("%s: starting %s", label, command);

  child->label = g_strdup (label);
  child->strict_json = strict_json;
  child->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  child->stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (child->process));
  child->stdout_lines = line_reader (g_subprocess_get_stdout_pipe (child->process));
  child->stderr_lines = line_reader (g_subprocess_get_stderr_pipe (child->process));
  child->cancellable = g_cancellable_new ();
  child->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  child->lines = g_ptr_array_new_with_free_func (g_free);

  read_next_stdout (child);
  read_next_stderr (child);
  child->n_pending++;
  g_subprocess_wait_async (child->process, child->cancellable, on_exited, child);

  return child;
}

static gboolean
on_deadline (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* One iteration of the default main context, woken up at the deadline at
 * the latest.  FALSE once the deadline has passed. */
static gboolean
spin_once (gint64 deadline)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GSource) timeout = NULL;

  if (now >= deadline)
    return FALSE;

  timeout = g_timeout_source_new ((guint) ((deadline - now) / 1000 + 1));
  g_source_set_callback (timeout, on_deadline, NULL, NULL);
  g_source_attach (timeout, NULL);
  g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);

  return TRUE;
}

static gint64
deadline_in (guint seconds)
{
  return g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
}

static void
child_close_stdin (Child *child)
{
  g_output_stream_close (child->stdin_pipe, NULL, NULL);
}

/* Spins until the child has exited and its output is read, force-exiting
 * it after timeout_seconds.  TRUE when it ended on its own. */
static gboolean
child_reap (Child *child,
            guint  timeout_seconds)
{
  gint64 deadline = deadline_in (timeout_seconds);
  gboolean on_its_own;

  while (!(child->exited && child->stdout_done && child->stderr_done) && spin_once (deadline))
    ;
  on_its_own = child->exited;

  if (!child->exited)
    {
      g_test_message ("%s: still running after %u s, killing it", child->label, timeout_seconds);
      g_subprocess_force_exit (child->process);
    }
  child_close_stdin (child);

  deadline = deadline_in (WAIT_SECONDS);
  while (!(child->exited && child->stdout_done && child->stderr_done) && spin_once (deadline))
    ;
  if (child->n_pending > 0)
    {
      g_cancellable_cancel (child->cancellable);
      deadline = deadline_in (WAIT_SECONDS);
      while (child->n_pending > 0 && spin_once (deadline))
        ;
    }
  g_assert_cmpuint (child->n_pending, ==, 0);

  return on_its_own;
}

/* The exit status after the child ended on its own within the timeout;
 * -1 when a signal ended it. */
static int
child_wait_exit (Child *child)
{
  g_assert_true (child_reap (child, WAIT_SECONDS));
  if (!g_subprocess_get_if_exited (child->process))
    return -1;

  return g_subprocess_get_exit_status (child->process);
}

static void
child_free (Child *child)
{
  if (child == NULL)
    return;

  child_reap (child, 0);
  g_clear_object (&child->cancellable);
  g_clear_object (&child->stdout_lines);
  g_clear_object (&child->stderr_lines);
  g_clear_object (&child->stdin_pipe);
  g_clear_object (&child->process);
  g_ptr_array_unref (child->frames);
  g_ptr_array_unref (child->lines);
  g_free (child->label);
  g_free (child);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

/* Writes text to the child's stdin.  A pipe write of a few hundred bytes
 * does not block.  allow_broken: the child may have exited already. */
static void
child_write (Child      *child,
             const char *text,
             gboolean    allow_broken)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (child->stdin_pipe, text, strlen (text), NULL, NULL, &error);
  if (allow_broken && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    return;
  g_assert_no_error (error);
  g_output_stream_flush (child->stdin_pipe, NULL, &error);
  g_assert_no_error (error);
}

/* The first frame from index from on whose member key is value and, when
 * member is not NULL, whose member is member_value. */
static JsonObject *
find_frame (Child      *child,
            guint       from,
            const char *key,
            const char *value,
            const char *member,
            const char *member_value)
{
  for (guint i = from; i < child->frames->len; i++)
    {
      JsonObject *frame = g_ptr_array_index (child->frames, i);

      if (g_strcmp0 (member_string (frame, key), value) == 0
          && (member == NULL || g_strcmp0 (member_string (frame, member), member_value) == 0))
        return frame;
    }

  return NULL;
}

static JsonObject *
wait_frame (Child      *child,
            guint       from,
            const char *key,
            const char *value,
            const char *member,
            const char *member_value)
{
  gint64 deadline = deadline_in (WAIT_SECONDS);
  JsonObject *frame;

  while ((frame = find_frame (child, from, key, value, member, member_value)) == NULL
         && !child->stdout_done && spin_once (deadline))
    ;

  if (frame == NULL)
    g_test_message ("%s: no %s \"%s\"%s%s%s%s%s printed within %u s", child->label, key, value,
                    member != NULL ? " with " : "", member != NULL ? member : "",
                    member != NULL ? " \"" : "", member != NULL ? member_value : "",
                    member != NULL ? "\"" : "", WAIT_SECONDS);
  g_assert_nonnull (frame);

  return frame;
}

static gboolean
has_line_prefix (Child      *child,
                 const char *prefix)
{
  for (guint i = 0; i < child->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (child->lines, i), prefix))
      return TRUE;

  return FALSE;
}

static void
assert_no_frame (Child      *child,
                 guint       from,
                 const char *key,
                 const char *value)
{
  JsonObject *frame = find_frame (child, from, key, value, NULL, NULL);

  if (frame != NULL)
    g_test_message ("%s: unexpected %s \"%s\"", child->label, key, value);
  g_assert_null (frame);
}

/* sixchat-cli */

static void
run_cli (const char *profile,
         const char *first_arg,
         ...) G_GNUC_NULL_TERMINATED;

static void
run_cli (const char *profile,
         const char *first_arg,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *command = NULL;
  const char *cli = g_getenv ("SIXCHAT_CLI");
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "--profile");
  g_ptr_array_add (argv, (gpointer) profile);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  command = g_strjoinv (" ", (char **) argv->pdata + 1);
  g_test_message ("sixchat-cli %s\n%s%s", command, out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* The fixture: Bob listening on ::1, having pinned Carol */

typedef struct
{
  char  *dir;
  char  *profile;
  char  *carol_cert;
  char  *carol_key;
  char  *carol_fingerprint;
  Child *listener;
  guint  port;
} Fixture;

/* Writes NAME.crt and NAME.key for a fresh self-signed certificate and
 * returns its fingerprint. */
static char *
make_cert (const char  *dir,
           const char  *name,
           const char  *user,
           char       **cert_path,
           char       **key_path)
{
  ScTestCertSpec spec = { .cn = name, .uid = user };
  g_autoptr(ScTestCert) cert = sc_test_cert_new (&spec, NULL);
  g_autofree char *pem = sc_test_cert_pem (cert);
  g_autofree char *key_pem = sc_test_cert_key_pem (cert);
  g_autofree char *cert_name = g_strconcat (name, ".crt", NULL);
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);

  *cert_path = sc_test_write_file (dir, cert_name, pem, -1);
  *key_path = sc_test_write_file (dir, key_name, key_pem, -1);

  return sc_test_cert_fingerprint (cert);
}

static Fixture *
fixture_new (void)
{
  g_autofree char *port_text = NULL;
  const char *cli = g_getenv ("SIXCHAT_CLI");
  Fixture *f = g_new0 (Fixture, 1);
  JsonObject *listening;

  g_assert_nonnull (cli);

  f->dir = sc_test_dir_new ("sixchat-interop");
  f->profile = g_build_filename (f->dir, "profile", NULL);
  run_cli (f->profile, "identity", "new", "--name", BOB_NAME, "--user", BOB_USER, NULL);

  f->carol_fingerprint = make_cert (f->dir, CAROL_NAME, CAROL_USER,
                                    &f->carol_cert, &f->carol_key);
  run_cli (f->profile, "trust", "allow", f->carol_fingerprint, NULL);

  {
    const char *argv[] = {
      cli, "--profile", f->profile, "listen", "--address", "::1", "--port", "0", NULL
    };

    f->listener = child_spawn ("listener", TRUE, argv);
  }

  listening = wait_frame (f->listener, 0, "event", "listening", NULL, NULL);
  g_assert_true (listening == g_ptr_array_index (f->listener->frames, 0));
  f->port = (guint) member_int (listening, "port");
  g_assert_cmpuint (f->port, >, 0);
  g_assert_cmpuint (f->port, <=, G_MAXUINT16);
  port_text = g_strdup_printf ("[::1]:%u", f->port);
  g_assert_cmpstr (member_string (listening, "address"), ==, port_text);
  g_assert_cmpstr (member_string (listening, "user"), ==, BOB_USER);

  return f;
}

/* SIGTERM, as a service manager stops it: the listener exits 0. */
static void
fixture_stop_listener (Fixture *f)
{
  g_subprocess_send_signal (f->listener->process, SIGTERM);
  g_assert_cmpint (child_wait_exit (f->listener), ==, 0);
}

static void
fixture_free (Fixture *f)
{
  if (f == NULL)
    return;

  g_clear_pointer (&f->listener, child_free);
  sc_test_dir_free (f->dir);
  g_free (f->profile);
  g_free (f->carol_cert);
  g_free (f->carol_key);
  g_free (f->carol_fingerprint);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fixture, fixture_free)

/* TLS clients */

typedef struct
{
  Tool        tool;
  const char *cert;      /* NULL: no client certificate */
  const char *key;
  const char *alpn;      /* NULL: no ALPN extension */
  gboolean    tls12;     /* openssl only: -tls1_2 instead of -tls1_3 */
} ClientSpec;

static Child *
client_spawn (Fixture          *f,
              const ClientSpec *spec)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *program = g_find_program_in_path (tool_program (spec->tool));

  g_assert_nonnull (program);
  g_ptr_array_add (argv, g_strdup (program));

  if (spec->tool == TOOL_GNUTLS)
    {
      g_assert_false (spec->tls12);
      /* --insecure: the client does not judge the node's certificate. */
      if (spec->alpn != NULL)
        g_ptr_array_add (argv, g_strdup_printf ("--alpn=%s", spec->alpn));
      if (spec->cert != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("--x509certfile"));
          g_ptr_array_add (argv, g_strdup (spec->cert));
          g_ptr_array_add (argv, g_strdup ("--x509keyfile"));
          g_ptr_array_add (argv, g_strdup (spec->key));
        }
      g_ptr_array_add (argv, g_strdup ("--insecure"));
      g_ptr_array_add (argv, g_strdup ("--port"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", f->port));
      g_ptr_array_add (argv, g_strdup ("::1"));
    }
  else
    {
      g_ptr_array_add (argv, g_strdup ("s_client"));
      g_ptr_array_add (argv, g_strdup ("-connect"));
      g_ptr_array_add (argv, g_strdup_printf ("[::1]:%u", f->port));
      g_ptr_array_add (argv, g_strdup (spec->tls12 ? "-tls1_2" : "-tls1_3"));
      if (spec->alpn != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("-alpn"));
          g_ptr_array_add (argv, g_strdup (spec->alpn));
        }
      if (spec->cert != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("-cert"));
          g_ptr_array_add (argv, g_strdup (spec->cert));
          g_ptr_array_add (argv, g_strdup ("-key"));
          g_ptr_array_add (argv, g_strdup (spec->key));
        }
      /* As PROTOCOL.md §11: no session dump, no Q/R/k commands; it implies
       * -ign_eof, so only the node's close ends the program. */
      g_ptr_array_add (argv, g_strdup ("-quiet"));
    }
  g_ptr_array_add (argv, NULL);

  return child_spawn (tool_program (spec->tool), FALSE, (const char * const *) argv->pdata);
}

/* A client whose certificate Bob pinned says hello and sends one message:
 * the listener prints it, the client sees Bob's hello, admission
 * "accepted" and the receipt, and a bye ends the session cleanly. */
static void
assert_delivered (Fixture    *f,
                  Tool        tool,
                  const char *cert,
                  const char *key,
                  const char *fingerprint,
                  const char *user,
                  const char *name)
{
  ClientSpec spec = { .tool = tool, .cert = cert, .key = key, .alpn = ALPN };
  guint mark = f->listener->frames->len;
  g_autofree char *body = g_strdup_printf ("hello from %s", tool_program (tool));
  g_autofree char *hello = hello_line (user, name, NULL);
  g_autofree char *message = message_line ("m-1", G_GINT64_CONSTANT (1700000000000), body);
  g_autoptr(Child) client = client_spawn (f, &spec);
  JsonObject *event;
  JsonObject *frame;
  gint64 session;

  child_write (client, hello, FALSE);
  child_write (client, message, FALSE);

  /* The listener's side */
  event = wait_frame (f->listener, mark, "event", "message", "body", body);
  g_assert_cmpstr (member_string (event, "user"), ==, user);
  g_assert_cmpstr (member_string (event, "id"), ==, "m-1");
  g_assert_cmpint (member_int (event, "time"), ==, G_GINT64_CONSTANT (1700000000000));
  session = member_int (event, "session");

  event = find_frame (f->listener, mark, "event", "knock", NULL, NULL);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "direction"), ==, "incoming");
  g_assert_cmpstr (member_string (event, "verdict"), ==, "allow");
  g_assert_cmpstr (member_string (event, "reason"), ==, "pinned");
  g_assert_cmpstr (member_string (event, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (member_string (event, "user"), ==, user);

  event = find_frame (f->listener, mark, "event", "session", NULL, NULL);
  g_assert_nonnull (event);
  g_assert_cmpint (member_int (event, "session"), ==, session);
  g_assert_cmpstr (member_string (event, "state"), ==, "open");
  g_assert_cmpstr (member_string (event, "user"), ==, user);
  g_assert_cmpstr (member_string (event, "name"), ==, name);
  g_assert_cmpstr (member_string (event, "fingerprint"), ==, fingerprint);
  assert_no_frame (f->listener, mark, "event", "request");

  /* The client's side: hello, then admission, then the receipt */
  frame = wait_frame (client, 0, "type", "receipt", "id", "m-1");
  g_assert_cmpstr (member_string (frame, "status"), ==, "delivered");
  g_assert_cmpuint (client->frames->len, >=, 3);
  frame = g_ptr_array_index (client->frames, 0);
  g_assert_cmpstr (member_string (frame, "type"), ==, "hello");
  g_assert_cmpint (member_int (frame, "version"), ==, 1);
  g_assert_cmpstr (member_string (frame, "user"), ==, BOB_USER);
  g_assert_cmpstr (member_string (frame, "name"), ==, BOB_NAME);
  frame = g_ptr_array_index (client->frames, 1);
  g_assert_cmpstr (member_string (frame, "type"), ==, "admission");
  g_assert_cmpstr (member_string (frame, "state"), ==, "accepted");
  assert_no_frame (client, 0, "type", "error");
  if (tool == TOOL_GNUTLS)
    {
      /* gnutls-cli says what it negotiated, without being asked to. */
      g_assert_true (has_line_prefix (client, "- Description: (TLS1.3-"));
      g_assert_true (has_line_prefix (client, "- Application protocol: " ALPN));
    }

  /* bye: the listener closes, and the client ends on its own, content */
  child_write (client, "{\"type\":\"bye\"}\n", FALSE);
  event = wait_frame (f->listener, mark, "event", "closed", "reason", "peer-bye");
  g_assert_cmpint (member_int (event, "session"), ==, session);
  g_assert_cmpint (child_wait_exit (client), ==, 0);
  assert_no_frame (client, 0, "type", "error");
}

/* A client refused during the TLS handshake: the listener prints a
 * rejecting knock (with reason, unless NULL) and closes the attempt without
 * a session; the client never sees a frame and fails. */
static void
assert_refused (Fixture          *f,
                const ClientSpec *spec,
                const char       *reason)
{
  guint mark = f->listener->frames->len;
  g_autofree char *hello = hello_line (CAROL_USER, CAROL_NAME, NULL);
  g_autoptr(Child) client = client_spawn (f, spec);
  JsonObject *event;

  /* Typed as a user would; the handshake may well have failed by now. */
  child_write (client, hello, TRUE);

  event = wait_frame (f->listener, mark, "event", "knock", NULL, NULL);
  g_assert_cmpstr (member_string (event, "direction"), ==, "incoming");
  g_assert_cmpstr (member_string (event, "verdict"), ==, "reject");
  if (reason != NULL)
    g_assert_cmpstr (member_string (event, "reason"), ==, reason);
  wait_frame (f->listener, mark, "event", "closed", NULL, NULL);
  assert_no_frame (f->listener, mark, "event", "session");
  assert_no_frame (f->listener, mark, "event", "request");
  assert_no_frame (f->listener, mark, "event", "message");

  /* Both tools end by themselves on the fatal alert, with a failure. */
  g_assert_cmpint (child_wait_exit (client), !=, 0);
  g_assert_cmpuint (client->frames->len, ==, 0);
}

/* Cases */

static void
test_gnutls_pinned (void)
{
  g_autoptr(Fixture) f = NULL;

  if (!require_programs ("gnutls-cli", NULL))
    return;

  f = fixture_new ();
  assert_delivered (f, TOOL_GNUTLS, f->carol_cert, f->carol_key, f->carol_fingerprint,
                    CAROL_USER, CAROL_NAME);
  fixture_stop_listener (f);
}

static void
test_openssl_pinned (void)
{
  g_autoptr(Fixture) f = NULL;

  if (!require_programs ("openssl", NULL))
    return;

  f = fixture_new ();
  assert_delivered (f, TOOL_OPENSSL, f->carol_cert, f->carol_key, f->carol_fingerprint,
                    CAROL_USER, CAROL_NAME);
  fixture_stop_listener (f);
}

/* A certificate and key made by certtool, not by SixChat's test helpers. */
static void
test_openssl_certtool_certificate (void)
{
  g_autoptr(Fixture) f = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *fingerprint = NULL;

  if (!require_programs ("openssl", "certtool", NULL))
    return;

  f = fixture_new ();
  cert = sc_test_certtool_cert (f->dir, "erin", "ecdsa",
                                "cn = \"Erin\"\n"
                                "uid = \"erin@example.org\"\n"
                                "expiration_days = 2\n"
                                "tls_www_client\n"
                                "tls_www_server\n"
                                "signing_key\n", NULL);
  key = g_build_filename (f->dir, "erin.key", NULL);

  fingerprint = sc_test_certtool_fingerprint (cert);
  run_cli (f->profile, "trust", "allow", fingerprint, NULL);

  assert_delivered (f, TOOL_OPENSSL, cert, key, fingerprint, "erin@example.org", "Erin");
  fixture_stop_listener (f);
}

/* A stranger (not pinned) gets admission "pending"; the listener prints a
 * contact request; a message sent while pending is answered not-admitted
 * and never reaches the listener's user. */
static void
test_gnutls_stranger (void)
{
  g_autoptr(Fixture) f = NULL;
  g_autoptr(Child) client = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *hello = NULL;
  g_autofree char *message = NULL;
  const char *greeting = "Hi Bob, Dave from the Lisbon meetup";
  ClientSpec spec = { .tool = TOOL_GNUTLS, .alpn = ALPN };
  JsonObject *event;
  JsonObject *frame;
  gint64 session;
  guint mark;

  if (!require_programs ("gnutls-cli", NULL))
    return;

  f = fixture_new ();
  fingerprint = make_cert (f->dir, "Dave", "dave@example.org", &cert, &key);
  spec.cert = cert;
  spec.key = key;
  mark = f->listener->frames->len;
  client = client_spawn (f, &spec);

  hello = hello_line ("dave@example.org", "Dave", greeting);
  child_write (client, hello, FALSE);

  event = wait_frame (f->listener, mark, "event", "request", NULL, NULL);
  g_assert_cmpstr (member_string (event, "state"), ==, "pending");
  g_assert_cmpstr (member_string (event, "verdict"), ==, "ask");
  g_assert_cmpstr (member_string (event, "user"), ==, "dave@example.org");
  g_assert_cmpstr (member_string (event, "name"), ==, "Dave");
  g_assert_cmpstr (member_string (event, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (member_string (event, "greeting"), ==, greeting);
  g_assert_cmpint (member_int (event, "request"), >, 0);
  session = member_int (event, "session");
  event = find_frame (f->listener, mark, "event", "knock", NULL, NULL);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "verdict"), ==, "ask");
  assert_no_frame (f->listener, mark, "event", "session");

  frame = wait_frame (client, 0, "type", "admission", NULL, NULL);
  g_assert_cmpstr (member_string (frame, "state"), ==, "pending");
  frame = g_ptr_array_index (client->frames, 0);
  g_assert_cmpstr (member_string (frame, "type"), ==, "hello");
  g_assert_cmpstr (member_string (frame, "user"), ==, BOB_USER);

  message = message_line ("m-1", G_GINT64_CONSTANT (1700000000000), "let me in");
  child_write (client, message, FALSE);

  frame = wait_frame (client, 0, "type", "error", NULL, NULL);
  g_assert_cmpstr (member_string (frame, "code"), ==, "not-admitted");
  event = wait_frame (f->listener, mark, "event", "closed", NULL, NULL);
  g_assert_cmpint (member_int (event, "session"), ==, session);
  assert_no_frame (f->listener, mark, "event", "message");
  assert_no_frame (client, 0, "type", "receipt");

  /* gnutls-cli ends at EOF on stdin, if the node's close has not ended it. */
  child_close_stdin (client);
  child_wait_exit (client);

  fixture_stop_listener (f);
}

static void
test_openssl_no_certificate (void)
{
  g_autoptr(Fixture) f = NULL;
  ClientSpec spec = { .tool = TOOL_OPENSSL, .alpn = ALPN };

  if (!require_programs ("openssl", NULL))
    return;

  f = fixture_new ();
  assert_refused (f, &spec, "no-certificate");
  assert_delivered (f, TOOL_OPENSSL, f->carol_cert, f->carol_key, f->carol_fingerprint,
                    CAROL_USER, CAROL_NAME);
  fixture_stop_listener (f);
}

static void
test_openssl_tls12 (void)
{
  g_autoptr(Fixture) f = NULL;
  ClientSpec spec = { .tool = TOOL_OPENSSL, .alpn = ALPN, .tls12 = TRUE };

  if (!require_programs ("openssl", NULL))
    return;

  f = fixture_new ();
  spec.cert = f->carol_cert;
  spec.key = f->carol_key;
  /* Refused before any certificate is looked at: no fingerprint, no user. */
  assert_refused (f, &spec, NULL);
  g_assert_null (member_string (find_frame (f->listener, 0, "event", "knock", NULL, NULL),
                                "fingerprint"));
  assert_delivered (f, TOOL_OPENSSL, f->carol_cert, f->carol_key, f->carol_fingerprint,
                    CAROL_USER, CAROL_NAME);
  fixture_stop_listener (f);
}

static void
test_gnutls_no_alpn (void)
{
  g_autoptr(Fixture) f = NULL;
  ClientSpec spec = { .tool = TOOL_GNUTLS };

  if (!require_programs ("gnutls-cli", NULL))
    return;

  f = fixture_new ();
  spec.cert = f->carol_cert;
  spec.key = f->carol_key;
  assert_refused (f, &spec, "no-alpn");
  assert_delivered (f, TOOL_GNUTLS, f->carol_cert, f->carol_key, f->carol_fingerprint,
                    CAROL_USER, CAROL_NAME);
  fixture_stop_listener (f);
}

/* ALPN offered, but only a protocol other than sixchat/1. */
static void
test_openssl_wrong_alpn (void)
{
  g_autoptr(Fixture) f = NULL;
  ClientSpec spec = { .tool = TOOL_OPENSSL, .alpn = "h2" };

  if (!require_programs ("openssl", NULL))
    return;

  f = fixture_new ();
  spec.cert = f->carol_cert;
  spec.key = f->carol_key;
  assert_refused (f, &spec, "no-alpn");
  assert_delivered (f, TOOL_OPENSSL, f->carol_cert, f->carol_key, f->carol_fingerprint,
                    CAROL_USER, CAROL_NAME);
  fixture_stop_listener (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A client that has already gone must not kill the test with SIGPIPE. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/interop/gnutls-cli/pinned", test_gnutls_pinned);
  g_test_add_func ("/interop/openssl/pinned", test_openssl_pinned);
  g_test_add_func ("/interop/openssl/certtool-certificate", test_openssl_certtool_certificate);
  g_test_add_func ("/interop/gnutls-cli/stranger", test_gnutls_stranger);
  g_test_add_func ("/interop/openssl/no-certificate", test_openssl_no_certificate);
  g_test_add_func ("/interop/openssl/tls12", test_openssl_tls12);
  g_test_add_func ("/interop/gnutls-cli/no-alpn", test_gnutls_no_alpn);
  g_test_add_func ("/interop/openssl/wrong-alpn", test_openssl_wrong_alpn);

  return g_test_run ();
}
