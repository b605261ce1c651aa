/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sixchat-bench-raw: the baselines, with no SixChat code at all.
 *
 *   tls   a bare GnuTLS client/server pair on loopback: TLS 1.3, both
 *         certificates (the profiles' identity.crt/identity.key), each side
 *         pinning the other's certificate by SHA-256, ALPN sixchat/1 mandatory,
 *         no tickets, TCP_NODELAY, blocking sockets, a server thread; once
 *         its handshake is done each side sends one hello line.
 *   tcp   a TCP ping-pong: one line of --size bytes each way between two
 *         threads, blocking sockets, TCP_NODELAY.
 *   info  the GnuTLS version.
 *
 * Every result is one JSON object per line on stdout. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sc-bench-stats.h"

/* The same priority string as the user agent (src/core/sc-agent-context.c). */
#define TLS_PRIORITY \
  "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:" \
  "+CHACHA20-POLY1305:%SERVER_PRECEDENCE"
#define ALPN "sixchat/1"
/* The line each side sends once its handshake is done, about as long as a
 * SixChat hello. */
#define HELLO "{\"type\":\"hello\",\"version\":1,\"user\":\"bench@example.org\"," \
              "\"name\":\"Bench\",\"features\":[\"receipts\",\"typing\",\"admission\"]}\n"
#define FINGERPRINT_SIZE 32

static char *opt_address = NULL;
static char *opt_server_cert;
static char *opt_server_key;
static char *opt_client_cert;
static char *opt_client_key;
static int opt_count = 500;
static int opt_warmup = 20;
static int opt_size = 64;

static const GOptionEntry entries[] = {
  { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address, "Loopback address (::1)", "ADDR" },
  { "server-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_server_cert,
    "tls: server certificate", "PEM" },
  { "server-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_server_key,
    "tls: server key", "PEM" },
  { "client-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_client_cert,
    "tls: client certificate", "PEM" },
  { "client-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_client_key,
    "tls: client key", "PEM" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "Measured handshakes or round trips", "N" },
  { "warmup", 0, 0, G_OPTION_ARG_INT, &opt_warmup, "Unmeasured rounds first", "N" },
  { "size", 0, 0, G_OPTION_ARG_INT, &opt_size, "tcp: bytes of each line, newline included", "N" },
  { NULL }
};

/* Sockets */

typedef struct
{
  struct sockaddr_storage address;
  socklen_t               length;
  int                     listener;
} Endpoint;

static gboolean
endpoint_listen (Endpoint    *endpoint,
                 const char  *host,
                 GError     **error)
{
  struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM };
  struct addrinfo *info = NULL;
  int one = 1;
  int ret;

  ret = getaddrinfo (host, "0", &hints, &info);
  if (ret != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", host, gai_strerror (ret));
      return FALSE;
    }

  endpoint->listener = socket (info->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (endpoint->listener >= 0)
    setsockopt (endpoint->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (endpoint->listener < 0
      || bind (endpoint->listener, info->ai_addr, info->ai_addrlen) < 0
      || listen (endpoint->listener, 128) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "listen on %s: %s", host,
                   g_strerror (errno));
      freeaddrinfo (info);
      return FALSE;
    }
  freeaddrinfo (info);

  endpoint->length = sizeof endpoint->address;
  getsockname (endpoint->listener, (struct sockaddr *) &endpoint->address, &endpoint->length);
  return TRUE;
}

static void
set_nodelay (int fd)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int
endpoint_connect (Endpoint *endpoint)
{
  int fd = socket (endpoint->address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  set_nodelay (fd);
  if (connect (fd, (struct sockaddr *) &endpoint->address, endpoint->length) < 0)
    {
      close (fd);
      return -1;
    }

  return fd;
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length)
{
  while (length > 0)
    {
      ssize_t n = send (fd, data, length, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= n;
    }

  return TRUE;
}

/* Reads one line into buffer (size bytes at most); FALSE at EOF or error. */
static gboolean
read_line (int    fd,
           char  *buffer,
           gsize  size)
{
  gsize have = 0;

  while (have < size)
    {
      ssize_t n = recv (fd, buffer + have, size - have, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      have += n;
      if (buffer[have - 1] == '\n')
        return TRUE;
    }

  return FALSE;
}

/* tls */

typedef struct
{
  gnutls_certificate_credentials_t credentials;
  guchar                           pinned[FINGERPRINT_SIZE];
} Side;

static int
verify_pinned (gnutls_session_t session)
{
  const Side *side = gnutls_session_get_ptr (session);
  const gnutls_datum_t *peers;
  unsigned int n = 0;
  guchar digest[FINGERPRINT_SIZE];

  peers = gnutls_certificate_get_peers (session, &n);
  if (peers == NULL || n == 0)
    return GNUTLS_E_NO_CERTIFICATE_FOUND;

  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, peers[0].data, peers[0].size, digest) < 0
      || memcmp (digest, side->pinned, sizeof digest) != 0)
    return GNUTLS_E_CERTIFICATE_ERROR;

  return 0;
}

static gboolean
side_init (Side        *side,
           const char  *cert,
           const char  *key,
           const char  *peer_cert,
           GError     **error)
{
  gnutls_datum_t pem = { NULL, 0 };
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t der = { NULL, 0 };
  int ret;

  ret = gnutls_certificate_allocate_credentials (&side->credentials);
  if (ret == 0)
    ret = gnutls_certificate_set_x509_key_file2 (side->credentials, cert, key,
                                                 GNUTLS_X509_FMT_PEM, NULL, 0);
  if (ret >= 0)
    ret = gnutls_load_file (peer_cert, &pem);
  if (ret >= 0)
    ret = gnutls_x509_crt_init (&crt);
  if (ret >= 0)
    ret = gnutls_x509_crt_import (crt, &pem, GNUTLS_X509_FMT_PEM);
  if (ret >= 0)
    ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (ret >= 0)
    ret = gnutls_hash_fast (GNUTLS_DIG_SHA256, der.data, der.size, side->pinned);

  gnutls_free (pem.data);
  gnutls_free (der.data);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);

  if (ret < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s / %s: %s", cert, peer_cert,
                   gnutls_strerror (ret));
      return FALSE;
    }

  gnutls_certificate_set_verify_function (side->credentials, verify_pinned);
  return TRUE;
}

static int
tls_session_new (gnutls_session_t  *session,
                 Side              *side,
                 gnutls_priority_t  priority,
                 unsigned int       role,
                 int                fd)
{
  gnutls_datum_t alpn = { (unsigned char *) ALPN, strlen (ALPN) };
  int ret;

  ret = gnutls_init (session, role | GNUTLS_NO_TICKETS | GNUTLS_NO_SIGNAL);
  if (ret == 0)
    ret = gnutls_priority_set (*session, priority);
  if (ret == 0)
    ret = gnutls_credentials_set (*session, GNUTLS_CRD_CERTIFICATE, side->credentials);
  if (ret == 0)
    ret = gnutls_alpn_set_protocols (*session, &alpn, 1, GNUTLS_ALPN_MANDATORY);
  if (ret < 0)
    return ret;

  if (role == GNUTLS_SERVER)
    gnutls_certificate_server_set_request (*session, GNUTLS_CERT_REQUIRE);
  gnutls_session_set_ptr (*session, side);
  gnutls_transport_set_int (*session, fd);

  do
    ret = gnutls_handshake (*session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));

  return ret;
}

static gboolean
alpn_is_ours (gnutls_session_t session)
{
  gnutls_datum_t selected;

  return gnutls_alpn_get_selected_protocol (session, &selected) == 0
         && selected.size == strlen (ALPN) && memcmp (selected.data, ALPN, selected.size) == 0;
}

typedef struct
{
  Endpoint          *endpoint;
  Side              *side;
  gnutls_priority_t  priority;
  int                rounds;
  char              *failure;
} TlsServer;

static gpointer
tls_server_thread (gpointer data)
{
  TlsServer *server = data;

  for (int i = 0; i < server->rounds; i++)
    {
      gnutls_session_t session = NULL;
      char buffer[256];
      int fd = accept (server->endpoint->listener, NULL, NULL);
      int ret;

      if (fd < 0)
        {
          server->failure = g_strdup_printf ("accept: %s", g_strerror (errno));
          return NULL;
        }
      set_nodelay (fd);

      ret = tls_session_new (&session, server->side, server->priority, GNUTLS_SERVER, fd);
      if (ret < 0 && server->failure == NULL)
        server->failure = g_strdup_printf ("server handshake %d: %s", i, gnutls_strerror (ret));

      if (ret == 0)
        {
          /* A first line, as a SixChat acceptor sends its hello at once. */
          gnutls_record_send (session, HELLO, strlen (HELLO));
          /* Until the client's close_notify (0) or an error. */
          while (gnutls_record_recv (session, buffer, sizeof buffer) > 0)
            ;
          gnutls_bye (session, GNUTLS_SHUT_WR);
        }

      gnutls_deinit (session);
      close (fd);
    }

  return NULL;
}

static int
run_tls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) handshake = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) hello = g_array_new (FALSE, FALSE, sizeof (gint64));
  Side server_side = { 0 };
  Side client_side = { 0 };
  Endpoint endpoint = { 0 };
  TlsServer server = { 0 };
  gnutls_priority_t priority = NULL;
  GThread *thread;
  GString *result;
  gint64 started;
  int ret;

  if (opt_server_cert == NULL || opt_server_key == NULL || opt_client_cert == NULL
      || opt_client_key == NULL)
    {
      sc_bench_print_error ("tls: --server-cert, --server-key, --client-cert and --client-key "
                            "are required");
      return 2;
    }

  if (!side_init (&server_side, opt_server_cert, opt_server_key, opt_client_cert, &error)
      || !side_init (&client_side, opt_client_cert, opt_client_key, opt_server_cert, &error)
      || !endpoint_listen (&endpoint, opt_address != NULL ? opt_address : "::1", &error))
    {
      sc_bench_print_error ("tls: %s", error->message);
      return 1;
    }

  ret = gnutls_priority_init (&priority, TLS_PRIORITY, NULL);
  if (ret < 0)
    {
      sc_bench_print_error ("tls: priority: %s", gnutls_strerror (ret));
      return 1;
    }

  server.endpoint = &endpoint;
  server.side = &server_side;
  server.priority = priority;
  server.rounds = opt_warmup + opt_count;
  thread = g_thread_new ("tls-server", tls_server_thread, &server);
  started = sc_bench_now_ns ();

  for (int i = 0; i < opt_warmup + opt_count; i++)
    {
      gnutls_session_t session = NULL;
      char buffer[256];
      gint64 start = sc_bench_now_ns ();
      gint64 done;
      gint64 line;
      int fd = endpoint_connect (&endpoint);

      if (fd < 0)
        {
          sc_bench_print_error ("tls: connect %d: %s", i, g_strerror (errno));
          return 1;
        }

      ret = tls_session_new (&session, &client_side, priority, GNUTLS_CLIENT, fd);
      done = sc_bench_now_ns ();
      if (ret < 0 || !alpn_is_ours (session))
        {
          sc_bench_print_error ("tls: client handshake %d: %s", i,
                                ret < 0 ? gnutls_strerror (ret) : "no ALPN");
          return 1;
        }

      /* Our hello, as a SixChat client sends it at once; receiving the
       * server's first line proves it accepted our certificate. */
      gnutls_record_send (session, HELLO, strlen (HELLO));
      ret = gnutls_record_recv (session, buffer, sizeof buffer);
      line = sc_bench_now_ns ();
      if (ret <= 0)
        {
          sc_bench_print_error ("tls: %d: no first line: %s", i, gnutls_strerror (ret));
          return 1;
        }

      gnutls_bye (session, GNUTLS_SHUT_WR);
      /* Until the server closes too, so rounds do not overlap. */
      while (recv (fd, buffer, sizeof buffer, 0) > 0)
        ;
      gnutls_deinit (session);
      close (fd);

      if (i >= opt_warmup)
        {
          gint64 value = done - start;

          g_array_append_val (handshake, value);
          value = line - start;
          g_array_append_val (hello, value);
        }
    }

  g_thread_join (thread);
  if (server.failure != NULL)
    {
      sc_bench_print_error ("tls: %s", server.failure);
      return 1;
    }

  result = sc_bench_result_new ("tls-handshake");
  sc_bench_result_add_string (result, "gnutls", gnutls_check_version (NULL));
  sc_bench_result_add_samples (result, "", handshake);
  /* TCP connect → handshake → hellos: the server's line read (its verdict
   * on us included). */
  sc_bench_result_add_samples (result, "hello_", hello);
  sc_bench_result_add_double (result, "seconds", (sc_bench_now_ns () - started) / 1e9);
  sc_bench_result_print (result);

  close (endpoint.listener);
  gnutls_priority_deinit (priority);
  gnutls_certificate_free_credentials (server_side.credentials);
  gnutls_certificate_free_credentials (client_side.credentials);

  return 0;
}

/* tcp */

typedef struct
{
  int   fd;
  gsize size;
} Echo;

static gpointer
echo_thread (gpointer data)
{
  Echo *echo = data;
  g_autofree char *buffer = g_malloc (echo->size);

  while (read_line (echo->fd, buffer, echo->size))
    if (!write_all (echo->fd, buffer, echo->size))
      break;

  close (echo->fd);
  return NULL;
}

static int
run_tcp (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *line = NULL;
  g_autofree char *buffer = NULL;
  Endpoint endpoint = { 0 };
  Echo echo = { 0 };
  GThread *thread;
  GString *result;
  gsize size = MAX (opt_size, 2);
  gint64 started;
  int fd;

  if (!endpoint_listen (&endpoint, opt_address != NULL ? opt_address : "::1", &error))
    {
      sc_bench_print_error ("tcp: %s", error->message);
      return 1;
    }

  fd = endpoint_connect (&endpoint);
  echo.fd = fd >= 0 ? accept (endpoint.listener, NULL, NULL) : -1;
  if (echo.fd < 0)
    {
      sc_bench_print_error ("tcp: connect: %s", g_strerror (errno));
      return 1;
    }
  set_nodelay (echo.fd);
  close (endpoint.listener);

  echo.size = size;
  line = g_strnfill (size, 'x');
  line[size - 1] = '\n';
  buffer = g_malloc (size);
  thread = g_thread_new ("tcp-echo", echo_thread, &echo);
  started = sc_bench_now_ns ();

  for (int i = 0; i < opt_warmup + opt_count; i++)
    {
      gint64 start = sc_bench_now_ns ();

      if (!write_all (fd, line, size) || !read_line (fd, buffer, size))
        {
          sc_bench_print_error ("tcp: round trip %d failed", i);
          return 1;
        }

      if (i >= opt_warmup)
        {
          gint64 value = sc_bench_now_ns () - start;

          g_array_append_val (samples, value);
        }
    }

  shutdown (fd, SHUT_WR);
  g_thread_join (thread);
  close (fd);

  result = sc_bench_result_new ("tcp-pingpong");
  sc_bench_result_add_int (result, "size", size);
  sc_bench_result_add_samples (result, "", samples);
  sc_bench_result_add_double (result, "seconds", (sc_bench_now_ns () - started) / 1e9);
  sc_bench_result_print (result);

  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;

  options = g_option_context_new ("tls|tcp|info - baselines for the SixChat benchmark");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      sc_bench_print_error ("%s", error->message);
      return 2;
    }

  if (argc >= 2 && g_str_equal (argv[1], "tls"))
    return run_tls ();
  if (argc >= 2 && g_str_equal (argv[1], "tcp"))
    return run_tcp ();
  if (argc >= 2 && g_str_equal (argv[1], "info"))
    {
      GString *result = sc_bench_result_new ("info");
      g_autofree char *glib = g_strdup_printf ("%u.%u.%u", glib_major_version,
                                               glib_minor_version, glib_micro_version);

      sc_bench_result_add_string (result, "gnutls", gnutls_check_version (NULL));
      sc_bench_result_add_string (result, "glib", glib);
      sc_bench_result_print (result);
      return 0;
    }

  sc_bench_print_error ("a command is required: tls, tcp or info");
  return 2;
}
