/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-contacts-page.h"
#include "sc-knocks-page.h"
#include "sc-reachability.h"
#include "sc-requests-page.h"
#include "sc-search-page.h"
#include "sc-welcome-page.h"
#include "sc-window.h"

/* Warn this long before my certificate expires. */
#define EXPIRY_WARNING_DAYS 30

struct _ScWindow
{
  AdwApplicationWindow  parent_instance;

  ScAccount            *account;
  GSignalGroup         *messenger_signals;   /* of the account's agent */

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwStatusPage        *error_page;
  ScWelcomePage        *welcome_page;
  ScContactsPage       *contacts_page;
  ScRequestsPage       *requests_page;
  ScKnocksPage         *knocks_page;
  ScSearchPage         *search_page;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *requests_stack_page;
  GtkLabel             *identity_name_label;
  GtkLabel             *identity_user_label;
  GtkLabel             *identity_fingerprint_label;
  GtkLabel             *addresses_label;
  GtkLabel             *reach_hint_label;
  GtkRevealer          *warning_revealer;
  GtkLabel             *warning_label;
};

G_DEFINE_FINAL_TYPE (ScWindow, sc_window, ADW_TYPE_APPLICATION_WINDOW)

void
sc_window_show_toast (ScWindow   *self,
                      const char *text)
{
  g_return_if_fail (SC_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static char *
expiry_warning (ScIdentity *identity)
{
  gint64 not_after = sc_peer_certificate_get_not_after (sc_identity_get_certificate (identity));
  gint64 days = (not_after - g_get_real_time () / G_USEC_PER_SEC) / 86400;

  if (days < 0)
    return g_strdup (_("Your certificate has expired: nobody can verify you. Replace it in Preferences."));
  if (days < EXPIRY_WARNING_DAYS)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Your certificate expires in %d day. Renew it in Preferences.",
                                         "Your certificate expires in %d days. Renew it in Preferences.",
                                         (gulong) days),
                            (int) days);
  return NULL;
}

static void
update_header (ScWindow *self)
{
  ScIdentity *identity = sc_account_get_identity (self->account);
  const char *listen_error = sc_account_get_listen_error (self->account);
  ScUserAgent *agent = sc_account_get_agent (self->account);
  g_autoptr(GString) addresses = g_string_new (NULL);
  g_autofree char *hint = NULL;
  g_autofree char *warning = NULL;

  if (identity == NULL)
    return;

  {
    g_autofree char *fingerprint = sc_fingerprint_format (sc_identity_get_fingerprint (identity));

    gtk_label_set_label (self->identity_name_label, sc_identity_get_name (identity));
    gtk_label_set_label (self->identity_user_label, sc_identity_get_user_id (identity));
    gtk_label_set_label (self->identity_fingerprint_label, fingerprint);
  }

  if (agent != NULL && sc_user_agent_is_listening (agent))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) reachable =
        sc_reachability_list (sc_account_get_listen_address (self->account),
                              sc_user_agent_get_port (agent), &error);

      for (guint i = 0; reachable != NULL && i < reachable->len; i++)
        {
          ScReachableAddress *address = g_ptr_array_index (reachable, i);

          g_string_append_printf (addresses, "%s%s", i > 0 ? "\n" : "", address->address);
        }
      if (reachable != NULL)
        hint = sc_reachability_hint (reachable);
      else
        hint = g_strdup (error->message);
    }

  gtk_label_set_label (self->addresses_label, addresses->len > 0 ? addresses->str : _("Not listening"));
  gtk_label_set_label (self->reach_hint_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->reach_hint_label), hint != NULL);

  if (listen_error != NULL)
    warning = g_strdup_printf (_("Nobody can call you: %s"), listen_error);
  else
    warning = expiry_warning (identity);

  gtk_label_set_label (self->warning_label, warning);
  gtk_revealer_set_reveal_child (self->warning_revealer, warning != NULL);
}

static void
show_content (ScWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack,
                                    sc_account_get_identity (self->account) != NULL
                                    ? "main" : "welcome");
  update_header (self);
}

void
sc_window_set_loaded (ScWindow     *self,
                      const GError *error)
{
  g_return_if_fail (SC_IS_WINDOW (self));

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  show_content (self);
}

static void
on_identity_ready (ScWelcomePage *page,
                   ScIdentity    *identity,
                   ScWindow      *self)
{
  sc_account_set_identity (self->account, identity);
  show_content (self);
  sc_window_show_toast (self, _("Your identity is ready"));
}

static void
on_account_changed (ScAccount  *account,
                    GParamSpec *pspec,
                    ScWindow   *self)
{
  ScUserAgent *agent = sc_account_get_agent (account);

  g_signal_group_set_target (self->messenger_signals,
                             agent != NULL ? sc_user_agent_get_messenger (agent) : NULL);
  update_header (self);
}

/* The history could not be written: never silently. */
static void
on_store_failed (ScWindow   *self,
                 const char *message)
{
  g_autofree char *text = g_strdup_printf (_("The history cannot be saved: %s"), message);

  sc_window_show_toast (self, text);
}

static void
on_pending_count (ScRequestsPage *page,
                  GParamSpec     *pspec,
                  ScWindow       *self)
{
  guint count = sc_requests_page_get_pending_count (page);

  adw_view_stack_page_set_badge_number (self->requests_stack_page, count);
  adw_view_stack_page_set_needs_attention (self->requests_stack_page, count > 0);
}

ScWindow *
sc_window_new (AdwApplication *application,
               ScAccount      *account)
{
  ScWindow *self;

  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SC_IS_ACCOUNT (account), NULL);

  self = g_object_new (SC_TYPE_WINDOW, "application", application, NULL);
  self->account = g_object_ref (account);

  g_object_set (self->welcome_page, "account", account, NULL);
  g_object_set (self->contacts_page, "account", account, NULL);
  g_object_set (self->search_page, "account", account, NULL);
  g_object_set (self->requests_page, "account", account, NULL);
  g_object_set (self->knocks_page, "account", account, NULL);

  g_signal_connect_object (account, "notify::identity", G_CALLBACK (on_account_changed), self, 0);
  g_signal_connect_object (account, "notify::agent", G_CALLBACK (on_account_changed), self, 0);
  g_signal_connect_object (account, "notify::listen-error", G_CALLBACK (on_account_changed), self, 0);
  on_account_changed (account, NULL, self);
  g_signal_connect_object (self->requests_page, "notify::pending-count",
                           G_CALLBACK (on_pending_count), self, 0);

  return self;
}

static void
sc_window_dispose (GObject *object)
{
  ScWindow *self = (ScWindow *) object;

  if (self->messenger_signals != NULL)
    g_signal_group_set_target (self->messenger_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_WINDOW);
  g_clear_object (&self->messenger_signals);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (sc_window_parent_class)->dispose (object);
}

/* Ctrl+F (main.search): the history search. */
static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "main") != 0)
    return;

  adw_view_stack_set_visible_child_name (self->view_stack, "search");
  sc_search_page_focus_entry (self->search_page);
}

static void
sc_window_class_init (ScWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_window_dispose;

  g_type_ensure (SC_TYPE_WELCOME_PAGE);
  g_type_ensure (SC_TYPE_CONTACTS_PAGE);
  g_type_ensure (SC_TYPE_REQUESTS_PAGE);
  g_type_ensure (SC_TYPE_KNOCKS_PAGE);
  g_type_ensure (SC_TYPE_SEARCH_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sixchat/SixChat/sc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, contacts_page);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, requests_page);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, knocks_page);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, search_page);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, view_stack);
  gtk_widget_class_install_action (widget_class, "main.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "main.search", NULL);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, requests_stack_page);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, identity_name_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, identity_user_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, identity_fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, addresses_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, reach_hint_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, warning_revealer);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, warning_label);
  gtk_widget_class_bind_template_callback (widget_class, on_identity_ready);
}

static void
sc_window_init (ScWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->messenger_signals = g_signal_group_new (SC_TYPE_MESSENGER);
  g_signal_group_connect_swapped (self->messenger_signals, "store-failed",
                                  G_CALLBACK (on_store_failed), self);
}
