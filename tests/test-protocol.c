/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <glib.h>

#include "sc-protocol.h"

/* Session threads have 256 KiB stacks; hostile input is parsed in one too. */
#define SESSION_STACK_SIZE (256 * 1024)

/* A string that JSON has to escape in every way it can. */
#define AWKWARD_TEXT "quote \" backslash \\ slash / newline \n cr \r tab \t " \
                     "bs \b ff \f ctl \x01 us \x1f del \x7f é ☃ 😀 \xe2\x80\xa8 end"

/* Helpers */

static ScFrame *
parse_string (const char  *line,
              GError     **error)
{
  return sc_frame_parse (line, strlen (line), error);
}

static void
assert_parse_error_len (const char      *line,
                        gsize            length,
                        ScProtocolError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScFrame) frame = sc_frame_parse (line, length, &error);

  if (frame != NULL || !g_error_matches (error, SC_PROTOCOL_ERROR, code))
    g_test_message ("line: %.*s", (int) MIN (length, 200), line);
  g_assert_null (frame);
  g_assert_error (error, SC_PROTOCOL_ERROR, (int) code);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_cmpuint (strlen (error->message), <, 160);
}

static void
assert_parse_error (const char      *line,
                    ScProtocolError  code)
{
  assert_parse_error_len (line, strlen (line), code);
}

static ScFrame *
assert_parses (const char  *line,
               ScFrameType  type)
{
  g_autoptr(GError) error = NULL;
  ScFrame *frame = parse_string (line, &error);

  if (error != NULL)
    g_test_message ("line: %.200s", line);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
  g_assert_cmpint (frame->type, ==, type);
  return frame;
}

static void
assert_frames_equal (const ScFrame *a,
                     const ScFrame *b)
{
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpstr (a->type_name, ==, b->type_name);
  g_assert_cmpuint (a->version, ==, b->version);
  g_assert_cmpstr (a->user_id, ==, b->user_id);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_true ((a->features == NULL) == (b->features == NULL));
  if (a->features != NULL)
    g_assert_true (g_strv_equal ((const char * const *) a->features,
                                 (const char * const *) b->features));
  g_assert_cmpstr (a->greeting, ==, b->greeting);
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpint (a->time, ==, b->time);
  g_assert_cmpstr (a->body, ==, b->body);
  g_assert_cmpstr (a->status, ==, b->status);
  g_assert_cmpint (a->typing, ==, b->typing);
  g_assert_cmpint (a->admission, ==, b->admission);
  g_assert_cmpstr (a->code, ==, b->code);
  g_assert_cmpstr (a->message, ==, b->message);
  g_assert_cmpstr (a->reason, ==, b->reason);
}

/* Encodes @frame, checks the line's shape and parses it back. */
static ScFrame *
round_trip (const ScFrame *frame)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  ScFrame *parsed;
  gsize length = 0;

  line = sc_frame_encode (frame, &length);
  g_assert_nonnull (line);
  g_assert_cmpuint (length, ==, strlen (line));
  g_assert_cmpuint (length, >, 1);
  g_assert_cmpint (line[length - 1], ==, '\n');
  g_assert_null (memchr (line, '\n', length - 1));
  g_assert_null (memchr (line, '\x1f', length));
  g_assert_true (g_str_has_prefix (line, "{\"type\":\""));

  parsed = sc_frame_parse (line, length - 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  return parsed;
}

static ScFrame *
new_message (const char *id,
             gint64      time,
             const char *body)
{
  ScFrame *frame = sc_frame_new (SC_FRAME_MESSAGE);

  frame->id = g_strdup (id);
  frame->time = time;
  frame->body = g_strdup (body);
  return frame;
}

/* One frame of every type, as a parser would return them. */
static GPtrArray *
sample_frames (void)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_frame_free);
  static const char * const features[] = { "receipts", "typing", "admission", NULL };
  ScFrame *frame;

  frame = sc_frame_new (SC_FRAME_HELLO);
  frame->user_id = g_strdup ("alice@example.org");
  frame->name = g_strdup ("Alice Ünïcödé");
  frame->features = g_strdupv ((char **) features);
  frame->greeting = g_strdup ("Hi, it's Alice from the " AWKWARD_TEXT);
  g_ptr_array_add (frames, frame);

  frame = sc_frame_new (SC_FRAME_HELLO);
  frame->version = 7;
  frame->user_id = g_strdup ("bob@example.net");
  frame->name = g_strdup ("");
  frame->features = g_new0 (char *, 1);
  g_ptr_array_add (frames, frame);

  g_ptr_array_add (frames, new_message ("6f1c2a8e-2f0b-4d7e-9b57-1d7c6f3f9a10",
                                        1700000000123, AWKWARD_TEXT));
  g_ptr_array_add (frames, new_message ("m", 0, "x"));
  g_ptr_array_add (frames, new_message ("big", G_MAXINT64, "{\"not\": [\"json\"]}"));

  frame = sc_frame_new (SC_FRAME_RECEIPT);
  frame->id = g_strdup ("6f1c2a8e-2f0b-4d7e-9b57-1d7c6f3f9a10");
  frame->status = g_strdup ("delivered");
  g_ptr_array_add (frames, frame);

  frame = sc_frame_new (SC_FRAME_RECEIPT);
  frame->id = g_strdup ("r2");
  frame->status = g_strdup ("read");
  g_ptr_array_add (frames, frame);

  for (ScTypingState state = SC_TYPING_IDLE; state <= SC_TYPING_PAUSED; state++)
    {
      frame = sc_frame_new (SC_FRAME_TYPING);
      frame->typing = state;
      g_ptr_array_add (frames, frame);
    }

  for (ScAdmission admission = SC_ADMISSION_PENDING;
       admission <= SC_ADMISSION_DECLINED;
       admission++)
    {
      frame = sc_frame_new (SC_FRAME_ADMISSION);
      frame->admission = admission;
      g_ptr_array_add (frames, frame);
    }

  frame = sc_frame_new (SC_FRAME_ERROR);
  frame->code = g_strdup ("not-admitted");
  frame->message = g_strdup ("wait for \"accepted\"");
  g_ptr_array_add (frames, frame);

  frame = sc_frame_new (SC_FRAME_ERROR);
  frame->code = g_strdup ("busy");
  frame->message = g_strdup ("");
  g_ptr_array_add (frames, frame);

  frame = sc_frame_new (SC_FRAME_BYE);
  frame->reason = g_strdup ("declined");
  g_ptr_array_add (frames, frame);

  g_ptr_array_add (frames, sc_frame_new (SC_FRAME_BYE));

  frame = sc_frame_new (SC_FRAME_PING);
  frame->id = g_strdup ("p1");
  g_ptr_array_add (frames, frame);

  frame = sc_frame_new (SC_FRAME_PONG);
  frame->id = g_strdup ("p1");
  g_ptr_array_add (frames, frame);

  frame = sc_frame_new (SC_FRAME_UNKNOWN);
  frame->type_name = g_strdup ("file-offer");
  g_ptr_array_add (frames, frame);

  return frames;
}

/* The sample frames encoded back to back. */
static GString *
sample_stream (GPtrArray *frames)
{
  GString *stream = g_string_new (NULL);

  for (guint i = 0; i < frames->len; i++)
    {
      g_autofree char *line = sc_frame_encode (frames->pdata[i], NULL);

      g_string_append (stream, line);
    }

  return stream;
}

/* Pushes @stream in @chunk-byte pieces, draining the decoder after each. */
static GPtrArray *
decode_all (const char *stream,
            gsize       length,
            gsize       chunk)
{
  g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_frame_free);

  for (gsize offset = 0; offset < length; offset += chunk)
    {
      g_autoptr(GError) error = NULL;
      ScFrame *frame;

      sc_frame_decoder_push (decoder, stream + offset, MIN (chunk, length - offset), &error);
      g_assert_no_error (error);

      while ((frame = sc_frame_decoder_next (decoder, &error)) != NULL)
        g_ptr_array_add (frames, frame);
      g_assert_no_error (error);
    }

  g_assert_cmpuint (sc_frame_decoder_get_buffered (decoder), ==, 0);
  return frames;
}

static void
assert_frame_lists_equal (GPtrArray *a,
                          GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_frames_equal (a->pdata[i], b->pdata[i]);
}

typedef struct
{
  void (*func) (void);
} SmallStackCall;

static void *
small_stack_main (void *data)
{
  SmallStackCall *call = data;

  call->func ();
  return NULL;
}

/* Runs @func in a thread whose stack is as small as a session thread's. */
static void
run_with_session_stack (void (*func) (void))
{
  SmallStackCall call = { func };
  pthread_attr_t attr;
  pthread_t thread;

  g_assert_cmpint (pthread_attr_init (&attr), ==, 0);
  g_assert_cmpint (pthread_attr_setstacksize (&attr, SESSION_STACK_SIZE), ==, 0);
  g_assert_cmpint (pthread_create (&thread, &attr, small_stack_main, &call), ==, 0);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  pthread_attr_destroy (&attr);
}

/* Names and codes */

static void
test_error_codes (void)
{
  static const struct
  {
    ScProtocolError code;
    const char *wire;
  } codes[] = {
    { SC_PROTOCOL_ERROR_LINE_TOO_LONG, "line-too-long" },
    { SC_PROTOCOL_ERROR_INVALID_UTF8, "invalid-utf8" },
    { SC_PROTOCOL_ERROR_MALFORMED, "malformed-json" },
    { SC_PROTOCOL_ERROR_TOO_DEEP, "too-deep" },
    { SC_PROTOCOL_ERROR_NOT_OBJECT, "not-object" },
    { SC_PROTOCOL_ERROR_MISSING_FIELD, "missing-field" },
    { SC_PROTOCOL_ERROR_WRONG_TYPE, "wrong-type" },
    { SC_PROTOCOL_ERROR_INVALID_VALUE, "invalid-value" },
    { SC_PROTOCOL_ERROR_UNSUPPORTED_VERSION, "unsupported-version" },
  };
  g_autoptr(GError) file_error = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
  g_autoptr(GError) unknown = g_error_new_literal (SC_PROTOCOL_ERROR, 1000, "x");

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (SC_PROTOCOL_ERROR, codes[i].code, "x");

      g_assert_cmpstr (sc_protocol_error_code (error), ==, codes[i].wire);
    }

  g_assert_cmpstr (sc_protocol_error_code (file_error), ==, "internal");
  g_assert_cmpstr (sc_protocol_error_code (unknown), ==, "internal");
}

static void
test_names (void)
{
  static const char * const types[] = {
    "unknown", "hello", "message", "receipt", "typing",
    "admission", "error", "bye", "ping", "pong",
  };

  for (ScFrameType type = SC_FRAME_UNKNOWN; type <= SC_FRAME_PONG; type++)
    g_assert_cmpstr (sc_frame_type_to_string (type), ==, types[type]);

  g_assert_cmpstr (sc_typing_state_to_string (SC_TYPING_IDLE), ==, "idle");
  g_assert_cmpstr (sc_typing_state_to_string (SC_TYPING_ACTIVE), ==, "active");
  g_assert_cmpstr (sc_typing_state_to_string (SC_TYPING_PAUSED), ==, "paused");
  g_assert_cmpstr (sc_admission_to_string (SC_ADMISSION_PENDING), ==, "pending");
  g_assert_cmpstr (sc_admission_to_string (SC_ADMISSION_ACCEPTED), ==, "accepted");
  g_assert_cmpstr (sc_admission_to_string (SC_ADMISSION_DECLINED), ==, "declined");
}

static void
test_frame_new (void)
{
  g_autoptr(ScFrame) hello = sc_frame_new (SC_FRAME_HELLO);
  g_autoptr(ScFrame) unknown = sc_frame_new (SC_FRAME_UNKNOWN);

  g_assert_cmpstr (hello->type_name, ==, "hello");
  g_assert_cmpuint (hello->version, ==, SC_PROTOCOL_VERSION);
  g_assert_null (hello->features);
  g_assert_null (unknown->type_name);

  sc_frame_free (NULL);
}

/* Encoding */

static void
assert_encodes (ScFrame    *frame,
                const char *expected)
{
  g_autofree char *line = sc_frame_encode (frame, NULL);

  g_assert_cmpstr (line, ==, expected);
  sc_frame_free (frame);
}

static void
test_encode_wire_format (void)
{
  ScFrame *frame;

  frame = sc_frame_new (SC_FRAME_HELLO);
  frame->user_id = g_strdup ("alice@example.org");
  frame->name = g_strdup ("Alice");
  assert_encodes (frame, "{\"type\":\"hello\",\"version\":1,\"user\":\"alice@example.org\","
                         "\"name\":\"Alice\",\"features\":[]}\n");

  assert_encodes (new_message ("m1", 1700000000000, "hi \"you\"\n\x1f"),
                  "{\"type\":\"message\",\"id\":\"m1\",\"time\":1700000000000,"
                  "\"body\":\"hi \\\"you\\\"\\n\\u001f\"}\n");

  frame = sc_frame_new (SC_FRAME_RECEIPT);
  frame->id = g_strdup ("m1");
  assert_encodes (frame, "{\"type\":\"receipt\",\"id\":\"m1\",\"status\":\"delivered\"}\n");

  frame = sc_frame_new (SC_FRAME_TYPING);
  frame->typing = SC_TYPING_ACTIVE;
  assert_encodes (frame, "{\"type\":\"typing\",\"state\":\"active\"}\n");

  frame = sc_frame_new (SC_FRAME_ADMISSION);
  frame->admission = SC_ADMISSION_PENDING;
  assert_encodes (frame, "{\"type\":\"admission\",\"state\":\"pending\"}\n");

  frame = sc_frame_new (SC_FRAME_ERROR);
  frame->code = g_strdup ("busy");
  assert_encodes (frame, "{\"type\":\"error\",\"code\":\"busy\",\"message\":\"\"}\n");

  assert_encodes (sc_frame_new (SC_FRAME_BYE), "{\"type\":\"bye\"}\n");

  frame = sc_frame_new (SC_FRAME_PING);
  frame->id = g_strdup ("p1");
  assert_encodes (frame, "{\"type\":\"ping\",\"id\":\"p1\"}\n");
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) frames = sample_frames ();

  for (guint i = 0; i < frames->len; i++)
    {
      g_autoptr(ScFrame) parsed = round_trip (frames->pdata[i]);

      assert_frames_equal (parsed, frames->pdata[i]);
    }
}

static void
test_round_trip_defaults (void)
{
  g_autoptr(ScFrame) hello = NULL;
  g_autoptr(ScFrame) receipt = NULL;
  g_autoptr(ScFrame) error = NULL;
  g_autoptr(ScFrame) bye = NULL;
  g_autoptr(ScFrame) parsed = NULL;

  hello = assert_parses ("{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\"}",
                         SC_FRAME_HELLO);
  g_assert_nonnull (hello->features);
  g_assert_null (hello->features[0]);
  g_assert_null (hello->greeting);
  parsed = round_trip (hello);
  assert_frames_equal (parsed, hello);
  g_clear_pointer (&parsed, sc_frame_free);

  receipt = assert_parses ("{\"type\":\"receipt\",\"id\":\"m1\"}", SC_FRAME_RECEIPT);
  g_assert_cmpstr (receipt->status, ==, "delivered");
  parsed = round_trip (receipt);
  assert_frames_equal (parsed, receipt);
  g_clear_pointer (&parsed, sc_frame_free);

  error = assert_parses ("{\"type\":\"error\",\"code\":\"busy\"}", SC_FRAME_ERROR);
  g_assert_cmpstr (error->message, ==, "");
  parsed = round_trip (error);
  assert_frames_equal (parsed, error);
  g_clear_pointer (&parsed, sc_frame_free);

  bye = assert_parses ("{\"type\":\"bye\"}", SC_FRAME_BYE);
  g_assert_null (bye->reason);
  parsed = round_trip (bye);
  assert_frames_equal (parsed, bye);
}

/* Parsing */

static void
test_parse_unknown_type (void)
{
  g_autoptr(ScFrame) offer = NULL;
  g_autoptr(ScFrame) capital = NULL;
  g_autoptr(ScFrame) literal = NULL;
  g_autoptr(ScFrame) empty = NULL;
  g_autoptr(ScFrame) parsed = NULL;

  offer = assert_parses ("{\"type\":\"file-offer\",\"transfer\":\"t1\",\"size\":1.5e9,"
                         "\"meta\":{\"a\":[1,{\"b\":null}]},\"id\":5}",
                         SC_FRAME_UNKNOWN);
  g_assert_cmpstr (offer->type_name, ==, "file-offer");
  g_assert_null (offer->id);
  parsed = round_trip (offer);
  assert_frames_equal (parsed, offer);

  capital = assert_parses ("{\"type\":\"Hello\"}", SC_FRAME_UNKNOWN);
  g_assert_cmpstr (capital->type_name, ==, "Hello");
  literal = assert_parses ("{\"type\":\"unknown\"}", SC_FRAME_UNKNOWN);
  g_assert_cmpstr (literal->type_name, ==, "unknown");
  empty = assert_parses ("{\"type\":\"\"}", SC_FRAME_UNKNOWN);
  g_assert_cmpstr (empty->type_name, ==, "");
}

static void
test_parse_unknown_fields (void)
{
  g_autoptr(ScFrame) message = NULL;
  g_autoptr(ScFrame) ping = NULL;

  message = assert_parses ("{\"extra\":{\"deep\":[1,2,[3]]},\"type\":\"message\",\"n\":1.5,"
                           "\"id\":\"a\",\"time\":1,\"s\":null,\"body\":\"b\",\"big\":1e400,"
                           "\"user\":5,\"state\":\"?\",\"t\":true,\"f\":false}",
                           SC_FRAME_MESSAGE);
  g_assert_cmpstr (message->id, ==, "a");
  g_assert_cmpint (message->time, ==, 1);
  g_assert_cmpstr (message->body, ==, "b");
  g_assert_null (message->user_id);

  /* The last of duplicate keys wins. */
  ping = assert_parses ("{\"type\":\"ping\",\"id\":\"a\",\"id\":\"b\"}", SC_FRAME_PING);
  g_assert_cmpstr (ping->id, ==, "b");
}

static void
test_parse_whitespace_and_escapes (void)
{
  g_autoptr(ScFrame) frame = NULL;

  frame = assert_parses (" \t{ \"type\" : \"message\" ,\r\n\"id\":\"\\u0041\\/\\ud83d\\ude00\","
                         "\"time\": -0 ,\"body\":\"\\b\\f\\n\\r\\t\\\"\\\\\\u00e9\" } \t",
                         SC_FRAME_MESSAGE);
  g_assert_cmpstr (frame->id, ==, "A/😀");
  g_assert_cmpint (frame->time, ==, 0);
  g_assert_cmpstr (frame->body, ==, "\b\f\n\r\t\"\\é");
}

static void
test_parse_not_object (void)
{
  assert_parse_error ("[]", SC_PROTOCOL_ERROR_NOT_OBJECT);
  assert_parse_error ("[{\"type\":\"ping\",\"id\":\"a\"}]", SC_PROTOCOL_ERROR_NOT_OBJECT);
  assert_parse_error ("\"hello\"", SC_PROTOCOL_ERROR_NOT_OBJECT);
  assert_parse_error ("5", SC_PROTOCOL_ERROR_NOT_OBJECT);
  assert_parse_error ("-1.5e3", SC_PROTOCOL_ERROR_NOT_OBJECT);
  assert_parse_error ("null", SC_PROTOCOL_ERROR_NOT_OBJECT);
  assert_parse_error ("true", SC_PROTOCOL_ERROR_NOT_OBJECT);
}

static void
test_parse_malformed (void)
{
  static const char * const lines[] = {
    "",
    "   ",
    "{",
    "{\"type\":",
    "{\"type\":\"ping\",\"id\":\"a\",}",
    "{\"type\" \"ping\"}",
    "{type:\"ping\"}",
    "{\"type\":\"ping\"}}",
    "]",
    "[}",
    "{\"type\":\"ping\",\"id\":\"a\"} {\"type\":\"bye\"}",
    "{\"type\":\"ping\",\"id\":\"a\"}{}",
    "{\"type\":\"ping\",\"id\":\"a\"} x",
    "{\"type\":\"ping\",\"id\":\"a\"},",
    /* Brackets, commas and colons in the wrong places, also deep inside */
    "{,\"type\":\"bye\"}",
    "{\"type\":\"bye\",,\"x\":1}",
    "{\"type\":\"bye\",\"x\":1:2}",
    "{\"type\":\"bye\",\"x\"}",
    "{\"type\":\"bye\",\"x\":}",
    "{\"type\":\"bye\",1:2}",
    "{\"type\":\"bye\",\"a\":[1,]}",
    "{\"type\":\"bye\",\"a\":[,1]}",
    "{\"type\":\"bye\",\"a\":[1 2]}",
    "{\"type\":\"bye\",\"a\":[1:2]}",
    "{\"type\":\"bye\",\"a\":[}]}",
    "{\"type\":\"bye\",\"a\":{\"b\"}}",
    "{\"type\":\"bye\",\"a\":{\"b\":1,}}",
    "{\"type\":\"bye\",\"a\":{\"b\":[1]]}}",
    "{\"type\":\"bye\",\"a\":[[[[\"x\"]]]}",
    ":",
    ",",
    "[1,]",
    /* json-glib extensions that RFC 8259 lacks */
    "/* c */ {\"type\":\"bye\"}",
    "{\"type\":\"bye\"} // c",
    "{'type':'bye'}",
    "{\"type\":\"bye\",\"n\":0x10}",
    "{\"type\":\"bye\",\"n\":01}",
    "{\"type\":\"bye\",\"n\":-01}",
    "{\"type\":\"bye\",\"n\":+1}",
    "{\"type\":\"bye\",\"n\":.5}",
    "{\"type\":\"bye\",\"n\":1.}",
    "{\"type\":\"bye\",\"n\":1e}",
    "{\"type\":\"bye\",\"n\":1e+}",
    "{\"type\":\"bye\",\"n\":-}",
    "{\"type\":\"bye\",\"n\":1.5.5}",
    "{\"type\":\"bye\",\"n\":NaN}",
    "{\"type\":\"bye\",\"n\":Infinity}",
    "{\"type\":\"bye\",\"n\":TRUE}",
    "{\"type\":\"bye\",\"n\":nul}",
    "{\"type\":\"bye\",\"n\":truex}",
    "{\"type\":\"bye\",\"n\":undefined}",
    "\xef\xbb\xbf{\"type\":\"bye\"}",
    "{\"type\":\"bye\",\"reason\":\"raw\ttab\"}",
    "{\"type\":\"bye\",\"reason\":\"raw\nnewline\"}",
    "{\"type\":\"bye\",\"reason\":\"raw\x1fus\"}",
    "{\"type\":\"bye\",\"reason\":\"\\x41\"}",
    "{\"type\":\"bye\",\"reason\":\"\\u12\"}",
    "{\"type\":\"bye\",\"reason\":\"\\u12G4\"}",
    "{\"type\":\"bye\",\"reason\":\"\\ud800\"}",
    "{\"type\":\"bye\",\"reason\":\"\\ud800\\u0041\"}",
    "{\"type\":\"bye\",\"reason\":\"\\udc00\\ud800\"}",
    "{\"type\":\"bye\",\"reason\":\"unterminated}",
    "{\"type\":\"bye\",\"reason\":\"ends in a backslash\\",
    "{\"type\":\"bye\",\"reason\":\"é\"é}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    assert_parse_error (lines[i], SC_PROTOCOL_ERROR_MALFORMED);
}

static void
test_parse_missing_field (void)
{
  static const char * const lines[] = {
    "{}",
    "{\"id\":\"a\"}",
    "{\"type\":\"hello\",\"user\":\"a@b\",\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":1,\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\"}",
    "{\"type\":\"message\",\"time\":1,\"body\":\"b\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"body\":\"b\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":1}",
    "{\"type\":\"receipt\",\"status\":\"delivered\"}",
    "{\"type\":\"typing\"}",
    "{\"type\":\"admission\"}",
    "{\"type\":\"error\",\"message\":\"m\"}",
    "{\"type\":\"ping\"}",
    "{\"type\":\"pong\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    assert_parse_error (lines[i], SC_PROTOCOL_ERROR_MISSING_FIELD);
}

static void
test_parse_wrong_type (void)
{
  static const char * const lines[] = {
    "{\"type\":5}",
    "{\"type\":null}",
    "{\"type\":[\"ping\"]}",
    "{\"type\":\"ping\",\"type\":true}",
    "{\"type\":\"hello\",\"version\":\"1\",\"user\":\"a@b\",\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":true,\"user\":\"a@b\",\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":1,\"user\":[\"a@b\"],\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":null}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\",\"features\":\"a\"}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\",\"features\":[1]}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\",\"features\":[\"a\",null]}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\",\"features\":{\"a\":1}}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\",\"features\":null}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\",\"greeting\":5}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\",\"greeting\":null}",
    "{\"type\":\"message\",\"id\":5,\"time\":1,\"body\":\"b\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":\"x\",\"body\":\"b\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":null,\"body\":\"b\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":[1],\"body\":\"b\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":1,\"body\":null}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":1,\"body\":{}}",
    "{\"type\":\"receipt\",\"id\":\"a\",\"status\":1}",
    "{\"type\":\"typing\",\"state\":1}",
    "{\"type\":\"admission\",\"state\":true}",
    "{\"type\":\"error\",\"code\":404}",
    "{\"type\":\"error\",\"code\":\"busy\",\"message\":[]}",
    "{\"type\":\"bye\",\"reason\":1}",
    "{\"type\":\"ping\",\"id\":1}",
    "{\"type\":\"pong\",\"id\":false}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    assert_parse_error (lines[i], SC_PROTOCOL_ERROR_WRONG_TYPE);
}

static char *
hello_line (const char *user,
            const char *name,
            const char *greeting)
{
  return g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"user\":\"%s\",\"name\":\"%s\""
                          ",\"greeting\":\"%s\"}", user, name, greeting);
}

static char *
repeat (const char *unit,
        guint       count)
{
  GString *string = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    g_string_append (string, unit);
  return g_string_free (string, FALSE);
}

static void
test_parse_invalid_value (void)
{
  static const char * const lines[] = {
    "{\"type\":\"message\",\"id\":\"\",\"time\":1,\"body\":\"b\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":1,\"body\":\"\"}",
    "{\"type\":\"message\",\"id\":\"a\",\"time\":-1,\"body\":\"b\"}",
    "{\"type\":\"receipt\",\"id\":\"\"}",
    "{\"type\":\"ping\",\"id\":\"\"}",
    "{\"type\":\"pong\",\"id\":\"\"}",
    "{\"type\":\"typing\",\"state\":\"bored\"}",
    "{\"type\":\"typing\",\"state\":\"Active\"}",
    "{\"type\":\"typing\",\"state\":\"\"}",
    "{\"type\":\"admission\",\"state\":\"maybe\"}",
    "{\"type\":\"admission\",\"state\":\"accept\"}",
    "{\"type\":\"hello\",\"version\":0,\"user\":\"a@b\",\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":-1,\"user\":\"a@b\",\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":4294967296,\"user\":\"a@b\",\"name\":\"A\"}",
    "{\"type\":\"hello\",\"version\":1,\"user\":\"\",\"name\":\"A\"}",
  };
  g_autofree char *id_128 = repeat ("i", SC_PROTOCOL_MAX_ID);
  g_autofree char *name_256 = repeat ("n", SC_PROTOCOL_MAX_NAME);
  g_autofree char *greeting_500 = repeat ("é", SC_PROTOCOL_MAX_GREETING / 2);
  g_autofree char *line = NULL;
  g_autoptr(ScFrame) frame = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    assert_parse_error (lines[i], SC_PROTOCOL_ERROR_INVALID_VALUE);

  /* Lengths count bytes: exactly at each limit passes, one more fails. */
  line = g_strdup_printf ("{\"type\":\"ping\",\"id\":\"%s\"}", id_128);
  frame = assert_parses (line, SC_FRAME_PING);
  g_clear_pointer (&frame, sc_frame_free);
  g_free (line);
  line = g_strdup_printf ("{\"type\":\"message\",\"id\":\"%sx\",\"time\":1,\"body\":\"b\"}",
                          id_128);
  assert_parse_error (line, SC_PROTOCOL_ERROR_INVALID_VALUE);
  g_free (line);
  line = g_strdup_printf ("{\"type\":\"receipt\",\"id\":\"%sx\"}", id_128);
  assert_parse_error (line, SC_PROTOCOL_ERROR_INVALID_VALUE);
  g_free (line);

  line = hello_line (name_256, name_256, greeting_500);
  frame = assert_parses (line, SC_FRAME_HELLO);
  g_assert_cmpuint (strlen (frame->greeting), ==, SC_PROTOCOL_MAX_GREETING);
  g_clear_pointer (&frame, sc_frame_free);
  g_free (line);
  line = hello_line ("a@b", "", "");
  frame = assert_parses (line, SC_FRAME_HELLO);
  g_assert_cmpstr (frame->name, ==, "");
  g_clear_pointer (&frame, sc_frame_free);
  g_free (line);

  line = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"user\":\"%sx\",\"name\":\"A\"}",
                          name_256);
  assert_parse_error (line, SC_PROTOCOL_ERROR_INVALID_VALUE);
  g_free (line);
  line = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"%sx\"}",
                          name_256);
  assert_parse_error (line, SC_PROTOCOL_ERROR_INVALID_VALUE);
  g_free (line);
  line = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"user\":\"a@b\",\"name\":\"A\","
                          "\"greeting\":\"%sx\"}", greeting_500);
  assert_parse_error (line, SC_PROTOCOL_ERROR_INVALID_VALUE);
}

static void
test_parse_integers (void)
{
  static const struct
  {
    const char *number;
    ScProtocolError code;
  } rejected[] = {
    { "1.5", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "1.0", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "1e2", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "1E+2", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "1e400", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "-1e400", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "1e-400", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "99999999999999999999", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "-99999999999999999999", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "9223372036854775808", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "-9223372036854775808", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "18446744073709551615", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "-18446744073709551615", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "18446744073709551617", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "123456789012345678901234567890123456789012345678901234567890",
      SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "-1", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "-9223372036854775807", SC_PROTOCOL_ERROR_INVALID_VALUE },
    { "\"1\"", SC_PROTOCOL_ERROR_WRONG_TYPE },
    { "true", SC_PROTOCOL_ERROR_WRONG_TYPE },
    { "null", SC_PROTOCOL_ERROR_WRONG_TYPE },
    { "{}", SC_PROTOCOL_ERROR_WRONG_TYPE },
  };
  static const struct
  {
    const char *number;
    gint64 value;
  } accepted[] = {
    { "0", 0 },
    { "-0", 0 },
    { "1700000000000", G_GINT64_CONSTANT (1700000000000) },
    { "9223372036854775807", G_MAXINT64 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rejected); i++)
    {
      g_autofree char *message = NULL;
      g_autofree char *hello = NULL;

      message = g_strdup_printf ("{\"type\":\"message\",\"id\":\"a\",\"time\":%s,\"body\":\"b\"}",
                                 rejected[i].number);
      assert_parse_error (message, rejected[i].code);
      hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":%s,\"user\":\"a\",\"name\":\"\"}",
                               rejected[i].number);
      assert_parse_error (hello, rejected[i].code);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *line = NULL;
      g_autoptr(ScFrame) frame = NULL;

      line = g_strdup_printf ("{\"type\":\"message\",\"id\":\"a\",\"time\":%s,\"body\":\"b\"}",
                              accepted[i].number);
      frame = assert_parses (line, SC_FRAME_MESSAGE);
      g_assert_cmpint (frame->time, ==, accepted[i].value);
    }
}

static void
test_parse_versions (void)
{
  g_autoptr(ScFrame) two = NULL;
  g_autoptr(ScFrame) most = NULL;

  two = assert_parses ("{\"type\":\"hello\",\"version\":2,\"user\":\"a\",\"name\":\"\"}",
                       SC_FRAME_HELLO);
  g_assert_cmpuint (two->version, ==, 2);
  most = assert_parses ("{\"type\":\"hello\",\"version\":4294967295,\"user\":\"a\",\"name\":\"\"}",
                        SC_FRAME_HELLO);
  g_assert_cmpuint (most->version, ==, G_MAXUINT);
}

static void
test_parse_invalid_utf8 (void)
{
  static const char * const sequences[] = {
    "\xc0\xaf",             /* overlong '/' */
    "\xc1\xbf",             /* overlong */
    "\xe0\x80\xaf",         /* overlong, three bytes */
    "\xf0\x80\x80\xaf",     /* overlong, four bytes */
    "\x80",                 /* lone continuation byte */
    "a\xbf" "b",            /* lone continuation byte */
    "\xed\xa0\x80",         /* UTF-8 encoded surrogate U+D800 */
    "\xed\xbf\xbf",         /* UTF-8 encoded surrogate U+DFFF */
    "\xed\xa0\xbd\xed\xb8\x80", /* CESU-8 surrogate pair */
    "\xf4\x90\x80\x80",     /* beyond U+10FFFF */
    "\xf8\x88\x80\x80\x80", /* five bytes */
    "\xc3",                 /* truncated */
    "\xe2\x82",             /* truncated */
    "\xfe",
    "\xff",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (sequences); i++)
    {
      g_autofree char *in_body = NULL;
      g_autofree char *bare = NULL;

      in_body = g_strdup_printf ("{\"type\":\"message\",\"id\":\"a\",\"time\":1,\"body\":\"%s\"}",
                                 sequences[i]);
      assert_parse_error (in_body, SC_PROTOCOL_ERROR_INVALID_UTF8);
      bare = g_strdup_printf ("{\"type\":\"bye\"}%s", sequences[i]);
      assert_parse_error (bare, SC_PROTOCOL_ERROR_INVALID_UTF8);
    }

  /* NUL bytes, raw and escaped */
  assert_parse_error_len ("{\"type\":\"bye\",\"reason\":\"a\0b\"}", 28,
                          SC_PROTOCOL_ERROR_INVALID_UTF8);
  assert_parse_error_len ("{\"type\":\"bye\"}\0", 15, SC_PROTOCOL_ERROR_INVALID_UTF8);
  assert_parse_error ("{\"type\":\"bye\",\"reason\":\"a\\u0000b\"}",
                      SC_PROTOCOL_ERROR_INVALID_UTF8);
  assert_parse_error ("{\"type\":\"bye\",\"x\\u0000\":1}", SC_PROTOCOL_ERROR_INVALID_UTF8);
}

static void
deep_nesting (void)
{
  g_autoptr(GString) line = g_string_new ("{\"type\":\"bye\",\"a\":");
  g_autofree char *brackets = NULL;
  g_autofree char *in_string = NULL;
  g_autoptr(ScFrame) frame = NULL;
  g_autoptr(ScFrameDecoder) decoder = NULL;
  g_autoptr(GError) error = NULL;

  /* Eight levels (the object and seven arrays) pass, nine do not. */
  frame = assert_parses ("{\"type\":\"bye\",\"a\":[[[[[[[1]]]]]]]}", SC_FRAME_BYE);
  g_clear_pointer (&frame, sc_frame_free);
  frame = assert_parses ("{\"type\":\"bye\",\"a\":[{\"b\":[{\"c\":[{\"d\":[]}]}]}]}",
                         SC_FRAME_BYE);
  g_clear_pointer (&frame, sc_frame_free);
  assert_parse_error ("{\"type\":\"bye\",\"a\":[[[[[[[[1]]]]]]]]}", SC_PROTOCOL_ERROR_TOO_DEEP);
  assert_parse_error ("[[[[[[[[[]]]]]]]]]", SC_PROTOCOL_ERROR_TOO_DEEP);
  assert_parse_error ("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}}}}",
                      SC_PROTOCOL_ERROR_TOO_DEEP);

  /* 100,000 levels never reach json-glib's recursive parser. */
  brackets = repeat ("[", 100000);
  assert_parse_error (brackets, SC_PROTOCOL_ERROR_TOO_DEEP);
  g_free (brackets);
  brackets = repeat ("{\"a\":", 100000);
  assert_parse_error (brackets, SC_PROTOCOL_ERROR_TOO_DEEP);
  g_free (brackets);
  brackets = repeat ("[", 60000);
  g_string_append (line, brackets);
  assert_parse_error (line->str, SC_PROTOCOL_ERROR_TOO_DEEP);

  decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_string_append_c (line, '\n');
  g_assert_true (sc_frame_decoder_push (decoder, line->str, line->len, &error));
  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_TOO_DEEP);

  /* Brackets inside strings, escaped quotes included, are only text. */
  in_string = g_strdup_printf ("{\"type\":\"message\",\"id\":\"[{\",\"time\":1,"
                               "\"body\":\"\\\"%s\\\\\",\"x\":[\"]]]]\"]}", brackets);
  frame = assert_parses (in_string, SC_FRAME_MESSAGE);
  g_assert_cmpuint (strlen (frame->body), ==, 60000 + 2);
  g_clear_pointer (&frame, sc_frame_free);

  /* Comments and single quotes could hide brackets from a string-aware scan
   * while json-glib would still see them: both are refused outright. */
  g_string_assign (line, "{\"type\":\"bye\",\"a\":/* \" */");
  g_string_append (line, brackets);
  assert_parse_error (line->str, SC_PROTOCOL_ERROR_MALFORMED);
  g_string_assign (line, "{\"type\":\"bye\",'a':'\"',\"b\":");
  g_string_append (line, brackets);
  assert_parse_error (line->str, SC_PROTOCOL_ERROR_MALFORMED);
}

static void
test_parse_depth (void)
{
  run_with_session_stack (deep_nesting);
}

/* Decoder */

static void
test_decoder_chunks (void)
{
  static const gsize chunks[] = { 1, 2, 3, 7, 64, 4096, 65536, G_MAXSIZE };
  g_autoptr(GPtrArray) frames = sample_frames ();
  g_autoptr(GString) stream = sample_stream (frames);

  for (gsize i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_autoptr(GPtrArray) decoded = decode_all (stream->str, stream->len, chunks[i]);

      assert_frame_lists_equal (decoded, frames);
    }
}

static void
test_decoder_many_frames (void)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_frame_free);
  g_autoptr(GString) stream = NULL;
  g_autoptr(GPtrArray) decoded = NULL;

  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *id = g_strdup_printf ("id-%u", i);

      g_ptr_array_add (frames, new_message (id, i, "a body of a few words"));
    }

  stream = sample_stream (frames);
  g_assert_cmpuint (stream->len, >, SC_PROTOCOL_MAX_LINE * 2);
  decoded = decode_all (stream->str, stream->len, G_MAXSIZE);
  assert_frame_lists_equal (decoded, frames);
  g_clear_pointer (&decoded, g_ptr_array_unref);
  decoded = decode_all (stream->str, stream->len, 1000);
  assert_frame_lists_equal (decoded, frames);
}

static void
test_decoder_crlf_and_empty_lines (void)
{
  g_autoptr(GPtrArray) frames = sample_frames ();
  g_autoptr(GString) stream = sample_stream (frames);
  g_autoptr(GString) keepalives = g_string_new ("\n\r\n\n");
  g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(GError) error = NULL;

  g_string_replace (stream, "\n", "\r\n\n\r\n", 0);
  g_string_prepend (stream, "\n\n\r\n");

  for (gsize chunk = 1; chunk < 10; chunk += 4)
    {
      g_autoptr(GPtrArray) decoded = decode_all (stream->str, stream->len, chunk);

      assert_frame_lists_equal (decoded, frames);
    }

  /* Only keepalives: nothing to return, and no error. */
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_true (sc_frame_decoder_push (decoder, keepalives->str, keepalives->len, &error));
      g_assert_null (sc_frame_decoder_next (decoder, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (sc_frame_decoder_get_buffered (decoder), ==, 0);
}

static void
test_decoder_partial (void)
{
  const char *line = "{\"type\":\"ping\",\"id\":\"p\"}\n";
  g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScFrame) frame = NULL;

  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_no_error (error);

  g_assert_true (sc_frame_decoder_push (decoder, line, 10, &error));
  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sc_frame_decoder_get_buffered (decoder), ==, 10);

  g_assert_true (sc_frame_decoder_push (decoder, line + 10, strlen (line) - 10, &error));
  g_assert_true (sc_frame_decoder_push (decoder, line, 5, &error));
  frame = sc_frame_decoder_next (decoder, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
  g_assert_cmpint (frame->type, ==, SC_FRAME_PING);
  g_assert_cmpstr (frame->id, ==, "p");
  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sc_frame_decoder_get_buffered (decoder), ==, 5);
}

static void
test_decoder_error_is_final (void)
{
  const char *stream = "{\"type\":\"ping\",\"id\":\"p\"}\n[1]\n{\"type\":\"pong\",\"id\":\"p\"}\n";
  g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScFrame) frame = NULL;

  g_assert_true (sc_frame_decoder_push (decoder, stream, strlen (stream), &error));
  frame = sc_frame_decoder_next (decoder, &error);
  g_assert_no_error (error);
  g_assert_cmpint (frame->type, ==, SC_FRAME_PING);

  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_NOT_OBJECT);
  g_assert_cmpuint (sc_frame_decoder_get_buffered (decoder), ==, 0);
  g_clear_error (&error);

  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_NOT_OBJECT);
  g_clear_error (&error);

  g_assert_false (sc_frame_decoder_push (decoder, "\n", 1, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_NOT_OBJECT);
}

#define MESSAGE_PREFIX "{\"type\":\"message\",\"id\":\"m\",\"time\":1,\"body\":\""

/* A message line of exactly @length bytes. */
static GString *
message_of_length (gsize length)
{
  GString *line = g_string_new (MESSAGE_PREFIX);

  g_assert_cmpuint (length, >, line->len + 2);
  while (line->len < length - 2)
    g_string_append_c (line, 'x');
  g_string_append (line, "\"}");
  return line;
}

static void
push_bytewise (ScFrameDecoder  *decoder,
               const char      *data,
               gsize            length,
               GError         **error)
{
  for (gsize i = 0; i < length; i++)
    {
      if (!sc_frame_decoder_push (decoder, data + i, 1, error))
        {
          g_assert_cmpuint (i, ==, length - 1);
          return;
        }
    }
}

static void
test_decoder_line_limit (void)
{
  const char *endings[] = { "\n", "\r\n" };

  for (gsize e = 0; e < G_N_ELEMENTS (endings); e++)
    for (guint bytewise = 0; bytewise < 2; bytewise++)
      {
        g_autoptr(GString) at_limit = message_of_length (SC_PROTOCOL_MAX_LINE);
        g_autoptr(GString) over = message_of_length (SC_PROTOCOL_MAX_LINE + 1);
        g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
        g_autoptr(ScFrameDecoder) over_decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
        g_autoptr(ScFrame) frame = NULL;
        g_autoptr(GError) error = NULL;

        g_string_append (at_limit, endings[e]);
        if (bytewise)
          push_bytewise (decoder, at_limit->str, at_limit->len, &error);
        else
          sc_frame_decoder_push (decoder, at_limit->str, at_limit->len, &error);
        g_assert_no_error (error);
        frame = sc_frame_decoder_next (decoder, &error);
        g_assert_no_error (error);
        g_assert_nonnull (frame);
        g_assert_cmpuint (strlen (frame->body), ==,
                          SC_PROTOCOL_MAX_LINE - strlen (MESSAGE_PREFIX) - strlen ("\"}"));

        /* One byte over: bytewise, the push of that very byte fails; in one
         * push the complete line is refused by next(). */
        g_string_append (over, endings[e]);
        if (bytewise)
          {
            push_bytewise (over_decoder, over->str, SC_PROTOCOL_MAX_LINE + 1, &error);
            g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_LINE_TOO_LONG);
            g_assert_cmpuint (sc_frame_decoder_get_buffered (over_decoder), ==, 0);
          }
        else
          {
            g_assert_true (sc_frame_decoder_push (over_decoder, over->str, over->len, &error));
            g_assert_null (sc_frame_decoder_next (over_decoder, &error));
            g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_LINE_TOO_LONG);
          }
        g_assert_cmpstr (error->message, ==, "line exceeds 65536 bytes");
        g_assert_cmpstr (sc_protocol_error_code (error), ==, "line-too-long");
      }
}

static void
test_decoder_cr_at_limit (void)
{
  g_autoptr(GString) line = message_of_length (SC_PROTOCOL_MAX_LINE);
  g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(GError) error = NULL;

  /* A '\r' one past the limit may still be the start of CRLF ... */
  g_string_append_c (line, '\r');
  g_assert_true (sc_frame_decoder_push (decoder, line->str, line->len, &error));
  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_no_error (error);

  /* ... but not once anything other than '\n' follows it. */
  g_assert_false (sc_frame_decoder_push (decoder, "x", 1, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_LINE_TOO_LONG);
}

static void
test_decoder_flood (void)
{
  const gsize total = 10 * 1024 * 1024;
  const gsize chunk = 4096;
  g_autofree char *data = g_malloc (total);
  g_autoptr(ScFrameDecoder) chunked = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(ScFrameDecoder) whole = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(GError) error = NULL;
  gsize pushed = 0;

  memset (data, 'a', total);

  /* 10 MB without a newline, as a peer would trickle it in */
  while (pushed < total)
    {
      if (!sc_frame_decoder_push (chunked, data + pushed, chunk, &error))
        break;
      pushed += chunk;
      g_assert_null (sc_frame_decoder_next (chunked, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (sc_frame_decoder_get_buffered (chunked), <=, SC_PROTOCOL_MAX_LINE);
    }
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_LINE_TOO_LONG);
  g_assert_cmpuint (pushed, ==, SC_PROTOCOL_MAX_LINE);
  g_assert_cmpuint (sc_frame_decoder_get_buffered (chunked), ==, 0);
  g_clear_error (&error);

  /* and all at once: refused without keeping any of it */
  g_assert_false (sc_frame_decoder_push (whole, data, total, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_LINE_TOO_LONG);
  g_assert_cmpuint (sc_frame_decoder_get_buffered (whole), ==, 0);
}

static void
test_decoder_invalid_utf8 (void)
{
  const char stream[] = "{\"type\":\"bye\",\"reason\":\"\xed\xa0\x80\"}\n";
  const char nul[] = "{\"type\":\"bye\"\0}\n";
  g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(ScFrameDecoder) nul_decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  g_autoptr(GError) error = NULL;

  g_assert_true (sc_frame_decoder_push (decoder, stream, sizeof stream - 1, &error));
  g_assert_null (sc_frame_decoder_next (decoder, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_UTF8);
  g_clear_error (&error);

  g_assert_true (sc_frame_decoder_push (nul_decoder, nul, sizeof nul - 1, &error));
  g_assert_null (sc_frame_decoder_next (nul_decoder, &error));
  g_assert_error (error, SC_PROTOCOL_ERROR, SC_PROTOCOL_ERROR_INVALID_UTF8);
}

/* Fuzzing */

#define FUZZ_SEED  0x5c0c4a7u
#define FUZZ_LINES 20000

static const char json_alphabet[] = "{}[]:,\"\\ \t\r/0123456789-+.eEtrufalsn'xu";

static char
random_byte (GRand *rand)
{
  return (char) g_rand_int_range (rand, 0, 256);
}

static char
random_json_byte (GRand *rand)
{
  return json_alphabet[g_rand_int_range (rand, 0, sizeof json_alphabet - 1)];
}

/* A random line: raw bytes, JSON-ish noise, or a mutated valid frame. */
static GString *
random_line (GRand     *rand,
             GPtrArray *samples)
{
  GString *line = g_string_new (NULL);
  int length = g_rand_int_range (rand, 0, 300);

  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      for (int i = 0; i < length; i++)
        g_string_append_c (line, random_byte (rand));
      break;

    case 1:
      for (int i = 0; i < length; i++)
        g_string_append_c (line, random_json_byte (rand));
      break;

    default:
      {
        const ScFrame *sample = samples->pdata[g_rand_int_range (rand, 0, samples->len)];
        g_autofree char *encoded = sc_frame_encode (sample, NULL);
        int mutations = g_rand_int_range (rand, 1, 5);

        g_string_append_len (line, encoded, strlen (encoded) - 1);
        for (int m = 0; m < mutations && line->len > 0; m++)
          {
            gsize at = g_rand_int_range (rand, 0, line->len);

            switch (g_rand_int_range (rand, 0, 6))
              {
              case 0:
                line->str[at] = random_byte (rand);
                break;
              case 1:
                line->str[at] = random_json_byte (rand);
                break;
              case 2:
                g_string_insert_c (line, at, random_json_byte (rand));
                break;
              case 3:
                g_string_erase (line, at, 1);
                break;
              case 4:
                g_string_truncate (line, at);
                break;
              default:
                {
                  g_autofree char *slice = g_strndup (line->str + at, line->len - at);

                  g_string_insert (line, g_rand_int_range (rand, 0, line->len + 1), slice);
                }
                break;
              }
          }
      }
      break;
    }

  return line;
}

static void
assert_frame_or_error (ScFrame      *frame,
                       const GError *error)
{
  g_assert_true ((frame == NULL) != (error == NULL));

  if (error != NULL)
    {
      g_assert_true (error->domain == SC_PROTOCOL_ERROR);
      g_assert_cmpstr (sc_protocol_error_code (error), !=, "internal");
      g_assert_cmpstr (error->message, !=, "");
      g_assert_cmpuint (strlen (error->message), <, 160);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  else
    {
      g_autoptr(ScFrame) again = round_trip (frame);

      assert_frames_equal (again, frame);
    }
}

static void
fuzz_lines (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (FUZZ_SEED);
  g_autoptr(GPtrArray) samples = sample_frames ();
  guint frames = 0;

  for (guint i = 0; i < FUZZ_LINES; i++)
    {
      g_autoptr(GString) line = random_line (rand, samples);
      g_autoptr(GError) error = NULL;
      g_autoptr(ScFrame) frame = sc_frame_parse (line->str, line->len, &error);

      assert_frame_or_error (frame, error);
      frames += frame != NULL;
    }

  /* The mutations must leave some frames valid, or the round trips prove nothing. */
  g_test_message ("%u of %u fuzzed lines parsed", frames, FUZZ_LINES);
  g_assert_cmpuint (frames, >, FUZZ_LINES / 100);
}

static void
fuzz_streams (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (FUZZ_SEED + 1);
  g_autoptr(GPtrArray) samples = sample_frames ();

  for (guint s = 0; s < 1000; s++)
    {
      g_autoptr(ScFrameDecoder) decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
      g_autoptr(GString) stream = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      guint lines = 0;
      guint frames = 0;
      gsize offset = 0;

      /* Ten lines, one in three mutated, the rest valid */
      for (guint l = 0; l < 10; l++)
        {
          g_autoptr(GString) line = NULL;

          if (g_rand_int_range (rand, 0, 3) == 0)
            line = random_line (rand, samples);
          else
            {
              const ScFrame *sample = samples->pdata[g_rand_int_range (rand, 0, samples->len)];
              g_autofree char *encoded = sc_frame_encode (sample, NULL);

              line = g_string_new_len (encoded, strlen (encoded) - 1);
            }

          /* One line each: no '\n' inside, and no trailing '\r', since a line
           * of nothing but "\r" would read as an empty keepalive line. */
          for (gsize i = 0; i < line->len; i++)
            {
              if (line->str[i] == '\n')
                line->str[i] = ' ';
            }
          while (line->len > 0 && line->str[line->len - 1] == '\r')
            g_string_truncate (line, line->len - 1);
          lines += line->len > 0;
          g_string_append_len (stream, line->str, line->len);
          g_string_append (stream, g_rand_boolean (rand) ? "\n" : "\r\n");
        }

      while (offset < stream->len && error == NULL)
        {
          gsize chunk = g_rand_int_range (rand, 1, 200);
          ScFrame *frame;

          chunk = MIN (chunk, stream->len - offset);
          if (!sc_frame_decoder_push (decoder, stream->str + offset, chunk, &error))
            break;
          offset += chunk;

          while ((frame = sc_frame_decoder_next (decoder, &error)) != NULL)
            {
              assert_frame_or_error (frame, NULL);
              sc_frame_free (frame);
              frames++;
            }
        }

      if (error != NULL)
        {
          assert_frame_or_error (NULL, error);
          g_assert_cmpuint (frames, <, lines);
        }
      else
        {
          g_assert_cmpuint (frames, ==, lines);
        }
    }
}

static void
test_fuzz_lines (void)
{
  run_with_session_stack (fuzz_lines);
}

static void
test_fuzz_streams (void)
{
  run_with_session_stack (fuzz_streams);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/error-codes", test_error_codes);
  g_test_add_func ("/protocol/names", test_names);
  g_test_add_func ("/protocol/frame-new", test_frame_new);
  g_test_add_func ("/protocol/encode/wire-format", test_encode_wire_format);
  g_test_add_func ("/protocol/encode/round-trip", test_round_trip);
  g_test_add_func ("/protocol/encode/round-trip-defaults", test_round_trip_defaults);
  g_test_add_func ("/protocol/parse/unknown-type", test_parse_unknown_type);
  g_test_add_func ("/protocol/parse/unknown-fields", test_parse_unknown_fields);
  g_test_add_func ("/protocol/parse/whitespace-and-escapes", test_parse_whitespace_and_escapes);
  g_test_add_func ("/protocol/parse/not-object", test_parse_not_object);
  g_test_add_func ("/protocol/parse/malformed", test_parse_malformed);
  g_test_add_func ("/protocol/parse/missing-field", test_parse_missing_field);
  g_test_add_func ("/protocol/parse/wrong-type", test_parse_wrong_type);
  g_test_add_func ("/protocol/parse/invalid-value", test_parse_invalid_value);
  g_test_add_func ("/protocol/parse/integers", test_parse_integers);
  g_test_add_func ("/protocol/parse/versions", test_parse_versions);
  g_test_add_func ("/protocol/parse/invalid-utf8", test_parse_invalid_utf8);
  g_test_add_func ("/protocol/parse/depth", test_parse_depth);
  g_test_add_func ("/protocol/decoder/chunks", test_decoder_chunks);
  g_test_add_func ("/protocol/decoder/many-frames", test_decoder_many_frames);
  g_test_add_func ("/protocol/decoder/crlf-and-empty-lines", test_decoder_crlf_and_empty_lines);
  g_test_add_func ("/protocol/decoder/partial", test_decoder_partial);
  g_test_add_func ("/protocol/decoder/error-is-final", test_decoder_error_is_final);
  g_test_add_func ("/protocol/decoder/line-limit", test_decoder_line_limit);
  g_test_add_func ("/protocol/decoder/cr-at-limit", test_decoder_cr_at_limit);
  g_test_add_func ("/protocol/decoder/flood", test_decoder_flood);
  g_test_add_func ("/protocol/decoder/invalid-utf8", test_decoder_invalid_utf8);
  g_test_add_func ("/protocol/fuzz/lines", test_fuzz_lines);
  g_test_add_func ("/protocol/fuzz/streams", test_fuzz_streams);

  return g_test_run ();
}
