/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh temporary directory (mode 0700) removed, with everything in it, by
 * sc_test_dir_free(). */
char     *sc_test_dir_new           (const char *prefix);
void      sc_test_dir_free          (char       *path);
void      sc_test_rm_rf             (const char *path);

/* Spins the thread-default main context until *flag becomes TRUE or the
 * timeout (seconds) passes; returns *flag. */
gboolean  sc_test_wait_for          (const gboolean *flag,
                                     guint           timeout_seconds);

/* Runs a program to completion; stdout in *out (may be NULL). Returns the exit status. */
int       sc_test_run               (char          **out,
                                     char          **err,
                                     const char     *first_arg,
                                     ...) G_GNUC_NULL_TERMINATED;
/* Runs a program that must exit with status 0, keeping its chatter out of
 * the TAP stream: its stderr goes to the test log only when it fails. */
void      sc_test_run_tool          (const char     *first_arg,
                                     ...) G_GNUC_NULL_TERMINATED;

/* Writes <dir>/<name> (mode 0600): length bytes of contents, or up to its
 * NUL when length is -1.  Returns the path. */
char     *sc_test_write_file        (const char     *dir,
                                     const char     *name,
                                     const char     *contents,
                                     gssize          length);
/* The contents of a file that must be readable. */
char     *sc_test_read_file         (const char     *path);

/* Certificates made and read by certtool (gnutls-bin) and openssl. */

/* TRUE when both are on PATH; else skips the test and returns FALSE. */
gboolean  sc_test_have_cert_tools   (void);
/* <dir>/<name>.crt made by certtool from template_text, with a new key of
 * key_type ("ecdsa": P-256, or "rsa": 2048 bits) at <dir>/<name>.key;
 * issuer NULL makes it self-signed, else <dir>/<issuer>.crt and .key sign
 * it.  The template is left at <dir>/<name>.tmpl. */
char     *sc_test_certtool_cert     (const char     *dir,
                                     const char     *name,
                                     const char     *key_type,
                                     const char     *template_text,
                                     const char     *issuer);
/* <dir>/<name>.key made by openssl genpkey: algorithm "EC", "RSA" or
 * "ED25519"; option (a -pkeyopt) may be NULL. */
char     *sc_test_openssl_key       (const char     *dir,
                                     const char     *name,
                                     const char     *algorithm,
                                     const char     *option);
/* <dir>/<name>.crt for key, self-signed by openssl for 30 days; addext
 * (an -addext) may be NULL. */
char     *sc_test_openssl_self_signed (const char   *dir,
                                       const char   *name,
                                       const char   *key,
                                       const char   *subject,
                                       const char   *addext);
/* <dir>/<name>.crt for key, signed for 30 days by openssl with ca_crt and
 * ca_key from the request <dir>/<name>.csr; addext (an -addext of the
 * request, which the certificate copies) may be NULL. */
char     *sc_test_openssl_signed    (const char     *dir,
                                     const char     *name,
                                     const char     *key,
                                     const char     *subject,
                                     const char     *addext,
                                     const char     *ca_crt,
                                     const char     *ca_key);
/* The SHA-256 fingerprint of the first certificate in crt as certtool
 * prints it: 64 lowercase hex digits. */
char     *sc_test_certtool_fingerprint (const char *crt);
/* The same from `openssl x509 -fingerprint`, normalised to 64 lowercase
 * hex digits. */
char     *sc_test_openssl_fingerprint  (const char *crt);

G_END_DECLS
