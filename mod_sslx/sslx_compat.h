/* sslx_compat.h - mod_ssl's SSLProtocol and SSLCipherSuite, translated
 * into GnuTLS priority text (sslx_compat.c).
 *
 * Pure string work: nothing here touches httpd's configuration
 * structures.
 */
#ifndef SSLX_COMPAT_H
#define SSLX_COMPAT_H

#include <apr_pools.h>
#include <gnutls/gnutls.h>

/* Translate SSLProtocol words (argc/argv as given to the directive:
 * "all", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "SSLv3", each optionally
 * prefixed with + or -) into a GnuTLS priority fragment such as
 * "-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" (highest version first), to be
 * appended to a base priority string.  As in mod_ssl, a word without a
 * prefix replaces the set built so far, words compare case-insensitively,
 * "all" is TLSv1.2 and TLSv1.3 (TLSv1 and TLSv1.1 only when named, as
 * mod_ssl under OpenSSL's security level), "-SSLv2"/"-SSLv3" are
 * accepted and change nothing, and the versions used are the highest one enabled and those
 * directly below it without a hole ("TLSv1 +TLSv1.3" gives TLS 1.3 only).
 * Returns NULL and sets *perr to a message naming the bad word when a word
 * is unknown, when SSLv2 or SSLv3 is asked for (GnuTLS no longer offers
 * them), or when no protocol is left enabled. */
const char *sslx_compat_protocol_priority(apr_pool_t *p, int argc,
                                          char *const argv[],
                                          const char **perr);

/* Translate an SSLCipherSuite value in OpenSSL's cipher-list language
 * ("HIGH:!aNULL:!MD5", "ECDHE+AESGCM:ECDHE+CHACHA20", or a list of OpenSSL
 * suite names) into a GnuTLS priority fragment to append to a base
 * priority string, such as
 * "-CIPHER-ALL:+AES-128-GCM:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA".
 * GnuTLS enables every combination of the key exchanges, ciphers and MACs
 * it lists, and has one cipher list for TLS 1.2 and TLS 1.3; sslx_compat.c
 * says in detail what that means for the result.  TLS 1.3 suite names
 * (mod_ssl's "SSLCipherSuite TLSv1.3 ...") may appear in the same spec.
 * The fragment may end in "-VERS-TLS1.3" (no TLS 1.3 suite left), so
 * append it after the SSLProtocol fragment.
 * Returns NULL and sets *perr to a message naming the word at fault when
 * a word is unknown or unsupported, when the translation would enable a
 * suite the spec explicitly removed, or when nothing is left enabled.
 * Config-time work: it walks GnuTLS's whole suite table per word. */
const char *sslx_compat_cipher_priority(apr_pool_t *p,
                                        const char *openssl_spec,
                                        const char **perr);

/* gnutls_priority_init() of text, the priority freed with owner.
 * 0 or a GnuTLS error (*errpos then points into text where known). */
int sslx_compat_make_priority(apr_pool_t *owner, gnutls_priority_t *pprio,
                              const char *text, const char **errpos);

#endif /* SSLX_COMPAT_H */
