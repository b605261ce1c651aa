/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-certificate-view.h"

/* Warn this long before the peer's certificate expires. */
#define EXPIRY_WARNING_DAYS 30
/* Groups of four hex digits on one line of the fingerprint. */
#define FINGERPRINT_GROUPS_PER_LINE 8

struct _ScCertificateView
{
  AdwBin             parent_instance;

  ScPeerCertificate *certificate;
  ScTrustDecision   *decision;

  GtkLabel          *name_label;
  GtkLabel          *badge_label;
  GtkLabel          *user_label;
  GtkLabel          *issuer_label;
  GtkLabel          *validity_label;
  GtkLabel          *expiry_label;
  GtkLabel          *fingerprint_label;
  GtkLabel          *reason_label;
  GtkMenuButton     *details_button;
  GtkStringList     *chain_list;
};

G_DEFINE_FINAL_TYPE (ScCertificateView, sc_certificate_view, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CERTIFICATE,
  PROP_DECISION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *verdict_classes[] = { "allow", "ask", "reject" };

GtkWidget *
sc_certificate_view_new (void)
{
  return g_object_new (SC_TYPE_CERTIFICATE_VIEW, NULL);
}

static char *
format_date (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("?");

  local = g_date_time_to_local (utc);
  /* Translators: a certificate's validity date, see g_date_time_format() */
  return g_date_time_format (local, _("%-d %b %Y"));
}

/* Two lines of eight groups: "AB12 CD34 …\n…". */
static char *
format_fingerprint (const char *fingerprint)
{
  g_autofree char *formatted = sc_fingerprint_format (fingerprint);
  guint spaces = 0;

  for (char *p = formatted; *p != '\0'; p++)
    if (*p == ' ' && ++spaces == FINGERPRINT_GROUPS_PER_LINE)
      *p = '\n';

  return g_steal_pointer (&formatted);
}

/* The badge: why the certificate is (or is not) trusted, in a few words. */
static char *
verdict_text (const ScTrustDecision *decision)
{
  switch (decision->reason)
    {
    case SC_REASON_PINNED:
      return g_strdup (_("Pinned"));
    case SC_REASON_ALLOWED_USER:
    case SC_REASON_STRANGER_VERIFIED:
      if (decision->issuer_name != NULL)
        return g_strdup_printf (_("Verified by %s"), decision->issuer_name);
      return g_strdup (_("Verified"));
    case SC_REASON_STRANGER_SELF_SIGNED:
      return g_strdup (_("Unverified, self-signed"));
    case SC_REASON_STRANGER_UNKNOWN_ISSUER:
      return g_strdup (_("Unverified: unknown issuer"));
    case SC_REASON_BLOCKED_FINGERPRINT:
    case SC_REASON_BLOCKED_USER:
    case SC_REASON_BLOCKED_ISSUER:
      return g_strdup (_("Blocked"));
    case SC_REASON_EXPIRED:
      return g_strdup (_("Expired"));
    case SC_REASON_NOT_YET_VALID:
      return g_strdup (_("Not yet valid"));
    case SC_REASON_REVOKED:
      return g_strdup (_("Revoked"));
    case SC_REASON_NO_USER_ID:
      return g_strdup (_("No user ID"));
    case SC_REASON_BAD_SIGNATURE:
    case SC_REASON_CA_AS_LEAF:
    case SC_REASON_BAD_EKU:
    case SC_REASON_BAD_CRL:
    case SC_REASON_INVALID_CHAIN:
    default:
      return g_strdup (_("Invalid certificate"));
    }
}

static char *
expiry_text (gint64 not_after)
{
  gint64 seconds = not_after - g_get_real_time () / G_USEC_PER_SEC;
  gint64 days = seconds / 86400;

  if (seconds < 0)
    return g_strdup (_("Expired"));
  if (days >= EXPIRY_WARNING_DAYS)
    return NULL;
  if (days == 0)
    return g_strdup (_("Expires today"));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Expires in %d day", "Expires in %d days",
                                       (gulong) days),
                          (int) days);
}

/* One certificate of the chain as Pango markup, for the details list. */
static char *
describe_chain_element (ScPeerCertificate *chain,
                        guint              index)
{
  GBytes *der = sc_peer_certificate_get_der (chain, index);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScPeerCertificate) one = sc_peer_certificate_new_from_der (&der, 1, &error);
  g_autofree char *fingerprint = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  const char *role;

  if (one == NULL)
    return g_markup_printf_escaped ("<b>%s %u</b>\n%s", _("Certificate"), index + 1, error->message);

  if (index == 0)
    role = _("Certificate");
  else if (sc_peer_certificate_is_self_signed (one))
    role = _("Root Issuer");
  else
    role = _("Issuer");

  fingerprint = format_fingerprint (sc_peer_certificate_get_fingerprint (one));
  from = format_date (sc_peer_certificate_get_not_before (one));
  until = format_date (sc_peer_certificate_get_not_after (one));

  return g_markup_printf_escaped ("<b>%s %u</b>\n"
                                  "<small>%s</small> %s\n"
                                  "<small>%s</small> %s\n"
                                  "<small>%s</small> %s – %s\n"
                                  "<small>%s</small> %s\n"
                                  "<tt>%s</tt>",
                                  role, index + 1,
                                  _("Subject"), sc_peer_certificate_get_subject_dn (one),
                                  _("Issuer"), sc_peer_certificate_get_issuer_dn (one),
                                  _("Valid"), from, until,
                                  _("Key"), sc_peer_certificate_get_key_description (one),
                                  fingerprint);
}

static void
update_chain (ScCertificateView *self)
{
  guint length = self->certificate != NULL ? sc_peer_certificate_get_length (self->certificate) : 0;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < length; i++)
    g_ptr_array_add (items, describe_chain_element (self->certificate, i));
  g_ptr_array_add (items, NULL);

  gtk_string_list_splice (self->chain_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->chain_list)),
                          (const char * const *) items->pdata);
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
update (ScCertificateView *self)
{
  ScPeerCertificate *certificate = self->certificate;
  g_autofree char *issuer = NULL;
  g_autofree char *validity = NULL;
  g_autofree char *expiry = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *verdict = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (verdict_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge_label), verdict_classes[i]);

  if (self->decision != NULL)
    {
      verdict = verdict_text (self->decision);
      gtk_widget_add_css_class (GTK_WIDGET (self->badge_label),
                                sc_verdict_to_string (self->decision->verdict));
    }
  set_label (self->badge_label, verdict);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->badge_label),
                               self->decision != NULL ? self->decision->detail : NULL);
  set_label (self->reason_label, self->decision != NULL ? self->decision->detail : NULL);

  if (certificate != NULL)
    {
      g_autofree char *from = format_date (sc_peer_certificate_get_not_before (certificate));
      g_autofree char *until = format_date (sc_peer_certificate_get_not_after (certificate));

      issuer = sc_peer_certificate_is_self_signed (certificate)
               ? g_strdup (_("Self-signed"))
               : g_strdup_printf (_("Issued by %s"), sc_peer_certificate_get_issuer_name (certificate));
      validity = g_strdup_printf (_("Valid from %s to %s"), from, until);
      expiry = expiry_text (sc_peer_certificate_get_not_after (certificate));
      fingerprint = format_fingerprint (sc_peer_certificate_get_fingerprint (certificate));
    }

  gtk_label_set_label (self->name_label,
                       certificate == NULL ? _("No Certificate")
                       : sc_peer_certificate_get_name (certificate) != NULL
                       ? sc_peer_certificate_get_name (certificate)
                       : _("Unnamed"));
  set_label (self->user_label, certificate != NULL ? sc_peer_certificate_get_user_id (certificate) : NULL);
  set_label (self->issuer_label, issuer);
  set_label (self->validity_label, validity);
  set_label (self->expiry_label, expiry);
  set_label (self->fingerprint_label, fingerprint);
  gtk_widget_set_visible (GTK_WIDGET (self->details_button), certificate != NULL);

  update_chain (self);
}

void
sc_certificate_view_set_certificate (ScCertificateView     *self,
                                     ScPeerCertificate     *certificate,
                                     const ScTrustDecision *decision)
{
  gboolean certificate_changed;

  g_return_if_fail (SC_IS_CERTIFICATE_VIEW (self));
  g_return_if_fail (certificate == NULL || SC_IS_PEER_CERTIFICATE (certificate));

  certificate_changed = g_set_object (&self->certificate, certificate);
  g_clear_pointer (&self->decision, sc_trust_decision_free);
  if (decision != NULL)
    self->decision = sc_trust_decision_copy (decision);

  update (self);

  if (certificate_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECISION]);
}

static void
sc_certificate_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ScCertificateView *self = SC_CERTIFICATE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      g_value_set_object (value, self->certificate);
      break;
    case PROP_DECISION:
      g_value_set_boxed (value, self->decision);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_certificate_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ScCertificateView *self = SC_CERTIFICATE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      sc_certificate_view_set_certificate (self, g_value_get_object (value), self->decision);
      break;
    case PROP_DECISION:
      sc_certificate_view_set_certificate (self, self->certificate, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_certificate_view_dispose (GObject *object)
{
  ScCertificateView *self = SC_CERTIFICATE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_CERTIFICATE_VIEW);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (sc_certificate_view_parent_class)->dispose (object);
}

static void
sc_certificate_view_finalize (GObject *object)
{
  ScCertificateView *self = SC_CERTIFICATE_VIEW (object);

  g_clear_pointer (&self->decision, sc_trust_decision_free);

  G_OBJECT_CLASS (sc_certificate_view_parent_class)->finalize (object);
}

static void
sc_certificate_view_class_init (ScCertificateViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = sc_certificate_view_get_property;
  object_class->set_property = sc_certificate_view_set_property;
  object_class->dispose = sc_certificate_view_dispose;
  object_class->finalize = sc_certificate_view_finalize;

  properties[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL, SC_TYPE_PEER_CERTIFICATE, flags);
  properties[PROP_DECISION] =
    g_param_spec_boxed ("decision", NULL, NULL, SC_TYPE_TRUST_DECISION, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-certificate-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, name_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, badge_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, user_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, validity_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, reason_label);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, details_button);
  gtk_widget_class_bind_template_child (widget_class, ScCertificateView, chain_list);
}

static void
sc_certificate_view_init (ScCertificateView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}
