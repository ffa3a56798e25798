/* sslx_proxy.c - connections to backends: binding them to TLS when
 * mod_proxy asks (ssl_bind_outgoing), their GnuTLS client session, and
 * what happens around its handshake: SNI and ALPN from the notes
 * mod_proxy leaves on the connection, the checks of the backend's name
 * and validity, and the log line when the backend is refused.
 *
 * Connections mod_sslx does not bind are left alone, whatever the vhost
 * they were made for: a plain http:// backend of a TLS vhost gets no
 * TLS.  A failed handshake aborts the connection, which mod_proxy turns
 * into 502 Bad Gateway.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_network_io.h>
#include <http_connection.h>
#include <http_core.h>

#include "sslx_cache.h"
#include "sslx_cipher.h"
#include "sslx_config.h"
#include "sslx_log.h"
#include "sslx_proxy.h"
#include "sslx_x509.h"

/* The settings that apply to a backend connection: its <Proxy>
 * section's (merged into the request's directory configuration by
 * mod_proxy), else those of the server it was made for. */
static const sslx_proxy_conf_t *settings_for(conn_rec *c,
                                             ap_conf_vector_t *dir_conf)
{
    const sslx_dir_conf_t *dc = dir_conf ? sslx_config_dir(dir_conf) : NULL;

    if (dc && dc->proxy) {
        return dc->proxy;
    }
    return sslx_config_srv(c->base_server)->proxy;
}

int sslx_proxy_bind_outgoing(conn_rec *c, struct ap_conf_vector_t *dir_conf,
                             int enable_ssl)
{
    const sslx_proxy_conf_t *pc;
    sslx_conn_t *sc;

    if (!enable_ssl) {
        return DECLINED;
    }
    pc = settings_for(c, dir_conf);
    if (pc->engine != 1 || !pc->tls) {
        if (!sslx_config_modssl_loaded()) {
            ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, c, SSLXLOGNO(02201)
                          "TLS to a backend was asked for, but "
                          "SSLXProxyEngine is not on for %s",
                          pc->where ? pc->where : "this server");
        }
        return DECLINED;
    }
    sc = sslx_conn_make(c);
    if (!sc->client) {
        sc->client = apr_pcalloc(c->pool, sizeof(*sc->client));
    }
    /* mod_proxy binds again for each request on a kept connection: the
     * settings of the request that opened it stay. */
    if (!sc->client->tls) {
        sc->client->tls = pc->tls;
    }
    return OK;
}

/* ---- resumption: sessions to backends live in SSLXSessionCache ---- */

static unsigned char *session_key(sslx_conn_t *sc, unsigned *plen)
{
    const sslx_client_t *cl = sc->client;
    const char *peer = apr_psprintf(sc->c->pool, "proxy|%s|%pI",
                                    cl->hostname ? cl->hostname : "",
                                    sc->c->client_addr);
    apr_size_t n = sizeof(cl->tls->generation) + strlen(peer);
    unsigned char *key = apr_palloc(sc->c->pool, n + 1);

    memcpy(key, cl->tls->generation, sizeof(cl->tls->generation));
    /* With its NUL, which the key does not count. */
    memcpy(key + sizeof(cl->tls->generation), peer, strlen(peer) + 1);
    *plen = (unsigned)n;
    return key;
}

static const sslx_cache_t *cache_of(const sslx_conn_t *sc)
{
    return sslx_config_srv(sc->c->base_server)->cache;
}

static void offer_cached_session(sslx_conn_t *sc)
{
    gnutls_datum_t data;
    unsigned klen;
    unsigned char *key = session_key(sc, &klen);
    int rv;

    if (sslx_cache_fetch(cache_of(sc), sc->c, key, klen, sc->c->pool,
                         &data) != APR_SUCCESS) {
        return;
    }
    if ((rv = gnutls_session_set_data(sc->session, data.data,
                                      data.size)) < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(02207)
                      "%s", sslx_log_describe(sc->c->pool, "offering a "
                                              "cached backend session", rv));
    }
}

/* TLS 1.3 sessions can resume once the backend sent a ticket, which
 * comes after the handshake; TLS 1.2 sessions at once. */
static void remember_session(sslx_conn_t *sc)
{
    gnutls_datum_t data;
    unsigned klen;
    unsigned char *key;
    int rv;

    if (sc->client->remembered || !sc->client->established
        || (gnutls_protocol_get_version(sc->session) == GNUTLS_TLS1_3
            && !(gnutls_session_get_flags(sc->session)
                 & GNUTLS_SFLAGS_SESSION_TICKET))) {
        return;
    }
    if ((rv = gnutls_session_get_data2(sc->session, &data)) < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(02208)
                      "%s", sslx_log_describe(sc->c->pool, "reading the "
                                              "backend session", rv));
        return;
    }
    key = session_key(sc, &klen);
    sc->client->remembered = sslx_cache_store(cache_of(sc), sc->c, key, klen,
        &data, apr_time_now() + apr_time_from_sec(SSLX_CACHE_DEFAULT_TIMEOUT))
        == APR_SUCCESS;
    gnutls_free(data.data);
}

static apr_status_t remember_at_close(void *data)
{
    sslx_conn_t *sc = data;

    if (sc->session) {
        remember_session(sc);
    }
    return APR_SUCCESS;
}

/* ---- the client session ------------------------------------------- */

static int client_flags(const sslx_proxy_tls_t *tls)
{
    return GNUTLS_CLIENT
           | (tls->machine_certs ? GNUTLS_POST_HANDSHAKE_AUTH : 0);
}

int sslx_proxy_pre_connection(conn_rec *c, void *csd)
{
    sslx_conn_t *sc = c->outgoing ? sslx_conn_get(c) : NULL;
    const sslx_proxy_tls_t *tls;
    int rv;

    (void)csd;
    if (!sc || !sc->client || sc->session) {
        return DECLINED;
    }
    tls = sc->client->tls;
    if (sslx_conn_attach(sc, client_flags(tls)) < 0) {
        c->aborted = 1;
        return DECLINED;
    }
    if ((rv = gnutls_priority_set(sc->session, tls->priority)) < 0
        || (rv = gnutls_credentials_set(sc->session, GNUTLS_CRD_CERTIFICATE,
                                        tls->creds)) < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, c, SSLXLOGNO(02202) "%s",
                      sslx_log_describe(c->pool, "applying the backend TLS "
                                        "settings", rv));
        c->aborted = 1;
        return DECLINED;
    }
    gnutls_session_set_verify_function(sc->session,
                                       sslx_proxy_verify_backend);
    /* Registered after the session's own cleanup: runs before it. */
    apr_pool_pre_cleanup_register(c->pool, sc, remember_at_close);
    return OK;
}

/* RFC 6066: no IP literals in server_name. */
static int is_ip_literal(apr_pool_t *p, const char *host)
{
    apr_ipsubnet_t *ip;

    return apr_ipsubnet_create(&ip, host, NULL, p) == APR_SUCCESS;
}

static int set_sni(sslx_conn_t *sc, const char *host)
{
    int rv;

    if (is_ip_literal(sc->c->pool, host)) {
        return 0;
    }
    rv = gnutls_server_name_set(sc->session, GNUTLS_NAME_DNS, host,
                                strlen(host));
    if (rv < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, sc->c, SSLXLOGNO(02203)
                      "%s", sslx_log_describe(sc->c->pool, apr_pstrcat(
                      sc->c->pool, "setting SNI '", host, "'", NULL), rv));
    }
    return rv;
}

/* mod_proxy's "proxy-request-alpn-protos": names separated by commas
 * or spaces, in order of preference. */
static int set_alpn(sslx_conn_t *sc, const char *list)
{
    apr_pool_t *p = sc->c->pool;
    gnutls_datum_t protos[8];
    char *copy = apr_pstrdup(p, list), *state, *tok;
    unsigned n = 0;
    int rv;

    for (tok = apr_strtok(copy, ", ", &state); tok && n < 8;
         tok = apr_strtok(NULL, ", ", &state)) {
        protos[n].data = (unsigned char *)tok;
        protos[n++].size = (unsigned)strlen(tok);
    }
    if (n == 0) {
        return 0;
    }
    rv = gnutls_alpn_set_protocols(sc->session, protos, n, 0);
    if (rv < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, sc->c, SSLXLOGNO(02204)
                      "%s", sslx_log_describe(p, "setting ALPN towards "
                                              "the backend", rv));
    }
    return rv;
}

int sslx_proxy_handshake_start(sslx_conn_t *sc)
{
    conn_rec *c = sc->c;
    sslx_client_t *cl = sc->client;
    const char *alpn = apr_table_get(c->notes, "proxy-request-alpn-protos");
    int rv = 0;

    cl->hostname = apr_table_get(c->notes, "proxy-request-hostname");
    cl->backend = apr_psprintf(c->pool, "%s (%pI)",
                               cl->hostname ? cl->hostname : "backend",
                               c->client_addr);
    if (cl->hostname) {
        rv = set_sni(sc, cl->hostname);
    }
    if (rv >= 0 && alpn) {
        rv = set_alpn(sc, alpn);
    }
    if (rv >= 0) {
        offer_cached_session(sc);
    }
    return rv;
}

/* NULL, or why the suite the backend chose is not one of the lists. */
static const char *suite_refusal(sslx_conn_t *sc)
{
    const sslx_proxy_tls_t *tls = sc->client->tls;
    int tls13 = gnutls_protocol_get_version(sc->session) == GNUTLS_TLS1_3;
    unsigned char id[2];
    const char *name;

    if (tls13 ? !tls->conf->tls13_ids
                || sslx_cipher_session_in(sc->session, tls->conf->tls13_ids)
              : !tls->tls12_only
                || sslx_cipher_session_allowed(sc->session,
                                               tls->tls12_only)) {
        return NULL;
    }
    name = sslx_cipher_session_id(sc->session, id) == 0
           ? sslx_cipher_openssl_name(id) : NULL;
    return apr_psprintf(sc->c->pool, "it chose the cipher suite %s, which "
                        "SSLXProxyCipherSuite%s leaves out",
                        name ? name : "(unknown)", tls13 ? " TLSv1.3" : "");
}

int sslx_proxy_handshake_done(sslx_conn_t *sc)
{
    gnutls_datum_t proto;

    if ((sc->client->refusal = suite_refusal(sc)) != NULL) {
        return -1;
    }
    sc->client->established = 1;
    if (gnutls_alpn_get_selected_protocol(sc->session, &proto) == 0) {
        sc->alpn = apr_pstrmemdup(sc->c->pool, (const char *)proto.data,
                                  proto.size);
    }
    ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(02205)
                  "TLS to backend %s: %s%s%s%s", sc->client->backend,
                  gnutls_protocol_get_name(
                      gnutls_protocol_get_version(sc->session)),
                  gnutls_session_is_resumed(sc->session) ? ", resumed" : "",
                  sc->alpn ? ", ALPN " : "", sc->alpn ? sc->alpn : "");
    remember_session(sc);
    return 0;
}

void sslx_proxy_failed(sslx_conn_t *sc, int rv)
{
    sslx_client_t *cl = sc->client;
    const char *why;

    if (cl->refusal) {
        why = cl->refusal;
    }
    else if (rv == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        why = apr_pstrcat(sc->c->pool, "the backend sent alert '",
                          gnutls_alert_get_name(gnutls_alert_get(
                              sc->session)), "'", NULL);
    }
    else {
        why = sslx_log_describe(sc->c->pool, "handshake", rv);
    }
    ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, sc->c, SSLXLOGNO(02206)
                  "TLS to backend %s failed: %s", cl->backend
                  ? cl->backend : "(unknown)", why);
    /* mod_proxy answers 502 for an aborted backend connection. */
    sc->c->aborted = 1;
}
