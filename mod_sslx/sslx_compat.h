/* sslx_compat.h - mod_ssl's spellings, translated for GnuTLS.
 *
 * Pure string work: SSLProtocol and SSLCipherSuite arguments -> GnuTLS
 * priority text (sslx_compat.c), and GnuTLS cipher suites -> the OpenSSL
 * names mod_ssl puts in SSL_CIPHER (sslx_cipher.c).  Nothing here touches
 * httpd's configuration structures.
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

/* The OpenSSL name of the negotiated cipher suite, as mod_ssl's
 * SSL_CIPHER shows it ("ECDHE-ECDSA-AES128-GCM-SHA256",
 * "TLS_AES_256_GCM_SHA384"), looked up by the two IANA id bytes; NULL
 * when the suite is not in the table, which holds every suite GnuTLS 3.7
 * can negotiate except the CAMELLIA-GCM ones, which OpenSSL never had
 * (gnutls_ciphersuite_get() gives their IANA name).  A binary search over
 * a static table: cheap enough to call per connection. */
const char *sslx_compat_cipher_openssl_name(const unsigned char id[2]);

/* What OpenSSL's cipher-list language knows of a suite beyond its
 * algorithms, as `openssl ciphers` reports it: the minimum protocol
 * version OpenSSL gives the suite (matched by the SSLv3, TLSv1 and
 * TLSv1.2 aliases), its strength class (HIGH, MEDIUM) and whether
 * OpenSSL's DEFAULT leaves it out (COMPLEMENTOFDEFAULT). */
#define SSLX_COMPAT_CS_SSLV3      0x01
#define SSLX_COMPAT_CS_TLSV1      0x02
#define SSLX_COMPAT_CS_TLSV1_2    0x04
#define SSLX_COMPAT_CS_TLSV1_3    0x08
#define SSLX_COMPAT_CS_HIGH       0x10
#define SSLX_COMPAT_CS_MEDIUM     0x20
#define SSLX_COMPAT_CS_NOTDEFAULT 0x40

/* As sslx_compat_cipher_openssl_name(), and sets *flags (when flags is
 * not NULL) to the suite's SSLX_COMPAT_CS_* bits, 0 when not found. */
const char *sslx_compat_cipher_openssl_info(const unsigned char id[2],
                                            unsigned int *flags);

/* The two IANA id bytes of the suite a session negotiated.  Returns 0,
 * or GNUTLS_E_INVALID_REQUEST when no handshake has completed or GnuTLS
 * reports algorithms that match none of its suites. */
int sslx_compat_session_cipher_id(gnutls_session_t session,
                                  unsigned char id[2]);

#endif /* SSLX_COMPAT_H */
