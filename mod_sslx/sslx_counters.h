/* sslx_counters.h - server-wide event counters shared by all children
 * (handshakes and their failures, the session cache, certificate
 * reloads), read by the mod_status section (sslx_status.c).
 */
#ifndef SSLX_COUNTERS_H
#define SSLX_COUNTERS_H

#include <httpd.h>

/* What is counted.  Keep sslx_counters_name() in step. */
typedef enum {
    SSLX_CNT_FULL,              /* full handshakes completed */
    SSLX_CNT_RESUMED,           /* resumed handshakes completed */
    SSLX_CNT_TLS13,             /* handshakes completed with TLS 1.3 */
    SSLX_CNT_TLS12,             /* ... with TLS 1.2 */
    SSLX_CNT_FAIL_CLOSED,       /* client closed during the handshake */
    SSLX_CNT_FAIL_TIMEOUT,      /* network failure or timeout */
    SSLX_CNT_FAIL_ALERT,        /* client sent a fatal alert */
    SSLX_CNT_FAIL_VERSION,      /* no common protocol version */
    SSLX_CNT_FAIL_CIPHER,       /* no common cipher, group, signature */
    SSLX_CNT_FAIL_ALPN,         /* no common application protocol */
    SSLX_CNT_FAIL_CLIENT_CERT,  /* client certificate missing or bad */
    SSLX_CNT_FAIL_PLAIN_HTTP,   /* plain HTTP on the TLS port */
    SSLX_CNT_FAIL_MALFORMED,    /* messages GnuTLS refused */
    SSLX_CNT_FAIL_OTHER,
    SSLX_CNT_CACHE_STORE,       /* sessions stored in SSLXSessionCache */
    SSLX_CNT_CACHE_HIT,         /* ... looked up and found */
    SSLX_CNT_CACHE_MISS,        /* ... looked up, not found */
    SSLX_CNT_CACHE_REMOVE,
    SSLX_CNT_RELOAD,            /* certificate reloads (per child) */
    SSLX_CNT_RELOAD_REFUSED,    /* replacements refused (per child) */
    SSLX_CNT_MAX
} sslx_counter_t;

#define SSLX_CNT_FIRST_FAILURE SSLX_CNT_FAIL_CLOSED
#define SSLX_CNT_LAST_FAILURE  SSLX_CNT_FAIL_OTHER

typedef struct sslx_counters_t sslx_counters_t;

/* post_config: the counters (created once, kept across graceful
 * restarts), published on every server record.  Returns OK or an HTTP
 * error status, logged. */
int sslx_counters_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s);

/* Count one event for server s (any vhost: the counters are shared). */
void sslx_counters_add(const server_rec *s, sslx_counter_t which);

/* The failure counter for a failed handshake's GnuTLS code. */
sslx_counter_t sslx_counters_failure(int gnutls_rv);

/* Current value; 0 when s has no counters. */
apr_uint64_t sslx_counters_get(const server_rec *s, sslx_counter_t which);

/* Seconds since the counters started (the first start of httpd). */
apr_time_t sslx_counters_since(const server_rec *s);

/* The name of a counter in "?auto" lines, e.g. "HandshakesFull". */
const char *sslx_counters_name(sslx_counter_t which);

#endif /* SSLX_COUNTERS_H */
