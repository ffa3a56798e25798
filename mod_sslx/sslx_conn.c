/* sslx_conn.c - the per-connection TLS record: its creation in
 * pre_connection, its GnuTLS session and the cleanup that ends it.
 *
 * The session is created with the settings of the address's default vhost
 * (c->base_server); the ClientHello hook in sslx_handshake.c may switch it
 * to the vhost SNI names before GnuTLS looks at the hello.  Filters are
 * added by name, so this file needs nothing from sslx_io.c.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_connection.h>
#include <http_core.h>

#include "sslx_conn.h"
#include "sslx_config.h"
#include "sslx_log.h"

sslx_conn_t *sslx_conn_get(const conn_rec *c)
{
    if (c->master) {
        c = c->master;
    }
    return ap_get_module_config(c->conn_config, &sslx_module);
}

int sslx_conn_is_ssl(conn_rec *c)
{
    sslx_conn_t *sc = sslx_conn_get(c);

    return (sc && sc->state != SSLX_ST_PLAIN_HTTP) ? OK : DECLINED;
}

/* The certificate request follows the vhost: GnuTLS's own "require"
 * is not used, so a missing certificate gets mod_ssl's treatment and
 * the right alert from the verification callback. */
static void request_client_cert(sslx_conn_t *sc, int mode)
{
    sc->verify_mode = mode;
    gnutls_certificate_server_set_request(sc->session,
        mode == SSLX_VERIFY_NONE ? GNUTLS_CERT_IGNORE : GNUTLS_CERT_REQUEST);
}

int sslx_conn_use_vhost(sslx_conn_t *sc, server_rec *s)
{
    const sslx_tls_t *tls = sslx_config_srv(s)->tls;
    int rv;

    if (!tls) {
        return GNUTLS_E_INTERNAL_ERROR;
    }
    sc->server = s;
    request_client_cert(sc, sslx_config_verify_mode(NULL,
                                                    sslx_config_srv(s)));
    sc->verify_depth = sslx_config_verify_depth(NULL, sslx_config_srv(s));
    if (tls == sc->tls) {
        return 0;
    }
    sc->tls = tls;
    if ((rv = gnutls_priority_set(sc->session, tls->priority)) < 0) {
        return rv;
    }
    return gnutls_credentials_set(sc->session, GNUTLS_CRD_CERTIFICATE,
                                  tls->creds);
}

int sslx_conn_use_priority(sslx_conn_t *sc)
{
    const sslx_tls_t *tls = sc->tls;

    if (!tls || !tls->priority13 || sc->client_max_version < 0x0304) {
        return 0;
    }
    return gnutls_priority_set(sc->session, tls->priority13);
}

static apr_status_t end_session(void *data)
{
    sslx_conn_t *sc = data;

    gnutls_deinit(sc->session);
    sc->session = NULL;
    return APR_SUCCESS;
}

sslx_conn_t *sslx_conn_make(conn_rec *c)
{
    sslx_conn_t *sc = ap_get_module_config(c->conn_config, &sslx_module);

    if (!sc) {
        sc = apr_pcalloc(c->pool, sizeof(*sc));
        sc->c = c;
        sc->state = SSLX_ST_INIT;
        ap_set_module_config(c->conn_config, &sslx_module, sc);
    }
    return sc;
}

int sslx_conn_attach(sslx_conn_t *sc, unsigned flags)
{
    conn_rec *c = sc->c;
    int rv;

    rv = gnutls_init(&sc->session, flags | GNUTLS_NO_SIGNAL);
    if (rv < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, c, SSLXLOGNO(01201) "%s",
                      sslx_log_describe(c->pool, "gnutls_init", rv));
        sc->session = NULL;
        return rv;
    }
    apr_pool_pre_cleanup_register(c->pool, sc, end_session);
    gnutls_session_set_ptr(sc->session, sc);
    sc->raw_in = apr_brigade_create(c->pool, c->bucket_alloc);
    sc->raw_out = apr_brigade_create(c->pool, c->bucket_alloc);
    sc->plain_in = apr_brigade_create(c->pool, c->bucket_alloc);
    sc->in_filter = ap_add_input_filter(SSLX_FILTER_NAME, sc, NULL, c);
    sc->out_filter = ap_add_output_filter(SSLX_FILTER_NAME, sc, NULL, c);
    return 0;
}

int sslx_conn_pre_connection(conn_rec *c, void *csd)
{
    sslx_srv_conf_t *conf = sslx_config_srv(c->base_server);
    sslx_conn_t *sc;
    int rv;

    (void)csd;
    /* Outgoing connections (to backends) are sslx_proxy.c's. */
    if (c->master || c->outgoing || !conf->tls) {
        return DECLINED;
    }
    sc = sslx_conn_make(c);
    if (sslx_conn_attach(sc, GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH) < 0) {
        /* Declining lets core finish its setup; the abort closes us. */
        ap_set_module_config(c->conn_config, &sslx_module, NULL);
        c->aborted = 1;
        return DECLINED;
    }
    if ((rv = sslx_conn_use_vhost(sc, c->base_server)) < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, c, SSLXLOGNO(01202) "%s",
                      sslx_log_describe(c->pool, "applying the vhost's TLS "
                                        "settings", rv));
        c->aborted = 1;
    }
    return OK;
}
