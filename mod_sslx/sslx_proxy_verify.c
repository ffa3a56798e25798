/* sslx_proxy_verify.c - whether a backend's certificate is acceptable,
 * with the semantics of mod_ssl's SSLProxyVerify, SSLProxyCheckPeerExpire,
 * SSLProxyCheckPeerName and SSLProxyCheckPeerCN.
 *
 * GnuTLS calls sslx_proxy_verify_backend() when the backend's
 * Certificate message has arrived.  Everything is decided there, so a
 * refused backend gets the alert that says why, and the connection's
 * record keeps the reason for the one log line sslx_proxy.c writes.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <gnutls/x509.h>

#include "sslx_chain.h"
#include "sslx_config.h"
#include "sslx_proxy.h"
#include "sslx_x509.h"

static int refuse(sslx_conn_t *sc, const char *reason, int alert)
{
    sc->client->refusal = reason;
    sc->verify_alert = alert;
    return -1;
}

static sslx_chain_policy_t backend_policy(const sslx_proxy_tls_t *tls)
{
    sslx_chain_policy_t pol;

    pol.trust = tls->trust;
    pol.crls = tls->crls;
    sslx_chain_crl_policy(&pol, tls->conf->crl_check);
    pol.depth = sslx_proxy_config_verify_depth(tls->conf);
    pol.purpose = GNUTLS_KP_TLS_WWW_SERVER;
    pol.unknown_ca_ok = sslx_proxy_config_verify_mode(tls->conf)
                        == SSLX_VERIFY_OPTIONAL_NO_CA;
    return pol;
}

static int valid_now(gnutls_x509_crt_t crt)
{
    apr_time_t now = apr_time_now();

    return gnutls_x509_crt_get_activation_time(crt) <= apr_time_sec(now)
           && !sslx_x509_is_expired(crt, now);
}

/* SSLProxyCheckPeerCN: the subject's CN is the host, or a wildcard CN
 * covers its first label. */
static int cn_matches(apr_pool_t *p, gnutls_x509_crt_t crt,
                      const char *host)
{
    const char *cn = sslx_x509_dn_component(p, crt, SSLX_X509_SUBJECT,
                                            "CN", 0);
    const char *dot = strchr(host, '.');

    if (!cn) {
        return 0;
    }
    if (!strcasecmp(cn, host)) {
        return 1;
    }
    return cn[0] == '*' && cn[1] == '.' && dot && !strcasecmp(cn + 1, dot);
}

static int check_name(sslx_conn_t *sc, apr_pool_t *p, gnutls_x509_crt_t crt)
{
    const sslx_proxy_conf_t *pc = sc->client->tls->conf;
    const char *host = sc->client->hostname;

    if (!host) {
        return 0;
    }
    if (pc->check_peer_name != 0) {
        if (!gnutls_x509_crt_check_hostname2(crt, host, 0)) {
            return refuse(sc, apr_pstrcat(sc->c->pool, "certificate does "
                          "not match for hostname ", host, " (subject: ",
                          sslx_x509_dn(p, crt, SSLX_X509_SUBJECT), ")",
                          NULL), GNUTLS_A_BAD_CERTIFICATE);
        }
    }
    else if (pc->check_peer_cn == 1 && !cn_matches(p, crt, host)) {
        return refuse(sc, apr_pstrcat(sc->c->pool, "certificate CN does "
                      "not match for hostname ", host, NULL),
                      GNUTLS_A_BAD_CERTIFICATE);
    }
    return 0;
}

static int judge(sslx_conn_t *sc, apr_pool_t *p, const gnutls_datum_t *der,
                 unsigned n)
{
    const sslx_proxy_tls_t *tls = sc->client->tls;
    gnutls_x509_crt_t *chain = sslx_chain_import(p, der, n);
    sslx_chain_policy_t pol = backend_policy(tls);
    sslx_chain_verdict_t v;

    if (!chain) {
        v = sslx_chain_undecodable();
        return refuse(sc, v.reason, v.alert);
    }
    if (sslx_proxy_config_verify_mode(tls->conf) != SSLX_VERIFY_NONE) {
        v = sslx_chain_judge(&pol, chain, n, apr_time_now());
        if (v.reason) {
            return refuse(sc, apr_pstrcat(sc->c->pool, v.reason,
                          " (subject: ", sslx_x509_dn(p, chain[0],
                          SSLX_X509_SUBJECT), ")", NULL), v.alert);
        }
    }
    if (sslx_proxy_config_flag(tls->conf->check_peer_expire)
        && !valid_now(chain[0])) {
        return refuse(sc, apr_pstrcat(sc->c->pool, "certificate is expired "
                      "or not yet valid (not after ",
                      sslx_x509_not_after(p, chain[0]), ")", NULL),
                      GNUTLS_A_CERTIFICATE_EXPIRED);
    }
    return check_name(sc, p, chain[0]);
}

int sslx_proxy_verify_backend(gnutls_session_t session)
{
    sslx_conn_t *sc = gnutls_session_get_ptr(session);
    const gnutls_datum_t *der;
    unsigned n = 0;
    apr_pool_t *p;
    int rv;

    der = gnutls_certificate_get_peers(session, &n);
    if (!der || n == 0) {
        return refuse(sc, "the backend sent no certificate",
                      GNUTLS_A_HANDSHAKE_FAILURE);
    }
    apr_pool_create(&p, sc->c->pool);
    rv = judge(sc, p, der, n);
    apr_pool_destroy(p);
    return rv;
}
