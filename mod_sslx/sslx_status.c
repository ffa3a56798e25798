/* sslx_status.c - mod_sslx's section of mod_status: the counters of
 * sslx_counters.c for the whole server.
 *
 * With "?auto" every counter is one "SSLX<Name>: <n>" line, in a fixed
 * order, so scripts can parse it as they parse mod_status's own lines;
 * the HTML page shows the same numbers in three tables: handshakes,
 * failed handshakes by reason, session cache and certificate reloads.
 * Then each certificate stapled from the stapling cache, with what the
 * cache holds for it and until when (sslx_stapling.c).  The session
 * cache provider's own report (entries, memory) follows under mod_ssl's
 * heading, from sslx_cache.c.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <http_protocol.h>
#include <mod_status.h>

#include "sslx_counters.h"
#include "sslx_stapling.h"
#include "sslx_status.h"

static apr_uint64_t failures(const server_rec *s)
{
    apr_uint64_t total = 0;
    int i;

    for (i = SSLX_CNT_FIRST_FAILURE; i <= SSLX_CNT_LAST_FAILURE; i++) {
        total += sslx_counters_get(s, (sslx_counter_t)i);
    }
    return total;
}

static void auto_lines(request_rec *r, const server_rec *s)
{
    int i;

    ap_rprintf(r, "SSLXCountingSeconds: %" APR_TIME_T_FMT "\n",
               apr_time_sec(apr_time_now() - sslx_counters_since(s)));
    ap_rprintf(r, "SSLXHandshakeFailures: %" APR_UINT64_T_FMT "\n",
               failures(s));
    for (i = 0; i < SSLX_CNT_MAX; i++) {
        ap_rprintf(r, "SSLX%s: %" APR_UINT64_T_FMT "\n",
                   sslx_counters_name((sslx_counter_t)i),
                   sslx_counters_get(s, (sslx_counter_t)i));
    }
}

/* Seconds since the epoch as ISO 8601 UTC, or "none". */
static const char *iso_time(apr_pool_t *p, apr_int64_t secs)
{
    apr_time_exp_t tm;
    char buf[32];
    apr_size_t len;

    if (secs <= 0
        || apr_time_exp_gmt(&tm, apr_time_from_sec(secs)) != APR_SUCCESS
        || apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ",
                        &tm) != APR_SUCCESS) {
        return "none";
    }
    return apr_pstrdup(p, buf);
}

/* ?auto: SSLXStapledCertificates, then five lines per certificate,
 * numbered from 1. */
static void auto_staples(request_rec *r, const apr_array_header_t *reps)
{
    const sslx_stapling_report_t *rep;
    int i;

    ap_rprintf(r, "SSLXStapledCertificates: %d\n", reps->nelts);
    for (i = 0; i < reps->nelts; i++) {
        rep = &APR_ARRAY_IDX(reps, i, sslx_stapling_report_t);
        ap_rprintf(r, "SSLXStaple%dSubject: %s\nSSLXStaple%dResponder: %s\n"
                   "SSLXStaple%dStatus: %s\nSSLXStaple%dThisUpdate: %s\n"
                   "SSLXStaple%dNextUpdate: %s\n", i + 1, rep->subject,
                   i + 1, rep->responder, i + 1, rep->state, i + 1,
                   iso_time(r->pool, rep->this_update), i + 1,
                   iso_time(r->pool, rep->next_update));
    }
}

static void html_staples(request_rec *r, const apr_array_header_t *reps)
{
    const sslx_stapling_report_t *rep;
    int i;

    if (reps->nelts == 0) {
        return;
    }
    ap_rputs("<table border=\"0\"><tr><th>stapled certificate</th>"
             "<th>responder</th><th>cached response</th><th>this update"
             "</th><th>next update</th></tr>\n", r);
    for (i = 0; i < reps->nelts; i++) {
        rep = &APR_ARRAY_IDX(reps, i, sslx_stapling_report_t);
        ap_rprintf(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                   "<td>%s</td></tr>\n",
                   ap_escape_html(r->pool, rep->subject),
                   ap_escape_html(r->pool, rep->responder), rep->state,
                   iso_time(r->pool, rep->this_update),
                   iso_time(r->pool, rep->next_update));
    }
    ap_rputs("</table>\n", r);
}

static void html_rows(request_rec *r, const server_rec *s, int first,
                      int last, int skip)
{
    int i;

    for (i = first; i <= last; i++) {
        ap_rprintf(r, "<tr><td>%s</td><td>%" APR_UINT64_T_FMT
                   "</td></tr>\n", sslx_counters_name((sslx_counter_t)i)
                   + skip, sslx_counters_get(s, (sslx_counter_t)i));
    }
}

static void html_page(request_rec *r, const server_rec *s)
{
    char since[APR_CTIME_LEN];

    apr_ctime(since, sslx_counters_since(s));
    ap_rputs("<hr>\n<h2>TLS (mod_sslx)</h2>\n", r);
    ap_rprintf(r, "<p>Counted since %s, by all children.</p>\n",
               ap_escape_html(r->pool, since));
    ap_rputs("<table border=\"0\"><tr><th>handshakes</th><th></th></tr>\n",
             r);
    html_rows(r, s, SSLX_CNT_FULL, SSLX_CNT_TLS12, 10);
    ap_rprintf(r, "<tr><td>Failed</td><td>%" APR_UINT64_T_FMT
               "</td></tr>\n</table>\n", failures(s));
    ap_rputs("<table border=\"0\"><tr><th>failed handshakes</th><th></th>"
             "</tr>\n", r);
    html_rows(r, s, SSLX_CNT_FIRST_FAILURE, SSLX_CNT_LAST_FAILURE, 17);
    ap_rputs("</table>\n<table border=\"0\"><tr><th>session cache and "
             "certificates</th><th></th></tr>\n", r);
    html_rows(r, s, SSLX_CNT_CACHE_STORE, SSLX_CNT_RELOAD_REFUSED, 0);
    ap_rputs("</table>\n", r);
}

static int status_section(request_rec *r, int flags)
{
    const server_rec *s = r->server;
    apr_array_header_t *reps;

    if (sslx_counters_since(s) == 0) {
        return OK;
    }
    reps = sslx_stapling_report(r->server, r->pool);
    if (flags & AP_STATUS_SHORT) {
        auto_lines(r, s);
        auto_staples(r, reps);
    }
    else {
        html_page(r, s);
        html_staples(r, reps);
    }
    return OK;
}

void sslx_status_register_hooks(void)
{
    /* Ahead of the session cache's report (APR_HOOK_MIDDLE). */
    APR_OPTIONAL_HOOK(ap, status_hook, status_section, NULL, NULL,
                      APR_HOOK_MIDDLE - 1);
}
