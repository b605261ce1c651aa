/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-chat-window.h"

struct _ScChatWindow
{
  AdwApplicationWindow  parent_instance;
  ScSession            *session;
};

G_DEFINE_FINAL_TYPE (ScChatWindow, sc_chat_window, ADW_TYPE_APPLICATION_WINDOW)

ScChatWindow *
sc_chat_window_new_outgoing (AdwApplication *application,
                             ScAccount      *account,
                             const char     *user_id,
                             const char     *address)
{
  ScChatWindow *self = g_object_new (SC_TYPE_CHAT_WINDOW, "application", application, NULL);

  self->session = sc_account_dial (account, user_id, address, NULL);
  return self;
}

ScChatWindow *
sc_chat_window_new_incoming (AdwApplication *application,
                             ScAccount      *account,
                             ScSession      *session)
{
  ScChatWindow *self = g_object_new (SC_TYPE_CHAT_WINDOW, "application", application, NULL);

  self->session = g_object_ref (session);
  return self;
}

ScSession *
sc_chat_window_get_session (ScChatWindow *self)
{
  return self->session;
}

static void
sc_chat_window_dispose (GObject *object)
{
  g_clear_object (&SC_CHAT_WINDOW (object)->session);
  G_OBJECT_CLASS (sc_chat_window_parent_class)->dispose (object);
}

static void
sc_chat_window_class_init (ScChatWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sc_chat_window_dispose;
}

static void
sc_chat_window_init (ScChatWindow *self)
{
}
