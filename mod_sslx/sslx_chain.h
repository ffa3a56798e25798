/* sslx_chain.h - judging a peer's certificate chain the way OpenSSL
 * judges it for mod_ssl: the chain it builds, the order in which it
 * finds problems, its words for them and the alert each one gets.
 * Used for client certificates (sslx_verify.c) and for the certificates
 * of backend servers (sslx_proxy_verify.c). */
#ifndef SSLX_CHAIN_H
#define SSLX_CHAIN_H

#include <apr_time.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sslx_crl.h"

/* Longer chains than this are not followed (nor accepted). */
#define SSLX_CHAIN_MAX 16

typedef struct {
    gnutls_x509_trust_list_t trust;  /* NULL: no CA is trusted */
    const sslx_crl_set_t *crls;      /* NULL: no CRLs */
    unsigned crl_certs;              /* how many certificates, from the
                                      * peer's own up, need a CRL: 0,
                                      * 1 (leaf) or SSLX_CHAIN_MAX */
    int no_crl_ok;                   /* a missing CRL is no failure */
    int depth;                       /* CAs allowed above the peer's */
    const char *purpose;             /* GNUTLS_KP_TLS_WWW_CLIENT/SERVER */
    int unknown_ca_ok;               /* optional_no_ca */
} sslx_chain_policy_t;

typedef struct {
    const char *reason;              /* NULL: acceptable */
    int alert;                       /* the alert for reason */
    int generous;                    /* accepted only by unknown_ca_ok */
} sslx_chain_verdict_t;

/* A refusal for reason (OpenSSL's wording), answered with alert. */
sslx_chain_verdict_t sslx_chain_verdict(const char *reason, int alert);

/* crl_certs and no_crl_ok from an SSLX_CRL_* value (SSLX_UNSET: none). */
void sslx_chain_crl_policy(sslx_chain_policy_t *policy, int crl_check);

/* The verdict on the n certificates the peer sent, sent[0] its own. */
sslx_chain_verdict_t sslx_chain_judge(const sslx_chain_policy_t *policy,
                                      gnutls_x509_crt_t *sent, unsigned n,
                                      apr_time_t now);

/* The chain OpenSSL verifies: sent[0], then each issuer, from the
 * trusted CAs first and else from what the peer sent, up to a
 * self-signed root or the last issuer known.  Fills chain (room for
 * SSLX_CHAIN_MAX) and returns its length. */
unsigned sslx_chain_build(gnutls_x509_trust_list_t trust,
                          gnutls_x509_crt_t *sent, unsigned nsent,
                          gnutls_x509_crt_t *chain);

/* The verdict for a certificate that fails to parse. */
sslx_chain_verdict_t sslx_chain_undecodable(void);

/* sent[0..n) parsed from DER into p, or NULL if one does not parse. */
gnutls_x509_crt_t *sslx_chain_import(apr_pool_t *p,
                                     const gnutls_datum_t *der, unsigned n);

#endif /* SSLX_CHAIN_H */
