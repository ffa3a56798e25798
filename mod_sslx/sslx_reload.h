/* sslx_reload.h - SSLXCertificateReload: certificates and keys renewed
 * on disk, picked up by running children for new handshakes.
 */
#ifndef SSLX_RELOAD_H
#define SSLX_RELOAD_H

#include <httpd.h>
#include <gnutls/gnutls.h>

#include "sslx_config.h"

/* child_init: each TLS identity of a vhost with SSLXCertificateReload
 * gets this child's state (tls->reload). */
void sslx_reload_child_init(apr_pool_t *pchild, server_rec *s);

/* The credentials and parsed leaves a new handshake of connection c
 * with tls uses: the configuration's, or the newest good pair found on
 * disk (looked for at most once per interval).  They stay valid until
 * c->pool is cleared, whatever is reloaded meanwhile. */
void sslx_reload_acquire(const sslx_tls_t *tls, conn_rec *c,
                         gnutls_certificate_credentials_t *pcreds,
                         const apr_array_header_t **pleaves);

#endif /* SSLX_RELOAD_H */
