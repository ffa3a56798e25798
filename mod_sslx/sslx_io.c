/* sslx_io.c - the "SSLX" connection filters over GnuTLS.
 *
 * GnuTLS reads and writes ciphertext through sslx_transport.c; raw_out
 * (what it wrote) is passed down only when it must be: before we would
 * wait for the peer, on FLUSH/EOC, at the end of an output brigade, or
 * when it grows large.  So a whole handshake flight, or a whole response,
 * leaves in one write where the data allows.
 *
 * Decrypted records go up in the buckets GnuTLS decrypted them into
 * (sslx_packet.c): the plaintext is never copied on its way up, and an
 * idle connection holds no receive buffer.  Small output buckets
 * are corked into full records.  Policy (vhosts, verification) lives
 * elsewhere; this file only moves bytes, detects plain HTTP spoken to a
 * TLS port, logs alerts and ends the connection on the EOC bucket:
 * close_notify, or none, or close_notify and the client's awaited, as the
 * ssl-*-shutdown variables of its last request say.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_connection.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mpm_common.h>

#include "sslx_io.h"
#include "sslx_conn.h"
#include "sslx_counters.h"
#include "sslx_handshake.h"
#include "sslx_log.h"
#include "sslx_packet.h"
#include "sslx_proxy.h"
#include "sslx_transport.h"
#include "sslx_vars.h"
#include "sslx_verify.h"
#include "sslx_cache.h"

#define SSLX_RAW_OUT_MAX     (4 * SSLX_RECORD_MAX)
/* Corked output below this size may wait for the next brigade: the
 * core too holds back less than this (its THRESHOLD_MIN_WRITE). */
#define SSLX_CORK_HOLD_MAX   4096
#define SSLX_TLS_HANDSHAKE   0x16

/* ---- handshake ---------------------------------------------------- */

/* A client speaking HTTP to the TLS port starts with a method name where
 * a TLS handshake record starts with 0x16.  Peek without consuming. */
static apr_status_t detect_plain_http(sslx_conn_t *sc, int *pplain)
{
    apr_bucket_brigade *peek;
    apr_status_t rv;
    char first = 0;
    apr_size_t len = 1;

    *pplain = 0;
    peek = apr_brigade_create(sc->c->pool, sc->c->bucket_alloc);
    rv = ap_get_brigade(sc->in_filter->next, peek, AP_MODE_SPECULATIVE,
                        APR_BLOCK_READ, 1);
    if (rv == APR_SUCCESS) {
        rv = apr_brigade_flatten(peek, &first, &len);
    }
    apr_brigade_destroy(peek);
    if (rv == APR_SUCCESS && len == 0) {
        rv = APR_EOF;
    }
    if (rv == APR_SUCCESS && first >= 'A' && first <= 'Z') {
        *pplain = 1;
    }
    return rv;
}

static void become_plain_http(sslx_conn_t *sc)
{
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, sc->c, SSLXLOGNO(01401)
                  "plain HTTP request received on a TLS port; answering "
                  "400");
    sc->state = SSLX_ST_PLAIN_HTTP;
    sslx_counters_add(sc->server, SSLX_CNT_FAIL_PLAIN_HTTP);
    ap_remove_input_filter(sc->in_filter);
    ap_remove_output_filter(sc->out_filter);
}

/* Sends an alert and passes it on at once, with what GnuTLS wrote
 * before it.  alert < 0: the one GnuTLS finds appropriate for error rv. */
static void send_alert(sslx_conn_t *sc, gnutls_alert_level_t level,
                       int alert, int rv)
{
    int sent;

    sent = alert < 0 ? gnutls_alert_send_appropriate(sc->session, rv)
                     : gnutls_alert_send(sc->session, level,
                                         (gnutls_alert_description_t)alert);
    if (sent < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(01407)
                      "%s", sslx_log_describe(sc->c->pool, apr_psprintf(
                      sc->c->pool, "sending alert %d", alert), sent));
    }
    sslx_transport_pass(sc, 1);
}

/* The client offered only versions older than the vhost allows. */
static int version_too_low(const sslx_conn_t *sc)
{
    return sc->client_max_version && sc->tls
           && sc->client_max_version < sc->tls->min_version;
}

/* The alert that tells the client most precisely what went wrong, sent
 * at once: nothing else will follow on this connection. */
static void send_fatal_alert(sslx_conn_t *sc, int rv)
{
    int alert;

    if (rv == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        return;
    }
    if (version_too_low(sc)) {
        /* GnuTLS blames the cipher suites; the version is the cause. */
        alert = GNUTLS_A_PROTOCOL_VERSION;
    }
    else if (sc->verify_alert && rv == GNUTLS_E_CERTIFICATE_ERROR) {
        /* The certificate check chose a more precise alert. */
        alert = sc->verify_alert;
    }
    else {
        alert = -1;
    }
    send_alert(sc, GNUTLS_AL_FATAL, alert, rv);
}

static apr_status_t handshake_failed(sslx_conn_t *sc, int rv)
{
    apr_status_t status = sc->in_status ? sc->in_status
                                        : sslx_log_status(rv);

    if (APR_STATUS_IS_EOF(status) || rv == GNUTLS_E_PREMATURE_TERMINATION) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(01402)
                      "client closed the connection during the handshake");
        sslx_counters_add(sc->server, SSLX_CNT_FAIL_CLOSED);
        status = APR_EOF;
    }
    else if (sc->in_status || sc->out_status) {
        ap_log_cerror(APLOG_MARK, APLOG_INFO, status, sc->c,
                      SSLXLOGNO(01403) "handshake stopped: connection "
                      "failed or timed out");
        sslx_counters_add(sc->server, SSLX_CNT_FAIL_TIMEOUT);
    }
    else {
        if (!sc->client) {
            sslx_handshake_log_failure(sc, "handshake failed", rv);
            sslx_counters_add(sc->server, version_too_low(sc)
                              ? SSLX_CNT_FAIL_VERSION
                              : sslx_counters_failure(rv));
        }
        send_fatal_alert(sc, rv);
        status = APR_ECONNABORTED;
    }
    if (sc->client) {
        sslx_proxy_failed(sc, rv);
    }
    sc->state = SSLX_ST_CLOSED;
    return status;
}

/* GnuTLS answers E_AGAIN both when a pull would block and when it took
 * in a record that completed no message (a fragment of a handshake
 * message, an empty record, skipped early data): only the first means
 * waiting for the network, the second means "call again". */
static int call_again(int rv)
{
    return rv == GNUTLS_E_AGAIN || rv == GNUTLS_E_INTERRUPTED;
}

static int must_wait(sslx_conn_t *sc, int rv)
{
    return call_again(rv) && sc->pull_would_block;
}

static apr_status_t run_handshake(sslx_conn_t *sc)
{
    int rv;

    for (;;) {
        sc->pull_would_block = 0;
        rv = gnutls_handshake(sc->session);
        if (rv == GNUTLS_E_SUCCESS && sc->client) {
            sc->state = SSLX_ST_TRAFFIC;
            return sslx_proxy_handshake_done(sc) == 0 ? APR_SUCCESS
                   : handshake_failed(sc, GNUTLS_E_UNKNOWN_CIPHER_SUITE);
        }
        if (rv == GNUTLS_E_SUCCESS) {
            sc->state = SSLX_ST_TRAFFIC;
            /* Corked for good from here on: see uncork(). */
            gnutls_record_cork(sc->session);
            if (sslx_verify_resumed(sc) < 0) {
                return handshake_failed(sc, GNUTLS_E_CERTIFICATE_ERROR);
            }
            sslx_vars_conn_ready(sc);
            sslx_handshake_completed(sc);
            return APR_SUCCESS;
        }
        if (rv == GNUTLS_E_WARNING_ALERT_RECEIVED) {
            sslx_handshake_log_failure(sc, "during the handshake", rv);
            continue;
        }
        if (must_wait(sc, rv)) {
            return APR_EAGAIN;
        }
        if (call_again(rv)) {
            continue;
        }
        return handshake_failed(sc, rv);
    }
}

static apr_status_t ensure_handshake(sslx_conn_t *sc, apr_read_type_e block)
{
    apr_status_t rv;
    int plain;

    if (sc->state == SSLX_ST_INIT && sc->client) {
        sslx_transport_bind(sc);
        sc->state = SSLX_ST_HANDSHAKE;
        if (sslx_proxy_handshake_start(sc) < 0) {
            sc->state = SSLX_ST_CLOSED;
            sc->c->aborted = 1;
            return APR_ECONNABORTED;
        }
    }
    if (sc->state == SSLX_ST_INIT) {
        sslx_transport_bind(sc);
        sslx_handshake_setup(sc);
        sc->block = APR_BLOCK_READ;
        if ((rv = detect_plain_http(sc, &plain)) != APR_SUCCESS) {
            sc->state = SSLX_ST_CLOSED;
            return rv;
        }
        if (plain) {
            become_plain_http(sc);
            return APR_SUCCESS;
        }
        sc->state = SSLX_ST_HANDSHAKE;
    }
    if (sc->state != SSLX_ST_HANDSHAKE) {
        return sc->state == SSLX_ST_CLOSED ? APR_ECONNABORTED : APR_SUCCESS;
    }
    sc->block = block;
    return run_handshake(sc);
}

/* ---- input -------------------------------------------------------- */

/* GnuTLS keeps the refused ClientHello at the head of its record buffer,
 * where the next read would find it and fail with "unexpected packet":
 * that read, which takes nothing from the network, drops it. */
static void refuse_renegotiation(sslx_conn_t *sc)
{
    gnutls_packet_t packet = NULL;
    ssize_t n;

    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, sc->c, SSLXLOGNO(01404)
                  "client-initiated renegotiation refused");
    send_alert(sc, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION, 0);
    n = gnutls_record_recv_packet(sc->session, &packet);
    if (n != GNUTLS_E_UNEXPECTED_PACKET) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(01405)
                      "dropping the refused ClientHello: %d", (int)n);
    }
    if (packet) {
        gnutls_packet_deinit(packet);
    }
}

static apr_status_t record_error(sslx_conn_t *sc, ssize_t n)
{
    if (n == GNUTLS_E_PREMATURE_TERMINATION || sc->in_status == APR_EOF) {
        ap_log_cerror(APLOG_MARK, APLOG_TRACE2, 0, sc->c,
                      "client closed without close_notify");
        sc->peer_closed = 1;
        return APR_EOF;
    }
    if (sc->in_status != APR_SUCCESS) {
        return sc->in_status;
    }
    if (sc->client) {
        sslx_proxy_failed(sc, (int)n);
    }
    else {
        sslx_handshake_log_failure(sc, "reading a TLS record", (int)n);
    }
    send_fatal_alert(sc, (int)n);
    sc->state = SSLX_ST_CLOSED;
    return APR_ECONNABORTED;
}

/* Receives one record into plain_in.  APR_EOF on close_notify. */
static apr_status_t read_record(sslx_conn_t *sc, apr_read_type_e block)
{
    gnutls_packet_t packet;
    ssize_t n;

    sc->block = block;
    for (;;) {
        sc->pull_would_block = 0;
        n = gnutls_record_recv_packet(sc->session, &packet);
        if (n > 0) {
            APR_BRIGADE_INSERT_TAIL(sc->plain_in,
                sslx_packet_bucket_create(packet, sc->c->bucket_alloc));
            return APR_SUCCESS;
        }
        if (n == 0) {
            sc->peer_closed = 1;
            return APR_EOF;
        }
        if (must_wait(sc, (int)n)) {
            return APR_EAGAIN;
        }
        if (call_again((int)n)) {
            continue;
        }
        if (n == GNUTLS_E_REHANDSHAKE) {
            refuse_renegotiation(sc);
            continue;
        }
        if (n == GNUTLS_E_WARNING_ALERT_RECEIVED) {
            sslx_handshake_log_failure(sc, "reading a TLS record", (int)n);
            continue;
        }
        return record_error(sc, n);
    }
}

/* Splitting a line at a record's last byte leaves an empty bucket; an
 * empty bucket must not look like pending data to keep-alive checks. */
static void drop_empty_buckets(apr_bucket_brigade *bb)
{
    apr_bucket *e;

    while (!APR_BRIGADE_EMPTY(bb)) {
        e = APR_BRIGADE_FIRST(bb);
        if (APR_BUCKET_IS_METADATA(e) || e->length != 0) {
            return;
        }
        apr_bucket_delete(e);
    }
}

static apr_status_t serve_speculative(sslx_conn_t *sc, apr_bucket_brigade *bb,
                                      apr_off_t readbytes)
{
    apr_bucket *e, *copy;
    apr_off_t left = readbytes;
    const char *data;
    apr_size_t len;

    for (e = APR_BRIGADE_FIRST(sc->plain_in);
         e != APR_BRIGADE_SENTINEL(sc->plain_in) && left > 0;
         e = APR_BUCKET_NEXT(e)) {
        if (apr_bucket_read(e, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
            break;
        }
        apr_bucket_copy(e, &copy);
        APR_BRIGADE_INSERT_TAIL(bb, copy);
        if ((apr_off_t)len > left) {
            apr_bucket_split(copy, (apr_size_t)left);
            apr_bucket_delete(APR_BUCKET_NEXT(copy));
            len = (apr_size_t)left;
        }
        left -= len;
    }
    return APR_SUCCESS;
}

static apr_status_t serve_readbytes(sslx_conn_t *sc, apr_bucket_brigade *bb,
                                    apr_off_t readbytes)
{
    apr_bucket *cut;
    apr_status_t rv;

    rv = apr_brigade_partition(sc->plain_in, readbytes, &cut);
    if (rv != APR_SUCCESS && rv != APR_INCOMPLETE) {
        return rv;
    }
    while (APR_BRIGADE_FIRST(sc->plain_in) != cut) {
        apr_bucket *e = APR_BRIGADE_FIRST(sc->plain_in);
        APR_BUCKET_REMOVE(e);
        APR_BRIGADE_INSERT_TAIL(bb, e);
    }
    return APR_SUCCESS;
}

static int ends_line(apr_bucket_brigade *bb)
{
    apr_bucket *e = APR_BRIGADE_LAST(bb);
    const char *data;
    apr_size_t len;

    if (e == APR_BRIGADE_SENTINEL(bb)
        || apr_bucket_read(e, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
        return 0;
    }
    return len > 0 && data[len - 1] == APR_ASCII_LF;
}

static apr_status_t serve_getline(sslx_conn_t *sc, apr_bucket_brigade *bb,
                                  apr_read_type_e block)
{
    apr_off_t have;
    apr_status_t rv;

    for (;;) {
        rv = apr_brigade_split_line(bb, sc->plain_in, block,
                                    HUGE_STRING_LEN);
        if (rv != APR_SUCCESS || ends_line(bb)) {
            return rv;
        }
        apr_brigade_length(bb, 0, &have);
        if (have >= HUGE_STRING_LEN) {
            return APR_SUCCESS;
        }
        rv = read_record(sc, block);
        if (rv != APR_SUCCESS) {
            /* What arrived so far is handed up; the next read sees rv. */
            return APR_BRIGADE_EMPTY(bb) ? rv : APR_SUCCESS;
        }
    }
}

static apr_status_t uncork(sslx_conn_t *sc);

static apr_status_t input_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                                 ap_input_mode_t mode, apr_read_type_e block,
                                 apr_off_t readbytes)
{
    sslx_conn_t *sc = f->ctx;
    apr_status_t rv;

    if (mode != AP_MODE_READBYTES && mode != AP_MODE_GETLINE
        && mode != AP_MODE_SPECULATIVE && mode != AP_MODE_INIT) {
        return APR_ENOTIMPL;
    }
    if ((rv = ensure_handshake(sc, block)) != APR_SUCCESS) {
        return rv;
    }
    if (sc->state == SSLX_ST_PLAIN_HTTP) {
        return mode == AP_MODE_INIT ? APR_SUCCESS
               : ap_get_brigade(f->next, bb, mode, block, readbytes);
    }
    if (mode == AP_MODE_INIT) {
        return APR_SUCCESS;
    }
    drop_empty_buckets(sc->plain_in);
    /* Output held in the cork leaves before we wait for the peer. */
    if (APR_BRIGADE_EMPTY(sc->plain_in) && block == APR_BLOCK_READ
        && gnutls_record_check_corked(sc->session) > 0
        && (rv = uncork(sc)) != APR_SUCCESS) {
        return rv;
    }
    if (APR_BRIGADE_EMPTY(sc->plain_in)
        && (rv = read_record(sc, block)) != APR_SUCCESS) {
        return rv;
    }
    if (mode == AP_MODE_GETLINE) {
        return serve_getline(sc, bb, block);
    }
    if (mode == AP_MODE_SPECULATIVE) {
        return serve_speculative(sc, bb, readbytes);
    }
    return serve_readbytes(sc, bb, readbytes);
}

/* ---- output ------------------------------------------------------- */

/* The cork and TLS 1.3 KeyUpdate share one piece of GnuTLS's state: a
 * KeyUpdate that asks for ours is remembered there, to be answered
 * before the next application data, and gnutls_record_cork() would
 * overwrite it.  So the session is corked once, after the handshake,
 * and stays corked: uncorking flushes the cork only when it holds data
 * (the flush then answers a pending KeyUpdate) and corks again, and
 * large writes (send_plain) go out uncorked between the two. */
static apr_status_t uncork_once(sslx_conn_t *sc)
{
    int rv;

    do {
        rv = gnutls_record_uncork(sc->session, GNUTLS_RECORD_WAIT);
    } while (rv == GNUTLS_E_AGAIN || rv == GNUTLS_E_INTERRUPTED);
    if (rv < 0) {
        sslx_handshake_log_failure(sc, "writing TLS records", rv);
        return sc->out_status ? sc->out_status : APR_ECONNABORTED;
    }
    return APR_SUCCESS;
}

static apr_status_t uncork(sslx_conn_t *sc)
{
    apr_status_t rv;

    if (gnutls_record_check_corked(sc->session) == 0) {
        return APR_SUCCESS;
    }
    rv = uncork_once(sc);
    gnutls_record_cork(sc->session);
    return rv;
}

static apr_status_t send_records(sslx_conn_t *sc, const char *data,
                                 apr_size_t len)
{
    ssize_t n;

    while (len > 0) {
        n = gnutls_record_send(sc->session, data, len);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            continue;
        }
        if (n < 0) {
            sslx_handshake_log_failure(sc, "writing TLS records", (int)n);
            return sc->out_status ? sc->out_status : APR_ECONNABORTED;
        }
        data += n;
        len -= (apr_size_t)n;
    }
    return APR_SUCCESS;
}

/* Small pieces wait in the cork for company; large ones go now, after
 * what the cork held (and a KeyUpdate owed, which the first uncorked
 * write sends). */
static apr_status_t send_plain(sslx_conn_t *sc, const char *data,
                               apr_size_t len)
{
    apr_status_t rv;

    if (len < SSLX_RECORD_MAX) {
        if ((rv = send_records(sc, data, len)) != APR_SUCCESS) {
            return rv;
        }
        if (gnutls_record_check_corked(sc->session) >= SSLX_RECORD_MAX) {
            return uncork(sc);
        }
        return APR_SUCCESS;
    }
    if ((rv = uncork_once(sc)) == APR_SUCCESS) {
        rv = send_records(sc, data, len);
    }
    gnutls_record_cork(sc->session);
    return rv;
}

/* The accurate shutdown waits (blocking, up to the connection's timeout)
 * for the client's close_notify; the transport passes ours on first. */
static apr_status_t send_close_notify(sslx_conn_t *sc)
{
    int rv;

    if (sc->state != SSLX_ST_TRAFFIC) {
        return APR_SUCCESS;
    }
    sc->state = SSLX_ST_CLOSED;
    if (sc->shutdown == SSLX_SHUTDOWN_UNCLEAN) {
        return APR_SUCCESS;
    }
    if (sc->shutdown == SSLX_SHUTDOWN_ACCURATE) {
        sc->block = APR_BLOCK_READ;
    }
    rv = gnutls_bye(sc->session, sc->shutdown == SSLX_SHUTDOWN_ACCURATE
                                 ? GNUTLS_SHUT_RDWR : GNUTLS_SHUT_WR);
    if (rv < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(01406)
                      "%s", sslx_log_describe(sc->c->pool, "sending "
                                              "close_notify", rv));
    }
    return APR_SUCCESS;
}

/* Metadata keeps its place after the records for the data before it. */
static apr_status_t send_metadata(sslx_conn_t *sc, apr_bucket *e)
{
    apr_status_t rv = APR_SUCCESS;
    int pass = APR_BUCKET_IS_FLUSH(e) || AP_BUCKET_IS_EOC(e);

    if ((rv = uncork(sc)) != APR_SUCCESS) {
        return rv;
    }
    /* The last response of a connection httpd will close: its
     * close_notify joins it, to leave in the same write. */
    if (AP_BUCKET_IS_EOR(e) && sc->c->keepalive == AP_CONN_CLOSE) {
        send_close_notify(sc);
    }
    if (AP_BUCKET_IS_EOC(e)) {
        /* The core closes the socket on EOC without writing what sits
         * beside it in the brigade: the alert must leave first. */
        send_close_notify(sc);
        if ((rv = sslx_transport_pass(sc, 1)) != APR_SUCCESS) {
            return rv;
        }
    }
    APR_BUCKET_REMOVE(e);
    APR_BRIGADE_INSERT_TAIL(sc->raw_out, e);
    return pass ? sslx_transport_pass(sc, 0) : rv;
}

static apr_status_t send_data(sslx_conn_t *sc, apr_bucket *e)
{
    const char *data;
    apr_size_t len;
    apr_status_t rv;

    /* The plaintext is copied into records anyway: a read() of the file
     * costs less than mapping it, and unmapping it again flushes the
     * TLB of every thread of the process. */
    if (APR_BUCKET_IS_FILE(e)) {
        apr_bucket_file_enable_mmap(e, 0);
    }
    rv = apr_bucket_read(e, &data, &len, APR_NONBLOCK_READ);
    if (APR_STATUS_IS_EAGAIN(rv)) {
        /* A slow producer (CGI pipe): let out what we have, then wait. */
        if ((rv = uncork(sc)) != APR_SUCCESS
            || (rv = sslx_transport_pass(sc, 1)) != APR_SUCCESS) {
            return rv;
        }
        rv = apr_bucket_read(e, &data, &len, APR_BLOCK_READ);
    }
    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (len > 0 && (rv = send_plain(sc, data, len)) != APR_SUCCESS) {
        return rv;
    }
    apr_bucket_delete(e);
    if (!APR_BRIGADE_EMPTY(sc->raw_out)) {
        apr_off_t pending = 0;
        apr_brigade_length(sc->raw_out, 0, &pending);
        if (pending >= SSLX_RAW_OUT_MAX) {
            return sslx_transport_pass(sc, 0);
        }
    }
    return APR_SUCCESS;
}

/* Once nothing can be encrypted any more, data is dropped but EOC and
 * the like still reach the core, which closes the socket on them. */
static apr_status_t pass_metadata_only(ap_filter_t *f,
                                       apr_bucket_brigade *bb,
                                       apr_status_t status)
{
    apr_bucket *e, *next;

    for (e = APR_BRIGADE_FIRST(bb); e != APR_BRIGADE_SENTINEL(bb); e = next) {
        next = APR_BUCKET_NEXT(e);
        if (!APR_BUCKET_IS_METADATA(e)) {
            apr_bucket_delete(e);
        }
    }
    if (status != APR_SUCCESS) {
        apr_brigade_cleanup(bb);
        return status;
    }
    return ap_pass_brigade(f->next, bb);
}

/* HTTP/1.x passes a response's headers in a brigade of their own: a
 * little output left corked at the end of a brigade shares a record
 * with the body that follows.  Every response ends in metadata (EOS,
 * EOR, FLUSH), which uncorks; so does a blocking read.  HTTP/2 frames
 * its own writes and gets no delay.  Nor do tunnels (mod_proxy marks
 * both of their connections "close" and then passes data without
 * metadata, waiting for the other side to answer) or requests to
 * backends. */
static int holds_cork(sslx_conn_t *sc)
{
    return gnutls_record_check_corked(sc->session) < SSLX_CORK_HOLD_MAX
           && (!sc->alpn || strcmp(sc->alpn, "h2") != 0)
           && !sc->client && sc->c->keepalive != AP_CONN_CLOSE;
}

static apr_status_t output_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    sslx_conn_t *sc = f->ctx;
    apr_bucket *e;
    apr_status_t rv;

    /* After the peer's close_notify, what is still written (HTTP/2's
     * GOAWAY, say) has no reader: it is dropped, not an error. */
    if (sc->state == SSLX_ST_CLOSED || sc->out_status != APR_SUCCESS
        || sc->peer_closed) {
        return pass_metadata_only(f, bb, sc->out_status);
    }
    if ((rv = ensure_handshake(sc, APR_BLOCK_READ)) != APR_SUCCESS) {
        apr_brigade_cleanup(bb);
        return rv;
    }
    if (sc->state == SSLX_ST_PLAIN_HTTP) {
        return ap_pass_brigade(f->next, bb);
    }
    while (!APR_BRIGADE_EMPTY(bb)) {
        e = APR_BRIGADE_FIRST(bb);
        rv = APR_BUCKET_IS_METADATA(e) ? send_metadata(sc, e)
                                       : send_data(sc, e);
        if (rv != APR_SUCCESS) {
            apr_brigade_cleanup(bb);
            return rv;
        }
    }
    if (!holds_cork(sc) && (rv = uncork(sc)) != APR_SUCCESS) {
        return rv;
    }
    return sslx_transport_pass(sc, 0);
}

/* ---- re-authentication ------------------------------------------- */

#define SSLX_REAUTH_MAX_STEPS 64

/* Records of application data that arrive while a re-authentication
 * runs belong to later requests: keep them for the input filter. */
static int keep_application_data(sslx_conn_t *sc)
{
    apr_bucket_alloc_t *ba = sc->c->bucket_alloc;
    char *buf = apr_bucket_alloc(SSLX_RECORD_MAX, ba);
    ssize_t n;

    n = gnutls_record_recv(sc->session, buf, SSLX_RECORD_MAX);
    if (n > 0) {
        APR_BRIGADE_INSERT_TAIL(sc->plain_in,
            apr_bucket_heap_create(buf, n, apr_bucket_free, ba));
        return GNUTLS_E_AGAIN;
    }
    apr_bucket_free(buf);
    return n == 0 ? GNUTLS_E_PREMATURE_TERMINATION : (int)n;
}

/* Runs one re-authentication step until it is done; blocking reads, so
 * E_AGAIN only means "we kept some application data, go on". */
static int drive(sslx_conn_t *sc, int tls13)
{
    int rv, steps = 0;

    do {
        rv = tls13 ? gnutls_reauth(sc->session, 0)
                   : gnutls_handshake(sc->session);
        if (rv == GNUTLS_E_GOT_APPLICATION_DATA) {
            rv = keep_application_data(sc);
        }
        else if (rv == GNUTLS_E_WARNING_ALERT_RECEIVED) {
            /* A client that declines renegotiation says so this way. */
            sslx_handshake_log_failure(sc, "renegotiation", rv);
            if (gnutls_alert_get(sc->session) == GNUTLS_A_NO_RENEGOTIATION) {
                return rv;
            }
            rv = GNUTLS_E_AGAIN;
        }
    } while ((rv == GNUTLS_E_AGAIN || rv == GNUTLS_E_INTERRUPTED)
             && ++steps < SSLX_REAUTH_MAX_STEPS);
    return rv;
}

static apr_status_t reauth_failed(sslx_conn_t *sc, int tls13, int rv)
{
    sslx_handshake_log_failure(sc, tls13 ? "post-handshake authentication"
                                         : "renegotiation", rv);
    if (sc->in_status != APR_SUCCESS || sc->out_status != APR_SUCCESS) {
        sc->state = SSLX_ST_CLOSED;
        return APR_ECONNABORTED;
    }
    if (tls13 && rv == GNUTLS_E_CERTIFICATE_ERROR) {
        /* The session is intact: the request can still be answered. */
        return APR_EACCES;
    }
    /* A failed renegotiation leaves no usable session, as in mod_ssl. */
    send_fatal_alert(sc, rv);
    sc->state = SSLX_ST_CLOSED;
    return APR_ECONNABORTED;
}

apr_status_t sslx_io_reauthenticate(sslx_conn_t *sc,
                                    gnutls_priority_t priority)
{
    int tls13 = gnutls_protocol_get_version(sc->session) == GNUTLS_TLS1_3;
    apr_status_t status;
    int rv;

    sc->block = APR_BLOCK_READ;
    if ((status = uncork(sc)) != APR_SUCCESS) {
        return status;
    }
    if (!tls13) {
        /* A resumed session would bring no certificate: full handshake. */
        sslx_cache_forbid_resumption(sc->session);
        if ((rv = gnutls_priority_set(sc->session, priority ? priority
                                      : sc->tls->reneg_priority)) < 0
            || (rv = gnutls_rehandshake(sc->session)) < 0) {
            return reauth_failed(sc, tls13, rv);
        }
        if ((status = sslx_transport_pass(sc, 1)) != APR_SUCCESS) {
            return status;
        }
    }
    sc->renegotiating = !tls13;
    rv = drive(sc, tls13);
    sc->renegotiating = 0;
    if (rv < 0) {
        return reauth_failed(sc, tls13, rv);
    }
    return sslx_transport_pass(sc, 1);
}

/* ---- registration ------------------------------------------------- */

int sslx_io_process_connection(conn_rec *c)
{
    sslx_conn_t *sc = sslx_conn_get(c);
    apr_bucket_brigade *bb;
    apr_status_t rv;

    if (!sc || c->master || sc->state != SSLX_ST_INIT) {
        return DECLINED;
    }
    bb = apr_brigade_create(c->pool, c->bucket_alloc);
    rv = ap_get_brigade(c->input_filters, bb, AP_MODE_INIT, APR_BLOCK_READ,
                        0);
    apr_brigade_destroy(bb);
    if (rv != APR_SUCCESS) {
        /* After an alert (APR_ECONNABORTED) the client may still be
         * sending.  Closing with its bytes unread would send a reset,
         * which can destroy the alert on its way: the MPM's lingering
         * close reads them first.  A client already gone gets none. */
        if (rv != APR_ECONNABORTED) {
            c->aborted = 1;
        }
        c->keepalive = AP_CONN_CLOSE;
        if (c->cs) {
            c->cs->state = CONN_STATE_LINGER;
        }
        return DONE;
    }
    return DECLINED;
}

void sslx_io_register_filters(void)
{
    ap_register_input_filter(SSLX_FILTER_NAME, input_filter, NULL,
                             AP_FTYPE_CONNECTION + 5);
    ap_register_output_filter(SSLX_FILTER_NAME, output_filter, NULL,
                              AP_FTYPE_CONNECTION + 5);
}
