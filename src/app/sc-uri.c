/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "sc-address.h"
#include "sc-peer-certificate.h"
#include "sc-protocol.h"
#include "sc-uri.h"

#define SCHEME "sixchat:"

static gboolean
fail (GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);

  return FALSE;
}

/* Percent-decoded text, or NULL for a bad escape, an escaped NUL or bytes
 * that are not UTF-8. */
static char *
decode (const char *text)
{
  g_autofree char *decoded = g_uri_unescape_string (text, NULL);

  if (decoded == NULL || !g_utf8_validate (decoded, -1, NULL))
    return NULL;

  return g_steal_pointer (&decoded);
}

static gboolean
parse_parameter (const char  *parameter,
                 char       **address,
                 GError     **error)
{
  const char *equals = strchr (parameter, '=');
  g_autofree char *raw_key = g_strndup (parameter, equals != NULL ? (gsize) (equals - parameter)
                                                                  : strlen (parameter));
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) address_error = NULL;
  guint16 port;

  key = decode (raw_key);
  if (key == NULL)
    return fail (error, _("Invalid percent-encoding in the link"));

  if (g_strcmp0 (key, "address") != 0)
    return fail (error, _("Unknown parameter “%s” in the link"), key);
  if (*address != NULL)
    return fail (error, _("The link gives more than one address"));
  if (equals == NULL || equals[1] == '\0')
    return fail (error, _("The link’s address is empty"));

  value = decode (equals + 1);
  if (value == NULL)
    return fail (error, _("Invalid percent-encoding in the link"));

  if (!sc_address_parse (value, SC_PROTOCOL_DEFAULT_PORT, &host, &port, &address_error))
    return fail (error, _("Invalid address in the link: %s"), address_error->message);

  *address = g_strstrip (g_steal_pointer (&value));
  return TRUE;
}

gboolean
sc_uri_parse (const char  *uri,
              char       **user_id,
              char       **address,
              GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *found_user_id = NULL;
  g_autofree char *found_address = NULL;
  const char *rest;
  const char *query;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (user_id != NULL, FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (strlen (uri) > SC_URI_MAX_LENGTH)
    return fail (error, _("The link is too long"));

  for (const char *p = uri; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return fail (error, _("The link contains spaces or control characters"));

  if (g_ascii_strncasecmp (uri, SCHEME, strlen (SCHEME)) != 0)
    return fail (error, _("Not a sixchat: link"));

  rest = uri + strlen (SCHEME);
  if (g_str_has_prefix (rest, "/"))
    return fail (error, _("A user ID follows “sixchat:” directly, as in sixchat:bob@example.org"));
  if (strchr (rest, '#') != NULL)
    return fail (error, _("Unexpected “#” in the link"));

  query = strchr (rest, '?');
  path = query != NULL ? g_strndup (rest, query - rest) : g_strdup (rest);
  if (path[0] == '\0')
    return fail (error, _("The link names no user ID"));

  found_user_id = decode (path);
  if (found_user_id == NULL)
    return fail (error, _("Invalid percent-encoding in the link"));
  if (!sc_user_id_is_valid (found_user_id))
    return fail (error, _("“%s” is not a user ID, which looks like an e-mail address: "
                          "bob@example.org"), found_user_id);

  if (query != NULL && query[1] != '\0')
    {
      g_auto(GStrv) parameters = g_strsplit (query + 1, "&", -1);

      for (guint i = 0; parameters[i] != NULL; i++)
        if (!parse_parameter (parameters[i], &found_address, error))
          return FALSE;
    }

  *user_id = g_steal_pointer (&found_user_id);
  *address = g_steal_pointer (&found_address);
  return TRUE;
}
