/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sc-search-result.h"
#include "sc-time-format.h"

struct _ScSearchResult
{
  GObject  parent_instance;

  char    *peer;
  char    *title;
  gint64   seq;
  char    *time_text;
  char    *markup;
};

G_DEFINE_FINAL_TYPE (ScSearchResult, sc_search_result, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PEER,
  PROP_TITLE,
  PROP_SEQ,
  PROP_TIME_TEXT,
  PROP_MARKUP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
sc_search_result_snippet_markup (const char *snippet)
{
  g_autoptr(GString) markup = g_string_new (NULL);
  const char *p = snippet != NULL ? snippet : "";
  gboolean bold = FALSE;

  while (*p != '\0')
    {
      gsize length = strcspn (p, "\002\003");
      g_autofree char *escaped = g_markup_escape_text (p, length);

      g_string_append (markup, escaped);
      p += length;
      if (*p == '\0')
        break;
      if ((*p == '\002') != bold)
        {
          g_string_append (markup, bold ? "</b>" : "<b>");
          bold = !bold;
        }
      p++;
    }

  /* A match left open by a cut snippet is closed. */
  if (bold)
    g_string_append (markup, "</b>");

  return g_string_free (g_steal_pointer (&markup), FALSE);
}

ScSearchResult *
sc_search_result_new (const ScMessage *found,
                      const char      *contact_name)
{
  ScSearchResult *self;

  g_return_val_if_fail (found != NULL, NULL);

  self = g_object_new (SC_TYPE_SEARCH_RESULT, NULL);
  self->peer = g_strdup (found->peer);
  self->title = g_strdup (contact_name != NULL && *contact_name != '\0' ? contact_name : found->peer);
  self->seq = found->seq;
  self->time_text = sc_time_format_relative (found->time / 1000, g_get_real_time () / G_USEC_PER_SEC);
  self->markup = sc_search_result_snippet_markup (found->snippet != NULL ? found->snippet
                                                                          : found->body);
  return self;
}

const char *
sc_search_result_get_peer (ScSearchResult *self)
{
  g_return_val_if_fail (SC_IS_SEARCH_RESULT (self), NULL);
  return self->peer;
}

const char *
sc_search_result_get_title (ScSearchResult *self)
{
  g_return_val_if_fail (SC_IS_SEARCH_RESULT (self), NULL);
  return self->title;
}

gint64
sc_search_result_get_seq (ScSearchResult *self)
{
  g_return_val_if_fail (SC_IS_SEARCH_RESULT (self), 0);
  return self->seq;
}

const char *
sc_search_result_get_markup (ScSearchResult *self)
{
  g_return_val_if_fail (SC_IS_SEARCH_RESULT (self), NULL);
  return self->markup;
}

static void
sc_search_result_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ScSearchResult *self = SC_SEARCH_RESULT (object);

  switch (prop_id)
    {
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;
    case PROP_TIME_TEXT:
      g_value_set_string (value, self->time_text);
      break;
    case PROP_MARKUP:
      g_value_set_string (value, self->markup);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_search_result_finalize (GObject *object)
{
  ScSearchResult *self = SC_SEARCH_RESULT (object);

  g_free (self->peer);
  g_free (self->title);
  g_free (self->time_text);
  g_free (self->markup);

  G_OBJECT_CLASS (sc_search_result_parent_class)->finalize (object);
}

static void
sc_search_result_class_init (ScSearchResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = sc_search_result_get_property;
  object_class->finalize = sc_search_result_finalize;

  properties[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SEQ] = g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TIME_TEXT] = g_param_spec_string ("time-text", NULL, NULL, NULL, flags);
  properties[PROP_MARKUP] = g_param_spec_string ("markup", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_search_result_init (ScSearchResult *self)
{
}
