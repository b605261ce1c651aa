/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sc-agent-context.h"
#include "sc-messenger.h"
#include "sc-session.h"

G_BEGIN_DECLS

ScMessenger *sc_messenger_new           (ScAgentContext *context);
/* Passes on what the session reports about messages. */
void         sc_messenger_track_session (ScMessenger    *self,
                                         ScSession      *session);

G_END_DECLS
