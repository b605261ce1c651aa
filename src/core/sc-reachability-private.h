/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sc-reachability.h"

G_BEGIN_DECLS

/* One address of one network interface, as getifaddrs(3) lists it. */
typedef struct
{
  char         *interface;
  GInetAddress *address;
} ScInterfaceAddress;

ScInterfaceAddress *sc_interface_address_new   (const char         *interface,
                                                GInetAddress       *address);
void                sc_interface_address_free  (ScInterfaceAddress *address);

/* sc_reachability_list() on the given interface addresses (an array of
 * ScInterfaceAddress) instead of this computer's. */
GPtrArray          *sc_reachability_filter     (GPtrArray          *interface_addresses,
                                                const char         *listen_address,
                                                guint16             port,
                                                GError            **error);

G_END_DECLS
