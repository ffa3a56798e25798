/* sslx_cipher.h - GnuTLS's cipher suites as OpenSSL names and knows them
 * (sslx_cipher.c): mod_ssl's SSL_CIPHER spelling, and what OpenSSL's
 * cipher-list language needs to know of each suite.  Only APR and GnuTLS
 * types: nothing here knows of httpd's structures.
 */
#ifndef SSLX_CIPHER_H
#define SSLX_CIPHER_H

#include <apr.h>
#include <apr_tables.h>
#include <gnutls/gnutls.h>

/* The OpenSSL name of the negotiated cipher suite, as mod_ssl's
 * SSL_CIPHER shows it ("ECDHE-ECDSA-AES128-GCM-SHA256",
 * "TLS_AES_256_GCM_SHA384"), looked up by the two IANA id bytes; NULL
 * when the suite is not in the table, which holds every suite GnuTLS 3.7
 * can negotiate except the CAMELLIA-GCM ones, which OpenSSL never had
 * (gnutls_ciphersuite_get() gives their IANA name).  A binary search over
 * a static table: cheap enough to call per connection. */
const char *sslx_cipher_openssl_name(const unsigned char id[2]);

/* The two IANA id bytes of the suite a session negotiated.  Returns 0,
 * or GNUTLS_E_INVALID_REQUEST when no handshake has completed or GnuTLS
 * reports algorithms that match none of its suites. */
int sslx_cipher_session_id(gnutls_session_t session, unsigned char id[2]);

/* The two IANA id bytes of the TLS 1.3 suite OpenSSL calls `name`
 * ("TLS_AES_256_GCM_SHA384", case matters as in OpenSSL); 0, or -1 when
 * GnuTLS has no such TLS 1.3 suite. */
int sslx_cipher_tls13_id(const char *name, unsigned char id[2]);

/* An OpenSSL TLS 1.3 "ciphersuites" list (names separated by colons) as
 * an array of ids ((id[0] << 8) | id[1], apr_uint16_t) in *pids.
 * Returns NULL, or the first name that is no TLS 1.3 suite GnuTLS has. */
const char *sslx_cipher_tls13_list(apr_pool_t *p, const char *list,
                                   apr_array_header_t **pids);

/* The cipher of the suite with these id bytes; 0, or -1 when GnuTLS has
 * no such suite. */
int sslx_cipher_suite_cipher(const unsigned char id[2],
                             gnutls_cipher_algorithm_t *cipher);

/* Whether the suite the session negotiated is in ids (made by
 * sslx_cipher_tls13_list()). */
int sslx_cipher_session_in(gnutls_session_t session,
                           const apr_array_header_t *ids);

/* Whether the suite the session negotiated is one prio enables. */
int sslx_cipher_session_allowed(gnutls_session_t session,
                                gnutls_priority_t prio);

/* OpenSSL's classes of a suite: the fields its cipher-list aliases
 * select by, each a set of bits (one bit per class): key exchange
 * (kECDHE), authentication (aRSA), cipher (AES128), MAC (SHA256),
 * minimum protocol version (TLSv1.2), strength (HIGH, MEDIUM) and
 * whether OpenSSL's DEFAULT leaves the suite out (COMPLEMENTOFDEFAULT). */
enum {
    SSLX_CIPHER_F_KX,
    SSLX_CIPHER_F_AUTH,
    SSLX_CIPHER_F_ENC,
    SSLX_CIPHER_F_MAC,
    SSLX_CIPHER_F_VER,
    SSLX_CIPHER_F_STRENGTH,
    SSLX_CIPHER_F_DEFAULT,
    SSLX_CIPHER_F_N
};

typedef struct {
    apr_uint32_t f[SSLX_CIPHER_F_N];
} sslx_cipher_class_t;

/* A class bit no suite has: a pattern field holding it matches nothing. */
#define SSLX_CIPHER_NO_CLASS 0x80000000u

/* The classes of the GnuTLS suite with IANA id `id` and the algorithms
 * gnutls_cipher_suite_info() gives for it.  TLS 1.3 suites, suites
 * without an OpenSSL name and suites OpenSSL gives no strength class
 * without an engine (GOST) get all fields 0, so that no alias selects
 * them, only their name, as in OpenSSL. */
void sslx_cipher_classify(const unsigned char id[2], gnutls_kx_algorithm_t kx,
                          gnutls_cipher_algorithm_t cipher,
                          gnutls_mac_algorithm_t mac,
                          sslx_cipher_class_t *cls);

/* An alias of OpenSSL's cipher-list language (ALL, HIGH, kECDHE, aRSA,
 * AES128, SHA256, TLSv1.2, COMPLEMENTOFDEFAULT, ...) as a pattern: a
 * suite matches when, in every field where the pattern is not 0, it has
 * a bit of the pattern's.  Aliases for what GnuTLS does not have (LOW,
 * IDEA, ARIA, ...) match no suite.  Returns 1 and fills *pattern, or 0
 * when name is no alias (case matters, as in OpenSSL). */
int sslx_cipher_alias(const char *name, sslx_cipher_class_t *pattern);

#endif /* SSLX_CIPHER_H */
