/* fuzz_x509.c - libFuzzer target: every mod_sslx formatter of certificate
 * fields (sslx_x509.h, sslx_x509_ext.h) over an arbitrary DER blob.
 *
 * What a client certificate can make the module print must never crash
 * or read out of bounds, whatever GnuTLS accepts as a certificate.
 */
#include <stddef.h>
#include <stdint.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "sslx_x509.h"
#include "sslx_x509_ext.h"

static const char *const components[] = {
    "C", "ST", "SP", "L", "O", "OU", "CN", "T", "I", "G", "S", "D",
    "SerialNumber", "UID", "Email", "CN_RAW", "O_RAW", "bogus"
};
static const char *const san_types[] = {
    "DNS", "Email", "OTHER_msUPN", "OTHER_dnsSRV", "dns"
};
static const char *const extensions[] = {
    "subjectAltName", "2.5.29.17", "basicConstraints", "keyUsage",
    "extendedKeyUsage", "2.5.29.32", "crlDistributionPoints",
    "authorityInfoAccess", "X509v3 Subject Key Identifier",
    "1.3.6.1.4.1.311.20.2", "2.16.840.1.113730.1.13", "1.2.3.4"
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void names(apr_pool_t *p, gnutls_x509_crt_t crt, apr_table_t *env)
{
    sslx_x509_name_t which;
    size_t i;
    int idx;

    for (which = SSLX_X509_SUBJECT; which <= SSLX_X509_ISSUER; which++) {
        sslx_x509_dn(p, crt, which);
        sslx_x509_dn_legacy(p, crt, which);
        sslx_x509_dn_export(p, crt, which, "S_DN_", env);
        for (i = 0; i < N(components); i++) {
            for (idx = 0; idx < 3; idx++) {
                sslx_x509_dn_component(p, crt, which, components[i], idx);
            }
        }
    }
    for (i = 0; i < N(san_types); i++) {
        for (idx = 0; idx < 3; idx++) {
            sslx_x509_san(p, crt, san_types[i], idx);
        }
    }
    sslx_x509_san_export(p, crt, "SSL_CLIENT_", 1, env);
    sslx_x509_san_export(p, crt, "SSL_SERVER_", 0, env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static apr_pool_t *root;
    apr_pool_t *p;
    gnutls_datum_t der;
    gnutls_x509_crt_t crt;
    apr_array_header_t *values;
    size_t i;

    if (!root) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    der.data = (unsigned char *)data;
    der.size = (unsigned int)size;
    sslx_x509_pem(p, &der);
    sslx_x509_b64(p, &der);
    crt = sslx_x509_import(p, &der);
    if (crt) {
        names(p, crt, apr_table_make(p, 8));
        sslx_x509_version(p, crt);
        sslx_x509_serial(p, crt);
        sslx_x509_not_before(p, crt);
        sslx_x509_not_after(p, crt);
        sslx_x509_days_remaining(p, crt, apr_time_now());
        sslx_x509_sig_alg(p, crt);
        sslx_x509_key_alg(p, crt);
        sslx_x509_rfc4523_cea(p, crt);
        sslx_x509_is_expired(crt, apr_time_now());
        for (i = 0; i < N(extensions); i++) {
            sslx_x509_ext_values(p, crt, extensions[i], &values);
        }
    }
    apr_pool_destroy(p);
    return 0;
}
