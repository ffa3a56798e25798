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
#include <gnutls/gnutls.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "sslx_cipher.h"
#include "sslx_compat.h"
#include "fuzz_priority.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static apr_pool_t *root;
    apr_pool_t *p;
    const char *frag, *err = NULL;

    if (!root) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    if (size >= 2) {
        (void)sslx_cipher_openssl_name(data);
    }
    apr_pool_create(&p, root);
    frag = sslx_compat_cipher_priority(p, apr_pstrmemdup(p, (const char *)data,
                                                         size), &err);
    check_fragment(p, frag, err);
    apr_pool_destroy(p);
    return 0;
}
