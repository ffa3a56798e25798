/* sslx_cert.c - reading certificate chains and private keys from files
 * (or pkcs11: URLs) into GnuTLS credentials.
 *
 * Files are parsed here rather than handed to GnuTLS whole so that each
 * failure can be pinned on the right directive: a broken chain on
 * SSLXCertificateFile, a broken or mismatching key on
 * SSLXCertificateKeyFile.  Encrypted keys are decrypted through
 * sslx_pphrase.c; URLs go to sslx_pkcs11.c.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>

#include "sslx_cert.h"
#include "sslx_pkcs11.h"
#include "sslx_pphrase.h"
#include "sslx_x509.h"

static const char *origin_text(apr_pool_t *p, const sslx_origin_t *o,
                               const char *file)
{
    return apr_psprintf(p, "%s '%s' (%s:%d)", o->directive, file,
                        o->file ? o->file : "?", o->line);
}

static const char *fail(apr_pool_t *p, const sslx_origin_t *o,
                        const char *file, const char *why, int rv)
{
    return apr_psprintf(p, "%s: %s: %s (%s)", origin_text(p, o, file), why,
                        gnutls_strerror(rv), gnutls_strerror_name(rv));
}

/* Copies a GnuTLS-loaded file into the pool so no malloc'd buffer lives on. */
static int load_file(apr_pool_t *p, const char *path, gnutls_datum_t *out)
{
    gnutls_datum_t raw;
    int rv;

    rv = gnutls_load_file(path, &raw);
    if (rv < 0) {
        return rv;
    }
    out->data = apr_pmemdup(p, raw.data, raw.size);
    out->size = raw.size;
    gnutls_memset(raw.data, 0, raw.size);
    gnutls_free(raw.data);
    return 0;
}

static apr_status_t free_crt_list(void *data)
{
    gnutls_x509_crt_t *list = data;
    unsigned i;

    for (i = 0; list[i] != NULL; i++) {
        gnutls_x509_crt_deinit(list[i]);
    }
    return APR_SUCCESS;
}

static apr_status_t free_privkey(void *data)
{
    gnutls_x509_privkey_deinit(data);
    return APR_SUCCESS;
}

/* Parses the chain; the list is NULL-terminated and freed with p. */
static int parse_chain(apr_pool_t *p, const gnutls_datum_t *pem,
                       gnutls_x509_crt_t **plist, unsigned *pcount)
{
    gnutls_x509_crt_t *raw;
    unsigned n, i;
    int rv;

    rv = gnutls_x509_crt_list_import2(&raw, &n, pem, GNUTLS_X509_FMT_PEM,
                                      GNUTLS_X509_CRT_LIST_SORT);
    if (rv < 0) {
        return rv;
    }
    /* An array of handles, which are pointers:
     * NOLINTNEXTLINE(bugprone-sizeof-expression) */
    *plist = apr_pcalloc(p, (n + 1) * sizeof(**plist));
    for (i = 0; i < n; i++) {
        (*plist)[i] = raw[i];
    }
    gnutls_free(raw);
    apr_pool_cleanup_register(p, *plist, free_crt_list,
                              apr_pool_cleanup_null);
    *pcount = n;
    return n > 0 ? 0 : GNUTLS_E_NO_CERTIFICATE_FOUND;
}

/* An unencrypted key is read here; an encrypted one (GnuTLS says it
 * cannot decrypt it without a password) goes to the pass phrase dialog. */
static int parse_key(const sslx_cert_load_t *ld, const sslx_origin_t *ko,
                     const char *kfile, const gnutls_datum_t *pem,
                     gnutls_x509_crt_t leaf, gnutls_x509_privkey_t *pkey,
                     const char **perr)
{
    apr_pool_t *p = ld->scratch;
    sslx_secret_req_t req;
    int rv;

    if ((rv = gnutls_x509_privkey_init(pkey)) < 0) {
        *perr = fail(p, ko, kfile, "no memory for the key", rv);
        return SSLX_CERT_FAILED;
    }
    apr_pool_cleanup_register(p, *pkey, free_privkey, apr_pool_cleanup_null);
    rv = gnutls_x509_privkey_import2(*pkey, pem, GNUTLS_X509_FMT_PEM,
                                     NULL, 0);
    if (rv == 0) {
        return SSLX_CERT_ADDED;
    }
    if (rv != GNUTLS_E_DECRYPTION_FAILED || !ld->pphrase) {
        *perr = fail(p, ko, kfile, "no usable PEM private key", rv);
        return SSLX_CERT_FAILED;
    }
    req.server = ld->server;
    req.noun = "pass phrase";
    req.what = apr_psprintf(p, "the private key '%s'", kfile);
    req.algorithm = sslx_pphrase_algorithm(
                        gnutls_x509_crt_get_pk_algorithm(leaf, NULL));
    rv = sslx_pphrase_unlock(ld->pphrase, &req, p, kfile, pem, pkey, perr);
    if (rv != OK) {
        *perr = apr_psprintf(p, "%s: %s", origin_text(p, ko, kfile), *perr);
        return rv == SSLX_PPHRASE_SKIPPED ? SSLX_CERT_SKIPPED
                                          : SSLX_CERT_FAILED;
    }
    return SSLX_CERT_ADDED;
}

/* The key algorithm of a certificate file, for the dialog; the file is
 * read again by GnuTLS itself. */
static const char *file_algorithm(apr_pool_t *p, const char *path)
{
    gnutls_datum_t pem;
    gnutls_x509_crt_t *chain;
    unsigned count;

    if (load_file(p, path, &pem) < 0
        || parse_chain(p, &pem, &chain, &count) < 0) {
        return sslx_pphrase_algorithm(GNUTLS_PK_UNKNOWN);
    }
    return sslx_pphrase_algorithm(
               gnutls_x509_crt_get_pk_algorithm(chain[0], NULL));
}

static int add_by_url(const sslx_cert_load_t *ld,
                      gnutls_certificate_credentials_t creds,
                      const sslx_cert_pair_t *pair, const char **perr)
{
    const char *key = pair->key_file ? pair->key_file : pair->cert_file;
    sslx_secret_req_t req;
    int rv;

    req.server = ld->server;
    req.noun = "PIN";
    req.what = apr_psprintf(ld->scratch, "the private key '%s'", key);
    req.algorithm = sslx_pkcs11_is_url(pair->cert_file)
                    ? "UNKNOWN" : file_algorithm(ld->scratch,
                                                 pair->cert_file);
    rv = sslx_pkcs11_add(ld->owner, creds, pair->cert_file, key,
                         ld->pphrase, &req, perr);
    if (rv == 0) {
        return SSLX_CERT_ADDED;
    }
    *perr = apr_psprintf(ld->scratch, "%s: %s", origin_text(ld->scratch,
                         &pair->cert_origin, pair->cert_file), *perr);
    return rv == SSLX_PPHRASE_SKIPPED ? SSLX_CERT_SKIPPED : SSLX_CERT_FAILED;
}

/* A file key with a certificate from a file or URL. */
static int load_file_key(const sslx_cert_load_t *ld,
                         const sslx_cert_pair_t *pair,
                         gnutls_x509_crt_t leaf, gnutls_x509_privkey_t *pkey,
                         const char **perr)
{
    const sslx_origin_t *ko = pair->key_file ? &pair->key_origin
                                             : &pair->cert_origin;
    const char *kfile = pair->key_file ? pair->key_file : pair->cert_file;
    gnutls_datum_t key_pem;
    int rv;

    if ((rv = load_file(ld->scratch, kfile, &key_pem)) < 0) {
        *perr = fail(ld->scratch, ko, kfile, "cannot read", rv);
        return SSLX_CERT_FAILED;
    }
    rv = parse_key(ld, ko, kfile, &key_pem, leaf, pkey, perr);
    memset(key_pem.data, 0, key_pem.size);
    return rv;
}

/* mod_ssl's SSLCertificateChainFile (before httpd 2.4.8): the CA
 * certificates follow each leaf, as if they were in its file. */
static int append_chain_file(apr_pool_t *p, const char *path,
                             gnutls_datum_t *pem)
{
    gnutls_datum_t more;
    unsigned char *both;
    int rv;

    if ((rv = load_file(p, path, &more)) < 0) {
        return rv;
    }
    both = apr_palloc(p, pem->size + 1 + more.size);
    memcpy(both, pem->data, pem->size);
    both[pem->size] = '\n';
    memcpy(both + pem->size + 1, more.data, more.size);
    pem->data = both;
    pem->size += 1 + more.size;
    return 0;
}

int sslx_cert_add_pair(const sslx_cert_load_t *ld,
                       gnutls_certificate_credentials_t creds,
                       const sslx_cert_pair_t *pair, const char **perr)
{
    apr_pool_t *p = ld->scratch;
    const sslx_origin_t *ko = pair->key_file ? &pair->key_origin
                                             : &pair->cert_origin;
    const char *kfile = pair->key_file ? pair->key_file : pair->cert_file;
    gnutls_datum_t cert_pem;
    gnutls_x509_crt_t *chain;
    gnutls_x509_privkey_t key;
    unsigned count;
    int rv;

    if (sslx_pkcs11_is_url(pair->cert_file) || sslx_pkcs11_is_url(kfile)) {
        return add_by_url(ld, creds, pair, perr);
    }
    if ((rv = load_file(p, pair->cert_file, &cert_pem)) < 0) {
        *perr = fail(p, &pair->cert_origin, pair->cert_file, "cannot read",
                     rv);
        return SSLX_CERT_FAILED;
    }
    if (ld->chain_file && (rv = append_chain_file(p, ld->chain_file,
                                                  &cert_pem)) < 0) {
        *perr = apr_psprintf(p, "SSLXCertificateChainFile '%s': cannot "
                             "read it: %s", ld->chain_file,
                             gnutls_strerror(rv));
        return SSLX_CERT_FAILED;
    }
    if ((rv = parse_chain(p, &cert_pem, &chain, &count)) < 0) {
        *perr = fail(p, &pair->cert_origin, pair->cert_file,
                     "no valid PEM certificate chain (leaf first)", rv);
        return SSLX_CERT_FAILED;
    }
    if ((rv = load_file_key(ld, pair, chain[0], &key, perr))
        != SSLX_CERT_ADDED) {
        return rv;
    }
    rv = gnutls_certificate_set_x509_key(creds, chain, count, key);
    if (rv == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
        *perr = fail(p, ko, kfile, apr_psprintf(p, "key does not match the "
                     "certificate in '%s'", pair->cert_file), rv);
        return SSLX_CERT_FAILED;
    }
    if (rv < 0) {
        *perr = fail(p, ko, kfile, "GnuTLS refused the certificate and key",
                     rv);
        return SSLX_CERT_FAILED;
    }
    return SSLX_CERT_ADDED;
}

const char *sslx_cert_validity_warning(apr_pool_t *p,
                                       gnutls_certificate_credentials_t creds,
                                       unsigned idx,
                                       const sslx_cert_pair_t *pair,
                                       apr_time_t now)
{
    gnutls_datum_t der;
    gnutls_x509_crt_t crt;
    time_t start, end, secs = apr_time_sec(now);

    if (gnutls_certificate_get_crt_raw(creds, idx, 0, &der) < 0) {
        return NULL;
    }
    if ((crt = sslx_x509_import(p, &der)) == NULL) {
        return NULL;
    }
    start = gnutls_x509_crt_get_activation_time(crt);
    end = gnutls_x509_crt_get_expiration_time(crt);
    if (end != (time_t)-1 && end < secs) {
        return apr_psprintf(p, "%s: certificate expired on %s",
                            origin_text(p, &pair->cert_origin,
                                        pair->cert_file),
                            sslx_x509_not_after(p, crt));
    }
    if (start != (time_t)-1 && start > secs) {
        return apr_psprintf(p, "%s: certificate is not valid before %s",
                            origin_text(p, &pair->cert_origin,
                                        pair->cert_file),
                            sslx_x509_not_before(p, crt));
    }
    return NULL;
}

static apr_status_t free_trust(void *data)
{
    gnutls_x509_trust_list_deinit(data, 1);
    return APR_SUCCESS;
}

static const char *add_trust(apr_pool_t *p, gnutls_x509_trust_list_t tl,
                             const sslx_trust_spec_t *spec)
{
    int rv;

    if (spec->ca_file) {
        rv = gnutls_x509_trust_list_add_trust_file(tl, spec->ca_file, NULL,
                                                   GNUTLS_X509_FMT_PEM, 0, 0);
        if (rv <= 0) {
            return apr_psprintf(p, "no CA certificate loaded from '%s': %s",
                                spec->ca_file,
                                rv ? gnutls_strerror(rv) : "empty");
        }
    }
    if (spec->ca_path) {
        rv = gnutls_x509_trust_list_add_trust_dir(tl, spec->ca_path, NULL,
                                                  GNUTLS_X509_FMT_PEM, 0, 0);
        if (rv < 0) {
            return apr_psprintf(p, "cannot load CAs from '%s': %s",
                                spec->ca_path, gnutls_strerror(rv));
        }
    }
    return NULL;
}

const char *sslx_cert_load_trust(apr_pool_t *p,
                                 const sslx_trust_spec_t *spec,
                                 gnutls_x509_trust_list_t *ptrust)
{
    int rv;

    if ((rv = gnutls_x509_trust_list_init(ptrust, 0)) < 0) {
        return apr_psprintf(p, "creating a trust list: %s",
                            gnutls_strerror(rv));
    }
    apr_pool_cleanup_register(p, *ptrust, free_trust, apr_pool_cleanup_null);
    return add_trust(p, *ptrust, spec);
}

static apr_status_t free_creds(void *data)
{
    gnutls_certificate_free_credentials(data);
    return APR_SUCCESS;
}

int sslx_cert_make_creds(apr_pool_t *owner,
                         gnutls_certificate_credentials_t *pcreds)
{
    int rv = gnutls_certificate_allocate_credentials(pcreds);

    if (rv >= 0) {
        apr_pool_cleanup_register(owner, *pcreds, free_creds,
                                  apr_pool_cleanup_null);
    }
    return rv;
}
