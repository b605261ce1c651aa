/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SC_POLICY_ASK,     /* strangers may ask to be added (default) */
  SC_POLICY_REJECT,  /* strangers are refused in the handshake */
} ScPolicy;

/* A plain snapshot of everything the trust policy decides with, as the
 * profile database holds it.  Fingerprints are 64 lowercase hex digits;
 * user IDs are normalized with sc_user_id_normalize(). */
typedef struct
{
  GPtrArray  *anchors;             /* GBytes: DER of trusted issuer certificates */
  GPtrArray  *crls;                /* GBytes: DER of CRLs */
  GHashTable *allow_fingerprints;  /* set of fingerprints (pins) */
  GHashTable *allow_users;         /* set of user IDs */
  GHashTable *block_fingerprints;  /* set of fingerprints */
  GHashTable *block_users;         /* set of user IDs */
  GHashTable *block_issuers;       /* set of issuer certificate fingerprints */
  ScPolicy    policy;
} ScTrustSettings;

ScTrustSettings *sc_trust_settings_new          (void);
void             sc_trust_settings_free         (ScTrustSettings *settings);
const char      *sc_policy_to_string            (ScPolicy         policy);
gboolean         sc_policy_from_string          (const char      *text,
                                                 ScPolicy        *policy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTrustSettings, sc_trust_settings_free)

G_END_DECLS
