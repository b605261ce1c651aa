/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-peer-certificate.h"

G_BEGIN_DECLS

#define SC_IDENTITY_ERROR (sc_identity_error_quark ())

typedef enum
{
  SC_IDENTITY_ERROR_NOT_FOUND,      /* the profile holds no identity */
  SC_IDENTITY_ERROR_EXISTS,         /* an identity exists and REPLACE was not given */
  SC_IDENTITY_ERROR_INVALID,        /* bad name or user ID, unusable certificate */
  SC_IDENTITY_ERROR_KEY_MISMATCH,   /* certificate and key do not belong together */
  SC_IDENTITY_ERROR_PARSE,          /* unreadable PEM, DER or PKCS#12 */
  SC_IDENTITY_ERROR_PASSPHRASE,     /* wrong PKCS#12 passphrase */
  SC_IDENTITY_ERROR_IO,             /* a file could not be read or written */
} ScIdentityError;

GQuark sc_identity_error_quark (void);

typedef enum
{
  SC_IDENTITY_FLAGS_NONE    = 0,
  SC_IDENTITY_FLAGS_REPLACE = 1 << 0,  /* replace an existing identity */
} ScIdentityFlags;

#define SC_TYPE_IDENTITY (sc_identity_get_type ())
G_DECLARE_FINAL_TYPE (ScIdentity, sc_identity, SC, IDENTITY, GObject)

/* The user's own key and certificate chain, kept in a profile directory as
 * identity.crt (PEM chain, leaf first) and identity.key (PEM PKCS#8, 0600).
 * Every write is atomic: a failure leaves the previous files untouched. */
gboolean            sc_identity_exists            (const char       *profile_dir);
ScIdentity         *sc_identity_load              (const char       *profile_dir,
                                                   GError          **error);
/* ECDSA P-256 key, self-signed certificate: CN = name, subject UID and SAN
 * rfc822Name = user_id (stored as sc_user_id_normalize() gives it),
 * keyUsage digitalSignature, EKU clientAuth+serverAuth, valid for two years. */
ScIdentity         *sc_identity_create            (const char       *profile_dir,
                                                   const char       *name,
                                                   const char       *user_id,
                                                   ScIdentityFlags   flags,
                                                   GError          **error);
/* A PKCS#10 request (PEM) for the current key with the current name/user ID. */
char               *sc_identity_create_csr        (ScIdentity       *self,
                                                   GError          **error);
/* cert_path: PEM chain, leaf first.  key_path NULL keeps the profile's key
 * (the answer to a CSR) and needs no REPLACE; either way the leaf must match
 * the key. */
ScIdentity         *sc_identity_import            (const char       *profile_dir,
                                                   const char       *cert_path,
                                                   const char       *key_path,
                                                   ScIdentityFlags   flags,
                                                   GError          **error);
ScIdentity         *sc_identity_import_pkcs12     (const char       *profile_dir,
                                                   const char       *path,
                                                   const char       *passphrase,
                                                   ScIdentityFlags   flags,
                                                   GError          **error);
/* PBES2 with AES-256 for the key and the certificates. */
gboolean            sc_identity_export_pkcs12     (ScIdentity       *self,
                                                   const char       *path,
                                                   const char       *passphrase,
                                                   GError          **error);

const char         *sc_identity_get_profile_dir   (ScIdentity       *self);
ScPeerCertificate  *sc_identity_get_certificate   (ScIdentity       *self);
const char         *sc_identity_get_user_id       (ScIdentity       *self);
const char         *sc_identity_get_name          (ScIdentity       *self);
const char         *sc_identity_get_fingerprint   (ScIdentity       *self);
/* The private key as PEM (PKCS#8), for building TLS credentials; transfer
 * none.  The data is followed by a NUL (not counted) so it reads as a string. */
GBytes             *sc_identity_get_key_pem       (ScIdentity       *self);

G_END_DECLS
