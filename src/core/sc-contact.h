/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SC_CONTACT_NAME_MAX_BYTES 256

#define SC_TYPE_CONTACT (sc_contact_get_type ())
G_DECLARE_FINAL_TYPE (ScContact, sc_contact, SC, CONTACT, GObject)

/* A person in the contact list, as the store keeps it.  A plain value
 * object: setters normalize and notify only on a real change; nothing is
 * saved until sc_store_save_contact().  Not thread-safe: use one from a
 * single thread at a time (the async store calls copy it).  A NULL name or
 * user ID is the same as "". */
ScContact          *sc_contact_new                 (const char         *name,
                                                    const char         *user_id);
/* A new contact with the same properties, id included. */
ScContact          *sc_contact_copy                (ScContact          *self);

/* Checks what the store needs: a name of 1–256 bytes of UTF-8, a valid user
 * ID, addresses that sc_address_parse() accepts, a valid fingerprint or
 * none.  SC_STORE_ERROR_INVALID with a sentence for people otherwise. */
gboolean            sc_contact_validate            (ScContact          *self,
                                                    GError            **error);

/* 0 until the contact is saved. */
gint64              sc_contact_get_id              (ScContact          *self);
void                sc_contact_set_id              (ScContact          *self,
                                                    gint64              id);
const char         *sc_contact_get_name            (ScContact          *self);
void                sc_contact_set_name            (ScContact          *self,
                                                    const char         *name);
/* Normalized with sc_user_id_normalize(). */
const char         *sc_contact_get_user_id         (ScContact          *self);
void                sc_contact_set_user_id         (ScContact          *self,
                                                    const char         *user_id);
/* Last known or typed addresses, most recent first ("[2001:db8::1]:4605");
 * the setter strips each one and leaves out empty ones.  Never NULL. */
const char * const *sc_contact_get_addresses       (ScContact          *self);
void                sc_contact_set_addresses       (ScContact          *self,
                                                    const char * const *addresses);
/* The pinned certificate's SHA-256 (64 lowercase hex digits), or NULL.
 * Text that is not a fingerprint is kept as typed, for
 * sc_contact_validate() to refuse; "" means none. */
const char         *sc_contact_get_fingerprint     (ScContact          *self);
void                sc_contact_set_fingerprint     (ScContact          *self,
                                                    const char         *fingerprint);
/* The last certificate chain (PEM) seen from them or read from a file, or
 * NULL; "" means none. */
const char         *sc_contact_get_certificate_pem (ScContact          *self);
void                sc_contact_set_certificate_pem (ScContact          *self,
                                                    const char         *certificate_pem);
/* UNIX seconds; 0: never. */
gint64              sc_contact_get_last_seen       (ScContact          *self);
void                sc_contact_set_last_seen       (ScContact          *self,
                                                    gint64              last_seen);
/* UNIX seconds; the store sets it on the first save when it is 0. */
gint64              sc_contact_get_created         (ScContact          *self);
void                sc_contact_set_created         (ScContact          *self,
                                                    gint64              created);

G_END_DECLS
