/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "sc-verifier.h"

/* How it works
 *
 * Nothing GnuTLS parses is shared between threads: every call imports the
 * anchors, CRLs and chain afresh (a handful of certificates, once per
 * handshake), so the verifier itself is plain immutable data.
 *
 * Paths are built here, not by GnuTLS, so that every rule below knows which
 * certificates the path is made of: a depth-first search from the leaf
 * through the presented intermediates to an anchor, bounded so a peer cannot
 * make it spin.  Each complete path is handed, in order and with only its own
 * anchor trusted, to gnutls_x509_trust_list_verify_crt2() (signatures,
 * basicConstraints, pathLen, name constraints, key purpose, key sizes,
 * unknown critical extensions), then checked against the rules GnuTLS lacks:
 * validity at an arbitrary time, RFC 5280 structure (serial numbers, key
 * identifiers, extension criticality, CA consistency, sane name constraints),
 * key types and revocation.  The first path that passes wins; if none does,
 * the first failure is reported.
 *
 * CRLs are deliberately not given to GnuTLS: with GNUTLS_TL_VERIFY_CRL it
 * drops a CRL that does not verify, and revocation would then fail open.  Here
 * a CRL naming an issuer on the path must verify against it, come from an
 * issuer allowed to sign CRLs and carry a CRL number, or the chain is broken. */

#define OID_SUBJECT_KEY_ID        "2.5.29.14"
#define OID_NAME_CONSTRAINTS      "2.5.29.30"
#define OID_AUTHORITY_KEY_ID      "2.5.29.35"
#define OID_POLICY_CONSTRAINTS    "2.5.29.36"
#define OID_EXT_KEY_USAGE         "2.5.29.37"
#define OID_AUTHORITY_INFO_ACCESS "1.3.6.1.5.5.7.1.1"

/* The leaf and at most nine intermediates, and a bound on search steps. */
#define MAX_PATH_LENGTH  10
#define MAX_SEARCH_STEPS 256

#define KEY_ID_MAX 128

/* More than any real CA uses; far fewer than pathological ones. */
#define MAX_NAME_CONSTRAINTS 1024

struct _ScVerifier
{
  GPtrArray *anchors;              /* GBytes: DER */
  GPtrArray *crls;                 /* GBytes: DER */
  GPtrArray *anchor_names;         /* char * */
  GPtrArray *anchor_fingerprints;  /* char * */
};

/* One call of sc_verifier_verify(). */
typedef struct
{
  ScVerifier        *verifier;
  gint64             at;
  ScPurpose          purpose;

  gnutls_x509_crt_t *certs;        /* the chain as presented, leaf first */
  guint              n_certs;
  gnutls_x509_crt_t *anchors;
  guint              n_anchors;
  gnutls_x509_crl_t *crls;
  guint              n_crls;

  gboolean          *is_anchor;    /* per presented certificate */
  gboolean          *in_path;      /* per presented certificate */
  guint              path[MAX_PATH_LENGTH];
  guint              path_length;
  guint              steps;
  ScVerifyResult    *failure;      /* of the first path that failed */
} Verification;

void
sc_verify_result_free (ScVerifyResult *result)
{
  if (result == NULL)
    return;

  g_free (result->detail);
  g_free (result->anchor_name);
  g_free (result->anchor_fingerprint);
  g_free (result);
}

static gboolean fail (ScVerifyResult *result,
                      ScReason        reason,
                      const char     *format,
                      ...) G_GNUC_PRINTF (3, 4);

/* Marks result broken; returns FALSE so checks can end with `return fail (…)`. */
static gboolean
fail (ScVerifyResult *result,
      ScReason        reason,
      const char     *format,
      ...)
{
  va_list args;

  result->status = SC_VERIFY_BROKEN;
  result->reason = reason;
  g_free (result->detail);
  va_start (args, format);
  result->detail = g_strdup_vprintf (format, args);
  va_end (args);

  return FALSE;
}

static const char *
purpose_oid (ScPurpose purpose)
{
  return purpose == SC_PURPOSE_SERVER ? GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_TLS_WWW_CLIENT;
}

static const char *
purpose_description (ScPurpose purpose)
{
  return purpose == SC_PURPOSE_SERVER ? "server authentication" : "client authentication";
}

static char *
format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_time);

  if (date == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, unix_time);

  return g_date_time_format (date, "%Y-%m-%d");
}

static gboolean
datum_equal (const gnutls_datum_t *a,
             const gnutls_datum_t *b)
{
  return a->size == b->size && (a->size == 0 || memcmp (a->data, b->data, a->size) == 0);
}

/* The subject CN, else the whole subject DN. */
static char *
crt_name (gnutls_x509_crt_t crt)
{
  char cn[256];
  size_t size = sizeof cn;
  gnutls_datum_t dn = { NULL, 0 };
  char *name;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) == 0)
    return g_strndup (cn, size);

  if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) == 0 && dn.size > 0)
    name = g_strndup ((const char *) dn.data, dn.size);
  else
    name = g_strdup ("(no name)");
  gnutls_free (dn.data);

  return name;
}

static gnutls_x509_crt_t
import_crt (GBytes *der,
            int    *error_code)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize size;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;

  ret = gnutls_x509_crt_init (&crt);
  if (ret == 0)
    ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_clear_pointer (&crt, gnutls_x509_crt_deinit);
      *error_code = ret;
    }

  return crt;
}

static gnutls_x509_crl_t
import_crl (GBytes *der,
            int    *error_code)
{
  gnutls_x509_crl_t crl = NULL;
  gnutls_datum_t datum;
  gsize size;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;

  ret = gnutls_x509_crl_init (&crl);
  if (ret == 0)
    ret = gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_clear_pointer (&crl, gnutls_x509_crl_deinit);
      *error_code = ret;
    }

  return crl;
}

static gboolean
crt_is_ca (gnutls_x509_crt_t crt)
{
  unsigned int critical = 0;
  unsigned int ca = 0;
  int path_length = -1;

  return gnutls_x509_crt_get_basic_constraints (crt, &critical, &ca, &path_length) >= 0 && ca;
}

static gboolean
crt_is_self_issued (gnutls_x509_crt_t crt)
{
  gnutls_datum_t subject = { NULL, 0 };
  gnutls_datum_t issuer = { NULL, 0 };
  gboolean same;

  same = gnutls_x509_crt_get_raw_dn (crt, &subject) == 0
         && gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer) == 0
         && datum_equal (&subject, &issuer);
  gnutls_free (subject.data);
  gnutls_free (issuer.data);

  return same;
}

/* Returns the GnuTLS result; *size is 0 when the identifier is absent. */
static int
crt_subject_key_id (gnutls_x509_crt_t  crt,
                    guint8            *id,
                    size_t            *size)
{
  unsigned int critical;
  int ret;

  *size = KEY_ID_MAX;
  ret = gnutls_x509_crt_get_subject_key_id (crt, id, size, &critical);
  if (ret < 0)
    *size = 0;

  return ret;
}

/* The DER of an empty name (an empty SEQUENCE) is 30 00. */
static gboolean
datum_is_empty_sequence (const gnutls_datum_t *der)
{
  return der->size <= 2;
}

/* ---- checks of single certificates -------------------------------------- */

static gboolean
check_validity (gnutls_x509_crt_t  crt,
                const char        *what,
                gint64             at,
                ScVerifyResult    *result)
{
  gint64 not_before = gnutls_x509_crt_get_activation_time (crt);
  gint64 not_after = gnutls_x509_crt_get_expiration_time (crt);

  if (not_before == -1 || not_after == -1)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has an unreadable validity period", what);

  if (at < not_before)
    {
      g_autofree char *date = format_date (not_before);

      return fail (result, SC_REASON_NOT_YET_VALID, "%s is not valid before %s", what, date);
    }

  if (at > not_after)
    {
      g_autofree char *date = format_date (not_after);

      return fail (result, SC_REASON_EXPIRED, "%s expired on %s", what, date);
    }

  return TRUE;
}

/* If the leaf limits its purposes, ours must be among them: an empty list or
 * anyExtendedKeyUsage alone does not do. */
static gboolean
check_leaf_purpose (gnutls_x509_crt_t  leaf,
                    ScPurpose          purpose,
                    ScVerifyResult    *result)
{
  gnutls_datum_t der = { NULL, 0 };
  gnutls_x509_key_purposes_t purposes = NULL;
  unsigned int critical;
  gboolean allowed = FALSE;
  int ret;

  ret = gnutls_x509_crt_get_extension_by_oid2 (leaf, OID_EXT_KEY_USAGE, 0, &der, &critical);
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return TRUE;

  if (ret == 0
      && gnutls_x509_key_purpose_init (&purposes) == 0
      && gnutls_x509_ext_import_key_purposes (&der, purposes, 0) == 0)
    {
      gnutls_datum_t oid;

      for (guint i = 0; !allowed && gnutls_x509_key_purpose_get (purposes, i, &oid) == 0; i++)
        {
          g_autofree char *text = g_strndup ((const char *) oid.data, oid.size);

          allowed = g_str_equal (text, purpose_oid (purpose));
        }
    }
  g_clear_pointer (&purposes, gnutls_x509_key_purpose_deinit);
  gnutls_free (der.data);

  if (!allowed)
    return fail (result, SC_REASON_BAD_EKU,
                 "Certificate is not meant for %s", purpose_description (purpose));

  return TRUE;
}

/* What the leaf alone can tell, with or without a path to an anchor. */
static gboolean
check_leaf (Verification   *v,
            ScVerifyResult *result)
{
  gnutls_x509_crt_t leaf = v->certs[0];

  if (!check_validity (leaf, "Certificate", v->at, result))
    return FALSE;

  if (crt_is_ca (leaf))
    return fail (result, SC_REASON_CA_AS_LEAF,
                 "Certificate belongs to a certificate authority, not to a peer");

  return check_leaf_purpose (leaf, v->purpose, result);
}

static gboolean
check_serial (gnutls_x509_crt_t  crt,
              const char        *what,
              ScVerifyResult    *result)
{
  guint8 serial[64];
  size_t size = sizeof serial;
  gsize length;
  gboolean zero = TRUE;

  if (gnutls_x509_crt_get_serial (crt, serial, &size) < 0 || size == 0)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has an unreadable serial number", what);

  /* DER two's complement: a positive number whose top bit is set carries a
   * leading zero byte, which does not count towards the 20 octets. */
  if (serial[0] & 0x80)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has a negative serial number", what);
  for (gsize i = 0; i < size; i++)
    zero = zero && serial[i] == 0;
  if (zero)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has a zero serial number", what);
  length = serial[0] == 0 ? size - 1 : size;
  if (length > 20)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "%s has a serial number longer than 20 octets", what);

  return TRUE;
}

/* GnuTLS never reads this extension while verifying, so it would pass
 * whatever it holds. */
static gboolean
aia_parses (gnutls_x509_crt_t crt,
            guint             index)
{
  gnutls_datum_t der = { NULL, 0 };
  gnutls_x509_aia_t aia = NULL;
  gboolean parses;

  parses = gnutls_x509_crt_get_extension_data2 (crt, index, &der) == 0
           && gnutls_x509_aia_init (&aia) == 0
           && gnutls_x509_ext_import_aia (&der, aia, 0) == 0;
  g_clear_pointer (&aia, gnutls_x509_aia_deinit);
  gnutls_free (der.data);

  return parses;
}

static gboolean
check_extensions (gnutls_x509_crt_t  crt,
                  const char        *what,
                  ScVerifyResult    *result)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int version = gnutls_x509_crt_get_version (crt);

  for (guint i = 0;; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      unsigned int critical = 0;
      int ret;

      ret = gnutls_x509_crt_get_extension_info (crt, i, oid, &size, &critical);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        return fail (result, SC_REASON_INVALID_CHAIN, "%s has an unreadable extension", what);

      if (version != 3)
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s has extensions but is not an X.509 version 3 certificate", what);
      if (!g_hash_table_add (seen, g_strdup (oid)))
        return fail (result, SC_REASON_INVALID_CHAIN, "%s repeats the extension %s", what, oid);

      /* RFC 5280 4.2.1.1, 4.2.1.2, 4.2.2.1: these MUST be non-critical;
       * 4.2.1.11: policy constraints MUST be critical. */
      if (critical && (g_str_equal (oid, OID_AUTHORITY_KEY_ID)
                       || g_str_equal (oid, OID_SUBJECT_KEY_ID)
                       || g_str_equal (oid, OID_AUTHORITY_INFO_ACCESS)))
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s marks the extension %s critical", what, oid);
      if (!critical && g_str_equal (oid, OID_POLICY_CONSTRAINTS))
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s does not mark its policy constraints critical", what);
      if (g_str_equal (oid, OID_AUTHORITY_INFO_ACCESS) && !aia_parses (crt, i))
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s has a malformed authority information access extension", what);
    }

  return TRUE;
}

/* RSA with a whole number of bytes, or elliptic curves; GnuTLS enforces the
 * sizes.  DSA is obsolete (FIPS 186-5) and has no place in TLS 1.3. */
static gboolean
check_key (gnutls_x509_crt_t  crt,
           const char        *what,
           ScVerifyResult    *result)
{
  unsigned int bits = 0;

  switch (gnutls_x509_crt_get_pk_algorithm (crt, &bits))
    {
    case GNUTLS_PK_RSA:
    case GNUTLS_PK_RSA_PSS:
      if (bits % 8 != 0)
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s has an RSA key of an odd size (%u bits)", what, bits);
      return TRUE;
    case GNUTLS_PK_ECDSA:
    case GNUTLS_PK_EDDSA_ED25519:
    case GNUTLS_PK_EDDSA_ED448:
      return TRUE;
    default:
      return fail (result, SC_REASON_INVALID_CHAIN, "%s has an unsupported kind of key", what);
    }
}

/* RFC 5280 4.2.1.1: the authority key identifier names the issuer's key; it
 * may only be left out of self-signed certificates. */
static gboolean
check_authority_key_id (gnutls_x509_crt_t  crt,
                        gnutls_x509_crt_t  issuer,
                        const char        *what,
                        ScVerifyResult    *result)
{
  gnutls_datum_t der = { NULL, 0 };
  guint8 id[KEY_ID_MAX];
  size_t size = sizeof id;
  unsigned int critical;
  gboolean present;
  int ret;

  present = gnutls_x509_crt_get_extension_by_oid2 (crt, OID_AUTHORITY_KEY_ID, 0,
                                                   &der, &critical) == 0;
  gnutls_free (der.data);

  ret = gnutls_x509_crt_get_authority_key_id (crt, id, &size, &critical);
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    {
      if (present)
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s has an authority key identifier without a key identifier", what);
      if (!crt_is_self_issued (crt))
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s has no authority key identifier", what);
      return TRUE;
    }
  if (ret < 0)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "%s has an unreadable authority key identifier", what);

  if (issuer != NULL)
    {
      guint8 issuer_id[KEY_ID_MAX];
      size_t issuer_size;

      if (crt_subject_key_id (issuer, issuer_id, &issuer_size) == 0
          && (issuer_size != size || memcmp (issuer_id, id, size) != 0))
        return fail (result, SC_REASON_INVALID_CHAIN,
                     "%s names another key than its issuer's", what);
    }

  return TRUE;
}

/* RFC 5280 4.2.1.10: name constraints hold at least one subtree.  GnuTLS
 * enforces them; a bound keeps a peer from making that quadratic. */
static gboolean
check_name_constraints (gnutls_x509_crt_t  crt,
                        const char        *what,
                        ScVerifyResult    *result)
{
  gnutls_x509_name_constraints_t constraints = NULL;
  unsigned int critical = 0;
  guint count = 0;
  int ret;

  ret = gnutls_x509_name_constraints_init (&constraints);
  if (ret == 0)
    ret = gnutls_x509_crt_get_name_constraints (crt, constraints, 0, &critical);
  if (ret == 0)
    {
      unsigned int type;
      gnutls_datum_t name;

      for (guint i = 0;
           count <= MAX_NAME_CONSTRAINTS
           && gnutls_x509_name_constraints_get_permitted (constraints, i, &type, &name) == 0;
           i++)
        count++;
      for (guint i = 0;
           count <= MAX_NAME_CONSTRAINTS
           && gnutls_x509_name_constraints_get_excluded (constraints, i, &type, &name) == 0;
           i++)
        count++;
    }
  g_clear_pointer (&constraints, gnutls_x509_name_constraints_deinit);

  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return TRUE;
  if (ret < 0)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has unreadable name constraints", what);
  if (count == 0)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has empty name constraints", what);
  if (count > MAX_NAME_CONSTRAINTS)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has too many name constraints", what);

  return TRUE;
}

/* RFC 5280 4.2.1.2, 4.2.1.3, 4.2.1.9, 4.1.2.6 for a certificate that signs
 * others on the path. */
static gboolean
check_issuer_role (gnutls_x509_crt_t  crt,
                   const char        *what,
                   ScVerifyResult    *result)
{
  gnutls_datum_t subject = { NULL, 0 };
  guint8 id[KEY_ID_MAX];
  size_t size;
  unsigned int critical = 0;
  unsigned int ca = 0;
  unsigned int usage = 0;
  int path_length = -1;
  int ret;

  ret = gnutls_x509_crt_get_basic_constraints (crt, &critical, &ca, &path_length);
  if (ret < 0 || !ca)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s is not a certificate authority", what);
  if (!critical)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "%s does not mark its basic constraints critical", what);

  ret = gnutls_x509_crt_get_key_usage (crt, &usage, &critical);
  if (ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE
      && (ret < 0 || !(usage & GNUTLS_KEY_KEY_CERT_SIGN)))
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "%s is not allowed to sign certificates", what);

  if (crt_subject_key_id (crt, id, &size) < 0)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has no subject key identifier", what);

  if (!check_name_constraints (crt, what, result))
    return FALSE;

  ret = gnutls_x509_crt_get_raw_dn (crt, &subject);
  if (ret < 0 || datum_is_empty_sequence (&subject))
    ret = -1;
  gnutls_free (subject.data);
  if (ret < 0)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has an empty subject name", what);

  return TRUE;
}

/* RFC 5280 4.2.1.3, 4.2.1.10 for the end-entity certificate. */
static gboolean
check_leaf_role (gnutls_x509_crt_t  crt,
                 ScVerifyResult    *result)
{
  gnutls_datum_t der = { NULL, 0 };
  unsigned int critical = 0;
  unsigned int usage = 0;
  gboolean constrained;

  if (gnutls_x509_crt_get_key_usage (crt, &usage, &critical) == 0
      && (usage & GNUTLS_KEY_KEY_CERT_SIGN))
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "Certificate may sign certificates but is no certificate authority");

  constrained = gnutls_x509_crt_get_extension_by_oid2 (crt, OID_NAME_CONSTRAINTS, 0,
                                                       &der, &critical) == 0;
  gnutls_free (der.data);
  if (constrained)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "Certificate carries name constraints but is no certificate authority");

  return TRUE;
}

static gboolean
check_structure (gnutls_x509_crt_t  crt,
                 gnutls_x509_crt_t  issuer,
                 gboolean           signs_others,
                 const char        *what,
                 ScVerifyResult    *result)
{
  gnutls_datum_t issuer_dn = { NULL, 0 };
  gboolean empty_issuer;

  if (!check_serial (crt, what, result)
      || !check_key (crt, what, result)
      || !check_extensions (crt, what, result)
      || !check_authority_key_id (crt, issuer, what, result))
    return FALSE;

  empty_issuer = gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer_dn) < 0
                 || datum_is_empty_sequence (&issuer_dn);
  gnutls_free (issuer_dn.data);
  if (empty_issuer)
    return fail (result, SC_REASON_INVALID_CHAIN, "%s has an empty issuer name", what);

  if (signs_others)
    return check_issuer_role (crt, what, result);

  return check_leaf_role (crt, result);
}

/* ---- revocation ---------------------------------------------------------- */

/* A CRL is the issuer's when it carries the issuer's name and, if both say,
 * the issuer's key identifier. */
static gboolean
crl_is_from (gnutls_x509_crl_t crl,
             gnutls_x509_crt_t issuer)
{
  gnutls_datum_t crl_issuer = { NULL, 0 };
  gnutls_datum_t subject = { NULL, 0 };
  guint8 crl_id[KEY_ID_MAX];
  guint8 issuer_id[KEY_ID_MAX];
  size_t crl_id_size = sizeof crl_id;
  size_t issuer_id_size;
  unsigned int critical;
  gboolean same_name;

  same_name = gnutls_x509_crl_get_raw_issuer_dn (crl, &crl_issuer) == 0
              && gnutls_x509_crt_get_raw_dn (issuer, &subject) == 0
              && datum_equal (&crl_issuer, &subject);
  gnutls_free (crl_issuer.data);
  gnutls_free (subject.data);
  if (!same_name)
    return FALSE;

  if (gnutls_x509_crl_get_authority_key_id (crl, crl_id, &crl_id_size, &critical) < 0
      || crt_subject_key_id (issuer, issuer_id, &issuer_id_size) < 0)
    return TRUE;

  return crl_id_size == issuer_id_size && memcmp (crl_id, issuer_id, crl_id_size) == 0;
}

/* RFC 5280 5.2.3, 6.3.3 (f) and (g). Dates are not judged: an out-of-date
 * list still says what was revoked. */
static gboolean
check_crl (gnutls_x509_crl_t  crl,
           gnutls_x509_crt_t  issuer,
           const char        *issuer_name,
           ScVerifyResult    *result)
{
  const unsigned int date_status = GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED
                                   | GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE;
  guint8 number[64];
  size_t size = sizeof number;
  unsigned int critical = 0;
  unsigned int usage = 0;
  unsigned int status = 0;
  int ret;

  ret = gnutls_x509_crt_get_key_usage (issuer, &usage, &critical);
  if (ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE
      && (ret < 0 || !(usage & GNUTLS_KEY_CRL_SIGN)))
    return fail (result, SC_REASON_BAD_CRL,
                 "A revocation list names “%s” as its issuer, which may not sign one",
                 issuer_name);

  ret = gnutls_x509_crl_verify (crl, &issuer, 1, GNUTLS_VERIFY_DISABLE_TIME_CHECKS, &status);
  if (ret < 0 || (status & ~date_status) != 0)
    return fail (result, SC_REASON_BAD_CRL,
                 "The revocation list of “%s” does not verify", issuer_name);

  ret = gnutls_x509_crl_get_number (crl, number, &size, &critical);
  if (ret < 0 || critical)
    return fail (result, SC_REASON_BAD_CRL,
                 "The revocation list of “%s” lacks a proper CRL number", issuer_name);

  return TRUE;
}

static gboolean
check_revocation (Verification      *v,
                  gnutls_x509_crt_t  crt,
                  gnutls_x509_crt_t  issuer,
                  const char        *what,
                  ScVerifyResult    *result)
{
  g_autofree char *issuer_name = NULL;

  for (guint i = 0; i < v->n_crls; i++)
    {
      gnutls_x509_crl_t crl = v->crls[i];
      int ret;

      if (!crl_is_from (crl, issuer))
        continue;

      if (issuer_name == NULL)
        issuer_name = crt_name (issuer);
      if (!check_crl (crl, issuer, issuer_name, result))
        return FALSE;

      ret = gnutls_x509_crt_check_revocation (crt, &crl, 1);
      if (ret < 0)
        return fail (result, SC_REASON_BAD_CRL,
                     "The revocation list of “%s” cannot be read", issuer_name);
      if (ret > 0)
        return fail (result, SC_REASON_REVOKED, "%s was revoked by “%s”", what, issuer_name);
    }

  return TRUE;
}

/* ---- paths --------------------------------------------------------------- */

static gboolean
check_with_gnutls (Verification      *v,
                   gnutls_x509_crt_t *chain,
                   guint              length,
                   gnutls_x509_crt_t  anchor,
                   ScVerifyResult    *result)
{
  /* Times are checked by us, at v->at; the chain is exactly our path. */
  const unsigned int flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS
                             | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS
                             | GNUTLS_VERIFY_DO_NOT_ALLOW_UNSORTED_CHAIN
                             | GNUTLS_VERIFY_DO_NOT_ALLOW_SAME
                             | GNUTLS_PROFILE_TO_VFLAGS (GNUTLS_PROFILE_MEDIUM);
  gnutls_typed_vdata_st data = {
    .type = GNUTLS_DT_KEY_PURPOSE_OID,
    .data = (unsigned char *) purpose_oid (v->purpose),
    .size = 0,
  };
  gnutls_x509_trust_list_t list = NULL;
  unsigned int status = 0;
  int ret;

  ret = gnutls_x509_trust_list_init (&list, 0);
  if (ret == 0 && gnutls_x509_trust_list_add_cas (list, &anchor, 1, 0) != 1)
    ret = GNUTLS_E_MEMORY_ERROR;
  if (ret == 0)
    ret = gnutls_x509_trust_list_verify_crt2 (list, chain, length, &data, 1, flags,
                                              &status, NULL);
  /* all = 0: the anchor belongs to v, which frees it. */
  if (list != NULL)
    gnutls_x509_trust_list_deinit (list, 0);

  if (ret < 0)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "The certificate chain could not be checked: %s", gnutls_strerror (ret));
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
    return fail (result, SC_REASON_BAD_SIGNATURE,
                 "A signature in the certificate chain does not verify");
  if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
    return fail (result, SC_REASON_BAD_EKU,
                 "An issuer in the certificate chain may not vouch for %s",
                 purpose_description (v->purpose));
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "The certificate chain uses an insecure algorithm or too weak a key");
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "An issuer in the certificate chain is not a certificate authority");
  if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "An issuer in the certificate chain exceeds its constraints");
  if (status & GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "The certificate chain has an unsupported critical extension");
  if (status != 0)
    return fail (result, SC_REASON_INVALID_CHAIN,
                 "The certificate chain breaks the X.509 path rules");

  return TRUE;
}

/* Everything but the leaf-only checks, for the path in v->path up to anchor. */
static gboolean
check_path (Verification   *v,
            guint           anchor_index,
            ScVerifyResult *result)
{
  gnutls_x509_crt_t chain[MAX_PATH_LENGTH];
  gnutls_x509_crt_t anchor = v->anchors[anchor_index];
  const char *anchor_name = g_ptr_array_index (v->verifier->anchor_names, anchor_index);
  g_autofree char *anchor_what = g_strdup_printf ("Trusted issuer “%s”", anchor_name);
  guint length = v->path_length;

  for (guint i = 0; i < length; i++)
    chain[i] = v->certs[v->path[i]];

  if (!check_with_gnutls (v, chain, length, anchor, result))
    return FALSE;

  for (guint i = 1; i < length; i++)
    {
      g_autofree char *name = crt_name (chain[i]);
      g_autofree char *what = g_strdup_printf ("Issuer “%s”", name);

      if (!check_validity (chain[i], what, v->at, result))
        return FALSE;
    }
  if (!check_validity (anchor, anchor_what, v->at, result))
    return FALSE;

  for (guint i = 0; i < length; i++)
    {
      gnutls_x509_crt_t issuer = i + 1 < length ? chain[i + 1] : anchor;
      g_autofree char *name = i > 0 ? crt_name (chain[i]) : NULL;
      g_autofree char *what = i > 0 ? g_strdup_printf ("Issuer “%s”", name)
                                    : g_strdup ("Certificate");

      if (!check_structure (chain[i], issuer, i > 0, what, result)
          || !check_revocation (v, chain[i], issuer, what, result))
        return FALSE;
    }

  return check_structure (anchor, crt_is_self_issued (anchor) ? anchor : NULL, TRUE,
                          anchor_what, result);
}

/* Judges the path in v->path ending at an anchor.  TRUE when it verifies;
 * otherwise the first such failure is kept in v->failure. */
static gboolean
try_path (Verification   *v,
          guint           anchor_index,
          ScVerifyResult *result)
{
  g_autoptr(ScVerifyResult) attempt = g_new0 (ScVerifyResult, 1);

  attempt->anchor_name = g_strdup (g_ptr_array_index (v->verifier->anchor_names,
                                                      anchor_index));
  attempt->anchor_fingerprint = g_strdup (g_ptr_array_index (v->verifier->anchor_fingerprints,
                                                             anchor_index));

  if (check_path (v, anchor_index, attempt))
    {
      result->status = SC_VERIFY_TRUSTED;
      result->anchor_name = g_steal_pointer (&attempt->anchor_name);
      result->anchor_fingerprint = g_steal_pointer (&attempt->anchor_fingerprint);
      return TRUE;
    }

  if (v->failure == NULL)
    v->failure = g_steal_pointer (&attempt);

  return FALSE;
}

/* Depth-first from the last certificate of v->path towards the anchors. */
static gboolean
search (Verification   *v,
        ScVerifyResult *result)
{
  gnutls_x509_crt_t last = v->certs[v->path[v->path_length - 1]];

  if (++v->steps > MAX_SEARCH_STEPS)
    return FALSE;

  for (guint a = 0; a < v->n_anchors; a++)
    {
      /* An anchor never vouches for itself. */
      if (gnutls_x509_crt_equals (last, v->anchors[a])
          || !gnutls_x509_crt_check_issuer (last, v->anchors[a]))
        continue;
      if (try_path (v, a, result))
        return TRUE;
    }

  if (v->path_length == MAX_PATH_LENGTH)
    return FALSE;

  for (guint i = 1; i < v->n_certs; i++)
    {
      gboolean found;

      /* A presented copy of an anchor was already tried as that anchor. */
      if (v->in_path[i] || v->is_anchor[i]
          || !gnutls_x509_crt_check_issuer (last, v->certs[i]))
        continue;

      v->path[v->path_length++] = i;
      v->in_path[i] = TRUE;
      found = search (v, result);
      v->in_path[i] = FALSE;
      v->path_length--;

      if (found)
        return TRUE;
    }

  return FALSE;
}

/* ---- set-up -------------------------------------------------------------- */

static void
verification_clear (Verification *v)
{
  for (guint i = 0; i < v->n_certs; i++)
    g_clear_pointer (&v->certs[i], gnutls_x509_crt_deinit);
  for (guint i = 0; i < v->n_anchors; i++)
    g_clear_pointer (&v->anchors[i], gnutls_x509_crt_deinit);
  for (guint i = 0; i < v->n_crls; i++)
    g_clear_pointer (&v->crls[i], gnutls_x509_crl_deinit);
  g_clear_pointer (&v->certs, g_free);
  g_clear_pointer (&v->anchors, g_free);
  g_clear_pointer (&v->crls, g_free);
  g_clear_pointer (&v->is_anchor, g_free);
  g_clear_pointer (&v->in_path, g_free);
  g_clear_pointer (&v->failure, sc_verify_result_free);
}

/* Parses everything for this call; on failure *error_code says why. */
static gboolean
verification_init (Verification      *v,
                   ScVerifier        *verifier,
                   ScPeerCertificate *chain,
                   int               *error_code)
{
  guint n_certs = sc_peer_certificate_get_length (chain);

  v->verifier = verifier;
  v->certs = g_new0 (gnutls_x509_crt_t, n_certs);
  v->anchors = g_new0 (gnutls_x509_crt_t, verifier->anchors->len);
  v->crls = g_new0 (gnutls_x509_crl_t, verifier->crls->len);
  v->is_anchor = g_new0 (gboolean, n_certs);
  v->in_path = g_new0 (gboolean, n_certs);

  for (; v->n_certs < n_certs; v->n_certs++)
    {
      v->certs[v->n_certs] = import_crt (sc_peer_certificate_get_der (chain, v->n_certs),
                                         error_code);
      if (v->certs[v->n_certs] == NULL)
        return FALSE;
    }
  for (; v->n_anchors < verifier->anchors->len; v->n_anchors++)
    {
      v->anchors[v->n_anchors] = import_crt (g_ptr_array_index (verifier->anchors, v->n_anchors),
                                             error_code);
      if (v->anchors[v->n_anchors] == NULL)
        return FALSE;
    }
  for (; v->n_crls < verifier->crls->len; v->n_crls++)
    {
      v->crls[v->n_crls] = import_crl (g_ptr_array_index (verifier->crls, v->n_crls),
                                       error_code);
      if (v->crls[v->n_crls] == NULL)
        return FALSE;
    }

  for (guint i = 0; i < v->n_certs; i++)
    for (guint a = 0; a < v->n_anchors && !v->is_anchor[i]; a++)
      v->is_anchor[i] = gnutls_x509_crt_equals (v->certs[i], v->anchors[a]);

  return v->n_certs > 0;
}

ScVerifier *
sc_verifier_new (GPtrArray  *anchors,
                 GPtrArray  *crls,
                 GError    **error)
{
  g_autoptr(ScVerifier) self = g_new0 (ScVerifier, 1);

  g_return_val_if_fail (anchors != NULL, NULL);
  g_return_val_if_fail (crls != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->crls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->anchor_names = g_ptr_array_new_with_free_func (g_free);
  self->anchor_fingerprints = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < anchors->len; i++)
    {
      GBytes *der = g_ptr_array_index (anchors, i);
      int ret = 0;
      gnutls_x509_crt_t crt = import_crt (der, &ret);

      if (crt == NULL)
        {
          g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE,
                       "Trusted issuer %u is not a valid certificate: %s",
                       i + 1, gnutls_strerror (ret));
          return NULL;
        }
      g_ptr_array_add (self->anchors, g_bytes_ref (der));
      g_ptr_array_add (self->anchor_names, crt_name (crt));
      g_ptr_array_add (self->anchor_fingerprints, sc_fingerprint_of_der (der));
      gnutls_x509_crt_deinit (crt);
    }

  for (guint i = 0; i < crls->len; i++)
    {
      GBytes *der = g_ptr_array_index (crls, i);
      int ret = 0;
      gnutls_x509_crl_t crl = import_crl (der, &ret);

      if (crl == NULL)
        {
          g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE,
                       "Revocation list %u is not a valid CRL: %s",
                       i + 1, gnutls_strerror (ret));
          return NULL;
        }
      g_ptr_array_add (self->crls, g_bytes_ref (der));
      gnutls_x509_crl_deinit (crl);
    }

  return g_steal_pointer (&self);
}

void
sc_verifier_free (ScVerifier *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->anchors, g_ptr_array_unref);
  g_clear_pointer (&self->crls, g_ptr_array_unref);
  g_clear_pointer (&self->anchor_names, g_ptr_array_unref);
  g_clear_pointer (&self->anchor_fingerprints, g_ptr_array_unref);
  g_free (self);
}

ScVerifyResult *
sc_verifier_verify (ScVerifier        *self,
                    ScPeerCertificate *chain,
                    gint64             at,
                    ScPurpose          purpose)
{
  g_autoptr(ScVerifyResult) result = g_new0 (ScVerifyResult, 1);
  Verification v = { 0 };
  int error_code = GNUTLS_E_NO_CERTIFICATE_FOUND;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (chain), NULL);

  v.at = at;
  v.purpose = purpose;

  if (!verification_init (&v, self, chain, &error_code))
    {
      fail (result, SC_REASON_INVALID_CHAIN,
            "The certificate chain cannot be read: %s", gnutls_strerror (error_code));
    }
  else if (check_leaf (&v, result))
    {
      v.path[0] = 0;
      v.path_length = 1;
      v.in_path[0] = TRUE;

      if (search (&v, result))
        g_assert (result->status == SC_VERIFY_TRUSTED);
      else if (v.failure != NULL)
        {
          sc_verify_result_free (result);
          result = g_steal_pointer (&v.failure);
        }
      else if (gnutls_x509_crt_check_issuer (v.certs[0], v.certs[0])
               && !sc_peer_certificate_self_signature_verifies (chain))
        fail (result, SC_REASON_BAD_SIGNATURE, "Certificate signature does not verify");
      else
        {
          /* Issued by itself with a signature that verified just above. */
          result->status = SC_VERIFY_UNKNOWN_ISSUER;
          result->self_signed = gnutls_x509_crt_check_issuer (v.certs[0], v.certs[0]) != 0;
        }
    }

  verification_clear (&v);

  return g_steal_pointer (&result);
}
