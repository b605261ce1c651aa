/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  SC_MESSAGE_PENDING,    /* ours, stored, not yet written to a session */
  SC_MESSAGE_SENT,       /* ours, written to a session, no receipt yet */
  SC_MESSAGE_DELIVERED,  /* ours: the peer stored it and said so; theirs: stored here */
  SC_MESSAGE_FAILED,     /* ours: the peer refused it (error says why) */
} ScMessageState;

/* One chat message as the profile's history keeps it: an immutable,
 * reference-counted snapshot (a change of state is a new snapshot). */
typedef struct
{
  gint64          seq;          /* local order in the history; set by the store */
  char           *id;           /* the sender's message id (a UUID) */
  char           *peer;         /* the other party's user ID, normalized */
  char           *fingerprint;  /* the peer certificate's SHA-256: the one that sent
                                 * it to us, or that ours went to; NULL while pending */
  gboolean        outgoing;
  gint64          time;         /* when it was written, by the sender's clock (UNIX ms) */
  gint64          received;     /* theirs: when we stored it; ours: when the receipt
                                 * came; 0 until then (UNIX ms) */
  char           *body;
  ScMessageState  state;
  char           *error;        /* FAILED: the peer's reason; else NULL */
  char           *snippet;      /* search results only: the matching words, marked
                                 * with U+0002 … U+0003 around each match; else NULL */
} ScMessage;

#define SC_TYPE_MESSAGE (sc_message_get_type ())
GType       sc_message_get_type         (void) G_GNUC_CONST;

ScMessage  *sc_message_new              (void);
ScMessage  *sc_message_copy             (const ScMessage *message);
ScMessage  *sc_message_ref              (ScMessage       *message);
void        sc_message_unref            (ScMessage       *message);

const char *sc_message_state_to_string  (ScMessageState   state);   /* "pending", … */
gboolean    sc_message_state_from_string (const char     *text,
                                          ScMessageState *state);

/* Checks a body we are about to write: non-empty UTF-8 that fits, with
 * its JSON escapes, in one protocol line. */
gboolean    sc_message_check_body       (const char      *body,
                                         GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScMessage, sc_message_unref)

G_END_DECLS
