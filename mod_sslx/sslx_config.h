/* sslx_config.h - mod_sslx's server and directory configuration.
 *
 * The records are filled by the directive handlers in sslx_config.c and
 * merged the way mod_ssl merges its own.  What post-config work derives
 * from them (credentials, priority caches) hangs off the server record in
 * "tls", owned by pconf.
 */
#ifndef SSLX_CONFIG_H
#define SSLX_CONFIG_H

#include <apr_tables.h>
#include <ap_socache.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sslx_cert.h"

/* A certificate the vhost presents, parsed once at configuration time:
 * SSL_SERVER_* are read from it on every connection that uses it. */
typedef struct {
    gnutls_datum_t der;
    gnutls_x509_crt_t crt;
} sslx_leaf_t;

/* Everything a connection needs from its vhost, built at check_config. */
typedef struct {
    gnutls_certificate_credentials_t creds;
    gnutls_priority_t priority;
    const char *priority_text;
    apr_array_header_t *leaves;     /* sslx_leaf_t, one per pair */
    /* Two vhosts with equal identities present the same certificates
     * under the same rules: a request may move between them (no 421). */
    const char *identity;
    /* Client certificates are verified against these CAs, and with
     * SSLXCARevocationCheck against these CRLs (sslx_crl.c); NULL when
     * not configured. */
    gnutls_x509_trust_list_t trust;
    struct sslx_crl_set_t *crls;
    unsigned min_version;           /* lowest enabled, wire form 0x0303 */
    /* Renegotiation must be a full handshake: same priorities, but no
     * ticket may stand in for the certificate being asked for. */
    gnutls_priority_t reneg_priority;
    /* Sessions belong to the TLS settings they were made under: each
     * distinct identity has its own ticket key (sslx_ticket.c) and its
     * own prefix in the session cache (sslx_cache.c). */
    unsigned char session_context[16];
    /* SSLXCertificateReload: the parent's, then each child's, view of
     * the certificates on disk (sslx_reload.c); NULL when off.  Set in
     * post_config. */
    struct sslx_reload_t *reload;
} sslx_tls_t;

typedef struct {
    server_rec *server;
    int engine;                     /* SSLX_UNSET, 0, 1 */
    apr_array_header_t *cert_pairs; /* of sslx_cert_pair_t */
    const char *priorities;         /* SSLXPriorities, NULL: default */
    sslx_origin_t priorities_origin;
    const char *protocol_prio;      /* SSLXProtocol as a priority fragment */
    const char *cipher_prio;        /* SSLXCipherSuite as a fragment */
    int honor_cipher_order;         /* SSLX_UNSET, 0, 1 */
    int strict_sni;                 /* SSLX_UNSET, 0, 1 */
    sslx_tls_t *tls;                /* NULL when TLS is off for the vhost */
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
    const char *crl_file;           /* SSLXCARevocationFile */
    const char *crl_path;           /* SSLXCARevocationPath */
    int crl_check;                  /* SSLX_CRL_*, SSLX_UNSET: none */
    const char *user_name;          /* SSLXUserName at server level */
    /* Keys and certificates over their life (sslx_config_keys.c). */
    const char *pphrase_dialog;     /* SSLXPassPhraseDialog exec: program,
                                     * NULL: builtin (main server only) */
    int reload_interval;            /* SSLXCertificateReload, seconds;
                                     * 0: off, SSLX_UNSET */
    apr_array_header_t *cert_compression; /* SSLXCertificateCompression:
                                     * gnutls_compression_method_t as int;
                                     * NULL: unset, empty: off */
} sslx_srv_conf_t;

/* SSLXVerifyClient, in rising order of demand. */
#define SSLX_VERIFY_NONE            0
#define SSLX_VERIFY_OPTIONAL_NO_CA  1
#define SSLX_VERIFY_OPTIONAL        2
#define SSLX_VERIFY_REQUIRE         3

/* SSLXCARevocationCheck: a mode, plus a flag. */
#define SSLX_CRL_NONE               0
#define SSLX_CRL_LEAF               1
#define SSLX_CRL_CHAIN              2
#define SSLX_CRL_MODE_MASK          3
#define SSLX_CRL_NO_CRL_FOR_CERT_OK 4

#define SSLX_DEFAULT_VERIFY_DEPTH   1
#define SSLX_DEFAULT_RENEG_BUFFER   (128 * 1024)

/* Size of a GnuTLS session ticket master key (and of its key file). */
#define SSLX_TICKET_KEY_SIZE 64

/* SSLXOptions bits. */
#define SSLX_OPT_STD_ENV_VARS      (1 << 0)
#define SSLX_OPT_EXPORT_CERT_DATA  (1 << 1)
#define SSLX_OPT_EXPORT_B64_CERT   (1 << 2)
#define SSLX_OPT_FAKE_BASIC_AUTH    (1 << 3)
#define SSLX_OPT_STRICT_REQUIRE     (1 << 4)
#define SSLX_OPT_OPT_RENEGOTIATE    (1 << 5)

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
} sslx_dir_conf_t;

/* TLS 1.2 and 1.3 only; NORMAL already lists AEAD ciphers first, and
 * dropping static RSA key exchange leaves only forward-secret suites. */
#define SSLX_DEFAULT_PRIORITY \
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA"

/* Shared by the directive handlers of sslx_config.c and
 * sslx_config_auth.c. */
int sslx_config_shadowed(const cmd_parms *cmd);
const char *sslx_config_file_arg(cmd_parms *cmd, const char *arg,
                                 const char **ppath);
const char *sslx_config_dir_arg(cmd_parms *cmd, const char *arg,
                                const char **ppath);

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

/* "file:line" of an origin, for messages. */
const char *sslx_config_where(apr_pool_t *p, const sslx_origin_t *o);

/* Effective SSLXOptions of a request's directory configuration. */
int sslx_config_options(const sslx_dir_conf_t *dc);

#endif /* SSLX_CONFIG_H */
