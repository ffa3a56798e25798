/* sslx_config.c - the SSLX* directives, and creation and merging of the
 * server and directory configuration records.
 *
 * Every directive is listed twice in the table: under its SSLX name and
 * under mod_ssl's name, so a mod_ssl configuration runs unchanged.  When
 * mod_ssl itself is loaded, the mod_ssl-named entries decline and leave
 * those directives to it.  Handlers check what can be checked while the
 * file and line are known (files readable, priority strings valid); what
 * needs several directives together is checked in sslx_init.c.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_file_io.h>
#include <http_core.h>

#include "sslx_config.h"
#include "sslx_cert.h"
#include "sslx_cipher.h"
#include "sslx_compat.h"
#include "sslx_ocsp_config.h"
#include "sslx_proxy_config.h"
#include "sslx_config_modssl.h"

sslx_srv_conf_t *sslx_config_srv(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &sslx_module);
}

sslx_dir_conf_t *sslx_config_dir(const ap_conf_vector_t *dir_config)
{
    return ap_get_module_config(dir_config, &sslx_module);
}

void *sslx_config_create_srv(apr_pool_t *p, server_rec *s)
{
    sslx_srv_conf_t *sc = apr_pcalloc(p, sizeof(*sc));

    sc->server = s;
    sc->engine = SSLX_UNSET;
    sc->cert_pairs = apr_array_make(p, 2, sizeof(sslx_cert_pair_t));
    sc->honor_cipher_order = SSLX_UNSET;
    sc->strict_sni = SSLX_UNSET;
    sc->session_timeout = SSLX_UNSET;
    sc->ticket_rotation = SSLX_UNSET;
    sc->session_tickets = SSLX_UNSET;
    sc->verify_mode = SSLX_UNSET;
    sc->verify_depth = SSLX_UNSET;
    sc->crl_check = SSLX_UNSET;
    sc->proxy = sslx_proxy_config_create(p);
    sslx_config_keys_create(sc);
    sc->ocsp = sslx_ocsp_config_create(p);
    return sc;
}

static int merge_flag(int base, int add)
{
    return add == SSLX_UNSET ? base : add;
}

static const char *merge_str(const char *base, const char *add)
{
    return add ? add : base;
}

static void merge_client_auth(sslx_srv_conf_t *sc, const sslx_srv_conf_t *base,
                              const sslx_srv_conf_t *add)
{
    sc->verify_mode = merge_flag(base->verify_mode, add->verify_mode);
    sc->verify_depth = merge_flag(base->verify_depth, add->verify_depth);
    sc->ca_file = merge_str(base->ca_file, add->ca_file);
    sc->ca_path = merge_str(base->ca_path, add->ca_path);
    sc->ca_dn_file = merge_str(base->ca_dn_file, add->ca_dn_file);
    sc->ca_dn_path = merge_str(base->ca_dn_path, add->ca_dn_path);
    sc->crl_file = merge_str(base->crl_file, add->crl_file);
    sc->crl_path = merge_str(base->crl_path, add->crl_path);
    sc->crl_check = merge_flag(base->crl_check, add->crl_check);
    sc->user_name = merge_str(base->user_name, add->user_name);
}

void *sslx_config_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    const sslx_srv_conf_t *base = basev;
    const sslx_srv_conf_t *add = addv;
    sslx_srv_conf_t *sc = apr_pcalloc(p, sizeof(*sc));

    sc->server = add->server;
    sc->engine = merge_flag(base->engine, add->engine);
    sc->cert_pairs = add->cert_pairs->nelts ? add->cert_pairs
                                            : base->cert_pairs;
    sc->chain_file = merge_str(base->chain_file, add->chain_file);
    if (add->priorities) {
        sc->priorities = add->priorities;
    }
    else {
        sc->priorities = base->priorities;
    }
    sc->protocol_prio = add->protocol_prio ? add->protocol_prio
                                           : base->protocol_prio;
    sc->cipher_prio = add->cipher_prio ? add->cipher_prio
                                       : base->cipher_prio;
    sc->tls13_prio = merge_str(base->tls13_prio, add->tls13_prio);
    sc->confcmd_prio = merge_str(base->confcmd_prio, add->confcmd_prio);
    sc->honor_cipher_order = merge_flag(base->honor_cipher_order,
                                        add->honor_cipher_order);
    sc->strict_sni = merge_flag(base->strict_sni, add->strict_sni);
    sc->session_timeout = merge_flag(base->session_timeout,
                                     add->session_timeout);
    sc->session_tickets = merge_flag(base->session_tickets,
                                     add->session_tickets);
    merge_client_auth(sc, base, add);
    sc->proxy = sslx_proxy_config_merge(p, base->proxy, add->proxy);
    /* Server-wide, but a vhost may name it as in mod_ssl: kept on the
     * vhost's record for sslx_cache.c to find. */
    sc->ticket_key_file = add->ticket_key_file;
    sslx_config_keys_merge(sc, base, add);
    sc->ocsp = sslx_ocsp_config_merge(p, base->ocsp, add->ocsp);
    return sc;
}

void *sslx_config_create_dir(apr_pool_t *p, char *dir)
{
    sslx_dir_conf_t *dc = apr_pcalloc(p, sizeof(*dc));

    (void)dir;
    dc->verify_mode = SSLX_UNSET;
    dc->verify_depth = SSLX_UNSET;
    dc->reneg_buffer_size = SSLX_UNSET;
    dc->require_ssl = SSLX_UNSET;
    dc->requires = apr_array_make(p, 1, sizeof(void *));
    return dc;
}

static void merge_options(sslx_dir_conf_t *dc, const sslx_dir_conf_t *base,
                          const sslx_dir_conf_t *add)
{
    if (add->options_set) {
        dc->options_set = 1;
        dc->options = add->options;
        dc->options_add = add->options_add;
        dc->options_del = add->options_del;
        return;
    }
    /* Relative options build on whatever the parent ended up with. */
    dc->options_set = base->options_set;
    dc->options = base->options;
    dc->options_add = (base->options_add & ~add->options_del)
                      | add->options_add;
    dc->options_del = (base->options_del & ~add->options_add)
                      | add->options_del;
}

void *sslx_config_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    const sslx_dir_conf_t *base = basev;
    const sslx_dir_conf_t *add = addv;
    sslx_dir_conf_t *dc = apr_pcalloc(p, sizeof(*dc));

    merge_options(dc, base, add);
    dc->verify_mode = merge_flag(base->verify_mode, add->verify_mode);
    dc->verify_depth = merge_flag(base->verify_depth, add->verify_depth);
    dc->reneg_buffer_size = merge_flag(base->reneg_buffer_size,
                                       add->reneg_buffer_size);
    dc->require_ssl = merge_flag(base->require_ssl, add->require_ssl);
    dc->requires = apr_array_append(p, base->requires, add->requires);
    dc->user_name = merge_str(base->user_name, add->user_name);
    dc->cipher_priority = add->cipher_priority ? add->cipher_priority
                                               : base->cipher_priority;
    dc->tls13_suites = add->tls13_suites ? add->tls13_suites
                                         : base->tls13_suites;
    /* A <Proxy> section's record is used whole: it was completed with
     * its server's settings when its credentials were built. */
    dc->proxy = add->proxy ? add->proxy : base->proxy;
    return dc;
}

int sslx_config_verify_mode(const sslx_dir_conf_t *dc,
                            const sslx_srv_conf_t *sc)
{
    if (dc && dc->verify_mode != SSLX_UNSET) {
        return dc->verify_mode;
    }
    return sc->verify_mode == SSLX_UNSET ? SSLX_VERIFY_NONE
                                         : sc->verify_mode;
}

int sslx_config_verify_depth(const sslx_dir_conf_t *dc,
                             const sslx_srv_conf_t *sc)
{
    if (dc && dc->verify_depth != SSLX_UNSET) {
        return dc->verify_depth;
    }
    return sc->verify_depth == SSLX_UNSET ? SSLX_DEFAULT_VERIFY_DEPTH
                                          : sc->verify_depth;
}

int sslx_config_options(const sslx_dir_conf_t *dc)
{
    int opts = dc->options_set ? dc->options : 0;

    return (opts | dc->options_add) & ~dc->options_del;
}

/* The mod_ssl-named entries step aside when mod_ssl is loaded. */
/* mod_sslx_alias.so's record is named mod_ssl.c too, but has no
 * directives: it only makes <IfModule mod_ssl.c> hold. */
int sslx_config_modssl_loaded(void)
{
    const module *m = ap_find_linked_module("mod_ssl.c");

    return m != NULL && m->cmds != NULL;
}

int sslx_config_shadowed(const cmd_parms *cmd)
{
    return strncasecmp(cmd->cmd->name, "SSLX", 4) != 0
           && sslx_config_modssl_loaded();
}

static void note_origin(sslx_origin_t *o, const cmd_parms *cmd)
{
    o->directive = cmd->cmd->name;
    o->file = cmd->directive->filename;
    o->line = cmd->directive->line_num;
}

const char *sslx_config_check_readable(cmd_parms *cmd, const char *path)
{
    apr_file_t *fd;
    apr_finfo_t fi;
    apr_status_t rv;
    char err[128];

    rv = apr_file_open(&fd, path, APR_READ, APR_OS_DEFAULT, cmd->temp_pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, fd);
        apr_file_close(fd);
        if (rv == APR_SUCCESS && fi.size == 0) {
            return apr_psprintf(cmd->pool, "%s: file '%s' is empty",
                                cmd->cmd->name, path);
        }
        return NULL;
    }
    return apr_psprintf(cmd->pool, "%s: cannot read file '%s': %s",
                        cmd->cmd->name, path,
                        apr_strerror(rv, err, sizeof(err)));
}

/* A file argument: pkcs11: and other URLs go to GnuTLS untouched. */
const char *sslx_config_file_arg(cmd_parms *cmd, const char *arg,
                                 const char **ppath)
{
    if (ap_strchr_c(arg, ':') && !ap_strchr_c(arg, '/')) {
        *ppath = arg;
        return NULL;
    }
    if (strncmp(arg, "pkcs11:", 7) == 0) {
        *ppath = arg;
        return NULL;
    }
    *ppath = ap_server_root_relative(cmd->pool, arg);
    if (!*ppath) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": invalid path '",
                           arg, "'", NULL);
    }
    return sslx_config_check_readable(cmd, *ppath);
}

const char *sslx_config_dir_arg(cmd_parms *cmd, const char *arg,
                                const char **ppath)
{
    apr_finfo_t fi;
    char err[128];
    apr_status_t rv;

    *ppath = ap_server_root_relative(cmd->pool, arg);
    if (!*ppath) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": invalid path '",
                           arg, "'", NULL);
    }
    rv = apr_stat(&fi, *ppath, APR_FINFO_TYPE, cmd->temp_pool);
    if (rv != APR_SUCCESS || fi.filetype != APR_DIR) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a readable "
                            "directory%s%s", cmd->cmd->name, *ppath,
                            rv ? ": " : "",
                            rv ? apr_strerror(rv, err, sizeof(err)) : "");
    }
    return NULL;
}

static const char *set_engine(cmd_parms *cmd, void *dc, const char *arg)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (!strcasecmp(arg, "on")) {
        sc->engine = 1;
    }
    else if (!strcasecmp(arg, "off")) {
        sc->engine = 0;
    }
    else if (!strcasecmp(arg, "optional")) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " optional (TLS "
                           "upgrade of plain HTTP, RFC 2817, which no "
                           "browser speaks) is not supported by mod_sslx: "
                           "use 'on' in a vhost of its own port for https",
                           NULL);
    }
    else {
        return apr_pstrcat(cmd->pool, cmd->cmd->name,
                           ": expected 'on' or 'off', not '", arg, "'",
                           NULL);
    }
    return NULL;
}

/* mod_ssl pairs the n-th certificate with the n-th key, in any order. */
static sslx_cert_pair_t *pair_slot(apr_array_header_t *pairs, int want_key)
{
    sslx_cert_pair_t *pair;
    int i;

    for (i = 0; i < pairs->nelts; i++) {
        pair = &APR_ARRAY_IDX(pairs, i, sslx_cert_pair_t);
        if (want_key ? !pair->key_origin.directive
                     : !pair->cert_origin.directive) {
            return pair;
        }
    }
    pair = apr_array_push(pairs);
    memset(pair, 0, sizeof(*pair));
    return pair;
}

/* SSLXCertificateFile and SSLXCertificateKeyFile: cmd->info is non-NULL
 * for the key directives. */
static const char *set_pair_file(cmd_parms *cmd, void *dc, const char *arg)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    int is_key = cmd->info != NULL;
    sslx_cert_pair_t *pair;
    const char *path, *err;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = sslx_config_file_arg(cmd, arg, &path)) != NULL) {
        return err;
    }
    pair = pair_slot(sc->cert_pairs, is_key);
    if (is_key) {
        pair->key_file = path;
        note_origin(&pair->key_origin, cmd);
    }
    else {
        pair->cert_file = path;
        note_origin(&pair->cert_origin, cmd);
    }
    return NULL;
}

const char *sslx_config_check_priority(cmd_parms *cmd, const char *text)
{
    gnutls_priority_t prio;
    const char *errpos = NULL;
    int rv;

    rv = gnutls_priority_init(&prio, text, &errpos);
    if (rv != GNUTLS_E_SUCCESS) {
        return apr_psprintf(cmd->pool, "%s: invalid GnuTLS priority "
                            "string '%s' at '%s': %s", cmd->cmd->name, text,
                            errpos ? errpos : "", gnutls_strerror(rv));
    }
    gnutls_priority_deinit(prio);
    return NULL;
}

/* mod_ssl before 2.4.8: the CA certificates of every pair's chain. */
static const char *set_chain_file(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *path, *err;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if ((err = sslx_config_file_arg(cmd, arg, &path)) != NULL) {
        return err;
    }
    sslx_config_srv(cmd->server)->chain_file = path;
    return NULL;
}

static const char *set_priorities(cmd_parms *cmd, void *dc, const char *arg)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    const char *err;

    (void)dc;
    if ((err = sslx_config_check_priority(cmd, arg)) != NULL) {
        return err;
    }
    sc->priorities = arg;
    return NULL;
}

static const char *set_protocol(cmd_parms *cmd, void *dc, int argc,
                                char *const argv[])
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    const char *prio, *err = NULL;

    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    prio = sslx_compat_protocol_priority(cmd->pool, argc, argv, &err);
    if (!prio) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    if ((err = sslx_config_check_priority(cmd, apr_pstrcat(cmd->temp_pool,
                                          "NORMAL:", prio, NULL))) != NULL) {
        return err;
    }
    if (strstr(prio, "VERS-TLS1.1") || strstr(prio, "VERS-TLS1.0")) {
        /* No server: a vhost's log settings are not merged yet, and
         * the warning must not depend on them. */
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, NULL, SSLXLOGNO(02401)
                     "%s (%s:%d): TLS 1.0 "
                     "and 1.1 are deprecated (RFC 8996) and enabled "
                     "here only because they are named", cmd->cmd->name,
                     cmd->directive->filename, cmd->directive->line_num);
    }
    sc->protocol_prio = prio;
    return NULL;
}

/* Only ever used to renegotiate, and a renegotiation must not resume. */
static const char *dir_cipher_priority(cmd_parms *cmd, void *dcv,
                                       const char *fragment)
{
    sslx_dir_conf_t *dc = dcv;
    const char *text = apr_pstrcat(cmd->temp_pool, SSLX_DEFAULT_PRIORITY,
                                   ":", fragment, ":%NO_TICKETS", NULL);
    int rv;

    rv = sslx_compat_make_priority(cmd->pool, &dc->cipher_priority, text,
                                   NULL);
    if (rv < 0) {
        return apr_psprintf(cmd->pool, "%s: priority '%s' rejected: %s",
                            cmd->cmd->name, text, gnutls_strerror(rv));
    }
    return NULL;
}

/* A TLS 1.3 list holds TLS 1.3 suites only (OpenSSL refuses others). */
const char *sslx_config_set_tls13_suites(cmd_parms *cmd, const char *list)
{
    const char *prio, *err = NULL;

    if (!(prio = sslx_compat_cipher_priority(cmd->pool, list, &err))) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " TLSv1.3: ", err,
                           NULL);
    }
    if (strstr(prio, "-KX-") || strstr(prio, "-VERS-")) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " TLSv1.3 ", list,
                           ": only TLS 1.3 suites (TLS_AES_128_GCM_SHA256, "
                           "TLS_AES_256_GCM_SHA384, "
                           "TLS_CHACHA20_POLY1305_SHA256, ...) belong here",
                           NULL);
    }
    if ((err = sslx_config_check_priority(cmd, apr_pstrcat(cmd->temp_pool,
                                          "NORMAL:", prio, NULL))) != NULL) {
        return err;
    }
    sslx_config_srv(cmd->server)->tls13_prio = prio;
    return NULL;
}

/* Fedora's "PROFILE=SYSTEM": GnuTLS's system-wide policy where the
 * system defines one, else mod_sslx's own default. */
static const char *use_system_profile(cmd_parms *cmd)
{
    gnutls_priority_t prio;
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);

    if (gnutls_priority_init(&prio, "@SYSTEM", NULL) == 0) {
        gnutls_priority_deinit(prio);
        sc->priorities = "@SYSTEM";
    }
    else {
        ap_log_error(APLOG_MARK, APLOG_INFO | APLOG_STARTUP, 0, cmd->server,
                     SSLXLOGNO(01010) "%s PROFILE=SYSTEM (%s:%d): GnuTLS has "
                     "no system-wide policy here; using mod_sslx's default",
                     cmd->cmd->name, cmd->directive->filename,
                     cmd->directive->line_num);
    }
    sc->cipher_prio = NULL;
    return NULL;
}

const char *sslx_config_tls13_list(cmd_parms *cmd, const char *list,
                                   apr_array_header_t **pids)
{
    const char *bad = sslx_cipher_tls13_list(cmd->pool, list, pids);

    return bad ? apr_pstrcat(cmd->pool, cmd->cmd->name, " TLSv1.3: '", bad,
                             "' is no TLS 1.3 cipher suite GnuTLS knows",
                             NULL)
               : NULL;
}

/* In a directory, as in mod_ssl: one list for TLS 1.2 and below
 * (optionally named "SSL"), which leaves TLS 1.3 alone.  "TLSv1.3 list"
 * (mod_ssl refuses it there): a TLS 1.3 connection on a suite the list
 * leaves out gets 403. */
static const char *dir_cipher_suite(cmd_parms *cmd, void *dc, const char *a1,
                                    const char *a2)
{
    const char *prio, *err = NULL;

    if (a2 && !strcasecmp(a1, "TLSv1.3")) {
        return sslx_config_tls13_list(cmd, a2,
                     &((sslx_dir_conf_t *)dc)->tls13_suites);
    }
    if (a2 && strcasecmp(a1, "SSL") != 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " ", a1, ": expected "
                           "SSL or TLSv1.3 before the list", NULL);
    }
    prio = sslx_compat_cipher_priority(cmd->pool, a2 ? a2 : a1, &err);
    if (!prio) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    if ((err = sslx_config_check_priority(cmd, apr_pstrcat(cmd->temp_pool,
                                          "NORMAL:", prio, NULL))) != NULL) {
        return err;
    }
    return dir_cipher_priority(cmd, dc, prio);
}

static const char *set_cipher_suite(cmd_parms *cmd, void *dc, const char *a1,
                                    const char *a2)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    const char *prio, *err = NULL;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (cmd->path) {
        return dir_cipher_suite(cmd, dc, a1, a2);
    }
    if (a2 && !strcasecmp(a1, "TLSv1.3")) {
        return sslx_config_set_tls13_suites(cmd, a2);
    }
    if (a2 && strcasecmp(a1, "SSL") != 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " ", a1, ": expected "
                           "SSL or TLSv1.3 before the list", NULL);
    }
    if (a2) {
        a1 = a2;
    }
    if (!strcmp(a1, "PROFILE=SYSTEM")) {
        return use_system_profile(cmd);
    }
    prio = sslx_compat_cipher_priority(cmd->pool, a1, &err);
    if (!prio) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    if ((err = sslx_config_check_priority(cmd, apr_pstrcat(cmd->temp_pool,
                                          "NORMAL:", prio, NULL))) != NULL) {
        return err;
    }
    sc->cipher_prio = prio;
    return NULL;
}

static const char *set_honor_order(cmd_parms *cmd, void *dc, int flag)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    sslx_config_srv(cmd->server)->honor_cipher_order = flag;
    return NULL;
}

static const char *set_strict_sni(cmd_parms *cmd, void *dc, int flag)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    sslx_config_srv(cmd->server)->strict_sni = flag;
    return NULL;
}

static int option_bit(const char *name)
{
    if (!strcasecmp(name, "StdEnvVars")) {
        return SSLX_OPT_STD_ENV_VARS;
    }
    if (!strcasecmp(name, "ExportCertData")) {
        return SSLX_OPT_EXPORT_CERT_DATA;
    }
    if (!strcasecmp(name, "ExportBase64CertData")) {
        return SSLX_OPT_EXPORT_B64_CERT;
    }
    if (!strcasecmp(name, "FakeBasicAuth")) {
        return SSLX_OPT_FAKE_BASIC_AUTH;
    }
    if (!strcasecmp(name, "StrictRequire")) {
        return SSLX_OPT_STRICT_REQUIRE;
    }
    if (!strcasecmp(name, "OptRenegotiate")) {
        return SSLX_OPT_OPT_RENEGOTIATE;
    }
    if (!strcasecmp(name, "LegacyDNStringFormat")) {
        return SSLX_OPT_LEGACY_DN;
    }
    return 0;
}

static const char *set_options(cmd_parms *cmd, void *dcv, const char *args)
{
    sslx_dir_conf_t *dc = dcv;
    const char *word;
    char action;
    int bit;

    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    while (*(word = ap_getword_conf(cmd->temp_pool, &args)) != '\0') {
        action = (*word == '+' || *word == '-') ? *word++ : '\0';
        if ((bit = option_bit(word)) == 0) {
            return apr_pstrcat(cmd->pool, cmd->cmd->name,
                               ": unknown or unsupported option '", word,
                               "'", NULL);
        }
        if (action == '+') {
            dc->options_add |= bit;
            dc->options_del &= ~bit;
        }
        else if (action == '-') {
            dc->options_del |= bit;
            dc->options_add &= ~bit;
        }
        else {
            /* A bare word resets everything inherited, as in mod_ssl. */
            if (!dc->options_set) {
                dc->options = 0;
            }
            dc->options_set = 1;
            dc->options |= bit;
            dc->options_add = dc->options_del = 0;
        }
    }
    return NULL;
}

/* mod_ssl directives with no GnuTLS meaning: accepted, said once. */
static const char *set_ignored(cmd_parms *cmd, void *dc, const char *args)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (!strcasecmp(cmd->cmd->name, "SSLCompression")
        && strcasecmp(args, "off") != 0) {
        return "SSLCompression: TLS compression is not available with "
               "GnuTLS (and is unsafe); use 'off' or remove the line";
    }
    if (!strcasecmp(cmd->cmd->name, "SSLInsecureRenegotiation")
        && strcasecmp(args, "off") != 0) {
        return "SSLInsecureRenegotiation: mod_sslx only allows secure "
               "(RFC 5746) renegotiation; use 'off' or remove the line";
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, cmd->server,
                 SSLXLOGNO(01001) "%s:%d: %s has no meaning with GnuTLS "
                 "and is ignored", cmd->directive->filename,
                 cmd->directive->line_num, cmd->cmd->name);
    return NULL;
}

#define SRV RSRC_CONF
/* Where mod_ssl takes them: a directory's lands in its vhost. */
#define SRV_DIR (RSRC_CONF | ACCESS_CONF | OR_AUTHCFG)

const command_rec sslx_config_cmds[] = {
    AP_INIT_TAKE1("SSLXEngine", set_engine, NULL, SRV,
                  "on|off: TLS for this virtual host"),
    AP_INIT_TAKE1("SSLEngine", set_engine, NULL, SRV,
                  "mod_ssl name of SSLXEngine"),
    AP_INIT_TAKE1("SSLXCertificateFile", set_pair_file, NULL, SRV,
                  "certificate (chain, leaf first) in PEM, or a pkcs11: URL"),
    AP_INIT_TAKE1("SSLCertificateFile", set_pair_file, NULL, SRV,
                  "mod_ssl name of SSLXCertificateFile"),
    AP_INIT_TAKE1("SSLXCertificateKeyFile", set_pair_file, "key", SRV,
                  "private key in PEM, or a pkcs11: URL"),
    AP_INIT_TAKE1("SSLCertificateKeyFile", set_pair_file, "key", SRV,
                  "mod_ssl name of SSLXCertificateKeyFile"),
    AP_INIT_TAKE1("SSLXCertificateChainFile", set_chain_file, NULL, SRV,
                  "CA certificates sent after each certificate (better: "
                  "in the certificate file, after the leaf)"),
    AP_INIT_TAKE1("SSLCertificateChainFile", set_chain_file, NULL, SRV,
                  "mod_ssl name of SSLXCertificateChainFile"),
    AP_INIT_TAKE1("SSLXPriorities", set_priorities, NULL, SRV,
                  "GnuTLS priority string (versions, ciphers, groups)"),
    AP_INIT_TAKE_ARGV("SSLXProtocol", set_protocol, NULL, SRV,
                      "enabled protocols, mod_ssl syntax: all -TLSv1.1 ..."),
    AP_INIT_TAKE_ARGV("SSLProtocol", set_protocol, NULL, SRV,
                      "mod_ssl name of SSLXProtocol"),
    AP_INIT_TAKE12("SSLXCipherSuite", set_cipher_suite, NULL,
                   SRV | OR_AUTHCFG,
                   "OpenSSL-style cipher list, translated to GnuTLS"),
    AP_INIT_TAKE12("SSLCipherSuite", set_cipher_suite, NULL,
                   SRV | OR_AUTHCFG,
                   "mod_ssl name of SSLXCipherSuite"),
    AP_INIT_FLAG("SSLXHonorCipherOrder", set_honor_order, NULL, SRV,
                 "prefer the server's cipher order"),
    AP_INIT_FLAG("SSLHonorCipherOrder", set_honor_order, NULL, SRV,
                 "mod_ssl name of SSLXHonorCipherOrder"),
    AP_INIT_FLAG("SSLXStrictSNIVHostCheck", set_strict_sni, NULL, SRV,
                 "refuse clients without SNI on name-based vhosts"),
    AP_INIT_FLAG("SSLStrictSNIVHostCheck", set_strict_sni, NULL, SRV,
                 "mod_ssl name of SSLXStrictSNIVHostCheck"),
    AP_INIT_RAW_ARGS("SSLXOptions", set_options, NULL, OR_OPTIONS,
                     "+StdEnvVars +ExportCertData +ExportBase64CertData "
                     "+LegacyDNStringFormat ..."),
    AP_INIT_RAW_ARGS("SSLOptions", set_options, NULL, OR_OPTIONS,
                     "mod_ssl name of SSLXOptions"),
    AP_INIT_RAW_ARGS("SSLRandomSeed", set_ignored, NULL, SRV,
                     "ignored: GnuTLS seeds itself"),
    AP_INIT_RAW_ARGS("SSLCompression", set_ignored, NULL, SRV,
                     "only 'off' is accepted"),
    AP_INIT_RAW_ARGS("SSLInsecureRenegotiation", set_ignored, NULL, SRV,
                     "only 'off' is accepted"),
    AP_INIT_TAKE1("SSLXSessionCache", sslx_config_set_session_cache, NULL, SRV,
                  "none | shmcb:path(size) | dbm:path | memcache:host:port "
                  "| redis:host:port ...: cache for TLS <= 1.2 sessions"),
    AP_INIT_TAKE1("SSLSessionCache", sslx_config_set_session_cache, NULL, SRV,
                  "mod_ssl name of SSLXSessionCache"),
    AP_INIT_TAKE1("SSLXSessionCacheTimeout", sslx_config_set_session_timeout,
                  NULL, SRV,
                  "lifetime of cached sessions and tickets, in seconds"),
    AP_INIT_TAKE1("SSLSessionCacheTimeout", sslx_config_set_session_timeout,
                  NULL, SRV, "mod_ssl name of SSLXSessionCacheTimeout"),
    AP_INIT_FLAG("SSLXSessionTickets", sslx_config_set_session_tickets,
                 NULL, SRV, "issue and accept session tickets (default on)"),
    AP_INIT_FLAG("SSLSessionTickets", sslx_config_set_session_tickets,
                 NULL, SRV, "mod_ssl name of SSLXSessionTickets"),
    AP_INIT_TAKE1("SSLXSessionTicketKeyFile", sslx_config_set_ticket_key_file,
                  NULL, SRV,
                  "file of 64 random bytes: ticket key shared by a cluster"),
    AP_INIT_TAKE1("SSLXSessionTicketKeyRotation", sslx_config_set_key_rotation,
                  NULL, SRV, "seconds between ticket key rotations, or 'off' "
                  "(default: 3600, or the longest session timeout)"),
    AP_INIT_TAKE1("SSLSessionTicketKeyFile", sslx_config_set_ticket_key_file,
                  NULL, SRV,
                  "mod_ssl name of SSLXSessionTicketKeyFile (64 bytes)"),
    AP_INIT_TAKE1("SSLXVerifyClient", sslx_config_set_verify_client, NULL,
                  RSRC_CONF | OR_AUTHCFG,
                  "none|optional|require|optional_no_ca"),
    AP_INIT_TAKE1("SSLVerifyClient", sslx_config_set_verify_client, NULL,
                  RSRC_CONF | OR_AUTHCFG, "mod_ssl name of SSLXVerifyClient"),
    AP_INIT_TAKE1("SSLXVerifyDepth", sslx_config_set_verify_depth, NULL,
                  RSRC_CONF | OR_AUTHCFG,
                  "maximum number of intermediate CAs in a client chain"),
    AP_INIT_TAKE1("SSLVerifyDepth", sslx_config_set_verify_depth, NULL,
                  RSRC_CONF | OR_AUTHCFG, "mod_ssl name of SSLXVerifyDepth"),
    AP_INIT_TAKE1("SSLXCACertificateFile", sslx_config_set_ca_file, NULL,
                  SRV_DIR, "CAs trusted for client certificates (PEM)"),
    AP_INIT_TAKE1("SSLCACertificateFile", sslx_config_set_ca_file, NULL,
                  SRV_DIR, "mod_ssl name of SSLXCACertificateFile"),
    AP_INIT_TAKE1("SSLXCACertificatePath", sslx_config_set_ca_path, NULL,
                  SRV_DIR, "directory of CAs trusted for client certificates"),
    AP_INIT_TAKE1("SSLCACertificatePath", sslx_config_set_ca_path, NULL,
                  SRV_DIR, "mod_ssl name of SSLXCACertificatePath"),
    AP_INIT_TAKE1("SSLXCADNRequestFile", sslx_config_set_ca_dn_file, NULL,
                  SRV, "CA names sent in the certificate request"),
    AP_INIT_TAKE1("SSLCADNRequestFile", sslx_config_set_ca_dn_file, NULL,
                  SRV, "mod_ssl name of SSLXCADNRequestFile"),
    AP_INIT_TAKE1("SSLXCADNRequestPath", sslx_config_set_ca_dn_path, NULL,
                  SRV, "a directory of CA certificates whose names a "
                  "certificate request advertises"),
    AP_INIT_TAKE1("SSLCADNRequestPath", sslx_config_set_ca_dn_path, NULL,
                  SRV, "mod_ssl name of SSLXCADNRequestPath"),
    AP_INIT_TAKE1("SSLXCARevocationFile", sslx_config_set_crl_file, NULL,
                  SRV, "CRLs for client certificates (PEM)"),
    AP_INIT_TAKE1("SSLCARevocationFile", sslx_config_set_crl_file, NULL,
                  SRV, "mod_ssl name of SSLXCARevocationFile"),
    AP_INIT_TAKE1("SSLXCARevocationPath", sslx_config_set_crl_path, NULL,
                  SRV, "directory of CRLs for client certificates"),
    AP_INIT_TAKE1("SSLCARevocationPath", sslx_config_set_crl_path, NULL,
                  SRV, "mod_ssl name of SSLXCARevocationPath"),
    AP_INIT_TAKE12("SSLXCARevocationCheck", sslx_config_set_crl_check, NULL,
                   SRV, "chain|leaf|none [no_crl_for_cert_ok]"),
    AP_INIT_TAKE12("SSLCARevocationCheck", sslx_config_set_crl_check, NULL,
                   SRV, "mod_ssl name of SSLXCARevocationCheck"),
    AP_INIT_TAKE1("SSLXRenegBufferSize", sslx_config_set_reneg_buffer, NULL,
                  OR_AUTHCFG, "bytes of request body kept while a client "
                  "certificate is requested"),
    AP_INIT_TAKE1("SSLRenegBufferSize", sslx_config_set_reneg_buffer, NULL,
                  OR_AUTHCFG, "mod_ssl name of SSLXRenegBufferSize"),
    AP_INIT_NO_ARGS("SSLXRequireSSL", sslx_config_set_require_ssl, NULL,
                    OR_AUTHCFG, "deny access without TLS"),
    AP_INIT_NO_ARGS("SSLRequireSSL", sslx_config_set_require_ssl, NULL,
                    OR_AUTHCFG, "mod_ssl name of SSLXRequireSSL"),
    AP_INIT_RAW_ARGS("SSLXRequire", sslx_config_set_require, NULL,
                     OR_AUTHCFG, "access expression (mod_ssl syntax)"),
    AP_INIT_RAW_ARGS("SSLRequire", sslx_config_set_require, NULL,
                     OR_AUTHCFG, "mod_ssl name of SSLXRequire"),
    AP_INIT_TAKE1("SSLXUserName", sslx_config_set_user_name, NULL,
                  RSRC_CONF | OR_AUTHCFG, "variable to use as user name"),
    AP_INIT_TAKE1("SSLUserName", sslx_config_set_user_name, NULL,
                  RSRC_CONF | OR_AUTHCFG, "mod_ssl name of SSLXUserName"),
    SSLX_PROXY_DIRECTIVES,
    SSLX_MODSSL_DIRECTIVES,
    /* Keys and certificates over their life (sslx_config_keys.c). */
    AP_INIT_TAKE1("SSLXPassPhraseDialog", sslx_config_set_pphrase_dialog,
                  NULL, SRV, "builtin | exec:/path: where the pass phrases "
                  "of encrypted keys and token PINs come from"),
    AP_INIT_TAKE1("SSLPassPhraseDialog", sslx_config_set_pphrase_dialog,
                  NULL, SRV, "mod_ssl name of SSLXPassPhraseDialog"),
    AP_INIT_TAKE1("SSLXCertificateReload", sslx_config_set_cert_reload,
                  NULL, SRV, "on | off | seconds: children pick up "
                  "certificates and keys renewed on disk"),
    AP_INIT_TAKE_ARGV("SSLXCertificateCompression",
                      sslx_config_set_cert_compression, NULL, SRV,
                      "off | zlib brotli zstd: certificate compression "
                      "(RFC 8879) offered to clients"),
    SSLX_OCSP_DIRECTIVES,
    { NULL }
};
