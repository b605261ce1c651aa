/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-store-private.h"

typedef struct
{
  ScStoreJob      job;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} RunData;

static void
run_data_free (RunData *run)
{
  if (run->data_free != NULL)
    run->data_free (run->data);
  g_free (run);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *run = task_data;
  GError *error = NULL;
  gpointer result;

  result = run->job (source_object, run->data, cancellable, &error);
  if (error != NULL)
    {
      g_assert (result == NULL);
      g_task_return_error (task, error);
    }
  else
    {
      g_task_return_pointer (task, result, run->result_free);
    }
}

void
sc_store_run_async (ScStore             *self,
                    ScStoreJob           job,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GDestroyNotify       result_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *run;

  g_return_if_fail (SC_IS_STORE (self));
  g_return_if_fail (job != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run = g_new0 (RunData, 1);
  run->job = job;
  run->data = data;
  run->data_free = data_free;
  run->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_store_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

gpointer
sc_store_run_finish (ScStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (SC_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sc_store_run_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The data that sc_store_run_async() was given for the call behind result. */
static gpointer
run_get_data (GAsyncResult *result)
{
  RunData *run = g_task_get_task_data (G_TASK (result));

  return run->data;
}

/* Contacts */

static gpointer
list_contacts_job (ScStore       *store,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  return sc_store_list_contacts (store, error);
}

void
sc_store_list_contacts_async (ScStore             *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SC_IS_STORE (self));

  sc_store_run_async (self, list_contacts_job, NULL, NULL,
                      (GDestroyNotify) g_ptr_array_unref,
                      cancellable, callback, user_data);
}

GPtrArray *
sc_store_list_contacts_finish (ScStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return sc_store_run_finish (self, result, error);
}

/* The contact the caller holds, and the copy the worker saves. */
typedef struct
{
  ScContact *contact;
  ScContact *copy;
} SaveData;

static void
save_data_free (SaveData *save)
{
  g_clear_object (&save->contact);
  g_clear_object (&save->copy);
  g_free (save);
}

static gpointer
save_contact_job (ScStore       *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  SaveData *save = data;

  if (!sc_store_save_contact (store, save->copy, error))
    return NULL;

  return g_object_ref (save->copy);
}

void
sc_store_save_contact_async (ScStore             *self,
                             ScContact           *contact,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  SaveData *save;

  g_return_if_fail (SC_IS_STORE (self));
  g_return_if_fail (SC_IS_CONTACT (contact));

  save = g_new0 (SaveData, 1);
  save->contact = g_object_ref (contact);
  save->copy = sc_contact_copy (contact);

  sc_store_run_async (self, save_contact_job, save, (GDestroyNotify) save_data_free,
                      g_object_unref, cancellable, callback, user_data);
}

gboolean
sc_store_save_contact_finish (ScStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autoptr(ScContact) saved = sc_store_run_finish (self, result, error);
  SaveData *save;

  if (saved == NULL)
    return FALSE;

  save = run_get_data (result);
  sc_contact_set_id (save->contact, sc_contact_get_id (saved));
  sc_contact_set_last_seen (save->contact, sc_contact_get_last_seen (saved));
  sc_contact_set_created (save->contact, sc_contact_get_created (saved));
  return TRUE;
}

static gpointer
delete_contact_job (ScStore       *store,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  const gint64 *id = data;

  sc_store_delete_contact (store, *id, error);
  return NULL;
}

void
sc_store_delete_contact_async (ScStore             *self,
                               gint64               id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (SC_IS_STORE (self));

  sc_store_run_async (self, delete_contact_job, g_memdup2 (&id, sizeof id), g_free, NULL,
                      cancellable, callback, user_data);
}

gboolean
sc_store_delete_contact_finish (ScStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  GError *local_error = NULL;

  sc_store_run_finish (self, result, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}
