/* sslx_http.h - one HTTP POST through libcurl, for OCSP requests.
 *
 * APR and libcurl only: no httpd structures, no logging.  The caller
 * gets the body of a 200 answer, or words saying why there is none.
 */
#ifndef SSLX_HTTP_H
#define SSLX_HTTP_H

#include <apr_pools.h>
#include <apr_time.h>

/* The largest answer body accepted; an OCSP response is a few KiB. */
#define SSLX_HTTP_MAX_BODY (64 * 1024)

typedef struct {
    const char *url;                /* http:// only */
    const char *proxy;              /* http://host:port, NULL: direct */
    const char *content_type;       /* of the request body */
    const char *accept;             /* the content type wanted back */
    apr_interval_time_t timeout;    /* the whole exchange, connect included */
} sslx_http_post_t;

/* libcurl's process-wide set-up, undone when p is cleared.  Call it from
 * a single thread (post_config) before any sslx_http_post(). */
apr_status_t sslx_http_global_init(apr_pool_t *p);

/* POST len bytes of body as post->content_type to post->url and wait at
 * most post->timeout.  Returns NULL with the answer's body in *pbody and
 * *plen (from p), or the reason there is none ("connection refused",
 * "no answer: Connection timed out after 10001 milliseconds", "the
 * answer has HTTP status 404", ...). */
const char *sslx_http_post(apr_pool_t *p, const sslx_http_post_t *post,
                           const void *body, apr_size_t len,
                           unsigned char **pbody, apr_size_t *plen);

/* NULL when url is an http:// URL with a host, else the reason. */
const char *sslx_http_check_url(apr_pool_t *p, const char *url);

#endif /* SSLX_HTTP_H */
