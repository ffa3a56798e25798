/* mod_ssl_user.c - a module written against mod_ssl.h, as third-party
 * modules are, for t/sslx/62_optional_fns.t.  It fetches mod_ssl.h's
 * optional functions by name in post_config and shows what they answer:
 *
 *   SetHandler ssl-user-vars      GET ?NAME&NAME...  one "NAME=value" line
 *                                 per name from ssl_var_lookup, then
 *                                 "is_https=" from ssl_is_https; a NAME
 *                                 "ext:peer:OID" or "ext:server:OID" asks
 *                                 ssl_ext_list instead (values joined
 *                                 by "|", "(none)" for NULL)
 *   SetHandler ssl-user-backend   GET ?port=P&how=HOW&host=H  opens a
 *                                 connection to 127.0.0.1:P as mod_proxy
 *                                 did before httpd 2.4.49: binds it with
 *                                 HOW (proxy_enable, engine_set,
 *                                 engine_disable, engine_set_off), runs
 *                                 pre_connection, sends GET /ok.txt and
 *                                 prints "bound=", "is_https=" and the
 *                                 answer's status line and body.
 *
 * The first line of both pages, "fns=...", names the functions found.
 * Built by the test with apxs; test code, not part of mod_sslx.
 */
#include <apr_strings.h>
#include <apr_network_io.h>
#include <httpd.h>
#include <http_config.h>
#include <http_connection.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <mod_ssl.h>

module AP_MODULE_DECLARE_DATA ssl_user_module;

/* Fetched once per configuration, in post_config, as modules do. */
static APR_OPTIONAL_FN_TYPE(ssl_var_lookup) *var_lookup;
static APR_OPTIONAL_FN_TYPE(ssl_ext_list) *ext_list;
static APR_OPTIONAL_FN_TYPE(ssl_is_https) *is_https;
static APR_OPTIONAL_FN_TYPE(ssl_proxy_enable) *proxy_enable;
static APR_OPTIONAL_FN_TYPE(ssl_engine_disable) *engine_disable;
static APR_OPTIONAL_FN_TYPE(ssl_engine_set) *engine_set;

static int fetch_fns(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                     server_rec *s)
{
    (void)pconf; (void)plog; (void)ptemp; (void)s;
    var_lookup = APR_RETRIEVE_OPTIONAL_FN(ssl_var_lookup);
    ext_list = APR_RETRIEVE_OPTIONAL_FN(ssl_ext_list);
    is_https = APR_RETRIEVE_OPTIONAL_FN(ssl_is_https);
    proxy_enable = APR_RETRIEVE_OPTIONAL_FN(ssl_proxy_enable);
    engine_disable = APR_RETRIEVE_OPTIONAL_FN(ssl_engine_disable);
    engine_set = APR_RETRIEVE_OPTIONAL_FN(ssl_engine_set);
    return OK;
}

static void print_fns(request_rec *r)
{
    ap_rprintf(r, "fns=%s%s%s%s%s%s\n",
               var_lookup ? "var_lookup," : "", ext_list ? "ext_list," : "",
               is_https ? "is_https," : "",
               proxy_enable ? "proxy_enable," : "",
               engine_disable ? "engine_disable," : "",
               engine_set ? "engine_set" : "");
}

static void print_ext(request_rec *r, const char *spec)
{
    int peer = !strncmp(spec, "peer:", 5);
    const char *oid = strchr(spec, ':');
    apr_array_header_t *v;

    v = (ext_list && oid) ? ext_list(r->pool, r->connection, peer, oid + 1)
                          : NULL;
    ap_rprintf(r, "ext:%s=%s\n", spec,
               v ? apr_array_pstrcat(r->pool, v, '|') : "(none)");
}

static void print_var(request_rec *r, char *name)
{
    char *v = var_lookup ? var_lookup(r->pool, r->server, r->connection, r,
                                      name)
                         : NULL;

    ap_rprintf(r, "%s=%s\n", name, v ? v : "(NULL)");
}

static int vars_page(request_rec *r)
{
    char *args = apr_pstrdup(r->pool, r->args ? r->args : "");
    char *name, *last;

    print_fns(r);
    for (name = apr_strtok(args, "&", &last); name;
         name = apr_strtok(NULL, "&", &last)) {
        ap_unescape_url(name);
        if (!strncmp(name, "ext:", 4)) {
            print_ext(r, name + 4);
        }
        else {
            print_var(r, name);
        }
    }
    ap_rprintf(r, "is_https=%d\n",
               is_https ? is_https(r->connection) : -1);
    return OK;
}

/* ---- a backend connection, the old way ------------------------------ */

static const char *arg(request_rec *r, const char *key)
{
    char *args = apr_pstrdup(r->pool, r->args ? r->args : "");
    char *kv, *last;
    size_t n = strlen(key);

    for (kv = apr_strtok(args, "&", &last); kv;
         kv = apr_strtok(NULL, "&", &last)) {
        if (!strncmp(kv, key, n) && kv[n] == '=') {
            return kv + n + 1;
        }
    }
    return "";
}

static int bind_old_way(request_rec *r, conn_rec *bc, const char *how)
{
    if (!strcmp(how, "proxy_enable")) {
        return proxy_enable ? proxy_enable(bc) : -1;
    }
    if (!strcmp(how, "engine_set")) {
        return engine_set ? engine_set(bc, r->per_dir_config, 1, 1) : -1;
    }
    if (!strcmp(how, "engine_set_off")) {
        return engine_set ? engine_set(bc, r->per_dir_config, 1, 0) : -1;
    }
    if (!strcmp(how, "engine_disable")) {
        return engine_disable ? engine_disable(bc) : -1;
    }
    return -2;
}

static conn_rec *connect_backend(request_rec *r, apr_port_t port,
                                 apr_socket_t **psock)
{
    apr_sockaddr_t *sa;
    apr_status_t rv;

    rv = apr_sockaddr_info_get(&sa, "127.0.0.1", APR_INET, port, 0, r->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_socket_create(psock, APR_INET, SOCK_STREAM, APR_PROTO_TCP,
                               r->pool);
    }
    if (rv == APR_SUCCESS) {
        apr_socket_timeout_set(*psock, apr_time_from_sec(10));
        rv = apr_socket_connect(*psock, sa);
    }
    if (rv != APR_SUCCESS) {
        return NULL;
    }
    return ap_run_create_connection(r->pool, r->server, *psock, 0, NULL,
                                    apr_bucket_alloc_create(r->pool));
}

/* Sends the request, reads the answer until the backend closes (at
 * most 64 KiB). */
static const char *exchange(request_rec *r, conn_rec *bc, const char *host)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, bc->bucket_alloc);
    char *got = "", buf[8192];
    apr_size_t len;
    apr_status_t rv;

    apr_brigade_printf(bb, NULL, NULL, "GET /ok.txt HTTP/1.0\r\n"
                       "Host: %s\r\nConnection: close\r\n\r\n", host);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_flush_create(bc->bucket_alloc));
    if ((rv = ap_pass_brigade(bc->output_filters, bb)) != APR_SUCCESS) {
        return apr_psprintf(r->pool, "(send failed: %d)", rv);
    }
    while (strlen(got) < 65536) {
        apr_brigade_cleanup(bb);
        rv = ap_get_brigade(bc->input_filters, bb, AP_MODE_READBYTES,
                            APR_BLOCK_READ, sizeof(buf) - 1);
        if (rv != APR_SUCCESS || APR_BRIGADE_EMPTY(bb)) {
            break;
        }
        len = sizeof(buf) - 1;
        apr_brigade_flatten(bb, buf, &len);
        buf[len] = '\0';
        got = apr_pstrcat(r->pool, got, buf, NULL);
    }
    return got;
}

static int backend_page(request_rec *r)
{
    const char *host = arg(r, "host");
    apr_socket_t *sock = NULL;
    conn_rec *bc;
    const char *answer;
    int bound, rc;

    print_fns(r);
    bc = connect_backend(r, (apr_port_t)atoi(arg(r, "port")), &sock);
    if (!bc) {
        ap_rputs("connect failed\n", r);
        return OK;
    }
    if (*host) {
        apr_table_setn(bc->notes, "proxy-request-hostname", host);
    }
    bound = bind_old_way(r, bc, arg(r, "how"));
    rc = ap_run_pre_connection(bc, sock);
    ap_rprintf(r, "bound=%d\npre_connection=%s\n", bound,
               (rc == OK || rc == DONE) ? "ok" : "failed");
    answer = exchange(r, bc, *host ? host : "localhost");
    ap_rprintf(r, "is_https=%d\n", is_https ? is_https(bc) : -1);
    ap_rprintf(r, "answer-begin\n%s\nanswer-end\n", answer);
    apr_socket_close(sock);
    return OK;
}

static int handler(request_rec *r)
{
    if (!r->handler || strncmp(r->handler, "ssl-user-", 9)) {
        return DECLINED;
    }
    ap_set_content_type(r, "text/plain");
    if (!strcmp(r->handler, "ssl-user-vars")) {
        return vars_page(r);
    }
    if (!strcmp(r->handler, "ssl-user-backend")) {
        return backend_page(r);
    }
    return DECLINED;
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_post_config(fetch_fns, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(handler, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA ssl_user_module = {
    STANDARD20_MODULE_STUFF,
    NULL, NULL, NULL, NULL, NULL,
    register_hooks
};
