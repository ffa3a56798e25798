/* sslx_vars.c - every SSL_* variable mod_sslx offers, computed from one
 * table so the lookup hook, the CGI environment, ap_expr and log formats
 * can never disagree.
 *
 * Names and spellings are mod_ssl's: "TLSv1.3", OpenSSL cipher names,
 * RFC 2253 DNs, OpenSSL time and algorithm names.  Connection-wide facts
 * (protocol, cipher, session id, our certificate) are computed once and
 * kept on the connection; everything else is computed into the pool of
 * the caller.  Lookups on connections that are not ours return NULL so
 * another TLS module (mod_ssl) can answer.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_optional.h>
#include <http_core.h>
#include <http_ssl.h>
#include <mod_log_config.h>

#include "sslx_vars.h"
#include "sslx_compat.h"
#include "sslx_x509.h"
#include "sslx_version.h"

typedef struct {
    apr_pool_t *p;
    sslx_conn_t *sc;
    request_rec *r;
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
        if (sslx_compat_session_cipher_id(ctx->sc->session, id) == 0) {
            f->cipher = sslx_compat_cipher_openssl_name(id);
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
            apr_snprintf(hex + 2 * i, 3, "%02X", id[i]);
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
    /* TLS 1.3 has no renegotiation, and mod_ssl reports "false" there. */
    if (gnutls_protocol_get_version(ctx->sc->session) == GNUTLS_TLS1_3) {
        return "false";
    }
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

static const char *var_client_verify(const var_ctx_t *ctx)
{
    (void)ctx;
    return "NONE";
}

/* ---- certificates ------------------------------------------------- */

static gnutls_x509_crt_t server_cert(const var_ctx_t *ctx,
                                     const gnutls_datum_t **pder)
{
    sslx_facts_t *f = &ctx->sc->facts;
    const gnutls_datum_t *der;
    gnutls_datum_t first;

    if (!f->server_crt) {
        der = gnutls_certificate_get_ours(ctx->sc->session);
        if (!der && gnutls_session_is_resumed(ctx->sc->session)
            && gnutls_certificate_get_crt_raw(ctx->sc->tls->creds, 0, 0,
                                              &first) >= 0) {
            /* No certificate is sent on resumption and GnuTLS does not
             * remember which one the session began with: report the
             * vhost's first, as mod_ssl reports its current one. */
            der = &first;
        }
        if (!der) {
            return NULL;
        }
        f->server_der.data = apr_pmemdup(ctx->sc->c->pool, der->data,
                                         der->size);
        f->server_der.size = der->size;
        f->server_crt = sslx_x509_import(ctx->sc->c->pool, &f->server_der);
    }
    *pder = &f->server_der;
    return f->server_crt;
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

static const char *cert_dn_var(const var_ctx_t *ctx, gnutls_x509_crt_t crt,
                               sslx_x509_name_t which, const char *rest)
{
    const char *comp;
    apr_size_t len;
    int idx, raw;

    if (*rest == '\0') {
        return sslx_x509_dn(ctx->p, crt, which);
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

static const char *cert_var(const var_ctx_t *ctx, gnutls_x509_crt_t crt,
                            const gnutls_datum_t *der, const char *field)
{
    if (!strncmp(field, "S_DN", 4)) {
        return cert_dn_var(ctx, crt, SSLX_X509_SUBJECT, field + 4);
    }
    if (!strncmp(field, "I_DN", 4)) {
        return cert_dn_var(ctx, crt, SSLX_X509_ISSUER, field + 4);
    }
    if (!strncmp(field, "SAN_", 4)) {
        return cert_san_var(ctx, crt, field + 4);
    }
    if (!strcmp(field, "M_VERSION")) {
        return sslx_x509_version(ctx->p, crt);
    }
    if (!strcmp(field, "M_SERIAL")) {
        return sslx_x509_serial(ctx->p, crt);
    }
    if (!strcmp(field, "V_START")) {
        return sslx_x509_not_before(ctx->p, crt);
    }
    if (!strcmp(field, "V_END")) {
        return sslx_x509_not_after(ctx->p, crt);
    }
    if (!strcmp(field, "V_REMAIN")) {
        return sslx_x509_days_remaining(ctx->p, crt, apr_time_now());
    }
    if (!strcmp(field, "A_SIG")) {
        return sslx_x509_sig_alg(ctx->p, crt);
    }
    if (!strcmp(field, "A_KEY")) {
        return sslx_x509_key_alg(ctx->p, crt);
    }
    if (!strcmp(field, "CERT")) {
        return sslx_x509_pem(ctx->p, der);
    }
    if (!strcmp(field, "B64CERT")) {
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

/* Server certificate fields +StdEnvVars exports, in mod_ssl's order. */
static const char *const server_std_fields[] = {
    "M_VERSION", "M_SERIAL", "V_START", "V_END", "S_DN", "I_DN", "A_KEY",
    "A_SIG", NULL
};

static const char *lookup(const var_ctx_t *ctx, const char *name)
{
    const var_def_t *def;

    for (def = var_defs; def->name; def++) {
        if (!strcmp(def->name, name)) {
            return def->fn(ctx);
        }
    }
    if (!strncmp(name, "SSL_SERVER_", 11)) {
        return server_cert_var(ctx, name + 11);
    }
    return NULL;
}

static int make_ctx(var_ctx_t *ctx, apr_pool_t *p, conn_rec *c,
                    request_rec *r)
{
    ctx->sc = c ? sslx_conn_get(c) : NULL;
    if (!ctx->sc || ctx->sc->state < SSLX_ST_TRAFFIC
        || ctx->sc->state == SSLX_ST_PLAIN_HTTP || !ctx->sc->session) {
        return 0;
    }
    ctx->p = p;
    ctx->r = r;
    return 1;
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

static void export_std(const var_ctx_t *ctx, apr_table_t *env)
{
    const var_def_t *def;
    const char *const *field;
    const gnutls_datum_t *der;
    gnutls_x509_crt_t crt;

    for (def = var_defs; def->name; def++) {
        if (def->flags & SSLX_VAR_STD) {
            set_env(env, def->name, def->fn(ctx));
        }
    }
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
        set_env(env, "SSL_SERVER_CERT", lookup(&ctx, "SSL_SERVER_CERT"));
    }
    if (options & SSLX_OPT_EXPORT_B64_CERT) {
        set_env(env, "SSL_SERVER_B64CERT",
                lookup(&ctx, "SSL_SERVER_B64CERT"));
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
