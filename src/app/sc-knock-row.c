/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-knock-row.h"
#include "sc-time-format.h"

struct _ScKnockRow
{
  AdwBin       parent_instance;

  ScKnockItem *item;

  GtkImage    *direction_image;
  GtkLabel    *verdict_label;
  GtkLabel    *name_label;
  GtkLabel    *time_label;
  GtkLabel    *where_label;
  GtkLabel    *detail_label;
  GtkLabel    *reason_label;
  GtkButton   *allow_button;
  GtkButton   *block_button;
};

G_DEFINE_FINAL_TYPE (ScKnockRow, sc_knock_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
verdict_text (ScVerdict verdict)
{
  switch (verdict)
    {
    case SC_VERDICT_ALLOW:
      return C_("verdict", "Allowed");
    case SC_VERDICT_ASK:
      return C_("verdict", "Asked");
    case SC_VERDICT_REJECT:
    default:
      return C_("verdict", "Rejected");
    }
}

/* An action button: when action is NULL, insensitive with why as its
 * tooltip.  (A button with an action takes its sensitivity from it.) */
static void
set_button_action (GtkButton  *button,
                   const char *action,
                   gint64      id,
                   const char *tooltip)
{
  if (action != NULL)
    {
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
      gtk_widget_set_sensitive (GTK_WIDGET (button), TRUE);
    }
  else
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), tooltip);
}

static void
update (ScKnockRow *self)
{
  const ScKnock *knock;
  const char *name;
  const char *address;
  gint64 time;
  g_autofree char *when = NULL;
  g_autofree char *when_full = NULL;
  g_autofree char *where = NULL;
  const char *verdict_classes[] = { "verdict-badge", "caption", NULL, NULL };
  gboolean has_fingerprint;
  gboolean allowed;
  gboolean blocked;

  if (self->item == NULL)
    return;

  knock = sc_knock_item_get_knock (self->item);
  name = sc_knock_item_get_display_name (self->item);
  address = knock->address != NULL ? knock->address : _("an unknown address");
  time = knock->time / G_USEC_PER_SEC;
  when = sc_time_format_relative (time, g_get_real_time () / G_USEC_PER_SEC);
  when_full = sc_time_format_full (time);
  verdict_classes[2] = sc_verdict_to_string (knock->verdict);

  if (knock->incoming)
    where = g_strdup_printf (_("Incoming from %s"), address);
  else
    where = g_strdup_printf (_("Outgoing to %s"), address);
  if (knock->user_id != NULL && g_strcmp0 (knock->user_id, name) != 0)
    {
      g_autofree char *with_user = g_strdup_printf ("%s · %s", knock->user_id, where);

      g_free (where);
      where = g_steal_pointer (&with_user);
    }

  gtk_image_set_from_icon_name (self->direction_image, knock->incoming ? "call-incoming-symbolic"
                                                                       : "call-outgoing-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->direction_image),
                               knock->incoming ? _("They called you") : _("You called them"));
  gtk_label_set_text (self->verdict_label, verdict_text (knock->verdict));
  gtk_widget_set_css_classes (GTK_WIDGET (self->verdict_label), verdict_classes);
  gtk_label_set_text (self->name_label, name != NULL ? name : _("Unknown"));
  gtk_label_set_text (self->time_label, when);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), when_full);
  gtk_label_set_text (self->where_label, where);
  gtk_label_set_text (self->detail_label, knock->detail != NULL ? knock->detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label),
                          knock->detail != NULL && knock->detail[0] != '\0');
  gtk_label_set_text (self->reason_label, knock->reason != NULL ? knock->reason : "");

  has_fingerprint = knock->fingerprint != NULL && knock->fingerprint[0] != '\0';
  allowed = sc_knock_item_is_allowed (self->item);
  blocked = sc_knock_item_is_blocked (self->item);

  if (!has_fingerprint)
    set_button_action (self->allow_button, NULL, 0, _("No certificate was presented"));
  else if (allowed && !blocked)
    set_button_action (self->allow_button, NULL, 0, _("This certificate is allowed"));
  else
    set_button_action (self->allow_button, "knocks.allow", knock->id,
                       _("Let this certificate reach you without asking"));

  if (!has_fingerprint)
    set_button_action (self->block_button, NULL, 0, _("No certificate was presented"));
  else if (blocked)
    set_button_action (self->block_button, NULL, 0, _("This certificate is blocked"));
  else
    set_button_action (self->block_button, "knocks.block", knock->id,
                       _("Refuse every call with this certificate"));
}

ScKnockItem *
sc_knock_row_get_item (ScKnockRow *self)
{
  g_return_val_if_fail (SC_IS_KNOCK_ROW (self), NULL);
  return self->item;
}

void
sc_knock_row_set_item (ScKnockRow  *self,
                       ScKnockItem *item)
{
  g_return_if_fail (SC_IS_KNOCK_ROW (self));
  g_return_if_fail (item == NULL || SC_IS_KNOCK_ITEM (item));

  if (!g_set_object (&self->item, item))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

static void
sc_knock_row_dispose (GObject *object)
{
  ScKnockRow *self = (ScKnockRow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_KNOCK_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (sc_knock_row_parent_class)->dispose (object);
}

static void
sc_knock_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ScKnockRow *self = SC_KNOCK_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_knock_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ScKnockRow *self = SC_KNOCK_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      sc_knock_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_knock_row_class_init (ScKnockRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_knock_row_dispose;
  object_class->get_property = sc_knock_row_get_property;
  object_class->set_property = sc_knock_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, SC_TYPE_KNOCK_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-knock-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, direction_image);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, where_label);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, allow_button);
  gtk_widget_class_bind_template_child (widget_class, ScKnockRow, block_button);
}

static void
sc_knock_row_init (ScKnockRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
