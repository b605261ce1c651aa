/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-knock-item.h"
#include "sc-knock-row.h"
#include "sc-knocks-page.h"
#include "sc-reloader.h"

/* The newest knocks shown; the store keeps more. */
#define KNOCKS_SHOWN 500
/* A burst of knocks reloads the list at most this often. */
#define RELOAD_DELAY_MS 250

struct _ScKnocksPage
{
  AdwBin           parent_instance;

  ScAccount       *account;
  GCancellable    *cancellable;
  ScReloader      *reloader;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GListStore      *knocks;
};

G_DEFINE_FINAL_TYPE (ScKnocksPage, sc_knocks_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Takes title.  Toast titles are markup: build them from escaped text. */
static void
show_toast (ScKnocksPage *self,
            char         *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
  g_free (title);
}

static char *
escape (const char *text)
{
  return g_markup_escape_text (text != NULL ? text : "", -1);
}

static ScKnockItem *
find_item (ScKnocksPage *self,
           gint64        id)
{
  GListModel *model = G_LIST_MODEL (self->knocks);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ScKnockItem) item = g_list_model_get_item (model, i);

      if (sc_knock_item_get_id (item) == id)
        return item;
    }

  return NULL;
}

/* Loading */

/* The fingerprints on one list. */
static GHashTable *
list_fingerprints (ScStore     *store,
                   ScListKind   list,
                   GError     **error)
{
  g_autoptr(GPtrArray) entries = sc_store_list_entries (store, list, error);
  GHashTable *fingerprints;

  if (entries == NULL)
    return NULL;

  fingerprints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      ScListEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == SC_ENTRY_FINGERPRINT)
        g_hash_table_add (fingerprints, g_strdup (entry->value));
    }

  return fingerprints;
}

static gpointer
list_knocks_job (ScStore       *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GPtrArray) knocks = NULL;
  g_autoptr(GHashTable) allowed = NULL;
  g_autoptr(GHashTable) blocked = NULL;
  GPtrArray *items;

  knocks = sc_store_list_knocks (store, KNOCKS_SHOWN, error);
  if (knocks == NULL)
    return NULL;
  allowed = list_fingerprints (store, SC_LIST_ALLOW, error);
  if (allowed == NULL)
    return NULL;
  blocked = list_fingerprints (store, SC_LIST_BLOCK, error);
  if (blocked == NULL)
    return NULL;

  /* Each item takes its knock. */
  g_ptr_array_set_free_func (knocks, NULL);
  items = g_ptr_array_new_full (knocks->len, g_object_unref);
  for (guint i = 0; i < knocks->len; i++)
    {
      ScKnock *knock = g_ptr_array_index (knocks, i);
      gboolean is_allowed = knock->fingerprint != NULL &&
                            g_hash_table_contains (allowed, knock->fingerprint);
      gboolean is_blocked = knock->fingerprint != NULL &&
                            g_hash_table_contains (blocked, knock->fingerprint);

      g_ptr_array_add (items, sc_knock_item_new (knock, is_allowed, is_blocked));
    }

  return items;
}

static void
on_knocks_listed (gpointer      result,
                  const GError *error,
                  gpointer      user_data)
{
  ScKnocksPage *self = user_data;
  GPtrArray *items = result;

  if (items != NULL)
    {
      guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->knocks));

      g_list_store_splice (self->knocks, 0, n_shown, items->pdata, items->len);
      gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
    }
  else
    {
      g_autofree char *message = escape (error->message);

      show_toast (self, g_strdup_printf (_("Cannot read the knock log: %s"), message));
    }
}

static void
reload (ScKnocksPage *self)
{
  sc_reloader_reload (self->reloader);
}

/* Allowing and blocking a certificate */

typedef struct
{
  ScListKind  list;
  char       *fingerprint;
  char       *note;
} ListChange;

static void
list_change_free (ListChange *change)
{
  g_free (change->fingerprint);
  g_free (change->note);
  g_free (change);
}

/* Allowing a blocked certificate unblocks it: the block list wins. */
static gpointer
list_change_job (ScStore       *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ListChange *change = data;
  g_autoptr(GError) local_error = NULL;

  if (change->list == SC_LIST_ALLOW &&
      !sc_store_remove_entry (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, change->fingerprint,
                              &local_error) &&
      !g_error_matches (local_error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!sc_store_add_entry (store, change->list, SC_ENTRY_FINGERPRINT, change->fingerprint,
                           change->note, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

typedef struct
{
  ScKnocksPage *self;   /* not a reference: the page cancels its calls when disposed */
  ScListKind    list;
  char         *name;
} ListCall;

static void
list_call_free (ListCall *call)
{
  g_free (call->name);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListCall, list_call_free)

static void
on_list_changed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ListCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  sc_store_run_finish (SC_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  name = escape (call->name);
  if (error != NULL)
    {
      g_autofree char *message = escape (error->message);

      show_toast (call->self, g_strdup_printf (_("Cannot change the lists: %s"), message));
    }
  else if (call->list == SC_LIST_ALLOW)
    {
      show_toast (call->self, g_strdup_printf (_("%s can reach you now"), name));
    }
  else
    {
      show_toast (call->self, g_strdup_printf (_("%s is blocked"), name));
    }

  reload (call->self);
}

static void
change_list (ScKnocksPage *self,
             gint64        id,
             ScListKind    list)
{
  ScKnockItem *item = find_item (self, id);
  ScStore *store = self->account != NULL ? sc_account_get_store (self->account) : NULL;
  const ScKnock *knock;
  const char *name;
  ListChange *change;
  ListCall *call;

  if (item == NULL || store == NULL)
    return;

  knock = sc_knock_item_get_knock (item);
  if (knock->fingerprint == NULL)
    return;

  name = sc_knock_item_get_display_name (item);

  change = g_new0 (ListChange, 1);
  change->list = list;
  change->fingerprint = g_strdup (knock->fingerprint);
  change->note = g_strdup (name);

  call = g_new0 (ListCall, 1);
  call->self = self;
  call->list = list;
  call->name = name != NULL ? g_strdup (name) : sc_fingerprint_format (knock->fingerprint);

  sc_store_run_async (store, list_change_job, change, (GDestroyNotify) list_change_free, NULL,
                      self->cancellable, on_list_changed, call);
}

static void
allow_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  change_list (SC_KNOCKS_PAGE (widget), g_variant_get_int64 (parameter), SC_LIST_ALLOW);
}

static void
block_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  change_list (SC_KNOCKS_PAGE (widget), g_variant_get_int64 (parameter), SC_LIST_BLOCK);
}

/* The account */

/* Changes made elsewhere (Preferences, the command line) and fresh relative
 * times show when the page does. */
static void
sc_knocks_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sc_knocks_page_parent_class)->map (widget);
  reload (SC_KNOCKS_PAGE (widget));
}

static void
set_account (ScKnocksPage *self,
             ScAccount    *account)
{
  if (self->account == account)
    return;

  g_set_object (&self->account, account);
  sc_reloader_set_account (self->reloader, account);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

GtkWidget *
sc_knocks_page_new (ScAccount *account)
{
  return g_object_new (SC_TYPE_KNOCKS_PAGE, "account", account, NULL);
}

static void
sc_knocks_page_dispose (GObject *object)
{
  ScKnocksPage *self = (ScKnocksPage *) object;

  g_cancellable_cancel (self->cancellable);
  /* The bin's child is a template child: let go of it before the template does. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_KNOCKS_PAGE);
  g_clear_object (&self->account);
  g_clear_object (&self->reloader);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sc_knocks_page_parent_class)->dispose (object);
}

static void
sc_knocks_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ScKnocksPage *self = SC_KNOCKS_PAGE (object);

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
sc_knocks_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ScKnocksPage *self = SC_KNOCKS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      set_account (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_knocks_page_class_init (ScKnocksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_knocks_page_dispose;
  object_class->get_property = sc_knocks_page_get_property;
  object_class->set_property = sc_knocks_page_set_property;
  widget_class->map = sc_knocks_page_map;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, SC_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SC_TYPE_KNOCK_ITEM);
  g_type_ensure (SC_TYPE_KNOCK_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-knocks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ScKnocksPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScKnocksPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ScKnocksPage, knocks);

  gtk_widget_class_install_action (widget_class, "knocks.allow", "x", allow_activated);
  gtk_widget_class_install_action (widget_class, "knocks.block", "x", block_activated);
}

static void
sc_knocks_page_init (ScKnocksPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->reloader = sc_reloader_new (list_knocks_job, (GDestroyNotify) g_ptr_array_unref,
                                    self->cancellable, on_knocks_listed, self);
  /* The store is there once the account loaded: its agent starts then. */
  sc_reloader_reload_on (self->reloader, "notify::agent", 0);
  sc_reloader_reload_on (self->reloader, "knock", RELOAD_DELAY_MS);
  gtk_widget_init_template (GTK_WIDGET (self));
}
