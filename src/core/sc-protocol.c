/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>


#include "sc-protocol-private.h"

G_DEFINE_QUARK (sc-protocol-error-quark, sc_protocol_error)

static const char * const error_codes[] = {
  [SC_PROTOCOL_ERROR_LINE_TOO_LONG] = "line-too-long",
  [SC_PROTOCOL_ERROR_INVALID_UTF8] = "invalid-utf8",
  [SC_PROTOCOL_ERROR_MALFORMED] = "malformed-json",
  [SC_PROTOCOL_ERROR_TOO_DEEP] = "too-deep",
  [SC_PROTOCOL_ERROR_NOT_OBJECT] = "not-object",
  [SC_PROTOCOL_ERROR_MISSING_FIELD] = "missing-field",
  [SC_PROTOCOL_ERROR_WRONG_TYPE] = "wrong-type",
  [SC_PROTOCOL_ERROR_INVALID_VALUE] = "invalid-value",
  [SC_PROTOCOL_ERROR_UNSUPPORTED_VERSION] = "unsupported-version",
};

const char * const sc_frame_type_names[SC_FRAME_PONG + 1] = {
  [SC_FRAME_UNKNOWN] = "unknown",
  [SC_FRAME_HELLO] = "hello",
  [SC_FRAME_MESSAGE] = "message",
  [SC_FRAME_RECEIPT] = "receipt",
  [SC_FRAME_TYPING] = "typing",
  [SC_FRAME_ADMISSION] = "admission",
  [SC_FRAME_ERROR] = "error",
  [SC_FRAME_BYE] = "bye",
  [SC_FRAME_PING] = "ping",
  [SC_FRAME_PONG] = "pong",
};

const char * const sc_typing_state_names[SC_TYPING_PAUSED + 1] = {
  [SC_TYPING_IDLE] = "idle",
  [SC_TYPING_ACTIVE] = "active",
  [SC_TYPING_PAUSED] = "paused",
};

const char * const sc_admission_names[SC_ADMISSION_DECLINED + 1] = {
  [SC_ADMISSION_PENDING] = "pending",
  [SC_ADMISSION_ACCEPTED] = "accepted",
  [SC_ADMISSION_DECLINED] = "declined",
};

const char *
sc_protocol_error_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, "internal");

  if (error->domain != SC_PROTOCOL_ERROR
      || error->code < 0
      || (gsize) error->code >= G_N_ELEMENTS (error_codes))
    return "internal";

  return error_codes[error->code];
}

const char *
sc_frame_type_to_string (ScFrameType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (sc_frame_type_names), NULL);

  return sc_frame_type_names[type];
}

const char *
sc_typing_state_to_string (ScTypingState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (sc_typing_state_names), NULL);

  return sc_typing_state_names[state];
}

const char *
sc_admission_to_string (ScAdmission admission)
{
  g_return_val_if_fail ((guint) admission < G_N_ELEMENTS (sc_admission_names), NULL);

  return sc_admission_names[admission];
}

int
sc_protocol_lookup_name (const char * const *names,
                         gsize               n_names,
                         gsize               first,
                         const char         *name)
{
  for (gsize i = first; i < n_names; i++)
    {
      if (strcmp (names[i], name) == 0)
        return (int) i;
    }

  return -1;
}

ScFrame *
sc_frame_new (ScFrameType type)
{
  ScFrame *frame;

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (sc_frame_type_names), NULL);

  frame = g_new0 (ScFrame, 1);
  frame->type = type;
  if (type != SC_FRAME_UNKNOWN)
    frame->type_name = g_strdup (sc_frame_type_names[type]);
  if (type == SC_FRAME_HELLO)
    frame->version = SC_PROTOCOL_VERSION;

  return frame;
}

void
sc_frame_free (ScFrame *frame)
{
  if (frame == NULL)
    return;

  g_free (frame->type_name);
  g_free (frame->user_id);
  g_free (frame->name);
  g_strfreev (frame->features);
  g_free (frame->greeting);
  g_free (frame->id);
  g_free (frame->body);
  g_free (frame->status);
  g_free (frame->code);
  g_free (frame->message);
  g_free (frame->reason);
  g_free (frame);
}

/* Encoding */

/* A JSON string (RFC 8259): quotes, backslashes and control characters
 * escaped, everything else (valid UTF-8, checked where the text came in)
 * as it is.  NULL is null. */
static void
append_string (GString    *line,
               const char *value)
{
  const char *run;

  if (value == NULL)
    {
      g_string_append (line, "null");
      return;
    }

  g_string_append_c (line, '"');
  run = value;
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *escape;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (line, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default: escape = NULL; break;
        }
      if (escape != NULL)
        g_string_append (line, escape);
      else
        g_string_append_printf (line, "\\u%04x", c);
    }
  g_string_append (line, run);
  g_string_append_c (line, '"');
}

/* ,"name": before a member's value (the type comes first, without a comma). */
static void
append_member (GString    *line,
               const char *name)
{
  g_string_append_c (line, ',');
  append_string (line, name);
  g_string_append_c (line, ':');
}

static void
append_string_member (GString    *line,
                      const char *name,
                      const char *value)
{
  append_member (line, name);
  append_string (line, value);
}

static void
append_int_member (GString    *line,
                   const char *name,
                   gint64      value)
{
  append_member (line, name);
  g_string_append_printf (line, "%" G_GINT64_FORMAT, value);
}

/* Written directly: a frame is a flat object of known members, and a
 * general JSON library's objects per line cost more than the TLS record it
 * goes into. */
char *
sc_frame_encode (const ScFrame *frame,
                 gsize         *length)
{
  GString *line;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail ((guint) frame->type < G_N_ELEMENTS (sc_frame_type_names), NULL);
  g_return_val_if_fail (frame->type != SC_FRAME_UNKNOWN || frame->type_name != NULL, NULL);

  line = g_string_sized_new (64);
  g_string_append (line, "{\"type\":");
  append_string (line, frame->type == SC_FRAME_UNKNOWN
                       ? frame->type_name
                       : sc_frame_type_names[frame->type]);

  switch (frame->type)
    {
    case SC_FRAME_UNKNOWN:
      break;

    case SC_FRAME_HELLO:
      append_int_member (line, "version", frame->version);
      append_string_member (line, "user", frame->user_id);
      append_string_member (line, "name", frame->name);
      append_member (line, "features");
      g_string_append_c (line, '[');
      for (gsize i = 0; frame->features != NULL && frame->features[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (line, ',');
          append_string (line, frame->features[i]);
        }
      g_string_append_c (line, ']');
      if (frame->greeting != NULL)
        append_string_member (line, "greeting", frame->greeting);
      break;

    case SC_FRAME_MESSAGE:
      append_string_member (line, "id", frame->id);
      append_int_member (line, "time", frame->time);
      append_string_member (line, "body", frame->body);
      break;

    case SC_FRAME_RECEIPT:
      append_string_member (line, "id", frame->id);
      append_string_member (line, "status",
                            frame->status != NULL ? frame->status
                                                  : SC_PROTOCOL_DEFAULT_RECEIPT_STATUS);
      if (frame->reason != NULL)
        append_string_member (line, "reason", frame->reason);
      break;

    case SC_FRAME_TYPING:
      append_string_member (line, "state", sc_typing_state_to_string (frame->typing));
      break;

    case SC_FRAME_ADMISSION:
      append_string_member (line, "state", sc_admission_to_string (frame->admission));
      break;

    case SC_FRAME_ERROR:
      append_string_member (line, "code", frame->code);
      append_string_member (line, "message", frame->message != NULL ? frame->message : "");
      break;

    case SC_FRAME_BYE:
      if (frame->reason != NULL)
        append_string_member (line, "reason", frame->reason);
      break;

    case SC_FRAME_PING:
    case SC_FRAME_PONG:
      append_string_member (line, "id", frame->id);
      break;
    }

  g_string_append (line, "}\n");

  if (length != NULL)
    *length = line->len;

  return g_string_free (line, FALSE);
}

/* Decoder */

struct _ScFrameDecoder
{
  GByteArray *buffer;    /* bytes received and not yet returned as frames */
  gsize       start;     /* where the next line begins in buffer */
  gsize       partial;   /* length of the unfinished line at the end of buffer */
  gsize       max_line;
  GError     *error;     /* once set, every call fails with it */
};

ScFrameDecoder *
sc_frame_decoder_new (gsize max_line)
{
  ScFrameDecoder *decoder;

  g_return_val_if_fail (max_line > 0, NULL);

  decoder = g_new0 (ScFrameDecoder, 1);
  decoder->buffer = g_byte_array_new ();
  decoder->max_line = max_line;

  return decoder;
}

void
sc_frame_decoder_free (ScFrameDecoder *decoder)
{
  if (decoder == NULL)
    return;

  g_byte_array_unref (decoder->buffer);
  g_clear_error (&decoder->error);
  g_free (decoder);
}

/* Takes @failure; the decoder is dead from now on, so its memory goes too. */
static void
decoder_fail (ScFrameDecoder *decoder,
              GError         *failure)
{
  g_assert (decoder->error == NULL);

  decoder->error = failure;
  g_byte_array_set_size (decoder->buffer, 0);
  decoder->start = 0;
  decoder->partial = 0;
}

static void
decoder_fail_line_too_long (ScFrameDecoder *decoder)
{
  decoder_fail (decoder, g_error_new (SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_LINE_TOO_LONG,
                                      "line exceeds %" G_GSIZE_FORMAT " bytes",
                                      decoder->max_line));
}

gboolean
sc_frame_decoder_push (ScFrameDecoder  *decoder,
                       const void      *data,
                       gsize            length,
                       GError         **error)
{
  const guint8 *bytes = data;
  gsize end;
  gsize partial;

  g_return_val_if_fail (decoder != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (decoder->error == NULL && length > 0)
    {
      /* Measure the unfinished line this data leaves before keeping any of it.
       * It may hold one byte more than max_line while that byte is the '\r'
       * of a CRLF still missing its '\n'. */
      for (end = length; end > 0 && bytes[end - 1] != '\n'; end--)
        ;
      partial = end > 0 ? length - end : decoder->partial + length;

      if (partial > decoder->max_line
          && !(partial - 1 == decoder->max_line && bytes[length - 1] == '\r'))
        decoder_fail_line_too_long (decoder);
      else
        {
          g_byte_array_append (decoder->buffer, bytes, length);
          decoder->partial = partial;
        }
    }

  if (decoder->error != NULL)
    {
      g_propagate_error (error, g_error_copy (decoder->error));
      return FALSE;
    }

  return TRUE;
}

ScFrame *
sc_frame_decoder_next (ScFrameDecoder  *decoder,
                       GError         **error)
{
  g_return_val_if_fail (decoder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  while (decoder->error == NULL)
    {
      gsize complete = decoder->buffer->len - decoder->start - decoder->partial;
      const char *line;
      const char *newline;
      gsize length;
      GError *parse_error = NULL;
      ScFrame *frame;

      if (complete == 0)
        {
          if (decoder->start > 0)
            g_byte_array_remove_range (decoder->buffer, 0, decoder->start);
          decoder->start = 0;
          return NULL;
        }

      line = (const char *) decoder->buffer->data + decoder->start;
      newline = memchr (line, '\n', complete);
      g_assert (newline != NULL);
      length = newline - line;
      decoder->start += length + 1;

      if (length > 0 && line[length - 1] == '\r')
        length--;
      if (length == 0)
        continue;

      if (length > decoder->max_line)
        {
          decoder_fail_line_too_long (decoder);
          break;
        }

      frame = sc_frame_parse (line, length, &parse_error);
      if (frame != NULL)
        return frame;
      decoder_fail (decoder, parse_error);
    }

  g_propagate_error (error, g_error_copy (decoder->error));
  return NULL;
}

gsize
sc_frame_decoder_get_buffered (const ScFrameDecoder *decoder)
{
  g_return_val_if_fail (decoder != NULL, 0);

  return decoder->buffer->len - decoder->start;
}
