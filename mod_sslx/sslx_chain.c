/* sslx_chain.c - a peer's certificate chain judged as OpenSSL judges it
 * for mod_ssl.
 *
 * GnuTLS's trust list checks signatures, times and the key purpose; this
 * file builds the chain OpenSSL would build (trusted CAs first, then what
 * the peer sent), counts depth and checks CRLs on that chain, and puts
 * the problems in OpenSSL's order with OpenSSL's words and alerts, so a
 * log line or SSL_CLIENT_VERIFY reads as it does under mod_ssl.
 */
#include "sslx_private.h"

#include <string.h>

#include "sslx_chain.h"
#include "sslx_x509.h"

typedef sslx_chain_verdict_t verdict_t;

static const verdict_t VERDICT_OK = { NULL, 0, 0 };

static verdict_t verdict(const char *reason, int alert)
{
    verdict_t v;

    v.reason = reason;
    v.alert = alert;
    v.generous = 0;
    return v;
}

sslx_chain_verdict_t sslx_chain_verdict(const char *reason, int alert)
{
    return verdict(reason, alert);
}

sslx_chain_verdict_t sslx_chain_undecodable(void)
{
    return verdict("unable to decode issuer public key",
                   GNUTLS_A_BAD_CERTIFICATE);
}

gnutls_x509_crt_t *sslx_chain_import(apr_pool_t *p,
                                     const gnutls_datum_t *der, unsigned n)
{
    /* An array of handles, which are pointers:
     * NOLINTNEXTLINE(bugprone-sizeof-expression) */
    gnutls_x509_crt_t *chain = apr_pcalloc(p, n * sizeof(*chain));
    unsigned i;

    for (i = 0; i < n; i++) {
        if ((chain[i] = sslx_x509_import(p, &der[i])) == NULL) {
            return NULL;
        }
    }
    return chain;
}

/* An issuer-less failure: optional_no_ca forgives these. */
static int is_unknown_issuer(unsigned status)
{
    return (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
           || (status & GNUTLS_CERT_SIGNER_NOT_CA);
}

static verdict_t unknown_issuer(unsigned nsent, gnutls_x509_crt_t leaf)
{
    if (nsent == 1 && gnutls_x509_crt_check_issuer(leaf, leaf)) {
        return verdict("self-signed certificate", GNUTLS_A_UNKNOWN_CA);
    }
    return verdict(nsent == 1 ? "unable to get local issuer certificate"
                   : "unable to get issuer certificate",
                   GNUTLS_A_UNKNOWN_CA);
}

/* OpenSSL finds problems in this order: building the chain, the
 * purpose, revocation (check_revocation() below), then signatures and
 * validity times.  These are the first two. */
static verdict_t chain_problem(unsigned status, unsigned nsent,
                               gnutls_x509_crt_t leaf)
{
    if (is_unknown_issuer(status)) {
        return unknown_issuer(nsent, leaf);
    }
    if (status & GNUTLS_CERT_PURPOSE_MISMATCH) {
        return verdict("unsupported certificate purpose",
                       GNUTLS_A_UNSUPPORTED_CERTIFICATE);
    }
    return VERDICT_OK;
}

/* ... and these the last, the first that applies in this order. */
static const struct {
    const char *reason;
    unsigned status;
    int alert;
} validity_problems[] = {
    { "certificate revoked", GNUTLS_CERT_REVOKED,
      GNUTLS_A_CERTIFICATE_REVOKED },
    { "certificate signature failure", GNUTLS_CERT_SIGNATURE_FAILURE,
      GNUTLS_A_DECRYPT_ERROR },
    { "certificate is not yet valid", GNUTLS_CERT_NOT_ACTIVATED,
      GNUTLS_A_BAD_CERTIFICATE },
    { "certificate has expired", GNUTLS_CERT_EXPIRED,
      GNUTLS_A_CERTIFICATE_EXPIRED },
    { "CA signature digest algorithm too weak",
      GNUTLS_CERT_INSECURE_ALGORITHM, GNUTLS_A_BAD_CERTIFICATE }
};

static verdict_t validity_problem(unsigned status)
{
    size_t i;

    for (i = 0; i < sizeof(validity_problems) / sizeof(validity_problems[0]);
         i++) {
        if (status & validity_problems[i].status) {
            return verdict(validity_problems[i].reason,
                           validity_problems[i].alert);
        }
    }
    return status ? verdict("certificate verification failed",
                            GNUTLS_A_BAD_CERTIFICATE)
                  : VERDICT_OK;
}

/* A certificate with an extended key usage must allow the purpose. */
static int allows_purpose(gnutls_x509_crt_t crt, const char *purpose)
{
    char oid[128];
    size_t size;
    unsigned i;
    int rv;

    for (i = 0;; i++) {
        size = sizeof(oid);
        rv = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size, NULL);
        if (rv == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
            return 1;
        }
        if (rv < 0) {
            return 0;
        }
        if (!strcmp(oid, purpose) || !strcmp(oid, GNUTLS_KP_ANY)) {
            return 1;
        }
    }
}

/* optional_no_ca: the issuer may be unknown, the certificate itself
 * must still be fit for use now. */
static verdict_t check_leaf_alone(gnutls_x509_crt_t leaf,
                                  const char *purpose, apr_time_t now)
{
    time_t secs = apr_time_sec(now);

    if (!allows_purpose(leaf, purpose)) {
        return verdict("unsupported certificate purpose",
                       GNUTLS_A_UNSUPPORTED_CERTIFICATE);
    }
    if (gnutls_x509_crt_get_activation_time(leaf) > secs) {
        return verdict("certificate is not yet valid",
                       GNUTLS_A_BAD_CERTIFICATE);
    }
    if (sslx_x509_is_expired(leaf, now)) {
        return verdict("certificate has expired",
                       GNUTLS_A_CERTIFICATE_EXPIRED);
    }
    return VERDICT_OK;
}

/* The chain as OpenSSL builds it: the peer's certificate, then each
 * issuer, taken from the trusted CAs first and else from what the peer
 * sent, up to a self-signed root or the last issuer known.  Depth and
 * revocation are judged on this chain, not on what the peer chose to
 * send. */
unsigned sslx_chain_build(gnutls_x509_trust_list_t trust,
                          gnutls_x509_crt_t *sent, unsigned nsent,
                          gnutls_x509_crt_t *chain)
{
    gnutls_x509_crt_t cur = sent[0], next;
    unsigned n = 0, j;

    chain[n++] = cur;
    while (n < SSLX_CHAIN_MAX && !gnutls_x509_crt_check_issuer(cur, cur)) {
        next = NULL;
        if (gnutls_x509_trust_list_get_issuer(trust, cur, &next, 0) < 0) {
            next = NULL;
            for (j = 1; j < nsent && !next; j++) {
                if (sent[j] != cur
                    && gnutls_x509_crt_check_issuer(cur, sent[j])) {
                    next = sent[j];
                }
            }
        }
        if (!next) {
            break;
        }
        chain[n++] = cur = next;
    }
    return n;
}

/* One certificate's CRL verdict, in OpenSSL's words and alerts. */
static verdict_t revocation_verdict(sslx_revocation_t rev, int no_crl_ok)
{
    switch (rev) {
    case SSLX_REV_GOOD:
        return VERDICT_OK;
    case SSLX_REV_REVOKED:
        return verdict("certificate revoked", GNUTLS_A_CERTIFICATE_REVOKED);
    case SSLX_REV_NO_CRL:
        return no_crl_ok ? VERDICT_OK
               : verdict("unable to get certificate CRL",
                         GNUTLS_A_UNKNOWN_CA);
    case SSLX_REV_CRL_EXPIRED:
        return verdict("CRL has expired", GNUTLS_A_CERTIFICATE_EXPIRED);
    case SSLX_REV_CRL_NOT_YET_VALID:
        return verdict("CRL is not yet valid", GNUTLS_A_BAD_CERTIFICATE);
    default:
        return verdict("CRL signature failure", GNUTLS_A_DECRYPT_ERROR);
    }
}

/* Every certificate the policy covers needs a current CRL signed by its
 * issuer that does not list it; the trust anchor at the top needs none. */
static verdict_t check_revocation(const sslx_chain_policy_t *pol,
                                  gnutls_x509_crt_t *chain, unsigned n,
                                  apr_time_t now)
{
    unsigned i;
    verdict_t v = VERDICT_OK;

    if (!pol->crls) {
        return VERDICT_OK;
    }
    for (i = 0; i < pol->crl_certs && i + 1 < n && !v.reason; i++) {
        v = revocation_verdict(sslx_crl_check(pol->crls, chain[i],
                                              chain[i + 1],
                                              apr_time_sec(now)),
                               pol->no_crl_ok);
    }
    return v;
}

void sslx_chain_crl_policy(sslx_chain_policy_t *pol, int crl_check)
{
    int crl = crl_check < 0 ? SSLX_CRL_NONE : crl_check;

    switch (crl & SSLX_CRL_MODE_MASK) {
    case SSLX_CRL_LEAF:  pol->crl_certs = 1; break;
    case SSLX_CRL_CHAIN: pol->crl_certs = SSLX_CHAIN_MAX; break;
    default:             pol->crl_certs = 0; break;
    }
    pol->no_crl_ok = (crl & SSLX_CRL_NO_CRL_FOR_CERT_OK) != 0;
}

/* mod_ssl's Verify Depth counts the CAs above the peer's certificate in
 * the verified chain: 1 allows a certificate issued directly by a
 * trusted root. */
static verdict_t check_depth(unsigned nchain, int depth)
{
    if ((int)nchain - 1 > depth) {
        return verdict("certificate chain too long",
                       GNUTLS_A_BAD_CERTIFICATE);
    }
    return VERDICT_OK;
}

static unsigned trust_status(const sslx_chain_policy_t *pol,
                             gnutls_x509_crt_t *sent, unsigned n)
{
    gnutls_typed_vdata_st purpose;
    unsigned status = GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;

    purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
    purpose.data = (void *)pol->purpose;
    purpose.size = 0;
    if (pol->trust
        && gnutls_x509_trust_list_verify_crt2(pol->trust, sent, n, &purpose,
                                              1, 0, &status, NULL) < 0) {
        status = GNUTLS_CERT_INVALID;
    }
    return status;
}

sslx_chain_verdict_t sslx_chain_judge(const sslx_chain_policy_t *pol,
                                      gnutls_x509_crt_t *sent, unsigned n,
                                      apr_time_t now)
{
    gnutls_x509_crt_t chain[SSLX_CHAIN_MAX];
    unsigned status = trust_status(pol, sent, n), nchain;
    verdict_t v = chain_problem(status, n, sent[0]);

    if (v.reason && is_unknown_issuer(status) && pol->unknown_ca_ok) {
        v = check_leaf_alone(sent[0], pol->purpose, now);
        v.generous = (v.reason == NULL);
        return v;
    }
    if (v.reason) {
        return v;
    }
    nchain = sslx_chain_build(pol->trust, sent, n, chain);
    v = check_revocation(pol, chain, nchain, now);
    if (!v.reason) {
        v = validity_problem(status);
    }
    if (!v.reason) {
        v = check_depth(nchain, pol->depth);
    }
    return v;
}
