/* sslx_md.h - certificates, challenge answers and OCSP responses that
 * other modules (mod_md) hand over through httpd's ap_ssl_* interface.
 */
#ifndef SSLX_MD_H
#define SSLX_MD_H

#include <httpd.h>

#include "sslx_conn.h"

/* post_config, after mod_md set itself up and before mod_sslx's other
 * post_config hooks: the files modules add (ap_ssl_add_cert_files), or
 * their stand-ins (ap_ssl_add_fallback_cert_files, then requests get
 * 503), become pairs of each TLS vhost, whose credentials are rebuilt;
 * a TLS vhost left with none fails the start.  Each certificate is then
 * offered to the providers of OCSP responses (ap_ssl_ocsp_prime).
 * Returns OK or an HTTP error status (logged). */
int sslx_md_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                        apr_pool_t *ptemp, server_rec *s);

/* ClientHello, once ALPN chose a protocol other than http/1.1 and h2
 * (acme-tls/1): the protocol is switched to at once, and when a module
 * says the handshake is a challenge (ap_ssl_answer_challenge), the
 * session presents the certificate it provides and sc->challenge is set.
 * Returns 0 or a GnuTLS error (logged). */
int sslx_md_answer_challenge(sslx_conn_t *sc);

#endif /* SSLX_MD_H */
