/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sc-address.h"
#include "sc-contact.h"
#include "sc-peer-certificate.h"
#include "sc-store.h"

struct _ScContact
{
  GObject   parent_instance;

  gint64    id;
  char     *name;
  char     *user_id;
  GStrv     addresses;
  char     *fingerprint;
  char     *certificate_pem;
  gint64    last_seen;
  gint64    created;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_USER_ID,
  PROP_ADDRESSES,
  PROP_FINGERPRINT,
  PROP_CERTIFICATE_PEM,
  PROP_LAST_SEEN,
  PROP_CREATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ScContact, sc_contact, G_TYPE_OBJECT)

/* Takes value; notifies when it differs from *field. */
static void
set_string (ScContact  *self,
            char      **field,
            char       *value,
            guint       prop)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }

  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int64 (ScContact *self,
           gint64    *field,
           gint64     value,
           guint      prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

ScContact *
sc_contact_new (const char *name,
                const char *user_id)
{
  return g_object_new (SC_TYPE_CONTACT,
                       "name", name,
                       "user-id", user_id,
                       NULL);
}

ScContact *
sc_contact_copy (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), NULL);

  return g_object_new (SC_TYPE_CONTACT,
                       "id", self->id,
                       "name", self->name,
                       "user-id", self->user_id,
                       "addresses", self->addresses,
                       "fingerprint", self->fingerprint,
                       "certificate-pem", self->certificate_pem,
                       "last-seen", self->last_seen,
                       "created", self->created,
                       NULL);
}

static gboolean
name_is_blank (const char *name)
{
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

gboolean
sc_contact_validate (ScContact  *self,
                     GError    **error)
{
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SC_IS_CONTACT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_utf8_validate (self->name, -1, NULL))
    {
      g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                           _("The contact’s name is not valid UTF-8 text"));
      return FALSE;
    }

  if (name_is_blank (self->name))
    {
      g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                           _("A contact needs a name"));
      return FALSE;
    }

  if (strlen (self->name) > SC_CONTACT_NAME_MAX_BYTES)
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                   _("The name is too long: %zu bytes, at most %d"),
                   strlen (self->name), SC_CONTACT_NAME_MAX_BYTES);
      return FALSE;
    }

  if (self->user_id[0] == '\0')
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                   _("%s needs a user ID, like name@example.org"), self->name);
      return FALSE;
    }

  if (!sc_user_id_is_valid (self->user_id))
    {
      g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                   _("“%s” is not a valid user ID: write it like name@example.org"),
                   self->user_id);
      return FALSE;
    }

  for (guint i = 0; self->addresses[i] != NULL; i++)
    {
      g_autofree char *host = NULL;
      guint16 port;

      if (!sc_address_parse (self->addresses[i], 0, &host, &port, &local_error))
        {
          g_set_error_literal (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                               local_error->message);
          return FALSE;
        }
    }

  if (self->fingerprint != NULL)
    {
      fingerprint = sc_fingerprint_normalize (self->fingerprint, &local_error);
      if (fingerprint == NULL)
        {
          g_set_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                       _("“%s” is not a certificate fingerprint: %s"), self->fingerprint,
                       local_error != NULL ? local_error->message
                                           : _("64 hexadecimal digits expected"));
          return FALSE;
        }
    }

  return TRUE;
}

gint64
sc_contact_get_id (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), 0);

  return self->id;
}

void
sc_contact_set_id (ScContact *self,
                   gint64     id)
{
  g_return_if_fail (SC_IS_CONTACT (self));
  g_return_if_fail (id >= 0);

  set_int64 (self, &self->id, id, PROP_ID);
}

const char *
sc_contact_get_name (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), NULL);

  return self->name;
}

/* NULL is the same as "". */
void
sc_contact_set_name (ScContact  *self,
                     const char *name)
{
  g_return_if_fail (SC_IS_CONTACT (self));

  set_string (self, &self->name, g_strdup (name != NULL ? name : ""), PROP_NAME);
}

const char *
sc_contact_get_user_id (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), NULL);

  return self->user_id;
}

/* NULL is the same as "". */
void
sc_contact_set_user_id (ScContact  *self,
                        const char *user_id)
{
  g_return_if_fail (SC_IS_CONTACT (self));

  set_string (self, &self->user_id, sc_user_id_normalize (user_id != NULL ? user_id : ""),
              PROP_USER_ID);
}

const char * const *
sc_contact_get_addresses (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), NULL);

  return (const char * const *) self->addresses;
}

void
sc_contact_set_addresses (ScContact          *self,
                          const char * const *addresses)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) normalized = NULL;

  g_return_if_fail (SC_IS_CONTACT (self));

  builder = g_strv_builder_new ();
  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      g_autofree char *address = g_strstrip (g_strdup (addresses[i]));

      if (address[0] != '\0')
        g_strv_builder_add (builder, address);
    }
  normalized = g_strv_builder_end (builder);

  if (g_strv_equal ((const char * const *) self->addresses, (const char * const *) normalized))
    return;

  g_strfreev (self->addresses);
  self->addresses = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESSES]);
}

const char *
sc_contact_get_fingerprint (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), NULL);

  return self->fingerprint;
}

void
sc_contact_set_fingerprint (ScContact  *self,
                            const char *fingerprint)
{
  char *value = NULL;

  g_return_if_fail (SC_IS_CONTACT (self));

  if (fingerprint != NULL && fingerprint[0] != '\0')
    {
      value = sc_fingerprint_normalize (fingerprint, NULL);
      if (value == NULL)
        value = g_strdup (fingerprint);
    }

  set_string (self, &self->fingerprint, value, PROP_FINGERPRINT);
}

const char *
sc_contact_get_certificate_pem (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), NULL);

  return self->certificate_pem;
}

void
sc_contact_set_certificate_pem (ScContact  *self,
                                const char *certificate_pem)
{
  g_return_if_fail (SC_IS_CONTACT (self));

  set_string (self, &self->certificate_pem,
              certificate_pem != NULL && certificate_pem[0] != '\0'
              ? g_strdup (certificate_pem) : NULL,
              PROP_CERTIFICATE_PEM);
}

gint64
sc_contact_get_last_seen (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), 0);

  return self->last_seen;
}

void
sc_contact_set_last_seen (ScContact *self,
                          gint64     last_seen)
{
  g_return_if_fail (SC_IS_CONTACT (self));
  g_return_if_fail (last_seen >= 0);

  set_int64 (self, &self->last_seen, last_seen, PROP_LAST_SEEN);
}

gint64
sc_contact_get_created (ScContact *self)
{
  g_return_val_if_fail (SC_IS_CONTACT (self), 0);

  return self->created;
}

void
sc_contact_set_created (ScContact *self,
                        gint64     created)
{
  g_return_if_fail (SC_IS_CONTACT (self));
  g_return_if_fail (created >= 0);

  set_int64 (self, &self->created, created, PROP_CREATED);
}

/* GObject */

static void
sc_contact_finalize (GObject *object)
{
  ScContact *self = SC_CONTACT (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->addresses, g_strfreev);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->certificate_pem, g_free);

  G_OBJECT_CLASS (sc_contact_parent_class)->finalize (object);
}

static void
sc_contact_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ScContact *self = SC_CONTACT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;

    case PROP_ADDRESSES:
      g_value_set_boxed (value, self->addresses);
      break;

    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;

    case PROP_CERTIFICATE_PEM:
      g_value_set_string (value, self->certificate_pem);
      break;

    case PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen);
      break;

    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_contact_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ScContact *self = SC_CONTACT (object);

  switch (prop_id)
    {
    case PROP_ID:
      sc_contact_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      sc_contact_set_name (self, g_value_get_string (value));
      break;

    case PROP_USER_ID:
      sc_contact_set_user_id (self, g_value_get_string (value));
      break;

    case PROP_ADDRESSES:
      sc_contact_set_addresses (self, g_value_get_boxed (value));
      break;

    case PROP_FINGERPRINT:
      sc_contact_set_fingerprint (self, g_value_get_string (value));
      break;

    case PROP_CERTIFICATE_PEM:
      sc_contact_set_certificate_pem (self, g_value_get_string (value));
      break;

    case PROP_LAST_SEEN:
      sc_contact_set_last_seen (self, g_value_get_int64 (value));
      break;

    case PROP_CREATED:
      sc_contact_set_created (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_contact_class_init (ScContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sc_contact_finalize;
  object_class->get_property = sc_contact_get_property;
  object_class->set_property = sc_contact_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL, "", flags);
  properties[PROP_ADDRESSES] =
    g_param_spec_boxed ("addresses", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_CERTIFICATE_PEM] =
    g_param_spec_string ("certificate-pem", NULL, NULL, NULL, flags);
  properties[PROP_LAST_SEEN] =
    g_param_spec_int64 ("last-seen", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CREATED] =
    g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_contact_init (ScContact *self)
{
  self->name = g_strdup ("");
  self->user_id = g_strdup ("");
  self->addresses = g_new0 (char *, 1);
}
