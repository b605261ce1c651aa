/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"

G_BEGIN_DECLS

#define SC_TYPE_SEARCH_PAGE (sc_search_page_get_type ())
G_DECLARE_FINAL_TYPE (ScSearchPage, sc_search_page, SC, SEARCH_PAGE, GtkWidget)

/* Search across the whole history: a search entry (searched as you type,
 * after a short pause) and the messages found, newest first, each with
 * its peer, time and snippet; activating one opens the chat with that peer
 * at that message (app.open-chat).  Property: account. */
void sc_search_page_focus_entry (ScSearchPage *self);

G_END_DECLS
