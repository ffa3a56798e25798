/* sslx_transport.h - GnuTLS's push and pull over the connection's
 * brigades (sslx_conn_t raw_in, raw_out). */
#ifndef SSLX_TRANSPORT_H
#define SSLX_TRANSPORT_H

#include <apr_errno.h>

#include "sslx_conn.h"

/* The largest TLS record's plaintext. */
#define SSLX_RECORD_MAX      16384

/* The session of sc reads and writes through sc's brigades. */
void sslx_transport_bind(sslx_conn_t *sc);

/* Passes raw_out down the filter chain (with a FLUSH when flush is set,
 * even if raw_out is empty); a failure is kept in sc->out_status. */
apr_status_t sslx_transport_pass(sslx_conn_t *sc, int flush);

#endif /* SSLX_TRANSPORT_H */
