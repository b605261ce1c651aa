/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SC_PROTOCOL_VERSION       1
#define SC_PROTOCOL_ALPN          "sixchat/1"
#define SC_PROTOCOL_DEFAULT_PORT  4605
#define SC_PROTOCOL_MAX_LINE      (64 * 1024)   /* bytes, without the newline */
#define SC_PROTOCOL_MAX_DEPTH     8             /* nesting of objects/arrays */
#define SC_PROTOCOL_MAX_GREETING  500           /* bytes of UTF-8 */
#define SC_PROTOCOL_MAX_ID        128           /* bytes of a message id */
#define SC_PROTOCOL_MAX_NAME      256           /* bytes of a user ID or display name */

#define SC_PROTOCOL_ERROR (sc_protocol_error_quark ())

/* Every class of bad input the decoder can meet; each has a wire code. */
typedef enum
{
  SC_PROTOCOL_ERROR_LINE_TOO_LONG,       /* "line-too-long" */
  SC_PROTOCOL_ERROR_INVALID_UTF8,        /* "invalid-utf8" (NUL bytes included) */
  SC_PROTOCOL_ERROR_MALFORMED,           /* "malformed-json" */
  SC_PROTOCOL_ERROR_TOO_DEEP,            /* "too-deep" */
  SC_PROTOCOL_ERROR_NOT_OBJECT,          /* "not-object" */
  SC_PROTOCOL_ERROR_MISSING_FIELD,       /* "missing-field" */
  SC_PROTOCOL_ERROR_WRONG_TYPE,          /* "wrong-type" */
  SC_PROTOCOL_ERROR_INVALID_VALUE,       /* "invalid-value" (empty id, unknown state, too long…) */
  SC_PROTOCOL_ERROR_UNSUPPORTED_VERSION, /* "unsupported-version" */
} ScProtocolError;

GQuark      sc_protocol_error_quark  (void);
/* The wire code ("line-too-long", …) of a SC_PROTOCOL_ERROR; "internal" otherwise. */
const char *sc_protocol_error_code   (const GError *error);

typedef enum
{
  SC_FRAME_UNKNOWN,    /* a valid object whose type we do not know: ignore it */
  SC_FRAME_HELLO,
  SC_FRAME_MESSAGE,
  SC_FRAME_RECEIPT,
  SC_FRAME_TYPING,
  SC_FRAME_ADMISSION,
  SC_FRAME_ERROR,
  SC_FRAME_BYE,
  SC_FRAME_PING,
  SC_FRAME_PONG,
} ScFrameType;

typedef enum
{
  SC_TYPING_IDLE,
  SC_TYPING_ACTIVE,
  SC_TYPING_PAUSED,
} ScTypingState;

typedef enum
{
  SC_ADMISSION_PENDING,
  SC_ADMISSION_ACCEPTED,
  SC_ADMISSION_DECLINED,
} ScAdmission;

/* One decoded or to-be-encoded protocol object.  Which fields matter
 * depends on the type; the rest are NULL/0. */
typedef struct
{
  ScFrameType    type;
  char          *type_name;   /* the "type" string as received (all frames) */

  /* hello */
  guint          version;
  char          *user_id;     /* "user" */
  char          *name;
  char         **features;    /* NULL-terminated; never NULL after parse */
  char          *greeting;    /* optional */

  /* message, receipt (id), ping/pong (id) */
  char          *id;
  gint64         time;        /* message: send time, UNIX milliseconds */
  char          *body;        /* message */
  char          *status;      /* receipt: "delivered" or "refused" */

  /* typing */
  ScTypingState  typing;

  /* admission */
  ScAdmission    admission;

  /* error */
  char          *code;
  char          *message;

  /* bye, receipt (refused) */
  char          *reason;      /* optional */
} ScFrame;

ScFrame    *sc_frame_new             (ScFrameType     type);
void        sc_frame_free            (ScFrame        *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScFrame, sc_frame_free)

const char *sc_frame_type_to_string     (ScFrameType    type);
const char *sc_typing_state_to_string   (ScTypingState  state);  /* "idle", "active", "paused" */
const char *sc_admission_to_string      (ScAdmission    admission); /* "pending", … */

/* One line of compact JSON ending in "\n". */
char       *sc_frame_encode          (const ScFrame  *frame,
                                      gsize          *length);
/* One line without its newline. */
ScFrame    *sc_frame_parse           (const char     *line,
                                      gsize           length,
                                      GError        **error);

/* Splits a byte stream into lines and parses them. */
typedef struct _ScFrameDecoder ScFrameDecoder;

ScFrameDecoder *sc_frame_decoder_new  (gsize            max_line);
void            sc_frame_decoder_free (ScFrameDecoder  *decoder);
/* Fails (LINE_TOO_LONG) as soon as an unfinished line exceeds max_line. */
gboolean        sc_frame_decoder_push (ScFrameDecoder  *decoder,
                                       const void      *data,
                                       gsize            length,
                                       GError         **error);
/* The next complete frame; NULL without an error when more bytes are needed.
 * After an error the decoder is unusable: send an error frame and close. */
ScFrame        *sc_frame_decoder_next (ScFrameDecoder  *decoder,
                                       GError         **error);
/* Bytes received and not yet returned as frames: complete lines still to be
 * taken with sc_frame_decoder_next(), plus at most max_line + 1 bytes of an
 * unfinished line.  0 after an error. */
gsize           sc_frame_decoder_get_buffered (const ScFrameDecoder *decoder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScFrameDecoder, sc_frame_decoder_free)

G_END_DECLS
