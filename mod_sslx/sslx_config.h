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

#include "sslx_cert.h"

/* Everything a connection needs from its vhost, built at check_config. */
typedef struct {
    gnutls_certificate_credentials_t creds;
    gnutls_priority_t priority;
    const char *priority_text;
    /* Two vhosts with equal identities present the same certificates
     * under the same rules: a request may move between them (no 421). */
    const char *identity;
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
    int session_timeout;            /* seconds, SSLX_UNSET: default */
    int session_tickets;            /* SSLX_UNSET, 0, 1 */
    struct sslx_cache_t *cache;     /* prepared in post_config */
} sslx_srv_conf_t;

/* Size of a GnuTLS session ticket master key (and of its key file). */
#define SSLX_TICKET_KEY_SIZE 64

/* SSLXOptions bits. */
#define SSLX_OPT_STD_ENV_VARS      (1 << 0)
#define SSLX_OPT_EXPORT_CERT_DATA  (1 << 1)
#define SSLX_OPT_EXPORT_B64_CERT   (1 << 2)

typedef struct {
    int options;                    /* absolute set, valid if options_set */
    int options_set;
    int options_add;                /* relative "+Opt" */
    int options_del;                /* relative "-Opt" */
} sslx_dir_conf_t;

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
