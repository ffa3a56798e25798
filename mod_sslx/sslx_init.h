/* sslx_init.h - configuration-time preparation of every TLS vhost. */
#ifndef SSLX_INIT_H
#define SSLX_INIT_H

/* check_config: load credentials and priorities for every vhost with
 * SSLXEngine on; runs before "apachectl -t" reports, so bad files fail
 * the syntax check.  Returns OK or an HTTP error status. */
int sslx_init_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s);

/* post_config: version banner and GnuTLS debug routing. */
int sslx_init_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);

#endif /* SSLX_INIT_H */
