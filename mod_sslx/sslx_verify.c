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
#include "sslx_chain.h"
#include "sslx_config.h"
#include "sslx_log.h"
#include "sslx_x509.h"

/* The vhost's rules for client certificates, as a chain policy. */
static sslx_chain_policy_t client_policy(const sslx_conn_t *sc)
{
    sslx_chain_policy_t pol;

    pol.trust = sc->tls->trust;
    pol.crls = sc->tls->crls;
    sslx_chain_crl_policy(&pol, sslx_config_srv(sc->server)->crl_check);
    pol.depth = sc->verify_depth;
    pol.purpose = GNUTLS_KP_TLS_WWW_CLIENT;
    pol.unknown_ca_ok = sc->verify_mode == SSLX_VERIFY_OPTIONAL_NO_CA;
    return pol;
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

static void accepted(sslx_conn_t *sc, apr_pool_t *p,
                     gnutls_x509_crt_t *chain, unsigned n, int generous)
{
    sc->verify_result = generous ? generous_result(sc->session, chain, n)
                                 : "SUCCESS";
    ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(01701)
                  "client certificate accepted (%s): %s", sc->verify_result,
                  sslx_x509_dn(p, chain[0], SSLX_X509_SUBJECT));
}

static void rejected(sslx_conn_t *sc, sslx_chain_verdict_t v,
                     const char *subject)
{
    sc->verify_result = apr_pstrcat(sc->c->pool, "FAILED:", v.reason, NULL);
    sc->verify_alert = v.alert;
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, sc->c, SSLXLOGNO(01702)
                  "client certificate rejected: %s (subject: %s)",
                  v.reason, subject);
}

/* Verifies what the client sent; returns 0 when it is acceptable. */
static int judge(sslx_conn_t *sc, const gnutls_datum_t *der, unsigned n)
{
    sslx_chain_policy_t pol = client_policy(sc);
    gnutls_x509_crt_t *chain;
    apr_pool_t *p;
    sslx_chain_verdict_t v;

    apr_pool_create(&p, sc->c->pool);
    if ((chain = sslx_chain_import(p, der, n)) == NULL) {
        v = sslx_chain_undecodable();
        rejected(sc, v, "undecodable");
    }
    else if ((v = sslx_chain_judge(&pol, chain, n, apr_time_now())).reason) {
        rejected(sc, v, sslx_x509_dn(p, chain[0], SSLX_X509_SUBJECT));
    }
    else {
        accepted(sc, p, chain, n, v.generous);
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
    if (sc && !c->master && sc->session && !sc->client) {
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
