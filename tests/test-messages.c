/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sc-protocol.h"
#include "sc-store-private.h"
#include "sc-test-agent.h"
#include "sc-test-util.h"

#define ALICE "alice@example.org"
#define BOB   "bob@example.org"
#define FP_B  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

typedef struct
{
  char    *dir;
  char    *path;
  ScStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = sc_test_dir_new ("sixchat-test-messages");
  f->path = g_build_filename (f->dir, "sixchat.db", NULL);
  f->store = sc_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->dir, sc_test_dir_free);
  g_clear_pointer (&f->path, g_free);
}

static ScMessage *
send_ok (Fixture    *f,
         const char *peer,
         const char *body)
{
  g_autoptr(GError) error = NULL;
  ScMessage *message = sc_store_add_outgoing_message (f->store, peer, body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

/* What the peer's agent would pass on: id, time and body. */
static ScMessage *
incoming (const char *id,
          const char *body)
{
  ScMessage *message = sc_message_new ();

  message->id = g_strdup (id);
  message->time = 1700000000000;
  message->body = g_strdup (body);
  return message;
}

static GPtrArray *
receive_ok (Fixture    *f,
            GPtrArray  *messages)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *added = NULL;

  g_assert_true (sc_store_receive_messages (f->store, "Bob@Example.org", FP_B, messages, &added, &error));
  g_assert_no_error (error);
  return added;
}

static void
test_outgoing (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ScMessage) first = send_ok (f, "Bob@Example.ORG", "Hello Bob");
  g_autoptr(ScMessage) second = send_ok (f, BOB, "Second ✓");
  g_autoptr(GPtrArray) unsent = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (first->peer, ==, BOB);
  g_assert_true (first->outgoing);
  g_assert_cmpint (first->state, ==, SC_MESSAGE_PENDING);
  g_assert_null (first->fingerprint);
  g_assert_cmpint (first->received, ==, 0);
  g_assert_true (g_uuid_string_is_valid (first->id));
  g_assert_cmpstr (first->id, !=, second->id);
  g_assert_cmpint (second->seq, >, first->seq);

  /* Both unsent, in order; after the first only the second. */
  unsent = sc_store_list_unsent (f->store, BOB, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unsent->len, ==, 2);
  g_assert_cmpstr (((ScMessage *) unsent->pdata[0])->body, ==, "Hello Bob");
  g_clear_pointer (&unsent, g_ptr_array_unref);
  unsent = sc_store_list_unsent (f->store, BOB, first->seq, 0, &error);
  g_assert_cmpuint (unsent->len, ==, 1);

  /* Sent: still unsent for the next session, which sends it again. */
  g_clear_pointer (&unsent, g_ptr_array_unref);
  unsent = sc_store_list_unsent (f->store, BOB, 0, 1, &error);
  g_assert_true (sc_store_mark_sent (f->store, unsent, FP_B, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpint (((ScMessage *) changed->pdata[0])->state, ==, SC_MESSAGE_SENT);
  g_assert_cmpstr (((ScMessage *) changed->pdata[0])->fingerprint, ==, FP_B);
  g_clear_pointer (&changed, g_ptr_array_unref);
  g_clear_pointer (&unsent, g_ptr_array_unref);
  unsent = sc_store_list_unsent (f->store, BOB, 0, 0, &error);
  g_assert_cmpuint (unsent->len, ==, 2);

  /* A receipt for the first, one for an id never sent, one from another peer. */
  g_ptr_array_add (ids, g_strdup (first->id));
  g_ptr_array_add (ids, g_strdup ("00000000-0000-4000-8000-000000000000"));
  g_assert_true (sc_store_mark_delivered (f->store, ALICE, ids, &changed, &error));
  g_assert_cmpuint (changed->len, ==, 0);
  g_clear_pointer (&changed, g_ptr_array_unref);
  g_assert_true (sc_store_mark_delivered (f->store, BOB, ids, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpint (((ScMessage *) changed->pdata[0])->state, ==, SC_MESSAGE_DELIVERED);
  g_assert_cmpint (((ScMessage *) changed->pdata[0])->received, >, 0);
  g_clear_pointer (&changed, g_ptr_array_unref);

  /* A second receipt changes nothing. */
  g_assert_true (sc_store_mark_delivered (f->store, BOB, ids, &changed, &error));
  g_assert_cmpuint (changed->len, ==, 0);
  g_clear_pointer (&unsent, g_ptr_array_unref);
  unsent = sc_store_list_unsent (f->store, BOB, 0, 0, &error);
  g_assert_cmpuint (unsent->len, ==, 1);
  g_assert_cmpstr (((ScMessage *) unsent->pdata[0])->id, ==, second->id);
}

static void
test_outgoing_invalid (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *escaped = g_strnfill (20000, '\x01');
  g_autofree char *fits = g_strnfill (SC_PROTOCOL_MAX_LINE - 200, 'a');
  g_autoptr(ScMessage) large = NULL;
  g_autoptr(GArray) seqs = NULL;
  const char *bodies[] = { "", "\xff\xfe", escaped };
  const char *peers[] = { "", "no-at-sign", "two@@example.org" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_assert_null (sc_store_add_outgoing_message (f->store, BOB, bodies[i], &error));
      g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      g_assert_null (sc_store_add_outgoing_message (f->store, peers[i], "hi", &error));
      g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }

  /* The limit is the encoded line: a long plain body fits. */
  large = send_ok (f, BOB, fits);
  seqs = sc_store_list_message_seqs (f->store, BOB, &error);
  g_assert_cmpuint (seqs->len, ==, 1);
}

static void
test_incoming_once (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GError) error = NULL;
  ScMessage *stored;

  g_ptr_array_add (batch, incoming ("id-1", "one"));
  g_ptr_array_add (batch, incoming ("id-2", "two"));
  g_ptr_array_add (batch, incoming ("id-1", "one, again in the same batch"));
  added = receive_ok (f, batch);
  g_assert_cmpuint (added->len, ==, 2);
  stored = added->pdata[0];
  g_assert_false (stored->outgoing);
  g_assert_cmpstr (stored->peer, ==, BOB);
  g_assert_cmpstr (stored->fingerprint, ==, FP_B);
  g_assert_cmpint (stored->state, ==, SC_MESSAGE_DELIVERED);
  g_assert_cmpint (stored->time, ==, 1700000000000);
  g_assert_cmpint (stored->received, >, 0);
  g_clear_pointer (&added, g_ptr_array_unref);

  /* Sent again on a later session: nothing new. */
  g_ptr_array_add (again, incoming ("id-2", "two"));
  g_ptr_array_add (again, incoming ("id-3", "three"));
  added = receive_ok (f, again);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpstr (((ScMessage *) added->pdata[0])->body, ==, "three");

  /* Our own message with the same id is another message. */
  g_assert_true (sc_store_add_outgoing_message (f->store, BOB, "mine", &error) != NULL);

  seqs = sc_store_list_message_seqs (f->store, BOB, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seqs->len, ==, 4);
  page = sc_store_list_messages (f->store, BOB, g_array_index (seqs, gint64, 1),
                                 g_array_index (seqs, gint64, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpstr (((ScMessage *) page->pdata[0])->body, ==, "two");
  g_assert_cmpstr (((ScMessage *) page->pdata[1])->body, ==, "three");
}

static void
test_refused_and_requeued (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(ScMessage) message = send_ok (f, BOB, "too much for Bob");
  g_autoptr(ScMessage) requeued = NULL;
  g_autoptr(ScMessage) later = send_ok (f, BOB, "later");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) delivered = NULL;
  g_autoptr(GError) error = NULL;
  ScMessage *failed;

  g_ptr_array_add (ids, g_strdup (message->id));
  g_assert_true (sc_store_mark_refused (f->store, BOB, ids, "Attachments are not supported",
                                        &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 1);
  failed = changed->pdata[0];
  g_assert_cmpint (failed->state, ==, SC_MESSAGE_FAILED);
  g_assert_cmpstr (failed->error, ==, "Attachments are not supported");

  /* Sent again: same id, a new place at the end, pending. */
  requeued = sc_store_requeue_message (f->store, message->seq, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (requeued->id, ==, message->id);
  g_assert_cmpint (requeued->seq, >, later->seq);
  g_assert_cmpint (requeued->state, ==, SC_MESSAGE_PENDING);
  g_assert_null (requeued->error);
  g_assert_null (sc_store_get_message (f->store, message->seq, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A delivered message is not sent again, nor one of the peer's. */
  g_assert_true (sc_store_mark_delivered (f->store, BOB, ids, &delivered, &error));
  g_assert_null (sc_store_requeue_message (f->store, requeued->seq, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sc_store_requeue_message (f->store, 999999, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ScMessage) to_bob = send_ok (f, BOB, "for Bob");
  g_autoptr(ScMessage) to_alice = send_ok (f, ALICE, "for Alice, about bobcats");
  g_autoptr(ScMessage) again = send_ok (f, BOB, "for Bob again");
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (sc_store_delete_message (f->store, to_bob->seq, &error));
  g_assert_no_error (error);
  g_assert_false (sc_store_delete_message (f->store, to_bob->seq, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (sc_store_delete_conversation (f->store, "BOB@example.org", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  seqs = sc_store_list_message_seqs (f->store, BOB, &error);
  g_assert_cmpuint (seqs->len, ==, 0);

  /* The search index follows. */
  hits = sc_store_search_messages (f->store, "bob", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((ScMessage *) hits->pdata[0])->peer, ==, ALICE);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GError) error = NULL;
  struct {
    const char *query;
    guint       hits;
  } cases[] = {
    { "cafe", 2 },              /* accents ignored */
    { "CAFÉ", 2 },
    { "caf", 2 },               /* the last word is a prefix */
    { "meet cafe", 1 },         /* every word */
    { "cafe meet", 1 },
    { "meeting", 0 },
    { "\"cafe", 2 },            /* quotes are not syntax */
    { "cafe OR meet", 0 },      /* nor are operators */
    { "NEAR(cafe", 0 },
    { "*", 0 },
    { "-cafe", 2 },
    { "lunch:", 1 },
  };
  const char *no_words[] = { "", "   ", "\t\n" };

  g_ptr_array_add (batch, incoming ("a", "Meet me at the café at noon"));
  g_ptr_array_add (batch, incoming ("b", "The Cafe is closed; lunch: elsewhere"));
  added = receive_ok (f, batch);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_assert_true (sc_store_add_outgoing_message (f->store, ALICE, "Nothing to see", &error) != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) hits = sc_store_search_messages (f->store, cases[i].query, 0, &error);

      g_assert_no_error (error);
      g_test_message ("%s: %u", cases[i].query, hits->len);
      g_assert_cmpuint (hits->len, ==, cases[i].hits);
      if (hits->len > 0)
        g_assert_nonnull (strchr (((ScMessage *) hits->pdata[0])->snippet, '\002'));
    }

  for (guint i = 0; i < G_N_ELEMENTS (no_words); i++)
    {
      g_assert_null (sc_store_search_messages (f->store, no_words[i], 0, &error));
      g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }

  /* Newest first, limited. */
  {
    g_autoptr(GPtrArray) hits = sc_store_search_messages (f->store, "cafe", 1, &error);

    g_assert_cmpuint (hits->len, ==, 1);
    g_assert_cmpstr (((ScMessage *) hits->pdata[0])->id, ==, "b");
  }

  conversations = sc_store_list_conversations (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conversations->len, ==, 2);
  g_assert_cmpstr (((ScMessage *) conversations->pdata[0])->peer, ==, ALICE);
  g_assert_cmpstr (((ScMessage *) conversations->pdata[1])->body, ==, "The Cafe is closed; lunch: elsewhere");
}

/* A full disk (SQLite's page limit gives the real SQLITE_FULL): the
 * message is not stored, the error says so, nothing half-written. */
static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ScMessage) before = send_ok (f, BOB, "fits");
  g_autofree char *big = g_strnfill (60000, 'x');
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_message_unref);
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GError) error = NULL;

  sc_test_store_set_max_pages (f->store, 0);

  g_assert_null (sc_store_add_outgoing_message (f->store, BOB, big, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "disk full"));
  g_assert_nonnull (strstr (error->message, f->path));
  g_clear_error (&error);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *id = g_strdup_printf ("big-%u", i);

      g_ptr_array_add (batch, incoming (id, big));
    }
  g_assert_false (sc_store_receive_messages (f->store, BOB, FP_B, batch, NULL, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO);
  g_clear_error (&error);

  seqs = sc_store_list_message_seqs (f->store, BOB, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seqs->len, ==, 1);
  g_assert_cmpint (g_array_index (seqs, gint64, 0), ==, before->seq);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/messages/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("outgoing", test_outgoing);
  ADD ("outgoing-invalid", test_outgoing_invalid);
  ADD ("incoming-once", test_incoming_once);
  ADD ("refused-and-requeued", test_refused_and_requeued);
  ADD ("delete", test_delete);
  ADD ("search", test_search);
  ADD ("disk-full", test_disk_full);

  return g_test_run ();
}
