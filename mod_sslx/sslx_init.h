/* sslx_init.h - configuration-time preparation of every TLS vhost, and
 * what it prepares: the sslx_tls_t its connections use. */
#ifndef SSLX_INIT_H
#define SSLX_INIT_H

#include <httpd.h>
#include <apr_tables.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sslx_cert.h"
#include "sslx_config.h"

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
    /* SSLXCertificateReload: the parent's, then each child's, view of
     * the certificates on disk (sslx_reload.c); NULL when off.  Set in
     * post_config. */
    struct sslx_reload_t *reload;
    /* The certificates are a module's stand-ins ("fallback" files from
     * mod_md while it has none yet): requests get 503 (sslx_request.c). */
    int service_unavailable;
} sslx_tls_t;

/* check_config: load credentials and priorities for every vhost with
 * SSLXEngine on; runs before "apachectl -t" reports, so bad files fail
 * the syntax check.  Returns OK or an HTTP error status. */
int sslx_init_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s);

/* Whether some module (mod_md) registered to hand over certificate files
 * through httpd's ap_ssl_add_cert_files(): a TLS vhost without
 * SSLXCertificateFile then waits for post_config (sslx_md.c). */
int sslx_init_cert_providers(void);

/* The error for a TLS vhost left without certificates (from p). */
const char *sslx_init_no_cert_message(apr_pool_t *p, const server_rec *s);

/* (Re)builds the sslx_tls_t of vhost s from its configuration, as
 * check_config does, e.g. after certificate pairs were added to it.
 * Returns OK or an HTTP error status (logged). */
int sslx_init_vhost(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

/* The credentials of a vhost with configuration sc: its certificate/key
 * pairs, the CA names its certificate requests advertise, DH parameters;
 * the parsed leaves (sslx_leaf_t) in step with the pairs loaded.  Both
 * belong to ld->owner.  Returns NULL, or a message (from ld->scratch)
 * naming the directive, file and reason. */
const char *sslx_init_build_creds(const sslx_cert_load_t *ld,
                                  const sslx_srv_conf_t *sc,
                                  gnutls_certificate_credentials_t *pcreds,
                                  apr_array_header_t **pleaves);

/* child_init: start PKCS#11 afresh in the child when s or any vhost
 * uses it. */
void sslx_init_child_init(apr_pool_t *pchild, server_rec *s);

/* post_config: version banner and GnuTLS debug routing. */
int sslx_init_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);

#endif /* SSLX_INIT_H */
