/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-trust-settings.h"

static GHashTable *
new_string_set (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

ScTrustSettings *
sc_trust_settings_new (void)
{
  ScTrustSettings *settings = g_new0 (ScTrustSettings, 1);

  settings->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  settings->crls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  settings->allow_fingerprints = new_string_set ();
  settings->allow_users = new_string_set ();
  settings->block_fingerprints = new_string_set ();
  settings->block_users = new_string_set ();
  settings->block_issuers = new_string_set ();
  settings->policy = SC_POLICY_ASK;

  return settings;
}

void
sc_trust_settings_free (ScTrustSettings *settings)
{
  if (settings == NULL)
    return;

  g_clear_pointer (&settings->anchors, g_ptr_array_unref);
  g_clear_pointer (&settings->crls, g_ptr_array_unref);
  g_clear_pointer (&settings->allow_fingerprints, g_hash_table_unref);
  g_clear_pointer (&settings->allow_users, g_hash_table_unref);
  g_clear_pointer (&settings->block_fingerprints, g_hash_table_unref);
  g_clear_pointer (&settings->block_users, g_hash_table_unref);
  g_clear_pointer (&settings->block_issuers, g_hash_table_unref);
  g_free (settings);
}

const char *
sc_policy_to_string (ScPolicy policy)
{
  return policy == SC_POLICY_REJECT ? "reject" : "ask";
}

gboolean
sc_policy_from_string (const char *text,
                       ScPolicy   *policy)
{
  g_return_val_if_fail (policy != NULL, FALSE);

  if (g_strcmp0 (text, "ask") == 0)
    *policy = SC_POLICY_ASK;
  else if (g_strcmp0 (text, "reject") == 0)
    *policy = SC_POLICY_REJECT;
  else
    return FALSE;

  return TRUE;
}
