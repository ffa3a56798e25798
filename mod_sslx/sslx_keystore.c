/* sslx_keystore.c - the secrets mod_sslx must not ask for twice:
 * private keys decrypted with a pass phrase, and PKCS#11 PINs.
 *
 * httpd reads its configuration twice at startup and again at each
 * graceful restart, and it detaches from the terminal after the first
 * reading, so a pass phrase can only be asked for once.  Like mod_ssl,
 * mod_sslx keeps what the first reading decrypted in retained data under
 * the process pool; later readings and the children (which inherit it
 * with the parent's memory) find it there.  The pass phrases themselves
 * are not kept: they are wiped when the reading that asked for them ends.
 *
 * Keys are kept as unencrypted PKCS#8 DER bytes, not as GnuTLS objects
 * with a cleanup each: mod_sslx's code is unloaded and loaded again at
 * every restart (perhaps elsewhere), so a cleanup that outlives a
 * configuration must not point into the module.  One pre-cleanup on the
 * process pool wipes the store when httpd exits; each reading of the
 * configuration replaces it with one pointing at the code just loaded
 * (removing the old one only compares pointers, it calls nothing).  A
 * pre-cleanup runs while the store's pools and the module still exist.
 *
 * A key is found again by its file's path and the SHA-256 of the file's
 * bytes, so a file replaced on disk is decrypted (and asked for) anew
 * and never confused with the key kept.  A PIN is found by its token's
 * URL; children need it to log in to the token again after the fork.
 *
 * The store holds no more than the configuration uses: each reading
 * builds the next store in a new pool from what it looks up or adds
 * (PINs are all carried over: a token stays logged in across readings,
 * so the PIN is not asked for again), then the old store is overwritten
 * and its pool destroyed.  Only the parent changes the store, at
 * configuration time; children only look things up.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_hash.h>
#include <gnutls/crypto.h>

#include "sslx_keystore.h"

#define SSLX_KEYSTORE_RETAINED "mod_sslx-keystore-2"

/* Ids are built in the caller's buffer: children look keys up from
 * any thread and must not allocate from a shared pool. */
#define SSLX_KEYSTORE_ID_MAX 4200

typedef struct {
    const char *id;
    unsigned char *secret;      /* key DER, or PIN (NUL-terminated) */
    apr_size_t len;
    int is_pin;
} entry_t;

typedef struct {
    apr_pool_t *pool;
    apr_hash_t *entries;        /* id -> entry_t */
} shelf_t;

struct sslx_keystore_t {
    apr_pool_t *parent;         /* the process pool */
    shelf_t now;                /* what the last complete reading kept */
    shelf_t next;               /* built by the reading in progress */
    apr_status_t (*wiper)(void *); /* registered on the process pool */
};

static void make_shelf(sslx_keystore_t *ks, shelf_t *shelf)
{
    apr_pool_create(&shelf->pool, ks->parent);
    apr_pool_tag(shelf->pool, "sslx_keystore");
    shelf->entries = apr_hash_make(shelf->pool);
}

static void wipe_shelf(shelf_t *shelf)
{
    apr_hash_index_t *hi;
    entry_t *e;

    if (!shelf->pool) {
        return;
    }
    for (hi = apr_hash_first(NULL, shelf->entries); hi;
         hi = apr_hash_next(hi)) {
        e = apr_hash_this_val(hi);
        gnutls_memset(e->secret, 0, e->len);
    }
    apr_pool_destroy(shelf->pool);
    shelf->pool = NULL;
    shelf->entries = NULL;
}

sslx_keystore_t *sslx_keystore_get(apr_pool_t *process_pool)
{
    sslx_keystore_t *ks = ap_retained_data_get(SSLX_KEYSTORE_RETAINED);

    if (ks == NULL) {
        ks = ap_retained_data_create(SSLX_KEYSTORE_RETAINED, sizeof(*ks));
        ks->parent = process_pool;
        make_shelf(ks, &ks->now);
    }
    return ks;
}

/* httpd exits: everything is overwritten. */
static apr_status_t wipe_store(void *data)
{
    sslx_keystore_t *ks = data;

    wipe_shelf(&ks->next);
    wipe_shelf(&ks->now);
    return APR_SUCCESS;
}

void sslx_keystore_begin(sslx_keystore_t *ks)
{
    wipe_shelf(&ks->next);      /* an earlier reading that failed */
    make_shelf(ks, &ks->next);
    if (ks->wiper) {
        apr_pool_cleanup_kill(ks->parent, ks, ks->wiper);
    }
    ks->wiper = wipe_store;
    apr_pool_pre_cleanup_register(ks->parent, ks, ks->wiper);
}

static entry_t *put(shelf_t *shelf, const char *id, const void *secret,
                    apr_size_t len, int is_pin)
{
    entry_t *e = apr_hash_get(shelf->entries, id, APR_HASH_KEY_STRING);

    if (e) {
        gnutls_memset(e->secret, 0, e->len);
    }
    else {
        e = apr_pcalloc(shelf->pool, sizeof(*e));
        e->id = apr_pstrdup(shelf->pool, id);
        apr_hash_set(shelf->entries, e->id, APR_HASH_KEY_STRING, e);
    }
    e->secret = apr_palloc(shelf->pool, len + 1);
    memcpy(e->secret, secret, len);
    e->secret[len] = '\0';
    e->len = len;
    e->is_pin = is_pin;
    return e;
}

void sslx_keystore_end(sslx_keystore_t *ks)
{
    apr_hash_index_t *hi;
    entry_t *e;

    for (hi = apr_hash_first(NULL, ks->now.entries); hi;
         hi = apr_hash_next(hi)) {
        e = apr_hash_this_val(hi);
        if (e->is_pin && !apr_hash_get(ks->next.entries, e->id,
                                       APR_HASH_KEY_STRING)) {
            put(&ks->next, e->id, e->secret, e->len, 1);
        }
    }
    wipe_shelf(&ks->now);
    ks->now = ks->next;
    ks->next.pool = NULL;
    ks->next.entries = NULL;
}

/* "key:<sha256 hex>:<path>": the digest makes a changed file a new key.
 * Returns NULL when the id does not fit (no such key is ever kept). */
static const char *key_id(char *buf, const char *path,
                          const gnutls_datum_t *content)
{
    unsigned char digest[32];
    unsigned i;
    int n;

    if (gnutls_hash_fast(GNUTLS_DIG_SHA256, content->data, content->size,
                         digest) < 0) {
        return NULL;
    }
    memcpy(buf, "key:", 4);
    for (i = 0; i < sizeof(digest); i++) {
        apr_snprintf(buf + 4 + 2 * i, 3, "%02x", digest[i]);
    }
    n = apr_snprintf(buf + 4 + 2 * sizeof(digest),
                     SSLX_KEYSTORE_ID_MAX - 4 - 2 * sizeof(digest), ":%s",
                     path);
    return (size_t)n + 5 + 2 * sizeof(digest) < SSLX_KEYSTORE_ID_MAX
           ? buf : NULL;
}

static const char *pin_id(char *buf, const char *token)
{
    size_t n = (size_t)apr_snprintf(buf, SSLX_KEYSTORE_ID_MAX, "pin:%s",
                                    token);

    return n + 1 < SSLX_KEYSTORE_ID_MAX ? buf : NULL;
}

/* During a reading, what is found in the old store moves to the next. */
static const entry_t *find(sslx_keystore_t *ks, const char *id, int mark)
{
    const entry_t *e;

    if (id == NULL) {
        return NULL;
    }
    if (ks->next.entries
        && (e = apr_hash_get(ks->next.entries, id, APR_HASH_KEY_STRING))) {
        return e;
    }
    e = apr_hash_get(ks->now.entries, id, APR_HASH_KEY_STRING);
    if (e && mark && ks->next.entries) {
        e = put(&ks->next, e->id, e->secret, e->len, e->is_pin);
    }
    return e;
}

int sslx_keystore_find_key(sslx_keystore_t *ks, const char *path,
                           const gnutls_datum_t *content, int mark,
                           gnutls_x509_privkey_t key)
{
    char buf[SSLX_KEYSTORE_ID_MAX];
    const entry_t *e = find(ks, key_id(buf, path, content), mark);
    gnutls_datum_t der;

    if (e == NULL) {
        return GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
    }
    der.data = e->secret;
    der.size = (unsigned)e->len;
    return gnutls_x509_privkey_import2(key, &der, GNUTLS_X509_FMT_DER, NULL,
                                       GNUTLS_PKCS_PLAIN);
}

int sslx_keystore_add_key(sslx_keystore_t *ks, const char *path,
                          const gnutls_datum_t *content,
                          gnutls_x509_privkey_t key)
{
    char buf[SSLX_KEYSTORE_ID_MAX];
    const char *id = key_id(buf, path, content);
    gnutls_datum_t der;
    int rv;

    if (!id || !ks->next.entries) {
        return GNUTLS_E_INVALID_REQUEST;
    }
    rv = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_DER, NULL,
                                           GNUTLS_PKCS_PLAIN, &der);
    if (rv < 0) {
        return rv;
    }
    put(&ks->next, id, der.data, der.size, 0);
    gnutls_memset(der.data, 0, der.size);
    gnutls_free(der.data);
    return 0;
}

const char *sslx_keystore_find_pin(sslx_keystore_t *ks, const char *token,
                                   int mark)
{
    char buf[SSLX_KEYSTORE_ID_MAX];
    const entry_t *e = find(ks, pin_id(buf, token), mark);

    return e ? (const char *)e->secret : NULL;
}

static void drop(shelf_t *shelf, const char *id)
{
    entry_t *e;

    if (shelf->entries
        && (e = apr_hash_get(shelf->entries, id, APR_HASH_KEY_STRING))) {
        gnutls_memset(e->secret, 0, e->len);
        apr_hash_set(shelf->entries, id, APR_HASH_KEY_STRING, NULL);
    }
}

void sslx_keystore_set_pin(sslx_keystore_t *ks, const char *token,
                           const char *pin)
{
    char buf[SSLX_KEYSTORE_ID_MAX];
    const char *id = pin_id(buf, token);

    if (id == NULL || !ks->next.entries) {
        return;
    }
    if (pin == NULL) {
        drop(&ks->next, id);
        drop(&ks->now, id);
        return;
    }
    put(&ks->next, id, pin, strlen(pin), 1);
}
