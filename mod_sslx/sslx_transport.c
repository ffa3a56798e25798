/* sslx_transport.c - GnuTLS's transport over httpd brigades: the push
 * and pull functions a session calls for ciphertext.
 *
 * pull() reads from the filters below ours (mod_reqtimeout, core) into
 * raw_in and hands GnuTLS what it asks for; a blocking read first passes
 * on what GnuTLS wrote, as the peer may be waiting for it.  push()
 * appends to raw_out, which sslx_io.c passes down when it must
 * (sslx_transport_pass), so a whole flight leaves in one write.
 */
#include "sslx_private.h"

#include <errno.h>
#include <util_filter.h>

#include "sslx_conn.h"
#include "sslx_transport.h"

#define SSLX_READ_CHUNK      (2 * SSLX_RECORD_MAX)

apr_status_t sslx_transport_pass(sslx_conn_t *sc, int flush)
{
    apr_bucket *e;
    apr_status_t rv;

    if (APR_BRIGADE_EMPTY(sc->raw_out) && !flush) {
        return APR_SUCCESS;
    }
    if (flush) {
        e = apr_bucket_flush_create(sc->c->bucket_alloc);
        APR_BRIGADE_INSERT_TAIL(sc->raw_out, e);
    }
    rv = ap_pass_brigade(sc->out_filter->next, sc->raw_out);
    apr_brigade_cleanup(sc->raw_out);
    if (rv != APR_SUCCESS) {
        sc->out_status = rv;
    }
    return rv;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const giovec_t *iov,
                    int iovcnt)
{
    sslx_conn_t *sc = ptr;
    ssize_t total = 0;
    int i;

    if (sc->out_status != APR_SUCCESS) {
        gnutls_transport_set_errno(sc->session, EPIPE);
        return -1;
    }
    for (i = 0; i < iovcnt; i++) {
        apr_brigade_write(sc->raw_out, NULL, NULL, iov[i].iov_base,
                          iov[i].iov_len);
        total += iov[i].iov_len;
    }
    return total;
}

/* Reads ciphertext from below.  A blocking read is preceded by passing
 * on what GnuTLS wrote, since the peer may be waiting for it. */
static apr_status_t read_raw(sslx_conn_t *sc)
{
    ap_filter_t *next = sc->in_filter->next;
    apr_status_t rv;

    rv = ap_get_brigade(next, sc->raw_in, AP_MODE_READBYTES,
                        APR_NONBLOCK_READ, SSLX_READ_CHUNK);
    /* The core answers a non-blocking read that finds nothing with an
     * empty brigade rather than EAGAIN. */
    if (rv == APR_SUCCESS && APR_BRIGADE_EMPTY(sc->raw_in)) {
        rv = APR_EAGAIN;
    }
    if (APR_STATUS_IS_EAGAIN(rv) && sc->block == APR_BLOCK_READ) {
        if (!APR_BRIGADE_EMPTY(sc->raw_out)
            && (rv = sslx_transport_pass(sc, 1)) != APR_SUCCESS) {
            return rv;
        }
        rv = ap_get_brigade(next, sc->raw_in, AP_MODE_READBYTES,
                            APR_BLOCK_READ, SSLX_READ_CHUNK);
    }
    if (rv == APR_SUCCESS && APR_BRIGADE_EMPTY(sc->raw_in)) {
        rv = (sc->block == APR_NONBLOCK_READ) ? APR_EAGAIN : APR_EOF;
    }
    return rv;
}

/* What the filters below hand us may start with metadata (a FLUSH) or
 * empty buckets: that is no data yet, not the end of the stream.  Only
 * an EOS bucket ends it; returns APR_EOF for one. */
static apr_status_t drop_raw_metadata(sslx_conn_t *sc)
{
    apr_bucket *e;

    while (!APR_BRIGADE_EMPTY(sc->raw_in)) {
        e = APR_BRIGADE_FIRST(sc->raw_in);
        if (APR_BUCKET_IS_EOS(e)) {
            apr_brigade_cleanup(sc->raw_in);
            return APR_EOF;
        }
        if (!APR_BUCKET_IS_METADATA(e) && e->length != 0) {
            break;
        }
        apr_bucket_delete(e);
    }
    return APR_SUCCESS;
}

static apr_size_t take_raw(sslx_conn_t *sc, char *buf, apr_size_t len)
{
    apr_size_t copied = 0, n;
    const char *data;
    apr_bucket *e;

    while (copied < len && !APR_BRIGADE_EMPTY(sc->raw_in)) {
        e = APR_BRIGADE_FIRST(sc->raw_in);
        if (APR_BUCKET_IS_METADATA(e)
            || apr_bucket_read(e, &data, &n, APR_BLOCK_READ) != APR_SUCCESS) {
            apr_bucket_delete(e);
            continue;
        }
        if (n > len - copied) {
            apr_bucket_split(e, len - copied);
            n = len - copied;
        }
        memcpy(buf + copied, data, n);
        copied += n;
        apr_bucket_delete(e);
    }
    return copied;
}

/* Makes sure raw_in holds data, reading from below as the caller of
 * the filter wants (blocking or not); APR_EOF at the end of the stream,
 * APR_EAGAIN when a non-blocking read finds nothing. */
static apr_status_t fill_raw(sslx_conn_t *sc)
{
    apr_status_t rv;

    while ((rv = drop_raw_metadata(sc)) == APR_SUCCESS
           && APR_BRIGADE_EMPTY(sc->raw_in)) {
        if ((rv = read_raw(sc)) != APR_SUCCESS) {
            return rv;
        }
    }
    return rv;
}

/* Tells GnuTLS how the read went: 1 data, 0 end of stream, -1 with the
 * errno set otherwise. */
static int fill_result(sslx_conn_t *sc, apr_status_t rv)
{
    if (rv == APR_SUCCESS) {
        return 1;
    }
    if (APR_STATUS_IS_EOF(rv)) {
        return 0;
    }
    if (APR_STATUS_IS_EAGAIN(rv)) {
        sc->pull_would_block = 1;
        gnutls_transport_set_errno(sc->session, EAGAIN);
        return -1;
    }
    sc->in_status = rv;
    gnutls_transport_set_errno(sc->session, EIO);
    return -1;
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
    sslx_conn_t *sc = ptr;
    int got = fill_result(sc, fill_raw(sc));

    return got <= 0 ? got : (ssize_t)take_raw(sc, buf, len);
}

/* GnuTLS asks whether data arrives within ms before a read it times
 * (only when a handshake or record timeout is set).  How long to wait
 * is httpd's to say (mod_reqtimeout, Timeout), so the answer comes from
 * a real read in the caller's mode: 1 when data is there (or the end of
 * the stream, which the pull then reports), 0 when a non-blocking read
 * finds nothing, -1 on an error. */
static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
    sslx_conn_t *sc = ptr;
    apr_status_t rv = fill_raw(sc);

    (void)ms;
    if (APR_STATUS_IS_EAGAIN(rv)) {
        return 0;
    }
    return APR_STATUS_IS_EOF(rv) ? 1 : fill_result(sc, rv);
}

void sslx_transport_bind(sslx_conn_t *sc)
{
    gnutls_transport_set_ptr(sc->session, sc);
    gnutls_transport_set_vec_push_function(sc->session, push);
    gnutls_transport_set_pull_function(sc->session, pull);
    gnutls_transport_set_pull_timeout_function(sc->session, pull_timeout);
}
