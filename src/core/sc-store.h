/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sc-contact.h"
#include "sc-message.h"
#include "sc-trust-policy.h"
#include "sc-trust-settings.h"

G_BEGIN_DECLS

#define SC_STORE_ERROR (sc_store_error_quark ())

typedef enum
{
  SC_STORE_ERROR_OPEN,       /* cannot open or create the database (message names the file) */
  SC_STORE_ERROR_CORRUPT,    /* not a SixChat database, or damaged (message names the file) */
  SC_STORE_ERROR_NEWER,      /* written by a newer SixChat: schema version unknown */
  SC_STORE_ERROR_IO,         /* a read or write failed (read-only, disk full, busy) */
  SC_STORE_ERROR_NOT_FOUND,  /* no such entry, issuer, CRL, request or contact */
  SC_STORE_ERROR_INVALID,    /* an argument the store refuses (bad fingerprint, not a CA, …) */
} ScStoreError;

GQuark sc_store_error_quark (void);

typedef enum
{
  SC_LIST_ALLOW,
  SC_LIST_BLOCK,
} ScListKind;

typedef enum
{
  SC_ENTRY_FINGERPRINT,  /* a certificate pin (allow) or a blocked certificate */
  SC_ENTRY_USER,         /* a user ID */
  SC_ENTRY_ISSUER,       /* block list only: an issuer certificate fingerprint */
} ScEntryKind;

typedef struct
{
  ScListKind   list;
  ScEntryKind  kind;
  char        *value;  /* normalized fingerprint or user ID */
  char        *note;   /* free text, e.g. the name of the person; may be NULL */
  gint64       added;  /* UNIX seconds */
} ScListEntry;

typedef struct
{
  char   *fingerprint;
  char   *subject;     /* subject DN */
  GBytes *der;
  gint64  added;
} ScIssuerEntry;

typedef struct
{
  char   *fingerprint; /* of the CRL's DER */
  char   *issuer;      /* issuer DN */
  gint64  this_update;
  gint64  next_update; /* 0 when absent */
  GBytes *der;
  gint64  added;
} ScCrlEntry;

/* One verdict, as the knock log keeps it. */
typedef struct
{
  gint64     id;           /* set by the store */
  gint64     time;         /* UNIX microseconds */
  gboolean   incoming;     /* TRUE: they called us; FALSE: we called them */
  char      *address;      /* "[::1]:41234" or "127.0.0.1:41234" */
  char      *fingerprint;  /* may be NULL when no certificate was presented */
  char      *user_id;      /* may be NULL */
  char      *name;         /* may be NULL */
  ScVerdict  verdict;
  char      *reason;       /* sc_reason_to_string() or another short code */
  char      *detail;       /* human-readable sentence */
} ScKnock;

typedef enum
{
  SC_REQUEST_PENDING,
  SC_REQUEST_ACCEPTED,
  SC_REQUEST_DECLINED,
  SC_REQUEST_BLOCKED,
} ScRequestState;

/* A contact request: a stranger's ASK verdict, kept until the user decides. */
typedef struct
{
  gint64          id;
  char           *fingerprint;
  char           *user_id;
  char           *name;
  char           *certificate_pem;  /* the chain they presented */
  char           *greeting;         /* may be NULL */
  char           *address;
  gint64          first_seen;       /* UNIX seconds */
  gint64          last_seen;
  guint           attempts;
  ScRequestState  state;
} ScRequest;

void        sc_list_entry_free     (ScListEntry   *entry);
void        sc_issuer_entry_free   (ScIssuerEntry *entry);
void        sc_crl_entry_free      (ScCrlEntry    *entry);
void        sc_knock_free          (ScKnock       *knock);
void        sc_request_free        (ScRequest     *request);
const char *sc_request_state_to_string (ScRequestState state);  /* "pending", … */
const char *sc_entry_kind_to_string    (ScEntryKind    kind);   /* "fingerprint", "user", "issuer" */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScListEntry, sc_list_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScIssuerEntry, sc_issuer_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScCrlEntry, sc_crl_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScKnock, sc_knock_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScRequest, sc_request_free)

#define SC_TYPE_STORE (sc_store_get_type ())
G_DECLARE_FINAL_TYPE (ScStore, sc_store, SC, STORE, GObject)

/* The profile database (SQLite, WAL).  Every call is synchronous and may be
 * made from any thread; never call it from a GTK main thread: UI code goes
 * through sc_store_run_async() (below).  Several processes may open the same
 * file (the CLI beside a running agent). */
ScStore         *sc_store_open                 (const char      *path,
                                                GError         **error);
const char      *sc_store_get_path             (ScStore         *self);
/* Changes whenever a change is committed, by this process or another;
 * this process's own knock-log entries excepted (they change no decision). */
guint64          sc_store_get_generation       (ScStore         *self);

ScTrustSettings *sc_store_load_trust_settings  (ScStore         *self,
                                                GError         **error);

ScPolicy         sc_store_get_policy           (ScStore         *self,
                                                GError         **error);
gboolean         sc_store_set_policy           (ScStore         *self,
                                                ScPolicy         policy,
                                                GError         **error);
/* Free-form settings (key → string); get returns NULL when unset. */
char            *sc_store_get_setting          (ScStore         *self,
                                                const char      *key,
                                                GError         **error);
gboolean         sc_store_set_setting          (ScStore         *self,
                                                const char      *key,
                                                const char      *value,
                                                GError         **error);

/* Allow and block lists.  Adding an existing entry succeeds and changes
 * nothing; removing a missing one is SC_STORE_ERROR_NOT_FOUND.  Values are
 * normalized (fingerprints → lowercase hex, user IDs → sc_user_id_normalize). */
gboolean         sc_store_add_entry            (ScStore         *self,
                                                ScListKind       list,
                                                ScEntryKind      kind,
                                                const char      *value,
                                                const char      *note,
                                                GError         **error);
gboolean         sc_store_remove_entry         (ScStore         *self,
                                                ScListKind       list,
                                                ScEntryKind      kind,
                                                const char      *value,
                                                GError         **error);
GPtrArray       *sc_store_list_entries         (ScStore         *self,
                                                ScListKind       list,
                                                GError         **error);  /* of ScListEntry */

/* Trusted issuers (CA certificates: basicConstraints cA=TRUE) and CRLs. */
gboolean         sc_store_add_issuer           (ScStore         *self,
                                                GBytes          *der,
                                                GError         **error);
gboolean         sc_store_remove_issuer        (ScStore         *self,
                                                const char      *fingerprint,
                                                GError         **error);
GPtrArray       *sc_store_list_issuers         (ScStore         *self,
                                                GError         **error);  /* of ScIssuerEntry */
gboolean         sc_store_add_crl              (ScStore         *self,
                                                GBytes          *der,
                                                GError         **error);
gboolean         sc_store_remove_crl           (ScStore         *self,
                                                const char      *fingerprint,
                                                GError         **error);
GPtrArray       *sc_store_list_crls            (ScStore         *self,
                                                GError         **error);  /* of ScCrlEntry */

/* The knock log: newest first; limit 0 means all.  Keeps the newest 10,000. */
gboolean         sc_store_add_knock            (ScStore         *self,
                                                const ScKnock   *knock,
                                                GError         **error);
GPtrArray       *sc_store_list_knocks          (ScStore         *self,
                                                guint            limit,
                                                GError         **error);  /* of ScKnock */

/* Contact requests.  Recording a request for a fingerprint that already has
 * one updates it (greeting, address, last_seen, attempts + 1) and sets it
 * back to pending; returns its id. */
gint64           sc_store_record_request       (ScStore         *self,
                                                const char      *fingerprint,
                                                const char      *user_id,
                                                const char      *name,
                                                const char      *certificate_pem,
                                                const char      *greeting,
                                                const char      *address,
                                                GError         **error);
ScRequest       *sc_store_get_request          (ScStore         *self,
                                                gint64           id,
                                                GError         **error);
/* NULL without an error when that fingerprint has no request. */
ScRequest       *sc_store_find_request         (ScStore         *self,
                                                const char      *fingerprint,
                                                GError         **error);
GPtrArray       *sc_store_list_requests        (ScStore         *self,
                                                gboolean         include_decided,
                                                GError         **error);  /* of ScRequest */
/* In one transaction: ACCEPTED also pins the request's fingerprint on the
 * allow list (and removes it from the block list), BLOCKED also puts it on
 * the block list; DECLINED and PENDING (undo a decline) only change state. */
gboolean         sc_store_set_request_state    (ScStore         *self,
                                                gint64           id,
                                                ScRequestState   state,
                                                GError         **error);

/* Contacts.  Saving validates the contact (sc_contact_validate()); an id of 0
 * inserts it and sets its id, any other id updates that row
 * (SC_STORE_ERROR_NOT_FOUND when it is gone).  Another contact with the same
 * user ID is SC_STORE_ERROR_INVALID.  In the same transaction the allow list
 * follows: the contact's user ID is allowed (which lets in a certificate a
 * trusted issuer vouches for) and its fingerprint, if any, pinned (note: its
 * name); a user ID or fingerprint it no longer has leaves the allow list
 * unless another contact has it.
 * Saving sets created (now, when 0) and last-seen (the later of the saved
 * and the given one) on the contact to what the row holds.  Deleting a
 * contact takes its user ID and pin off the allow list the same way. */
gboolean         sc_store_save_contact         (ScStore         *self,
                                                ScContact       *contact,
                                                GError         **error);
gboolean         sc_store_delete_contact       (ScStore         *self,
                                                gint64           id,
                                                GError         **error);
/* Of ScContact, by name (case-insensitively). */
GPtrArray       *sc_store_list_contacts        (ScStore         *self,
                                                GError         **error);
ScContact       *sc_store_get_contact          (ScStore         *self,
                                                gint64           id,
                                                GError         **error);
/* NULL without an error when nobody in the list has that user ID. */
ScContact       *sc_store_find_contact         (ScStore         *self,
                                                const char      *user_id,
                                                GError         **error);
/* When the contact with that user ID exists: last-seen becomes now, address
 * (when not NULL) moves to the front of its addresses (at most 5 kept) and
 * certificate_pem (when not NULL) replaces the one kept.  Succeeds and
 * changes nothing for a user ID without a contact.  The pin stays as it is. */
gboolean         sc_store_note_contact_seen    (ScStore         *self,
                                                const char      *user_id,
                                                const char      *address,
                                                const char      *certificate_pem,
                                                GError         **error);

/* The message history (ScMessage).  peer is a user ID (normalized here; an
 * invalid one is SC_STORE_ERROR_INVALID).  Messages are written with
 * synchronous = FULL: once a call that added a message returns, the message
 * survives a crash of the process or of the machine.
 *
 * A new message of ours: stored as PENDING with a new id; a body that
 * sc_message_check_body() refuses is SC_STORE_ERROR_INVALID. */
ScMessage       *sc_store_add_outgoing_message (ScStore         *self,
                                                const char      *peer,
                                                const char      *body,
                                                GError         **error);
/* Stores the peer's messages (each with id, time and body set) in one
 * transaction; a message whose id this peer already sent is skipped.
 * *added (may be NULL) gets the new ones, as stored (DELIVERED). */
gboolean         sc_store_receive_messages     (ScStore         *self,
                                                const char      *peer,
                                                const char      *fingerprint,
                                                GPtrArray       *messages,
                                                GPtrArray      **added,
                                                GError         **error);
/* Our PENDING and SENT messages to peer after after_seq, oldest first; at
 * most limit (0: all).  peer must be normalized. */
GPtrArray       *sc_store_list_unsent          (ScStore         *self,
                                                const char      *peer,
                                                gint64           after_seq,
                                                guint            limit,
                                                GError         **error);
/* PENDING → SENT for each of messages (ScMessage; others are left alone),
 * noting the certificate they went to.  *changed gets the new snapshots. */
gboolean         sc_store_mark_sent            (ScStore         *self,
                                                GPtrArray       *messages,
                                                const char      *fingerprint,
                                                GPtrArray      **changed,
                                                GError         **error);
/* A receipt for each of ids (strings) from peer: those of our messages
 * become DELIVERED (received: now); unknown ids are ignored.  *changed gets
 * the messages that changed. */
gboolean         sc_store_mark_delivered       (ScStore         *self,
                                                const char      *peer,
                                                GPtrArray       *ids,
                                                GPtrArray      **changed,
                                                GError         **error);
/* The peer refused these for good: PENDING or SENT → FAILED with reason. */
gboolean         sc_store_mark_refused         (ScStore         *self,
                                                const char      *peer,
                                                GPtrArray       *ids,
                                                const char      *reason,
                                                GPtrArray      **changed,
                                                GError         **error);
ScMessage       *sc_store_get_message          (ScStore         *self,
                                                gint64           seq,
                                                GError         **error);
/* Every seq of the conversation with peer, oldest first (gint64). */
GArray          *sc_store_list_message_seqs    (ScStore         *self,
                                                const char      *peer,
                                                GError         **error);
/* The conversation's messages with first_seq ≤ seq ≤ last_seq, by seq. */
GPtrArray       *sc_store_list_messages        (ScStore         *self,
                                                const char      *peer,
                                                gint64           first_seq,
                                                gint64           last_seq,
                                                GError         **error);
/* The newest message of each conversation, newest first. */
GPtrArray       *sc_store_list_conversations   (ScStore         *self,
                                                GError         **error);
/* Full-text search (SQLite FTS5) over every body: each word typed must
 * appear, the last one as a prefix; case and accents are ignored.  Newest
 * first, at most limit (0: all), each with its snippet set.  Text without
 * a word is SC_STORE_ERROR_INVALID. */
GPtrArray       *sc_store_search_messages      (ScStore         *self,
                                                const char      *text,
                                                guint            limit,
                                                GError         **error);
/* Sends one of our undelivered messages again: it moves to the end of the
 * conversation as PENDING, with the same id.  Returns the new snapshot. */
ScMessage       *sc_store_requeue_message      (ScStore         *self,
                                                gint64           seq,
                                                GError         **error);
gboolean         sc_store_delete_message       (ScStore         *self,
                                                gint64           seq,
                                                GError         **error);
gboolean         sc_store_delete_conversation  (ScStore         *self,
                                                const char      *peer,
                                                guint           *n_deleted,
                                                GError         **error);

/* Asynchronous access, for a thread that must not block (the GTK main
 * thread).  sc_store_run_async() runs job (store, data, cancellable, error)
 * in a GTask worker thread and calls back on the caller's thread-default
 * main context; sc_store_run_finish() returns what the job returned.  A
 * NULL return without an error is a valid result; tell it from a failure by
 * the error.  result_free frees a result that nobody claims (the call was
 * cancelled, or finish was never called); data_free frees data once the call
 * is over.  The job must not touch objects the caller's thread uses (copy
 * them into data instead).
 *
 * Contacts have ready-made wrappers below; everything else (requests,
 * knocks, allow and block lists, issuers, CRLs, trust settings, settings)
 * is a job that calls the synchronous function. */
typedef gpointer (*ScStoreJob) (ScStore       *store,
                                gpointer       data,
                                GCancellable  *cancellable,
                                GError       **error);

void             sc_store_run_async            (ScStore              *self,
                                                ScStoreJob            job,
                                                gpointer              data,
                                                GDestroyNotify        data_free,
                                                GDestroyNotify        result_free,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gpointer         sc_store_run_finish           (ScStore              *self,
                                                GAsyncResult         *result,
                                                GError              **error);

void             sc_store_list_contacts_async  (ScStore              *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray       *sc_store_list_contacts_finish (ScStore              *self,
                                                GAsyncResult         *result,
                                                GError              **error);  /* of ScContact */
/* Saves a copy of contact made now; finish sets id, created and last-seen
 * on contact itself, on the calling thread. */
void             sc_store_save_contact_async   (ScStore              *self,
                                                ScContact            *contact,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         sc_store_save_contact_finish  (ScStore              *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             sc_store_delete_contact_async (ScStore              *self,
                                                gint64                id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         sc_store_delete_contact_finish (ScStore             *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
