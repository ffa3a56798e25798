/* sslx_config_keys.c - the directives about keys and certificates over
 * their life: SSLXPassPhraseDialog (protected keys, sslx_pphrase.c),
 * SSLXCertificateReload (renewed files picked up by running children,
 * sslx_reload.c) and SSLXCertificateCompression (RFC 8879,
 * sslx_certcomp.c).  Each handler checks what it can while the file and
 * line are known.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_file_info.h>
#include <http_core.h>

#include "sslx_config.h"

void sslx_config_keys_create(sslx_srv_conf_t *sc)
{
    sc->reload_interval = SSLX_UNSET;
}

void sslx_config_keys_merge(sslx_srv_conf_t *sc,
                            const sslx_srv_conf_t *base,
                            const sslx_srv_conf_t *add)
{
    sc->pphrase_dialog = base->pphrase_dialog;
    sc->reload_interval = add->reload_interval == SSLX_UNSET
                          ? base->reload_interval : add->reload_interval;
    sc->cert_compression = add->cert_compression ? add->cert_compression
                                                 : base->cert_compression;
}

/* builtin | exec:/path/to/program, as mod_ssl.  mod_ssl's "|program"
 * (a long-running dialog on a pipe) is not supported. */
const char *sslx_config_set_pphrase_dialog(cmd_parms *cmd, void *dc,
                                           const char *arg)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    const char *err, *path;
    apr_finfo_t fi;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) != NULL) {
        return err;
    }
    if (!strcasecmp(arg, "builtin")) {
        sc->pphrase_dialog = NULL;
        return NULL;
    }
    if (strncasecmp(arg, "exec:", 5) != 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected "
                           "'builtin' or 'exec:/path/to/program', not '",
                           arg, "'", arg[0] == '|' ? " (pipe dialogs are "
                           "not supported by mod_sslx)" : "", NULL);
    }
    path = ap_server_root_relative(cmd->pool, arg + 5);
    if (!path || apr_stat(&fi, path, APR_FINFO_TYPE | APR_FINFO_PROT,
                          cmd->temp_pool) != APR_SUCCESS
        || fi.filetype != APR_REG) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg + 5,
                           "' is not an existing program", NULL);
    }
    if (!(fi.protection & (APR_UEXECUTE | APR_GEXECUTE | APR_WEXECUTE))) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", path,
                           "' is not executable", NULL);
    }
    sc->pphrase_dialog = path;
    return NULL;
}

/* on | off | seconds between looks at the files (1 to 86400). */
const char *sslx_config_set_cert_reload(cmd_parms *cmd, void *dc,
                                        const char *arg)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    apr_int64_t secs;
    char *end;

    (void)dc;
    if (!strcasecmp(arg, "on")) {
        sc->reload_interval = SSLX_DEFAULT_RELOAD_INTERVAL;
        return NULL;
    }
    if (!strcasecmp(arg, "off")) {
        sc->reload_interval = 0;
        return NULL;
    }
    errno = 0;
    secs = apr_strtoi64(arg, &end, 10);
    if (errno || end == arg || *end || secs < 1 || secs > 86400) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected 'on', "
                           "'off' or seconds from 1 to 86400, not '", arg,
                           "'", NULL);
    }
    sc->reload_interval = (int)secs;
    return NULL;
}

static int compression_method(const char *name)
{
    if (!strcasecmp(name, "zlib")) {
        return GNUTLS_COMP_ZLIB;
    }
    if (!strcasecmp(name, "brotli")) {
        return GNUTLS_COMP_BROTLI;
    }
    if (!strcasecmp(name, "zstd")) {
        return GNUTLS_COMP_ZSTD;
    }
    return GNUTLS_COMP_UNKNOWN;
}

/* off | one or more of zlib brotli zstd, in order of preference.  Names
 * this GnuTLS was built without are accepted here and reported once the
 * logs are open (sslx_certcomp.c), so one configuration fits every
 * build. */
const char *sslx_config_set_cert_compression(cmd_parms *cmd, void *dc,
                                             int argc, char *const argv[])
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    apr_array_header_t *list;
    int i, m;

    (void)dc;
    if (argc == 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected 'off' "
                           "or some of zlib, brotli, zstd", NULL);
    }
    list = apr_array_make(cmd->pool, argc, sizeof(int));
    if (argc == 1 && !strcasecmp(argv[0], "off")) {
        sc->cert_compression = list;
        return NULL;
    }
    for (i = 0; i < argc; i++) {
        if ((m = compression_method(argv[i])) == GNUTLS_COMP_UNKNOWN) {
            return apr_pstrcat(cmd->pool, cmd->cmd->name, ": unknown "
                               "method '", argv[i], "' (expected 'off' or "
                               "some of zlib, brotli, zstd)", NULL);
        }
        APR_ARRAY_PUSH(list, int) = m;
    }
    sc->cert_compression = list;
    return NULL;
}
