/* sslx_request.h - per-request checks and environment for TLS requests. */
#ifndef SSLX_REQUEST_H
#define SSLX_REQUEST_H

/* post_read_request: 400 for plain HTTP on a TLS port and for SNI without
 * Host, 403 under SSLXStrictSNIVHostCheck, 421 when the request's vhost
 * has TLS settings other than the handshake's. */
int sslx_request_check(request_rec *r);

/* fixups: HTTPS, SSL_TLS_SNI and SSLXOptions exports. */
int sslx_request_fixups(request_rec *r);

/* http_scheme / default_port for TLS connections. */
const char *sslx_request_scheme(const request_rec *r);
apr_port_t sslx_request_default_port(const request_rec *r);

#endif /* SSLX_REQUEST_H */
