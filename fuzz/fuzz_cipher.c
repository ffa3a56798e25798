/* fuzz_cipher.c - libFuzzer target: SSLCipherSuite's OpenSSL cipher-list
 * language into a GnuTLS priority fragment (sslx_compat.h), and the
 * OpenSSL name lookup of a suite id.
 *
 * The translation either refuses a spec with a message or gives text
 * GnuTLS accepts after "NORMAL:"; anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "sslx_compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static apr_pool_t *root;
    apr_pool_t *p;
    const char *frag, *err = NULL;
    gnutls_priority_t prio;
    unsigned int flags;

    if (!root) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    if (size >= 2) {
        sslx_compat_cipher_openssl_info(data, &flags);
    }
    apr_pool_create(&p, root);
    frag = sslx_compat_cipher_priority(p, apr_pstrmemdup(p, (const char *)data,
                                                         size), &err);
    if (frag) {
        if (gnutls_priority_init(&prio, apr_pstrcat(p, "NORMAL:", frag,
                                                    NULL), NULL) < 0) {
            abort();
        }
        gnutls_priority_deinit(prio);
    }
    else if (!err) {
        abort();
    }
    apr_pool_destroy(p);
    return 0;
}
