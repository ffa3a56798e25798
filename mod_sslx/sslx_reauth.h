/* sslx_reauth.h - client certificates asked for per directory. */
#ifndef SSLX_REAUTH_H
#define SSLX_REAUTH_H

/* access_checker: enforce a per-directory SSLXVerifyClient by asking
 * the client for a certificate on the running connection. */
int sslx_reauth_access(request_rec *r);

/* Register the request filter that replays a buffered request body. */
void sslx_reauth_register_filters(void);

#endif /* SSLX_REAUTH_H */
