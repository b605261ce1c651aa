/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <sqlite3.h>

#include "sc-peer-certificate.h"
#include "sc-store.h"
#include "sc-test-certs.h"
#include "sc-test-util.h"

#define FP_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define FP_C "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP_C_UPPER_COLONS \
  "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:" \
  "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = sc_test_dir_new ("sixchat-test-store");
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

static void
add_entry_ok (ScStore     *store,
              ScListKind   list,
              ScEntryKind  kind,
              const char  *value,
              const char  *note)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sc_store_add_entry (store, list, kind, value, note, &error));
  g_assert_no_error (error);
}

static const ScListEntry *
find_entry (GPtrArray   *entries,
            ScEntryKind  kind,
            const char  *value)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const ScListEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == kind && g_str_equal (entry->value, value))
        return entry;
    }

  return NULL;
}

static void
add_knock_ok (ScStore     *store,
              gint64       time,
              const char  *address,
              ScVerdict    verdict)
{
  g_autoptr(GError) error = NULL;
  ScKnock knock = {
    .time = time,
    .incoming = TRUE,
    .address = (char *) address,
    .verdict = verdict,
    .reason = (char *) "stranger-self-signed",
  };

  g_assert_true (sc_store_add_knock (store, &knock, &error));
  g_assert_no_error (error);
}

static ScTestCert *
new_ca (const char *cn)
{
  ScTestCertSpec spec = { .cn = cn, .is_ca = TRUE };

  return sc_test_cert_new (&spec, NULL);
}

static char *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;

  return n;
}

static void
test_store_create_reopen (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(ScTestCert) ca = new_ca ("Reopen CA");
  g_autoptr(GBytes) ca_der = sc_test_cert_der (ca);
  g_autoptr(GBytes) crl_der = sc_test_crl_der (ca, NULL, NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) issuers = NULL;
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(GPtrArray) knocks = NULL;
  g_autoptr(ScRequest) request = NULL;
  g_autofree char *value = NULL;
  g_autofree char *path_property = NULL;
  ScStore *store;
  GStatBuf st;
  gint64 request_id;

  store = open_store (fixture->path);
  g_assert_cmpstr (sc_store_get_path (store), ==, fixture->path);
  g_object_get (store, "path", &path_property, NULL);
  g_assert_cmpstr (path_property, ==, fixture->path);

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_A, "Alice");
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_USER, "bob@example.org", NULL);
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, FP_B, NULL);
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_USER, "mallory@example.org", "spam");
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_ISSUER, FP_C, NULL);
  g_assert_true (sc_store_add_issuer (store, ca_der, &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_add_crl (store, crl_der, &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_set_policy (store, SC_POLICY_REJECT, &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_set_setting (store, "listen-port", "41234", &error));
  g_assert_no_error (error);
  add_knock_ok (store, 1000, "[::1]:41234", SC_VERDICT_ASK);
  request_id = sc_store_record_request (store, FP_C, "carol@example.org", "Carol",
                                        "-----BEGIN CERTIFICATE-----", "Hi!",
                                        "127.0.0.1:5000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (request_id, >, 0);

  /* The WAL and shared-memory files are as private as the database. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *side = g_strconcat (fixture->path, i == 0 ? "-wal" : "-shm", NULL);

      if (g_stat (side, &st) == 0)
        g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }

  g_assert_finalize_object (store);

  store = open_store (fixture->path);

  entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (find_entry (entries, SC_ENTRY_FINGERPRINT, FP_A)->note, ==, "Alice");
  g_assert_nonnull (find_entry (entries, SC_ENTRY_USER, "bob@example.org"));
  g_clear_pointer (&entries, g_ptr_array_unref);

  entries = sc_store_list_entries (store, SC_LIST_BLOCK, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_nonnull (find_entry (entries, SC_ENTRY_FINGERPRINT, FP_B));
  g_assert_cmpstr (find_entry (entries, SC_ENTRY_USER, "mallory@example.org")->note, ==, "spam");
  g_assert_nonnull (find_entry (entries, SC_ENTRY_ISSUER, FP_C));

  issuers = sc_store_list_issuers (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (issuers->len, ==, 1);
  g_assert_true (g_bytes_equal (((ScIssuerEntry *) issuers->pdata[0])->der, ca_der));

  crls = sc_store_list_crls (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crls->len, ==, 1);
  g_assert_true (g_bytes_equal (((ScCrlEntry *) crls->pdata[0])->der, crl_der));

  g_assert_cmpint (sc_store_get_policy (store, &error), ==, SC_POLICY_REJECT);
  g_assert_no_error (error);
  value = sc_store_get_setting (store, "listen-port", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "41234");

  knocks = sc_store_list_knocks (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (knocks->len, ==, 1);
  g_assert_cmpstr (((ScKnock *) knocks->pdata[0])->address, ==, "[::1]:41234");

  request = sc_store_get_request (store, request_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->fingerprint, ==, FP_C);
  g_assert_cmpstr (request->greeting, ==, "Hi!");

  g_assert_finalize_object (store);
}

static void
test_store_lists (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) allow = NULL;
  g_autoptr(GPtrArray) block = NULL;
  const ScListEntry *entry;

  /* Values are normalized. */
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_C_UPPER_COLONS, "Carol");
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_USER, "Carol@Example.ORG", NULL);

  allow = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allow->len, ==, 2);
  entry = find_entry (allow, SC_ENTRY_FINGERPRINT, FP_C);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->list, ==, SC_LIST_ALLOW);
  g_assert_cmpstr (entry->note, ==, "Carol");
  g_assert_cmpint (entry->added, >, 0);
  g_assert_cmpint (entry->added, <=, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_nonnull (find_entry (allow, SC_ENTRY_USER, "carol@example.org"));
  g_clear_pointer (&allow, g_ptr_array_unref);

  /* Adding again succeeds and changes nothing, not even the note or the date. */
  run_sql (fixture->path, "UPDATE lists SET added = 1000");
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_C, "Someone else");
  allow = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allow->len, ==, 2);
  entry = find_entry (allow, SC_ENTRY_FINGERPRINT, FP_C);
  g_assert_cmpstr (entry->note, ==, "Carol");
  g_assert_cmpint (entry->added, ==, 1000);
  g_clear_pointer (&allow, g_ptr_array_unref);

  /* The allow and block lists are independent. */
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, FP_C, NULL);
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_USER, "carol@example.org", NULL);
  allow = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allow->len, ==, 2);
  block = sc_store_list_entries (store, SC_LIST_BLOCK, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (block->len, ==, 2);
  g_assert_cmpint (((ScListEntry *) block->pdata[0])->list, ==, SC_LIST_BLOCK);
  g_clear_pointer (&allow, g_ptr_array_unref);
  g_clear_pointer (&block, g_ptr_array_unref);

  /* Removing, in any spelling of the value. */
  g_assert_true (sc_store_remove_entry (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
                                        FP_C_UPPER_COLONS, &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_remove_entry (store, SC_LIST_BLOCK, SC_ENTRY_USER,
                                        "CAROL@example.org", &error));
  g_assert_no_error (error);
  block = sc_store_list_entries (store, SC_LIST_BLOCK, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (block->len, ==, 0);
  allow = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allow->len, ==, 2);

  /* Removing what is not there. */
  g_assert_false (sc_store_remove_entry (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, FP_C,
                                         &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sc_store_remove_entry (store, SC_LIST_ALLOW, SC_ENTRY_USER,
                                         "nobody@example.org", &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Values the store refuses. */
  g_assert_false (sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, "abc123",
                                      NULL, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "abc123"));
  g_clear_error (&error);
  g_assert_false (sc_store_add_entry (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT,
                                      FP_A "zz", NULL, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_ISSUER, FP_A, NULL,
                                      &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sc_store_add_entry (store, SC_LIST_BLOCK, SC_ENTRY_ISSUER, "not hex",
                                      NULL, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_USER, "no-at-sign",
                                      NULL, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no-at-sign"));
  g_clear_error (&error);
  g_assert_false (sc_store_add_entry (store, SC_LIST_BLOCK, SC_ENTRY_USER, "a b@example.org",
                                      NULL, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sc_store_remove_entry (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, "xyz",
                                         &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_clear_pointer (&allow, g_ptr_array_unref);
  allow = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allow->len, ==, 2);

  g_assert_cmpstr (sc_entry_kind_to_string (SC_ENTRY_FINGERPRINT), ==, "fingerprint");
  g_assert_cmpstr (sc_entry_kind_to_string (SC_ENTRY_USER), ==, "user");
  g_assert_cmpstr (sc_entry_kind_to_string (SC_ENTRY_ISSUER), ==, "issuer");
}

static void
test_store_trust_settings (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScTestCert) ca = new_ca ("Settings CA");
  g_autoptr(GBytes) ca_der = sc_test_cert_der (ca);
  g_autoptr(GBytes) crl_der = sc_test_crl_der (ca, NULL, NULL, 0);
  g_autoptr(ScTrustSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  settings = sc_store_load_trust_settings (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (settings->anchors->len, ==, 0);
  g_assert_cmpuint (settings->crls->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (settings->allow_fingerprints), ==, 0);
  g_assert_cmpuint (g_hash_table_size (settings->block_issuers), ==, 0);
  g_assert_cmpint (settings->policy, ==, SC_POLICY_ASK);
  g_clear_pointer (&settings, sc_trust_settings_free);

  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_A, NULL);
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_USER, "Alice@Example.org", NULL);
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, FP_B, NULL);
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_USER, "mallory@example.org", NULL);
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_ISSUER, FP_C, NULL);
  g_assert_true (sc_store_add_issuer (store, ca_der, &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_add_crl (store, crl_der, &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_set_policy (store, SC_POLICY_REJECT, &error));
  g_assert_no_error (error);

  settings = sc_store_load_trust_settings (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (settings->anchors->len, ==, 1);
  g_assert_true (g_bytes_equal (settings->anchors->pdata[0], ca_der));
  g_assert_cmpuint (settings->crls->len, ==, 1);
  g_assert_true (g_bytes_equal (settings->crls->pdata[0], crl_der));
  g_assert_cmpuint (g_hash_table_size (settings->allow_fingerprints), ==, 1);
  g_assert_true (g_hash_table_contains (settings->allow_fingerprints, FP_A));
  g_assert_cmpuint (g_hash_table_size (settings->allow_users), ==, 1);
  g_assert_true (g_hash_table_contains (settings->allow_users, "alice@example.org"));
  g_assert_cmpuint (g_hash_table_size (settings->block_fingerprints), ==, 1);
  g_assert_true (g_hash_table_contains (settings->block_fingerprints, FP_B));
  g_assert_cmpuint (g_hash_table_size (settings->block_users), ==, 1);
  g_assert_true (g_hash_table_contains (settings->block_users, "mallory@example.org"));
  g_assert_cmpuint (g_hash_table_size (settings->block_issuers), ==, 1);
  g_assert_true (g_hash_table_contains (settings->block_issuers, FP_C));
  g_assert_cmpint (settings->policy, ==, SC_POLICY_REJECT);
}

static void
test_store_issuers (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScTestCert) ca = new_ca ("Issuer Test CA");
  g_autoptr(ScTestCert) leaf = NULL;
  g_autoptr(GBytes) ca_der = sc_test_cert_der (ca);
  g_autoptr(GBytes) leaf_der = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("not a certificate", 17);
  g_autofree char *ca_fingerprint = sc_test_cert_fingerprint (ca);
  g_autofree char *upper_fingerprint = g_ascii_strup (ca_fingerprint, -1);
  g_autofree char *ca_pem = sc_test_cert_pem (ca);
  g_autoptr(GBytes) pem = g_bytes_new (ca_pem, strlen (ca_pem));
  g_autoptr(GPtrArray) issuers = NULL;
  g_autoptr(GError) error = NULL;
  ScTestCertSpec leaf_spec = { .cn = "Leaf", .uid = "leaf@example.org" };
  const ScIssuerEntry *entry;

  leaf = sc_test_cert_new (&leaf_spec, ca);
  leaf_der = sc_test_cert_der (leaf);

  g_assert_true (sc_store_add_issuer (store, ca_der, &error));
  g_assert_no_error (error);
  /* Again: idempotent. */
  g_assert_true (sc_store_add_issuer (store, ca_der, &error));
  g_assert_no_error (error);

  issuers = sc_store_list_issuers (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (issuers->len, ==, 1);
  entry = issuers->pdata[0];
  g_assert_cmpstr (entry->fingerprint, ==, ca_fingerprint);
  g_assert_nonnull (strstr (entry->subject, "CN=Issuer Test CA"));
  g_assert_true (g_bytes_equal (entry->der, ca_der));
  g_assert_cmpint (entry->added, >, 0);
  g_clear_pointer (&issuers, g_ptr_array_unref);

  /* A leaf is not an issuer. */
  g_assert_false (sc_store_add_issuer (store, leaf_der, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "is not a CA certificate"));
  g_assert_nonnull (strstr (error->message, "CN=Leaf"));
  g_clear_error (&error);

  g_assert_false (sc_store_add_issuer (store, garbage, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sc_store_add_issuer (store, pem, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);

  issuers = sc_store_list_issuers (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (issuers->len, ==, 1);
  g_clear_pointer (&issuers, g_ptr_array_unref);

  g_assert_false (sc_store_remove_issuer (store, FP_A, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sc_store_remove_issuer (store, "nonsense", &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (sc_store_remove_issuer (store, upper_fingerprint, &error));
  g_assert_no_error (error);

  issuers = sc_store_list_issuers (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (issuers->len, ==, 0);
}

static void
test_store_crls (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScTestCert) ca = new_ca ("CRL Test CA");
  g_autoptr(ScTestCert) leaf = NULL;
  g_autoptr(GBytes) crl_der = NULL;
  g_autoptr(GBytes) ca_der = sc_test_cert_der (ca);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\x30\x03\x02\x01\x01", 5);
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  ScTestCertSpec leaf_spec = { .cn = "Revoked", .uid = "revoked@example.org" };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const ScCrlEntry *entry;

  leaf = sc_test_cert_new (&leaf_spec, ca);
  crl_der = sc_test_crl_der (ca, NULL, &leaf, 1);
  fingerprint = sc_fingerprint_of_der (crl_der);

  g_assert_true (sc_store_add_crl (store, crl_der, &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_add_crl (store, crl_der, &error));
  g_assert_no_error (error);

  crls = sc_store_list_crls (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crls->len, ==, 1);
  entry = crls->pdata[0];
  g_assert_cmpstr (entry->fingerprint, ==, fingerprint);
  g_assert_nonnull (strstr (entry->issuer, "CN=CRL Test CA"));
  /* sc_test_crl_der(): this update an hour ago, next update in a week. */
  g_assert_cmpint (entry->this_update, <=, now - 3600 + 60);
  g_assert_cmpint (entry->this_update, >=, now - 3600 - 60);
  g_assert_cmpint (entry->next_update, >=, now + 7 * 86400 - 60);
  g_assert_cmpint (entry->next_update, <=, now + 7 * 86400 + 60);
  g_assert_true (g_bytes_equal (entry->der, crl_der));
  g_clear_pointer (&crls, g_ptr_array_unref);

  /* A certificate is not a CRL, nor is garbage. */
  g_assert_false (sc_store_add_crl (store, ca_der, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sc_store_add_crl (store, garbage, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (sc_store_remove_crl (store, FP_B, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (sc_store_remove_crl (store, fingerprint, &error));
  g_assert_no_error (error);
  crls = sc_store_list_crls (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crls->len, ==, 0);
}

static void
test_store_policy_settings (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_cmpint (sc_store_get_policy (store, &error), ==, SC_POLICY_ASK);
  g_assert_no_error (error);
  g_assert_true (sc_store_set_policy (store, SC_POLICY_REJECT, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sc_store_get_policy (store, &error), ==, SC_POLICY_REJECT);
  g_assert_no_error (error);
  g_assert_true (sc_store_set_policy (store, SC_POLICY_ASK, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sc_store_get_policy (store, &error), ==, SC_POLICY_ASK);
  g_assert_no_error (error);

  /* The policy setting only takes policies. */
  g_assert_false (sc_store_set_setting (store, "policy", "allow-everyone", &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (sc_store_set_setting (store, "policy", "reject", &error));
  g_assert_no_error (error);
  g_assert_cmpint (sc_store_get_policy (store, &error), ==, SC_POLICY_REJECT);

  value = sc_store_get_setting (store, "display-name", &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_true (sc_store_set_setting (store, "display-name", "Ada", &error));
  g_assert_no_error (error);
  g_assert_true (sc_store_set_setting (store, "display-name", "Ada L.", &error));
  g_assert_no_error (error);
  value = sc_store_get_setting (store, "display-name", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "Ada L.");
  g_clear_pointer (&value, g_free);

  /* NULL unsets. */
  g_assert_true (sc_store_set_setting (store, "display-name", NULL, &error));
  g_assert_no_error (error);
  value = sc_store_get_setting (store, "display-name", &error);
  g_assert_no_error (error);
  g_assert_null (value);
}

static void
test_store_knocks (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) knocks = NULL;
  g_autoptr(GError) error = NULL;
  ScKnock full = {
    .time = 1700000000000000,
    .incoming = FALSE,
    .address = (char *) "127.0.0.1:41234",
    .fingerprint = (char *) FP_A,
    .user_id = (char *) "alice@example.org",
    .name = (char *) "Alice",
    .verdict = SC_VERDICT_ALLOW,
    .reason = (char *) "pinned",
    .detail = (char *) "Alice is on your allow list.",
  };
  const ScKnock *knock;
  gint64 start;
  double seconds;

  g_assert_true (sc_store_add_knock (store, &full, &error));
  g_assert_no_error (error);
  add_knock_ok (store, 2, "[::1]:2", SC_VERDICT_REJECT);
  add_knock_ok (store, 3, "[::1]:3", SC_VERDICT_ASK);

  knocks = sc_store_list_knocks (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (knocks->len, ==, 3);
  g_assert_cmpstr (((ScKnock *) knocks->pdata[0])->address, ==, "[::1]:3");
  g_assert_cmpint (((ScKnock *) knocks->pdata[0])->verdict, ==, SC_VERDICT_ASK);
  g_assert_true (((ScKnock *) knocks->pdata[0])->incoming);
  g_assert_null (((ScKnock *) knocks->pdata[0])->fingerprint);
  g_assert_cmpint (((ScKnock *) knocks->pdata[1])->verdict, ==, SC_VERDICT_REJECT);
  knock = knocks->pdata[2];
  g_assert_cmpint (knock->id, >, 0);
  g_assert_cmpint (knock->time, ==, full.time);
  g_assert_false (knock->incoming);
  g_assert_cmpstr (knock->address, ==, full.address);
  g_assert_cmpstr (knock->fingerprint, ==, full.fingerprint);
  g_assert_cmpstr (knock->user_id, ==, full.user_id);
  g_assert_cmpstr (knock->name, ==, full.name);
  g_assert_cmpint (knock->verdict, ==, SC_VERDICT_ALLOW);
  g_assert_cmpstr (knock->reason, ==, full.reason);
  g_assert_cmpstr (knock->detail, ==, full.detail);
  g_clear_pointer (&knocks, g_ptr_array_unref);

  knocks = sc_store_list_knocks (store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (knocks->len, ==, 2);
  g_assert_cmpstr (((ScKnock *) knocks->pdata[1])->address, ==, "[::1]:2");
  g_clear_pointer (&knocks, g_ptr_array_unref);

  /* Only the newest 10,000 stay; one commit per knock must still be quick. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 10050; i++)
    {
      g_autofree char *address = g_strdup_printf ("10.0.0.1:%u", i);

      add_knock_ok (store, 100 + i, address, SC_VERDICT_REJECT);
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("10,050 knocks in %.2f s", seconds);
  g_assert_cmpfloat (seconds, <, 10.0);

  knocks = sc_store_list_knocks (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (knocks->len, ==, 10000);
  g_assert_cmpstr (((ScKnock *) knocks->pdata[0])->address, ==, "10.0.0.1:10049");
  g_assert_cmpstr (((ScKnock *) knocks->pdata[9999])->address, ==, "10.0.0.1:50");
  for (guint i = 1; i < knocks->len; i++)
    g_assert_cmpint (((ScKnock *) knocks->pdata[i - 1])->id, >,
                     ((ScKnock *) knocks->pdata[i])->id);
}

static void
test_store_requests (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(ScRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id_a, id_b, id;

  id_a = sc_store_record_request (store, FP_A, "alice@example.org", "Alice", "PEM A",
                                  "Hello, it's Alice", "[::1]:1000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id_a, >, 0);

  request = sc_store_get_request (store, id_a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->id, ==, id_a);
  g_assert_cmpstr (request->fingerprint, ==, FP_A);
  g_assert_cmpstr (request->user_id, ==, "alice@example.org");
  g_assert_cmpstr (request->name, ==, "Alice");
  g_assert_cmpstr (request->certificate_pem, ==, "PEM A");
  g_assert_cmpstr (request->greeting, ==, "Hello, it's Alice");
  g_assert_cmpstr (request->address, ==, "[::1]:1000");
  g_assert_cmpuint (request->attempts, ==, 1);
  g_assert_cmpint (request->state, ==, SC_REQUEST_PENDING);
  g_assert_cmpint (request->first_seen, >, 0);
  g_assert_cmpint (request->last_seen, ==, request->first_seen);
  g_clear_pointer (&request, sc_request_free);

  /* As if Alice had asked a minute ago. */
  run_sql (fixture->path, "UPDATE requests SET first_seen = first_seen - 60, "
                          "last_seen = last_seen - 60");
  id_b = sc_store_record_request (store, FP_B, "bob@example.org", "Bob", "PEM B", NULL,
                                  "[::1]:2000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id_b, !=, id_a);

  /* Newest last_seen first. */
  requests = sc_store_list_requests (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_cmpint (((ScRequest *) requests->pdata[0])->id, ==, id_b);
  g_assert_cmpint (((ScRequest *) requests->pdata[1])->id, ==, id_a);
  g_clear_pointer (&requests, g_ptr_array_unref);

  /* Declined, then Alice tries again: the same request, pending again. */
  g_assert_true (sc_store_set_request_state (store, id_a, SC_REQUEST_DECLINED, &error));
  g_assert_no_error (error);
  requests = sc_store_list_requests (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 1);
  g_clear_pointer (&requests, g_ptr_array_unref);

  run_sql (fixture->path, "UPDATE requests SET first_seen = first_seen - 60, "
                          "last_seen = last_seen - 60");
  id = sc_store_record_request (store, FP_A, "alice@example.org", "Alice Liddell", "PEM A2",
                                NULL, "[::1]:1001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, id_a);
  request = sc_store_find_request (store, FP_A, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->id, ==, id_a);
  g_assert_cmpuint (request->attempts, ==, 2);
  g_assert_cmpint (request->state, ==, SC_REQUEST_PENDING);
  g_assert_cmpstr (request->name, ==, "Alice Liddell");
  g_assert_cmpstr (request->certificate_pem, ==, "PEM A2");
  g_assert_cmpstr (request->address, ==, "[::1]:1001");
  g_assert_cmpstr (request->greeting, ==, "Hello, it's Alice");
  g_assert_cmpint (request->last_seen, >, request->first_seen);
  g_clear_pointer (&request, sc_request_free);

  requests = sc_store_list_requests (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_cmpint (((ScRequest *) requests->pdata[0])->id, ==, id_a);
  g_clear_pointer (&requests, g_ptr_array_unref);

  /* Accepting pins the fingerprint and lifts a block on it. */
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, FP_A, NULL);
  g_assert_true (sc_store_set_request_state (store, id_a, SC_REQUEST_ACCEPTED, &error));
  g_assert_no_error (error);
  entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (find_entry (entries, SC_ENTRY_FINGERPRINT, FP_A)->note, ==, "Alice Liddell");
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = sc_store_list_entries (store, SC_LIST_BLOCK, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Blocking puts it on the block list. */
  g_assert_true (sc_store_set_request_state (store, id_b, SC_REQUEST_BLOCKED, &error));
  g_assert_no_error (error);
  entries = sc_store_list_entries (store, SC_LIST_BLOCK, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_nonnull (find_entry (entries, SC_ENTRY_FINGERPRINT, FP_B));
  g_clear_pointer (&entries, g_ptr_array_unref);

  requests = sc_store_list_requests (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 0);
  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = sc_store_list_requests (store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_cmpint (((ScRequest *) requests->pdata[0])->state, ==, SC_REQUEST_ACCEPTED);
  g_assert_cmpint (((ScRequest *) requests->pdata[1])->state, ==, SC_REQUEST_BLOCKED);
  g_clear_pointer (&requests, g_ptr_array_unref);

  /* Undoing a decision only changes the state. */
  g_assert_true (sc_store_set_request_state (store, id_b, SC_REQUEST_PENDING, &error));
  g_assert_no_error (error);
  request = sc_store_get_request (store, id_b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->state, ==, SC_REQUEST_PENDING);
  g_clear_pointer (&request, sc_request_free);

  /* Unknown requests. */
  g_assert_false (sc_store_set_request_state (store, 9999, SC_REQUEST_ACCEPTED, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  request = sc_store_get_request (store, 9999, &error);
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND);
  g_assert_null (request);
  g_clear_error (&error);
  request = sc_store_find_request (store, FP_C, &error);
  g_assert_no_error (error);
  g_assert_null (request);
  request = sc_store_find_request (store, "bad", &error);
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_assert_null (request);
  g_clear_error (&error);
  g_assert_cmpint (sc_store_record_request (store, "bad", NULL, NULL, NULL, NULL, NULL, &error),
                   ==, 0);
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpstr (sc_request_state_to_string (SC_REQUEST_PENDING), ==, "pending");
  g_assert_cmpstr (sc_request_state_to_string (SC_REQUEST_ACCEPTED), ==, "accepted");
  g_assert_cmpstr (sc_request_state_to_string (SC_REQUEST_DECLINED), ==, "declined");
  g_assert_cmpstr (sc_request_state_to_string (SC_REQUEST_BLOCKED), ==, "blocked");
}

/* When adding the allow entry fails, accepting changes nothing at all. */
static void
test_store_request_transaction (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScRequest) request = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = sc_store_record_request (store, FP_A, "alice@example.org", "Alice", "PEM", NULL,
                                "[::1]:1", &error);
  g_assert_no_error (error);

  run_sql (fixture->path,
           "CREATE TRIGGER refuse_allow BEFORE INSERT ON lists "
           "BEGIN SELECT RAISE (ABORT, 'refused by test'); END;");

  g_assert_false (sc_store_set_request_state (store, id, SC_REQUEST_ACCEPTED, &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO);
  g_clear_error (&error);

  request = sc_store_get_request (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->state, ==, SC_REQUEST_PENDING);
  entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&request, sc_request_free);

  run_sql (fixture->path, "DROP TRIGGER refuse_allow");
  g_assert_true (sc_store_set_request_state (store, id, SC_REQUEST_ACCEPTED, &error));
  g_assert_no_error (error);
  request = sc_store_get_request (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->state, ==, SC_REQUEST_ACCEPTED);
}

static void
test_store_generation (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);
  g_autoptr(ScStore) other = open_store (fixture->path);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint64 generation, next;

  generation = sc_store_get_generation (store);
  g_assert_cmpuint (sc_store_get_generation (store), ==, generation);

  /* Reads change nothing. */
  entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sc_store_get_generation (store), ==, generation);

  /* Our own write. */
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_A, NULL);
  next = sc_store_get_generation (store);
  g_assert_cmpuint (next, !=, generation);
  generation = next;

  /* Adding it again commits no change. */
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_A, NULL);
  g_assert_cmpuint (sc_store_get_generation (store), ==, generation);

  /* Another connection's writes, as another process would make them. */
  add_entry_ok (other, SC_LIST_BLOCK, SC_ENTRY_FINGERPRINT, FP_B, NULL);
  next = sc_store_get_generation (store);
  g_assert_cmpuint (next, !=, generation);
  generation = next;

  g_assert_true (sc_store_set_policy (other, SC_POLICY_REJECT, &error));
  g_assert_no_error (error);
  next = sc_store_get_generation (store);
  g_assert_cmpuint (next, !=, generation);
  generation = next;

  run_sql (fixture->path, "DELETE FROM lists");
  g_assert_cmpuint (sc_store_get_generation (store), !=, generation);
}

typedef struct
{
  ScStore    *store;  /* shared, or NULL: the thread opens its own */
  const char *path;
  guint       index;
} WriterData;

#define N_WRITERS 4
#define KNOCKS_PER_WRITER 250

static gpointer
writer_thread (gpointer user_data)
{
  WriterData *writer = user_data;
  g_autoptr(ScStore) own = NULL;
  ScStore *store = writer->store;

  if (store == NULL)
    store = own = open_store (writer->path);

  for (guint i = 0; i < KNOCKS_PER_WRITER; i++)
    {
      g_autofree char *address = g_strdup_printf ("10.0.%u.%u:1", writer->index, i);

      add_knock_ok (store, i, address, SC_VERDICT_ASK);
    }

  return NULL;
}

static void
check_all_knocks (ScStore *store)
{
  g_autoptr(GPtrArray) knocks = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;

  knocks = sc_store_list_knocks (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (knocks->len, ==, N_WRITERS * KNOCKS_PER_WRITER);
  for (guint i = 0; i < knocks->len; i++)
    g_hash_table_add (seen, ((ScKnock *) knocks->pdata[i])->address);
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_WRITERS * KNOCKS_PER_WRITER);
}

static void
run_writers (const char *path,
             ScStore    *shared)
{
  WriterData writers[N_WRITERS];
  GThread *threads[N_WRITERS];

  for (guint i = 0; i < N_WRITERS; i++)
    {
      writers[i] = (WriterData) { .store = shared, .path = path, .index = i };
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }

  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (threads[i]);
}

static void
test_store_threads_shared (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);

  run_writers (fixture->path, store);
  check_all_knocks (store);
}

static void
test_store_threads_connections (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(ScStore) store = open_store (fixture->path);

  run_writers (fixture->path, NULL);
  check_all_knocks (store);
}

static void
assert_open_fails_unchanged (const char *dir,
                             const char *path,
                             int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length, after_length;
  guint n_files = count_files (dir);
  ScStore *store;

  before = read_file (path, &before_length);
  store = sc_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, SC_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));

  after = read_file (path, &after_length);
  g_assert_cmpmem (before, before_length, after, after_length);
  g_assert_cmpuint (count_files (dir), ==, n_files);
}

static void
test_store_corrupt (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  guint8 noise[8192];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_rand_int_range (rand, 0, 256);
  g_file_set_contents (fixture->path, (const char *) noise, sizeof noise, &error);
  g_assert_no_error (error);

  assert_open_fails_unchanged (fixture->dir, fixture->path, SC_STORE_ERROR_CORRUPT);

  /* A text file that happens to sit where the database should. */
  g_file_set_contents (fixture->path, "hello\n", -1, &error);
  g_assert_no_error (error);
  assert_open_fails_unchanged (fixture->dir, fixture->path, SC_STORE_ERROR_CORRUPT);
}

/* data: the 4 KiB page to scribble over; 0 is the schema on the first page
 * (after the file header), 3 the lists table. */
static void
test_store_damaged (Fixture       *fixture,
                    gconstpointer  data)
{
  guint page = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize start = page == 0 ? 100 : page * 4096;
  gsize length;
  ScStore *store;

  store = open_store (fixture->path);
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_A, NULL);
  add_entry_ok (store, SC_LIST_BLOCK, SC_ENTRY_USER, "mallory@example.org", NULL);
  g_assert_finalize_object (store);

  contents = read_file (fixture->path, &length);
  g_assert_cmpuint (length, >=, (page + 1) * 4096);
  memset (contents + start, 0x5a, (page + 1) * 4096 - start);
  g_file_set_contents (fixture->path, contents, length, &error);
  g_assert_no_error (error);

  assert_open_fails_unchanged (fixture->dir, fixture->path, SC_STORE_ERROR_CORRUPT);
}

static void
test_store_foreign (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->dir, "other.db", NULL);

  /* Another application's database, marked as such. */
  run_sql (fixture->path,
           "PRAGMA application_id = 1179011410;"
           "CREATE TABLE bookmarks (url TEXT);"
           "INSERT INTO bookmarks VALUES ('https://example.org');");
  assert_open_fails_unchanged (fixture->dir, fixture->path, SC_STORE_ERROR_CORRUPT);

  /* One that does not say whose it is. */
  run_sql (other, "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);");
  assert_open_fails_unchanged (fixture->dir, other, SC_STORE_ERROR_CORRUPT);
}

static void
test_store_newer (Fixture       *fixture,
                  gconstpointer  data)
{
  ScStore *store = open_store (fixture->path);

  g_assert_finalize_object (store);
  run_sql (fixture->path, "PRAGMA user_version = 99");

  assert_open_fails_unchanged (fixture->dir, fixture->path, SC_STORE_ERROR_NEWER);
}

static void
test_store_read_only (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length, after_length;
  ScStore *store;

  if (geteuid () == 0)
    {
      g_test_skip ("root ignores file modes, so a read-only file cannot be simulated");
      return;
    }

  store = open_store (fixture->path);
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_A, "Alice");
  g_assert_finalize_object (store);
  g_assert_cmpint (g_chmod (fixture->path, 0400), ==, 0);
  before = read_file (fixture->path, &before_length);

  store = open_store (fixture->path);
  entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_clear_pointer (&entries, g_ptr_array_unref);

  g_assert_false (sc_store_add_entry (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_B, NULL,
                                      &error));
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_clear_error (&error);
  g_assert_cmpint (sc_store_record_request (store, FP_B, NULL, NULL, NULL, NULL, NULL, &error),
                   ==, 0);
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_finalize_object (store);

  after = read_file (fixture->path, &after_length);
  g_assert_cmpmem (before, before_length, after, after_length);

  /* Writable again: everything is there, and writes work. */
  g_assert_cmpint (g_chmod (fixture->path, 0600), ==, 0);
  store = open_store (fixture->path);
  entries = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((ScListEntry *) entries->pdata[0])->note, ==, "Alice");
  add_entry_ok (store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT, FP_B, NULL);
  g_assert_finalize_object (store);
}

static void
test_store_missing_directory (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing", "sixchat.db", NULL);
  g_autoptr(GError) error = NULL;
  ScStore *store;

  store = sc_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, path));

  /* A directory where the file should be. */
  g_clear_error (&error);
  store = sc_store_open (fixture->dir, &error);
  g_assert_null (store);
  g_assert_error (error, SC_STORE_ERROR, SC_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, fixture->dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("create-reopen", test_store_create_reopen);
  ADD ("lists", test_store_lists);
  ADD ("trust-settings", test_store_trust_settings);
  ADD ("issuers", test_store_issuers);
  ADD ("crls", test_store_crls);
  ADD ("policy-settings", test_store_policy_settings);
  ADD ("knocks", test_store_knocks);
  ADD ("requests", test_store_requests);
  ADD ("request-transaction", test_store_request_transaction);
  ADD ("generation", test_store_generation);
  ADD ("threads/shared", test_store_threads_shared);
  ADD ("threads/connections", test_store_threads_connections);
  ADD ("corrupt", test_store_corrupt);
  g_test_add ("/store/damaged/schema", Fixture, GUINT_TO_POINTER (0),
              fixture_set_up, test_store_damaged, fixture_tear_down);
  g_test_add ("/store/damaged/table", Fixture, GUINT_TO_POINTER (3),
              fixture_set_up, test_store_damaged, fixture_tear_down);
  ADD ("foreign", test_store_foreign);
  ADD ("newer", test_store_newer);
  ADD ("read-only", test_store_read_only);
  ADD ("missing-directory", test_store_missing_directory);

#undef ADD

  return g_test_run ();
}
