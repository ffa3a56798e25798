/* sslx_counters.c - counters every child adds to and mod_status reads:
 * handshakes (full, resumed, per version), failed handshakes by reason,
 * session cache traffic, certificate reloads.
 *
 * They live in one anonymous shared memory segment made by the parent
 * at its first post_config and kept in retained data, so they count
 * from the start of httpd across graceful restarts, and every child
 * (forked after it exists) adds to the same numbers with atomic
 * increments: no lock on the handshake path.  The segment belongs to
 * the process pool; APR's own cleanup unmaps it.
 */
#include "sslx_private.h"

#include <apr_atomic.h>
#include <apr_shm.h>
#include <gnutls/gnutls.h>

#include "sslx_config.h"
#include "sslx_counters.h"

#define SSLX_COUNTERS_RETAINED "mod_sslx-counters-1"

struct sslx_counters_t {
    apr_time_t since;
    volatile apr_uint64_t n[SSLX_CNT_MAX];
};

typedef struct {
    apr_shm_t *shm;
    sslx_counters_t *counters;
} retained_t;

static const char *const names[SSLX_CNT_MAX] = {
    "HandshakesFull", "HandshakesResumed", "HandshakesTLSv1.3",
    "HandshakesTLSv1.2", "HandshakeFailuresClosed",
    "HandshakeFailuresTimeout", "HandshakeFailuresAlert",
    "HandshakeFailuresVersion", "HandshakeFailuresCipher",
    "HandshakeFailuresALPN", "HandshakeFailuresClientCertificate",
    "HandshakeFailuresPlainHTTP", "HandshakeFailuresMalformed",
    "HandshakeFailuresOther", "SessionCacheStores", "SessionCacheHits",
    "SessionCacheMisses", "SessionCacheRemoves", "CertificateReloads",
    "CertificateReloadsRefused"
};

const char *sslx_counters_name(sslx_counter_t which)
{
    return which < SSLX_CNT_MAX ? names[which] : "?";
}

static sslx_counters_t *create(server_rec *s)
{
    retained_t *rd = ap_retained_data_get(SSLX_COUNTERS_RETAINED);
    apr_status_t rv;

    if (rd == NULL) {
        rd = ap_retained_data_create(SSLX_COUNTERS_RETAINED, sizeof(*rd));
    }
    if (rd->counters) {
        return rd->counters;
    }
    rv = apr_shm_create(&rd->shm, sizeof(sslx_counters_t), NULL,
                        s->process->pool);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SSLXLOGNO(02540)
                     "cannot create the shared memory for mod_sslx's "
                     "counters");
        return NULL;
    }
    rd->counters = apr_shm_baseaddr_get(rd->shm);
    memset(rd->counters, 0, sizeof(*rd->counters));
    rd->counters->since = apr_time_now();
    return rd->counters;
}

int sslx_counters_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    sslx_counters_t *counters;

    (void)pconf;
    (void)plog;
    (void)ptemp;
    if ((counters = create(s)) == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (; s; s = s->next) {
        sslx_config_srv(s)->counters = counters;
    }
    return OK;
}

void sslx_counters_add(const server_rec *s, sslx_counter_t which)
{
    sslx_counters_t *counters = sslx_config_srv(s)->counters;

    if (counters && which < SSLX_CNT_MAX) {
        apr_atomic_inc64(&counters->n[which]);
    }
}

apr_uint64_t sslx_counters_get(const server_rec *s, sslx_counter_t which)
{
    sslx_counters_t *counters = sslx_config_srv(s)->counters;

    return counters && which < SSLX_CNT_MAX
           ? apr_atomic_read64(&counters->n[which]) : 0;
}

apr_time_t sslx_counters_since(const server_rec *s)
{
    sslx_counters_t *counters = sslx_config_srv(s)->counters;

    return counters ? counters->since : 0;
}

sslx_counter_t sslx_counters_failure(int rv)
{
    switch (rv) {
    case GNUTLS_E_FATAL_ALERT_RECEIVED:
        return SSLX_CNT_FAIL_ALERT;
    case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
        return SSLX_CNT_FAIL_VERSION;
    case GNUTLS_E_NO_CIPHER_SUITES:
    case GNUTLS_E_INSUFFICIENT_CREDENTIALS:
    case GNUTLS_E_NO_COMMON_KEY_SHARE:
    case GNUTLS_E_UNWANTED_ALGORITHM:
    case GNUTLS_E_UNKNOWN_CIPHER_SUITE:
        return SSLX_CNT_FAIL_CIPHER;
    case GNUTLS_E_NO_APPLICATION_PROTOCOL:
        return SSLX_CNT_FAIL_ALPN;
    case GNUTLS_E_CERTIFICATE_ERROR:
    case GNUTLS_E_CERTIFICATE_REQUIRED:
    case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR:
    case GNUTLS_E_NO_CERTIFICATE_FOUND:
        return SSLX_CNT_FAIL_CLIENT_CERT;
    case GNUTLS_E_UNEXPECTED_PACKET:
    case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
    case GNUTLS_E_UNEXPECTED_HANDSHAKE_PACKET:
    case GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER:
    case GNUTLS_E_RECEIVED_ILLEGAL_EXTENSION:
    case GNUTLS_E_ILLEGAL_PARAMETER:
    case GNUTLS_E_DECRYPTION_FAILED:
    case GNUTLS_E_RECORD_OVERFLOW:
    case GNUTLS_E_HANDSHAKE_TOO_LARGE:
    case GNUTLS_E_UNKNOWN_PK_ALGORITHM:
        return SSLX_CNT_FAIL_MALFORMED;
    default:
        return SSLX_CNT_FAIL_OTHER;
    }
}
