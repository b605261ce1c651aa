/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sc-address.h"

static gboolean
parse_port (const char  *text,
            const char  *whole,
            guint16     *port,
            GError     **error)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid port “%s” in address “%s” (expected 1–65535)", text, whole);
      return FALSE;
    }

  *port = (guint16) value;
  return TRUE;
}

static gboolean
host_is_plausible (const char *host)
{
  if (host[0] == '\0')
    return FALSE;

  for (const char *p = host; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '/' || *p == '[' || *p == ']')
        return FALSE;
    }

  return TRUE;
}

gboolean
sc_address_parse (const char  *text,
                  guint16      default_port,
                  char       **host,
                  guint16     *port,
                  GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *found_host = NULL;
  guint16 found_port = default_port;
  const char *colon;

  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (port != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "No address given");
      return FALSE;
    }

  if (stripped[0] == '[')
    {
      const char *close = strchr (stripped, ']');

      if (close == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Missing “]” in address “%s”", stripped);
          return FALSE;
        }

      found_host = g_strndup (stripped + 1, close - stripped - 1);
      if (close[1] == ':')
        {
          if (!parse_port (close + 2, stripped, &found_port, error))
            return FALSE;
        }
      else if (close[1] != '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Unexpected text after “]” in address “%s”", stripped);
          return FALSE;
        }

      if (strchr (found_host, ':') == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Brackets are for IPv6 addresses, not “%s”", found_host);
          return FALSE;
        }
    }
  else if ((colon = strchr (stripped, ':')) != NULL && strchr (colon + 1, ':') == NULL)
    {
      found_host = g_strndup (stripped, colon - stripped);
      if (!parse_port (colon + 1, stripped, &found_port, error))
        return FALSE;
    }
  else
    {
      found_host = g_strdup (stripped);
    }

  if (!host_is_plausible (found_host))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid host in address “%s”", stripped);
      return FALSE;
    }

  if (strchr (found_host, ':') != NULL)
    {
      g_autoptr(GSocketAddress) literal = g_inet_socket_address_new_from_string (found_host, 1);

      if (literal == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       strchr (found_host, '%') != NULL
                       ? "Invalid IPv6 address or unknown network interface in “%s”"
                       : "Invalid IPv6 address “%s”",
                       found_host);
          return FALSE;
        }
    }

  *host = g_steal_pointer (&found_host);
  *port = found_port;
  return TRUE;
}

static int
family_rank (gconstpointer a,
             gconstpointer b)
{
  GSocketFamily fa = g_socket_address_get_family (G_SOCKET_ADDRESS ((gpointer) a));
  GSocketFamily fb = g_socket_address_get_family (G_SOCKET_ADDRESS ((gpointer) b));
  int ra = fa == G_SOCKET_FAMILY_IPV6 ? 0 : 1;
  int rb = fb == G_SOCKET_FAMILY_IPV6 ? 0 : 1;

  return ra - rb;
}

GList *
sc_address_resolve (const char    *host,
                    guint16        port,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GResolver) resolver = NULL;
  GSocketAddress *literal;
  GList *resolved;
  GList *result = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  literal = g_inet_socket_address_new_from_string (host, port);
  if (literal != NULL)
    return g_list_prepend (NULL, literal);

  resolver = g_resolver_get_default ();
  resolved = g_resolver_lookup_by_name (resolver, host, cancellable, error);
  if (resolved == NULL)
    return NULL;

  for (GList *l = resolved; l != NULL; l = l->next)
    result = g_list_prepend (result, g_inet_socket_address_new (l->data, port));
  g_resolver_free_addresses (resolved);

  /* g_list_sort is stable: the resolver's order is kept within a family. */
  return g_list_sort (g_list_reverse (result), family_rank);
}

char *
sc_address_to_string (GSocketAddress *address)
{
  GInetSocketAddress *inet;
  g_autofree char *ip = NULL;
  guint16 port;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), NULL);

  inet = G_INET_SOCKET_ADDRESS (address);
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  port = g_inet_socket_address_get_port (inet);

  /* A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d. */
  if (g_str_has_prefix (ip, "::ffff:") && strchr (ip, '.') != NULL)
    return g_strdup_printf ("%s:%u", ip + strlen ("::ffff:"), port);

  if (g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      guint32 scope = g_inet_socket_address_get_scope_id (inet);

      if (scope != 0)
        return g_strdup_printf ("[%s%%%u]:%u", ip, scope, port);
      return g_strdup_printf ("[%s]:%u", ip, port);
    }

  return g_strdup_printf ("%s:%u", ip, port);
}
