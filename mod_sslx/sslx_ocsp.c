/* sslx_ocsp.c - OCSP requests and the judging of their answers.
 *
 * A request names one certificate by its issuer (SHA-1 certificate ID,
 * what responders index by) and may carry a nonce; it goes out through
 * sslx_http.c.  An answer is believed in OpenSSL's order for mod_ssl:
 * response status, nonce, signature (by the issuer itself, by a
 * responder the issuer delegated to, or by a configured responder), the
 * certificate's own entry, then its times (thisUpdate/nextUpdate with a
 * clock skew, and an optional maximum age).  The outcome and the reason
 * come back in words a log line can use.  APR and GnuTLS only.
 */
#include <string.h>
#include <apr_strings.h>
#include <gnutls/ocsp.h>

#include "sslx_ocsp.h"
#include "sslx_http.h"

/* OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED tryLater(3) } */
static const unsigned char try_later_der[] = { 0x30, 0x03, 0x0a, 0x01, 0x03 };
static const gnutls_datum_t try_later = {
    (unsigned char *)try_later_der, sizeof(try_later_der)
};

const gnutls_datum_t *sslx_ocsp_try_later(void)
{
    return &try_later;
}

const char *sslx_ocsp_aia_url(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    gnutls_datum_t uri;
    const char *url;
    unsigned seq;
    int rv;

    for (seq = 0;; seq++) {
        rv = gnutls_x509_crt_get_authority_info_access(crt, seq,
                                                       GNUTLS_IA_OCSP_URI,
                                                       &uri, NULL);
        if (rv == GNUTLS_E_UNKNOWN_ALGORITHM) {
            continue;           /* an entry of another kind (caIssuers) */
        }
        if (rv < 0) {
            return NULL;
        }
        url = apr_pstrmemdup(p, (const char *)uri.data, uri.size);
        gnutls_free(uri.data);
        return url;
    }
}

/* ---- times ----------------------------------------------------------- */

int sslx_ocsp_current(time_t this_update, time_t next_update, long skew,
                      long max_age, time_t now)
{
    if (this_update > now + skew) {
        return 0;               /* not yet valid */
    }
    if (max_age >= 0 && this_update < now - max_age) {
        return 0;               /* too old */
    }
    if (next_update != (time_t)-1
        && (next_update < now - skew || next_update < this_update)) {
        return 0;               /* expired, or nonsense */
    }
    return 1;
}

time_t sslx_ocsp_stale_at(time_t this_update, time_t next_update,
                          long skew, long max_age)
{
    time_t at = 0;

    if (next_update != (time_t)-1) {
        at = next_update + skew + 1;
    }
    if (max_age >= 0 && (at == 0 || this_update + max_age + 1 < at)) {
        at = this_update + max_age + 1;
    }
    return at;
}

static const char *time_text(apr_pool_t *p, time_t t)
{
    char *buf = apr_palloc(p, APR_RFC822_DATE_LEN);

    apr_rfc822_date(buf, apr_time_from_sec(t));
    return buf;
}

static const char *times_problem(apr_pool_t *p, const sslx_ocsp_query_t *q,
                                 time_t this_update, time_t next_update,
                                 time_t now)
{
    if (this_update > now + q->skew) {
        return apr_psprintf(p, "the response is not yet valid (thisUpdate "
                            "%s)", time_text(p, this_update));
    }
    if (q->max_age >= 0 && this_update < now - q->max_age) {
        return apr_psprintf(p, "the response is older than %ld seconds "
                            "(thisUpdate %s)", q->max_age,
                            time_text(p, this_update));
    }
    return apr_psprintf(p, "the response has expired (nextUpdate %s)",
                        time_text(p, next_update));
}

/* ---- words ------------------------------------------------------------ */

static const char *status_name(int status)
{
    switch (status) {
    case GNUTLS_OCSP_RESP_MALFORMEDREQUEST: return "malformedrequest";
    case GNUTLS_OCSP_RESP_INTERNALERROR:    return "internalerror";
    case GNUTLS_OCSP_RESP_TRYLATER:         return "trylater";
    case GNUTLS_OCSP_RESP_SIGREQUIRED:      return "sigrequired";
    case GNUTLS_OCSP_RESP_UNAUTHORIZED:     return "unauthorized";
    default:                                return "unknown status";
    }
}

/* OpenSSL's names for CRL reason codes, as mod_ssl logs them. */
static const char *reason_name(unsigned reason)
{
    static const char *const names[] = {
        "unspecified", "keyCompromise", "cACompromise",
        "affiliationChanged", "superseded", "cessationOfOperation",
        "certificateHold", "(unknown)", "removeFromCRL",
        "privilegeWithdrawn", "aACompromise"
    };

    return reason < sizeof(names) / sizeof(names[0]) ? names[reason]
                                                     : "(unknown)";
}

static const char *verify_problem(unsigned verify)
{
    if (verify & GNUTLS_OCSP_VERIFY_SIGNER_NOT_FOUND) {
        return "its signer is not among the responder's certificates";
    }
    if (verify & GNUTLS_OCSP_VERIFY_SIGNER_KEYUSAGE_ERROR) {
        return "its signer may not sign OCSP responses (key usage)";
    }
    if (verify & GNUTLS_OCSP_VERIFY_UNTRUSTED_SIGNER) {
        return "its signer is not trusted";
    }
    if (verify & GNUTLS_OCSP_VERIFY_INSECURE_ALGORITHM) {
        return "it is signed with an insecure algorithm";
    }
    if (verify & GNUTLS_OCSP_VERIFY_CERT_EXPIRED) {
        return "its signer's certificate has expired";
    }
    if (verify & GNUTLS_OCSP_VERIFY_CERT_NOT_ACTIVATED) {
        return "its signer's certificate is not yet valid";
    }
    return "its signature does not verify";
}

static void set_answer(sslx_ocsp_answer_t *ans, sslx_ocsp_status_t status,
                       const char *why)
{
    ans->status = status;
    ans->why = why;
}

/* ---- judging ---------------------------------------------------------- */

static apr_status_t free_resp(void *data)
{
    gnutls_ocsp_resp_deinit(data);
    return APR_SUCCESS;
}

static gnutls_ocsp_resp_t import_resp(apr_pool_t *p,
                                      const gnutls_datum_t *der)
{
    gnutls_ocsp_resp_t resp;

    if (gnutls_ocsp_resp_init(&resp) < 0) {
        return NULL;
    }
    apr_pool_cleanup_register(p, resp, free_resp, apr_pool_cleanup_null);
    return gnutls_ocsp_resp_import(resp, der) < 0 ? NULL : resp;
}

/* The answer must carry the nonce of the request, when there was one. */
static int nonce_matches(gnutls_ocsp_resp_t resp, const gnutls_datum_t *want)
{
    gnutls_datum_t got;
    int same;

    if (gnutls_ocsp_resp_get_nonce(resp, NULL, &got) < 0) {
        return 0;
    }
    same = got.size == want->size
           && memcmp(got.data, want->data, got.size) == 0;
    gnutls_free(got.data);
    return same;
}

/* NULL when the signature holds: the issuer's own, a responder it
 * delegated to, or one of the configured responders. */
static const char *signature_problem(const sslx_ocsp_query_t *q,
                                     gnutls_ocsp_resp_t resp,
                                     gnutls_x509_crt_t issuer)
{
    unsigned verify = 0, other = 0;

    if (q->no_verify) {
        return NULL;
    }
    if (gnutls_ocsp_resp_verify_direct(resp, issuer, &verify, 0) < 0) {
        verify = GNUTLS_OCSP_VERIFY_SIGNATURE_FAILURE;
    }
    if (verify && q->responders
        && gnutls_ocsp_resp_verify(resp, q->responders, &other, 0) >= 0
        && other == 0) {
        verify = 0;
    }
    return verify ? verify_problem(verify) : NULL;
}

/* The index of crt's single response, or -1. */
static int find_single(gnutls_ocsp_resp_t resp, gnutls_x509_crt_t crt)
{
    unsigned i;

    for (i = 0; i < 64; i++) {
        if (gnutls_ocsp_resp_get_single(resp, i, NULL, NULL, NULL, NULL,
                                        NULL, NULL, NULL, NULL, NULL) < 0) {
            return -1;
        }
        if (gnutls_ocsp_resp_check_crt(resp, i, crt) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void judge_single(apr_pool_t *p, const sslx_ocsp_query_t *q,
                         gnutls_ocsp_resp_t resp, unsigned idx, time_t now,
                         sslx_ocsp_answer_t *ans)
{
    unsigned status, reason = 0;
    time_t revoked_at;

    if (gnutls_ocsp_resp_get_single(resp, idx, NULL, NULL, NULL, NULL,
                                    &status, &ans->this_update,
                                    &ans->next_update, &revoked_at,
                                    &reason) < 0) {
        set_answer(ans, SSLX_OCSP_INVALID, "its entry for the certificate "
                   "cannot be read");
        return;
    }
    if (!sslx_ocsp_current(ans->this_update, ans->next_update, q->skew,
                           q->max_age, now)) {
        set_answer(ans, SSLX_OCSP_INVALID, times_problem(p, q,
                   ans->this_update, ans->next_update, now));
    }
    else if (status == GNUTLS_OCSP_CERT_GOOD) {
        set_answer(ans, SSLX_OCSP_GOOD, "good");
    }
    else if (status == GNUTLS_OCSP_CERT_REVOKED) {
        set_answer(ans, SSLX_OCSP_REVOKED, apr_psprintf(p, "revoked (%s) "
                   "since %s", reason_name(reason),
                   time_text(p, revoked_at)));
    }
    else {
        set_answer(ans, SSLX_OCSP_UNKNOWN, "unknown to the responder");
    }
}

static void judge(apr_pool_t *p, const sslx_ocsp_query_t *q,
                  const gnutls_datum_t *der, const gnutls_datum_t *nonce,
                  gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer,
                  time_t now, sslx_ocsp_answer_t *ans)
{
    gnutls_ocsp_resp_t resp = import_resp(p, der);
    const char *why;
    int status, idx;

    ans->der = *der;
    ans->this_update = 0;
    ans->next_update = -1;
    if (!resp) {
        set_answer(ans, SSLX_OCSP_INVALID, "the response cannot be decoded");
        return;
    }
    if ((status = gnutls_ocsp_resp_get_status(resp))
        != GNUTLS_OCSP_RESP_SUCCESSFUL) {
        set_answer(ans, SSLX_OCSP_REFUSED, apr_psprintf(p, "the responder "
                   "answered '%s'", status_name(status)));
        return;
    }
    if (nonce && !nonce_matches(resp, nonce)) {
        set_answer(ans, SSLX_OCSP_INVALID, "the response does not carry "
                   "the nonce of the request");
        return;
    }
    if ((why = signature_problem(q, resp, issuer)) != NULL) {
        set_answer(ans, SSLX_OCSP_INVALID, apr_pstrcat(p, "the response "
                   "cannot be believed: ", why, NULL));
        return;
    }
    if ((idx = find_single(resp, crt)) < 0) {
        set_answer(ans, SSLX_OCSP_INVALID, "the response is not about the "
                   "certificate");
        return;
    }
    judge_single(p, q, resp, (unsigned)idx, now, ans);
}

void sslx_ocsp_judge(apr_pool_t *p, const sslx_ocsp_query_t *q,
                     const gnutls_datum_t *der, gnutls_x509_crt_t crt,
                     gnutls_x509_crt_t issuer, time_t now,
                     sslx_ocsp_answer_t *ans)
{
    judge(p, q, der, NULL, crt, issuer, now, ans);
}

/* ---- asking ------------------------------------------------------------ */

static apr_status_t free_req(void *data)
{
    gnutls_ocsp_req_deinit(data);
    return APR_SUCCESS;
}

/* The DER of a request about crt, with its nonce in *nonce (from p)
 * when q asks for one; NULL with the reason in *perr. */
static gnutls_datum_t *make_request(apr_pool_t *p,
                                    const sslx_ocsp_query_t *q,
                                    gnutls_x509_crt_t crt,
                                    gnutls_x509_crt_t issuer,
                                    gnutls_datum_t *nonce, const char **perr)
{
    gnutls_ocsp_req_t req;
    gnutls_datum_t raw, *der = apr_pcalloc(p, sizeof(*der));
    int rv;

    if ((rv = gnutls_ocsp_req_init(&req)) < 0) {
        *perr = gnutls_strerror(rv);
        return NULL;
    }
    apr_pool_cleanup_register(p, req, free_req, apr_pool_cleanup_null);
    rv = gnutls_ocsp_req_add_cert(req, GNUTLS_DIG_SHA1, issuer, crt);
    if (rv >= 0 && q->nonce) {
        rv = gnutls_ocsp_req_randomize_nonce(req);
    }
    if (rv >= 0 && q->nonce
        && (rv = gnutls_ocsp_req_get_nonce(req, NULL, &raw)) >= 0) {
        nonce->data = apr_pmemdup(p, raw.data, raw.size);
        nonce->size = raw.size;
        gnutls_free(raw.data);
    }
    if (rv >= 0 && (rv = gnutls_ocsp_req_export(req, &raw)) >= 0) {
        der->data = apr_pmemdup(p, raw.data, raw.size);
        der->size = raw.size;
        gnutls_free(raw.data);
    }
    if (rv < 0) {
        *perr = apr_pstrcat(p, "cannot make an OCSP request: ",
                            gnutls_strerror(rv), NULL);
        return NULL;
    }
    return der;
}

void sslx_ocsp_ask(apr_pool_t *p, const sslx_ocsp_query_t *q,
                   gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer,
                   time_t now, sslx_ocsp_answer_t *ans)
{
    sslx_http_post_t post;
    gnutls_datum_t nonce = { NULL, 0 }, *req, body;
    unsigned char *data = NULL;
    apr_size_t len = 0;
    const char *err = NULL;

    memset(ans, 0, sizeof(*ans));
    ans->next_update = -1;
    if ((req = make_request(p, q, crt, issuer, &nonce, &err)) == NULL) {
        set_answer(ans, SSLX_OCSP_NO_ANSWER, err);
        return;
    }
    post.url = q->url;
    post.proxy = q->proxy;
    post.content_type = "application/ocsp-request";
    post.accept = "application/ocsp-response";
    post.timeout = q->timeout;
    err = sslx_http_post(p, &post, req->data, req->size, &data, &len);
    if (err) {
        set_answer(ans, SSLX_OCSP_NO_ANSWER, err);
        return;
    }
    body.data = data;
    body.size = (unsigned)len;
    judge(p, q, &body, q->nonce ? &nonce : NULL, crt, issuer, now, ans);
}
