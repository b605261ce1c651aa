/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-knocks-page.h"

struct _ScKnocksPage
{
  AdwBin     parent_instance;
  ScAccount *account;
};

G_DEFINE_FINAL_TYPE (ScKnocksPage, sc_knocks_page, ADW_TYPE_BIN)

GtkWidget *
sc_knocks_page_new (ScAccount *account)
{
  return g_object_new (SC_TYPE_KNOCKS_PAGE, "account", account, NULL);
}

static void
sc_knocks_page_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ScKnocksPage *self = SC_KNOCKS_PAGE (object);

  g_set_object (&self->account, g_value_get_object (value));
}

static void
sc_knocks_page_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ScKnocksPage *self = SC_KNOCKS_PAGE (object);

  if (prop_id == 1)
    g_value_set_object (value, self->account);
  else
    g_value_set_uint (value, 0);
}

static void
sc_knocks_page_dispose (GObject *object)
{
  g_clear_object (&SC_KNOCKS_PAGE (object)->account);
  G_OBJECT_CLASS (sc_knocks_page_parent_class)->dispose (object);
}

static void
sc_knocks_page_class_init (ScKnocksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sc_knocks_page_dispose;
  object_class->set_property = sc_knocks_page_set_property;
  object_class->get_property = sc_knocks_page_get_property;
  g_object_class_install_property (object_class, 1,
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
sc_knocks_page_init (ScKnocksPage *self)
{
  adw_bin_set_child (ADW_BIN (self), adw_status_page_new ());
}
