/* sslx_proxy_init.c - the GnuTLS objects for TLS to backends, built once
 * the configuration is read: for every server with SSLXProxyEngine on (in
 * check_config, so "apachectl -t" reports a bad file) and for every
 * <Proxy> section with SSLXProxy* settings (when mod_proxy prepares its
 * sections).  Servers with identical settings share one set of objects.
 * Everything belongs to pconf.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_hash.h>
#include <apr_optional_hooks.h>
#include <mod_proxy.h>
#include <gnutls/crypto.h>

#include "sslx_cert.h"
#include "sslx_cipher.h"
#include "sslx_compat.h"
#include "sslx_config.h"
#include "sslx_log.h"
#include "sslx_proxy.h"
#include "sslx_proxy_machine.h"

/* The priority of backend handshakes, with cipher fragment ciphers. */
static const char *priority_text(apr_pool_t *p, const sslx_proxy_conf_t *pc,
                                 const char *ciphers)
{
    const char *text = pc->priorities ? pc->priorities
                                      : SSLX_DEFAULT_PRIORITY;

    if (pc->protocol_prio) {
        text = apr_pstrcat(p, text, ":", pc->protocol_prio, NULL);
    }
    if (ciphers) {
        text = apr_pstrcat(p, text, ":", ciphers, NULL);
    }
    return text;
}

static const char *make_priority(apr_pool_t *pconf, apr_pool_t *ptemp,
                                 const char *text, gnutls_priority_t *prio)
{
    const char *errpos = NULL;
    int rv = sslx_compat_make_priority(pconf, prio, text, &errpos);

    return rv < 0 ? apr_psprintf(ptemp, "priority string '%s' rejected at "
                                 "'%s': %s", text, errpos ? errpos : "",
                                 gnutls_strerror(rv))
                  : NULL;
}

/* Whether text enables a version below TLS 1.3 (or cannot be read). */
static int below_tls13(apr_pool_t *ptemp, const char *text)
{
    gnutls_priority_t prio;
    const unsigned *list;
    int i, n;

    if (sslx_compat_make_priority(ptemp, &prio, text, NULL) < 0
        || (n = gnutls_priority_protocol_list(prio, &list)) <= 0) {
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (list[i] != GNUTLS_TLS1_3) {
            return 1;
        }
    }
    return 0;
}

/* A fragment that lists the ciphers of text again, those of the TLS 1.3
 * suites in ids first: GnuTLS offers TLS 1.3 suites in cipher order, and
 * a backend that follows the client's order then picks one of them. */
static const char *tls13_first(apr_pool_t *ptemp, const char *text,
                               const apr_array_header_t *ids)
{
    gnutls_cipher_algorithm_t cipher;
    gnutls_priority_t prio;
    const unsigned *list;
    const char *frag = "-CIPHER-ALL";
    unsigned char id[2];
    int i, n;

    for (i = 0; i < ids->nelts; i++) {
        id[0] = (unsigned char)(APR_ARRAY_IDX(ids, i, apr_uint16_t) >> 8);
        id[1] = (unsigned char)APR_ARRAY_IDX(ids, i, apr_uint16_t);
        if (sslx_cipher_suite_cipher(id, &cipher) == 0) {
            frag = apr_pstrcat(ptemp, frag, ":+",
                               gnutls_cipher_get_name(cipher), NULL);
        }
    }
    if (sslx_compat_make_priority(ptemp, &prio, text, NULL) < 0) {
        return frag;
    }
    n = gnutls_priority_cipher_list(prio, &list);
    for (i = 0; i < n; i++) {
        frag = apr_pstrcat(ptemp, frag, ":+", gnutls_cipher_get_name(
                               (gnutls_cipher_algorithm_t)list[i]), NULL);
    }
    return frag;
}

/* The cipher fragment of the offer.  With a TLS 1.3 list: when no older
 * version is enabled, the list alone; else the ciphers of both lists
 * (the TLS 1.3 names bring theirs), those of the TLS 1.3 list first, and
 * sslx_proxy.c checks the backend's choice after the handshake. */
static const char *offered_ciphers(apr_pool_t *ptemp,
                                   const sslx_proxy_conf_t *pc,
                                   const char **perr)
{
    const char *frag = pc->cipher_prio, *only13;

    if (!pc->tls13_list) {
        return frag;
    }
    only13 = sslx_compat_cipher_priority(ptemp, pc->tls13_list, perr);
    if (!only13 || !below_tls13(ptemp, priority_text(ptemp, pc, only13))) {
        return only13;
    }
    if (pc->cipher_spec && !(frag = sslx_compat_cipher_priority(ptemp,
            apr_pstrcat(ptemp, pc->cipher_spec, ":", pc->tls13_list, NULL),
            perr))) {
        return NULL;
    }
    return apr_pstrcat(ptemp, frag ? frag : "", frag ? ":" : "",
                       tls13_first(ptemp, priority_text(ptemp, pc, frag),
                                   pc->tls13_ids), NULL);
}

/* The offer, and with both lists the one-argument list alone, which
 * judges a TLS 1.2 choice. */
static const char *make_priorities(apr_pool_t *pconf, apr_pool_t *ptemp,
                                   const sslx_proxy_conf_t *pc,
                                   sslx_proxy_tls_t *tls)
{
    const char *err = NULL, *ciphers = offered_ciphers(ptemp, pc, &err);

    if (pc->tls13_list && !ciphers) {
        return apr_pstrcat(ptemp, "SSLXProxyCipherSuite TLSv1.3: ", err,
                           NULL);
    }
    err = make_priority(pconf, ptemp, priority_text(ptemp, pc, ciphers),
                        &tls->priority);
    if (err || !pc->tls13_list || !pc->cipher_spec) {
        return err;
    }
    return make_priority(pconf, ptemp,
                         priority_text(ptemp, pc, pc->cipher_prio),
                         &tls->tls12_only);
}

static const char *load_trust(apr_pool_t *pconf, apr_pool_t *ptemp,
                              const sslx_proxy_conf_t *pc,
                              sslx_proxy_tls_t *tls)
{
    int mode = sslx_proxy_config_verify_mode(pc);
    sslx_trust_spec_t spec;
    const char *err;

    if (!pc->ca_file && !pc->ca_path) {
        return mode == SSLX_VERIFY_REQUIRE || mode == SSLX_VERIFY_OPTIONAL
               ? "SSLXProxyVerify needs SSLXProxyCACertificateFile or "
                 "SSLXProxyCACertificatePath" : NULL;
    }
    spec.ca_file = pc->ca_file;
    spec.ca_path = pc->ca_path;
    if ((err = sslx_cert_load_trust(pconf, &spec, &tls->trust)) != NULL) {
        return err;
    }
    if (pc->crl_check != SSLX_UNSET && (pc->crl_check & SSLX_CRL_MODE_MASK)) {
        return sslx_crl_load(pconf, ptemp, pc->crl_file, pc->crl_path,
                             &tls->crls);
    }
    return NULL;
}

static const char *build(apr_pool_t *pconf, apr_pool_t *ptemp,
                         const sslx_proxy_conf_t *pc, sslx_proxy_tls_t **ptls)
{
    sslx_proxy_tls_t *tls = apr_pcalloc(pconf, sizeof(*tls));
    const char *err;
    int rv;

    tls->conf = pc;
    if ((rv = gnutls_rnd(GNUTLS_RND_NONCE, tls->generation,
                         sizeof(tls->generation))) < 0) {
        return sslx_log_describe(ptemp, "drawing a random number", rv);
    }
    if ((rv = sslx_cert_make_creds(pconf, &tls->creds)) < 0) {
        return sslx_log_describe(ptemp, "allocating credentials", rv);
    }
    if ((err = make_priorities(pconf, ptemp, pc, tls)) != NULL) {
        return err;
    }
    if ((err = load_trust(pconf, ptemp, pc, tls)) != NULL) {
        return err;
    }
    if (pc->machine_file || pc->machine_path) {
        err = sslx_proxy_machine_load(ptemp, tls->creds, pc->machine_file,
                                      pc->machine_path, pc->machine_chain,
                                      &tls->machine_certs);
    }
    *ptls = tls;
    return err;
}

/* Settings that build the same objects have the same identity. */
static const char *identity_of(apr_pool_t *p, const sslx_proxy_conf_t *pc)
{
    return apr_psprintf(p, "%d|%d|%d|%d|%d|%d|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|"
                        "%s",
                        pc->verify_mode, pc->verify_depth, pc->crl_check,
                        pc->check_peer_name, pc->check_peer_cn,
                        pc->check_peer_expire, pc->ca_file, pc->ca_path,
                        pc->crl_file, pc->crl_path, pc->machine_file,
                        pc->machine_path, pc->machine_chain, pc->priorities,
                        pc->protocol_prio, pc->cipher_prio, pc->tls13_list);
}

static int fail(server_rec *s, const char *where, const char *err)
{
    ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                 SSLXLOGNO(02301) "TLS to backends of %s: %s", where, err);
    return HTTP_INTERNAL_SERVER_ERROR;
}

static const char *server_where(apr_pool_t *p, const server_rec *s)
{
    return apr_psprintf(p, "server %s (%s:%d)", s->server_hostname,
                        s->defn_name ? s->defn_name : "main configuration",
                        s->defn_line_number);
}

int sslx_proxy_init_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                                 apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *shared = apr_hash_make(ptemp);
    sslx_proxy_conf_t *pc;
    const char *id, *err;

    (void)plog;
    for (; s; s = s->next) {
        pc = sslx_config_srv(s)->proxy;
        pc->tls = NULL;
        if (pc->engine != 1) {
            continue;
        }
        id = identity_of(ptemp, pc);
        pc->tls = apr_hash_get(shared, id, APR_HASH_KEY_STRING);
        if (pc->tls) {
            continue;
        }
        if ((err = build(pconf, ptemp, pc, &pc->tls)) != NULL) {
            return fail(s, server_where(ptemp, s), err);
        }
        apr_hash_set(shared, id, APR_HASH_KEY_STRING, pc->tls);
    }
    return OK;
}

/* mod_proxy's section_post_config hook, for each <Proxy> section of
 * server s: complete the section's settings with the server's, then
 * build its objects. */
static int section_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp, server_rec *s,
                               ap_conf_vector_t *section_config)
{
    sslx_dir_conf_t *dc = sslx_config_dir(section_config);
    sslx_proxy_conf_t *pc = dc ? dc->proxy : NULL;
    const char *err;

    (void)plog;
    if (!pc || pc->tls) {
        return OK;
    }
    *pc = *sslx_proxy_config_merge(pconf, sslx_config_srv(s)->proxy, pc);
    if (pc->engine != 1) {
        return OK;
    }
    if ((err = build(pconf, ptemp, pc, &pc->tls)) != NULL) {
        return fail(s, pc->where, err);
    }
    return OK;
}

void sslx_proxy_init_register_hooks(void)
{
    APR_OPTIONAL_HOOK(proxy, section_post_config, section_post_config,
                      NULL, NULL, APR_HOOK_MIDDLE);
}
