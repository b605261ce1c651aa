/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internals of ScPreferencesWindow, shared by the files the class is split
 * over: sc-preferences-window.c (construction, file choosers, network),
 * sc-preferences-window-identity.c (my identity) and
 * sc-preferences-window-trust.c (the policy, trusted issuers, CRLs and the
 * block list). */

#include "sc-preferences-window.h"

G_BEGIN_DECLS

typedef void (*ScPreferencesWindowFileChosen) (ScPreferencesWindow *self,
                                               const char          *path);

struct _ScPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  ScAccount            *account;
  /* Cancelled when the window goes: stops reloads, and tells work still in
   * flight that the widgets are gone. */
  GCancellable         *cancellable;

  GtkFileChooserNative *chooser;
  ScPreferencesWindowFileChosen file_chosen;
  char                 *pending_path;   /* a file chosen for a dialog still open */
  guint                 reload_serial;
  gboolean              setting_policy; /* showing the stored policy, not choosing one */
  gboolean              identity_busy;
  gboolean              network_busy;
  char                 *network_error;  /* why the last Apply failed, or NULL */

  AdwActionRow         *expiry_row;
  GtkLabel             *name_label;
  GtkLabel             *user_id_label;
  GtkLabel             *issuer_label;
  GtkLabel             *not_before_label;
  GtkLabel             *not_after_label;
  GtkLabel             *fingerprint_label;
  AdwComboRow          *policy_row;
  GListStore           *issuers;
  GtkWidget            *issuers_view;
  GtkWidget            *issuers_empty;
  GListStore           *crls;
  GtkWidget            *crls_view;
  GtkWidget            *crls_empty;
  GListStore           *blocked;
  GtkWidget            *blocked_view;
  GtkWidget            *blocked_empty;
  AdwEntryRow          *address_row;
  GtkSpinButton        *port_spin;
  GtkImage             *status_icon;
  GtkLabel             *status_label;
  AdwMessageDialog     *replace_dialog;
  AdwMessageDialog     *export_dialog;
  GtkEditable          *export_passphrase_row;
  GtkEditable          *export_confirm_row;
  AdwMessageDialog     *import_dialog;
  GtkEditable          *import_passphrase_row;
  AdwMessageDialog     *create_dialog;
  GtkEditable          *create_name_row;
  GtkEditable          *create_user_row;
};

/* Who hears how async work ended: the window, held weakly so that work in
 * flight keeps no closed window alive, and its account, which work that
 * changed the identity or the network settings updates in any case. */
typedef struct
{
  GWeakRef   window;
  ScAccount *account;
} ScPreferencesWindowCaller;

ScPreferencesWindowCaller *sc_preferences_window_caller_new (ScPreferencesWindow *self);
void sc_preferences_window_caller_free (ScPreferencesWindowCaller *caller);
ScPreferencesWindow *sc_preferences_window_caller_get_window (ScPreferencesWindowCaller *caller);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScPreferencesWindowCaller, sc_preferences_window_caller_free)

void sc_preferences_window_show_toast  (ScPreferencesWindow           *self,
                                        const char                    *text);
void sc_preferences_window_choose_file (ScPreferencesWindow           *self,
                                        const char                    *title,
                                        const char                    *accept_label,
                                        const char                    *suggested_name,
                                        const char                    *filter_name,
                                        const char                   **suffixes,
                                        ScPreferencesWindowFileChosen  chosen);

extern const char *sc_preferences_window_certificate_suffixes[];

/* sc-preferences-window-identity.c */
void sc_preferences_window_update_identity              (ScPreferencesWindow *self);
void sc_preferences_window_on_export_passphrase_changed (ScPreferencesWindow *self);
void sc_preferences_window_on_export_response           (AdwMessageDialog    *dialog,
                                                         const char          *response,
                                                         ScPreferencesWindow *self);
void sc_preferences_window_on_import_response           (AdwMessageDialog    *dialog,
                                                         const char          *response,
                                                         ScPreferencesWindow *self);
void sc_preferences_window_on_create_changed            (ScPreferencesWindow *self);
void sc_preferences_window_on_create_response           (AdwMessageDialog    *dialog,
                                                         const char          *response,
                                                         ScPreferencesWindow *self);
void sc_preferences_window_on_replace_response          (AdwMessageDialog    *dialog,
                                                         const char          *response,
                                                         ScPreferencesWindow *self);
void sc_preferences_window_export_action                (GtkWidget           *widget,
                                                         const char          *action_name,
                                                         GVariant            *parameter);
void sc_preferences_window_save_request_action          (GtkWidget           *widget,
                                                         const char          *action_name,
                                                         GVariant            *parameter);
void sc_preferences_window_import_signed_action         (GtkWidget           *widget,
                                                         const char          *action_name,
                                                         GVariant            *parameter);
void sc_preferences_window_replace_action               (GtkWidget           *widget,
                                                         const char          *action_name,
                                                         GVariant            *parameter);

/* sc-preferences-window-trust.c */
void sc_preferences_window_reload_lists       (ScPreferencesWindow *self);
void sc_preferences_window_on_policy_selected (ScPreferencesWindow *self);
void sc_preferences_window_on_remove_clicked  (GtkButton           *button,
                                               GtkListItem         *list_item);
void sc_preferences_window_add_issuer_action  (GtkWidget           *widget,
                                               const char          *action_name,
                                               GVariant            *parameter);
void sc_preferences_window_add_crl_action     (GtkWidget           *widget,
                                               const char          *action_name,
                                               GVariant            *parameter);

G_END_DECLS
