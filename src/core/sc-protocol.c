/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>


#include "sc-protocol.h"

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

static const char * const frame_type_names[] = {
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

static const char * const typing_state_names[] = {
  [SC_TYPING_IDLE] = "idle",
  [SC_TYPING_ACTIVE] = "active",
  [SC_TYPING_PAUSED] = "paused",
};

static const char * const admission_names[] = {
  [SC_ADMISSION_PENDING] = "pending",
  [SC_ADMISSION_ACCEPTED] = "accepted",
  [SC_ADMISSION_DECLINED] = "declined",
};

#define DEFAULT_RECEIPT_STATUS "delivered"

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
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (frame_type_names), NULL);

  return frame_type_names[type];
}

const char *
sc_typing_state_to_string (ScTypingState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (typing_state_names), NULL);

  return typing_state_names[state];
}

const char *
sc_admission_to_string (ScAdmission admission)
{
  g_return_val_if_fail ((guint) admission < G_N_ELEMENTS (admission_names), NULL);

  return admission_names[admission];
}

/* The index of @name in @names, or -1. */
static int
lookup_name (const char * const *names,
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

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (frame_type_names), NULL);

  frame = g_new0 (ScFrame, 1);
  frame->type = type;
  if (type != SC_FRAME_UNKNOWN)
    frame->type_name = g_strdup (frame_type_names[type]);
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
  g_return_val_if_fail ((guint) frame->type < G_N_ELEMENTS (frame_type_names), NULL);
  g_return_val_if_fail (frame->type != SC_FRAME_UNKNOWN || frame->type_name != NULL, NULL);

  line = g_string_sized_new (64);
  g_string_append (line, "{\"type\":");
  append_string (line, frame->type == SC_FRAME_UNKNOWN
                       ? frame->type_name
                       : frame_type_names[frame->type]);

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
                            frame->status != NULL ? frame->status : DEFAULT_RECEIPT_STATUS);
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

/* Lexical check
 *
 * A line is read in two passes, neither recursive beyond
 * SC_PROTOCOL_MAX_DEPTH.  This one checks every token against RFC 8259
 * (no comments, single quotes, hexadecimal or zero-padded numbers, raw
 * control characters, escaped U+0000 or lone surrogates, nothing after the
 * value; integers within 64 bits) and counts nesting, iteratively.  The
 * second (below) checks where the brackets, commas and colons go while it
 * builds the values. */

static gboolean
fail (GError     **error,
      int          code,
      const char  *message)
{
  g_set_error_literal (error, SC_PROTOCOL_ERROR, code, message);
  return FALSE;
}

/* The value of the four hex digits at @text[@pos], or -1. */
static int
read_hex4 (const char *text,
           gsize       length,
           gsize       pos)
{
  int value = 0;

  if (length - pos < 4)
    return -1;

  for (gsize i = pos; i < pos + 4; i++)
    {
      int digit = g_ascii_xdigit_value (text[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

static gboolean
scan_string (const char  *text,
             gsize        length,
             gsize       *pos,
             GError     **error)
{
  gsize i = *pos + 1;

  for (;;)
    {
      guchar c;
      int unit;

      if (i >= length)
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unterminated string");

      c = text[i];
      if (c == '"')
        break;
      if (c < 0x20)
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED,
                     "unescaped control character in a string");
      if (c != '\\')
        {
          i++;
          continue;
        }

      if (i + 1 >= length)
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unterminated string");
      switch (text[i + 1])
        {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          i += 2;
          continue;
        case 'u':
          break;
        default:
          return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "invalid escape in a string");
        }

      unit = read_hex4 (text, length, i + 2);
      if (unit < 0)
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "invalid \\u escape in a string");
      i += 6;

      if (unit == 0)
        return fail (error, SC_PROTOCOL_ERROR_INVALID_UTF8, "string contains U+0000");
      if (unit >= 0xDC00 && unit <= 0xDFFF)
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate in a string");
      if (unit >= 0xD800 && unit <= 0xDBFF)
        {
          int low;

          if (i + 1 >= length || text[i] != '\\' || text[i + 1] != 'u')
            return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate in a string");

          low = read_hex4 (text, length, i + 2);
          if (low < 0xDC00 || low > 0xDFFF)
            return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate in a string");
          i += 6;
        }
    }

  *pos = i + 1;
  return TRUE;
}

static gboolean
scan_digits (const char *text,
             gsize       length,
             gsize      *pos)
{
  gsize start = *pos;

  while (*pos < length && g_ascii_isdigit (text[*pos]))
    (*pos)++;

  return *pos > start;
}

/* A number as RFC 8259 spells it.  Integers (no fraction, no exponent) must
 * lie within ±(2^63 - 1): nothing larger is ever meant, and negating -2^63
 * overflows. */
static gboolean
scan_number (const char  *text,
             gsize        length,
             gsize       *pos,
             GError     **error)
{
  gsize i = *pos;
  guint64 magnitude = 0;
  gboolean integer = TRUE;
  gboolean in_range = TRUE;
  char next;

  if (text[i] == '-')
    i++;

  if (i < length && text[i] == '0')
    {
      i++;
    }
  else if (i < length && g_ascii_isdigit (text[i]))
    {
      for (; i < length && g_ascii_isdigit (text[i]); i++)
        {
          guint digit = text[i] - '0';

          if (magnitude > ((guint64) G_MAXINT64 - digit) / 10)
            in_range = FALSE;
          else
            magnitude = magnitude * 10 + digit;
        }
    }
  else
    {
      return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "invalid number");
    }

  if (i < length && text[i] == '.')
    {
      integer = FALSE;
      i++;
      if (!scan_digits (text, length, &i))
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "invalid number");
    }

  if (i < length && (text[i] == 'e' || text[i] == 'E'))
    {
      integer = FALSE;
      i++;
      if (i < length && (text[i] == '+' || text[i] == '-'))
        i++;
      if (!scan_digits (text, length, &i))
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "invalid number");
    }

  next = i < length ? text[i] : ' ';
  if (g_ascii_isalnum (next) || next == '.' || next == '+' || next == '-')
    return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "invalid number");

  if (integer && !in_range)
    return fail (error, SC_PROTOCOL_ERROR_INVALID_VALUE, "integer out of range");

  *pos = i;
  return TRUE;
}

static gboolean
scan_literal (const char  *text,
              gsize        length,
              gsize       *pos,
              GError     **error)
{
  static const char * const literals[] = { "true", "false", "null" };

  for (gsize i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i]);

      if (length - *pos >= n
          && memcmp (text + *pos, literals[i], n) == 0
          && (length - *pos == n || !g_ascii_isalnum (text[*pos + n])))
        {
          *pos += n;
          return TRUE;
        }
    }

  return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unexpected character outside a string");
}

static gboolean
check_json_text (const char  *text,
                 gsize        length,
                 GError     **error)
{
  gsize i = 0;
  guint depth = 0;
  gboolean complete = FALSE;

  while (i < length)
    {
      char c = text[i];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          i++;
          continue;
        }

      if (complete)
        return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unexpected data after the JSON value");

      switch (c)
        {
        case '{':
        case '[':
          if (depth == SC_PROTOCOL_MAX_DEPTH)
            {
              g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_TOO_DEEP,
                           "nesting exceeds %d levels", SC_PROTOCOL_MAX_DEPTH);
              return FALSE;
            }
          depth++;
          i++;
          break;

        case '}':
        case ']':
          if (depth == 0)
            return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "unbalanced bracket");
          depth--;
          i++;
          break;

        case ':':
        case ',':
          i++;
          break;

        case '"':
          if (!scan_string (text, length, &i, error))
            return FALSE;
          break;

        case 't':
        case 'f':
        case 'n':
          if (!scan_literal (text, length, &i, error))
            return FALSE;
          break;

        default:
          if (c != '-' && !g_ascii_isdigit (c))
            return fail (error, SC_PROTOCOL_ERROR_MALFORMED,
                         "unexpected character outside a string");
          if (!scan_number (text, length, &i, error))
            return FALSE;
          break;
        }

      complete = depth == 0 && c != ':' && c != ',';
    }

  if (!complete)
    return fail (error, SC_PROTOCOL_ERROR_MALFORMED,
                 depth > 0 ? "line ends inside the JSON value" : "line holds no JSON value");

  return TRUE;
}

/* The line as a tree
 *
 * check_json_text() has checked every token; this pass checks where the
 * brackets, commas and colons go while it builds the values a frame reads:
 * the top-level object's members by name (the last of a repeated name
 * wins), scalars, and arrays of values.  Nesting is at most
 * SC_PROTOCOL_MAX_DEPTH deep, so the recursion is bounded. */

typedef enum
{
  VALUE_NULL,
  VALUE_BOOLEAN,
  VALUE_INTEGER,
  VALUE_DOUBLE,
  VALUE_STRING,
  VALUE_ARRAY,
  VALUE_OBJECT,
} ValueKind;

typedef struct
{
  ValueKind  kind;
  char      *string;    /* VALUE_STRING, unescaped */
  gint64     integer;   /* VALUE_INTEGER */
  GPtrArray *elements;  /* VALUE_ARRAY: Value* */
} Value;

static void
value_free (Value *value)
{
  g_free (value->string);
  g_clear_pointer (&value->elements, g_ptr_array_unref);
  g_free (value);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Value, value_free)

typedef struct
{
  const char *text;
  gsize       length;
  gsize       pos;
} Parser;

static void
skip_space (Parser *p)
{
  while (p->pos < p->length
         && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t'
             || p->text[p->pos] == '\n' || p->text[p->pos] == '\r'))
    p->pos++;
}

/* The next character that is not white space, or '\0' at the end. */
static char
peek (Parser *p)
{
  skip_space (p);
  return p->pos < p->length ? p->text[p->pos] : '\0';
}

/* A string token at p->pos, already checked: its text unescaped. */
static char *
parse_string (Parser *p)
{
  GString *out = g_string_new (NULL);
  gsize i = p->pos + 1;

  while (p->text[i] != '"')
    {
      gsize run = i;
      gunichar c;

      while (p->text[i] != '"' && p->text[i] != '\\')
        i++;
      g_string_append_len (out, p->text + run, i - run);
      if (p->text[i] == '"')
        break;

      switch (p->text[i + 1])
        {
        case 'b': g_string_append_c (out, '\b'); i += 2; continue;
        case 'f': g_string_append_c (out, '\f'); i += 2; continue;
        case 'n': g_string_append_c (out, '\n'); i += 2; continue;
        case 'r': g_string_append_c (out, '\r'); i += 2; continue;
        case 't': g_string_append_c (out, '\t'); i += 2; continue;
        case 'u': break;
        default: g_string_append_c (out, p->text[i + 1]); i += 2; continue;
        }

      c = read_hex4 (p->text, p->length, i + 2);
      i += 6;
      if (c >= 0xD800 && c <= 0xDBFF)
        {
          c = 0x10000 + ((c - 0xD800) << 10) + (read_hex4 (p->text, p->length, i + 2) - 0xDC00);
          i += 6;
        }
      g_string_append_unichar (out, c);
    }

  p->pos = i + 1;
  return g_string_free (out, FALSE);
}

static gboolean parse_value (Parser  *p,
                             Value  **out,
                             GError **error);

static gboolean
syntax_error (GError **error)
{
  return fail (error, SC_PROTOCOL_ERROR_MALFORMED, "invalid JSON syntax");
}

/* An object at p->pos; members (may be NULL: only checked) gets them by name. */
static gboolean
parse_object (Parser      *p,
              GHashTable  *members,
              GError     **error)
{
  p->pos++;
  if (peek (p) == '}')
    {
      p->pos++;
      return TRUE;
    }

  for (;;)
    {
      g_autofree char *name = NULL;
      g_autoptr(Value) value = NULL;

      if (peek (p) != '"')
        return syntax_error (error);
      name = parse_string (p);
      if (peek (p) != ':')
        return syntax_error (error);
      p->pos++;
      if (!parse_value (p, members != NULL ? &value : NULL, error))
        return FALSE;
      if (members != NULL)
        g_hash_table_replace (members, g_steal_pointer (&name), g_steal_pointer (&value));

      switch (peek (p))
        {
        case ',':
          p->pos++;
          continue;
        case '}':
          p->pos++;
          return TRUE;
        default:
          return syntax_error (error);
        }
    }
}

static gboolean
parse_array (Parser     *p,
             GPtrArray  *elements,
             GError    **error)
{
  p->pos++;
  if (peek (p) == ']')
    {
      p->pos++;
      return TRUE;
    }

  for (;;)
    {
      Value *value = NULL;

      if (!parse_value (p, elements != NULL ? &value : NULL, error))
        return FALSE;
      if (elements != NULL)
        g_ptr_array_add (elements, value);

      switch (peek (p))
        {
        case ',':
          p->pos++;
          continue;
        case ']':
          p->pos++;
          return TRUE;
        default:
          return syntax_error (error);
        }
    }
}

/* Any value at the next token; out (may be NULL: only checked) gets it.
 * Nested objects are checked but kept as their kind only. */
static gboolean
parse_value (Parser  *p,
             Value  **out,
             GError **error)
{
  g_autoptr(Value) value = g_new0 (Value, 1);
  char c = peek (p);

  switch (c)
    {
    case '{':
      value->kind = VALUE_OBJECT;
      if (!parse_object (p, NULL, error))
        return FALSE;
      break;

    case '[':
      value->kind = VALUE_ARRAY;
      value->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) value_free);
      if (!parse_array (p, out != NULL ? value->elements : NULL, error))
        return FALSE;
      break;

    case '"':
      value->kind = VALUE_STRING;
      value->string = parse_string (p);
      break;

    case 't':
    case 'f':
      value->kind = VALUE_BOOLEAN;
      p->pos += c == 't' ? 4 : 5;
      break;

    case 'n':
      value->kind = VALUE_NULL;
      p->pos += 4;
      break;

    default:
      {
        gsize start = p->pos;
        gboolean integer = TRUE;

        if (c != '-' && !g_ascii_isdigit (c))
          return syntax_error (error);
        while (p->pos < p->length && strchr ("+-0123456789.eE", p->text[p->pos]) != NULL)
          {
            if (strchr (".eE", p->text[p->pos]) != NULL)
              integer = FALSE;
            p->pos++;
          }
        value->kind = integer ? VALUE_INTEGER : VALUE_DOUBLE;
        /* Checked to fit in 64 bits, and followed by a delimiter. */
        if (integer)
          value->integer = g_ascii_strtoll (p->text + start, NULL, 10);
      }
      break;
    }

  if (out != NULL)
    *out = g_steal_pointer (&value);
  return TRUE;
}

/* Fields */

typedef enum
{
  FIELD_OPTIONAL  = 0,
  FIELD_REQUIRED  = 1 << 0,
  FIELD_NON_EMPTY = 1 << 1,
} FieldFlags;

/* Copies the string member @field into *@out; a missing optional member
 * leaves *@out alone. */
static gboolean
read_string (GHashTable  *object,
             const char  *field,
             FieldFlags   flags,
             gsize        max_length,
             char       **out,
             GError     **error)
{
  Value *node = g_hash_table_lookup (object, field);
  const char *value;
  gsize length;

  if (node == NULL)
    {
      if (flags & FIELD_REQUIRED)
        {
          g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_MISSING_FIELD,
                       "missing field \"%s\"", field);
          return FALSE;
        }
      return TRUE;
    }

  if (node->kind != VALUE_STRING)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_WRONG_TYPE,
                   "field \"%s\" must be a string", field);
      return FALSE;
    }

  value = node->string;
  length = strlen (value);

  if ((flags & FIELD_NON_EMPTY) && length == 0)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_VALUE,
                   "field \"%s\" must not be empty", field);
      return FALSE;
    }

  if (length > max_length)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_VALUE,
                   "field \"%s\" exceeds %" G_GSIZE_FORMAT " bytes", field, max_length);
      return FALSE;
    }

  g_free (*out);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
read_id (GHashTable  *object,
         char       **out,
         GError     **error)
{
  return read_string (object, "id", FIELD_REQUIRED | FIELD_NON_EMPTY,
                      SC_PROTOCOL_MAX_ID, out, error);
}

/* A required integer member in [@min, @max]. */
static gboolean
read_integer (GHashTable  *object,
              const char  *field,
              gint64       min,
              gint64       max,
              gint64      *out,
              GError     **error)
{
  Value *node = g_hash_table_lookup (object, field);
  gint64 value;

  if (node == NULL)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_MISSING_FIELD,
                   "missing field \"%s\"", field);
      return FALSE;
    }

  if (node->kind == VALUE_DOUBLE)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_VALUE,
                   "field \"%s\" must be an integer, without fraction or exponent", field);
      return FALSE;
    }
  if (node->kind != VALUE_INTEGER)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_WRONG_TYPE,
                   "field \"%s\" must be an integer", field);
      return FALSE;
    }

  value = node->integer;
  if (value < min)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_VALUE,
                   "field \"%s\" must be at least %" G_GINT64_FORMAT, field, min);
      return FALSE;
    }
  if (value > max)
    {
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_VALUE,
                   "field \"%s\" must be at most %" G_GINT64_FORMAT, field, max);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

/* The "state" member, one of @names. */
static gboolean
read_state (GHashTable          *object,
            const char * const  *names,
            gsize                n_names,
            guint               *out,
            GError             **error)
{
  g_autofree char *state = NULL;
  int index;

  if (!read_string (object, "state", FIELD_REQUIRED, G_MAXSIZE, &state, error))
    return FALSE;

  index = lookup_name (names, n_names, 0, state);
  if (index < 0)
    {
      g_autoptr(GString) expected = g_string_new (NULL);

      for (gsize i = 0; i < n_names; i++)
        g_string_append_printf (expected, "%s\"%s\"",
                                i == 0 ? "" : i + 1 == n_names ? " or " : ", ",
                                names[i]);
      g_set_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_VALUE,
                   "field \"state\" must be %s", expected->str);
      return FALSE;
    }

  *out = index;
  return TRUE;
}

static gboolean
read_features (GHashTable  *object,
               char      ***out,
               GError     **error)
{
  Value *node = g_hash_table_lookup (object, "features");
  g_auto(GStrv) features = NULL;

  if (node == NULL)
    {
      *out = g_new0 (char *, 1);
      return TRUE;
    }

  if (node->kind != VALUE_ARRAY)
    return fail (error, SC_PROTOCOL_ERROR_WRONG_TYPE,
                 "field \"features\" must be an array of strings");

  features = g_new0 (char *, node->elements->len + 1);
  for (guint i = 0; i < node->elements->len; i++)
    {
      Value *element = g_ptr_array_index (node->elements, i);

      if (element->kind != VALUE_STRING)
        return fail (error, SC_PROTOCOL_ERROR_WRONG_TYPE,
                     "field \"features\" must be an array of strings");
      features[i] = g_strdup (element->string);
    }

  *out = g_steal_pointer (&features);
  return TRUE;
}

static gboolean
read_hello (ScFrame     *frame,
            GHashTable  *object,
            GError     **error)
{
  gint64 version;

  if (!read_integer (object, "version", 1, G_MAXUINT, &version, error))
    return FALSE;
  frame->version = version;

  return read_string (object, "user", FIELD_REQUIRED | FIELD_NON_EMPTY,
                      SC_PROTOCOL_MAX_NAME, &frame->user_id, error)
      && read_string (object, "name", FIELD_REQUIRED,
                      SC_PROTOCOL_MAX_NAME, &frame->name, error)
      && read_features (object, &frame->features, error)
      && read_string (object, "greeting", FIELD_OPTIONAL,
                      SC_PROTOCOL_MAX_GREETING, &frame->greeting, error);
}

static gboolean
read_fields (ScFrame     *frame,
             GHashTable  *object,
             GError     **error)
{
  guint state;

  switch (frame->type)
    {
    case SC_FRAME_UNKNOWN:
      return TRUE;

    case SC_FRAME_HELLO:
      return read_hello (frame, object, error);

    case SC_FRAME_MESSAGE:
      return read_id (object, &frame->id, error)
          && read_integer (object, "time", 0, G_MAXINT64, &frame->time, error)
          && read_string (object, "body", FIELD_REQUIRED | FIELD_NON_EMPTY,
                          G_MAXSIZE, &frame->body, error);

    case SC_FRAME_RECEIPT:
      frame->status = g_strdup (DEFAULT_RECEIPT_STATUS);
      return read_id (object, &frame->id, error)
          && read_string (object, "status", FIELD_OPTIONAL,
                          G_MAXSIZE, &frame->status, error)
          && read_string (object, "reason", FIELD_OPTIONAL,
                          G_MAXSIZE, &frame->reason, error);

    case SC_FRAME_TYPING:
      if (!read_state (object, typing_state_names, G_N_ELEMENTS (typing_state_names),
                       &state, error))
        return FALSE;
      frame->typing = state;
      return TRUE;

    case SC_FRAME_ADMISSION:
      if (!read_state (object, admission_names, G_N_ELEMENTS (admission_names),
                       &state, error))
        return FALSE;
      frame->admission = state;
      return TRUE;

    case SC_FRAME_ERROR:
      frame->message = g_strdup ("");
      return read_string (object, "code", FIELD_REQUIRED, G_MAXSIZE, &frame->code, error)
          && read_string (object, "message", FIELD_OPTIONAL,
                          G_MAXSIZE, &frame->message, error);

    case SC_FRAME_BYE:
      return read_string (object, "reason", FIELD_OPTIONAL,
                          G_MAXSIZE, &frame->reason, error);

    case SC_FRAME_PING:
    case SC_FRAME_PONG:
      return read_id (object, &frame->id, error);
    }

  g_assert_not_reached ();
}

ScFrame *
sc_frame_parse (const char  *line,
                gsize        length,
                GError     **error)
{
  g_autoptr(GHashTable) object = NULL;
  g_autoptr(ScFrame) frame = NULL;
  g_autofree char *type_name = NULL;
  Parser parser = { line, length, 0 };
  int type;

  g_return_val_if_fail (line != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > 0 && memchr (line, '\0', length) != NULL)
    {
      fail (error, SC_PROTOCOL_ERROR_INVALID_UTF8, "line contains a NUL byte");
      return NULL;
    }
  if (!g_utf8_validate_len (line, length, NULL))
    {
      fail (error, SC_PROTOCOL_ERROR_INVALID_UTF8, "line is not valid UTF-8");
      return NULL;
    }
  if (!check_json_text (line, length, error))
    return NULL;

  if (peek (&parser) != '{')
    {
      /* Any other value, checked all the same. */
      if (!parse_value (&parser, NULL, error))
        return NULL;
      fail (error, SC_PROTOCOL_ERROR_NOT_OBJECT, "line is not a JSON object");
      return NULL;
    }
  object = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) value_free);
  if (!parse_object (&parser, object, error))
    return NULL;

  if (!read_string (object, "type", FIELD_REQUIRED, G_MAXSIZE, &type_name, error))
    return NULL;

  type = lookup_name (frame_type_names, G_N_ELEMENTS (frame_type_names),
                      SC_FRAME_HELLO, type_name);
  frame = sc_frame_new (type < 0 ? SC_FRAME_UNKNOWN : (ScFrameType) type);
  g_free (frame->type_name);
  frame->type_name = g_steal_pointer (&type_name);

  if (!read_fields (frame, object, error))
    return NULL;

  return g_steal_pointer (&frame);
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
