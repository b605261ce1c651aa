/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gnutls/gnutls.h>

#include "sc-session-worker.h"

G_BEGIN_DECLS

/* A session's thread is one body over two files: sc-session-worker.c
 * (connect, handshake, hello, the frame loop, linger) and
 * sc-session-messages.c (the inbox, the receipts and the outbox, in
 * batches through the store).  This is what they share. */

/* Pings awaiting their pong; an older one is forgotten. */
#define PINGS             8
/* Our unsent messages are read from the store only while less than this
 * many bytes wait to be written; a stream that never drains drops what
 * went out once this much did. */
#define OUT_LOW_WATER     (64 * 1024)

typedef struct
{
  ScSession          *session;
  ScAgentContext     *context;
  ScStore            *store;
  gboolean            incoming;
  const char         *dialled_user_id;

  GSocket            *socket;
  int                 fd;
  char               *remote_address;
  gnutls_session_t    tls;
  gboolean            handshake_done;
  gboolean            counted_handshake;
  gint64              deadline;           /* monotonic µs; 0: none */
  gboolean            woken;              /* the owner may have queued requests */

  ScFrameDecoder     *decoder;
  GString            *out;
  gsize               out_pos;
  gsize               in_flight;          /* bytes of a send that returned EAGAIN */
  GQueue              requests;           /* ScFrame* taken from the owner */
  guint64             ping_serial;        /* the last ping's; its id is "p<serial>" */
  gint64              ping_sent[PINGS];   /* monotonic µs, by serial % PINGS; 0: answered */
  /* Liveness, once the peer's hello came (see sc_user_agent_set_liveness()). */
  gint64              last_heard;         /* monotonic µs of the last record read */
  gboolean            liveness_pinged;    /* a ping went out since then */
  guint               liveness_idle_ms;
  guint               liveness_timeout_ms;

  /* Messages, once OPEN: the history is in the store. */
  char               *peer_key;           /* normalized user ID; set when registered */
  gboolean            outbox_wanted;      /* unsent messages may wait in the store */
  gint64              outbox_seq;         /* the last of ours written to this session */
  GPtrArray          *inbox;              /* ScMessage: received, not yet stored */
  GPtrArray          *receipts;           /* char*: ids the peer acknowledged */

  /* Set by the certificate verification callback. */
  ScPeerCertificate  *peer;
  ScTrustDecision    *decision;
  gboolean            wrong_peer;
  gboolean            no_alpn;

  ScSessionState      state;
  gboolean            got_hello;
  gint64              request_id;
  guint64             request_generation;

  ScCloseReason       close_reason;
  char               *close_message;
} Worker;

/* sc-session-worker.c */

/* Ends the session with reason and message; the first call wins. */
void     sc_worker_close            (Worker        *w,
                                     ScCloseReason  reason,
                                     const char    *format,
                                     ...) G_GNUC_PRINTF (3, 4);
/* Appends the encoded frame to what waits to be written. */
void     sc_worker_queue_frame      (Worker        *w,
                                     ScFrame       *frame);
/* Queues an error frame with code and message. */
void     sc_worker_queue_error      (Worker        *w,
                                     const char    *code,
                                     const char    *message);
/* Queues an error frame for the peer and closes: it broke the protocol. */
void     sc_worker_protocol_error   (Worker        *w,
                                     const char    *code,
                                     const char    *message);
/* Sends what it can without blocking; FALSE on a fatal error. */
gboolean sc_worker_flush            (Worker        *w);

/* sc-session-messages.c */

/* Writes our unsent messages from the store while little waits to be written. */
void     sc_worker_send_outbox      (Worker        *w);
/* Stores the messages and applies the receipts read since the last batch. */
void     sc_worker_commit_batches   (Worker        *w);
/* A message frame: collected for the next batch (only while OPEN). */
void     sc_worker_handle_message   (Worker        *w,
                                     ScFrame       *frame);
/* A receipt frame: "delivered" is collected for the next batch, "refused" applied now. */
void     sc_worker_handle_receipt   (Worker        *w,
                                     ScFrame       *frame);

G_END_DECLS
