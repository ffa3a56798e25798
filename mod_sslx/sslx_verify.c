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
#include "sslx_crl.h"
#include "sslx_log.h"
#include "sslx_x509.h"

/* One verification outcome: the reason as OpenSSL words it (NULL: ok),
 * and the alert that goes with it. */
typedef struct {
    const char *reason;
    int alert;
} verdict_t;

static const verdict_t VERDICT_OK = { NULL, 0 };

/* Longer chains than this are not followed (nor accepted). */
#define SSLX_MAX_CHAIN 16

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

/* OpenSSL finds problems in this order: building the chain, the
 * purpose, revocation (check_revocation() below), then signatures and
 * validity times.  These are the first two. */
static verdict_t chain_problem(unsigned status, unsigned nsent,
                               gnutls_x509_crt_t leaf)
{
    if (is_unknown_issuer(status)) {
        return unknown_issuer(nsent, leaf);
    }
    if (status & GNUTLS_CERT_PURPOSE_MISMATCH) {
        return verdict("unsupported certificate purpose",
                       GNUTLS_A_UNSUPPORTED_CERTIFICATE);
    }
    return VERDICT_OK;
}

/* ... and these the last. */
static verdict_t validity_problem(unsigned status)
{
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

/* The chain as OpenSSL builds it for mod_ssl: the client's certificate,
 * then each issuer, taken from the trusted CAs first and else from what
 * the client sent, up to a self-signed root or the last issuer known.
 * Depth and revocation are judged on this chain, not on what the client
 * chose to send. */
static unsigned build_chain(gnutls_x509_trust_list_t trust,
                            gnutls_x509_crt_t *sent, unsigned nsent,
                            gnutls_x509_crt_t *chain)
{
    gnutls_x509_crt_t cur = sent[0], next;
    unsigned n = 0, j;

    chain[n++] = cur;
    while (n < SSLX_MAX_CHAIN && !gnutls_x509_crt_check_issuer(cur, cur)) {
        next = NULL;
        if (gnutls_x509_trust_list_get_issuer(trust, cur, &next, 0) < 0) {
            next = NULL;
            for (j = 1; j < nsent && !next; j++) {
                if (sent[j] != cur
                    && gnutls_x509_crt_check_issuer(cur, sent[j])) {
                    next = sent[j];
                }
            }
        }
        if (!next) {
            break;
        }
        chain[n++] = cur = next;
    }
    return n;
}

/* One certificate's CRL verdict, in OpenSSL's words and alerts. */
static verdict_t revocation_verdict(sslx_revocation_t rev, int crl_check)
{
    switch (rev) {
    case SSLX_REV_GOOD:
        return VERDICT_OK;
    case SSLX_REV_REVOKED:
        return verdict("certificate revoked", GNUTLS_A_CERTIFICATE_REVOKED);
    case SSLX_REV_NO_CRL:
        return (crl_check & SSLX_CRL_NO_CRL_FOR_CERT_OK) ? VERDICT_OK
               : verdict("unable to get certificate CRL",
                         GNUTLS_A_UNKNOWN_CA);
    case SSLX_REV_CRL_EXPIRED:
        return verdict("CRL has expired", GNUTLS_A_CERTIFICATE_EXPIRED);
    case SSLX_REV_CRL_NOT_YET_VALID:
        return verdict("CRL is not yet valid", GNUTLS_A_BAD_CERTIFICATE);
    default:
        return verdict("CRL signature failure", GNUTLS_A_DECRYPT_ERROR);
    }
}

/* SSLXCARevocationCheck leaf or chain: every certificate it covers
 * needs a current CRL signed by its issuer that does not list it; the
 * trust anchor at the top needs none. */
static verdict_t check_revocation(const sslx_tls_t *tls, int crl_check,
                                  gnutls_x509_crt_t *chain, unsigned n)
{
    time_t now = apr_time_sec(apr_time_now());
    unsigned i, last;
    verdict_t v = VERDICT_OK;

    if (!(crl_check & SSLX_CRL_MODE_MASK) || !tls->crls) {
        return VERDICT_OK;
    }
    last = (crl_check & SSLX_CRL_MODE_MASK) == SSLX_CRL_LEAF ? 1 : n - 1;
    for (i = 0; i < last && i + 1 < n && !v.reason; i++) {
        v = revocation_verdict(sslx_crl_check(tls->crls, chain[i],
                                              chain[i + 1], now),
                               crl_check);
    }
    return v;
}

/* mod_ssl's SSLVerifyDepth counts the CAs above the client certificate
 * in the verified chain: 1 allows a certificate issued directly by a
 * trusted root. */
static verdict_t check_depth(unsigned nchain, int depth)
{
    if ((int)nchain - 1 > depth) {
        return verdict("certificate chain too long",
                       GNUTLS_A_BAD_CERTIFICATE);
    }
    return VERDICT_OK;
}

static unsigned trust_status(const sslx_tls_t *tls, gnutls_x509_crt_t *sent,
                             unsigned n)
{
    gnutls_typed_vdata_st purpose;
    unsigned status = GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;

    purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
    purpose.data = (void *)GNUTLS_KP_TLS_WWW_CLIENT;
    purpose.size = 0;
    if (tls->trust
        && gnutls_x509_trust_list_verify_crt2(tls->trust, sent, n, &purpose,
                                              1, 0, &status, NULL) < 0) {
        status = GNUTLS_CERT_INVALID;
    }
    return status;
}

static verdict_t verify_chain(sslx_conn_t *sc, gnutls_x509_crt_t *sent,
                              unsigned n, int *pgenerous)
{
    const sslx_srv_conf_t *conf = sslx_config_srv(sc->server);
    gnutls_x509_crt_t chain[SSLX_MAX_CHAIN];
    unsigned status = trust_status(sc->tls, sent, n), nchain;
    verdict_t v = chain_problem(status, n, sent[0]);

    *pgenerous = 0;
    if (v.reason && is_unknown_issuer(status)
        && sc->verify_mode == SSLX_VERIFY_OPTIONAL_NO_CA) {
        v = check_leaf_alone(sent[0], apr_time_now());
        *pgenerous = (v.reason == NULL);
        return v;
    }
    if (v.reason) {
        return v;
    }
    nchain = build_chain(sc->tls->trust, sent, n, chain);
    v = check_revocation(sc->tls, conf->crl_check == SSLX_UNSET
                                  ? SSLX_CRL_NONE : conf->crl_check,
                         chain, nchain);
    if (!v.reason) {
        v = validity_problem(status);
    }
    if (!v.reason) {
        v = check_depth(nchain, sc->verify_depth);
    }
    return v;
}

static gnutls_x509_crt_t *import_chain(apr_pool_t *p,
                                       const gnutls_datum_t *der,
                                       unsigned n)
{
    /* An array of handles, which are pointers:
     * NOLINTNEXTLINE(bugprone-sizeof-expression) */
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
    /* A resumed session brings its certificate but no new check.  The
     * connection goes on whatever the outcome: no alert is due. */
    judge(sc, der, n);
    sc->verify_alert = 0;
    return sc->verify_result;
}

int sslx_verify_resumed(sslx_conn_t *sc)
{
    if (!gnutls_session_is_resumed(sc->session)
        || sc->verify_mode == SSLX_VERIFY_NONE) {
        return 0;
    }
    /* The session was verified when it was made, perhaps under other CAs
     * or CRLs (ticket keys survive a graceful restart), and GnuTLS does
     * not verify it again: do it now, as for a full handshake. */
    ap_log_cerror(APLOG_MARK, APLOG_TRACE1, 0, sc->c, "resumed session: "
                  "verifying its client certificate again");
    return verify_peer(sc->session);
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
