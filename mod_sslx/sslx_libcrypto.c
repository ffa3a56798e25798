/* sslx_libcrypto.c - OpenSSL's libcrypto, which other parts of httpd load
 * into the same process (mod_md, and libcurl through libssh2), told not
 * to clean up at exit.
 *
 * libcrypto registers OPENSSL_cleanup() with atexit() when it is first
 * used, unless its first initialisation says OPENSSL_INIT_NO_ATEXIT.
 * mod_ssl says so; without mod_ssl nobody does, and an exiting child
 * whose watchdog thread used libcrypto (mod_md's renewal and OCSP jobs)
 * then frees libcrypto's per-thread state twice.  mod_sslx does not link
 * libcrypto itself, so it asks for the symbol in the process.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

#include "sslx_libcrypto.h"

/* OPENSSL_INIT_NO_ATEXIT of <openssl/crypto.h>, OpenSSL 1.1.1 and 3.x. */
#define LIBCRYPTO_INIT_NO_ATEXIT 0x00080000UL

typedef int (*libcrypto_init_fn)(uint64_t opts, const void *settings);

int sslx_libcrypto_no_atexit(void)
{
    libcrypto_init_fn init;
    void *sym = dlsym(RTLD_DEFAULT, "OPENSSL_init_crypto");

    if (sym == NULL) {
        return 0;               /* no libcrypto in this process */
    }
    init = (libcrypto_init_fn)sym;
    return init(LIBCRYPTO_INIT_NO_ATEXIT, NULL) == 1 ? 1 : -1;
}
