/* sslx_log.h - GnuTLS status codes as APR status codes, and the one way
 * mod_sslx logs a GnuTLS failure.
 */
#ifndef SSLX_LOG_H
#define SSLX_LOG_H

#include <apr_errno.h>

/* APR status for a GnuTLS return code: E_AGAIN/E_INTERRUPTED -> EAGAIN,
 * a peer that vanished -> ECONNABORTED/EOF, anything else -> EGENERAL. */
apr_status_t sslx_log_status(int gnutls_rv);

/* "<what>: <gnutls message> (<GNUTLS_E_NAME>)" allocated from p. */
const char *sslx_log_describe(apr_pool_t *p, const char *what,
                              int gnutls_rv);

/* Route GnuTLS's own debug log to httpd's TRACE levels when
 * "LogLevel sslx:trace4" (or higher) is set on the main server. */
void sslx_log_setup_gnutls_debug(server_rec *s);

#endif /* SSLX_LOG_H */
