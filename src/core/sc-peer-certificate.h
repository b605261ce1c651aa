/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SC_CERTIFICATE_ERROR (sc_certificate_error_quark ())

typedef enum
{
  SC_CERTIFICATE_ERROR_PARSE,       /* not a certificate, or not PEM/DER */
  SC_CERTIFICATE_ERROR_EMPTY,       /* no certificate in the input */
  SC_CERTIFICATE_ERROR_FINGERPRINT, /* a fingerprint string that is not 32 hex bytes */
} ScCertificateError;

GQuark sc_certificate_error_quark (void);

#define SC_TYPE_PEER_CERTIFICATE (sc_peer_certificate_get_type ())
G_DECLARE_FINAL_TYPE (ScPeerCertificate, sc_peer_certificate, SC, PEER_CERTIFICATE, GObject)

/* An immutable, parsed X.509 certificate chain as a peer presents it: the leaf
 * first, then whatever intermediates it sent.  Safe to share between threads. */
ScPeerCertificate *sc_peer_certificate_new_from_der   (GBytes * const *ders,
                                                       guint           n_ders,
                                                       GError        **error);
ScPeerCertificate *sc_peer_certificate_new_from_pem   (const char     *data,
                                                       gsize           length,
                                                       GError        **error);
/* PEM or DER, detected; a file that cannot be read fails with G_FILE_ERROR. */
ScPeerCertificate *sc_peer_certificate_new_from_file  (const char     *path,
                                                       GError        **error);

/* get_der: transfer none; index 0 is the leaf. */
guint       sc_peer_certificate_get_length          (ScPeerCertificate *self);
GBytes     *sc_peer_certificate_get_der             (ScPeerCertificate *self,
                                                     guint              index);
const char *sc_peer_certificate_get_fingerprint_at  (ScPeerCertificate *self,
                                                     guint              index);
char       *sc_peer_certificate_to_pem              (ScPeerCertificate *self);

/* Of the leaf. The user ID is the subject UID, else the first SAN rfc822Name,
 * else the subject emailAddress; NULL when the certificate carries none.
 * The name is the subject CN (NULL when absent). */
const char *sc_peer_certificate_get_user_id         (ScPeerCertificate *self);
const char *sc_peer_certificate_get_name            (ScPeerCertificate *self);
const char *sc_peer_certificate_get_fingerprint     (ScPeerCertificate *self);
const char *sc_peer_certificate_get_subject_dn      (ScPeerCertificate *self);
const char *sc_peer_certificate_get_issuer_dn       (ScPeerCertificate *self);
/* The issuer's CN, else its whole DN. */
const char *sc_peer_certificate_get_issuer_name     (ScPeerCertificate *self);
const char *sc_peer_certificate_get_key_description (ScPeerCertificate *self);
gint64      sc_peer_certificate_get_not_before      (ScPeerCertificate *self);
gint64      sc_peer_certificate_get_not_after       (ScPeerCertificate *self);
gboolean    sc_peer_certificate_is_self_signed      (ScPeerCertificate *self);
/* Whether the leaf's signature verifies with its own key (whatever its
 * issuer name says); remembered, so asking again costs nothing. */
gboolean    sc_peer_certificate_self_signature_verifies (ScPeerCertificate *self);

/* Certificate revocation lists in a file: a PEM bundle or one DER CRL.
 * Returns each as DER (GBytes); SC_CERTIFICATE_ERROR_PARSE or _EMPTY name
 * the file when it holds none or one does not parse. */
GPtrArray  *sc_crl_list_from_file                   (const char        *path,
                                                     GError           **error);
/* The issuer DN of a DER CRL, or NULL when it does not parse. */
char       *sc_crl_get_issuer_dn                    (GBytes            *der);

/* SHA-256 fingerprints are kept as 64 lowercase hex digits. */
char       *sc_fingerprint_of_der                   (GBytes            *der);
char       *sc_fingerprint_normalize                (const char        *text,
                                                     GError           **error);
/* "AB12 CD34 …": 16 groups of four upper-case hex digits, for people. */
char       *sc_fingerprint_format                   (const char        *fingerprint);

/* User IDs look like e-mail addresses; they compare case-insensitively. */
gboolean    sc_user_id_is_valid                     (const char        *user_id);
char       *sc_user_id_normalize                    (const char        *user_id);
gboolean    sc_user_id_equal                        (const char        *a,
                                                     const char        *b);

G_END_DECLS
