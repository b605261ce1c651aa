/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "sc-message.h"
#include "sc-protocol.h"

typedef struct
{
  ScMessage        message;
  gatomicrefcount  ref_count;
} ScMessageReal;

G_DEFINE_BOXED_TYPE (ScMessage, sc_message, sc_message_ref, sc_message_unref)

ScMessage *
sc_message_new (void)
{
  ScMessageReal *real = g_new0 (ScMessageReal, 1);

  g_atomic_ref_count_init (&real->ref_count);
  return &real->message;
}

ScMessage *
sc_message_copy (const ScMessage *message)
{
  ScMessage *copy = sc_message_new ();

  copy->seq = message->seq;
  copy->id = g_strdup (message->id);
  copy->peer = g_strdup (message->peer);
  copy->fingerprint = g_strdup (message->fingerprint);
  copy->outgoing = message->outgoing;
  copy->time = message->time;
  copy->received = message->received;
  copy->body = g_strdup (message->body);
  copy->state = message->state;
  copy->error = g_strdup (message->error);
  copy->snippet = g_strdup (message->snippet);

  return copy;
}

ScMessage *
sc_message_ref (ScMessage *message)
{
  ScMessageReal *real = (ScMessageReal *) message;

  g_return_val_if_fail (message != NULL, NULL);

  g_atomic_ref_count_inc (&real->ref_count);
  return message;
}

void
sc_message_unref (ScMessage *message)
{
  ScMessageReal *real = (ScMessageReal *) message;

  if (message == NULL || !g_atomic_ref_count_dec (&real->ref_count))
    return;

  g_free (message->id);
  g_free (message->peer);
  g_free (message->fingerprint);
  g_free (message->body);
  g_free (message->error);
  g_free (message->snippet);
  g_free (real);
}

static const char * const state_names[] = {
  [SC_MESSAGE_PENDING] = "pending",
  [SC_MESSAGE_SENT] = "sent",
  [SC_MESSAGE_DELIVERED] = "delivered",
  [SC_MESSAGE_FAILED] = "failed",
};

const char *
sc_message_state_to_string (ScMessageState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), "unknown");

  return state_names[state];
}

gboolean
sc_message_state_from_string (const char     *text,
                              ScMessageState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    {
      if (g_strcmp0 (text, state_names[i]) == 0)
        {
          *state = i;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
sc_message_check_body (const char  *body,
                       GError     **error)
{
  g_autoptr(ScFrame) frame = NULL;
  g_autofree char *line = NULL;
  gsize length;

  if (body == NULL || body[0] == '\0' || !g_utf8_validate (body, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A message must be non-empty UTF-8 text"));
      return FALSE;
    }

  /* The limit is on the line as sent, escapes included; the id and time
   * are measured at their longest. */
  frame = sc_frame_new (SC_FRAME_MESSAGE);
  frame->id = g_strdup ("00000000-0000-4000-8000-000000000000");
  frame->time = G_MAXINT64;
  frame->body = g_strdup (body);
  line = sc_frame_encode (frame, &length);
  if (length - 1 > SC_PROTOCOL_MAX_LINE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("The message is too long: it takes %zu bytes on the wire, "
                     "at most %d are allowed"),
                   length - 1, SC_PROTOCOL_MAX_LINE);
      return FALSE;
    }

  return TRUE;
}
