/* sslx_conn.h - the TLS state of one client connection.
 *
 * Created in pre_connection from c->pool for connections to a TLS vhost;
 * secondary connections (HTTP/2 streams) find their master's state
 * through sslx_conn_get().
 */
#ifndef SSLX_CONN_H
#define SSLX_CONN_H

#include <apr_buckets.h>
#include <gnutls/gnutls.h>
#include <util_filter.h>

#include "sslx_init.h"

/* In chronological order; only ever moves forward. */
typedef enum {
    SSLX_ST_INIT,        /* filters installed, nothing read yet */
    SSLX_ST_HANDSHAKE,   /* GnuTLS handshake in progress */
    SSLX_ST_TRAFFIC,     /* handshake done, application data flows */
    SSLX_ST_PLAIN_HTTP,  /* client spoke HTTP: TLS filters removed */
    SSLX_ST_CLOSED,      /* close_notify sent, or connection failed */
} sslx_conn_state_t;

/* Facts about the session, computed once on first use. */
typedef struct {
    const char *protocol;       /* "TLSv1.3" */
    const char *cipher;         /* OpenSSL name */
    const char *session_id;     /* upper-case hex */
    gnutls_x509_crt_t server_crt;
    gnutls_datum_t server_der;
    /* The client's certificate, kept once the client has sent one; a
     * new handshake may bring another: sslx_vars_forget_session()
     * drops it with client_pool (a subpool of c->pool). */
    apr_pool_t *client_pool;
    gnutls_x509_crt_t client_crt;
    gnutls_datum_t client_der;
} sslx_facts_t;

typedef struct {
    conn_rec *c;
    gnutls_session_t session;
    /* Set on connections to a backend (sslx_proxy.c), which are TLS
     * clients; NULL on connections from clients. */
    struct sslx_client_t *client;
    sslx_conn_state_t state;
    server_rec *server;         /* vhost chosen by SNI, else base server */
    const sslx_tls_t *tls;      /* that vhost's credentials and priority */
    /* The parsed leaves of the credentials this session was given: the
     * configuration's, or a reload's (sslx_reload.c). */
    const apr_array_header_t *leaves;
    const char *sni;            /* server name the client sent, or NULL */
    const char *alpn;           /* protocol chosen via ALPN, or NULL */
    unsigned client_max_version; /* highest the ClientHello offers */
    int hello_seen;             /* the first ClientHello fixed the vhost */
    int renegotiating;          /* in a TLS 1.2 renegotiation the server
                                 * started (sslx_io_reauthenticate) */
    int hello_asks_ticket;      /* its ClientHello has a session_ticket
                                 * extension */
    int challenge;              /* the handshake answered an ACME
                                 * challenge (sslx_md.c): no request is
                                 * served */
    int pull_would_block;       /* the last pull found nothing to read */

    apr_bucket_brigade *raw_in;   /* ciphertext read, not yet pulled */
    apr_bucket_brigade *raw_out;  /* ciphertext pushed, not yet passed on */
    apr_bucket_brigade *plain_in; /* decrypted, not yet consumed */
    ap_filter_t *in_filter;
    ap_filter_t *out_filter;
    apr_read_type_e block;        /* blocking mode for the current pull */
    apr_status_t in_status;       /* last error from the filters below */
    apr_status_t out_status;
    int peer_closed;              /* the client closed its side: GnuTLS
                                   * writes nothing more */
    int shutdown;                 /* SSLX_SHUTDOWN_*: how the connection
                                   * ends (the ssl-*-shutdown variables) */

    sslx_facts_t facts;

    /* Client certificate (sslx_verify.c). */
    int verify_mode;            /* SSLX_VERIFY_* the next certificate
                                 * the client sends is held to */
    const char *verify_result;  /* SSL_CLIENT_VERIFY: NONE, SUCCESS,
                                 * GENEROUS or FAILED:reason; NULL until
                                 * a certificate was asked for */
    int verify_depth;           /* SSLXVerifyDepth for that check */
    int verify_alert;           /* alert for a rejected certificate */
} sslx_conn_t;

/* How a connection ends, as mod_ssl's request variables say:
 * close_notify sent (standard), not sent ("ssl-unclean-shutdown", for
 * clients that choke on it), or sent and the client's awaited
 * ("ssl-accurate-shutdown"). */
#define SSLX_SHUTDOWN_STANDARD  0
#define SSLX_SHUTDOWN_UNCLEAN   1
#define SSLX_SHUTDOWN_ACCURATE  2

/* The TLS state for c, following c->master; NULL if not a TLS conn. */
sslx_conn_t *sslx_conn_get(const conn_rec *c);

/* pre_connection: set up TLS for connections to a TLS vhost. */
int sslx_conn_pre_connection(conn_rec *c, void *csd);

/* The record of c, made if it has none yet. */
sslx_conn_t *sslx_conn_make(conn_rec *c);

/* A GnuTLS session (gnutls_init flags), ended with c, and the
 * connection filters.  Returns 0 or a GnuTLS error, logged. */
int sslx_conn_attach(sslx_conn_t *sc, unsigned flags);

/* Switch the session to another vhost's settings (SNI). */
int sslx_conn_use_vhost(sslx_conn_t *sc, server_rec *s);

/* Once the ClientHello is read: a client offering TLS 1.3 gets the
 * vhost's TLS 1.3 priority when it has one.  0 or a GnuTLS error. */
int sslx_conn_use_priority(sslx_conn_t *sc);

/* ssl_conn_is_ssl hook. */
int sslx_conn_is_ssl(conn_rec *c);

/* Names of the connection filters. */
#define SSLX_FILTER_NAME "SSLX"

#endif /* SSLX_CONN_H */
