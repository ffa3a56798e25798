/* sslx_keystore.c - the secrets mod_sslx must not ask for twice:
 * private keys decrypted with a pass phrase, and PKCS#11 PINs.
 *
 * httpd reads its configuration twice at startup and again at each
 * graceful restart, and it detaches from the terminal after the first
 * reading, so a pass phrase can only be asked for once.  Like mod_ssl,
 * mod_sslx keeps what the first reading decrypted in retained data of
 * the process; later readings and the children (which inherit it with
 * the parent's memory) find it there.  The pass phrases themselves are
 * not kept: they are wiped when the reading that asked for them ends.
 *
 * Keys are kept as unencrypted PKCS#8 DER bytes.  The store outlives
 * every configuration, and mod_sslx's code is unloaded and loaded again
 * at each restart (perhaps elsewhere), so nothing of the store may carry
 * a pool cleanup pointing into the module: its entries are malloc'd and
 * freed by the module itself.  A cleanup on each configuration's pool
 * (which runs before the module is unloaded) wipes and frees everything
 * when httpd exits; at a restart it leaves the store alone.
 *
 * A key is found again by its file's path and the SHA-256 of the file's
 * bytes, so a file replaced on disk is decrypted (and asked for) anew
 * and never confused with the key kept.  A PIN is found by its token's
 * URL; children need it to log in to the token again after the fork.
 *
 * The store holds no more than the configuration uses: each reading
 * builds the next list from what it looks up or adds (PINs are all
 * carried over: a token stays logged in across readings, so the PIN is
 * not asked for again), then the old list is overwritten and freed.
 * Only the parent changes the store, at configuration time; children
 * only look things up.
 */
#include "sslx_private.h"

#include <stdlib.h>
#include <apr_strings.h>
#include <http_core.h>
#include <gnutls/crypto.h>

#include "sslx_keystore.h"

#define SSLX_KEYSTORE_RETAINED "mod_sslx-keystore-3"

/* Ids are built in the caller's buffer: children look keys up from
 * any thread and must not allocate from a shared pool. */
#define SSLX_KEYSTORE_ID_MAX 4200

typedef struct entry_t entry_t;
struct entry_t {
    entry_t *next;
    char *id;
    unsigned char *secret;      /* key DER, or PIN (NUL-terminated) */
    apr_size_t len;
    int is_pin;
};

struct sslx_keystore_t {
    entry_t *now;               /* what the last complete reading kept */
    entry_t *next;              /* built by the reading in progress */
    int reading;                /* a reading is in progress */
};

static void free_entry(entry_t *e)
{
    gnutls_memset(e->secret, 0, e->len);
    free(e->secret);
    free(e->id);
    free(e);
}

static void free_list(entry_t **list)
{
    entry_t *e;

    while ((e = *list) != NULL) {
        *list = e->next;
        free_entry(e);
    }
}

sslx_keystore_t *sslx_keystore_get(void)
{
    sslx_keystore_t *ks = ap_retained_data_get(SSLX_KEYSTORE_RETAINED);

    if (ks == NULL) {
        ks = ap_retained_data_create(SSLX_KEYSTORE_RETAINED, sizeof(*ks));
    }
    return ks;
}

/* Runs whenever a configuration ends: at a restart the store stays for
 * the next one; when httpd exits, everything is overwritten. */
static apr_status_t wipe_if_exiting(void *data)
{
    sslx_keystore_t *ks = data;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_EXITING) {
        free_list(&ks->next);
        free_list(&ks->now);
        ks->reading = 0;
    }
    return APR_SUCCESS;
}

void sslx_keystore_begin(sslx_keystore_t *ks, apr_pool_t *pconf)
{
    free_list(&ks->next);       /* an earlier reading that failed */
    ks->reading = 1;
    apr_pool_cleanup_register(pconf, ks, wipe_if_exiting,
                              apr_pool_cleanup_null);
}

static entry_t *lookup(entry_t *list, const char *id)
{
    for (; list; list = list->next) {
        if (!strcmp(list->id, id)) {
            return list;
        }
    }
    return NULL;
}

/* Adds to (or replaces in) the next list; NULL when out of memory. */
static entry_t *put(sslx_keystore_t *ks, const char *id, const void *secret,
                    apr_size_t len, int is_pin)
{
    entry_t *e = calloc(1, sizeof(*e)), *old;

    if (e == NULL || (e->id = strdup(id)) == NULL
        || (e->secret = malloc(len + 1)) == NULL) {
        if (e) {
            free(e->id);
            free(e);
        }
        return NULL;
    }
    memcpy(e->secret, secret, len);
    e->secret[len] = '\0';
    e->len = len;
    e->is_pin = is_pin;
    if ((old = lookup(ks->next, id)) != NULL) {
        gnutls_memset(old->secret, 0, old->len);
        free(old->secret);
        old->secret = e->secret;
        old->len = len;
        free(e->id);
        free(e);
        return old;
    }
    e->next = ks->next;
    ks->next = e;
    return e;
}

void sslx_keystore_end(sslx_keystore_t *ks)
{
    entry_t *e;

    for (e = ks->now; e; e = e->next) {
        if (e->is_pin && !lookup(ks->next, e->id)) {
            put(ks, e->id, e->secret, e->len, 1);
        }
    }
    free_list(&ks->now);
    ks->now = ks->next;
    ks->next = NULL;
    ks->reading = 0;
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
    memcpy(buf, "key:", sizeof("key:"));
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

/* During a reading, what is found in the old list moves to the next. */
static const entry_t *find(sslx_keystore_t *ks, const char *id, int mark)
{
    const entry_t *e;

    if (id == NULL) {
        return NULL;
    }
    if (ks->reading && (e = lookup(ks->next, id)) != NULL) {
        return e;
    }
    e = lookup(ks->now, id);
    if (e && mark && ks->reading) {
        return put(ks, e->id, e->secret, e->len, e->is_pin);
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
    entry_t *e;
    int rv;

    if (!id || !ks->reading) {
        return GNUTLS_E_INVALID_REQUEST;
    }
    rv = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_DER, NULL,
                                           GNUTLS_PKCS_PLAIN, &der);
    if (rv < 0) {
        return rv;
    }
    e = put(ks, id, der.data, der.size, 0);
    gnutls_memset(der.data, 0, der.size);
    gnutls_free(der.data);
    return e ? 0 : GNUTLS_E_MEMORY_ERROR;
}

const char *sslx_keystore_find_pin(sslx_keystore_t *ks, const char *token,
                                   int mark)
{
    char buf[SSLX_KEYSTORE_ID_MAX];
    const entry_t *e = find(ks, pin_id(buf, token), mark);

    return e ? (const char *)e->secret : NULL;
}

static void drop(entry_t **list, const char *id)
{
    entry_t *e;

    for (; *list; list = &(*list)->next) {
        if (!strcmp((*list)->id, id)) {
            e = *list;
            *list = e->next;
            free_entry(e);
            return;
        }
    }
}

void sslx_keystore_set_pin(sslx_keystore_t *ks, const char *token,
                           const char *pin)
{
    char buf[SSLX_KEYSTORE_ID_MAX];
    const char *id = pin_id(buf, token);

    if (id == NULL || !ks->reading) {
        return;
    }
    if (pin == NULL) {
        drop(&ks->next, id);
        drop(&ks->now, id);
        return;
    }
    put(ks, id, pin, strlen(pin), 1);
}
