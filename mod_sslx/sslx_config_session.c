/* sslx_config_session.c - the directives of session resumption (the
 * session cache, its timeout, session tickets and their keys), which
 * sslx_cache.c and sslx_ticket.c put to work, and the reading of a
 * mod_socache specification, shared with SSLXStaplingCache.
 */
#include "sslx_private.h"

#include <errno.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include <http_core.h>
#include <ap_provider.h>

#include "sslx_config.h"
#include "sslx_ticket.h"

static const char *unknown_socache(cmd_parms *cmd, const char *what,
                                   const char *name)
{
    apr_array_header_t *names;
    const ap_list_provider_names_t *n;
    const char *known = NULL;
    int i;

    names = ap_list_provider_names(cmd->temp_pool, AP_SOCACHE_PROVIDER_GROUP,
                                   AP_SOCACHE_PROVIDER_VERSION);
    for (i = 0; names && i < names->nelts; i++) {
        n = &APR_ARRAY_IDX(names, i, ap_list_provider_names_t);
        known = known ? apr_pstrcat(cmd->temp_pool, known, ", ",
                                    n->provider_name, NULL)
                      : n->provider_name;
    }
    return apr_psprintf(cmd->pool, "%s: '%s' %s cache not supported "
                        "(known names: %s). Maybe you need to load the "
                        "appropriate socache module (mod_socache_%s?).",
                        cmd->cmd->name, name, what, known ? known : "none",
                        name);
}

const char *sslx_config_socache(cmd_parms *cmd, const char *arg,
                                const char *what,
                                const ap_socache_provider_t **pprovider,
                                ap_socache_instance_t **pinstance)
{
    const char *sep = ap_strchr_c(arg, ':'), *name, *err;

    name = sep ? apr_pstrmemdup(cmd->temp_pool, arg, sep - arg) : arg;
    *pinstance = NULL;
    *pprovider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                    AP_SOCACHE_PROVIDER_VERSION);
    if (!*pprovider) {
        return unknown_socache(cmd, what, name);
    }
    err = (*pprovider)->create(pinstance, sep ? sep + 1 : NULL,
                               cmd->temp_pool, cmd->pool);
    if (err) {
        *pprovider = NULL;
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    return NULL;
}

/* none | nonenotnull | provider[:argument], any mod_socache provider. */
const char *sslx_config_set_session_cache(cmd_parms *cmd, void *dc,
                                          const char *arg)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    const char *err;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) != NULL) {
        return err;
    }
    sc->cache_spec = arg;
    sc->cache_provider = NULL;
    sc->cache_instance = NULL;
    if (!strcasecmp(arg, "none") || !strcasecmp(arg, "nonenotnull")) {
        return NULL;
    }
    return sslx_config_socache(cmd, arg, "session", &sc->cache_provider,
                               &sc->cache_instance);
}

/* The longest a session may live, in seconds: TLS 1.3 caps a ticket's
 * lifetime at 7 days (RFC 8446, 4.6.1). */
#define SSLX_MAX_SESSION_LIFETIME 604800

/* arg as whole seconds from min to SSLX_MAX_SESSION_LIFETIME into
 * *psecs; -1 when it is anything else. */
static int parse_seconds(const char *arg, int min, int *psecs)
{
    apr_int64_t secs;
    char *end;

    errno = 0;
    secs = apr_strtoi64(arg, &end, 10);
    if (errno || end == arg || *end || secs < min
        || secs > SSLX_MAX_SESSION_LIFETIME) {
        return -1;
    }
    *psecs = (int)secs;
    return 0;
}

/* Seconds, at most SSLX_MAX_SESSION_LIFETIME. */
const char *sslx_config_set_session_timeout(cmd_parms *cmd, void *dc,
                                            const char *arg)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (parse_seconds(arg, 0,
                      &sslx_config_srv(cmd->server)->session_timeout) < 0) {
        return apr_psprintf(cmd->pool, "%s: expected seconds from 0 to %d "
                            "(7 days), not '%s'", cmd->cmd->name,
                            SSLX_MAX_SESSION_LIFETIME, arg);
    }
    return NULL;
}

const char *sslx_config_set_session_tickets(cmd_parms *cmd, void *dc,
                                            int flag)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    sslx_config_srv(cmd->server)->session_tickets = flag;
    return NULL;
}

/* Checked here so "apachectl -t" catches it; read in post_config. */
const char *sslx_config_set_ticket_key_file(cmd_parms *cmd, void *dc,
                                            const char *arg)
{
    const char *path, *err;
    apr_finfo_t fi;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((path = ap_server_root_relative(cmd->pool, arg)) == NULL) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": invalid path '",
                           arg, "'", NULL);
    }
    if ((err = sslx_config_check_readable(cmd, path)) != NULL) {
        return err;
    }
    if (apr_stat(&fi, path, APR_FINFO_SIZE, cmd->temp_pool) == APR_SUCCESS
        && fi.size != SSLX_TICKET_KEY_SIZE
        && fi.size != SSLX_MODSSL_TICKET_KEY_SIZE) {
        return apr_psprintf(cmd->pool, "%s: '%s' has %" APR_OFF_T_FMT
                            " bytes; a session ticket key file holds %d "
                            "random bytes (or mod_ssl's %d); make one with "
                            "'head -c %d /dev/urandom'", cmd->cmd->name,
                            path, fi.size, SSLX_TICKET_KEY_SIZE,
                            SSLX_MODSSL_TICKET_KEY_SIZE,
                            SSLX_TICKET_KEY_SIZE);
    }
    sslx_config_srv(cmd->server)->ticket_key_file = path;
    return NULL;
}

/* "off", or seconds: at least one, at most SSLX_MAX_SESSION_LIFETIME. */
const char *sslx_config_set_key_rotation(cmd_parms *cmd, void *dc,
                                         const char *arg)
{
    const char *err;

    (void)dc;
    if ((err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) != NULL) {
        return err;
    }
    if (!strcasecmp(arg, "off")) {
        sslx_config_srv(cmd->server)->ticket_rotation = 0;
        return NULL;
    }
    if (parse_seconds(arg, 1,
                      &sslx_config_srv(cmd->server)->ticket_rotation) < 0) {
        return apr_psprintf(cmd->pool, "%s: expected 'off' or seconds from "
                            "1 to %d (7 days), not '%s'", cmd->cmd->name,
                            SSLX_MAX_SESSION_LIFETIME, arg);
    }
    return NULL;
}
