/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_REQUESTS_PAGE (sc_requests_page_get_type ())
G_DECLARE_FINAL_TYPE (ScRequestsPage, sc_requests_page, SC, REQUESTS_PAGE, AdwBin)

/* Property "account" (ScAccount): set once, by the window template's owner
 * after construction or through _new(); the page loads when it is set. */
GtkWidget *sc_requests_page_new (ScAccount *account);

/* The persistent inbox of contact requests (ASK verdicts): each with the
 * requester's certificate summary and greeting, and Accept (allow list +
 * contacts), Decline (with undo, through a toast) and Block.  It reloads
 * when the account's agent reports a knock or a new incoming session.
 * Property "pending-count" (guint, read-only): pending requests, for the
 * window's badge. */
guint      sc_requests_page_get_pending_count (ScRequestsPage *self);

G_END_DECLS
