/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-preferences-window-private.h"
#include "sc-trust-item.h"

static const char *crl_suffixes[] = { "crl", "pem", "der", NULL };

/* Lists and policy */

typedef struct
{
  guint      serial;
  ScPolicy   policy;
  GPtrArray *issuers;  /* of ScTrustItem */
  GPtrArray *crls;
  GPtrArray *blocked;
} Lists;

static void
lists_free (Lists *lists)
{
  g_clear_pointer (&lists->issuers, g_ptr_array_unref);
  g_clear_pointer (&lists->crls, g_ptr_array_unref);
  g_clear_pointer (&lists->blocked, g_ptr_array_unref);
  g_free (lists);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lists, lists_free)

static gpointer
load_lists_job (ScStore       *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(Lists) lists = g_new0 (Lists, 1);
  g_autoptr(GPtrArray) issuers = NULL;
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(GPtrArray) blocked = NULL;
  GError *policy_error = NULL;

  lists->serial = GPOINTER_TO_UINT (data);
  lists->policy = sc_store_get_policy (store, &policy_error);
  if (policy_error != NULL)
    {
      g_propagate_error (error, policy_error);
      return NULL;
    }

  if ((issuers = sc_store_list_issuers (store, error)) == NULL
      || (crls = sc_store_list_crls (store, error)) == NULL
      || (blocked = sc_store_list_entries (store, SC_LIST_BLOCK, error)) == NULL)
    return NULL;

  lists->issuers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < issuers->len; i++)
    g_ptr_array_add (lists->issuers, sc_trust_item_new_issuer (issuers->pdata[i]));
  lists->crls = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < crls->len; i++)
    g_ptr_array_add (lists->crls, sc_trust_item_new_crl (crls->pdata[i]));
  lists->blocked = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < blocked->len; i++)
    g_ptr_array_add (lists->blocked, sc_trust_item_new_entry (blocked->pdata[i]));

  return g_steal_pointer (&lists);
}

static void
show_list (GListStore *store,
           GPtrArray  *items,
           GtkWidget  *view,
           GtkWidget  *empty_row)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
  gtk_widget_set_visible (view, items->len > 0);
  gtk_widget_set_visible (empty_row, items->len == 0);
}

static void
on_lists_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ScPreferencesWindowCaller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = sc_preferences_window_caller_get_window (caller);
  g_autoptr(GError) error = NULL;
  g_autoptr(Lists) lists = sc_store_run_finish (SC_STORE (source), result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (lists == NULL)
    {
      sc_preferences_window_show_toast (self, error->message);
      return;
    }
  /* A later reload is on its way. */
  if (lists->serial != self->reload_serial)
    return;

  show_list (self->issuers, lists->issuers, self->issuers_view, self->issuers_empty);
  show_list (self->crls, lists->crls, self->crls_view, self->crls_empty);
  show_list (self->blocked, lists->blocked, self->blocked_view, self->blocked_empty);

  self->setting_policy = TRUE;
  adw_combo_row_set_selected (self->policy_row, lists->policy == SC_POLICY_REJECT ? 1 : 0);
  self->setting_policy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->policy_row), TRUE);
}

void
sc_preferences_window_reload_lists (ScPreferencesWindow *self)
{
  sc_store_run_async (sc_account_get_store (self->account), load_lists_job,
                      GUINT_TO_POINTER (++self->reload_serial), NULL,
                      (GDestroyNotify) lists_free, self->cancellable,
                      on_lists_loaded, sc_preferences_window_caller_new (self));
}

/* Every change ends here: a toast for what went wrong or what was done,
 * then the lists as the store has them now. */
static void
on_change_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScPreferencesWindowCaller) caller = user_data;
  g_autoptr(ScPreferencesWindow) self = sc_preferences_window_caller_get_window (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *done = sc_store_run_finish (SC_STORE (source), result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    sc_preferences_window_show_toast (self, error->message);
  else if (done != NULL)
    sc_preferences_window_show_toast (self, done);

  sc_preferences_window_reload_lists (self);
}

/* job returns a message for a toast (or NULL for none). */
static void
run_change (ScPreferencesWindow *self,
            ScStoreJob           job,
            gpointer             data,
            GDestroyNotify       data_free)
{
  sc_store_run_async (sc_account_get_store (self->account), job, data, data_free, g_free,
                      self->cancellable, on_change_done, sc_preferences_window_caller_new (self));
}

static gpointer
set_policy_job (ScStore       *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  sc_store_set_policy (store, GPOINTER_TO_INT (data), error);
  return NULL;
}

void
sc_preferences_window_on_policy_selected (ScPreferencesWindow *self)
{
  ScPolicy policy = adw_combo_row_get_selected (self->policy_row) == 1 ? SC_POLICY_REJECT
                                                                      : SC_POLICY_ASK;

  if (self->setting_policy)
    return;

  run_change (self, set_policy_job, GINT_TO_POINTER (policy), NULL);
}

static gpointer
remove_job (ScStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ScTrustItem *item = data;
  const char *key = sc_trust_item_get_key (item);
  gboolean removed = FALSE;

  switch (sc_trust_item_get_kind (item))
    {
    case SC_TRUST_ITEM_ISSUER:
      removed = sc_store_remove_issuer (store, key, error);
      break;
    case SC_TRUST_ITEM_CRL:
      removed = sc_store_remove_crl (store, key, error);
      break;
    case SC_TRUST_ITEM_ENTRY:
      removed = sc_store_remove_entry (store, sc_trust_item_get_list (item),
                                       sc_trust_item_get_entry_kind (item), key, error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!removed)
    return NULL;
  return g_strdup_printf (_("Removed %s"), sc_trust_item_get_title (item));
}

void
sc_preferences_window_on_remove_clicked (GtkButton   *button,
                                         GtkListItem *list_item)
{
  ScPreferencesWindow *self = SC_PREFERENCES_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));
  ScTrustItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    run_change (self, remove_job, g_object_ref (item), g_object_unref);
}

/* Adding issuers and CRLs */

/* The error for the first thing that failed, naming the file; NULL when
 * nothing did. */
static void
note_failure (GError     **first,
              const char  *path,
              GError      *error)
{
  g_autofree char *basename = g_path_get_basename (path);

  if (*first == NULL)
    *first = g_error_new (error->domain, error->code, "%s: %s", basename, error->message);
  g_error_free (error);
}

static gpointer
add_issuers_job (ScStore       *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  const char *path = data;
  g_autoptr(ScPeerCertificate) bundle = NULL;
  GError *local_error = NULL;
  GError *first = NULL;
  guint n_added = 0;

  bundle = sc_peer_certificate_new_from_file (path, &local_error);
  if (bundle == NULL)
    {
      note_failure (error, path, local_error);
      return NULL;
    }

  /* Every certificate of a bundle on its own: one that is not a CA keeps
   * none of the others out. */
  for (guint i = 0; i < sc_peer_certificate_get_length (bundle); i++)
    {
      if (sc_store_add_issuer (store, sc_peer_certificate_get_der (bundle, i), &local_error))
        n_added++;
      else
        note_failure (&first, path, g_steal_pointer (&local_error));
    }

  if (first != NULL)
    {
      g_propagate_error (error, first);
      return NULL;
    }

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u trusted issuer",
                                       "Added %u trusted issuers", n_added), n_added);
}

static void
issuer_file_chosen (ScPreferencesWindow *self,
                    const char          *path)
{
  run_change (self, add_issuers_job, g_strdup (path), g_free);
}

void
sc_preferences_window_add_issuer_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  sc_preferences_window_choose_file (SC_PREFERENCES_WINDOW (widget),
                                     _("Add Trusted Issuers"), _("_Add"), NULL,
                                     _("Certificates"), sc_preferences_window_certificate_suffixes,
                                     issuer_file_chosen);
}

static gpointer
add_crls_job (ScStore       *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  const char *path = data;
  g_autoptr(GPtrArray) ders = sc_crl_list_from_file (path, error);
  GError *local_error = NULL;
  GError *first = NULL;
  guint n_added = 0;

  if (ders == NULL)
    return NULL;

  for (guint i = 0; i < ders->len; i++)
    {
      if (sc_store_add_crl (store, ders->pdata[i], &local_error))
        n_added++;
      else
        note_failure (&first, path, g_steal_pointer (&local_error));
    }

  if (first != NULL)
    {
      g_propagate_error (error, first);
      return NULL;
    }

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u revocation list",
                                       "Added %u revocation lists", n_added), n_added);
}

static void
crl_file_chosen (ScPreferencesWindow *self,
                 const char          *path)
{
  run_change (self, add_crls_job, g_strdup (path), g_free);
}

void
sc_preferences_window_add_crl_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  sc_preferences_window_choose_file (SC_PREFERENCES_WINDOW (widget),
                                     _("Add Revocation Lists"), _("_Add"), NULL,
                                     _("Revocation Lists"), crl_suffixes, crl_file_chosen);
}
