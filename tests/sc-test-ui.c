/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sc-test-ui.h"

static void serve_notifications (void);

void
sc_test_ui_init (int    *argc,
                 char ***argv)
{
  /* Hermetic: no real dconf, portals or accessibility bus. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GDK_DEBUG", "no-portals", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();
  serve_notifications ();
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keep_polling (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
sc_test_ui_wait_for (gboolean (*cond) (gpointer data),
                     gpointer   data,
                     guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, on_timeout, &timed_out);
  /* Conditions may change in other threads without waking the context. */
  guint poll_id = g_timeout_add (20, keep_polling, NULL);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);
  g_source_remove (poll_id);

  return cond (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
sc_test_ui_spin (guint ms)
{
  sc_test_ui_wait_for (never, NULL, ms);
}

gboolean
sc_test_ui_app_loaded (gpointer data)
{
  ScAccount *account = sc_application_get_account (data);
  GtkWindow *window = sc_application_get_main_window (data);
  GtkWidget *stack;

  if (account == NULL || window == NULL || sc_account_get_store (account) == NULL)
    return FALSE;

  stack = sc_test_ui_find (GTK_WIDGET (window), GTK_TYPE_STACK, NULL);
  return stack != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "loading") != 0;
}

ScApplication *
sc_test_ui_app_new (const char *profile_dir)
{
  static guint serial;
  g_autoptr(GError) error = NULL;
  g_autofree char *app_id = g_strdup_printf ("%s.Test%u", APP_ID, ++serial);
  ScApplication *app = sc_application_new ();

  /* Every app of this process needs its own object path on the bus. */
  g_application_set_application_id (G_APPLICATION (app), app_id);
  sc_application_set_profile_dir (app, profile_dir);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  g_assert_true (sc_test_ui_wait_for (sc_test_ui_app_loaded, app, 10000));

  return app;
}

static GPtrArray *kept_apps;

void
sc_test_ui_app_free (ScApplication *app)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);

  /* What g_application_run() would do on the way out: the account closes
   * its sessions. */
  g_signal_emit_by_name (app, "shutdown");
  sc_test_ui_spin (100);

  /* Kept until the process exits: only g_application_run() can take a
   * GtkApplication off the session bus, and finalizing one that is still
   * there is a (fatal) warning. */
  if (kept_apps == NULL)
    kept_apps = g_ptr_array_new ();
  g_ptr_array_add (kept_apps, app);
}

gboolean
sc_test_ui_has_label_containing (GtkWidget  *root,
                                 const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (sc_test_ui_has_label_containing (child, text))
      return TRUE;

  return FALSE;
}

GtkWidget *
sc_test_ui_find (GtkWidget  *root,
                 GType       type,
                 const char *name)
{
  if ((type == G_TYPE_NONE || g_type_is_a (G_OBJECT_TYPE (root), type))
      && (name == NULL || g_strcmp0 (gtk_widget_get_name (root), name) == 0))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = sc_test_ui_find (child, type, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
button_label (GtkWidget *button)
{
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

  if (gtk_button_get_label (GTK_BUTTON (button)) != NULL)
    return gtk_button_get_label (GTK_BUTTON (button));
  if (ADW_IS_BUTTON_CONTENT (child))
    return adw_button_content_get_label (ADW_BUTTON_CONTENT (child));
  if (GTK_IS_LABEL (child))
    return gtk_label_get_label (GTK_LABEL (child));

  return NULL;
}

GtkWidget *
sc_test_ui_find_button (GtkWidget  *root,
                        const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (button_label (root), label) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = sc_test_ui_find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWindow *
sc_test_ui_find_window (ScApplication *app,
                        GType          type)
{
  /* gtk_application_get_windows() lists the most recently focused first. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (g_type_is_a (G_OBJECT_TYPE (l->data), type))
      return l->data;

  return NULL;
}

static gboolean
widget_drawn (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0
         && gtk_widget_get_height (widget) > 0;
}

void
sc_test_ui_screenshot (GtkWidget  *widget,
                       const char *stem)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width;
  int height;

  g_assert_true (sc_test_ui_wait_for (widget_drawn, widget, 5000));
  /* Let layout, style transitions and list items settle. */
  sc_test_ui_spin (300);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                          "screenshots", NULL);
  g_mkdir_with_parents (dir, 0755);
  file = g_strconcat (stem, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* A notification server on the private bus that takes every notification
 * and remembers its summary: the app notifies incoming calls whenever its
 * windows lack the focus, which under Xvfb without a window manager is a
 * matter of timing, and GLib's warning about a missing server is fatal. */

static GPtrArray *notifications;

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
on_notify_called (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  static guint32 serial;
  const char *summary = NULL;

  g_variant_get_child (parameters, 3, "&s", &summary);
  g_ptr_array_add (notifications, g_strdup (summary));
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", ++serial));
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
serve_notifications (void)
{
  static const GDBusInterfaceVTable vtable = { on_notify_called, NULL, NULL, { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  static gboolean acquired;

  notifications = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", node->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                on_name_acquired, NULL, &acquired, NULL);
  g_assert_true (sc_test_ui_wait_for (is_true, &acquired, 5000));
}

GPtrArray *
sc_test_ui_get_notifications (void)
{
  return notifications;
}
