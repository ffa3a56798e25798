/* sslx_ocsp.h - OCSP (RFC 6960) with GnuTLS: asking a responder about
 * one certificate and judging its answer the way OpenSSL judges one for
 * mod_ssl.  APR, GnuTLS and sslx_http.c only; no httpd structures.
 */
#ifndef SSLX_OCSP_H
#define SSLX_OCSP_H

#include <time.h>
#include <apr_pools.h>
#include <apr_time.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* What an answer says, best first. */
typedef enum {
    SSLX_OCSP_GOOD,         /* believed, current, the certificate is good */
    SSLX_OCSP_REVOKED,      /* believed, current, it is revoked */
    SSLX_OCSP_UNKNOWN,      /* believed, current, the responder does not
                             * know the certificate */
    SSLX_OCSP_REFUSED,      /* an error status: tryLater, unauthorized.. */
    SSLX_OCSP_INVALID,      /* an answer that cannot be believed: not
                             * decodable, not about the certificate, bad
                             * nonce or signature, outside its validity */
    SSLX_OCSP_NO_ANSWER     /* no answer at all */
} sslx_ocsp_status_t;

typedef struct {
    sslx_ocsp_status_t status;
    const char *why;        /* words for a log line, never NULL */
    gnutls_datum_t der;     /* the response as received; empty when
                             * there is none */
    time_t this_update;     /* of the certificate's single response, 0
                             * when there is none */
    time_t next_update;     /* -1: the response names none */
} sslx_ocsp_answer_t;

/* How to ask and what to believe. */
typedef struct {
    const char *url;                /* the responder, http:// */
    const char *proxy;              /* NULL: direct */
    apr_interval_time_t timeout;
    int nonce;                      /* send a nonce, require it back */
    int no_verify;                  /* believe any signature */
    gnutls_x509_trust_list_t responders; /* trusted responder
                                          * certificates, or NULL */
    long skew;                      /* seconds of clock difference */
    long max_age;                   /* seconds since thisUpdate, -1: any */
} sslx_ocsp_query_t;

/* Defaults of mod_ssl's OCSP and stapling directives. */
#define SSLX_OCSP_DEFAULT_TIMEOUT 10    /* seconds */
#define SSLX_OCSP_DEFAULT_SKEW    300   /* seconds */

/* The OCSP responder URL of crt's Authority Information Access, or NULL
 * when it names none. */
const char *sslx_ocsp_aia_url(apr_pool_t *p, gnutls_x509_crt_t crt);

/* Ask q->url about crt, issued by issuer, and judge the answer at now.
 * Everything in *ans comes from p. */
void sslx_ocsp_ask(apr_pool_t *p, const sslx_ocsp_query_t *q,
                   gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer,
                   time_t now, sslx_ocsp_answer_t *ans);

/* Judge der, an answer about crt, at now: as sslx_ocsp_ask() does, but
 * without a nonce (a response from a cache or a file). */
void sslx_ocsp_judge(apr_pool_t *p, const sslx_ocsp_query_t *q,
                     const gnutls_datum_t *der, gnutls_x509_crt_t crt,
                     gnutls_x509_crt_t issuer, time_t now,
                     sslx_ocsp_answer_t *ans);

/* 1 when a response of this_update and next_update (-1: none) is
 * current at now, as OpenSSL's OCSP_check_validity() decides. */
int sslx_ocsp_current(time_t this_update, time_t next_update, long skew,
                      long max_age, time_t now);

/* The first second at which such a response is no longer current; 0
 * when it never stops being current. */
time_t sslx_ocsp_stale_at(time_t this_update, time_t next_update,
                          long skew, long max_age);

/* The five bytes of an OCSPResponse with the status tryLater. */
const gnutls_datum_t *sslx_ocsp_try_later(void);

#endif /* SSLX_OCSP_H */
