/* sslx_asn1.c - ASN.1 string values printed the way OpenSSL prints them.
 *
 * mod_ssl's variables hold strings that OpenSSL's printers made from
 * certificate fields (ASN1_STRING_print_ex and its do_esc_char, for the
 * flag combinations mod_ssl uses): escaped for RFC 2253 or only for
 * control characters, converted to UTF-8 or not, dumped as hex when the
 * type is not text.  This file owns those rules, byte for byte, for DN
 * values (sslx_x509.c) and extension texts (sslx_x509_ext.c), the string
 * buffer they print into, and the reading of one DER element's header.
 * Only APR and GnuTLS's datum type are used; results come from the
 * caller's pool.
 */

#include <string.h>

#include <apr_pools.h>

#include "sslx_asn1.h"

/* Set by the printer itself on the first and last character of a value
 * (RFC 2253 escapes a leading '#' or space and a trailing space). */
#define SSLX_ASN1_FIRST 0x0100
#define SSLX_ASN1_LAST  0x0200

/* ---- the output buffer ----------------------------------------------- */

void sslx_asn1_buf_init(sslx_asn1_buf_t *sb, apr_pool_t *p)
{
    sb->p = p;
    sb->cap = 128;
    sb->buf = apr_palloc(p, sb->cap);
    sb->len = 0;
    sb->buf[0] = '\0';
}

void sslx_asn1_put(sslx_asn1_buf_t *sb, const char *s, apr_size_t n)
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

void sslx_asn1_puts(sslx_asn1_buf_t *sb, const char *s)
{
    sslx_asn1_put(sb, s, strlen(s));
}

static const char hexdigits[] = "0123456789ABCDEF";

void sslx_asn1_put_hex(sslx_asn1_buf_t *sb, const char *prefix,
                       unsigned long c, int digits)
{
    char tmp[16];
    int i;

    sslx_asn1_puts(sb, prefix);
    for (i = 0; i < digits; i++) {
        tmp[i] = hexdigits[(c >> (4 * (digits - 1 - i))) & 0x0f];
    }
    sslx_asn1_put(sb, tmp, digits);
}

/* ---- OpenSSL's string printer ---------------------------------------- */

/* One character of at most 8 bits, escaped as do_esc_char does. */
static void esc_byte(sslx_asn1_buf_t *sb, unsigned int c, int flags)
{
    char ch = (char)c;

    if (c > 0x7f) {
        if (flags & SSLX_ASN1_ESC_MSB) {
            sslx_asn1_put_hex(sb, "\\", c, 2);
        }
        else {
            sslx_asn1_put(sb, &ch, 1);
        }
    }
    else if (((flags & SSLX_ASN1_ESC_2253) && c != 0
              && strchr(",+\"\\<>;", (int)c) != NULL)
             || ((flags & SSLX_ASN1_FIRST) && (c == ' ' || c == '#'))
             || ((flags & SSLX_ASN1_LAST) && c == ' ')) {
        sslx_asn1_put(sb, "\\", 1);
        sslx_asn1_put(sb, &ch, 1);
    }
    else if ((flags & SSLX_ASN1_ESC_CTRL) && (c < 0x20 || c == 0x7f)) {
        sslx_asn1_put_hex(sb, "\\", c, 2);
    }
    else if (c == '\\'
             && (flags & (SSLX_ASN1_ESC_2253 | SSLX_ASN1_ESC_CTRL
                          | SSLX_ASN1_ESC_MSB))) {
        sslx_asn1_put(sb, "\\\\", 2);
    }
    else {
        sslx_asn1_put(sb, &ch, 1);
    }
}

/* One character, either converted to UTF-8 first (each byte escaped) or
 * printed as a code point (\UXXXX, \WXXXXXXXX above 8 bits). */
static void esc_char(sslx_asn1_buf_t *sb, unsigned long c, int flags,
                     int to_utf8)
{
    unsigned char u[4];
    int i, n;

    if (!to_utf8) {
        if (c > 0xffff) {
            sslx_asn1_put_hex(sb, "\\W", c, 8);
        }
        else if (c > 0xff) {
            sslx_asn1_put_hex(sb, "\\U", c, 4);
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
static int put_chars(sslx_asn1_buf_t *sb, const unsigned char *d, apr_size_t n,
                     int width, int flags, int to_utf8)
{
    apr_size_t pos = 0, step, i;
    unsigned long c;
    int pflags;

    if ((width == 4 && (n & 3)) || (width == 2 && (n & 1))) {
        return -1;
    }
    while (pos < n) {
        pflags = (pos == 0 && (flags & SSLX_ASN1_ESC_2253))
                 ? SSLX_ASN1_FIRST : 0;
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
        if (pos == n && (flags & SSLX_ASN1_ESC_2253)) {
            pflags = SSLX_ASN1_LAST;
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
static void put_der_dump(sslx_asn1_buf_t *sb, const unsigned char *d,
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
    sslx_asn1_put(sb, "#", 1);
    for (i = 0; i < hlen; i++) {
        sslx_asn1_put_hex(sb, "", hdr[i], 2);
    }
    for (v = 0; v < n; v++) {
        sslx_asn1_put_hex(sb, "", d[v], 2);
    }
}

/* ASN1_STRING_print_ex: the width of the type's characters, then each
 * character escaped (or the DER dumped) as the flags say. */
int sslx_asn1_print(sslx_asn1_buf_t *sb, const gnutls_datum_t *val,
                    unsigned long tag, int flags)
{
    int width = (flags & SSLX_ASN1_DUMP_ALL) ? -1 : tag_width(tag);
    int to_utf8 = 0;

    if (width < 0 && !(flags & (SSLX_ASN1_DUMP_UNKNOWN | SSLX_ASN1_DUMP_ALL))) {
        width = 1;
    }
    if (width < 0) {
        put_der_dump(sb, val->data, val->size, tag);
        return 0;
    }
    if (flags & SSLX_ASN1_UTF8) {
        if (width == 0) {
            width = 1;          /* UTF-8 already: bytes go out as they are */
        }
        else {
            to_utf8 = 1;
        }
    }
    return put_chars(sb, val->data, val->size, width, flags, to_utf8);
}

const char *sslx_asn1_text(apr_pool_t *p, const gnutls_datum_t *val,
                           unsigned long tag, int flags)
{
    sslx_asn1_buf_t sb;

    sslx_asn1_buf_init(&sb, p);
    (void)sslx_asn1_print(&sb, val, tag, flags);
    return sb.buf;
}

/* ---- DER -------------------------------------------------------------- */

int sslx_asn1_der_element(const gnutls_datum_t *der, unsigned char *tag,
                          gnutls_datum_t *content)
{
    apr_size_t len = 0, hdr = 2;
    unsigned int i, lbytes;

    if (der->size < 2) {
        return -1;
    }
    *tag = der->data[0];
    if (der->data[1] < 0x80) {
        len = der->data[1];
    }
    else {
        lbytes = der->data[1] & 0x7f;
        if (lbytes == 0 || lbytes > 4 || der->size < 2 + lbytes) {
            return -1;
        }
        for (i = 0; i < lbytes; i++) {
            len = (len << 8) | der->data[2 + i];
        }
        hdr += lbytes;
    }
    if (len > der->size - hdr) {
        return -1;
    }
    content->data = der->data + hdr;
    content->size = (unsigned int)len;
    return 0;
}

