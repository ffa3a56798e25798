/* sslx_pphrase.h - SSLXPassPhraseDialog: where the pass phrases of
 * encrypted private keys (and PKCS#11 PINs) come from, and the
 * decryption of such keys.
 */
#ifndef SSLX_PPHRASE_H
#define SSLX_PPHRASE_H

#include <apr_pools.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <http_config.h>

#include "sslx_keystore.h"

/* The secrets of one reading of the configuration (or of a certificate
 * reload in a child): the store, the pass phrases given so far, and
 * whether a dialog may run. */
typedef struct sslx_pphrase_t sslx_pphrase_t;

/* What a secret is asked for: the vhost ("servername:port" goes to an
 * exec: program), the secret in words ("pass phrase", "PIN"), what it
 * unlocks ("the private key '/path'"), and the key algorithm in mod_ssl's
 * words (RSA, DSA, ECC). */
typedef struct {
    server_rec *server;
    const char *noun;
    const char *what;
    const char *algorithm;
} sslx_secret_req_t;

/* sslx_pphrase_unlock() results besides OK. */
#define SSLX_PPHRASE_FAILED   (-1)
#define SSLX_PPHRASE_SKIPPED  (-2)   /* configuration test: not asked */

/* A reading of the configuration (pconf) begins: program is
 * SSLXPassPhraseDialog's exec: program (NULL: builtin); pass phrases
 * live (and are wiped) with ptemp.  The keystore
 * keeps what this reading uses; call sslx_pphrase_end() when it is
 * complete. */
sslx_pphrase_t *sslx_pphrase_begin(apr_pool_t *pconf, apr_pool_t *ptemp,
                                   const char *program);
void sslx_pphrase_end(sslx_pphrase_t *pp);

/* Secrets for a child reloading certificates: kept ones only, never a
 * dialog, nothing marked or added. */
sslx_pphrase_t *sslx_pphrase_kept_only(apr_pool_t *p, const char *program);

apr_pool_t *sslx_pphrase_pool(const sslx_pphrase_t *pp);
sslx_keystore_t *sslx_pphrase_keystore(const sslx_pphrase_t *pp);

/* Whether a dialog may run now (not in a configuration test, not in a
 * child). */
int sslx_pphrase_may_ask(const sslx_pphrase_t *pp);

/* Runs the dialog for req into buf (NUL-terminated).  attempt counts
 * from 0; a builtin dialog allows a few, an exec: program one.  Returns
 * OK, or SSLX_PPHRASE_FAILED with *perr saying why. */
int sslx_pphrase_ask(sslx_pphrase_t *pp, const sslx_secret_req_t *req,
                     int attempt, char *buf, apr_size_t size,
                     const char **perr);

/* Decrypts the encrypted key pem read from path into *pkey (freed with
 * p): with the key kept from an earlier reading, else with the pass
 * phrases given so far, else with new ones from the dialog.  Returns
 * OK, SSLX_PPHRASE_SKIPPED (a configuration test does not ask), or
 * SSLX_PPHRASE_FAILED with *perr saying why. */
int sslx_pphrase_unlock(sslx_pphrase_t *pp, const sslx_secret_req_t *req,
                        apr_pool_t *p, const char *path,
                        const gnutls_datum_t *pem,
                        gnutls_x509_privkey_t *pkey, const char **perr);

/* The key algorithm as mod_ssl names it to the program: RSA, DSA, ECC,
 * else GnuTLS's name. */
const char *sslx_pphrase_algorithm(int pk_algorithm);

/* "servername:port" of a vhost, as mod_ssl names it to the program. */
const char *sslx_pphrase_vhost_id(apr_pool_t *p, const server_rec *s);

#endif /* SSLX_PPHRASE_H */
