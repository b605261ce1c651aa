/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-welcome-page.h"

struct _ScWelcomePage
{
  AdwBin     parent_instance;
  ScAccount *account;
};

G_DEFINE_FINAL_TYPE (ScWelcomePage, sc_welcome_page, ADW_TYPE_BIN)

GtkWidget *
sc_welcome_page_new (ScAccount *account)
{
  return g_object_new (SC_TYPE_WELCOME_PAGE, "account", account, NULL);
}

static void
sc_welcome_page_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (object);

  g_set_object (&self->account, g_value_get_object (value));
}

static void
sc_welcome_page_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ScWelcomePage *self = SC_WELCOME_PAGE (object);

  if (prop_id == 1)
    g_value_set_object (value, self->account);
  else
    g_value_set_uint (value, 0);
}

static void
sc_welcome_page_dispose (GObject *object)
{
  g_clear_object (&SC_WELCOME_PAGE (object)->account);
  G_OBJECT_CLASS (sc_welcome_page_parent_class)->dispose (object);
}

static void
sc_welcome_page_class_init (ScWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sc_welcome_page_dispose;
  object_class->set_property = sc_welcome_page_set_property;
  object_class->get_property = sc_welcome_page_get_property;
  g_object_class_install_property (object_class, 1,
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_signal_new ("identity-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, SC_TYPE_IDENTITY);
}

static void
sc_welcome_page_init (ScWelcomePage *self)
{
  adw_bin_set_child (ADW_BIN (self), adw_status_page_new ());
}
