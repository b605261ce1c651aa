/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a line: sc_frame_parse().  The rest of the protocol (frames,
 * names, encoding, the line decoder) is in sc-protocol.c. */
#include "config.h"

#include <string.h>

#include "sc-protocol-private.h"

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

  index = sc_protocol_lookup_name (names, n_names, 0, state);
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
      frame->status = g_strdup (SC_PROTOCOL_DEFAULT_RECEIPT_STATUS);
      return read_id (object, &frame->id, error)
          && read_string (object, "status", FIELD_OPTIONAL,
                          G_MAXSIZE, &frame->status, error)
          && read_string (object, "reason", FIELD_OPTIONAL,
                          G_MAXSIZE, &frame->reason, error);

    case SC_FRAME_TYPING:
      if (!read_state (object, sc_typing_state_names, G_N_ELEMENTS (sc_typing_state_names),
                       &state, error))
        return FALSE;
      frame->typing = state;
      return TRUE;

    case SC_FRAME_ADMISSION:
      if (!read_state (object, sc_admission_names, G_N_ELEMENTS (sc_admission_names),
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

  type = sc_protocol_lookup_name (sc_frame_type_names, G_N_ELEMENTS (sc_frame_type_names),
                      SC_FRAME_HELLO, type_name);
  frame = sc_frame_new (type < 0 ? SC_FRAME_UNKNOWN : (ScFrameType) type);
  g_free (frame->type_name);
  frame->type_name = g_steal_pointer (&type_name);

  if (!read_fields (frame, object, error))
    return NULL;

  return g_steal_pointer (&frame);
}

