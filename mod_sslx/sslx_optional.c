/* sslx_optional.c - what modules written against mod_ssl.h call, when
 * mod_ssl is not loaded: the APR optional functions ssl_var_lookup and
 * ssl_ext_list, and the ap_expr string function SSL().
 *
 * httpd 2.4 registers ssl_is_https, ssl_var_lookup, ssl_proxy_enable,
 * ssl_engine_disable and ssl_engine_set itself, in core's first
 * post_config hook (ap_setup_ssl_optional_fns): they call the hooks
 * ssl_conn_is_ssl, ssl_var_lookup and ssl_bind_outgoing, which mod_sslx
 * implements (sslx_conn.c, sslx_vars.c, sslx_proxy.c), so a module that
 * fetches them the usual way, in post_config or later, reaches mod_sslx.
 * Whatever a module registered under those names before is kept by core
 * and asked after the hooks: an ssl_var_lookup for the names the hooks
 * leave unanswered, an ssl_engine_set once more after the hooks declined
 * TLS, and with enable 0 after a hook took a connection on.
 *
 * So this file does what mod_ssl 2.4 does: it registers ssl_var_lookup
 * and ssl_ext_list, not the other four, whose second implementation
 * would only be asked the same questions again.  The ssl_var_lookup here
 * is mod_ssl's whole set on top of the SSL_* variables of sslx_vars.c:
 * request headers (HTTP_USER_AGENT, HTTP:name, ...), the request and the
 * server (QUERY_STRING, SERVER_SOFTWARE, ...), the time, ENV:name and
 * HTTPS "off" on plain connections; like mod_ssl's, it never returns NULL
 * (an unknown name is ""), names compare without case as mod_ssl's do,
 * and mod_headers' %{NAME}s, mod_rewrite's %{SSL:NAME} and ap_expr's
 * SSL() see all of it through core.
 *
 * mod_ssl registers the same names: loaded after mod_sslx it replaces
 * these; loaded before, they are not registered.
 */
#include "sslx_private.h"

#include <stdlib.h>

#include <apr_strings.h>
#include <apr_time.h>
#include <ap_mmn.h>
#include <http_core.h>
#include <http_main.h>
#include <http_protocol.h>
#include <http_ssl.h>
#include <mod_ssl.h>

#include "sslx_optional.h"
#include "sslx_config.h"
#include "sslx_conn.h"
#include "sslx_vars.h"
#include "sslx_x509.h"
#include "sslx_x509_ext.h"

/* ---- request variables ---------------------------------------------- */

/* Request headers under mod_ssl's CGI-style names. */
static const struct {
    const char *name;
    const char *header;
} header_vars[] = {
    { "HTTP_USER_AGENT",       "User-Agent" },
    { "HTTP_REFERER",          "Referer" },
    { "HTTP_COOKIE",           "Cookie" },
    { "HTTP_FORWARDED",        "Forwarded" },
    { "HTTP_HOST",             "Host" },
    { "HTTP_PROXY_CONNECTION", "Proxy-Connection" },
    { "HTTP_ACCEPT",           "Accept" }
};

/* The request's own fields, by mod_ssl's names. */
typedef enum {
    RV_METHOD, RV_SCHEME, RV_URI, RV_FILENAME, RV_ADDR, RV_HOST, RV_IDENT,
    RV_USER, RV_ADMIN, RV_SERVER_NAME, RV_PORT, RV_PROTOCOL, RV_PATH_INFO,
    RV_QUERY, RV_SUBREQ, RV_DOCROOT, RV_AUTH_TYPE, RV_THE_REQUEST
} request_field_t;

static const struct {
    const char *name;
    request_field_t field;
} request_vars[] = {
    { "REQUEST_METHOD",   RV_METHOD },
    { "REQUEST_SCHEME",   RV_SCHEME },
    { "REQUEST_URI",      RV_URI },
    { "REQUEST_FILENAME", RV_FILENAME },
    { "REMOTE_ADDR",      RV_ADDR },
    { "REMOTE_HOST",      RV_HOST },
    { "REMOTE_IDENT",     RV_IDENT },
    { "REMOTE_USER",      RV_USER },
    { "SERVER_ADMIN",     RV_ADMIN },
    { "SERVER_NAME",      RV_SERVER_NAME },
    { "SERVER_PORT",      RV_PORT },
    { "SERVER_PROTOCOL",  RV_PROTOCOL },
    { "SCRIPT_FILENAME",  RV_FILENAME },
    { "PATH_INFO",        RV_PATH_INFO },
    { "QUERY_STRING",     RV_QUERY },
    { "IS_SUBREQ",        RV_SUBREQ },
    { "DOCUMENT_ROOT",    RV_DOCROOT },
    { "AUTH_TYPE",        RV_AUTH_TYPE },
    { "THE_REQUEST",      RV_THE_REQUEST }
};

static const char *request_field(request_rec *r, request_field_t field)
{
    switch (field) {
    case RV_METHOD:      return r->method;
    case RV_SCHEME:      return ap_http_scheme(r);
    case RV_URI:         return r->uri;
    case RV_FILENAME:    return r->filename;
    case RV_ADDR:        return r->useragent_ip;
    case RV_HOST:        return ap_get_useragent_host(r, REMOTE_NAME, NULL);
    case RV_IDENT:       return ap_get_remote_logname(r);
    case RV_USER:        return r->user;
    case RV_ADMIN:       return r->server->server_admin;
    case RV_SERVER_NAME: return ap_get_server_name_for_url(r);
    case RV_PORT:        return apr_psprintf(r->pool, "%u",
                                             ap_get_server_port(r));
    case RV_PROTOCOL:    return r->protocol;
    case RV_PATH_INFO:   return r->path_info;
    case RV_QUERY:       return r->args;
    case RV_SUBREQ:      return r->main ? "true" : "false";
    case RV_DOCROOT:     return ap_document_root(r);
    case RV_AUTH_TYPE:   return r->ap_auth_type;
    case RV_THE_REQUEST: return r->the_request;
    }
    return NULL;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A variable of the request; NULL for other names and unset values. */
static const char *request_var(request_rec *r, const char *name)
{
    size_t i;

    if (!strncasecmp(name, "HTTP:", 5) && name[5]) {
        return apr_table_get(r->headers_in, name + 5);
    }
    if (!strncasecmp(name, "ENV:", 4) && name[4]) {
        const char *v = apr_table_get(r->notes, name + 4);
        return v ? v : apr_table_get(r->subprocess_env, name + 4);
    }
    for (i = 0; i < N_OF(header_vars); i++) {
        if (!strcasecmp(name, header_vars[i].name)) {
            return apr_table_get(r->headers_in, header_vars[i].header);
        }
    }
    for (i = 0; i < N_OF(request_vars); i++) {
        if (!strcasecmp(name, request_vars[i].name)) {
            return request_field(r, request_vars[i].field);
        }
    }
    return NULL;
}

/* ---- the time, the server, the process ------------------------------ */

/* TIME_YEAR .. TIME_WDAY and TIME, in local time. */
static const char *time_var(apr_pool_t *p, const char *name)
{
    apr_time_exp_t t;

    if (strncasecmp(name, "TIME", 4) != 0) {
        return NULL;
    }
    apr_time_exp_lt(&t, apr_time_now());
    name += 4;
    if (!*name) {
        return apr_psprintf(p, "%04d%02d%02d%02d%02d%02d", t.tm_year + 1900,
                            t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min,
                            t.tm_sec);
    }
    if (!strcasecmp(name, "_YEAR")) {
        return apr_psprintf(p, "%04d", t.tm_year + 1900);
    }
    if (!strcasecmp(name, "_MON")) {
        return apr_psprintf(p, "%02d", t.tm_mon + 1);
    }
    if (!strcasecmp(name, "_DAY")) {
        return apr_psprintf(p, "%02d", t.tm_mday);
    }
    if (!strcasecmp(name, "_HOUR")) {
        return apr_psprintf(p, "%02d", t.tm_hour);
    }
    if (!strcasecmp(name, "_MIN")) {
        return apr_psprintf(p, "%02d", t.tm_min);
    }
    if (!strcasecmp(name, "_SEC")) {
        return apr_psprintf(p, "%02d", t.tm_sec);
    }
    if (!strcasecmp(name, "_WDAY")) {
        return apr_psprintf(p, "%d", t.tm_wday);
    }
    return NULL;
}

/* What does not depend on the request or the connection. */
static const char *process_var(apr_pool_t *p, const char *name)
{
    const char *v;

    if ((v = sslx_vars_version(p, name)) != NULL
        || (v = time_var(p, name)) != NULL) {
        return v;
    }
    if (!strcasecmp(name, "SERVER_SOFTWARE")) {
        return ap_get_server_banner();
    }
    if (!strcasecmp(name, "API_VERSION")) {
        return apr_itoa(p, MODULE_MAGIC_NUMBER_MAJOR);
    }
    if (!strncasecmp(name, "ENV:", 4) && name[4]) {
        return getenv(name + 4);
    }
    return NULL;
}

/* ---- ssl_var_lookup ------------------------------------------------- */

static apr_pool_t *pool_for(apr_pool_t *p, conn_rec *c, request_rec *r)
{
    if (p) {
        return p;
    }
    if (r) {
        return r->pool;
    }
    return c ? c->pool : ap_server_conf->process->pconf;
}

/* Looked up in mod_ssl's order: the request, the connection (the SSL_*
 * variables of sslx_vars.c, HTTPS), the rest.  Never NULL, never a
 * call back into ap_ssl_var_lookup(), which calls this. */
static char *var_lookup(apr_pool_t *p, server_rec *s, conn_rec *c,
                        request_rec *r, char *name)
{
    const char *v = NULL;

    if (!name) {
        return "";
    }
    p = pool_for(p, c, r);
    if (r && strncasecmp(name, "SSL", 3) != 0) {
        v = request_var(r, name);
    }
    if (!v && c) {
        v = sslx_vars_lookup(p, s, c, r, name);
        if (!v && !strcasecmp(name, "HTTPS")) {
            v = sslx_conn_is_ssl(c) == OK ? "on" : "off";
        }
    }
    if (!v) {
        v = process_var(p, name);
    }
    return apr_pstrdup(p, v ? v : "");
}

/* ---- ssl_ext_list --------------------------------------------------- */

/* The values of one extension of the client's certificate (peer) or of
 * the one mod_sslx presented; NULL when there is none. */
static apr_array_header_t *ext_list(apr_pool_t *p, conn_rec *c, int peer,
                                    const char *extension)
{
    apr_array_header_t *values = NULL;
    gnutls_x509_crt_t crt;
    const char *pem;

    if (!c || !extension || !p) {
        return NULL;
    }
    pem = sslx_vars_lookup(p, c->base_server, c, NULL,
                           peer ? "SSL_CLIENT_CERT" : "SSL_SERVER_CERT");
    if (!pem || (crt = sslx_x509_import_pem(p, pem)) == NULL) {
        return NULL;
    }
    if (sslx_x509_ext_values(p, crt, extension, &values) == APR_EINVAL) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, c, SSLXLOGNO(02901)
                      "ssl_ext_list: '%s' is no extension OID or name",
                      extension);
    }
    return (values && values->nelts > 0) ? values : NULL;
}

/* ---- registration ---------------------------------------------------- */

void sslx_optional_register(void)
{
    /* Type-checked against mod_ssl.h's declarations. */
    APR_OPTIONAL_FN_TYPE(ssl_var_lookup) *lookup = var_lookup;
    APR_OPTIONAL_FN_TYPE(ssl_ext_list) *exts = ext_list;

    if (sslx_config_modssl_loaded()) {
        return;
    }
    apr_dynamic_fn_register("ssl_var_lookup", (apr_opt_fn_t *)lookup);
    apr_dynamic_fn_register("ssl_ext_list", (apr_opt_fn_t *)exts);
}

/* SSL('NAME') and %{SSL:NAME}: any variable, through core, so that
 * mod_ssl's connections are answered too when both modules serve. */
static const char *expr_ssl(ap_expr_eval_ctx_t *ctx, const void *data,
                            const char *arg)
{
    (void)data;
    if (!arg) {
        return NULL;
    }
    return ap_ssl_var_lookup(ctx->p, ctx->s, ctx->c, ctx->r, arg);
}

int sslx_optional_expr_lookup(ap_expr_lookup_parms *parms)
{
    if (parms->type != AP_EXPR_FUNC_STRING
        || strcmp(parms->name, "SSL") != 0) {
        return DECLINED;
    }
    *parms->func = expr_ssl;
    *parms->data = NULL;
    return OK;
}
