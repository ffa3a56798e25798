/* sslx_crl.c - the CRLs of SSLXCARevocationFile/Path and what they say
 * about one certificate.
 *
 * GnuTLS's trust list would take CRLs as they come: it neither checks
 * their signature (unless asked, and then drops bad ones silently) nor
 * their nextUpdate.  mod_ssl fails closed on both ("CRL signature
 * failure", "CRL has expired"), so the CRLs are kept here, apart from the
 * trust list, and every check looks at the time and the issuer's
 * signature before it believes a CRL.  Only GnuTLS and APR are used.
 */
#include <string.h>
#include <apr_strings.h>
#include <apr_file_info.h>
#include <apr_tables.h>

#include "sslx_crl.h"

typedef struct {
    gnutls_x509_crl_t crl;
    gnutls_datum_t issuer;          /* raw DER issuer DN, pool copy */
} crl_entry_t;

struct sslx_crl_set_t {
    apr_array_header_t *entries;    /* crl_entry_t */
};

static apr_status_t free_crl(void *data)
{
    gnutls_x509_crl_deinit(data);
    return APR_SUCCESS;
}

static int keep_crl(apr_pool_t *p, sslx_crl_set_t *set,
                    gnutls_x509_crl_t crl)
{
    crl_entry_t *e;
    gnutls_datum_t dn;
    int rv;

    apr_pool_cleanup_register(p, crl, free_crl, apr_pool_cleanup_null);
    if ((rv = gnutls_x509_crl_get_raw_issuer_dn(crl, &dn)) < 0) {
        return rv;
    }
    e = apr_array_push(set->entries);
    e->crl = crl;
    e->issuer.data = apr_pmemdup(p, dn.data, dn.size);
    e->issuer.size = dn.size;
    gnutls_free(dn.data);
    return 0;
}

static const char *load_file(apr_pool_t *p, sslx_crl_set_t *set,
                             const char *file)
{
    gnutls_datum_t pem;
    gnutls_x509_crl_t *crls;
    unsigned n = 0, i;
    int rv;

    if ((rv = gnutls_load_file(file, &pem)) < 0) {
        return apr_psprintf(p, "cannot read CRL file '%s': %s", file,
                            gnutls_strerror(rv));
    }
    rv = gnutls_x509_crl_list_import2(&crls, &n, &pem, GNUTLS_X509_FMT_PEM,
                                      0);
    gnutls_free(pem.data);
    if (rv < 0) {
        return apr_psprintf(p, "no valid PEM CRL in '%s': %s", file,
                            gnutls_strerror(rv));
    }
    for (i = 0; i < n; i++) {
        if (rv >= 0) {
            rv = keep_crl(p, set, crls[i]);
        }
        else {
            gnutls_x509_crl_deinit(crls[i]);
        }
    }
    gnutls_free(crls);
    return rv < 0 ? apr_psprintf(p, "reading the issuer of a CRL in '%s': "
                                 "%s", file, gnutls_strerror(rv))
                  : NULL;
}

static const char *load_dir(apr_pool_t *p, apr_pool_t *ptemp,
                            sslx_crl_set_t *set, const char *dir)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    const char *err = NULL;

    if (apr_dir_open(&d, dir, ptemp) != APR_SUCCESS) {
        return apr_psprintf(p, "cannot open CRL directory '%s'", dir);
    }
    while (!err && apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d)
                   == APR_SUCCESS) {
        if (fi.filetype == APR_REG) {
            err = load_file(p, set, apr_pstrcat(ptemp, dir, "/", fi.name,
                                                NULL));
        }
    }
    apr_dir_close(d);
    return err;
}

const char *sslx_crl_load(apr_pool_t *p, apr_pool_t *ptemp,
                          const char *file, const char *dir,
                          sslx_crl_set_t **pset)
{
    sslx_crl_set_t *set = apr_pcalloc(p, sizeof(*set));
    const char *err = NULL;

    set->entries = apr_array_make(p, 2, sizeof(crl_entry_t));
    *pset = set;
    if (file) {
        err = load_file(p, set, file);
    }
    if (!err && dir) {
        err = load_dir(p, ptemp, set, dir);
    }
    return err;
}

/* OpenSSL's order: the CRL's time first, then its signature. */
static sslx_revocation_t judge_crl(gnutls_x509_crl_t crl,
                                   gnutls_x509_crt_t issuer, time_t now)
{
    const unsigned time_flags = GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED
                                | GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE;
    time_t next = gnutls_x509_crl_get_next_update(crl);
    unsigned status = 0;

    if (gnutls_x509_crl_get_this_update(crl) > now) {
        return SSLX_REV_CRL_NOT_YET_VALID;
    }
    if (next != (time_t)-1 && next < now) {
        return SSLX_REV_CRL_EXPIRED;
    }
    if (gnutls_x509_crl_verify(crl, &issuer, 1, 0, &status) < 0
        || (status & ~time_flags) != 0) {
        return SSLX_REV_CRL_BAD_SIGNATURE;
    }
    return SSLX_REV_GOOD;
}

sslx_revocation_t sslx_crl_check(const sslx_crl_set_t *set,
                                 gnutls_x509_crt_t crt,
                                 gnutls_x509_crt_t issuer, time_t now)
{
    sslx_revocation_t result = SSLX_REV_NO_CRL, one;
    const crl_entry_t *e;
    gnutls_datum_t dn;
    int i;

    if (gnutls_x509_crt_get_raw_issuer_dn(crt, &dn) < 0) {
        return SSLX_REV_NO_CRL;
    }
    for (i = 0; i < set->entries->nelts; i++) {
        e = &APR_ARRAY_IDX(set->entries, i, crl_entry_t);
        if (e->issuer.size != dn.size
            || memcmp(e->issuer.data, dn.data, dn.size) != 0) {
            continue;
        }
        /* Of several CRLs from one issuer, a usable one wins; the first
         * unusable one names the failure when none is usable. */
        one = judge_crl(e->crl, issuer, now);
        if (one == SSLX_REV_GOOD
            && gnutls_x509_crt_check_revocation(crt, &e->crl, 1) == 1) {
            result = SSLX_REV_REVOKED;
            break;
        }
        if (one == SSLX_REV_GOOD || result == SSLX_REV_NO_CRL) {
            result = one;
        }
    }
    gnutls_free(dn.data);
    return result;
}
