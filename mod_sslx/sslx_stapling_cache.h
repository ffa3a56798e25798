/* sslx_stapling_cache.h - the stapling cache (SSLXStaplingCache): what
 * is known about each stapled certificate's OCSP status, shared by all
 * children, and carried over a graceful restart.  The other half of
 * sslx_stapling.c, which fills and reads it. */
#ifndef SSLX_STAPLING_CACHE_H
#define SSLX_STAPLING_CACHE_H

#include <httpd.h>
#include <apr_global_mutex.h>
#include <apr_tables.h>
#include <ap_socache.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* Mutex type for stapling caches that need one. */
#define SSLX_STAPLING_MUTEX_TYPE "sslx-stapling"

#define SSLX_STAPLE_KEY_SIZE 32

/* The longest a response that never goes stale stays in the cache
 * without being fetched again (it is fetched far earlier), seconds. */
#define SSLX_STAPLE_MAX_KEEP (7 * 86400)

/* All stapling of the server, owned by pconf. */
typedef struct sslx_stapling_t {
    const ap_socache_provider_t *provider;  /* NULL: no stapling cache */
    ap_socache_instance_t *instance;
    const char *spec;                       /* SSLXStaplingCache */
    server_rec *server;                     /* the main server */
    apr_global_mutex_t *mutex;              /* NOTMPSAFE providers only */
    apr_array_header_t *staples;            /* sslx_staple_t *, each once */
    apr_array_header_t *notes;              /* sslx_stapling.c's */
} sslx_stapling_t;

/* One certificate whose status is fetched from a responder. */
typedef struct {
    sslx_stapling_t *st;
    server_rec *s;              /* the first vhost presenting it: how to
                                 * fetch comes from its settings */
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_t issuer;
    const char *subject;        /* for log lines */
    const char *url;            /* the responder asked */
    unsigned char key[SSLX_STAPLE_KEY_SIZE]; /* the certificate and url */
} sslx_staple_t;

/* What an entry holds; only GOOD is stapled without further ado. */
typedef enum {
    SSLX_STAPLE_GOOD = 1,           /* a believed response: good */
    SSLX_STAPLE_ERROR_RESPONSE = 2, /* revoked, unknown, an error status */
    SSLX_STAPLE_NONE = 3            /* the last fetch brought nothing */
} sslx_staple_kind_t;

typedef struct {
    int kind;                   /* sslx_staple_kind_t */
    apr_int64_t refresh_at;     /* seconds: when to fetch again */
    apr_int64_t this_update;    /* 0: no single response */
    apr_int64_t next_update;    /* -1: none */
    gnutls_datum_t der;         /* the response, perhaps empty */
} sslx_staple_entry_t;

/* pre_config: register the mutex type. */
int sslx_stapling_cache_pre_config(apr_pool_t *pconf);

/* post_config: initialise the provider, with its mutex when it needs
 * one, and bring in what the previous generation knew.  OK or an error
 * status, logged. */
int sslx_stapling_cache_init(apr_pool_t *pconf, sslx_stapling_t *st);

/* child_init: the mutex in the child; without it the cache is off in
 * this process. */
void sslx_stapling_cache_child_init(apr_pool_t *pchild, sslx_stapling_t *st);

/* sp's entry into *e, its DER from p; APR_NOTFOUND when there is none
 * or it cannot be read. */
apr_status_t sslx_stapling_cache_get(const sslx_staple_t *sp, apr_pool_t *p,
                                     sslx_staple_entry_t *e);

/* Store e as sp's entry until expiry (seconds); failures are logged. */
void sslx_stapling_cache_put(const sslx_staple_t *sp, apr_pool_t *p,
                             const sslx_staple_entry_t *e,
                             apr_int64_t expiry);

#endif /* SSLX_STAPLING_CACHE_H */
