/* signcost - CPU time GnuTLS takes for one handshake signature with a
 * key: the floor under a full handshake's cost that no TLS module on
 * GnuTLS can go below.  bench/run uses it for the RSA row.
 *
 *   signcost KEY.pem rsa-pss|ecdsa [N]     prints "<µs per signature>"
 */
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    gnutls_sign_algorithm_t alg;
    unsigned char msg[128] = { 0 };   /* a TLS 1.3 CertificateVerify input */
    gnutls_datum_t pem, data = { msg, sizeof(msg) }, sig;
    gnutls_privkey_t key;
    int i, n, rv;
    double t0;

    if (argc < 3) {
        fprintf(stderr, "usage: signcost KEY.pem rsa-pss|ecdsa [N]\n");
        return 2;
    }
    alg = !strcmp(argv[2], "rsa-pss") ? GNUTLS_SIGN_RSA_PSS_RSAE_SHA256
                                      : GNUTLS_SIGN_ECDSA_SECP256R1_SHA256;
    n = argc > 3 ? atoi(argv[3]) : 200;
    if ((rv = gnutls_load_file(argv[1], &pem)) < 0
        || (rv = gnutls_privkey_init(&key)) < 0
        || (rv = gnutls_privkey_import_x509_raw(key, &pem, GNUTLS_X509_FMT_PEM,
                                                NULL, 0)) < 0) {
        fprintf(stderr, "signcost: %s: %s\n", argv[1], gnutls_strerror(rv));
        return 1;
    }
    t0 = cpu_seconds();
    for (i = 0; i < n; i++) {
        if ((rv = gnutls_privkey_sign_data2(key, alg, 0, &data, &sig)) < 0) {
            fprintf(stderr, "signcost: %s\n", gnutls_strerror(rv));
            return 1;
        }
        gnutls_free(sig.data);
    }
    printf("%.0f\n", (cpu_seconds() - t0) / n * 1e6);
    gnutls_privkey_deinit(key);
    gnutls_free(pem.data);
    return 0;
}
