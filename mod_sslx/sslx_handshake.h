/* sslx_handshake.h - decisions taken while the handshake runs: which
 * vhost a ClientHello is for, and what to do with alerts. */
#ifndef SSLX_HANDSHAKE_H
#define SSLX_HANDSHAKE_H

#include "sslx_conn.h"

/* Install the ClientHello hook that reads SNI and switches the session
 * to the named vhost before GnuTLS processes the hello. */
void sslx_handshake_setup(sslx_conn_t *sc);

/* Log a handshake or record-layer failure at INFO, naming any alert the
 * peer sent: a client can cause every one of them, and what a client
 * causes is no server error. */
void sslx_handshake_log_failure(sslx_conn_t *sc, const char *what, int rv);

/* After a successful handshake: switch to the protocol ALPN chose
 * (h2 hands the connection to mod_http2). */
void sslx_handshake_completed(sslx_conn_t *sc);

#endif /* SSLX_HANDSHAKE_H */
