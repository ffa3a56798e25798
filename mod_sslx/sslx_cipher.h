/* sslx_cipher.h - GnuTLS's cipher suites as OpenSSL names and knows them
 * (sslx_cipher.c): mod_ssl's SSL_CIPHER spelling, and what OpenSSL's
 * cipher-list language needs to know of each suite.  Only APR and GnuTLS
 * types: nothing here knows of httpd's structures.
 */
#ifndef SSLX_CIPHER_H
#define SSLX_CIPHER_H

#include <gnutls/gnutls.h>

/* The OpenSSL name of the negotiated cipher suite, as mod_ssl's
 * SSL_CIPHER shows it ("ECDHE-ECDSA-AES128-GCM-SHA256",
 * "TLS_AES_256_GCM_SHA384"), looked up by the two IANA id bytes; NULL
 * when the suite is not in the table, which holds every suite GnuTLS 3.7
 * can negotiate except the CAMELLIA-GCM ones, which OpenSSL never had
 * (gnutls_ciphersuite_get() gives their IANA name).  A binary search over
 * a static table: cheap enough to call per connection. */
const char *sslx_cipher_openssl_name(const unsigned char id[2]);

/* What OpenSSL's cipher-list language knows of a suite beyond its
 * algorithms, as `openssl ciphers` reports it: the minimum protocol
 * version OpenSSL gives the suite (matched by the SSLv3, TLSv1 and
 * TLSv1.2 aliases), its strength class (HIGH, MEDIUM) and whether
 * OpenSSL's DEFAULT leaves it out (COMPLEMENTOFDEFAULT). */
#define SSLX_CIPHER_SSLV3      0x01
#define SSLX_CIPHER_TLSV1      0x02
#define SSLX_CIPHER_TLSV1_2    0x04
#define SSLX_CIPHER_TLSV1_3    0x08
#define SSLX_CIPHER_HIGH       0x10
#define SSLX_CIPHER_MEDIUM     0x20
#define SSLX_CIPHER_NOTDEFAULT 0x40

/* As sslx_cipher_openssl_name(), and sets *flags (when flags is
 * not NULL) to the suite's SSLX_CIPHER_* bits, 0 when not found. */
const char *sslx_cipher_openssl_info(const unsigned char id[2],
                                     unsigned int *flags);

/* The two IANA id bytes of the suite a session negotiated.  Returns 0,
 * or GNUTLS_E_INVALID_REQUEST when no handshake has completed or GnuTLS
 * reports algorithms that match none of its suites. */
int sslx_cipher_session_id(gnutls_session_t session, unsigned char id[2]);

#endif /* SSLX_CIPHER_H */
