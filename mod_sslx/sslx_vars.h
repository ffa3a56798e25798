/* sslx_vars.h - the SSL_* variables, from one table, for every consumer:
 * the ssl_var_lookup hook, the CGI environment, ap_expr and log formats. */
#ifndef SSLX_VARS_H
#define SSLX_VARS_H

#include <ap_expr.h>

#include "sslx_conn.h"

/* After a handshake: compute the connection-wide facts once, on the
 * connection's own thread. */
void sslx_vars_conn_ready(sslx_conn_t *sc);

/* ssl_var_lookup hook: NULL for connections that are not ours. */
const char *sslx_vars_lookup(apr_pool_t *p, server_rec *s, conn_rec *c,
                             request_rec *r, const char *name);

/* SSL_VERSION_INTERFACE, _LIBRARY and _LIBRARY_INTERFACE, which name
 * the software whatever the connection; NULL for other names. */
const char *sslx_vars_version(apr_pool_t *p, const char *name);

/* fixups: HTTPS and SSL_TLS_SNI always, the rest as SSLXOptions say. */
void sslx_vars_export(request_rec *r, sslx_conn_t *sc, int options);

/* expr_lookup hook: %{SSL_*} in ap_expr (<If>, Require expr). */
int sslx_vars_expr_lookup(ap_expr_lookup_parms *parms);

/* Drop the connection facts kept so far, after a re-handshake that may
 * have brought a client certificate or another suite; call
 * sslx_vars_conn_ready() again afterwards. */
void sslx_vars_forget_session(sslx_conn_t *sc);

/* pre_config: %{VAR}x and %{name}c for mod_log_config. */
void sslx_vars_register_log_handlers(apr_pool_t *p);

#endif /* SSLX_VARS_H */
