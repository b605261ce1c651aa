/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest sixchat: link taken, in bytes. */
#define SC_URI_MAX_LENGTH 2048

/* Reads a sixchat: link, the way to hand someone your user ID and address:
 *
 *   sixchat:bob@example.org
 *   sixchat:bob@example.org?address=[2001:db8::1]:4605
 *
 * The scheme in any case, then a user ID and at most one address= parameter
 * (anything sc_address_parse() takes: [v6]:port, v6, v4:port, host:port),
 * both percent-decoded.  Anything else (an authority, a fragment, another
 * parameter, bad escapes) is refused with G_IO_ERROR_INVALID_ARGUMENT and a
 * message for people.  On success *user_id is set and *address is the
 * address or NULL when the link has none. */
gboolean sc_uri_parse (const char  *uri,
                       char       **user_id,
                       char       **address,
                       GError     **error);

G_END_DECLS
