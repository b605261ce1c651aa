/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sc-agent-context.h"
#include "sc-protocol.h"
#include "sc-session-private.h"

/* TLS 1.3 only; AES-GCM first (hardware AES makes it many times faster
 * than nettle's ChaCha20 here), ChaCha20 last for peers without it. */
#define SC_TLS_PRIORITY \
  "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:%SERVER_PRECEDENCE"

/* Session threads have small stacks: a thousand idle sessions must stay
 * cheap.  Threads whose session ended wait for the next one, a few at most. */
#define SC_SESSION_STACK_SIZE  (256 * 1024)
#define SC_SESSION_MAX_IDLE    4

/* Peer chains remembered (see sc-certificate-cache.h): a user's contacts
 * and more. */
#define SC_CERTIFICATE_CACHE_SIZE 64

/* The owner context's end of sc_agent_context_post(): a queue and an
 * eventfd that the owner context polls.  Posting touches neither the
 * GMainContext's lock nor its wake-up, and a burst of calls costs one
 * wake-up. */
typedef struct
{
  GSource  source;
  GMutex   lock;
  GQueue   calls;       /* OwnerCall*, linked through their own link */
  int      fd;
  gpointer context;     /* ScAgentContext*, no reference: it owns this source */
} OwnerSource;

typedef struct
{
  GList        link;
  ScOwnerFunc  func;
  gpointer     data;
} OwnerCall;

struct _ScAgentContext
{
  gatomicrefcount                   ref_count;

  ScIdentity                       *identity;
  ScStore                          *store;
  gnutls_certificate_credentials_t  credentials;
  gnutls_priority_t                 priority;

  GMutex                            policy_lock;
  ScTrustPolicy                    *policy;
  guint64                           policy_generation;

  GMutex                            limits_lock;
  guint                             max_sessions;
  guint                             max_handshakes;
  guint                             n_sessions;
  GQueue                            handshaking;  /* ScSession*, oldest first, no ref */

  guint                             handshake_timeout_ms;
  guint                             connect_timeout_ms;
  guint                             liveness_idle_ms;
  guint                             liveness_timeout_ms;

  /* Open sessions by peer user ID: whom to tell of a new outgoing message. */
  GMutex                            peers_lock;
  GHashTable                       *peers;        /* char* → GPtrArray of ScSession*, no ref */

  GMainContext                     *owner_context;
  OwnerSource                      *owner_source;
  ScThreadPool                     *threads;
  ScCertificateCache               *certificates;
  guint64                           last_session_id;  /* atomic */
};

static gboolean
set_gnutls_error (GError     **error,
                  int          code,
                  const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (code));
  return FALSE;
}

static gboolean
load_credentials (ScAgentContext  *self,
                  GError         **error)
{
  g_autofree char *chain_pem = sc_peer_certificate_to_pem (sc_identity_get_certificate (self->identity));
  GBytes *key_pem = sc_identity_get_key_pem (self->identity);
  gnutls_datum_t cert_datum = { (unsigned char *) chain_pem, (unsigned int) strlen (chain_pem) };
  gnutls_datum_t key_datum;
  gsize key_len;
  int ret;

  key_datum.data = (unsigned char *) g_bytes_get_data (key_pem, &key_len);
  key_datum.size = (unsigned int) key_len;

  ret = gnutls_certificate_allocate_credentials (&self->credentials);
  if (ret < 0)
    return set_gnutls_error (error, ret, "Cannot allocate TLS credentials");

  ret = gnutls_certificate_set_x509_key_mem2 (self->credentials, &cert_datum, &key_datum,
                                              GNUTLS_X509_FMT_PEM, NULL, 0);
  if (ret < 0)
    return set_gnutls_error (error, ret, "Cannot use the identity for TLS");

  /* Every peer certificate is judged by our own rules, inside the handshake. */
  gnutls_certificate_set_verify_function (self->credentials, sc_session_verify_peer);

  ret = gnutls_priority_init (&self->priority, SC_TLS_PRIORITY, NULL);
  if (ret < 0)
    return set_gnutls_error (error, ret, "Invalid TLS priority");

  return TRUE;
}

static OwnerCall *
owner_source_pop (OwnerSource *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  GList *link = g_queue_pop_head_link (&self->calls);

  return link != NULL ? link->data : NULL;
}

static gboolean
owner_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  OwnerSource *self = (OwnerSource *) source;
  /* The last call may drop the last reference to the context, which
   * destroys this source: not before the loop is done. */
  ScAgentContext *context = sc_agent_context_ref (self->context);
  OwnerCall *call;
  guint64 count;

  if (read (self->fd, &count, sizeof count) < 0 && errno != EAGAIN)
    g_warning ("Cannot read the session events' eventfd: %s", g_strerror (errno));

  /* One at a time: a handler that iterates the main context (the source
   * may recurse) gets the later calls, still in order. */
  while ((call = owner_source_pop (self)) != NULL)
    {
      call->func (call->data);
      g_free (call);
    }

  sc_agent_context_unref (context);

  return G_SOURCE_CONTINUE;
}

static void
owner_source_finalize (GSource *source)
{
  OwnerSource *self = (OwnerSource *) source;

  g_assert (g_queue_is_empty (&self->calls));
  close (self->fd);
  g_mutex_clear (&self->lock);
}

static GSourceFuncs owner_source_funcs = {
  .dispatch = owner_source_dispatch,
  .finalize = owner_source_finalize,
};

static OwnerSource *
owner_source_new (ScAgentContext *context)
{
  GSource *source = g_source_new (&owner_source_funcs, sizeof (OwnerSource));
  OwnerSource *self = (OwnerSource *) source;

  g_mutex_init (&self->lock);
  g_queue_init (&self->calls);
  self->context = context;
  self->fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (self->fd < 0)
    g_error ("Cannot create an eventfd: %s", g_strerror (errno));

  g_source_add_unix_fd (source, self->fd, G_IO_IN);
  g_source_set_can_recurse (source, TRUE);
  g_source_set_static_name (source, "[sixchat] session events");
  g_source_attach (source, context->owner_context);

  return self;
}

void
sc_agent_context_post (ScAgentContext *self,
                       ScOwnerFunc     func,
                       gpointer        data)
{
  OwnerSource *source = self->owner_source;
  OwnerCall *call = g_new (OwnerCall, 1);
  g_autoptr(GMutexLocker) locker = NULL;
  guint64 one = 1;

  call->link = (GList) { .data = call };
  call->func = func;
  call->data = data;

  locker = g_mutex_locker_new (&source->lock);
  g_queue_push_tail_link (&source->calls, &call->link);

  /* Only the first call of a burst wakes the owner, and under the lock: once
   * it is released the call may run and take the context (and the fd) with
   * it. */
  if (source->calls.length == 1 && write (source->fd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_warning ("Cannot wake the owner context: %s", g_strerror (errno));
}

ScCertificateCache *
sc_agent_context_get_certificate_cache (ScAgentContext *self)
{
  return self->certificates;
}

ScThreadPool *
sc_agent_context_get_thread_pool (ScAgentContext *self)
{
  return self->threads;
}

guint64
sc_agent_context_next_session_id (ScAgentContext *self)
{
  return __atomic_add_fetch (&self->last_session_id, 1, __ATOMIC_RELAXED);
}

ScAgentContext *
sc_agent_context_new (ScIdentity  *identity,
                      ScStore     *store,
                      GError     **error)
{
  g_autoptr(ScAgentContext) self = NULL;

  g_return_val_if_fail (SC_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (SC_IS_STORE (store), NULL);

  self = g_new0 (ScAgentContext, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->identity = g_object_ref (identity);
  self->store = g_object_ref (store);
  g_mutex_init (&self->policy_lock);
  g_mutex_init (&self->limits_lock);
  g_mutex_init (&self->peers_lock);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->handshaking);
  self->max_sessions = 1024;
  self->max_handshakes = 64;
  self->handshake_timeout_ms = 10000;
  self->connect_timeout_ms = 10000;
  self->liveness_idle_ms = 30000;
  self->liveness_timeout_ms = 15000;
  self->owner_context = g_main_context_ref_thread_default ();
  self->owner_source = owner_source_new (self);
  self->threads = sc_thread_pool_new (SC_SESSION_STACK_SIZE, SC_SESSION_MAX_IDLE);
  self->certificates = sc_certificate_cache_new (SC_CERTIFICATE_CACHE_SIZE);

  if (!load_credentials (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

ScAgentContext *
sc_agent_context_ref (ScAgentContext *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
sc_agent_context_unref (ScAgentContext *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_assert (g_queue_is_empty (&self->handshaking));
  g_assert (g_hash_table_size (self->peers) == 0);
  g_hash_table_unref (self->peers);
  g_mutex_clear (&self->peers_lock);

  g_source_destroy ((GSource *) self->owner_source);
  g_source_unref ((GSource *) self->owner_source);
  g_main_context_unref (self->owner_context);
  sc_thread_pool_free (self->threads);
  sc_certificate_cache_free (self->certificates);
  g_clear_pointer (&self->credentials, gnutls_certificate_free_credentials);
  g_clear_pointer (&self->priority, gnutls_priority_deinit);
  g_clear_object (&self->policy);
  g_clear_object (&self->identity);
  g_clear_object (&self->store);
  g_mutex_clear (&self->policy_lock);
  g_mutex_clear (&self->limits_lock);
  g_free (self);
}

ScIdentity *
sc_agent_context_get_identity (ScAgentContext *self)
{
  return self->identity;
}

ScStore *
sc_agent_context_get_store (ScAgentContext *self)
{
  return self->store;
}

gnutls_certificate_credentials_t
sc_agent_context_get_credentials (ScAgentContext *self)
{
  return self->credentials;
}

gnutls_priority_t
sc_agent_context_get_priority (ScAgentContext *self)
{
  return self->priority;
}

ScTrustPolicy *
sc_agent_context_get_policy (ScAgentContext  *self,
                             GError         **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->policy_lock);
  guint64 generation = sc_store_get_generation (self->store);

  if (self->policy == NULL || generation != self->policy_generation)
    {
      g_autoptr(ScTrustSettings) settings = sc_store_load_trust_settings (self->store, error);
      ScTrustPolicy *policy;

      if (settings == NULL)
        return NULL;

      policy = sc_trust_policy_new (settings, error);
      if (policy == NULL)
        return NULL;

      g_clear_object (&self->policy);
      self->policy = policy;
      self->policy_generation = generation;
    }

  return g_object_ref (self->policy);
}

guint
sc_agent_context_get_handshake_timeout (ScAgentContext *self)
{
  return g_atomic_int_get (&self->handshake_timeout_ms);
}

void
sc_agent_context_set_handshake_timeout (ScAgentContext *self,
                                        guint           timeout_ms)
{
  g_atomic_int_set (&self->handshake_timeout_ms, MAX (timeout_ms, 1));
}

guint
sc_agent_context_get_connect_timeout (ScAgentContext *self)
{
  return g_atomic_int_get (&self->connect_timeout_ms);
}

void
sc_agent_context_set_connect_timeout (ScAgentContext *self,
                                      guint           timeout_ms)
{
  g_atomic_int_set (&self->connect_timeout_ms, MAX (timeout_ms, 1));
}

void
sc_agent_context_get_liveness (ScAgentContext *self,
                               guint          *idle_ms,
                               guint          *timeout_ms)
{
  *idle_ms = g_atomic_int_get (&self->liveness_idle_ms);
  *timeout_ms = g_atomic_int_get (&self->liveness_timeout_ms);
}

void
sc_agent_context_set_liveness (ScAgentContext *self,
                               guint           idle_ms,
                               guint           timeout_ms)
{
  g_atomic_int_set (&self->liveness_idle_ms, MAX (idle_ms, 1));
  g_atomic_int_set (&self->liveness_timeout_ms, MAX (timeout_ms, 1));
}

void
sc_agent_context_set_limits (ScAgentContext *self,
                             guint           max_sessions,
                             guint           max_handshakes)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->limits_lock);

  self->max_sessions = MAX (max_sessions, 1);
  self->max_handshakes = MAX (max_handshakes, 1);
}

gboolean
sc_agent_context_try_add_session (ScAgentContext *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->limits_lock);

  if (self->n_sessions >= self->max_sessions)
    return FALSE;

  self->n_sessions++;
  return TRUE;
}

void
sc_agent_context_remove_session (ScAgentContext *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->limits_lock);

  g_assert (self->n_sessions > 0);
  self->n_sessions--;
}

guint
sc_agent_context_get_n_sessions (ScAgentContext *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->limits_lock);

  return self->n_sessions;
}

void
sc_agent_context_begin_handshake (ScAgentContext *self,
                                  ScSession      *session)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->limits_lock);

  g_queue_push_tail (&self->handshaking, session);

  /* A flood of half-open connections must not starve real callers: the
   * oldest unfinished handshake makes room.  A real peer finishes in a few
   * milliseconds; an idle one waits to be evicted or timed out. */
  while (self->handshaking.length > self->max_handshakes)
    {
      ScSession *oldest = g_queue_pop_head (&self->handshaking);

      sc_session_abort (oldest, SC_CLOSE_BUSY, "Too many unfinished handshakes");
    }
}

void
sc_agent_context_end_handshake (ScAgentContext *self,
                                ScSession      *session)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->limits_lock);

  g_queue_remove (&self->handshaking, session);
}

/* Outgoing messages */

void
sc_agent_context_register_peer (ScAgentContext *self,
                                ScSession      *session,
                                const char     *peer)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->peers_lock);
  GPtrArray *sessions = g_hash_table_lookup (self->peers, peer);

  if (sessions == NULL)
    {
      sessions = g_ptr_array_new ();
      g_hash_table_insert (self->peers, g_strdup (peer), sessions);
    }

  g_ptr_array_add (sessions, session);
}

void
sc_agent_context_unregister_peer (ScAgentContext *self,
                                  ScSession      *session,
                                  const char     *peer)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->peers_lock);
  GPtrArray *sessions = g_hash_table_lookup (self->peers, peer);

  if (sessions == NULL || !g_ptr_array_remove_fast (sessions, session))
    return;

  if (sessions->len == 0)
    g_hash_table_remove (self->peers, peer);
}

void
sc_agent_context_poke_peer (ScAgentContext *self,
                            const char     *peer)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->peers_lock);
  GPtrArray *sessions = g_hash_table_lookup (self->peers, peer);

  for (guint i = 0; sessions != NULL && i < sessions->len; i++)
    sc_session_poke_outbox (g_ptr_array_index (sessions, i));
}
