/* sslx_cipher.c - cipher suite names: GnuTLS suites -> OpenSSL spelling.
 *
 * mod_ssl puts OpenSSL's name of the negotiated suite in SSL_CIPHER
 * ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"), and
 * mod_http2, mod_rewrite rules and log parsers compare those strings.
 * GnuTLS has its own names, so this file owns one static table, sorted by
 * the two IANA id bytes, from each suite GnuTLS 3.7 can negotiate to
 * OpenSSL's name and to what OpenSSL's cipher-list language knows of it
 * (sslx_compat.c uses that to translate SSLCipherSuite), and the lookup of
 * the id a session negotiated.  Only APR and GnuTLS are used here.
 */

#include <string.h>

#include <gnutls/gnutls.h>

#include "sslx_cipher.h"

typedef struct {
    unsigned char id[2];
    unsigned char flags;        /* SSLX_CIPHER_* */
    const char *name;           /* OpenSSL's name */
} sslx_cipher_name_t;

/* Generated data, not code: the ids and the suites are those that
 * `gnutls-cli -l` (GnuTLS 3.7.9) lists; the names, minimum versions,
 * strength classes and DEFAULT membership are those that
 * `openssl ciphers -V -stdname` (OpenSSL 3.0, legacy provider loaded,
 * @SECLEVEL=0) prints for the same ids.  That OpenSSL build leaves out the
 * RC4 and 3DES suites (no-weak-ssl-ciphers); their names come from the
 * *_CK_* and *_TXT_* definitions in <openssl/ssl3.h> and <openssl/tls1.h>,
 * rated MEDIUM and not DEFAULT as OpenSSL 1.1+ rates them, with the
 * minimum version OpenSSL gives the other suites of the same key
 * exchange.  0x00,0x66 is named as OpenSSL <= 1.0.2 named it; 0xC1,0x02
 * as OpenSSL names it with the GOST engine (no strength class: without
 * the engine OpenSSL's aliases never select it).  GnuTLS's 18
 * CAMELLIA-GCM suites have no OpenSSL name and are not here. */
#define V3  SSLX_CIPHER_SSLV3
#define V10 SSLX_CIPHER_TLSV1
#define V12 SSLX_CIPHER_TLSV1_2
#define V13 SSLX_CIPHER_TLSV1_3
#define HI  SSLX_CIPHER_HIGH
#define MED SSLX_CIPHER_MEDIUM
#define ND  SSLX_CIPHER_NOTDEFAULT

static const sslx_cipher_name_t cipher_names[] = {
    { { 0x00, 0x01 }, V3,             "NULL-MD5" },
    { { 0x00, 0x02 }, V3,             "NULL-SHA" },
    { { 0x00, 0x04 }, V3 | MED | ND,  "RC4-MD5" },
    { { 0x00, 0x05 }, V3 | MED | ND,  "RC4-SHA" },
    { { 0x00, 0x0A }, V3 | MED | ND,  "DES-CBC3-SHA" },
    { { 0x00, 0x13 }, V3 | MED | ND,  "DHE-DSS-DES-CBC3-SHA" },
    { { 0x00, 0x16 }, V3 | MED | ND,  "DHE-RSA-DES-CBC3-SHA" },
    { { 0x00, 0x18 }, V3 | MED | ND,  "ADH-RC4-MD5" },
    { { 0x00, 0x1B }, V3 | MED | ND,  "ADH-DES-CBC3-SHA" },
    { { 0x00, 0x2C }, V3,             "PSK-NULL-SHA" },
    { { 0x00, 0x2D }, V3,             "DHE-PSK-NULL-SHA" },
    { { 0x00, 0x2E }, V3,             "RSA-PSK-NULL-SHA" },
    { { 0x00, 0x2F }, V3 | HI,        "AES128-SHA" },
    { { 0x00, 0x32 }, V3 | HI | ND,   "DHE-DSS-AES128-SHA" },
    { { 0x00, 0x33 }, V3 | HI,        "DHE-RSA-AES128-SHA" },
    { { 0x00, 0x34 }, V3 | HI | ND,   "ADH-AES128-SHA" },
    { { 0x00, 0x35 }, V3 | HI,        "AES256-SHA" },
    { { 0x00, 0x38 }, V3 | HI | ND,   "DHE-DSS-AES256-SHA" },
    { { 0x00, 0x39 }, V3 | HI,        "DHE-RSA-AES256-SHA" },
    { { 0x00, 0x3A }, V3 | HI | ND,   "ADH-AES256-SHA" },
    { { 0x00, 0x3B }, V12,            "NULL-SHA256" },
    { { 0x00, 0x3C }, V12 | HI,       "AES128-SHA256" },
    { { 0x00, 0x3D }, V12 | HI,       "AES256-SHA256" },
    { { 0x00, 0x40 }, V12 | HI | ND,  "DHE-DSS-AES128-SHA256" },
    { { 0x00, 0x41 }, V3 | HI | ND,   "CAMELLIA128-SHA" },
    { { 0x00, 0x44 }, V3 | HI | ND,   "DHE-DSS-CAMELLIA128-SHA" },
    { { 0x00, 0x45 }, V3 | HI | ND,   "DHE-RSA-CAMELLIA128-SHA" },
    { { 0x00, 0x46 }, V3 | HI | ND,   "ADH-CAMELLIA128-SHA" },
    { { 0x00, 0x66 }, V10 | MED | ND, "DHE-DSS-RC4-SHA" },
    { { 0x00, 0x67 }, V12 | HI,       "DHE-RSA-AES128-SHA256" },
    { { 0x00, 0x6A }, V12 | HI | ND,  "DHE-DSS-AES256-SHA256" },
    { { 0x00, 0x6B }, V12 | HI,       "DHE-RSA-AES256-SHA256" },
    { { 0x00, 0x6C }, V12 | HI | ND,  "ADH-AES128-SHA256" },
    { { 0x00, 0x6D }, V12 | HI | ND,  "ADH-AES256-SHA256" },
    { { 0x00, 0x84 }, V3 | HI | ND,   "CAMELLIA256-SHA" },
    { { 0x00, 0x87 }, V3 | HI | ND,   "DHE-DSS-CAMELLIA256-SHA" },
    { { 0x00, 0x88 }, V3 | HI | ND,   "DHE-RSA-CAMELLIA256-SHA" },
    { { 0x00, 0x89 }, V3 | HI | ND,   "ADH-CAMELLIA256-SHA" },
    { { 0x00, 0x8A }, V3 | MED | ND,  "PSK-RC4-SHA" },
    { { 0x00, 0x8B }, V3 | MED | ND,  "PSK-3DES-EDE-CBC-SHA" },
    { { 0x00, 0x8C }, V3 | HI,        "PSK-AES128-CBC-SHA" },
    { { 0x00, 0x8D }, V3 | HI,        "PSK-AES256-CBC-SHA" },
    { { 0x00, 0x8E }, V3 | MED | ND,  "DHE-PSK-RC4-SHA" },
    { { 0x00, 0x8F }, V3 | MED | ND,  "DHE-PSK-3DES-EDE-CBC-SHA" },
    { { 0x00, 0x90 }, V3 | HI,        "DHE-PSK-AES128-CBC-SHA" },
    { { 0x00, 0x91 }, V3 | HI,        "DHE-PSK-AES256-CBC-SHA" },
    { { 0x00, 0x92 }, V3 | MED | ND,  "RSA-PSK-RC4-SHA" },
    { { 0x00, 0x93 }, V3 | MED | ND,  "RSA-PSK-3DES-EDE-CBC-SHA" },
    { { 0x00, 0x94 }, V3 | HI,        "RSA-PSK-AES128-CBC-SHA" },
    { { 0x00, 0x95 }, V3 | HI,        "RSA-PSK-AES256-CBC-SHA" },
    { { 0x00, 0x9C }, V12 | HI,       "AES128-GCM-SHA256" },
    { { 0x00, 0x9D }, V12 | HI,       "AES256-GCM-SHA384" },
    { { 0x00, 0x9E }, V12 | HI,       "DHE-RSA-AES128-GCM-SHA256" },
    { { 0x00, 0x9F }, V12 | HI,       "DHE-RSA-AES256-GCM-SHA384" },
    { { 0x00, 0xA2 }, V12 | HI | ND,  "DHE-DSS-AES128-GCM-SHA256" },
    { { 0x00, 0xA3 }, V12 | HI | ND,  "DHE-DSS-AES256-GCM-SHA384" },
    { { 0x00, 0xA6 }, V12 | HI | ND,  "ADH-AES128-GCM-SHA256" },
    { { 0x00, 0xA7 }, V12 | HI | ND,  "ADH-AES256-GCM-SHA384" },
    { { 0x00, 0xA8 }, V12 | HI,       "PSK-AES128-GCM-SHA256" },
    { { 0x00, 0xA9 }, V12 | HI,       "PSK-AES256-GCM-SHA384" },
    { { 0x00, 0xAA }, V12 | HI,       "DHE-PSK-AES128-GCM-SHA256" },
    { { 0x00, 0xAB }, V12 | HI,       "DHE-PSK-AES256-GCM-SHA384" },
    { { 0x00, 0xAC }, V12 | HI,       "RSA-PSK-AES128-GCM-SHA256" },
    { { 0x00, 0xAD }, V12 | HI,       "RSA-PSK-AES256-GCM-SHA384" },
    { { 0x00, 0xAE }, V10 | HI,       "PSK-AES128-CBC-SHA256" },
    { { 0x00, 0xAF }, V10 | HI,       "PSK-AES256-CBC-SHA384" },
    { { 0x00, 0xB0 }, V10,            "PSK-NULL-SHA256" },
    { { 0x00, 0xB1 }, V10,            "PSK-NULL-SHA384" },
    { { 0x00, 0xB2 }, V10 | HI,       "DHE-PSK-AES128-CBC-SHA256" },
    { { 0x00, 0xB3 }, V10 | HI,       "DHE-PSK-AES256-CBC-SHA384" },
    { { 0x00, 0xB4 }, V10,            "DHE-PSK-NULL-SHA256" },
    { { 0x00, 0xB5 }, V10,            "DHE-PSK-NULL-SHA384" },
    { { 0x00, 0xB6 }, V10 | HI,       "RSA-PSK-AES128-CBC-SHA256" },
    { { 0x00, 0xB7 }, V10 | HI,       "RSA-PSK-AES256-CBC-SHA384" },
    { { 0x00, 0xB8 }, V10,            "RSA-PSK-NULL-SHA256" },
    { { 0x00, 0xB9 }, V10,            "RSA-PSK-NULL-SHA384" },
    { { 0x00, 0xBA }, V12 | HI | ND,  "CAMELLIA128-SHA256" },
    { { 0x00, 0xBD }, V12 | HI | ND,  "DHE-DSS-CAMELLIA128-SHA256" },
    { { 0x00, 0xBE }, V12 | HI | ND,  "DHE-RSA-CAMELLIA128-SHA256" },
    { { 0x00, 0xBF }, V12 | HI | ND,  "ADH-CAMELLIA128-SHA256" },
    { { 0x00, 0xC0 }, V12 | HI | ND,  "CAMELLIA256-SHA256" },
    { { 0x00, 0xC3 }, V12 | HI | ND,  "DHE-DSS-CAMELLIA256-SHA256" },
    { { 0x00, 0xC4 }, V12 | HI | ND,  "DHE-RSA-CAMELLIA256-SHA256" },
    { { 0x00, 0xC5 }, V12 | HI | ND,  "ADH-CAMELLIA256-SHA256" },
    { { 0x13, 0x01 }, V13,            "TLS_AES_128_GCM_SHA256" },
    { { 0x13, 0x02 }, V13,            "TLS_AES_256_GCM_SHA384" },
    { { 0x13, 0x03 }, V13,            "TLS_CHACHA20_POLY1305_SHA256" },
    { { 0x13, 0x04 }, V13,            "TLS_AES_128_CCM_SHA256" },
    { { 0x13, 0x05 }, V13,            "TLS_AES_128_CCM_8_SHA256" },
    { { 0xC0, 0x06 }, V10,            "ECDHE-ECDSA-NULL-SHA" },
    { { 0xC0, 0x07 }, V10 | MED | ND, "ECDHE-ECDSA-RC4-SHA" },
    { { 0xC0, 0x08 }, V10 | MED | ND, "ECDHE-ECDSA-DES-CBC3-SHA" },
    { { 0xC0, 0x09 }, V10 | HI,       "ECDHE-ECDSA-AES128-SHA" },
    { { 0xC0, 0x0A }, V10 | HI,       "ECDHE-ECDSA-AES256-SHA" },
    { { 0xC0, 0x10 }, V10,            "ECDHE-RSA-NULL-SHA" },
    { { 0xC0, 0x11 }, V10 | MED | ND, "ECDHE-RSA-RC4-SHA" },
    { { 0xC0, 0x12 }, V10 | MED | ND, "ECDHE-RSA-DES-CBC3-SHA" },
    { { 0xC0, 0x13 }, V10 | HI,       "ECDHE-RSA-AES128-SHA" },
    { { 0xC0, 0x14 }, V10 | HI,       "ECDHE-RSA-AES256-SHA" },
    { { 0xC0, 0x15 }, V10,            "AECDH-NULL-SHA" },
    { { 0xC0, 0x16 }, V10 | MED | ND, "AECDH-RC4-SHA" },
    { { 0xC0, 0x17 }, V10 | MED | ND, "AECDH-DES-CBC3-SHA" },
    { { 0xC0, 0x18 }, V10 | HI | ND,  "AECDH-AES128-SHA" },
    { { 0xC0, 0x19 }, V10 | HI | ND,  "AECDH-AES256-SHA" },
    { { 0xC0, 0x1A }, V3 | MED | ND,  "SRP-3DES-EDE-CBC-SHA" },
    { { 0xC0, 0x1B }, V3 | MED | ND,  "SRP-RSA-3DES-EDE-CBC-SHA" },
    { { 0xC0, 0x1C }, V3 | MED | ND,  "SRP-DSS-3DES-EDE-CBC-SHA" },
    { { 0xC0, 0x1D }, V3 | HI,        "SRP-AES-128-CBC-SHA" },
    { { 0xC0, 0x1E }, V3 | HI,        "SRP-RSA-AES-128-CBC-SHA" },
    { { 0xC0, 0x1F }, V3 | HI | ND,   "SRP-DSS-AES-128-CBC-SHA" },
    { { 0xC0, 0x20 }, V3 | HI,        "SRP-AES-256-CBC-SHA" },
    { { 0xC0, 0x21 }, V3 | HI,        "SRP-RSA-AES-256-CBC-SHA" },
    { { 0xC0, 0x22 }, V3 | HI | ND,   "SRP-DSS-AES-256-CBC-SHA" },
    { { 0xC0, 0x23 }, V12 | HI,       "ECDHE-ECDSA-AES128-SHA256" },
    { { 0xC0, 0x24 }, V12 | HI,       "ECDHE-ECDSA-AES256-SHA384" },
    { { 0xC0, 0x27 }, V12 | HI,       "ECDHE-RSA-AES128-SHA256" },
    { { 0xC0, 0x28 }, V12 | HI,       "ECDHE-RSA-AES256-SHA384" },
    { { 0xC0, 0x2B }, V12 | HI,       "ECDHE-ECDSA-AES128-GCM-SHA256" },
    { { 0xC0, 0x2C }, V12 | HI,       "ECDHE-ECDSA-AES256-GCM-SHA384" },
    { { 0xC0, 0x2F }, V12 | HI,       "ECDHE-RSA-AES128-GCM-SHA256" },
    { { 0xC0, 0x30 }, V12 | HI,       "ECDHE-RSA-AES256-GCM-SHA384" },
    { { 0xC0, 0x33 }, V10 | MED | ND, "ECDHE-PSK-RC4-SHA" },
    { { 0xC0, 0x34 }, V10 | MED | ND, "ECDHE-PSK-3DES-EDE-CBC-SHA" },
    { { 0xC0, 0x35 }, V10 | HI,       "ECDHE-PSK-AES128-CBC-SHA" },
    { { 0xC0, 0x36 }, V10 | HI,       "ECDHE-PSK-AES256-CBC-SHA" },
    { { 0xC0, 0x37 }, V10 | HI,       "ECDHE-PSK-AES128-CBC-SHA256" },
    { { 0xC0, 0x38 }, V10 | HI,       "ECDHE-PSK-AES256-CBC-SHA384" },
    { { 0xC0, 0x39 }, V10,            "ECDHE-PSK-NULL-SHA" },
    { { 0xC0, 0x3A }, V10,            "ECDHE-PSK-NULL-SHA256" },
    { { 0xC0, 0x3B }, V10,            "ECDHE-PSK-NULL-SHA384" },
    { { 0xC0, 0x72 }, V12 | HI | ND,  "ECDHE-ECDSA-CAMELLIA128-SHA256" },
    { { 0xC0, 0x73 }, V12 | HI | ND,  "ECDHE-ECDSA-CAMELLIA256-SHA384" },
    { { 0xC0, 0x76 }, V12 | HI | ND,  "ECDHE-RSA-CAMELLIA128-SHA256" },
    { { 0xC0, 0x77 }, V12 | HI | ND,  "ECDHE-RSA-CAMELLIA256-SHA384" },
    { { 0xC0, 0x94 }, V10 | HI | ND,  "PSK-CAMELLIA128-SHA256" },
    { { 0xC0, 0x95 }, V10 | HI | ND,  "PSK-CAMELLIA256-SHA384" },
    { { 0xC0, 0x96 }, V10 | HI | ND,  "DHE-PSK-CAMELLIA128-SHA256" },
    { { 0xC0, 0x97 }, V10 | HI | ND,  "DHE-PSK-CAMELLIA256-SHA384" },
    { { 0xC0, 0x98 }, V10 | HI | ND,  "RSA-PSK-CAMELLIA128-SHA256" },
    { { 0xC0, 0x99 }, V10 | HI | ND,  "RSA-PSK-CAMELLIA256-SHA384" },
    { { 0xC0, 0x9A }, V10 | HI | ND,  "ECDHE-PSK-CAMELLIA128-SHA256" },
    { { 0xC0, 0x9B }, V10 | HI | ND,  "ECDHE-PSK-CAMELLIA256-SHA384" },
    { { 0xC0, 0x9C }, V12 | HI | ND,  "AES128-CCM" },
    { { 0xC0, 0x9D }, V12 | HI | ND,  "AES256-CCM" },
    { { 0xC0, 0x9E }, V12 | HI | ND,  "DHE-RSA-AES128-CCM" },
    { { 0xC0, 0x9F }, V12 | HI | ND,  "DHE-RSA-AES256-CCM" },
    { { 0xC0, 0xA0 }, V12 | HI | ND,  "AES128-CCM8" },
    { { 0xC0, 0xA1 }, V12 | HI | ND,  "AES256-CCM8" },
    { { 0xC0, 0xA2 }, V12 | HI | ND,  "DHE-RSA-AES128-CCM8" },
    { { 0xC0, 0xA3 }, V12 | HI | ND,  "DHE-RSA-AES256-CCM8" },
    { { 0xC0, 0xA4 }, V12 | HI | ND,  "PSK-AES128-CCM" },
    { { 0xC0, 0xA5 }, V12 | HI | ND,  "PSK-AES256-CCM" },
    { { 0xC0, 0xA6 }, V12 | HI | ND,  "DHE-PSK-AES128-CCM" },
    { { 0xC0, 0xA7 }, V12 | HI | ND,  "DHE-PSK-AES256-CCM" },
    { { 0xC0, 0xA8 }, V12 | HI | ND,  "PSK-AES128-CCM8" },
    { { 0xC0, 0xA9 }, V12 | HI | ND,  "PSK-AES256-CCM8" },
    { { 0xC0, 0xAA }, V12 | HI | ND,  "DHE-PSK-AES128-CCM8" },
    { { 0xC0, 0xAB }, V12 | HI | ND,  "DHE-PSK-AES256-CCM8" },
    { { 0xC0, 0xAC }, V12 | HI | ND,  "ECDHE-ECDSA-AES128-CCM" },
    { { 0xC0, 0xAD }, V12 | HI | ND,  "ECDHE-ECDSA-AES256-CCM" },
    { { 0xC0, 0xAE }, V12 | HI | ND,  "ECDHE-ECDSA-AES128-CCM8" },
    { { 0xC0, 0xAF }, V12 | HI | ND,  "ECDHE-ECDSA-AES256-CCM8" },
    { { 0xC1, 0x02 }, V12 | ND,       "IANA-GOST2012-GOST8912-GOST8912" },
    { { 0xCC, 0xA8 }, V12 | HI,       "ECDHE-RSA-CHACHA20-POLY1305" },
    { { 0xCC, 0xA9 }, V12 | HI,       "ECDHE-ECDSA-CHACHA20-POLY1305" },
    { { 0xCC, 0xAA }, V12 | HI,       "DHE-RSA-CHACHA20-POLY1305" },
    { { 0xCC, 0xAB }, V12 | HI,       "PSK-CHACHA20-POLY1305" },
    { { 0xCC, 0xAC }, V12 | HI,       "ECDHE-PSK-CHACHA20-POLY1305" },
    { { 0xCC, 0xAD }, V12 | HI,       "DHE-PSK-CHACHA20-POLY1305" },
    { { 0xCC, 0xAE }, V12 | HI,       "RSA-PSK-CHACHA20-POLY1305" },
};

#undef V3
#undef V10
#undef V12
#undef V13
#undef HI
#undef MED
#undef ND

#define CIPHER_NAMES_N (sizeof(cipher_names) / sizeof(cipher_names[0]))

static int id_cmp(const unsigned char a[2], const unsigned char b[2])
{
    return ((int)a[0] << 8 | a[1]) - ((int)b[0] << 8 | b[1]);
}

static const sslx_cipher_name_t *cipher_find(const unsigned char id[2])
{
    size_t lo = 0, hi = CIPHER_NAMES_N;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = id_cmp(id, cipher_names[mid].id);

        if (c == 0) {
            return &cipher_names[mid];
        }
        if (c < 0) {
            hi = mid;
        }
        else {
            lo = mid + 1;
        }
    }
    return NULL;
}

const char *sslx_cipher_openssl_info(const unsigned char id[2],
                                     unsigned int *flags)
{
    const sslx_cipher_name_t *e = cipher_find(id);

    if (flags) {
        *flags = e ? e->flags : 0;
    }
    return e ? e->name : NULL;
}

const char *sslx_cipher_openssl_name(const unsigned char id[2])
{
    const sslx_cipher_name_t *e = cipher_find(id);

    return e ? e->name : NULL;
}

/* GnuTLS 3.7 has no call that returns the negotiated suite's id, but its
 * suite table (gnutls_cipher_suite_info) does, keyed by the algorithms.
 * TLS 1.2 and older: a suite is a key exchange, a cipher and a MAC, and
 * gnutls_kx_get/gnutls_cipher_get/gnutls_mac_get name all three.  TLS 1.3:
 * the suite is the AEAD cipher alone (its table entries have no key
 * exchange and the MAC "AEAD"), while gnutls_kx_get reports the (EC)DHE
 * or PSK mode used.  The scan stops at the match, within ~190 entries. */
int sslx_cipher_session_id(gnutls_session_t session, unsigned char id[2])
{
    gnutls_protocol_t version = gnutls_protocol_get_version(session);
    gnutls_cipher_algorithm_t cipher = gnutls_cipher_get(session);
    gnutls_kx_algorithm_t kx, skx;
    gnutls_cipher_algorithm_t scipher;
    gnutls_mac_algorithm_t mac, smac;
    gnutls_protocol_t sversion;
    unsigned char sid[2];
    size_t i;

    if (version == GNUTLS_VERSION_UNKNOWN || cipher == GNUTLS_CIPHER_UNKNOWN) {
        return GNUTLS_E_INVALID_REQUEST;
    }
    if (version == GNUTLS_TLS1_3) {
        kx = GNUTLS_KX_UNKNOWN;
        mac = GNUTLS_MAC_AEAD;
    }
    else {
        kx = gnutls_kx_get(session);
        mac = gnutls_mac_get(session);
    }
    for (i = 0; gnutls_cipher_suite_info(i, sid, &skx, &scipher, &smac,
                                         &sversion) != NULL; i++) {
        if (skx == kx && scipher == cipher && smac == mac) {
            id[0] = sid[0];
            id[1] = sid[1];
            return 0;
        }
    }
    return GNUTLS_E_INVALID_REQUEST;
}
