/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-certificate-view.h"

struct _ScCertificateView
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (ScCertificateView, sc_certificate_view, ADW_TYPE_BIN)

GtkWidget *
sc_certificate_view_new (void)
{
  return g_object_new (SC_TYPE_CERTIFICATE_VIEW, NULL);
}

void
sc_certificate_view_set_certificate (ScCertificateView     *self,
                                     ScPeerCertificate     *certificate,
                                     const ScTrustDecision *decision)
{
}

static void
sc_certificate_view_class_init (ScCertificateViewClass *klass)
{
}

static void
sc_certificate_view_init (ScCertificateView *self)
{
}
