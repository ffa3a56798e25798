/* sslx_proxy_config.c - the SSLXProxy* directives (and their mod_ssl
 * names) and the merging of their records.
 *
 * One record per server (in sslx_srv_conf_t) and one per <Proxy> section
 * that sets any of them (in that section's sslx_dir_conf_t).  Handlers
 * check what they can while the file and line are known; the GnuTLS
 * objects are built later, by sslx_proxy_init.c.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_core.h>

#include "sslx_config.h"
#include "sslx_compat.h"
#include "sslx_proxy_config.h"

sslx_proxy_conf_t *sslx_proxy_config_create(apr_pool_t *p)
{
    sslx_proxy_conf_t *pc = apr_pcalloc(p, sizeof(*pc));

    pc->engine = SSLX_UNSET;
    pc->verify_mode = SSLX_UNSET;
    pc->verify_depth = SSLX_UNSET;
    pc->crl_check = SSLX_UNSET;
    pc->check_peer_name = SSLX_UNSET;
    pc->check_peer_cn = SSLX_UNSET;
    pc->check_peer_expire = SSLX_UNSET;
    return pc;
}

#define MERGE_INT(f) pc->f = add->f != SSLX_UNSET ? add->f : base->f
#define MERGE_STR(f) pc->f = add->f ? add->f : base->f

sslx_proxy_conf_t *sslx_proxy_config_merge(apr_pool_t *p,
                                           const sslx_proxy_conf_t *base,
                                           const sslx_proxy_conf_t *add)
{
    sslx_proxy_conf_t *pc = apr_pcalloc(p, sizeof(*pc));

    MERGE_INT(engine);
    MERGE_INT(verify_mode);
    MERGE_INT(verify_depth);
    MERGE_INT(crl_check);
    MERGE_INT(check_peer_name);
    MERGE_INT(check_peer_cn);
    MERGE_INT(check_peer_expire);
    MERGE_STR(ca_file);
    MERGE_STR(ca_path);
    MERGE_STR(crl_file);
    MERGE_STR(crl_path);
    MERGE_STR(machine_file);
    MERGE_STR(machine_path);
    MERGE_STR(machine_chain);
    MERGE_STR(priorities);
    MERGE_STR(protocol_prio);
    MERGE_STR(cipher_spec);
    MERGE_STR(cipher_prio);
    MERGE_STR(tls13_list);
    MERGE_STR(tls13_ids);
    MERGE_STR(where);
    return pc;
}

int sslx_proxy_config_flag(int value)
{
    return value == SSLX_UNSET ? 1 : value;
}

int sslx_proxy_config_verify_mode(const sslx_proxy_conf_t *pc)
{
    return pc->verify_mode == SSLX_UNSET ? SSLX_VERIFY_NONE
                                         : pc->verify_mode;
}

int sslx_proxy_config_verify_depth(const sslx_proxy_conf_t *pc)
{
    return pc->verify_depth == SSLX_UNSET ? SSLX_DEFAULT_VERIFY_DEPTH
                                          : pc->verify_depth;
}

static int in_proxy_section(const cmd_parms *cmd)
{
    const ap_directive_t *d;

    for (d = cmd->directive->parent; d; d = d->parent) {
        if (!strncasecmp(d->directive, "<Proxy", 6)) {
            return 1;
        }
    }
    return 0;
}

/* The record a directive writes to: its server's, or its <Proxy>
 * section's; NULL with *perr set where the directive may not appear. */
static sslx_proxy_conf_t *target(cmd_parms *cmd, void *dcv,
                                 const char **perr)
{
    sslx_dir_conf_t *dc = dcv;

    *perr = NULL;
    if (sslx_config_shadowed(cmd)) {
        *perr = DECLINE_CMD;
        return NULL;
    }
    if (!cmd->path) {
        return sslx_config_srv(cmd->server)->proxy;
    }
    if (!in_proxy_section(cmd)) {
        *perr = apr_pstrcat(cmd->pool, cmd->cmd->name, " is allowed in "
                            "server context and in <Proxy> sections only",
                            NULL);
        return NULL;
    }
    if (!dc->proxy) {
        dc->proxy = sslx_proxy_config_create(cmd->pool);
        dc->proxy->where = apr_psprintf(cmd->pool, "<Proxy %s> at %s:%d",
                                        cmd->path,
                                        cmd->directive->filename,
                                        cmd->directive->line_num);
    }
    return dc->proxy;
}

static int *int_field(sslx_proxy_conf_t *pc, const cmd_parms *cmd)
{
    return (int *)((char *)pc + (apr_size_t)cmd->info);
}

static const char **str_field(sslx_proxy_conf_t *pc, const cmd_parms *cmd)
{
    return (const char **)((char *)pc + (apr_size_t)cmd->info);
}

const char *sslx_proxy_config_set_flag(cmd_parms *cmd, void *dc, int on)
{
    const char *err;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);

    if (pc) {
        *int_field(pc, cmd) = on ? 1 : 0;
    }
    return err;
}

const char *sslx_proxy_config_set_verify(cmd_parms *cmd, void *dc,
                                         const char *arg)
{
    const char *err;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);
    int mode;

    if (!pc) {
        return err;
    }
    if ((mode = sslx_config_verify_mode_of(arg)) == SSLX_UNSET) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected none, "
                           "optional, require or optional_no_ca, not '",
                           arg, "'", NULL);
    }
    pc->verify_mode = mode;
    return NULL;
}

const char *sslx_proxy_config_set_depth(cmd_parms *cmd, void *dc,
                                        const char *arg)
{
    const char *err;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);
    char *end;
    long depth;

    if (!pc) {
        return err;
    }
    depth = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || depth < 0 || depth > 32) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": expected a number "
                           "from 0 to 32, not '", arg, "'", NULL);
    }
    pc->verify_depth = (int)depth;
    return NULL;
}

const char *sslx_proxy_config_set_file(cmd_parms *cmd, void *dc,
                                       const char *arg)
{
    const char *err, *path;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);

    if (!pc) {
        return err;
    }
    if ((err = sslx_config_file_arg(cmd, arg, &path)) == NULL) {
        *str_field(pc, cmd) = path;
    }
    return err;
}

const char *sslx_proxy_config_set_dir(cmd_parms *cmd, void *dc,
                                      const char *arg)
{
    const char *err, *path;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);

    if (!pc) {
        return err;
    }
    if ((err = sslx_config_dir_arg(cmd, arg, &path)) == NULL) {
        *str_field(pc, cmd) = path;
    }
    return err;
}

const char *sslx_proxy_config_set_crl_check(cmd_parms *cmd, void *dc,
                                            const char *a1, const char *a2)
{
    const char *err;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);

    if (!pc) {
        return err;
    }
    return sslx_config_crl_check_of(cmd, a1, a2, &pc->crl_check);
}

const char *sslx_proxy_config_set_priorities(cmd_parms *cmd, void *dc,
                                             const char *arg)
{
    const char *err;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);

    if (!pc) {
        return err;
    }
    if ((err = sslx_config_check_priority(cmd, arg)) == NULL) {
        pc->priorities = arg;
    }
    return err;
}

const char *sslx_proxy_config_set_protocol(cmd_parms *cmd, void *dc,
                                           int argc, char *const argv[])
{
    const char *err = NULL, *prio;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);

    if (!pc) {
        return err;
    }
    prio = sslx_compat_protocol_priority(cmd->pool, argc, argv, &err);
    if (!prio) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    err = sslx_config_check_priority(cmd, apr_pstrcat(cmd->temp_pool,
                                     "NORMAL:", prio, NULL));
    if (!err) {
        pc->protocol_prio = prio;
    }
    return err;
}

/* "SSLProxyCipherSuite TLSv1.3 list": the TLS 1.3 suites a backend may
 * choose.  GnuTLS offers one list of ciphers for both versions, so the
 * choice is checked when the handshake is done (sslx_proxy.c). */
static const char *set_tls13_suites(cmd_parms *cmd, sslx_proxy_conf_t *pc,
                                    const char *list)
{
    const char *err = sslx_config_tls13_list(cmd, list, &pc->tls13_ids);

    if (!err) {
        pc->tls13_list = list;
    }
    return err;
}

const char *sslx_proxy_config_set_cipher_suite(cmd_parms *cmd, void *dc,
                                               const char *a1,
                                               const char *a2)
{
    const char *err = NULL, *prio;
    sslx_proxy_conf_t *pc = target(cmd, dc, &err);

    if (!pc) {
        return err;
    }
    if (a2 && !strcasecmp(a1, "TLSv1.3")) {
        return set_tls13_suites(cmd, pc, a2);
    }
    if (a2 && strcasecmp(a1, "SSL") != 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " ", a1, ": expected "
                           "SSL or TLSv1.3 before the list", NULL);
    }
    if (a2) {
        a1 = a2;
    }
    prio = sslx_compat_cipher_priority(cmd->pool, a1, &err);
    if (!prio) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    err = sslx_config_check_priority(cmd, apr_pstrcat(cmd->temp_pool,
                                     "NORMAL:", prio, NULL));
    if (!err) {
        pc->cipher_spec = a1;
        pc->cipher_prio = prio;
    }
    return err;
}
