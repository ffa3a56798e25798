/* sslx_init.h - configuration-time preparation of every TLS vhost, and
 * what it prepares: the sslx_tls_t its connections use. */
#ifndef SSLX_INIT_H
#define SSLX_INIT_H

#include <httpd.h>
#include <apr_tables.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* A certificate the vhost presents, parsed once at configuration time:
 * SSL_SERVER_* are read from it on every connection that uses it. */
typedef struct {
    gnutls_datum_t der;
    gnutls_x509_crt_t crt;
} sslx_leaf_t;

/* Bytes of the session cache key prefix that stands for a vhost's TLS
 * settings (sslx_tls_t.session_context). */
#define SSLX_SESSION_CONTEXT_SIZE 16

/* Everything a connection needs from its vhost, built at check_config. */
typedef struct sslx_tls_t {
    gnutls_certificate_credentials_t creds;
    gnutls_priority_t priority;
    const char *priority_text;
    apr_array_header_t *leaves;     /* sslx_leaf_t, one per pair */
    /* Two vhosts with equal identities present the same certificates
     * under the same rules: a request may move between them (no 421). */
    const char *identity;
    /* Client certificates are verified against these CAs, and with
     * SSLXCARevocationCheck against these CRLs (sslx_crl.c); NULL when
     * not configured. */
    gnutls_x509_trust_list_t trust;
    struct sslx_crl_set_t *crls;
    unsigned min_version;           /* lowest enabled, wire form 0x0303 */
    /* Renegotiation must be a full handshake: same priorities, but no
     * ticket may stand in for the certificate being asked for. */
    gnutls_priority_t reneg_priority;
    /* For clients that offer TLS 1.3 when the cipher settings differ by
     * version (SSLXCipherSuite), else NULL. */
    gnutls_priority_t priority13;
    /* Sessions belong to the TLS settings they were made under: each
     * distinct identity has its own ticket key (sslx_ticket.c) and its
     * own prefix in the session cache (sslx_cache.c). */
    unsigned char session_context[SSLX_SESSION_CONTEXT_SIZE];
} sslx_tls_t;

/* check_config: load credentials and priorities for every vhost with
 * SSLXEngine on; runs before "apachectl -t" reports, so bad files fail
 * the syntax check.  Returns OK or an HTTP error status. */
int sslx_init_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s);

/* post_config: version banner and GnuTLS debug routing. */
int sslx_init_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);

#endif /* SSLX_INIT_H */
