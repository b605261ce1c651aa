/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-trust-item.h"

struct _ScTrustItem
{
  GObject          parent_instance;

  ScTrustItemKind  kind;
  ScListKind       list;
  ScEntryKind      entry_kind;
  char            *key;
  char            *title;
  char            *subtitle;
  char            *tooltip;
};

G_DEFINE_FINAL_TYPE (ScTrustItem, sc_trust_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_TOOLTIP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
sc_trust_item_format_date (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);

  if (time == NULL)
    return g_strdup ("?");

  /* Translators: a date, in g_date_time_format() notation: "12 March 2025". */
  return g_date_time_format (time, _("%-d %B %Y"));
}

static ScTrustItem *
item_new (ScTrustItemKind  kind,
          const char      *key,
          char            *title,
          char            *subtitle)
{
  ScTrustItem *self = g_object_new (SC_TYPE_TRUST_ITEM, NULL);

  self->kind = kind;
  self->key = g_strdup (key);
  self->title = title;
  self->subtitle = subtitle;
  self->tooltip = g_strconcat (title, "\n", subtitle, NULL);

  return self;
}

ScTrustItem *
sc_trust_item_new_issuer (const ScIssuerEntry *issuer)
{
  g_return_val_if_fail (issuer != NULL, NULL);

  return item_new (SC_TRUST_ITEM_ISSUER, issuer->fingerprint,
                   g_strdup (issuer->subject),
                   sc_fingerprint_format (issuer->fingerprint));
}

ScTrustItem *
sc_trust_item_new_crl (const ScCrlEntry *crl)
{
  g_autofree char *this_update = NULL;
  g_autofree char *next_update = NULL;
  char *subtitle;

  g_return_val_if_fail (crl != NULL, NULL);

  this_update = sc_trust_item_format_date (crl->this_update);
  if (crl->next_update == 0)
    {
      subtitle = g_strdup_printf (_("Issued %s, no next update announced"), this_update);
    }
  else
    {
      next_update = sc_trust_item_format_date (crl->next_update);
      if (crl->next_update < g_get_real_time () / G_USEC_PER_SEC)
        subtitle = g_strdup_printf (_("Issued %s, out of date since %s"), this_update, next_update);
      else
        subtitle = g_strdup_printf (_("Issued %s, next update %s"), this_update, next_update);
    }

  return item_new (SC_TRUST_ITEM_CRL, crl->fingerprint,
                   g_strdup (crl->issuer != NULL ? crl->issuer : _("Unnamed issuer")),
                   subtitle);
}

static const char *
entry_kind_label (ScEntryKind kind)
{
  switch (kind)
    {
    case SC_ENTRY_FINGERPRINT:
      return _("Certificate");
    case SC_ENTRY_USER:
      return _("User ID");
    case SC_ENTRY_ISSUER:
      return _("Every certificate of an issuer");
    default:
      g_assert_not_reached ();
    }
}

ScTrustItem *
sc_trust_item_new_entry (const ScListEntry *entry)
{
  g_autofree char *added = NULL;
  ScTrustItem *self;
  char *title;
  char *subtitle;

  g_return_val_if_fail (entry != NULL, NULL);

  if (entry->kind == SC_ENTRY_USER)
    title = g_strdup (entry->value);
  else
    title = sc_fingerprint_format (entry->value);

  added = sc_trust_item_format_date (entry->added);
  if (entry->note != NULL && entry->note[0] != '\0')
    /* Translators: kind of entry · the user's note · date, e.g.
     * "Certificate · Mallory · added 12 March 2025". */
    subtitle = g_strdup_printf (_("%s · %s · added %s"), entry_kind_label (entry->kind),
                                entry->note, added);
  else
    /* Translators: kind of entry · date, e.g. "User ID · added 12 March 2025". */
    subtitle = g_strdup_printf (_("%s · added %s"), entry_kind_label (entry->kind), added);

  self = item_new (SC_TRUST_ITEM_ENTRY, entry->value, title, subtitle);
  self->list = entry->list;
  self->entry_kind = entry->kind;

  return self;
}

ScTrustItemKind
sc_trust_item_get_kind (ScTrustItem *self)
{
  g_return_val_if_fail (SC_IS_TRUST_ITEM (self), SC_TRUST_ITEM_ENTRY);
  return self->kind;
}

const char *
sc_trust_item_get_key (ScTrustItem *self)
{
  g_return_val_if_fail (SC_IS_TRUST_ITEM (self), NULL);
  return self->key;
}

ScListKind
sc_trust_item_get_list (ScTrustItem *self)
{
  g_return_val_if_fail (SC_IS_TRUST_ITEM (self), SC_LIST_BLOCK);
  g_return_val_if_fail (self->kind == SC_TRUST_ITEM_ENTRY, SC_LIST_BLOCK);
  return self->list;
}

ScEntryKind
sc_trust_item_get_entry_kind (ScTrustItem *self)
{
  g_return_val_if_fail (SC_IS_TRUST_ITEM (self), SC_ENTRY_FINGERPRINT);
  g_return_val_if_fail (self->kind == SC_TRUST_ITEM_ENTRY, SC_ENTRY_FINGERPRINT);
  return self->entry_kind;
}

const char *
sc_trust_item_get_title (ScTrustItem *self)
{
  g_return_val_if_fail (SC_IS_TRUST_ITEM (self), NULL);
  return self->title;
}

const char *
sc_trust_item_get_subtitle (ScTrustItem *self)
{
  g_return_val_if_fail (SC_IS_TRUST_ITEM (self), NULL);
  return self->subtitle;
}

static void
sc_trust_item_finalize (GObject *object)
{
  ScTrustItem *self = (ScTrustItem *) object;

  g_free (self->key);
  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->tooltip);

  G_OBJECT_CLASS (sc_trust_item_parent_class)->finalize (object);
}

static void
sc_trust_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ScTrustItem *self = SC_TRUST_ITEM (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_TOOLTIP:
      g_value_set_string (value, self->tooltip);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_trust_item_class_init (ScTrustItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sc_trust_item_finalize;
  object_class->get_property = sc_trust_item_get_property;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, NULL, flags);
  properties[PROP_TOOLTIP] = g_param_spec_string ("tooltip", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_trust_item_init (ScTrustItem *self)
{
}
