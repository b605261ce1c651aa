/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-contact-row.h"

struct _ScContactRow
{
  AdwBin          parent_instance;

  ScContact      *contact;

  AdwAvatar      *avatar;
  GtkLabel       *name_label;
  GtkLabel       *user_id_label;
  GtkLabel       *addresses_label;
  GtkLabel       *trust_label;
  GtkMenuButton  *menu_button;
};

G_DEFINE_FINAL_TYPE (ScContactRow, sc_contact_row, ADW_TYPE_BIN)

/* The badge's style classes (ui/style.css), by trust. */
static const char *trust_classes[] = { "dim-label", "allow", "allow", "ask", "reject" };

GtkWidget *
sc_contact_row_new (void)
{
  return g_object_new (SC_TYPE_CONTACT_ROW, NULL);
}

ScContact *
sc_contact_row_get_contact (ScContactRow *self)
{
  g_return_val_if_fail (SC_IS_CONTACT_ROW (self), NULL);
  return self->contact;
}

void
sc_contact_row_set_contact (ScContactRow   *self,
                            ScContact      *contact,
                            ScContactTrust  trust,
                            const char     *trust_label,
                            const char     *trust_detail)
{
  g_autofree char *addresses = NULL;

  g_return_if_fail (SC_IS_CONTACT_ROW (self));
  g_return_if_fail (contact == NULL || SC_IS_CONTACT (contact));
  g_return_if_fail (trust <= SC_CONTACT_TRUST_BLOCKED);

  g_set_object (&self->contact, contact);

  for (guint i = 0; i < G_N_ELEMENTS (trust_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->trust_label), trust_classes[i]);

  if (contact == NULL)
    {
      adw_avatar_set_text (self->avatar, NULL);
      gtk_label_set_label (self->name_label, NULL);
      gtk_label_set_label (self->user_id_label, NULL);
      gtk_label_set_label (self->addresses_label, NULL);
      gtk_label_set_label (self->trust_label, NULL);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->trust_label), NULL);
      return;
    }

  addresses = g_strjoinv (", ", (char **) sc_contact_get_addresses (contact));

  adw_avatar_set_text (self->avatar, sc_contact_get_name (contact));
  gtk_label_set_label (self->name_label, sc_contact_get_name (contact));
  gtk_label_set_label (self->user_id_label, sc_contact_get_user_id (contact));
  gtk_label_set_label (self->addresses_label, *addresses != '\0' ? addresses : _("No address known"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->addresses_label), *addresses != '\0' ? addresses : NULL);
  gtk_label_set_label (self->trust_label, trust_label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->trust_label), trust_detail);
  gtk_widget_add_css_class (GTK_WIDGET (self->trust_label), trust_classes[trust]);
}

/* The row's menu acts on the page's actions with this row's contact. */
static void
forward_action (ScContactRow *self,
                const char   *page_action)
{
  if (self->contact == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), page_action, "x",
                              sc_contact_get_id (self->contact));
}

static void
row_connect (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  forward_action (SC_CONTACT_ROW (widget), "contacts.connect");
}

/* The history with them, without calling them. */
static void
row_messages (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ScContactRow *self = SC_CONTACT_ROW (widget);

  if (self->contact != NULL)
    gtk_widget_activate_action (widget, "app.open-chat", "(sx)",
                                sc_contact_get_user_id (self->contact), (gint64) 0);
}

static void
row_edit (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  forward_action (SC_CONTACT_ROW (widget), "contacts.edit");
}

static void
row_remove (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  forward_action (SC_CONTACT_ROW (widget), "contacts.remove");
}

static void
on_secondary_click (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    ScContactRow    *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (self->menu_button);
}

static void
sc_contact_row_dispose (GObject *object)
{
  ScContactRow *self = (ScContactRow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_CONTACT_ROW);
  g_clear_object (&self->contact);

  G_OBJECT_CLASS (sc_contact_row_parent_class)->dispose (object);
}

static void
sc_contact_row_class_init (ScContactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_contact_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-contact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ScContactRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, ScContactRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ScContactRow, user_id_label);
  gtk_widget_class_bind_template_child (widget_class, ScContactRow, addresses_label);
  gtk_widget_class_bind_template_child (widget_class, ScContactRow, trust_label);
  gtk_widget_class_bind_template_child (widget_class, ScContactRow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_click);

  gtk_widget_class_install_action (widget_class, "row.connect", NULL, row_connect);
  gtk_widget_class_install_action (widget_class, "row.messages", NULL, row_messages);
  gtk_widget_class_install_action (widget_class, "row.edit", NULL, row_edit);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, row_remove);
}

static void
sc_contact_row_init (ScContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
