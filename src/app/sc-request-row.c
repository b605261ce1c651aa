/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-peer-certificate.h"
#include "sc-request-row.h"
#include "sc-time-format.h"

struct _ScRequestRow
{
  AdwBin         parent_instance;

  ScRequestItem *item;

  AdwAvatar     *avatar;
  GtkLabel      *name_label;
  GtkLabel      *user_id_label;
  GtkLabel      *fingerprint_label;
  GtkLabel      *seen_label;
  GtkLabel      *greeting_label;
  GtkLabel      *certificate_label;
  GtkButton     *accept_button;
  GtkButton     *decline_button;
  GtkButton     *block_button;
};

G_DEFINE_FINAL_TYPE (ScRequestRow, sc_request_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_date (gint64 time)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time);

  if (local == NULL)
    return g_strdup ("");

  /* Translators: a date, see g_date_time_format() */
  return g_date_time_format (local, _("%-d %b %Y"));
}

/* "Today at 14:05, from [::1]:41234 · 3 attempts" */
static char *
seen_text (const ScRequest *request,
           gint64           now)
{
  g_autofree char *when = sc_time_format_relative (request->last_seen, now);
  g_autofree char *where = NULL;
  g_autofree char *attempts = NULL;

  if (request->address != NULL)
    /* Translators: when (e.g. "Today at 14:05") and from which address someone called */
    where = g_strdup_printf (_("%s, from %s"), when, request->address);
  else
    where = g_steal_pointer (&when);

  attempts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u attempt", "%u attempts",
                                           request->attempts),
                              request->attempts);

  return g_strdup_printf ("%s · %s", where, attempts);
}

static char *
seen_tooltip (const ScRequest *request)
{
  g_autofree char *first = sc_time_format_full (request->first_seen);
  g_autofree char *last = sc_time_format_full (request->last_seen);

  return g_strdup_printf (_("First asked: %s\nLast asked: %s"), first, last);
}

/* "Self-signed · ECDSA P-256 · valid until 1 May 2026" */
static char *
certificate_text (ScRequestItem *item,
                  gint64         now)
{
  g_autofree char *issuer = NULL;
  g_autofree char *validity = NULL;
  gint64 not_before = sc_request_item_get_not_before (item);
  gint64 not_after = sc_request_item_get_not_after (item);

  if (sc_request_item_get_certificate_error (item) != NULL)
    return g_strdup_printf (_("Their certificate cannot be read: %s"),
                            sc_request_item_get_certificate_error (item));

  if (sc_request_item_is_self_signed (item))
    issuer = g_strdup (_("Self-signed"));
  else
    issuer = g_strdup_printf (_("Issued by %s"), sc_request_item_get_issuer_name (item));

  if (now > not_after)
    {
      g_autofree char *date = format_date (not_after);
      validity = g_strdup_printf (_("expired on %s"), date);
    }
  else if (now < not_before)
    {
      g_autofree char *date = format_date (not_before);
      validity = g_strdup_printf (_("valid from %s"), date);
    }
  else
    {
      g_autofree char *date = format_date (not_after);
      validity = g_strdup_printf (_("valid until %s"), date);
    }

  return g_strdup_printf ("%s · %s · %s", issuer,
                          sc_request_item_get_key_description (item), validity);
}

static void
update (ScRequestRow *self)
{
  const ScRequest *request;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *fingerprint = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *seen_tip = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *certificate = NULL;

  if (self->item == NULL)
    return;

  request = sc_request_item_get_request (self->item);
  fingerprint = sc_fingerprint_format (request->fingerprint);
  seen = seen_text (request, now);
  seen_tip = seen_tooltip (request);
  certificate = certificate_text (self->item, now);
  if (request->greeting != NULL && request->greeting[0] != '\0')
    /* Translators: the greeting a stranger sent with their request, quoted */
    greeting = g_strdup_printf (_("“%s”"), request->greeting);

  adw_avatar_set_text (self->avatar, sc_request_item_get_display_name (self->item));
  gtk_label_set_text (self->name_label, sc_request_item_get_display_name (self->item));
  gtk_label_set_text (self->user_id_label, request->user_id != NULL ? request->user_id : "");
  gtk_label_set_text (self->fingerprint_label, fingerprint);
  gtk_label_set_text (self->seen_label, seen);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->seen_label), seen_tip);
  gtk_label_set_text (self->greeting_label, greeting != NULL ? greeting : "");
  gtk_widget_set_visible (GTK_WIDGET (self->greeting_label), greeting != NULL);
  gtk_label_set_text (self->certificate_label, certificate);

  /* The target first: an action that takes one must never see a button without. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->accept_button), "x", request->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->accept_button), "requests.accept");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->decline_button), "x", request->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->decline_button), "requests.decline");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->block_button), "x", request->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->block_button), "requests.block");
}

ScRequestItem *
sc_request_row_get_item (ScRequestRow *self)
{
  g_return_val_if_fail (SC_IS_REQUEST_ROW (self), NULL);
  return self->item;
}

void
sc_request_row_set_item (ScRequestRow  *self,
                         ScRequestItem *item)
{
  g_return_if_fail (SC_IS_REQUEST_ROW (self));
  g_return_if_fail (item == NULL || SC_IS_REQUEST_ITEM (item));

  if (!g_set_object (&self->item, item))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

static void
sc_request_row_dispose (GObject *object)
{
  ScRequestRow *self = (ScRequestRow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_REQUEST_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (sc_request_row_parent_class)->dispose (object);
}

static void
sc_request_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ScRequestRow *self = SC_REQUEST_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_request_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ScRequestRow *self = SC_REQUEST_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      sc_request_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_request_row_class_init (ScRequestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_request_row_dispose;
  object_class->get_property = sc_request_row_get_property;
  object_class->set_property = sc_request_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, SC_TYPE_REQUEST_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-request-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, user_id_label);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, seen_label);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, certificate_label);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, accept_button);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, decline_button);
  gtk_widget_class_bind_template_child (widget_class, ScRequestRow, block_button);
}

static void
sc_request_row_init (ScRequestRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
