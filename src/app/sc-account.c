/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-account.h"
#include "sc-profile.h"
#include "sc-protocol.h"

struct _ScAccount
{
  GObject      parent_instance;

  char        *profile_dir;
  ScStore     *store;
  ScIdentity  *identity;
  ScUserAgent *agent;
  char        *listen_error;
  char        *listen_address;
  guint16      listen_port;
};

G_DEFINE_FINAL_TYPE (ScAccount, sc_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IDENTITY,
  PROP_AGENT,
  PROP_LISTEN_ERROR,
  N_PROPS
};

enum {
  INCOMING_SESSION,
  KNOCK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What a worker thread reads for the main thread. */
typedef struct
{
  ScStore    *store;
  ScIdentity *identity;
  char       *listen_address;
  guint16     listen_port;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->store);
  g_clear_object (&loaded->identity);
  g_free (loaded->listen_address);
  g_free (loaded);
}

static gboolean
read_network_settings (ScStore  *store,
                       Loaded   *loaded,
                       GError  **error)
{
  g_autofree char *port = NULL;
  guint64 value = SC_PROTOCOL_DEFAULT_PORT;

  loaded->listen_address = sc_store_get_setting (store, "listen-address", error);
  if (loaded->listen_address == NULL && error != NULL && *error != NULL)
    return FALSE;

  port = sc_store_get_setting (store, "listen-port", error);
  if (port == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (port != NULL)
    g_ascii_string_to_unsigned (port, 10, 0, 65535, &value, NULL);

  if (loaded->listen_address == NULL)
    loaded->listen_address = g_strdup ("::");
  loaded->listen_port = (guint16) value;

  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScAccount *self = source_object;
  Loaded *loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  loaded->store = sc_profile_open_store (self->profile_dir, &error);
  if (loaded->store == NULL || !read_network_settings (loaded->store, loaded, &error))
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }

  if (sc_identity_exists (self->profile_dir))
    {
      loaded->identity = sc_identity_load (self->profile_dir, &error);
      if (loaded->identity == NULL)
        {
          loaded_free (loaded);
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
on_incoming_session (ScUserAgent *agent,
                     ScSession   *session,
                     ScAccount   *self)
{
  g_signal_emit (self, signals[INCOMING_SESSION], 0, session);
}

static void
on_knock (ScUserAgent   *agent,
          const ScKnock *knock,
          ScAccount     *self)
{
  g_signal_emit (self, signals[KNOCK], 0, knock);
}

static void
set_listen_error (ScAccount  *self,
                  const char *message)
{
  if (g_strcmp0 (self->listen_error, message) == 0)
    return;

  g_free (self->listen_error);
  self->listen_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTEN_ERROR]);
}

/* A new agent for the current identity and network settings. */
static void
start_agent (ScAccount *self)
{
  g_autoptr(GError) error = NULL;

  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      sc_user_agent_shutdown (self->agent);
      g_clear_object (&self->agent);
    }

  if (self->identity != NULL)
    {
      self->agent = sc_user_agent_new (self->identity, self->store, &error);
      if (self->agent != NULL)
        {
          g_signal_connect (self->agent, "incoming-session", G_CALLBACK (on_incoming_session), self);
          g_signal_connect (self->agent, "knock", G_CALLBACK (on_knock), self);
          sc_user_agent_set_listen_address (self->agent, self->listen_address);
          sc_user_agent_set_port (self->agent, self->listen_port);
          sc_user_agent_listen (self->agent, &error);
        }
    }

  set_listen_error (self, error != NULL ? error->message : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT]);
}

static void
take_loaded (ScAccount *self,
             Loaded    *loaded)
{
  if (loaded->store != NULL)
    g_set_object (&self->store, loaded->store);

  g_free (self->listen_address);
  self->listen_address = g_steal_pointer (&loaded->listen_address);
  self->listen_port = loaded->listen_port;
}

void
sc_account_load_async (ScAccount           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SC_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_account_load_async);
  g_task_run_in_thread (task, load_thread);
}

gboolean
sc_account_load_finish (ScAccount     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  Loaded *loaded;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return FALSE;

  take_loaded (self, loaded);
  if (loaded->identity != NULL)
    sc_account_set_identity (self, loaded->identity);
  loaded_free (loaded);

  return TRUE;
}

static void
restart_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ScAccount *self = source_object;
  Loaded *loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  if (!read_network_settings (self->store, loaded, &error))
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

void
sc_account_restart_async (ScAccount           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SC_IS_ACCOUNT (self));
  g_return_if_fail (self->store != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_account_restart_async);
  g_task_run_in_thread (task, restart_thread);
}

gboolean
sc_account_restart_finish (ScAccount     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  Loaded *loaded;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return FALSE;

  take_loaded (self, loaded);
  loaded_free (loaded);
  start_agent (self);

  return self->listen_error == NULL;
}

void
sc_account_set_identity (ScAccount  *self,
                         ScIdentity *identity)
{
  g_return_if_fail (SC_IS_ACCOUNT (self));
  g_return_if_fail (SC_IS_IDENTITY (identity));
  g_return_if_fail (self->store != NULL);

  if (g_set_object (&self->identity, identity))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);

  start_agent (self);
}

ScSession *
sc_account_dial (ScAccount   *self,
                 const char  *user_id,
                 const char  *address,
                 GError     **error)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), NULL);

  if (self->agent == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("Create or import your identity first"));
      return NULL;
    }

  return sc_user_agent_connect (self->agent, user_id, address, NULL, error);
}

const char *
sc_account_get_profile_dir (ScAccount *self)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), NULL);
  return self->profile_dir;
}

ScStore *
sc_account_get_store (ScAccount *self)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), NULL);
  return self->store;
}

ScIdentity *
sc_account_get_identity (ScAccount *self)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), NULL);
  return self->identity;
}

ScUserAgent *
sc_account_get_agent (ScAccount *self)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), NULL);
  return self->agent;
}

const char *
sc_account_get_listen_error (ScAccount *self)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), NULL);
  return self->listen_error;
}

const char *
sc_account_get_listen_address (ScAccount *self)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), NULL);
  return self->listen_address;
}

guint16
sc_account_get_listen_port (ScAccount *self)
{
  g_return_val_if_fail (SC_IS_ACCOUNT (self), 0);
  return self->listen_port;
}

ScAccount *
sc_account_new (const char *profile_dir)
{
  ScAccount *self;

  g_return_val_if_fail (profile_dir != NULL, NULL);

  self = g_object_new (SC_TYPE_ACCOUNT, NULL);
  self->profile_dir = g_strdup (profile_dir);

  return self;
}

static void
sc_account_dispose (GObject *object)
{
  ScAccount *self = (ScAccount *) object;

  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      sc_user_agent_shutdown (self->agent);
      g_clear_object (&self->agent);
    }
  g_clear_object (&self->identity);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sc_account_parent_class)->dispose (object);
}

static void
sc_account_finalize (GObject *object)
{
  ScAccount *self = (ScAccount *) object;

  g_free (self->profile_dir);
  g_free (self->listen_error);
  g_free (self->listen_address);

  G_OBJECT_CLASS (sc_account_parent_class)->finalize (object);
}

static void
sc_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ScAccount *self = SC_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;
    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;
    case PROP_LISTEN_ERROR:
      g_value_set_string (value, self->listen_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_account_class_init (ScAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sc_account_dispose;
  object_class->finalize = sc_account_finalize;
  object_class->get_property = sc_account_get_property;

  properties[PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL, SC_TYPE_IDENTITY, flags);
  properties[PROP_AGENT] =
    g_param_spec_object ("agent", NULL, NULL, SC_TYPE_USER_AGENT, flags);
  properties[PROP_LISTEN_ERROR] =
    g_param_spec_string ("listen-error", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[INCOMING_SESSION] =
    g_signal_new ("incoming-session", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SC_TYPE_SESSION);
  signals[KNOCK] =
    g_signal_new ("knock", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
sc_account_init (ScAccount *self)
{
  self->listen_address = g_strdup ("::");
  self->listen_port = SC_PROTOCOL_DEFAULT_PORT;
}
