/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-account.h"
#include "sc-store.h"

G_BEGIN_DECLS

#define SC_TYPE_RELOADER (sc_reloader_get_type ())
G_DECLARE_FINAL_TYPE (ScReloader, sc_reloader, SC, RELOADER, GObject)

/* Called on the main context when a load is over, unless it was cancelled:
 * with what the job returned (the reloader frees it afterwards), else with
 * why it failed. */
typedef void (*ScReloaderFunc) (gpointer      result,
                                const GError *error,
                                gpointer      user_data);

/* Runs job against the account's store, at most one at a time: a reload
 * asked for meanwhile runs once more after it.  cancellable (the owner's)
 * cancels the load in flight; loaded is not called then, so user_data need
 * not be a reference when its owner cancels it before going away. */
ScReloader *sc_reloader_new          (ScStoreJob       job,
                                      GDestroyNotify   result_free,
                                      GCancellable    *cancellable,
                                      ScReloaderFunc   loaded,
                                      gpointer         user_data);
/* Reloads at once, and whenever the account does detailed_signal (see
 * sc_reloader_reload_on()). */
void        sc_reloader_set_account  (ScReloader      *self,
                                      ScAccount       *account);
/* Reloads on each of the account's detailed_signal: at once when delay_ms
 * is 0, else as sc_reloader_queue_reload() does.  Call before
 * sc_reloader_set_account(). */
void        sc_reloader_reload_on    (ScReloader      *self,
                                      const char      *detailed_signal,
                                      guint            delay_ms);
/* Does nothing while the account has no store. */
void        sc_reloader_reload       (ScReloader      *self);
/* Reloads in delay_ms; the reloads asked for until then are the same one. */
void        sc_reloader_queue_reload (ScReloader      *self,
                                      guint            delay_ms);

G_END_DECLS
