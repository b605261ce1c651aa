/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sc-address.h"
#include "sc-certificate-view.h"
#include "sc-chat-message.h"
#include "sc-chat-window-private.h"
#include "sc-history-model.h"
#include "sc-message-row.h"
#include "sc-time-format.h"

/* Our typing state becomes "paused" after this long without a keystroke. */
#define TYPING_PAUSE_SECONDS 5
/* Within this many pixels of the end, the transcript follows new messages. */
#define STICK_TO_BOTTOM_PX 32

G_DEFINE_FINAL_TYPE (ScChatWindow, sc_chat_window, ADW_TYPE_APPLICATION_WINDOW)

/* Names */

const char *
sc_chat_window_peer_user_id (ScChatWindow *self)
{
  ScPeerCertificate *certificate;

  if (self->session == NULL)
    return self->dial_user_id;
  if (sc_session_get_peer_user_id (self->session) != NULL)
    return sc_session_get_peer_user_id (self->session);
  certificate = sc_session_get_peer_certificate (self->session);
  if (certificate != NULL && sc_peer_certificate_get_user_id (certificate) != NULL)
    return sc_peer_certificate_get_user_id (certificate);
  if (sc_session_get_dialled_user_id (self->session) != NULL)
    return sc_session_get_dialled_user_id (self->session);

  return self->dial_user_id;
}

/* The peer's name for people: from the hello, else the certificate, else
 * the user ID. */
const char *
sc_chat_window_peer_name (ScChatWindow *self)
{
  ScPeerCertificate *certificate;
  const char *user_id;

  if (self->session != NULL && sc_session_get_peer_name (self->session) != NULL
      && *sc_session_get_peer_name (self->session) != '\0')
    return sc_session_get_peer_name (self->session);

  certificate = self->session != NULL ? sc_session_get_peer_certificate (self->session) : NULL;
  if (certificate != NULL && sc_peer_certificate_get_name (certificate) != NULL)
    return sc_peer_certificate_get_name (certificate);

  if (self->contact != NULL && self->contact->name != NULL && *self->contact->name != '\0')
    return self->contact->name;

  user_id = sc_chat_window_peer_user_id (self);
  return user_id != NULL ? user_id : _("Unknown Peer");
}

/* The first address of the peer's contact, if any. */
static const char *
known_address (ScChatWindow *self)
{
  return self->contact != NULL ? self->contact->address : NULL;
}

static char *
dial_host (ScChatWindow *self)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (self->dial_address == NULL
      || !sc_address_parse (self->dial_address, SC_PROTOCOL_DEFAULT_PORT, &host, &port, NULL))
    return g_strdup (self->dial_address);

  return g_steal_pointer (&host);
}

/* Where the failure happened: the address being tried, else the one typed. */
static const char *
failure_address (ScChatWindow *self)
{
  const char *remote = sc_session_get_remote_address (self->session);

  return remote != NULL ? remote : self->dial_address;
}

/* Reconnecting */

static char *
with_port (const char *host,
           guint16     port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);

  return g_strdup_printf ("%s:%u", host, port);
}

/* Where Reconnect dials, and why there: see reconnect_tooltip(). */
char *
sc_chat_window_reconnect_address (ScChatWindow *self)
{
  const char *remote = self->session != NULL ? sc_session_get_remote_address (self->session) : NULL;
  g_autofree char *host = NULL;
  guint16 port;

  if (self->session == NULL)
    return g_strdup (self->dial_address != NULL ? self->dial_address : known_address (self));

  if (!self->chatting)
    return g_strdup (self->dial_address);

  if (!sc_session_is_incoming (self->session))
    return g_strdup (remote != NULL ? remote : self->dial_address);

  if (known_address (self) != NULL)
    return g_strdup (known_address (self));

  /* They called from a port of their own; they listen on the default one. */
  if (remote == NULL || !sc_address_parse (remote, SC_PROTOCOL_DEFAULT_PORT, &host, &port, NULL))
    return NULL;

  return with_port (host, SC_PROTOCOL_DEFAULT_PORT);
}

static char *
reconnect_tooltip (ScChatWindow *self,
                   const char   *address)
{
  if (address == NULL)
    return NULL;

  if (self->session == NULL || !self->chatting || !sc_session_is_incoming (self->session))
    return g_strdup_printf (_("Calls %s at %s"), sc_chat_window_peer_user_id (self), address);

  if (known_address (self) != NULL)
    return g_strdup_printf (_("Calls %s at %s, the address in your contacts"),
                            sc_chat_window_peer_user_id (self), address);

  return g_strdup_printf (_("Calls %s at %s: they called you from another port, so this "
                            "assumes they listen on the default port %u"),
                          sc_chat_window_peer_user_id (self), address, SC_PROTOCOL_DEFAULT_PORT);
}

gboolean
sc_chat_window_can_reconnect (ScChatWindow *self)
{
  ScCloseReason reason;

  /* Only the history is shown: call them where we know them. */
  if (self->session == NULL)
    return self->dial_error == NULL && sc_chat_window_peer_user_id (self) != NULL
           && (self->dial_address != NULL || known_address (self) != NULL);
  if (sc_session_get_state (self->session) != SC_SESSION_STATE_CLOSED)
    return FALSE;
  if (sc_chat_window_peer_user_id (self) == NULL)
    return FALSE;

  if (!self->chatting)
    return self->dial_address != NULL;

  /* We said no to them: calling them back would make no sense. */
  reason = sc_session_get_close_reason (self->session);
  if (sc_session_is_incoming (self->session)
      && (reason == SC_CLOSE_DECLINED || reason == SC_CLOSE_BLOCKED))
    return FALSE;

  return TRUE;
}

/* A dial that failed only because the peer could not be reached (rather
 * than a certificate, a refusal or the protocol) leaves writing to them
 * open: what we write waits in the store for the next session. */
gboolean
sc_chat_window_can_write_offline (ScChatWindow *self)
{
  if (self->session == NULL || sc_session_is_incoming (self->session)
      || sc_chat_window_peer_user_id (self) == NULL)
    return FALSE;

  switch (sc_session_get_close_reason (self->session))
    {
    case SC_CLOSE_REFUSED:
    case SC_CLOSE_UNREACHABLE:
    case SC_CLOSE_TIMEOUT:
    case SC_CLOSE_PEER_GONE:
    case SC_CLOSE_BUSY:
    case SC_CLOSE_IO_ERROR:
      return TRUE;
    case SC_CLOSE_NONE:
    case SC_CLOSE_LOCAL:
    case SC_CLOSE_PEER_BYE:
    case SC_CLOSE_TLS_ERROR:
    case SC_CLOSE_REJECTED:
    case SC_CLOSE_WRONG_PEER:
    case SC_CLOSE_DECLINED:
    case SC_CLOSE_BLOCKED:
    case SC_CLOSE_PROTOCOL_ERROR:
    default:
      return FALSE;
    }
}

/* What a close means for people */

static void
describe_close (ScChatWindow  *self,
                char         **title,
                char         **description,
                gboolean      *show_detail)
{
  ScSession *session = self->session;
  gboolean incoming = sc_session_is_incoming (session);
  const ScTrustDecision *decision = sc_session_get_decision (session);
  ScPeerCertificate *certificate = sc_session_get_peer_certificate (session);
  const char *name = sc_chat_window_peer_name (self);
  const char *user = sc_chat_window_peer_user_id (self);

  *show_detail = FALSE;

  switch (sc_session_get_close_reason (session))
    {
    case SC_CLOSE_LOCAL:
      *title = g_strdup (_("Chat Closed"));
      *description = g_strdup (_("You closed the chat."));
      break;

    case SC_CLOSE_PEER_BYE:
      *title = g_strdup (_("Chat Ended"));
      *description = g_strdup_printf (_("%s ended the chat."), name);
      break;

    case SC_CLOSE_PEER_GONE:
      *title = g_strdup (_("Connection Lost"));
      *description = g_strdup_printf (_("The connection to %s was lost without a goodbye."), name);
      break;

    case SC_CLOSE_REFUSED:
      *title = g_strdup (_("Nobody Is Listening"));
      *description = g_strdup_printf (_("Nobody is listening at %s: SixChat may not be running "
                                        "there, or it listens on another port."),
                                      failure_address (self));
      break;

    case SC_CLOSE_UNREACHABLE:
      {
        g_autofree char *host = dial_host (self);

        *title = g_strdup (_("Cannot Reach the Address"));
        *description = g_strdup_printf (_("%s cannot be reached: the name does not resolve or "
                                          "there is no route to it."),
                                        host != NULL ? host : failure_address (self));
        *show_detail = TRUE;
      }
      break;

    case SC_CLOSE_TIMEOUT:
      *title = g_strdup (_("No Answer"));
      *description = g_strdup_printf (_("%s did not answer in time: a firewall may drop the "
                                        "connection, or the computer is offline."),
                                      failure_address (self));
      *show_detail = TRUE;
      break;

    case SC_CLOSE_TLS_ERROR:
      if (!incoming && decision != NULL && decision->verdict != SC_VERDICT_REJECT)
        {
          /* We accepted them; they refused us. */
          *title = g_strdup (_("Your Certificate Was Refused"));
          *description = g_strdup_printf (_("%s refused your certificate: they may have blocked "
                                            "you, or they do not accept strangers."),
                                          name);
        }
      else
        {
          *title = g_strdup (_("Secure Connection Failed"));
          *description = g_strdup (_("The TLS handshake failed, so no secure connection "
                                     "could be made."));
        }
      *show_detail = TRUE;
      break;

    case SC_CLOSE_REJECTED:
      *title = g_strdup (_("Certificate Rejected"));
      if (decision != NULL)
        *description = g_strdup_printf (_("You did not accept the certificate of %s. %s"),
                                        user != NULL ? user : name, decision->detail);
      else
        *description = g_strdup_printf (_("You did not accept the certificate of %s."),
                                        user != NULL ? user : name);
      break;

    case SC_CLOSE_WRONG_PEER:
      *title = g_strdup (_("Someone Else Answered"));
      *description = g_strdup_printf (_("You dialled %s but %s answered: the address belongs "
                                        "to someone else now, or somebody is in between."),
                                      sc_session_get_dialled_user_id (session),
                                      certificate != NULL && sc_peer_certificate_get_user_id (certificate) != NULL
                                      ? sc_peer_certificate_get_user_id (certificate)
                                      : _("someone without a user ID"));
      break;

    case SC_CLOSE_DECLINED:
      *title = g_strdup (_("Request Declined"));
      *description = incoming
                     ? g_strdup_printf (_("You declined the contact request of %s."), name)
                     : g_strdup_printf (_("%s declined your contact request."), name);
      break;

    case SC_CLOSE_BLOCKED:
      *title = g_strdup (_("Blocked"));
      *description = g_strdup_printf (_("You blocked %s: their calls are refused from now on."),
                                      user != NULL ? user : name);
      break;

    case SC_CLOSE_PROTOCOL_ERROR:
      *title = g_strdup (_("Protocol Error"));
      *description = g_strdup_printf (_("The conversation with %s broke the SixChat protocol."),
                                      name);
      *show_detail = TRUE;
      break;

    case SC_CLOSE_BUSY:
      *title = g_strdup (_("Busy"));
      *description = g_strdup (_("Too many chats at once: try again later."));
      break;

    case SC_CLOSE_IO_ERROR:
    case SC_CLOSE_NONE:
    default:
      *title = g_strdup (_("Connection Failed"));
      *description = g_strdup (_("Reading from or writing to the connection failed."));
      *show_detail = TRUE;
      break;
    }
}

/* The stage a session is at, while it connects. */
static char *
describe_stage (ScChatWindow *self)
{
  switch (sc_session_get_state (self->session))
    {
    case SC_SESSION_STATE_RESOLVING:
      {
        g_autofree char *host = dial_host (self);

        return g_strdup_printf (_("Resolving %s…"),
                                host != NULL ? host : sc_chat_window_peer_user_id (self));
      }
    case SC_SESSION_STATE_CONNECTING:
      return g_strdup_printf (_("Connecting to %s…"), sc_session_get_remote_address (self->session));
    case SC_SESSION_STATE_HANDSHAKING:
      return g_strdup (_("TLS handshake…"));
    case SC_SESSION_STATE_HELLO:
      return g_strdup (_("Verifying the certificate…"));
    case SC_SESSION_STATE_PENDING:
      return g_strdup_printf (_("Waiting for %s to accept your request…"),
                              sc_chat_window_peer_name (self));
    case SC_SESSION_STATE_OPEN:
      return g_strdup_printf (_("Connected to %s"), sc_session_get_remote_address (self->session));
    case SC_SESSION_STATE_CLOSED:
    default:
      g_assert_not_reached ();
    }
}

/* Showing the state */

static void
update_typing_label (ScChatWindow *self)
{
  ScTypingState state = SC_TYPING_IDLE;
  g_autofree char *text = NULL;

  if (self->session != NULL && sc_session_get_state (self->session) == SC_SESSION_STATE_OPEN)
    state = sc_session_get_peer_typing (self->session);

  if (state == SC_TYPING_ACTIVE)
    text = g_strdup_printf (_("%s is typing…"), sc_chat_window_peer_name (self));
  else if (state == SC_TYPING_PAUSED)
    text = g_strdup_printf (_("%s stopped typing"), sc_chat_window_peer_name (self));

  if (text != NULL)
    gtk_label_set_label (self->typing_label, text);
  gtk_revealer_set_reveal_child (self->typing_revealer, text != NULL);
}

void
sc_chat_window_update_actions (ScChatWindow *self)
{
  ScSessionState state = self->session != NULL ? sc_session_get_state (self->session)
                                               : SC_SESSION_STATE_CLOSED;
  gboolean request = self->session != NULL && sc_session_is_incoming (self->session)
                     && state == SC_SESSION_STATE_PENDING
                     && sc_session_get_request_id (self->session) > 0
                     && !self->deciding;

  /* Writing is always allowed to a known peer: the message waits in the
   * history until a session opens. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", self->history != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.delete-conversation",
                                 self->history != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.reconnect",
                                 sc_chat_window_can_reconnect (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.write",
                                 !self->chatting && sc_chat_window_can_write_offline (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.accept", request);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.decline", request);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.block", request);
}

static void
show_chat_state (ScChatWindow *self)
{
  ScSessionState state = self->session != NULL ? sc_session_get_state (self->session)
                                               : SC_SESSION_STATE_CLOSED;
  gboolean open = state == SC_SESSION_STATE_OPEN;
  g_autofree char *text = NULL;
  g_autofree char *address = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *offline = NULL;

  if (self->session == NULL)
    text = g_strdup ("");
  else if (state == SC_SESSION_STATE_CLOSED)
    {
      g_autofree char *title = NULL;
      g_autofree char *description = NULL;
      gboolean show_detail;

      describe_close (self, &title, &description, &show_detail);
      text = g_steal_pointer (&description);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label),
                                   sc_session_get_close_message (self->session));
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
    }
  else
    {
      text = describe_stage (self);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
    }

  gtk_label_set_label (self->state_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), *text != '\0');

  if (!open)
    offline = g_strdup_printf (_("%s is offline; messages will be sent when you are connected."),
                               sc_chat_window_peer_name (self));
  gtk_label_set_label (self->offline_label, offline);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_label), offline != NULL);

  address = sc_chat_window_can_reconnect (self) ? sc_chat_window_reconnect_address (self) : NULL;
  tooltip = reconnect_tooltip (self, address);
  gtk_widget_set_visible (self->reconnect_button, address != NULL);
  gtk_widget_set_tooltip_text (self->reconnect_button, tooltip);
  /* The entry is always usable (what we write waits for a session), and
   * takes the focus whenever a session opens. */
  if (open && !self->was_open)
    gtk_widget_grab_focus (GTK_WIDGET (self->entry_view));
  self->was_open = open;
}

static void
show_failure (ScChatWindow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  gboolean show_detail;

  describe_close (self, &title, &description, &show_detail);

  /* The caller gave up before we decided: the request waits in the list. */
  if (sc_session_is_incoming (self->session) && sc_session_get_request_id (self->session) > 0)
    {
      ScCloseReason reason = sc_session_get_close_reason (self->session);

      if (reason != SC_CLOSE_DECLINED && reason != SC_CLOSE_BLOCKED)
        {
          g_autofree char *hint = g_strdup_printf ("%s %s", description,
                                                   _("Their contact request stays under Requests "
                                                     "in the main window."));

          g_free (description);
          description = g_steal_pointer (&hint);
        }
    }

  adw_status_page_set_title (self->failure_page, title);
  adw_status_page_set_description (self->failure_page, description);
  gtk_label_set_label (self->failure_detail_label,
                       show_detail ? sc_session_get_close_message (self->session) : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->failure_detail_label),
                          show_detail && sc_session_get_close_message (self->session) != NULL);
  gtk_widget_set_visible (self->retry_button, sc_chat_window_can_reconnect (self));
  gtk_widget_set_visible (self->write_button, sc_chat_window_can_write_offline (self));
  gtk_stack_set_visible_child_name (self->stack, "failure");
}

static void
show_request (ScChatWindow *self)
{
  const char *greeting = sc_session_get_greeting (self->session);
  g_autofree char *title = g_strdup_printf (_("%s Asks to Chat"), sc_chat_window_peer_name (self));

  adw_status_page_set_title (self->request_page, title);
  adw_status_page_set_description (self->request_page,
                                   _("You have not chatted before. Check the certificate above: "
                                     "Accept pins it, so they can call you again."));
  gtk_label_set_label (self->greeting_label, greeting);
  gtk_widget_set_visible (GTK_WIDGET (self->greeting_label), greeting != NULL && *greeting != '\0');
  gtk_stack_set_visible_child_name (self->stack, "request");
}

/* The certificate of the session; while there is none (no session, or one
 * that ended before its handshake), the one kept with the contact, saying
 * so: the peer's certificate status stays in view. */
static void
show_certificate (ScChatWindow *self)
{
  ScPeerCertificate *certificate = NULL;
  const ScTrustDecision *decision = NULL;
  g_autofree char *note = NULL;

  if (self->session != NULL)
    {
      certificate = sc_session_get_peer_certificate (self->session);
      decision = sc_session_get_decision (self->session);
    }

  if (certificate == NULL && self->contact != NULL && self->contact->certificate != NULL
      && (self->session == NULL || sc_session_get_state (self->session) == SC_SESSION_STATE_CLOSED))
    {
      certificate = self->contact->certificate;
      decision = self->contact->decision;
      if (self->contact->seen > 0)
        {
          g_autofree char *when = sc_time_format_relative (self->contact->seen,
                                                           g_get_real_time () / G_USEC_PER_SEC);

          /* Translators: %s says when, e.g. "Yesterday at 14:05" */
          note = g_strdup_printf (_("The certificate they presented when you last talked (%s), "
                                    "as your trust settings judge it now."), when);
        }
      else
        note = g_strdup (_("The certificate kept with the contact, as your trust settings "
                           "judge it now."));
    }

  sc_certificate_view_set_certificate (self->certificate_view, certificate, decision);
  gtk_label_set_label (self->certificate_note, note);
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_note), note != NULL);
  gtk_revealer_set_reveal_child (self->certificate_revealer, certificate != NULL);
}

void
sc_chat_window_update (ScChatWindow *self)
{
  ScSessionState state;

  sc_chat_window_ensure_history (self);
  sc_chat_window_update_actions (self);

  show_certificate (self);

  if (self->session == NULL && self->dial_error == NULL)
    {
      /* Only the history, until we write or reconnect. */
      gtk_window_set_title (GTK_WINDOW (self), sc_chat_window_peer_name (self));
      adw_window_title_set_subtitle (self->window_title, sc_chat_window_peer_user_id (self));
      gtk_stack_set_visible_child_name (self->stack, "chat");
      show_chat_state (self);
      return;
    }

  if (self->session == NULL)
    {
      /* sc_account_dial() refused to dial at all. */
      adw_status_page_set_title (self->failure_page, _("Cannot Connect"));
      adw_status_page_set_description (self->failure_page, self->dial_error);
      gtk_widget_set_visible (GTK_WIDGET (self->failure_detail_label), FALSE);
      gtk_widget_set_visible (self->retry_button, FALSE);
      gtk_widget_set_visible (self->write_button, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "failure");
      return;
    }

  state = sc_session_get_state (self->session);

  gtk_window_set_title (GTK_WINDOW (self), sc_chat_window_peer_name (self));
  adw_window_title_set_subtitle (self->window_title, sc_chat_window_peer_user_id (self));

  if (!self->chatting && state == SC_SESSION_STATE_OPEN)
    {
      self->chatting = TRUE;
      gtk_stack_set_visible_child_name (self->stack, "chat");
    }

  if (self->chatting)
    show_chat_state (self);
  else if (state == SC_SESSION_STATE_CLOSED)
    {
      show_failure (self);
    }
  else if (state == SC_SESSION_STATE_PENDING && sc_session_is_incoming (self->session))
    {
      show_request (self);
    }
  else
    {
      g_autofree char *stage = describe_stage (self);

      adw_status_page_set_title (self->progress_page, stage);
      adw_status_page_set_description (self->progress_page,
                                       state == SC_SESSION_STATE_PENDING
                                       ? _("They see your certificate and decide whether to "
                                           "accept it. This window opens the chat when they do.")
                                       : NULL);
      gtk_stack_set_visible_child_name (self->stack, "progress");
    }

  update_typing_label (self);
}

/* The peer's contact: its name, where Reconnect calls, its kept certificate */

static void
chat_contact_free (ChatContact *contact)
{
  g_free (contact->name);
  g_free (contact->address);
  g_clear_object (&contact->certificate);
  g_clear_pointer (&contact->decision, sc_trust_decision_free);
  g_free (contact);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatContact, chat_contact_free)

static gpointer
find_contact_job (ScStore       *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(ScContact) contact = sc_store_find_contact (store, data, error);
  g_autoptr(ChatContact) info = NULL;
  g_autoptr(ScTrustSettings) settings = NULL;
  g_autoptr(ScTrustPolicy) policy = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *pem;

  if (contact == NULL)
    return NULL;

  info = g_new0 (ChatContact, 1);
  info->name = g_strdup (sc_contact_get_name (contact));
  info->address = g_strdup (sc_contact_get_addresses (contact)[0]);
  info->seen = sc_contact_get_last_seen (contact);

  /* Judged now, as a call would judge it: it may have been pinned or
   * blocked since, or have expired. */
  pem = sc_contact_get_certificate_pem (contact);
  if (pem != NULL)
    info->certificate = sc_peer_certificate_new_from_pem (pem, strlen (pem), &local_error);
  if (info->certificate != NULL
      && (settings = sc_store_load_trust_settings (store, &local_error)) != NULL
      && (policy = sc_trust_policy_new (settings, &local_error)) != NULL)
    info->decision = sc_trust_policy_decide (policy, info->certificate, -1, SC_PURPOSE_CLIENT);
  if (local_error != NULL)
    g_debug ("The certificate kept for %s cannot be judged: %s",
             (const char *) data, local_error->message);

  return g_steal_pointer (&info);
}

static void
on_contact_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatContact) contact = sc_store_run_finish (SC_STORE (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (error != NULL)
    g_debug ("Cannot look up the contact of %s: %s", self->looked_up_user, error->message);

  g_clear_pointer (&self->contact, chat_contact_free);
  self->contact = g_steal_pointer (&contact);
  sc_chat_window_update (self);
}

static void
look_up_contact (ScChatWindow *self)
{
  const char *user_id = sc_chat_window_peer_user_id (self);
  ScStore *store = sc_account_get_store (self->account);

  if (user_id == NULL || store == NULL || g_strcmp0 (user_id, self->looked_up_user) == 0)
    return;

  g_free (self->looked_up_user);
  self->looked_up_user = g_strdup (user_id);
  sc_store_run_async (store, find_contact_job, g_strdup (user_id), g_free,
                      (GDestroyNotify) chat_contact_free, self->cancellable, on_contact_found,
                      g_object_ref (self));
}

/* The transcript */

static guint
n_messages (ScChatWindow *self)
{
  return self->history != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->history)) : 0;
}

static gboolean
scroll_to_end (gpointer data)
{
  ScChatWindow *self = data;
  guint n = n_messages (self);

  self->scroll_idle_id = 0;
  self->stick_to_bottom = TRUE;
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->transcript_view), "list.scroll-to-item",
                                "u", n - 1);

  return G_SOURCE_REMOVE;
}

static void
show_wanted_message (ScChatWindow *self)
{
  gint64 position;

  if (self->history == NULL || !sc_history_model_get_loaded (self->history))
    return;

  position = self->show_seq > 0 ? sc_history_model_find_seq (self->history, self->show_seq) : -1;
  self->show_seq = 0;
  if (position < 0)
    {
      g_clear_handle_id (&self->scroll_idle_id, g_source_remove);
      scroll_to_end (self);
      return;
    }

  self->stick_to_bottom = FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self->transcript_view), "list.scroll-to-item",
                              "u", (guint) position);
}

static void
on_history_loaded (ScChatWindow *self)
{
  show_wanted_message (self);
}

static void
on_history_changed (GListModel   *model,
                    guint         position,
                    guint         removed,
                    guint         added,
                    ScChatWindow *self)
{
  g_autoptr(ScChatMessage) last = NULL;
  guint n = g_list_model_get_n_items (model);

  /* The first load scrolls by itself (on_history_loaded). */
  if (added == 0 || position + added != n || !sc_history_model_get_loaded (self->history))
    return;

  /* Many messages may arrive at once: one scroll, to the last, once they
   * are all in. */
  last = g_list_model_get_item (model, n - 1);
  if ((self->stick_to_bottom || sc_chat_message_get_own (last)) && self->scroll_idle_id == 0)
    self->scroll_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, scroll_to_end, self, NULL);
}

void
sc_chat_window_ensure_history (ScChatWindow *self)
{
  ScUserAgent *agent = sc_account_get_agent (self->account);
  g_autofree char *peer = NULL;

  if (self->history != NULL || agent == NULL || sc_chat_window_peer_user_id (self) == NULL)
    return;

  /* As the history keeps it ("Bob@Example.org" is bob@example.org). */
  peer = sc_user_id_normalize (sc_chat_window_peer_user_id (self));
  if (peer == NULL)
    return;

  self->history = sc_history_model_new (sc_user_agent_get_messenger (agent), peer);
  g_signal_connect_object (self->history, "notify::loaded", G_CALLBACK (on_history_loaded), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "items-changed", G_CALLBACK (on_history_changed), self, 0);
  gtk_no_selection_set_model (self->selection, G_LIST_MODEL (self->history));
}

static void
on_store_failed (ScMessenger  *messenger,
                 const char   *message,
                 ScChatWindow *self)
{
  g_autofree char *text = g_strdup_printf (_("The history cannot be saved: %s"), message);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
on_transcript_scrolled (GtkAdjustment *adjustment,
                        ScChatWindow  *self)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  double value = gtk_adjustment_get_value (adjustment);

  /* Only the user scrolls up: new rows and our own scrolling to the end
   * never make the transcript stop following the newest message. */
  if (value >= bottom - STICK_TO_BOTTOM_PX)
    self->stick_to_bottom = TRUE;
  else if (value < self->last_scroll_value)
    self->stick_to_bottom = FALSE;
  self->last_scroll_value = value;
}

/* Our typing state */

static void
set_typing (ScChatWindow  *self,
            ScTypingState  state)
{
  if (state != SC_TYPING_ACTIVE)
    g_clear_handle_id (&self->typing_timeout_id, g_source_remove);

  if (self->typing == state)
    return;

  self->typing = state;
  if (self->session != NULL && sc_session_get_state (self->session) == SC_SESSION_STATE_OPEN)
    sc_session_set_typing (self->session, state);
}

static gboolean
on_typing_timeout (gpointer user_data)
{
  ScChatWindow *self = user_data;

  self->typing_timeout_id = 0;
  set_typing (self, SC_TYPING_PAUSED);

  return G_SOURCE_REMOVE;
}

static void
on_entry_changed (GtkTextBuffer *buffer,
                  ScChatWindow  *self)
{
  if (gtk_text_buffer_get_char_count (buffer) == 0)
    {
      set_typing (self, SC_TYPING_IDLE);
      return;
    }

  set_typing (self, SC_TYPING_ACTIVE);
  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  self->typing_timeout_id = g_timeout_add_seconds (TYPING_PAUSE_SECONDS, on_typing_timeout, self);
}

static gboolean
on_entry_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      ScChatWindow          *self)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return GDK_EVENT_PROPAGATE;

  /* Shift+Enter: a new line, by the text view itself. */
  if (state & GDK_SHIFT_MASK)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_activate_action (GTK_WIDGET (self), "chat.send", NULL);
  return GDK_EVENT_STOP;
}

/* The session */

static void
on_session_closed (ScSession     *session,
                   ScCloseReason  reason,
                   const char    *message,
                   ScChatWindow  *self)
{
  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  self->typing = SC_TYPING_IDLE;
  sc_chat_window_update (self);
}

static void
on_session_changed (ScChatWindow *self)
{
  look_up_contact (self);
  sc_chat_window_update (self);
}

static void
set_session (ScChatWindow *self,
             ScSession    *session)
{
  if (!g_set_object (&self->session, session))
    return;

  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  self->typing = SC_TYPING_IDLE;
  g_signal_group_set_target (self->session_signals, session);

  if (session != NULL)
    look_up_contact (self);
  sc_chat_window_update (self);
}

void
sc_chat_window_dial (ScChatWindow *self,
                     const char   *user_id,
                     const char   *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSession) session = NULL;

  if (user_id != self->dial_user_id)
    {
      g_free (self->dial_user_id);
      self->dial_user_id = g_strdup (user_id);
    }
  if (address != self->dial_address)
    {
      g_free (self->dial_address);
      self->dial_address = g_strdup (address);
    }

  session = sc_account_dial (self->account, user_id, address, &error);

  if (session == NULL)
    {
      g_free (self->dial_error);
      self->dial_error = g_strdup (error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      if (self->session == NULL)
        sc_chat_window_update (self);
      return;
    }

  set_session (self, session);
}

/* Construction */

static ScChatWindow *
chat_window_new (AdwApplication *application,
                 ScAccount      *account)
{
  ScChatWindow *self = g_object_new (SC_TYPE_CHAT_WINDOW, "application", application, NULL);
  ScUserAgent *agent = sc_account_get_agent (account);

  self->account = g_object_ref (account);
  if (agent != NULL)
    g_signal_connect_object (sc_user_agent_get_messenger (agent), "store-failed",
                             G_CALLBACK (on_store_failed), self, 0);
  return self;
}

ScChatWindow *
sc_chat_window_new_for_peer (AdwApplication *application,
                             ScAccount      *account,
                             const char     *user_id)
{
  ScChatWindow *self;

  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SC_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  self = chat_window_new (application, account);
  self->dial_user_id = g_strdup (user_id);
  /* The transcript stays in view while a session of ours connects. */
  self->chatting = TRUE;
  gtk_window_set_title (GTK_WINDOW (self), user_id);
  look_up_contact (self);
  sc_chat_window_update (self);

  return self;
}

const char *
sc_chat_window_get_peer (ScChatWindow *self)
{
  g_return_val_if_fail (SC_IS_CHAT_WINDOW (self), NULL);
  return self->history != NULL ? sc_history_model_get_peer (self->history)
                                : sc_chat_window_peer_user_id (self);
}

void
sc_chat_window_show_message (ScChatWindow *self,
                             gint64        seq)
{
  g_return_if_fail (SC_IS_CHAT_WINDOW (self));

  self->show_seq = seq;
  show_wanted_message (self);
}

ScChatWindow *
sc_chat_window_new_outgoing (AdwApplication *application,
                             ScAccount      *account,
                             const char     *user_id,
                             const char     *address)
{
  ScChatWindow *self;

  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SC_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  self = chat_window_new (application, account);
  gtk_window_set_title (GTK_WINDOW (self), user_id);
  sc_chat_window_dial (self, user_id, address);

  return self;
}

ScChatWindow *
sc_chat_window_new_incoming (AdwApplication *application,
                             ScAccount      *account,
                             ScSession      *session)
{
  ScChatWindow *self;

  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SC_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (SC_IS_SESSION (session), NULL);

  self = chat_window_new (application, account);
  set_session (self, session);

  return self;
}

ScSession *
sc_chat_window_get_session (ScChatWindow *self)
{
  g_return_val_if_fail (SC_IS_CHAT_WINDOW (self), NULL);
  return self->session;
}

static void
sc_chat_window_dispose (GObject *object)
{
  ScChatWindow *self = SC_CHAT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  g_clear_handle_id (&self->scroll_idle_id, g_source_remove);

  /* Closing the window ends the chat (and leaves a request undecided). */
  if (self->session != NULL && sc_session_get_state (self->session) != SC_SESSION_STATE_CLOSED)
    sc_session_close (self->session);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_CHAT_WINDOW);

  g_clear_object (&self->session);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->account);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (sc_chat_window_parent_class)->dispose (object);
}

static void
sc_chat_window_finalize (GObject *object)
{
  ScChatWindow *self = SC_CHAT_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->dial_user_id);
  g_free (self->dial_address);
  g_free (self->dial_error);
  g_clear_pointer (&self->contact, chat_contact_free);
  g_free (self->looked_up_user);

  G_OBJECT_CLASS (sc_chat_window_parent_class)->finalize (object);
}

static void
sc_chat_window_class_init (ScChatWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_chat_window_dispose;
  object_class->finalize = sc_chat_window_finalize;

  g_type_ensure (SC_TYPE_CERTIFICATE_VIEW);
  g_type_ensure (SC_TYPE_CHAT_MESSAGE);
  g_type_ensure (SC_TYPE_MESSAGE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sixchat/SixChat/sc-chat-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, selection);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, certificate_revealer);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, certificate_note);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, certificate_view);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, progress_page);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, failure_page);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, failure_detail_label);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, write_button);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, request_page);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, transcript_window);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, typing_revealer);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, ScChatWindow, entry_view);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_key_pressed);

  sc_chat_window_class_actions_init (widget_class);
}

static void
sc_chat_window_init (ScChatWindow *self)
{
  GtkAdjustment *vadjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->stick_to_bottom = TRUE;

  self->session_signals = g_signal_group_new (SC_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify", G_CALLBACK (on_session_changed), self);
  g_signal_group_connect (self->session_signals, "closed", G_CALLBACK (on_session_closed), self);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->transcript_window);
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (on_transcript_scrolled), self, 0);
  g_signal_connect_object (gtk_text_view_get_buffer (self->entry_view), "changed",
                           G_CALLBACK (on_entry_changed), self, 0);

  sc_chat_window_update_actions (self);
}
