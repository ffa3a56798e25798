/* sslx_init.h - configuration-time preparation of every TLS vhost. */
#ifndef SSLX_INIT_H
#define SSLX_INIT_H

#include "sslx_config.h"

/* check_config: load credentials and priorities for every vhost with
 * SSLXEngine on; runs before "apachectl -t" reports, so bad files fail
 * the syntax check.  Returns OK or an HTTP error status. */
int sslx_init_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s);

/* The credentials of a vhost with configuration sc: its certificate/key
 * pairs, the CA names its certificate requests advertise, DH parameters;
 * the parsed leaves (sslx_leaf_t) in step with the pairs loaded.  Both
 * belong to ld->owner.  Returns NULL, or a message (from ld->scratch)
 * naming the directive, file and reason. */
const char *sslx_init_build_creds(const sslx_cert_load_t *ld,
                                  const sslx_srv_conf_t *sc,
                                  gnutls_certificate_credentials_t *pcreds,
                                  apr_array_header_t **pleaves);

/* post_config: version banner and GnuTLS debug routing. */
int sslx_init_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);

#endif /* SSLX_INIT_H */
