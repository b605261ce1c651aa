/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-chat-message.h"
#include "sc-history-model.h"

/* Messages read by one store job. */
#define PAGE_SIZE 100

struct _ScHistoryModel
{
  GObject       parent_instance;

  ScMessenger  *messenger;
  char         *peer;
  GCancellable *cancellable;

  gboolean      loaded;
  GArray       *seqs;      /* gint64, ascending */
  GPtrArray    *items;     /* ScChatMessage or NULL (not asked for yet), as seqs */
  GHashTable   *pages;     /* page number → TRUE: a job for it runs */
  GHashTable   *newer;     /* seq → ScMessage: changed while its page was read */
  GPtrArray    *early;     /* ScMessage added before the seqs came in */
};

static void sc_history_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ScHistoryModel, sc_history_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sc_history_model_list_model_init))

enum
{
  PROP_0,
  PROP_PEER,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
item_free (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

/* Finding messages */

gint64
sc_history_model_find_seq (ScHistoryModel *self,
                           gint64          seq)
{
  guint low = 0;
  guint high;

  g_return_val_if_fail (SC_IS_HISTORY_MODEL (self), -1);

  high = self->seqs->len;
  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      gint64 value = g_array_index (self->seqs, gint64, middle);

      if (value == seq)
        return middle;
      if (value < seq)
        low = middle + 1;
      else
        high = middle;
    }

  return -1;
}

/* Pages */

typedef struct
{
  char   *peer;
  gint64  first_seq;
  gint64  last_seq;
  guint   page;
} PageJob;

static void
page_job_free (gpointer data)
{
  PageJob *job = data;

  g_free (job->peer);
  g_free (job);
}

static gpointer
list_page_job (ScStore       *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  PageJob *job = data;

  return sc_store_list_messages (store, job->peer, job->first_seq, job->last_seq, error);
}

typedef struct
{
  ScHistoryModel *model;
  guint           page;
} PageCall;

static void
on_page_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  PageCall *call = user_data;
  g_autoptr(ScHistoryModel) self = call->model;
  guint page = call->page;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;

  g_free (call);
  messages = sc_store_run_finish (SC_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_hash_table_remove (self->pages, GUINT_TO_POINTER (page));
  if (messages == NULL)
    {
      g_warning ("Cannot read the history with %s: %s", self->peer,
                 error != NULL ? error->message : "?");
      return;
    }

  for (guint i = 0; i < messages->len; i++)
    {
      ScMessage *stored = g_ptr_array_index (messages, i);
      gint64 position = sc_history_model_find_seq (self, stored->seq);
      ScMessage *newer;
      ScChatMessage *item;

      if (position < 0)
        continue;

      /* The page may have been read before a change we were told of. */
      newer = g_hash_table_lookup (self->newer, &stored->seq);
      if (newer != NULL)
        stored = newer;

      item = g_ptr_array_index (self->items, position);
      if (item != NULL)
        sc_chat_message_update (item, stored);
      else
        g_ptr_array_index (self->items, position) = sc_chat_message_new_stored (stored);
      g_hash_table_remove (self->newer, &stored->seq);
    }
}

static void
load_page (ScHistoryModel *self,
           guint           page)
{
  ScStore *store = sc_messenger_get_store (self->messenger);
  guint first = page * PAGE_SIZE;
  guint last = MIN (first + PAGE_SIZE, self->seqs->len) - 1;
  PageJob *job;
  PageCall *call;

  if (first >= self->seqs->len
      || g_hash_table_contains (self->pages, GUINT_TO_POINTER (page)))
    return;

  g_hash_table_add (self->pages, GUINT_TO_POINTER (page));

  job = g_new0 (PageJob, 1);
  job->peer = g_strdup (self->peer);
  job->first_seq = g_array_index (self->seqs, gint64, first);
  job->last_seq = g_array_index (self->seqs, gint64, last);
  job->page = page;

  call = g_new0 (PageCall, 1);
  call->model = g_object_ref (self);
  call->page = page;

  sc_store_run_async (store, list_page_job, job, page_job_free,
                      (GDestroyNotify) g_ptr_array_unref,
                      self->cancellable, on_page_listed, call);
}

/* GListModel */

static GType
sc_history_model_get_item_type (GListModel *model)
{
  return SC_TYPE_CHAT_MESSAGE;
}

static guint
sc_history_model_get_n_items (GListModel *model)
{
  ScHistoryModel *self = SC_HISTORY_MODEL (model);

  return self->seqs->len;
}

static gpointer
sc_history_model_get_item (GListModel *model,
                           guint       position)
{
  ScHistoryModel *self = SC_HISTORY_MODEL (model);
  ScChatMessage *item;

  if (position >= self->seqs->len)
    return NULL;

  item = g_ptr_array_index (self->items, position);
  if (item == NULL)
    {
      item = sc_chat_message_new_placeholder (g_array_index (self->seqs, gint64, position));
      g_ptr_array_index (self->items, position) = item;
    }
  if (!sc_chat_message_get_loaded (item))
    load_page (self, position / PAGE_SIZE);

  return g_object_ref (item);
}

static void
sc_history_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sc_history_model_get_item_type;
  iface->get_n_items = sc_history_model_get_n_items;
  iface->get_item = sc_history_model_get_item;
}

/* Following the messenger */

static void
append (ScHistoryModel  *self,
        const ScMessage *stored)
{
  guint position = self->seqs->len;

  if (position > 0 && g_array_index (self->seqs, gint64, position - 1) >= stored->seq)
    return;

  g_array_append_val (self->seqs, stored->seq);
  g_ptr_array_add (self->items, sc_chat_message_new_stored (stored));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

static void
on_message_added (ScMessenger    *messenger,
                  ScMessage      *stored,
                  ScHistoryModel *self)
{
  if (g_strcmp0 (stored->peer, self->peer) != 0)
    return;

  if (!self->loaded)
    g_ptr_array_add (self->early, sc_message_ref (stored));
  else
    append (self, stored);
}

static void
on_message_changed (ScMessenger    *messenger,
                    ScMessage      *stored,
                    ScHistoryModel *self)
{
  gint64 position;
  ScChatMessage *item;

  if (g_strcmp0 (stored->peer, self->peer) != 0)
    return;

  position = sc_history_model_find_seq (self, stored->seq);
  if (position < 0)
    return;

  if (g_hash_table_contains (self->pages, GUINT_TO_POINTER ((guint) position / PAGE_SIZE)))
    g_hash_table_replace (self->newer, &sc_message_ref (stored)->seq, stored);

  item = g_ptr_array_index (self->items, position);
  if (item != NULL)
    sc_chat_message_update (item, stored);
}

static void
on_message_removed (ScMessenger    *messenger,
                    ScMessage      *stored,
                    ScHistoryModel *self)
{
  gint64 position;

  if (g_strcmp0 (stored->peer, self->peer) != 0)
    return;

  position = sc_history_model_find_seq (self, stored->seq);
  if (position < 0)
    return;

  g_array_remove_index (self->seqs, position);
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static void
clear (ScHistoryModel *self)
{
  guint n = self->seqs->len;

  if (n == 0)
    return;

  g_array_set_size (self->seqs, 0);
  g_ptr_array_set_size (self->items, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

static void
on_conversation_removed (ScMessenger    *messenger,
                         const char     *peer,
                         ScHistoryModel *self)
{
  if (g_strcmp0 (peer, self->peer) == 0)
    clear (self);
}

/* Loading the seqs */

static gpointer
list_seqs_job (ScStore       *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  return sc_store_list_message_seqs (store, data, error);
}

static void
on_seqs_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScHistoryModel) self = user_data;
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) early = NULL;

  seqs = sc_store_run_finish (SC_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_warning ("Cannot read the history with %s: %s", self->peer, error->message);

  if (seqs != NULL && seqs->len > 0)
    {
      g_array_append_vals (self->seqs, seqs->data, seqs->len);
      g_ptr_array_set_size (self->items, seqs->len);
    }

  self->loaded = TRUE;
  early = g_steal_pointer (&self->early);
  self->early = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);

  if (self->seqs->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->seqs->len);
  for (guint i = 0; i < early->len; i++)
    append (self, g_ptr_array_index (early, i));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

/* Construction */

ScHistoryModel *
sc_history_model_new (ScMessenger *messenger,
                      const char  *peer)
{
  ScHistoryModel *self;

  g_return_val_if_fail (SC_IS_MESSENGER (messenger), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  self = g_object_new (SC_TYPE_HISTORY_MODEL, NULL);
  self->messenger = g_object_ref (messenger);
  self->peer = g_strdup (peer);

  g_signal_connect_object (messenger, "message-added", G_CALLBACK (on_message_added), self, 0);
  g_signal_connect_object (messenger, "message-changed", G_CALLBACK (on_message_changed), self, 0);
  g_signal_connect_object (messenger, "message-removed", G_CALLBACK (on_message_removed), self, 0);
  g_signal_connect_object (messenger, "conversation-removed",
                           G_CALLBACK (on_conversation_removed), self, 0);

  sc_store_run_async (sc_messenger_get_store (messenger), list_seqs_job, g_strdup (peer), g_free,
                      (GDestroyNotify) g_array_unref, self->cancellable, on_seqs_listed,
                      g_object_ref (self));

  return self;
}

const char *
sc_history_model_get_peer (ScHistoryModel *self)
{
  g_return_val_if_fail (SC_IS_HISTORY_MODEL (self), NULL);
  return self->peer;
}

gboolean
sc_history_model_get_loaded (ScHistoryModel *self)
{
  g_return_val_if_fail (SC_IS_HISTORY_MODEL (self), FALSE);
  return self->loaded;
}

static void
sc_history_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ScHistoryModel *self = SC_HISTORY_MODEL (object);

  switch (prop_id)
    {
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_history_model_dispose (GObject *object)
{
  ScHistoryModel *self = SC_HISTORY_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->messenger);

  G_OBJECT_CLASS (sc_history_model_parent_class)->dispose (object);
}

static void
sc_history_model_finalize (GObject *object)
{
  ScHistoryModel *self = SC_HISTORY_MODEL (object);

  g_clear_object (&self->cancellable);
  g_free (self->peer);
  g_array_unref (self->seqs);
  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->pages);
  g_hash_table_unref (self->newer);
  g_ptr_array_unref (self->early);

  G_OBJECT_CLASS (sc_history_model_parent_class)->finalize (object);
}

static void
sc_history_model_class_init (ScHistoryModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sc_history_model_get_property;
  object_class->dispose = sc_history_model_dispose;
  object_class->finalize = sc_history_model_finalize;

  properties[PROP_PEER] =
    g_param_spec_string ("peer", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_history_model_init (ScHistoryModel *self)
{
  self->cancellable = g_cancellable_new ();
  self->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->items = g_ptr_array_new_with_free_func (item_free);
  self->pages = g_hash_table_new (NULL, NULL);
  self->newer = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) sc_message_unref);
  self->early = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
}
