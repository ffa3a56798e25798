/* sslx_asn1.h - ASN.1 string values printed the way OpenSSL prints them
 * (sslx_asn1.c), into a string that grows on a pool. */
#ifndef SSLX_ASN1_H
#define SSLX_ASN1_H

#include <apr_pools.h>
#include <gnutls/gnutls.h>

/* A string growing on a pool; buf is always NUL-terminated. */
typedef struct {
    apr_pool_t *p;
    char *buf;
    apr_size_t len;
    apr_size_t cap;
} sslx_asn1_buf_t;

/* Start an empty string on p. */
void sslx_asn1_buf_init(sslx_asn1_buf_t *sb, apr_pool_t *p);

/* Append n bytes of s, or the NUL-terminated s. */
void sslx_asn1_put(sslx_asn1_buf_t *sb, const char *s, apr_size_t n);
void sslx_asn1_puts(sslx_asn1_buf_t *sb, const char *s);

/* Append prefix, then the lowest digits hex digits of c, upper case. */
void sslx_asn1_put_hex(sslx_asn1_buf_t *sb, const char *prefix,
                       unsigned long c, int digits);

/* OpenSSL's ASN1_STRFLGS_* that mod_ssl uses, for sslx_asn1_print(). */
#define SSLX_ASN1_ESC_2253      0x0001  /* ASN1_STRFLGS_ESC_2253 */
#define SSLX_ASN1_ESC_CTRL      0x0002  /* ASN1_STRFLGS_ESC_CTRL */
#define SSLX_ASN1_ESC_MSB       0x0004  /* ASN1_STRFLGS_ESC_MSB */
#define SSLX_ASN1_UTF8          0x0010  /* ASN1_STRFLGS_UTF8_CONVERT */
#define SSLX_ASN1_DUMP_UNKNOWN  0x0020  /* ASN1_STRFLGS_DUMP_UNKNOWN
                                         * (+ DUMP_DER) */
#define SSLX_ASN1_DUMP_ALL      0x0040  /* ASN1_STRFLGS_DUMP_ALL
                                         * (+ DUMP_DER) */

/* X509_NAME_print_ex(XN_FLAG_RFC2253)'s flags for each value. */
#define SSLX_ASN1_RFC2253 \
    (SSLX_ASN1_ESC_2253 | SSLX_ASN1_ESC_CTRL | SSLX_ASN1_ESC_MSB \
     | SSLX_ASN1_UTF8 | SSLX_ASN1_DUMP_UNKNOWN)

/* Append the string value val of universal type tag (12 UTF8String, 19
 * PrintableString, 22 IA5String, 30 BMPString, ...) as
 * ASN1_STRING_print_ex(flags) prints it.  Returns 0, or -1 where OpenSSL
 * stops with an error (invalid UTF-8, a BMPString of odd length, ...):
 * what was printed up to there stays, as it does in OpenSSL's output. */
int sslx_asn1_print(sslx_asn1_buf_t *sb, const gnutls_datum_t *val,
                    unsigned long tag, int flags);

/* sslx_asn1_print() into a new string from p: "" when nothing was
 * printed, never NULL. */
const char *sslx_asn1_text(apr_pool_t *p, const gnutls_datum_t *val,
                           unsigned long tag, int flags);

/* The content of the DER element at the start of der (trailing bytes
 * are ignored, as OpenSSL's d2i ignores them) and its tag byte in *tag.
 * Returns 0, or -1 when the header is malformed or the length runs past
 * the end of der. */
int sslx_asn1_der_element(const gnutls_datum_t *der, unsigned char *tag,
                          gnutls_datum_t *content);

#endif /* SSLX_ASN1_H */
