/* sslx_cert.h - loading certificate chains and private keys into GnuTLS
 * credentials, with errors that name the directive, file and reason.
 */
#ifndef SSLX_CERT_H
#define SSLX_CERT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* Where a directive was written: for error messages after parsing. */
typedef struct {
    const char *directive;          /* NULL: not given */
    const char *file;
    int line;
} sslx_origin_t;

/* One certificate file with the key file configured next to it. */
typedef struct {
    const char *cert_file;
    const char *key_file;           /* NULL: the key is in cert_file */
    sslx_origin_t cert_origin;
    sslx_origin_t key_origin;
} sslx_cert_pair_t;

struct server_rec;
struct sslx_pphrase_t;

/* What loading a pair needs besides the pair itself. */
typedef struct {
    apr_pool_t *owner;              /* lives as long as the credentials */
    apr_pool_t *scratch;            /* for this load only */
    struct server_rec *server;      /* the vhost, named in dialogs */
    struct sslx_pphrase_t *pphrase; /* secrets of protected keys */
    const char *chain_file;         /* SSLXCertificateChainFile, or NULL:
                                     * CA certificates after each leaf */
} sslx_cert_load_t;

/* sslx_cert_add_pair() results. */
#define SSLX_CERT_ADDED     0
#define SSLX_CERT_SKIPPED   1   /* configuration test: key not unlocked */
#define SSLX_CERT_FAILED    (-1)

/* Add the chain and key of pair to creds; an encrypted key or a token
 * login gets its secret through ld->pphrase.  On failure *perr (from
 * ld->scratch) names the directive, its place, the file and why; when
 * skipped, it says why. */
int sslx_cert_add_pair(const sslx_cert_load_t *ld,
                       gnutls_certificate_credentials_t creds,
                       const sslx_cert_pair_t *pair, const char **perr);

/* A warning text (from p) when the leaf certificate at index idx of creds
 * is expired or not yet valid at now; NULL when it is valid. */
const char *sslx_cert_validity_warning(apr_pool_t *p,
                                       gnutls_certificate_credentials_t creds,
                                       unsigned idx,
                                       const sslx_cert_pair_t *pair,
                                       apr_time_t now);

/* Client-certificate trust of a vhost, loaded from its directives. */
typedef struct {
    const char *ca_file;
    const char *ca_path;
} sslx_trust_spec_t;

/* Load the CAs into a new trust list (deinitialised with p).  CRLs are
 * not part of it: sslx_crl.c checks them.  Returns NULL, or a message
 * naming the file and the reason. */
const char *sslx_cert_load_trust(apr_pool_t *p,
                                 const sslx_trust_spec_t *spec,
                                 gnutls_x509_trust_list_t *ptrust);

/* Empty credentials, freed with owner.  0 or a GnuTLS error. */
int sslx_cert_make_creds(apr_pool_t *owner,
                         gnutls_certificate_credentials_t *pcreds);

#endif /* SSLX_CERT_H */
