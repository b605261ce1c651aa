/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Splits "[2001:db8::1]:4605", "[fe80::1%eth0]", "fe80::1%eth0", "::1",
 * "192.0.2.1:4605", "host.example" or "host.example:4605" into a host and a
 * port (default_port when none is written).  A bare IPv6 literal takes no
 * port: write it in brackets to give one. */
gboolean  sc_address_parse            (const char    *text,
                                       guint16        default_port,
                                       char         **host,
                                       guint16       *port,
                                       GError       **error);

/* Every address of host (a literal, with an optional %zone, or a name),
 * IPv6 first, each a GInetSocketAddress with port.  Blocks on DNS: call it
 * from a worker thread only. */
GList    *sc_address_resolve          (const char    *host,
                                       guint16        port,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* "[::1]:4605", "[fe80::1%2]:4605" or "127.0.0.1:4605". */
char     *sc_address_to_string        (GSocketAddress *address);

G_END_DECLS
