/* sslx_proxy_machine.c - the client certificates mod_sslx shows to
 * backends that ask for one: SSLXProxyMachineCertificateFile/Path in
 * mod_ssl's format (each file holds certificates and their unencrypted
 * private keys, PEM, in any order) completed by the CA certificates of
 * SSLXProxyMachineCertificateChainFile.
 *
 * Each key is paired with the certificate holding its public key; GnuTLS
 * then picks, per handshake, the pair whose issuer the backend names.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_file_io.h>

#include "sslx_log.h"
#include "sslx_proxy_machine.h"

#define SSLX_MACHINE_CHAIN_MAX 8

typedef struct {
    apr_array_header_t *crts;   /* gnutls_x509_crt_t */
    apr_array_header_t *keys;   /* gnutls_x509_privkey_t */
} pem_set_t;

static apr_status_t free_crt(void *data)
{
    gnutls_x509_crt_deinit(data);
    return APR_SUCCESS;
}

static apr_status_t free_key(void *data)
{
    gnutls_x509_privkey_deinit(data);
    return APR_SUCCESS;
}

static const char *read_file(apr_pool_t *p, const char *path, char **pbuf)
{
    apr_file_t *fd;
    apr_finfo_t fi;
    apr_size_t n;
    apr_status_t rv;
    char err[128];

    *pbuf = NULL;
    if ((rv = apr_file_open(&fd, path, APR_FOPEN_READ, 0, p)) != APR_SUCCESS) {
        return apr_psprintf(p, "cannot read '%s': %s", path,
                            apr_strerror(rv, err, sizeof(err)));
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE, fd);
    if (rv == APR_SUCCESS) {
        n = (apr_size_t)fi.size;
        *pbuf = apr_palloc(p, n + 1);
        rv = apr_file_read_full(fd, *pbuf, n, &n);
        (*pbuf)[n] = '\0';
    }
    apr_file_close(fd);
    return rv == APR_SUCCESS ? NULL : apr_psprintf(p, "cannot read '%s': "
                               "%s", path, apr_strerror(rv, err, sizeof(err)));
}

/* One PEM block: a certificate, a private key, or something ignored. */
static int add_block(apr_pool_t *p, pem_set_t *set, const char *label,
                     gnutls_datum_t *pem)
{
    gnutls_x509_crt_t crt;
    gnutls_x509_privkey_t key;
    int rv;

    if (!strcmp(label, "CERTIFICATE")) {
        if ((rv = gnutls_x509_crt_init(&crt)) < 0) {
            return rv;
        }
        apr_pool_cleanup_register(p, crt, free_crt, apr_pool_cleanup_null);
        rv = gnutls_x509_crt_import(crt, pem, GNUTLS_X509_FMT_PEM);
        APR_ARRAY_PUSH(set->crts, gnutls_x509_crt_t) = crt;
        return rv;
    }
    if (!strstr(label, "PRIVATE KEY")) {
        return 0;
    }
    if ((rv = gnutls_x509_privkey_init(&key)) < 0) {
        return rv;
    }
    apr_pool_cleanup_register(p, key, free_key, apr_pool_cleanup_null);
    rv = gnutls_x509_privkey_import2(key, pem, GNUTLS_X509_FMT_PEM, NULL, 0);
    APR_ARRAY_PUSH(set->keys, gnutls_x509_privkey_t) = key;
    return rv;
}

static const char *parse_pem(apr_pool_t *p, const char *path, char *text,
                             pem_set_t *set)
{
    char *begin = text, *end, *label;
    gnutls_datum_t pem;
    int rv;

    while ((begin = strstr(begin, "-----BEGIN ")) != NULL) {
        label = begin + 11;
        end = strstr(label, "-----");
        if (!end) {
            break;
        }
        label = apr_pstrmemdup(p, label, end - label);
        end = strstr(end, apr_pstrcat(p, "-----END ", label, "-----",
                                      NULL));
        if (!end) {
            return apr_psprintf(p, "'%s': PEM block %s has no end", path,
                                label);
        }
        end += strlen(label) + 14;
        pem.data = (unsigned char *)begin;
        pem.size = (unsigned)(end - begin);
        if ((rv = add_block(p, set, label, &pem)) < 0) {
            return sslx_log_describe(p, apr_psprintf(p, "'%s': reading its "
                                     "%s", path, label), rv);
        }
        begin = end;
    }
    return NULL;
}

static const char *load_file(apr_pool_t *p, const char *path, pem_set_t *set)
{
    const char *err;
    char *text = NULL;

    if ((err = read_file(p, path, &text)) != NULL || !text) {
        return err;
    }
    return parse_pem(p, path, text, set);
}

static const char *load_dir(apr_pool_t *p, const char *dir, pem_set_t *set)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    const char *err = NULL;
    char buf[128];
    apr_status_t rv;

    if ((rv = apr_dir_open(&d, dir, p)) != APR_SUCCESS) {
        return apr_psprintf(p, "cannot open '%s': %s", dir,
                            apr_strerror(rv, buf, sizeof(buf)));
    }
    while (!err && apr_dir_read(&fi, APR_FINFO_TYPE | APR_FINFO_NAME, d)
                   == APR_SUCCESS) {
        if (fi.filetype == APR_REG) {
            err = load_file(p, apr_pstrcat(p, dir, "/", fi.name, NULL), set);
        }
    }
    apr_dir_close(d);
    return err;
}

static int same_key(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
    unsigned char a[64], b[64];
    size_t na = sizeof(a), nb = sizeof(b);

    return gnutls_x509_crt_get_key_id(crt, 0, a, &na) == 0
           && gnutls_x509_privkey_get_key_id(key, 0, b, &nb) == 0
           && na == nb && memcmp(a, b, na) == 0;
}

static gnutls_x509_crt_t issuer_in(const apr_array_header_t *cas,
                                   gnutls_x509_crt_t crt)
{
    int i;

    for (i = 0; i < cas->nelts; i++) {
        gnutls_x509_crt_t ca = APR_ARRAY_IDX(cas, i, gnutls_x509_crt_t);
        if (ca != crt && gnutls_x509_crt_check_issuer(crt, ca)) {
            return ca;
        }
    }
    return NULL;
}

/* The certificate of key, followed by its issuers from cas. */
static unsigned chain_of(const pem_set_t *set, const apr_array_header_t *cas,
                         gnutls_x509_privkey_t key, gnutls_x509_crt_t *chain)
{
    unsigned n = 0;
    int i;

    for (i = 0; i < set->crts->nelts && !n; i++) {
        if (same_key(APR_ARRAY_IDX(set->crts, i, gnutls_x509_crt_t), key)) {
            chain[n++] = APR_ARRAY_IDX(set->crts, i, gnutls_x509_crt_t);
        }
    }
    while (n > 0 && n < SSLX_MACHINE_CHAIN_MAX
           && !gnutls_x509_crt_check_issuer(chain[n - 1], chain[n - 1])
           && (chain[n] = issuer_in(cas, chain[n - 1])) != NULL) {
        n++;
    }
    return n;
}

const char *sslx_proxy_machine_load(apr_pool_t *ptemp,
                                    gnutls_certificate_credentials_t creds,
                                    const char *file, const char *dir,
                                    const char *chain_file, unsigned *pcount)
{
    pem_set_t set, cas;
    gnutls_x509_crt_t chain[SSLX_MACHINE_CHAIN_MAX];
    const char *err = NULL;
    unsigned n;
    int i, rv;

    set.crts = apr_array_make(ptemp, 4, sizeof(gnutls_x509_crt_t));
    set.keys = apr_array_make(ptemp, 4, sizeof(gnutls_x509_privkey_t));
    cas.crts = apr_array_make(ptemp, 4, sizeof(gnutls_x509_crt_t));
    cas.keys = apr_array_make(ptemp, 1, sizeof(gnutls_x509_privkey_t));
    err = file ? load_file(ptemp, file, &set) : NULL;
    err = !err && dir ? load_dir(ptemp, dir, &set) : err;
    err = !err && chain_file ? load_file(ptemp, chain_file, &cas) : err;
    for (i = 0; !err && i < set.keys->nelts; i++) {
        gnutls_x509_privkey_t key = APR_ARRAY_IDX(set.keys, i,
                                                  gnutls_x509_privkey_t);
        if ((n = chain_of(&set, cas.crts, key, chain)) == 0) {
            return apr_psprintf(ptemp, "private key %d of '%s' has no "
                                "certificate with it", i + 1,
                                file ? file : dir);
        }
        if ((rv = gnutls_certificate_set_x509_key(creds, chain, n, key)) < 0) {
            return sslx_log_describe(ptemp, "adding a machine certificate",
                                     rv);
        }
    }
    *pcount = err ? 0 : (unsigned)set.keys->nelts;
    if (!err && set.keys->nelts == 0) {
        err = apr_psprintf(ptemp, "no private key in '%s' (certificate and "
                           "key go into one PEM file)", file ? file : dir);
    }
    return err;
}
