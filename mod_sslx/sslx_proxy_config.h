/* sslx_proxy_config.h - the SSLXProxy* directives: how mod_sslx speaks
 * TLS to the backends mod_proxy connects to.
 *
 * Set in server context they apply to the vhost's backends; set in a
 * <Proxy> section they apply to the backends of that section, inheriting
 * what the section leaves unset from its server.  The GnuTLS objects
 * built from them after configuration (sslx_proxy_init.c) hang off the
 * record that holds them, in "tls".
 */
#ifndef SSLX_PROXY_CONFIG_H
#define SSLX_PROXY_CONFIG_H

#include <httpd.h>
#include <http_config.h>

typedef struct sslx_proxy_conf_t {
    int engine;                  /* SSLXProxyEngine: SSLX_UNSET, 0, 1 */
    int verify_mode;             /* SSLX_VERIFY_*, SSLX_UNSET: none */
    int verify_depth;            /* SSLX_UNSET: 1 */
    const char *ca_file;
    const char *ca_path;
    const char *crl_file;
    const char *crl_path;
    int crl_check;               /* SSLX_CRL_*, SSLX_UNSET: none */
    int check_peer_name;         /* SSLX_UNSET: on */
    int check_peer_cn;           /* SSLX_UNSET: on */
    int check_peer_expire;       /* SSLX_UNSET: on */
    const char *machine_file;    /* certificates and keys, one PEM file */
    const char *machine_path;    /* a directory of such files */
    const char *machine_chain;   /* CA certificates completing them */
    const char *priorities;      /* SSLXProxyPriorities */
    const char *protocol_prio;   /* SSLXProxyProtocol, as a fragment */
    const char *cipher_spec;     /* SSLXProxyCipherSuite, as written */
    const char *cipher_prio;     /* ... as a priority fragment */
    const char *tls13_list;      /* SSLXProxyCipherSuite TLSv1.3, as
                                  * written */
    apr_array_header_t *tls13_ids; /* ... as suite ids */
    const char *where;           /* "file:line" of the section, or the
                                  * server, for messages */
    struct sslx_proxy_tls_t *tls; /* NULL until built, or when off */
} sslx_proxy_conf_t;

sslx_proxy_conf_t *sslx_proxy_config_create(apr_pool_t *p);

/* A new record: add's settings where set, else base's. */
sslx_proxy_conf_t *sslx_proxy_config_merge(apr_pool_t *p,
                                           const sslx_proxy_conf_t *base,
                                           const sslx_proxy_conf_t *add);

/* Effective values of a merged record. */
int sslx_proxy_config_flag(int value);       /* SSLX_UNSET: on */
int sslx_proxy_config_verify_mode(const sslx_proxy_conf_t *pc);
int sslx_proxy_config_verify_depth(const sslx_proxy_conf_t *pc);

/* The directive handlers, listed in sslx_config.c's table through
 * SSLX_PROXY_DIRECTIVES. */
const char *sslx_proxy_config_set_flag(cmd_parms *cmd, void *dc, int on);
const char *sslx_proxy_config_set_verify(cmd_parms *cmd, void *dc,
                                         const char *arg);
const char *sslx_proxy_config_set_depth(cmd_parms *cmd, void *dc,
                                        const char *arg);
const char *sslx_proxy_config_set_file(cmd_parms *cmd, void *dc,
                                       const char *arg);
const char *sslx_proxy_config_set_dir(cmd_parms *cmd, void *dc,
                                      const char *arg);
const char *sslx_proxy_config_set_crl_check(cmd_parms *cmd, void *dc,
                                            const char *a1, const char *a2);
const char *sslx_proxy_config_set_priorities(cmd_parms *cmd, void *dc,
                                             const char *arg);
const char *sslx_proxy_config_set_protocol(cmd_parms *cmd, void *dc,
                                           int argc, char *const argv[]);
const char *sslx_proxy_config_set_cipher_suite(cmd_parms *cmd, void *dc,
                                               const char *a1,
                                               const char *a2);

/* Where SSLProxy* may appear: server, vhost and <Proxy> sections. */
#define SSLX_PROXY_CTX (RSRC_CONF | ACCESS_CONF)

#define SSLX_PROXY_FIELD(f) ((void *)APR_OFFSETOF(sslx_proxy_conf_t, f))

/* Each directive under its SSLX name and its mod_ssl name. */
#define SSLX_PROXY_DIRECTIVE2(kind, name, fn, field, help) \
    kind("SSLX" name, fn, SSLX_PROXY_FIELD(field), SSLX_PROXY_CTX, help), \
    kind("SSL" name, fn, SSLX_PROXY_FIELD(field), SSLX_PROXY_CTX, \
         "mod_ssl name of SSLX" name)

#define SSLX_PROXY_DIRECTIVES \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_FLAG, "ProxyEngine", \
        sslx_proxy_config_set_flag, engine, \
        "on: TLS to https:// (h2://, wss://) backends"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyVerify", \
        sslx_proxy_config_set_verify, verify_mode, \
        "none, optional, require or optional_no_ca: the backend's " \
        "certificate"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyVerifyDepth", \
        sslx_proxy_config_set_depth, verify_depth, \
        "CAs allowed above the backend's certificate"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyCACertificateFile", \
        sslx_proxy_config_set_file, ca_file, \
        "CAs trusted for backend certificates (PEM)"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyCACertificatePath", \
        sslx_proxy_config_set_dir, ca_path, \
        "a directory of CAs trusted for backend certificates"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyCARevocationFile", \
        sslx_proxy_config_set_file, crl_file, \
        "CRLs for backend certificates (PEM)"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyCARevocationPath", \
        sslx_proxy_config_set_dir, crl_path, \
        "a directory of CRLs for backend certificates"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE12, "ProxyCARevocationCheck", \
        sslx_proxy_config_set_crl_check, crl_check, \
        "chain, leaf or none [no_crl_for_cert_ok]"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_FLAG, "ProxyCheckPeerName", \
        sslx_proxy_config_set_flag, check_peer_name, \
        "the backend's certificate must name the host asked for"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_FLAG, "ProxyCheckPeerCN", \
        sslx_proxy_config_set_flag, check_peer_cn, \
        "the backend's certificate CN must be the host asked for"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_FLAG, "ProxyCheckPeerExpire", \
        sslx_proxy_config_set_flag, check_peer_expire, \
        "the backend's certificate must be valid now"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyMachineCertificateFile", \
        sslx_proxy_config_set_file, machine_file, \
        "client certificates and keys for backends, in one PEM file"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyMachineCertificatePath", \
        sslx_proxy_config_set_dir, machine_path, \
        "a directory of client certificate and key PEM files"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE1, "ProxyMachineCertificateChainFile", \
        sslx_proxy_config_set_file, machine_chain, \
        "CA certificates sent with the client certificates"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE_ARGV, "ProxyProtocol", \
        sslx_proxy_config_set_protocol, protocol_prio, \
        "protocols towards backends, mod_ssl syntax"), \
    SSLX_PROXY_DIRECTIVE2(AP_INIT_TAKE12, "ProxyCipherSuite", \
        sslx_proxy_config_set_cipher_suite, cipher_prio, \
        "[SSL|TLSv1.3] cipher suites towards backends, OpenSSL syntax"), \
    AP_INIT_TAKE1("SSLXProxyPriorities", sslx_proxy_config_set_priorities, \
        SSLX_PROXY_FIELD(priorities), SSLX_PROXY_CTX, \
        "GnuTLS priority string towards backends")

#endif /* SSLX_PROXY_CONFIG_H */
