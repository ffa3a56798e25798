/* sslx_verify.h - verifying the certificate a client presents. */
#ifndef SSLX_VERIFY_H
#define SSLX_VERIFY_H

#include "sslx_conn.h"

/* pre_connection (after sslx_conn's): verify client certificates of this
 * connection as they arrive, during the handshake or a re-handshake. */
int sslx_verify_pre_connection(conn_rec *c, void *csd);

/* SSL_CLIENT_VERIFY for the connection: NONE, SUCCESS, GENEROUS or
 * FAILED:reason, never NULL.  A resumed session's certificate is
 * verified on first use. */
const char *sslx_verify_result(sslx_conn_t *sc, apr_pool_t *p);

/* After a resumption: 0 when the session's client certificate (or its
 * absence) satisfies the vhost's SSLXVerifyClient today, else -1 with
 * sc->verify_alert set, as verify_peer() does in a full handshake. */
int sslx_verify_resumed(sslx_conn_t *sc);

/* 1 when the verification result satisfies SSLXVerifyClient mode. */
int sslx_verify_satisfies(const char *result, int mode);

#endif /* SSLX_VERIFY_H */
