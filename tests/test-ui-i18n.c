/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The translations, end to end: po/de.po compiled by the build, bound as
 * main.c binds the installed one, shows German in the app's templates, in
 * its C code and in core errors. */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "sc-connect-dialog.h"
#include "sc-contact.h"
#include "sc-preferences-window.h"
#include "sc-test-ui.h"
#include "sc-test-util.h"
#include "sc-time-format.h"

static void
test_connect_dialog (void)
{
  ScConnectDialog *dialog = sc_connect_dialog_new (NULL, NULL, NULL);
  GtkWidget *hint = sc_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_LABEL, "connect-hint");
  GtkWidget *button = sc_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "connect-button");

  /* From the template. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Mit Benutzer verbinden");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Verbinden");
  /* From C, with a number put in. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (hint)), ==,
                   "Eine IPv6- oder IPv4-Adresse oder ein Rechnername, wahlweise mit Port "
                   "(Vorgabe 4605): [2001:db8::1]:4605, 192.0.2.1, host.example.");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
has_row (GtkWidget  *root,
         const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_row (child, title))
      return TRUE;

  return FALSE;
}

static void
test_preferences (void)
{
  g_autofree char *dir = sc_test_dir_new ("sixchat-i18n");
  g_autofree char *profile = g_build_filename (dir, "profile", NULL);
  ScApplication *app = sc_test_ui_app_new (profile);
  GtkWidget *window;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  window = GTK_WIDGET (sc_test_ui_find_window (app, SC_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (window);
  g_assert_true (has_row (window, "Im _Hintergrund ausführen"));
  g_assert_true (has_row (window, "Beim _Anmelden starten"));
  g_assert_false (has_row (window, "_Run in Background"));

  sc_test_ui_app_free (app);
  sc_test_dir_free (g_steal_pointer (&dir));
}

static void
test_plural_and_core (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *just_now = sc_time_format_relative (now, now);
  g_autofree char *minutes = sc_time_format_relative (now - 5 * 60, now);
  g_autoptr(ScContact) contact = sc_contact_new (" ", "bob@example.org");
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (just_now, ==, "Gerade eben");
  g_assert_cmpstr (minutes, ==, "Vor 5 Minuten");

  /* The core library's messages come from the same catalogue. */
  g_assert_false (sc_contact_validate (contact, &error));
  g_assert_cmpstr (error->message, ==, "Ein Kontakt braucht einen Namen");
}

int
main (int   argc,
      char *argv[])
{
  const char *locale_dir = g_getenv ("SIXCHAT_TEST_LOCALEDIR");

  /* The test environment's locale is C.UTF-8, which lets LANGUAGE choose. */
  g_assert_nonnull (locale_dir);
  g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  sc_test_ui_init (&argc, &argv);

  g_test_add_func ("/i18n/connect-dialog", test_connect_dialog);
  g_test_add_func ("/i18n/preferences", test_preferences);
  g_test_add_func ("/i18n/plural-and-core", test_plural_and_core);

  return g_test_run ();
}
