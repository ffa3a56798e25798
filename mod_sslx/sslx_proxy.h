/* sslx_proxy.h - TLS towards backends: the connections mod_proxy opens
 * and binds to TLS through httpd's ssl_bind_outgoing hook get a GnuTLS
 * client session and the same connection filters as client connections.
 */
#ifndef SSLX_PROXY_H
#define SSLX_PROXY_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sslx_conn.h"
#include "sslx_crl.h"
#include "sslx_proxy_config.h"

/* What a backend connection needs from its configuration, built after
 * the configuration is read (sslx_proxy_init.c), owned by pconf. */
typedef struct sslx_proxy_tls_t {
    const sslx_proxy_conf_t *conf;   /* the effective settings */
    gnutls_certificate_credentials_t creds; /* CAs named, machine certs */
    gnutls_priority_t priority;
    /* With both SSLXProxyCipherSuite lists, the priority offers the
     * ciphers of both, and this one (the one-argument list alone) says
     * which TLS 1.2 suites a backend may choose; NULL otherwise. */
    gnutls_priority_t tls12_only;
    gnutls_x509_trust_list_t trust;  /* CAs for backend certificates */
    sslx_crl_set_t *crls;            /* NULL: no revocation check */
    unsigned machine_certs;          /* client certificates loaded */
    /* Random per configuration: sessions to backends are cached under it,
     * so none outlives the settings it was verified under. */
    unsigned char generation[8];
} sslx_proxy_tls_t;

/* The client side of one backend connection (sc->client). */
typedef struct sslx_client_t sslx_client_t;
struct sslx_client_t {
    const sslx_proxy_tls_t *tls;     /* fixed when the handshake starts */
    const char *hostname;            /* the host mod_proxy asked for */
    const char *backend;             /* "host:port" for log lines */
    const char *refusal;             /* why its certificate was refused */
    int established;                 /* the handshake completed */
    int remembered;                  /* its session went into the cache */
};

/* ssl_bind_outgoing hook: take c on when TLS is asked for and
 * SSLXProxyEngine is on for dir_conf (a <Proxy> section or the request's
 * directory) or else for c's server. */
int sslx_proxy_bind_outgoing(conn_rec *c, struct ap_conf_vector_t *dir_conf,
                             int enable_ssl);

/* pre_connection: a GnuTLS client session and the filters for outgoing
 * connections bound above. */
int sslx_proxy_pre_connection(conn_rec *c, void *csd);

/* Called by the filters: before the first ClientHello (SNI, ALPN), after
 * the handshake (-1 when the backend chose a suite the lists leave out:
 * the handshake has failed), and when the handshake or a later record
 * failed (one log line naming the backend and the reason; the connection
 * is aborted). */
int sslx_proxy_handshake_start(sslx_conn_t *sc);
int sslx_proxy_handshake_done(sslx_conn_t *sc);
void sslx_proxy_failed(sslx_conn_t *sc, int rv);

/* The backend's certificate, judged during the handshake
 * (sslx_proxy_verify.c); a gnutls verify function. */
int sslx_proxy_verify_backend(gnutls_session_t session);

/* Building the sslx_proxy_tls_t of every server and <Proxy> section
 * (sslx_proxy_init.c). */
int sslx_proxy_init_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                                 apr_pool_t *ptemp, server_rec *s);
void sslx_proxy_init_register_hooks(void);

#endif /* SSLX_PROXY_H */
