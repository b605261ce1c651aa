/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sc-cli-private.h"
#include "sc-peer-certificate.h"
#include "sc-profile.h"
#include "sc-store.h"
#include "sc-trust-policy.h"


static ScStore *
open_store (const char *profile_dir)
{
  g_autoptr(GError) error = NULL;
  ScStore *store = sc_profile_open_store (profile_dir, &error);

  if (store == NULL)
    sc_cli_error ("%s", error->message);

  return store;
}

/* "Name <user@example.org>", or whichever half is known, else the fingerprint. */
static char *
describe_person (const char *name,
                 const char *user_id,
                 const char *fingerprint)
{
  if (name != NULL && user_id != NULL)
    return g_strdup_printf ("%s <%s>", name, user_id);
  if (name != NULL || user_id != NULL)
    return g_strdup (name != NULL ? name : user_id);
  if (fingerprint != NULL)
    return sc_fingerprint_format (fingerprint);

  return g_strdup ("someone without a certificate");
}

/* A FINGERPRINT, USERID or (when issuer_allowed) issuer:FINGERPRINT from
 * the command line.  Prints an error and returns FALSE when it is none. */
static gboolean
parse_target (const char   *text,
              gboolean      issuer_allowed,
              ScEntryKind  *kind,
              char        **value)
{
  g_autoptr(GError) error = NULL;

  if (g_str_has_prefix (text, "issuer:"))
    {
      if (!issuer_allowed)
        {
          sc_cli_error ("issuer entries belong on the block list; "
                        "to trust an issuer, use 'trust add-issuer FILE'");
          return FALSE;
        }
      *kind = SC_ENTRY_ISSUER;
      *value = sc_fingerprint_normalize (text + strlen ("issuer:"), &error);
      if (*value == NULL)
        sc_cli_error ("“%s” is not issuer: and a SHA-256 fingerprint (64 hex digits)", text);
    }
  else if (strchr (text, '@') != NULL)
    {
      *kind = SC_ENTRY_USER;
      *value = sc_user_id_is_valid (text) ? sc_user_id_normalize (text) : NULL;
      if (*value == NULL)
        sc_cli_error ("“%s” is not a valid user ID", text);
    }
  else
    {
      *kind = SC_ENTRY_FINGERPRINT;
      *value = sc_fingerprint_normalize (text, &error);
      if (*value == NULL)
        sc_cli_error ("“%s” is neither a SHA-256 fingerprint (64 hex digits, colons allowed) "
                      "nor a user ID", text);
    }

  return *value != NULL;
}

static char *
describe_entry (ScEntryKind  kind,
                const char  *value)
{
  g_autofree char *fingerprint = NULL;

  switch (kind)
    {
    case SC_ENTRY_USER:
      return g_strdup_printf ("user %s", value);
    case SC_ENTRY_ISSUER:
      fingerprint = sc_fingerprint_format (value);
      return g_strdup_printf ("issuer %s", fingerprint);
    case SC_ENTRY_FINGERPRINT:
    default:
      fingerprint = sc_fingerprint_format (value);
      return g_strdup_printf ("certificate %s", fingerprint);
    }
}

/* trust allow, disallow, block and unblock. */
static int
edit_list (const char *profile_dir,
           int         argc,
           char      **argv,
           const char *usage,
           ScListKind  list,
           gboolean    add,
           const char *done)
{
  g_autofree char *note = NULL;
  const GOptionEntry add_entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  const char *list_name = list == SC_LIST_ALLOW ? "allow" : "block";
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *description = NULL;
  ScEntryKind kind;

  if (!sc_cli_parse_options (usage, add ? add_entries : NULL, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  if (!parse_target (argv[1], list == SC_LIST_BLOCK, &kind, &value))
    return SC_EXIT_FAILURE;

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  description = describe_entry (kind, value);

  if (add && !sc_store_add_entry (store, list, kind, value, note, &error))
    return sc_cli_error ("%s", error->message);
  if (!add && !sc_store_remove_entry (store, list, kind, value, &error))
    return sc_cli_error_from (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                              "%s is not on the %s list", description, list_name);

  printf ("%s %s\n", done, description);
  return SC_EXIT_OK;
}

static int
trust_allow (const char *profile_dir,
             int         argc,
             char      **argv)
{
  return edit_list (profile_dir, argc, argv, "trust allow FINGERPRINT|USERID [--note TEXT]",
                    SC_LIST_ALLOW, TRUE, "Allowed");
}

static int
trust_disallow (const char *profile_dir,
                int         argc,
                char      **argv)
{
  return edit_list (profile_dir, argc, argv, "trust disallow FINGERPRINT|USERID",
                    SC_LIST_ALLOW, FALSE, "No longer allowed:");
}

static int
trust_block (const char *profile_dir,
             int         argc,
             char      **argv)
{
  return edit_list (profile_dir, argc, argv,
                    "trust block FINGERPRINT|USERID|issuer:FINGERPRINT [--note TEXT]",
                    SC_LIST_BLOCK, TRUE, "Blocked");
}

static int
trust_unblock (const char *profile_dir,
               int         argc,
               char      **argv)
{
  return edit_list (profile_dir, argc, argv, "trust unblock FINGERPRINT|USERID|issuer:FINGERPRINT",
                    SC_LIST_BLOCK, FALSE, "Unblocked");
}

static int
trust_add_issuer (const char *profile_dir,
                  int         argc,
                  char      **argv)
{
  g_autoptr(ScPeerCertificate) bundle = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status = SC_EXIT_OK;
  const char *path;

  if (!sc_cli_parse_options ("trust add-issuer FILE", NULL, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  path = argv[1];

  bundle = sc_peer_certificate_new_from_file (path, &error);
  if (bundle == NULL)
    return sc_cli_error ("%s", error->message);

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  /* Every certificate of a bundle on its own: one that is not a CA does not
   * keep the others out. */
  for (guint i = 0; i < sc_peer_certificate_get_length (bundle); i++)
    {
      GBytes *der = sc_peer_certificate_get_der (bundle, i);
      g_autoptr(ScPeerCertificate) issuer = NULL;
      g_autofree char *subject = NULL;
      g_autofree char *fingerprint = NULL;
      g_autoptr(GError) add_error = NULL;

      if (!sc_store_add_issuer (store, der, &add_error))
        {
          sc_cli_error ("%s: %s", path, add_error->message);
          status = SC_EXIT_FAILURE;
          continue;
        }

      issuer = sc_peer_certificate_new_from_der (&der, 1, NULL);
      subject = sc_cli_printable (sc_peer_certificate_get_subject_dn (issuer));
      fingerprint = sc_fingerprint_format (sc_peer_certificate_get_fingerprint (issuer));
      printf ("Trusted issuer %s\n  %s\n", subject, fingerprint);
    }

  return status;
}

static int
trust_add_crl (const char *profile_dir,
               int         argc,
               char      **argv)
{
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status = SC_EXIT_OK;
  const char *path;

  if (!sc_cli_parse_options ("trust add-crl FILE", NULL, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  path = argv[1];

  crls = sc_crl_list_from_file (path, &error);
  if (crls == NULL)
    return sc_cli_error ("%s", error->message);

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  for (guint i = 0; i < crls->len; i++)
    {
      GBytes *der = g_ptr_array_index (crls, i);
      g_autoptr(GError) add_error = NULL;
      g_autofree char *issuer_dn = sc_crl_get_issuer_dn (der);
      g_autofree char *issuer = issuer_dn != NULL ? sc_cli_printable (issuer_dn) : NULL;
      g_autofree char *fingerprint = NULL;
      g_autofree char *formatted = NULL;

      if (!sc_store_add_crl (store, der, &add_error))
        {
          sc_cli_error ("%s: CRL of %s: %s", path, issuer != NULL ? issuer : "an unnamed issuer",
                        add_error->message);
          status = SC_EXIT_FAILURE;
          continue;
        }

      fingerprint = sc_fingerprint_of_der (der);
      formatted = sc_fingerprint_format (fingerprint);
      printf ("Added the CRL of %s\n  %s\n", issuer != NULL ? issuer : "an unnamed issuer",
              formatted);
    }

  return status;
}

/* trust remove-issuer and remove-crl. */
static int
remove_by_fingerprint (const char *profile_dir,
                       int         argc,
                       char      **argv,
                       const char *usage,
                       const char *what,
                       gboolean  (*remove) (ScStore     *store,
                                            const char  *fingerprint,
                                            GError     **error))
{
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *formatted = NULL;

  if (!sc_cli_parse_options (usage, NULL, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;

  fingerprint = sc_fingerprint_normalize (argv[1], &error);
  if (fingerprint == NULL)
    return sc_cli_error ("“%s” is not a SHA-256 fingerprint (64 hex digits)", argv[1]);
  formatted = sc_fingerprint_format (fingerprint);

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  if (!remove (store, fingerprint, &error))
    return sc_cli_error_from (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                              "there is no %s with fingerprint %s", what, formatted);

  printf ("Removed the %s %s\n", what, formatted);
  return SC_EXIT_OK;
}

static int
trust_remove_issuer (const char *profile_dir,
                     int         argc,
                     char      **argv)
{
  return remove_by_fingerprint (profile_dir, argc, argv, "trust remove-issuer FINGERPRINT",
                                "trusted issuer", sc_store_remove_issuer);
}

static int
trust_remove_crl (const char *profile_dir,
                  int         argc,
                  char      **argv)
{
  return remove_by_fingerprint (profile_dir, argc, argv, "trust remove-crl FINGERPRINT",
                                "CRL", sc_store_remove_crl);
}

static int
trust_policy (const char *profile_dir,
              int         argc,
              char      **argv)
{
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScPolicy policy;

  if (!sc_cli_parse_options ("trust policy [ask|reject]", NULL, 0, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  if (argc == 2 && !sc_policy_from_string (argv[1], &policy))
    return sc_cli_usage_error ("the policy is “ask” or “reject”, not “%s”", argv[1]);

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  if (argc == 2)
    {
      if (!sc_store_set_policy (store, policy, &error))
        return sc_cli_error ("%s", error->message);
    }
  else
    {
      policy = sc_store_get_policy (store, &error);
      if (error != NULL)
        return sc_cli_error ("%s", error->message);
    }

  printf ("%s\n", sc_policy_to_string (policy));
  return SC_EXIT_OK;
}

static void
json_add_entries (JsonBuilder *builder,
                  const char  *name,
                  GPtrArray   *entries)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      ScListEntry *entry = entries->pdata[i];

      json_builder_begin_object (builder);
      sc_cli_json_add_string (builder, "kind", sc_entry_kind_to_string (entry->kind));
      sc_cli_json_add_string (builder, "value", entry->value);
      sc_cli_json_add_string (builder, "note", entry->note);
      sc_cli_json_add_int (builder, "added", entry->added);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* "TITLE:" after an empty line, and "none" under it when there are no items. */
static void
print_section (const char *title,
               guint       n_items)
{
  printf ("\n%s:\n", title);
  if (n_items == 0)
    printf ("  none\n");
}

static void
print_entries (const char *title,
               GPtrArray  *entries)
{
  print_section (title, entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      ScListEntry *entry = entries->pdata[i];
      g_autofree char *description = describe_entry (entry->kind, entry->value);
      g_autofree char *note = sc_cli_printable (entry->note);

      printf ("  %s%s%s%s\n", description,
              entry->note != NULL ? " (" : "", note, entry->note != NULL ? ")" : "");
    }
}

static int
trust_list (const char *profile_dir,
            int         argc,
            char      **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issuers = NULL;
  g_autoptr(GPtrArray) crls = NULL;
  g_autoptr(GPtrArray) allow = NULL;
  g_autoptr(GPtrArray) block = NULL;
  ScPolicy policy;

  if (!sc_cli_parse_options ("trust list [--json]", entries, 0, 0, &argc, &argv))
    return SC_EXIT_USAGE;

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  policy = sc_store_get_policy (store, &error);
  if (error == NULL)
    issuers = sc_store_list_issuers (store, &error);
  if (error == NULL)
    crls = sc_store_list_crls (store, &error);
  if (error == NULL)
    allow = sc_store_list_entries (store, SC_LIST_ALLOW, &error);
  if (error == NULL)
    block = sc_store_list_entries (store, SC_LIST_BLOCK, &error);
  if (error != NULL)
    return sc_cli_error ("%s", error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      sc_cli_json_add_string (builder, "policy", sc_policy_to_string (policy));

      json_builder_set_member_name (builder, "issuers");
      json_builder_begin_array (builder);
      for (guint i = 0; i < issuers->len; i++)
        {
          ScIssuerEntry *issuer = issuers->pdata[i];

          json_builder_begin_object (builder);
          sc_cli_json_add_string (builder, "fingerprint", issuer->fingerprint);
          sc_cli_json_add_string (builder, "subject", issuer->subject);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "crls");
      json_builder_begin_array (builder);
      for (guint i = 0; i < crls->len; i++)
        {
          ScCrlEntry *crl = crls->pdata[i];

          json_builder_begin_object (builder);
          sc_cli_json_add_string (builder, "fingerprint", crl->fingerprint);
          sc_cli_json_add_string (builder, "issuer", crl->issuer);
          sc_cli_json_add_int (builder, "this_update", crl->this_update);
          json_builder_set_member_name (builder, "next_update");
          if (crl->next_update != 0)
            json_builder_add_int_value (builder, crl->next_update);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_add_entries (builder, "allow", allow);
      json_add_entries (builder, "block", block);
      json_builder_end_object (builder);

      sc_cli_print_json (builder);
      return SC_EXIT_OK;
    }

  printf ("Strangers: %s\n", policy == SC_POLICY_ASK ? "may ask to be added (policy ask)"
                                                      : "are refused (policy reject)");

  print_section ("Trusted issuers", issuers->len);
  for (guint i = 0; i < issuers->len; i++)
    {
      ScIssuerEntry *issuer = issuers->pdata[i];
      g_autofree char *subject = sc_cli_printable (issuer->subject);
      g_autofree char *fingerprint = sc_fingerprint_format (issuer->fingerprint);

      printf ("  %s\n    %s\n", subject, fingerprint);
    }

  print_section ("CRLs", crls->len);
  for (guint i = 0; i < crls->len; i++)
    {
      ScCrlEntry *crl = crls->pdata[i];
      g_autofree char *issuer = sc_cli_printable (crl->issuer);
      g_autofree char *fingerprint = sc_fingerprint_format (crl->fingerprint);
      g_autofree char *this_update = sc_cli_format_time (crl->this_update);
      g_autofree char *next_update = NULL;

      if (crl->next_update != 0)
        next_update = sc_cli_format_time (crl->next_update);
      printf ("  %s, issued %s, next %s\n    %s\n", issuer, this_update,
              next_update != NULL ? next_update : "not announced", fingerprint);
    }

  print_entries ("Allowed", allow);
  print_entries ("Blocked", block);

  return SC_EXIT_OK;
}

static char *
format_iso8601_usec (gint64 time_us)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = NULL;

  if (seconds == NULL)
    return NULL;

  time = g_date_time_add (seconds, time_us % G_USEC_PER_SEC);
  return g_date_time_format_iso8601 (time);
}

static int
trust_knocks (const char *profile_dir,
              int         argc,
              char      **argv)
{
  gboolean json = FALSE;
  int limit = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) knocks = NULL;

  if (!sc_cli_parse_options ("trust knocks [--json] [--limit N]", entries, 0, 0, &argc, &argv))
    return SC_EXIT_USAGE;
  if (limit < 0)
    return sc_cli_usage_error ("--limit must not be negative");

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  knocks = sc_store_list_knocks (store, limit, &error);
  if (knocks == NULL)
    return sc_cli_error ("%s", error->message);

  if (!json && knocks->len == 0)
    printf ("Nobody has knocked yet.\n");

  for (guint i = 0; i < knocks->len; i++)
    {
      ScKnock *knock = knocks->pdata[i];
      const char *direction = knock->incoming ? "incoming" : "outgoing";
      g_autofree char *time = format_iso8601_usec (knock->time);

      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          sc_cli_json_add_int (builder, "time_us", knock->time);
          sc_cli_json_add_string (builder, "time", time);
          sc_cli_json_add_knock (builder, knock);
          json_builder_end_object (builder);

          sc_cli_print_json (builder);
        }
      else
        {
          g_autofree char *when = sc_cli_format_time (knock->time / G_USEC_PER_SEC);
          g_autofree char *who = describe_person (knock->name, knock->user_id,
                                                  knock->fingerprint);
          g_autofree char *verdict = g_strdup_printf ("%s (%s)",
                                                      sc_verdict_to_string (knock->verdict),
                                                      knock->reason);

          printf ("%s%s, %s\n", i > 0 ? "\n" : "", when, direction);
          sc_cli_print_field ("Who", who);
          sc_cli_print_field ("Address", knock->address);
          sc_cli_print_field ("Verdict", verdict);
          sc_cli_print_field ("Detail", knock->detail);
        }
    }

  return SC_EXIT_OK;
}

int
sc_cli_trust (const char *profile_dir,
              int         argc,
              char      **argv)
{
  static const ScCliCommand subcommands[] = {
    { "add-issuer", trust_add_issuer },
    { "remove-issuer", trust_remove_issuer },
    { "add-crl", trust_add_crl },
    { "remove-crl", trust_remove_crl },
    { "allow", trust_allow },
    { "disallow", trust_disallow },
    { "block", trust_block },
    { "unblock", trust_unblock },
    { "policy", trust_policy },
    { "list", trust_list },
    { "knocks", trust_knocks },
  };

  return sc_cli_dispatch ("trust", subcommands, G_N_ELEMENTS (subcommands),
                          profile_dir, argc, argv);
}

/* cert verify: an error is no verdict, so it exits SC_EXIT_USAGE, never
 * SC_EXIT_FAILURE (which means reject); with --json it is {"error": …}. */
static int
verify_error (gboolean    json,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static int
verify_error (gboolean    json,
              const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      sc_cli_json_add_string (builder, "error", message);
      json_builder_end_object (builder);
      sc_cli_print_json (builder);
    }
  else
    {
      fprintf (stderr, "sixchat-cli: %s\n", message);
    }

  return SC_EXIT_USAGE;
}

static int
cert_verify (const char *profile_dir,
             int         argc,
             char      **argv)
{
  g_autofree char *at_text = NULL;
  g_autofree char *purpose_text = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, NULL, NULL },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose_text, NULL, NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScPeerCertificate) chain = NULL;
  g_autoptr(ScStore) store = NULL;
  g_autoptr(ScTrustSettings) settings = NULL;
  g_autoptr(ScTrustPolicy) policy = NULL;
  g_autoptr(ScTrustDecision) decision = NULL;
  g_autoptr(GError) error = NULL;
  ScPurpose purpose = SC_PURPOSE_CLIENT;
  gint64 at = -1;
  const char *path;

  if (!sc_cli_parse_options ("cert verify FILE [--at UNIXTIME] [--purpose client|server] [--json]",
                             entries, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  path = argv[1];

  if (at_text != NULL && !g_ascii_string_to_signed (at_text, 10, 0, G_MAXINT64, &at, NULL))
    return sc_cli_usage_error ("--at takes a time in UNIX seconds, not “%s”", at_text);
  if (g_strcmp0 (purpose_text, "server") == 0)
    purpose = SC_PURPOSE_SERVER;
  else if (purpose_text != NULL && !g_str_equal (purpose_text, "client"))
    return sc_cli_usage_error ("--purpose is “client” or “server”, not “%s”", purpose_text);

  chain = sc_peer_certificate_new_from_file (path, &error);
  if (chain == NULL)
    return verify_error (json, "%s", error->message);

  store = sc_profile_open_store (profile_dir, &error);
  if (store != NULL)
    settings = sc_store_load_trust_settings (store, &error);
  if (settings != NULL)
    policy = sc_trust_policy_new (settings, &error);
  if (policy == NULL)
    return verify_error (json, "%s", error->message);

  decision = sc_trust_policy_decide (policy, chain, at, purpose);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      sc_cli_json_add_string (builder, "verdict", sc_verdict_to_string (decision->verdict));
      sc_cli_json_add_string (builder, "reason", sc_reason_to_string (decision->reason));
      sc_cli_json_add_string (builder, "detail", decision->detail);
      json_builder_set_member_name (builder, "verified");
      json_builder_add_boolean_value (builder, decision->verified);
      sc_cli_json_add_string (builder, "user", sc_peer_certificate_get_user_id (chain));
      sc_cli_json_add_string (builder, "name", sc_peer_certificate_get_name (chain));
      sc_cli_json_add_string (builder, "fingerprint", sc_peer_certificate_get_fingerprint (chain));
      sc_cli_json_add_string (builder, "issuer", decision->verified ? decision->issuer_name : NULL);
      sc_cli_json_add_int (builder, "not_before", sc_peer_certificate_get_not_before (chain));
      sc_cli_json_add_int (builder, "not_after", sc_peer_certificate_get_not_after (chain));
      json_builder_end_object (builder);

      sc_cli_print_json (builder);
    }
  else
    {
      g_autofree char *verdict = g_strdup_printf ("%s (%s)",
                                                  sc_verdict_to_string (decision->verdict),
                                                  sc_reason_to_string (decision->reason));

      sc_cli_print_field ("Verdict", verdict);
      sc_cli_print_field ("Detail", decision->detail);
      sc_cli_print_certificate (chain);
      sc_cli_print_field ("Issuer", decision->verified ? decision->issuer_name
                                                       : sc_peer_certificate_get_issuer_name (chain));
      sc_cli_print_field ("Verified", decision->verified ? "yes, by a trusted issuer" : "no");
    }

  switch (decision->verdict)
    {
    case SC_VERDICT_ALLOW:
      return SC_EXIT_OK;
    case SC_VERDICT_ASK:
      return SC_EXIT_ASK;
    case SC_VERDICT_REJECT:
    default:
      return SC_EXIT_FAILURE;
    }
}

int
sc_cli_cert (const char *profile_dir,
             int         argc,
             char      **argv)
{
  static const ScCliCommand subcommands[] = {
    { "verify", cert_verify },
  };

  return sc_cli_dispatch ("cert", subcommands, G_N_ELEMENTS (subcommands),
                          profile_dir, argc, argv);
}

static int
requests_list (const char *profile_dir,
               int         argc,
               char      **argv)
{
  gboolean json = FALSE;
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;

  if (!sc_cli_parse_options ("requests [--json] [--all]", entries, 0, 0, &argc, &argv))
    return SC_EXIT_USAGE;

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  requests = sc_store_list_requests (store, all, &error);
  if (requests == NULL)
    return sc_cli_error ("%s", error->message);

  if (!json && requests->len == 0)
    printf (all ? "No contact requests.\n" : "No pending contact requests.\n");

  for (guint i = 0; i < requests->len; i++)
    {
      ScRequest *request = requests->pdata[i];
      const char *state = sc_request_state_to_string (request->state);

      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          sc_cli_json_add_int (builder, "id", request->id);
          sc_cli_json_add_string (builder, "user", request->user_id);
          sc_cli_json_add_string (builder, "name", request->name);
          sc_cli_json_add_string (builder, "fingerprint", request->fingerprint);
          sc_cli_json_add_string (builder, "greeting", request->greeting);
          sc_cli_json_add_string (builder, "address", request->address);
          sc_cli_json_add_int (builder, "first_seen", request->first_seen);
          sc_cli_json_add_int (builder, "last_seen", request->last_seen);
          sc_cli_json_add_int (builder, "attempts", request->attempts);
          sc_cli_json_add_string (builder, "state", state);
          json_builder_end_object (builder);

          sc_cli_print_json (builder);
        }
      else
        {
          g_autofree char *fingerprint = sc_fingerprint_format (request->fingerprint);
          g_autofree char *first_seen = sc_cli_format_time (request->first_seen);
          g_autofree char *last_seen = sc_cli_format_time (request->last_seen);
          g_autofree char *seen = g_strdup_printf ("%u time%s, first %s, last %s",
                                                   request->attempts,
                                                   request->attempts == 1 ? "" : "s",
                                                   first_seen, last_seen);

          printf ("%sRequest %" G_GINT64_FORMAT " (%s)\n", i > 0 ? "\n" : "", request->id, state);
          sc_cli_print_field ("User ID", request->user_id);
          sc_cli_print_field ("Name", request->name);
          sc_cli_print_field ("Fingerprint", fingerprint);
          sc_cli_print_field ("Address", request->address);
          sc_cli_print_field ("Seen", seen);
          if (request->greeting != NULL)
            sc_cli_print_field ("Greeting", request->greeting);
        }
    }

  return SC_EXIT_OK;
}

/* requests accept, decline, undo and block. */
static int
decide_request (const char     *profile_dir,
                int             argc,
                char          **argv,
                const char     *usage,
                ScRequestState  state,
                const char     *done)
{
  g_autoptr(ScStore) store = NULL;
  g_autoptr(ScRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *who = NULL;
  g_autofree char *printable = NULL;
  gint64 id;

  if (!sc_cli_parse_options (usage, NULL, 1, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  if (!g_ascii_string_to_signed (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    return sc_cli_usage_error ("“%s” is not a request ID (see 'sixchat-cli requests')", argv[1]);

  store = open_store (profile_dir);
  if (store == NULL)
    return SC_EXIT_FAILURE;

  request = sc_store_get_request (store, id, &error);
  if (request == NULL)
    return sc_cli_error_from (error, SC_STORE_ERROR, SC_STORE_ERROR_NOT_FOUND,
                              "there is no contact request %" G_GINT64_FORMAT, id);

  if (state == SC_REQUEST_PENDING && request->state != SC_REQUEST_DECLINED)
    return sc_cli_error ("contact request %" G_GINT64_FORMAT " is %s; only a declined one "
                         "can be undone", id, sc_request_state_to_string (request->state));

  if (!sc_store_set_request_state (store, id, state, &error))
    return sc_cli_error ("%s", error->message);

  who = describe_person (request->name, request->user_id, request->fingerprint);
  printable = sc_cli_printable (who);
  printf ("%s the contact request of %s\n", done, printable);

  return SC_EXIT_OK;
}

static int
requests_accept (const char *profile_dir,
                 int         argc,
                 char      **argv)
{
  return decide_request (profile_dir, argc, argv, "requests accept ID",
                         SC_REQUEST_ACCEPTED, "Accepted");
}

static int
requests_decline (const char *profile_dir,
                  int         argc,
                  char      **argv)
{
  return decide_request (profile_dir, argc, argv, "requests decline ID",
                         SC_REQUEST_DECLINED, "Declined");
}

static int
requests_undo (const char *profile_dir,
               int         argc,
               char      **argv)
{
  return decide_request (profile_dir, argc, argv, "requests undo ID",
                         SC_REQUEST_PENDING, "Reopened");
}

static int
requests_block (const char *profile_dir,
                int         argc,
                char      **argv)
{
  return decide_request (profile_dir, argc, argv, "requests block ID",
                         SC_REQUEST_BLOCKED, "Blocked");
}

int
sc_cli_requests (const char *profile_dir,
                 int         argc,
                 char      **argv)
{
  static const ScCliCommand actions[] = {
    { "accept", requests_accept },
    { "decline", requests_decline },
    { "undo", requests_undo },
    { "block", requests_block },
  };

  if (argc < 2 || argv[1][0] == '-')
    return requests_list (profile_dir, argc, argv);

  return sc_cli_dispatch ("requests", actions, G_N_ELEMENTS (actions), profile_dir, argc, argv);
}
