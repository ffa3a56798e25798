/* fuzz_priority.h - what both priority translators (SSLProtocol,
 * SSLCipherSuite) must give, whatever their input: a refusal with a
 * message, or a fragment GnuTLS accepts after "NORMAL:".  Anything else
 * is a bug, reported by abort().
 */
#ifndef FUZZ_PRIORITY_H
#define FUZZ_PRIORITY_H

#include <stdlib.h>

#include <apr_pools.h>
#include <apr_strings.h>
#include <gnutls/gnutls.h>

static void check_fragment(apr_pool_t *p, const char *frag, const char *err)
{
    gnutls_priority_t prio;

    if (!frag) {
        if (!err) {
            abort();
        }
        return;
    }
    if (gnutls_priority_init(&prio, apr_pstrcat(p, "NORMAL:", frag, NULL),
                             NULL) < 0) {
        abort();
    }
    gnutls_priority_deinit(prio);
}

#endif /* FUZZ_PRIORITY_H */
