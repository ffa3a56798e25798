/* sslx_x509_ext.c - certificate extensions as text, the way mod_ssl's
 * PeerExtList() function in SSLRequire and ap_expr shows them.
 *
 * mod_ssl prints an extension with OpenSSL's X509V3_EXT_print and, when
 * OpenSSL has no printer for it, as the DisplayText string (UTF8String,
 * IA5String, VisibleString or BMPString) the value holds, converted to
 * UTF-8.  This file reproduces both for what client certificates carry:
 * basic constraints, key usage, extended key usage, subject and issuer
 * alternative names, key identifiers, Netscape's string extensions, and
 * any extension whose value is a DisplayText string -- the usual case
 * for the private OIDs PeerExtList() is used with.  An extension OpenSSL
 * prints in a form not reproduced here (certificate policies, CRL
 * distribution points, a directory name in an alternative name, ...) is
 * reported as unprintable and left out.  Only APR and GnuTLS are used.
 */

#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "sslx_x509_ext.h"
#include "sslx_asn1.h"
#include "sslx_oid.h"

/* Key usage bits in OpenSSL's order, with its names. */
static const struct {
    unsigned int bit;
    const char *name;
} usage_names[] = {
    { GNUTLS_KEY_DIGITAL_SIGNATURE, "Digital Signature" },
    { GNUTLS_KEY_NON_REPUDIATION, "Non Repudiation" },
    { GNUTLS_KEY_KEY_ENCIPHERMENT, "Key Encipherment" },
    { GNUTLS_KEY_DATA_ENCIPHERMENT, "Data Encipherment" },
    { GNUTLS_KEY_KEY_AGREEMENT, "Key Agreement" },
    { GNUTLS_KEY_KEY_CERT_SIGN, "Certificate Sign" },
    { GNUTLS_KEY_CRL_SIGN, "CRL Sign" },
    { GNUTLS_KEY_ENCIPHER_ONLY, "Encipher Only" },
    { GNUTLS_KEY_DECIPHER_ONLY, "Decipher Only" },
    { 0, NULL }
};

/* otherName types OpenSSL prints, with the string type it requires. */
static const struct {
    const char *oid;
    const char *label;
    unsigned char tag;
} othername_labels[] = {
    { "1.3.6.1.4.1.311.20.2.3", "othername: UPN:", 0x0c },
    { "1.3.6.1.5.5.7.8.9", "othername: SmtpUTF8Mailbox:", 0x0c },
    { "1.3.6.1.5.5.7.8.5", "othername: XmppAddr:", 0x0c },
    { "1.3.6.1.5.5.7.8.7", "othername: SRVName:", 0x16 },
    { "1.3.6.1.5.5.7.8.8", "othername: NAIRealm:", 0x0c },
    { NULL, NULL, 0 }
};

#define SSLX_OID_NS_PREFIX "2.16.840.1.113730.1."

/* ---- DER strings --------------------------------------------------- */

/* A DisplayText value as ASN1_STRING_print_ex(ASN1_STRFLGS_UTF8_CONVERT)
 * prints it: UTF-8 bytes as they are, IA5 and Visible bytes as Latin-1,
 * BMP as UCS-2, all converted to UTF-8 and nothing escaped.  NULL when
 * der holds no DisplayText string. */
static const char *display_text(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_datum_t v;
    unsigned char tag;

    if (sslx_asn1_der_element(der, &tag, &v) < 0
        || (tag != 0x0c && tag != 0x16 && tag != 0x1a && tag != 0x1e)) {
        return NULL;
    }
    /* A BMPString of odd length: OpenSSL prints nothing, yet succeeds. */
    return sslx_asn1_text(p, &v, tag, SSLX_ASN1_UTF8);
}

/* A Netscape string extension: OpenSSL's i2s_ASN1_IA5STRING copies the
 * bytes as they are.  Anything but an IA5String gets the DisplayText
 * treatment OpenSSL falls back to. */
static const char *ns_string(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_datum_t v;
    unsigned char tag;

    if (sslx_asn1_der_element(der, &tag, &v) == 0 && tag == 0x16) {
        return apr_pstrndup(p, (const char *)v.data, v.size);
    }
    return display_text(p, der);
}

/* ---- structured extensions ----------------------------------------- */

/* "name:value" items joined with ", " (X509V3_EXT_val_prn, one line). */
static void add_item(apr_array_header_t *items, const char *item)
{
    APR_ARRAY_PUSH(items, const char *) = item;
}

static const char *join_items(apr_pool_t *p,
                              const apr_array_header_t *items)
{
    const char *s = "";
    int i;

    for (i = 0; i < items->nelts; i++) {
        s = apr_pstrcat(p, s, i > 0 ? ", " : "",
                        APR_ARRAY_IDX(items, i, const char *), NULL);
    }
    return s;
}

static const char *hex_colons(apr_pool_t *p, const gnutls_datum_t *d)
{
    static const char hex[] = "0123456789ABCDEF";
    char *s = apr_palloc(p, d->size * 3 + 1), *o = s;
    unsigned int i;

    for (i = 0; i < d->size; i++) {
        if (i > 0) {
            *o++ = ':';
        }
        *o++ = hex[d->data[i] >> 4];
        *o++ = hex[d->data[i] & 0x0f];
    }
    *o = '\0';
    return s;
}

static const char *basic_constraints(apr_pool_t *p, const gnutls_datum_t *der)
{
    unsigned int ca;
    int pathlen;

    if (gnutls_x509_ext_import_basic_constraints(der, &ca, &pathlen) < 0) {
        return NULL;
    }
    if (pathlen < 0) {
        return ca ? "CA:TRUE" : "CA:FALSE";
    }
    return apr_psprintf(p, "CA:%s, pathlen:%d", ca ? "TRUE" : "FALSE",
                        pathlen);
}

static const char *key_usage(apr_pool_t *p, const gnutls_datum_t *der)
{
    apr_array_header_t *items = apr_array_make(p, 9, sizeof(const char *));
    unsigned int usage;
    int i;

    if (gnutls_x509_ext_import_key_usage(der, &usage) < 0) {
        return NULL;
    }
    for (i = 0; usage_names[i].name; i++) {
        if (usage & usage_names[i].bit) {
            add_item(items, usage_names[i].name);
        }
    }
    return join_items(p, items);
}

static const char *purpose_name(const char *oid)
{
    const char *name = sslx_oid_purpose_long_name(oid);

    return name ? name : oid;
}

static const char *ext_key_usage(apr_pool_t *p, const gnutls_datum_t *der)
{
    apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
    gnutls_x509_key_purposes_t kp;
    gnutls_datum_t oid;
    unsigned int i;
    int rv;

    if (gnutls_x509_key_purpose_init(&kp) < 0) {
        return NULL;
    }
    rv = gnutls_x509_ext_import_key_purposes(der, kp, 0);
    for (i = 0; rv >= 0; i++) {
        if (gnutls_x509_key_purpose_get(kp, i, &oid) < 0) {
            break;
        }
        add_item(items, purpose_name(apr_pstrmemdup(p, (char *)oid.data,
                                                    oid.size)));
    }
    gnutls_x509_key_purpose_deinit(kp);
    return rv < 0 ? NULL : join_items(p, items);
}

/* "DNS:" and the IA5 value; OpenSSL refuses an embedded NUL and prints
 * only the label for an empty value. */
static const char *ia5_item(apr_pool_t *p, const char *label,
                            const gnutls_datum_t *v)
{
    if (v->size == 0) {
        return label;
    }
    if (memchr(v->data, 0, v->size - 1) != NULL) {
        return NULL;
    }
    return apr_pstrcat(p, label, ":",
                       apr_pstrndup(p, (const char *)v->data, v->size), NULL);
}

static const char *ip_item(apr_pool_t *p, const gnutls_datum_t *v)
{
    const unsigned char *d = v->data;
    char *s;
    int i;

    if (v->size == 4) {
        return apr_psprintf(p, "IP Address:%d.%d.%d.%d", d[0], d[1], d[2],
                            d[3]);
    }
    if (v->size != 16) {
        return apr_psprintf(p, "IP Address:<invalid length=%u>", v->size);
    }
    s = "IP Address:";
    for (i = 0; i < 16; i += 2) {
        s = apr_psprintf(p, "%s%s%X", s, i ? ":" : "", (d[i] << 8) | d[i + 1]);
    }
    return s;
}

/* A known otherName type needs its string type; any other is shown as
 * "othername: <oid>:" with its IA5String or UTF8String value, else with
 * "<unsupported>" (OpenSSL 3.0.8 and later). */
static const char *othername_item(apr_pool_t *p, const gnutls_datum_t *oid,
                                  const gnutls_datum_t *v)
{
    const char *o = apr_pstrndup(p, (const char *)oid->data, oid->size);
    gnutls_datum_t content;
    unsigned char tag;
    int i, ok = sslx_asn1_der_element(v, &tag, &content) == 0;

    for (i = 0; othername_labels[i].oid; i++) {
        if (!strcmp(o, othername_labels[i].oid)) {
            if (!ok || tag != othername_labels[i].tag) {
                return NULL;
            }
            return ia5_item(p, othername_labels[i].label, &content);
        }
    }
    if (ok && (tag == 0x16 || tag == 0x0c)) {
        return ia5_item(p, apr_pstrcat(p, "othername: ", o, ":", NULL),
                        &content);
    }
    return apr_pstrcat(p, "othername: ", o, "::<unsupported>", NULL);
}

static const char *alt_name_item(apr_pool_t *p, unsigned int type,
                                 const gnutls_datum_t *v,
                                 const gnutls_datum_t *oid)
{
    switch (type) {
    case GNUTLS_SAN_DNSNAME:
        return ia5_item(p, "DNS", v);
    case GNUTLS_SAN_RFC822NAME:
        return ia5_item(p, "email", v);
    case GNUTLS_SAN_URI:
        return ia5_item(p, "URI", v);
    case GNUTLS_SAN_IPADDRESS:
        return ip_item(p, v);
    case GNUTLS_SAN_OTHERNAME:
        return othername_item(p, oid, v);
    case GNUTLS_SAN_REGISTERED_ID:
        return apr_pstrcat(p, "Registered ID:",
                           apr_pstrndup(p, (const char *)v->data, v->size),
                           NULL);
    default:
        return NULL;            /* DirName, X400Name, EdiPartyName */
    }
}

static const char *alt_names(apr_pool_t *p, const gnutls_datum_t *der)
{
    apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
    gnutls_subject_alt_names_t sans;
    gnutls_datum_t v, oid;
    const char *item = "";
    unsigned int i, type;

    if (gnutls_subject_alt_names_init(&sans) < 0) {
        return NULL;
    }
    if (gnutls_x509_ext_import_subject_alt_names(der, sans, 0) < 0) {
        item = NULL;
    }
    for (i = 0; item != NULL; i++) {
        if (gnutls_subject_alt_names_get(sans, i, &type, &v, &oid) < 0) {
            break;
        }
        if ((item = alt_name_item(p, type, &v, &oid)) != NULL) {
            add_item(items, item);
        }
    }
    gnutls_subject_alt_names_deinit(sans);
    return item == NULL ? NULL : join_items(p, items);
}

static const char *subject_key_id(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_datum_t id;
    const char *s;

    if (gnutls_x509_ext_import_subject_key_id(der, &id) < 0) {
        return NULL;
    }
    s = hex_colons(p, &id);
    gnutls_free(id.data);
    return s;
}

/* Only the common form, a bare key id; with an issuer and serial OpenSSL
 * prints several lines, which are not reproduced. */
static const char *authority_key_id(apr_pool_t *p, const gnutls_datum_t *der)
{
    gnutls_x509_aki_t aki;
    gnutls_datum_t id, san, oid, serial;
    unsigned int type;
    const char *s = NULL;

    if (gnutls_x509_aki_init(&aki) < 0) {
        return NULL;
    }
    if (gnutls_x509_ext_import_authority_key_id(der, aki, 0) >= 0
        && gnutls_x509_aki_get_id(aki, &id) >= 0
        && gnutls_x509_aki_get_cert_issuer(aki, 0, &type, &san, &oid,
                                           &serial) < 0) {
        s = hex_colons(p, &id);
    }
    gnutls_x509_aki_deinit(aki);
    return s;
}

/* ---- dispatch ------------------------------------------------------ */

static const char *ext_text(apr_pool_t *p, const char *oid,
                            const gnutls_datum_t *der)
{
    if (!strcmp(oid, "2.5.29.19")) {
        return basic_constraints(p, der);
    }
    if (!strcmp(oid, "2.5.29.15")) {
        return key_usage(p, der);
    }
    if (!strcmp(oid, "2.5.29.37")) {
        return ext_key_usage(p, der);
    }
    if (!strcmp(oid, "2.5.29.17") || !strcmp(oid, "2.5.29.18")) {
        return alt_names(p, der);
    }
    if (!strcmp(oid, "2.5.29.14")) {
        return subject_key_id(p, der);
    }
    if (!strcmp(oid, "2.5.29.35")) {
        return authority_key_id(p, der);
    }
    if (!strncmp(oid, SSLX_OID_NS_PREFIX, strlen(SSLX_OID_NS_PREFIX))
        && strcmp(oid, SSLX_OID_NS_PREFIX "1") != 0) {
        return ns_string(p, der);
    }
    /* Structured extensions OpenSSL prints differently fail here, as
     * their value is no DisplayText string. */
    return display_text(p, der);
}

apr_status_t sslx_x509_ext_values(apr_pool_t *p, gnutls_x509_crt_t crt,
                                  const char *ext,
                                  apr_array_header_t **values)
{
    const char *want = sslx_oid_ext_parse(ext), *text;
    char oid[128];
    size_t oid_size;
    unsigned int i, critical;
    gnutls_datum_t der;
    apr_status_t rv = APR_SUCCESS;
    int rc;

    *values = apr_array_make(p, 2, sizeof(const char *));
    if (want == NULL) {
        return APR_EINVAL;
    }
    for (i = 0; ; i++) {
        oid_size = sizeof(oid);
        rc = gnutls_x509_crt_get_extension_info(crt, i, oid, &oid_size,
                                                &critical);
        if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER) {
            continue;           /* an OID longer than any we look for */
        }
        if (rc < 0) {
            return rv;
        }
        if (strcmp(oid, want) != 0
            || gnutls_x509_crt_get_extension_data2(crt, i, &der) < 0) {
            continue;
        }
        text = ext_text(p, want, &der);
        gnutls_free(der.data);
        if (text == NULL) {
            rv = APR_INCOMPLETE;
            continue;
        }
        APR_ARRAY_PUSH(*values, const char *) = text;
    }
}
