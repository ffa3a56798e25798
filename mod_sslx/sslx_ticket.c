/* sslx_ticket.c - the session ticket keys.  Owns the master key (made
 * once per parent and kept in retained data, or read from
 * SSLXSessionTicketKeyFile), its rotation on a schedule, and the key a
 * session encrypts and decrypts its tickets with.
 *
 * Time is cut into generations of SSLXSessionTicketKeyRotation seconds
 * counted from the epoch, so every process (and every server sharing a
 * key file) agrees on the generation without talking to the others.
 * Tickets are made with the current generation's key and accepted with
 * it or the previous one: a ticket lives one to two periods.
 *
 * A generated key is a ratchet: each generation's key is a one-way hash
 * of the one before, and every process wipes what it has moved past
 * (the parent from the monitor hook, children when a handshake finds
 * the generation changed).  A key read from memory today cannot give
 * back the keys that sealed older tickets.  A key file is the long-term
 * secret of a cluster, so its generations are derived from it directly;
 * replacing the file is how that secret is retired.
 *
 * Each set of TLS settings gets its own key, HMAC(generation key,
 * settings), so a ticket never resumes under another vhost's rules.
 */
#include "sslx_private.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include <gnutls/crypto.h>

#include "sslx_log.h"
#include "sslx_ticket.h"

/* GnuTLS (3.6.14 and later) seals tickets with SHA3-512(window ||
 * key), where window counts periods of three ticket lifetimes, opens
 * those of the current window and the one before, and starts each
 * ticket with the first SSLX_TICKET_NAME_SIZE bytes of the hash: the
 * key's name. */
#define GNUTLS_WINDOW_LIFETIMES 3

static const char ratchet_label[] = "mod_sslx ticket key ratchet";
static const char generation_label[] = "mod_sslx ticket key generation";

/* The keys of the current and the previous generation. */
typedef struct {
    int ready;
    apr_int64_t period;         /* seconds per generation, 0: no rotation */
    apr_int64_t gen;            /* generation of cur */
    unsigned char cur[SSLX_TICKET_KEY_SIZE];
    unsigned char prev[SSLX_TICKET_KEY_SIZE];
    int have_prev;
} key_ring_t;

struct sslx_ticket_keys_t {
    key_ring_t *ring;           /* retained data, or pconf with a file */
    unsigned char *file_key;    /* SSLXSessionTicketKeyFile; NULL: ratchet */
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;   /* a child's threads share its ring */
#endif
};

static apr_int64_t generation_at(const key_ring_t *ring, apr_time_t now)
{
    return ring->period ? apr_time_sec(now) / ring->period : 0;
}

static int hmac(const unsigned char *key, const void *text, size_t len,
                unsigned char out[SSLX_TICKET_KEY_SIZE])
{
    return gnutls_hmac_fast(GNUTLS_MAC_SHA512, key, SSLX_TICKET_KEY_SIZE,
                            text, len, out);
}

static void put_be64(unsigned char *p, apr_int64_t n)
{
    int i;

    for (i = 0; i < 8; i++) {
        p[i] = (unsigned char)((apr_uint64_t)n >> (56 - 8 * i));
    }
}

/* Key file generations: HMAC(file key, label || generation). */
static int file_generation(const unsigned char *file_key, apr_int64_t gen,
                           unsigned char out[SSLX_TICKET_KEY_SIZE])
{
    unsigned char text[sizeof(generation_label) + 8];

    memcpy(text, generation_label, sizeof(generation_label));
    put_be64(text + sizeof(generation_label), gen);
    return hmac(file_key, text, sizeof(text), out);
}

/* Moves the ring forward to generation gen; never backwards, so a clock
 * that jumps back keeps the keys it has. */
static int advance(key_ring_t *ring, const unsigned char *file_key,
                   apr_int64_t gen)
{
    unsigned char next[SSLX_TICKET_KEY_SIZE];
    int rv = 0;

    if (gen <= ring->gen) {
        return 0;
    }
    if (file_key) {
        rv = file_generation(file_key, gen, ring->cur);
        if (rv >= 0) {
            rv = file_generation(file_key, gen - 1, ring->prev);
        }
        ring->gen = gen;
    }
    else {
        while (ring->gen < gen
               && (rv = hmac(ring->cur, ratchet_label,
                             sizeof(ratchet_label), next)) >= 0) {
            memcpy(ring->prev, ring->cur, SSLX_TICKET_KEY_SIZE);
            memcpy(ring->cur, next, SSLX_TICKET_KEY_SIZE);
            ring->gen++;
        }
    }
    gnutls_memset(next, 0, sizeof(next));
    ring->have_prev = rv >= 0;
    return rv;
}

/* ---- configuration time --------------------------------------------- */

static apr_status_t wipe_ring(void *data)
{
    gnutls_memset(data, 0, sizeof(key_ring_t));
    return APR_SUCCESS;
}

static apr_status_t wipe_file_key(void *data)
{
    gnutls_memset(data, 0, SSLX_TICKET_KEY_SIZE);
    return APR_SUCCESS;
}

static int key_file_error(server_rec *s, const char *path, const char *why)
{
    ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                 SSLXLOGNO(02001) "SSLXSessionTicketKeyFile: '%s': %s "
                 "(a ticket key file holds %d random bytes, or mod_ssl's "
                 "%d)", path, why, SSLX_TICKET_KEY_SIZE,
                 SSLX_MODSSL_TICKET_KEY_SIZE);
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* A mod_ssl key file's 48 bytes (name, HMAC and AES keys for OpenSSL)
 * stretched to a GnuTLS master key. */
static int from_modssl_key(const unsigned char *in, unsigned char *key)
{
    static const char label[] = "mod_sslx: ticket key of a mod_ssl file";

    return gnutls_hmac_fast(GNUTLS_MAC_SHA512, in,
                            SSLX_MODSSL_TICKET_KEY_SIZE, label,
                            sizeof(label) - 1, key);
}

/* Read again at every (re)start: replacing the file and restarting
 * gracefully retires the old secret. */
static int read_key_file(apr_pool_t *ptemp, server_rec *s, const char *path,
                         unsigned char *key)
{
    unsigned char raw[SSLX_TICKET_KEY_SIZE];
    apr_file_t *fd;
    apr_finfo_t fi;
    apr_size_t got = 0;
    apr_status_t rv;
    char err[128];

    rv = apr_file_open(&fd, path, APR_READ | APR_BINARY, APR_OS_DEFAULT,
                       ptemp);
    if (rv != APR_SUCCESS) {
        return key_file_error(s, path, apr_strerror(rv, err, sizeof(err)));
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE, fd);
    if (rv == APR_SUCCESS && (fi.size == SSLX_TICKET_KEY_SIZE
                              || fi.size == SSLX_MODSSL_TICKET_KEY_SIZE)) {
        rv = apr_file_read_full(fd, raw, (apr_size_t)fi.size, &got);
    }
    apr_file_close(fd);
    if (rv != APR_SUCCESS) {
        return key_file_error(s, path, apr_strerror(rv, err, sizeof(err)));
    }
    if (got == SSLX_TICKET_KEY_SIZE) {
        memcpy(key, raw, SSLX_TICKET_KEY_SIZE);
    }
    else if (got != SSLX_MODSSL_TICKET_KEY_SIZE
             || from_modssl_key(raw, key) < 0) {
        gnutls_memset(raw, 0, sizeof(raw));
        return key_file_error(s, path, apr_psprintf(ptemp, "the file has "
                              "%" APR_OFF_T_FMT " bytes", fi.size));
    }
    gnutls_memset(raw, 0, sizeof(raw));
    return OK;
}

static int file_keys(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s,
                     const char *path, apr_int64_t period,
                     sslx_ticket_keys_t *keys)
{
    key_ring_t *ring = apr_pcalloc(pconf, sizeof(*ring));
    int rv;

    keys->file_key = apr_pcalloc(pconf, SSLX_TICKET_KEY_SIZE);
    apr_pool_cleanup_register(pconf, keys->file_key, wipe_file_key,
                              apr_pool_cleanup_null);
    apr_pool_cleanup_register(pconf, ring, wipe_ring, apr_pool_cleanup_null);
    if ((rv = read_key_file(ptemp, s, path, keys->file_key)) != OK) {
        return rv;
    }
    keys->ring = ring;
    ring->period = period;
    if (!period) {
        memcpy(ring->cur, keys->file_key, SSLX_TICKET_KEY_SIZE);
    }
    else if (advance(ring, keys->file_key,
                     generation_at(ring, apr_time_now())) < 0) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ring->ready = 1;
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(02002)
                 "session ticket keys derived from %s", path);
    return OK;
}

static int fresh_random_key(server_rec *s, apr_pool_t *ptemp,
                            key_ring_t *ring)
{
    gnutls_datum_t fresh = { NULL, 0 };
    int rv;

    if ((rv = gnutls_session_ticket_key_generate(&fresh)) < 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(02003) "%s",
                     sslx_log_describe(ptemp, "generating the session "
                                       "ticket key", rv));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (fresh.size == SSLX_TICKET_KEY_SIZE) {
        memcpy(ring->cur, fresh.data, SSLX_TICKET_KEY_SIZE);
        ring->ready = 1;
    }
    gnutls_memset(fresh.data, 0, fresh.size);
    gnutls_free(fresh.data);
    if (!ring->ready) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SSLXLOGNO(02004)
                     "GnuTLS made a session ticket key of %u bytes, "
                     "expected %d", fresh.size, SSLX_TICKET_KEY_SIZE);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(02005)
                 "generated a new session ticket master key");
    return OK;
}

/* The ratchet lives as long as the parent: graceful restarts keep the
 * tickets valid.  No cleanup may wipe it, since one on the process pool
 * would run after httpd has unloaded this module's code. */
static int retained_keys(apr_pool_t *ptemp, server_rec *s,
                         apr_int64_t period, sslx_ticket_keys_t *keys)
{
    key_ring_t *ring = ap_retained_data_get(SSLX_TICKET_RETAINED_KEY);
    apr_time_t now = apr_time_now();
    int rv;

    if (!ring) {
        ring = ap_retained_data_create(SSLX_TICKET_RETAINED_KEY,
                                       sizeof(*ring));
    }
    keys->ring = ring;
    if (!ring->ready || ring->period != period) {
        /* A new period renumbers the generations; the keys stay. */
        ring->period = period;
        ring->gen = generation_at(ring, now);
        return ring->ready ? OK : fresh_random_key(s, ptemp, ring);
    }
    rv = advance(ring, NULL, generation_at(ring, now));
    return rv < 0 ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

int sslx_ticket_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                            server_rec *s, const char *key_file,
                            apr_int64_t period, sslx_ticket_keys_t **out)
{
    sslx_ticket_keys_t *keys = apr_pcalloc(pconf, sizeof(*keys));
    int rv;

    rv = key_file ? file_keys(pconf, ptemp, s, key_file, period, keys)
                  : retained_keys(ptemp, s, period, keys);
    *out = rv == OK ? keys : NULL;
    return rv;
}

void sslx_ticket_child_init(sslx_ticket_keys_t *keys, apr_pool_t *pchild,
                            server_rec *s)
{
#if APR_HAS_THREADS
    apr_status_t rv;

    rv = apr_thread_mutex_create(&keys->lock, APR_THREAD_MUTEX_DEFAULT,
                                 pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SSLXLOGNO(02006)
                     "cannot create the ticket key lock; session tickets "
                     "are off in this process");
        keys->ring = NULL;
    }
#else
    (void)keys;
    (void)pchild;
    (void)s;
#endif
}

void sslx_ticket_monitor(sslx_ticket_keys_t *keys, server_rec *s)
{
    key_ring_t *ring = keys->ring;
    apr_int64_t gen;

    if (!ring || keys->file_key || !ring->period) {
        return;
    }
    gen = generation_at(ring, apr_time_now());
    if (gen > ring->gen) {
        if (advance(ring, NULL, gen) < 0) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SSLXLOGNO(02007)
                         "cannot rotate the session ticket key");
            return;
        }
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, SSLXLOGNO(02008)
                     "session ticket key rotated (generation %"
                     APR_INT64_T_FMT ")", gen);
    }
}

/* ---- per session ------------------------------------------------------ */

/* Copies the generation keys out, moving the ring forward first. */
static int snapshot(sslx_ticket_keys_t *keys,
                    unsigned char cur[SSLX_TICKET_KEY_SIZE],
                    unsigned char prev[SSLX_TICKET_KEY_SIZE], int *have_prev)
{
    key_ring_t *ring = keys->ring;
    int rv;

#if APR_HAS_THREADS
    if (apr_thread_mutex_lock(keys->lock) != APR_SUCCESS) {
        return GNUTLS_E_LOCKING_ERROR;
    }
#endif
    rv = advance(ring, keys->file_key, generation_at(ring, apr_time_now()));
    memcpy(cur, ring->cur, SSLX_TICKET_KEY_SIZE);
    memcpy(prev, ring->prev, SSLX_TICKET_KEY_SIZE);
    *have_prev = ring->have_prev;
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(keys->lock);
#endif
    return rv;
}

/* Whether GnuTLS, given key for tickets of the given lifetime, would
 * open a ticket named ticket_name now. */
static int key_opens(const unsigned char key[SSLX_TICKET_KEY_SIZE],
                     const unsigned char *ticket_name, int lifetime)
{
    unsigned char text[8 + SSLX_TICKET_KEY_SIZE], digest[SSLX_TICKET_KEY_SIZE];
    apr_int64_t window, w;
    int found = 0;

    window = apr_time_sec(apr_time_now())
             / ((apr_int64_t)lifetime * GNUTLS_WINDOW_LIFETIMES);
    memcpy(text + 8, key, SSLX_TICKET_KEY_SIZE);
    for (w = window; w >= window - 1 && !found; w--) {
        put_be64(text, w);
        found = gnutls_hash_fast(GNUTLS_DIG_SHA3_512, text, sizeof(text),
                                 digest) >= 0
                && memcmp(digest, ticket_name, SSLX_TICKET_NAME_SIZE) == 0;
    }
    gnutls_memset(text, 0, sizeof(text));
    gnutls_memset(digest, 0, sizeof(digest));
    return found;
}

int sslx_ticket_session_key(sslx_ticket_keys_t *keys, const char *settings,
                            int lifetime, const unsigned char *ticket_name,
                            unsigned char out[SSLX_TICKET_KEY_SIZE])
{
    unsigned char cur[SSLX_TICKET_KEY_SIZE], prev[SSLX_TICKET_KEY_SIZE];
    unsigned char older[SSLX_TICKET_KEY_SIZE];
    size_t len = strlen(settings);
    int have_prev = 0, rv;

    if (!keys->ring || lifetime <= 0) {
        return GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
    }
    rv = snapshot(keys, cur, prev, &have_prev);
    if (rv >= 0) {
        rv = hmac(cur, settings, len, out);
    }
    /* A ticket from before the last rotation is opened with its own
     * generation's key; new tickets of this session use it too. */
    if (rv >= 0 && ticket_name && have_prev
        && !key_opens(out, ticket_name, lifetime)
        && hmac(prev, settings, len, older) >= 0
        && key_opens(older, ticket_name, lifetime)) {
        memcpy(out, older, SSLX_TICKET_KEY_SIZE);
    }
    gnutls_memset(cur, 0, sizeof(cur));
    gnutls_memset(prev, 0, sizeof(prev));
    gnutls_memset(older, 0, sizeof(older));
    return rv;
}
