/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-knock-item.h"

struct _ScKnockItem
{
  GObject   parent_instance;

  ScKnock  *knock;
  gboolean  allowed;
  gboolean  blocked;
};

G_DEFINE_FINAL_TYPE (ScKnockItem, sc_knock_item, G_TYPE_OBJECT)

ScKnockItem *
sc_knock_item_new (ScKnock  *knock,
                   gboolean  allowed,
                   gboolean  blocked)
{
  ScKnockItem *self;

  g_return_val_if_fail (knock != NULL, NULL);

  self = g_object_new (SC_TYPE_KNOCK_ITEM, NULL);
  self->knock = knock;
  self->allowed = allowed;
  self->blocked = blocked;

  return self;
}

const ScKnock *
sc_knock_item_get_knock (ScKnockItem *self)
{
  g_return_val_if_fail (SC_IS_KNOCK_ITEM (self), NULL);
  return self->knock;
}

gint64
sc_knock_item_get_id (ScKnockItem *self)
{
  g_return_val_if_fail (SC_IS_KNOCK_ITEM (self), 0);
  return self->knock->id;
}

const char *
sc_knock_item_get_display_name (ScKnockItem *self)
{
  g_return_val_if_fail (SC_IS_KNOCK_ITEM (self), NULL);

  if (self->knock->name != NULL && self->knock->name[0] != '\0')
    return self->knock->name;
  if (self->knock->user_id != NULL && self->knock->user_id[0] != '\0')
    return self->knock->user_id;
  return NULL;
}

gboolean
sc_knock_item_is_allowed (ScKnockItem *self)
{
  g_return_val_if_fail (SC_IS_KNOCK_ITEM (self), FALSE);
  return self->allowed;
}

gboolean
sc_knock_item_is_blocked (ScKnockItem *self)
{
  g_return_val_if_fail (SC_IS_KNOCK_ITEM (self), FALSE);
  return self->blocked;
}

static void
sc_knock_item_finalize (GObject *object)
{
  ScKnockItem *self = (ScKnockItem *) object;

  g_clear_pointer (&self->knock, sc_knock_free);

  G_OBJECT_CLASS (sc_knock_item_parent_class)->finalize (object);
}

static void
sc_knock_item_class_init (ScKnockItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sc_knock_item_finalize;
}

static void
sc_knock_item_init (ScKnockItem *self)
{
}
