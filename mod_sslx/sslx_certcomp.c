/* sslx_certcomp.c - certificate compression (RFC 8879): a client that
 * offers compress_certificate gets the server's chain compressed, so a
 * long chain fits the first flight.  GnuTLS (>= 3.7.4) does the work;
 * this file decides which methods each vhost offers.
 *
 * GnuTLS compresses with zlib, brotli and zstd only when it was built
 * with those libraries (Debian 12's is built with none of them), so the
 * methods are probed once per configuration: without the directive a
 * vhost offers every method available, with it the ones named that are
 * available, in the order given, and a warning names the others, so one
 * configuration fits every build.  "off" offers none.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_hash.h>
#include <http_core.h>

#include "sslx_certcomp.h"

static const int all_methods[] = {
    GNUTLS_COMP_ZLIB, GNUTLS_COMP_BROTLI, GNUTLS_COMP_ZSTD
};

static const char *method_name(int m)
{
    switch (m) {
    case GNUTLS_COMP_ZLIB: return "zlib";
    case GNUTLS_COMP_BROTLI: return "brotli";
    case GNUTLS_COMP_ZSTD: return "zstd";
    default: return "unknown";
    }
}

/* Whether GnuTLS accepts method m on a session: it refuses the methods
 * its build lacks. */
static int available(gnutls_session_t probe, int m)
{
    gnutls_compression_method_t method = (gnutls_compression_method_t)m;

    return gnutls_compress_certificate_set_methods(probe, &method, 1) == 0;
}

/* The configured list (or all methods) cut to what is available;
 * *pmissing lists the configured ones that are not. */
static apr_array_header_t *resolve(apr_pool_t *p, gnutls_session_t probe,
                                   const apr_array_header_t *want,
                                   const char **pmissing)
{
    apr_array_header_t *have = apr_array_make(p, 3, sizeof(int));
    int i, n = want ? want->nelts : 3, m;

    *pmissing = NULL;
    for (i = 0; i < n; i++) {
        m = want ? APR_ARRAY_IDX(want, i, int) : all_methods[i];
        if (available(probe, m)) {
            APR_ARRAY_PUSH(have, int) = m;
        }
        else if (want) {
            *pmissing = *pmissing ? apr_pstrcat(p, *pmissing, ", ",
                                                method_name(m), NULL)
                                  : method_name(m);
        }
    }
    return have;
}

static const char *names(apr_pool_t *p, const apr_array_header_t *list)
{
    const char *text = NULL;
    int i;

    for (i = 0; i < list->nelts; i++) {
        text = text ? apr_pstrcat(p, text, " ", method_name(APR_ARRAY_IDX(
                                  list, i, int)), NULL)
                    : method_name(APR_ARRAY_IDX(list, i, int));
    }
    return text ? text : "none";
}

/* Vhosts that inherit the directive share its list: one warning. */
static void resolve_vhost(apr_pool_t *pconf, apr_pool_t *ptemp,
                          gnutls_session_t probe, server_rec *s,
                          apr_hash_t *done, int quiet)
{
    sslx_srv_conf_t *sc = sslx_config_srv(s);
    const apr_array_header_t *want = sc->cert_compression;
    apr_array_header_t *have;
    const char *missing, *key;

    /* Vhosts that inherit one list resolve it once: keyed by its address. */
    key = want ? apr_psprintf(ptemp, "%pp", (const void *)want) : NULL;
    have = key ? apr_hash_get(done, key, APR_HASH_KEY_STRING) : NULL;
    if (have == NULL) {
        have = resolve(pconf, probe, want, &missing);
        if (missing && !quiet) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, SSLXLOGNO(02530)
                         "SSLXCertificateCompression: this GnuTLS (%s) was "
                         "built without %s; offering: %s",
                         gnutls_check_version(NULL), missing,
                         names(ptemp, have));
        }
        if (key) {
            apr_hash_set(done, key, APR_HASH_KEY_STRING, have);
        }
    }
    sc->cert_compression = have;
}

int sslx_certcomp_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    int quiet = ap_state_query(AP_SQ_MAIN_STATE)
                == AP_SQ_MS_CREATE_PRE_CONFIG;
    apr_hash_t *done = apr_hash_make(ptemp);
    gnutls_session_t probe;
    server_rec *main_s = s;
    int rv;

    (void)plog;
    if ((rv = gnutls_init(&probe, GNUTLS_SERVER)) < 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(02531)
                     "probing certificate compression: %s (%s)",
                     gnutls_strerror(rv), gnutls_strerror_name(rv));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (; s; s = s->next) {
        resolve_vhost(pconf, ptemp, probe, s, done, quiet);
    }
    gnutls_deinit(probe);
    if (!quiet) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, main_s, SSLXLOGNO(02532)
                     "certificate compression offered by default: %s",
                     names(ptemp, sslx_config_srv(main_s)->cert_compression));
    }
    return OK;
}

int sslx_certcomp_apply(gnutls_session_t session, const sslx_srv_conf_t *sc)
{
    gnutls_compression_method_t methods[3];
    const apr_array_header_t *list = sc->cert_compression;
    int i;

    if (list == NULL || list->nelts == 0) {
        return 0;
    }
    for (i = 0; i < list->nelts && i < 3; i++) {
        methods[i] = (gnutls_compression_method_t)APR_ARRAY_IDX(list, i,
                                                                int);
    }
    return gnutls_compress_certificate_set_methods(session, methods,
                                                   (size_t)i);
}
