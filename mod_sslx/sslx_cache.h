/* sslx_cache.h - session resumption: the inter-process session cache for
 * TLS <= 1.2 session IDs (any mod_socache provider), and per session the
 * switch for session tickets (TLS 1.2 tickets, TLS 1.3 resumption), with
 * the keys sslx_ticket.c keeps.
 *
 * The server-wide state is prepared in post_config and hung off every
 * vhost's server record ("cache" in sslx_srv_conf_t); a session picks up
 * its vhost's timeout and ticket setting once the vhost is final.
 */
#ifndef SSLX_CACHE_H
#define SSLX_CACHE_H

#include <apr_global_mutex.h>
#include <ap_socache.h>
#include <gnutls/gnutls.h>
#include <httpd.h>

/* Mutex type, configurable with "Mutex ... sslx-cache". */
#define SSLX_CACHE_MUTEX_TYPE "sslx-cache"

/* SSLXSessionCacheTimeout when not configured, in seconds (mod_ssl's). */
#define SSLX_CACHE_DEFAULT_TIMEOUT 300

/* Server-wide resumption state, owned by pconf. */
struct sslx_cache_t {
    const ap_socache_provider_t *provider; /* NULL: no session cache */
    ap_socache_instance_t *instance;
    const char *spec;                      /* SSLXSessionCache, for logs */
    server_rec *server;                    /* main server, for the provider */
    apr_global_mutex_t *mutex;             /* NOTMPSAFE providers only */
    struct sslx_ticket_keys_t *tickets;    /* sslx_ticket.c */
};
typedef struct sslx_cache_t sslx_cache_t;

/* pre_config: register the "sslx-cache" mutex type. */
int sslx_cache_pre_config(apr_pool_t *pconf);

/* post_config: the ticket keys (through sslx_ticket.c), socache init,
 * global mutex; publishes the state on every server record. */
int sslx_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s);

/* child_init: reattach the global mutex in the child. */
void sslx_cache_child_init(apr_pool_t *pchild, server_rec *s);

/* register_hooks: the session cache's section of mod_status. */
void sslx_cache_register_hooks(void);

/* monitor (parent): the scheduled ticket key rotation. */
int sslx_cache_monitor(apr_pool_t *p, server_rec *s);

/* Apply vhost s's resumption settings to a server session of c: cache
 * callbacks, lifetime and, when on, session tickets.  Call it once the
 * vhost is final (the ClientHello hook, after SNI); calling it again for
 * the same session is harmless.  ticket_name: the first
 * SSLX_TICKET_NAME_SIZE bytes (sslx_ticket.h) of the ticket the client
 * offers, or NULL.  Returns 0 or a GnuTLS error code, which it has
 * logged. */
int sslx_cache_session_init(gnutls_session_t session, conn_rec *c,
                            server_rec *s, const unsigned char *ticket_name);

/* An entry of the session cache under a key of the caller's (sessions
 * to backends, sslx_proxy.c): APR_ENOSPC when there is no cache or the
 * entry is too large; fetch copies into p. */
apr_status_t sslx_cache_store(const sslx_cache_t *cache, conn_rec *c,
                              const unsigned char *key, unsigned klen,
                              const gnutls_datum_t *data, apr_time_t expiry);
apr_status_t sslx_cache_fetch(const sslx_cache_t *cache, conn_rec *c,
                              const unsigned char *key, unsigned klen,
                              apr_pool_t *p, gnutls_datum_t *found);

/* A server-initiated renegotiation must be a full handshake: no lookup
 * in the session cache for the rest of this session. */
void sslx_cache_forbid_resumption(gnutls_session_t session);

#endif /* SSLX_CACHE_H */
