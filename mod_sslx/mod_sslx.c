/* mod_sslx.c - the module record and its hooks.  Each hook is registered
 * straight to the function of the subsystem that owns the phase; the one
 * function here, pre_config, only calls some of them in turn, and loading
 * the module tells libcrypto not to clean up at exit.  No logic lives
 * here.
 */
#include "sslx_private.h"

#include <http_core.h>
#include <http_connection.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_ssl.h>
#include <ap_expr.h>
#include <mpm_common.h>

#include "sslx_authz.h"
#include "sslx_cache.h"
#include "sslx_certcomp.h"
#include "sslx_config.h"
#include "sslx_init.h"
#include "sslx_conn.h"
#include "sslx_counters.h"
#include "sslx_io.h"
#include "sslx_libcrypto.h"
#include "sslx_md.h"
#include "sslx_ocsp_check.h"
#include "sslx_ocsp_config.h"
#include "sslx_optional.h"
#include "sslx_proxy.h"
#include "sslx_pkcs11.h"
#include "sslx_reload.h"
#include "sslx_request.h"
#include "sslx_status.h"
#include "sslx_stapling.h"
#include "sslx_vars.h"
#include "sslx_verify.h"
#include "sslx_reauth.h"

static int sslx_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    sslx_vars_register_log_handlers(pconf);
    sslx_authz_pre_config(pconf);
    if (sslx_stapling_pre_config(pconf) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return sslx_cache_pre_config(pconf);
}

#define SSLX_POST_CONFIG_ORDER (APR_HOOK_MIDDLE + 1)

static void sslx_register_hooks(apr_pool_t *p)
{
    /* Run after mod_ssl where both register the same thing, so lookups
     * go through ap_ssl_var_lookup() and serve both modules. */
    static const char *const after_mod_ssl[] = { "mod_ssl.c", NULL };
    static const char *const before_mod_ssl[] = { "mod_ssl.c", NULL };
    static const char *const before_http2[] = { "mod_http2.c", NULL };
    static const char *const after_setenvif[] = { "mod_setenvif.c", NULL };

    (void)p;
    /* Now, before any module's post_config touches libcrypto. */
    sslx_libcrypto_no_atexit();
    ap_hook_pre_config(sslx_pre_config, after_mod_ssl, NULL,
                       APR_HOOK_MIDDLE);
    ap_hook_check_config(sslx_init_check_config, NULL, NULL,
                         APR_HOOK_MIDDLE);
    ap_hook_check_config(sslx_proxy_init_check_config, NULL, NULL,
                         APR_HOOK_MIDDLE);
    /* After the vhosts' credentials exist (sslx_init_check_config). */
    ap_hook_check_config(sslx_ocsp_config_check, NULL, NULL,
                         APR_HOOK_MIDDLE + 1);
    ap_hook_check_config(sslx_stapling_check_config, NULL, NULL,
                         APR_HOOK_MIDDLE + 2);
    /* mod_md sets up in post_config at middle order and reads what TLS
     * modules made of its files at last order: in between, certificate
     * files it hands over become pairs (sslx_md.c) before the other
     * post_config hooks use the vhosts' credentials. */
    ap_hook_post_config(sslx_md_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    ap_hook_post_config(sslx_init_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    ap_hook_post_config(sslx_cache_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    ap_hook_post_config(sslx_counters_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    ap_hook_post_config(sslx_reload_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    ap_hook_post_config(sslx_certcomp_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    /* Before mod_watchdog's post_config, which starts what is
     * registered with it. */
    ap_hook_post_config(sslx_stapling_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    ap_hook_post_config(sslx_ocsp_check_post_config, NULL, NULL,
                        SSLX_POST_CONFIG_ORDER);
    ap_hook_child_init(sslx_cache_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(sslx_stapling_child_init, NULL, NULL,
                       APR_HOOK_MIDDLE);
    ap_hook_child_init(sslx_init_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(sslx_reload_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_monitor(sslx_cache_monitor, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_monitor(sslx_reload_monitor, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_pre_connection(sslx_conn_pre_connection, NULL, NULL,
                           APR_HOOK_MIDDLE);
    ap_hook_pre_connection(sslx_proxy_pre_connection, NULL, NULL,
                           APR_HOOK_MIDDLE);
    ap_hook_pre_connection(sslx_verify_pre_connection, NULL, NULL,
                           APR_HOOK_MIDDLE + 1);
    ap_hook_ssl_bind_outgoing(sslx_proxy_bind_outgoing, NULL, before_mod_ssl,
                              APR_HOOK_MIDDLE);
    ap_hook_process_connection(sslx_io_process_connection, NULL,
                               before_http2, APR_HOOK_MIDDLE);
    ap_hook_post_read_request(sslx_request_check, after_setenvif, NULL,
                              APR_HOOK_MIDDLE);
    ap_hook_fixups(sslx_request_fixups, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_http_scheme(sslx_request_scheme, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_default_port(sslx_request_default_port, NULL, NULL,
                         APR_HOOK_MIDDLE);
    ap_hook_ssl_conn_is_ssl(sslx_conn_is_ssl, NULL, before_mod_ssl,
                            APR_HOOK_MIDDLE);
    ap_hook_ssl_var_lookup(sslx_vars_lookup, NULL, before_mod_ssl,
                           APR_HOOK_MIDDLE);
    ap_hook_expr_lookup(sslx_vars_expr_lookup, NULL, before_mod_ssl,
                        APR_HOOK_MIDDLE);
    ap_hook_check_access(sslx_reauth_access, NULL, NULL, APR_HOOK_MIDDLE,
                         AP_AUTH_INTERNAL_PER_CONF);
    /* SSLXRequire and SSLXUserName see the certificate the directory
     * asked for: after the re-authentication above. */
    ap_hook_check_access(sslx_authz_access_checker, NULL, NULL,
                         APR_HOOK_MIDDLE + 1, AP_AUTH_INTERNAL_PER_CONF);
    /* The spoof check must see what the client sent, ahead of mod_ssl's
     * +FakeBasicAuth; ours comes after mod_ssl's spoof check. */
    ap_hook_check_authn(sslx_authz_check_spoof, NULL, before_mod_ssl,
                        APR_HOOK_FIRST, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_authn(sslx_authz_fake_basic_auth, after_mod_ssl, NULL,
                        APR_HOOK_FIRST, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_authz(sslx_authz_check_authz, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_expr_lookup(sslx_authz_expr_lookup, NULL, before_mod_ssl,
                        APR_HOOK_MIDDLE);
    ap_hook_expr_lookup(sslx_optional_expr_lookup, NULL, before_mod_ssl,
                        APR_HOOK_MIDDLE);
    sslx_optional_register();
    sslx_io_register_filters();
    sslx_reauth_register_filters();
    sslx_cache_register_hooks();
    sslx_proxy_init_register_hooks();
    sslx_status_register_hooks();
}

/* Built with -fvisibility=hidden: the module record is the one symbol
 * httpd must find. */
__attribute__((visibility("default")))
module AP_MODULE_DECLARE_DATA sslx_module = {
    STANDARD20_MODULE_STUFF,
    sslx_config_create_dir,
    sslx_config_merge_dir,
    sslx_config_create_srv,
    sslx_config_merge_srv,
    sslx_config_cmds,
    sslx_register_hooks,
    0
};
