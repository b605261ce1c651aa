/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "sc-reachability-private.h"

G_DEFINE_BOXED_TYPE (ScReachableAddress, sc_reachable_address,
                     sc_reachable_address_copy, sc_reachable_address_free)

ScReachableAddress *
sc_reachable_address_copy (const ScReachableAddress *address)
{
  ScReachableAddress *copy;

  g_return_val_if_fail (address != NULL, NULL);

  copy = g_new0 (ScReachableAddress, 1);
  copy->address = g_strdup (address->address);
  copy->scope = address->scope;
  copy->interface = g_strdup (address->interface);

  return copy;
}

void
sc_reachable_address_free (ScReachableAddress *address)
{
  if (address == NULL)
    return;

  g_free (address->address);
  g_free (address->interface);
  g_free (address);
}

ScInterfaceAddress *
sc_interface_address_new (const char   *interface,
                          GInetAddress *address)
{
  ScInterfaceAddress *self;

  g_return_val_if_fail (interface != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  self = g_new0 (ScInterfaceAddress, 1);
  self->interface = g_strdup (interface);
  self->address = g_object_ref (address);

  return self;
}

void
sc_interface_address_free (ScInterfaceAddress *address)
{
  if (address == NULL)
    return;

  g_free (address->interface);
  g_object_unref (address->address);
  g_free (address);
}

/* Classification */

static ScAddressScope
classify_ipv4 (const guint8 *bytes)
{
  if (bytes[0] == 127)
    return SC_ADDRESS_SCOPE_LOOPBACK;
  if (bytes[0] == 169 && bytes[1] == 254)
    return SC_ADDRESS_SCOPE_LINK_LOCAL;
  if (bytes[0] == 10
      || (bytes[0] == 172 && (bytes[1] & 0xf0) == 16)
      || (bytes[0] == 192 && bytes[1] == 168)
      || (bytes[0] == 100 && (bytes[1] & 0xc0) == 64))
    return SC_ADDRESS_SCOPE_PRIVATE_IPV4;

  return SC_ADDRESS_SCOPE_PUBLIC_IPV4;
}

static gboolean
is_ipv4_mapped (GInetAddress *address)
{
  static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  return g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
         && memcmp (g_inet_address_to_bytes (address), mapped_prefix, sizeof mapped_prefix) == 0;
}

/* address itself, or the IPv4 address inside an IPv4-mapped one. */
static GInetAddress *
unmap_ipv4 (GInetAddress *address)
{
  if (is_ipv4_mapped (address))
    return g_inet_address_new_from_bytes (g_inet_address_to_bytes (address) + 12,
                                          G_SOCKET_FAMILY_IPV4);

  return g_object_ref (address);
}

ScAddressScope
sc_address_classify (GInetAddress *address)
{
  const guint8 *bytes;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), SC_ADDRESS_SCOPE_LOOPBACK);

  bytes = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return classify_ipv4 (bytes);
  if (is_ipv4_mapped (address))
    return classify_ipv4 (bytes + 12);

  if (g_inet_address_get_is_loopback (address))
    return SC_ADDRESS_SCOPE_LOOPBACK;
  if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80)
    return SC_ADDRESS_SCOPE_LINK_LOCAL;
  if ((bytes[0] & 0xfe) == 0xfc)
    return SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6;

  return SC_ADDRESS_SCOPE_GLOBAL_IPV6;
}

const char *
sc_address_scope_to_string (ScAddressScope scope)
{
  switch (scope)
    {
    case SC_ADDRESS_SCOPE_GLOBAL_IPV6:
      return "global-ipv6";
    case SC_ADDRESS_SCOPE_PUBLIC_IPV4:
      return "public-ipv4";
    case SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6:
      return "unique-local-ipv6";
    case SC_ADDRESS_SCOPE_PRIVATE_IPV4:
      return "private-ipv4";
    case SC_ADDRESS_SCOPE_LINK_LOCAL:
      return "link-local";
    case SC_ADDRESS_SCOPE_LOOPBACK:
      return "loopback";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Listing */

static ScReachableAddress *
reachable_address_new (GInetAddress   *address,
                       ScAddressScope  scope,
                       const char     *interface,
                       guint16         port)
{
  ScReachableAddress *self = g_new0 (ScReachableAddress, 1);
  g_autofree char *ip = g_inet_address_to_string (address);

  self->scope = scope;
  self->interface = g_strdup (interface);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    self->address = g_strdup_printf ("%s:%u", ip, port);
  else if (scope == SC_ADDRESS_SCOPE_LINK_LOCAL && interface != NULL)
    self->address = g_strdup_printf ("[%s%%%s]:%u", ip, interface, port);
  else
    self->address = g_strdup_printf ("[%s]:%u", ip, port);

  return self;
}

/* Splits "::", "[fe80::1%eth0]" or "fe80::1%2" into the address (unmapped)
 * and the zone as an interface name (NULL when none is written). */
static gboolean
parse_listen_address (const char    *text,
                      GInetAddress **address,
                      char         **zone,
                      GError       **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) parsed = NULL;
  gsize length = strlen (text);
  char *percent;

  if (length >= 2 && text[0] == '[' && text[length - 1] == ']')
    host = g_strndup (text + 1, length - 2);
  else
    host = g_strdup (text);

  percent = strchr (host, '%');
  if (percent != NULL)
    *percent = '\0';

  parsed = g_inet_address_new_from_string (host);
  if (parsed == NULL
      || (percent != NULL && (percent[1] == '\0'
                              || g_inet_address_get_family (parsed) != G_SOCKET_FAMILY_IPV6)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address to listen on", text);
      return FALSE;
    }

  *zone = NULL;
  if (percent != NULL)
    {
      guint64 index = 0;
      char name[IF_NAMESIZE];

      if (g_ascii_string_to_unsigned (percent + 1, 10, 1, G_MAXUINT32, &index, NULL)
          && if_indextoname ((unsigned int) index, name) != NULL)
        *zone = g_strdup (name);
      else
        *zone = g_strdup (percent + 1);
    }

  *address = unmap_ipv4 (parsed);
  return TRUE;
}

static int
compare_scope (gconstpointer a,
               gconstpointer b)
{
  const ScReachableAddress *address_a = *(ScReachableAddress * const *) a;
  const ScReachableAddress *address_b = *(ScReachableAddress * const *) b;

  return (int) address_a->scope - (int) address_b->scope;
}

GPtrArray *
sc_reachability_filter (GPtrArray   *interface_addresses,
                        const char  *listen_address,
                        guint16      port,
                        GError     **error)
{
  g_autoptr(GInetAddress) listen = NULL;
  g_autofree char *zone = NULL;
  g_autoptr(GPtrArray) result = NULL;

  g_return_val_if_fail (interface_addresses != NULL, NULL);
  g_return_val_if_fail (listen_address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parse_listen_address (listen_address, &listen, &zone, error))
    return NULL;

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_reachable_address_free);

  if (g_inet_address_get_is_any (listen))
    {
      /* "::" is bound dual-stack: it covers IPv4 as well. */
      gboolean ipv4_only = g_inet_address_get_family (listen) == G_SOCKET_FAMILY_IPV4;

      for (guint i = 0; i < interface_addresses->len; i++)
        {
          const ScInterfaceAddress *entry = interface_addresses->pdata[i];
          g_autoptr(GInetAddress) address = unmap_ipv4 (entry->address);
          ScAddressScope scope = sc_address_classify (address);

          if (scope == SC_ADDRESS_SCOPE_LOOPBACK
              || (ipv4_only && g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4))
            continue;

          g_ptr_array_add (result, reachable_address_new (address, scope, entry->interface, port));
        }
    }
  else
    {
      /* A socket bound to one address is reachable there alone, even where
       * no interface lists it (127.0.0.2 on lo). */
      const char *interface = zone;

      for (guint i = 0; interface == NULL && i < interface_addresses->len; i++)
        {
          const ScInterfaceAddress *entry = interface_addresses->pdata[i];
          g_autoptr(GInetAddress) address = unmap_ipv4 (entry->address);

          if (g_inet_address_equal (address, listen))
            interface = entry->interface;
        }

      g_ptr_array_add (result, reachable_address_new (listen, sc_address_classify (listen),
                                                      interface, port));
    }

  /* Stable: the interfaces' order is kept within a scope. */
  g_ptr_array_sort (result, compare_scope);

  return g_steal_pointer (&result);
}

/* The addresses of every interface that is up and running. */
static GPtrArray *
list_interface_addresses (GError **error)
{
  struct ifaddrs *list = NULL;
  GPtrArray *result;

  if (getifaddrs (&list) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot list the network interfaces: %s", g_strerror (saved_errno));
      return NULL;
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_interface_address_free);
  for (struct ifaddrs *entry = list; entry != NULL; entry = entry->ifa_next)
    {
      g_autoptr(GInetAddress) address = NULL;

      if (entry->ifa_addr == NULL
          || (entry->ifa_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING))
        continue;

      if (entry->ifa_addr->sa_family == AF_INET)
        address = g_inet_address_new_from_bytes (
          (const guint8 *) &((const struct sockaddr_in *) entry->ifa_addr)->sin_addr,
          G_SOCKET_FAMILY_IPV4);
      else if (entry->ifa_addr->sa_family == AF_INET6)
        address = g_inet_address_new_from_bytes (
          (const guint8 *) &((const struct sockaddr_in6 *) entry->ifa_addr)->sin6_addr,
          G_SOCKET_FAMILY_IPV6);
      else
        continue;

      g_ptr_array_add (result, sc_interface_address_new (entry->ifa_name, address));
    }
  freeifaddrs (list);

  return result;
}

GPtrArray *
sc_reachability_list (const char  *listen_address,
                      guint16      port,
                      GError     **error)
{
  g_autoptr(GPtrArray) interface_addresses = NULL;

  g_return_val_if_fail (listen_address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  interface_addresses = list_interface_addresses (error);
  if (interface_addresses == NULL)
    return NULL;

  return sc_reachability_filter (interface_addresses, listen_address, port, error);
}

char *
sc_reachability_hint (GPtrArray *addresses)
{
  ScAddressScope best = SC_ADDRESS_SCOPE_LOOPBACK;
  gboolean private_ipv4 = FALSE;

  g_return_val_if_fail (addresses != NULL, NULL);

  if (addresses->len == 0)
    return g_strdup ("Not reachable from other computers: no network address.");

  for (guint i = 0; i < addresses->len; i++)
    {
      const ScReachableAddress *address = addresses->pdata[i];

      best = MIN (best, address->scope);
      private_ipv4 |= address->scope == SC_ADDRESS_SCOPE_PRIVATE_IPV4;
    }

  switch (best)
    {
    case SC_ADDRESS_SCOPE_GLOBAL_IPV6:
    case SC_ADDRESS_SCOPE_PUBLIC_IPV4:
      return NULL;
    case SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6:
    case SC_ADDRESS_SCOPE_PRIVATE_IPV4:
      if (private_ipv4)
        return g_strdup ("Reachable only inside this network: no global IPv6 address "
                         "and only a private IPv4 address.");
      return g_strdup ("Reachable only inside this network: no global IPv6 address "
                       "and no public IPv4 address.");
    case SC_ADDRESS_SCOPE_LINK_LOCAL:
      return g_strdup ("Reachable only on this network link (link-local addresses).");
    case SC_ADDRESS_SCOPE_LOOPBACK:
      return g_strdup ("Reachable only on this computer.");
    default:
      g_return_val_if_reached (NULL);
    }
}
