/* sslx_verify.c - deciding whether the certificate a client sent is
 * acceptable, with mod_ssl's semantics and wording.
 *
 * GnuTLS calls verify_peer() as soon as the client's Certificate message
 * has arrived, in the first handshake or a later re-authentication.  The
 * chain is checked against the vhost's own trust list (CAs, and CRLs when
 * SSLXCARevocationCheck asks for them) for the clientAuth purpose.  The
 * outcome is kept as SSL_CLIENT_VERIFY spells it; a rejected certificate
 * fails the handshake with the alert OpenSSL would send for the same
 * reason, and an INFO line names the reason and the client's subject.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <gnutls/x509.h>

#include "sslx_verify.h"
#include "sslx_log.h"
#include "sslx_x509.h"

/* One verification outcome: the reason as OpenSSL words it (NULL: ok),
 * and the alert that goes with it. */
typedef struct {
    const char *reason;
    int alert;
} verdict_t;

static const verdict_t VERDICT_OK = { NULL, 0 };

static verdict_t verdict(const char *reason, int alert)
{
    verdict_t v;

    v.reason = reason;
    v.alert = alert;
    return v;
}

/* An issuer-less failure: mod_ssl's optional_no_ca forgives these. */
static int is_unknown_issuer(unsigned status)
{
    return (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
           || (status & GNUTLS_CERT_SIGNER_NOT_CA);
}

static verdict_t unknown_issuer(unsigned nsent, gnutls_x509_crt_t leaf)
{
    if (nsent == 1 && gnutls_x509_crt_check_issuer(leaf, leaf)) {
        return verdict("self-signed certificate", GNUTLS_A_UNKNOWN_CA);
    }
    return verdict(nsent == 1 ? "unable to get local issuer certificate"
                   : "unable to get issuer certificate",
                   GNUTLS_A_UNKNOWN_CA);
}

/* In the order OpenSSL finds problems: chain building, purpose,
 * revocation, then signatures and validity times. */
static verdict_t from_status(unsigned status, unsigned nsent,
                             gnutls_x509_crt_t leaf)
{
    if (is_unknown_issuer(status)) {
        return unknown_issuer(nsent, leaf);
    }
    if (status & GNUTLS_CERT_PURPOSE_MISMATCH) {
        return verdict("unsupported certificate purpose",
                       GNUTLS_A_UNSUPPORTED_CERTIFICATE);
    }
    if (status & GNUTLS_CERT_REVOKED) {
        return verdict("certificate revoked",
                       GNUTLS_A_CERTIFICATE_REVOKED);
    }
    if (status & GNUTLS_CERT_SIGNATURE_FAILURE) {
        return verdict("certificate signature failure",
                       GNUTLS_A_DECRYPT_ERROR);
    }
    if (status & GNUTLS_CERT_NOT_ACTIVATED) {
        return verdict("certificate is not yet valid",
                       GNUTLS_A_BAD_CERTIFICATE);
    }
    if (status & GNUTLS_CERT_EXPIRED) {
        return verdict("certificate has expired",
                       GNUTLS_A_CERTIFICATE_EXPIRED);
    }
    if (status & GNUTLS_CERT_INSECURE_ALGORITHM) {
        return verdict("CA signature digest algorithm too weak",
                       GNUTLS_A_BAD_CERTIFICATE);
    }
    return status ? verdict("certificate verification failed",
                            GNUTLS_A_BAD_CERTIFICATE)
                  : VERDICT_OK;
}

/* A certificate with an extended key usage must allow client auth. */
static int allows_client_auth(gnutls_x509_crt_t crt)
{
    char oid[128];
    size_t size;
    unsigned i;
    int rv;

    for (i = 0;; i++) {
        size = sizeof(oid);
        rv = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size, NULL);
        if (rv == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
            return 1;
        }
        if (rv < 0) {
            return 0;
        }
        if (!strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT)
            || !strcmp(oid, GNUTLS_KP_ANY)) {
            return 1;
        }
    }
}

/* optional_no_ca: the issuer may be unknown, the certificate itself
 * must still be fit for use now. */
static verdict_t check_leaf_alone(gnutls_x509_crt_t leaf, apr_time_t now)
{
    time_t secs = apr_time_sec(now);

    if (!allows_client_auth(leaf)) {
        return verdict("unsupported certificate purpose",
                       GNUTLS_A_UNSUPPORTED_CERTIFICATE);
    }
    if (gnutls_x509_crt_get_activation_time(leaf) > secs) {
        return verdict("certificate is not yet valid",
                       GNUTLS_A_BAD_CERTIFICATE);
    }
    if (sslx_x509_is_expired(leaf, now)) {
        return verdict("certificate has expired",
                       GNUTLS_A_CERTIFICATE_EXPIRED);
    }
    return VERDICT_OK;
}

static int has_crl_from(const sslx_tls_t *tls, gnutls_x509_crt_t crt)
{
    gnutls_datum_t issuer;
    const gnutls_datum_t *dn;
    int i, found = 0;

    if (gnutls_x509_crt_get_raw_issuer_dn(crt, &issuer) < 0) {
        return 0;
    }
    for (i = 0; i < tls->crl_issuers->nelts && !found; i++) {
        dn = &APR_ARRAY_IDX(tls->crl_issuers, i, gnutls_datum_t);
        found = dn->size == issuer.size
                && !memcmp(dn->data, issuer.data, issuer.size);
    }
    gnutls_free(issuer.data);
    return found;
}

/* SSLXCARevocationCheck without no_crl_for_cert_ok: every certificate it
 * covers needs a CRL from its issuer (the trust anchor needs none). */
static verdict_t check_crl_presence(const sslx_tls_t *tls, int crl_check,
                                    gnutls_x509_crt_t *chain, unsigned n)
{
    unsigned i, last;

    if (!(crl_check & SSLX_CRL_MODE_MASK)
        || (crl_check & SSLX_CRL_NO_CRL_FOR_CERT_OK)) {
        return VERDICT_OK;
    }
    last = (crl_check & SSLX_CRL_MODE_MASK) == SSLX_CRL_LEAF ? 1 : n;
    for (i = 0; i < last; i++) {
        if (gnutls_x509_crt_check_issuer(chain[i], chain[i])) {
            continue;
        }
        if (!has_crl_from(tls, chain[i])) {
            return verdict("unable to get certificate CRL",
                           GNUTLS_A_UNKNOWN_CA);
        }
    }
    return VERDICT_OK;
}

/* mod_ssl's SSLVerifyDepth counts the CAs above the client certificate:
 * 1 allows a certificate issued directly by a trusted CA. */
static verdict_t check_depth(gnutls_x509_crt_t *chain, unsigned n,
                             int depth)
{
    unsigned cas = n;

    if (n > 1 && gnutls_x509_crt_check_issuer(chain[n - 1], chain[n - 1])) {
        cas = n - 1;
    }
    if ((int)cas > depth) {
        return verdict("certificate chain too long",
                       GNUTLS_A_BAD_CERTIFICATE);
    }
    return VERDICT_OK;
}

static verdict_t verify_chain(sslx_conn_t *sc, gnutls_x509_crt_t *chain,
                              unsigned n, int *pgenerous)
{
    const sslx_tls_t *tls = sc->tls;
    const sslx_srv_conf_t *conf = sslx_config_srv(sc->server);
    gnutls_typed_vdata_st purpose;
    unsigned status = GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;
    verdict_t v;
    int rv;

    *pgenerous = 0;
    purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
    purpose.data = (void *)GNUTLS_KP_TLS_WWW_CLIENT;
    purpose.size = 0;
    if (tls->trust) {
        rv = gnutls_x509_trust_list_verify_crt2(tls->trust, chain, n,
                                                &purpose, 1, 0, &status,
                                                NULL);
        if (rv < 0) {
            return verdict("certificate verification failed",
                           GNUTLS_A_BAD_CERTIFICATE);
        }
    }
    v = from_status(status, n, chain[0]);
    if (v.reason && is_unknown_issuer(status)
        && sc->verify_mode == SSLX_VERIFY_OPTIONAL_NO_CA) {
        v = check_leaf_alone(chain[0], apr_time_now());
        *pgenerous = (v.reason == NULL);
        return v;
    }
    if (!v.reason) {
        v = check_depth(chain, n, sc->verify_depth);
    }
    if (!v.reason && tls->crl_issuers) {
        v = check_crl_presence(tls, conf->crl_check == SSLX_UNSET
                                    ? SSLX_CRL_NONE : conf->crl_check,
                               chain, n);
    }
    return v;
}

static gnutls_x509_crt_t *import_chain(apr_pool_t *p,
                                       const gnutls_datum_t *der,
                                       unsigned n)
{
    gnutls_x509_crt_t *chain = apr_pcalloc(p, n * sizeof(*chain));
    unsigned i;

    for (i = 0; i < n; i++) {
        if ((chain[i] = sslx_x509_import(p, &der[i])) == NULL) {
            return NULL;
        }
    }
    return chain;
}

/* mod_ssl accepts an unknown issuer under optional_no_ca; the results
 * below are how it reports such a certificate, and
 * sslx_verify_satisfies() accepts them. */
#define SSLX_SELF_SIGNED_RESULT "FAILED:self-signed certificate"
#define SSLX_NO_ISSUER_RESULT \
    "FAILED:unable to verify the first certificate"

static const char *generous_result(gnutls_session_t session,
                                   gnutls_x509_crt_t *chain, unsigned n)
{
    int self_signed = n == 1
                      && gnutls_x509_crt_check_issuer(chain[0], chain[0]);

    /* What mod_ssl reports here depends on OpenSSL's state machine: under
     * TLS 1.2 "GENEROUS", under TLS 1.3 the verification error. */
    if (gnutls_protocol_get_version(session) != GNUTLS_TLS1_3) {
        return "GENEROUS";
    }
    return self_signed ? SSLX_SELF_SIGNED_RESULT : SSLX_NO_ISSUER_RESULT;
}

/* Verifies what the client sent; returns 0 when it is acceptable. */
static int judge(sslx_conn_t *sc, const gnutls_datum_t *der, unsigned n)
{
    conn_rec *c = sc->c;
    gnutls_x509_crt_t *chain;
    apr_pool_t *p;
    verdict_t v;
    int generous = 0;

    apr_pool_create(&p, c->pool);
    chain = import_chain(p, der, n);
    v = chain ? verify_chain(sc, chain, n, &generous)
              : verdict("unable to decode issuer public key",
                        GNUTLS_A_BAD_CERTIFICATE);
    if (!v.reason) {
        sc->verify_result = generous ? generous_result(sc->session, chain,
                                                       n)
                                     : "SUCCESS";
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, c, SSLXLOGNO(01701)
                      "client certificate accepted (%s): %s",
                      sc->verify_result,
                      sslx_x509_dn(p, chain[0], SSLX_X509_SUBJECT));
    }
    else {
        sc->verify_result = apr_pstrcat(c->pool, "FAILED:", v.reason, NULL);
        sc->verify_alert = v.alert;
        ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, c, SSLXLOGNO(01702)
                      "client certificate rejected: %s (subject: %s)",
                      v.reason, chain ? sslx_x509_dn(p, chain[0],
                      SSLX_X509_SUBJECT) : "undecodable");
    }
    apr_pool_destroy(p);
    return v.reason ? -1 : 0;
}

static int verify_peer(gnutls_session_t session)
{
    sslx_conn_t *sc = gnutls_session_get_ptr(session);
    const gnutls_datum_t *der;
    unsigned n = 0;

    sc->verify_alert = 0;
    der = gnutls_certificate_get_peers(session, &n);
    if (der && n > 0) {
        return judge(sc, der, n);
    }
    sc->verify_result = "NONE";
    if (sc->verify_mode != SSLX_VERIFY_REQUIRE) {
        return 0;
    }
    sc->verify_alert = gnutls_protocol_get_version(session) == GNUTLS_TLS1_3
                       ? GNUTLS_A_CERTIFICATE_REQUIRED
                       : GNUTLS_A_HANDSHAKE_FAILURE;
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, sc->c, SSLXLOGNO(01703)
                  "client sent no certificate, but one is required "
                  "(SSLXVerifyClient require)");
    return -1;
}

int sslx_verify_pre_connection(conn_rec *c, void *csd)
{
    sslx_conn_t *sc = sslx_conn_get(c);

    (void)csd;
    if (sc && !c->master && sc->session) {
        gnutls_session_set_verify_function(sc->session, verify_peer);
    }
    return DECLINED;
}

const char *sslx_verify_result(sslx_conn_t *sc, apr_pool_t *p)
{
    const gnutls_datum_t *der;
    unsigned n = 0;

    (void)p;
    if (sc->verify_result) {
        return sc->verify_result;
    }
    der = gnutls_certificate_get_peers(sc->session, &n);
    if (!der || n == 0) {
        return "NONE";
    }
    /* A resumed session brings its certificate but no new check. */
    judge(sc, der, n);
    return sc->verify_result;
}

int sslx_verify_satisfies(const char *result, int mode)
{
    switch (mode) {
    case SSLX_VERIFY_REQUIRE:
        return !strcmp(result, "SUCCESS");
    case SSLX_VERIFY_OPTIONAL:
        return !strcmp(result, "SUCCESS") || !strcmp(result, "NONE");
    case SSLX_VERIFY_OPTIONAL_NO_CA:
        return strncmp(result, "FAILED", 6) != 0
               || !strcmp(result, SSLX_SELF_SIGNED_RESULT)
               || !strcmp(result, SSLX_NO_ISSUER_RESULT);
    default:
        return 1;
    }
}
