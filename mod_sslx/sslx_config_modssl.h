/* sslx_config_modssl.h - mod_ssl directives that only exist because
 * mod_ssl is built on OpenSSL: SSLOpenSSLConfCmd (the commands with a
 * GnuTLS meaning), SSLCryptoDevice, SSLFIPS, SSLVHostSNIPolicy and the
 * SRP ones.  What mod_sslx can honour it honours; the rest is refused
 * with a message that says what to use instead. */
#ifndef SSLX_CONFIG_MODSSL_H
#define SSLX_CONFIG_MODSSL_H

#include <httpd.h>
#include <http_config.h>

const char *sslx_config_set_openssl_cmd(cmd_parms *cmd, void *dc,
                                        const char *name, const char *value);
const char *sslx_config_set_crypto_device(cmd_parms *cmd, void *dc,
                                          const char *arg);
const char *sslx_config_set_fips(cmd_parms *cmd, void *dc, int on);
const char *sslx_config_set_sni_policy(cmd_parms *cmd, void *dc,
                                       const char *arg);
const char *sslx_config_refuse_srp(cmd_parms *cmd, void *dc,
                                   const char *arg);

#define SSLX_MODSSL_DIRECTIVES \
    AP_INIT_TAKE2("SSLXOpenSSLConfCmd", sslx_config_set_openssl_cmd, NULL, \
        RSRC_CONF, "an OpenSSL configuration command with a GnuTLS " \
        "meaning: Groups, Curves, MinProtocol, MaxProtocol, " \
        "CipherString, Ciphersuites, SignatureAlgorithms, Options"), \
    AP_INIT_TAKE2("SSLOpenSSLConfCmd", sslx_config_set_openssl_cmd, NULL, \
        RSRC_CONF, "mod_ssl name of SSLXOpenSSLConfCmd"), \
    AP_INIT_TAKE1("SSLCryptoDevice", sslx_config_set_crypto_device, NULL, \
        RSRC_CONF, "builtin only (OpenSSL engines do not exist here)"), \
    AP_INIT_FLAG("SSLFIPS", sslx_config_set_fips, NULL, RSRC_CONF, \
        "on: refuse to start unless GnuTLS runs in FIPS 140 mode"), \
    AP_INIT_TAKE1("SSLVHostSNIPolicy", sslx_config_set_sni_policy, NULL, \
        RSRC_CONF, "secure only: a request may move to a vhost with the " \
        "same TLS settings"), \
    AP_INIT_TAKE1("SSLSRPVerifierFile", sslx_config_refuse_srp, NULL, \
        RSRC_CONF, "not supported: SRP"), \
    AP_INIT_TAKE1("SSLSRPUnknownUserSeed", sslx_config_refuse_srp, NULL, \
        RSRC_CONF, "not supported: SRP")

#endif /* SSLX_CONFIG_MODSSL_H */
