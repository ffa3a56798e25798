/* sslx_reload.h - SSLXCertificateReload: certificates and keys renewed
 * on disk, picked up by running children for new handshakes.
 */
#ifndef SSLX_RELOAD_H
#define SSLX_RELOAD_H

#include <httpd.h>
#include <gnutls/gnutls.h>

#include "sslx_config.h"

/* post_config: each TLS identity of a vhost with SSLXCertificateReload
 * gets its state (tls->reload), which the parent's monitor hook and each
 * child use. */
int sslx_reload_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *s);

/* monitor (parent): look at the files when the interval is over, so
 * children forked later start with what is on disk. */
int sslx_reload_monitor(apr_pool_t *p, server_rec *s);

/* child_init: the child's own lock and pool; the parent's current pair
 * becomes the child's starting point. */
void sslx_reload_child_init(apr_pool_t *pchild, server_rec *s);

/* The credentials and parsed leaves a new handshake of connection c
 * with tls uses: the configuration's, or the newest good pair found on
 * disk (looked for at most once per interval).  They stay valid until
 * c->pool is cleared, whatever is reloaded meanwhile. */
void sslx_reload_acquire(const sslx_tls_t *tls, conn_rec *c,
                         gnutls_certificate_credentials_t *pcreds,
                         const apr_array_header_t **pleaves);

#endif /* SSLX_RELOAD_H */
