/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sc-autostart.h"

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_REQUEST_INTERFACE "org.freedesktop.portal.Request"
#define PORTAL_BACKGROUND_INTERFACE "org.freedesktop.portal.Background"

typedef struct
{
  ScAutostartMethod  method;
  gboolean           enabled;
  char              *profile_dir;
  /* The portal request in flight. */
  GDBusConnection   *bus;
  char              *handle;
  guint              response_id;
  gulong             cancelled_id;
  gboolean           returned;
} Request;

static void
request_unsubscribe (Request *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  request->response_id = 0;
}

static void
request_free (Request *request)
{
  request_unsubscribe (request);
  g_clear_object (&request->bus);
  g_free (request->handle);
  g_free (request->profile_dir);
  g_free (request);
}

char *
sc_autostart_get_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

GStrv
sc_autostart_command_line (const char *program,
                           const char *profile_dir)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (program != NULL, NULL);

  g_strv_builder_add_many (builder, program, "--background", NULL);
  if (profile_dir != NULL)
    g_strv_builder_add_many (builder, "--profile", profile_dir, NULL);

  return g_strv_builder_end (builder);
}

/* One argument of an Exec key, quoted as the Desktop Entry Specification
 * asks (before the key file escapes the value as a whole). */
static char *
quote_exec_argument (const char *argument)
{
  static const char reserved[] = " \t\n\"'\\><~|&;$*?#()`";
  GString *quoted;
  gboolean needs_quotes = argument[0] == '\0';

  for (const char *p = argument; *p != '\0' && !needs_quotes; p++)
    needs_quotes = strchr (reserved, *p) != NULL;

  quoted = g_string_new (needs_quotes ? "\"" : NULL);
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (needs_quotes && strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (quoted, '\\');
      if (*p == '%')
        g_string_append_c (quoted, '%');
      g_string_append_c (quoted, *p);
    }
  if (needs_quotes)
    g_string_append_c (quoted, '"');

  return g_string_free (quoted, FALSE);
}

static char *
autostart_entry (const char *profile_dir)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *program = g_build_filename (BINDIR, "sixchat", NULL);
  g_auto(GStrv) arguments = sc_autostart_command_line (program, profile_dir);
  g_autoptr(GString) exec = g_string_new (NULL);
  const char *group = G_KEY_FILE_DESKTOP_GROUP;

  for (guint i = 0; arguments[i] != NULL; i++)
    {
      g_autofree char *quoted = quote_exec_argument (arguments[i]);

      g_string_append_printf (exec, "%s%s", i > 0 ? " " : "", quoted);
    }

  g_key_file_set_string (key_file, group, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
  g_key_file_set_string (key_file, group, G_KEY_FILE_DESKTOP_KEY_NAME, _("SixChat"));
  g_key_file_set_string (key_file, group, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Listen for calls from the start"));
  g_key_file_set_string (key_file, group, G_KEY_FILE_DESKTOP_KEY_EXEC, exec->str);
  g_key_file_set_string (key_file, group, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  g_key_file_set_boolean (key_file, group, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (key_file, group, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (key_file, group, "X-GNOME-Autostart-enabled", TRUE);

  return g_key_file_to_data (key_file, NULL, NULL);
}

/* The file */

static gboolean
write_autostart_file (Request  *request,
                      GError  **error)
{
  g_autofree char *path = sc_autostart_get_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  int saved_errno;

  if (!request->enabled)
    {
      if (g_unlink (path) == 0 || errno == ENOENT)
        return TRUE;

      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot remove %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  contents = autostart_entry (request->profile_dir);
  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* Returns TRUE when done, FALSE (without an error) when the portal has to do it. */
static void
file_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;

  if (request->method == SC_AUTOSTART_AUTO && g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (!write_autostart_file (request, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The portal */

/* Ends the request once, whichever of the response, a failed call or
 * cancellation comes first.  Never called from a ::cancelled handler. */
static void
request_return (GTask  *task,
                GError *error)
{
  Request *request = g_task_get_task_data (task);

  if (request->returned)
    {
      g_clear_error (&error);
      return;
    }

  request->returned = TRUE;
  request_unsubscribe (request);
  g_cancellable_disconnect (g_task_get_cancellable (task), request->cancelled_id);
  request->cancelled_id = 0;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_response (GDBusConnection *bus,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  gboolean autostart = FALSE;
  guint32 response;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "autostart", "b", &autostart);

  if (response == 1)
    request_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                               _("You did not allow SixChat to run in the "
                                                 "background")));
  else if (response != 0)
    request_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                               _("The background portal could not change "
                                                 "start at login")));
  else if (request->enabled && !autostart)
    request_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                               _("The system does not allow SixChat to start "
                                                 "at login")));
  else
    request_return (task, NULL);
}

static gboolean
return_cancelled (gpointer user_data)
{
  GTask *task = user_data;

  request_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _("Cancelled")));
  return G_SOURCE_REMOVE;
}

/* In the thread that cancels: the task ends in its own context. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, return_cancelled, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

static void
subscribe (GTask      *task,
           const char *handle)
{
  Request *request = g_task_get_task_data (task);

  request_unsubscribe (request);
  g_free (request->handle);
  request->handle = g_strdup (handle);
  request->response_id =
    g_dbus_connection_signal_subscribe (request->bus, PORTAL_BUS_NAME, PORTAL_REQUEST_INTERFACE,
                                        "Response", handle, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE, on_response,
                                        g_object_ref (task), g_object_unref);
}

static void
on_request_called (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *handle;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          request_return (task, g_steal_pointer (&error));
          return;
        }

      g_dbus_error_strip_remote_error (error);
      request_return (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                         _("The background portal is not available: %s"),
                                         error->message));
      return;
    }

  /* Portals older than handle_token choose the path themselves. */
  g_variant_get (reply, "(&o)", &handle);
  if (!request->returned && g_strcmp0 (handle, request->handle) != 0)
    subscribe (task, handle);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  g_autofree char *handle = NULL;
  g_auto(GStrv) command_line = NULL;
  GVariantBuilder options;

  request->bus = g_bus_get_finish (result, &error);
  if (request->bus == NULL)
    {
      request_return (task, g_steal_pointer (&error));
      return;
    }

  /* The request's path, known before the call so that no response is missed. */
  sender = g_strdelimit (g_strdup (g_dbus_connection_get_unique_name (request->bus) + 1), ".", '_');
  token = g_strdup_printf ("sixchat%u", g_random_int ());
  handle = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);
  subscribe (task, handle);

  if (cancellable != NULL)
    request->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                   g_object_ref (task), g_object_unref);

  command_line = sc_autostart_command_line ("sixchat", request->profile_dir);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Listen for calls when no window is open")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (request->enabled));
  g_variant_builder_add (&options, "{sv}", "commandline",
                         g_variant_new_strv ((const char * const *) command_line, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (request->bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          PORTAL_BACKGROUND_INTERFACE, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          on_request_called, g_steal_pointer (&task));
}

static void
request_portal (GTask *task)
{
  g_bus_get (G_BUS_TYPE_SESSION, g_task_get_cancellable (task), on_bus, task);
}

static void
on_file_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    request_return (task, NULL);
  else if (error != NULL)
    request_return (task, error);
  else
    request_portal (g_steal_pointer (&task));
}

void
sc_autostart_set_async (ScAutostartMethod    method,
                        gboolean             enabled,
                        const char          *profile_dir,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) file_task = NULL;
  Request *request;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_autostart_set_async);

  request = g_new0 (Request, 1);
  request->method = method;
  request->enabled = enabled;
  request->profile_dir = g_strdup (profile_dir);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (method == SC_AUTOSTART_PORTAL)
    {
      request_portal (g_steal_pointer (&task));
      return;
    }

  /* A task of its own, so that the portal can follow on this thread. */
  file_task = g_task_new (NULL, cancellable, on_file_done, g_object_ref (task));
  g_task_set_task_data (file_task, request, NULL);
  g_task_run_in_thread (file_task, file_thread);
}

gboolean
sc_autostart_set_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
