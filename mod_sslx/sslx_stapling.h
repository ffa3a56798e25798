/* sslx_stapling.h - OCSP stapling of the server's own certificates:
 * responses fetched off the handshake path, kept in the stapling cache
 * (SSLXStaplingCache) and stapled from there. */
#ifndef SSLX_STAPLING_H
#define SSLX_STAPLING_H

#include <httpd.h>
#include <apr_pools.h>
#include <apr_tables.h>

/* The watchdog that refreshes the responses in one child at a time. */
#define SSLX_STAPLING_WATCHDOG "_sslx_stapling_"

/* pre_config: register the mutex type. */
int sslx_stapling_pre_config(apr_pool_t *pconf);

/* check_config (after the vhosts' credentials are built): which
 * certificates are stapled and from where, response files loaded, the
 * status callback set on the credentials.  OK or an error status. */
int sslx_stapling_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp, server_rec *s);

/* post_config: the stapling cache, and the watchdog that fills it. */
int sslx_stapling_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s);

/* A stapled certificate as mod_status shows it. */
typedef struct {
    const char *subject;
    const char *responder;      /* the URL asked */
    const char *state;          /* "good", "error response" (revoked,
                                 * unknown, a responder error), "none"
                                 * (the last fetch failed), "not fetched" */
    apr_int64_t this_update;    /* seconds; 0: none */
    apr_int64_t next_update;    /* seconds; <= 0: none */
} sslx_stapling_report_t;

/* The certificates stapled from the stapling cache (response files are
 * not among them), each with what the cache holds now: an array of
 * sslx_stapling_report_t from p, empty when nothing is stapled. */
apr_array_header_t *sslx_stapling_report(server_rec *s, apr_pool_t *p);

/* child_init: the stapling cache's mutex in the child. */
void sslx_stapling_child_init(apr_pool_t *pchild, server_rec *s);

#endif /* SSLX_STAPLING_H */
