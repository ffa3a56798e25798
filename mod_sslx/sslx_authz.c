/* sslx_authz.c - access control built on TLS facts, with mod_ssl's
 * semantics: the authz providers "Require ssl" and "Require
 * ssl-verify-client", SSLXRequireSSL, SSLXRequire (with PeerExtList()),
 * SSLXUserName, SSLXOptions +FakeBasicAuth and +StrictRequire.
 *
 * Everything here asks httpd's core TLS functions (ap_ssl_conn_is_ssl,
 * ap_ssl_var_lookup) instead of looking at mod_sslx's own connection
 * state, so the rules hold for connections mod_ssl serves too when both
 * modules are loaded.  That is also why the providers, registered under
 * mod_ssl's names after mod_ssl's, may replace them: they answer for
 * both modules' connections.  The client certificate itself, which
 * +FakeBasicAuth and PeerExtList() need, is read back from
 * SSL_CLIENT_CERT for the same reason.
 *
 * A denial sets the "ssl-access-forbidden" note, which +StrictRequire
 * turns into a 403 in the authentication and authorization phases even
 * when "Satisfy any" would let another rule grant access.
 *
 * Like mod_ssl, every request is refused whose Basic credentials pose as
 * a +FakeBasicAuth certificate user ("/..." with the password
 * "password"), whether or not the directory uses +FakeBasicAuth: the
 * user file may be shared.  That check runs ahead of mod_ssl's
 * +FakeBasicAuth and ours after mod_ssl's check, so neither module takes
 * the other's made-up header for a spoof.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_ssl.h>
#include <mod_auth.h>

#include "sslx_authz.h"
#include "sslx_config.h"
#include "sslx_x509.h"
#include "sslx_x509_ext.h"

#define SSLX_NOTE_FORBIDDEN "ssl-access-forbidden"

/* ---- the client certificate, from any TLS module ------------------- */

/* c's client certificate, imported from p; NULL when there is none. */
static gnutls_x509_crt_t peer_cert(apr_pool_t *p, server_rec *s,
                                   conn_rec *c, request_rec *r)
{
    const char *pem = ap_ssl_var_lookup(p, s ? s : c->base_server, c, r,
                                        "SSL_CLIENT_CERT");

    return sslx_x509_import_pem(p, pem);
}

static const char *client_var(request_rec *r, const char *name)
{
    return ap_ssl_var_lookup(r->pool, r->server, r->connection, r, name);
}

/* ---- authz providers ----------------------------------------------- */

static authz_status require_ssl_check(request_rec *r, const char *line,
                                      const void *parsed)
{
    (void)line;
    (void)parsed;
    return ap_ssl_conn_is_ssl(r->connection) ? AUTHZ_GRANTED : AUTHZ_DENIED;
}

static const char *require_ssl_parse(cmd_parms *cmd, const char *line,
                                     const void **parsed)
{
    (void)cmd;
    (void)parsed;
    return (line && *line) ? "'Require ssl' does not take arguments" : NULL;
}

/* Only a verified certificate: GENEROUS (optional_no_ca) is not enough,
 * as with mod_ssl. */
static authz_status verify_client_check(request_rec *r, const char *line,
                                        const void *parsed)
{
    const char *verify = client_var(r, "SSL_CLIENT_VERIFY");

    (void)line;
    (void)parsed;
    return (verify && !strcmp(verify, "SUCCESS")) ? AUTHZ_GRANTED
                                                  : AUTHZ_DENIED;
}

static const char *verify_client_parse(cmd_parms *cmd, const char *line,
                                       const void **parsed)
{
    (void)cmd;
    (void)parsed;
    return (line && *line)
           ? "'Require ssl-verify-client' does not take arguments" : NULL;
}

static const authz_provider require_ssl_provider = {
    require_ssl_check, require_ssl_parse
};

static const authz_provider verify_client_provider = {
    verify_client_check, verify_client_parse
};

/* Both providers only look at the connection, so they are "per
 * configuration"; httpd counts such registrations against the provider
 * names, so a name mod_ssl registered already is not counted twice. */
static void register_provider(apr_pool_t *pconf, const char *name,
                              const authz_provider *provider)
{
    int type = AP_AUTH_INTERNAL_PER_CONF;

    if (ap_lookup_provider(AUTHZ_PROVIDER_GROUP, name,
                           AUTHZ_PROVIDER_VERSION) != NULL) {
        type = AP_AUTH_INTERNAL_PER_URI;
    }
    ap_register_auth_provider(pconf, AUTHZ_PROVIDER_GROUP, name,
                              AUTHZ_PROVIDER_VERSION, provider, type);
}

void sslx_authz_pre_config(apr_pool_t *pconf)
{
    register_provider(pconf, "ssl", &require_ssl_provider);
    register_provider(pconf, "ssl-verify-client", &verify_client_provider);
}

/* ---- access_checker ------------------------------------------------ */

static const char *what(const request_rec *r)
{
    return r->filename ? r->filename : r->uri;
}

static int forbid(request_rec *r)
{
    apr_table_setn(r->notes, SSLX_NOTE_FORBIDDEN, "1");
    return HTTP_FORBIDDEN;
}

/* SSLXUserName: the directory's, else the vhost's. */
static void set_user_name(request_rec *r, const sslx_dir_conf_t *dc)
{
    const char *var = dc->user_name ? dc->user_name
                                    : sslx_config_srv(r->server)->user_name;
    const char *v;

    if (var == NULL) {
        return;
    }
    v = client_var(r, var);
    if (v == NULL || *v == '\0') {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01801)
                      "cannot set the user name from %s: no such value "
                      "(SSLXUserName)", var);
        return;
    }
    r->user = apr_pstrdup(r->pool, v);
}

static int check_requires(request_rec *r, const sslx_dir_conf_t *dc)
{
    const ap_expr_info_t *expr;
    const char *err;
    int i, ok;

    for (i = 0; dc->requires && i < dc->requires->nelts; i++) {
        expr = APR_ARRAY_IDX(dc->requires, i, const ap_expr_info_t *);
        err = NULL;
        ok = ap_expr_exec(r, expr, &err);
        if (ok < 0) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSLXLOGNO(01802)
                          "access to %s failed: cannot evaluate the "
                          "SSLXRequire expression at %s:%u: %s", what(r),
                          expr->filename, expr->line_number,
                          err ? err : "unknown error");
            return forbid(r);
        }
        if (ok == 0) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01803)
                          "access to %s denied for %s: SSLXRequire "
                          "expression at %s:%u not fulfilled", what(r),
                          r->useragent_ip, expr->filename,
                          expr->line_number);
            return forbid(r);
        }
    }
    return DECLINED;
}

int sslx_authz_access_checker(request_rec *r)
{
    sslx_dir_conf_t *dc = sslx_config_dir(r->per_dir_config);

    if (!ap_ssl_conn_is_ssl(r->connection)) {
        if (dc->require_ssl != 1) {
            return DECLINED;
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01804)
                      "access to %s denied: TLS connection required "
                      "(SSLXRequireSSL)", what(r));
        return forbid(r);
    }
    /* With +FakeBasicAuth the certificate's DN is the user name. */
    if (!(sslx_config_options(dc) & SSLX_OPT_FAKE_BASIC_AUTH)) {
        set_user_name(r, dc);
    }
    return check_requires(r, dc);
}

/* ---- check_authn and check_authz ----------------------------------- */

static int strictly_forbidden(request_rec *r, int options)
{
    return (options & SSLX_OPT_STRICT_REQUIRE)
           && apr_table_get(r->notes, SSLX_NOTE_FORBIDDEN) != NULL;
}

/* Basic credentials a client made up to pass as a certificate: a user
 * name that looks like a one-line DN with FakeBasicAuth's password. */
static int is_spoof(request_rec *r)
{
    const char *line = apr_table_get(r->headers_in, "Authorization");
    const char *user;

    if (line == NULL || strcasecmp(ap_getword(r->pool, &line, ' '),
                                   "Basic") != 0) {
        return 0;
    }
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    line = ap_pbase64decode(r->pool, line);
    user = ap_getword_nulls(r->pool, &line, ':');
    if (user[0] != '/' || strcmp(line, "password") != 0) {
        return 0;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01805)
                  "FakeBasicAuth spoof: a client sent the credentials of "
                  "the certificate user %s", user);
    return 1;
}

/* +FakeBasicAuth: the subject DN of a verified (or GENEROUS) client
 * certificate, in OpenSSL's one-line form, with the password "password"
 * (crypt "xxj31ZMTZzkVA" in the user file). */
static void fake_basic_auth(request_rec *r)
{
    const char *verify = client_var(r, "SSL_CLIENT_VERIFY");
    const char *dn, *line;
    gnutls_x509_crt_t crt;

    if (verify == NULL
        || (strcmp(verify, "SUCCESS") != 0
            && strcmp(verify, "GENEROUS") != 0)
        || (crt = peer_cert(r->pool, r->server, r->connection, r)) == NULL
        || (dn = sslx_x509_dn_legacy(r->pool, crt,
                                     SSLX_X509_SUBJECT)) == NULL) {
        return;
    }
    line = apr_pstrcat(r->pool, "Basic ",
                       ap_pbase64encode(r->pool, apr_pstrcat(r->pool, dn,
                                        ":password", NULL)), NULL);
    apr_table_setn(r->headers_in, "Authorization", line);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSLXLOGNO(01806)
                  "Faking HTTP Basic Auth header: \"Authorization: %s\"",
                  line);
}

int sslx_authz_check_spoof(request_rec *r)
{
    int options = sslx_config_options(sslx_config_dir(r->per_dir_config));

    if (strictly_forbidden(r, options)) {
        return HTTP_FORBIDDEN;
    }
    /* A subrequest has the header of its main request already. */
    if (ap_is_initial_req(r) && is_spoof(r)) {
        return HTTP_FORBIDDEN;
    }
    return DECLINED;
}

int sslx_authz_fake_basic_auth(request_rec *r)
{
    int options = sslx_config_options(sslx_config_dir(r->per_dir_config));

    if ((options & SSLX_OPT_FAKE_BASIC_AUTH) && r->user == NULL
        && ap_is_initial_req(r) && ap_ssl_conn_is_ssl(r->connection)) {
        fake_basic_auth(r);
    }
    return DECLINED;
}

int sslx_authz_check_authz(request_rec *r)
{
    int options = sslx_config_options(sslx_config_dir(r->per_dir_config));

    return strictly_forbidden(r, options) ? HTTP_FORBIDDEN : DECLINED;
}

/* ---- PeerExtList() ------------------------------------------------- */

static apr_array_header_t *peer_ext_list(ap_expr_eval_ctx_t *ctx,
                                         const void *data, const char *arg)
{
    apr_array_header_t *values;
    gnutls_x509_crt_t crt;
    apr_status_t rv;

    (void)data;
    if (arg == NULL || ctx->c == NULL
        || (crt = peer_cert(ctx->p, ctx->s, ctx->c, ctx->r)) == NULL) {
        return NULL;
    }
    rv = sslx_x509_ext_values(ctx->p, crt, arg, &values);
    if (rv == APR_EINVAL) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, ctx->c, SSLXLOGNO(01807)
                      "PeerExtList: '%s' is no extension OID or name", arg);
    }
    else if (rv == APR_INCOMPLETE) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, ctx->c, SSLXLOGNO(01808)
                      "PeerExtList: an extension '%s' has a value that "
                      "cannot be shown as text; it is left out", arg);
    }
    return values->nelts > 0 ? values : NULL;
}

int sslx_authz_expr_lookup(ap_expr_lookup_parms *parms)
{
    if (parms->type != AP_EXPR_FUNC_LIST
        || strcasecmp(parms->name, "PeerExtList") != 0) {
        return DECLINED;
    }
    *parms->func = peer_ext_list;
    *parms->data = "PeerExtList";
    return OK;
}
