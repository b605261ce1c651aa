/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "sc-contact.h"
#include "sc-store.h"
#include "sc-test-util.h"

#define FP_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define FP_C "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP_C_UPPER_COLONS \
  "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:" \
  "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"

#define WAIT_SECONDS 10

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = sc_test_dir_new ("sixchat-test-contacts");
  fixture->path = g_build_filename (fixture->dir, "sixchat.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->dir, sc_test_dir_free);
  g_clear_pointer (&fixture->path, g_free);
}

static ScStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  ScStore *store = sc_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (SC_IS_STORE (store));
  return store;
}

/* Runs SQL on the file with a separate connection, as another program would. */
static void
run_sql (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static ScContact *
new_contact (const char *name,
             const char *user_id,
             const char *fingerprint)
{
  ScContact *contact = sc_contact_new (name, user_id);

  sc_contact_set_fingerprint (contact, fingerprint);
  return contact;
}

static void
save_ok (ScStore   *store,
         ScContact *contact)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sc_store_save_contact (store, contact, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sc_contact_get_id (contact), >, 0);
}

/* The note of fingerprint's pin on the allow list; NULL when it is not pinned. */
static char *
pin_note (ScStore    *store,
          const char *fingerprint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const ScListEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == SC_ENTRY_FINGERPRINT && g_str_equal (entry->value, fingerprint))
        return g_strdup (entry->note != NULL ? entry->note : "");
    }

  return NULL;
}

static guint
n_pins (ScStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (((ScListEntry *) g_ptr_array_index (entries, i))->kind == SC_ENTRY_FINGERPRINT)
      n++;

  return n;
}

static gboolean
user_allowed (ScStore    *store,
              const char *user_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScTrustSettings) settings = sc_store_load_trust_settings (store, &error);

  g_assert_no_error (error);
  return g_hash_table_contains (settings->allow_users, user_id);
}

static void
assert_strv (const char * const *strv,
             ...) G_GNUC_NULL_TERMINATED;

static void
assert_strv (const char * const *strv,
             ...)
{
  va_list args;
  guint i = 0;

  va_start (args, strv);
  for (const char *expected = va_arg (args, const char *);
       expected != NULL;
       expected = va_arg (args, const char *), i++)
    g_assert_cmpstr (strv[i], ==, expected);
  va_end (args);

  g_assert_null (strv[i]);
}

/* ScContact */

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  GPtrArray *notified = user_data;

  g_ptr_array_add (notified, g_strdup (pspec->name));
}

/* Checks that what happened since the last call notified exactly the
 * properties named (in that order), then forgets them. */
static void
assert_notified (GPtrArray *notified,
                 ...) G_GNUC_NULL_TERMINATED;

static void
assert_notified (GPtrArray *notified,
                 ...)
{
  va_list args;
  guint i = 0;

  va_start (args, notified);
  for (const char *expected = va_arg (args, const char *);
       expected != NULL;
       expected = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, notified->len);
      g_assert_cmpstr (g_ptr_array_index (notified, i), ==, expected);
    }
  va_end (args);

  g_assert_cmpuint (notified->len, ==, i);
  g_ptr_array_set_size (notified, 0);
}

static void
test_contact_properties (void)
{
  g_autoptr(GPtrArray) notified = g_ptr_array_new_with_free_func (g_free);
  const char * const addresses[] = { " [2001:db8::1]:4605 ", "", "host.example", NULL };
  const char * const same_addresses[] = { "[2001:db8::1]:4605", "host.example", NULL };
  g_auto(GStrv) addresses_property = NULL;
  g_autofree char *user_id_property = NULL;
  g_autofree char *fingerprint_property = NULL;
  ScContact *contact;
  ScContact *copy;
  gint64 id_property;

  contact = sc_contact_new ("Bob", " Bob@Example.ORG ");
  g_assert_cmpint (sc_contact_get_id (contact), ==, 0);
  g_assert_cmpstr (sc_contact_get_name (contact), ==, "Bob");
  g_assert_cmpstr (sc_contact_get_user_id (contact), ==, "bob@example.org");
  g_assert_nonnull (sc_contact_get_addresses (contact));
  g_assert_null (sc_contact_get_addresses (contact)[0]);
  g_assert_null (sc_contact_get_fingerprint (contact));
  g_assert_null (sc_contact_get_certificate_pem (contact));
  g_assert_cmpint (sc_contact_get_last_seen (contact), ==, 0);
  g_assert_cmpint (sc_contact_get_created (contact), ==, 0);

  g_signal_connect (contact, "notify", G_CALLBACK (on_notify), notified);

  /* Each setter notifies once on a change, and not at all for the same value. */
  sc_contact_set_name (contact, "Bobby");
  assert_notified (notified, "name", NULL);
  sc_contact_set_name (contact, "Bobby");
  assert_notified (notified, NULL);

  sc_contact_set_user_id (contact, "BOB@example.org");
  assert_notified (notified, NULL);
  sc_contact_set_user_id (contact, "robert@example.org");
  assert_notified (notified, "user-id", NULL);

  sc_contact_set_addresses (contact, addresses);
  assert_notified (notified, "addresses", NULL);
  assert_strv (sc_contact_get_addresses (contact), "[2001:db8::1]:4605", "host.example", NULL);
  sc_contact_set_addresses (contact, same_addresses);
  assert_notified (notified, NULL);

  sc_contact_set_fingerprint (contact, FP_C_UPPER_COLONS);
  assert_notified (notified, "fingerprint", NULL);
  g_assert_cmpstr (sc_contact_get_fingerprint (contact), ==, FP_C);
  sc_contact_set_fingerprint (contact, FP_C);
  assert_notified (notified, NULL);

  sc_contact_set_certificate_pem (contact, "-----BEGIN CERTIFICATE-----");
  assert_notified (notified, "certificate-pem", NULL);
  sc_contact_set_certificate_pem (contact, "-----BEGIN CERTIFICATE-----");
  assert_notified (notified, NULL);

  sc_contact_set_id (contact, 7);
  sc_contact_set_id (contact, 7);
  sc_contact_set_last_seen (contact, 1000);
  sc_contact_set_last_seen (contact, 1000);
  sc_contact_set_created (contact, 900);
  sc_contact_set_created (contact, 900);
  assert_notified (notified, "id", "last-seen", "created", NULL);

  /* Through GObject too. */
  g_object_set (contact, "name", "Bobby", "last-seen", (gint64) 1000, NULL);
  assert_notified (notified, NULL);
  g_object_set (contact, "name", "Rob", NULL);
  assert_notified (notified, "name", NULL);

  g_object_get (contact,
                "id", &id_property,
                "user-id", &user_id_property,
                "addresses", &addresses_property,
                "fingerprint", &fingerprint_property,
                NULL);
  g_assert_cmpint (id_property, ==, 7);
  g_assert_cmpstr (user_id_property, ==, "robert@example.org");
  assert_strv ((const char * const *) addresses_property,
               "[2001:db8::1]:4605", "host.example", NULL);
  g_assert_cmpstr (fingerprint_property, ==, FP_C);

  /* "" and NULL clear the nullable ones. */
  sc_contact_set_fingerprint (contact, "");
  g_assert_null (sc_contact_get_fingerprint (contact));
  sc_contact_set_fingerprint (contact, NULL);
  sc_contact_set_certificate_pem (contact, NULL);
  g_assert_null (sc_contact_get_certificate_pem (contact));
  sc_contact_set_addresses (contact, NULL);
  g_assert_null (sc_contact_get_addresses (contact)[0]);
  assert_notified (notified, "fingerprint", "certificate-pem", "addresses", NULL);

  /* Text that is not a fingerprint is kept for validation to refuse. */
  sc_contact_set_fingerprint (contact, "not hex");
  g_assert_cmpstr (sc_contact_get_fingerprint (contact), ==, "not hex");
  assert_notified (notified, "fingerprint", NULL);

  sc_contact_set_fingerprint (contact, FP_A);
  sc_contact_set_addresses (contact, same_addresses);
  copy = sc_contact_copy (contact);
  g_assert_cmpint (sc_contact_get_id (copy), ==, 7);
  g_assert_cmpstr (sc_contact_get_name (copy), ==, "Rob");
  g_assert_cmpstr (sc_contact_get_user_id (copy), ==, "robert@example.org");
  assert_strv (sc_contact_get_addresses (copy), "[2001:db8::1]:4605", "host.example", NULL);
  g_assert_cmpstr (sc_contact_get_fingerprint (copy), ==, FP_A);
  g_assert_cmpint (sc_contact_get_last_seen (copy), ==, 1000);
  g_assert_cmpint (sc_contact_get_created (copy), ==, 900);
  g_assert_finalize_object (copy);

  g_signal_handlers_disconnect_by_func (contact, on_notify, notified);
  g_assert_finalize_object (contact);
}

static void
assert_invalid (ScContact  *contact,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sc_contact_validate (contact, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
test_contact_validate (void)
{
  g_autoptr(ScContact) contact = sc_contact_new ("Alice", "alice@example.org");
  g_autoptr(GError) error = NULL;
  g_autofree char *longest = g_strnfill (SC_CONTACT_NAME_MAX_BYTES, 'a');
  g_autofree char *too_long = g_strnfill (SC_CONTACT_NAME_MAX_BYTES + 1, 'a');
  const char * const good_addresses[] = {
    "[2001:db8::1]:4605", "[fe80::1%lo]", "192.0.2.1:4605", "host.example", NULL,
  };
  const char * const bad_port[] = { "[2001:db8::1]:4605", "[::1]:99999", NULL };
  const char * const no_bracket[] = { "[2001:db8::1", NULL };

  g_assert_true (sc_contact_validate (contact, &error));
  g_assert_no_error (error);

  sc_contact_set_name (contact, "");
  assert_invalid (contact, "needs a name");
  sc_contact_set_name (contact, " \t ");
  assert_invalid (contact, "needs a name");
  sc_contact_set_name (contact, too_long);
  assert_invalid (contact, "too long");
  sc_contact_set_name (contact, "\xff\xfe");
  assert_invalid (contact, "UTF-8");
  sc_contact_set_name (contact, longest);
  g_assert_true (sc_contact_validate (contact, NULL));
  sc_contact_set_name (contact, "Alice");

  sc_contact_set_user_id (contact, "");
  assert_invalid (contact, "needs a user ID");
  sc_contact_set_user_id (contact, "alice");
  assert_invalid (contact, "“alice” is not a valid user ID");
  sc_contact_set_user_id (contact, "alice@@example.org");
  assert_invalid (contact, "not a valid user ID");
  sc_contact_set_user_id (contact, "alice@example.org");

  sc_contact_set_addresses (contact, good_addresses);
  g_assert_true (sc_contact_validate (contact, NULL));
  sc_contact_set_addresses (contact, bad_port);
  assert_invalid (contact, "99999");
  sc_contact_set_addresses (contact, no_bracket);
  assert_invalid (contact, "[2001:db8::1");
  sc_contact_set_addresses (contact, NULL);

  sc_contact_set_fingerprint (contact, "abc");
  assert_invalid (contact, "“abc” is not a certificate fingerprint");
  sc_contact_set_fingerprint (contact, FP_C_UPPER_COLONS);
  g_assert_true (sc_contact_validate (contact, NULL));
}

/* The store */

static void
test_store_save_list (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScContact) carol = new_contact ("Carol", "carol@example.org", NULL);
  g_autoptr(ScContact) alice = new_contact ("Alice", "alice@example.org", FP_A);
  g_autoptr(ScContact) bob = new_contact ("bob", "bob@example.org", NULL);
  g_autoptr(ScContact) found = NULL;
  g_autoptr(ScContact) invalid = new_contact ("", "nobody@example.org", NULL);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  const char * const addresses[] = { "[2001:db8::1]:4605", "alice.example", NULL };
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 alice_id;

  contacts = sc_store_list_contacts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 0);
  g_clear_pointer (&contacts, g_ptr_array_unref);

  sc_contact_set_addresses (alice, addresses);
  sc_contact_set_certificate_pem (alice, "-----BEGIN CERTIFICATE-----\nAlice\n");
  save_ok (store, carol);
  save_ok (store, alice);
  save_ok (store, bob);
  alice_id = sc_contact_get_id (alice);
  g_assert_cmpint (alice_id, !=, sc_contact_get_id (carol));
  g_assert_cmpint (sc_contact_get_created (alice), >=, before);
  g_assert_cmpint (sc_contact_get_last_seen (alice), ==, 0);

  /* An invalid contact is refused before anything is written. */
  g_assert_false (sc_store_save_contact (store, invalid, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sc_contact_get_id (invalid), ==, 0);

  /* By name, case-insensitively. */
  contacts = sc_store_list_contacts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 3);
  g_assert_cmpstr (sc_contact_get_name (contacts->pdata[0]), ==, "Alice");
  g_assert_cmpstr (sc_contact_get_name (contacts->pdata[1]), ==, "bob");
  g_assert_cmpstr (sc_contact_get_name (contacts->pdata[2]), ==, "Carol");
  assert_strv (sc_contact_get_addresses (contacts->pdata[0]),
               "[2001:db8::1]:4605", "alice.example", NULL);
  assert_strv (sc_contact_get_addresses (contacts->pdata[1]), NULL);
  g_clear_pointer (&contacts, g_ptr_array_unref);

  found = sc_store_get_contact (store, alice_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_contact_get_id (found), ==, alice_id);
  g_assert_cmpstr (sc_contact_get_name (found), ==, "Alice");
  g_assert_cmpstr (sc_contact_get_user_id (found), ==, "alice@example.org");
  assert_strv (sc_contact_get_addresses (found), "[2001:db8::1]:4605", "alice.example", NULL);
  g_assert_cmpstr (sc_contact_get_fingerprint (found), ==, FP_A);
  g_assert_cmpstr (sc_contact_get_certificate_pem (found), ==,
                   "-----BEGIN CERTIFICATE-----\nAlice\n");
  g_assert_cmpint (sc_contact_get_created (found), ==, sc_contact_get_created (alice));
  g_clear_object (&found);

  /* Find by user ID, in any spelling. */
  found = sc_store_find_contact (store, " ALICE@example.org", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpint (sc_contact_get_id (found), ==, alice_id);
  g_clear_object (&found);
  found = sc_store_find_contact (store, "nobody@example.org", &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* An update keeps the id and created; last-seen never goes back. */
  sc_contact_set_name (alice, "Alice Liddell");
  sc_contact_set_user_id (alice, "alice@wonderland.example");
  sc_contact_set_addresses (alice, NULL);
  sc_contact_set_certificate_pem (alice, NULL);
  sc_contact_set_last_seen (alice, 5000);
  save_ok (store, alice);
  g_assert_cmpint (sc_contact_get_id (alice), ==, alice_id);
  sc_contact_set_last_seen (alice, 10);
  sc_contact_set_created (alice, 1);
  save_ok (store, alice);
  g_assert_cmpint (sc_contact_get_last_seen (alice), ==, 5000);
  g_assert_cmpint (sc_contact_get_created (alice), >=, before);

  found = sc_store_get_contact (store, alice_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_contact_get_name (found), ==, "Alice Liddell");
  g_assert_cmpstr (sc_contact_get_user_id (found), ==, "alice@wonderland.example");
  assert_strv (sc_contact_get_addresses (found), NULL);
  g_assert_null (sc_contact_get_certificate_pem (found));
  g_assert_cmpint (sc_contact_get_last_seen (found), ==, 5000);
  g_clear_object (&found);
  found = sc_store_find_contact (store, "alice@example.org", &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* Delete. */
  g_assert_true (sc_store_delete_contact (store, sc_contact_get_id (bob), &error));
  g_assert_no_error (error);
  g_assert_false (sc_store_delete_contact (store, sc_contact_get_id (bob), &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  found = sc_store_get_contact (store, sc_contact_get_id (bob), &error);
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);

  /* Saving a contact whose row is gone does not bring it back. */
  sc_contact_set_name (bob, "Bob");
  g_assert_false (sc_store_save_contact (store, bob, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  contacts = sc_store_list_contacts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 2);
  g_clear_pointer (&contacts, g_ptr_array_unref);

  /* Everything is still there after reopening. */
  g_clear_object (&store);
  store = open_store (fixture->path);
  contacts = sc_store_list_contacts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 2);
  g_assert_cmpstr (sc_contact_get_name (contacts->pdata[0]), ==, "Alice Liddell");
  g_assert_cmpstr (sc_contact_get_name (contacts->pdata[1]), ==, "Carol");
}

static void
test_store_duplicate (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScContact) bob = new_contact ("Bob", "bob@example.org", NULL);
  g_autoptr(ScContact) again = new_contact ("Bobby", "BOB@example.org", FP_B);
  g_autoptr(ScContact) carol = new_contact ("Carol", "carol@example.org", NULL);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  guint64 generation;

  save_ok (store, bob);
  save_ok (store, carol);
  generation = sc_store_get_generation (store);

  g_assert_false (sc_store_save_contact (store, again, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "You already have a contact for bob@example.org"));
  g_clear_error (&error);
  g_assert_cmpint (sc_contact_get_id (again), ==, 0);

  /* Renaming another contact to that user ID is refused the same way. */
  sc_contact_set_user_id (carol, "bob@example.org");
  g_assert_false (sc_store_save_contact (store, carol, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing was written: no pin, no change. */
  g_assert_cmpuint (n_pins (store), ==, 0);
  g_assert_cmpuint (sc_store_get_generation (store), ==, generation);
  contacts = sc_store_list_contacts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 2);
  g_assert_cmpstr (sc_contact_get_user_id (contacts->pdata[1]), ==, "carol@example.org");

  /* Saving a contact again under its own user ID is fine. */
  save_ok (store, bob);
}

static gboolean
snapshot_pins (ScStore    *store,
               const char *fingerprint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScTrustSettings) settings = sc_store_load_trust_settings (store, &error);

  g_assert_no_error (error);
  return g_hash_table_contains (settings->allow_fingerprints, fingerprint);
}

static void
test_store_pins (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScContact) alice = new_contact ("Alice", "alice@example.org", FP_C_UPPER_COLONS);
  g_autoptr(ScContact) twin = new_contact ("Alice (laptop)", "alice2@example.org", FP_B);
  g_autoptr(GError) error = NULL;
  char *note;

  /* A pin made by hand before the contact stays another's business. */
  g_assert_true (sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_USER, "dave@example.org",
                                     NULL, &error));
  g_assert_no_error (error);

  save_ok (store, alice);
  /* A contact's user ID is allowed: a certificate a trusted issuer vouches
   * for gets through too. */
  g_assert_true (user_allowed (store, "alice@example.org"));
  note = pin_note (store, FP_C);
  g_assert_cmpstr (note, ==, "Alice");
  g_free (note);
  g_assert_true (snapshot_pins (store, FP_C));

  /* A new name renames the pin. */
  sc_contact_set_name (alice, "Alice L.");
  save_ok (store, alice);
  note = pin_note (store, FP_C);
  g_assert_cmpstr (note, ==, "Alice L.");
  g_free (note);

  /* A new fingerprint moves the pin. */
  sc_contact_set_fingerprint (alice, FP_A);
  save_ok (store, alice);
  g_assert_null (pin_note (store, FP_C));
  g_assert_false (snapshot_pins (store, FP_C));
  g_assert_true (snapshot_pins (store, FP_A));
  g_assert_cmpuint (n_pins (store), ==, 1);

  /* No fingerprint, no pin; the user ID stays allowed. */
  sc_contact_set_fingerprint (alice, NULL);
  save_ok (store, alice);
  g_assert_false (snapshot_pins (store, FP_A));
  g_assert_cmpuint (n_pins (store), ==, 0);
  g_assert_true (user_allowed (store, "alice@example.org"));

  /* Deleting a contact removes its pin, unless another contact has it too. */
  sc_contact_set_fingerprint (alice, FP_B);
  save_ok (store, alice);
  save_ok (store, twin);
  g_assert_true (sc_store_delete_contact (store, sc_contact_get_id (alice), &error));
  g_assert_no_error (error);
  g_assert_true (snapshot_pins (store, FP_B));
  g_assert_true (sc_store_delete_contact (store, sc_contact_get_id (twin), &error));
  g_assert_no_error (error);
  g_assert_false (snapshot_pins (store, FP_B));
  g_assert_false (user_allowed (store, "alice@example.org"));
  g_assert_false (user_allowed (store, "alice2@example.org"));

  /* The user ID entry made by hand was never touched. */
  g_assert_true (user_allowed (store, "dave@example.org"));
  g_assert_cmpuint (n_pins (store), ==, 0);
}

static void
test_store_seen (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScContact) bob = new_contact ("Bob", "bob@example.org", FP_B);
  g_autoptr(ScContact) found = NULL;
  g_autoptr(GError) error = NULL;
  const char * const addresses[] = { "[2001:db8::1]:4605", "[2001:db8::2]:4605", NULL };
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  guint64 generation;

  sc_contact_set_addresses (bob, addresses);
  save_ok (store, bob);
  generation = sc_store_get_generation (store);

  /* Nobody with that user ID: success, and nothing changes. */
  g_assert_true (sc_store_note_contact_seen (store, "stranger@example.org", "[::1]:4605",
                                             "PEM", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sc_store_get_generation (store), ==, generation);

  g_assert_false (sc_store_note_contact_seen (store, "bob@example.org", "[::1", NULL, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* A known address moves to the front, without a copy. */
  g_assert_true (sc_store_note_contact_seen (store, "BOB@example.org", "[2001:db8::2]:4605",
                                             "-----BEGIN CERTIFICATE-----\nBob\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sc_store_get_generation (store), !=, generation);

  found = sc_store_find_contact (store, "bob@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_contact_get_last_seen (found), >=, before);
  assert_strv (sc_contact_get_addresses (found), "[2001:db8::2]:4605", "[2001:db8::1]:4605",
               NULL);
  g_assert_cmpstr (sc_contact_get_certificate_pem (found), ==,
                   "-----BEGIN CERTIFICATE-----\nBob\n");
  g_assert_cmpstr (sc_contact_get_fingerprint (found), ==, FP_B);
  g_clear_object (&found);

  /* At most five, newest first; no certificate keeps the one there; no
   * address keeps the list. */
  for (guint i = 3; i <= 7; i++)
    {
      g_autofree char *address = g_strdup_printf ("[2001:db8::%u]:4605", i);

      g_assert_true (sc_store_note_contact_seen (store, "bob@example.org", address, NULL,
                                                 &error));
      g_assert_no_error (error);
    }
  g_assert_true (sc_store_note_contact_seen (store, "bob@example.org", NULL, NULL, &error));
  g_assert_no_error (error);

  found = sc_store_find_contact (store, "bob@example.org", &error);
  g_assert_no_error (error);
  assert_strv (sc_contact_get_addresses (found),
               "[2001:db8::7]:4605", "[2001:db8::6]:4605", "[2001:db8::5]:4605",
               "[2001:db8::4]:4605", "[2001:db8::3]:4605", NULL);
  g_assert_cmpstr (sc_contact_get_certificate_pem (found), ==,
                   "-----BEGIN CERTIFICATE-----\nBob\n");
  g_assert_true (sc_contact_validate (found, NULL));
}

static void
test_store_generation (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScStore) other = open_store (fixture->path);
  g_autoptr(ScContact) eve = new_contact ("Eve", "eve@example.org", FP_A);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  guint64 generation = sc_store_get_generation (other);
  guint64 next;

  contacts = sc_store_list_contacts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sc_store_get_generation (store), ==, sc_store_get_generation (store));

  /* Each write shows in another connection's generation, as the agent of
   * another process would see it. */
  save_ok (store, eve);
  next = sc_store_get_generation (other);
  g_assert_cmpuint (next, !=, generation);
  generation = next;

  sc_contact_set_name (eve, "Eve E.");
  save_ok (store, eve);
  next = sc_store_get_generation (other);
  g_assert_cmpuint (next, !=, generation);
  generation = next;

  g_assert_true (sc_store_note_contact_seen (store, "eve@example.org", NULL, NULL, &error));
  g_assert_no_error (error);
  next = sc_store_get_generation (other);
  g_assert_cmpuint (next, !=, generation);
  generation = next;

  g_assert_true (sc_store_delete_contact (store, sc_contact_get_id (eve), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sc_store_get_generation (other), !=, generation);
}

static void
test_store_migration (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScContact) alice = new_contact ("Alice", "alice@example.org", FP_A);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==, 3);

  /* A version-1 database, with data of that version. */
  g_assert_true (sc_store_add_entry (store, SC_LIST_BLOCK, SC_ENTRY_USER, "mallory@example.org",
                                     "spam", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  run_sql (fixture->path, "DROP TABLE messages_fts; DROP TABLE messages; DROP TABLE contacts; "
                          "PRAGMA user_version = 1;");
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM sqlite_schema WHERE name = 'contacts'"),
                   ==, 0);

  store = open_store (fixture->path);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA application_id"), ==, 0x53495843);

  entries = sc_store_list_entries (store, SC_LIST_BLOCK, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((ScListEntry *) entries->pdata[0])->value, ==, "mallory@example.org");

  save_ok (store, alice);
  g_clear_object (&store);

  /* Opening a current database again changes nothing. */
  store = open_store (fixture->path);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==, 3);
}

/* Async access */

typedef struct
{
  GMainContext *context;
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
waiter_init (Waiter *waiter)
{
  *waiter = (Waiter) { .context = g_main_context_new () };
  g_main_context_push_thread_default (waiter->context);
}

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  g_main_context_pop_thread_default (waiter->context);
  g_clear_pointer (&waiter->context, g_main_context_unref);
}

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_assert_true (g_main_context_is_owner (waiter->context));
  g_set_object (&waiter->result, result);
  waiter->done = TRUE;
}

/* Spins the context until the call is over; returns its result. */
static GAsyncResult *
waiter_wait (Waiter *waiter)
{
  g_assert_true (sc_test_wait_for (&waiter->done, WAIT_SECONDS));
  waiter->done = FALSE;
  return waiter->result;
}

static void
test_async_contacts (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScContact) zoe = new_contact ("Zoë", "zoe@example.org", FP_A);
  g_autoptr(ScContact) duplicate = new_contact ("Zoë again", "zoe@example.org", NULL);
  g_autoptr(GPtrArray) notified = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter;

  waiter_init (&waiter);

  sc_store_list_contacts_async (store, NULL, on_ready, &waiter);
  contacts = sc_store_list_contacts_finish (store, waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 0);
  g_clear_pointer (&contacts, g_ptr_array_unref);

  /* The id arrives on this thread, in finish, and not before. */
  g_signal_connect (zoe, "notify", G_CALLBACK (on_notify), notified);
  sc_store_save_contact_async (store, zoe, NULL, on_ready, &waiter);
  g_assert_cmpint (sc_contact_get_id (zoe), ==, 0);
  g_assert_true (sc_store_save_contact_finish (store, waiter_wait (&waiter), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sc_contact_get_id (zoe), >, 0);
  g_assert_cmpint (sc_contact_get_created (zoe), >, 0);
  assert_notified (notified, "id", "created", NULL);
  g_signal_handlers_disconnect_by_func (zoe, on_notify, notified);

  sc_store_save_contact_async (store, duplicate, NULL, on_ready, &waiter);
  g_assert_false (sc_store_save_contact_finish (store, waiter_wait (&waiter), &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sc_contact_get_id (duplicate), ==, 0);

  sc_store_list_contacts_async (store, NULL, on_ready, &waiter);
  contacts = sc_store_list_contacts_finish (store, waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 1);
  g_assert_cmpstr (sc_contact_get_name (contacts->pdata[0]), ==, "Zoë");
  g_assert_cmpstr (sc_contact_get_fingerprint (contacts->pdata[0]), ==, FP_A);
  g_clear_pointer (&contacts, g_ptr_array_unref);

  sc_store_delete_contact_async (store, sc_contact_get_id (zoe), NULL, on_ready, &waiter);
  g_assert_true (sc_store_delete_contact_finish (store, waiter_wait (&waiter), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pins (store), ==, 0);

  sc_store_delete_contact_async (store, sc_contact_get_id (zoe), NULL, on_ready, &waiter);
  g_assert_false (sc_store_delete_contact_finish (store, waiter_wait (&waiter), &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);

  waiter_clear (&waiter);
}

typedef struct
{
  GThread      *thread;       /* where the job ran */
  gboolean      fail;
  gboolean      return_null;
  GMainContext *context;      /* woken when something is freed */
  int           data_freed;   /* atomic */
  int           result_freed; /* atomic */
} JobData;

static gpointer
custom_job (ScStore       *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  JobData *job = data;

  g_assert_true (SC_IS_STORE (store));
  job->thread = g_thread_self ();

  if (job->fail)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the job failed");
      return NULL;
    }

  if (job->return_null)
    return NULL;

  return job;
}

/* The free functions may run in the worker thread: they count, then wake
 * the test's context, which they keep alive until then. */
static void
job_data_freed (gpointer data)
{
  JobData *job = data;
  g_autoptr(GMainContext) context = g_main_context_ref (job->context);

  g_atomic_int_inc (&job->data_freed);
  g_main_context_wakeup (context);
}

static void
job_result_freed (gpointer data)
{
  JobData *job = data;
  g_autoptr(GMainContext) context = g_main_context_ref (job->context);

  g_atomic_int_inc (&job->result_freed);
  g_main_context_wakeup (context);
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the context until the call freed its data and n_results results. */
static void
wait_job_freed (JobData *job,
                int      n_results)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  g_autoptr(GSource) tick = g_timeout_source_new_seconds (1);

  g_source_set_callback (tick, keep_waking, NULL, NULL);
  g_source_attach (tick, job->context);

  while ((g_atomic_int_get (&job->data_freed) != 1 ||
          g_atomic_int_get (&job->result_freed) != n_results) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (job->context, TRUE);

  g_source_destroy (tick);
  g_assert_cmpint (g_atomic_int_get (&job->data_freed), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&job->result_freed), ==, n_results);
}

static void
run_job (ScStore      *store,
         Waiter       *waiter,
         JobData      *job,
         GCancellable *cancellable)
{
  *job = (JobData) { .fail = job->fail, .return_null = job->return_null,
                     .context = waiter->context };

  sc_store_run_async (store, custom_job, job, job_data_freed, job_result_freed,
                      cancellable, on_ready, waiter);
}

static void
test_async_run (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  JobData job = { 0, };
  Waiter waiter;
  gpointer result;

  waiter_init (&waiter);

  /* The job runs in another thread; the callback on this one. */
  run_job (store, &waiter, &job, NULL);
  result = sc_store_run_finish (store, waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  g_assert_true (result == &job);
  g_assert_nonnull (job.thread);
  g_assert_true (job.thread != g_thread_self ());
  g_clear_object (&waiter.result);
  /* A claimed result is the caller's. */
  wait_job_freed (&job, 0);

  /* NULL without an error is a result. */
  job.return_null = TRUE;
  run_job (store, &waiter, &job, NULL);
  result = sc_store_run_finish (store, waiter_wait (&waiter), &error);
  g_assert_no_error (error);
  g_assert_null (result);
  g_clear_object (&waiter.result);
  wait_job_freed (&job, 0);

  job.return_null = FALSE;
  job.fail = TRUE;
  run_job (store, &waiter, &job, NULL);
  result = sc_store_run_finish (store, waiter_wait (&waiter), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_null (result);
  g_clear_error (&error);
  g_clear_object (&waiter.result);
  wait_job_freed (&job, 0);

  /* Cancelled: the result nobody can claim is freed. */
  job.fail = FALSE;
  g_cancellable_cancel (cancellable);
  run_job (store, &waiter, &job, cancellable);
  result = sc_store_run_finish (store, waiter_wait (&waiter), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_clear_error (&error);
  g_clear_object (&waiter.result);
  wait_job_freed (&job, 1);

  /* A result whose finish is never called is freed too. */
  run_job (store, &waiter, &job, NULL);
  waiter_wait (&waiter);
  g_clear_object (&waiter.result);
  wait_job_freed (&job, 1);

  waiter_clear (&waiter);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/contacts/contact/properties", test_contact_properties);
  g_test_add_func ("/contacts/contact/validate", test_contact_validate);

#define ADD(name, func) \
  g_test_add ("/contacts/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("store/save-list", test_store_save_list);
  ADD ("store/duplicate", test_store_duplicate);
  ADD ("store/pins", test_store_pins);
  ADD ("store/seen", test_store_seen);
  ADD ("store/generation", test_store_generation);
  ADD ("store/migration", test_store_migration);
  ADD ("async/contacts", test_async_contacts);
  ADD ("async/run", test_async_run);

#undef ADD

  return g_test_run ();
}
