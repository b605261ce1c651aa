/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internals of ScChatWindow, shared by the files the class is split over:
 * sc-chat-window.c (construction, the state shown, the transcript, the
 * session) and sc-chat-window-actions.c (the chat.* actions). */

#include "sc-certificate-view.h"
#include "sc-chat-window.h"
#include "sc-history-model.h"

G_BEGIN_DECLS

/* What the window knows of the peer's contact: its name, its first address
 * (Reconnect uses it for incoming windows) and the certificate last seen in
 * a session, judged by today's trust settings (shown while no session has
 * one).  Read in a store job. */
typedef struct
{
  char              *name;
  char              *address;
  ScPeerCertificate *certificate;
  ScTrustDecision   *decision;
  gint64             seen;        /* UNIX seconds; 0: never */
} ChatContact;

struct _ScChatWindow
{
  AdwApplicationWindow  parent_instance;

  ScAccount            *account;
  ScSession            *session;
  GSignalGroup         *session_signals;
  GCancellable         *cancellable;

  /* What this window dialled last (Retry dials it again while no session
   * has opened yet): NULL for incoming windows until a Reconnect. */
  char                 *dial_user_id;
  char                 *dial_address;
  char                 *dial_error;       /* sc_account_dial() refused the dial */
  ChatContact          *contact;          /* the peer's, once looked up; NULL: none */
  char                 *looked_up_user;   /* whose contact that is */

  gboolean              chatting;         /* a session of this window has opened, or it
                                           * opened on the history (the chat page shows) */
  gboolean              was_open;         /* the session was open at the last update */
  gboolean              deciding;         /* a contact request decision is being stored */
  ScTypingState         typing;           /* what we last told the peer */
  guint                 typing_timeout_id;
  guint                 scroll_idle_id;
  double                last_scroll_value;
  gboolean              stick_to_bottom;

  ScHistoryModel       *history;          /* of the peer, once known */
  gint64                show_seq;         /* scroll to it once the history is in; 0: the end */

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkRevealer          *certificate_revealer;
  GtkLabel             *certificate_note;
  ScCertificateView    *certificate_view;
  GtkStack             *stack;
  AdwStatusPage        *progress_page;
  AdwStatusPage        *failure_page;
  GtkLabel             *failure_detail_label;
  GtkWidget            *retry_button;
  GtkWidget            *write_button;
  AdwStatusPage        *request_page;
  GtkLabel             *greeting_label;
  GtkLabel             *state_label;
  GtkLabel             *offline_label;
  GtkNoSelection       *selection;
  GtkWidget            *reconnect_button;
  GtkScrolledWindow    *transcript_window;
  GtkListView          *transcript_view;
  GtkRevealer          *typing_revealer;
  GtkLabel             *typing_label;
  GtkTextView          *entry_view;
};

/* sc-chat-window.c */
/* The peer's user ID: from the session, else the one dialled (NULL if nobody said). */
const char *sc_chat_window_peer_user_id       (ScChatWindow *self);
/* The peer's name for people: from the hello, else the certificate, else the user ID. */
const char *sc_chat_window_peer_name          (ScChatWindow *self);
/* Where Reconnect dials (NULL: nowhere known). */
char       *sc_chat_window_reconnect_address  (ScChatWindow *self);
/* Whether Reconnect (and Retry) can call the peer now. */
gboolean    sc_chat_window_can_reconnect      (ScChatWindow *self);
/* Whether the dial failed only for want of the peer, so writing to them stays open. */
gboolean    sc_chat_window_can_write_offline  (ScChatWindow *self);
/* Enables the chat.* actions that the state allows. */
void        sc_chat_window_update_actions     (ScChatWindow *self);
/* Shows the state of the window: its page, title, certificate and actions. */
void        sc_chat_window_update             (ScChatWindow *self);
/* Makes the history of the peer, once the peer is known and the agent runs. */
void        sc_chat_window_ensure_history     (ScChatWindow *self);
/* Dials user_id at address, the session becoming the window's (or a toast saying why not). */
void        sc_chat_window_dial               (ScChatWindow *self,
                                               const char   *user_id,
                                               const char   *address);

/* sc-chat-window-actions.c */
/* Installs the chat.* actions; called from class_init. */
void        sc_chat_window_class_actions_init (GtkWidgetClass *widget_class);

G_END_DECLS
