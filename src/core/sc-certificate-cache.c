/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-certificate-cache.h"

struct _ScCertificateCache
{
  GMutex      lock;
  GHashTable *entries;      /* GBytes key → Entry* */
  GQueue      order;        /* Entry*, least recently used first */
  guint       max_entries;
};

typedef struct
{
  GList              link;
  GBytes            *key;
  ScPeerCertificate *certificate;
} Entry;

static void
entry_free (Entry *entry)
{
  g_bytes_unref (entry->key);
  g_object_unref (entry->certificate);
  g_free (entry);
}

/* Each certificate's length, then its bytes: two chains share a key only
 * when they are the same certificates in the same order. */
static GBytes *
chain_key (GBytes * const *ders,
           guint           n_ders)
{
  GByteArray *key = g_byte_array_new ();

  for (guint i = 0; i < n_ders; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (ders[i], &size);
      guint8 length[8];

      for (guint b = 0; b < sizeof length; b++)
        length[b] = (guint8) ((guint64) size >> (8 * b));
      g_byte_array_append (key, length, sizeof length);
      g_byte_array_append (key, data, (guint) size);
    }

  return g_byte_array_free_to_bytes (key);
}

ScCertificateCache *
sc_certificate_cache_new (guint max_entries)
{
  ScCertificateCache *cache;

  g_return_val_if_fail (max_entries > 0, NULL);

  cache = g_new0 (ScCertificateCache, 1);
  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, NULL,
                                          (GDestroyNotify) entry_free);
  cache->max_entries = max_entries;

  return cache;
}

void
sc_certificate_cache_free (ScCertificateCache *cache)
{
  if (cache == NULL)
    return;

  g_hash_table_unref (cache->entries);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

ScPeerCertificate *
sc_certificate_cache_lookup (ScCertificateCache  *cache,
                             GBytes * const      *ders,
                             guint                n_ders,
                             GError             **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(ScPeerCertificate) certificate = NULL;
  Entry *entry;

  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (ders != NULL || n_ders == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_ders == 0)
    return sc_peer_certificate_new_from_der (ders, n_ders, error);

  key = chain_key (ders, n_ders);

  g_mutex_lock (&cache->lock);
  entry = g_hash_table_lookup (cache->entries, key);
  if (entry != NULL)
    {
      g_queue_unlink (&cache->order, &entry->link);
      g_queue_push_tail_link (&cache->order, &entry->link);
      certificate = g_object_ref (entry->certificate);
    }
  g_mutex_unlock (&cache->lock);

  if (certificate != NULL)
    return g_steal_pointer (&certificate);

  /* Parsed outside the lock; two threads may both parse the same chain,
   * and the later one's object replaces the earlier's. */
  certificate = sc_peer_certificate_new_from_der (ders, n_ders, error);
  if (certificate == NULL)
    return NULL;

  entry = g_new0 (Entry, 1);
  entry->link.data = entry;
  entry->key = g_bytes_ref (key);
  entry->certificate = g_object_ref (certificate);

  g_mutex_lock (&cache->lock);
  {
    Entry *old = g_hash_table_lookup (cache->entries, key);

    if (old != NULL)
      g_queue_unlink (&cache->order, &old->link);
    g_hash_table_replace (cache->entries, entry->key, entry);
    g_queue_push_tail_link (&cache->order, &entry->link);

    while (cache->order.length > cache->max_entries)
      {
        Entry *oldest = g_queue_peek_head (&cache->order);

        g_queue_unlink (&cache->order, &oldest->link);
        g_hash_table_remove (cache->entries, oldest->key);
      }
  }
  g_mutex_unlock (&cache->lock);

  return g_steal_pointer (&certificate);
}

guint
sc_certificate_cache_get_size (ScCertificateCache *cache)
{
  guint size;

  g_return_val_if_fail (cache != NULL, 0);

  g_mutex_lock (&cache->lock);
  size = g_hash_table_size (cache->entries);
  g_mutex_unlock (&cache->lock);

  return size;
}
