/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-agent-context.h"
#include "sc-protocol.h"
#include "sc-session-private.h"

/* TLS 1.3 only; AES-GCM first (hardware AES makes it many times faster
 * than nettle's ChaCha20 here), ChaCha20 last for peers without it. */
#define SC_TLS_PRIORITY \
  "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:%SERVER_PRECEDENCE"

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

  /* Open sessions by peer user ID: whom to tell of a new outgoing message. */
  GMutex                            peers_lock;
  GHashTable                       *peers;        /* char* → GPtrArray of ScSession*, no ref */
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
