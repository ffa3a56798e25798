/* sslx_libcrypto.h - keeping OpenSSL's libcrypto, when another part of
 * httpd loads it, from cleaning up at exit.  No httpd structures.
 */
#ifndef SSLX_LIBCRYPTO_H
#define SSLX_LIBCRYPTO_H

/* Initialises libcrypto with OPENSSL_INIT_NO_ATEXIT, as mod_ssl does; only
 * the first initialisation in a process counts, so this is called when the
 * module is loaded.  1 when libcrypto took it, 0 when no libcrypto is
 * loaded, -1 when it failed. */
int sslx_libcrypto_no_atexit(void);

#endif /* SSLX_LIBCRYPTO_H */
