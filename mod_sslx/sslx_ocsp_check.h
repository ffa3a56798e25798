/* sslx_ocsp_check.h - OCSP checks of client certificates
 * (SSLXOCSPEnable and the SSLXOCSP* directives, mod_ssl's meaning). */
#ifndef SSLX_OCSP_CHECK_H
#define SSLX_OCSP_CHECK_H

#include <httpd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sslx_chain.h"

/* 1 when vhost s checks client certificates with OCSP. */
int sslx_ocsp_check_enabled(server_rec *s);

/* The OCSP verdict on a client chain that passed every other check:
 * chain[0] the client's certificate, up to chain[n-1], as
 * sslx_chain_build() made it.  Checks the leaf, or under "on" every
 * certificate that is not self-issued, the top one first, and asks the
 * responders while the handshake waits (bounded by
 * SSLXOCSPResponderTimeout); good and revoked answers are kept briefly
 * in the session cache.  generous: the chain was accepted only because
 * of optional_no_ca, so its issuer is unknown and nothing can be asked.
 * A reason of NULL: OCSP has nothing against the certificate. */
sslx_chain_verdict_t sslx_ocsp_check_chain(conn_rec *c, server_rec *s,
                                           gnutls_x509_crt_t *chain,
                                           unsigned n, int generous);

/* post_config: libcurl, when some vhost checks with OCSP. */
int sslx_ocsp_check_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s);

#endif /* SSLX_OCSP_CHECK_H */
