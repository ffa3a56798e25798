/* sslx_reload.c - SSLXCertificateReload: each child notices certificate
 * files renewed on disk and uses the new pairs for new handshakes,
 * without a restart.
 *
 * Design.  A vhost's credentials (sslx_tls_t, built once per
 * configuration in sslx_init.c) are shared by every connection of the
 * child and must outlive each of them.  With reloading on, every child
 * keeps, per TLS identity, a "generation": a credentials object with its
 * parsed leaves and a reference count.  The configuration's own
 * credentials are generation zero and live with pconf.
 *
 *   - A connection takes the current generation when its vhost is set
 *     (sslx_reload_acquire, from sslx_conn_use_vhost), counts a
 *     reference, and gives it back in a cleanup of c->pool, after the
 *     GnuTLS session that points at the credentials is gone.  Running
 *     connections (keep-alive, renegotiation, SSL_SERVER_* lookups) thus
 *     keep the pair they began with.
 *   - At most once per interval, the first new connection looks at the
 *     files: it reads each certificate file (and key file) and hashes
 *     their bytes.  Bytes already seen mean nothing changed.  Otherwise
 *     the file's chain is compared with the chain being served; only a
 *     different chain is a renewal.
 *   - A renewal is built into a new generation with the same function
 *     the configuration uses (sslx_init_build_creds), so the new pair is
 *     checked exactly as at startup: chain parses, key readable and
 *     matching; a certificate that is expired or not yet valid is
 *     refused too.  The old pair keeps serving until the files change
 *     again.  A refusal is logged once, at the look after the one that
 *     found it: a certificate renamed into place a moment before its
 *     key is not worth an error when the key follows within the
 *     interval.  Encrypted keys
 *     can only be reloaded while the key file keeps the bytes it had at
 *     startup (the decrypted key is kept, the pass phrase is not).
 *   - The new generation becomes current under the identity's mutex; the
 *     old one is destroyed when its last connection ends (generation
 *     zero never is).  So at most the current generation plus those
 *     still held by running connections exist; all are freed with the
 *     child.
 *   - The parent looks too, from the monitor hook, on the same schedule,
 *     so a child forked later (more load, MaxConnectionsPerChild) starts
 *     with the newest good pair rather than the one read at startup: it
 *     takes the parent's current generation as its own generation zero.
 *
 * A child's generations are allocated from a pool of its own with its
 * own allocator and mutex, only touched with the identity's mutex held.
 * Each process reloads by itself and says so in the log.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <gnutls/crypto.h>

#include "sslx_counters.h"
#include "sslx_init.h"
#include "sslx_pkcs11.h"
#include "sslx_pphrase.h"
#include "sslx_reload.h"
#include "sslx_x509.h"

#define SSLX_RELOAD_DIGEST 32

typedef struct sslx_reload_t sslx_reload_t;

typedef struct {
    sslx_reload_t *r;
    apr_pool_t *pool;           /* NULL: generation zero (pconf's) */
    gnutls_certificate_credentials_t creds;
    apr_array_header_t *leaves;
    unsigned refs;              /* connections using it */
} gen_t;

typedef struct {
    int known;
    unsigned char digest[SSLX_RELOAD_DIGEST];
} seen_t;

struct sslx_reload_t {
    server_rec *s;              /* a vhost with these pairs */
    server_rec *main_s;
    apr_interval_time_t interval;
    apr_thread_mutex_t *lock;   /* a child's; NULL in the parent */
    apr_pool_t *pool;           /* parent of generation pools */
    int in_child;               /* child_init has run */
    gen_t base;
    gen_t *current;
    apr_time_t next_check;
    seen_t *seen;               /* per pair: bytes last looked at */
    char refusal[1024];         /* refusal not logged yet, or "" */
};

/* ---- setting up ------------------------------------------------------ */

static void lock(sslx_reload_t *r)
{
    if (r->lock) {
        apr_thread_mutex_lock(r->lock);
    }
}

static void unlock(sslx_reload_t *r)
{
    if (r->lock) {
        apr_thread_mutex_unlock(r->lock);
    }
}

static void prepare(apr_pool_t *pconf, server_rec *main_s, server_rec *s,
                    sslx_tls_t *tls, int interval)
{
    const sslx_srv_conf_t *sc = sslx_config_srv(s);
    sslx_reload_t *r = apr_pcalloc(pconf, sizeof(*r));

    r->s = s;
    r->main_s = main_s;
    r->interval = apr_time_from_sec(interval);
    r->base.r = r;
    r->base.creds = tls->creds;
    r->base.leaves = tls->leaves;
    r->current = &r->base;
    r->next_check = apr_time_now() + r->interval;
    r->seen = apr_pcalloc(pconf, sc->cert_pairs->nelts * sizeof(seen_t));
    apr_pool_create(&r->pool, pconf);
    apr_pool_tag(r->pool, "sslx_reload");
    tls->reload = r;
}

int sslx_reload_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *s)
{
    server_rec *main_s = s;
    sslx_srv_conf_t *sc;

    (void)plog;
    (void)ptemp;
    for (; s; s = s->next) {
        sc = sslx_config_srv(s);
        if (sc->tls && !sc->tls->reload && sc->reload_interval > 0) {
            prepare(pconf, main_s, s, sc->tls, sc->reload_interval);
        }
    }
    return OK;
}

static apr_pool_t *locked_pool(apr_pool_t *pchild)
{
    apr_allocator_t *alloc;
    apr_thread_mutex_t *amutex;
    apr_pool_t *pool;

    if (apr_allocator_create(&alloc) != APR_SUCCESS) {
        return NULL;
    }
    if (apr_thread_mutex_create(&amutex, APR_THREAD_MUTEX_DEFAULT, pchild)
        == APR_SUCCESS) {
        apr_allocator_mutex_set(alloc, amutex);
    }
    if (apr_pool_create_ex(&pool, pchild, NULL, alloc) != APR_SUCCESS) {
        apr_allocator_destroy(alloc);
        return NULL;
    }
    apr_allocator_owner_set(alloc, pool);
    apr_pool_tag(pool, "sslx_reload_child");
    return pool;
}

/* The parent's current generation becomes the child's generation zero:
 * it belongs to the parent's pools, which the child never destroys. */
static void start_child(apr_pool_t *pchild, sslx_reload_t *r)
{
    apr_status_t rv;
    apr_pool_t *pool;

    r->in_child = 1;
    rv = apr_thread_mutex_create(&r->lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv != APR_SUCCESS || (pool = locked_pool(pchild)) == NULL) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, r->s, SSLXLOGNO(02520)
                     "SSLXCertificateReload: cannot prepare this child; "
                     "vhost %s keeps its certificates until a restart",
                     r->s->server_hostname);
        r->lock = NULL;
        r->next_check = APR_INT64_MAX;
        return;
    }
    if (r->current != &r->base) {
        r->base.creds = r->current->creds;
        r->base.leaves = r->current->leaves;
        r->current = &r->base;
    }
    r->pool = pool;
}

void sslx_reload_child_init(apr_pool_t *pchild, server_rec *s)
{
    sslx_srv_conf_t *sc;

    for (; s; s = s->next) {
        sc = sslx_config_srv(s);
        if (sc->tls && sc->tls->reload && !sc->tls->reload->in_child) {
            start_child(pchild, sc->tls->reload);
        }
    }
}

/* ---- looking at the files ------------------------------------------- */

static int hash_file(gnutls_hash_hd_t h, const char *path)
{
    gnutls_datum_t raw;
    int rv;

    if ((rv = gnutls_load_file(path, &raw)) < 0) {
        return rv;
    }
    rv = gnutls_hash(h, raw.data, raw.size);
    gnutls_memset(raw.data, 0, raw.size);
    gnutls_free(raw.data);
    return rv;
}

/* The digest of the pair's files, or nonzero when they cannot be read
 * (a file being replaced: looked at again next time). */
static int pair_digest(const sslx_cert_pair_t *pair, unsigned char *out)
{
    gnutls_hash_hd_t h;
    int rv;

    if ((rv = gnutls_hash_init(&h, GNUTLS_DIG_SHA256)) < 0) {
        return rv;
    }
    rv = hash_file(h, pair->cert_file);
    if (rv >= 0 && pair->key_file && !sslx_pkcs11_is_url(pair->key_file)) {
        rv = hash_file(h, pair->key_file);
    }
    gnutls_hash_deinit(h, out);
    return rv < 0 ? rv : 0;
}

/* Whether the certificate file holds another chain than creds serves
 * for pair idx.  A file that does not parse counts as changed: the
 * build says what is wrong with it. */
static int chain_differs(const char *path,
                         gnutls_certificate_credentials_t creds,
                         unsigned idx)
{
    gnutls_x509_crt_t *list;
    gnutls_datum_t pem, der, ours;
    unsigned n, i;
    int differs = 0;

    if (gnutls_load_file(path, &pem) < 0) {
        return 1;
    }
    if (gnutls_x509_crt_list_import2(&list, &n, &pem, GNUTLS_X509_FMT_PEM,
                                     GNUTLS_X509_CRT_LIST_SORT) < 0) {
        gnutls_free(pem.data);
        return 1;
    }
    gnutls_free(pem.data);
    for (i = 0; i < n; i++) {
        if (!differs
            && (gnutls_certificate_get_crt_raw(creds, idx, i, &ours) < 0
                || gnutls_x509_crt_export2(list[i], GNUTLS_X509_FMT_DER,
                                           &der) < 0)) {
            differs = 1;
        }
        else if (!differs) {
            differs = der.size != ours.size
                      || memcmp(der.data, ours.data, der.size) != 0;
            gnutls_free(der.data);
        }
        gnutls_x509_crt_deinit(list[i]);
    }
    gnutls_free(list);
    return differs
           || gnutls_certificate_get_crt_raw(creds, idx, n, &ours) >= 0;
}

/* What a look at the files found. */
#define SSLX_RELOAD_SAME_BYTES  0   /* nothing was written */
#define SSLX_RELOAD_SAME_CHAIN  1   /* new bytes, the chain served */
#define SSLX_RELOAD_NEW_CHAIN   2   /* a renewal (or a broken file) */

static int files_changed(sslx_reload_t *r)
{
    const sslx_srv_conf_t *sc = sslx_config_srv(r->s);
    const sslx_cert_pair_t *pair;
    unsigned char digest[SSLX_RELOAD_DIGEST];
    int i, found = SSLX_RELOAD_SAME_BYTES;

    for (i = 0; i < sc->cert_pairs->nelts; i++) {
        pair = &APR_ARRAY_IDX(sc->cert_pairs, i, sslx_cert_pair_t);
        if (sslx_pkcs11_is_url(pair->cert_file)
            || pair_digest(pair, digest) != 0) {
            continue;
        }
        if (r->seen[i].known && !memcmp(r->seen[i].digest, digest,
                                        sizeof(digest))) {
            continue;
        }
        r->seen[i].known = 1;
        memcpy(r->seen[i].digest, digest, sizeof(digest));
        if (chain_differs(pair->cert_file, r->current->creds,
                          (unsigned)i)) {
            found = SSLX_RELOAD_NEW_CHAIN;
        }
        else if (found == SSLX_RELOAD_SAME_BYTES) {
            found = SSLX_RELOAD_SAME_CHAIN;
        }
    }
    return found;
}

/* ---- building and switching ----------------------------------------- */

static const char *check_validity(apr_pool_t *p, const sslx_srv_conf_t *sc,
                                  gen_t *g)
{
    const sslx_cert_pair_t *pair;
    const char *err;
    int i;

    for (i = 0; i < g->leaves->nelts; i++) {
        pair = &APR_ARRAY_IDX(sc->cert_pairs, i, sslx_cert_pair_t);
        err = sslx_cert_validity_warning(p, g->creds, i, pair,
                                         apr_time_now());
        if (err) {
            return err;
        }
    }
    return NULL;
}

/* A new generation, or NULL with *perr (from p) saying why not. */
static gen_t *build(sslx_reload_t *r, apr_pool_t *p, const char **perr)
{
    const sslx_srv_conf_t *sc = sslx_config_srv(r->s);
    sslx_cert_load_t ld = { 0 };
    apr_pool_t *pool;
    gen_t *g;

    if (apr_pool_create(&pool, r->pool) != APR_SUCCESS) {
        *perr = "no memory";
        return NULL;
    }
    g = apr_pcalloc(pool, sizeof(*g));
    g->r = r;
    g->pool = pool;
    apr_pool_create(&ld.scratch, pool);
    ld.owner = pool;
    ld.server = r->s;
    ld.chain_file = sc->chain_file;
    ld.pphrase = sslx_pphrase_kept_only(ld.scratch,
        sslx_config_srv(r->main_s)->pphrase_dialog);
    *perr = sslx_init_build_creds(&ld, sc, &g->creds, &g->leaves);
    if (!*perr && g->leaves->nelts != sc->cert_pairs->nelts) {
        *perr = "not every pair could be loaded";
    }
    if (!*perr) {
        *perr = check_validity(ld.scratch, sc, g);
    }
    *perr = *perr ? apr_pstrdup(p, *perr) : NULL;
    apr_pool_destroy(ld.scratch);
    if (*perr) {
        apr_pool_destroy(pool);
        return NULL;
    }
    return g;
}

static const char *describe(apr_pool_t *p, const gen_t *g)
{
    const sslx_leaf_t *leaf;
    const char *text = "";
    int i;

    for (i = 0; i < g->leaves->nelts; i++) {
        leaf = &APR_ARRAY_IDX(g->leaves, i, sslx_leaf_t);
        text = apr_psprintf(p, "%s%sserial %s, %s, valid until %s", text,
                            i ? "; " : "", sslx_x509_serial(p, leaf->crt),
                            sslx_x509_dn(p, leaf->crt, SSLX_X509_SUBJECT),
                            sslx_x509_not_after(p, leaf->crt));
    }
    return text;
}

static void retire(gen_t *g)
{
    if (g->pool && g->refs == 0) {
        apr_pool_destroy(g->pool);
    }
}

static void refuse(sslx_reload_t *r, apr_pool_t *p)
{
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, r->s, SSLXLOGNO(02521)
                 "SSLXCertificateReload: the replacement certificates of "
                 "vhost %s are refused, the old ones keep serving (%s): %s",
                 r->s->server_hostname, describe(p, r->current), r->refusal);
    r->refusal[0] = '\0';
    sslx_counters_add(r->s, SSLX_CNT_RELOAD_REFUSED);
}

static void replace(sslx_reload_t *r, apr_pool_t *p)
{
    const char *err;
    gen_t *g, *old;

    if ((g = build(r, p, &err)) == NULL) {
        apr_cpystrn(r->refusal, err, sizeof(r->refusal));
        return;
    }
    old = r->current;
    r->current = g;
    r->refusal[0] = '\0';
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, r->s, SSLXLOGNO(02522)
                 "SSLXCertificateReload: vhost %s serves new certificates "
                 "to new connections: %s", r->s->server_hostname,
                 describe(p, g));
    sslx_counters_add(r->s, SSLX_CNT_RELOAD);
    retire(old);
}

/* Called with r->lock held. */
static void look(sslx_reload_t *r)
{
    apr_pool_t *p;

    if (apr_pool_create(&p, r->pool) != APR_SUCCESS) {
        return;
    }
    switch (files_changed(r)) {
    case SSLX_RELOAD_SAME_BYTES:
        if (r->refusal[0]) {
            refuse(r, p);
        }
        break;
    case SSLX_RELOAD_SAME_CHAIN:
        r->refusal[0] = '\0';
        break;
    default:
        replace(r, p);
    }
    apr_pool_destroy(p);
}

static apr_status_t release(void *data)
{
    gen_t *g = data;
    sslx_reload_t *r = g->r;

    lock(r);
    if (--g->refs == 0 && g != r->current) {
        retire(g);
    }
    unlock(r);
    return APR_SUCCESS;
}

void sslx_reload_acquire(const sslx_tls_t *tls, conn_rec *c,
                         gnutls_certificate_credentials_t *pcreds,
                         const apr_array_header_t **pleaves)
{
    sslx_reload_t *r = tls->reload;
    apr_time_t now;
    gen_t *g;

    if (r == NULL) {
        *pcreds = tls->creds;
        *pleaves = tls->leaves;
        return;
    }
    lock(r);
    now = apr_time_now();
    if (now >= r->next_check) {
        r->next_check = now + r->interval;
        look(r);
    }
    g = r->current;
    g->refs++;
    unlock(r);
    apr_pool_cleanup_register(c->pool, g, release, apr_pool_cleanup_null);
    *pcreds = g->creds;
    *pleaves = g->leaves;
}

int sslx_reload_monitor(apr_pool_t *p, server_rec *s)
{
    sslx_reload_t *r;
    apr_time_t now = apr_time_now();

    (void)p;
    for (; s; s = s->next) {
        r = sslx_config_srv(s)->tls ? sslx_config_srv(s)->tls->reload : NULL;
        if (r && !r->in_child && now >= r->next_check) {
            r->next_check = now + r->interval;
            look(r);
        }
    }
    return DECLINED;
}
