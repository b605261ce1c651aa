/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-search-page.h"
#include "sc-search-result.h"

/* At most this many messages are shown. */
#define MAX_RESULTS 200

struct _ScSearchPage
{
  GtkWidget        parent_instance;

  ScAccount       *account;
  GCancellable    *cancellable;   /* of the search running */

  GtkWidget       *box;
  GtkSearchEntry  *search_entry;
  GListStore      *results;
  GtkLabel        *status_label;
};

G_DEFINE_FINAL_TYPE (ScSearchPage, sc_search_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What a search found, with the contact names of the peers it found. */
typedef struct
{
  GPtrArray  *found;   /* ScMessage */
  GHashTable *names;   /* peer → contact name */
} Found;

static void
found_free (Found *found)
{
  g_ptr_array_unref (found->found);
  g_hash_table_unref (found->names);
  g_free (found);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Found, found_free)

static gpointer
search_job (ScStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GPtrArray) messages = sc_store_search_messages (store, data, MAX_RESULTS, error);
  Found *found;

  if (messages == NULL)
    return NULL;

  found = g_new0 (Found, 1);
  found->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < messages->len; i++)
    {
      const ScMessage *message = g_ptr_array_index (messages, i);
      g_autoptr(ScContact) contact = NULL;

      if (g_hash_table_contains (found->names, message->peer))
        continue;

      /* Without the name (no contact, or it cannot be read) the row shows
       * the user ID. */
      contact = sc_store_find_contact (store, message->peer, NULL);
      g_hash_table_insert (found->names, g_strdup (message->peer),
                           g_strdup (contact != NULL ? sc_contact_get_name (contact) : NULL));
    }
  found->found = g_steal_pointer (&messages);

  return found;
}

static void
show_status (ScSearchPage *self,
             const char   *text)
{
  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ScSearchPage) self = user_data;
  g_autoptr(Found) found = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  found = sc_store_run_finish (SC_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (found == NULL)
    {
      g_list_store_remove_all (self->results);
      /* Text without a word finds nothing; anything else is a failure. */
      show_status (self, g_error_matches (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID)
                         ? NULL : error->message);
      return;
    }

  for (guint i = 0; i < found->found->len; i++)
    {
      const ScMessage *message = g_ptr_array_index (found->found, i);

      g_ptr_array_add (items, sc_search_result_new (message,
                                                    g_hash_table_lookup (found->names, message->peer)));
    }
  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       items->pdata, items->len);
  show_status (self, found->found->len == 0 ? _("No messages found") : NULL);
}

static void
on_search_changed (ScSearchPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  ScStore *store = self->account != NULL ? sc_account_get_store (self->account) : NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (store == NULL || *text == '\0')
    {
      g_list_store_remove_all (self->results);
      show_status (self, NULL);
      return;
    }

  self->cancellable = g_cancellable_new ();
  sc_store_run_async (store, search_job, g_strdup (text), g_free,
                      (GDestroyNotify) found_free, self->cancellable, on_searched,
                      g_object_ref (self));
}

static void
on_result_activated (GtkListView  *view,
                     guint         position,
                     ScSearchPage *self)
{
  g_autoptr(ScSearchResult) result = g_list_model_get_item (G_LIST_MODEL (self->results), position);

  if (result == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-chat", "(sx)",
                              sc_search_result_get_peer (result),
                              sc_search_result_get_seq (result));
}

void
sc_search_page_focus_entry (ScSearchPage *self)
{
  g_return_if_fail (SC_IS_SEARCH_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
sc_search_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ScSearchPage *self = SC_SEARCH_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_search_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ScSearchPage *self = SC_SEARCH_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      if (g_set_object (&self->account, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_search_page_dispose (GObject *object)
{
  ScSearchPage *self = SC_SEARCH_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_SEARCH_PAGE);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (sc_search_page_parent_class)->dispose (object);
}

static void
sc_search_page_class_init (ScSearchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sc_search_page_get_property;
  object_class->set_property = sc_search_page_set_property;
  object_class->dispose = sc_search_page_dispose;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SC_TYPE_SEARCH_RESULT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-search-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ScSearchPage, box);
  gtk_widget_class_bind_template_child (widget_class, ScSearchPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ScSearchPage, results);
  gtk_widget_class_bind_template_child (widget_class, ScSearchPage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_result_activated);
}

static void
sc_search_page_init (ScSearchPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
