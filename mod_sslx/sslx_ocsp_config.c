/* sslx_ocsp_config.c - the OCSP directives (stapling and client
 * certificate checks) under their SSLX and mod_ssl names, the merging of
 * their records, and the checks that need a whole vhost.
 *
 * Handlers check what they can while the file and line are known: URLs,
 * numbers, readable files, a known socache provider.  check_config then
 * refuses combinations that cannot work and loads the trusted responder
 * certificates, so "apachectl -t" catches both.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_uri.h>
#include <http_core.h>

#include "sslx_config.h"
#include "sslx_ocsp_config.h"
#include "sslx_http.h"

sslx_ocsp_conf_t *sslx_ocsp_config_create(apr_pool_t *p)
{
    sslx_ocsp_conf_t *oc = apr_pcalloc(p, sizeof(*oc));

    oc->stapling = SSLX_UNSET;
    oc->stapling_timeout = SSLX_UNSET;
    oc->stapling_max_age = SSLX_UNSET;
    oc->stapling_skew = SSLX_UNSET;
    oc->stapling_cache_timeout = SSLX_UNSET;
    oc->stapling_error_timeout = SSLX_UNSET;
    oc->stapling_return_errors = SSLX_UNSET;
    oc->stapling_fake_trylater = SSLX_UNSET;
    oc->response_files = apr_array_make(p, 1, sizeof(const char *));
    oc->check = SSLX_UNSET;
    oc->override_responder = SSLX_UNSET;
    oc->timeout = SSLX_UNSET;
    oc->max_age = SSLX_UNSET;
    oc->skew = SSLX_UNSET;
    oc->use_nonce = SSLX_UNSET;
    oc->no_verify = SSLX_UNSET;
    return oc;
}

#define MERGE_INT(f) oc->f = add->f != SSLX_UNSET ? add->f : base->f
#define MERGE_STR(f) oc->f = add->f ? add->f : base->f

sslx_ocsp_conf_t *sslx_ocsp_config_merge(apr_pool_t *p,
                                         const sslx_ocsp_conf_t *base,
                                         const sslx_ocsp_conf_t *add)
{
    sslx_ocsp_conf_t *oc = apr_pcalloc(p, sizeof(*oc));

    MERGE_INT(stapling);
    MERGE_INT(stapling_timeout);
    MERGE_INT(stapling_max_age);
    MERGE_INT(stapling_skew);
    MERGE_INT(stapling_cache_timeout);
    MERGE_INT(stapling_error_timeout);
    MERGE_INT(stapling_return_errors);
    MERGE_INT(stapling_fake_trylater);
    MERGE_STR(stapling_force_url);
    oc->response_files = add->response_files->nelts ? add->response_files
                                                    : base->response_files;
    MERGE_INT(check);
    MERGE_STR(default_responder);
    MERGE_INT(override_responder);
    MERGE_INT(timeout);
    MERGE_INT(max_age);
    MERGE_INT(skew);
    MERGE_INT(use_nonce);
    MERGE_STR(proxy_url);
    MERGE_INT(no_verify);
    MERGE_STR(responder_certs_file);
    return oc;
}

int sslx_ocsp_config_value(int value, int dflt)
{
    return value == SSLX_UNSET ? dflt : value;
}

const char *sslx_ocsp_config_identity(apr_pool_t *p,
                                      const sslx_ocsp_conf_t *oc)
{
    return apr_array_pstrcat(p, oc->response_files, '|');
}

/* ---- directive handlers ------------------------------------------------ */

static sslx_ocsp_conf_t *conf_of(cmd_parms *cmd)
{
    return sslx_config_srv(cmd->server)->ocsp;
}

/* The field cmd->info names in the server's record. */
static void *field_of(cmd_parms *cmd)
{
    return (char *)conf_of(cmd) + (apr_size_t)cmd->info;
}

const char *sslx_ocsp_config_set_flag(cmd_parms *cmd, void *dc, int on)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    *(int *)field_of(cmd) = on;
    return NULL;
}

/* Longest period any of the directives takes, in seconds. */
#define SSLX_OCSP_MAX_SECONDS 604800

const char *sslx_ocsp_config_set_seconds(cmd_parms *cmd, void *dc,
                                         const char *arg)
{
    apr_size_t off = (apr_size_t)cmd->info;
    int min = off == APR_OFFSETOF(sslx_ocsp_conf_t, timeout)
              || off == APR_OFFSETOF(sslx_ocsp_conf_t, stapling_timeout);
    apr_int64_t secs;
    char *end;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    errno = 0;
    secs = apr_strtoi64(arg, &end, 10);
    if (errno || end == arg || *end || secs < min
        || secs > SSLX_OCSP_MAX_SECONDS) {
        return apr_psprintf(cmd->pool, "%s: expected seconds from %d to %d, "
                            "not '%s'", cmd->cmd->name, min,
                            SSLX_OCSP_MAX_SECONDS, arg);
    }
    *(int *)field_of(cmd) = (int)secs;
    return NULL;
}

/* A responder URL, or the proxy's (http://host:port). */
const char *sslx_ocsp_config_set_url(cmd_parms *cmd, void *dc,
                                     const char *arg)
{
    const char *err;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = sslx_http_check_url(cmd->temp_pool, arg)) != NULL) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    *(const char **)field_of(cmd) = arg;
    return NULL;
}

const char *sslx_ocsp_config_set_file(cmd_parms *cmd, void *dc,
                                      const char *arg)
{
    const char *path, *err;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = sslx_config_file_arg(cmd, arg, &path)) != NULL) {
        return err;
    }
    *(const char **)field_of(cmd) = path;
    return NULL;
}

/* on | leaf | off, optionally followed by no_ocsp_for_cert_ok. */
const char *sslx_ocsp_config_set_enable(cmd_parms *cmd, void *dc,
                                        const char *a1, const char *a2)
{
    int mode;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (!strcasecmp(a1, "on")) {
        mode = SSLX_OCSP_CHAIN;
    }
    else if (!strcasecmp(a1, "leaf")) {
        mode = SSLX_OCSP_LEAF;
    }
    else if (!strcasecmp(a1, "off")) {
        mode = SSLX_OCSP_OFF;
    }
    else {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected 'on', "
                           "'leaf' or 'off', not '", a1, "'", NULL);
    }
    if (a2 && strcasecmp(a2, "no_ocsp_for_cert_ok") != 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": unknown flag '",
                           a2, "' (only no_ocsp_for_cert_ok)", NULL);
    }
    conf_of(cmd)->check = mode | (a2 ? SSLX_OCSP_NO_OCSP_FOR_CERT_OK : 0);
    return NULL;
}

/* provider[:argument], any mod_socache provider; server-wide. */
const char *sslx_ocsp_config_set_cache(cmd_parms *cmd, void *dc,
                                       const char *arg)
{
    sslx_ocsp_conf_t *oc = conf_of(cmd);
    const char *err;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) != NULL
        || (err = sslx_config_socache(cmd, arg, "stapling",
                                      &oc->cache_provider,
                                      &oc->cache_instance)) != NULL) {
        return err;
    }
    oc->cache_spec = arg;
    return NULL;
}

/* DER files, checked against their certificates at check_config. */
const char *sslx_ocsp_config_add_response_file(cmd_parms *cmd, void *dc,
                                               const char *arg)
{
    const char *path, *err;

    (void)dc;
    if ((err = sslx_config_file_arg(cmd, arg, &path)) != NULL) {
        return err;
    }
    APR_ARRAY_PUSH(conf_of(cmd)->response_files, const char *) = path;
    return NULL;
}

/* ---- check_config ------------------------------------------------------- */

static const char *where(apr_pool_t *p, server_rec *s)
{
    return apr_psprintf(p, "vhost %s (%s:%d)", s->server_hostname,
                        s->defn_name ? s->defn_name : "?",
                        s->defn_line_number);
}

static apr_status_t free_trust(void *data)
{
    gnutls_x509_trust_list_deinit(data, 1);
    return APR_SUCCESS;
}

static const char *load_responders(apr_pool_t *pconf, apr_pool_t *ptemp,
                                   sslx_ocsp_conf_t *oc)
{
    int rv;

    if ((rv = gnutls_x509_trust_list_init(&oc->responders, 0)) < 0) {
        return gnutls_strerror(rv);
    }
    apr_pool_cleanup_register(pconf, oc->responders, free_trust,
                              apr_pool_cleanup_null);
    rv = gnutls_x509_trust_list_add_trust_file(oc->responders,
                                               oc->responder_certs_file,
                                               NULL, GNUTLS_X509_FMT_PEM,
                                               0, 0);
    if (rv <= 0) {
        return apr_psprintf(ptemp, "SSLXOCSPResponderCertificateFile: no "
                            "certificate could be read from '%s'%s%s",
                            oc->responder_certs_file, rv < 0 ? ": " : "",
                            rv < 0 ? gnutls_strerror(rv) : "");
    }
    return NULL;
}

static const char *check_vhost(apr_pool_t *pconf, apr_pool_t *ptemp,
                               server_rec *s)
{
    const sslx_srv_conf_t *sc = sslx_config_srv(s);
    sslx_ocsp_conf_t *oc = sc->ocsp;

    oc->responders = NULL;
    if (oc->response_files->nelts && oc->stapling != 1) {
        return "SSLXStaplingResponseFile is given, but SSLXUseStapling "
               "is not on";
    }
    if (oc->response_files->nelts > sc->cert_pairs->nelts) {
        return apr_psprintf(ptemp, "%d SSLXStaplingResponseFile for %d "
                            "certificates: one response per certificate, "
                            "in the order of SSLXCertificateFile",
                            oc->response_files->nelts,
                            sc->cert_pairs->nelts);
    }
    if ((oc->check & SSLX_OCSP_MODE_MASK) && oc->override_responder == 1
        && !oc->default_responder) {
        return "SSLXOCSPOverrideResponder is on, but there is no "
               "SSLXOCSPDefaultResponder";
    }
    if ((oc->check & SSLX_OCSP_MODE_MASK) && oc->responder_certs_file) {
        return load_responders(pconf, ptemp, oc);
    }
    return NULL;
}

int sslx_ocsp_config_check(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s)
{
    const char *err;

    (void)plog;
    for (; s != NULL; s = s->next) {
        if (!sslx_config_srv(s)->tls) {
            continue;
        }
        if ((err = check_vhost(pconf, ptemp, s)) != NULL) {
            ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                         SSLXLOGNO(02701) "%s: %s", where(ptemp, s), err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}
