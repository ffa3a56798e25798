/* sslx_authz.h - access control built on TLS facts: Require ssl,
 * Require ssl-verify-client, SSLXRequireSSL, SSLXRequire, PeerExtList(),
 * +FakeBasicAuth, +StrictRequire and SSLXUserName. */
#ifndef SSLX_AUTHZ_H
#define SSLX_AUTHZ_H

#include <ap_expr.h>

/* pre_config, after mod_ssl's hooks registered its own: the "ssl" and
 * "ssl-verify-client" authz providers, replacing mod_ssl's. */
void sslx_authz_pre_config(apr_pool_t *pconf);

/* access_checker (after the per-directory client certificate request):
 * SSLXRequireSSL, SSLXUserName, SSLXRequire. */
int sslx_authz_access_checker(request_rec *r);

/* check_authn, first, ahead of mod_ssl's: +StrictRequire and the check
 * for Basic credentials made up to pass as a certificate. */
int sslx_authz_check_spoof(request_rec *r);

/* check_authn, first, after mod_ssl's (whose spoof check would take the
 * header for a spoof): +FakeBasicAuth's Authorization header. */
int sslx_authz_fake_basic_auth(request_rec *r);

/* check_authz: +StrictRequire. */
int sslx_authz_check_authz(request_rec *r);

/* expr_lookup: the list function PeerExtList("oid"). */
int sslx_authz_expr_lookup(ap_expr_lookup_parms *parms);

#endif /* SSLX_AUTHZ_H */
