/* sslx_x509.c - X.509 facts in mod_ssl's spelling.
 *
 * This file owns the translation of a GnuTLS certificate into the strings
 * mod_ssl puts into SSL_{SERVER,CLIENT}_* variables: DNs, DN components,
 * subjectAltName entries, serial, validity, algorithm names, PEM/base64
 * and the RFC 4523 assertion.  mod_ssl produces them with OpenSSL's
 * printers (X509_NAME_print_ex, ASN1_STRING_print_ex, i2a_ASN1_INTEGER,
 * ASN1_TIME_print, OBJ_nid2ln), so the strings made here follow those
 * printers' rules, byte for byte, from the raw DER values GnuTLS hands
 * out; the rules for string values are sslx_asn1.c's, OpenSSL's names
 * for OIDs sslx_oid.c's.  Only APR and GnuTLS are used: nothing here
 * knows about connections or requests, and all results come from the
 * caller's pool.
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
#include "sslx_asn1.h"
#include "sslx_oid.h"

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

/* mod_ssl's asn1_string_convert(): control characters escaped only */
#define SSLX_TEXT (SSLX_ASN1_ESC_CTRL | SSLX_ASN1_UTF8)

/* A value as mod_ssl's asn1_string_convert() gives it; NULL when empty. */
static const char *value_text(apr_pool_t *p, const gnutls_datum_t *val,
                              unsigned long tag, int raw)
{
    const char *text = sslx_asn1_text(p, val, tag,
                                      raw ? SSLX_ASN1_ESC_CTRL : SSLX_TEXT);

    return *text ? text : NULL;
}

/* --------------------------------------------------------------------
 * Import, version, serial
 */

static apr_status_t crt_cleanup(void *data)
{
    gnutls_x509_crt_deinit((gnutls_x509_crt_t)data);
    return APR_SUCCESS;
}

static gnutls_x509_crt_t crt_import(apr_pool_t *p,
                                    const gnutls_datum_t *data,
                                    gnutls_x509_crt_fmt_t format)
{
    gnutls_x509_crt_t crt;

    if (gnutls_x509_crt_init(&crt) < 0) {
        return NULL;
    }
    if (gnutls_x509_crt_import(crt, data, format) < 0) {
        gnutls_x509_crt_deinit(crt);
        return NULL;
    }
    apr_pool_cleanup_register(p, crt, crt_cleanup, apr_pool_cleanup_null);
    return crt;
}

gnutls_x509_crt_t sslx_x509_import(apr_pool_t *p, const gnutls_datum_t *der)
{
    return der ? crt_import(p, der, GNUTLS_X509_FMT_DER) : NULL;
}

gnutls_x509_crt_t sslx_x509_import_pem(apr_pool_t *p, const char *pem)
{
    gnutls_datum_t d;

    if (pem == NULL || *pem == '\0') {
        return NULL;
    }
    d.data = (unsigned char *)pem;
    d.size = (unsigned int)strlen(pem);
    return crt_import(p, &d, GNUTLS_X509_FMT_PEM);
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
    sslx_asn1_buf_t sb;

    if ((mag = serial_magnitude(p, crt, &len, &neg)) == NULL) {
        return NULL;
    }
    sslx_asn1_buf_init(&sb, p);
    if (neg) {
        sslx_asn1_put(&sb, "-", 1);
    }
    if (len == 0) {
        sslx_asn1_put(&sb, "00", 2);
    }
    for (i = 0; i < len; i++) {
        if (i != 0 && i % 35 == 0) {
            sslx_asn1_put(&sb, "\\\n", 2);     /* i2a_ASN1_INTEGER's wrapping */
        }
        sslx_asn1_put_hex(&sb, "", mag[i], 2);
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

/* "<type>=" for an AVA: OpenSSL's short name of its type, else the
 * dotted OID.  Returns the short name, NULL when there is none. */
static const char *put_type(sslx_asn1_buf_t *sb, const sslx_dn_ava_t *e)
{
    const char *name = sslx_oid_attr_short_name(e->oid);

    sslx_asn1_puts(sb, name ? name : e->oid);
    sslx_asn1_put(sb, "=", 1);
    return name;
}

/* X509_NAME_print_ex(XN_FLAG_RFC2253 [& ~ASN1_STRFLGS_ESC_MSB]): RDNs
 * last first, AVAs inside an RDN last first too, as OpenSSL walks them. */
static const char *dn_oneline(apr_pool_t *p, gnutls_x509_crt_t crt,
                              sslx_x509_name_t which, int flags)
{
    apr_array_header_t *avas = dn_avas(p, crt, which);
    const sslx_dn_ava_t *e;
    const char *name;
    sslx_asn1_buf_t sb;
    int i;

    if (avas == NULL) {
        return NULL;
    }
    sslx_asn1_buf_init(&sb, p);
    for (i = avas->nelts - 1; i >= 0; i--) {
        e = &APR_ARRAY_IDX(avas, i, sslx_dn_ava_t);
        if (i < avas->nelts - 1) {
            sslx_asn1_puts(&sb, e->rdn == (e + 1)->rdn ? "+" : ",");
        }
        name = put_type(&sb, e);
        if (sslx_asn1_print(&sb, &e->ava.value, e->ava.value_tag,
                            name ? flags : flags | SSLX_ASN1_DUMP_ALL) < 0) {
            break;              /* OpenSSL leaves what it printed so far */
        }
    }
    return sb.len > 0 ? sb.buf : NULL;
}

const char *sslx_x509_dn(apr_pool_t *p, gnutls_x509_crt_t crt,
                         sslx_x509_name_t which)
{
    /* mod_ssl: XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, so UTF-8 stays */
    return dn_oneline(p, crt, which, SSLX_ASN1_RFC2253 & ~SSLX_ASN1_ESC_MSB);
}

/* One value as X509_NAME_oneline prints it: the string's own bytes (no
 * conversion), '/' and '+' after a backslash, bytes outside ' '..'~' as
 * \xHH; of a GeneralString that looks like UCS-4 Latin-1 (all bytes but
 * every fourth zero) only every fourth byte. */
static void put_legacy_value(sslx_asn1_buf_t *sb, const gnutls_datum_t *val,
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
            sslx_asn1_put_hex(sb, "\\x", val->data[i], 2);
            continue;
        }
        if (c == '/' || c == '+') {
            sslx_asn1_put(sb, "\\", 1);
        }
        sslx_asn1_put(sb, &c, 1);
    }
}

const char *sslx_x509_dn_legacy(apr_pool_t *p, gnutls_x509_crt_t crt,
                                sslx_x509_name_t which)
{
    apr_array_header_t *avas = dn_avas(p, crt, which);
    const sslx_dn_ava_t *e;
    sslx_asn1_buf_t sb;
    int i;

    if (avas == NULL) {
        return NULL;
    }
    sslx_asn1_buf_init(&sb, p);
    for (i = 0; i < avas->nelts; i++) {
        e = &APR_ARRAY_IDX(avas, i, sslx_dn_ava_t);
        sslx_asn1_puts(&sb, (i > 0 && e->rdn == (e - 1)->rdn) ? "+" : "/");
        put_type(&sb, e);
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
 * IA5String (dnsSRV) and nothing after it; NULL for any other encoding,
 * as in mod_ssl. */
static const char *othername_text(apr_pool_t *p, const gnutls_datum_t *der,
                                  unsigned char want_tag)
{
    gnutls_datum_t val;
    unsigned char tag;

    if (sslx_asn1_der_element(der, &tag, &val) < 0 || tag != want_tag
        || val.data + val.size != der->data + der->size) {
        return NULL;
    }
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
    name = sslx_oid_alg_long_name(oid);
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
                       dn_oneline(p, crt, SSLX_X509_ISSUER, SSLX_ASN1_RFC2253),
                       "\" }", NULL);
}
