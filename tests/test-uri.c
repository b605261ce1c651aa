/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sixchat: links, as the desktop hands them to the app. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "sc-uri.h"

typedef struct
{
  const char *uri;
  const char *user_id;
  const char *address;   /* NULL: the link has none */
} Valid;

static const Valid valid[] = {
  { "sixchat:bob@example.org", "bob@example.org", NULL },
  { "sixchat:bob@example.org?", "bob@example.org", NULL },
  { "sixchat:bob@example.org?address=[2001:db8::1]:4605", "bob@example.org", "[2001:db8::1]:4605" },
  { "SixChat:bob@example.org?address=[2001:db8::1]", "bob@example.org", "[2001:db8::1]" },
  { "SIXCHAT:bob@example.org?address=2001:db8::1", "bob@example.org", "2001:db8::1" },
  { "sixchat:bob@example.org?address=192.0.2.1:4606", "bob@example.org", "192.0.2.1:4606" },
  { "sixchat:bob@example.org?address=192.0.2.1", "bob@example.org", "192.0.2.1" },
  { "sixchat:bob@example.org?address=host.example:1", "bob@example.org", "host.example:1" },
  { "sixchat:bob@example.org?address=host.example:65535", "bob@example.org", "host.example:65535" },
  { "sixchat:bob@example.org?address=[fe80::1%25lo]:4605", "bob@example.org", "[fe80::1%lo]:4605" },
  { "sixchat:bob%40example.org?address=%5B2001%3adb8%3A%3A1%5D%3A4605",
    "bob@example.org", "[2001:db8::1]:4605" },
  { "sixchat:%61lice@example.org?%61ddress=[::1]:4605", "alice@example.org", "[::1]:4605" },
  { "sixchat:j%C3%BCrgen@example.org", "j\xc3\xbcrgen@example.org", NULL },
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *user_id = NULL;
      g_autofree char *address = NULL;

      g_test_message ("%s", valid[i].uri);
      g_assert_true (sc_uri_parse (valid[i].uri, &user_id, &address, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (user_id, ==, valid[i].user_id);
      g_assert_cmpstr (address, ==, valid[i].address);
    }
}

typedef struct
{
  const char *uri;
  const char *message;   /* a part of the error message */
} Invalid;

static const Invalid invalid[] = {
  { "", "Not a sixchat: link" },
  { "bob@example.org", "Not a sixchat: link" },
  { "https://example.org/sixchat:bob@example.org", "Not a sixchat: link" },
  { "sixchat", "Not a sixchat: link" },
  { "file:///home/bob/sixchat:bob@example.org", "Not a sixchat: link" },
  { "sixchat:", "no user ID" },
  { "sixchat:?address=[::1]:4605", "no user ID" },
  { "sixchat://bob@example.org", "directly" },
  { "sixchat:/bob@example.org", "directly" },
  { "sixchat:bob", "is not a user ID" },
  { "sixchat:@example.org", "is not a user ID" },
  { "sixchat:bob@", "is not a user ID" },
  { "sixchat:bob@example.org@example.net", "is not a user ID" },
  { "sixchat:bob%20smith@example.org", "is not a user ID" },
  { "sixchat:bob%0A@example.org", "is not a user ID" },
  { "sixchat:bob@example.org#chat", "Unexpected “#”" },
  { "sixchat:bob smith@example.org", "spaces or control characters" },
  { "sixchat:bob@example.org\n", "spaces or control characters" },
  { "sixchat:bob@example.org\t?address=[::1]", "spaces or control characters" },
  { "sixchat:bob%ZZ@example.org", "percent-encoding" },
  { "sixchat:bob%4@example.org", "percent-encoding" },
  { "sixchat:bob%00@example.org", "percent-encoding" },
  { "sixchat:bob%FF@example.org", "percent-encoding" },
  { "sixchat:bob@example.org?address=%5B::1%ZZ", "percent-encoding" },
  { "sixchat:bob@example.org?%ZZ=x", "percent-encoding" },
  { "sixchat:bob@example.org?addr=[::1]:4605", "Unknown parameter “addr”" },
  { "sixchat:bob@example.org?address=[::1]:4605&greeting=hi", "Unknown parameter “greeting”" },
  { "sixchat:bob@example.org?&address=[::1]:4605", "Unknown parameter “”" },
  { "sixchat:bob@example.org?address", "address is empty" },
  { "sixchat:bob@example.org?address=", "address is empty" },
  { "sixchat:bob@example.org?address=[::1]:4605&address=[::1]:4606", "more than one address" },
  { "sixchat:bob@example.org?address=[::1]:0", "Invalid port" },
  { "sixchat:bob@example.org?address=[::1]:65536", "Invalid port" },
  { "sixchat:bob@example.org?address=[::1]:-1", "Invalid port" },
  { "sixchat:bob@example.org?address=[::1]:port", "Invalid port" },
  { "sixchat:bob@example.org?address=host.example:", "Invalid port" },
  { "sixchat:bob@example.org?address=[::1", "Missing “]”" },
  { "sixchat:bob@example.org?address=[::1]x", "Unexpected text" },
  { "sixchat:bob@example.org?address=[192.0.2.1]:4605", "Brackets are for IPv6" },
  { "sixchat:bob@example.org?address=2001:db8::zz", "Invalid IPv6 address" },
  { "sixchat:bob@example.org?address=a/b:4605", "Invalid host" },
  { "sixchat:bob@example.org?address=%20", "Invalid address in the link" },
};

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      char *user_id = NULL;
      char *address = NULL;

      g_test_message ("%s", invalid[i].uri);
      g_assert_false (sc_uri_parse (invalid[i].uri, &user_id, &address, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, invalid[i].message));
      g_assert_null (user_id);
      g_assert_null (address);
    }
}

static void
test_too_long (void)
{
  g_autoptr(GString) uri = g_string_new ("sixchat:bob@example.org?address=");
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *address = NULL;

  while (uri->len <= SC_URI_MAX_LENGTH)
    g_string_append (uri, "a");

  g_assert_false (sc_uri_parse (uri->str, &user_id, &address, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "too long"));

  /* At the limit the length is fine; the rest decides. */
  g_clear_error (&error);
  g_string_truncate (uri, 0);
  g_string_append (uri, "sixchat:bob@example.org?address=");
  while (uri->len < SC_URI_MAX_LENGTH - strlen (":4605"))
    g_string_append (uri, "a");
  g_string_append (uri, ":4605");
  g_assert_cmpuint (uri->len, ==, SC_URI_MAX_LENGTH);
  g_assert_true (sc_uri_parse (uri->str, &user_id, &address, &error));
  g_assert_no_error (error);
}

/* What the desktop passes: the link as a command-line argument becomes a
 * GFile whose URI is the link again. */
static void
test_through_gfile (void)
{
  const char *uri = "sixchat:bob@example.org?address=[2001:db8::1]:4605";
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (uri);
  g_autofree char *file_uri = g_file_get_uri (file);
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *address = NULL;

  g_assert_cmpstr (file_uri, ==, uri);
  g_assert_true (sc_uri_parse (file_uri, &user_id, &address, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "[2001:db8::1]:4605");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/uri/valid", test_valid);
  g_test_add_func ("/uri/invalid", test_invalid);
  g_test_add_func ("/uri/too-long", test_too_long);
  g_test_add_func ("/uri/through-gfile", test_through_gfile);

  return g_test_run ();
}
