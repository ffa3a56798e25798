/* sslx_ocsp_config.h - the OCSP directives: stapling of the server's
 * own certificates (SSLXUseStapling, SSLXStapling*) and OCSP checks of
 * client certificates (SSLXOCSP*), each also under mod_ssl's name.
 *
 * One record per server (in sslx_srv_conf_t, "ocsp"), merged the usual
 * way.  The stapling cache is server-wide: only the main server's record
 * holds it.  What is built from the records after configuration hangs
 * off them too: the trusted responders here, the stapling state
 * (sslx_stapling.c) in "stapling".
 */
#ifndef SSLX_OCSP_CONFIG_H
#define SSLX_OCSP_CONFIG_H

#include <httpd.h>
#include <http_config.h>
#include <apr_tables.h>
#include <ap_socache.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* SSLXOCSPEnable: a mode, plus a flag. */
#define SSLX_OCSP_OFF               0
#define SSLX_OCSP_LEAF              1
#define SSLX_OCSP_CHAIN             2
#define SSLX_OCSP_MODE_MASK         3
#define SSLX_OCSP_NO_OCSP_FOR_CERT_OK 4

typedef struct sslx_ocsp_conf_t {
    /* Stapling of the vhost's own certificates. */
    int stapling;                   /* SSLXUseStapling: SSLX_UNSET, 0, 1 */
    int stapling_timeout;           /* seconds; SSLX_UNSET: default */
    int stapling_max_age;
    int stapling_skew;
    int stapling_cache_timeout;
    int stapling_error_timeout;
    int stapling_return_errors;     /* SSLX_UNSET: on */
    int stapling_fake_trylater;     /* SSLX_UNSET: on */
    const char *stapling_force_url;
    apr_array_header_t *response_files; /* SSLXStaplingResponseFile, the
                                         * n-th for the n-th certificate */
    /* SSLXStaplingCache: the main server's record only. */
    const char *cache_spec;
    const ap_socache_provider_t *cache_provider;
    ap_socache_instance_t *cache_instance;
    struct sslx_stapling_t *stapling_state; /* sslx_stapling.c, or NULL */
    apr_array_header_t *staples;    /* sslx_stapling.c: for each of the
                                     * vhost's certificates what is
                                     * stapled (opaque), NULL for none */
    /* OCSP checks of client certificates. */
    int check;                      /* SSLX_OCSP_*; SSLX_UNSET: off */
    const char *default_responder;
    int override_responder;         /* SSLX_UNSET: off */
    int timeout;
    int max_age;
    int skew;
    int use_nonce;                  /* SSLX_UNSET: on */
    const char *proxy_url;
    int no_verify;                  /* SSLX_UNSET: off */
    const char *responder_certs_file;
    gnutls_x509_trust_list_t responders; /* from that file, built at
                                          * check_config; NULL */
} sslx_ocsp_conf_t;

/* Defaults that are not the OCSP ones of sslx_ocsp.h (seconds). */
#define SSLX_STAPLING_DEFAULT_CACHE_TIMEOUT 3600
#define SSLX_STAPLING_DEFAULT_ERROR_TIMEOUT 600

sslx_ocsp_conf_t *sslx_ocsp_config_create(apr_pool_t *p);
sslx_ocsp_conf_t *sslx_ocsp_config_merge(apr_pool_t *p,
                                         const sslx_ocsp_conf_t *base,
                                         const sslx_ocsp_conf_t *add);

/* value, or dflt when it is SSLX_UNSET. */
int sslx_ocsp_config_value(int value, int dflt);

/* The part of a vhost's TLS identity (sslx_init.c) that changes its
 * credentials: the response files. */
const char *sslx_ocsp_config_identity(apr_pool_t *p,
                                      const sslx_ocsp_conf_t *oc);

/* check_config: what the directives cannot check alone, and the trusted
 * responder certificates of every vhost that checks client
 * certificates.  OK, or an error status after logging why. */
int sslx_ocsp_config_check(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s);

/* The directive handlers, listed through SSLX_OCSP_DIRECTIVES. */
const char *sslx_ocsp_config_set_flag(cmd_parms *cmd, void *dc, int on);
const char *sslx_ocsp_config_set_seconds(cmd_parms *cmd, void *dc,
                                         const char *arg);
const char *sslx_ocsp_config_set_url(cmd_parms *cmd, void *dc,
                                     const char *arg);
const char *sslx_ocsp_config_set_file(cmd_parms *cmd, void *dc,
                                      const char *arg);
const char *sslx_ocsp_config_set_enable(cmd_parms *cmd, void *dc,
                                        const char *a1, const char *a2);
const char *sslx_ocsp_config_set_cache(cmd_parms *cmd, void *dc,
                                       const char *arg);
const char *sslx_ocsp_config_add_response_file(cmd_parms *cmd, void *dc,
                                               const char *arg);

#define SSLX_OCSP_FIELD(f) ((void *)APR_OFFSETOF(sslx_ocsp_conf_t, f))

/* Each directive under its SSLX name and its mod_ssl name. */
#define SSLX_OCSP_DIRECTIVE2(kind, name, fn, field, help) \
    kind("SSLX" name, fn, SSLX_OCSP_FIELD(field), RSRC_CONF, help), \
    kind("SSL" name, fn, SSLX_OCSP_FIELD(field), RSRC_CONF, \
         "mod_ssl name of SSLX" name)

#define SSLX_OCSP_DIRECTIVES \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_FLAG, "UseStapling", \
        sslx_ocsp_config_set_flag, stapling, \
        "staple OCSP responses for this vhost's certificates"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "StaplingCache", \
        sslx_ocsp_config_set_cache, cache_spec, \
        "where stapled responses are kept: any mod_socache provider"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "StaplingResponderTimeout", \
        sslx_ocsp_config_set_seconds, stapling_timeout, \
        "seconds a stapling query may take (default 10)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "StaplingResponseMaxAge", \
        sslx_ocsp_config_set_seconds, stapling_max_age, \
        "oldest thisUpdate of a stapled response, in seconds"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "StaplingResponseTimeSkew", \
        sslx_ocsp_config_set_seconds, stapling_skew, \
        "clock difference allowed in stapled responses (default 300)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "StaplingStandardCacheTimeout", \
        sslx_ocsp_config_set_seconds, stapling_cache_timeout, \
        "seconds before a good response is fetched again (default 3600)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "StaplingErrorCacheTimeout", \
        sslx_ocsp_config_set_seconds, stapling_error_timeout, \
        "seconds before a failed query is tried again (default 600)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_FLAG, "StaplingReturnResponderErrors", \
        sslx_ocsp_config_set_flag, stapling_return_errors, \
        "staple responses that are not 'good' too (default on)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_FLAG, "StaplingFakeTryLater", \
        sslx_ocsp_config_set_flag, stapling_fake_trylater, \
        "staple 'tryLater' when the responder fails (default on)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "StaplingForceURL", \
        sslx_ocsp_config_set_url, stapling_force_url, \
        "the responder to ask instead of the certificate's"), \
    AP_INIT_ITERATE("SSLXStaplingResponseFile", \
        sslx_ocsp_config_add_response_file, NULL, RSRC_CONF, \
        "DER OCSP responses to staple, one per certificate, in order"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE12, "OCSPEnable", \
        sslx_ocsp_config_set_enable, check, \
        "on|leaf|off [no_ocsp_for_cert_ok]: OCSP for client certificates"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "OCSPDefaultResponder", \
        sslx_ocsp_config_set_url, default_responder, \
        "responder for client certificates that name none"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_FLAG, "OCSPOverrideResponder", \
        sslx_ocsp_config_set_flag, override_responder, \
        "ask the default responder even when a certificate names one"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "OCSPResponderTimeout", \
        sslx_ocsp_config_set_seconds, timeout, \
        "seconds an OCSP query may take (default 10)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "OCSPResponseMaxAge", \
        sslx_ocsp_config_set_seconds, max_age, \
        "oldest thisUpdate of an OCSP response, in seconds"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "OCSPResponseTimeSkew", \
        sslx_ocsp_config_set_seconds, skew, \
        "clock difference allowed in OCSP responses (default 300)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_FLAG, "OCSPUseRequestNonce", \
        sslx_ocsp_config_set_flag, use_nonce, \
        "send a nonce and require it back (default on)"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "OCSPProxyURL", \
        sslx_ocsp_config_set_url, proxy_url, \
        "HTTP proxy for OCSP queries"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_FLAG, "OCSPNoVerify", \
        sslx_ocsp_config_set_flag, no_verify, \
        "do not verify the signature of OCSP responses"), \
    SSLX_OCSP_DIRECTIVE2(AP_INIT_TAKE1, "OCSPResponderCertificateFile", \
        sslx_ocsp_config_set_file, responder_certs_file, \
        "responder certificates trusted to sign OCSP responses (PEM)")

#endif /* SSLX_OCSP_CONFIG_H */
