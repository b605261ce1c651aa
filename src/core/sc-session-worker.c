/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>

#include "sc-address.h"
#include "sc-session-worker-private.h"

/* How often a pending incoming request looks at the store for a decision
 * made by another process (sixchat-cli requests accept …). */
#define REQUEST_POLL_MS   250
/* How long closing may wait to deliver a last bye or error to the peer. */
#define LINGER_MS         1000
#define READ_CHUNK        16384

typedef enum
{
  WAIT_READY,
  WAIT_WOKEN,
  WAIT_TIMEOUT,
} WaitResult;

void
sc_worker_close (Worker        *w,
                 ScCloseReason  reason,
                 const char    *format,
                 ...)
{
  va_list args;

  if (w->close_reason != SC_CLOSE_NONE)
    return;

  w->close_reason = reason;
  if (format != NULL)
    {
      va_start (args, format);
      w->close_message = g_strdup_vprintf (format, args);
      va_end (args);
    }
}

static void
post_state (Worker         *w,
            ScSessionState  state)
{
  ScSessionEvent *event;

  if (w->state == state)
    return;

  w->state = state;
  event = sc_session_event_new (SC_SESSION_EVENT_STATE);
  event->state = state;
  event->text1 = g_strdup (w->remote_address);
  sc_session_post (w->session, event);
}

static void
post_knock (Worker      *w,
            ScVerdict    verdict,
            const char  *reason,
            const char  *detail)
{
  g_autoptr(GError) error = NULL;
  ScSessionEvent *event;
  ScKnock *knock = g_new0 (ScKnock, 1);

  knock->time = g_get_real_time ();
  knock->incoming = w->incoming;
  knock->address = g_strdup (w->remote_address);
  if (w->peer != NULL)
    {
      knock->fingerprint = g_strdup (sc_peer_certificate_get_fingerprint (w->peer));
      knock->user_id = g_strdup (sc_peer_certificate_get_user_id (w->peer));
      knock->name = g_strdup (sc_peer_certificate_get_name (w->peer));
    }
  knock->verdict = verdict;
  knock->reason = g_strdup (reason);
  knock->detail = g_strdup (detail);

  if (!sc_store_add_knock (w->store, knock, &error))
    g_warning ("Cannot record a knock from %s: %s", w->remote_address, error->message);

  event = sc_session_event_new (SC_SESSION_EVENT_KNOCK);
  event->knock = knock;
  sc_session_post (w->session, event);
}

void
sc_worker_queue_frame (Worker  *w,
                       ScFrame *frame)
{
  gsize length;
  g_autofree char *line = sc_frame_encode (frame, &length);

  g_string_append_len (w->out, line, length);
}

void
sc_worker_queue_error (Worker     *w,
                       const char *code,
                       const char *message)
{
  g_autoptr(ScFrame) frame = sc_frame_new (SC_FRAME_ERROR);

  frame->code = g_strdup (code);
  frame->message = g_strdup (message);
  sc_worker_queue_frame (w, frame);
}

static void
queue_admission (Worker      *w,
                 ScAdmission  admission)
{
  g_autoptr(ScFrame) frame = sc_frame_new (SC_FRAME_ADMISSION);

  frame->admission = admission;
  sc_worker_queue_frame (w, frame);
}

static void
queue_bye (Worker     *w,
           const char *reason)
{
  g_autoptr(ScFrame) frame = sc_frame_new (SC_FRAME_BYE);

  frame->reason = g_strdup (reason);
  sc_worker_queue_frame (w, frame);
}

void
sc_worker_protocol_error (Worker     *w,
                          const char *code,
                          const char *message)
{
  sc_worker_queue_error (w, code, message);
  sc_worker_close (w, SC_CLOSE_PROTOCOL_ERROR, "The peer broke the protocol (%s): %s",
                   code, message);
}

static WaitResult
worker_wait (Worker *w,
             short   events,
             int     max_ms)
{
  struct pollfd fds[2] = {
    { .fd = w->fd, .events = events },
    { .fd = sc_session_get_wake_fd (w->session), .events = POLLIN },
  };
  int timeout = max_ms;
  int ret;

  if (w->deadline != 0)
    {
      gint64 left = (w->deadline - g_get_monotonic_time () + 999) / 1000;

      if (left <= 0)
        return WAIT_TIMEOUT;
      if (timeout < 0 || left < timeout)
        timeout = (int) left;
    }

  do
    ret = poll (fds, G_N_ELEMENTS (fds), timeout);
  while (ret < 0 && errno == EINTR);

  if (ret == 0)
    return (w->deadline != 0 && g_get_monotonic_time () >= w->deadline) ? WAIT_TIMEOUT : WAIT_READY;
  if (fds[1].revents != 0)
    {
      w->woken = TRUE;
      return WAIT_WOKEN;
    }

  return WAIT_READY;
}

/* Takes what the owner queued; FALSE when it asked to close. */
static gboolean
take_requests (Worker *w)
{
  ScCloseReason reason = SC_CLOSE_NONE;
  g_autofree char *message = NULL;
  gboolean poked = FALSE;
  gboolean closing;

  /* Nothing new unless poll() saw the wake-up. */
  if (!w->woken)
    return TRUE;
  w->woken = FALSE;

  closing = sc_session_take_requests (w->session, &w->requests, &poked, &reason, &message);
  if (poked)
    w->outbox_wanted = TRUE;
  if (!closing)
    return TRUE;

  if (reason == SC_CLOSE_BUSY && w->incoming && w->counted_handshake)
    post_knock (w, SC_VERDICT_REJECT, "busy", message);

  if (w->handshake_done && reason == SC_CLOSE_LOCAL)
    queue_bye (w, NULL);
  sc_worker_close (w, reason, "%s", message != NULL ? message : "Closed");

  return FALSE;
}

/* Connecting (outgoing) */

static ScCloseReason
close_reason_for_connect_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return SC_CLOSE_LOCAL;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return SC_CLOSE_REFUSED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return SC_CLOSE_TIMEOUT;

  return SC_CLOSE_UNREACHABLE;
}

static gboolean
worker_connect (Worker *w)
{
  GCancellable *cancellable = sc_session_get_cancellable (w->session);
  guint timeout_s = (sc_agent_context_get_connect_timeout (w->context) + 999) / 1000;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) failures = g_string_new (NULL);
  ScCloseReason reason = SC_CLOSE_UNREACHABLE;
  const char *host;
  const char *greeting;
  guint16 port;
  GList *addresses;

  sc_session_get_dial_target (w->session, &host, &port, &greeting);

  addresses = sc_address_resolve (host, port, cancellable, &error);
  if (addresses == NULL)
    {
      sc_worker_close (w, close_reason_for_connect_error (error),
                       "Cannot resolve %s: %s", host, error->message);
      return FALSE;
    }

  for (GList *l = addresses; l != NULL && w->socket == NULL; l = l->next)
    {
      GSocketAddress *address = l->data;
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GError) local_error = NULL;

      g_free (w->remote_address);
      w->remote_address = sc_address_to_string (address);
      w->state = SC_SESSION_STATE_RESOLVING;
      post_state (w, SC_SESSION_STATE_CONNECTING);

      socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, &local_error);
      if (socket != NULL)
        {
          g_socket_set_timeout (socket, MAX (timeout_s, 1));
          if (g_socket_connect (socket, address, cancellable, &local_error))
            {
              w->socket = g_steal_pointer (&socket);
              break;
            }
        }

      reason = close_reason_for_connect_error (local_error);
      if (reason == SC_CLOSE_LOCAL)
        break;
      g_string_append_printf (failures, "%s%s: %s", failures->len > 0 ? "; " : "",
                              w->remote_address, local_error->message);
    }

  g_list_free_full (addresses, g_object_unref);

  if (w->socket == NULL)
    {
      if (reason == SC_CLOSE_LOCAL)
        sc_worker_close (w, reason, "Cancelled");
      else
        sc_worker_close (w, reason, "Cannot connect to %s: %s", host, failures->str);
      return FALSE;
    }

  g_socket_set_blocking (w->socket, FALSE);
  g_socket_set_timeout (w->socket, 0);

  return TRUE;
}

/* The TLS handshake and the verdict */

static gboolean
alpn_is_ours (gnutls_session_t tls)
{
  gnutls_datum_t alpn;

  return gnutls_alpn_get_selected_protocol (tls, &alpn) == 0
         && alpn.size == strlen (SC_PROTOCOL_ALPN)
         && memcmp (alpn.data, SC_PROTOCOL_ALPN, alpn.size) == 0;
}

/* Acceptor: a ClientHello that does not offer sixchat/1 is refused before
 * we send our certificate. */
static int
check_client_hello (gnutls_session_t tls)
{
  Worker *w = gnutls_session_get_ptr (tls);

  if (alpn_is_ours (tls))
    return 0;

  w->no_alpn = TRUE;
  return GNUTLS_E_NO_APPLICATION_PROTOCOL;
}

int
sc_session_verify_peer (gnutls_session_t tls)
{
  Worker *w = gnutls_session_get_ptr (tls);
  g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScTrustPolicy) policy = NULL;
  const gnutls_datum_t *list;
  unsigned int n = 0;

  if (!alpn_is_ours (tls))
    {
      w->no_alpn = TRUE;
      return GNUTLS_E_NO_APPLICATION_PROTOCOL;
    }

  list = gnutls_certificate_get_peers (tls, &n);
  if (list == NULL || n == 0)
    return GNUTLS_E_NO_CERTIFICATE_FOUND;

  for (unsigned int i = 0; i < MIN (n, 16); i++)
    g_ptr_array_add (ders, g_bytes_new (list[i].data, list[i].size));

  w->peer = sc_certificate_cache_lookup (sc_agent_context_get_certificate_cache (w->context),
                                         (GBytes * const *) ders->pdata, ders->len, &error);
  if (w->peer == NULL)
    {
      w->decision = g_new0 (ScTrustDecision, 1);
      w->decision->verdict = SC_VERDICT_REJECT;
      w->decision->reason = SC_REASON_INVALID_CHAIN;
      w->decision->detail = g_strdup_printf ("Unreadable certificate: %s", error->message);
      return GNUTLS_E_CERTIFICATE_ERROR;
    }

  policy = sc_agent_context_get_policy (w->context, &error);
  if (policy == NULL)
    {
      w->decision = g_new0 (ScTrustDecision, 1);
      w->decision->verdict = SC_VERDICT_REJECT;
      w->decision->reason = SC_REASON_INVALID_CHAIN;
      w->decision->detail = g_strdup_printf ("Cannot read the trust settings: %s", error->message);
      return GNUTLS_E_CERTIFICATE_ERROR;
    }

  w->decision = sc_trust_policy_decide (policy, w->peer, -1, SC_PURPOSE_CLIENT);

  if (!w->incoming && w->decision->verdict != SC_VERDICT_REJECT
      && !sc_user_id_equal (sc_peer_certificate_get_user_id (w->peer), w->dialled_user_id))
    w->wrong_peer = TRUE;

  if (w->decision->verdict == SC_VERDICT_REJECT || w->wrong_peer)
    return GNUTLS_E_CERTIFICATE_ERROR;

  return 0;
}

/* The owner learns the certificate and its verdict, accepted or not. */
static void
post_verified (Worker *w)
{
  ScSessionEvent *event = sc_session_event_new (SC_SESSION_EVENT_VERIFIED);

  event->certificate = g_object_ref (w->peer);
  event->decision = sc_trust_decision_copy (w->decision);
  sc_session_post (w->session, event);
}

static void
handshake_failed (Worker *w,
                  int     ret)
{
  const char *peer_user = w->peer != NULL ? sc_peer_certificate_get_user_id (w->peer) : NULL;

  if (w->peer != NULL && w->decision != NULL)
    post_verified (w);

  if (w->wrong_peer)
    {
      g_autofree char *detail =
        g_strdup_printf ("You dialled %s, but %s answered", w->dialled_user_id,
                         peer_user != NULL ? peer_user : "someone without a user ID");

      post_knock (w, SC_VERDICT_REJECT, "wrong-peer", detail);
      sc_worker_close (w, SC_CLOSE_WRONG_PEER, "%s", detail);
    }
  else if (w->decision != NULL)
    {
      post_knock (w, w->decision->verdict, sc_reason_to_string (w->decision->reason),
                  w->decision->detail);
      sc_worker_close (w, SC_CLOSE_REJECTED, "Certificate rejected: %s", w->decision->detail);
    }
  else if (w->no_alpn || ret == GNUTLS_E_NO_APPLICATION_PROTOCOL)
    {
      if (w->incoming)
        post_knock (w, SC_VERDICT_REJECT, "no-alpn", "The caller does not speak sixchat/1 (ALPN)");
      sc_worker_close (w, SC_CLOSE_PROTOCOL_ERROR, "The peer does not speak %s (ALPN)",
                       SC_PROTOCOL_ALPN);
    }
  else if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND || ret == GNUTLS_E_CERTIFICATE_REQUIRED)
    {
      if (w->incoming)
        post_knock (w, SC_VERDICT_REJECT, "no-certificate", "The caller presented no certificate");
      sc_worker_close (w, SC_CLOSE_TLS_ERROR, "The peer presented no certificate");
    }
  else if (ret == GNUTLS_E_NO_CIPHER_SUITES || ret == GNUTLS_E_UNSUPPORTED_VERSION_PACKET
           || ret == GNUTLS_E_INSUFFICIENT_CREDENTIALS)
    {
      if (w->incoming)
        post_knock (w, SC_VERDICT_REJECT, "tls-version", "The caller does not offer TLS 1.3");
      sc_worker_close (w, SC_CLOSE_TLS_ERROR,
                       "No common TLS version or cipher (TLS 1.3 is required): %s",
                       gnutls_strerror (ret));
    }
  else if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
    {
      const char *alert = gnutls_alert_get_name (gnutls_alert_get (w->tls));

      if (w->incoming)
        post_knock (w, SC_VERDICT_REJECT, "tls-error", alert);
      sc_worker_close (w, SC_CLOSE_TLS_ERROR, "The peer refused the connection (%s)", alert);
    }
  else if (ret == GNUTLS_E_PREMATURE_TERMINATION || ret == GNUTLS_E_PULL_ERROR
           || ret == GNUTLS_E_PUSH_ERROR)
    {
      if (w->incoming)
        post_knock (w, SC_VERDICT_REJECT, "tls-error", "Connection closed during the handshake");
      sc_worker_close (w, SC_CLOSE_TLS_ERROR, "The connection closed during the TLS handshake");
    }
  else
    {
      if (w->incoming)
        post_knock (w, SC_VERDICT_REJECT, "tls-error", gnutls_strerror (ret));
      sc_worker_close (w, SC_CLOSE_TLS_ERROR, "TLS handshake failed: %s", gnutls_strerror (ret));
    }
}

static gboolean
worker_handshake (Worker *w)
{
  gnutls_datum_t alpn = { (unsigned char *) SC_PROTOCOL_ALPN, strlen (SC_PROTOCOL_ALPN) };
  unsigned int flags = (w->incoming ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NO_TICKETS | GNUTLS_NO_SIGNAL;
  int one = 1;
  int ret;

  post_state (w, SC_SESSION_STATE_HANDSHAKING);

  w->fd = g_socket_get_fd (w->socket);
  setsockopt (w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  ret = gnutls_init (&w->tls, flags);
  if (ret == 0)
    ret = gnutls_priority_set (w->tls, sc_agent_context_get_priority (w->context));
  if (ret == 0)
    ret = gnutls_credentials_set (w->tls, GNUTLS_CRD_CERTIFICATE,
                                  sc_agent_context_get_credentials (w->context));
  if (ret == 0)
    ret = gnutls_alpn_set_protocols (w->tls, &alpn, 1, GNUTLS_ALPN_MANDATORY);
  if (ret < 0)
    {
      sc_worker_close (w, SC_CLOSE_TLS_ERROR, "Cannot set up TLS: %s", gnutls_strerror (ret));
      return FALSE;
    }

  if (w->incoming)
    {
      gnutls_certificate_server_set_request (w->tls, GNUTLS_CERT_REQUIRE);
      gnutls_handshake_set_post_client_hello_function (w->tls, check_client_hello);
    }
  gnutls_session_set_ptr (w->tls, w);
  gnutls_transport_set_int (w->tls, w->fd);

  for (;;)
    {
      ret = gnutls_handshake (w->tls);
      if (ret == 0)
        break;

      if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        {
          short events = gnutls_record_get_direction (w->tls) ? POLLOUT : POLLIN;

          switch (worker_wait (w, events, -1))
            {
            case WAIT_TIMEOUT:
              if (w->incoming)
                post_knock (w, SC_VERDICT_REJECT, "timeout", "The caller did not finish the TLS handshake in time");
              sc_worker_close (w, SC_CLOSE_TIMEOUT, "The TLS handshake timed out");
              return FALSE;
            case WAIT_WOKEN:
              if (!take_requests (w))
                return FALSE;
              break;
            case WAIT_READY:
            default:
              break;
            }
          continue;
        }

      if (!gnutls_error_is_fatal (ret))
        continue;

      /* GnuTLS leaves the fatal alert to us: the peer learns why. */
      if (ret != GNUTLS_E_FATAL_ALERT_RECEIVED)
        gnutls_alert_send_appropriate (w->tls, ret);
      handshake_failed (w, ret);
      return FALSE;
    }

  w->handshake_done = TRUE;
  post_verified (w);

  return TRUE;
}

/* Frames */

static void
send_hello (Worker *w)
{
  ScIdentity *identity = sc_agent_context_get_identity (w->context);
  g_autoptr(ScFrame) hello = sc_frame_new (SC_FRAME_HELLO);
  const char *features[] = { "receipts", "typing", "admission", NULL };
  const char *host;
  const char *greeting;
  guint16 port;

  sc_session_get_dial_target (w->session, &host, &port, &greeting);

  hello->version = SC_PROTOCOL_VERSION;
  hello->user_id = g_strdup (sc_identity_get_user_id (identity));
  hello->name = g_strdup (sc_identity_get_name (identity));
  hello->features = g_strdupv ((char **) features);
  hello->greeting = g_strdup (w->incoming ? NULL : greeting);
  sc_worker_queue_frame (w, hello);

  if (w->incoming)
    queue_admission (w, w->decision->verdict == SC_VERDICT_ALLOW
                        ? SC_ADMISSION_ACCEPTED : SC_ADMISSION_PENDING);
}

static void
open_session (Worker *w)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;

  post_state (w, SC_SESSION_STATE_OPEN);

  /* Registered first: a message stored from now on pokes us, and one
   * stored before is in the store when we look. */
  w->peer_key = sc_user_id_normalize (sc_peer_certificate_get_user_id (w->peer));
  sc_agent_context_register_peer (w->context, w->session, w->peer_key);
  w->outbox_wanted = TRUE;
  sc_worker_send_outbox (w);
  if (!sc_worker_flush (w))
    return;

  /* A contact's last sighting: the certificate, and for a dial the address
   * that worked (a caller's source port says nothing about where it listens). */
  pem = sc_peer_certificate_to_pem (w->peer);
  if (!sc_store_note_contact_seen (w->store, sc_peer_certificate_get_user_id (w->peer),
                                   w->incoming ? NULL : w->remote_address, pem, &error))
    g_warning ("Cannot note that %s was seen: %s",
               sc_peer_certificate_get_user_id (w->peer), error->message);
}

/* A ping of ours, timed from now; its pong reports the round trip. */
static void
queue_ping (Worker *w)
{
  g_autoptr(ScFrame) ping = sc_frame_new (SC_FRAME_PING);

  w->ping_serial++;
  ping->id = g_strdup_printf ("p%" G_GUINT64_FORMAT, w->ping_serial);
  w->ping_sent[w->ping_serial % PINGS] = g_get_monotonic_time ();
  sc_worker_queue_frame (w, ping);
}

/* Once the peer said hello: after liveness_idle_ms of silence a ping, and
 * liveness_timeout_ms after that, with still nothing heard, the end (a
 * peer whose computer vanished sends no FIN; TCP alone would notice only
 * when we write, after minutes of retransmission).  Returns how long the
 * loop may wait before it must look again, -1: no limit. */
static int
check_liveness (Worker *w)
{
  gint64 now = g_get_monotonic_time ();
  gint64 ping_at;
  gint64 give_up_at;

  if (!w->got_hello || w->close_reason != SC_CLOSE_NONE)
    return -1;

  ping_at = w->last_heard + (gint64) w->liveness_idle_ms * 1000;
  give_up_at = ping_at + (gint64) w->liveness_timeout_ms * 1000;

  if (now >= give_up_at)
    {
      sc_worker_close (w, SC_CLOSE_PEER_GONE, "No answer from the peer for %u s",
                       (w->liveness_idle_ms + w->liveness_timeout_ms + 999) / 1000);
      return -1;
    }

  if (!w->liveness_pinged && now >= ping_at)
    {
      queue_ping (w);
      w->liveness_pinged = TRUE;
    }

  return (int) MIN (((w->liveness_pinged ? give_up_at : ping_at) - now + 999) / 1000, G_MAXINT);
}

/* Frames the owner queued (typing, ping): only an open session sends them. */
static void
process_requests (Worker *w)
{
  ScFrame *frame;

  while ((frame = g_queue_pop_head (&w->requests)) != NULL)
    {
      if (w->state == SC_SESSION_STATE_OPEN && frame->type == SC_FRAME_PING)
        queue_ping (w);
      else if (w->state == SC_SESSION_STATE_OPEN)
        sc_worker_queue_frame (w, frame);
      sc_frame_free (frame);
    }
}

/* A pong for one of our last pings reports its round trip; any other is
 * ignored (PROTOCOL.md 8.6). */
static void
handle_pong (Worker  *w,
             ScFrame *frame)
{
  ScSessionEvent *event;
  guint64 serial;
  gint64 *sent;

  if (w->ping_serial == 0 || frame->id == NULL || frame->id[0] != 'p'
      || !g_ascii_string_to_unsigned (frame->id + 1, 10, 1, w->ping_serial, &serial, NULL)
      || serial + PINGS <= w->ping_serial)
    return;

  sent = &w->ping_sent[serial % PINGS];
  if (*sent == 0)
    return;

  event = sc_session_event_new (SC_SESSION_EVENT_PONG);
  event->number = g_get_monotonic_time () - *sent;
  *sent = 0;
  sc_session_post (w->session, event);
}

static void
record_request (Worker      *w,
                const char  *greeting)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = sc_peer_certificate_to_pem (w->peer);
  ScSessionEvent *event;

  w->request_id = sc_store_record_request (w->store,
                                           sc_peer_certificate_get_fingerprint (w->peer),
                                           sc_peer_certificate_get_user_id (w->peer),
                                           sc_peer_certificate_get_name (w->peer),
                                           pem, greeting, w->remote_address, &error);
  if (w->request_id <= 0)
    {
      g_warning ("Cannot record a contact request: %s", error->message);
      sc_worker_queue_error (w, "internal", "The request could not be recorded");
      sc_worker_close (w, SC_CLOSE_IO_ERROR, "Cannot record the contact request: %s",
                       error->message);
      return;
    }

  w->request_generation = sc_store_get_generation (w->store);
  event = sc_session_event_new (SC_SESSION_EVENT_REQUEST);
  event->number = w->request_id;
  sc_session_post (w->session, event);
  post_state (w, SC_SESSION_STATE_PENDING);
}

static void
handle_hello (Worker  *w,
              ScFrame *frame)
{
  const char *cert_user = sc_peer_certificate_get_user_id (w->peer);
  const char *cert_name = sc_peer_certificate_get_name (w->peer);
  ScSessionEvent *event;

  if (w->got_hello)
    {
      sc_worker_protocol_error (w, "bad-hello", "hello was already sent");
      return;
    }

  if (!sc_user_id_equal (frame->user_id, cert_user)
      || (cert_name != NULL && g_strcmp0 (frame->name, cert_name) != 0))
    {
      g_autofree char *message =
        g_strdup_printf ("hello says %s (%s) but the certificate says %s (%s)",
                         frame->user_id, frame->name ? frame->name : "",
                         cert_user, cert_name ? cert_name : "");

      sc_worker_queue_error (w, "hello-mismatch", message);
      sc_worker_close (w, SC_CLOSE_PROTOCOL_ERROR, "The peer's %s", message);
      return;
    }

  w->got_hello = TRUE;
  w->deadline = 0;
  if (w->counted_handshake)
    {
      sc_agent_context_end_handshake (w->context, w->session);
      w->counted_handshake = FALSE;
    }

  event = sc_session_event_new (SC_SESSION_EVENT_HELLO);
  event->text1 = g_strdup (frame->user_id);
  event->text2 = g_strdup (frame->name);
  event->text3 = g_strdup (frame->greeting);
  sc_session_post (w->session, event);

  if (!w->incoming)
    return;

  if (w->decision->verdict == SC_VERDICT_ALLOW)
    open_session (w);
  else
    record_request (w, frame->greeting);
}

static void
handle_admission (Worker  *w,
                  ScFrame *frame)
{
  if (w->incoming)
    return;

  switch (frame->admission)
    {
    case SC_ADMISSION_PENDING:
      post_state (w, SC_SESSION_STATE_PENDING);
      break;
    case SC_ADMISSION_ACCEPTED:
      open_session (w);
      break;
    case SC_ADMISSION_DECLINED:
    default:
      sc_worker_close (w, SC_CLOSE_DECLINED, "%s declined your contact request",
                       sc_peer_certificate_get_user_id (w->peer));
      break;
    }
}

static void
handle_frame (Worker  *w,
              ScFrame *frame)
{
  if (!w->got_hello && frame->type != SC_FRAME_HELLO)
    {
      sc_worker_protocol_error (w, "bad-hello", "the first frame must be hello");
      return;
    }

  switch (frame->type)
    {
    case SC_FRAME_HELLO:
      handle_hello (w, frame);
      break;

    case SC_FRAME_MESSAGE:
      sc_worker_handle_message (w, frame);
      break;

    case SC_FRAME_RECEIPT:
      sc_worker_handle_receipt (w, frame);
      break;

    case SC_FRAME_TYPING:
      {
        ScSessionEvent *event = sc_session_event_new (SC_SESSION_EVENT_TYPING);

        event->number = frame->typing;
        sc_session_post (w->session, event);
      }
      break;

    case SC_FRAME_ADMISSION:
      handle_admission (w, frame);
      break;

    case SC_FRAME_ERROR:
      sc_worker_close (w, SC_CLOSE_PROTOCOL_ERROR, "The peer reported an error (%s): %s",
                       frame->code, frame->message != NULL ? frame->message : "");
      break;

    case SC_FRAME_BYE:
      sc_worker_close (w, SC_CLOSE_PEER_BYE, "%s",
                       frame->reason != NULL ? frame->reason : "The peer said bye");
      break;

    case SC_FRAME_PING:
      {
        g_autoptr(ScFrame) pong = sc_frame_new (SC_FRAME_PONG);

        pong->id = g_strdup (frame->id);
        sc_worker_queue_frame (w, pong);
      }
      break;

    case SC_FRAME_PONG:
      handle_pong (w, frame);
      break;

    case SC_FRAME_UNKNOWN:
    default:
      break;
    }
}

/* Reading and writing */

static void
read_failed (Worker  *w,
             ssize_t  ret)
{
  if (!w->incoming && !w->got_hello && ret != GNUTLS_E_FATAL_ALERT_RECEIVED)
    {
      sc_worker_close (w, SC_CLOSE_TLS_ERROR,
                       "The peer closed the connection before saying hello%s%s",
                       ret < 0 ? ": " : "", ret < 0 ? gnutls_strerror ((int) ret) : "");
    }
  else if (ret == 0 || ret == GNUTLS_E_PREMATURE_TERMINATION)
    {
      sc_worker_close (w, SC_CLOSE_PEER_GONE, "The connection was closed by the peer");
    }
  else if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED && !w->got_hello)
    {
      /* TLS 1.3: our side of the handshake was done when the acceptor,
       * judging our certificate, refused it. */
      sc_worker_close (w, SC_CLOSE_TLS_ERROR, "The peer refused our certificate (%s)",
                       gnutls_alert_get_name (gnutls_alert_get (w->tls)));
    }
  else
    {
      sc_worker_close (w, SC_CLOSE_IO_ERROR, "Reading from the peer failed: %s",
                       gnutls_strerror ((int) ret));
    }
}

/* Reads and handles everything available; FALSE once the session ends. */
static gboolean
worker_read_frames (Worker *w)
{
  char buffer[READ_CHUNK];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      ssize_t ret = gnutls_record_recv (w->tls, buffer, sizeof buffer);

      if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        return TRUE;

      if (ret < 0 && !gnutls_error_is_fatal ((int) ret))
        continue;

      if (ret <= 0)
        {
          read_failed (w, ret);
          return FALSE;
        }

      w->last_heard = g_get_monotonic_time ();
      w->liveness_pinged = FALSE;

      if (!sc_frame_decoder_push (w->decoder, buffer, ret, &error))
        {
          sc_worker_protocol_error (w, sc_protocol_error_code (error), error->message);
          return FALSE;
        }

      for (;;)
        {
          g_autoptr(ScFrame) frame = sc_frame_decoder_next (w->decoder, &error);

          if (frame == NULL)
            {
              if (error != NULL)
                sc_worker_protocol_error (w, sc_protocol_error_code (error), error->message);
              break;
            }

          handle_frame (w, frame);
          if (w->close_reason != SC_CLOSE_NONE)
            break;
        }

      if (w->close_reason != SC_CLOSE_NONE)
        return FALSE;
    }
}

/* Reads and handles everything available; FALSE once the session ends.
 * Messages and receipts read are committed before it returns, whatever
 * ended the reading. */
static gboolean
worker_read (Worker *w)
{
  gboolean more = worker_read_frames (w);

  sc_worker_commit_batches (w);
  return more && w->close_reason == SC_CLOSE_NONE;
}

/* Sends what it can without blocking; FALSE on a fatal error. */
gboolean
sc_worker_flush (Worker *w)
{
  while (w->out_pos < w->out->len)
    {
      ssize_t ret;

      if (w->in_flight > 0)
        ret = gnutls_record_send (w->tls, NULL, 0);
      else
        {
          w->in_flight = MIN (w->out->len - w->out_pos, READ_CHUNK);
          ret = gnutls_record_send (w->tls, w->out->str + w->out_pos, w->in_flight);
        }

      if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        {
          /* A long stream may never drain completely: drop what went out. */
          if (w->out_pos > OUT_LOW_WATER)
            {
              g_string_erase (w->out, 0, w->out_pos);
              w->out_pos = 0;
            }
          return TRUE;
        }

      w->in_flight = 0;
      if (ret < 0)
        {
          sc_worker_close (w, SC_CLOSE_IO_ERROR, "Writing to the peer failed: %s",
                           gnutls_strerror ((int) ret));
          return FALSE;
        }

      w->out_pos += ret;
    }

  g_string_truncate (w->out, 0);
  w->out_pos = 0;

  return TRUE;
}

static void
check_request (Worker *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScRequest) request = NULL;
  guint64 generation = sc_store_get_generation (w->store);

  if (generation == w->request_generation)
    return;
  w->request_generation = generation;

  request = sc_store_get_request (w->store, w->request_id, &error);
  if (request == NULL && !g_error_matches (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND))
    {
      g_warning ("Cannot read contact request %" G_GINT64_FORMAT ": %s", w->request_id, error->message);
      return;
    }

  if (request != NULL && request->state == SC_REQUEST_PENDING)
    return;

  if (request != NULL && request->state == SC_REQUEST_ACCEPTED)
    {
      queue_admission (w, SC_ADMISSION_ACCEPTED);
      open_session (w);
      return;
    }

  queue_admission (w, SC_ADMISSION_DECLINED);
  queue_bye (w, "declined");
  if (request != NULL && request->state == SC_REQUEST_BLOCKED)
    sc_worker_close (w, SC_CLOSE_BLOCKED, "You blocked %s", request->user_id);
  else
    sc_worker_close (w, SC_CLOSE_DECLINED, "You declined the contact request");
}

static void
worker_loop (Worker *w)
{
  w->decoder = sc_frame_decoder_new (SC_PROTOCOL_MAX_LINE);
  post_state (w, SC_SESSION_STATE_HELLO);
  send_hello (w);

  /* Our hello leaves first; the knock-log write happens while it travels. */
  if (!sc_worker_flush (w))
    return;
  post_knock (w, w->decision->verdict, sc_reason_to_string (w->decision->reason),
              w->decision->detail);

  for (;;)
    {
      gboolean pending_here;
      short events = POLLIN;
      int wait_ms;

      if (!take_requests (w))
        break;
      process_requests (w);

      if (!worker_read (w))
        break;
      sc_worker_send_outbox (w);

      /* Only now: the hello just read may have made this a request. */
      pending_here = w->incoming && w->state == SC_SESSION_STATE_PENDING;
      if (pending_here)
        check_request (w);

      wait_ms = check_liveness (w);
      if (!sc_worker_flush (w) || w->close_reason != SC_CLOSE_NONE)
        break;

      if (w->out_pos < w->out->len)
        events |= POLLOUT;

      /* The hello just read may have made this a pending request. */
      pending_here = w->incoming && w->state == SC_SESSION_STATE_PENDING;
      if (pending_here && (wait_ms < 0 || wait_ms > REQUEST_POLL_MS))
        wait_ms = REQUEST_POLL_MS;
      if (worker_wait (w, events, wait_ms) == WAIT_TIMEOUT)
        {
          sc_worker_queue_error (w, "timeout", "hello did not arrive in time");
          if (w->incoming)
            post_knock (w, SC_VERDICT_REJECT, "timeout", "The caller sent no hello in time");
          sc_worker_close (w, SC_CLOSE_TIMEOUT, "The peer did not say hello in time");
          break;
        }
    }
}

/* Closing */

static void
worker_linger (Worker *w)
{
  gint64 until = g_get_monotonic_time () + LINGER_MS * 1000;
  char buffer[READ_CHUNK];

  w->deadline = until;

  if (w->handshake_done)
    {
      /* Deliver a last bye or error frame, then our close_notify. */
      while (w->out_pos < w->out->len && g_get_monotonic_time () < until)
        {
          if (!sc_worker_flush (w))
            return;
          if (w->out_pos < w->out->len && worker_wait (w, POLLOUT, -1) == WAIT_TIMEOUT)
            return;
        }

      while (gnutls_bye (w->tls, GNUTLS_SHUT_WR) == GNUTLS_E_AGAIN)
        {
          if (worker_wait (w, POLLOUT, -1) == WAIT_TIMEOUT)
            return;
        }
    }

  /* Closing with unread data would reset the connection and could destroy
   * what we sent last (a bye, an error, a TLS alert): read until the peer
   * closes too. */
  shutdown (w->fd, SHUT_WR);
  while (g_get_monotonic_time () < until)
    {
      ssize_t ret = recv (w->fd, buffer, sizeof buffer, 0);

      if (ret == 0 || (ret < 0 && errno != EAGAIN && errno != EINTR))
        return;
      if (ret < 0 && worker_wait (w, POLLIN, -1) == WAIT_TIMEOUT)
        return;
    }
}

static void
worker_finish (Worker *w)
{
  ScSessionEvent *event;

  if (w->counted_handshake)
    sc_agent_context_end_handshake (w->context, w->session);

  sc_session_mark_finished (w->session);

  /* A handshake that timed out has nothing left to deliver. */
  if (w->fd >= 0 && (w->handshake_done || w->close_reason != SC_CLOSE_TIMEOUT))
    worker_linger (w);

  if (w->socket != NULL)
    g_socket_close (w->socket, NULL);

  event = sc_session_event_new (SC_SESSION_EVENT_CLOSED);
  event->reason = w->close_reason;
  event->text1 = g_steal_pointer (&w->close_message);
  sc_session_post (w->session, event);

  g_clear_pointer (&w->tls, gnutls_deinit);
  g_clear_object (&w->socket);
  g_clear_pointer (&w->decoder, sc_frame_decoder_free);
  g_string_free (w->out, TRUE);
  g_queue_clear_full (&w->requests, (GDestroyNotify) sc_frame_free);
  if (w->peer_key != NULL)
    sc_agent_context_unregister_peer (w->context, w->session, w->peer_key);
  g_free (w->peer_key);
  g_ptr_array_unref (w->inbox);
  g_ptr_array_unref (w->receipts);
  g_clear_object (&w->peer);
  g_clear_pointer (&w->decision, sc_trust_decision_free);
  g_free (w->remote_address);

  sc_agent_context_remove_session (w->context);

  /* The last event: it carries the thread's reference, the final one, to
   * the owner context. */
  event = sc_session_event_new (SC_SESSION_EVENT_FINISHED);
  event->session = w->session;
  sc_session_post (w->session, event);
}

void
sc_session_worker_run (ScSession *session)
{
  Worker w = { 0 };

  w.session = session;
  w.context = sc_session_get_context (session);
  w.store = sc_agent_context_get_store (w.context);
  w.incoming = sc_session_is_incoming (session);
  w.dialled_user_id = sc_session_get_dialled_user_id (session);
  w.out = g_string_new (NULL);
  w.inbox = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  w.receipts = g_ptr_array_new_with_free_func (g_free);
  w.fd = -1;
  w.woken = TRUE;
  g_queue_init (&w.requests);
  w.deadline = g_get_monotonic_time ()
               + (gint64) sc_agent_context_get_handshake_timeout (w.context) * 1000;
  sc_agent_context_get_liveness (w.context, &w.liveness_idle_ms, &w.liveness_timeout_ms);

  if (w.incoming)
    {
      GSocketConnection *connection = sc_session_get_connection (session);
      g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

      w.socket = g_object_ref (g_socket_connection_get_socket (connection));
      w.remote_address = remote != NULL ? sc_address_to_string (remote) : g_strdup ("unknown");
      w.state = SC_SESSION_STATE_HANDSHAKING;
      w.counted_handshake = TRUE;
    }

  if ((w.incoming || worker_connect (&w)) && take_requests (&w))
    {
      if (!w.incoming)
        w.deadline = g_get_monotonic_time ()
                     + (gint64) sc_agent_context_get_handshake_timeout (w.context) * 1000;
      if (worker_handshake (&w))
        worker_loop (&w);
    }

  worker_finish (&w);
}
