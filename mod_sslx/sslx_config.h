/* sslx_config.h - mod_sslx's server and directory configuration.
 *
 * The records are filled by the directive handlers in sslx_config.c and
 * merged the way mod_ssl merges its own.  What post-config work derives
 * from them (credentials, priority caches) hangs off the server record in
 * "tls" (sslx_tls_t, which sslx_init.c builds), owned by pconf.
 */
#ifndef SSLX_CONFIG_H
#define SSLX_CONFIG_H

#include <apr_tables.h>
#include <ap_socache.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sslx_crl.h"

/* A server's (vhost's) configuration. */
typedef struct {
    server_rec *server;
    int engine;                     /* SSLX_UNSET, 0, 1 */
    apr_array_header_t *cert_pairs; /* of sslx_cert_pair_t */
    const char *chain_file;         /* SSLXCertificateChainFile */
    const char *priorities;         /* SSLXPriorities, NULL: default */
    const char *protocol_prio;      /* SSLXProtocol as a priority fragment */
    const char *cipher_prio;        /* SSLXCipherSuite as a fragment */
    const char *tls13_prio;         /* SSLXCipherSuite TLSv1.3 ... */
    const char *confcmd_prio;       /* SSLXOpenSSLConfCmd's fragments */
    int honor_cipher_order;         /* SSLX_UNSET, 0, 1 */
    int strict_sni;                 /* SSLX_UNSET, 0, 1 */
    struct sslx_tls_t *tls;         /* sslx_init.h; NULL when TLS is off */
    /* Session resumption (sslx_cache.c).  The cache and the key file are
     * server-wide: only the main server's record holds them. */
    const char *cache_spec;         /* SSLXSessionCache text */
    const ap_socache_provider_t *cache_provider; /* NULL: none */
    ap_socache_instance_t *cache_instance;
    const char *ticket_key_file;    /* SSLXSessionTicketKeyFile */
    int ticket_rotation;            /* seconds, 0: off, SSLX_UNSET */
    int session_timeout;            /* seconds, SSLX_UNSET: default */
    int session_tickets;            /* SSLX_UNSET, 0, 1 */
    struct sslx_cache_t *cache;     /* prepared in post_config */
    struct sslx_counters_t *counters; /* server-wide (sslx_counters.c) */
    /* Client certificates (sslx_config_auth.c, sslx_verify.c). */
    int verify_mode;                /* SSLX_VERIFY_*, SSLX_UNSET */
    int verify_depth;               /* SSLX_UNSET: 1 */
    const char *ca_file;            /* SSLXCACertificateFile */
    const char *ca_path;            /* SSLXCACertificatePath */
    const char *ca_dn_file;         /* SSLXCADNRequestFile */
    const char *ca_dn_path;         /* SSLXCADNRequestPath */
    const char *crl_file;           /* SSLXCARevocationFile */
    const char *crl_path;           /* SSLXCARevocationPath */
    int crl_check;                  /* SSLX_CRL_*, SSLX_UNSET: none */
    const char *user_name;          /* SSLXUserName at server level */
    struct sslx_proxy_conf_t *proxy; /* SSLXProxy*: never NULL */
    /* Keys and certificates over their life (sslx_config_keys.c). */
    const char *pphrase_dialog;     /* SSLXPassPhraseDialog exec: program,
                                     * NULL: builtin (main server only) */
    int reload_interval;            /* SSLXCertificateReload, seconds;
                                     * 0: off, SSLX_UNSET */
    apr_array_header_t *cert_compression; /* SSLXCertificateCompression:
                                     * gnutls_compression_method_t as int;
                                     * NULL: unset, empty: off */
    struct sslx_ocsp_conf_t *ocsp;  /* stapling, SSLXOCSP*: never NULL */
} sslx_srv_conf_t;

/* SSLXVerifyClient, in rising order of demand. */
#define SSLX_VERIFY_NONE            0
#define SSLX_VERIFY_OPTIONAL_NO_CA  1
#define SSLX_VERIFY_OPTIONAL        2
#define SSLX_VERIFY_REQUIRE         3

#define SSLX_DEFAULT_VERIFY_DEPTH   1
#define SSLX_DEFAULT_RENEG_BUFFER   (128 * 1024)


/* SSLXOptions bits. */
#define SSLX_OPT_STD_ENV_VARS      (1 << 0)
#define SSLX_OPT_EXPORT_CERT_DATA  (1 << 1)
#define SSLX_OPT_EXPORT_B64_CERT   (1 << 2)
#define SSLX_OPT_FAKE_BASIC_AUTH    (1 << 3)
#define SSLX_OPT_STRICT_REQUIRE     (1 << 4)
#define SSLX_OPT_OPT_RENEGOTIATE    (1 << 5)
#define SSLX_OPT_LEGACY_DN          (1 << 6)

typedef struct {
    int options;                    /* absolute set, valid if options_set */
    int options_set;
    int options_add;                /* relative "+Opt" */
    int options_del;                /* relative "-Opt" */
    int verify_mode;                /* SSLXVerifyClient here, SSLX_UNSET */
    int verify_depth;               /* SSLXVerifyDepth here, SSLX_UNSET */
    int reneg_buffer_size;          /* SSLXRenegBufferSize, SSLX_UNSET */
    int require_ssl;                /* SSLXRequireSSL: 1 */
    apr_array_header_t *requires;   /* SSLXRequire: ap_expr_info_t * */
    const char *user_name;          /* SSLXUserName */
    /* SSLXCipherSuite in a directory: the priorities a TLS 1.2 connection
     * is renegotiated to when its suite is not among them. */
    gnutls_priority_t cipher_priority;
    /* SSLXCipherSuite TLSv1.3 in a directory: the IANA ids (apr_uint16_t)
     * of the TLS 1.3 suites allowed; NULL leaves TLS 1.3 alone, as a
     * list of TLS 1.2 suites does in mod_ssl. */
    apr_array_header_t *tls13_suites;
    /* SSLXProxy* in a <Proxy> section, NULL elsewhere. */
    struct sslx_proxy_conf_t *proxy;
} sslx_dir_conf_t;

/* TLS 1.2 and 1.3 only; NORMAL already lists AEAD ciphers first, and
 * dropping static RSA key exchange leaves only forward-secret suites. */
#define SSLX_DEFAULT_PRIORITY \
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA"

/* Shared by the directive handlers of sslx_config.c and
 * sslx_config_auth.c. */
int sslx_config_shadowed(const cmd_parms *cmd);

/* Whether mod_ssl itself is loaded (not mod_sslx_alias.so's record). */
int sslx_config_modssl_loaded(void);
const char *sslx_config_file_arg(cmd_parms *cmd, const char *arg,
                                 const char **ppath);
const char *sslx_config_dir_arg(cmd_parms *cmd, const char *arg,
                                const char **ppath);

/* NULL when text is a valid GnuTLS priority string, else a message
 * naming the directive. */
const char *sslx_config_check_priority(cmd_parms *cmd, const char *text);

/* An OpenSSL TLS 1.3 suite list (names separated by colons) as suite
 * ids in *pids; NULL, or a message naming the directive and the name
 * that is no TLS 1.3 suite. */
const char *sslx_config_tls13_list(cmd_parms *cmd, const char *list,
                                   apr_array_header_t **pids);

/* "SSLCipherSuite TLSv1.3 list" (and OpenSSL's Ciphersuites command)
 * in server context. */
const char *sslx_config_set_tls13_suites(cmd_parms *cmd, const char *list);

/* Argument parsers shared with the proxy directives: SSLX_UNSET for an
 * unknown verify mode; NULL or a message naming the directive. */
int sslx_config_verify_mode_of(const char *arg);
const char *sslx_config_crl_check_of(cmd_parms *cmd, const char *a1,
                                     const char *a2, int *pmode);

/* A file argument relative to the server root: NULL when it is a
 * non-empty readable file, else a message naming the directive. */
const char *sslx_config_check_readable(cmd_parms *cmd, const char *path);

/* Session resumption directives (sslx_config_session.c). */
const char *sslx_config_set_session_cache(cmd_parms *cmd, void *dc,
                                          const char *arg);
const char *sslx_config_set_session_timeout(cmd_parms *cmd, void *dc,
                                            const char *arg);
const char *sslx_config_set_session_tickets(cmd_parms *cmd, void *dc,
                                            int flag);
const char *sslx_config_set_ticket_key_file(cmd_parms *cmd, void *dc,
                                            const char *arg);
const char *sslx_config_set_key_rotation(cmd_parms *cmd, void *dc,
                                         const char *arg);

/* "provider[:argument]" of any mod_socache provider, created now so that
 * "apachectl -t" reports its errors; what ("session", "stapling") names
 * the cache in the message.  NULL or a message naming the directive. */
const char *sslx_config_socache(cmd_parms *cmd, const char *arg,
                                const char *what,
                                const ap_socache_provider_t **pprovider,
                                ap_socache_instance_t **pinstance);

/* Client-authentication directives (sslx_config_auth.c). */
const char *sslx_config_set_verify_client(cmd_parms *cmd, void *dc,
                                          const char *arg);
const char *sslx_config_set_verify_depth(cmd_parms *cmd, void *dc,
                                         const char *arg);
const char *sslx_config_set_ca_file(cmd_parms *cmd, void *dc,
                                    const char *arg);
const char *sslx_config_set_ca_path(cmd_parms *cmd, void *dc,
                                    const char *arg);
const char *sslx_config_set_ca_dn_file(cmd_parms *cmd, void *dc,
                                       const char *arg);
const char *sslx_config_set_ca_dn_path(cmd_parms *cmd, void *dc,
                                       const char *arg);
const char *sslx_config_set_crl_file(cmd_parms *cmd, void *dc,
                                     const char *arg);
const char *sslx_config_set_crl_path(cmd_parms *cmd, void *dc,
                                     const char *arg);
const char *sslx_config_set_crl_check(cmd_parms *cmd, void *dc,
                                      const char *a1, const char *a2);
const char *sslx_config_set_reneg_buffer(cmd_parms *cmd, void *dc,
                                         const char *arg);
const char *sslx_config_set_require_ssl(cmd_parms *cmd, void *dc);
const char *sslx_config_set_require(cmd_parms *cmd, void *dc,
                                    const char *arg);
const char *sslx_config_set_user_name(cmd_parms *cmd, void *dc,
                                      const char *arg);

/* Key and certificate life directives (sslx_config_keys.c). */
const char *sslx_config_set_pphrase_dialog(cmd_parms *cmd, void *dc,
                                           const char *arg);
const char *sslx_config_set_cert_reload(cmd_parms *cmd, void *dc,
                                        const char *arg);
const char *sslx_config_set_cert_compression(cmd_parms *cmd, void *dc,
                                             int argc, char *const argv[]);
void sslx_config_keys_create(sslx_srv_conf_t *sc);
void sslx_config_keys_merge(sslx_srv_conf_t *sc,
                            const sslx_srv_conf_t *base,
                            const sslx_srv_conf_t *add);

/* SSLXCertificateReload on: seconds between looks at the files. */
#define SSLX_DEFAULT_RELOAD_INTERVAL 60

/* Effective values for a request: the directory's, else the vhost's. */
int sslx_config_verify_mode(const sslx_dir_conf_t *dc,
                            const sslx_srv_conf_t *sc);
int sslx_config_verify_depth(const sslx_dir_conf_t *dc,
                             const sslx_srv_conf_t *sc);

extern const command_rec sslx_config_cmds[];

void *sslx_config_create_srv(apr_pool_t *p, server_rec *s);
void *sslx_config_merge_srv(apr_pool_t *p, void *basev, void *addv);
void *sslx_config_create_dir(apr_pool_t *p, char *dir);
void *sslx_config_merge_dir(apr_pool_t *p, void *basev, void *addv);

sslx_srv_conf_t *sslx_config_srv(const server_rec *s);
sslx_dir_conf_t *sslx_config_dir(const ap_conf_vector_t *dir_config);

/* Effective SSLXOptions of a request's directory configuration. */
int sslx_config_options(const sslx_dir_conf_t *dc);

#endif /* SSLX_CONFIG_H */
