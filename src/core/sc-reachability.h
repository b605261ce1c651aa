/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How far an address reaches, best first: the order in which addresses are
 * offered to others. */
typedef enum
{
  SC_ADDRESS_SCOPE_GLOBAL_IPV6,        /* every IPv6 address not named below */
  SC_ADDRESS_SCOPE_PUBLIC_IPV4,        /* every IPv4 address not named below */
  SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6,  /* fc00::/7 */
  SC_ADDRESS_SCOPE_PRIVATE_IPV4,       /* 10/8, 172.16/12, 192.168/16 (RFC 1918),
                                        * 100.64/10 (CGNAT) */
  SC_ADDRESS_SCOPE_LINK_LOCAL,         /* fe80::/10, 169.254/16 */
  SC_ADDRESS_SCOPE_LOOPBACK,           /* ::1, 127/8 */
} ScAddressScope;

/* One address at which others can reach this node's listener. */
typedef struct
{
  char           *address;    /* for others to type: "[2001:db8::1]:4605", "192.168.1.5:4605",
                               * "[fe80::1%eth0]:4605" */
  ScAddressScope  scope;
  char           *interface;  /* "eth0", or NULL when the listener's address is on no
                               * interface that lists it */
} ScReachableAddress;

#define SC_TYPE_REACHABLE_ADDRESS (sc_reachable_address_get_type ())
GType               sc_reachable_address_get_type  (void) G_GNUC_CONST;
ScReachableAddress *sc_reachable_address_copy      (const ScReachableAddress *address);
void                sc_reachable_address_free      (ScReachableAddress       *address);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScReachableAddress, sc_reachable_address_free)

/* By shape alone: documentation ranges (2001:db8::/32, 192.0.2/24, …) are
 * global or public like any other, and an IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) classifies as the IPv4 address inside. */
ScAddressScope      sc_address_classify            (GInetAddress             *address);
/* "global-ipv6", "public-ipv4", "unique-local-ipv6", "private-ipv4",
 * "link-local", "loopback" */
const char         *sc_address_scope_to_string     (ScAddressScope            scope);

/* The ScReachableAddress (best first) at which others reach a listener on
 * listen_address ("::", "0.0.0.0", "::1", "[fe80::1%eth0]", …) and port, as
 * ScUserAgent binds it: "::" covers every IPv6 and IPv4 address, "0.0.0.0"
 * every IPv4 address, any other address only itself.  Loopback addresses
 * count only when the listener is bound to one.  Reads the interface
 * addresses of this computer (getifaddrs(3)); sends nothing. */
GPtrArray          *sc_reachability_list           (const char               *listen_address,
                                                    guint16                   port,
                                                    GError                  **error);

/* One sentence for people on how far the addresses reach, or NULL when a
 * global IPv6 or public IPv4 address is among them. */
char               *sc_reachability_hint           (GPtrArray                *addresses);

G_END_DECLS
