/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-profile.h"
#include "sc-store-private.h"
#include "sc-test-agent.h"
#include "sc-test-util.h"

static void
on_message_added (ScMessenger *messenger,
                  ScMessage   *message,
                  ScTestPeer  *peer)
{
  if (!message->outgoing)
    g_ptr_array_add (peer->messages, g_strdup (message->body));
}

static void
on_message_changed (ScMessenger *messenger,
                    ScMessage   *message,
                    ScTestPeer  *peer)
{
  if (message->state == SC_MESSAGE_DELIVERED)
    g_ptr_array_add (peer->delivered, g_strdup (message->id));
}

static void
on_store_failed (ScMessenger *messenger,
                 const char  *text,
                 ScTestPeer  *peer)
{
  g_test_message ("store failed: %s", text);
  g_ptr_array_add (peer->failures, g_strdup (text));
}

static void
on_incoming (ScUserAgent *agent,
             ScSession   *session,
             ScTestPeer  *peer)
{
  g_ptr_array_add (peer->incoming, g_object_ref (session));
}

static void
on_knock (ScUserAgent   *agent,
          const ScKnock *knock,
          ScTestPeer    *peer)
{
  g_test_message ("knock: %s %s (%s)", sc_verdict_to_string (knock->verdict),
                  knock->reason, knock->detail);
  g_ptr_array_add (peer->knocks, g_strdup_printf ("%s %s", sc_verdict_to_string (knock->verdict),
                                                  knock->reason));
}

ScTestPeer *
sc_test_peer_new_for_profile (const char *profile_dir)
{
  g_autoptr(GError) error = NULL;
  ScTestPeer *peer = g_new0 (ScTestPeer, 1);

  peer->profile_dir = g_strdup (profile_dir);
  peer->identity = sc_identity_load (profile_dir, &error);
  g_assert_no_error (error);
  peer->store = sc_profile_open_store (profile_dir, &error);
  g_assert_no_error (error);
  peer->agent = sc_user_agent_new (peer->identity, peer->store, &error);
  g_assert_no_error (error);
  peer->messages = g_ptr_array_new_with_free_func (g_free);
  peer->delivered = g_ptr_array_new_with_free_func (g_free);
  peer->failures = g_ptr_array_new_with_free_func (g_free);
  peer->knocks = g_ptr_array_new_with_free_func (g_free);
  peer->incoming = g_ptr_array_new_with_free_func (g_object_unref);

  g_signal_connect (sc_user_agent_get_messenger (peer->agent), "message-added",
                    G_CALLBACK (on_message_added), peer);
  g_signal_connect (sc_user_agent_get_messenger (peer->agent), "message-changed",
                    G_CALLBACK (on_message_changed), peer);
  g_signal_connect (sc_user_agent_get_messenger (peer->agent), "store-failed",
                    G_CALLBACK (on_store_failed), peer);
  g_signal_connect (peer->agent, "incoming-session", G_CALLBACK (on_incoming), peer);
  g_signal_connect (peer->agent, "knock", G_CALLBACK (on_knock), peer);

  return peer;
}

ScTestPeer *
sc_test_peer_new (const char *parent_dir,
                  const char *name,
                  const char *user_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (parent_dir, name, NULL);
  g_autoptr(ScIdentity) identity = sc_identity_create (dir, name, user_id, SC_IDENTITY_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return sc_test_peer_new_for_profile (dir);
}

void
sc_test_peer_free (ScTestPeer *peer)
{
  if (peer == NULL)
    return;

  sc_user_agent_shutdown (peer->agent);
  if (!sc_test_wait_idle (peer->agent, 10))
    g_error ("%s: %u session threads still run, %u sessions listed",
             sc_identity_get_user_id (peer->identity), sc_user_agent_get_n_running (peer->agent),
             g_list_model_get_n_items (sc_user_agent_get_sessions (peer->agent)));
  /* Deliver the sessions' last events so every object is released. */
  sc_test_spin (10);

  g_ptr_array_unref (peer->incoming);
  g_assert_finalize_object (peer->agent);
  g_clear_object (&peer->identity);
  g_clear_object (&peer->store);
  g_ptr_array_unref (peer->messages);
  g_ptr_array_unref (peer->delivered);
  g_ptr_array_unref (peer->failures);
  g_ptr_array_unref (peer->knocks);
  g_free (peer->profile_dir);
  g_free (peer);
}

char *
sc_test_peer_listen (ScTestPeer *peer,
                     const char *address)
{
  g_autoptr(GError) error = NULL;

  sc_user_agent_set_listen_address (peer->agent, address);
  sc_user_agent_set_port (peer->agent, 0);
  sc_user_agent_listen (peer->agent, &error);
  g_assert_no_error (error);

  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", address, sc_user_agent_get_port (peer->agent));
  return g_strdup_printf ("%s:%u", address, sc_user_agent_get_port (peer->agent));
}

void
sc_test_peer_pin (ScTestPeer *peer,
                  ScTestPeer *other)
{
  g_autoptr(GError) error = NULL;

  sc_store_add_entry (peer->store, SC_LIST_ALLOW, SC_ENTRY_FINGERPRINT,
                      sc_identity_get_fingerprint (other->identity), NULL, &error);
  g_assert_no_error (error);
}

ScSession *
sc_test_peer_dial (ScTestPeer *peer,
                   ScTestPeer *callee,
                   const char *address)
{
  g_autoptr(GError) error = NULL;
  ScSession *session = sc_user_agent_connect (peer->agent, sc_identity_get_user_id (callee->identity),
                                              address, NULL, &error);

  g_assert_no_error (error);
  return session;
}

static gboolean
on_wait_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gconstpointer data, gconstpointer arg);

static gboolean
spin_until (Condition     condition,
            gconstpointer data,
            gconstpointer arg,
            guint         timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_wait_timeout, &timed_out);

  while (!condition (data, arg) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return condition (data, arg);
}

static gboolean
state_reached (gconstpointer data,
               gconstpointer arg)
{
  return (int) sc_session_get_state ((ScSession *) data) >= GPOINTER_TO_INT (arg);
}

gboolean
sc_test_wait_state (ScSession      *session,
                    ScSessionState  state,
                    guint           timeout_s)
{
  spin_until (state_reached, session, GINT_TO_POINTER (state), timeout_s * 1000);
  return sc_session_get_state (session) == state;
}

static gboolean
len_reached (gconstpointer data,
             gconstpointer arg)
{
  return ((GPtrArray *) data)->len >= GPOINTER_TO_UINT (arg);
}

gboolean
sc_test_wait_len (GPtrArray *array,
                  guint      n,
                  guint      timeout_s)
{
  return spin_until (len_reached, array, GUINT_TO_POINTER (n), timeout_s * 1000);
}

static gboolean
agent_idle (gconstpointer data,
            gconstpointer arg)
{
  ScUserAgent *agent = (ScUserAgent *) data;

  /* A thread stops counting after it posted its closed event; the session
   * leaves the list only when that event reaches this context. */
  return sc_user_agent_get_n_running (agent) == 0
         && g_list_model_get_n_items (sc_user_agent_get_sessions (agent)) == 0;
}

static gboolean
keep_polling (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
sc_test_wait_idle (ScUserAgent *agent,
                   guint        timeout_s)
{
  /* A thread stops counting without waking the main context: poll. */
  guint id = g_timeout_add (10, keep_polling, NULL);
  gboolean idle = spin_until (agent_idle, agent, NULL, timeout_s * 1000);

  g_source_remove (id);
  return idle;
}

static gboolean
never (gconstpointer data,
       gconstpointer arg)
{
  return FALSE;
}

void
sc_test_spin (guint ms)
{
  spin_until (never, NULL, NULL, ms);
}

typedef struct
{
  gboolean   done;
  ScMessage *message;
  GError    *error;
} SendResult;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendResult *sent = user_data;

  sent->message = sc_messenger_send_finish (SC_MESSENGER (source), result, &sent->error);
  sent->done = TRUE;
}

char *
sc_test_peer_send (ScTestPeer  *peer,
                   const char  *user_id,
                   const char  *body,
                   GError     **error)
{
  SendResult sent = { 0 };
  char *id;

  sc_messenger_send_async (sc_user_agent_get_messenger (peer->agent),
                           user_id, body, NULL, on_sent, &sent);
  g_assert_true (sc_test_wait_for (&sent.done, 30));

  if (sent.message == NULL)
    {
      g_propagate_error (error, sent.error);
      return NULL;
    }

  g_assert_cmpint (sent.message->state, ==, SC_MESSAGE_PENDING);
  id = g_strdup (sent.message->id);
  sc_message_unref (sent.message);
  return id;
}

void
sc_test_store_set_max_pages (ScStore *store,
                             gint64   pages)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  if (pages == 0)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (store->db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      pages = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }

  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  g_assert_cmpint (sqlite3_exec (store->db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
}
