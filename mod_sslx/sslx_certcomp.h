/* sslx_certcomp.h - certificate compression (RFC 8879) offered to
 * clients: SSLXCertificateCompression.
 */
#ifndef SSLX_CERTCOMP_H
#define SSLX_CERTCOMP_H

#include <httpd.h>
#include <gnutls/gnutls.h>

#include "sslx_config.h"

/* post_config: each vhost's methods, limited to those this GnuTLS was
 * built with (all of those when not configured); a warning for methods
 * configured but missing. */
int sslx_certcomp_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s);

/* Offer sc's methods on a server session (before the ClientHello is
 * processed).  Returns 0 or a GnuTLS error code. */
int sslx_certcomp_apply(gnutls_session_t session, const sslx_srv_conf_t *sc);

#endif /* SSLX_CERTCOMP_H */
