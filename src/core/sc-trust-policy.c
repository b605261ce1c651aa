/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-trust-policy.h"
#include "sc-verifier.h"

struct _ScTrustPolicy
{
  GObject     parent_instance;

  ScVerifier *verifier;
  GHashTable *allow_fingerprints;
  GHashTable *allow_users;
  GHashTable *block_fingerprints;
  GHashTable *block_users;
  GHashTable *block_issuers;
  ScPolicy    policy;
};

G_DEFINE_FINAL_TYPE (ScTrustPolicy, sc_trust_policy, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (ScTrustDecision, sc_trust_decision,
                     sc_trust_decision_copy, sc_trust_decision_free)

ScTrustDecision *
sc_trust_decision_copy (const ScTrustDecision *decision)
{
  ScTrustDecision *copy;

  g_return_val_if_fail (decision != NULL, NULL);

  copy = g_new0 (ScTrustDecision, 1);
  copy->verdict = decision->verdict;
  copy->reason = decision->reason;
  copy->detail = g_strdup (decision->detail);
  copy->verified = decision->verified;
  copy->issuer_name = g_strdup (decision->issuer_name);
  copy->issuer_fingerprint = g_strdup (decision->issuer_fingerprint);

  return copy;
}

void
sc_trust_decision_free (ScTrustDecision *decision)
{
  if (decision == NULL)
    return;

  g_free (decision->detail);
  g_free (decision->issuer_name);
  g_free (decision->issuer_fingerprint);
  g_free (decision);
}

const char *
sc_verdict_to_string (ScVerdict verdict)
{
  switch (verdict)
    {
    case SC_VERDICT_REJECT:
      return "reject";
    case SC_VERDICT_ASK:
      return "ask";
    case SC_VERDICT_ALLOW:
      return "allow";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
sc_reason_to_string (ScReason reason)
{
  switch (reason)
    {
    case SC_REASON_BLOCKED_FINGERPRINT:
      return "blocked-fingerprint";
    case SC_REASON_BLOCKED_USER:
      return "blocked-user";
    case SC_REASON_BLOCKED_ISSUER:
      return "blocked-issuer";
    case SC_REASON_EXPIRED:
      return "expired";
    case SC_REASON_NOT_YET_VALID:
      return "not-yet-valid";
    case SC_REASON_REVOKED:
      return "revoked";
    case SC_REASON_BAD_SIGNATURE:
      return "bad-signature";
    case SC_REASON_CA_AS_LEAF:
      return "ca-as-leaf";
    case SC_REASON_BAD_EKU:
      return "bad-eku";
    case SC_REASON_BAD_CRL:
      return "bad-crl";
    case SC_REASON_INVALID_CHAIN:
      return "invalid-chain";
    case SC_REASON_NO_USER_ID:
      return "no-user-id";
    case SC_REASON_PINNED:
      return "pinned";
    case SC_REASON_ALLOWED_USER:
      return "allowed-user";
    case SC_REASON_STRANGER_VERIFIED:
      return "stranger-verified";
    case SC_REASON_STRANGER_SELF_SIGNED:
      return "stranger-self-signed";
    case SC_REASON_STRANGER_UNKNOWN_ISSUER:
      return "stranger-unknown-issuer";
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
sc_trust_policy_finalize (GObject *object)
{
  ScTrustPolicy *self = SC_TRUST_POLICY (object);

  g_clear_pointer (&self->verifier, sc_verifier_free);
  g_clear_pointer (&self->allow_fingerprints, g_hash_table_unref);
  g_clear_pointer (&self->allow_users, g_hash_table_unref);
  g_clear_pointer (&self->block_fingerprints, g_hash_table_unref);
  g_clear_pointer (&self->block_users, g_hash_table_unref);
  g_clear_pointer (&self->block_issuers, g_hash_table_unref);

  G_OBJECT_CLASS (sc_trust_policy_parent_class)->finalize (object);
}

static void
sc_trust_policy_class_init (ScTrustPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sc_trust_policy_finalize;
}

static void
sc_trust_policy_init (ScTrustPolicy *self)
{
}

static GHashTable *
copy_string_set (GHashTable *set)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  if (set == NULL)
    return copy;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (copy, g_strdup (key));

  return copy;
}

ScTrustPolicy *
sc_trust_policy_new (const ScTrustSettings  *settings,
                     GError                **error)
{
  g_autoptr(ScTrustPolicy) self = NULL;
  g_autoptr(ScVerifier) verifier = NULL;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (settings->anchors != NULL && settings->crls != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  verifier = sc_verifier_new (settings->anchors, settings->crls, error);
  if (verifier == NULL)
    return NULL;

  self = g_object_new (SC_TYPE_TRUST_POLICY, NULL);
  self->verifier = g_steal_pointer (&verifier);
  self->allow_fingerprints = copy_string_set (settings->allow_fingerprints);
  self->allow_users = copy_string_set (settings->allow_users);
  self->block_fingerprints = copy_string_set (settings->block_fingerprints);
  self->block_users = copy_string_set (settings->block_users);
  self->block_issuers = copy_string_set (settings->block_issuers);
  self->policy = settings->policy;

  return g_steal_pointer (&self);
}

static gboolean
issuer_is_blocked (ScTrustPolicy *self,
                   const char    *fingerprint)
{
  return fingerprint != NULL
         && (g_hash_table_contains (self->block_issuers, fingerprint)
             || g_hash_table_contains (self->block_fingerprints, fingerprint));
}

static ScTrustDecision *
decision_new (ScVerdict  verdict,
              ScReason   reason,
              char      *detail)
{
  ScTrustDecision *decision = g_new0 (ScTrustDecision, 1);

  decision->verdict = verdict;
  decision->reason = reason;
  decision->detail = detail;

  return decision;
}

/* Steps 2 to 4 of sc_trust_policy_decide(), for a chain nobody blocked. */
static ScTrustDecision *
judge (ScTrustPolicy     *self,
       ScPeerCertificate *chain,
       ScVerifyResult    *check,
       const char        *user_id)
{
  gboolean verified = check->status == SC_VERIFY_TRUSTED;
  const char *policy = sc_policy_to_string (self->policy);
  ScVerdict stranger_verdict = self->policy == SC_POLICY_ASK ? SC_VERDICT_ASK
                                                             : SC_VERDICT_REJECT;

  if (check->status == SC_VERIFY_BROKEN)
    return decision_new (SC_VERDICT_REJECT, check->reason, g_strdup (check->detail));

  if (user_id == NULL)
    return decision_new (SC_VERDICT_REJECT, SC_REASON_NO_USER_ID,
                         g_strdup ("Certificate names no user ID"));

  if (g_hash_table_contains (self->allow_fingerprints, sc_peer_certificate_get_fingerprint (chain)))
    return decision_new (SC_VERDICT_ALLOW, SC_REASON_PINNED, g_strdup ("Pinned certificate"));

  if (verified && g_hash_table_contains (self->allow_users, user_id))
    return decision_new (SC_VERDICT_ALLOW, SC_REASON_ALLOWED_USER,
                         g_strdup_printf ("Verified by %s", check->anchor_name));

  if (verified)
    return decision_new (stranger_verdict, SC_REASON_STRANGER_VERIFIED,
                         g_strdup_printf ("Verified by %s, but %s is not on your allow list "
                                          "(policy: %s)", check->anchor_name, user_id, policy));

  if (check->self_signed)
    return decision_new (stranger_verdict, SC_REASON_STRANGER_SELF_SIGNED,
                         g_strdup_printf ("Unverified: self-signed certificate from a stranger "
                                          "(policy: %s)", policy));

  return decision_new (stranger_verdict, SC_REASON_STRANGER_UNKNOWN_ISSUER,
                       g_strdup_printf ("Unverified: certificate from a stranger, issued by "
                                        "unknown issuer “%s” (policy: %s)",
                                        sc_peer_certificate_get_issuer_name (chain), policy));
}

ScTrustDecision *
sc_trust_policy_decide (ScTrustPolicy     *self,
                        ScPeerCertificate *chain,
                        gint64             at,
                        ScPurpose          purpose)
{
  g_autoptr(ScVerifyResult) check = NULL;
  g_autofree char *user_id = NULL;
  const char *raw_user_id;
  ScTrustDecision *decision = NULL;
  guint length;

  g_return_val_if_fail (SC_IS_TRUST_POLICY (self), NULL);
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (chain), NULL);

  if (at < 0)
    at = g_get_real_time () / G_USEC_PER_SEC;

  check = sc_verifier_verify (self->verifier, chain, at, purpose);
  raw_user_id = sc_peer_certificate_get_user_id (chain);
  user_id = raw_user_id != NULL ? sc_user_id_normalize (raw_user_id) : NULL;
  length = sc_peer_certificate_get_length (chain);

  /* 1. blocked */
  if (g_hash_table_contains (self->block_fingerprints, sc_peer_certificate_get_fingerprint (chain)))
    decision = decision_new (SC_VERDICT_REJECT, SC_REASON_BLOCKED_FINGERPRINT,
                             g_strdup ("Blocked: this certificate is on your block list"));
  else if (user_id != NULL && g_hash_table_contains (self->block_users, user_id))
    decision = decision_new (SC_VERDICT_REJECT, SC_REASON_BLOCKED_USER,
                             g_strdup_printf ("Blocked: user %s is on your block list", user_id));
  else if (issuer_is_blocked (self, check->anchor_fingerprint))
    decision = decision_new (SC_VERDICT_REJECT, SC_REASON_BLOCKED_ISSUER,
                             g_strdup_printf ("Blocked: issuer %s is on your block list",
                                              check->anchor_name));

  for (guint i = 1; decision == NULL && i < length; i++)
    if (issuer_is_blocked (self, sc_peer_certificate_get_fingerprint_at (chain, i)))
      decision = decision_new (SC_VERDICT_REJECT, SC_REASON_BLOCKED_ISSUER,
                               g_strdup ("Blocked: a certificate in the chain is on your "
                                         "block list"));

  /* 2. to 4. */
  if (decision == NULL)
    decision = judge (self, chain, check, user_id);

  decision->verified = check->status == SC_VERIFY_TRUSTED;
  if (decision->verified)
    {
      decision->issuer_name = g_strdup (check->anchor_name);
      decision->issuer_fingerprint = g_strdup (check->anchor_fingerprint);
    }

  return decision;
}
