/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-chat-window-private.h"

/* Actions */

typedef struct
{
  ScChatWindow *window;
  char         *text;
} SendCall;

static void
on_message_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SendCall *call = user_data;
  g_autoptr(ScChatWindow) self = call->window;
  g_autofree char *text = call->text;
  g_autoptr(ScMessage) stored = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start;

  g_free (call);
  stored = sc_messenger_send_finish (SC_MESSENGER (source), result, &error);
  if (stored != NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* Nothing was stored: the text goes back where it came from. */
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  buffer = gtk_text_view_get_buffer (self->entry_view);
  gtk_text_buffer_get_start_iter (buffer, &start);
  if (gtk_text_buffer_get_char_count (buffer) > 0)
    gtk_text_buffer_insert (buffer, &start, "\n", 1);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_insert (buffer, &start, text, -1);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScChatWindow *self = SC_CHAT_WINDOW (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->entry_view);
  ScUserAgent *agent = sc_account_get_agent (self->account);
  g_autofree char *text = NULL;
  GtkTextIter start, end;
  SendCall *call;

  sc_chat_window_ensure_history (self);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*text == '\0' || agent == NULL || sc_chat_window_peer_user_id (self) == NULL)
    return;

  call = g_new0 (SendCall, 1);
  call->window = g_object_ref (self);
  call->text = g_strdup (text);
  sc_messenger_send_async (sc_user_agent_get_messenger (agent), sc_chat_window_peer_user_id (self),
                           text, NULL, on_message_stored, call);
  gtk_text_buffer_set_text (buffer, "", 0);

  /* Only the history was shown: writing calls them, where we know them. */
  if (self->session == NULL && sc_chat_window_can_reconnect (self))
    gtk_widget_activate_action (widget, "chat.reconnect", NULL);
}

static void
on_resent (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ScChatWindow) self = user_data;
  g_autoptr(ScMessage) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = sc_messenger_resend_finish (SC_MESSENGER (source), result, &error);
  if (stored == NULL && !g_cancellable_is_cancelled (self->cancellable))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

/* The account's messenger, if its agent runs. */
static ScMessenger *
messenger (ScChatWindow *self)
{
  ScUserAgent *agent = sc_account_get_agent (self->account);

  return agent != NULL ? sc_user_agent_get_messenger (agent) : NULL;
}

static void
retry_message_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScChatWindow *self = SC_CHAT_WINDOW (widget);

  if (messenger (self) == NULL)
    return;

  sc_messenger_resend_async (messenger (self), g_variant_get_int64 (parameter),
                             self->cancellable, on_resent, g_object_ref (self));

  /* Offline: it goes out with the next session, so call them. */
  if (sc_chat_window_can_reconnect (self))
    gtk_widget_activate_action (widget, "chat.reconnect", NULL);
}

static void
on_message_deleted (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ScChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sc_messenger_delete_finish (SC_MESSENGER (source), result, &error)
      && !g_cancellable_is_cancelled (self->cancellable))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

static void
delete_message_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ScChatWindow *self = SC_CHAT_WINDOW (widget);

  if (messenger (self) != NULL)
    sc_messenger_delete_async (messenger (self), g_variant_get_int64 (parameter),
                               self->cancellable, on_message_deleted, g_object_ref (self));
}

static void
on_conversation_deleted (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(ScChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sc_messenger_delete_conversation_finish (SC_MESSENGER (source), result, &error)
      && !g_cancellable_is_cancelled (self->cancellable))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

static void
on_delete_conversation_response (AdwMessageDialog *dialog,
                                 const char       *response,
                                 ScChatWindow     *self)
{
  if (g_strcmp0 (response, "delete") != 0 || messenger (self) == NULL || self->history == NULL)
    return;

  sc_messenger_delete_conversation_async (messenger (self),
                                          sc_history_model_get_peer (self->history),
                                          self->cancellable, on_conversation_deleted,
                                          g_object_ref (self));
}

static void
delete_conversation_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  ScChatWindow *self = SC_CHAT_WINDOW (widget);
  GtkWidget *dialog;

  if (self->history == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete the Conversation?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Every message you and %s exchanged is deleted from this "
                                    "computer, and messages not sent yet are not sent."),
                                  sc_chat_window_peer_name (self));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_conversation_response),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
write_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ScChatWindow *self = SC_CHAT_WINDOW (widget);

  if (!sc_chat_window_can_write_offline (self))
    return;

  self->chatting = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "chat");
  sc_chat_window_update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry_view));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScChatWindow *self = SC_CHAT_WINDOW (widget);
  g_autofree char *user_id = g_strdup (sc_chat_window_peer_user_id (self));
  g_autofree char *address = sc_chat_window_reconnect_address (self);

  if (user_id == NULL || address == NULL)
    return;

  sc_chat_window_dial (self, user_id, address);
}

static void
on_decided (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ScChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  sc_user_agent_decide_request_finish (SC_USER_AGENT (source), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->deciding = FALSE;
  if (error != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  sc_chat_window_update (self);
}

static void
decide (ScChatWindow   *self,
        ScRequestState  state)
{
  ScUserAgent *agent = sc_account_get_agent (self->account);

  if (agent == NULL || self->session == NULL || sc_session_get_request_id (self->session) <= 0)
    return;

  self->deciding = TRUE;
  sc_chat_window_update_actions (self);
  sc_user_agent_decide_request_async (agent, sc_session_get_request_id (self->session), state,
                                      self->cancellable, on_decided, g_object_ref (self));
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (SC_CHAT_WINDOW (widget), SC_REQUEST_ACCEPTED);
}

static void
decline_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (SC_CHAT_WINDOW (widget), SC_REQUEST_DECLINED);
}

static void
block_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  decide (SC_CHAT_WINDOW (widget), SC_REQUEST_BLOCKED);
}

void
sc_chat_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "chat.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "chat.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "chat.write", NULL, write_action);
  gtk_widget_class_install_action (widget_class, "chat.retry-message", "x", retry_message_action);
  gtk_widget_class_install_action (widget_class, "chat.delete-message", "x",
                                   delete_message_action);
  gtk_widget_class_install_action (widget_class, "chat.delete-conversation", NULL,
                                   delete_conversation_action);
  gtk_widget_class_install_action (widget_class, "chat.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "chat.decline", NULL, decline_action);
  gtk_widget_class_install_action (widget_class, "chat.block", NULL, block_action);
}
