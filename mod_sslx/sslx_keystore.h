/* sslx_keystore.h - decrypted private keys and PKCS#11 PINs kept across
 * readings of the configuration (startup's two passes, graceful
 * restarts), so a pass phrase is asked for once per start of httpd.
 */
#ifndef SSLX_KEYSTORE_H
#define SSLX_KEYSTORE_H

#include <apr_pools.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

typedef struct sslx_keystore_t sslx_keystore_t;

/* The store of this httpd process: created on first use, in retained
 * data.  Only the parent changes it, while it reads
 * its configuration; children read what they inherited. */
sslx_keystore_t *sslx_keystore_get(void);

/* A new reading of the configuration (with pool pconf) begins: what it
 * looks up with mark set or adds is kept for the next. */
void sslx_keystore_begin(sslx_keystore_t *ks, apr_pool_t *pconf);

/* The reading is complete: drop and wipe what it did not use (keys
 * removed from the configuration, files changed on disk). */
void sslx_keystore_end(sslx_keystore_t *ks);

/* Imports into key (initialised, empty) the decrypted key kept for the
 * key file path whose bytes are content.  mark: keep it for the next
 * reading (the parent at configuration time); 0 in children.  Returns 0,
 * GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE when none is kept, or another
 * GnuTLS error code. */
int sslx_keystore_find_key(sslx_keystore_t *ks, const char *path,
                           const gnutls_datum_t *content, int mark,
                           gnutls_x509_privkey_t key);

/* Keep key, decrypted from the file path with these bytes (during a
 * reading only).  Returns 0 or a GnuTLS error code. */
int sslx_keystore_add_key(sslx_keystore_t *ks, const char *path,
                          const gnutls_datum_t *content,
                          gnutls_x509_privkey_t key);

/* The PIN kept for a PKCS#11 token (by its URL), or NULL. */
const char *sslx_keystore_find_pin(sslx_keystore_t *ks, const char *token,
                                   int mark);

/* Keep (or with pin NULL, forget and wipe) the PIN of a token (during a
 * reading only). */
void sslx_keystore_set_pin(sslx_keystore_t *ks, const char *token,
                           const char *pin);

#endif /* SSLX_KEYSTORE_H */
