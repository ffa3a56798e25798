/* sslx_vars.c - every SSL_* variable mod_sslx offers, computed from one
 * table so the lookup hook, the CGI environment, ap_expr and log formats
 * can never disagree.
 *
 * Names and spellings are mod_ssl's: "TLSv1.3", OpenSSL cipher names,
 * RFC 2253 DNs, OpenSSL time and algorithm names; like mod_ssl's, names
 * compare without case, except DN components.  Connection-wide facts
 * (protocol, cipher, session id, our certificate, the client's) are
 * computed once and kept on the connection; everything else is computed
 * into the pool of the caller.  Lookups on connections that are not ours
 * return NULL so another TLS module (mod_ssl) can answer.
 *
 * The client's certificate is kept only once it exists (a per-location
 * re-authentication may bring the first one) and only by lookups made on
 * the connection itself: HTTP/2 streams share their master's state from
 * other threads, so they compute what is missing into their own pool.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_optional.h>
#include <http_core.h>
#include <http_ssl.h>
#include <mod_log_config.h>

#include "sslx_vars.h"
#include "sslx_config.h"
#include "sslx_cipher.h"
#include "sslx_verify.h"
#include "sslx_x509.h"
#include "sslx_version.h"

typedef struct {
    apr_pool_t *p;
    sslx_conn_t *sc;
    request_rec *r;
    int owner;          /* on sc's own connection: may fill sc->facts */
} var_ctx_t;

typedef const char *var_fn_t(const var_ctx_t *ctx);

/* ---- connection facts --------------------------------------------- */

static const char *protocol_name(gnutls_protocol_t v)
{
    switch (v) {
    case GNUTLS_TLS1_3: return "TLSv1.3";
    case GNUTLS_TLS1_2: return "TLSv1.2";
    case GNUTLS_TLS1_1: return "TLSv1.1";
    case GNUTLS_TLS1_0: return "TLSv1";
    case GNUTLS_SSL3:   return "SSLv3";
    default:            return NULL;
    }
}

static const char *var_protocol(const var_ctx_t *ctx)
{
    sslx_facts_t *f = &ctx->sc->facts;

    if (!f->protocol) {
        f->protocol = protocol_name(gnutls_protocol_get_version(
                                    ctx->sc->session));
    }
    return f->protocol;
}

static const char *var_cipher(const var_ctx_t *ctx)
{
    sslx_facts_t *f = &ctx->sc->facts;
    unsigned char id[2];

    if (!f->cipher) {
        if (sslx_cipher_session_id(ctx->sc->session, id) == 0) {
            f->cipher = sslx_cipher_openssl_name(id);
        }
        if (!f->cipher) {
            f->cipher = gnutls_ciphersuite_get(ctx->sc->session);
        }
    }
    return f->cipher;
}

static int cipher_bits(const var_ctx_t *ctx)
{
    return (int)gnutls_cipher_get_key_size(
               gnutls_cipher_get(ctx->sc->session)) * 8;
}

static const char *var_usekeysize(const var_ctx_t *ctx)
{
    return apr_itoa(ctx->p, cipher_bits(ctx));
}

static const char *var_export(const var_ctx_t *ctx)
{
    return cipher_bits(ctx) < 56 ? "true" : "false";
}

static const char *var_session_id(const var_ctx_t *ctx)
{
    sslx_facts_t *f = &ctx->sc->facts;
    unsigned char id[GNUTLS_MAX_SESSION_ID_SIZE];
    size_t len = sizeof(id), i;
    char *hex;

    if (!f->session_id) {
        if (gnutls_session_get_id(ctx->sc->session, id, &len) < 0) {
            return NULL;
        }
        hex = apr_palloc(ctx->sc->c->pool, len * 2 + 1);
        for (i = 0; i < len; i++) {
            apr_snprintf(hex + 2 * i, 3, "%02x", id[i]);
        }
        hex[len * 2] = '\0';
        f->session_id = hex;
    }
    return f->session_id;
}

static const char *var_resumed(const var_ctx_t *ctx)
{
    return gnutls_session_is_resumed(ctx->sc->session) ? "Resumed"
                                                       : "Initial";
}

static const char *var_secure_reneg(const var_ctx_t *ctx)
{
    return gnutls_safe_renegotiation_status(ctx->sc->session) ? "true"
                                                              : "false";
}

static const char *var_sni(const var_ctx_t *ctx)
{
    return ctx->sc->sni;
}

static const char *var_https(const var_ctx_t *ctx)
{
    (void)ctx;
    return "on";
}

static const char *var_compress(const var_ctx_t *ctx)
{
    (void)ctx;
    return "NULL";
}

static const char *var_interface(const var_ctx_t *ctx)
{
    (void)ctx;
    return "mod_sslx/" SSLX_VERSION;
}

static const char *var_library(const var_ctx_t *ctx)
{
    return apr_pstrcat(ctx->p, "GnuTLS/", gnutls_check_version(NULL), NULL);
}

/* The GnuTLS mod_sslx was built with; _LIBRARY is the one it runs on. */
static const char *var_library_interface(const var_ctx_t *ctx)
{
    (void)ctx;
    return "GnuTLS/" GNUTLS_VERSION;
}

/* The certificates the client sent, leaf first; NULL when none. */
static const gnutls_datum_t *peer_certs(const var_ctx_t *ctx,
                                        unsigned int *n)
{
    const gnutls_datum_t *peers;

    *n = 0;
    peers = gnutls_certificate_get_peers(ctx->sc->session, n);
    return (peers && *n > 0) ? peers : NULL;
}

/* NONE, SUCCESS, GENEROUS or FAILED:reason.  sslx_verify owns the
 * result; it also judges the certificate a resumed session brings back
 * without a new verification. */
static const char *var_client_verify(const var_ctx_t *ctx)
{
    return sslx_verify_result(ctx->sc, ctx->p);
}

/* ---- certificates ------------------------------------------------- */

/* The vhost's certificate this session presented, parsed at
 * configuration time.  A resumed session presents none and GnuTLS does
 * not remember which one it began with: the vhost's first stands in, as
 * mod_ssl reports its current one. */
static gnutls_x509_crt_t server_cert(const var_ctx_t *ctx,
                                     const gnutls_datum_t **pder)
{
    sslx_facts_t *f = &ctx->sc->facts;
    const apr_array_header_t *leaves = ctx->sc->leaves;
    const gnutls_datum_t *ours;
    const sslx_leaf_t *leaf;
    int i;

    if (!f->server_crt && leaves->nelts > 0) {
        ours = gnutls_certificate_get_ours(ctx->sc->session);
        leaf = &APR_ARRAY_IDX(leaves, 0, sslx_leaf_t);
        for (i = 0; ours && i < leaves->nelts; i++) {
            const sslx_leaf_t *l = &APR_ARRAY_IDX(leaves, i, sslx_leaf_t);
            if (l->der.size == ours->size
                && !memcmp(l->der.data, ours->data, ours->size)) {
                leaf = l;
                break;
            }
        }
        f->server_der = leaf->der;
        f->server_crt = leaf->crt;
    }
    *pder = &f->server_der;
    return f->server_crt;
}

static void copy_der(apr_pool_t *p, const gnutls_datum_t *from,
                     gnutls_datum_t *to)
{
    to->data = apr_pmemdup(p, from->data, from->size);
    to->size = from->size;
}

/* The client's leaf certificate, imported once and kept on the
 * connection (see the top of the file); NULL when it sent none. */
static gnutls_x509_crt_t client_cert(const var_ctx_t *ctx,
                                     const gnutls_datum_t **pder)
{
    sslx_facts_t *f = &ctx->sc->facts;
    const gnutls_datum_t *peers;
    gnutls_datum_t *der;
    apr_pool_t *p;
    unsigned int n;

    if (f->client_crt) {
        *pder = &f->client_der;
        return f->client_crt;
    }
    if ((peers = peer_certs(ctx, &n)) == NULL) {
        return NULL;
    }
    if (!ctx->owner) {
        der = apr_palloc(ctx->p, sizeof(*der));
        copy_der(ctx->p, &peers[0], der);
        *pder = der;
        return sslx_x509_import(ctx->p, der);
    }
    apr_pool_create(&p, ctx->sc->c->pool);
    apr_pool_tag(p, "sslx_client_cert");
    copy_der(p, &peers[0], &f->client_der);
    if ((f->client_crt = sslx_x509_import(p, &f->client_der)) == NULL) {
        apr_pool_destroy(p);
        f->client_der.data = NULL;
        f->client_der.size = 0;
        return NULL;
    }
    f->client_pool = p;
    *pder = &f->client_der;
    return f->client_crt;
}

void sslx_vars_forget_session(sslx_conn_t *sc)
{
    sslx_facts_t *f = &sc->facts;

    if (f->client_pool) {
        apr_pool_destroy(f->client_pool);   /* deinits client_crt */
    }
    f->client_pool = NULL;
    f->client_crt = NULL;
    /* A renegotiation may also have changed the suite and the id. */
    f->protocol = NULL;
    f->cipher = NULL;
    f->session_id = NULL;
    f->client_der.data = NULL;
    f->client_der.size = 0;
}

/* "OU_1" -> component "OU", index 1; "CN" -> "CN", 0. */
static const char *split_index(apr_pool_t *p, const char *s, int *pidx)
{
    const char *us = strrchr(s, '_');
    const char *d;

    *pidx = 0;
    if (!us || !us[1]) {
        return s;
    }
    for (d = us + 1; *d; d++) {
        if (!apr_isdigit(*d)) {
            return s;
        }
    }
    *pidx = atoi(us + 1);
    return apr_pstrmemdup(p, s, us - s);
}

static int legacy_dn(const var_ctx_t *ctx)
{
    return ctx->r && (sslx_config_options(sslx_config_dir(
                          ctx->r->per_dir_config)) & SSLX_OPT_LEGACY_DN);
}

static const char *cert_dn_var(const var_ctx_t *ctx, gnutls_x509_crt_t crt,
                               sslx_x509_name_t which, const char *rest)
{
    const char *comp;
    apr_size_t len;
    int idx, raw;

    if (*rest == '\0') {
        /* +LegacyDNStringFormat: "/C=DE/CN=x", as before httpd 2.3.11. */
        return legacy_dn(ctx) ? sslx_x509_dn_legacy(ctx->p, crt, which)
                              : sslx_x509_dn(ctx->p, crt, which);
    }
    if (*rest++ != '_') {
        return NULL;
    }
    /* mod_ssl reads "CN_1_RAW" as the raw form of the second CN. */
    len = strlen(rest);
    raw = len > 4 && !strcmp(rest + len - 4, "_RAW");
    if (raw) {
        rest = apr_pstrmemdup(ctx->p, rest, len - 4);
    }
    comp = split_index(ctx->p, rest, &idx);
    if (raw) {
        comp = apr_pstrcat(ctx->p, comp, "_RAW", NULL);
    }
    return sslx_x509_dn_component(ctx->p, crt, which, comp, idx);
}

static const char *cert_san_var(const var_ctx_t *ctx, gnutls_x509_crt_t crt,
                                const char *rest)
{
    const char *type;
    int idx;

    type = split_index(ctx->p, rest, &idx);
    if (type == rest) {
        return NULL;
    }
    return sslx_x509_san(ctx->p, crt, type, idx);
}

/* The fields that are one function of the certificate alone. */
static const struct {
    const char *field;
    const char *(*get)(apr_pool_t *p, gnutls_x509_crt_t crt);
} crt_fields[] = {
    { "M_VERSION", sslx_x509_version },
    { "M_SERIAL",  sslx_x509_serial },
    { "V_START",   sslx_x509_not_before },
    { "V_END",     sslx_x509_not_after },
    { "A_SIG",     sslx_x509_sig_alg },
    { "A_KEY",     sslx_x509_key_alg }
};

static const char *cert_var(const var_ctx_t *ctx, gnutls_x509_crt_t crt,
                            const gnutls_datum_t *der, const char *field)
{
    size_t i;

    for (i = 0; i < sizeof(crt_fields) / sizeof(crt_fields[0]); i++) {
        if (!strcasecmp(field, crt_fields[i].field)) {
            return crt_fields[i].get(ctx->p, crt);
        }
    }
    if (!strncmp(field, "S_DN", 4)) {
        return cert_dn_var(ctx, crt, SSLX_X509_SUBJECT, field + 4);
    }
    if (!strncmp(field, "I_DN", 4)) {
        return cert_dn_var(ctx, crt, SSLX_X509_ISSUER, field + 4);
    }
    if (!strncasecmp(field, "SAN_", 4)) {
        return cert_san_var(ctx, crt, field + 4);
    }
    if (!strcasecmp(field, "V_REMAIN")) {
        return sslx_x509_days_remaining(ctx->p, crt, apr_time_now());
    }
    if (!strcasecmp(field, "CERT")) {
        return sslx_x509_pem(ctx->p, der);
    }
    if (!strcasecmp(field, "B64CERT")) {
        return sslx_x509_b64(ctx->p, der);
    }
    return NULL;
}

static const char *server_cert_var(const var_ctx_t *ctx, const char *field)
{
    const gnutls_datum_t *der;
    gnutls_x509_crt_t crt = server_cert(ctx, &der);

    return crt ? cert_var(ctx, crt, der, field) : NULL;
}

/* SSL_CLIENT_[B64]CERT_CHAIN_n: the n-th certificate the client sent
 * after its own (mod_ssl's SSL_get_peer_cert_chain on a server). */
static const char *client_chain_var(const var_ctx_t *ctx, const char *idx,
                                    int b64)
{
    const gnutls_datum_t *peers;
    unsigned int n;
    char *end;
    long i;

    if (!apr_isdigit(*idx)) {
        return NULL;
    }
    i = strtol(idx, &end, 10);
    if (*end != '\0' || (peers = peer_certs(ctx, &n)) == NULL
        || i < 0 || i >= (long)n - 1) {
        return NULL;
    }
    return b64 ? sslx_x509_b64(ctx->p, &peers[i + 1])
               : sslx_x509_pem(ctx->p, &peers[i + 1]);
}

static const char *client_cert_var(const var_ctx_t *ctx, const char *field)
{
    const gnutls_datum_t *der;
    gnutls_x509_crt_t crt;

    if (!strncasecmp(field, "CERT_CHAIN_", 11)) {
        return client_chain_var(ctx, field + 11, 0);
    }
    if (!strncasecmp(field, "B64CERT_CHAIN_", 14)) {
        return client_chain_var(ctx, field + 14, 1);
    }
    if ((crt = client_cert(ctx, &der)) == NULL) {
        return NULL;
    }
    if (!strcasecmp(field, "CERT_RFC4523_CEA")) {
        return sslx_x509_rfc4523_cea(ctx->p, crt);
    }
    return cert_var(ctx, crt, der, field);
}

/* ---- the table ----------------------------------------------------- */

#define SSLX_VAR_STD 1   /* exported by +StdEnvVars */

typedef struct {
    const char *name;
    var_fn_t *fn;
    int flags;
} var_def_t;

static const var_def_t var_defs[] = {
    { "HTTPS",                 var_https,         0 },
    { "SSL_TLS_SNI",           var_sni,           0 },
    { "SSL_VERSION_INTERFACE", var_interface,     SSLX_VAR_STD },
    { "SSL_VERSION_LIBRARY",   var_library,       SSLX_VAR_STD },
    { "SSL_VERSION_LIBRARY_INTERFACE", var_library_interface, 0 },
    { "SSL_PROTOCOL",          var_protocol,      SSLX_VAR_STD },
    { "SSL_SECURE_RENEG",      var_secure_reneg,  SSLX_VAR_STD },
    { "SSL_COMPRESS_METHOD",   var_compress,      SSLX_VAR_STD },
    { "SSL_CIPHER",            var_cipher,        SSLX_VAR_STD },
    { "SSL_CIPHER_EXPORT",     var_export,        SSLX_VAR_STD },
    { "SSL_CIPHER_USEKEYSIZE", var_usekeysize,    SSLX_VAR_STD },
    { "SSL_CIPHER_ALGKEYSIZE", var_usekeysize,    SSLX_VAR_STD },
    { "SSL_CLIENT_VERIFY",     var_client_verify, SSLX_VAR_STD },
    { "SSL_SESSION_ID",        var_session_id,    SSLX_VAR_STD },
    { "SSL_SESSION_RESUMED",   var_resumed,       SSLX_VAR_STD },
    { NULL, NULL, 0 }
};

/* Certificate fields +StdEnvVars exports, in mod_ssl's order. */
static const char *const server_std_fields[] = {
    "M_VERSION", "M_SERIAL", "V_START", "V_END", "S_DN", "I_DN", "A_KEY",
    "A_SIG", NULL
};
static const char *const client_std_fields[] = {
    "M_VERSION", "M_SERIAL", "V_START", "V_END", "V_REMAIN", "S_DN", "I_DN",
    "A_KEY", "A_SIG", "CERT_RFC4523_CEA", NULL
};

static const char *lookup(const var_ctx_t *ctx, const char *name)
{
    const var_def_t *def;

    for (def = var_defs; def->name; def++) {
        if (!strcasecmp(def->name, name)) {
            return def->fn(ctx);
        }
    }
    if (!strncasecmp(name, "SSL_SERVER_", 11)) {
        return server_cert_var(ctx, name + 11);
    }
    if (!strncasecmp(name, "SSL_CLIENT_", 11)) {
        return client_cert_var(ctx, name + 11);
    }
    return NULL;
}

const char *sslx_vars_version(apr_pool_t *p, const char *name)
{
    const var_def_t *def;
    var_ctx_t ctx;

    if (strncasecmp(name, "SSL_VERSION_", 12) != 0) {
        return NULL;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.p = p;
    for (def = var_defs; def->name; def++) {
        if (!strcasecmp(def->name, name)) {
            return apr_pstrdup(p, def->fn(&ctx));
        }
    }
    return NULL;
}

static int make_ctx(var_ctx_t *ctx, apr_pool_t *p, conn_rec *c,
                    request_rec *r)
{
    ctx->sc = c ? sslx_conn_get(c) : NULL;
    if (!ctx->sc || ctx->sc->state < SSLX_ST_TRAFFIC
        || ctx->sc->state == SSLX_ST_PLAIN_HTTP || !ctx->sc->session
        || ctx->sc->client) {
        return 0;
    }
    ctx->p = p;
    ctx->r = r;
    ctx->owner = (c == ctx->sc->c);
    return 1;
}

void sslx_vars_conn_ready(sslx_conn_t *sc)
{
    const gnutls_datum_t *der;
    var_ctx_t ctx;

    /* Filled here, on the connection's own thread, before any HTTP/2
     * stream can look from another one: streams then only read. */
    if (!make_ctx(&ctx, sc->c->pool, sc->c, NULL)) {
        return;
    }
    var_protocol(&ctx);
    var_cipher(&ctx);
    var_session_id(&ctx);
    server_cert(&ctx, &der);
    client_cert(&ctx, &der);
    sslx_verify_result(sc, sc->c->pool);
}

const char *sslx_vars_lookup(apr_pool_t *p, server_rec *s, conn_rec *c,
                             request_rec *r, const char *name)
{
    var_ctx_t ctx;

    (void)s;
    if (!name || !make_ctx(&ctx, p, c, r)) {
        return NULL;
    }
    return lookup(&ctx, name);
}

static void set_env(apr_table_t *env, const char *name, const char *value)
{
    if (value && *value) {
        apr_table_setn(env, name, value);
    }
}

static void export_server_std(const var_ctx_t *ctx, apr_table_t *env)
{
    const char *const *field;
    const gnutls_datum_t *der;
    gnutls_x509_crt_t crt;

    if ((crt = server_cert(ctx, &der)) == NULL) {
        return;
    }
    for (field = server_std_fields; *field; field++) {
        set_env(env, apr_pstrcat(ctx->p, "SSL_SERVER_", *field, NULL),
                cert_var(ctx, crt, der, *field));
    }
    sslx_x509_dn_export(ctx->p, crt, SSLX_X509_SUBJECT, "SSL_SERVER_S_DN_",
                        env);
    sslx_x509_dn_export(ctx->p, crt, SSLX_X509_ISSUER, "SSL_SERVER_I_DN_",
                        env);
    sslx_x509_san_export(ctx->p, crt, "SSL_SERVER_", 0, env);
}

/* The client's variables exist only when it sent a certificate. */
static void export_client_std(const var_ctx_t *ctx, apr_table_t *env)
{
    const char *const *field;
    const gnutls_datum_t *der;
    gnutls_x509_crt_t crt;

    if ((crt = client_cert(ctx, &der)) == NULL) {
        return;
    }
    for (field = client_std_fields; *field; field++) {
        set_env(env, apr_pstrcat(ctx->p, "SSL_CLIENT_", *field, NULL),
                client_cert_var(ctx, *field));
    }
    sslx_x509_dn_export(ctx->p, crt, SSLX_X509_SUBJECT, "SSL_CLIENT_S_DN_",
                        env);
    sslx_x509_dn_export(ctx->p, crt, SSLX_X509_ISSUER, "SSL_CLIENT_I_DN_",
                        env);
    sslx_x509_san_export(ctx->p, crt, "SSL_CLIENT_", 1, env);
}

static void export_std(const var_ctx_t *ctx, apr_table_t *env)
{
    const var_def_t *def;

    for (def = var_defs; def->name; def++) {
        if (def->flags & SSLX_VAR_STD) {
            set_env(env, def->name, def->fn(ctx));
        }
    }
    export_server_std(ctx, env);
    export_client_std(ctx, env);
}

/* +ExportCertData (field "CERT") or +ExportBase64CertData ("B64CERT"):
 * the server's and the client's certificate and the client's chain.  As
 * in mod_ssl, SSL_CLIENT_[B64]CERT is set, empty, when the client sent
 * no certificate. */
static void export_certs(const var_ctx_t *ctx, apr_table_t *env,
                         const char *field)
{
    const char *v, *name;
    unsigned int n, i;

    name = apr_pstrcat(ctx->p, "SSL_SERVER_", field, NULL);
    set_env(env, name, server_cert_var(ctx, field));
    name = apr_pstrcat(ctx->p, "SSL_CLIENT_", field, NULL);
    v = client_cert_var(ctx, field);
    apr_table_setn(env, name, v ? v : "");
    if (peer_certs(ctx, &n) == NULL) {
        return;
    }
    for (i = 0; i + 1 < n; i++) {
        name = apr_psprintf(ctx->p, "SSL_CLIENT_%s_CHAIN_%u", field, i);
        set_env(env, name, client_cert_var(ctx, name + 11));
    }
}

void sslx_vars_export(request_rec *r, sslx_conn_t *sc, int options)
{
    apr_table_t *env = r->subprocess_env;
    var_ctx_t ctx;

    if (!make_ctx(&ctx, r->pool, r->connection, r) || ctx.sc != sc) {
        return;
    }
    apr_table_setn(env, "HTTPS", "on");
    set_env(env, "SSL_TLS_SNI", sc->sni);
    if (options & SSLX_OPT_STD_ENV_VARS) {
        export_std(&ctx, env);
    }
    if (options & SSLX_OPT_EXPORT_CERT_DATA) {
        export_certs(&ctx, env, "CERT");
    }
    if (options & SSLX_OPT_EXPORT_B64_CERT) {
        export_certs(&ctx, env, "B64CERT");
    }
}

/* ---- ap_expr and log formats --------------------------------------- */

/* Both go through ap_ssl_var_lookup(), so they answer for mod_ssl's
 * connections too when the two modules serve different vhosts. */
static const char *expr_var(ap_expr_eval_ctx_t *ctx, const void *data)
{
    return ap_ssl_var_lookup(ctx->p, ctx->s, ctx->c, ctx->r, data);
}

int sslx_vars_expr_lookup(ap_expr_lookup_parms *parms)
{
    if (parms->type != AP_EXPR_FUNC_VAR
        || strncasecmp(parms->name, "SSL_", 4) != 0) {
        return DECLINED;
    }
    *parms->func = expr_var;
    *parms->data = apr_pstrdup(parms->pool, parms->name);
    return OK;
}

static const char *log_var(request_rec *r, char *name)
{
    const char *v = ap_ssl_var_lookup(r->pool, r->server, r->connection, r,
                                      name);

    return (v && *v) ? v : NULL;
}

/* mod_ssl's short names for %{...}c. */
static const char *log_short(request_rec *r, char *name)
{
    if (!strcmp(name, "version")) {
        return log_var(r, "SSL_PROTOCOL");
    }
    if (!strcmp(name, "cipher")) {
        return log_var(r, "SSL_CIPHER");
    }
    if (!strcmp(name, "subjectdn")) {
        return log_var(r, "SSL_CLIENT_S_DN");
    }
    if (!strcmp(name, "issuerdn")) {
        return log_var(r, "SSL_CLIENT_I_DN");
    }
    if (!strcmp(name, "errcode")) {
        return "-";
    }
    return NULL;
}

void sslx_vars_register_log_handlers(apr_pool_t *p)
{
    APR_OPTIONAL_FN_TYPE(ap_register_log_handler) *reg;

    reg = APR_RETRIEVE_OPTIONAL_FN(ap_register_log_handler);
    if (reg) {
        reg(p, "x", log_var, 0);
        reg(p, "c", log_short, 0);
    }
}
