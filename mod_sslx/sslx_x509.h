/* sslx_x509.h - X.509 facts in mod_ssl's spelling.
 *
 * Pure helpers over GnuTLS and APR: they know nothing of connections or
 * requests.  Every string is allocated from the pool given; GnuTLS
 * buffers are released before returning.  A NULL return means "no such
 * value" (absent field, index out of range) or a GnuTLS failure.
 */
#ifndef SSLX_X509_H
#define SSLX_X509_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

typedef enum {
    SSLX_X509_SUBJECT,
    SSLX_X509_ISSUER
} sslx_x509_name_t;

/* Import one DER certificate; the crt is deinitialised by a cleanup on p. */
gnutls_x509_crt_t sslx_x509_import(apr_pool_t *p, const gnutls_datum_t *der);

/* "3" for an X.509 v3 certificate (SSL_*_M_VERSION). */
const char *sslx_x509_version(apr_pool_t *p, gnutls_x509_crt_t crt);

/* Serial as OpenSSL's i2a_ASN1_INTEGER prints it: upper-case hex, two
 * digits per byte, no leading zero bytes (SSL_*_M_SERIAL). */
const char *sslx_x509_serial(apr_pool_t *p, gnutls_x509_crt_t crt);

/* Whole DN as OpenSSL X509_NAME_print_ex(XN_FLAG_RFC2253) prints it:
 * last RDN first, "," between RDNs, "+" inside multi-valued RDNs, short
 * names (CN, O, OU, C, ST, L, emailAddress, ...), RFC 2253 escaping with
 * bytes >= 0x80 and control characters as \XX, unknown OIDs as
 * dotted.oid=#<hex DER> (SSL_*_S_DN, SSL_*_I_DN). */
const char *sslx_x509_dn(apr_pool_t *p, gnutls_x509_crt_t crt,
                         sslx_x509_name_t which);

/* The idx-th (0-based) value of a DN component named as in mod_ssl
 * variables: C, ST, SP, L, O, OU, CN, T, I, G, S, D, UID, Email.  The value
 * is UTF-8 text as mod_ssl gives it (SSL_*_S_DN_CN, SSL_*_S_DN_OU_1). An
 * unknown component name returns NULL. */
const char *sslx_x509_dn_component(apr_pool_t *p, gnutls_x509_crt_t crt,
                                   sslx_x509_name_t which,
                                   const char *component, int idx);

/* Add every DN component mod_ssl exports with +StdEnvVars to env, under
 * prefix (e.g. "SSL_SERVER_S_DN_"): in DN order, the first occurrence of a
 * component as <prefix><name>, later ones as <prefix><name>_<n> (n from 1).
 * Components named SP are exported as ST, as mod_ssl does. */
void sslx_x509_dn_export(apr_pool_t *p, gnutls_x509_crt_t crt,
                         sslx_x509_name_t which, const char *prefix,
                         apr_table_t *env);

/* Subject alternative names, as mod_ssl's SAN_DNS_n, SAN_Email_n,
 * SAN_OTHER_msUPN_n, SAN_OTHER_dnsSRV_n: type is "DNS", "Email",
 * "OTHER_msUPN" or "OTHER_dnsSRV"; idx counts within that type. */
const char *sslx_x509_san(apr_pool_t *p, gnutls_x509_crt_t crt,
                          const char *type, int idx);

/* Add all SAN entries as <prefix>SAN_<type>_<n> (prefix "SSL_SERVER_"),
 * as mod_ssl does with +StdEnvVars. */
void sslx_x509_san_export(apr_pool_t *p, gnutls_x509_crt_t crt,
                          const char *prefix, apr_table_t *env);

/* Validity bounds as OpenSSL's ASN1_TIME_print: "Mar  1 12:00:00 2026 GMT"
 * (SSL_*_V_START, SSL_*_V_END). */
const char *sslx_x509_not_before(apr_pool_t *p, gnutls_x509_crt_t crt);
const char *sslx_x509_not_after(apr_pool_t *p, gnutls_x509_crt_t crt);

/* Whole days from now until expiry, negative once expired, as mod_ssl
 * computes SSL_*_V_REMAIN. */
const char *sslx_x509_days_remaining(apr_pool_t *p, gnutls_x509_crt_t crt,
                                     apr_time_t now);

/* OpenSSL long names: "sha256WithRSAEncryption", "ecdsa-with-SHA256",
 * "ED25519", "RSASSA-PSS" (SSL_*_A_SIG) and "rsaEncryption",
 * "id-ecPublicKey", "ED25519" (SSL_*_A_KEY). */
const char *sslx_x509_sig_alg(apr_pool_t *p, gnutls_x509_crt_t crt);
const char *sslx_x509_key_alg(apr_pool_t *p, gnutls_x509_crt_t crt);

/* The certificate as PEM text with OpenSSL's line layout
 * (SSL_*_CERT, SSL_CLIENT_CERT_CHAIN_n), and as one base64 line of DER
 * (SSL_*_B64CERT). */
const char *sslx_x509_pem(apr_pool_t *p, const gnutls_datum_t *der);
const char *sslx_x509_b64(apr_pool_t *p, const gnutls_datum_t *der);

/* RFC 4523 CertificateExactAssertion as mod_ssl builds it:
 * { serialNumber <decimal>, issuer rdnSequence:"<RFC 4514 issuer DN>" }
 * (SSL_CLIENT_CERT_RFC4523_CEA). */
const char *sslx_x509_rfc4523_cea(apr_pool_t *p, gnutls_x509_crt_t crt);

/* 1 when the certificate's notAfter is before now. */
int sslx_x509_is_expired(gnutls_x509_crt_t crt, apr_time_t now);

#endif /* SSLX_X509_H */
