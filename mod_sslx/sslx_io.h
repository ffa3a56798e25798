/* sslx_io.h - the connection filters that carry TLS records between the
 * network and httpd. */
#ifndef SSLX_IO_H
#define SSLX_IO_H

/* Register the "SSLX" input and output connection filters. */
void sslx_io_register_filters(void);

/* process_connection: drive the handshake with an AP_MODE_INIT read so
 * SNI and ALPN are settled before any protocol module reads. */
int sslx_io_process_connection(conn_rec *c);

#endif /* SSLX_IO_H */
