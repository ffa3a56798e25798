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

/* Import one DER certificate; the crt is deinitialised by a cleanup on p.
 * NULL when der is NULL or holds no certificate. */
gnutls_x509_crt_t sslx_x509_import(apr_pool_t *p, const gnutls_datum_t *der);

/* The same for the first certificate of PEM text (SSL_CLIENT_CERT); NULL
 * when pem is NULL, empty or holds no certificate. */
gnutls_x509_crt_t sslx_x509_import_pem(apr_pool_t *p, const char *pem);

/* "3" for an X.509 v3 certificate (SSL_*_M_VERSION). */
const char *sslx_x509_version(apr_pool_t *p, gnutls_x509_crt_t crt);

/* Serial as OpenSSL's i2a_ASN1_INTEGER prints it: upper-case hex, two
 * digits per byte, no leading zero bytes (SSL_*_M_SERIAL); "00" for zero,
 * "-" and the magnitude for a negative serial, and a backslash-newline
 * after every 35 bytes of an over-long one. */
const char *sslx_x509_serial(apr_pool_t *p, gnutls_x509_crt_t crt);

/* Whole DN as mod_ssl prints SSL_*_S_DN / SSL_*_I_DN: OpenSSL's
 * X509_NAME_print_ex with XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB.  Last
 * RDN first (and the AVAs of a multi-valued RDN last first too), ","
 * between RDNs, "+" inside one, OpenSSL short names (CN, O, OU, C, ST, L,
 * emailAddress, DC, UID, ...), values converted to UTF-8 with the RFC 2253
 * specials ,+"\<>; and a leading '#' or space and a trailing space
 * backslash-escaped, control characters as \XX, other UTF-8 bytes left
 * as they are; OIDs OpenSSL does not know as dotted.oid=#<hex of the DER
 * value>.  NULL for an empty DN (mod_ssl's BIO is then empty too). */
const char *sslx_x509_dn(apr_pool_t *p, gnutls_x509_crt_t crt,
                         sslx_x509_name_t which);

/* The DN in OpenSSL's legacy one-line form, X509_NAME_oneline: RDNs in
 * DER order, each AVA as "/" (or "+" inside a multi-valued RDN), the
 * OpenSSL short name, "=" and the value's bytes with '/' and '+'
 * backslash-escaped and bytes outside ' '..'~' as \xHH (upper case).
 * mod_ssl's +FakeBasicAuth user name; "" for an empty DN. */
const char *sslx_x509_dn_legacy(apr_pool_t *p, gnutls_x509_crt_t crt,
                                sslx_x509_name_t which);

/* The idx-th (0-based, counted in DN order) value of a DN component named
 * as in mod_ssl 2.4.71 variables: C, ST, SP, L, O, OU, CN, T, I, G, S, D,
 * SerialNumber, UID, Email (case matters, as in mod_ssl).  The value is
 * UTF-8 text as mod_ssl gives it (SSL_*_S_DN_CN, SSL_*_S_DN_OU_1):
 * control characters as \XX, a backslash doubled.  A name ending in
 * "_RAW" (e.g. "CN_RAW", for SSL_*_S_DN_CN_RAW, or for
 * SSL_*_S_DN_CN_1_RAW with idx 1) gives the value without UTF-8
 * conversion, as mod_ssl's _RAW does.  An unknown component
 * name, a missing value or an empty one returns NULL. */
const char *sslx_x509_dn_component(apr_pool_t *p, gnutls_x509_crt_t crt,
                                   sslx_x509_name_t which,
                                   const char *component, int idx);

/* Add every DN component mod_ssl exports with +StdEnvVars to env, under
 * prefix (e.g. "SSL_SERVER_S_DN_"): in DN order, the first occurrence of a
 * component as <prefix><name>, later ones as <prefix><name>_<n> (n from 1).
 * stateOrProvinceName is exported as ST (never SP), as mod_ssl does. */
void sslx_x509_dn_export(apr_pool_t *p, gnutls_x509_crt_t crt,
                         sslx_x509_name_t which, const char *prefix,
                         apr_table_t *env);

/* Subject alternative names, as mod_ssl's SAN_DNS_n, SAN_Email_n,
 * SAN_OTHER_msUPN_n, SAN_OTHER_dnsSRV_n: type is "DNS", "Email",
 * "OTHER_msUPN" or "OTHER_dnsSRV" ("DNS", "Email" and "OTHER_" in any
 * case, as mod_ssl matches them); idx counts within that type.  The value
 * is UTF-8 (IA5 bytes read as Latin-1), control characters as \XX. */
const char *sslx_x509_san(apr_pool_t *p, gnutls_x509_crt_t crt,
                          const char *type, int idx);

/* Add the SAN entries mod_ssl exports with +StdEnvVars, as
 * <prefix>SAN_<type>_<n> with n from 0 (prefix "SSL_SERVER_" or
 * "SSL_CLIENT_").  mod_ssl exports Email and DNS for both certificates,
 * then OTHER_dnsSRV for its own (server) certificate but OTHER_msUPN for
 * the peer's (client) one: client selects which.  Entries mod_ssl cannot
 * print (empty, or an otherName of the wrong string type) are skipped and
 * the numbering closes up, as in mod_ssl. */
void sslx_x509_san_export(apr_pool_t *p, gnutls_x509_crt_t crt,
                          const char *prefix, int client, apr_table_t *env);

/* Validity bounds as OpenSSL's ASN1_TIME_print: "Mar  1 12:00:00 2026 GMT"
 * (SSL_*_V_START, SSL_*_V_END), day of month padded with a space. */
const char *sslx_x509_not_before(apr_pool_t *p, gnutls_x509_crt_t crt);
const char *sslx_x509_not_after(apr_pool_t *p, gnutls_x509_crt_t crt);

/* Days until expiry as mod_ssl 2.4.71 computes SSL_*_V_REMAIN
 * (ASN1_TIME_diff from now to notAfter): whole days, rounded down; "0"
 * once that is not positive, or when notAfter is unreadable. */
const char *sslx_x509_days_remaining(apr_pool_t *p, gnutls_x509_crt_t crt,
                                     apr_time_t now);

/* OpenSSL long names (OBJ_nid2ln): "sha256WithRSAEncryption",
 * "ecdsa-with-SHA256", "ED25519", "rsassaPss" (SSL_*_A_SIG) and
 * "rsaEncryption", "id-ecPublicKey", "ED25519" (SSL_*_A_KEY); "UNKNOWN"
 * for an OID not in the table, as mod_ssl says for NID_undef. */
const char *sslx_x509_sig_alg(apr_pool_t *p, gnutls_x509_crt_t crt);
const char *sslx_x509_key_alg(apr_pool_t *p, gnutls_x509_crt_t crt);

/* The certificate as PEM text with OpenSSL's line layout, 64 columns and
 * a final newline (SSL_*_CERT, SSL_CLIENT_CERT_CHAIN_n), and as one line
 * of standard, padded base64 of the DER without any newline
 * (SSL_*_B64CERT, mod_ssl trunk's ExportBase64CertData). */
const char *sslx_x509_pem(apr_pool_t *p, const gnutls_datum_t *der);
const char *sslx_x509_b64(apr_pool_t *p, const gnutls_datum_t *der);

/* RFC 4523 CertificateExactAssertion as mod_ssl builds it:
 * { serialNumber <decimal>, issuer rdnSequence:"<issuer DN>" }
 * (SSL_CLIENT_CERT_RFC4523_CEA).  Unlike SSL_*_I_DN, the issuer here is
 * printed with the full XN_FLAG_RFC2253, so bytes >= 0x80 appear as \XX. */
const char *sslx_x509_rfc4523_cea(apr_pool_t *p, gnutls_x509_crt_t crt);

/* 1 when the certificate's notAfter is before now (or unreadable). */
int sslx_x509_is_expired(gnutls_x509_crt_t crt, apr_time_t now);

#endif /* SSLX_X509_H */
