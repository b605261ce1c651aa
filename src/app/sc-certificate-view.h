/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-peer-certificate.h"
#include "sc-trust-policy.h"

G_BEGIN_DECLS

#define SC_TYPE_CERTIFICATE_VIEW (sc_certificate_view_get_type ())
G_DECLARE_FINAL_TYPE (ScCertificateView, sc_certificate_view, SC, CERTIFICATE_VIEW, AdwBin)

/* The peer's certificate status: name, user ID, issuer, validity, SHA-256
 * fingerprint in readable groups, and a verdict badge with its reason
 * (Pinned; Verified by <issuer>; Unverified, self-signed; Expires in N
 * days).  A Details button shows the whole chain.
 * Properties "certificate" (ScPeerCertificate) and "decision"
 * (ScTrustDecision, boxed); either may be NULL. */
GtkWidget *sc_certificate_view_new          (void);
void       sc_certificate_view_set_certificate (ScCertificateView     *self,
                                                ScPeerCertificate     *certificate,
                                                const ScTrustDecision *decision);

G_END_DECLS
