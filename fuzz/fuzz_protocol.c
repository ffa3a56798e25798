/* fuzz_protocol.c - libFuzzer target: SSLProtocol words (sslx_compat.h)
 * into a GnuTLS priority fragment.
 *
 * The input is split at blanks into directive arguments.  Whatever the
 * words, the translation either refuses them or gives text that GnuTLS
 * accepts after "NORMAL:": anything else is a bug, reported by abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <gnutls/gnutls.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "sslx_compat.h"
#include "fuzz_priority.h"

#define MAX_WORDS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static apr_pool_t *root;
    apr_pool_t *p;
    char *text, *last, *word, *argv[MAX_WORDS];
    const char *frag, *err = NULL;
    int argc = 0;

    if (!root) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    text = apr_pstrmemdup(p, (const char *)data, size);
    for (word = apr_strtok(text, " \t\n", &last); word && argc < MAX_WORDS;
         word = apr_strtok(NULL, " \t\n", &last)) {
        argv[argc++] = word;
    }
    frag = sslx_compat_protocol_priority(p, argc, argv, &err);
    check_fragment(p, frag, err);
    apr_pool_destroy(p);
    return 0;
}
