/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-chat-message.h"

struct _ScChatMessage
{
  GObject             parent_instance;

  gint64              seq;
  char               *id;
  char               *body;
  gint64              time;
  ScChatMessageState  state;
  char               *error;
  char               *status_text;
  gboolean            own;
  gboolean            loaded;
};

G_DEFINE_FINAL_TYPE (ScChatMessage, sc_chat_message, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SEQ,
  PROP_LOADED,
  PROP_ERROR,
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

ScChatMessage *
sc_chat_message_new_placeholder (gint64 seq)
{
  ScChatMessage *self = g_object_new (SC_TYPE_CHAT_MESSAGE, "id", "", "body", "", NULL);

  self->seq = seq;
  self->loaded = FALSE;
  return self;
}

ScChatMessage *
sc_chat_message_new_stored (const ScMessage *stored)
{
  ScChatMessage *self;

  g_return_val_if_fail (stored != NULL, NULL);

  self = sc_chat_message_new_placeholder (stored->seq);
  sc_chat_message_update (self, stored);
  return self;
}

static ScChatMessageState
state_of (const ScMessage *stored)
{
  if (!stored->outgoing)
    return SC_CHAT_MESSAGE_RECEIVED;

  switch (stored->state)
    {
    case SC_MESSAGE_PENDING:
      return SC_CHAT_MESSAGE_PENDING;
    case SC_MESSAGE_SENT:
      return SC_CHAT_MESSAGE_SENDING;
    case SC_MESSAGE_DELIVERED:
      return SC_CHAT_MESSAGE_DELIVERED;
    case SC_MESSAGE_FAILED:
    default:
      return SC_CHAT_MESSAGE_FAILED;
    }
}

static void
set_string (ScChatMessage  *self,
            char          **field,
            const char     *value,
            guint           prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
sc_chat_message_update (ScChatMessage   *self,
                        const ScMessage *stored)
{
  g_return_if_fail (SC_IS_CHAT_MESSAGE (self));
  g_return_if_fail (stored != NULL);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->seq != stored->seq)
    {
      self->seq = stored->seq;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQ]);
    }
  set_string (self, &self->id, stored->id, PROP_ID);
  set_string (self, &self->body, stored->body, PROP_BODY);
  if (self->time != stored->time)
    {
      self->time = stored->time;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_TEXT]);
    }
  if (g_strcmp0 (self->error, stored->error) != 0)
    {
      set_string (self, &self->error, stored->error, PROP_ERROR);
      g_clear_pointer (&self->status_text, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
    }
  sc_chat_message_set_state (self, state_of (stored));
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

gint64
sc_chat_message_get_seq (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), 0);
  return self->seq;
}

gboolean
sc_chat_message_get_loaded (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), FALSE);
  return self->loaded;
}

const char *
sc_chat_message_get_error (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), NULL);
  return self->error;
}

gboolean
sc_chat_message_get_undelivered (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), FALSE);
  return self->state == SC_CHAT_MESSAGE_PENDING || self->state == SC_CHAT_MESSAGE_SENDING
         || self->state == SC_CHAT_MESSAGE_FAILED;
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
  return self->own;
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
  g_clear_pointer (&self->status_text, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
  if (self->own != (state != SC_CHAT_MESSAGE_RECEIVED))
    {
      self->own = state != SC_CHAT_MESSAGE_RECEIVED;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN]);
    }
}

const char *
sc_chat_message_get_status_text (ScChatMessage *self)
{
  g_return_val_if_fail (SC_IS_CHAT_MESSAGE (self), NULL);

  switch (self->state)
    {
    case SC_CHAT_MESSAGE_PENDING:
      return _("Not sent yet");
    case SC_CHAT_MESSAGE_SENDING:
      return _("Sending…");
    case SC_CHAT_MESSAGE_DELIVERED:
      return _("Delivered");
    case SC_CHAT_MESSAGE_FAILED:
      if (self->error == NULL || *self->error == '\0')
        return _("Not delivered");
      if (self->status_text == NULL)
        /* Translators: %s is the peer's reason for refusing a message */
        self->status_text = g_strdup_printf (_("Not delivered: %s"), self->error);
      return self->status_text;
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
    case PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
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
  g_free (self->error);
  g_free (self->status_text);

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

  properties[PROP_SEQ] =
    g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0, flags | G_PARAM_READABLE);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, TRUE, flags | G_PARAM_READABLE);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL, flags | G_PARAM_READABLE);
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
    g_param_spec_int ("state", NULL, NULL, SC_CHAT_MESSAGE_RECEIVED, SC_CHAT_MESSAGE_PENDING,
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
  self->loaded = TRUE;
}
