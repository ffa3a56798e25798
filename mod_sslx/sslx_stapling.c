/* sslx_stapling.c - OCSP stapling of the vhosts' own certificates
 * (SSLXUseStapling and the SSLXStapling* directives, mod_ssl's meaning).
 *
 * A handshake never waits for a responder.  Responses are fetched by a
 * singleton watchdog (mod_watchdog: one thread in one child at a time),
 * at child start and again before they go stale, and kept in the
 * stapling cache (sslx_stapling_cache.c: any mod_socache provider),
 * where every child finds them and where they outlive a graceful
 * restart.  The GnuTLS status callback only reads that cache.  A
 * response is believed only when sslx_ocsp.c verifies it (the
 * issuer's signature or a delegated responder's, current times); one
 * that says revoked or unknown, or a responder's error status, is
 * stapled only under SSLXStaplingReturnResponderErrors, and when there
 * is nothing usable SSLXStaplingFakeTryLater staples "tryLater".  A
 * response that has gone stale is never stapled.
 *
 * SSLXStaplingResponseFile staples a response the administrator keeps
 * up to date instead: GnuTLS loads it and checks it against the
 * certificate at startup, and stops stapling it past its nextUpdate.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_hash.h>
#include <apr_optional.h>
#include <http_core.h>
#include <mod_watchdog.h>
#include <gnutls/crypto.h>

#include "sslx_stapling.h"
#include "sslx_stapling_cache.h"
#include "sslx_conn.h"
#include "sslx_config.h"
#include "sslx_ocsp_config.h"
#include "sslx_init.h"
#include "sslx_log.h"
#include "sslx_ocsp.h"
#include "sslx_http.h"
#include "sslx_x509.h"

/* The watchdog looks at every certificate this often; a fetch happens
 * only when its entry says it is due. */
#define SSLX_STAPLING_TICK apr_time_from_sec(1)

typedef sslx_stapling_t stapling_t;
typedef sslx_staple_t staple_t;
typedef sslx_staple_entry_t entry_t;

/* A warning found at check_config, logged once the error log is open. */
typedef struct {
    server_rec *s;
    const char *text;
} note_t;

static void note(stapling_t *st, server_rec *s, const char *text)
{
    note_t *n = apr_array_push(st->notes);

    n->s = s;
    n->text = text;
}

/* ---- fetching (the watchdog) ------------------------------------------ */

static const sslx_ocsp_conf_t *ocsp_of(server_rec *s)
{
    return sslx_config_srv(s)->ocsp;
}

static void stapling_query(const sslx_ocsp_conf_t *oc, const char *url,
                           sslx_ocsp_query_t *q)
{
    memset(q, 0, sizeof(*q));
    q->url = url;
    q->proxy = oc->proxy_url;
    q->timeout = apr_time_from_sec(sslx_ocsp_config_value(
                     oc->stapling_timeout, SSLX_OCSP_DEFAULT_TIMEOUT));
    q->skew = sslx_ocsp_config_value(oc->stapling_skew,
                                     SSLX_OCSP_DEFAULT_SKEW);
    q->max_age = oc->stapling_max_age;
}

static apr_int64_t error_timeout(const sslx_ocsp_conf_t *oc)
{
    return sslx_ocsp_config_value(oc->stapling_error_timeout,
                                  SSLX_STAPLING_DEFAULT_ERROR_TIMEOUT);
}

/* A good response is fetched again after SSLXStaplingStandardCacheTimeout
 * or halfway to its nextUpdate (or maximum age), whichever comes first:
 * clients allow little clock skew.  It is stapled until it is stale
 * with the configured skew. */
static void store_good(const staple_t *sp, apr_pool_t *p,
                       const sslx_ocsp_query_t *q, entry_t *e, time_t now)
{
    const sslx_ocsp_conf_t *oc = ocsp_of(sp->s);
    apr_int64_t stale = sslx_ocsp_stale_at(e->this_update, e->next_update,
                                           q->skew, q->max_age);
    apr_int64_t due = sslx_ocsp_stale_at(e->this_update, e->next_update, 0,
                                         q->max_age);
    apr_int64_t std = sslx_ocsp_config_value(oc->stapling_cache_timeout,
                          SSLX_STAPLING_DEFAULT_CACHE_TIMEOUT);

    e->refresh_at = now + std;
    if (due && now + (due - now) / 2 < e->refresh_at) {
        e->refresh_at = now + (due - now) / 2;
    }
    if (e->refresh_at <= now) {
        e->refresh_at = now + 1;
    }
    /* Kept until stale: a failed refresh still leaves it stapled. */
    sslx_stapling_cache_put(sp, p, e, !stale ? now + SSLX_STAPLE_MAX_KEEP
                                    : stale > e->refresh_at ? stale
                                    : e->refresh_at);
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, sp->s, SSLXLOGNO(02711)
                 "stapling: fetched a good OCSP response for %s from %s; "
                 "next fetch in %" APR_INT64_T_FMT " s", sp->subject,
                 sp->url, e->refresh_at - now);
}

/* Revoked, unknown or an error status: stapled only if the vhost says
 * so, asked again after SSLXStaplingErrorCacheTimeout. */
static void store_error_response(const staple_t *sp, apr_pool_t *p,
                                 const sslx_ocsp_query_t *q, entry_t *e,
                                 const char *why, time_t now)
{
    const sslx_ocsp_conf_t *oc = ocsp_of(sp->s);
    apr_int64_t stale = e->this_update ? sslx_ocsp_stale_at(e->this_update,
                            e->next_update, q->skew, q->max_age) : 0;

    e->refresh_at = now + error_timeout(oc);
    sslx_stapling_cache_put(sp, p, e,
                            stale > e->refresh_at ? stale : e->refresh_at);
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, sp->s, SSLXLOGNO(02712)
                 "stapling: the OCSP responder %s says of %s: %s; %s",
                 sp->url, sp->subject, why,
                 oc->stapling_return_errors == 0 ? "not stapled "
                 "(SSLXStaplingReturnResponderErrors off)"
                 : "stapled as it is (SSLXStaplingReturnResponderErrors)");
}

/* Nothing usable: a previous good response still current goes on being
 * stapled; either way the responder is asked again after
 * SSLXStaplingErrorCacheTimeout. */
static void store_failure(const staple_t *sp, apr_pool_t *p,
                          const sslx_ocsp_query_t *q, const entry_t *old,
                          const char *why, time_t now)
{
    const sslx_ocsp_conf_t *oc = ocsp_of(sp->s);
    apr_int64_t retry = now + error_timeout(oc), stale;
    entry_t e;

    if (old && old->kind == SSLX_STAPLE_GOOD
        && sslx_ocsp_current(old->this_update, old->next_update, q->skew,
                             q->max_age, now)) {
        e = *old;
        e.refresh_at = retry;
        stale = sslx_ocsp_stale_at(e.this_update, e.next_update, q->skew,
                                   q->max_age);
        sslx_stapling_cache_put(sp, p, &e, stale ? stale : retry);
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, sp->s, SSLXLOGNO(02713)
                     "stapling: no new OCSP response for %s from %s: %s; "
                     "the previous one is stapled while it is current, "
                     "next try in %" APR_INT64_T_FMT " s", sp->subject, sp->url,
                     why, retry - now);
        return;
    }
    memset(&e, 0, sizeof(e));
    e.kind = SSLX_STAPLE_NONE;
    e.refresh_at = retry;
    e.next_update = -1;
    sslx_stapling_cache_put(sp, p, &e, retry);
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, sp->s, SSLXLOGNO(02714)
                 "stapling: no OCSP response for %s from %s: %s; nothing is "
                 "stapled%s, next try in %" APR_INT64_T_FMT " s",
                 sp->subject, sp->url, why,
                 oc->stapling_return_errors != 0
                 && oc->stapling_fake_trylater != 0
                 ? " but 'tryLater'" : "", retry - now);
}

static void fetch(const staple_t *sp, apr_pool_t *p, const entry_t *old,
                  time_t now)
{
    sslx_ocsp_query_t q;
    sslx_ocsp_answer_t ans;
    entry_t e;

    stapling_query(ocsp_of(sp->s), sp->url, &q);
    sslx_ocsp_ask(p, &q, sp->crt, sp->issuer, now, &ans);
    memset(&e, 0, sizeof(e));
    e.this_update = ans.this_update;
    e.next_update = ans.next_update;
    e.der = ans.der;
    switch (ans.status) {
    case SSLX_OCSP_GOOD:
        e.kind = SSLX_STAPLE_GOOD;
        store_good(sp, p, &q, &e, now);
        break;
    case SSLX_OCSP_REVOKED:
    case SSLX_OCSP_UNKNOWN:
    case SSLX_OCSP_REFUSED:
        e.kind = SSLX_STAPLE_ERROR_RESPONSE;
        store_error_response(sp, p, &q, &e, ans.why, now);
        break;
    default:
        store_failure(sp, p, &q, old, ans.why, now);
        break;
    }
}

static apr_status_t refresh_all(int state, void *data, apr_pool_t *pool)
{
    stapling_t *st = data;
    staple_t *sp;
    entry_t old;
    apr_pool_t *p;
    time_t now;
    int i, have;

    if (state == AP_WATCHDOG_STATE_STOPPING || !st->provider) {
        return APR_SUCCESS;
    }
    for (i = 0; i < st->staples->nelts; i++) {
        sp = APR_ARRAY_IDX(st->staples, i, staple_t *);
        apr_pool_create(&p, pool);
        now = (time_t)apr_time_sec(apr_time_now());
        have = sslx_stapling_cache_get(sp, p, &old) == APR_SUCCESS;
        if (!have || now >= old.refresh_at) {
            fetch(sp, p, have ? &old : NULL, now);
        }
        apr_pool_destroy(p);
    }
    return APR_SUCCESS;
}

/* ---- stapling (the handshake) ----------------------------------------- */

/* The response to staple from entry e for a handshake on vhost s, or
 * NULL. */
static const gnutls_datum_t *choose(const entry_t *e, server_rec *s,
                                    time_t now)
{
    const sslx_ocsp_conf_t *oc = ocsp_of(s);
    int errors = oc->stapling_return_errors != 0;
    sslx_ocsp_query_t q;
    int current;

    stapling_query(oc, NULL, &q);
    current = e->this_update
              && sslx_ocsp_current(e->this_update, e->next_update, q.skew,
                                   q.max_age, now);
    if (e->kind == SSLX_STAPLE_GOOD && current) {
        return &e->der;
    }
    if (e->kind == SSLX_STAPLE_ERROR_RESPONSE && errors
        && (current || !e->this_update)) {
        return &e->der;
    }
    if (errors && oc->stapling_fake_trylater != 0) {
        return sslx_ocsp_try_later();
    }
    return NULL;
}

/* The staple of certificate idx for a handshake on vhost s, or NULL:
 * vhosts that share credentials may ask different responders. */
static const staple_t *staple_of(server_rec *s, unsigned idx)
{
    const sslx_ocsp_conf_t *oc = ocsp_of(s);

    if (oc->stapling != 1 || !oc->staples
        || idx >= (unsigned)oc->staples->nelts) {
        return NULL;
    }
    return APR_ARRAY_IDX(oc->staples, idx, const staple_t *);
}

/* GnuTLS's status callback for the certificate whose index ptr holds. */
static int staple(gnutls_session_t session, void *ptr,
                  gnutls_datum_t *response)
{
    sslx_conn_t *sc = gnutls_session_get_ptr(session);
    const staple_t *sp = sc ? staple_of(sc->server, *(unsigned *)ptr)
                            : NULL;
    const gnutls_datum_t *der = NULL;
    apr_pool_t *p;
    entry_t e;

    if (!sp || !sp->st->provider) {
        return GNUTLS_E_NO_CERTIFICATE_STATUS;
    }
    apr_pool_create(&p, sc->c->pool);
    if (sslx_stapling_cache_get(sp, p, &e) == APR_SUCCESS) {
        der = choose(&e, sc->server,
                     (time_t)apr_time_sec(apr_time_now()));
    }
    if (der && (response->data = gnutls_malloc(der->size)) != NULL) {
        memcpy(response->data, der->data, der->size);
        response->size = der->size;
    }
    apr_pool_destroy(p);
    ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, sc->c, "stapling %s: %s",
                  sp->subject, der ? (der == sslx_ocsp_try_later()
                  ? "tryLater" : "a cached response") : "nothing");
    return der && response->data ? 0 : GNUTLS_E_NO_CERTIFICATE_STATUS;
}

static const char *state_name(const entry_t *e)
{
    switch (e->kind) {
    case SSLX_STAPLE_GOOD:           return "good";
    case SSLX_STAPLE_ERROR_RESPONSE: return "error response";
    default:                         return "none";
    }
}

apr_array_header_t *sslx_stapling_report(server_rec *s, apr_pool_t *p)
{
    const stapling_t *st = ocsp_of(s)->stapling_state;
    apr_array_header_t *out = apr_array_make(p, 4,
                                             sizeof(sslx_stapling_report_t));
    sslx_stapling_report_t *rep;
    const staple_t *sp;
    entry_t e;
    int i;

    for (i = 0; st && st->provider && i < st->staples->nelts; i++) {
        sp = APR_ARRAY_IDX(st->staples, i, const staple_t *);
        rep = apr_array_push(out);
        memset(rep, 0, sizeof(*rep));
        rep->subject = sp->subject;
        rep->responder = sp->url;
        rep->state = "not fetched";
        if (sslx_stapling_cache_get(sp, p, &e) == APR_SUCCESS) {
            rep->state = state_name(&e);
            rep->this_update = e.this_update;
            rep->next_update = e.next_update;
        }
    }
    return out;
}

/* ---- configuration ----------------------------------------------------- */

/* The certificate that issued pair i's leaf: the next one of its chain
 * file, else one of the vhost's CAs. */
static gnutls_x509_crt_t issuer_of(apr_pool_t *pconf, const sslx_tls_t *tls,
                                   unsigned i, gnutls_x509_crt_t leaf)
{
    gnutls_x509_crt_t cand = NULL;
    gnutls_datum_t raw;

    if (gnutls_certificate_get_crt_raw(tls->creds, i, 1, &raw) >= 0
        && (cand = sslx_x509_import(pconf, &raw)) != NULL
        && gnutls_x509_crt_check_issuer(leaf, cand)) {
        return cand;
    }
    if (tls->trust
        && gnutls_x509_trust_list_get_issuer(tls->trust, leaf, &cand,
                                             0) >= 0) {
        return cand;
    }
    return NULL;
}

static int staple_key(staple_t *sp, const sslx_leaf_t *leaf)
{
    gnutls_hash_hd_t h;
    int rv;

    if ((rv = gnutls_hash_init(&h, GNUTLS_DIG_SHA256)) < 0) {
        return rv;
    }
    gnutls_hash(h, leaf->der.data, leaf->der.size);
    gnutls_hash(h, sp->url, strlen(sp->url));
    gnutls_hash_deinit(h, sp->key);
    return 0;
}

/* A certificate that cannot be stapled is said once and left out, as
 * under mod_ssl; the vhost still starts. */
static staple_t *make_staple(apr_pool_t *pconf, stapling_t *st,
                             server_rec *s, const sslx_tls_t *tls,
                             unsigned i)
{
    const sslx_leaf_t *leaf = &APR_ARRAY_IDX(tls->leaves, i, sslx_leaf_t);
    const char *force = ocsp_of(s)->stapling_force_url;
    staple_t *sp = apr_pcalloc(pconf, sizeof(*sp));
    const char *problem = NULL;

    sp->st = st;
    sp->s = s;
    sp->crt = leaf->crt;
    sp->subject = sslx_x509_dn(pconf, leaf->crt, SSLX_X509_SUBJECT);
    sp->url = force ? force : sslx_ocsp_aia_url(pconf, leaf->crt);
    sp->issuer = issuer_of(pconf, tls, i, leaf->crt);
    if (!sp->issuer) {
        problem = "its issuer's certificate is neither in its chain nor "
                  "among the SSLXCACertificateFile CAs";
    }
    else if (!sp->url) {
        problem = "it names no OCSP responder and there is no "
                  "SSLXStaplingForceURL";
    }
    else if ((problem = sslx_http_check_url(pconf, sp->url)) == NULL
             && staple_key(sp, leaf) < 0) {
        problem = "hashing it failed";
    }
    if (problem) {
        note(st, s, apr_psprintf(pconf, "stapling: certificate %s of vhost "
                                 "%s is not stapled: %s", sp->subject,
                                 s->server_hostname, problem));
        return NULL;
    }
    return sp;
}

/* One staple per certificate and responder, whichever vhosts share it. */
static staple_t *shared_staple(apr_hash_t *seen, stapling_t *st,
                               staple_t *sp)
{
    staple_t *have = apr_hash_get(seen, sp->key, sizeof(sp->key));

    if (have) {
        return have;
    }
    apr_hash_set(seen, sp->key, sizeof(sp->key), sp);
    APR_ARRAY_PUSH(st->staples, staple_t *) = sp;
    return sp;
}

static int use_response_file(apr_pool_t *ptemp, server_rec *s,
                             const sslx_tls_t *tls, unsigned i,
                             const char *file)
{
    int rv = gnutls_certificate_set_ocsp_status_request_file2(
                 tls->creds, file, i, GNUTLS_X509_FMT_DER);

    if (rv < 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                     SSLXLOGNO(02716) "SSLXStaplingResponseFile '%s' "
                     "(certificate %u of vhost %s): %s", file, i + 1,
                     s->server_hostname, rv == GNUTLS_E_OCSP_MISMATCH_WITH_CERTS
                     ? "it is not a response about that certificate"
                     : sslx_log_describe(ptemp, "cannot be loaded", rv));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* GnuTLS staples the file as it is, until its nextUpdate: say so when
 * it is not a good, believable, current response. */
static void judge_response_file(apr_pool_t *pconf, apr_pool_t *ptemp,
                                stapling_t *st, server_rec *s,
                                const sslx_tls_t *tls, unsigned i,
                                const char *file)
{
    const sslx_leaf_t *leaf = &APR_ARRAY_IDX(tls->leaves, i, sslx_leaf_t);
    gnutls_x509_crt_t issuer = issuer_of(ptemp, tls, i, leaf->crt);
    gnutls_datum_t der;
    sslx_ocsp_query_t q;
    sslx_ocsp_answer_t ans;

    if (!issuer || gnutls_load_file(file, &der) < 0) {
        return;
    }
    stapling_query(ocsp_of(s), NULL, &q);
    sslx_ocsp_judge(ptemp, &q, &der, leaf->crt, issuer,
                    (time_t)apr_time_sec(apr_time_now()), &ans);
    gnutls_free(der.data);
    if (ans.status != SSLX_OCSP_GOOD) {
        note(st, s, apr_psprintf(pconf, "SSLXStaplingResponseFile '%s' "
                                 "(vhost %s): %s; it is stapled as it is",
                                 file, s->server_hostname, ans.why));
    }
}

/* The status callback (or the response file) for each certificate of
 * the credentials, once per credentials. */
static int install(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s,
                   stapling_t *st)
{
    const sslx_tls_t *tls = sslx_config_srv(s)->tls;
    const apr_array_header_t *files = ocsp_of(s)->response_files;
    const char *file;
    unsigned i, *idx;
    int rv;

    for (i = 0; i < (unsigned)tls->leaves->nelts; i++) {
        if (i < (unsigned)files->nelts) {
            file = APR_ARRAY_IDX(files, i, const char *);
            if ((rv = use_response_file(ptemp, s, tls, i, file)) != OK) {
                return rv;
            }
            judge_response_file(pconf, ptemp, st, s, tls, i, file);
            continue;
        }
        idx = apr_palloc(pconf, sizeof(*idx));
        *idx = i;
        rv = gnutls_certificate_set_ocsp_status_request_function2(
                 tls->creds, i, staple, idx);
        if (rv < 0) {
            ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                         SSLXLOGNO(02717) "%s", sslx_log_describe(ptemp,
                         "setting the OCSP status callback", rv));
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

/* What vhost s staples for each of its certificates fetched from a
 * responder. */
static void choose_staples(apr_pool_t *pconf, server_rec *s,
                           stapling_t *st, apr_hash_t *seen)
{
    sslx_ocsp_conf_t *oc = sslx_config_srv(s)->ocsp;
    const sslx_tls_t *tls = sslx_config_srv(s)->tls;
    staple_t *sp;
    int i;

    oc->staples = apr_array_make(pconf, tls->leaves->nelts,
                                 sizeof(staple_t *));
    for (i = 0; i < tls->leaves->nelts; i++) {
        sp = i < oc->response_files->nelts ? NULL
             : make_staple(pconf, st, s, tls, (unsigned)i);
        APR_ARRAY_PUSH(oc->staples, staple_t *)
            = sp ? shared_staple(seen, st, sp) : NULL;
    }
}

static int need_cache(server_rec *s, const stapling_t *st)
{
    if (st->staples->nelts && !st->provider) {
        ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                     SSLXLOGNO(02718) "SSLXUseStapling is on, but no "
                     "SSLXStaplingCache is configured: stapled responses "
                     "need a cache all children share (e.g. "
                     "\"SSLXStaplingCache shmcb:logs/ocsp(128000)\")");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

int sslx_stapling_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp, server_rec *s)
{
    const sslx_ocsp_conf_t *base = ocsp_of(s);
    stapling_t *st = apr_pcalloc(pconf, sizeof(*st));
    apr_hash_t *done = apr_hash_make(ptemp), *seen = apr_hash_make(ptemp);
    const sslx_tls_t *tls;
    server_rec *vs;
    int rv;

    (void)plog;
    st->server = s;
    st->provider = base->cache_provider;
    st->instance = base->cache_instance;
    st->spec = base->cache_spec;
    st->staples = apr_array_make(pconf, 4, sizeof(staple_t *));
    st->notes = apr_array_make(pconf, 1, sizeof(note_t));
    for (vs = s; vs != NULL; vs = vs->next) {
        sslx_config_srv(vs)->ocsp->stapling_state = st;
        sslx_config_srv(vs)->ocsp->staples = NULL;
        tls = sslx_config_srv(vs)->tls;
        if (!tls || ocsp_of(vs)->stapling != 1) {
            continue;
        }
        choose_staples(pconf, vs, st, seen);
        if (apr_hash_get(done, tls->identity, APR_HASH_KEY_STRING)) {
            continue;
        }
        apr_hash_set(done, tls->identity, APR_HASH_KEY_STRING, tls);
        if ((rv = install(pconf, ptemp, vs, st)) != OK) {
            return rv;
        }
    }
    return need_cache(s, st);
}

/* ---- post_config, child_init ------------------------------------------- */

int sslx_stapling_pre_config(apr_pool_t *pconf)
{
    return sslx_stapling_cache_pre_config(pconf);
}

static int start_watchdog(apr_pool_t *pconf, server_rec *s, stapling_t *st)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *register_cb;
    ap_watchdog_t *wd;
    apr_status_t rv;

    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_cb = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    rv = get_instance && register_cb
         ? get_instance(&wd, SSLX_STAPLING_WATCHDOG, 0, 1, pconf)
         : APR_ENOTIMPL;
    if (rv == APR_SUCCESS) {
        rv = register_cb(wd, SSLX_STAPLING_TICK, st, refresh_all);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SSLXLOGNO(02722)
                     "SSLXUseStapling needs mod_watchdog to fetch OCSP "
                     "responses in the background, and it is not there");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* What check_config found, said once per start or restart (not in the
 * trial run of the configuration at startup). */
static void log_notes(const stapling_t *st)
{
    const note_t *n;
    int i;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return;
    }
    for (i = 0; i < st->notes->nelts; i++) {
        n = &APR_ARRAY_IDX(st->notes, i, note_t);
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, n->s, SSLXLOGNO(02715)
                     "%s", n->text);
    }
}

int sslx_stapling_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    stapling_t *st = ocsp_of(s)->stapling_state;
    int rv;

    (void)plog;
    (void)ptemp;
    if (!st) {
        return OK;
    }
    log_notes(st);
    if (!st->staples->nelts) {
        return OK;
    }
    if ((rv = sslx_stapling_cache_init(pconf, st)) != OK) {
        return rv;
    }
    if (sslx_http_global_init(pconf) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(02723)
                     "stapling: libcurl cannot be initialised");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(02724)
                 "stapling: %d certificate(s), cache '%s'",
                 st->staples->nelts, st->spec);
    return start_watchdog(pconf, s, st);
}

void sslx_stapling_child_init(apr_pool_t *pchild, server_rec *s)
{
    stapling_t *st = ocsp_of(s)->stapling_state;

    if (st && st->staples->nelts) {
        sslx_stapling_cache_child_init(pchild, st);
    }
}
