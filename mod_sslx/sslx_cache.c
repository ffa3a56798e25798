/* sslx_cache.c - session resumption.  Owns the session cache behind
 * GnuTLS's session database callbacks and the per-session switches for
 * resumption: cache callbacks, session lifetime, tickets on or off.  The
 * ticket keys are sslx_ticket.c's; this file asks it for a session's key.
 *
 * GnuTLS splits resumption in two.  TLS <= 1.2 session IDs are looked up
 * through gnutls_db_* callbacks, which we serve from the mod_socache
 * provider named by SSLXSessionCache (shmcb, dbm, memcache, redis, ...)
 * so that every child sees every session; providers that are not safe
 * for concurrent use are serialised with the "sslx-cache" global mutex.
 * Session tickets (TLS 1.2 tickets and all TLS 1.3 resumption) need no
 * storage, only the keys of sslx_ticket.c.
 *
 * The provider instance is created by the directive (sslx_config.c) and
 * initialised here in post_config with its destroy registered on pconf.
 * A session is set up only once its vhost is final: GnuTLS cannot turn
 * tickets off again once they are enabled on a session.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_file_io.h>
#include <http_core.h>
#include <ap_provider.h>
#include <util_mutex.h>
#include <http_protocol.h>
#include <mod_status.h>

#include <gnutls/crypto.h>

#include "sslx_cache.h"
#include "sslx_config.h"
#include "sslx_init.h"
#include "sslx_counters.h"
#include "sslx_log.h"
#include "sslx_ticket.h"

/* Namespace of our entries in the provider (at most 16 characters). */
#define SSLX_CACHE_NAMESPACE "mod_sslx-sess"

/* Largest packed session we store; retrieve buffers have this size.
 * GnuTLS packs the peer's certificate chain into the session, so client
 * certificates make entries of several kilobytes. */
#define SSLX_CACHE_MAX_ENTRY (16 * 1024)

/* Per-session state, the "db ptr" GnuTLS hands to our callbacks. */
typedef struct {
    conn_rec *c;
    server_rec *s;              /* the vhost the session belongs to */
    const sslx_cache_t *cache;
    int timeout;                /* seconds */
    int tickets_on;             /* tickets enabled on this session */
    int no_resume;              /* a renegotiation: never resume */
    const unsigned char *context; /* SSLX_SESSION_CONTEXT_SIZE bytes: the
                                   * vhost's TLS settings */
} sess_ctx_t;

/* mod_ssl's mutex names, so "Mutex ... ssl-cache" in a mod_ssl
 * configuration is understood; without mod_ssl they are mod_sslx's. */
static const char *const modssl_mutex_types[] = { "ssl-cache",
                                                  "ssl-stapling" };

int sslx_cache_pre_config(apr_pool_t *pconf)
{
    apr_status_t rv;
    size_t i;

    rv = ap_mutex_register(pconf, SSLX_CACHE_MUTEX_TYPE, NULL,
                           APR_LOCK_DEFAULT, 0);
    for (i = 0; rv == APR_SUCCESS && !sslx_config_modssl_loaded()
                && i < sizeof(modssl_mutex_types) / sizeof(char *); i++) {
        rv = ap_mutex_register(pconf, modssl_mutex_types[i], NULL,
                               APR_LOCK_DEFAULT, 0);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, NULL, SSLXLOGNO(01617)
                     "cannot register the %s mutex type",
                     SSLX_CACHE_MUTEX_TYPE);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* Does a Mutex directive anywhere in the configuration name type? */
static int mutex_configured(const ap_directive_t *d, const char *type)
{
    for (; d; d = d->next) {
        if ((!strcasecmp(d->directive, "Mutex") && d->args
             && ap_strstr_c(d->args, type))
            || mutex_configured(d->first_child, type)) {
            return 1;
        }
    }
    return 0;
}

/* The session cache's mutex follows "Mutex ... sslx-cache", else a
 * mod_ssl configuration's "Mutex ... ssl-cache". */
static const char *cache_mutex_type(void)
{
    if (!sslx_config_modssl_loaded()
        && !mutex_configured(ap_conftree, SSLX_CACHE_MUTEX_TYPE)
        && mutex_configured(ap_conftree, "ssl-cache")) {
        return "ssl-cache";
    }
    return SSLX_CACHE_MUTEX_TYPE;
}

/* ---- the session cache --------------------------------------------- */

static apr_status_t destroy_socache(void *data)
{
    sslx_cache_t *cache = data;

    cache->provider->destroy(cache->instance, cache->server);
    return APR_SUCCESS;
}

static int init_socache(apr_pool_t *pconf, server_rec *s,
                        sslx_cache_t *cache)
{
    struct ap_socache_hints *hints = apr_pcalloc(pconf, sizeof(*hints));
    apr_status_t rv;

    if (cache->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&cache->mutex, NULL,
                                    cache_mutex_type(), NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SSLXLOGNO(01606)
                         "cannot create the %s mutex for session cache "
                         "'%s'", SSLX_CACHE_MUTEX_TYPE, cache->spec);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    hints->avg_id_len = 32;
    hints->avg_obj_size = 1500;
    hints->expiry_interval = apr_time_from_sec(30);
    rv = cache->provider->init(cache->instance, SSLX_CACHE_NAMESPACE, hints,
                               s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SSLXLOGNO(01607)
                     "cannot initialise session cache '%s'", cache->spec);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, cache, destroy_socache,
                              apr_pool_cleanup_null);
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(01608)
                 "session cache '%s' ready%s", cache->spec,
                 cache->mutex ? " (with the " SSLX_CACHE_MUTEX_TYPE
                 " mutex)" : "");
    return OK;
}

static int any_tls_vhost(server_rec *s)
{
    for (; s != NULL; s = s->next) {
        if (sslx_config_srv(s)->tls) {
            return 1;
        }
    }
    return 0;
}

static int derive_contexts(apr_pool_t *pconf, server_rec *s);

/* The longest lifetime any vhost gives its sessions, in seconds. */
static int longest_timeout(server_rec *s)
{
    int longest = 0, t;

    for (; s != NULL; s = s->next) {
        t = sslx_config_srv(s)->session_timeout;
        t = t == SSLX_UNSET ? SSLX_CACHE_DEFAULT_TIMEOUT : t;
        longest = t > longest ? t : longest;
    }
    return longest;
}

/* SSLXSessionTicketKeyRotation, or by default a period no ticket
 * outlives. */
static apr_int64_t rotation_period(server_rec *s)
{
    const sslx_srv_conf_t *base = sslx_config_srv(s);
    int longest = longest_timeout(s);

    if (base->ticket_rotation == SSLX_UNSET) {
        return longest > SSLX_TICKET_DEFAULT_ROTATION
               ? longest : SSLX_TICKET_DEFAULT_ROTATION;
    }
    if (base->ticket_rotation && base->ticket_rotation < longest) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, SSLXLOGNO(01619)
                     "SSLXSessionTicketKeyRotation %d is shorter than the "
                     "longest SSLXSessionCacheTimeout (%d): tickets stop "
                     "resuming one to two rotations after they are made",
                     base->ticket_rotation, longest);
    }
    return base->ticket_rotation;
}

/* mod_ssl takes SSLSessionTicketKeyFile per vhost; mod_sslx keeps one
 * ticket key for the server (each vhost's tickets are kept apart by its
 * own derived key), so vhosts may name it but only one file. */
static const char *ticket_key_file(server_rec *s, const char **perr,
                                   apr_pool_t *p)
{
    const char *file = NULL, *f;
    server_rec *vs;

    *perr = NULL;
    for (vs = s; vs != NULL; vs = vs->next) {
        f = sslx_config_srv(vs)->ticket_key_file;
        if (f && file && strcmp(f, file) != 0) {
            *perr = apr_psprintf(p, "SSLXSessionTicketKeyFile: '%s' and "
                                 "'%s' in different vhosts; mod_sslx keeps "
                                 "one ticket key file for the whole server "
                                 "(tickets stay apart per vhost anyway)",
                                 file, f);
            return NULL;
        }
        file = f ? f : file;
    }
    return file;
}

int sslx_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s)
{
    const sslx_srv_conf_t *base = sslx_config_srv(s);
    sslx_cache_t *cache = apr_pcalloc(pconf, sizeof(*cache));
    const char *key_file, *err;
    server_rec *vs;
    int rv;

    (void)plog;
    key_file = ticket_key_file(s, &err, ptemp);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                     SSLXLOGNO(01620) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (vs = s; vs != NULL; vs = vs->next) {
        sslx_config_srv(vs)->cache = cache;
    }
    if (!any_tls_vhost(s)) {
        return OK;
    }
    rv = sslx_ticket_post_config(pconf, ptemp, s, key_file,
                                 rotation_period(s), &cache->tickets);
    if (rv != OK || (rv = derive_contexts(pconf, s)) != OK) {
        return rv;
    }
    cache->server = s;
    cache->spec = base->cache_spec ? base->cache_spec : "none";
    cache->provider = base->cache_provider;
    cache->instance = base->cache_instance;
    if (!cache->provider) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, SSLXLOGNO(01609)
                     "no SSLXSessionCache: TLS 1.2 clients resume only "
                     "with session tickets");
        return OK;
    }
    return init_socache(pconf, s, cache);
}

void sslx_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    sslx_cache_t *cache = sslx_config_srv(s)->cache;
    apr_status_t rv;

    if (cache && cache->tickets) {
        sslx_ticket_child_init(cache->tickets, pchild, s);
    }
    if (!cache || !cache->mutex) {
        return;
    }
    rv = apr_global_mutex_child_init(&cache->mutex,
                                     apr_global_mutex_lockfile(cache->mutex),
                                     pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SSLXLOGNO(01610)
                     "cannot attach to the %s mutex in the child; the "
                     "session cache is off in this process",
                     SSLX_CACHE_MUTEX_TYPE);
        cache->mutex = NULL;
        cache->provider = NULL;
    }
}

int sslx_cache_monitor(apr_pool_t *p, server_rec *s)
{
    sslx_cache_t *cache = sslx_config_srv(s)->cache;

    (void)p;
    if (cache && cache->tickets) {
        sslx_ticket_monitor(cache->tickets, s);
    }
    return DECLINED;
}

static apr_status_t cache_lock(const sslx_cache_t *cache, conn_rec *c)
{
    apr_status_t rv;

    if (!cache->mutex) {
        return APR_SUCCESS;
    }
    if ((rv = apr_global_mutex_lock(cache->mutex)) != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, rv, c, SSLXLOGNO(01611)
                      "cannot lock the %s mutex", SSLX_CACHE_MUTEX_TYPE);
    }
    return rv;
}

static void cache_unlock(const sslx_cache_t *cache, conn_rec *c)
{
    apr_status_t rv;

    if (!cache->mutex) {
        return;
    }
    if ((rv = apr_global_mutex_unlock(cache->mutex)) != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, rv, c, SSLXLOGNO(01612)
                      "cannot unlock the %s mutex", SSLX_CACHE_MUTEX_TYPE);
    }
}

/* mod_status: the provider's own report, under the heading mod_ssl
 * uses, so that scripts reading "?auto" find it where they expect. */
static int cache_status(request_rec *r, int flags)
{
    const sslx_cache_t *cache = sslx_config_srv(r->server)->cache;

    if (!cache || !cache->provider) {
        return OK;
    }
    ap_rputs(flags & AP_STATUS_SHORT ? "TLSSessionCacheStatus\n"
             : "<hr>\n<h2>SSL/TLS Session Cache Status (mod_sslx):</h2>\n",
             r);
    if (cache_lock(cache, r->connection) == APR_SUCCESS) {
        cache->provider->status(cache->instance, r, flags);
        cache_unlock(cache, r->connection);
    }
    return OK;
}

void sslx_cache_register_hooks(void)
{
    APR_OPTIONAL_HOOK(ap, status_hook, cache_status, NULL, NULL,
                      APR_HOOK_MIDDLE);
}

/* ---- GnuTLS session database callbacks ------------------------------ */


/* The cache key: the session's TLS context, then GnuTLS's session id,
 * so a session never resumes under other vhost settings. */
static unsigned char *context_key(apr_pool_t *p, const sess_ctx_t *ctx,
                                  const gnutls_datum_t *id, unsigned *plen)
{
    unsigned char *key = apr_palloc(p, SSLX_SESSION_CONTEXT_SIZE + id->size);

    memcpy(key, ctx->context, SSLX_SESSION_CONTEXT_SIZE);
    memcpy(key + SSLX_SESSION_CONTEXT_SIZE, id->data, id->size);
    *plen = SSLX_SESSION_CONTEXT_SIZE + id->size;
    return key;
}

apr_status_t sslx_cache_store(const sslx_cache_t *cache, conn_rec *c,
                              const unsigned char *key, unsigned klen,
                              const gnutls_datum_t *data, apr_time_t expiry)
{
    apr_pool_t *scratch;
    apr_status_t rv;

    if (!cache || !cache->provider || data->size > SSLX_CACHE_MAX_ENTRY) {
        return APR_ENOSPC;
    }
    if ((rv = apr_pool_create(&scratch, c->pool)) != APR_SUCCESS) {
        return rv;
    }
    if ((rv = cache_lock(cache, c)) == APR_SUCCESS) {
        rv = cache->provider->store(cache->instance, cache->server,
                                    key, klen, expiry, data->data,
                                    data->size, scratch);
        cache_unlock(cache, c);
    }
    apr_pool_destroy(scratch);
    return rv;
}

apr_status_t sslx_cache_fetch(const sslx_cache_t *cache, conn_rec *c,
                              const unsigned char *key, unsigned klen,
                              apr_pool_t *p, gnutls_datum_t *found)
{
    unsigned int len = SSLX_CACHE_MAX_ENTRY;
    unsigned char *buf;
    apr_status_t rv;

    if (!cache || !cache->provider) {
        return APR_NOTFOUND;
    }
    buf = apr_palloc(p, len);
    if ((rv = cache_lock(cache, c)) == APR_SUCCESS) {
        rv = cache->provider->retrieve(cache->instance, cache->server, key,
                                       klen, buf, &len, p);
        cache_unlock(cache, c);
    }
    if (rv == APR_SUCCESS) {
        found->data = buf;
        found->size = len;
    }
    return rv;
}

static int db_store(void *ptr, gnutls_datum_t key, gnutls_datum_t data)
{
    sess_ctx_t *ctx = ptr;
    apr_time_t expiry = apr_time_now() + apr_time_from_sec(ctx->timeout);
    apr_pool_t *scratch;
    unsigned char *ckey;
    unsigned klen;
    apr_status_t rv;

    if (apr_pool_create(&scratch, ctx->c->pool) != APR_SUCCESS) {
        return -1;
    }
    ckey = context_key(scratch, ctx, &key, &klen);
    rv = sslx_cache_store(ctx->cache, ctx->c, ckey, klen, &data, expiry);
    apr_pool_destroy(scratch);
    if (rv == APR_ENOSPC) {
        ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, ctx->c, "session of %u "
                      "bytes not cached", data.size);
        return -1;
    }
    if (rv != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->c, SSLXLOGNO(01613)
                      "session cache '%s': cannot store a session of %u "
                      "bytes", ctx->cache->spec, data.size);
        return -1;
    }
    ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, ctx->c, "session stored "
                  "(%u bytes, %d s)", data.size, ctx->timeout);
    sslx_counters_add(ctx->s, SSLX_CNT_CACHE_STORE);
    return 0;
}

/* GnuTLS frees what we return with gnutls_free(). */
static gnutls_datum_t db_retrieve(void *ptr, gnutls_datum_t key)
{
    sess_ctx_t *ctx = ptr;
    gnutls_datum_t found = { NULL, 0 }, entry;
    unsigned char *ckey;
    unsigned klen;
    apr_pool_t *scratch;
    apr_status_t rv;

    if (ctx->no_resume
        || apr_pool_create(&scratch, ctx->c->pool) != APR_SUCCESS) {
        return found;
    }
    ckey = context_key(scratch, ctx, &key, &klen);
    rv = sslx_cache_fetch(ctx->cache, ctx->c, ckey, klen, scratch, &entry);
    if (rv == APR_SUCCESS
        && (found.data = gnutls_malloc(entry.size)) != NULL) {
        memcpy(found.data, entry.data, entry.size);
        found.size = entry.size;
    }
    apr_pool_destroy(scratch);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_NOTFOUND(rv)) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->c, SSLXLOGNO(01614)
                      "session cache '%s': lookup failed", ctx->cache->spec);
    }
    ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, ctx->c, "session lookup: %s",
                  found.data ? "found" : "not found");
    sslx_counters_add(ctx->s, found.data ? SSLX_CNT_CACHE_HIT
                                         : SSLX_CNT_CACHE_MISS);
    return found;
}

static int db_remove(void *ptr, gnutls_datum_t key)
{
    sess_ctx_t *ctx = ptr;
    const sslx_cache_t *cache = ctx->cache;
    apr_pool_t *scratch;
    unsigned char *ckey;
    unsigned klen;
    apr_status_t rv;

    if (!cache->provider
        || apr_pool_create(&scratch, ctx->c->pool) != APR_SUCCESS) {
        return -1;
    }
    ckey = context_key(scratch, ctx, &key, &klen);
    if ((rv = cache_lock(ctx->cache, ctx->c)) == APR_SUCCESS) {
        rv = cache->provider->remove(cache->instance, ctx->s, ckey, klen,
                                     scratch);
        cache_unlock(ctx->cache, ctx->c);
    }
    apr_pool_destroy(scratch);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_NOTFOUND(rv)) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->c, SSLXLOGNO(01615)
                      "session cache '%s': cannot remove a session",
                      cache->spec);
        return -1;
    }
    sslx_counters_add(ctx->s, SSLX_CNT_CACHE_REMOVE);
    return 0;
}

/* ---- per session ---------------------------------------------------- */

static int enable_tickets(gnutls_session_t session, sess_ctx_t *ctx,
                          const sslx_tls_t *tls,
                          const unsigned char *ticket_name)
{
    unsigned char key[SSLX_TICKET_KEY_SIZE];
    gnutls_datum_t datum = { key, sizeof(key) };
    int rv;

    rv = sslx_ticket_session_key(ctx->cache->tickets, tls->identity,
                                 ctx->timeout, ticket_name, key);
    if (rv >= 0) {
        rv = gnutls_session_ticket_enable_server(session, &datum);
    }
    gnutls_memset(key, 0, sizeof(key));
    /* A session without tickets still works: a full handshake next time.
     * No keys at all in this process was logged once, at child_init. */
    if (rv < 0 && rv != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, ctx->c, SSLXLOGNO(01616)
                      "%s", sslx_log_describe(ctx->c->pool, "enabling "
                                              "session tickets", rv));
    }
    ctx->tickets_on = rv >= 0;
    return 0;
}

int sslx_cache_session_init(gnutls_session_t session, conn_rec *c,
                            server_rec *s, const unsigned char *ticket_name)
{
    const sslx_srv_conf_t *conf = sslx_config_srv(s);
    sess_ctx_t *ctx = gnutls_db_get_ptr(session);

    if (!conf->cache || !conf->tls || !conf->cache->tickets) {
        return 0;   /* no TLS vhost at post_config: nothing prepared */
    }
    if (!ctx) {
        ctx = apr_pcalloc(c->pool, sizeof(*ctx));
        ctx->c = c;
        gnutls_db_set_ptr(session, ctx);
    }
    ctx->s = s;
    ctx->cache = conf->cache;
    ctx->context = conf->tls->session_context;
    ctx->timeout = conf->session_timeout == SSLX_UNSET
                   ? SSLX_CACHE_DEFAULT_TIMEOUT : conf->session_timeout;
    if (ctx->timeout == 0) {
        return 0;   /* sessions that live 0 seconds: no resumption */
    }
    gnutls_db_set_cache_expiration(session, ctx->timeout);
    if (ctx->cache->provider) {
        gnutls_db_set_retrieve_function(session, db_retrieve);
        gnutls_db_set_store_function(session, db_store);
        gnutls_db_set_remove_function(session, db_remove);
    }
    if (conf->session_tickets != 0 && !ctx->tickets_on) {
        return enable_tickets(session, ctx, conf->tls, ticket_name);
    }
    return 0;
}

void sslx_cache_forbid_resumption(gnutls_session_t session)
{
    sess_ctx_t *ctx = gnutls_db_get_ptr(session);

    if (ctx) {
        ctx->no_resume = 1;
    }
}

/* Each distinct set of TLS settings gets its own prefix (the first
 * SSLX_SESSION_CONTEXT_SIZE bytes of a hash of its identity) in the
 * session cache (and its own ticket key, sslx_ticket.c). */
static int derive_contexts(apr_pool_t *pconf, server_rec *s)
{
    unsigned char digest[32];
    sslx_tls_t *tls;
    int rv;

    for (; s != NULL; s = s->next) {
        tls = sslx_config_srv(s)->tls;
        if (!tls) {
            continue;
        }
        rv = gnutls_hash_fast(GNUTLS_DIG_SHA256, tls->identity,
                              strlen(tls->identity), digest);
        if (rv < 0) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(01618)
                         "%s", sslx_log_describe(pconf, "deriving a "
                                                 "vhost's session context",
                                                 rv));
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        memcpy(tls->session_context, digest, sizeof(tls->session_context));
    }
    return OK;
}
