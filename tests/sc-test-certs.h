/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define SC_TEST_OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define SC_TEST_OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define SC_TEST_OID_ANY_EKU     "2.5.29.37.0"

typedef enum
{
  SC_TEST_EKU_DEFAULT,    /* clientAuth + serverAuth (CA certificates: no EKU) */
  SC_TEST_EKU_NONE,       /* no extendedKeyUsage extension at all */
  SC_TEST_EKU_EMPTY,      /* an extension present but listing no purpose */
  SC_TEST_EKU_SERVER,     /* serverAuth only */
  SC_TEST_EKU_CLIENT,     /* clientAuth only */
  SC_TEST_EKU_ANY,        /* anyExtendedKeyUsage only */
} ScTestEku;

/* What to put in a test certificate; zeroed fields take sensible defaults. */
typedef struct
{
  const char *cn;           /* subject CN */
  const char *uid;          /* subject UID (0.9.2342.19200300.100.1.1) */
  const char *san_email;    /* SAN rfc822Name */
  const char *email;        /* subject emailAddress */
  gboolean    is_ca;        /* basicConstraints cA=TRUE, keyUsage keyCertSign+cRLSign */
  gboolean    ca_no_crl_sign; /* a CA without cRLSign in its keyUsage */
  gboolean    ca_digital_signature; /* a CA that may also sign TLS handshakes */
  ScTestEku   eku;
  gint64      not_before;   /* UNIX seconds; 0: now - 1 hour */
  gint64      not_after;    /* UNIX seconds; 0: now + 365 days */
  gboolean    rsa;          /* RSA 2048 instead of ECDSA P-256 */
  guint64     serial;       /* 0: random */
} ScTestCertSpec;

typedef struct
{
  gnutls_x509_crt_t      crt;
  gnutls_x509_privkey_t  key;
} ScTestCert;

/* issuer NULL: self-signed. Aborts the test on any GnuTLS failure. */
ScTestCert *sc_test_cert_new          (const ScTestCertSpec *spec,
                                       ScTestCert           *issuer);
void        sc_test_cert_free         (ScTestCert           *cert);
char       *sc_test_cert_pem          (ScTestCert           *cert);
char       *sc_test_cert_key_pem      (ScTestCert           *cert);
GBytes     *sc_test_cert_der          (ScTestCert           *cert);
char       *sc_test_cert_fingerprint  (ScTestCert           *cert);  /* 64 lowercase hex */
/* A leaf whose signature bytes were altered after signing. */
char       *sc_test_cert_pem_corrupt_signature (ScTestCert  *cert);

/* A CRL signed by issuer revoking the given certificates (may be none).
 * signer: who signs it (normally issuer; another key makes a CRL that
 * fails verification). */
char       *sc_test_crl_pem           (ScTestCert           *issuer,
                                       ScTestCert           *signer,
                                       ScTestCert          **revoked,
                                       guint                 n_revoked);
GBytes     *sc_test_crl_der           (ScTestCert           *issuer,
                                       ScTestCert           *signer,
                                       ScTestCert          **revoked,
                                       guint                 n_revoked);

/* Writes <dir>/identity.crt (leaf + chain PEM) and <dir>/identity.key, so a
 * profile directory uses this certificate as its identity. chain may be NULL. */
void        sc_test_install_identity  (const char           *profile_dir,
                                       ScTestCert           *leaf,
                                       ScTestCert          **chain,
                                       guint                 n_chain);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTestCert, sc_test_cert_free)

G_END_DECLS
