/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "sc-peer-certificate.h"

#define FINGERPRINT_BYTES 32
#define USER_ID_MAX_BYTES 256

struct _ScPeerCertificate
{
  GObject parent_instance;

  GPtrArray *ders;          /* GBytes, leaf first */
  GPtrArray *fingerprints;  /* char *, one per member of ders */

  char *user_id;
  char *name;
  char *subject_dn;
  char *issuer_dn;
  char *issuer_name;
  char *key_description;
  gint64 not_before;
  gint64 not_after;
  /* MEMO_*, each computed on first use (racing threads compute the same
   * answer): a signature check costs as much as a good part of a handshake. */
  int self_signed;
  int self_signature_verifies;
};

enum {
  MEMO_UNKNOWN,
  MEMO_YES,
  MEMO_NO,
};

G_DEFINE_FINAL_TYPE (ScPeerCertificate, sc_peer_certificate, G_TYPE_OBJECT)

G_DEFINE_QUARK (sc-certificate-error-quark, sc_certificate_error)

enum {
  PROP_0,
  PROP_USER_ID,
  PROP_NAME,
  PROP_FINGERPRINT,
  PROP_ISSUER_NAME,
  PROP_NOT_BEFORE,
  PROP_NOT_AFTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
datum_clear (gnutls_datum_t *datum)
{
  g_clear_pointer (&datum->data, gnutls_free);
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, datum_clear)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_subject_alt_names_t, gnutls_subject_alt_names_deinit, NULL)

/* Text taken from a certificate: NULL when empty, always valid UTF-8. */
static char *
text_from_bytes (const char *data,
                 gsize       size)
{
  if (data == NULL || size == 0)
    return NULL;

  return g_utf8_make_valid (data, size);
}

typedef int (*DnByOidFunc) (gnutls_x509_crt_t  crt,
                            const char        *oid,
                            unsigned int       index,
                            unsigned int       raw,
                            void              *buffer,
                            size_t            *size);

/* The first value of the attribute oid in a subject or issuer DN, or NULL. */
static char *
dn_attribute (gnutls_x509_crt_t  crt,
              DnByOidFunc        get,
              const char        *oid)
{
  g_autofree char *buffer = NULL;
  size_t size = 0;

  if (get (crt, oid, 0, 0, NULL, &size) != GNUTLS_E_SHORT_MEMORY_BUFFER)
    return NULL;

  buffer = g_malloc0 (size + 1);
  if (get (crt, oid, 0, 0, buffer, &size) < 0)
    return NULL;

  return text_from_bytes (buffer, strlen (buffer));
}

typedef int (*DnFunc) (gnutls_x509_crt_t  crt,
                       gnutls_datum_t    *dn,
                       unsigned int       flags);

/* The RFC 4514 string of a subject or issuer DN; "" when it is empty. */
static char *
dn_string (gnutls_x509_crt_t crt,
           DnFunc            get)
{
  g_auto(gnutls_datum_t) dn = { NULL, 0 };
  char *text;

  if (get (crt, &dn, 0) < 0)
    return g_strdup ("");

  text = text_from_bytes ((const char *) dn.data, dn.size);
  return text != NULL ? text : g_strdup ("");
}

static char *
first_san_email (gnutls_x509_crt_t crt)
{
  g_auto(gnutls_datum_t) extension = { NULL, 0 };
  g_auto(gnutls_subject_alt_names_t) sans = NULL;

  if (gnutls_x509_crt_get_extension_by_oid2 (crt, GNUTLS_X509EXT_OID_SAN, 0,
                                             &extension, NULL) < 0 ||
      gnutls_subject_alt_names_init (&sans) < 0 ||
      gnutls_x509_ext_import_subject_alt_names (&extension, sans, 0) < 0)
    return NULL;

  for (guint i = 0; ; i++)
    {
      gnutls_datum_t san;
      unsigned int type;

      if (gnutls_subject_alt_names_get (sans, i, &type, &san, NULL) < 0)
        return NULL;

      if (type == GNUTLS_SAN_RFC822NAME && san.size > 0)
        return text_from_bytes ((const char *) san.data, san.size);
    }
}

static char *
find_user_id (gnutls_x509_crt_t crt)
{
  char *user_id;

  user_id = dn_attribute (crt, gnutls_x509_crt_get_dn_by_oid, GNUTLS_OID_LDAP_UID);
  if (user_id == NULL)
    user_id = first_san_email (crt);
  if (user_id == NULL)
    user_id = dn_attribute (crt, gnutls_x509_crt_get_dn_by_oid, GNUTLS_OID_PKCS9_EMAIL);

  return user_id;
}

static const char *
curve_display_name (gnutls_ecc_curve_t curve)
{
  switch (curve)
    {
    case GNUTLS_ECC_CURVE_SECP256R1:
      return "P-256";
    case GNUTLS_ECC_CURVE_SECP384R1:
      return "P-384";
    case GNUTLS_ECC_CURVE_SECP521R1:
      return "P-521";
    default:
      return gnutls_ecc_curve_get_name (curve);
    }
}

/* "ECDSA P-256", "RSA 2048", "Ed25519", … */
static char *
describe_key (gnutls_x509_crt_t crt)
{
  unsigned int bits = 0;
  int algorithm = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  const char *name;

  switch (algorithm)
    {
    case GNUTLS_PK_ECDSA:
      {
        g_auto(gnutls_datum_t) x = { NULL, 0 };
        g_auto(gnutls_datum_t) y = { NULL, 0 };
        gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
        const char *curve_name = NULL;

        if (gnutls_x509_crt_get_pk_ecc_raw (crt, &curve, &x, &y) == 0)
          curve_name = curve_display_name (curve);

        if (curve_name != NULL)
          return g_strdup_printf ("ECDSA %s", curve_name);
        return g_strdup_printf ("ECDSA %u", bits);
      }
    case GNUTLS_PK_EDDSA_ED25519:
      return g_strdup ("Ed25519");
    case GNUTLS_PK_EDDSA_ED448:
      return g_strdup ("Ed448");
    case GNUTLS_PK_RSA:
      return g_strdup_printf ("RSA %u", bits);
    case GNUTLS_PK_RSA_PSS:
      return g_strdup_printf ("RSA-PSS %u", bits);
    case GNUTLS_PK_DSA:
      return g_strdup_printf ("DSA %u", bits);
    default:
      name = algorithm >= 0 ? gnutls_pk_get_name (algorithm) : NULL;
      return g_strdup (name != NULL ? name : "Unknown");
    }
}

/* Issued by itself: the issuer DN is the subject DN, and the signature
 * verifies with the certificate's own key.  Validity dates, CA flags and
 * algorithm policy play no part in this. */
static gboolean
check_self_signed (gnutls_x509_crt_t crt)
{
  unsigned int status = 0;
  unsigned int flags = GNUTLS_VERIFY_DO_NOT_ALLOW_SAME |
                       GNUTLS_VERIFY_DISABLE_CA_SIGN |
                       GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
                       GNUTLS_VERIFY_ALLOW_BROKEN;

  if (!gnutls_x509_crt_check_issuer (crt, crt))
    return FALSE;

  if (gnutls_x509_crt_verify (crt, &crt, 1, flags, &status) < 0)
    return FALSE;

  return status == 0;
}

/* Builds the object from a parsed chain, leaf first; n_crts > 0. */
static ScPeerCertificate *
peer_certificate_new (gnutls_x509_crt_t  *crts,
                      guint               n_crts,
                      const char         *source,
                      GError            **error)
{
  g_autoptr(ScPeerCertificate) self = g_object_new (SC_TYPE_PEER_CERTIFICATE, NULL);
  gnutls_x509_crt_t leaf = crts[0];

  g_assert (n_crts > 0);

  for (guint i = 0; i < n_crts; i++)
    {
      g_auto(gnutls_datum_t) der = { NULL, 0 };
      g_autoptr(GBytes) bytes = NULL;
      int ret;

      ret = gnutls_x509_crt_export2 (crts[i], GNUTLS_X509_FMT_DER, &der);
      if (ret < 0)
        {
          g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE,
                       "Could not read certificate %u of %s: %s",
                       i + 1, source, gnutls_strerror (ret));
          return NULL;
        }

      bytes = g_bytes_new (der.data, der.size);
      g_ptr_array_add (self->fingerprints, sc_fingerprint_of_der (bytes));
      g_ptr_array_add (self->ders, g_steal_pointer (&bytes));
    }

  self->user_id = find_user_id (leaf);
  self->name = dn_attribute (leaf, gnutls_x509_crt_get_dn_by_oid, GNUTLS_OID_X520_COMMON_NAME);
  self->subject_dn = dn_string (leaf, gnutls_x509_crt_get_dn3);
  self->issuer_dn = dn_string (leaf, gnutls_x509_crt_get_issuer_dn3);
  self->issuer_name = dn_attribute (leaf, gnutls_x509_crt_get_issuer_dn_by_oid,
                                    GNUTLS_OID_X520_COMMON_NAME);
  if (self->issuer_name == NULL)
    self->issuer_name = g_strdup (self->issuer_dn);
  self->key_description = describe_key (leaf);
  self->not_before = gnutls_x509_crt_get_activation_time (leaf);
  self->not_after = gnutls_x509_crt_get_expiration_time (leaf);

  return g_steal_pointer (&self);
}

static void
crt_list_free (gnutls_x509_crt_t *crts,
               guint              n_crts)
{
  for (guint i = 0; i < n_crts; i++)
    gnutls_x509_crt_deinit (crts[i]);
  gnutls_free (crts);
}

static ScPeerCertificate *
new_from_pem_data (const char  *data,
                   gsize        length,
                   const char  *source,
                   GError     **error)
{
  gnutls_datum_t datum = { (unsigned char *) data, length };
  gnutls_x509_crt_t *crts = NULL;
  unsigned int n_crts = 0;
  ScPeerCertificate *self;
  int ret;

  if (length == 0 || length > G_MAXUINT)
    ret = GNUTLS_E_NO_CERTIFICATE_FOUND;
  else
    ret = gnutls_x509_crt_list_import2 (&crts, &n_crts, &datum, GNUTLS_X509_FMT_PEM, 0);

  if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND || (ret >= 0 && n_crts == 0))
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY,
                   "No certificate found in %s", source);
      return NULL;
    }
  if (ret < 0)
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE,
                   "Not a certificate in %s: %s", source, gnutls_strerror (ret));
      return NULL;
    }

  self = peer_certificate_new (crts, n_crts, source, error);
  crt_list_free (crts, n_crts);

  return self;
}

static gnutls_x509_crt_t
crt_from_der (GBytes      *der,
              const char  *source,
              GError     **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  gnutls_datum_t datum;
  gsize size;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;

  if (size == 0)
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY,
                   "No certificate found in %s", source);
      return NULL;
    }

  ret = gnutls_x509_crt_init (&crt);
  if (ret == 0)
    ret = size <= G_MAXUINT ? gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER)
                            : GNUTLS_E_ASN1_DER_ERROR;
  if (ret < 0)
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE,
                   "Not a certificate in %s: %s", source, gnutls_strerror (ret));
      return NULL;
    }

  return g_steal_pointer (&crt);
}

ScPeerCertificate *
sc_peer_certificate_new_from_der (GBytes * const  *ders,
                                  guint            n_ders,
                                  GError         **error)
{
  gnutls_x509_crt_t *crts;
  ScPeerCertificate *self = NULL;
  guint n_crts = 0;

  g_return_val_if_fail (ders != NULL || n_ders == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_ders == 0)
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY,
                   "No certificate found in an empty chain");
      return NULL;
    }

  for (guint i = 0; i < n_ders; i++)
    g_return_val_if_fail (ders[i] != NULL, NULL);

  crts = g_new0 (gnutls_x509_crt_t, n_ders);
  for (; n_crts < n_ders; n_crts++)
    {
      g_autofree char *source = g_strdup_printf ("DER certificate %u of %u",
                                                 n_crts + 1, n_ders);

      crts[n_crts] = crt_from_der (ders[n_crts], source, error);
      if (crts[n_crts] == NULL)
        break;
    }

  if (n_crts == n_ders)
    self = peer_certificate_new (crts, n_crts, "the DER chain", error);

  for (guint i = 0; i < n_crts; i++)
    gnutls_x509_crt_deinit (crts[i]);
  g_free (crts);

  return self;
}

ScPeerCertificate *
sc_peer_certificate_new_from_pem (const char  *data,
                                  gsize        length,
                                  GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return new_from_pem_data (data, length, "the PEM data", error);
}

/* PEM when the file holds a PEM header, else a single DER certificate. */
ScPeerCertificate *
sc_peer_certificate_new_from_file (const char  *path,
                                   GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GBytes) der = NULL;
  gsize length = 0;
  gnutls_x509_crt_t crt;
  ScPeerCertificate *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  source = g_strdup_printf ("“%s”", path);
  if (g_strstr_len (contents, length, "-----BEGIN ") != NULL)
    return new_from_pem_data (contents, length, source, error);

  der = g_bytes_new_take (g_steal_pointer (&contents), length);
  crt = crt_from_der (der, source, error);
  if (crt == NULL)
    return NULL;

  self = peer_certificate_new (&crt, 1, source, error);
  gnutls_x509_crt_deinit (crt);

  return self;
}

guint
sc_peer_certificate_get_length (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), 0);

  return self->ders->len;
}

/* Transfer none: the DER of chain member index (0 is the leaf). */
GBytes *
sc_peer_certificate_get_der (ScPeerCertificate *self,
                             guint              index)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);
  g_return_val_if_fail (index < self->ders->len, NULL);

  return g_ptr_array_index (self->ders, index);
}

const char *
sc_peer_certificate_get_fingerprint_at (ScPeerCertificate *self,
                                        guint              index)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);
  g_return_val_if_fail (index < self->fingerprints->len, NULL);

  return g_ptr_array_index (self->fingerprints, index);
}

char *
sc_peer_certificate_to_pem (ScPeerCertificate *self)
{
  GString *pem;

  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  pem = g_string_new (NULL);
  for (guint i = 0; i < self->ders->len; i++)
    {
      g_auto(gnutls_datum_t) encoded = { NULL, 0 };
      gnutls_datum_t datum;
      gsize size;
      int ret;

      datum.data = (unsigned char *) g_bytes_get_data (g_ptr_array_index (self->ders, i), &size);
      datum.size = size;

      ret = gnutls_pem_base64_encode2 ("CERTIFICATE", &datum, &encoded);
      g_assert (ret == 0);
      g_string_append_len (pem, (const char *) encoded.data, encoded.size);
    }

  return g_string_free (pem, FALSE);
}

const char *
sc_peer_certificate_get_user_id (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  return self->user_id;
}

const char *
sc_peer_certificate_get_name (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  return self->name;
}

const char *
sc_peer_certificate_get_fingerprint (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  return g_ptr_array_index (self->fingerprints, 0);
}

const char *
sc_peer_certificate_get_subject_dn (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  return self->subject_dn;
}

const char *
sc_peer_certificate_get_issuer_dn (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  return self->issuer_dn;
}

const char *
sc_peer_certificate_get_issuer_name (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  return self->issuer_name;
}

const char *
sc_peer_certificate_get_key_description (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), NULL);

  return self->key_description;
}

gint64
sc_peer_certificate_get_not_before (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), 0);

  return self->not_before;
}

gint64
sc_peer_certificate_get_not_after (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), 0);

  return self->not_after;
}

GPtrArray *
sc_crl_list_from_file (const char  *path,
                       GError     **error)
{
  g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *contents = NULL;
  gnutls_x509_crl_t *list = NULL;
  unsigned int n_list = 0;
  gnutls_datum_t datum;
  gsize length = 0;
  int ret;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  datum.data = (unsigned char *) contents;
  datum.size = (unsigned int) length;
  ret = gnutls_x509_crl_list_import2 (&list, &n_list, &datum,
                                      g_strstr_len (contents, length, "-----BEGIN ") != NULL
                                      ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);

  for (unsigned int i = 0; i < n_list; i++)
    {
      gnutls_datum_t der = { NULL, 0 };

      if (ret >= 0)
        ret = gnutls_x509_crl_export2 (list[i], GNUTLS_X509_FMT_DER, &der);
      if (ret >= 0)
        g_ptr_array_add (ders, g_bytes_new (der.data, der.size));
      gnutls_free (der.data);
      gnutls_x509_crl_deinit (list[i]);
    }
  gnutls_free (list);

  if (ret < 0)
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_PARSE,
                   "“%s” is not a certificate revocation list: %s", path, gnutls_strerror (ret));
      return NULL;
    }

  if (ders->len == 0)
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_EMPTY,
                   "No certificate revocation list found in “%s”", path);
      return NULL;
    }

  return g_steal_pointer (&ders);
}

char *
sc_crl_get_issuer_dn (GBytes *der)
{
  gnutls_x509_crl_t crl = NULL;
  gnutls_datum_t datum;
  gnutls_datum_t issuer = { NULL, 0 };
  char *result = NULL;
  gsize size;

  g_return_val_if_fail (der != NULL, NULL);

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = (unsigned int) size;
  if (gnutls_x509_crl_init (&crl) == 0
      && gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_DER) == 0
      && gnutls_x509_crl_get_issuer_dn3 (crl, &issuer, 0) == 0)
    result = g_strndup ((const char *) issuer.data, issuer.size);

  gnutls_free (issuer.data);
  g_clear_pointer (&crl, gnutls_x509_crl_deinit);

  return result;
}

/* The leaf's answer to check from the memo, asked once. */
static gboolean
memo_leaf (ScPeerCertificate *self,
           int               *memo,
           gboolean         (*check) (gnutls_x509_crt_t crt))
{
  int state = g_atomic_int_get (memo);

  if (state == MEMO_UNKNOWN)
    {
      GBytes *der = g_ptr_array_index (self->ders, 0);
      gnutls_datum_t datum;
      gnutls_x509_crt_t leaf = NULL;
      gsize size;

      datum.data = (unsigned char *) g_bytes_get_data (der, &size);
      datum.size = (unsigned int) size;
      state = MEMO_NO;
      if (gnutls_x509_crt_init (&leaf) == 0
          && gnutls_x509_crt_import (leaf, &datum, GNUTLS_X509_FMT_DER) == 0
          && check (leaf))
        state = MEMO_YES;
      g_clear_pointer (&leaf, gnutls_x509_crt_deinit);
      g_atomic_int_set (memo, state);
    }

  return state == MEMO_YES;
}

gboolean
sc_peer_certificate_is_self_signed (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), FALSE);

  return memo_leaf (self, &self->self_signed, check_self_signed);
}

/* A signature that verifies with the certificate's own key, by the rules
 * of chain verification: an insecure algorithm does not count as a bad
 * signature here (the verifier judges algorithms itself). */
static gboolean
check_self_signature (gnutls_x509_crt_t crt)
{
  const unsigned int flags = GNUTLS_VERIFY_DISABLE_CA_SIGN
                             | GNUTLS_VERIFY_DO_NOT_ALLOW_SAME
                             | GNUTLS_VERIFY_DISABLE_TIME_CHECKS
                             | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  unsigned int status = 0;

  return gnutls_x509_crt_verify (crt, &crt, 1, flags, &status) == 0
         && !(status & GNUTLS_CERT_SIGNATURE_FAILURE);
}

gboolean
sc_peer_certificate_self_signature_verifies (ScPeerCertificate *self)
{
  g_return_val_if_fail (SC_IS_PEER_CERTIFICATE (self), FALSE);

  return memo_leaf (self, &self->self_signature_verifies, check_self_signature);
}

char *
sc_fingerprint_of_der (GBytes *der)
{
  g_return_val_if_fail (der != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
}

/* Accepts hex digits in any case, optionally separated by colons or
 * whitespace ("AB:12:…", "ab12 cd34 …"). */
char *
sc_fingerprint_normalize (const char  *text,
                          GError     **error)
{
  g_autoptr(GString) hex = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  hex = g_string_sized_new (FINGERPRINT_BYTES * 2);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ':' || g_ascii_isspace (*p))
        continue;

      if (!g_ascii_isxdigit (*p))
        {
          g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_FINGERPRINT,
                       "Not a fingerprint: it may only hold hexadecimal digits, "
                       "colons and spaces");
          return NULL;
        }

      g_string_append_c (hex, g_ascii_tolower (*p));
    }

  if (hex->len != FINGERPRINT_BYTES * 2)
    {
      g_set_error (error, SC_CERTIFICATE_ERROR, SC_CERTIFICATE_ERROR_FINGERPRINT,
                   "Not a SHA-256 fingerprint: it has %" G_GSIZE_FORMAT " hexadecimal "
                   "digits instead of %d",
                   hex->len, FINGERPRINT_BYTES * 2);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&hex), FALSE);
}

char *
sc_fingerprint_format (const char *fingerprint)
{
  g_autofree char *normalized = NULL;
  GString *formatted;

  g_return_val_if_fail (fingerprint != NULL, NULL);

  normalized = sc_fingerprint_normalize (fingerprint, NULL);
  g_return_val_if_fail (normalized != NULL, NULL);

  formatted = g_string_sized_new (FINGERPRINT_BYTES * 2 + FINGERPRINT_BYTES / 2);
  for (guint i = 0; normalized[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (formatted, ' ');
      g_string_append_c (formatted, g_ascii_toupper (normalized[i]));
    }

  return g_string_free (formatted, FALSE);
}

/* local@domain: one '@' with text on both sides, valid UTF-8 of at most
 * USER_ID_MAX_BYTES bytes, no whitespace or control characters. */
gboolean
sc_user_id_is_valid (const char *user_id)
{
  const char *at;

  if (user_id == NULL || strlen (user_id) > USER_ID_MAX_BYTES ||
      !g_utf8_validate (user_id, -1, NULL))
    return FALSE;

  for (const char *p = user_id; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        return FALSE;
    }

  at = strchr (user_id, '@');

  return at != NULL && at != user_id && at[1] != '\0' && strchr (at + 1, '@') == NULL;
}

/* Without surrounding whitespace, ASCII letters in lower case. */
char *
sc_user_id_normalize (const char *user_id)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (user_id != NULL, NULL);

  stripped = g_strstrip (g_strdup (user_id));

  return g_ascii_strdown (stripped, -1);
}

/* A missing user ID equals nothing, not even another missing one. */
gboolean
sc_user_id_equal (const char *a,
                  const char *b)
{
  g_autofree char *normal_a = NULL;
  g_autofree char *normal_b = NULL;

  if (a == NULL || b == NULL)
    return FALSE;

  normal_a = sc_user_id_normalize (a);
  normal_b = sc_user_id_normalize (b);

  return strcmp (normal_a, normal_b) == 0;
}

static void
sc_peer_certificate_finalize (GObject *object)
{
  ScPeerCertificate *self = SC_PEER_CERTIFICATE (object);

  g_clear_pointer (&self->ders, g_ptr_array_unref);
  g_clear_pointer (&self->fingerprints, g_ptr_array_unref);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->subject_dn, g_free);
  g_clear_pointer (&self->issuer_dn, g_free);
  g_clear_pointer (&self->issuer_name, g_free);
  g_clear_pointer (&self->key_description, g_free);

  G_OBJECT_CLASS (sc_peer_certificate_parent_class)->finalize (object);
}

static void
sc_peer_certificate_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ScPeerCertificate *self = SC_PEER_CERTIFICATE (object);

  switch (prop_id)
    {
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, sc_peer_certificate_get_fingerprint (self));
      break;
    case PROP_ISSUER_NAME:
      g_value_set_string (value, self->issuer_name);
      break;
    case PROP_NOT_BEFORE:
      g_value_set_int64 (value, self->not_before);
      break;
    case PROP_NOT_AFTER:
      g_value_set_int64 (value, self->not_after);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_peer_certificate_class_init (ScPeerCertificateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sc_peer_certificate_finalize;
  object_class->get_property = sc_peer_certificate_get_property;

  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_ISSUER_NAME] =
    g_param_spec_string ("issuer-name", NULL, NULL, NULL, flags);
  properties[PROP_NOT_BEFORE] =
    g_param_spec_int64 ("not-before", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_NOT_AFTER] =
    g_param_spec_int64 ("not-after", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_peer_certificate_init (ScPeerCertificate *self)
{
  self->ders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->fingerprints = g_ptr_array_new_with_free_func (g_free);
}
