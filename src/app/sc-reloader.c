/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-reloader.h"

/* A signal of the account that reloads. */
typedef struct
{
  ScReloader *self;   /* not a reference: the reloader owns its triggers */
  char       *detailed_signal;
  guint       delay_ms;
  gulong      handler_id;
} Trigger;

struct _ScReloader
{
  GObject         parent_instance;

  ScStoreJob      job;
  GDestroyNotify  result_free;
  GCancellable   *cancellable;
  ScReloaderFunc  loaded;
  gpointer        user_data;

  ScAccount      *account;
  GPtrArray      *triggers;
  gboolean        loading;
  gboolean        reload_again;
  guint           reload_source;
};

G_DEFINE_FINAL_TYPE (ScReloader, sc_reloader, G_TYPE_OBJECT)

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ScReloader) self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer loaded = sc_store_run_finish (SC_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  self->loaded (loaded, error, self->user_data);
  if (loaded != NULL && self->result_free != NULL)
    self->result_free (loaded);

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      sc_reloader_reload (self);
    }
}

void
sc_reloader_reload (ScReloader *self)
{
  ScStore *store;

  g_return_if_fail (SC_IS_RELOADER (self));

  store = self->account != NULL ? sc_account_get_store (self->account) : NULL;
  if (store == NULL)
    return;

  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }

  self->loading = TRUE;
  sc_store_run_async (store, self->job, NULL, NULL, self->result_free,
                      self->cancellable, on_loaded, g_object_ref (self));
}

static gboolean
reload_timeout (gpointer user_data)
{
  ScReloader *self = user_data;

  self->reload_source = 0;
  sc_reloader_reload (self);

  return G_SOURCE_REMOVE;
}

void
sc_reloader_queue_reload (ScReloader *self,
                          guint       delay_ms)
{
  g_return_if_fail (SC_IS_RELOADER (self));

  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (delay_ms, reload_timeout, self);
}

static void
trigger_free (Trigger *trigger)
{
  g_free (trigger->detailed_signal);
  g_free (trigger);
}

/* Connected swapped: the signal's own arguments do not matter. */
static void
on_trigger (Trigger *trigger)
{
  if (trigger->delay_ms == 0)
    sc_reloader_reload (trigger->self);
  else
    sc_reloader_queue_reload (trigger->self, trigger->delay_ms);
}

void
sc_reloader_reload_on (ScReloader *self,
                       const char *detailed_signal,
                       guint       delay_ms)
{
  Trigger *trigger;

  g_return_if_fail (SC_IS_RELOADER (self));
  g_return_if_fail (detailed_signal != NULL);
  g_return_if_fail (self->account == NULL);

  trigger = g_new0 (Trigger, 1);
  trigger->self = self;
  trigger->detailed_signal = g_strdup (detailed_signal);
  trigger->delay_ms = delay_ms;
  g_ptr_array_add (self->triggers, trigger);
}

void
sc_reloader_set_account (ScReloader *self,
                         ScAccount  *account)
{
  g_return_if_fail (SC_IS_RELOADER (self));
  g_return_if_fail (account == NULL || SC_IS_ACCOUNT (account));

  if (self->account == account)
    return;

  for (guint i = 0; i < self->triggers->len; i++)
    {
      Trigger *trigger = g_ptr_array_index (self->triggers, i);

      if (self->account != NULL)
        g_clear_signal_handler (&trigger->handler_id, self->account);
      if (account != NULL)
        trigger->handler_id = g_signal_connect_swapped (account, trigger->detailed_signal,
                                                        G_CALLBACK (on_trigger), trigger);
    }
  g_set_object (&self->account, account);

  if (account != NULL)
    sc_reloader_reload (self);
}

ScReloader *
sc_reloader_new (ScStoreJob      job,
                 GDestroyNotify  result_free,
                 GCancellable   *cancellable,
                 ScReloaderFunc  loaded,
                 gpointer        user_data)
{
  ScReloader *self;

  g_return_val_if_fail (job != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (loaded != NULL, NULL);

  self = g_object_new (SC_TYPE_RELOADER, NULL);
  self->job = job;
  self->result_free = result_free;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->loaded = loaded;
  self->user_data = user_data;

  return self;
}

static void
sc_reloader_dispose (GObject *object)
{
  ScReloader *self = (ScReloader *) object;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  sc_reloader_set_account (self, NULL);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sc_reloader_parent_class)->dispose (object);
}

static void
sc_reloader_finalize (GObject *object)
{
  ScReloader *self = (ScReloader *) object;

  g_ptr_array_unref (self->triggers);

  G_OBJECT_CLASS (sc_reloader_parent_class)->finalize (object);
}

static void
sc_reloader_class_init (ScReloaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sc_reloader_dispose;
  object_class->finalize = sc_reloader_finalize;
}

static void
sc_reloader_init (ScReloader *self)
{
  self->triggers = g_ptr_array_new_with_free_func ((GDestroyNotify) trigger_free);
}
