/* sslx_alias.c - mod_sslx_alias.so, a shared object of its own that
 * holds one module record, ssl_module, named "mod_ssl.c", with no hooks
 * and no directives.
 *
 * Debian's ports.conf opens port 443 inside <IfModule ssl_module>, and
 * sites written for mod_ssl (default-ssl in older releases, certbot's
 * *-le-ssl.conf) sit inside <IfModule mod_ssl.c>.  Those blocks hold
 * mod_ssl's directives, which mod_sslx serves while mod_ssl is not
 * loaded.  httpd cannot give a module a second name, so this record
 * lends mod_sslx mod_ssl's: "LoadModule ssl_module mod_sslx_alias.so"
 * (sslx.load does it only when mod_ssl is not loaded) makes both tests
 * hold and does nothing else.  mod_sslx tells it from mod_ssl by its
 * empty directive table (sslx_config_modssl_loaded).
 *
 * It is not part of mod_sslx.so on purpose: httpd loads modules with
 * RTLD_GLOBAL, and mod_ssl.so refers to its own record through the
 * global symbol ssl_module, so a mod_sslx.so exporting that symbol and
 * loaded before mod_ssl.so would take mod_ssl's place in mod_ssl's own
 * code.  This object is only ever loaded under the name ssl_module, after
 * which httpd loads no other module under that name.
 */
#include <httpd.h>
#include <http_config.h>

__attribute__((visibility("default")))
module AP_MODULE_DECLARE_DATA ssl_module = {
    MODULE_MAGIC_NUMBER_MAJOR,
    MODULE_MAGIC_NUMBER_MINOR,
    -1,
    "mod_ssl.c",        /* what <IfModule mod_ssl.c> looks for */
    NULL,
    NULL,
    MODULE_MAGIC_COOKIE,
    NULL,
    NULL,               /* no configuration records */
    NULL,
    NULL,
    NULL,
    NULL,               /* no directives */
    NULL,               /* no hooks */
    0
};
