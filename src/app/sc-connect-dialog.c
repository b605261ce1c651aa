/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-address.h"
#include "sc-connect-dialog.h"
#include "sc-peer-certificate.h"
#include "sc-protocol.h"

struct _ScConnectDialog
{
  AdwWindow    parent_instance;

  AdwEntryRow *user_id_row;
  AdwEntryRow *address_row;
  GtkLabel    *hint_label;
  GtkWidget   *connect_button;
};

G_DEFINE_FINAL_TYPE (ScConnectDialog, sc_connect_dialog, ADW_TYPE_WINDOW)

static void
mark (AdwEntryRow *row,
      gboolean     invalid)
{
  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* Validates as typed: an empty field is not yet an error, only not ready. */
static gboolean
validate (ScConnectDialog *self)
{
  const char *user_id = gtk_editable_get_text (GTK_EDITABLE (self->user_id_row));
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *hint = NULL;
  gboolean user_ok = sc_user_id_is_valid (user_id);
  gboolean address_ok = FALSE;
  guint16 port;

  if (*address != '\0')
    address_ok = sc_address_parse (address, SC_PROTOCOL_DEFAULT_PORT, &host, &port, &error);

  mark (self->user_id_row, *user_id != '\0' && !user_ok);
  mark (self->address_row, *address != '\0' && !address_ok);

  if (*user_id != '\0' && !user_ok)
    hint = g_strdup (_("A user ID looks like an e-mail address: name@example.org."));
  else if (error != NULL)
    hint = g_strdup (error->message);
  else if (address_ok)
    hint = g_strdup_printf (_("Calls %s at port %u."), host, port);
  else
    hint = g_strdup_printf (_("An IPv6 or IPv4 address or a host name, with an optional port "
                              "(default %u): [2001:db8::1]:4605, 192.0.2.1, host.example."),
                            SC_PROTOCOL_DEFAULT_PORT);

  gtk_label_set_label (self->hint_label, hint);
  if ((*user_id != '\0' && !user_ok) || error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "error");

  gtk_widget_set_sensitive (self->connect_button, user_ok && address_ok);

  return user_ok && address_ok;
}

static void
on_changed (ScConnectDialog *self)
{
  validate (self);
}

static void
on_connect_clicked (ScConnectDialog *self)
{
  g_autofree char *user_id = NULL;
  g_autofree char *address = NULL;

  if (!validate (self))
    return;

  user_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_id_row))));
  address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row))));
  gtk_widget_activate_action (GTK_WIDGET (self), "app.dial", "(ss)", user_id, address);
  gtk_window_destroy (GTK_WINDOW (self));
}

ScConnectDialog *
sc_connect_dialog_new (GtkWindow  *parent,
                       const char *user_id,
                       const char *address)
{
  ScConnectDialog *self;
  GtkApplication *application = parent != NULL ? gtk_window_get_application (parent) : NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (SC_TYPE_CONNECT_DIALOG,
                       "transient-for", parent,
                       "application", application,
                       NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->user_id_row), user_id != NULL ? user_id : "");
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address != NULL ? address : "");
  if (user_id != NULL && address == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->address_row));

  return self;
}

static void
sc_connect_dialog_class_init (ScConnectDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScConnectDialog, user_id_row);
  gtk_widget_class_bind_template_child (widget_class, ScConnectDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, ScConnectDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, ScConnectDialog, connect_button);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_connect_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sc_connect_dialog_init (ScConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  validate (self);
}
