/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-preferences-window.h"

struct _ScPreferencesWindow
{
  AdwPreferencesWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (ScPreferencesWindow, sc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

ScPreferencesWindow *
sc_preferences_window_new (GtkWindow *parent,
                           ScAccount *account)
{
  return g_object_new (SC_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}

static void
sc_preferences_window_class_init (ScPreferencesWindowClass *klass)
{
}

static void
sc_preferences_window_init (ScPreferencesWindow *self)
{
}
