/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-message-row.h"

struct _ScMessageRow
{
  GtkWidget       parent_instance;

  ScChatMessage  *message;
  GSignalGroup   *message_signals;

  GtkWidget      *bubble;
  GtkLabel       *status_label;
  GtkWidget      *retry_button;
  GtkWidget      *delete_button;
};

G_DEFINE_FINAL_TYPE (ScMessageRow, sc_message_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_side (ScMessageRow *self)
{
  gboolean own = self->message != NULL && sc_chat_message_get_own (self->message);

  gtk_widget_set_halign (self->bubble, own ? GTK_ALIGN_END : GTK_ALIGN_START);
  if (own)
    gtk_widget_add_css_class (self->bubble, "own");
  else
    gtk_widget_remove_css_class (self->bubble, "own");
}

static void
update_state (ScMessageRow *self)
{
  gboolean failed = self->message != NULL
                    && sc_chat_message_get_state (self->message) == SC_CHAT_MESSAGE_FAILED;
  gboolean undelivered = self->message != NULL
                         && sc_chat_message_get_seq (self->message) > 0
                         && sc_chat_message_get_undelivered (self->message);

  /* Our undelivered messages can be sent again or deleted. */
  if (undelivered)
    {
      g_autoptr(GVariant) seq = NULL;

      seq = g_variant_ref_sink (g_variant_new_int64 (sc_chat_message_get_seq (self->message)));

      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button), seq);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->delete_button), seq);
    }
  gtk_widget_set_visible (self->retry_button, undelivered);
  gtk_widget_set_visible (self->delete_button, undelivered);

  if (failed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
}

ScChatMessage *
sc_message_row_get_message (ScMessageRow *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE_ROW (self), NULL);
  return self->message;
}

void
sc_message_row_set_message (ScMessageRow  *self,
                            ScChatMessage *message)
{
  g_return_if_fail (SC_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || SC_IS_CHAT_MESSAGE (message));

  if (!g_set_object (&self->message, message))
    return;

  g_signal_group_set_target (self->message_signals, message);

  update_side (self);
  update_state (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
sc_message_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ScMessageRow *self = SC_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_message_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ScMessageRow *self = SC_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      sc_message_row_set_message (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_message_row_dispose (GObject *object)
{
  ScMessageRow *self = SC_MESSAGE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_MESSAGE_ROW);
  g_clear_object (&self->message_signals);
  g_clear_object (&self->message);

  G_OBJECT_CLASS (sc_message_row_parent_class)->dispose (object);
}

static void
sc_message_row_class_init (ScMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sc_message_row_get_property;
  object_class->set_property = sc_message_row_set_property;
  object_class->dispose = sc_message_row_dispose;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL, SC_TYPE_CHAT_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ScMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, ScMessageRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ScMessageRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, ScMessageRow, delete_button);
}

static void
sc_message_row_init (ScMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->message_signals = g_signal_group_new (SC_TYPE_CHAT_MESSAGE);
  g_signal_group_connect_swapped (self->message_signals, "notify::state",
                                  G_CALLBACK (update_state), self);
  /* A placeholder of the history becomes ours or theirs when filled. */
  g_signal_group_connect_swapped (self->message_signals, "notify::own",
                                  G_CALLBACK (update_side), self);
}
