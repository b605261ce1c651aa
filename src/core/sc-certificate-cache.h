/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sc-peer-certificate.h"

G_BEGIN_DECLS

/* The certificates an agent has parsed lately, by their exact DER bytes.
 * Contacts call again and again with the same chain; parsing it and
 * checking its self-signature (sc_peer_certificate_self_signature_verifies()
 * remembers the answer in the object) costs a good part of a handshake.
 * ScPeerCertificate is immutable, so one object serves every session.
 * Least recently used entries leave first.  Internal to libsixchat-core;
 * thread-safe. */
typedef struct _ScCertificateCache ScCertificateCache;

ScCertificateCache *sc_certificate_cache_new    (guint                max_entries);
void                sc_certificate_cache_free   (ScCertificateCache  *cache);
/* The chain for these DER certificates, leaf first: from the cache, or
 * parsed now and remembered.  A chain that does not parse is never kept. */
ScPeerCertificate  *sc_certificate_cache_lookup (ScCertificateCache  *cache,
                                                 GBytes * const      *ders,
                                                 guint                n_ders,
                                                 GError             **error);
guint               sc_certificate_cache_get_size (ScCertificateCache *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScCertificateCache, sc_certificate_cache_free)

G_END_DECLS
