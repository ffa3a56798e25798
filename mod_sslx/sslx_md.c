/* sslx_md.c - certificates other modules hand over through httpd's
 * ap_ssl_* interface, as mod_md does: a managed domain's files (or its
 * stand-ins while it has none yet), the answer to an ACME tls-alpn-01
 * challenge in the handshake, and the OCSP responses it staples.
 *
 * mod_md sets itself up in a post_config hook of middle order and judges
 * what the TLS modules reported in one of last order; sslx_md_post_config
 * runs between the two (SSLX_POST_CONFIG_ORDER) and before every other
 * post_config of mod_sslx that uses a vhost's sslx_tls_t.  Asking for a
 * vhost's files is also how mod_md learns that the vhost speaks TLS.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_ssl.h>
#include <gnutls/crypto.h>

#include "sslx_cert.h"
#include "sslx_config.h"
#include "sslx_conn.h"
#include "sslx_init.h"
#include "sslx_log.h"
#include "sslx_md.h"
#include "sslx_ocsp_config.h"

/* ---- certificate files ------------------------------------------------- */

/* Files from index "from" on become pairs of vhost s, ahead of the
 * configured ones: GnuTLS presents the first pair that suits a client,
 * and under mod_ssl the files a module adds replace configured ones of
 * the same key type.  The pair array may be the main server's (merged
 * into a vhost that has none), so a new one takes them. */
static void add_pairs(apr_pool_t *pconf, server_rec *s,
                      const apr_array_header_t *certs,
                      const apr_array_header_t *keys, int from)
{
    sslx_srv_conf_t *sc = sslx_config_srv(s);
    apr_array_header_t *pairs = apr_array_make(pconf, certs->nelts,
                                               sizeof(sslx_cert_pair_t));
    sslx_cert_pair_t *pair;
    int i;

    for (i = from; i < certs->nelts; i++) {
        pair = apr_array_push(pairs);
        memset(pair, 0, sizeof(*pair));
        pair->cert_file = APR_ARRAY_IDX(certs, i, const char *);
        pair->key_file = i < keys->nelts
                         ? APR_ARRAY_IDX(keys, i, const char *) : NULL;
        pair->cert_origin.directive = "the certificate a module provides";
        pair->cert_origin.file = s->defn_name;
        pair->cert_origin.line = s->defn_line_number;
        pair->key_origin = pair->cert_origin;
        pair->key_origin.directive = "the key a module provides";
    }
    apr_array_cat(pairs, sc->cert_pairs);
    sc->cert_pairs = pairs;
}

/* What other modules add to the files of TLS vhost s; stand-ins when
 * nothing else is there.  Rebuilds the vhost's sslx_tls_t when the
 * files changed. */
static int take_files(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    sslx_srv_conf_t *sc = sslx_config_srv(s);
    int n = sc->cert_pairs->nelts, fallback = 0, trial, i, rv;
    apr_array_header_t *certs = apr_array_make(ptemp, n + 2,
                                               sizeof(const char *));
    apr_array_header_t *keys = apr_array_make(ptemp, n + 2,
                                              sizeof(const char *));
    const sslx_cert_pair_t *pair;

    for (i = 0; i < n; i++) {
        pair = &APR_ARRAY_IDX(sc->cert_pairs, i, sslx_cert_pair_t);
        APR_ARRAY_PUSH(certs, const char *) = pair->cert_file;
        APR_ARRAY_PUSH(keys, const char *) = pair->key_file
                                             ? pair->key_file
                                             : pair->cert_file;
    }
    ap_ssl_add_cert_files(s, ptemp, certs, keys);
    if (certs->nelts == 0) {
        ap_ssl_add_fallback_cert_files(s, ptemp, certs, keys);
        fallback = certs->nelts > 0;
    }
    if (certs->nelts == n && sc->tls) {
        return OK;
    }
    if (certs->nelts == 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                     SSLXLOGNO(03101) "%s",
                     sslx_init_no_cert_message(ptemp, s));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    add_pairs(pconf, s, certs, keys, n);
    if ((rv = sslx_init_vhost(pconf, ptemp, s)) != OK || !sc->tls) {
        return rv != OK ? rv : HTTP_INTERNAL_SERVER_ERROR;
    }
    sc->tls->service_unavailable = fallback;
    /* A warning once, not also in httpd's trial run of the configuration. */
    trial = ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG;
    ap_log_error(APLOG_MARK, fallback && !trial ? APLOG_WARNING : APLOG_DEBUG,
                 0, s, SSLXLOGNO(03102) "vhost %s (%s:%d) uses %d "
                 "certificate(s) a module provides%s", s->server_hostname,
                 s->defn_name ? s->defn_name : "?", s->defn_line_number,
                 certs->nelts - n, fallback ? ", stand-ins until the real "
                 "ones exist: its requests are answered with 503" : "");
    if (sc->ocsp->stapling == 1 && !trial) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, SSLXLOGNO(03108)
                     "vhost %s: SSLXUseStapling does not apply to a vhost "
                     "whose certificates a module provides; with mod_md, "
                     "use MDStapling on", s->server_hostname);
    }
    return OK;
}

/* ---- OCSP responses from a module --------------------------------------- */

/* A leaf whose responses a module provides, named as mod_ssl names it
 * to ap_ssl_ocsp_prime(): by the SHA-1 digest of its DER form. */
typedef struct {
    unsigned char id[20];
} primed_t;

static void copy_response(const unsigned char *der, apr_size_t len,
                          void *userdata)
{
    gnutls_datum_t *out = userdata;

    if (!der || len == 0 || len > 0xffffff || out->data) {
        return;
    }
    if ((out->data = gnutls_malloc(len)) != NULL) {
        memcpy(out->data, der, len);
        out->size = (unsigned)len;
    }
}

/* GnuTLS's status callback for a primed certificate. */
static int module_staple(gnutls_session_t session, void *ptr,
                         gnutls_datum_t *response)
{
    sslx_conn_t *sc = gnutls_session_get_ptr(session);
    const primed_t *pr = ptr;

    response->data = NULL;
    response->size = 0;
    if (sc) {
        ap_ssl_ocsp_get_resp(sc->server, sc->c, (const char *)pr->id,
                             sizeof(pr->id), copy_response, response);
        ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, sc->c, "stapling: the "
                      "provider of OCSP responses had %s", response->data
                      ? "one" : "none");
    }
    return response->data ? 0 : GNUTLS_E_NO_CERTIFICATE_STATUS;
}

static const char *pem_of(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_datum_t out;
    const char *pem;

    if (gnutls_pem_base64_encode2("CERTIFICATE", der, &out) < 0) {
        return NULL;
    }
    pem = apr_pstrmemdup(p, (const char *)out.data, out.size);
    gnutls_free(out.data);
    return pem;
}

/* The leaf of pair idx, then its issuer, in PEM: what a provider needs
 * to ask a responder.  NULL when the chain has no issuer. */
static const char *leaf_and_issuer(apr_pool_t *p, const sslx_tls_t *tls,
                                   unsigned idx, primed_t *pr)
{
    gnutls_datum_t leaf, issuer;
    const char *a, *b;

    if (gnutls_certificate_get_crt_raw(tls->creds, idx, 0, &leaf) < 0
        || gnutls_certificate_get_crt_raw(tls->creds, idx, 1, &issuer) < 0
        || gnutls_hash_fast(GNUTLS_DIG_SHA1, leaf.data, leaf.size,
                            pr->id) < 0
        || (a = pem_of(p, &leaf)) == NULL
        || (b = pem_of(p, &issuer)) == NULL) {
        return NULL;
    }
    return apr_pstrcat(p, a, b, NULL);
}

/* Each certificate of vhost s is offered to the providers of OCSP
 * responses (mod_md with MDStapling on); one that takes it staples it
 * from then on, in place of SSLXUseStapling, as with mod_ssl. */
static int prime_ocsp(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    const sslx_tls_t *tls = sslx_config_srv(s)->tls;
    const char *pem;
    primed_t *pr;
    unsigned i;
    int rv;

    for (i = 0; i < (unsigned)tls->leaves->nelts; i++) {
        pr = apr_pcalloc(pconf, sizeof(*pr));
        pem = leaf_and_issuer(ptemp, tls, i, pr);
        if (!pem || ap_ssl_ocsp_prime(s, ptemp, (const char *)pr->id,
                                      sizeof(pr->id), pem) != APR_SUCCESS) {
            continue;
        }
        rv = gnutls_certificate_set_ocsp_status_request_function2(
                 tls->creds, i, module_staple, pr);
        if (rv < 0) {
            ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                         SSLXLOGNO(03103) "%s", sslx_log_describe(ptemp,
                         "setting the OCSP status callback", rv));
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(03104)
                     "vhost %s: certificate %u is stapled with the OCSP "
                     "responses a module provides", s->server_hostname, i);
    }
    return OK;
}

int sslx_md_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                        apr_pool_t *ptemp, server_rec *s)
{
    int rv;

    (void)plog;
    for (; s != NULL; s = s->next) {
        if (sslx_config_srv(s)->engine != 1) {
            continue;
        }
        if ((rv = take_files(pconf, ptemp, s)) != OK
            || (rv = prime_ocsp(pconf, ptemp, s)) != OK) {
            return rv;
        }
    }
    return OK;
}

/* ---- the tls-alpn-01 challenge ------------------------------------------ */

/* The session presents cert_pem (with key_pem, or the key inside
 * cert_pem) instead of the vhost's certificates.  The credentials go
 * with c->pool, after the session (whose deinit is a pre-cleanup). */
static int present(sslx_conn_t *sc, const char *cert_pem,
                   const char *key_pem)
{
    gnutls_certificate_credentials_t creds;
    gnutls_datum_t cert, key;
    int rv;

    cert.data = (unsigned char *)cert_pem;
    cert.size = (unsigned)strlen(cert_pem);
    key.data = (unsigned char *)(key_pem ? key_pem : cert_pem);
    key.size = (unsigned)strlen((const char *)key.data);
    if ((rv = sslx_cert_make_creds(sc->c->pool, &creds)) < 0) {
        return rv;
    }
    rv = gnutls_certificate_set_x509_key_mem2(creds, &cert, &key,
                                              GNUTLS_X509_FMT_PEM, NULL, 0);
    if (rv >= 0) {
        rv = gnutls_credentials_set(sc->session, GNUTLS_CRD_CERTIFICATE,
                                    creds);
    }
    return rv < 0 ? rv : 0;
}

static int is_http(const char *proto)
{
    return !strcmp(proto, "http/1.1") || !strcmp(proto, "h2");
}

int sslx_md_answer_challenge(sslx_conn_t *sc)
{
    conn_rec *c = sc->c;
    const char *cert_pem = NULL, *key_pem = NULL;
    apr_status_t st;
    int rv;

    if (!sc->alpn || is_http(sc->alpn)
        || !strcmp(sc->alpn, ap_get_protocol(c))) {
        return 0;
    }
    /* Switched now, not after the handshake: the module that owns the
     * protocol decides on the switch whether this is a challenge, and
     * the answer is a certificate of this very handshake. */
    st = ap_switch_protocol(c, NULL, sc->server, sc->alpn);
    if (st != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, st, c, SSLXLOGNO(03105)
                      "switching to protocol '%s' chosen by ALPN failed",
                      sc->alpn);
        return GNUTLS_E_NO_APPLICATION_PROTOCOL;
    }
    if (!sc->sni || !ap_ssl_answer_challenge(c, sc->sni, &cert_pem,
                                             &key_pem) || !cert_pem) {
        return 0;
    }
    if ((rv = present(sc, cert_pem, key_pem)) < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, c, SSLXLOGNO(03106) "%s",
                      sslx_log_describe(c->pool, apr_psprintf(c->pool,
                      "using the %s challenge certificate for '%s'",
                      sc->alpn, sc->sni), rv));
        return rv;
    }
    sc->challenge = 1;
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, c, SSLXLOGNO(03107)
                  "answering a %s challenge for '%s' with the certificate "
                  "a module provides", sc->alpn, sc->sni);
    return 0;
}
