/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sc-peer-certificate.h"
#include "sc-request-item.h"

struct _ScRequestItem
{
  GObject    parent_instance;

  ScRequest *request;
  char      *certificate_error;
  char      *issuer_name;
  gboolean   self_signed;
  char      *key_description;
  gint64     not_before;
  gint64     not_after;
};

G_DEFINE_FINAL_TYPE (ScRequestItem, sc_request_item, G_TYPE_OBJECT)

ScRequestItem *
sc_request_item_new (ScRequest *request)
{
  ScRequestItem *self;
  g_autoptr(ScPeerCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  self = g_object_new (SC_TYPE_REQUEST_ITEM, NULL);
  self->request = request;

  if (request->certificate_pem == NULL)
    {
      self->certificate_error = g_strdup (_("No certificate was kept"));
      return self;
    }

  certificate = sc_peer_certificate_new_from_pem (request->certificate_pem,
                                                  strlen (request->certificate_pem), &error);
  if (certificate == NULL)
    {
      self->certificate_error = g_strdup (error->message);
      return self;
    }

  self->issuer_name = g_strdup (sc_peer_certificate_get_issuer_name (certificate));
  self->self_signed = sc_peer_certificate_is_self_signed (certificate);
  self->key_description = g_strdup (sc_peer_certificate_get_key_description (certificate));
  self->not_before = sc_peer_certificate_get_not_before (certificate);
  self->not_after = sc_peer_certificate_get_not_after (certificate);

  return self;
}

const ScRequest *
sc_request_item_get_request (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), NULL);
  return self->request;
}

gint64
sc_request_item_get_id (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), 0);
  return self->request->id;
}

const char *
sc_request_item_get_display_name (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), NULL);

  if (self->request->name != NULL && self->request->name[0] != '\0')
    return self->request->name;
  return self->request->user_id != NULL ? self->request->user_id : "";
}

const char *
sc_request_item_get_certificate_error (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), NULL);
  return self->certificate_error;
}

const char *
sc_request_item_get_issuer_name (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), NULL);
  return self->issuer_name;
}

gboolean
sc_request_item_is_self_signed (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), FALSE);
  return self->self_signed;
}

const char *
sc_request_item_get_key_description (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), NULL);
  return self->key_description;
}

gint64
sc_request_item_get_not_before (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), 0);
  return self->not_before;
}

gint64
sc_request_item_get_not_after (ScRequestItem *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ITEM (self), 0);
  return self->not_after;
}

static void
sc_request_item_finalize (GObject *object)
{
  ScRequestItem *self = (ScRequestItem *) object;

  g_clear_pointer (&self->request, sc_request_free);
  g_free (self->certificate_error);
  g_free (self->issuer_name);
  g_free (self->key_description);

  G_OBJECT_CLASS (sc_request_item_parent_class)->finalize (object);
}

static void
sc_request_item_class_init (ScRequestItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sc_request_item_finalize;
}

static void
sc_request_item_init (ScRequestItem *self)
{
}
