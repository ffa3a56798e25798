/* sslx_config_auth.c - the directives of client-certificate
 * authentication and access control: SSLXVerifyClient and its trust
 * settings, SSLXRenegBufferSize, SSLXRequireSSL, SSLXRequire and
 * SSLXUserName, with mod_ssl's contexts and defaults.
 *
 * A directive in server context configures the vhost (the handshake);
 * the same directive in <Location>/<Directory> configures the directory,
 * which sslx_verify.c enforces per request.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_lib.h>
#include <ap_expr.h>
#include <http_core.h>

#include "sslx_config.h"

int sslx_config_verify_mode_of(const char *arg)
{
    if (!strcasecmp(arg, "none") || !strcasecmp(arg, "off")) {
        return SSLX_VERIFY_NONE;
    }
    if (!strcasecmp(arg, "optional")) {
        return SSLX_VERIFY_OPTIONAL;
    }
    if (!strcasecmp(arg, "require") || !strcasecmp(arg, "on")) {
        return SSLX_VERIFY_REQUIRE;
    }
    if (!strcasecmp(arg, "optional_no_ca")) {
        return SSLX_VERIFY_OPTIONAL_NO_CA;
    }
    return SSLX_UNSET;
}

const char *sslx_config_set_verify_client(cmd_parms *cmd, void *dcv,
                                          const char *arg)
{
    sslx_dir_conf_t *dc = dcv;
    int mode;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((mode = sslx_config_verify_mode_of(arg)) == SSLX_UNSET) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected none, "
                           "optional, require or optional_no_ca, not '",
                           arg, "'", NULL);
    }
    if (cmd->path) {
        dc->verify_mode = mode;
    }
    else {
        sslx_config_srv(cmd->server)->verify_mode = mode;
    }
    return NULL;
}

const char *sslx_config_set_verify_depth(cmd_parms *cmd, void *dcv,
                                         const char *arg)
{
    sslx_dir_conf_t *dc = dcv;
    char *end;
    long depth;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    depth = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || depth < 0 || depth > 32) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected a number "
                           "from 0 to 32, not '", arg, "'", NULL);
    }
    if (cmd->path) {
        dc->verify_depth = (int)depth;
    }
    else {
        sslx_config_srv(cmd->server)->verify_depth = (int)depth;
    }
    return NULL;
}

static const char *set_file(cmd_parms *cmd, const char *arg,
                            const char **pfield)
{
    const char *path, *err;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = sslx_config_file_arg(cmd, arg, &path)) != NULL) {
        return err;
    }
    *pfield = path;
    return NULL;
}

static const char *set_dir(cmd_parms *cmd, const char *arg,
                           const char **pfield)
{
    const char *path, *err;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = sslx_config_dir_arg(cmd, arg, &path)) != NULL) {
        return err;
    }
    *pfield = path;
    return NULL;
}

/* mod_ssl 2.4 takes the trusted CAs in a <Directory> or <Location> too,
 * as the enclosing vhost's: the handshake that verifies a client
 * certificate has one set of CAs.  So does mod_sslx.  In .htaccess,
 * read after the handshake, they could change nothing and are refused. */
static const char *ca_context(cmd_parms *cmd)
{
    if (cmd->path && !(cmd->override & ACCESS_CONF)) {
        return apr_psprintf(cmd->pool, "%s cannot be used in .htaccess: the "
                            "CAs a client certificate is verified against "
                            "belong to the vhost; set it there (or in a "
                            "<Directory> of the server configuration, which "
                            "sets it for the vhost, as with mod_ssl)",
                            cmd->cmd->name);
    }
    return NULL;
}

const char *sslx_config_set_ca_file(cmd_parms *cmd, void *dc,
                                    const char *arg)
{
    const char *err = ca_context(cmd);

    (void)dc;
    return err ? err : set_file(cmd, arg,
                                &sslx_config_srv(cmd->server)->ca_file);
}

const char *sslx_config_set_ca_path(cmd_parms *cmd, void *dc,
                                    const char *arg)
{
    const char *err = ca_context(cmd);

    (void)dc;
    return err ? err : set_dir(cmd, arg,
                               &sslx_config_srv(cmd->server)->ca_path);
}

const char *sslx_config_set_ca_dn_file(cmd_parms *cmd, void *dc,
                                       const char *arg)
{
    (void)dc;
    return set_file(cmd, arg, &sslx_config_srv(cmd->server)->ca_dn_file);
}

const char *sslx_config_set_ca_dn_path(cmd_parms *cmd, void *dc,
                                       const char *arg)
{
    (void)dc;
    return set_dir(cmd, arg, &sslx_config_srv(cmd->server)->ca_dn_path);
}

const char *sslx_config_set_crl_file(cmd_parms *cmd, void *dc,
                                     const char *arg)
{
    (void)dc;
    return set_file(cmd, arg, &sslx_config_srv(cmd->server)->crl_file);
}

const char *sslx_config_set_crl_path(cmd_parms *cmd, void *dc,
                                     const char *arg)
{
    (void)dc;
    return set_dir(cmd, arg, &sslx_config_srv(cmd->server)->crl_path);
}

const char *sslx_config_crl_check_of(cmd_parms *cmd, const char *a1,
                                     const char *a2, int *pmode)
{
    if (!strcasecmp(a1, "chain")) {
        *pmode = SSLX_CRL_CHAIN;
    }
    else if (!strcasecmp(a1, "leaf")) {
        *pmode = SSLX_CRL_LEAF;
    }
    else if (!strcasecmp(a1, "none")) {
        *pmode = SSLX_CRL_NONE;
    }
    else {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected chain, "
                           "leaf or none, not '", a1, "'", NULL);
    }
    if (a2 && strcasecmp(a2, "no_crl_for_cert_ok") != 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": unknown flag '",
                           a2, "' (only no_crl_for_cert_ok)", NULL);
    }
    if (a2) {
        *pmode |= SSLX_CRL_NO_CRL_FOR_CERT_OK;
    }
    return NULL;
}

const char *sslx_config_set_crl_check(cmd_parms *cmd, void *dc,
                                      const char *a1, const char *a2)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    return sslx_config_crl_check_of(cmd, a1, a2,
                                    &sslx_config_srv(cmd->server)->crl_check);
}

const char *sslx_config_set_reneg_buffer(cmd_parms *cmd, void *dcv,
                                         const char *arg)
{
    sslx_dir_conf_t *dc = dcv;
    char *end;
    long size;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    size = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || size < 0 || size > 1073741824L) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected a size "
                           "in bytes, not '", arg, "'", NULL);
    }
    dc->reneg_buffer_size = (int)size;
    return NULL;
}

const char *sslx_config_set_require_ssl(cmd_parms *cmd, void *dcv)
{
    sslx_dir_conf_t *dc = dcv;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    dc->require_ssl = 1;
    return NULL;
}

const char *sslx_config_set_require(cmd_parms *cmd, void *dcv,
                                    const char *arg)
{
    sslx_dir_conf_t *dc = dcv;
    ap_expr_info_t *info;
    const char *err = NULL;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    info = ap_expr_parse_cmd(cmd, arg, AP_EXPR_FLAG_SSL_EXPR_COMPAT, &err,
                             NULL);
    if (err) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": cannot parse '",
                           arg, "': ", err, NULL);
    }
    APR_ARRAY_PUSH(dc->requires, ap_expr_info_t *) = info;
    return NULL;
}

const char *sslx_config_set_user_name(cmd_parms *cmd, void *dcv,
                                      const char *arg)
{
    sslx_dir_conf_t *dc = dcv;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (cmd->path) {
        dc->user_name = arg;
    }
    else {
        sslx_config_srv(cmd->server)->user_name = arg;
    }
    return NULL;
}
