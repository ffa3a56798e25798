/* sslx_request.c - what mod_sslx checks and adds for each request on a
 * TLS connection.
 *
 * The vhost the handshake used and the vhost the Host header selects may
 * differ.  That is fine while both present the same certificates under
 * the same rules (HTTP/2 clients reuse connections across such names);
 * otherwise the request is misdirected (421), as with mod_ssl since
 * 2.4.64.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>

#include "sslx_request.h"
#include "sslx_config.h"
#include "sslx_conn.h"
#include "sslx_vars.h"

static sslx_conn_t *tls_conn(const request_rec *r)
{
    sslx_conn_t *sc = sslx_conn_get(r->connection);

    return (sc && sc->state != SSLX_ST_PLAIN_HTTP) ? sc : NULL;
}

static int answer_plain_http(request_rec *r)
{
    r->connection->keepalive = AP_CONN_CLOSE;
    apr_table_setn(r->notes, "error-notes",
                   "Reason: You're speaking plain HTTP to an SSL-enabled "
                   "server port.<br />\n Instead use the HTTPS scheme to "
                   "access this URL, please.<br />\n");
    return HTTP_BAD_REQUEST;
}

/* A connection made to answer an ACME challenge, or to a vhost whose
 * certificates are a module's stand-ins (mod_md's while it has no real
 * ones yet), serves no request: 503, as mod_ssl answers. */
static int answer_unavailable(request_rec *r, const sslx_conn_t *sc)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01505)
                  "%s: 503", sc->challenge
                  ? "the connection answered an ACME challenge"
                  : apr_psprintf(r->pool, "vhost %s has only stand-in "
                                 "certificates until its managed domain "
                                 "gets real ones",
                                 sc->server->server_hostname));
    return HTTP_SERVICE_UNAVAILABLE;
}

static int same_tls(const server_rec *a, const server_rec *b)
{
    return a == b || sslx_config_srv(a)->tls == sslx_config_srv(b)->tls;
}

static int check_sni(request_rec *r, sslx_conn_t *sc)
{
    if (!r->hostname) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01501)
                      "host name '%s' sent via SNI, but no host name in "
                      "the HTTP request", sc->sni);
        return HTTP_BAD_REQUEST;
    }
    if (!same_tls(sc->server, r->server)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01502)
                      "host name '%s' sent via SNI and '%s' in the HTTP "
                      "request select vhosts with different TLS settings",
                      sc->sni, r->hostname);
        return HTTP_MISDIRECTED_REQUEST;
    }
    return DECLINED;
}

static int check_no_sni(request_rec *r, sslx_conn_t *sc)
{
    int strict = sslx_config_srv(sc->server)->strict_sni == 1
                 || sslx_config_srv(r->server)->strict_sni == 1;

    if (strict && r->connection->vhost_lookup_data) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01503)
                      "no host name sent via SNI for a name-based vhost "
                      "(SSLXStrictSNIVHostCheck on)");
        apr_table_setn(r->notes, "error-notes",
                       "Reason: The client software did not provide a "
                       "hostname using Server Name Indication (SNI), which "
                       "is required to access this server.<br />\n");
        return HTTP_FORBIDDEN;
    }
    if (!same_tls(sc->server, r->server)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01504)
                      "no SNI, and host name '%s' selects a vhost with TLS "
                      "settings other than the default one's",
                      r->hostname ? r->hostname : "");
        return HTTP_MISDIRECTED_REQUEST;
    }
    return DECLINED;
}

/* mod_ssl's "ssl-unclean-shutdown" and "ssl-accurate-shutdown" (set by
 * SetEnvIf or BrowserMatch before this runs): the last request decides
 * how the connection ends (sslx_io.c). */
static void note_shutdown(request_rec *r, sslx_conn_t *sc)
{
    if (apr_table_get(r->subprocess_env, "ssl-unclean-shutdown")) {
        sc->shutdown = SSLX_SHUTDOWN_UNCLEAN;
    }
    else if (apr_table_get(r->subprocess_env, "ssl-accurate-shutdown")) {
        sc->shutdown = SSLX_SHUTDOWN_ACCURATE;
    }
    else {
        sc->shutdown = SSLX_SHUTDOWN_STANDARD;
    }
}

int sslx_request_check(request_rec *r)
{
    sslx_conn_t *sc = sslx_conn_get(r->connection);

    if (!sc || r->main || r->prev) {
        return DECLINED;
    }
    if (sc->state == SSLX_ST_PLAIN_HTTP) {
        return answer_plain_http(r);
    }
    if (sc->challenge || (sc->tls && sc->tls->service_unavailable)) {
        return answer_unavailable(r, sc);
    }
    if (r->connection->master) {
        /* HTTP/2 streams: the master connection's handshake decided, and
         * the connection outlives any one of them. */
        return same_tls(sc->server, r->server) ? DECLINED
                                               : HTTP_MISDIRECTED_REQUEST;
    }
    note_shutdown(r, sc);
    return sc->sni ? check_sni(r, sc) : check_no_sni(r, sc);
}

int sslx_request_fixups(request_rec *r)
{
    sslx_conn_t *sc = tls_conn(r);
    sslx_dir_conf_t *dc;

    if (!sc) {
        return DECLINED;
    }
    dc = sslx_config_dir(r->per_dir_config);
    sslx_vars_export(r, sc, sslx_config_options(dc));
    return DECLINED;
}

const char *sslx_request_scheme(const request_rec *r)
{
    return tls_conn(r) ? "https" : NULL;
}

apr_port_t sslx_request_default_port(const request_rec *r)
{
    return tls_conn(r) ? 443 : 0;
}
