/* sslx_io.h - the connection filters that carry TLS records between the
 * network and httpd. */
#ifndef SSLX_IO_H
#define SSLX_IO_H

#include "sslx_conn.h"

/* Register the "SSLX" input and output connection filters. */
void sslx_io_register_filters(void);

/* process_connection: drive the handshake with an AP_MODE_INIT read so
 * SNI and ALPN are settled before any protocol module reads. */
int sslx_io_process_connection(conn_rec *c);

/* Ask the client for a certificate on an established connection: TLS 1.3
 * post-handshake authentication, or a TLS 1.2 renegotiation.  The
 * certificate is judged by the verification callback as it arrives.
 * A TLS 1.2 renegotiation uses priority, or the vhost's when NULL.
 * APR_SUCCESS when the exchange completed (look at the verification
 * result), APR_EACCES when it failed but a response can still be sent,
 * anything else when the connection is lost. */
apr_status_t sslx_io_reauthenticate(sslx_conn_t *sc,
                                    gnutls_priority_t priority);

#endif /* SSLX_IO_H */
