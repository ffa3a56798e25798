/* sslx_reauth.c - SSLXVerifyClient inside <Location>/<Directory>.
 *
 * When a request reaches a directory that wants more of the client
 * certificate than the connection has shown, the certificate is asked
 * for on the running connection: TLS 1.3 post-handshake authentication
 * (when the client offered it) or a TLS 1.2 secure renegotiation.  Both
 * need the line quiet, so the request body is read first into a buffer
 * bounded by SSLXRenegBufferSize (413 beyond it) and replayed to the
 * handler by the "SSLX_BUFFER" filter.  HTTP/2 forbids both: those
 * requests get 403 with the "ssl-renegotiate-forbidden" note, which makes
 * mod_http2 tell the client to retry over HTTP/1.1.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>

#include "sslx_reauth.h"
#include "sslx_config.h"
#include "sslx_conn.h"
#include "sslx_io.h"
#include "sslx_verify.h"
#include "sslx_vars.h"
#include "sslx_cipher.h"

#define SSLX_BUFFER_FILTER "SSLX_BUFFER"
#define SSLX_BODY_CHUNK    8192

/* ---- the request body ---------------------------------------------- */

static apr_status_t replay_body(ap_filter_t *f, apr_bucket_brigade *bb,
                                ap_input_mode_t mode, apr_read_type_e block,
                                apr_off_t readbytes)
{
    apr_bucket_brigade *saved = f->ctx;
    apr_bucket *cut;
    apr_status_t rv;

    if (mode == AP_MODE_GETLINE) {
        rv = apr_brigade_split_line(bb, saved, block, readbytes
                                    ? readbytes : HUGE_STRING_LEN);
    }
    else if (mode == AP_MODE_READBYTES || mode == AP_MODE_EXHAUSTIVE) {
        rv = apr_brigade_partition(saved, readbytes, &cut);
        if (rv == APR_INCOMPLETE || mode == AP_MODE_EXHAUSTIVE) {
            cut = APR_BRIGADE_SENTINEL(saved);
            rv = APR_SUCCESS;
        }
        while (rv == APR_SUCCESS && APR_BRIGADE_FIRST(saved) != cut) {
            apr_bucket *e = APR_BRIGADE_FIRST(saved);
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(bb, e);
        }
    }
    else {
        return APR_ENOTIMPL;
    }
    if (APR_BRIGADE_EMPTY(saved)) {
        ap_remove_input_filter(f);
    }
    return rv;
}

static int buffer_too_large(request_rec *r, apr_off_t limit)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01901)
                  "request body exceeds SSLXRenegBufferSize (%" APR_OFF_T_FMT
                  " bytes) while a client certificate is requested", limit);
    return HTTP_REQUEST_ENTITY_TOO_LARGE;
}

/* Moves one read's buckets into saved; 1 once EOS was seen. */
static int keep_buckets(request_rec *r, apr_bucket_brigade *bb,
                        apr_bucket_brigade *saved, apr_off_t *ptotal)
{
    apr_bucket *e;
    int eos = 0;

    while (!APR_BRIGADE_EMPTY(bb)) {
        e = APR_BRIGADE_FIRST(bb);
        eos = eos || APR_BUCKET_IS_EOS(e);
        if (!APR_BUCKET_IS_METADATA(e) && e->length != (apr_size_t)-1) {
            *ptotal += e->length;
        }
        APR_BUCKET_REMOVE(e);
        apr_bucket_setaside(e, r->pool);
        APR_BRIGADE_INSERT_TAIL(saved, e);
    }
    return eos;
}

static int buffer_body(request_rec *r, apr_off_t limit)
{
    apr_bucket_alloc_t *ba = r->connection->bucket_alloc;
    apr_bucket_brigade *bb, *saved;
    apr_off_t total = 0;
    apr_status_t rv;
    int eos = 0;

    if (!ap_request_has_body(r)) {
        return OK;
    }
    bb = apr_brigade_create(r->pool, ba);
    saved = apr_brigade_create(r->pool, ba);
    while (!eos) {
        rv = ap_get_brigade(r->proto_input_filters, bb, AP_MODE_READBYTES,
                            APR_BLOCK_READ, SSLX_BODY_CHUNK);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r, SSLXLOGNO(01902)
                          "reading the request body before asking for a "
                          "client certificate failed");
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        eos = keep_buckets(r, bb, saved, &total);
        if (total > limit) {
            return buffer_too_large(r, limit);
        }
    }
    ap_add_input_filter(SSLX_BUFFER_FILTER, saved, r, r->connection);
    return OK;
}

/* ---- asking for the certificate ------------------------------------- */

static int forbid_on_http2(request_rec *r)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01903)
                  "a client certificate is required here, but HTTP/2 "
                  "cannot ask for one; the client is told to use HTTP/1.1");
    apr_table_setn(r->notes, "ssl-renegotiate-forbidden", "verify-client");
    return HTTP_FORBIDDEN;
}

static int no_pha(request_rec *r)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01904)
                  "a client certificate is required here, but the TLS 1.3 "
                  "client did not offer post-handshake authentication; "
                  "browsers never do: configure 'SSLXVerifyClient "
                  "optional' on the vhost and 'Require ssl-verify-client' "
                  "(or SSLXVerifyClient require) per location instead");
    return HTTP_FORBIDDEN;
}

static int ask_client(request_rec *r, sslx_conn_t *sc, int mode, int depth)
{
    apr_status_t rv;

    sc->verify_mode = mode;
    sc->verify_depth = depth;
    sc->verify_result = NULL;
    sc->verify_alert = 0;
    gnutls_certificate_server_set_request(sc->session, GNUTLS_CERT_REQUEST);
    rv = sslx_io_reauthenticate(sc, NULL);
    sslx_vars_forget_session(sc);
    if (rv == APR_SUCCESS || rv == APR_EACCES) {
        sslx_vars_conn_ready(sc);
        return OK;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r, SSLXLOGNO(01905)
                  "asking the client for a certificate ended the "
                  "connection");
    r->connection->keepalive = AP_CONN_CLOSE;
    r->connection->aborted = 1;
    return HTTP_FORBIDDEN;
}

static int reauthenticate(request_rec *r, sslx_conn_t *sc,
                          const sslx_dir_conf_t *dc, int mode)
{
    int tls13 = gnutls_protocol_get_version(sc->session) == GNUTLS_TLS1_3;
    int limit = dc->reneg_buffer_size == SSLX_UNSET
                ? SSLX_DEFAULT_RENEG_BUFFER : dc->reneg_buffer_size;
    int status;

    if (r->connection->master) {
        return forbid_on_http2(r);
    }
    if (tls13 && !(gnutls_session_get_flags(sc->session)
                   & GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH)) {
        return no_pha(r);
    }
    if ((status = buffer_body(r, limit)) != OK) {
        return status;
    }
    return ask_client(r, sc, mode, sslx_config_verify_depth(dc,
                      sslx_config_srv(sc->server)));
}

/* ---- a stricter cipher suite per directory -------------------------- */

static int cipher_refused(request_rec *r, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01907)
                  "the connection's cipher suite is not allowed by "
                  "SSLXCipherSuite for %s, and %s", r->uri, why);
    return HTTP_FORBIDDEN;
}

/* SSLXCipherSuite TLSv1.3 in a directory: whether the connection's
 * TLS 1.3 suite is listed; no list allows every suite. */
/* mod_ssl's per-directory SSLCipherSuite: renegotiate TLS 1.2 to the
 * directory's suites; nothing else can change a running connection.  As
 * in mod_ssl, that list says nothing about TLS 1.3 connections, which
 * only a "TLSv1.3" list restricts. */
static int enforce_cipher_suite(request_rec *r, sslx_conn_t *sc,
                                const sslx_dir_conf_t *dc)
{
    int limit = dc->reneg_buffer_size == SSLX_UNSET
                ? SSLX_DEFAULT_RENEG_BUFFER : dc->reneg_buffer_size;
    apr_status_t rv;
    int status;

    if (gnutls_protocol_get_version(sc->session) == GNUTLS_TLS1_3) {
        return !dc->tls13_suites
               || sslx_cipher_session_in(sc->session, dc->tls13_suites)
               ? OK : cipher_refused(r, "TLS 1.3 cannot renegotiate");
    }
    if (!dc->cipher_priority
        || sslx_cipher_session_allowed(sc->session, dc->cipher_priority)) {
        return OK;
    }
    if (r->connection->master) {
        apr_table_setn(r->notes, "ssl-renegotiate-forbidden",
                       "cipher-suite");
        return cipher_refused(r, "HTTP/2 cannot renegotiate");
    }
    if ((status = buffer_body(r, limit)) != OK) {
        return status;
    }
    rv = sslx_io_reauthenticate(sc, dc->cipher_priority);
    sslx_vars_forget_session(sc);
    if (rv != APR_SUCCESS) {
        r->connection->keepalive = AP_CONN_CLOSE;
        r->connection->aborted = (rv != APR_EACCES);
        return cipher_refused(r, "the renegotiation failed");
    }
    sslx_vars_conn_ready(sc);
    return sslx_cipher_session_allowed(sc->session, dc->cipher_priority)
           ? OK : cipher_refused(r, "the client chose no allowed suite");
}

/* Whether the certificate already on the connection will do: it must
 * satisfy the mode and must have been asked for (an "optional" directory
 * asks once even though having none would satisfy it). */
static int already_satisfied(sslx_conn_t *sc, apr_pool_t *p, int mode)
{
    return sc->verify_result != NULL
           && sslx_verify_satisfies(sslx_verify_result(sc, p), mode);
}

int sslx_reauth_access(request_rec *r)
{
    sslx_conn_t *sc = sslx_conn_get(r->connection);
    sslx_dir_conf_t *dc = sslx_config_dir(r->per_dir_config);
    unsigned npeers = 0;
    int mode, status, lower_depth;

    if (!sc || sc->state != SSLX_ST_TRAFFIC) {
        return DECLINED;
    }
    if ((dc->cipher_priority || dc->tls13_suites)
        && (status = enforce_cipher_suite(r, sc, dc)) != OK) {
        return status;
    }
    /* A lower SSLXVerifyDepth than the connection was verified with asks
     * for the certificate again, under the connection's own mode when
     * the directory names none (as mod_ssl does). */
    lower_depth = dc->verify_depth != SSLX_UNSET
                  && dc->verify_depth < sc->verify_depth;
    mode = dc->verify_mode;
    if (mode == SSLX_UNSET) {
        mode = lower_depth ? sc->verify_mode : SSLX_VERIFY_NONE;
    }
    if (mode == SSLX_VERIFY_NONE) {
        return DECLINED;
    }
    if (gnutls_certificate_get_peers(sc->session, &npeers) != NULL) {
        sslx_verify_result(sc, r->pool);
    }
    if (!lower_depth && already_satisfied(sc, r->pool, mode)) {
        return DECLINED;
    }
    if ((status = reauthenticate(r, sc, dc, mode)) != OK) {
        return status;
    }
    if (!sslx_verify_satisfies(sslx_verify_result(sc, r->pool), mode)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01906)
                      "access to %s denied: client certificate %s",
                      r->uri, sslx_verify_result(sc, r->pool));
        return HTTP_FORBIDDEN;
    }
    return DECLINED;
}

void sslx_reauth_register_filters(void)
{
    /* Above HTTP_IN, which already decoded the body, and below content
     * filters, which must see it as if it came from the network. */
    ap_register_input_filter(SSLX_BUFFER_FILTER, replay_body, NULL,
                             AP_FTYPE_CONTENT_SET + 5);
}
