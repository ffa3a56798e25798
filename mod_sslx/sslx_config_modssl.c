/* sslx_config_modssl.c - the mod_ssl directives that speak OpenSSL:
 * SSLOpenSSLConfCmd, SSLCryptoDevice, SSLFIPS, SSLVHostSNIPolicy and the
 * SRP directives.
 *
 * SSLOpenSSLConfCmd commands with a GnuTLS meaning become fragments of
 * the vhost's priority string (groups, signature algorithms, protocol
 * bounds) or set what the matching directive sets (CipherString,
 * Options ServerPreference and SessionTicket).  Anything else is refused
 * while the file and line are known, with what to use instead: a setting
 * that changes security is never dropped in silence.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "sslx_config.h"
#include "sslx_config_modssl.h"
#include "sslx_compat.h"

typedef struct {
    const char *openssl;
    const char *gnutls;
} name_map_t;

static const name_map_t groups[] = {
    { "X25519", "GROUP-X25519" },       { "X448", "GROUP-X448" },
    { "P-256", "GROUP-SECP256R1" },     { "prime256v1", "GROUP-SECP256R1" },
    { "secp256r1", "GROUP-SECP256R1" }, { "P-384", "GROUP-SECP384R1" },
    { "secp384r1", "GROUP-SECP384R1" }, { "P-521", "GROUP-SECP521R1" },
    { "secp521r1", "GROUP-SECP521R1" }, { "ffdhe2048", "GROUP-FFDHE2048" },
    { "ffdhe3072", "GROUP-FFDHE3072" }, { "ffdhe4096", "GROUP-FFDHE4096" },
    { "ffdhe6144", "GROUP-FFDHE6144" }, { "ffdhe8192", "GROUP-FFDHE8192" },
    { NULL, NULL }
};

/* Both of OpenSSL's spellings: "ALG+HASH" and the TLS 1.3 names. */
static const name_map_t sigalgs[] = {
    { "ECDSA+SHA256", "SIGN-ECDSA-SHA256" },
    { "ECDSA+SHA384", "SIGN-ECDSA-SHA384" },
    { "ECDSA+SHA512", "SIGN-ECDSA-SHA512" },
    { "ECDSA+SHA1", "SIGN-ECDSA-SHA1" },
    { "RSA+SHA256", "SIGN-RSA-SHA256" },
    { "RSA+SHA384", "SIGN-RSA-SHA384" },
    { "RSA+SHA512", "SIGN-RSA-SHA512" },
    { "RSA+SHA1", "SIGN-RSA-SHA1" },
    { "RSA-PSS+SHA256", "SIGN-RSA-PSS-RSAE-SHA256" },
    { "RSA-PSS+SHA384", "SIGN-RSA-PSS-RSAE-SHA384" },
    { "RSA-PSS+SHA512", "SIGN-RSA-PSS-RSAE-SHA512" },
    { "ecdsa_secp256r1_sha256", "SIGN-ECDSA-SECP256R1-SHA256" },
    { "ecdsa_secp384r1_sha384", "SIGN-ECDSA-SECP384R1-SHA384" },
    { "ecdsa_secp521r1_sha512", "SIGN-ECDSA-SECP521R1-SHA512" },
    { "rsa_pss_rsae_sha256", "SIGN-RSA-PSS-RSAE-SHA256" },
    { "rsa_pss_rsae_sha384", "SIGN-RSA-PSS-RSAE-SHA384" },
    { "rsa_pss_rsae_sha512", "SIGN-RSA-PSS-RSAE-SHA512" },
    { "rsa_pss_pss_sha256", "SIGN-RSA-PSS-SHA256" },
    { "rsa_pss_pss_sha384", "SIGN-RSA-PSS-SHA384" },
    { "rsa_pss_pss_sha512", "SIGN-RSA-PSS-SHA512" },
    { "rsa_pkcs1_sha256", "SIGN-RSA-SHA256" },
    { "rsa_pkcs1_sha384", "SIGN-RSA-SHA384" },
    { "rsa_pkcs1_sha512", "SIGN-RSA-SHA512" },
    { "ed25519", "SIGN-EdDSA-Ed25519" },
    { "ed448", "SIGN-EdDSA-Ed448" },
    { NULL, NULL }
};

/* Low to high, as OpenSSL's MinProtocol/MaxProtocol name them. */
static const name_map_t versions[] = {
    { "SSLv3", "VERS-SSL3.0" },   { "TLSv1", "VERS-TLS1.0" },
    { "TLSv1.1", "VERS-TLS1.1" }, { "TLSv1.2", "VERS-TLS1.2" },
    { "TLSv1.3", "VERS-TLS1.3" }, { NULL, NULL }
};

static int find(const name_map_t *map, const char *name)
{
    int i;

    for (i = 0; map[i].openssl; i++) {
        if (!strcasecmp(map[i].openssl, name)) {
            return i;
        }
    }
    return -1;
}

static void add_fragment(cmd_parms *cmd, const char *fragment)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);

    sc->confcmd_prio = sc->confcmd_prio
        ? apr_pstrcat(cmd->pool, sc->confcmd_prio, ":", fragment, NULL)
        : fragment;
}

/* "a:b:c" of map's names as "-<all>:+X:+Y:+Z". */
static const char *list_fragment(cmd_parms *cmd, const char *name,
                                 const name_map_t *map, const char *all,
                                 const char *value)
{
    char *copy = apr_pstrdup(cmd->temp_pool, value), *last, *w;
    const char *frag = all, *err;
    int i;

    for (w = apr_strtok(copy, ":,", &last); w;
         w = apr_strtok(NULL, ":,", &last)) {
        if ((i = find(map, w)) < 0) {
            return apr_psprintf(cmd->pool, "%s %s: '%s' is not known to "
                                "mod_sslx; SSLXPriorities takes GnuTLS's "
                                "names", cmd->cmd->name, name, w);
        }
        frag = apr_pstrcat(cmd->pool, frag, ":+", map[i].gnutls, NULL);
    }
    err = sslx_config_check_priority(cmd, apr_pstrcat(cmd->temp_pool,
                                     "NORMAL:", frag, NULL));
    if (!err) {
        add_fragment(cmd, frag);
    }
    return err;
}

/* MinProtocol/MaxProtocol: switch off every version outside the bound. */
static const char *protocol_bound(cmd_parms *cmd, const char *name,
                                  const char *value, int is_min)
{
    const char *frag = NULL;
    int i, bound = find(versions, value);

    if (bound < 0) {
        return apr_psprintf(cmd->pool, "%s %s: expected SSLv3, TLSv1, "
                            "TLSv1.1, TLSv1.2 or TLSv1.3, not '%s'",
                            cmd->cmd->name, name, value);
    }
    for (i = 0; versions[i].openssl; i++) {
        if (is_min ? i < bound : i > bound) {
            frag = apr_pstrcat(cmd->pool, frag ? frag : "",
                               frag ? ":-" : "-", versions[i].gnutls, NULL);
        }
    }
    if (frag) {
        add_fragment(cmd, frag);
    }
    return NULL;
}

static const char *cipher_string(cmd_parms *cmd, const char *value)
{
    const char *prio, *err = NULL;

    prio = sslx_compat_cipher_priority(cmd->pool, value, &err);
    if (!prio) {
        return apr_psprintf(cmd->pool, "%s CipherString: %s",
                            cmd->cmd->name, err);
    }
    sslx_config_srv(cmd->server)->cipher_prio = prio;
    return NULL;
}

/* "Options -SessionTicket,ServerPreference": the two with a meaning. */
static const char *options(cmd_parms *cmd, const char *value)
{
    sslx_srv_conf_t *sc = sslx_config_srv(cmd->server);
    char *copy = apr_pstrdup(cmd->temp_pool, value), *last, *w;
    int on;

    for (w = apr_strtok(copy, ", ", &last); w;
         w = apr_strtok(NULL, ", ", &last)) {
        on = *w != '-';
        w += (*w == '-' || *w == '+');
        if (!strcasecmp(w, "SessionTicket")) {
            sc->session_tickets = on;
        }
        else if (!strcasecmp(w, "ServerPreference")) {
            sc->honor_cipher_order = on;
        }
        else {
            return apr_psprintf(cmd->pool, "%s Options: '%s' has no GnuTLS "
                                "meaning (only SessionTicket and "
                                "ServerPreference)", cmd->cmd->name, w);
        }
    }
    return NULL;
}

const char *sslx_config_set_openssl_cmd(cmd_parms *cmd, void *dc,
                                        const char *name, const char *value)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (!strcasecmp(name, "Groups") || !strcasecmp(name, "Curves")) {
        return list_fragment(cmd, name, groups, "-GROUP-ALL", value);
    }
    if (!strcasecmp(name, "SignatureAlgorithms")) {
        return list_fragment(cmd, name, sigalgs, "-SIGN-ALL", value);
    }
    if (!strcasecmp(name, "MinProtocol") || !strcasecmp(name, "MaxProtocol")) {
        return protocol_bound(cmd, name, value,
                              !strcasecmp(name, "MinProtocol"));
    }
    if (!strcasecmp(name, "CipherString")) {
        return cipher_string(cmd, value);
    }
    if (!strcasecmp(name, "Ciphersuites")) {
        return sslx_config_set_tls13_suites(cmd, value);
    }
    if (!strcasecmp(name, "Options")) {
        return options(cmd, value);
    }
    return apr_psprintf(cmd->pool, "%s %s: not an OpenSSL command mod_sslx "
                        "can honour (Groups, Curves, MinProtocol, "
                        "MaxProtocol, CipherString, Ciphersuites, "
                        "SignatureAlgorithms, Options); say it with "
                        "SSLXPriorities", cmd->cmd->name, name);
}

const char *sslx_config_set_crypto_device(cmd_parms *cmd, void *dc,
                                          const char *arg)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (!strcasecmp(arg, "builtin")) {
        return NULL;
    }
    return apr_psprintf(cmd->pool, "SSLCryptoDevice %s: OpenSSL engines do "
                        "not exist under GnuTLS; keep the key on a PKCS#11 "
                        "token and name it with a pkcs11: URL in "
                        "SSLCertificateKeyFile", arg);
}

const char *sslx_config_set_fips(cmd_parms *cmd, void *dc, int on)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (on && !gnutls_fips140_mode_enabled()) {
        return "SSLFIPS on: GnuTLS is not running in FIPS 140 mode (boot "
               "the system with fips=1, or start httpd with "
               "GNUTLS_FORCE_FIPS_MODE=1 and a FIPS-validated GnuTLS)";
    }
    return NULL;
}

const char *sslx_config_set_sni_policy(cmd_parms *cmd, void *dc,
                                       const char *arg)
{
    (void)dc;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    if (!strcasecmp(arg, "secure")) {
        return NULL;
    }
    return apr_psprintf(cmd->pool, "SSLVHostSNIPolicy %s: mod_sslx always "
                        "applies the 'secure' policy (a request may only go "
                        "to a vhost with the same TLS settings as the one "
                        "SNI chose)", arg);
}

const char *sslx_config_refuse_srp(cmd_parms *cmd, void *dc,
                                   const char *arg)
{
    (void)dc;
    (void)arg;
    if (sslx_config_shadowed(cmd)) {
        return DECLINE_CMD;
    }
    return apr_psprintf(cmd->pool, "%s: TLS-SRP is not supported by "
                        "mod_sslx; use client certificates "
                        "(SSLVerifyClient) or HTTP authentication",
                        cmd->cmd->name);
}
