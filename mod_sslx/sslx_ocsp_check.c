/* sslx_ocsp_check.c - OCSP checks of client certificates, as mod_ssl
 * makes them under SSLOCSPEnable.
 *
 * They come last, once the chain passed every other check (the order of
 * OpenSSL's verify callback in mod_ssl), and only for a chain whose
 * issuers are known.  "leaf" asks about the client's certificate, "on"
 * about every certificate of the verified chain that is not self-issued,
 * the top one first.  The responder is SSLXOCSPDefaultResponder when
 * SSLXOCSPOverrideResponder says so, else the certificate's own, else
 * the default; none at all fails, unless no_ocsp_for_cert_ok.  mod_ssl's
 * outcomes: revoked is "certificate revoked"; unknown, a responder that
 * is down, an error status or an answer that cannot be believed is
 * "application verification failure" (fail closed), with a log line
 * naming the responder and why.
 *
 * The question is asked inside the handshake, as mod_ssl asks it, so
 * SSLXOCSPResponderTimeout bounds how long a client waits.  Good and
 * revoked answers are kept in the session cache (SSLXSessionCache) for
 * a minute at most, and never past the answer's own validity, so a busy
 * client does not ask the responder on every connection; failures are
 * not kept.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <gnutls/crypto.h>

#include "sslx_ocsp_check.h"
#include "sslx_cache.h"
#include "sslx_config.h"
#include "sslx_ocsp_config.h"
#include "sslx_ocsp.h"
#include "sslx_http.h"
#include "sslx_x509.h"

/* The longest an answer is kept in the session cache, in seconds. */
#define SSLX_OCSP_CHECK_KEEP 60

#define KEY_PREFIX "ocsp-client:"
#define KEY_SIZE (sizeof(KEY_PREFIX) - 1 + 32)

/* The answers worth keeping. */
#define KEPT_GOOD 'G'
#define KEPT_REVOKED 'R'

static const sslx_chain_verdict_t VERDICT_OK = { NULL, 0, 0 };


/* OpenSSL's words for the two outcomes, and the alerts they get. */
static sslx_chain_verdict_t revoked(void)
{
    return sslx_chain_verdict("certificate revoked",
                              GNUTLS_A_CERTIFICATE_REVOKED);
}

static sslx_chain_verdict_t unverified(void)
{
    return sslx_chain_verdict("application verification failure",
                              GNUTLS_A_HANDSHAKE_FAILURE);
}

static const sslx_ocsp_conf_t *ocsp_of(server_rec *s)
{
    return sslx_config_srv(s)->ocsp;
}

int sslx_ocsp_check_enabled(server_rec *s)
{
    int check = ocsp_of(s)->check;

    return check != SSLX_UNSET && (check & SSLX_OCSP_MODE_MASK) != 0;
}

/* ---- the session cache -------------------------------------------------- */

typedef struct {
    conn_rec *c;
    apr_pool_t *p;
    const sslx_cache_t *cache;      /* NULL: nothing is kept */
    unsigned char key[KEY_SIZE];
} kept_t;

/* The key: the certificate, its issuer, and what the answer was
 * judged under. */
static int make_key(kept_t *k, const sslx_ocsp_conf_t *oc,
                    const sslx_ocsp_query_t *q, gnutls_x509_crt_t crt,
                    gnutls_x509_crt_t issuer)
{
    const char *rules = apr_psprintf(k->p, "%s|%d|%d|%s|%ld|%ld", q->url,
                                     q->nonce, q->no_verify,
                                     oc->responder_certs_file
                                     ? oc->responder_certs_file : "",
                                     q->skew, q->max_age);
    gnutls_datum_t der[2];
    gnutls_hash_hd_t h;
    int i;

    if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der[0]) < 0) {
        return -1;
    }
    if (gnutls_x509_crt_export2(issuer, GNUTLS_X509_FMT_DER, &der[1]) < 0) {
        gnutls_free(der[0].data);
        return -1;
    }
    memcpy(k->key, KEY_PREFIX, sizeof(KEY_PREFIX) - 1);
    if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) >= 0) {
        for (i = 0; i < 2; i++) {
            gnutls_hash(h, der[i].data, der[i].size);
        }
        gnutls_hash(h, rules, strlen(rules));
        gnutls_hash_deinit(h, k->key + sizeof(KEY_PREFIX) - 1);
    }
    else {
        k->cache = NULL;
    }
    gnutls_free(der[0].data);
    gnutls_free(der[1].data);
    return 0;
}

static apr_status_t kept_lock(const kept_t *k)
{
    return k->cache->mutex ? apr_global_mutex_lock(k->cache->mutex)
                           : APR_SUCCESS;
}

static void kept_unlock(const kept_t *k)
{
    if (k->cache->mutex) {
        apr_global_mutex_unlock(k->cache->mutex);
    }
}

/* KEPT_GOOD, KEPT_REVOKED, or 0 when nothing is kept. */
static int kept_answer(const kept_t *k)
{
    unsigned char value[1];
    unsigned int len = sizeof(value);
    apr_status_t rv;

    if (!k->cache || !k->cache->provider || kept_lock(k) != APR_SUCCESS) {
        return 0;
    }
    rv = k->cache->provider->retrieve(k->cache->instance, k->cache->server,
                                      k->key, sizeof(k->key), value, &len,
                                      k->p);
    kept_unlock(k);
    return rv == APR_SUCCESS && len == 1 ? value[0] : 0;
}

static void keep_answer(const kept_t *k, int what,
                        const sslx_ocsp_query_t *q,
                        const sslx_ocsp_answer_t *ans, time_t now)
{
    unsigned char value = (unsigned char)what;
    time_t until = now + SSLX_OCSP_CHECK_KEEP;
    time_t stale = sslx_ocsp_stale_at(ans->this_update, ans->next_update,
                                      q->skew, q->max_age);

    if (!k->cache || !k->cache->provider || kept_lock(k) != APR_SUCCESS) {
        return;
    }
    if (stale && stale < until) {
        until = stale;
    }
    k->cache->provider->store(k->cache->instance, k->cache->server, k->key,
                              sizeof(k->key), apr_time_from_sec(until),
                              &value, 1, k->p);
    kept_unlock(k);
}

/* ---- one certificate -------------------------------------------------- */

/* The responder for crt; NULL when there is none. */
static const char *responder_for(apr_pool_t *p, const sslx_ocsp_conf_t *oc,
                                 gnutls_x509_crt_t crt)
{
    const char *url;

    if (oc->override_responder == 1) {
        return oc->default_responder;
    }
    url = sslx_ocsp_aia_url(p, crt);
    return url ? url : oc->default_responder;
}

static void client_query(const sslx_ocsp_conf_t *oc, const char *url,
                         sslx_ocsp_query_t *q)
{
    memset(q, 0, sizeof(*q));
    q->url = url;
    q->proxy = oc->proxy_url;
    q->timeout = apr_time_from_sec(sslx_ocsp_config_value(oc->timeout,
                                   SSLX_OCSP_DEFAULT_TIMEOUT));
    q->nonce = oc->use_nonce != 0;
    q->no_verify = oc->no_verify == 1;
    q->responders = oc->responders;
    q->skew = sslx_ocsp_config_value(oc->skew, SSLX_OCSP_DEFAULT_SKEW);
    q->max_age = oc->max_age;
}

/* What the responder's answer means for the handshake. */
static sslx_chain_verdict_t outcome(kept_t *k, const sslx_ocsp_query_t *q,
                                    const sslx_ocsp_answer_t *ans,
                                    const char *subject, time_t now)
{
    int level = ans->status <= SSLX_OCSP_UNKNOWN ? APLOG_INFO
                                                 : APLOG_WARNING;

    ap_log_cerror(APLOG_MARK, level, 0, k->c, SSLXLOGNO(02751) "OCSP "
                  "check of client certificate %s with responder %s: %s%s",
                  subject, q->url, ans->why,
                  ans->status == SSLX_OCSP_GOOD ? ""
                  : ans->status == SSLX_OCSP_REVOKED ? "; refused"
                  : "; refused (the check fails closed)");
    switch (ans->status) {
    case SSLX_OCSP_GOOD:
        keep_answer(k, KEPT_GOOD, q, ans, now);
        return VERDICT_OK;
    case SSLX_OCSP_REVOKED:
        keep_answer(k, KEPT_REVOKED, q, ans, now);
        return revoked();
    default:
        return unverified();
    }
}

static sslx_chain_verdict_t check_one(kept_t *k, const sslx_ocsp_conf_t *oc,
                                      gnutls_x509_crt_t crt,
                                      gnutls_x509_crt_t issuer)
{
    const char *subject = sslx_x509_dn(k->p, crt, SSLX_X509_SUBJECT);
    const char *url = responder_for(k->p, oc, crt);
    time_t now = (time_t)apr_time_sec(apr_time_now());
    sslx_ocsp_query_t q;
    sslx_ocsp_answer_t ans;

    if (!url) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, k->c, SSLXLOGNO(02752)
                      "no OCSP responder specified in certificate %s and no "
                      "default configured%s", subject,
                      (oc->check & SSLX_OCSP_NO_OCSP_FOR_CERT_OK)
                      ? " (no_ocsp_for_cert_ok)" : "");
        return (oc->check & SSLX_OCSP_NO_OCSP_FOR_CERT_OK) ? VERDICT_OK
                                                             : unverified();
    }
    client_query(oc, url, &q);
    if (make_key(k, oc, &q, crt, issuer) < 0) {
        k->cache = NULL;
    }
    switch (kept_answer(k)) {
    case KEPT_GOOD:
        return VERDICT_OK;
    case KEPT_REVOKED:
        ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, k->c, SSLXLOGNO(02753)
                      "client certificate %s: revoked, as responder %s said "
                      "a moment ago", subject, url);
        return revoked();
    default:
        break;
    }
    sslx_ocsp_ask(k->p, &q, crt, issuer, now, &ans);
    return outcome(k, &q, &ans, subject, now);
}

/* ---- the chain --------------------------------------------------------- */

static sslx_chain_verdict_t check_from(kept_t *k, const sslx_ocsp_conf_t *oc,
                                       gnutls_x509_crt_t *chain, unsigned n,
                                       unsigned top)
{
    sslx_chain_verdict_t v = VERDICT_OK;
    unsigned i;

    for (i = top + 1; i-- > 0 && !v.reason;) {
        if (gnutls_x509_crt_check_issuer(chain[i], chain[i])) {
            continue;       /* a root: nothing to ask about */
        }
        if (i + 1 >= n) {
            ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, k->c, SSLXLOGNO(02754)
                          "OCSP: the issuer of %s is not known, so its "
                          "status cannot be asked for", sslx_x509_dn(k->p,
                          chain[i], SSLX_X509_SUBJECT));
            return unverified();
        }
        v = check_one(k, oc, chain[i], chain[i + 1]);
    }
    return v;
}

sslx_chain_verdict_t sslx_ocsp_check_chain(conn_rec *c, server_rec *s,
                                           gnutls_x509_crt_t *chain,
                                           unsigned n, int generous)
{
    const sslx_ocsp_conf_t *oc = ocsp_of(s);
    sslx_chain_verdict_t v;
    kept_t k;

    if (!sslx_ocsp_check_enabled(s)) {
        return VERDICT_OK;
    }
    if (generous) {
        ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, c, SSLXLOGNO(02755)
                      "cannot perform OCSP validation for a certificate "
                      "whose issuer has not been verified (optional_no_ca "
                      "configured)");
        return unverified();
    }
    if (n == 0) {
        return VERDICT_OK;
    }
    memset(&k, 0, sizeof(k));
    k.c = c;
    k.cache = sslx_config_srv(s)->cache;
    apr_pool_create(&k.p, c->pool);
    v = check_from(&k, oc, chain, n,
                   (oc->check & SSLX_OCSP_MODE_MASK) == SSLX_OCSP_LEAF
                   ? 0 : n - 1);
    apr_pool_destroy(k.p);
    return v;
}

int sslx_ocsp_check_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
    for (; s != NULL; s = s->next) {
        if (sslx_config_srv(s)->tls && sslx_ocsp_check_enabled(s)) {
            break;
        }
    }
    if (s && sslx_http_global_init(pconf) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(02756)
                     "SSLXOCSPEnable: libcurl cannot be initialised");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}
