/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-connect-dialog.h"

struct _ScConnectDialog
{
  AdwWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (ScConnectDialog, sc_connect_dialog, ADW_TYPE_WINDOW)

ScConnectDialog *
sc_connect_dialog_new (GtkWindow  *parent,
                       const char *user_id,
                       const char *address)
{
  return g_object_new (SC_TYPE_CONNECT_DIALOG, "transient-for", parent, NULL);
}

static void
sc_connect_dialog_class_init (ScConnectDialogClass *klass)
{
}

static void
sc_connect_dialog_init (ScConnectDialog *self)
{
}
