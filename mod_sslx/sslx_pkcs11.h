/* sslx_pkcs11.h - certificates and keys named by pkcs11: URLs, and the
 * PINs their tokens want.
 */
#ifndef SSLX_PKCS11_H
#define SSLX_PKCS11_H

#include <apr_pools.h>
#include <gnutls/gnutls.h>

#include "sslx_pphrase.h"

/* Whether a SSLXCertificateFile or SSLXCertificateKeyFile value names
 * an object by URL rather than a file. */
int sslx_pkcs11_is_url(const char *name);

/* Loads cert (a file or URL) and key (a file or URL) into creds.  A PIN
 * comes from the URL (pin-value, pin-source), from the keystore, or from
 * the pass phrase dialog of pp for the vhost of req, and is kept for
 * the children, which must log in again after the fork.  Returns 0,
 * SSLX_PPHRASE_SKIPPED when a configuration test would have had to ask
 * for the PIN, or a GnuTLS error code with *perr saying why. */
int sslx_pkcs11_add(apr_pool_t *p, gnutls_certificate_credentials_t creds,
                    const char *cert, const char *key, sslx_pphrase_t *pp,
                    const sslx_secret_req_t *req, const char **perr);

/* Start PKCS#11 afresh in a child (the PKCS#11 standard asks for it
 * after fork()); errors are logged on s. */
void sslx_pkcs11_reinit(server_rec *s);

#endif /* SSLX_PKCS11_H */
