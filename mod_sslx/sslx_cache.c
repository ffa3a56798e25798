/* sslx_cache.c - session resumption.  Owns the session cache behind
 * GnuTLS's session database callbacks, the session ticket master key and
 * the per-session switches that use them.
 *
 * GnuTLS splits resumption in two.  TLS <= 1.2 session IDs are looked up
 * through gnutls_db_* callbacks, which we serve from the mod_socache
 * provider named by SSLXSessionCache (shmcb, dbm, memcache, redis, ...)
 * so that every child sees every session; providers that are not safe
 * for concurrent use are serialised with the "sslx-cache" global mutex.
 * Session tickets (TLS 1.2 tickets and all TLS 1.3 resumption) need no
 * storage but one 64-byte master key that every child shares: it is made
 * in the parent and kept in retained data, so tickets stay valid across
 * graceful restarts, or read from SSLXSessionTicketKeyFile so a cluster
 * of servers can resume each other's tickets.
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

#include <gnutls/crypto.h>

#include "sslx_cache.h"
#include "sslx_log.h"

/* Namespace of our entries in the provider (at most 16 characters). */
#define SSLX_CACHE_NAMESPACE "mod_sslx-sess"

/* Largest packed session we store; retrieve buffers have this size.
 * GnuTLS packs the peer's certificate chain into the session, so client
 * certificates make entries of several kilobytes. */
#define SSLX_CACHE_MAX_ENTRY (16 * 1024)

/* The retained ticket master key: made once per parent process. */
typedef struct {
    int ready;
    unsigned char key[SSLX_TICKET_KEY_SIZE];
} retained_key_t;

/* Per-session state, the "db ptr" GnuTLS hands to our callbacks. */
typedef struct {
    conn_rec *c;
    server_rec *s;              /* the vhost the session belongs to */
    const sslx_cache_t *cache;
    int timeout;                /* seconds */
    int tickets_on;             /* tickets enabled on this session */
    int no_resume;              /* a renegotiation: never resume */
    const unsigned char *context; /* 16 bytes: the vhost's TLS settings */
} sess_ctx_t;

int sslx_cache_pre_config(apr_pool_t *pconf)
{
    apr_status_t rv;

    rv = ap_mutex_register(pconf, SSLX_CACHE_MUTEX_TYPE, NULL,
                           APR_LOCK_DEFAULT, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, NULL, SSLXLOGNO(01617)
                     "cannot register the %s mutex type",
                     SSLX_CACHE_MUTEX_TYPE);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* ---- ticket master key --------------------------------------------- */

static apr_status_t wipe_key(void *data)
{
    gnutls_datum_t *key = data;

    if (key->data) {
        gnutls_memset(key->data, 0, key->size);
    }
    return APR_SUCCESS;
}

/* A fresh random key, generated only when the parent has none yet.  It
 * lives as long as the parent process: no cleanup may wipe it, since a
 * cleanup on the process pool would outlive this module's code (httpd
 * unloads modules with pconf, before the process pool goes). */
static int retained_ticket_key(server_rec *s, apr_pool_t *ptemp,
                               sslx_cache_t *cache)
{
    retained_key_t *rk = ap_retained_data_get(SSLX_CACHE_RETAINED_KEY);
    gnutls_datum_t fresh = { NULL, 0 };
    int rv;

    if (!rk) {
        rk = ap_retained_data_create(SSLX_CACHE_RETAINED_KEY, sizeof(*rk));
    }
    if (!rk->ready) {
        if ((rv = gnutls_session_ticket_key_generate(&fresh)) < 0) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(01601)
                         "%s", sslx_log_describe(ptemp, "generating the "
                                                 "session ticket key", rv));
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        if (fresh.size == sizeof(rk->key)) {
            memcpy(rk->key, fresh.data, sizeof(rk->key));
            rk->ready = 1;
        }
        gnutls_memset(fresh.data, 0, fresh.size);
        gnutls_free(fresh.data);
        if (!rk->ready) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(01602)
                         "GnuTLS made a session ticket key of %u bytes, "
                         "expected %d", fresh.size, SSLX_TICKET_KEY_SIZE);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(01603)
                     "generated a new session ticket master key");
    }
    cache->ticket_key.data = rk->key;
    cache->ticket_key.size = sizeof(rk->key);
    return OK;
}

static int key_file_error(server_rec *s, const char *path, const char *why)
{
    ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                 SSLXLOGNO(01604) "SSLXSessionTicketKeyFile: '%s': %s "
                 "(a GnuTLS ticket key file holds exactly %d random bytes)",
                 path, why, SSLX_TICKET_KEY_SIZE);
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* Read again at every (re)start, so replacing the file and restarting
 * gracefully rotates the key. */
static int file_ticket_key(apr_pool_t *pconf, apr_pool_t *ptemp,
                           server_rec *s, const char *path,
                           sslx_cache_t *cache)
{
    apr_file_t *fd;
    apr_finfo_t fi;
    apr_size_t got = 0;
    apr_status_t rv;
    char err[128];

    cache->ticket_key.data = apr_pcalloc(pconf, SSLX_TICKET_KEY_SIZE);
    cache->ticket_key.size = SSLX_TICKET_KEY_SIZE;
    apr_pool_cleanup_register(pconf, &cache->ticket_key, wipe_key,
                              apr_pool_cleanup_null);
    rv = apr_file_open(&fd, path, APR_READ | APR_BINARY, APR_OS_DEFAULT,
                       ptemp);
    if (rv != APR_SUCCESS) {
        return key_file_error(s, path, apr_strerror(rv, err, sizeof(err)));
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE, fd);
    if (rv == APR_SUCCESS && fi.size == SSLX_TICKET_KEY_SIZE) {
        rv = apr_file_read_full(fd, cache->ticket_key.data,
                                SSLX_TICKET_KEY_SIZE, &got);
    }
    apr_file_close(fd);
    if (rv != APR_SUCCESS) {
        return key_file_error(s, path, apr_strerror(rv, err, sizeof(err)));
    }
    if (got != SSLX_TICKET_KEY_SIZE) {
        return key_file_error(s, path, apr_psprintf(ptemp, "the file has "
                              "%" APR_OFF_T_FMT " bytes", fi.size));
    }
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(01605)
                 "session ticket master key read from %s", path);
    return OK;
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
                                    SSLX_CACHE_MUTEX_TYPE, NULL, s, pconf,
                                    0);
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

static int derive_contexts(apr_pool_t *pconf, server_rec *s,
                           const sslx_cache_t *cache);

int sslx_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s)
{
    const sslx_srv_conf_t *base = sslx_config_srv(s);
    sslx_cache_t *cache = apr_pcalloc(pconf, sizeof(*cache));
    server_rec *vs;
    int rv;

    (void)plog;
    for (vs = s; vs != NULL; vs = vs->next) {
        sslx_config_srv(vs)->cache = cache;
    }
    if (!any_tls_vhost(s)) {
        return OK;
    }
    rv = base->ticket_key_file
         ? file_ticket_key(pconf, ptemp, s, base->ticket_key_file, cache)
         : retained_ticket_key(s, ptemp, cache);
    if (rv != OK || (rv = derive_contexts(pconf, s, cache)) != OK) {
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

/* ---- GnuTLS session database callbacks ------------------------------ */

static apr_status_t cache_lock(const sess_ctx_t *ctx)
{
    apr_status_t rv;

    if (!ctx->cache->mutex) {
        return APR_SUCCESS;
    }
    if ((rv = apr_global_mutex_lock(ctx->cache->mutex)) != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, rv, ctx->c, SSLXLOGNO(01611)
                      "cannot lock the %s mutex", SSLX_CACHE_MUTEX_TYPE);
    }
    return rv;
}

static void cache_unlock(const sess_ctx_t *ctx)
{
    apr_status_t rv;

    if (!ctx->cache->mutex) {
        return;
    }
    if ((rv = apr_global_mutex_unlock(ctx->cache->mutex)) != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, rv, ctx->c, SSLXLOGNO(01612)
                      "cannot unlock the %s mutex", SSLX_CACHE_MUTEX_TYPE);
    }
}

/* The cache key: the session's TLS context, then GnuTLS's session id,
 * so a session never resumes under other vhost settings. */
static unsigned char *context_key(apr_pool_t *p, const sess_ctx_t *ctx,
                                  const gnutls_datum_t *id, unsigned *plen)
{
    unsigned char *key = apr_palloc(p, 16 + id->size);

    memcpy(key, ctx->context, 16);
    memcpy(key + 16, id->data, id->size);
    *plen = 16 + id->size;
    return key;
}

static int db_store(void *ptr, gnutls_datum_t key, gnutls_datum_t data)
{
    sess_ctx_t *ctx = ptr;
    const sslx_cache_t *cache = ctx->cache;
    apr_time_t expiry = apr_time_now() + apr_time_from_sec(ctx->timeout);
    apr_pool_t *scratch;
    unsigned char *ckey;
    unsigned klen;
    apr_status_t rv;

    if (!cache->provider || data.size > SSLX_CACHE_MAX_ENTRY) {
        ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, ctx->c, "session of %u "
                      "bytes not cached", data.size);
        return -1;
    }
    if ((rv = apr_pool_create(&scratch, ctx->c->pool)) != APR_SUCCESS) {
        return -1;
    }
    ckey = context_key(scratch, ctx, &key, &klen);
    if ((rv = cache_lock(ctx)) == APR_SUCCESS) {
        rv = cache->provider->store(cache->instance, ctx->s, ckey, klen,
                                    expiry, data.data, data.size, scratch);
        cache_unlock(ctx);
    }
    apr_pool_destroy(scratch);
    if (rv != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->c, SSLXLOGNO(01613)
                      "session cache '%s': cannot store a session of %u "
                      "bytes", cache->spec, data.size);
        return -1;
    }
    ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, ctx->c, "session stored "
                  "(%u bytes, %d s)", data.size, ctx->timeout);
    return 0;
}

/* GnuTLS frees what we return with gnutls_free(). */
static gnutls_datum_t db_retrieve(void *ptr, gnutls_datum_t key)
{
    sess_ctx_t *ctx = ptr;
    const sslx_cache_t *cache = ctx->cache;
    gnutls_datum_t found = { NULL, 0 };
    unsigned int len = SSLX_CACHE_MAX_ENTRY;
    unsigned char *buf, *ckey;
    unsigned klen;
    apr_pool_t *scratch;
    apr_status_t rv;

    if (!cache->provider || ctx->no_resume
        || apr_pool_create(&scratch, ctx->c->pool) != APR_SUCCESS) {
        return found;
    }
    buf = apr_palloc(scratch, len);
    ckey = context_key(scratch, ctx, &key, &klen);
    if ((rv = cache_lock(ctx)) == APR_SUCCESS) {
        rv = cache->provider->retrieve(cache->instance, ctx->s, ckey, klen,
                                       buf, &len, scratch);
        cache_unlock(ctx);
    }
    if (rv == APR_SUCCESS && (found.data = gnutls_malloc(len)) != NULL) {
        memcpy(found.data, buf, len);
        found.size = len;
    }
    apr_pool_destroy(scratch);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_NOTFOUND(rv)) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->c, SSLXLOGNO(01614)
                      "session cache '%s': lookup failed", cache->spec);
    }
    ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, ctx->c, "session lookup: %s",
                  found.data ? "found" : "not found");
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
    if ((rv = cache_lock(ctx)) == APR_SUCCESS) {
        rv = cache->provider->remove(cache->instance, ctx->s, ckey, klen,
                                     scratch);
        cache_unlock(ctx);
    }
    apr_pool_destroy(scratch);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_NOTFOUND(rv)) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->c, SSLXLOGNO(01615)
                      "session cache '%s': cannot remove a session",
                      cache->spec);
        return -1;
    }
    return 0;
}

/* ---- per session ---------------------------------------------------- */

static int enable_tickets(gnutls_session_t session, sess_ctx_t *ctx,
                          const gnutls_datum_t *ticket_key)
{
    int rv;

    rv = gnutls_session_ticket_enable_server(session, ticket_key);
    if (rv < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, ctx->c, SSLXLOGNO(01616)
                      "%s", sslx_log_describe(ctx->c->pool, "enabling "
                                              "session tickets", rv));
        return rv;
    }
    ctx->tickets_on = 1;
    return 0;
}

int sslx_cache_session_init(gnutls_session_t session, conn_rec *c,
                            server_rec *s)
{
    const sslx_srv_conf_t *conf = sslx_config_srv(s);
    sess_ctx_t *ctx = gnutls_db_get_ptr(session);

    if (!conf->cache || !conf->tls || !conf->tls->ticket_key.data) {
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
    gnutls_db_set_cache_expiration(session, ctx->timeout);
    if (ctx->cache->provider) {
        gnutls_db_set_retrieve_function(session, db_retrieve);
        gnutls_db_set_store_function(session, db_store);
        gnutls_db_set_remove_function(session, db_remove);
    }
    if (conf->session_tickets != 0 && !ctx->tickets_on) {
        return enable_tickets(session, ctx, &conf->tls->ticket_key);
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

/* Each distinct set of TLS settings gets a ticket key of its own,
 * HMAC-SHA512(master key, settings), and a 16-byte cache prefix. */
static int derive_context(apr_pool_t *pconf, server_rec *s,
                          const sslx_cache_t *cache, sslx_tls_t *tls)
{
    unsigned char digest[64];
    int rv;

    rv = gnutls_hmac_fast(GNUTLS_MAC_SHA512, cache->ticket_key.data,
                          cache->ticket_key.size, tls->identity,
                          strlen(tls->identity), digest);
    if (rv < 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(01618) "%s",
                     sslx_log_describe(pconf, "deriving a vhost's session "
                                       "ticket key", rv));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    tls->ticket_key.data = apr_pmemdup(pconf, digest, sizeof(digest));
    tls->ticket_key.size = sizeof(digest);
    apr_pool_cleanup_register(pconf, &tls->ticket_key, wipe_key,
                              apr_pool_cleanup_null);
    rv = gnutls_hash_fast(GNUTLS_DIG_SHA256, tls->identity,
                          strlen(tls->identity), digest);
    memcpy(tls->session_context, digest, sizeof(tls->session_context));
    gnutls_memset(digest, 0, sizeof(digest));
    return rv < 0 ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

static int derive_contexts(apr_pool_t *pconf, server_rec *s,
                           const sslx_cache_t *cache)
{
    sslx_tls_t *tls;
    int rv;

    for (; s != NULL; s = s->next) {
        tls = sslx_config_srv(s)->tls;
        if (tls && !tls->ticket_key.data
            && (rv = derive_context(pconf, s, cache, tls)) != OK) {
            return rv;
        }
    }
    return OK;
}
