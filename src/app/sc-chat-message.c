/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-chat-message.h"

struct _ScChatMessage
{
  GObject             parent_instance;

  char               *id;
  char               *body;
  gint64              time;
  ScChatMessageState  state;
};

G_DEFINE_FINAL_TYPE (ScChatMessage, sc_chat_message, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_BODY,
  PROP_TIME,
  PROP_OWN,
  PROP_STATE,
  PROP_TIME_TEXT,
  PROP_STATUS_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

ScChatMessage *
sc_chat_message_new (const char         *id,
                     const char         *body,
                     gint64              time,
                     ScChatMessageState  state)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);

  return g_object_new (SC_TYPE_CHAT_MESSAGE,
                       "id", id,
                       "body", body,
                       "time", time,
                       "state", state,
                       NULL);
}

const char *
sc_chat_message_get_id (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), NULL);
  return self->id;
}

const char *
sc_chat_message_get_body (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), NULL);
  return self->body;
}

gint64
sc_chat_message_get_time (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), 0);
  return self->time;
}

gboolean
sc_chat_message_get_own (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), FALSE);
  return self->state != SC_CHAT_MESSAGE_RECEIVED;
}

ScChatMessageState
sc_chat_message_get_state (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), SC_CHAT_MESSAGE_RECEIVED);
  return self->state;
}

void
sc_chat_message_set_state (ScChatMessage      *self,
                           ScChatMessageState  state)
{
  g_return_if_fail (SC_IS_CHAT_MESSAGE (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
}

const char *
sc_chat_message_get_status_text (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), NULL);

  switch (self->state)
    {
    case SC_CHAT_MESSAGE_SENDING:
      return _("Sending…");
    case SC_CHAT_MESSAGE_DELIVERED:
      return _("Delivered");
    case SC_CHAT_MESSAGE_FAILED:
      return _("Not delivered");
    case SC_CHAT_MESSAGE_RECEIVED:
    default:
      return "";
    }
}

char *
sc_chat_message_dup_time_text (ScChatMessage *self)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), NULL);

  utc = g_date_time_new_from_unix_utc (self->time / 1000);
  if (utc == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (utc);
  /* Translators: the time of a chat message, see g_date_time_format() */
  return g_date_time_format (local, _("%H:%M"));
}

static void
sc_chat_message_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ScChatMessage *self = SC_CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_TIME:
      g_value_set_int64 (value, self->time);
      break;
    case PROP_OWN:
      g_value_set_boolean (value, sc_chat_message_get_own (self));
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_TIME_TEXT:
      g_value_take_string (value, sc_chat_message_dup_time_text (self));
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, sc_chat_message_get_status_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_chat_message_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ScChatMessage *self = SC_CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_BODY:
      self->body = g_value_dup_string (value);
      break;
    case PROP_TIME:
      self->time = g_value_get_int64 (value);
      break;
    case PROP_STATE:
      sc_chat_message_set_state (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_chat_message_finalize (GObject *object)
{
  ScChatMessage *self = SC_CHAT_MESSAGE (object);

  g_free (self->id);
  g_free (self->body);

  G_OBJECT_CLASS (sc_chat_message_parent_class)->finalize (object);
}

static void
sc_chat_message_class_init (ScChatMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = sc_chat_message_get_property;
  object_class->set_property = sc_chat_message_set_property;
  object_class->finalize = sc_chat_message_finalize;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, flags | G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL, flags | G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_TIME] =
    g_param_spec_int64 ("time", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        flags | G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_OWN] =
    g_param_spec_boolean ("own", NULL, NULL, FALSE, flags | G_PARAM_READABLE);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, SC_CHAT_MESSAGE_RECEIVED, SC_CHAT_MESSAGE_FAILED,
                      SC_CHAT_MESSAGE_RECEIVED, flags | G_PARAM_READWRITE);
  properties[PROP_TIME_TEXT] =
    g_param_spec_string ("time-text", NULL, NULL, NULL, flags | G_PARAM_READABLE);
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL, flags | G_PARAM_READABLE);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_chat_message_init (ScChatMessage *self)
{
}
