/* sslx_x509.c - X.509 facts in mod_ssl's spelling.
 *
 * This file owns the translation of a GnuTLS certificate into the strings
 * mod_ssl puts into SSL_{SERVER,CLIENT}_* variables: DNs, DN components,
 * subjectAltName entries, serial, validity, algorithm names, PEM/base64
 * and the RFC 4523 assertion.  mod_ssl produces them with OpenSSL's
 * printers (X509_NAME_print_ex, ASN1_STRING_print_ex, i2a_ASN1_INTEGER,
 * ASN1_TIME_print, OBJ_nid2ln), so the string escaping below reproduces
 * those printers' rules, byte for byte, from the raw DER values GnuTLS
 * hands out.  Only APR and GnuTLS are used: nothing here knows about
 * connections or requests, and all results come from the caller's pool.
 */

#include <string.h>
#include <strings.h>

#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "sslx_x509.h"

/* --------------------------------------------------------------------
 * OID tables (OpenSSL's names for the OIDs, from its objects table)
 */

typedef struct {
    const char *oid;
    const char *name;
} sslx_oid_name_t;

/* Attribute types OpenSSL knows, with the short name X509_NAME_print_ex
 * shows (XN_FLAG_FN_SN).  An OID missing here prints as dotted.oid=#hex. */
static const sslx_oid_name_t dn_short_names[] = {
    { "2.5.4.3", "CN" },                { "2.5.4.4", "SN" },
    { "2.5.4.5", "serialNumber" },      { "2.5.4.6", "C" },
    { "2.5.4.7", "L" },                 { "2.5.4.8", "ST" },
    { "2.5.4.9", "street" },            { "2.5.4.10", "O" },
    { "2.5.4.11", "OU" },               { "2.5.4.12", "title" },
    { "2.5.4.13", "description" },      { "2.5.4.14", "searchGuide" },
    { "2.5.4.15", "businessCategory" }, { "2.5.4.16", "postalAddress" },
    { "2.5.4.17", "postalCode" },       { "2.5.4.18", "postOfficeBox" },
    { "2.5.4.19", "physicalDeliveryOfficeName" },
    { "2.5.4.20", "telephoneNumber" },  { "2.5.4.21", "telexNumber" },
    { "2.5.4.22", "teletexTerminalIdentifier" },
    { "2.5.4.23", "facsimileTelephoneNumber" },
    { "2.5.4.24", "x121Address" },
    { "2.5.4.25", "internationaliSDNNumber" },
    { "2.5.4.26", "registeredAddress" },
    { "2.5.4.27", "destinationIndicator" },
    { "2.5.4.28", "preferredDeliveryMethod" },
    { "2.5.4.29", "presentationAddress" },
    { "2.5.4.30", "supportedApplicationContext" },
    { "2.5.4.31", "member" },           { "2.5.4.32", "owner" },
    { "2.5.4.33", "roleOccupant" },     { "2.5.4.34", "seeAlso" },
    { "2.5.4.35", "userPassword" },     { "2.5.4.36", "userCertificate" },
    { "2.5.4.37", "cACertificate" },
    { "2.5.4.38", "authorityRevocationList" },
    { "2.5.4.39", "certificateRevocationList" },
    { "2.5.4.40", "crossCertificatePair" },
    { "2.5.4.41", "name" },             { "2.5.4.42", "GN" },
    { "2.5.4.43", "initials" },         { "2.5.4.44", "generationQualifier" },
    { "2.5.4.45", "x500UniqueIdentifier" },
    { "2.5.4.46", "dnQualifier" },      { "2.5.4.47", "enhancedSearchGuide" },
    { "2.5.4.48", "protocolInformation" },
    { "2.5.4.49", "distinguishedName" }, { "2.5.4.50", "uniqueMember" },
    { "2.5.4.51", "houseIdentifier" },  { "2.5.4.52", "supportedAlgorithms" },
    { "2.5.4.53", "deltaRevocationList" }, { "2.5.4.54", "dmdName" },
    { "2.5.4.65", "pseudonym" },        { "2.5.4.72", "role" },
    { "2.5.4.97", "organizationIdentifier" },
    { "2.5.4.98", "c3" },               { "2.5.4.99", "n3" },
    { "2.5.4.100", "dnsName" },
    { "1.2.840.113549.1.9.1", "emailAddress" },
    { "1.2.840.113549.1.9.2", "unstructuredName" },
    { "1.2.840.113549.1.9.3", "contentType" },
    { "1.2.840.113549.1.9.4", "messageDigest" },
    { "1.2.840.113549.1.9.5", "signingTime" },
    { "1.2.840.113549.1.9.6", "countersignature" },
    { "1.2.840.113549.1.9.7", "challengePassword" },
    { "1.2.840.113549.1.9.8", "unstructuredAddress" },
    { "1.2.840.113549.1.9.9", "extendedCertificateAttributes" },
    { "1.2.840.113549.1.9.14", "extReq" },
    { "1.2.840.113549.1.9.15", "SMIME-CAPS" },
    { "1.2.840.113549.1.9.20", "friendlyName" },
    { "1.2.840.113549.1.9.21", "localKeyID" },
    { "0.9.2342.19200300.100.1.1", "UID" },
    { "0.9.2342.19200300.100.1.2", "textEncodedORAddress" },
    { "0.9.2342.19200300.100.1.3", "mail" },
    { "0.9.2342.19200300.100.1.4", "info" },
    { "0.9.2342.19200300.100.1.5", "favouriteDrink" },
    { "0.9.2342.19200300.100.1.6", "roomNumber" },
    { "0.9.2342.19200300.100.1.7", "photo" },
    { "0.9.2342.19200300.100.1.8", "userClass" },
    { "0.9.2342.19200300.100.1.9", "host" },
    { "0.9.2342.19200300.100.1.10", "manager" },
    { "0.9.2342.19200300.100.1.11", "documentIdentifier" },
    { "0.9.2342.19200300.100.1.12", "documentTitle" },
    { "0.9.2342.19200300.100.1.13", "documentVersion" },
    { "0.9.2342.19200300.100.1.14", "documentAuthor" },
    { "0.9.2342.19200300.100.1.15", "documentLocation" },
    { "0.9.2342.19200300.100.1.20", "homeTelephoneNumber" },
    { "0.9.2342.19200300.100.1.21", "secretary" },
    { "0.9.2342.19200300.100.1.22", "otherMailbox" },
    { "0.9.2342.19200300.100.1.23", "lastModifiedTime" },
    { "0.9.2342.19200300.100.1.24", "lastModifiedBy" },
    { "0.9.2342.19200300.100.1.25", "DC" },
    { "0.9.2342.19200300.100.1.26", "aRecord" },
    { "0.9.2342.19200300.100.1.27", "pilotAttributeType27" },
    { "0.9.2342.19200300.100.1.28", "mXRecord" },
    { "0.9.2342.19200300.100.1.29", "nSRecord" },
    { "0.9.2342.19200300.100.1.30", "sOARecord" },
    { "0.9.2342.19200300.100.1.31", "cNAMERecord" },
    { "0.9.2342.19200300.100.1.37", "associatedDomain" },
    { "0.9.2342.19200300.100.1.38", "associatedName" },
    { "0.9.2342.19200300.100.1.39", "homePostalAddress" },
    { "0.9.2342.19200300.100.1.40", "personalTitle" },
    { "0.9.2342.19200300.100.1.41", "mobileTelephoneNumber" },
    { "0.9.2342.19200300.100.1.42", "pagerTelephoneNumber" },
    { "0.9.2342.19200300.100.1.43", "friendlyCountryName" },
    { "0.9.2342.19200300.100.1.44", "uid" },
    { "0.9.2342.19200300.100.1.45", "organizationalStatus" },
    { "0.9.2342.19200300.100.1.46", "janetMailbox" },
    { "0.9.2342.19200300.100.1.47", "mailPreferenceOption" },
    { "0.9.2342.19200300.100.1.48", "buildingName" },
    { "0.9.2342.19200300.100.1.49", "dSAQuality" },
    { "0.9.2342.19200300.100.1.50", "singleLevelQuality" },
    { "0.9.2342.19200300.100.1.51", "subtreeMinimumQuality" },
    { "0.9.2342.19200300.100.1.52", "subtreeMaximumQuality" },
    { "0.9.2342.19200300.100.1.53", "personalSignature" },
    { "0.9.2342.19200300.100.1.54", "dITRedirect" },
    { "0.9.2342.19200300.100.1.55", "audio" },
    { "0.9.2342.19200300.100.1.56", "documentPublisher" },
    { "1.3.6.1.5.5.7.9.1", "id-pda-dateOfBirth" },
    { "1.3.6.1.5.5.7.9.2", "id-pda-placeOfBirth" },
    { "1.3.6.1.5.5.7.9.3", "id-pda-gender" },
    { "1.3.6.1.5.5.7.9.4", "id-pda-countryOfCitizenship" },
    { "1.3.6.1.5.5.7.9.5", "id-pda-countryOfResidence" },
    { "1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL" },
    { "1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST" },
    { "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC" },
    { "1.2.643.3.131.1.1", "INN" },
    { "1.2.643.100.1", "OGRN" },
    { "1.2.643.100.3", "SNILS" },
    { "1.2.643.100.5", "OGRNIP" },
    { "1.2.643.100.111", "subjectSignTool" },
    { "1.2.643.100.112", "issuerSignTool" },
    { NULL, NULL }
};

/* Signature and public-key algorithms with OpenSSL's long names, as
 * OBJ_nid2ln gives them for SSL_*_A_SIG and SSL_*_A_KEY. */
static const sslx_oid_name_t alg_long_names[] = {
    { "1.2.840.113549.1.1.1", "rsaEncryption" },
    { "1.2.840.113549.1.1.2", "md2WithRSAEncryption" },
    { "1.2.840.113549.1.1.3", "md4WithRSAEncryption" },
    { "1.2.840.113549.1.1.4", "md5WithRSAEncryption" },
    { "1.2.840.113549.1.1.5", "sha1WithRSAEncryption" },
    { "1.2.840.113549.1.1.10", "rsassaPss" },
    { "1.2.840.113549.1.1.11", "sha256WithRSAEncryption" },
    { "1.2.840.113549.1.1.12", "sha384WithRSAEncryption" },
    { "1.2.840.113549.1.1.13", "sha512WithRSAEncryption" },
    { "1.2.840.113549.1.1.14", "sha224WithRSAEncryption" },
    { "1.2.840.113549.1.1.15", "sha512-224WithRSAEncryption" },
    { "1.2.840.113549.1.1.16", "sha512-256WithRSAEncryption" },
    { "2.16.840.1.101.3.4.3.13", "RSA-SHA3-224" },
    { "2.16.840.1.101.3.4.3.14", "RSA-SHA3-256" },
    { "2.16.840.1.101.3.4.3.15", "RSA-SHA3-384" },
    { "2.16.840.1.101.3.4.3.16", "RSA-SHA3-512" },
    { "1.3.14.3.2.3", "md5WithRSA" },
    { "1.3.14.3.2.15", "shaWithRSAEncryption" },
    { "1.3.14.3.2.29", "sha1WithRSA" },
    { "2.5.8.1.1", "rsa" },
    { "1.2.840.10045.2.1", "id-ecPublicKey" },
    { "1.2.840.10045.4.1", "ecdsa-with-SHA1" },
    { "1.2.840.10045.4.3.1", "ecdsa-with-SHA224" },
    { "1.2.840.10045.4.3.2", "ecdsa-with-SHA256" },
    { "1.2.840.10045.4.3.3", "ecdsa-with-SHA384" },
    { "1.2.840.10045.4.3.4", "ecdsa-with-SHA512" },
    { "2.16.840.1.101.3.4.3.9", "ecdsa_with_SHA3-224" },
    { "2.16.840.1.101.3.4.3.10", "ecdsa_with_SHA3-256" },
    { "2.16.840.1.101.3.4.3.11", "ecdsa_with_SHA3-384" },
    { "2.16.840.1.101.3.4.3.12", "ecdsa_with_SHA3-512" },
    { "1.2.840.10040.4.1", "dsaEncryption" },
    { "1.2.840.10040.4.3", "dsaWithSHA1" },
    { "1.3.14.3.2.12", "dsaEncryption-old" },
    { "1.3.14.3.2.13", "dsaWithSHA" },
    { "1.3.14.3.2.27", "dsaWithSHA1-old" },
    { "2.16.840.1.101.3.4.3.1", "dsa_with_SHA224" },
    { "2.16.840.1.101.3.4.3.2", "dsa_with_SHA256" },
    { "2.16.840.1.101.3.4.3.3", "dsa_with_SHA384" },
    { "2.16.840.1.101.3.4.3.4", "dsa_with_SHA512" },
    { "2.16.840.1.101.3.4.3.5", "dsa_with_SHA3-224" },
    { "2.16.840.1.101.3.4.3.6", "dsa_with_SHA3-256" },
    { "2.16.840.1.101.3.4.3.7", "dsa_with_SHA3-384" },
    { "2.16.840.1.101.3.4.3.8", "dsa_with_SHA3-512" },
    { "1.3.101.110", "X25519" },
    { "1.3.101.111", "X448" },
    { "1.3.101.112", "ED25519" },
    { "1.3.101.113", "ED448" },
    { "1.2.840.113549.1.3.1", "dhKeyAgreement" },
    { "1.2.840.10046.2.1", "X9.42 DH" },
    { "1.2.643.2.2.3", "GOST R 34.11-94 with GOST R 34.10-2001" },
    { "1.2.643.2.2.4", "GOST R 34.11-94 with GOST R 34.10-94" },
    { "1.2.643.2.2.19", "GOST R 34.10-2001" },
    { "1.2.643.2.2.20", "GOST R 34.10-94" },
    { "1.2.643.7.1.1.1.1", "GOST R 34.10-2012 with 256 bit modulus" },
    { "1.2.643.7.1.1.1.2", "GOST R 34.10-2012 with 512 bit modulus" },
    { "1.2.643.7.1.1.3.2",
      "GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)" },
    { "1.2.643.7.1.1.3.3",
      "GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)" },
    { "1.2.156.10197.1.301", "sm2" },
    { "1.2.156.10197.1.501", "SM2-with-SM3" },
    { NULL, NULL }
};

/* mod_ssl's DN component names (ssl_engine_vars.c, 2.4.71) and whether
 * +StdEnvVars exports them; SP is a lookup-only alias of ST. */
static const struct {
    const char *name;
    const char *oid;
    int export;
} dn_components[] = {
    { "C",     "2.5.4.6",                    1 },
    { "ST",    "2.5.4.8",                    1 },
    { "SP",    "2.5.4.8",                    0 },
    { "L",     "2.5.4.7",                    1 },
    { "O",     "2.5.4.10",                   1 },
    { "OU",    "2.5.4.11",                   1 },
    { "CN",    "2.5.4.3",                    1 },
    { "T",     "2.5.4.12",                   1 },
    { "I",     "2.5.4.43",                   1 },
    { "G",     "2.5.4.42",                   1 },
    { "S",     "2.5.4.4",                    1 },
    { "D",     "2.5.4.13",                   1 },
    { "SerialNumber", "2.5.4.5",             1 },
    { "UID",   "0.9.2342.19200300.100.1.1",  1 },
    { "Email", "1.2.840.113549.1.9.1",       1 },
    { NULL,    NULL,                         0 }
};

#define SSLX_NUM_DN_COMPONENTS \
    (sizeof(dn_components) / sizeof(dn_components[0]) - 1)

#define SSLX_OID_MS_UPN   "1.3.6.1.4.1.311.20.2.3"
#define SSLX_OID_DNS_SRV  "1.3.6.1.5.5.7.8.7"
#define SSLX_OID_SAN      "2.5.29.17"

static const char *oid_name(const sslx_oid_name_t *table, const char *oid)
{
    int i;

    for (i = 0; table[i].oid != NULL; i++) {
        if (strcmp(table[i].oid, oid) == 0) {
            return table[i].name;
        }
    }
    return NULL;
}

/* --------------------------------------------------------------------
 * A growing string on a pool
 */

typedef struct {
    apr_pool_t *p;
    char *buf;
    apr_size_t len;
    apr_size_t cap;
} sslx_sbuf_t;

static void sb_init(sslx_sbuf_t *sb, apr_pool_t *p)
{
    sb->p = p;
    sb->cap = 128;
    sb->buf = apr_palloc(p, sb->cap);
    sb->len = 0;
    sb->buf[0] = '\0';
}

static void sb_put(sslx_sbuf_t *sb, const char *s, apr_size_t n)
{
    if (sb->len + n + 1 > sb->cap) {
        apr_size_t cap = (sb->len + n + 1) * 2;
        char *nbuf = apr_palloc(sb->p, cap);

        memcpy(nbuf, sb->buf, sb->len);
        sb->buf = nbuf;
        sb->cap = cap;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

static void sb_puts(sslx_sbuf_t *sb, const char *s)
{
    sb_put(sb, s, strlen(s));
}

static const char hexdigits[] = "0123456789ABCDEF";

/* Upper-case hex of n bits of c, after the given prefix. */
static void sb_hex(sslx_sbuf_t *sb, const char *prefix, unsigned long c,
                   int digits)
{
    char tmp[16];
    int i;

    sb_puts(sb, prefix);
    for (i = 0; i < digits; i++) {
        tmp[i] = hexdigits[(c >> (4 * (digits - 1 - i))) & 0x0f];
    }
    sb_put(sb, tmp, digits);
}

/* --------------------------------------------------------------------
 * OpenSSL's string printer (ASN1_STRING_print_ex / do_esc_char), for the
 * flag combinations mod_ssl uses.
 */

#define SSLX_ESC_2253   0x0001  /* ASN1_STRFLGS_ESC_2253 */
#define SSLX_ESC_CTRL   0x0002  /* ASN1_STRFLGS_ESC_CTRL */
#define SSLX_ESC_MSB    0x0004  /* ASN1_STRFLGS_ESC_MSB */
#define SSLX_UTF8       0x0010  /* ASN1_STRFLGS_UTF8_CONVERT */
#define SSLX_DUMP_UNKN  0x0020  /* ASN1_STRFLGS_DUMP_UNKNOWN (+ DUMP_DER) */
#define SSLX_DUMP_ALL   0x0040  /* ASN1_STRFLGS_DUMP_ALL (+ DUMP_DER) */
#define SSLX_FIRST      0x0100  /* first character of the value */
#define SSLX_LAST       0x0200  /* last character of the value */

/* X509_NAME_print_ex(XN_FLAG_RFC2253) value flags */
#define SSLX_RFC2253 \
    (SSLX_ESC_2253 | SSLX_ESC_CTRL | SSLX_ESC_MSB | SSLX_UTF8 | SSLX_DUMP_UNKN)
/* mod_ssl's asn1_string_convert(): control characters escaped only */
#define SSLX_TEXT       (SSLX_ESC_CTRL | SSLX_UTF8)

/* One character of at most 8 bits, escaped as do_esc_char does. */
static void esc_byte(sslx_sbuf_t *sb, unsigned int c, int flags)
{
    char ch = (char)c;

    if (c > 0x7f) {
        if (flags & SSLX_ESC_MSB) {
            sb_hex(sb, "\\", c, 2);
        }
        else {
            sb_put(sb, &ch, 1);
        }
    }
    else if (((flags & SSLX_ESC_2253) && c != 0
              && strchr(",+\"\\<>;", (int)c) != NULL)
             || ((flags & SSLX_FIRST) && (c == ' ' || c == '#'))
             || ((flags & SSLX_LAST) && c == ' ')) {
        sb_put(sb, "\\", 1);
        sb_put(sb, &ch, 1);
    }
    else if ((flags & SSLX_ESC_CTRL) && (c < 0x20 || c == 0x7f)) {
        sb_hex(sb, "\\", c, 2);
    }
    else if (c == '\\'
             && (flags & (SSLX_ESC_2253 | SSLX_ESC_CTRL | SSLX_ESC_MSB))) {
        sb_put(sb, "\\\\", 2);
    }
    else {
        sb_put(sb, &ch, 1);
    }
}

/* One character, either converted to UTF-8 first (each byte escaped) or
 * printed as a code point (\UXXXX, \WXXXXXXXX above 8 bits). */
static void esc_char(sslx_sbuf_t *sb, unsigned long c, int flags,
                     int to_utf8)
{
    unsigned char u[4];
    int i, n;

    if (!to_utf8) {
        if (c > 0xffff) {
            sb_hex(sb, "\\W", c, 8);
        }
        else if (c > 0xff) {
            sb_hex(sb, "\\U", c, 4);
        }
        else {
            esc_byte(sb, (unsigned int)c, flags);
        }
        return;
    }
    if (c < 0x80) {
        u[0] = (unsigned char)c;
        n = 1;
    }
    else if (c < 0x800) {
        u[0] = (unsigned char)(0xc0 | (c >> 6));
        u[1] = (unsigned char)(0x80 | (c & 0x3f));
        n = 2;
    }
    else if (c < 0x10000) {
        if (c >= 0xd800 && c <= 0xdfff) {
            return;             /* OpenSSL drops lone surrogates */
        }
        u[0] = (unsigned char)(0xe0 | (c >> 12));
        u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
        u[2] = (unsigned char)(0x80 | (c & 0x3f));
        n = 3;
    }
    else if (c < 0x110000) {
        u[0] = (unsigned char)(0xf0 | (c >> 18));
        u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
        u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
        u[3] = (unsigned char)(0x80 | (c & 0x3f));
        n = 4;
    }
    else {
        return;                 /* beyond Unicode: dropped as well */
    }
    for (i = 0; i < n; i++) {
        esc_byte(sb, u[i], flags);
    }
}

/* Decode one UTF-8 character as OpenSSL's UTF8_getc does; returns its
 * length or 0 when the sequence is invalid. */
static apr_size_t utf8_get(const unsigned char *s, apr_size_t n,
                           unsigned long *c)
{
    apr_size_t len, i;
    unsigned long min;

    if (s[0] < 0x80) {
        *c = s[0];
        return 1;
    }
    else if ((s[0] & 0xe0) == 0xc0) {
        len = 2;
        min = 0x80;
        *c = s[0] & 0x1f;
    }
    else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        min = 0x800;
        *c = s[0] & 0x0f;
    }
    else if ((s[0] & 0xf8) == 0xf0) {
        len = 4;
        min = 0x10000;
        *c = s[0] & 0x07;
    }
    else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        *c = (*c << 6) | (s[i] & 0x3f);
    }
    if (*c < min || (*c >= 0xd800 && *c <= 0xdfff)) {
        return 0;
    }
    return len;
}

/* Characters of width 0 (UTF-8), 1, 2 (BMP) or 4 (Universal) bytes, as
 * OpenSSL's do_buf walks them.  Returns -1 where OpenSSL stops with an
 * error (what was printed so far stays, as in OpenSSL's BIO). */
static int put_chars(sslx_sbuf_t *sb, const unsigned char *d, apr_size_t n,
                     int width, int flags, int to_utf8)
{
    apr_size_t pos = 0, step, i;
    unsigned long c;
    int pflags;

    if ((width == 4 && (n & 3)) || (width == 2 && (n & 1))) {
        return -1;
    }
    while (pos < n) {
        pflags = (pos == 0 && (flags & SSLX_ESC_2253)) ? SSLX_FIRST : 0;
        if (width == 0) {
            if ((step = utf8_get(d + pos, n - pos, &c)) == 0) {
                return -1;
            }
        }
        else {
            step = (apr_size_t)width;
            for (c = 0, i = 0; i < step; i++) {
                c = (c << 8) | d[pos + i];
            }
        }
        pos += step;
        if (pos == n && (flags & SSLX_ESC_2253)) {
            pflags = SSLX_LAST;
        }
        esc_char(sb, c, flags | pflags, to_utf8);
    }
    return 0;
}

/* Bytes per character of an ASN.1 string type (OpenSSL's tag2nbyte);
 * -1 for types it does not print as text. */
static int tag_width(unsigned long tag)
{
    switch (tag) {
    case 12:                            /* UTF8String */
        return 0;
    case 18: case 19: case 20: case 22: /* Numeric, Printable, T61, IA5 */
    case 23: case 24: case 26:          /* UTCTime, GeneralizedTime, Visible */
        return 1;
    case 28:                            /* UniversalString */
        return 4;
    case 30:                            /* BMPString */
        return 2;
    default:
        return -1;
    }
}

/* "#" and the hex of the value's DER encoding (tag, length, content). */
static void put_der_dump(sslx_sbuf_t *sb, const unsigned char *d,
                         apr_size_t n, unsigned long tag)
{
    unsigned char hdr[8];
    int hlen = 0, lbytes = 0, i;
    apr_size_t v;

    hdr[hlen++] = (unsigned char)((tag == 16 || tag == 17) ? tag | 0x20
                                                            : tag & 0x1f);
    if (n < 0x80) {
        hdr[hlen++] = (unsigned char)n;
    }
    else {
        for (v = n; v > 0; v >>= 8) {
            lbytes++;
        }
        hdr[hlen++] = (unsigned char)(0x80 | lbytes);
        for (i = lbytes - 1; i >= 0; i--) {
            hdr[hlen++] = (unsigned char)((n >> (8 * i)) & 0xff);
        }
    }
    sb_put(sb, "#", 1);
    for (i = 0; i < hlen; i++) {
        sb_hex(sb, "", hdr[i], 2);
    }
    for (v = 0; v < n; v++) {
        sb_hex(sb, "", d[v], 2);
    }
}

/* One string value, as ASN1_STRING_print_ex(flags) prints it. */
static int put_value(sslx_sbuf_t *sb, const gnutls_datum_t *val,
                     unsigned long tag, int flags)
{
    int width = (flags & SSLX_DUMP_ALL) ? -1 : tag_width(tag);
    int to_utf8 = 0;

    if (width < 0 && !(flags & (SSLX_DUMP_UNKN | SSLX_DUMP_ALL))) {
        width = 1;
    }
    if (width < 0) {
        put_der_dump(sb, val->data, val->size, tag);
        return 0;
    }
    if (flags & SSLX_UTF8) {
        if (width == 0) {
            width = 1;          /* UTF-8 already: bytes go out as they are */
        }
        else {
            to_utf8 = 1;
        }
    }
    return put_chars(sb, val->data, val->size, width, flags, to_utf8);
}

/* A value as mod_ssl's asn1_string_convert() gives it; NULL when empty. */
static const char *value_text(apr_pool_t *p, const gnutls_datum_t *val,
                              unsigned long tag, int raw)
{
    sslx_sbuf_t sb;

    sb_init(&sb, p);
    (void)put_value(&sb, val, tag, raw ? SSLX_ESC_CTRL : SSLX_TEXT);
    return sb.len > 0 ? sb.buf : NULL;
}

/* --------------------------------------------------------------------
 * Import, version, serial
 */

static apr_status_t crt_cleanup(void *data)
{
    gnutls_x509_crt_deinit((gnutls_x509_crt_t)data);
    return APR_SUCCESS;
}

gnutls_x509_crt_t sslx_x509_import(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_x509_crt_t crt;

    if (der == NULL || gnutls_x509_crt_init(&crt) < 0) {
        return NULL;
    }
    if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
        gnutls_x509_crt_deinit(crt);
        return NULL;
    }
    apr_pool_cleanup_register(p, crt, crt_cleanup, apr_pool_cleanup_null);
    return crt;
}

const char *sslx_x509_version(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    int v = gnutls_x509_crt_get_version(crt);

    return v < 0 ? NULL : apr_itoa(p, v);
}

/* The serial's magnitude (big-endian, no leading zero bytes) and sign,
 * as OpenSSL's ASN1_INTEGER holds it.  *len may be 0 for zero. */
static unsigned char *serial_magnitude(apr_pool_t *p, gnutls_x509_crt_t crt,
                                       apr_size_t *len, int *neg)
{
    unsigned char small[64], *buf = small, *mag;
    size_t size = sizeof(small), i, skip;
    int rv, carry;

    rv = gnutls_x509_crt_get_serial(crt, buf, &size);
    if (rv == GNUTLS_E_SHORT_MEMORY_BUFFER) {
        buf = apr_palloc(p, size);
        rv = gnutls_x509_crt_get_serial(crt, buf, &size);
    }
    if (rv < 0) {
        return NULL;
    }
    *neg = (size > 0 && (buf[0] & 0x80)) ? 1 : 0;
    mag = apr_palloc(p, size + 1);
    memcpy(mag, buf, size);
    if (*neg) {                 /* two's complement -> magnitude */
        for (carry = 1, i = size; i > 0; i--) {
            rv = (mag[i - 1] ^ 0xff) + carry;
            mag[i - 1] = (unsigned char)(rv & 0xff);
            carry = rv >> 8;
        }
    }
    for (skip = 0; skip < size && mag[skip] == 0; skip++) {
        ;
    }
    *len = size - skip;
    return mag + skip;
}

const char *sslx_x509_serial(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    unsigned char *mag;
    apr_size_t len, i;
    int neg;
    sslx_sbuf_t sb;

    if ((mag = serial_magnitude(p, crt, &len, &neg)) == NULL) {
        return NULL;
    }
    sb_init(&sb, p);
    if (neg) {
        sb_put(&sb, "-", 1);
    }
    if (len == 0) {
        sb_put(&sb, "00", 2);
    }
    for (i = 0; i < len; i++) {
        if (i != 0 && i % 35 == 0) {
            sb_put(&sb, "\\\n", 2);     /* i2a_ASN1_INTEGER's wrapping */
        }
        sb_hex(&sb, "", mag[i], 2);
    }
    return sb.buf;
}

/* The serial in decimal, as BN_bn2dec prints it. */
static const char *serial_decimal(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    unsigned char *mag;
    apr_size_t len, i, start = 0;
    char *out;
    apr_size_t pos;
    unsigned int rem;
    int neg;

    if ((mag = serial_magnitude(p, crt, &len, &neg)) == NULL) {
        return NULL;
    }
    pos = len * 3 + 3;                  /* 256^n < 10^(3n) */
    out = apr_palloc(p, pos + 1);
    out[pos] = '\0';
    do {                                /* divide the magnitude by 10 */
        for (rem = 0, i = start; i < len; i++) {
            rem = (rem << 8) | mag[i];
            mag[i] = (unsigned char)(rem / 10);
            rem %= 10;
        }
        out[--pos] = (char)('0' + rem);
        while (start < len && mag[start] == 0) {
            start++;
        }
    } while (start < len);
    if (neg) {
        out[--pos] = '-';
    }
    return out + pos;
}

/* --------------------------------------------------------------------
 * Distinguished names
 */

typedef struct {
    int rdn;                    /* index of the RDN the AVA belongs to */
    const char *oid;            /* dotted attribute type, from the pool */
    gnutls_x509_ava_st ava;     /* points into crt's storage */
} sslx_dn_ava_t;

/* All AVAs of the subject or issuer, in DER order; NULL on error. */
static apr_array_header_t *dn_avas(apr_pool_t *p, gnutls_x509_crt_t crt,
                                   sslx_x509_name_t which)
{
    gnutls_x509_dn_t dn;
    apr_array_header_t *avas;
    sslx_dn_ava_t *e;
    gnutls_x509_ava_st ava;
    int irdn, iava, rv;

    rv = (which == SSLX_X509_ISSUER) ? gnutls_x509_crt_get_issuer(crt, &dn)
                                     : gnutls_x509_crt_get_subject(crt, &dn);
    if (rv < 0) {
        return NULL;
    }
    avas = apr_array_make(p, 16, sizeof(sslx_dn_ava_t));
    for (irdn = 0; ; irdn++) {
        for (iava = 0; ; iava++) {
            rv = gnutls_x509_dn_get_rdn_ava(dn, irdn, iava, &ava);
            if (rv < 0) {
                break;
            }
            e = apr_array_push(avas);
            e->rdn = irdn;
            e->oid = apr_pstrndup(p, (const char *)ava.oid.data,
                                  ava.oid.size);
            e->ava = ava;
        }
        if (rv != GNUTLS_E_ASN1_ELEMENT_NOT_FOUND) {
            return NULL;
        }
        if (iava == 0) {
            return avas;
        }
    }
}

/* X509_NAME_print_ex(XN_FLAG_RFC2253 [& ~ASN1_STRFLGS_ESC_MSB]): RDNs
 * last first, AVAs inside an RDN last first too, as OpenSSL walks them. */
static const char *dn_oneline(apr_pool_t *p, gnutls_x509_crt_t crt,
                              sslx_x509_name_t which, int flags)
{
    apr_array_header_t *avas = dn_avas(p, crt, which);
    const sslx_dn_ava_t *e;
    const char *name;
    sslx_sbuf_t sb;
    int i;

    if (avas == NULL) {
        return NULL;
    }
    sb_init(&sb, p);
    for (i = avas->nelts - 1; i >= 0; i--) {
        e = &APR_ARRAY_IDX(avas, i, sslx_dn_ava_t);
        if (i < avas->nelts - 1) {
            sb_puts(&sb, e->rdn == (e + 1)->rdn ? "+" : ",");
        }
        name = oid_name(dn_short_names, e->oid);
        sb_puts(&sb, name ? name : e->oid);
        sb_put(&sb, "=", 1);
        if (put_value(&sb, &e->ava.value, e->ava.value_tag,
                      name ? flags : flags | SSLX_DUMP_ALL) < 0) {
            break;              /* OpenSSL leaves what it printed so far */
        }
    }
    return sb.len > 0 ? sb.buf : NULL;
}

const char *sslx_x509_dn(apr_pool_t *p, gnutls_x509_crt_t crt,
                         sslx_x509_name_t which)
{
    /* mod_ssl: XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, so UTF-8 stays */
    return dn_oneline(p, crt, which, SSLX_RFC2253 & ~SSLX_ESC_MSB);
}

/* One value as X509_NAME_oneline prints it: the string's own bytes (no
 * conversion), '/' and '+' after a backslash, bytes outside ' '..'~' as
 * \xHH; of a GeneralString that looks like UCS-4 Latin-1 (all bytes but
 * every fourth zero) only every fourth byte. */
static void put_legacy_value(sslx_sbuf_t *sb, const gnutls_datum_t *val,
                             unsigned long tag)
{
    int keep[4] = { 1, 1, 1, 1 }, used[4] = { 0, 0, 0, 0 };
    unsigned int i;
    char c;

    if (tag == 27 && val->size % 4 == 0) {
        for (i = 0; i < val->size; i++) {
            used[i & 3] |= val->data[i] != 0;
        }
        if (!(used[0] | used[1] | used[2])) {
            keep[0] = keep[1] = keep[2] = 0;
        }
    }
    for (i = 0; i < val->size; i++) {
        c = (char)val->data[i];
        if (!keep[i & 3]) {
            continue;
        }
        if (val->data[i] < ' ' || val->data[i] > '~') {
            sb_hex(sb, "\\x", val->data[i], 2);
            continue;
        }
        if (c == '/' || c == '+') {
            sb_put(sb, "\\", 1);
        }
        sb_put(sb, &c, 1);
    }
}

const char *sslx_x509_dn_legacy(apr_pool_t *p, gnutls_x509_crt_t crt,
                                sslx_x509_name_t which)
{
    apr_array_header_t *avas = dn_avas(p, crt, which);
    const sslx_dn_ava_t *e;
    const char *name;
    sslx_sbuf_t sb;
    int i;

    if (avas == NULL) {
        return NULL;
    }
    sb_init(&sb, p);
    for (i = 0; i < avas->nelts; i++) {
        e = &APR_ARRAY_IDX(avas, i, sslx_dn_ava_t);
        sb_puts(&sb, (i > 0 && e->rdn == (e - 1)->rdn) ? "+" : "/");
        name = oid_name(dn_short_names, e->oid);
        sb_puts(&sb, name ? name : e->oid);
        sb_put(&sb, "=", 1);
        put_legacy_value(&sb, &e->ava.value, e->ava.value_tag);
    }
    return sb.buf;
}

/* Index into dn_components for a mod_ssl component name, or -1. */
static int dn_component_index(const char *name, apr_size_t len)
{
    int i;

    for (i = 0; dn_components[i].name != NULL; i++) {
        if (strlen(dn_components[i].name) == len
            && strncmp(dn_components[i].name, name, len) == 0) {
            return i;
        }
    }
    return -1;
}

const char *sslx_x509_dn_component(apr_pool_t *p, gnutls_x509_crt_t crt,
                                   sslx_x509_name_t which,
                                   const char *component, int idx)
{
    apr_array_header_t *avas;
    const sslx_dn_ava_t *e;
    apr_size_t len = strlen(component);
    int i, c, raw = 0;

    if (len > 4 && strcmp(component + len - 4, "_RAW") == 0) {
        raw = 1;
        len -= 4;
    }
    c = dn_component_index(component, len);
    if (c < 0 || idx < 0 || (avas = dn_avas(p, crt, which)) == NULL) {
        return NULL;
    }
    for (i = 0; i < avas->nelts; i++) {
        e = &APR_ARRAY_IDX(avas, i, sslx_dn_ava_t);
        if (strcmp(e->oid, dn_components[c].oid) == 0 && idx-- == 0) {
            return value_text(p, &e->ava.value, e->ava.value_tag, raw);
        }
    }
    return NULL;
}

void sslx_x509_dn_export(apr_pool_t *p, gnutls_x509_crt_t crt,
                         sslx_x509_name_t which, const char *prefix,
                         apr_table_t *env)
{
    apr_array_header_t *avas = dn_avas(p, crt, which);
    int seen[SSLX_NUM_DN_COMPONENTS];
    const sslx_dn_ava_t *e;
    const char *key, *val;
    int i, c;

    if (avas == NULL) {
        return;
    }
    memset(seen, 0, sizeof(seen));
    for (i = 0; i < avas->nelts; i++) {
        e = &APR_ARRAY_IDX(avas, i, sslx_dn_ava_t);
        for (c = 0; dn_components[c].name != NULL; c++) {
            if (dn_components[c].export
                && strcmp(e->oid, dn_components[c].oid) == 0) {
                break;
            }
        }
        if (dn_components[c].name == NULL) {
            continue;
        }
        key = seen[c] == 0
              ? apr_pstrcat(p, prefix, dn_components[c].name, NULL)
              : apr_psprintf(p, "%s%s_%d", prefix, dn_components[c].name,
                             seen[c]);
        seen[c]++;
        val = value_text(p, &e->ava.value, e->ava.value_tag, 0);
        apr_table_setn(env, key, val ? val : "");
    }
}

/* --------------------------------------------------------------------
 * subjectAltName
 */

typedef enum {
    SSLX_SAN_DNS,
    SSLX_SAN_EMAIL,
    SSLX_SAN_MSUPN,
    SSLX_SAN_DNSSRV
} sslx_san_kind_t;

/* The text of an otherName value: DER of a UTF8String (msUPN) or an
 * IA5String (dnsSRV); NULL for any other encoding, as in mod_ssl. */
static const char *othername_text(apr_pool_t *p, const gnutls_datum_t *der,
                                  unsigned char want_tag)
{
    gnutls_datum_t val;
    apr_size_t len = 0, hdr = 2;
    unsigned int i, lbytes;

    if (der->size < 2 || der->data[0] != want_tag) {
        return NULL;
    }
    if (der->data[1] < 0x80) {
        len = der->data[1];
    }
    else {
        lbytes = der->data[1] & 0x7f;
        if (lbytes == 0 || lbytes > 4 || der->size < 2 + lbytes) {
            return NULL;
        }
        for (i = 0; i < lbytes; i++) {
            len = (len << 8) | der->data[2 + i];
        }
        hdr += lbytes;
    }
    if (hdr + len != der->size) {
        return NULL;
    }
    val.data = der->data + hdr;
    val.size = (unsigned int)len;
    return value_text(p, &val, want_tag, 0);
}

/* One SAN entry of the wanted kind as text; sets *match when the entry
 * counts as that kind (mod_ssl counts entries it cannot print, too). */
static const char *san_entry_text(apr_pool_t *p, sslx_san_kind_t kind,
                                  unsigned int type,
                                  const gnutls_datum_t *san,
                                  const gnutls_datum_t *oid, int *match)
{
    const char *want_oid;

    *match = 0;
    if ((kind == SSLX_SAN_DNS && type == GNUTLS_SAN_DNSNAME)
        || (kind == SSLX_SAN_EMAIL && type == GNUTLS_SAN_RFC822NAME)) {
        *match = 1;
        return value_text(p, san, 22, 0);       /* IA5String */
    }
    if (type != GNUTLS_SAN_OTHERNAME || oid->data == NULL
        || (kind != SSLX_SAN_MSUPN && kind != SSLX_SAN_DNSSRV)) {
        return NULL;
    }
    want_oid = kind == SSLX_SAN_MSUPN ? SSLX_OID_MS_UPN : SSLX_OID_DNS_SRV;
    if (strlen(want_oid) != oid->size
        && strlen(want_oid) + 1 != oid->size) {
        return NULL;
    }
    if (strncmp((const char *)oid->data, want_oid, strlen(want_oid)) != 0) {
        return NULL;
    }
    *match = 1;
    return othername_text(p, san, kind == SSLX_SAN_MSUPN ? 0x0c : 0x16);
}

/* Walk the decoded SAN entries like modssl_X509_getSAN: with idx -1 all
 * printable entries of the kind, otherwise only the idx-th of the kind. */
static void san_walk(apr_pool_t *p, gnutls_subject_alt_names_t sans,
                     sslx_san_kind_t kind, int idx, apr_array_header_t *out)
{
    gnutls_datum_t san, oid;
    unsigned int i, type;
    const char *text;
    int n = 0, match;

    for (i = 0; ; i++) {
        if (gnutls_subject_alt_names_get(sans, i, &type, &san, &oid) < 0) {
            return;
        }
        text = san_entry_text(p, kind, type, &san, &oid, &match);
        if (!match) {
            continue;
        }
        if ((idx == -1 || n == idx) && text != NULL) {
            APR_ARRAY_PUSH(out, const char *) = text;
        }
        if (idx != -1 && ++n > idx) {
            return;
        }
    }
}

/* The SAN entries of one kind (see san_walk); an empty array when the
 * certificate has no subjectAltName extension. */
static apr_array_header_t *san_collect(apr_pool_t *p, gnutls_x509_crt_t crt,
                                       sslx_san_kind_t kind, int idx)
{
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(const char *));
    gnutls_subject_alt_names_t sans;
    gnutls_datum_t ext = { NULL, 0 };
    unsigned int critical;
    int rv;

    rv = gnutls_x509_crt_get_extension_by_oid2(crt, SSLX_OID_SAN, 0, &ext,
                                               &critical);
    if (rv < 0) {
        return out;
    }
    if (gnutls_subject_alt_names_init(&sans) < 0) {
        gnutls_free(ext.data);
        return out;
    }
    rv = gnutls_x509_ext_import_subject_alt_names(&ext, sans, 0);
    gnutls_free(ext.data);
    if (rv >= 0) {
        san_walk(p, sans, kind, idx, out);
    }
    gnutls_subject_alt_names_deinit(sans);
    return out;
}

/* mod_ssl's SAN variable type names: "Email", "DNS" (either case) and
 * "OTHER_msUPN", "OTHER_dnsSRV" (OTHER_ in either case). */
static int san_kind(const char *type, sslx_san_kind_t *kind)
{
    if (strcasecmp(type, "DNS") == 0) {
        *kind = SSLX_SAN_DNS;
    }
    else if (strcasecmp(type, "Email") == 0) {
        *kind = SSLX_SAN_EMAIL;
    }
    else if (strncasecmp(type, "OTHER_", 6) == 0
             && strcmp(type + 6, "msUPN") == 0) {
        *kind = SSLX_SAN_MSUPN;
    }
    else if (strncasecmp(type, "OTHER_", 6) == 0
             && strcmp(type + 6, "dnsSRV") == 0) {
        *kind = SSLX_SAN_DNSSRV;
    }
    else {
        return 0;
    }
    return 1;
}

const char *sslx_x509_san(apr_pool_t *p, gnutls_x509_crt_t crt,
                          const char *type, int idx)
{
    apr_array_header_t *found;
    sslx_san_kind_t kind;

    if (idx < 0 || !san_kind(type, &kind)) {
        return NULL;
    }
    found = san_collect(p, crt, kind, idx);
    return found->nelts > 0 ? APR_ARRAY_IDX(found, 0, const char *) : NULL;
}

static void san_export_kind(apr_pool_t *p, gnutls_x509_crt_t crt,
                            sslx_san_kind_t kind, const char *name,
                            apr_table_t *env)
{
    apr_array_header_t *found = san_collect(p, crt, kind, -1);
    int i;

    for (i = 0; i < found->nelts; i++) {
        apr_table_setn(env, apr_psprintf(p, "%s_%d", name, i),
                       APR_ARRAY_IDX(found, i, const char *));
    }
}

void sslx_x509_san_export(apr_pool_t *p, gnutls_x509_crt_t crt,
                          const char *prefix, int client, apr_table_t *env)
{
    san_export_kind(p, crt, SSLX_SAN_EMAIL,
                    apr_pstrcat(p, prefix, "SAN_Email", NULL), env);
    san_export_kind(p, crt, SSLX_SAN_DNS,
                    apr_pstrcat(p, prefix, "SAN_DNS", NULL), env);
    if (client) {
        san_export_kind(p, crt, SSLX_SAN_MSUPN,
                        apr_pstrcat(p, prefix, "SAN_OTHER_msUPN", NULL),
                        env);
    }
    else {
        san_export_kind(p, crt, SSLX_SAN_DNSSRV,
                        apr_pstrcat(p, prefix, "SAN_OTHER_dnsSRV", NULL),
                        env);
    }
}

/* --------------------------------------------------------------------
 * Validity
 */

/* ASN1_TIME_print: "%s %2d %02d:%02d:%02d %d GMT". */
static const char *time_text(apr_pool_t *p, time_t t)
{
    static const char *const months[12] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };
    apr_time_exp_t tm;

    if (t == (time_t)-1
        || apr_time_exp_gmt(&tm, apr_time_from_sec(t)) != APR_SUCCESS) {
        return NULL;
    }
    return apr_psprintf(p, "%s %2d %02d:%02d:%02d %d GMT", months[tm.tm_mon],
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                        tm.tm_year + 1900);
}

const char *sslx_x509_not_before(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    return time_text(p, gnutls_x509_crt_get_activation_time(crt));
}

const char *sslx_x509_not_after(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    return time_text(p, gnutls_x509_crt_get_expiration_time(crt));
}

const char *sslx_x509_days_remaining(apr_pool_t *p, gnutls_x509_crt_t crt,
                                     apr_time_t now)
{
    time_t end = gnutls_x509_crt_get_expiration_time(crt);
    apr_int64_t diff;

    if (end == (time_t)-1) {
        return "0";
    }
    /* ASN1_TIME_diff(&days, ..., NULL, notAfter): whole days, truncated */
    diff = ((apr_int64_t)end - (apr_int64_t)apr_time_sec(now))
           / (60 * 60 * 24);
    return diff > 0 ? apr_ltoa(p, (long)diff) : "0";
}

int sslx_x509_is_expired(gnutls_x509_crt_t crt, apr_time_t now)
{
    time_t end = gnutls_x509_crt_get_expiration_time(crt);

    if (end == (time_t)-1) {
        return 1;               /* unreadable: treat as expired */
    }
    return (apr_int64_t)end < (apr_int64_t)apr_time_sec(now);
}

/* --------------------------------------------------------------------
 * Algorithms
 */

static const char *alg_name(apr_pool_t *p, int rv, const char *oid)
{
    const char *name;

    if (rv < 0) {
        return NULL;
    }
    name = oid_name(alg_long_names, oid);
    return apr_pstrdup(p, name ? name : "UNKNOWN");
}

const char *sslx_x509_sig_alg(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    char oid[128];
    size_t size = sizeof(oid);
    int rv = gnutls_x509_crt_get_signature_oid(crt, oid, &size);

    return alg_name(p, rv, oid);
}

const char *sslx_x509_key_alg(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    char oid[128];
    size_t size = sizeof(oid);
    int rv = gnutls_x509_crt_get_pk_oid(crt, oid, &size);

    return alg_name(p, rv, oid);
}

/* --------------------------------------------------------------------
 * Whole certificate
 */

const char *sslx_x509_pem(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_datum_t out = { NULL, 0 };
    char *pem;

    if (gnutls_pem_base64_encode2("CERTIFICATE", der, &out) < 0) {
        return NULL;
    }
    pem = apr_pstrmemdup(p, (const char *)out.data, out.size);
    gnutls_free(out.data);
    return pem;
}

const char *sslx_x509_b64(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_datum_t out = { NULL, 0 };
    char *b64;

    if (gnutls_base64_encode2(der, &out) < 0) {
        return NULL;
    }
    b64 = apr_pstrmemdup(p, (const char *)out.data, out.size);
    gnutls_free(out.data);
    return b64;
}

const char *sslx_x509_rfc4523_cea(apr_pool_t *p, gnutls_x509_crt_t crt)
{
    const char *serial = serial_decimal(p, crt);

    if (serial == NULL) {
        return NULL;
    }
    /* mod_ssl prints the issuer with the full XN_FLAG_RFC2253 (bytes
     * >= 0x80 as \XX); an empty issuer ends its apr_pstrcat early. */
    return apr_pstrcat(p, "{ serialNumber ", serial,
                       ", issuer rdnSequence:\"",
                       dn_oneline(p, crt, SSLX_X509_ISSUER, SSLX_RFC2253),
                       "\" }", NULL);
}
