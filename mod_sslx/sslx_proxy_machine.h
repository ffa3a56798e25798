/* sslx_proxy_machine.h - client certificates for backends, read from
 * mod_ssl's SSLProxyMachineCertificate* files. */
#ifndef SSLX_PROXY_MACHINE_H
#define SSLX_PROXY_MACHINE_H

#include <apr_pools.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* Add every certificate/key pair of file and of the files in dir (either
 * may be NULL), each with its issuers from chain_file, to creds.  *pcount
 * receives the number of pairs.  Returns NULL or a message naming the
 * file. */
const char *sslx_proxy_machine_load(apr_pool_t *ptemp,
                                    gnutls_certificate_credentials_t creds,
                                    const char *file, const char *dir,
                                    const char *chain_file,
                                    unsigned *pcount);

#endif /* SSLX_PROXY_MACHINE_H */
