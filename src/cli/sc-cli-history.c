/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sc-cli-private.h"
#include "sc-message.h"
#include "sc-peer-certificate.h"
#include "sc-profile.h"
#include "sc-store.h"

#define HISTORY_USAGE "history [USERID] [--json] [--limit N] [--search TEXT]"

/* UNIX milliseconds as ISO 8601 in UTC with milliseconds, or NULL for 0. */
static char *
format_iso8601_ms (gint64 time_ms)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *seconds = NULL;

  if (time_ms == 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (time_ms / 1000);
  if (time == NULL)
    return NULL;

  seconds = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", seconds, (int) (time_ms % 1000));
}

static void
print_message_json (const ScMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *time = format_iso8601_ms (message->time);
  g_autofree char *received = format_iso8601_ms (message->received);

  json_builder_begin_object (builder);
  sc_cli_json_add_int (builder, "seq", message->seq);
  sc_cli_json_add_string (builder, "id", message->id);
  sc_cli_json_add_string (builder, "peer", message->peer);
  sc_cli_json_add_string (builder, "fingerprint", message->fingerprint);
  sc_cli_json_add_string (builder, "direction", message->outgoing ? "outgoing" : "incoming");
  sc_cli_json_add_int (builder, "time_ms", message->time);
  sc_cli_json_add_string (builder, "time", time);
  sc_cli_json_add_int (builder, "received_ms", message->received);
  sc_cli_json_add_string (builder, "received", received);
  sc_cli_json_add_string (builder, "state", sc_message_state_to_string (message->state));
  sc_cli_json_add_string (builder, "error", message->error);
  sc_cli_json_add_string (builder, "body", message->body);
  json_builder_end_object (builder);

  sc_cli_print_json (builder);
}

/* "2026-11-23 15:50:01 → delivered  body", the body's further lines
 * indented under its first; with_peer adds the peer after the arrow. */
static void
print_message_text (const ScMessage *message,
                    gboolean         with_peer)
{
  g_autofree char *when = sc_cli_format_time (message->time / 1000);
  g_autofree char *peer = with_peer ? g_strdup_printf (" %s", message->peer) : g_strdup ("");
  g_autoptr(GString) state = g_string_new (NULL);  /* ours: " delivered", … */
  g_auto(GStrv) lines = g_strsplit (message->body, "\n", -1);

  if (message->outgoing)
    {
      g_string_append_printf (state, " %s", sc_message_state_to_string (message->state));
      if (message->error != NULL)
        {
          g_autofree char *error = sc_cli_printable (message->error);

          g_string_append_printf (state, " (%s)", error);
        }
    }

  printf ("%s %s%s%s\n", when, message->outgoing ? "→" : "←", peer, state->str);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = sc_cli_printable (lines[i]);

      printf ("    %s\n", line);
    }
}

static void
print_message (const ScMessage *message,
               gboolean         json,
               gboolean         with_peer)
{
  if (json)
    print_message_json (message);
  else
    print_message_text (message, with_peer);
}

static int
list_conversations (ScStore  *store,
                    gboolean  json,
                    int       limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversations = sc_store_list_conversations (store, &error);

  if (conversations == NULL)
    return sc_cli_error ("%s", error->message);

  if (!json && conversations->len == 0)
    printf ("No messages yet.\n");

  for (guint i = 0; i < conversations->len && (limit == 0 || i < (guint) limit); i++)
    {
      ScMessage *newest = conversations->pdata[i];
      g_autoptr(GArray) seqs = sc_store_list_message_seqs (store, newest->peer, &error);

      if (seqs == NULL)
        return sc_cli_error ("%s", error->message);

      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autofree char *time = format_iso8601_ms (newest->time);

          json_builder_begin_object (builder);
          sc_cli_json_add_string (builder, "peer", newest->peer);
          sc_cli_json_add_int (builder, "messages", seqs->len);
          sc_cli_json_add_int (builder, "newest_seq", newest->seq);
          sc_cli_json_add_int (builder, "newest_time_ms", newest->time);
          sc_cli_json_add_string (builder, "newest_time", time);
          json_builder_end_object (builder);
          sc_cli_print_json (builder);
        }
      else
        {
          g_autofree char *when = sc_cli_format_time (newest->time / 1000);

          printf ("%s  %u message%s, newest %s\n", newest->peer, seqs->len,
                  seqs->len == 1 ? "" : "s", when);
        }
    }

  return SC_EXIT_OK;
}

static int
show_conversation (ScStore    *store,
                   const char *peer,
                   gboolean    json,
                   int         limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) seqs = sc_store_list_message_seqs (store, peer, &error);
  g_autoptr(GPtrArray) messages = NULL;
  guint first;

  if (seqs == NULL)
    return sc_cli_error ("%s", error->message);

  if (seqs->len == 0)
    {
      if (!json)
        printf ("No messages with %s.\n", peer);
      return SC_EXIT_OK;
    }

  first = limit > 0 && (guint) limit < seqs->len ? seqs->len - limit : 0;
  messages = sc_store_list_messages (store, peer,
                                     g_array_index (seqs, gint64, first),
                                     g_array_index (seqs, gint64, seqs->len - 1),
                                     &error);
  if (messages == NULL)
    return sc_cli_error ("%s", error->message);

  for (guint i = 0; i < messages->len; i++)
    print_message (messages->pdata[i], json, FALSE);

  return SC_EXIT_OK;
}

static int
search (ScStore    *store,
        const char *text,
        gboolean    json,
        int         limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = sc_store_search_messages (store, text, limit, &error);

  if (found == NULL)
    return sc_cli_error_from (error, SC_STORE_ERROR, SC_STORE_ERROR_INVALID,
                              "nothing to search for in “%s”", text);

  if (!json && found->len == 0)
    printf ("No message matches.\n");

  for (guint i = 0; i < found->len; i++)
    print_message (found->pdata[i], json, TRUE);

  return SC_EXIT_OK;
}

int
sc_cli_history (const char *profile_dir,
                int         argc,
                char      **argv)
{
  gboolean json = FALSE;
  int limit = 0;
  g_autofree char *text = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, NULL, NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &text, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(ScStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;

  if (!sc_cli_parse_options (HISTORY_USAGE, entries, 0, 1, &argc, &argv))
    return SC_EXIT_USAGE;
  if (limit < 0)
    return sc_cli_usage_error ("--limit must not be negative");
  if (text != NULL && argc > 1)
    return sc_cli_usage_error ("--search searches every conversation (usage: sixchat-cli "
                               HISTORY_USAGE ")");
  if (argc > 1)
    {
      if (!sc_user_id_is_valid (argv[1]))
        return sc_cli_usage_error ("“%s” is not a user ID", argv[1]);
      peer = sc_user_id_normalize (argv[1]);
    }

  store = sc_profile_open_store (profile_dir, &error);
  if (store == NULL)
    return sc_cli_error ("%s", error->message);

  if (text != NULL)
    return search (store, text, json, limit);
  if (peer != NULL)
    return show_conversation (store, peer, json, limit);

  return list_conversations (store, json, limit);
}
