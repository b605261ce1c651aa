/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-peer-certificate.h"
#include "sc-trust-settings.h"

G_BEGIN_DECLS

typedef enum
{
  SC_PURPOSE_CLIENT,  /* EKU clientAuth: every SixChat peer, both directions */
  SC_PURPOSE_SERVER,  /* EKU serverAuth: for `cert verify --purpose server` and x509-limbo */
} ScPurpose;

typedef enum
{
  SC_VERDICT_REJECT,
  SC_VERDICT_ASK,
  SC_VERDICT_ALLOW,
} ScVerdict;

typedef enum
{
  /* 1. blocked → REJECT */
  SC_REASON_BLOCKED_FINGERPRINT,
  SC_REASON_BLOCKED_USER,
  SC_REASON_BLOCKED_ISSUER,        /* a certificate in the chain, or its anchor, is blocked */
  /* 2. broken → REJECT */
  SC_REASON_EXPIRED,
  SC_REASON_NOT_YET_VALID,
  SC_REASON_REVOKED,
  SC_REASON_BAD_SIGNATURE,
  SC_REASON_CA_AS_LEAF,
  SC_REASON_BAD_EKU,
  SC_REASON_BAD_CRL,               /* an issuer's CRL does not verify */
  SC_REASON_INVALID_CHAIN,         /* malformed, or fails RFC 5280 path rules */
  SC_REASON_NO_USER_ID,            /* the leaf names no user ID */
  /* 3. allowed → ALLOW */
  SC_REASON_PINNED,
  SC_REASON_ALLOWED_USER,
  /* 4. everyone else → ASK (policy ask) or REJECT (policy reject) */
  SC_REASON_STRANGER_VERIFIED,     /* verified by a trusted issuer, not on the allow list */
  SC_REASON_STRANGER_SELF_SIGNED,
  SC_REASON_STRANGER_UNKNOWN_ISSUER,
} ScReason;

/* The result of judging one certificate chain. */
typedef struct
{
  ScVerdict  verdict;
  ScReason   reason;
  char      *detail;              /* one human-readable sentence (translatable) */
  gboolean   verified;            /* the chain verified to a trusted issuer, nothing broken */
  char      *issuer_name;         /* the trusted issuer's CN when verified, else NULL */
  char      *issuer_fingerprint;  /* the trusted issuer's fingerprint when verified, else NULL */
} ScTrustDecision;

#define SC_TYPE_TRUST_DECISION (sc_trust_decision_get_type ())
GType            sc_trust_decision_get_type   (void) G_GNUC_CONST;
ScTrustDecision *sc_trust_decision_copy       (const ScTrustDecision *decision);
void             sc_trust_decision_free       (ScTrustDecision       *decision);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTrustDecision, sc_trust_decision_free)

const char      *sc_verdict_to_string         (ScVerdict              verdict);  /* "allow", "ask", "reject" */
const char      *sc_reason_to_string          (ScReason               reason);   /* "blocked-fingerprint", … */

#define SC_TYPE_TRUST_POLICY (sc_trust_policy_get_type ())
G_DECLARE_FINAL_TYPE (ScTrustPolicy, sc_trust_policy, SC, TRUST_POLICY, GObject)

/* Immutable once built; sc_trust_policy_decide() may be called from any
 * number of threads at once.  Fails when an anchor or CRL does not parse. */
ScTrustPolicy   *sc_trust_policy_new          (const ScTrustSettings *settings,
                                               GError               **error);
/* at: UNIX time in seconds to validate at, or -1 for now. */
ScTrustDecision *sc_trust_policy_decide       (ScTrustPolicy         *self,
                                               ScPeerCertificate     *chain,
                                               gint64                 at,
                                               ScPurpose              purpose);

G_END_DECLS
