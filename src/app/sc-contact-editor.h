/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sc-account.h"
#include "sc-contact.h"

G_BEGIN_DECLS

#define SC_TYPE_CONTACT_EDITOR (sc_contact_editor_get_type ())
G_DECLARE_FINAL_TYPE (ScContactEditor, sc_contact_editor, SC, CONTACT_EDITOR, AdwWindow)

/* Adds (contact NULL) or edits a contact: name, user ID, addresses (one per
 * line) and the pinned certificate, from a PEM or DER file or from a past
 * session with that user ID in the knock log.  Errors show in place; Save
 * writes in a worker thread, emits "saved" (ScContact *: what was saved,
 * id set) and closes.  The contact given is copied, never changed. */
ScContactEditor *sc_contact_editor_new                   (GtkWindow       *parent,
                                                          ScAccount       *account,
                                                          ScContact       *contact);
/* Reads a certificate chain from file (PEM or DER) in a worker thread and
 * pins its leaf: what the From a File… chooser does with the file chosen. */
void             sc_contact_editor_load_certificate_file (ScContactEditor *self,
                                                          GFile           *file);

G_END_DECLS
