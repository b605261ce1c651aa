/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "sc-test-certs.h"
#include "sc-trust-policy.h"

#define HOUR (G_GINT64_CONSTANT (60) * 60)
#define DAY  (24 * HOUR)

#define N_THREADS            8
#define DECISIONS_PER_THREAD 200

/* Issuers shared by all tests: minting keys is the slow part. */
static ScTestCert *root_ca;       /* "Example CA", trusted in most tests */
static ScTestCert *intermediate;  /* "Example Intermediate", issued by root_ca */
static ScTestCert *other_ca;      /* "Other CA", never trusted */

/* Helpers */

static ScTestCert *
mint_leaf (const char *user_id,
           ScTestCert *issuer)
{
  ScTestCertSpec spec = { .cn = "Test Peer", .uid = user_id };

  return sc_test_cert_new (&spec, issuer);
}

static char *
fingerprint_of (ScTestCert *cert)
{
  return sc_test_cert_fingerprint (cert);
}

/* The leaf, then the rest (NULL-terminated). */
static ScPeerCertificate *
chain_of (ScTestCert *leaf,
          ...)
{
  g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  ScPeerCertificate *chain;
  ScTestCert *cert;
  va_list args;

  g_ptr_array_add (ders, sc_test_cert_der (leaf));
  va_start (args, leaf);
  while ((cert = va_arg (args, ScTestCert *)) != NULL)
    g_ptr_array_add (ders, sc_test_cert_der (cert));
  va_end (args);

  chain = sc_peer_certificate_new_from_der ((GBytes * const *) ders->pdata, ders->len, &error);
  g_assert_no_error (error);

  return chain;
}

static ScPeerCertificate *
chain_from_pem (const char *pem)
{
  g_autoptr(GError) error = NULL;
  ScPeerCertificate *chain = sc_peer_certificate_new_from_pem (pem, strlen (pem), &error);

  g_assert_no_error (error);

  return chain;
}

static ScTrustSettings *
settings_trusting (ScTestCert *anchor)
{
  ScTrustSettings *settings = sc_trust_settings_new ();

  if (anchor != NULL)
    g_ptr_array_add (settings->anchors, sc_test_cert_der (anchor));

  return settings;
}

static void
add_fingerprint (GHashTable *set,
                 ScTestCert *cert)
{
  g_hash_table_add (set, fingerprint_of (cert));
}

static ScTrustDecision *
decide_full (const ScTrustSettings *settings,
             ScPeerCertificate     *chain,
             gint64                 at,
             ScPurpose              purpose)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScTrustPolicy) policy = sc_trust_policy_new (settings, &error);
  ScTrustDecision *decision;

  g_assert_no_error (error);
  decision = sc_trust_policy_decide (policy, chain, at, purpose);
  g_assert_nonnull (decision);
  g_assert_nonnull (decision->detail);
  g_assert_cmpstr (decision->detail, !=, "");
  g_test_message ("%s/%s: %s", sc_verdict_to_string (decision->verdict),
                  sc_reason_to_string (decision->reason), decision->detail);

  return decision;
}

static ScTrustDecision *
decide (const ScTrustSettings *settings,
        ScPeerCertificate     *chain)
{
  return decide_full (settings, chain, -1, SC_PURPOSE_CLIENT);
}

static void
assert_decision (const ScTrustDecision *decision,
                 ScVerdict              verdict,
                 ScReason               reason)
{
  g_assert_cmpstr (sc_verdict_to_string (decision->verdict), ==, sc_verdict_to_string (verdict));
  g_assert_cmpstr (sc_reason_to_string (decision->reason), ==, sc_reason_to_string (reason));
}

/* Asserts the verdict for leaf (plus the intermediate when given) under settings. */
static void
assert_leaf (const ScTrustSettings *settings,
             ScTestCert            *leaf,
             ScTestCert            *chain_intermediate,
             ScVerdict              verdict,
             ScReason               reason)
{
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, chain_intermediate, NULL);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);

  assert_decision (decision, verdict, reason);
}

/* Tests */

static void
test_strings (void)
{
  static const char * const reasons[] = {
    "blocked-fingerprint", "blocked-user", "blocked-issuer", "expired", "not-yet-valid",
    "revoked", "bad-signature", "ca-as-leaf", "bad-eku", "bad-crl", "invalid-chain",
    "no-user-id", "pinned", "allowed-user", "stranger-verified", "stranger-self-signed",
    "stranger-unknown-issuer",
  };
  ScTrustDecision decision = {
    .verdict = SC_VERDICT_ALLOW,
    .reason = SC_REASON_ALLOWED_USER,
    .detail = (char *) "Verified by Example CA",
    .verified = TRUE,
    .issuer_name = (char *) "Example CA",
    .issuer_fingerprint = (char *) "00ff",
  };
  g_autoptr(ScTrustDecision) copy = NULL;
  ScTrustDecision *boxed;

  g_assert_cmpstr (sc_verdict_to_string (SC_VERDICT_ALLOW), ==, "allow");
  g_assert_cmpstr (sc_verdict_to_string (SC_VERDICT_ASK), ==, "ask");
  g_assert_cmpstr (sc_verdict_to_string (SC_VERDICT_REJECT), ==, "reject");
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    g_assert_cmpstr (sc_reason_to_string ((ScReason) (SC_REASON_BLOCKED_FINGERPRINT + i)), ==,
                     reasons[i]);

  copy = sc_trust_decision_copy (&decision);
  g_assert_true (copy->verdict == decision.verdict && copy->reason == decision.reason);
  g_assert_true (copy->verified);
  g_assert_cmpstr (copy->detail, ==, decision.detail);
  g_assert_true (copy->detail != decision.detail);
  g_assert_cmpstr (copy->issuer_name, ==, "Example CA");
  g_assert_cmpstr (copy->issuer_fingerprint, ==, "00ff");

  g_assert_true (G_TYPE_IS_BOXED (SC_TYPE_TRUST_DECISION));
  boxed = g_boxed_copy (SC_TYPE_TRUST_DECISION, copy);
  g_assert_cmpstr (boxed->detail, ==, decision.detail);
  g_boxed_free (SC_TYPE_TRUST_DECISION, boxed);
  sc_trust_decision_free (NULL);
}

static void
test_verified_stranger (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("alice@example.org", root_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, NULL);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);
  g_autofree char *root_fingerprint = fingerprint_of (root_ca);

  assert_decision (decision, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
  g_assert_true (decision->verified);
  g_assert_cmpstr (decision->issuer_name, ==, "Example CA");
  g_assert_cmpstr (decision->issuer_fingerprint, ==, root_fingerprint);
  g_assert_true (g_str_has_prefix (decision->detail, "Verified by Example CA"));
  g_assert_nonnull (strstr (decision->detail, "(policy: ask)"));
}

static void
test_verified_through_intermediate (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("alice@example.org", intermediate);
  g_autoptr(ScTestCert) stray = mint_leaf ("stray@example.org", other_ca);
  g_autoptr(ScPeerCertificate) missing = chain_of (leaf, NULL);
  g_autoptr(ScPeerCertificate) unsorted = chain_of (leaf, stray, root_ca, intermediate, NULL);
  g_autoptr(ScTrustDecision) without = decide (settings, missing);
  g_autoptr(ScTrustDecision) with = NULL;

  /* Without the intermediate, nothing leads to the anchor. */
  assert_decision (without, SC_VERDICT_ASK, SC_REASON_STRANGER_UNKNOWN_ISSUER);
  g_assert_false (without->verified);
  g_assert_nonnull (strstr (without->detail, "Example Intermediate"));

  /* Extra and out-of-order certificates do not matter. */
  assert_leaf (settings, leaf, intermediate, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
  with = decide (settings, unsorted);
  assert_decision (with, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
  g_assert_cmpstr (with->issuer_name, ==, "Example CA");

  /* The intermediate itself may be the anchor. */
  g_ptr_array_set_size (settings->anchors, 0);
  g_ptr_array_add (settings->anchors, sc_test_cert_der (intermediate));
  assert_leaf (settings, leaf, NULL, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
}

static void
test_self_signed_stranger (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("carol@example.org", NULL);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, NULL);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);

  assert_decision (decision, SC_VERDICT_ASK, SC_REASON_STRANGER_SELF_SIGNED);
  g_assert_false (decision->verified);
  g_assert_null (decision->issuer_name);
  g_assert_null (decision->issuer_fingerprint);
  g_assert_cmpstr (decision->detail, ==,
                   "Unverified: self-signed certificate from a stranger (policy: ask)");

  /* Nothing trusted at all. */
  g_ptr_array_set_size (settings->anchors, 0);
  assert_leaf (settings, leaf, NULL, SC_VERDICT_ASK, SC_REASON_STRANGER_SELF_SIGNED);
}

static void
test_unknown_issuer (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("dave@example.org", other_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, other_ca, NULL);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);

  assert_decision (decision, SC_VERDICT_ASK, SC_REASON_STRANGER_UNKNOWN_ISSUER);
  g_assert_false (decision->verified);
  g_assert_nonnull (strstr (decision->detail, "Other CA"));
}

static void
test_policy_reject (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) verified = mint_leaf ("alice@example.org", root_ca);
  g_autoptr(ScTestCert) self_signed = mint_leaf ("carol@example.org", NULL);
  g_autoptr(ScTestCert) unknown = mint_leaf ("dave@example.org", other_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (verified, NULL);
  g_autoptr(ScTrustDecision) decision = NULL;

  settings->policy = SC_POLICY_REJECT;
  decision = decide (settings, chain);
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_STRANGER_VERIFIED);
  g_assert_true (decision->verified);
  g_assert_nonnull (strstr (decision->detail, "(policy: reject)"));
  assert_leaf (settings, self_signed, NULL, SC_VERDICT_REJECT, SC_REASON_STRANGER_SELF_SIGNED);
  assert_leaf (settings, unknown, NULL, SC_VERDICT_REJECT, SC_REASON_STRANGER_UNKNOWN_ISSUER);

  /* The lists still apply under policy reject. */
  add_fingerprint (settings->allow_fingerprints, self_signed);
  g_hash_table_add (settings->allow_users, g_strdup ("alice@example.org"));
  assert_leaf (settings, self_signed, NULL, SC_VERDICT_ALLOW, SC_REASON_PINNED);
  assert_leaf (settings, verified, NULL, SC_VERDICT_ALLOW, SC_REASON_ALLOWED_USER);
}

static void
test_validity (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec expired_spec = {
    .cn = "Expired", .uid = "old@example.org",
    .not_before = now - 30 * DAY, .not_after = now - 2 * DAY,
  };
  ScTestCertSpec future_spec = {
    .cn = "Future", .uid = "new@example.org",
    .not_before = now + 2 * DAY, .not_after = now + 30 * DAY,
  };
  g_autoptr(ScTestCert) expired = sc_test_cert_new (&expired_spec, root_ca);
  g_autoptr(ScTestCert) future = sc_test_cert_new (&future_spec, root_ca);
  g_autoptr(ScPeerCertificate) expired_chain = chain_of (expired, NULL);
  g_autoptr(ScPeerCertificate) future_chain = chain_of (future, NULL);
  g_autoptr(ScTrustDecision) decision = NULL;
  g_autoptr(GDateTime) expiry = g_date_time_new_from_unix_utc (expired_spec.not_after);
  g_autofree char *expected = g_date_time_format (expiry, "Certificate expired on %Y-%m-%d");

  decision = decide (settings, expired_chain);
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_EXPIRED);
  g_assert_false (decision->verified);
  g_assert_cmpstr (decision->detail, ==, expected);
  g_clear_pointer (&decision, sc_trust_decision_free);

  decision = decide (settings, future_chain);
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_NOT_YET_VALID);
  g_clear_pointer (&decision, sc_trust_decision_free);

  /* Judged at another time, both are fine. */
  decision = decide_full (settings, expired_chain, now - 10 * DAY, SC_PURPOSE_CLIENT);
  assert_decision (decision, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
  g_assert_true (decision->verified);
  g_clear_pointer (&decision, sc_trust_decision_free);
  decision = decide_full (settings, future_chain, now + 10 * DAY, SC_PURPOSE_CLIENT);
  assert_decision (decision, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
  g_clear_pointer (&decision, sc_trust_decision_free);

  /* Exactly at the edges still counts as valid. */
  decision = decide_full (settings, expired_chain, expired_spec.not_after, SC_PURPOSE_CLIENT);
  g_assert_true (decision->verified);
  g_clear_pointer (&decision, sc_trust_decision_free);
  decision = decide_full (settings, expired_chain, expired_spec.not_after + 1, SC_PURPOSE_CLIENT);
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_EXPIRED);
}

static void
test_expired_issuer (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec old_spec = {
    .cn = "Old Intermediate", .is_ca = TRUE,
    .not_before = now - 30 * DAY, .not_after = now - DAY,
  };
  g_autoptr(ScTestCert) old_intermediate = sc_test_cert_new (&old_spec, root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("erin@example.org", old_intermediate);
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, old_intermediate, NULL);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);

  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_EXPIRED);
  g_assert_nonnull (strstr (decision->detail, "Old Intermediate"));
}

static void
test_revocation (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) revoked = mint_leaf ("mallory@example.org", intermediate);
  g_autoptr(ScTestCert) fine = mint_leaf ("alice@example.org", intermediate);
  g_autoptr(ScTestCert) other_leaf = mint_leaf ("dave@example.org", other_ca);
  ScTestCert *revoked_list[] = { revoked };
  ScTestCert *intermediate_list[] = { intermediate };

  /* The intermediate's CRL revokes one leaf; the root's revokes nothing. */
  g_ptr_array_add (settings->crls, sc_test_crl_der (intermediate, intermediate, revoked_list, 1));
  g_ptr_array_add (settings->crls, sc_test_crl_der (root_ca, root_ca, NULL, 0));
  /* A CRL of an issuer that is not on the path, even a forged one, plays no part. */
  g_ptr_array_add (settings->crls, sc_test_crl_der (other_ca, root_ca, NULL, 0));

  assert_leaf (settings, revoked, intermediate, SC_VERDICT_REJECT, SC_REASON_REVOKED);
  assert_leaf (settings, fine, intermediate, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);

  /* A revoked intermediate takes its leaves with it. */
  g_ptr_array_add (settings->crls, sc_test_crl_der (root_ca, root_ca, intermediate_list, 1));
  assert_leaf (settings, fine, intermediate, SC_VERDICT_REJECT, SC_REASON_REVOKED);

  /* Revocation needs a path to the issuer: strangers are judged as such. */
  assert_leaf (settings, other_leaf, NULL, SC_VERDICT_ASK, SC_REASON_STRANGER_UNKNOWN_ISSUER);
}

static void
test_bad_crl (void)
{
  ScTestCertSpec no_crl_sign_spec = { .cn = "No CRL Sign CA", .is_ca = TRUE,
                                      .ca_no_crl_sign = TRUE };
  g_autoptr(ScTestCert) no_crl_sign_ca = sc_test_cert_new (&no_crl_sign_spec, NULL);
  g_autoptr(ScTestCert) leaf = mint_leaf ("alice@example.org", root_ca);
  g_autoptr(ScTestCert) leaf2 = mint_leaf ("bob@example.org", no_crl_sign_ca);
  g_autoptr(ScTrustSettings) forged = settings_trusting (root_ca);
  g_autoptr(ScTrustSettings) unauthorized = settings_trusting (no_crl_sign_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, NULL);
  g_autoptr(ScTrustDecision) decision = NULL;

  /* A CRL naming the root but signed with another key fails closed, even
   * though it revokes nothing. */
  g_ptr_array_add (forged->crls, sc_test_crl_der (root_ca, other_ca, NULL, 0));
  decision = decide (forged, chain);
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_BAD_CRL);
  g_assert_false (decision->verified);
  g_assert_nonnull (strstr (decision->detail, "Example CA"));

  /* Pins do not help against a broken chain. */
  add_fingerprint (forged->allow_fingerprints, leaf);
  assert_leaf (forged, leaf, NULL, SC_VERDICT_REJECT, SC_REASON_BAD_CRL);

  /* A CA whose keyUsage leaves out cRLSign may not sign CRLs. */
  g_ptr_array_add (unauthorized->crls, sc_test_crl_der (no_crl_sign_ca, no_crl_sign_ca, NULL, 0));
  assert_leaf (unauthorized, leaf2, NULL, SC_VERDICT_REJECT, SC_REASON_BAD_CRL);
  g_ptr_array_set_size (unauthorized->crls, 0);
  assert_leaf (unauthorized, leaf2, NULL, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
}

static void
test_ca_as_leaf (void)
{
  ScTestCertSpec spec = { .cn = "Sub CA", .uid = "ca@example.org", .is_ca = TRUE };
  g_autoptr(ScTestCert) sub_ca = sc_test_cert_new (&spec, root_ca);
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);

  assert_leaf (settings, sub_ca, NULL, SC_VERDICT_REJECT, SC_REASON_CA_AS_LEAF);

  /* Self-signed and pinned makes no difference. */
  add_fingerprint (settings->allow_fingerprints, root_ca);
  assert_leaf (settings, root_ca, NULL, SC_VERDICT_REJECT, SC_REASON_CA_AS_LEAF);
}

static void
test_eku (void)
{
  static const struct
  {
    ScTestEku eku;
    ScPurpose purpose;
    gboolean  allowed;
  } cases[] = {
    { SC_TEST_EKU_DEFAULT, SC_PURPOSE_CLIENT, TRUE },
    { SC_TEST_EKU_DEFAULT, SC_PURPOSE_SERVER, TRUE },
    { SC_TEST_EKU_NONE, SC_PURPOSE_CLIENT, TRUE },
    { SC_TEST_EKU_NONE, SC_PURPOSE_SERVER, TRUE },
    { SC_TEST_EKU_CLIENT, SC_PURPOSE_CLIENT, TRUE },
    { SC_TEST_EKU_CLIENT, SC_PURPOSE_SERVER, FALSE },
    { SC_TEST_EKU_SERVER, SC_PURPOSE_CLIENT, FALSE },
    { SC_TEST_EKU_SERVER, SC_PURPOSE_SERVER, TRUE },
    { SC_TEST_EKU_EMPTY, SC_PURPOSE_CLIENT, FALSE },
    { SC_TEST_EKU_EMPTY, SC_PURPOSE_SERVER, FALSE },
    { SC_TEST_EKU_ANY, SC_PURPOSE_CLIENT, FALSE },
    { SC_TEST_EKU_ANY, SC_PURPOSE_SERVER, FALSE },
  };
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ScTestCertSpec spec = { .cn = "EKU", .uid = "eku@example.org", .eku = cases[i].eku };
      g_autoptr(ScTestCert) leaf = sc_test_cert_new (&spec, root_ca);
      g_autoptr(ScTestCert) self_signed = sc_test_cert_new (&spec, NULL);
      g_autoptr(ScPeerCertificate) chain = chain_of (leaf, NULL);
      g_autoptr(ScPeerCertificate) self_chain = chain_of (self_signed, NULL);
      g_autoptr(ScTrustDecision) decision = NULL;
      g_autoptr(ScTrustDecision) self_decision = NULL;

      g_test_message ("case %u", i);
      decision = decide_full (settings, chain, -1, cases[i].purpose);
      self_decision = decide_full (settings, self_chain, -1, cases[i].purpose);
      if (cases[i].allowed)
        {
          assert_decision (decision, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
          assert_decision (self_decision, SC_VERDICT_ASK, SC_REASON_STRANGER_SELF_SIGNED);
        }
      else
        {
          /* Also without a path to an anchor. */
          assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_BAD_EKU);
          assert_decision (self_decision, SC_VERDICT_REJECT, SC_REASON_BAD_EKU);
          g_assert_false (decision->verified);
        }
    }
}

static void
test_bad_signature (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("alice@example.org", root_ca);
  g_autoptr(ScTestCert) self_signed = mint_leaf ("carol@example.org", NULL);
  g_autofree char *pem = sc_test_cert_pem_corrupt_signature (leaf);
  g_autofree char *self_pem = sc_test_cert_pem_corrupt_signature (self_signed);
  g_autoptr(ScPeerCertificate) chain = chain_from_pem (pem);
  g_autoptr(ScPeerCertificate) self_chain = chain_from_pem (self_pem);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);
  g_autoptr(ScTrustDecision) self_decision = NULL;

  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_BAD_SIGNATURE);
  g_assert_false (decision->verified);

  /* A self-signed certificate must at least sign itself, pinned or not. */
  g_hash_table_add (settings->allow_fingerprints,
                    g_strdup (sc_peer_certificate_get_fingerprint (self_chain)));
  self_decision = decide (settings, self_chain);
  assert_decision (self_decision, SC_VERDICT_REJECT, SC_REASON_BAD_SIGNATURE);
}

static void
test_invalid_chain (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) not_a_ca = mint_leaf ("alice@example.org", root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("bob@example.org", not_a_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, not_a_ca, NULL);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);

  /* An end-entity certificate cannot issue others. */
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_INVALID_CHAIN);
  g_assert_false (decision->verified);
}

static void
test_no_user_id (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec anonymous_spec = { .cn = "Nobody" };
  ScTestCertSpec expired_spec = { .cn = "Nobody", .not_before = now - 2 * DAY,
                                  .not_after = now - DAY };
  ScTestCertSpec email_spec = { .cn = "Mail", .email = "Erin@Example.org" };
  ScTestCertSpec san_spec = { .cn = "San", .san_email = "frank@example.org" };
  g_autoptr(ScTestCert) anonymous = sc_test_cert_new (&anonymous_spec, root_ca);
  g_autoptr(ScTestCert) expired = sc_test_cert_new (&expired_spec, root_ca);
  g_autoptr(ScTestCert) by_email = sc_test_cert_new (&email_spec, root_ca);
  g_autoptr(ScTestCert) by_san = sc_test_cert_new (&san_spec, root_ca);
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (anonymous, NULL);
  g_autoptr(ScTrustDecision) decision = decide (settings, chain);

  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_NO_USER_ID);
  /* verified says what the chain is, whatever the verdict. */
  g_assert_true (decision->verified);

  /* Broken goes first. */
  assert_leaf (settings, expired, NULL, SC_VERDICT_REJECT, SC_REASON_EXPIRED);

  /* A pin does not make up for a missing user ID. */
  add_fingerprint (settings->allow_fingerprints, anonymous);
  assert_leaf (settings, anonymous, NULL, SC_VERDICT_REJECT, SC_REASON_NO_USER_ID);

  /* The subject emailAddress and the SAN name users too. */
  g_hash_table_add (settings->allow_users, g_strdup ("erin@example.org"));
  g_hash_table_add (settings->allow_users, g_strdup ("frank@example.org"));
  assert_leaf (settings, by_email, NULL, SC_VERDICT_ALLOW, SC_REASON_ALLOWED_USER);
  assert_leaf (settings, by_san, NULL, SC_VERDICT_ALLOW, SC_REASON_ALLOWED_USER);
}

static void
test_pinned (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec expired_spec = { .cn = "Pinned", .uid = "pinned@example.org",
                                  .not_before = now - 30 * DAY, .not_after = now - DAY };
  g_autoptr(ScTestCert) self_signed = mint_leaf ("carol@example.org", NULL);
  g_autoptr(ScTestCert) unknown = mint_leaf ("dave@example.org", other_ca);
  g_autoptr(ScTestCert) verified = mint_leaf ("alice@example.org", root_ca);
  g_autoptr(ScTestCert) expired = sc_test_cert_new (&expired_spec, NULL);
  g_autoptr(ScTestCert) same_user = mint_leaf ("carol@example.org", NULL);
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (self_signed, NULL);
  g_autoptr(ScPeerCertificate) verified_chain = chain_of (verified, NULL);
  g_autoptr(ScTrustDecision) decision = NULL;
  g_autoptr(ScTrustDecision) verified_decision = NULL;

  add_fingerprint (settings->allow_fingerprints, self_signed);
  add_fingerprint (settings->allow_fingerprints, unknown);
  add_fingerprint (settings->allow_fingerprints, verified);
  add_fingerprint (settings->allow_fingerprints, expired);

  decision = decide (settings, chain);
  assert_decision (decision, SC_VERDICT_ALLOW, SC_REASON_PINNED);
  g_assert_false (decision->verified);
  g_assert_cmpstr (decision->detail, ==, "Pinned certificate");

  assert_leaf (settings, unknown, NULL, SC_VERDICT_ALLOW, SC_REASON_PINNED);
  verified_decision = decide (settings, verified_chain);
  assert_decision (verified_decision, SC_VERDICT_ALLOW, SC_REASON_PINNED);
  g_assert_true (verified_decision->verified);

  /* A pin never outweighs a broken certificate. */
  assert_leaf (settings, expired, NULL, SC_VERDICT_REJECT, SC_REASON_EXPIRED);

  /* Pins are per certificate, not per user. */
  assert_leaf (settings, same_user, NULL, SC_VERDICT_ASK, SC_REASON_STRANGER_SELF_SIGNED);
}

static void
test_allowed_user (void)
{
  g_autoptr(ScTestCert) verified = mint_leaf ("Alice@Example.ORG", intermediate);
  g_autoptr(ScTestCert) self_signed = mint_leaf ("alice@example.org", NULL);
  g_autoptr(ScTestCert) unknown = mint_leaf ("alice@example.org", other_ca);
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (verified, intermediate, NULL);
  g_autoptr(ScTrustDecision) decision = NULL;

  g_hash_table_add (settings->allow_users, g_strdup ("alice@example.org"));

  /* User IDs compare case-insensitively. */
  decision = decide (settings, chain);
  assert_decision (decision, SC_VERDICT_ALLOW, SC_REASON_ALLOWED_USER);
  g_assert_true (decision->verified);
  g_assert_cmpstr (decision->detail, ==, "Verified by Example CA");

  /* Anyone can write a user ID into a certificate they sign themselves. */
  assert_leaf (settings, self_signed, NULL, SC_VERDICT_ASK, SC_REASON_STRANGER_SELF_SIGNED);
  assert_leaf (settings, unknown, NULL, SC_VERDICT_ASK, SC_REASON_STRANGER_UNKNOWN_ISSUER);
  settings->policy = SC_POLICY_REJECT;
  assert_leaf (settings, self_signed, NULL, SC_VERDICT_REJECT, SC_REASON_STRANGER_SELF_SIGNED);
}

static void
test_blocked (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec expired_spec = { .cn = "Expired", .uid = "bob@example.org",
                                  .not_before = now - 30 * DAY, .not_after = now - DAY };
  g_autoptr(ScTestCert) leaf = mint_leaf ("alice@example.org", intermediate);
  g_autoptr(ScTestCert) bob = mint_leaf ("Bob@Example.org", root_ca);
  g_autoptr(ScTestCert) expired_bob = sc_test_cert_new (&expired_spec, root_ca);
  g_autoptr(ScTestCert) self_signed = mint_leaf ("carol@example.org", NULL);
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScPeerCertificate) bob_chain = chain_of (bob, NULL);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, intermediate, NULL);
  g_autoptr(ScTrustDecision) decision = NULL;

  /* Blocks outweigh pins and allowed users. */
  add_fingerprint (settings->allow_fingerprints, self_signed);
  add_fingerprint (settings->block_fingerprints, self_signed);
  g_hash_table_add (settings->allow_users, g_strdup ("bob@example.org"));
  g_hash_table_add (settings->block_users, g_strdup ("bob@example.org"));
  assert_leaf (settings, self_signed, NULL, SC_VERDICT_REJECT, SC_REASON_BLOCKED_FINGERPRINT);
  decision = decide (settings, bob_chain);
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_BLOCKED_USER);
  g_assert_cmpstr (decision->detail, ==, "Blocked: user bob@example.org is on your block list");
  g_assert_true (decision->verified);

  /* ... and broken certificates. */
  assert_leaf (settings, expired_bob, NULL, SC_VERDICT_REJECT, SC_REASON_BLOCKED_USER);

  /* An intermediate in the chain, by issuer or plain fingerprint. */
  assert_leaf (settings, leaf, intermediate, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
  add_fingerprint (settings->block_issuers, intermediate);
  assert_leaf (settings, leaf, intermediate, SC_VERDICT_REJECT, SC_REASON_BLOCKED_ISSUER);
  g_hash_table_remove_all (settings->block_issuers);
  add_fingerprint (settings->block_fingerprints, intermediate);
  assert_leaf (settings, leaf, intermediate, SC_VERDICT_REJECT, SC_REASON_BLOCKED_ISSUER);
  g_hash_table_remove_all (settings->block_fingerprints);

  /* The anchor the chain leads to, though the peer never sent it. */
  add_fingerprint (settings->block_issuers, root_ca);
  assert_leaf (settings, leaf, intermediate, SC_VERDICT_REJECT, SC_REASON_BLOCKED_ISSUER);
  g_hash_table_remove_all (settings->block_issuers);
  add_fingerprint (settings->block_fingerprints, root_ca);
  g_clear_pointer (&decision, sc_trust_decision_free);
  decision = decide (settings, chain);
  assert_decision (decision, SC_VERDICT_REJECT, SC_REASON_BLOCKED_ISSUER);
  g_assert_nonnull (strstr (decision->detail, "Example CA"));
}

static void
test_bad_settings (void)
{
  g_autoptr(ScTrustSettings) settings = sc_trust_settings_new ();
  g_autoptr(ScTrustPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;
  static const char garbage[] = "not a certificate";

  g_ptr_array_add (settings->anchors, g_bytes_new_static (garbage, sizeof garbage));
  policy = sc_trust_policy_new (settings, &error);
  g_assert_null (policy);
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  g_clear_error (&error);

  g_ptr_array_set_size (settings->anchors, 0);
  g_ptr_array_add (settings->crls, g_bytes_new_static (garbage, sizeof garbage));
  policy = sc_trust_policy_new (settings, &error);
  g_assert_null (policy);
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
}

static void
test_immutable (void)
{
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTestCert) leaf = mint_leaf ("alice@example.org", root_ca);
  g_autoptr(ScPeerCertificate) chain = chain_of (leaf, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScTrustPolicy) policy = sc_trust_policy_new (settings, &error);
  g_autoptr(ScTrustDecision) decision = NULL;

  g_assert_no_error (error);

  /* Changing the settings afterwards does not change the policy. */
  g_ptr_array_set_size (settings->anchors, 0);
  g_hash_table_add (settings->block_users, g_strdup ("alice@example.org"));
  settings->policy = SC_POLICY_REJECT;

  decision = sc_trust_policy_decide (policy, chain, -1, SC_PURPOSE_CLIENT);
  assert_decision (decision, SC_VERDICT_ASK, SC_REASON_STRANGER_VERIFIED);
  g_clear_object (&policy);
  g_assert_true (decision->verified);
}

typedef struct
{
  ScTrustPolicy      *policy;
  ScPeerCertificate **chains;
  ScTrustDecision   **expected;
  guint               n_chains;
} ThreadData;

static gpointer
decide_many (gpointer user_data)
{
  ThreadData *data = user_data;
  guint mismatches = 0;

  for (guint i = 0; i < DECISIONS_PER_THREAD; i++)
    {
      guint n = i % data->n_chains;
      g_autoptr(ScTrustDecision) decision = sc_trust_policy_decide (data->policy,
                                                                    data->chains[n], -1,
                                                                    SC_PURPOSE_CLIENT);

      if (decision->verdict != data->expected[n]->verdict
          || decision->reason != data->expected[n]->reason
          || decision->verified != data->expected[n]->verified
          || g_strcmp0 (decision->detail, data->expected[n]->detail) != 0
          || g_strcmp0 (decision->issuer_fingerprint, data->expected[n]->issuer_fingerprint) != 0)
        mismatches++;
    }

  return GUINT_TO_POINTER (mismatches);
}

static void
test_threads (void)
{
  g_autoptr(ScTestCert) verified = mint_leaf ("alice@example.org", intermediate);
  g_autoptr(ScTestCert) revoked = mint_leaf ("mallory@example.org", intermediate);
  g_autoptr(ScTestCert) self_signed = mint_leaf ("carol@example.org", NULL);
  g_autoptr(ScTestCert) pinned = mint_leaf ("pat@example.org", NULL);
  g_autoptr(ScTestCert) unknown = mint_leaf ("dave@example.org", other_ca);
  ScTestCert *revoked_list[] = { revoked };
  g_autoptr(ScTrustSettings) settings = settings_trusting (root_ca);
  g_autoptr(ScTrustPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;
  ScPeerCertificate *chains[5];
  ScTrustDecision *expected[G_N_ELEMENTS (chains)];
  GThread *threads[N_THREADS];
  ThreadData data;

  g_ptr_array_add (settings->crls, sc_test_crl_der (intermediate, intermediate, revoked_list, 1));
  add_fingerprint (settings->allow_fingerprints, pinned);
  g_hash_table_add (settings->allow_users, g_strdup ("alice@example.org"));
  policy = sc_trust_policy_new (settings, &error);
  g_assert_no_error (error);

  chains[0] = chain_of (verified, intermediate, NULL);
  chains[1] = chain_of (revoked, intermediate, NULL);
  chains[2] = chain_of (self_signed, NULL);
  chains[3] = chain_of (pinned, NULL);
  chains[4] = chain_of (unknown, other_ca, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (chains); i++)
    expected[i] = sc_trust_policy_decide (policy, chains[i], -1, SC_PURPOSE_CLIENT);
  assert_decision (expected[0], SC_VERDICT_ALLOW, SC_REASON_ALLOWED_USER);
  assert_decision (expected[1], SC_VERDICT_REJECT, SC_REASON_REVOKED);
  assert_decision (expected[2], SC_VERDICT_ASK, SC_REASON_STRANGER_SELF_SIGNED);
  assert_decision (expected[3], SC_VERDICT_ALLOW, SC_REASON_PINNED);
  assert_decision (expected[4], SC_VERDICT_ASK, SC_REASON_STRANGER_UNKNOWN_ISSUER);

  data.policy = policy;
  data.chains = chains;
  data.expected = expected;
  data.n_chains = G_N_ELEMENTS (chains);
  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("decide", decide_many, &data);
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (chains); i++)
    {
      g_object_unref (chains[i]);
      sc_trust_decision_free (expected[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  /* Valid long before and after now, so leaves can be judged at other times. */
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec root_spec = { .cn = "Example CA", .is_ca = TRUE,
                               .not_before = now - 365 * DAY, .not_after = now + 365 * DAY };
  ScTestCertSpec intermediate_spec = { .cn = "Example Intermediate", .is_ca = TRUE,
                                       .not_before = now - 365 * DAY,
                                       .not_after = now + 365 * DAY };
  ScTestCertSpec other_spec = { .cn = "Other CA", .is_ca = TRUE,
                                .not_before = now - 365 * DAY, .not_after = now + 365 * DAY };
  int status;

  g_test_init (&argc, &argv, NULL);

  root_ca = sc_test_cert_new (&root_spec, NULL);
  intermediate = sc_test_cert_new (&intermediate_spec, root_ca);
  other_ca = sc_test_cert_new (&other_spec, NULL);

  g_test_add_func ("/trust-policy/strings", test_strings);
  g_test_add_func ("/trust-policy/verified-stranger", test_verified_stranger);
  g_test_add_func ("/trust-policy/verified-through-intermediate",
                   test_verified_through_intermediate);
  g_test_add_func ("/trust-policy/self-signed-stranger", test_self_signed_stranger);
  g_test_add_func ("/trust-policy/unknown-issuer", test_unknown_issuer);
  g_test_add_func ("/trust-policy/policy-reject", test_policy_reject);
  g_test_add_func ("/trust-policy/validity", test_validity);
  g_test_add_func ("/trust-policy/expired-issuer", test_expired_issuer);
  g_test_add_func ("/trust-policy/revocation", test_revocation);
  g_test_add_func ("/trust-policy/bad-crl", test_bad_crl);
  g_test_add_func ("/trust-policy/ca-as-leaf", test_ca_as_leaf);
  g_test_add_func ("/trust-policy/eku", test_eku);
  g_test_add_func ("/trust-policy/bad-signature", test_bad_signature);
  g_test_add_func ("/trust-policy/invalid-chain", test_invalid_chain);
  g_test_add_func ("/trust-policy/no-user-id", test_no_user_id);
  g_test_add_func ("/trust-policy/pinned", test_pinned);
  g_test_add_func ("/trust-policy/allowed-user", test_allowed_user);
  g_test_add_func ("/trust-policy/blocked", test_blocked);
  g_test_add_func ("/trust-policy/bad-settings", test_bad_settings);
  g_test_add_func ("/trust-policy/immutable", test_immutable);
  g_test_add_func ("/trust-policy/threads", test_threads);

  status = g_test_run ();

  g_clear_pointer (&root_ca, sc_test_cert_free);
  g_clear_pointer (&intermediate, sc_test_cert_free);
  g_clear_pointer (&other_ca, sc_test_cert_free);

  return status;
}
