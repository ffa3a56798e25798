/* sslx_http.c - an HTTP POST through libcurl: how OCSP requests reach
 * their responders.
 *
 * Each call has an easy handle of its own, released by a cleanup on the
 * caller's pool, so calls from several threads never share state.  No
 * signals (a threaded MPM must not get SIGALRM from a resolver timeout),
 * no redirects, no protocol other than plain HTTP, no proxy unless one is
 * configured (not even from the environment), and a cap on the body.
 */
#include <string.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <curl/curl.h>

#include "sslx_http.h"

static apr_status_t global_cleanup(void *data)
{
    (void)data;
    curl_global_cleanup();
    return APR_SUCCESS;
}

apr_status_t sslx_http_global_init(apr_pool_t *p)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return APR_EGENERAL;
    }
    apr_pool_cleanup_register(p, NULL, global_cleanup,
                              apr_pool_cleanup_null);
    return APR_SUCCESS;
}

const char *sslx_http_check_url(apr_pool_t *p, const char *url)
{
    apr_uri_t uri;

    if (apr_uri_parse(p, url, &uri) != APR_SUCCESS || !uri.scheme
        || !uri.hostname) {
        return apr_psprintf(p, "'%s' is not a URL", url);
    }
    if (strcasecmp(uri.scheme, "http") != 0) {
        return apr_psprintf(p, "'%s': only http:// URLs are supported",
                            url);
    }
    return NULL;
}

/* The body of the answer, collected as it arrives. */
typedef struct {
    apr_pool_t *p;
    unsigned char *data;
    apr_size_t len;
    apr_size_t cap;
    int too_big;
} body_t;

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    body_t *b = userdata;
    apr_size_t n = size * nmemb, cap;
    unsigned char *grown;

    if (b->len + n > SSLX_HTTP_MAX_BODY) {
        b->too_big = 1;
        return 0;               /* makes curl stop with a write error */
    }
    if (b->len + n > b->cap) {
        cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        grown = apr_palloc(b->p, cap);
        if (b->len) {
            memcpy(grown, b->data, b->len);
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    return n;
}

typedef struct {
    CURL *curl;
    struct curl_slist *headers;
} handle_t;

static apr_status_t free_handle(void *data)
{
    handle_t *h = data;

    if (h->curl) {
        curl_easy_cleanup(h->curl);
    }
    curl_slist_free_all(h->headers);
    return APR_SUCCESS;
}

static struct curl_slist *header_list(apr_pool_t *p,
                                      const sslx_http_post_t *post)
{
    struct curl_slist *l = NULL;

    l = curl_slist_append(l, apr_pstrcat(p, "Content-Type: ",
                                         post->content_type, NULL));
    if (l && post->accept) {
        l = curl_slist_append(l, apr_pstrcat(p, "Accept: ", post->accept,
                                             NULL));
    }
    /* No "Expect: 100-continue" round trip before the body. */
    return l ? curl_slist_append(l, "Expect:") : NULL;
}

static int set_long(CURL *curl, CURLoption opt, long value)
{
    return curl_easy_setopt(curl, opt, value) == CURLE_OK;
}

static int set_ptr(CURL *curl, CURLoption opt, const void *value)
{
    return curl_easy_setopt(curl, opt, value) == CURLE_OK;
}

/* Every option a request needs; 0 when libcurl refused one. */
static int set_options(handle_t *h, const sslx_http_post_t *post,
                       const void *body, apr_size_t len, body_t *answer,
                       char *errbuf)
{
    long ms = (long)apr_time_as_msec(post->timeout);
    CURL *curl = h->curl;

    ms = ms > 0 ? ms : 1;
    return set_ptr(curl, CURLOPT_ERRORBUFFER, errbuf)
           && set_ptr(curl, CURLOPT_URL, post->url)
           && set_ptr(curl, CURLOPT_PROTOCOLS_STR, "http")
           && set_long(curl, CURLOPT_NOSIGNAL, 1L)
           && set_long(curl, CURLOPT_FOLLOWLOCATION, 0L)
           && set_long(curl, CURLOPT_TIMEOUT_MS, ms)
           && set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, ms)
           && set_ptr(curl, CURLOPT_PROXY, post->proxy ? post->proxy : "")
           && set_ptr(curl, CURLOPT_HTTPHEADER, h->headers)
           && set_ptr(curl, CURLOPT_POSTFIELDS, body)
           && set_long(curl, CURLOPT_POSTFIELDSIZE, (long)len)
           && curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION,
                               collect) == CURLE_OK
           && set_ptr(curl, CURLOPT_WRITEDATA, answer);
}

const char *sslx_http_post(apr_pool_t *p, const sslx_http_post_t *post,
                           const void *body, apr_size_t len,
                           unsigned char **pbody, apr_size_t *plen)
{
    handle_t *h = apr_pcalloc(p, sizeof(*h));
    body_t answer;
    char errbuf[CURL_ERROR_SIZE];
    long status = 0;
    CURLcode rc;

    memset(&answer, 0, sizeof(answer));
    answer.p = p;
    errbuf[0] = '\0';
    apr_pool_cleanup_register(p, h, free_handle, apr_pool_cleanup_null);
    if ((h->curl = curl_easy_init()) == NULL
        || (h->headers = header_list(p, post)) == NULL) {
        return "cannot set up an HTTP request (out of memory?)";
    }
    if (!set_options(h, post, body, len, &answer, errbuf)) {
        return "libcurl refused an option of the request (too old?)";
    }
    rc = curl_easy_perform(h->curl);
    if (answer.too_big) {
        return apr_psprintf(p, "the answer is larger than %d bytes",
                            SSLX_HTTP_MAX_BODY);
    }
    if (rc != CURLE_OK) {
        return apr_psprintf(p, "no answer: %s",
                            errbuf[0] ? errbuf : curl_easy_strerror(rc));
    }
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        return apr_psprintf(p, "the answer has HTTP status %ld", status);
    }
    *pbody = answer.data;
    *plen = answer.len;
    return NULL;
}
