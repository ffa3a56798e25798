/* sslx_stapling_cache.c - the stapling cache: one entry per stapled
 * certificate and responder, in the mod_socache provider SSLXStaplingCache
 * names, so that what one child fetched every child staples.
 *
 * An entry is the response as received (or nothing) behind a small
 * header: what kind of answer it is, when to fetch again, and the
 * response's thisUpdate and nextUpdate, in a fixed big-endian layout so
 * that servers sharing a redis or memcache cache read each other's.
 *
 * shmcb and dbm caches are destroyed with their configuration pool on a
 * graceful restart (dbm removes its files).  So that stapling carries on
 * without a gap, the parent copies the entries out just before that
 * (a pre-cleanup, while the cache still works) into data retained across
 * the restart, and puts them into the new cache after its init.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_hash.h>
#include <util_mutex.h>

#include "sslx_stapling_cache.h"
#include "sslx_http.h"

/* Namespace of our entries in the provider (at most 16 characters). */
#define SSLX_STAPLING_NAMESPACE "mod_sslx-stpl"

/* The retained data that carries entries over a graceful restart. */
#define SSLX_STAPLING_RETAINED "mod_sslx-stapling-carry"

/* version, kind, then three 8-byte big-endian numbers, then the DER. */
#define ENTRY_VERSION 1
#define ENTRY_HEADER (2 + 3 * 8)
#define ENTRY_MAX (ENTRY_HEADER + SSLX_HTTP_MAX_BODY)

/* ---- entries ---------------------------------------------------------- */

static void put64(unsigned char *b, apr_int64_t v)
{
    apr_uint64_t u = (apr_uint64_t)v;
    int i;

    for (i = 7; i >= 0; i--, u >>= 8) {
        b[i] = (unsigned char)(u & 0xff);
    }
}

static apr_int64_t get64(const unsigned char *b)
{
    apr_uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | b[i];
    }
    return (apr_int64_t)v;
}

static unsigned char *encode(apr_pool_t *p, const sslx_staple_entry_t *e,
                             unsigned *plen)
{
    unsigned char *b = apr_palloc(p, ENTRY_HEADER + e->der.size);

    b[0] = ENTRY_VERSION;
    b[1] = (unsigned char)e->kind;
    put64(b + 2, e->refresh_at);
    put64(b + 10, e->this_update);
    put64(b + 18, e->next_update);
    if (e->der.size) {
        memcpy(b + ENTRY_HEADER, e->der.data, e->der.size);
    }
    *plen = ENTRY_HEADER + e->der.size;
    return b;
}

static int decode(unsigned char *b, unsigned len, sslx_staple_entry_t *e)
{
    if (len < ENTRY_HEADER || b[0] != ENTRY_VERSION
        || b[1] < SSLX_STAPLE_GOOD || b[1] > SSLX_STAPLE_NONE) {
        return -1;
    }
    e->kind = b[1];
    e->refresh_at = get64(b + 2);
    e->this_update = get64(b + 10);
    e->next_update = get64(b + 18);
    e->der.data = b + ENTRY_HEADER;
    e->der.size = len - ENTRY_HEADER;
    return 0;
}

/* ---- the provider ------------------------------------------------------ */

static apr_status_t lock(const sslx_stapling_t *st)
{
    return st->mutex ? apr_global_mutex_lock(st->mutex) : APR_SUCCESS;
}

static void unlock(const sslx_stapling_t *st)
{
    if (st->mutex) {
        apr_global_mutex_unlock(st->mutex);
    }
}

/* The raw bytes of an entry, from p. */
static apr_status_t get_raw(const sslx_stapling_t *st, const unsigned char *key,
                            apr_pool_t *p, unsigned char **pdata,
                            unsigned *plen)
{
    unsigned int len = ENTRY_MAX;
    unsigned char *buf = apr_palloc(p, len);
    apr_status_t rv;

    if (!st->provider) {
        return APR_NOTFOUND;
    }
    if ((rv = lock(st)) != APR_SUCCESS) {
        return rv;
    }
    rv = st->provider->retrieve(st->instance, st->server, key,
                                SSLX_STAPLE_KEY_SIZE, buf, &len, p);
    unlock(st);
    *pdata = buf;
    *plen = len;
    return rv;
}

static apr_status_t put_raw(const sslx_stapling_t *st, const unsigned char *key,
                            apr_pool_t *p, unsigned char *data, unsigned len,
                            apr_int64_t expiry)
{
    apr_status_t rv;

    if (!st->provider) {
        return APR_ENOTIMPL;
    }
    if ((rv = lock(st)) == APR_SUCCESS) {
        rv = st->provider->store(st->instance, st->server, key,
                                 SSLX_STAPLE_KEY_SIZE,
                                 apr_time_from_sec(expiry), data, len, p);
        unlock(st);
    }
    return rv;
}

apr_status_t sslx_stapling_cache_get(const sslx_staple_t *sp, apr_pool_t *p,
                                     sslx_staple_entry_t *e)
{
    unsigned char *data;
    unsigned len;
    apr_status_t rv = get_raw(sp->st, sp->key, p, &data, &len);

    if (rv == APR_SUCCESS && decode(data, len, e) < 0) {
        rv = APR_NOTFOUND;
    }
    return rv;
}

void sslx_stapling_cache_put(const sslx_staple_t *sp, apr_pool_t *p,
                             const sslx_staple_entry_t *e,
                             apr_int64_t expiry)
{
    unsigned len;
    unsigned char *data = encode(p, e, &len);
    apr_status_t rv = put_raw(sp->st, sp->key, p, data, len, expiry);

    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, sp->s, SSLXLOGNO(02710)
                     "stapling cache '%s': cannot store the OCSP response "
                     "for %s", sp->st->spec, sp->subject);
    }
}

/* ---- over a graceful restart ------------------------------------------- */

/* Kept in the parent from one generation to the next. */
typedef struct {
    apr_pool_t *pool;           /* cleared each time it is filled */
    apr_hash_t *entries;        /* key -> carried_t */
} carry_t;

typedef struct {
    unsigned char *data;
    unsigned len;
} carried_t;

static carry_t *carry_of(server_rec *s)
{
    carry_t *c = ap_retained_data_get(SSLX_STAPLING_RETAINED);

    if (!c) {
        c = ap_retained_data_create(SSLX_STAPLING_RETAINED, sizeof(*c));
        apr_pool_create(&c->pool, s->process->pool);
        c->entries = apr_hash_make(c->pool);
    }
    return c;
}

/* A pre-cleanup of pconf: the entries, while the cache still works. */
static apr_status_t carry_out(void *data)
{
    sslx_stapling_t *st = data;
    carry_t *c = carry_of(st->server);
    const sslx_staple_t *sp;
    carried_t *e;
    apr_pool_t *scratch;
    unsigned char *raw;
    unsigned len;
    int i;

    apr_pool_clear(c->pool);
    c->entries = apr_hash_make(c->pool);
    apr_pool_create(&scratch, c->pool);
    for (i = 0; i < st->staples->nelts; i++) {
        sp = APR_ARRAY_IDX(st->staples, i, const sslx_staple_t *);
        if (get_raw(st, sp->key, scratch, &raw, &len) == APR_SUCCESS) {
            e = apr_palloc(c->pool, sizeof(*e));
            e->data = apr_pmemdup(c->pool, raw, len);
            e->len = len;
            apr_hash_set(c->entries, apr_pmemdup(c->pool, sp->key,
                         SSLX_STAPLE_KEY_SIZE), SSLX_STAPLE_KEY_SIZE, e);
        }
        apr_pool_clear(scratch);
    }
    apr_pool_destroy(scratch);
    return APR_SUCCESS;
}

/* What the previous generation knew, into the new cache; entries of
 * certificates no longer stapled are dropped. */
static void carry_in(apr_pool_t *ptemp, sslx_stapling_t *st)
{
    carry_t *c = carry_of(st->server);
    const sslx_staple_t *sp;
    const carried_t *e;
    sslx_staple_entry_t entry;
    apr_int64_t now = apr_time_sec(apr_time_now());
    int i, n = 0;

    for (i = 0; i < st->staples->nelts; i++) {
        sp = APR_ARRAY_IDX(st->staples, i, const sslx_staple_t *);
        e = apr_hash_get(c->entries, sp->key, SSLX_STAPLE_KEY_SIZE);
        if (!e || decode(e->data, e->len, &entry) < 0) {
            continue;
        }
        n += put_raw(st, sp->key, ptemp, e->data, e->len,
                     entry.kind == SSLX_STAPLE_NONE ? entry.refresh_at
                     : now + SSLX_STAPLE_MAX_KEEP) == APR_SUCCESS;
    }
    apr_pool_clear(c->pool);
    c->entries = apr_hash_make(c->pool);
    if (n) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, st->server, SSLXLOGNO(02731)
                     "stapling cache '%s': %d response(s) kept from before "
                     "the restart", st->spec, n);
    }
}

/* ---- set-up ------------------------------------------------------------ */

int sslx_stapling_cache_pre_config(apr_pool_t *pconf)
{
    apr_status_t rv;

    rv = ap_mutex_register(pconf, SSLX_STAPLING_MUTEX_TYPE, NULL,
                           APR_LOCK_DEFAULT, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, NULL, SSLXLOGNO(02719)
                     "cannot register the %s mutex type",
                     SSLX_STAPLING_MUTEX_TYPE);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static apr_status_t destroy_cache(void *data)
{
    sslx_stapling_t *st = data;

    st->provider->destroy(st->instance, st->server);
    return APR_SUCCESS;
}

int sslx_stapling_cache_init(apr_pool_t *pconf, sslx_stapling_t *st)
{
    struct ap_socache_hints *hints = apr_pcalloc(pconf, sizeof(*hints));
    apr_status_t rv;

    if (st->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&st->mutex, NULL,
                                    SSLX_STAPLING_MUTEX_TYPE, NULL,
                                    st->server, pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, st->server,
                         SSLXLOGNO(02720) "cannot create the %s mutex for "
                         "stapling cache '%s'", SSLX_STAPLING_MUTEX_TYPE,
                         st->spec);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    hints->avg_id_len = SSLX_STAPLE_KEY_SIZE;
    hints->avg_obj_size = 1500;
    hints->expiry_interval = apr_time_from_sec(60);
    rv = st->provider->init(st->instance, SSLX_STAPLING_NAMESPACE, hints,
                            st->server, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, st->server,
                     SSLXLOGNO(02721) "cannot initialise stapling cache "
                     "'%s'", st->spec);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, st, destroy_cache,
                              apr_pool_cleanup_null);
    carry_in(pconf, st);
    apr_pool_pre_cleanup_register(pconf, st, carry_out);
    return OK;
}

void sslx_stapling_cache_child_init(apr_pool_t *pchild, sslx_stapling_t *st)
{
    apr_status_t rv;

    if (!st->mutex) {
        return;
    }
    rv = apr_global_mutex_child_init(&st->mutex,
                                     apr_global_mutex_lockfile(st->mutex),
                                     pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, st->server, SSLXLOGNO(02725)
                     "cannot attach to the %s mutex in the child; nothing "
                     "is stapled by this process", SSLX_STAPLING_MUTEX_TYPE);
        st->mutex = NULL;
        st->provider = NULL;
    }
}
