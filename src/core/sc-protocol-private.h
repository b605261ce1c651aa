/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sc-protocol.h"

G_BEGIN_DECLS

/* The protocol is one body over two files: sc-protocol.c (frames, names,
 * encoding, the line decoder) and sc-protocol-parse.c (reading a line).
 * This is what they share. */

/* A receipt's status when the peer leaves it out. */
#define SC_PROTOCOL_DEFAULT_RECEIPT_STATUS "delivered"

/* The wire names, indexed by their enums. */
extern const char * const sc_frame_type_names[SC_FRAME_PONG + 1];
extern const char * const sc_typing_state_names[SC_TYPING_PAUSED + 1];
extern const char * const sc_admission_names[SC_ADMISSION_DECLINED + 1];

/* The index of name among names[first..n_names), or -1. */
int sc_protocol_lookup_name (const char * const *names,
                             gsize               n_names,
                             gsize               first,
                             const char         *name);

G_END_DECLS
