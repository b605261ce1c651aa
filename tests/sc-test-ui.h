/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-application.h"

G_BEGIN_DECLS

/* g_test_init() plus GTK and libadwaita, for a test run under Xvfb and a
 * private session bus (the ui suite's wrapper starts both). */
void            sc_test_ui_init          (int            *argc,
                                          char         ***argv);
/* The summaries of the desktop notifications the app sent (the harness
 * serves org.freedesktop.Notifications on the private bus). */
GPtrArray      *sc_test_ui_get_notifications (void);
/* A registered and activated SixChat for profile_dir, its account loaded
 * (the main window shows the welcome page or the main content). */
ScApplication  *sc_test_ui_app_new       (const char     *profile_dir);
/* Whether app's account has loaded and its main window left the loading
 * page: a condition for sc_test_ui_wait_for(). */
gboolean        sc_test_ui_app_loaded    (gpointer        app);
/* Destroys every window, drops the app and lets the sessions close. */
void            sc_test_ui_app_free      (ScApplication  *app);
/* Spins the main context until cond (data) is TRUE or timeout_ms passed. */
gboolean        sc_test_ui_wait_for      (gboolean      (*cond) (gpointer data),
                                          gpointer        data,
                                          guint           timeout_ms);
void            sc_test_ui_spin          (guint           ms);
/* The first descendant of root (root included) of type (G_TYPE_NONE: any)
 * whose gtk_widget_get_name() is name (NULL: any name). */
GtkWidget      *sc_test_ui_find          (GtkWidget      *root,
                                          GType           type,
                                          const char     *name);
/* Whether a GtkLabel under root (root included) shows text within its
 * label: toasts, status lines. */
gboolean        sc_test_ui_has_label_containing (GtkWidget  *root,
                                                 const char *text);
/* The first GtkButton under root whose label (or AdwButtonContent label)
 * is label. */
GtkWidget      *sc_test_ui_find_button   (GtkWidget      *root,
                                          const char     *label);
/* The most recently presented window of type (e.g. SC_TYPE_CHAT_WINDOW). */
GtkWindow      *sc_test_ui_find_window   (ScApplication  *app,
                                          GType           type);
/* Renders widget to $G_TEST_BUILDDIR/screenshots/STEM.png. */
void            sc_test_ui_screenshot    (GtkWidget      *widget,
                                          const char     *stem);

G_END_DECLS
