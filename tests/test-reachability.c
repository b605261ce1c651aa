/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "sc-reachability-private.h"

/* Helpers */

typedef struct
{
  const char *interface;
  const char *address;
} FakeInterfaceAddress;

typedef struct
{
  const char     *address;
  ScAddressScope  scope;
  const char     *interface;
} Expected;

static GPtrArray *
fake_interfaces (const FakeInterfaceAddress *table,
                 gsize                       n_entries)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_interface_address_free);

  for (gsize i = 0; i < n_entries; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (table[i].address);

      g_assert_nonnull (address);
      g_ptr_array_add (result, sc_interface_address_new (table[i].interface, address));
    }

  return result;
}

static void
assert_addresses (GPtrArray      *addresses,
                  const Expected *expected,
                  gsize           n_expected)
{
  for (guint i = 0; i < addresses->len; i++)
    {
      const ScReachableAddress *address = addresses->pdata[i];

      g_test_message ("%u: %s %s %s", i, address->address,
                      sc_address_scope_to_string (address->scope), address->interface);
    }

  g_assert_cmpuint (addresses->len, ==, n_expected);
  for (gsize i = 0; i < n_expected; i++)
    {
      const ScReachableAddress *address = addresses->pdata[i];

      g_assert_cmpstr (address->address, ==, expected[i].address);
      g_assert_cmpint (address->scope, ==, expected[i].scope);
      g_assert_cmpstr (address->interface, ==, expected[i].interface);
    }
}

static GPtrArray *
reachable (const char *scope_list)
{
  g_auto(GStrv) scopes = g_strsplit (scope_list, " ", -1);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_reachable_address_free);

  for (guint i = 0; scopes[i] != NULL; i++)
    {
      ScReachableAddress *address = g_new0 (ScReachableAddress, 1);
      gboolean found = FALSE;

      for (ScAddressScope scope = SC_ADDRESS_SCOPE_GLOBAL_IPV6;
           scope <= SC_ADDRESS_SCOPE_LOOPBACK; scope++)
        {
          if (g_str_equal (scopes[i], sc_address_scope_to_string (scope)))
            {
              address->scope = scope;
              found = TRUE;
            }
        }
      g_assert_true (found);
      address->address = g_strdup_printf ("address-%u", i);
      g_ptr_array_add (result, address);
    }

  return result;
}

/* A machine with every kind of address, in the order getifaddrs(3) might
 * list them. */
static const FakeInterfaceAddress machine[] = {
  { "lo", "127.0.0.1" },
  { "eth0", "192.168.1.5" },
  { "eth0", "198.51.100.7" },
  { "wlan0", "169.254.3.4" },
  { "wlan0", "10.0.0.7" },
  { "tun0", "100.64.0.9" },
  { "lo", "::1" },
  { "eth0", "fe80::1" },
  { "eth0", "fd00::5" },
  { "eth0", "2001:db8::5" },
  { "wlan0", "fe80::2" },
  { "wlan0", "2001:db8:1::7" },
  { "wlan0", "fc12::7" },
};

/* Classification */

static void
test_classify (void)
{
  static const struct
  {
    const char     *address;
    ScAddressScope  scope;
  } cases[] = {
    /* IPv6 */
    { "2001:db8::1", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "2a00:1450:4001:80b::200e", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "2000::", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "64:ff9b::192.0.2.1", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "fc00::", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6 },
    { "fc00::1", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6 },
    { "fd00::", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6 },
    { "fd12:3456:789a::1", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6 },
    { "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6 },
    { "fe00::", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "fe80::", SC_ADDRESS_SCOPE_LINK_LOCAL },
    { "fe80::1", SC_ADDRESS_SCOPE_LINK_LOCAL },
    { "fe80::fc:ff:fe00:1", SC_ADDRESS_SCOPE_LINK_LOCAL },
    { "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SC_ADDRESS_SCOPE_LINK_LOCAL },
    { "fec0::1", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    { "::1", SC_ADDRESS_SCOPE_LOOPBACK },
    { "::2", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    /* IPv4-mapped IPv6: the IPv4 address inside */
    { "::ffff:10.0.0.1", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "::ffff:127.0.0.1", SC_ADDRESS_SCOPE_LOOPBACK },
    { "::ffff:169.254.1.1", SC_ADDRESS_SCOPE_LINK_LOCAL },
    { "::ffff:192.0.2.1", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "::ffff:100.64.0.1", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "::fffe:10.0.0.1", SC_ADDRESS_SCOPE_GLOBAL_IPV6 },
    /* IPv4 */
    { "192.0.2.1", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "198.51.100.7", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "203.0.113.255", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "8.8.8.8", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "9.255.255.255", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "10.0.0.0", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "10.255.255.255", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "11.0.0.0", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "172.15.255.255", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "172.16.0.0", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "172.20.1.1", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "172.31.255.255", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "172.32.0.0", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "192.167.255.255", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "192.168.0.0", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "192.168.255.255", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "192.169.0.0", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "100.63.255.255", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "100.64.0.0", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "100.127.255.255", SC_ADDRESS_SCOPE_PRIVATE_IPV4 },
    { "100.128.0.0", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "169.253.255.255", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "169.254.0.0", SC_ADDRESS_SCOPE_LINK_LOCAL },
    { "169.254.255.255", SC_ADDRESS_SCOPE_LINK_LOCAL },
    { "169.255.0.0", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "126.255.255.255", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
    { "127.0.0.1", SC_ADDRESS_SCOPE_LOOPBACK },
    { "127.1.2.3", SC_ADDRESS_SCOPE_LOOPBACK },
    { "127.255.255.255", SC_ADDRESS_SCOPE_LOOPBACK },
    { "128.0.0.0", SC_ADDRESS_SCOPE_PUBLIC_IPV4 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (cases[i].address);

      g_test_message ("%s", cases[i].address);
      g_assert_nonnull (address);
      g_assert_cmpstr (sc_address_scope_to_string (sc_address_classify (address)), ==,
                       sc_address_scope_to_string (cases[i].scope));
    }
}

static void
test_scope_strings (void)
{
  g_assert_cmpstr (sc_address_scope_to_string (SC_ADDRESS_SCOPE_GLOBAL_IPV6), ==, "global-ipv6");
  g_assert_cmpstr (sc_address_scope_to_string (SC_ADDRESS_SCOPE_PUBLIC_IPV4), ==, "public-ipv4");
  g_assert_cmpstr (sc_address_scope_to_string (SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6), ==,
                   "unique-local-ipv6");
  g_assert_cmpstr (sc_address_scope_to_string (SC_ADDRESS_SCOPE_PRIVATE_IPV4), ==, "private-ipv4");
  g_assert_cmpstr (sc_address_scope_to_string (SC_ADDRESS_SCOPE_LINK_LOCAL), ==, "link-local");
  g_assert_cmpstr (sc_address_scope_to_string (SC_ADDRESS_SCOPE_LOOPBACK), ==, "loopback");
}

/* Filtering and sorting */

static void
test_filter_dual_stack (void)
{
  static const Expected expected[] = {
    { "[2001:db8::5]:4605", SC_ADDRESS_SCOPE_GLOBAL_IPV6, "eth0" },
    { "[2001:db8:1::7]:4605", SC_ADDRESS_SCOPE_GLOBAL_IPV6, "wlan0" },
    { "198.51.100.7:4605", SC_ADDRESS_SCOPE_PUBLIC_IPV4, "eth0" },
    { "[fd00::5]:4605", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6, "eth0" },
    { "[fc12::7]:4605", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6, "wlan0" },
    { "192.168.1.5:4605", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "eth0" },
    { "10.0.0.7:4605", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "wlan0" },
    { "100.64.0.9:4605", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "tun0" },
    { "169.254.3.4:4605", SC_ADDRESS_SCOPE_LINK_LOCAL, "wlan0" },
    { "[fe80::1%eth0]:4605", SC_ADDRESS_SCOPE_LINK_LOCAL, "eth0" },
    { "[fe80::2%wlan0]:4605", SC_ADDRESS_SCOPE_LINK_LOCAL, "wlan0" },
  };
  g_autoptr(GPtrArray) interfaces = fake_interfaces (machine, G_N_ELEMENTS (machine));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GPtrArray) bracketed = NULL;

  addresses = sc_reachability_filter (interfaces, "::", 4605, &error);
  g_assert_no_error (error);
  assert_addresses (addresses, expected, G_N_ELEMENTS (expected));

  bracketed = sc_reachability_filter (interfaces, "[::]", 4605, &error);
  g_assert_no_error (error);
  assert_addresses (bracketed, expected, G_N_ELEMENTS (expected));
}

static void
test_filter_ipv4_any (void)
{
  static const Expected expected[] = {
    { "198.51.100.7:5000", SC_ADDRESS_SCOPE_PUBLIC_IPV4, "eth0" },
    { "192.168.1.5:5000", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "eth0" },
    { "10.0.0.7:5000", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "wlan0" },
    { "100.64.0.9:5000", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "tun0" },
    { "169.254.3.4:5000", SC_ADDRESS_SCOPE_LINK_LOCAL, "wlan0" },
  };
  g_autoptr(GPtrArray) interfaces = fake_interfaces (machine, G_N_ELEMENTS (machine));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = NULL;

  addresses = sc_reachability_filter (interfaces, "0.0.0.0", 5000, &error);
  g_assert_no_error (error);
  assert_addresses (addresses, expected, G_N_ELEMENTS (expected));
}

static void
test_filter_specific (void)
{
  static const struct
  {
    const char *listen;
    Expected    expected;
  } cases[] = {
    { "::1", { "[::1]:4605", SC_ADDRESS_SCOPE_LOOPBACK, "lo" } },
    { "[::1]", { "[::1]:4605", SC_ADDRESS_SCOPE_LOOPBACK, "lo" } },
    { "127.0.0.1", { "127.0.0.1:4605", SC_ADDRESS_SCOPE_LOOPBACK, "lo" } },
    /* Bound, though no interface lists it. */
    { "127.0.0.2", { "127.0.0.2:4605", SC_ADDRESS_SCOPE_LOOPBACK, NULL } },
    { "192.168.1.5", { "192.168.1.5:4605", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "eth0" } },
    { "::ffff:192.168.1.5", { "192.168.1.5:4605", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "eth0" } },
    { "2001:db8:1::7", { "[2001:db8:1::7]:4605", SC_ADDRESS_SCOPE_GLOBAL_IPV6, "wlan0" } },
    { "[fd00::5]", { "[fd00::5]:4605", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6, "eth0" } },
    { "fe80::2", { "[fe80::2%wlan0]:4605", SC_ADDRESS_SCOPE_LINK_LOCAL, "wlan0" } },
    { "[fe80::1%eth0]", { "[fe80::1%eth0]:4605", SC_ADDRESS_SCOPE_LINK_LOCAL, "eth0" } },
    { "fe80::1%wlan0", { "[fe80::1%wlan0]:4605", SC_ADDRESS_SCOPE_LINK_LOCAL, "wlan0" } },
  };
  g_autoptr(GPtrArray) interfaces = fake_interfaces (machine, G_N_ELEMENTS (machine));

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) addresses = NULL;

      g_test_message ("listen %s", cases[i].listen);
      addresses = sc_reachability_filter (interfaces, cases[i].listen, 4605, &error);
      g_assert_no_error (error);
      assert_addresses (addresses, &cases[i].expected, 1);
    }
}

static void
test_filter_only_loopback (void)
{
  static const FakeInterfaceAddress loopback_only[] = {
    { "lo", "127.0.0.1" },
    { "lo", "::1" },
  };
  g_autoptr(GPtrArray) interfaces = fake_interfaces (loopback_only, G_N_ELEMENTS (loopback_only));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = NULL;

  /* Loopback counts only for a listener bound to it. */
  addresses = sc_reachability_filter (interfaces, "::", 4605, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (addresses->len, ==, 0);
}

static void
test_filter_stable (void)
{
  static const FakeInterfaceAddress shuffled[] = {
    { "a", "fe80::a" },
    { "b", "10.0.0.2" },
    { "c", "2001:db8::3" },
    { "d", "10.0.0.4" },
    { "e", "fd00::5" },
    { "f", "2001:db8::6" },
    { "g", "192.0.2.7" },
    { "h", "10.0.0.8" },
    { "i", "2001:db8::9" },
  };
  static const Expected expected[] = {
    { "[2001:db8::3]:1", SC_ADDRESS_SCOPE_GLOBAL_IPV6, "c" },
    { "[2001:db8::6]:1", SC_ADDRESS_SCOPE_GLOBAL_IPV6, "f" },
    { "[2001:db8::9]:1", SC_ADDRESS_SCOPE_GLOBAL_IPV6, "i" },
    { "192.0.2.7:1", SC_ADDRESS_SCOPE_PUBLIC_IPV4, "g" },
    { "[fd00::5]:1", SC_ADDRESS_SCOPE_UNIQUE_LOCAL_IPV6, "e" },
    { "10.0.0.2:1", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "b" },
    { "10.0.0.4:1", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "d" },
    { "10.0.0.8:1", SC_ADDRESS_SCOPE_PRIVATE_IPV4, "h" },
    { "[fe80::a%a]:1", SC_ADDRESS_SCOPE_LINK_LOCAL, "a" },
  };
  g_autoptr(GPtrArray) interfaces = fake_interfaces (shuffled, G_N_ELEMENTS (shuffled));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = NULL;

  addresses = sc_reachability_filter (interfaces, "::", 1, &error);
  g_assert_no_error (error);
  assert_addresses (addresses, expected, G_N_ELEMENTS (expected));
}

static void
test_filter_invalid (void)
{
  static const char *const invalid[] = {
    "", "localhost", "[::", "::]", "[]", "1.2.3", "2001:db8::1::2", "::%", "10.0.0.1%eth0",
    "[::1]:4605", "0.0.0.0:4605",
  };
  g_autoptr(GPtrArray) interfaces = fake_interfaces (machine, G_N_ELEMENTS (machine));

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) addresses = NULL;

      g_test_message ("listen “%s”", invalid[i]);
      addresses = sc_reachability_filter (interfaces, invalid[i], 4605, &error);
      g_assert_null (addresses);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

/* Hints */

#define ONLY_PRIVATE_IPV4 "Reachable only inside this network: no global IPv6 address " \
                          "and only a private IPv4 address."

static void
test_hint (void)
{
  static const struct
  {
    const char *scopes;  /* space-separated, "" for none */
    const char *hint;
  } cases[] = {
    { "global-ipv6", NULL },
    { "global-ipv6 private-ipv4 link-local", NULL },
    { "public-ipv4", NULL },
    { "unique-local-ipv6 public-ipv4", NULL },
    { "private-ipv4", ONLY_PRIVATE_IPV4 },
    { "unique-local-ipv6 private-ipv4 link-local", ONLY_PRIVATE_IPV4 },
    { "unique-local-ipv6 link-local",
      "Reachable only inside this network: no global IPv6 address and no public IPv4 address." },
    { "link-local link-local", "Reachable only on this network link (link-local addresses)." },
    { "loopback", "Reachable only on this computer." },
    { "loopback link-local", "Reachable only on this network link (link-local addresses)." },
    { "", "Not reachable from other computers: no network address." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) addresses = NULL;
      g_autofree char *hint = NULL;

      g_test_message ("scopes “%s”", cases[i].scopes);
      if (cases[i].scopes[0] == '\0')
        addresses = g_ptr_array_new ();
      else
        addresses = reachable (cases[i].scopes);
      hint = sc_reachability_hint (addresses);
      g_assert_cmpstr (hint, ==, cases[i].hint);
    }
}

static void
test_copy (void)
{
  ScReachableAddress original = { (char *) "[fe80::1%eth0]:4605", SC_ADDRESS_SCOPE_LINK_LOCAL,
                                   (char *) "eth0" };
  g_autoptr(ScReachableAddress) copy = sc_reachable_address_copy (&original);

  g_assert_true (G_TYPE_IS_BOXED (SC_TYPE_REACHABLE_ADDRESS));
  g_assert_cmpstr (copy->address, ==, original.address);
  g_assert_true (copy->address != original.address);
  g_assert_cmpint (copy->scope, ==, original.scope);
  g_assert_cmpstr (copy->interface, ==, original.interface);
}

/* This machine */

static void
test_list_here (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loopback = NULL;
  g_autoptr(GPtrArray) everywhere = NULL;
  g_autofree char *hint = NULL;
  const ScReachableAddress *address;

  loopback = sc_reachability_list ("::1", 4605, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loopback->len, ==, 1);
  address = loopback->pdata[0];
  g_assert_cmpstr (address->address, ==, "[::1]:4605");
  g_assert_cmpint (address->scope, ==, SC_ADDRESS_SCOPE_LOOPBACK);
  hint = sc_reachability_hint (loopback);
  g_assert_cmpstr (hint, ==, "Reachable only on this computer.");

  everywhere = sc_reachability_list ("::", 4605, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < everywhere->len; i++)
    {
      address = everywhere->pdata[i];
      g_test_message ("%s %s %s", address->address, sc_address_scope_to_string (address->scope),
                      address->interface);
      g_assert_cmpint (address->scope, !=, SC_ADDRESS_SCOPE_LOOPBACK);
      g_assert_nonnull (address->interface);
      if (i > 0)
        g_assert_cmpint (((ScReachableAddress *) everywhere->pdata[i - 1])->scope, <=,
                         address->scope);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reachability/classify", test_classify);
  g_test_add_func ("/reachability/scope-strings", test_scope_strings);
  g_test_add_func ("/reachability/filter/dual-stack", test_filter_dual_stack);
  g_test_add_func ("/reachability/filter/ipv4-any", test_filter_ipv4_any);
  g_test_add_func ("/reachability/filter/specific", test_filter_specific);
  g_test_add_func ("/reachability/filter/only-loopback", test_filter_only_loopback);
  g_test_add_func ("/reachability/filter/stable", test_filter_stable);
  g_test_add_func ("/reachability/filter/invalid", test_filter_invalid);
  g_test_add_func ("/reachability/hint", test_hint);
  g_test_add_func ("/reachability/copy", test_copy);
  g_test_add_func ("/reachability/list-here", test_list_here);

  return g_test_run ();
}
