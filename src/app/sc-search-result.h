/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-message.h"

G_BEGIN_DECLS

#define SC_TYPE_SEARCH_RESULT (sc_search_result_get_type ())
G_DECLARE_FINAL_TYPE (ScSearchResult, sc_search_result, SC, SEARCH_RESULT, GObject)

/* One message found by a history search, for a list row.  Properties:
 * peer, title (the peer's contact name, else the peer), seq, time-text
 * ("Today at 14:05"), markup (the snippet as Pango markup, the matching
 * words in bold).  contact_name may be NULL. */
ScSearchResult *sc_search_result_new            (const ScMessage *found,
                                                 const char      *contact_name);
const char     *sc_search_result_get_peer       (ScSearchResult  *self);
const char     *sc_search_result_get_title      (ScSearchResult  *self);
gint64          sc_search_result_get_seq        (ScSearchResult  *self);
const char     *sc_search_result_get_markup     (ScSearchResult  *self);
/* A snippet marked with U+0002 … U+0003 around each match as Pango
 * markup: the rest escaped, the matches in <b>. */
char           *sc_search_result_snippet_markup (const char      *snippet);

G_END_DECLS
