/* sslx_crl.h - certificate revocation lists of one vhost, checked the
 * way OpenSSL checks them for mod_ssl: a CRL counts only while it is
 * current and signed by the certificate's own issuer. */
#ifndef SSLX_CRL_H
#define SSLX_CRL_H

#include <time.h>
#include <apr_pools.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

typedef struct sslx_crl_set_t sslx_crl_set_t;

/* SSLXCARevocationCheck (and its proxy twin): a mode, plus a flag. */
#define SSLX_CRL_NONE               0
#define SSLX_CRL_LEAF               1
#define SSLX_CRL_CHAIN              2
#define SSLX_CRL_MODE_MASK          3
#define SSLX_CRL_NO_CRL_FOR_CERT_OK 4

/* What the CRLs say of one certificate, worst first where several
 * apply. */
typedef enum {
    SSLX_REV_GOOD,              /* a current, genuine CRL does not list it */
    SSLX_REV_REVOKED,           /* a current, genuine CRL lists it */
    SSLX_REV_NO_CRL,            /* no CRL from its issuer */
    SSLX_REV_CRL_EXPIRED,       /* the issuer's CRL is past nextUpdate */
    SSLX_REV_CRL_NOT_YET_VALID, /* its thisUpdate is in the future */
    SSLX_REV_CRL_BAD_SIGNATURE  /* not signed by the issuer's key */
} sslx_revocation_t;

/* Parse the CRLs of file and of every file in dir (either may be NULL)
 * into *pset, freed with p.  Returns NULL, or a message naming the file
 * and the reason. */
const char *sslx_crl_load(apr_pool_t *p, apr_pool_t *ptemp,
                          const char *file, const char *dir,
                          sslx_crl_set_t **pset);

/* The revocation status of crt, whose issuer certificate is issuer, at
 * time now. */
sslx_revocation_t sslx_crl_check(const sslx_crl_set_t *set,
                                 gnutls_x509_crt_t crt,
                                 gnutls_x509_crt_t issuer, time_t now);

#endif /* SSLX_CRL_H */
