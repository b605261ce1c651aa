/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sc-peer-certificate.h"
#include "sc-trust-policy.h"

G_BEGIN_DECLS

/* The strict certificate-chain verifier behind ScTrustPolicy: GnuTLS path
 * validation plus the RFC 5280 rules GnuTLS leaves out, CRLs that fail closed,
 * and validation at any given time.  Internal to libsixchat-core. */

typedef enum
{
  SC_VERIFY_TRUSTED,         /* a path to a trust anchor, nothing broken */
  SC_VERIFY_UNKNOWN_ISSUER,  /* no path to a trust anchor, nothing broken found */
  SC_VERIFY_BROKEN,          /* see reason and detail */
} ScVerifyStatus;

typedef struct
{
  ScVerifyStatus  status;
  ScReason        reason;              /* BROKEN: one of the "broken" reasons */
  char           *detail;              /* BROKEN: one sentence saying what is wrong */
  gboolean        self_signed;         /* UNKNOWN_ISSUER: the leaf is self-signed */
  /* The anchor a path led to: set when TRUSTED, and when BROKEN on such a path. */
  char           *anchor_name;
  char           *anchor_fingerprint;
} ScVerifyResult;

void            sc_verify_result_free  (ScVerifyResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScVerifyResult, sc_verify_result_free)

/* Immutable; sc_verifier_verify() may run in any number of threads at once. */
typedef struct _ScVerifier ScVerifier;

/* anchors, crls: GBytes of DER.  Fails when one of them does not parse. */
ScVerifier     *sc_verifier_new        (GPtrArray          *anchors,
                                        GPtrArray          *crls,
                                        GError            **error);
void            sc_verifier_free       (ScVerifier         *self);
/* at: UNIX time in seconds. */
ScVerifyResult *sc_verifier_verify     (ScVerifier         *self,
                                        ScPeerCertificate  *chain,
                                        gint64              at,
                                        ScPurpose           purpose);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScVerifier, sc_verifier_free)

G_END_DECLS
