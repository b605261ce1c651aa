/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sc-test-certs.h"
#include "sc-trust-policy.h"
#include "sc-verifier.h"

/* The x509-limbo subset described in tests/data/x509-limbo/README.md. */
#define LIMBO_CASES        154
#define LIMBO_SERVER_CASES 144
#define LIMBO_CLIENT_CASES 10
/* GnuTLS alone matches 98; this is what the verifier reaches, so it cannot
 * quietly regress.  The 23 known misses: 12 name-constraint cases GnuTLS
 * judges differently (wildcards, DN constraints, SAN syntax, constraints on
 * intermediates, otherName); 7 CA/Browser Forum rules RFC 5280 does not make
 * (webpki::eku::*, webpki::aki::root-with-aki-*); 2 CA-as-leaf successes we
 * reject on purpose; pathlen::self-issued-certs-pathlen (GnuTLS counts
 * self-issued certificates); and cve::cve-2024-0567, whose anchor lacks an
 * authority key identifier just like the one rfc5280::aki::cross-signed-root-
 * missing-aki expects to fail. */
#define LIMBO_FLOOR        131

#define HOUR (G_GINT64_CONSTANT (60) * 60)
#define DAY  (24 * HOUR)

static const char * const limbo_excluded_prefixes[] = {
  "webpki::san::",
  "webpki::cn::",
  "rfc5280::san::",
  "online::",
  "bettertls::nameconstraints::",
};

/* Cases a chat peer must never get wrong, whatever the count. */
static const char * const limbo_must_match[] = {
  "crl::revoked-certificate-with-crl",
  "crl::issuer-missing-crlsign",          /* CRL failing verification: fail closed */
  "crl::crlnumber-missing",
  "rfc5280::eku::ee-eku-empty",           /* empty EKU */
  "rfc5280::eku::ee-wrong-eku",
  "webpki::ca-as-leaf",                   /* a CA as the leaf */
  "rfc5280::validity::expired-leaf",
  "rfc5280::validity::expired-intermediate",
  "rfc5280::serial::zero",
  "rfc5280::aki::leaf-missing-aki",
};

typedef struct
{
  JsonParser *parser;
  GPtrArray  *cases;  /* JsonObject, borrowed from parser: the subset */
} Limbo;

static void
limbo_free (Limbo *limbo)
{
  g_clear_pointer (&limbo->cases, g_ptr_array_unref);
  g_clear_object (&limbo->parser);
  g_free (limbo);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Limbo, limbo_free)

static gboolean
member_is_set (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) > 0;

  return TRUE;
}

static gboolean
limbo_case_in_subset (JsonObject *testcase)
{
  const char *id = json_object_get_string_member (testcase, "id");

  for (guint i = 0; i < G_N_ELEMENTS (limbo_excluded_prefixes); i++)
    if (g_str_has_prefix (id, limbo_excluded_prefixes[i]))
      return FALSE;

  return !member_is_set (testcase, "max_chain_depth")
         && !member_is_set (testcase, "key_usage")
         && !member_is_set (testcase, "signature_algorithms");
}

static Limbo *
limbo_load (void)
{
  g_autoptr(Limbo) limbo = g_new0 (Limbo, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "x509-limbo",
                                                 "limbo.json", NULL);
  JsonObject *root;
  JsonArray *testcases;

  limbo->parser = json_parser_new ();
  json_parser_load_from_file (limbo->parser, path, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (limbo->parser));
  testcases = json_object_get_array_member (root, "testcases");
  limbo->cases = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (testcases); i++)
    {
      JsonObject *testcase = json_array_get_object_element (testcases, i);

      if (limbo_case_in_subset (testcase))
        g_ptr_array_add (limbo->cases, testcase);
    }

  return g_steal_pointer (&limbo);
}

static GBytes *
pem_to_der (const char *pem,
            const char *label)
{
  gnutls_datum_t in = { (unsigned char *) pem, strlen (pem) };
  gnutls_datum_t out = { NULL, 0 };
  GBytes *der;

  g_assert_cmpint (gnutls_pem_base64_decode2 (label, &in, &out), ==, 0);
  der = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);

  return der;
}

static void
add_pems (GPtrArray  *ders,
          JsonArray  *pems,
          const char *label)
{
  for (guint i = 0; i < json_array_get_length (pems); i++)
    g_ptr_array_add (ders, pem_to_der (json_array_get_string_element (pems, i), label));
}

static ScPurpose
limbo_purpose (JsonObject *testcase)
{
  JsonArray *ekus = json_object_get_array_member (testcase, "extended_key_usage");
  const char *kind = json_object_get_string_member (testcase, "validation_kind");

  for (guint i = 0; ekus != NULL && i < json_array_get_length (ekus); i++)
    {
      const char *eku = json_array_get_string_element (ekus, i);

      if (g_str_equal (eku, "serverAuth"))
        return SC_PURPOSE_SERVER;
      if (g_str_equal (eku, "clientAuth"))
        return SC_PURPOSE_CLIENT;
    }

  return g_str_equal (kind, "CLIENT") ? SC_PURPOSE_CLIENT : SC_PURPOSE_SERVER;
}

static gint64
limbo_time (JsonObject *testcase)
{
  g_autoptr(GDateTime) time = NULL;

  if (!member_is_set (testcase, "validation_time"))
    return g_get_real_time () / G_USEC_PER_SEC;

  time = g_date_time_new_from_iso8601 (json_object_get_string_member (testcase,
                                                                      "validation_time"),
                                       NULL);
  g_assert_nonnull (time);

  /* Seconds, floored: a fraction of a second never makes a certificate valid. */
  return g_date_time_to_unix (time);
}

/* Runs one case through the trust policy; *explanation says what happened. */
static gboolean
limbo_verified (JsonObject  *testcase,
                char       **explanation)
{
  g_autoptr(ScTrustSettings) settings = sc_trust_settings_new ();
  g_autoptr(GPtrArray) chain_ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(ScTrustPolicy) policy = NULL;
  g_autoptr(ScPeerCertificate) chain = NULL;
  g_autoptr(ScTrustDecision) decision = NULL;
  g_autoptr(GError) error = NULL;

  add_pems (settings->anchors, json_object_get_array_member (testcase, "trusted_certs"),
            "CERTIFICATE");
  if (member_is_set (testcase, "crls"))
    add_pems (settings->crls, json_object_get_array_member (testcase, "crls"), "X509 CRL");
  g_ptr_array_add (chain_ders, pem_to_der (json_object_get_string_member (testcase,
                                                                          "peer_certificate"),
                                           "CERTIFICATE"));
  add_pems (chain_ders, json_object_get_array_member (testcase, "untrusted_intermediates"),
            "CERTIFICATE");

  policy = sc_trust_policy_new (settings, &error);
  if (policy == NULL)
    {
      *explanation = g_strdup_printf ("anchors: %s", error->message);
      return FALSE;
    }

  chain = sc_peer_certificate_new_from_der ((GBytes * const *) chain_ders->pdata,
                                            chain_ders->len, &error);
  if (chain == NULL)
    {
      *explanation = g_strdup_printf ("chain: %s", error->message);
      return FALSE;
    }

  decision = sc_trust_policy_decide (policy, chain, limbo_time (testcase),
                                     limbo_purpose (testcase));
  *explanation = g_strdup_printf ("%s, %s: %s",
                                  decision->verified ? "verified" : "not verified",
                                  sc_reason_to_string (decision->reason), decision->detail);

  return decision->verified;
}

static gboolean
limbo_case_matches (JsonObject  *testcase,
                    char       **explanation)
{
  const char *expected = json_object_get_string_member (testcase, "expected_result");

  return limbo_verified (testcase, explanation) == g_str_equal (expected, "SUCCESS");
}

static void
test_limbo_subset (gconstpointer data)
{
  const Limbo *limbo = data;
  guint server = 0;
  guint client = 0;
  guint matches = 0;

  for (guint i = 0; i < limbo->cases->len; i++)
    {
      JsonObject *testcase = g_ptr_array_index (limbo->cases, i);
      const char *kind = json_object_get_string_member (testcase, "validation_kind");
      g_autofree char *explanation = NULL;

      if (g_str_equal (kind, "SERVER"))
        server++;
      else if (g_str_equal (kind, "CLIENT"))
        client++;

      if (limbo_case_matches (testcase, &explanation))
        matches++;
      else
        g_test_message ("miss: %s (expected %s; %s)",
                        json_object_get_string_member (testcase, "id"),
                        json_object_get_string_member (testcase, "expected_result"),
                        explanation);
    }

  g_test_message ("x509-limbo: %u of %u cases match", matches, limbo->cases->len);
  g_assert_cmpuint (limbo->cases->len, ==, LIMBO_CASES);
  g_assert_cmpuint (server, ==, LIMBO_SERVER_CASES);
  g_assert_cmpuint (client, ==, LIMBO_CLIENT_CASES);
  g_assert_cmpuint (matches, >=, LIMBO_FLOOR);
}

static void
test_limbo_must_match (gconstpointer data)
{
  const Limbo *limbo = data;

  for (guint m = 0; m < G_N_ELEMENTS (limbo_must_match); m++)
    {
      JsonObject *testcase = NULL;
      g_autofree char *explanation = NULL;

      for (guint i = 0; testcase == NULL && i < limbo->cases->len; i++)
        {
          JsonObject *candidate = g_ptr_array_index (limbo->cases, i);

          if (g_str_equal (json_object_get_string_member (candidate, "id"), limbo_must_match[m]))
            testcase = candidate;
        }

      g_assert_nonnull (testcase);
      if (!limbo_case_matches (testcase, &explanation))
        g_error ("%s: %s", limbo_must_match[m], explanation);
    }
}

/* Direct tests of the verifier with certificates of our own. */

static ScPeerCertificate *
chain_of (ScTestCert **certs,
          guint        n_certs)
{
  g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  ScPeerCertificate *chain;

  for (guint i = 0; i < n_certs; i++)
    g_ptr_array_add (ders, sc_test_cert_der (certs[i]));
  chain = sc_peer_certificate_new_from_der ((GBytes * const *) ders->pdata, ders->len, &error);
  g_assert_no_error (error);

  return chain;
}

static ScVerifier *
verifier_trusting (ScTestCert *anchor)
{
  g_autoptr(GPtrArray) anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) crls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  ScVerifier *verifier;

  g_ptr_array_add (anchors, sc_test_cert_der (anchor));
  verifier = sc_verifier_new (anchors, crls, &error);
  g_assert_no_error (error);

  return verifier;
}

static ScVerifyResult *
verify (ScVerifier  *verifier,
        ScTestCert **certs,
        guint        n_certs,
        gint64       at)
{
  g_autoptr(ScPeerCertificate) chain = chain_of (certs, n_certs);
  ScVerifyResult *result = sc_verifier_verify (verifier, chain, at, SC_PURPOSE_CLIENT);

  g_assert_nonnull (result);
  if (result->status == SC_VERIFY_BROKEN)
    g_test_message ("%s", result->detail);

  return result;
}

static void
test_own_certs (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ScTestCertSpec ca_spec = { .cn = "Verifier CA", .is_ca = TRUE,
                             .not_before = now - 10 * DAY, .not_after = now + 10 * DAY };
  ScTestCertSpec intermediate_spec = { .cn = "Verifier Intermediate", .is_ca = TRUE,
                                       .not_before = now - 5 * DAY, .not_after = now + 5 * DAY };
  ScTestCertSpec leaf_spec = { .cn = "Leaf", .uid = "leaf@example.org", .rsa = TRUE,
                               .not_before = now - 7 * DAY, .not_after = now + 7 * DAY };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScTestCert) intermediate = sc_test_cert_new (&intermediate_spec, ca);
  g_autoptr(ScTestCert) leaf = sc_test_cert_new (&leaf_spec, intermediate);
  g_autoptr(ScTestCert) self_signed = sc_test_cert_new (&leaf_spec, NULL);
  g_autoptr(ScVerifier) verifier = verifier_trusting (ca);
  g_autofree char *ca_fingerprint = sc_test_cert_fingerprint (ca);
  ScTestCert *full[] = { leaf, intermediate };
  g_autoptr(ScVerifyResult) trusted = verify (verifier, full, 2, now);
  g_autoptr(ScVerifyResult) no_path = verify (verifier, &leaf, 1, now);
  g_autoptr(ScVerifyResult) stranger = verify (verifier, &self_signed, 1, now);
  g_autoptr(ScVerifyResult) too_late = verify (verifier, full, 2, now + 6 * DAY);
  g_autoptr(ScVerifyResult) too_early = verify (verifier, full, 2, now - 6 * DAY);

  g_assert_cmpint (trusted->status, ==, SC_VERIFY_TRUSTED);
  g_assert_cmpstr (trusted->anchor_name, ==, "Verifier CA");
  g_assert_cmpstr (trusted->anchor_fingerprint, ==, ca_fingerprint);
  g_assert_null (trusted->detail);

  g_assert_cmpint (no_path->status, ==, SC_VERIFY_UNKNOWN_ISSUER);
  g_assert_false (no_path->self_signed);
  g_assert_null (no_path->anchor_fingerprint);

  g_assert_cmpint (stranger->status, ==, SC_VERIFY_UNKNOWN_ISSUER);
  g_assert_true (stranger->self_signed);

  /* The leaf is still valid then; the intermediate is not yet or no longer. */
  g_assert_cmpint (too_late->status, ==, SC_VERIFY_BROKEN);
  g_assert_cmpint (too_late->reason, ==, SC_REASON_EXPIRED);
  g_assert_nonnull (strstr (too_late->detail, "Verifier Intermediate"));
  g_assert_cmpstr (too_late->anchor_name, ==, "Verifier CA");
  g_assert_cmpint (too_early->status, ==, SC_VERIFY_BROKEN);
  g_assert_cmpint (too_early->reason, ==, SC_REASON_NOT_YET_VALID);
  g_assert_nonnull (strstr (too_early->detail, "Verifier Intermediate"));
}

static void
test_path_length (void)
{
  ScTestCertSpec ca_spec = { .cn = "Deep CA", .is_ca = TRUE };
  ScTestCertSpec leaf_spec = { .cn = "Leaf", .uid = "leaf@example.org" };
  ScTestCert *certs[12] = { NULL };
  g_autoptr(ScTestCert) ca = sc_test_cert_new (&ca_spec, NULL);
  g_autoptr(ScVerifier) verifier = verifier_trusting (ca);
  g_autoptr(ScVerifyResult) nine = NULL;
  g_autoptr(ScVerifyResult) ten = NULL;

  /* certs[0] is the leaf; certs[i] is issued by certs[i + 1], certs[11] by ca:
   * a leaf issued by certs[i] has 12 - i intermediates above it. */
  for (guint i = G_N_ELEMENTS (certs) - 1; i > 0; i--)
    {
      g_autofree char *name = g_strdup_printf ("Intermediate %u", i);
      ScTestCertSpec spec = { .cn = name, .is_ca = TRUE };

      certs[i] = sc_test_cert_new (&spec, i + 1 < G_N_ELEMENTS (certs) ? certs[i + 1] : ca);
    }

  /* Nine intermediates is as deep as paths go: a peer sending more gets no
   * path rather than a long search. */
  certs[0] = sc_test_cert_new (&leaf_spec, certs[3]);
  nine = verify (verifier, certs, 12, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (nine->status, ==, SC_VERIFY_TRUSTED);
  sc_test_cert_free (certs[0]);
  certs[0] = sc_test_cert_new (&leaf_spec, certs[2]);
  ten = verify (verifier, certs, 12, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (ten->status, ==, SC_VERIFY_UNKNOWN_ISSUER);

  for (guint i = 0; i < G_N_ELEMENTS (certs); i++)
    sc_test_cert_free (certs[i]);
}

static void
test_bad_input (void)
{
  static const char garbage[] = "not DER";
  g_autoptr(GPtrArray) anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) crls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScVerifier) verifier = NULL;

  g_ptr_array_add (anchors, g_bytes_new_static (garbage, sizeof garbage));
  verifier = sc_verifier_new (anchors, crls, &error);
  g_assert_null (verifier);
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
  g_clear_error (&error);

  g_ptr_array_set_size (anchors, 0);
  g_ptr_array_add (crls, g_bytes_new_static (garbage, sizeof garbage));
  verifier = sc_verifier_new (anchors, crls, &error);
  g_assert_null (verifier);
  g_assert_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(Limbo) limbo = NULL;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/verifier/own-certs", test_own_certs);
  g_test_add_func ("/verifier/path-length", test_path_length);
  g_test_add_func ("/verifier/bad-input", test_bad_input);

  limbo = limbo_load ();
  g_test_add_data_func ("/verifier/limbo/subset", limbo, test_limbo_subset);
  g_test_add_data_func ("/verifier/limbo/must-match", limbo, test_limbo_must_match);

  return g_test_run ();
}
