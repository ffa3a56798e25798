/* sslx_log.c - turning GnuTLS return codes into APR status codes and
 * messages, and bridging GnuTLS's debug log into httpd's trace levels.
 *
 * Every caller that logs a GnuTLS failure formats it through
 * sslx_log_describe() so the reason reads the same everywhere:
 * "<what failed>: <gnutls_strerror> (<gnutls_strerror_name>)".
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <gnutls/gnutls.h>

#include "sslx_log.h"

apr_status_t sslx_log_status(int gnutls_rv)
{
    switch (gnutls_rv) {
    case GNUTLS_E_SUCCESS:
        return APR_SUCCESS;
    case GNUTLS_E_AGAIN:
    case GNUTLS_E_INTERRUPTED:
        return APR_EAGAIN;
    case GNUTLS_E_PREMATURE_TERMINATION:
    case GNUTLS_E_PUSH_ERROR:
    case GNUTLS_E_PULL_ERROR:
        return APR_ECONNABORTED;
    default:
        return APR_EGENERAL;
    }
}

const char *sslx_log_describe(apr_pool_t *p, const char *what,
                              int gnutls_rv)
{
    const char *name = gnutls_strerror_name(gnutls_rv);

    return apr_psprintf(p, "%s: %s (%s)", what, gnutls_strerror(gnutls_rv),
                        name ? name : "unknown");
}

/* GnuTLS calls this from any thread with its own debug text; the main
 * server is the only log target that exists at that point. */
static server_rec *debug_server;

static void gnutls_debug_to_trace(int level, const char *text)
{
    size_t len = strlen(text);

    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
        len--;
    }
    ap_log_error(APLOG_MARK, APLOG_TRACE8, 0, debug_server,
                 "gnutls[%d]: %.*s", level, (int)len, text);
}

void sslx_log_setup_gnutls_debug(server_rec *s)
{
    if (!APLOG_IS_LEVEL(s, APLOG_TRACE8)) {
        gnutls_global_set_log_level(0);
        return;
    }
    debug_server = s;
    gnutls_global_set_log_function(gnutls_debug_to_trace);
    gnutls_global_set_log_level(9);
}
