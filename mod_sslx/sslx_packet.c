/* sslx_packet.c - the SSLX_PACKET bucket type: a decrypted TLS record
 * owned by GnuTLS, passed up the input filters without a copy.  Splits
 * and copies share the record (apr_bucket_refcount); the last one to go
 * hands it back with gnutls_packet_deinit.
 */
#include "sslx_private.h"

#include "sslx_packet.h"

typedef struct {
    /* cppcheck-suppress unusedStructMember */
    apr_bucket_refcount refcount;   /* first: apr_bucket_shared_* use it */
    gnutls_packet_t packet;
    const char *data;
} sslx_packet_t;

static apr_status_t packet_read(apr_bucket *b, const char **str,
                                apr_size_t *len, apr_read_type_e block)
{
    const sslx_packet_t *p = b->data;

    (void)block;
    *str = p->data + b->start;
    *len = b->length;
    return APR_SUCCESS;
}

static void packet_destroy(void *data)
{
    sslx_packet_t *p = data;

    if (apr_bucket_shared_destroy(p)) {
        gnutls_packet_deinit(p->packet);
        apr_bucket_free(p);
    }
}

/* Setting aside needs nothing: the record lives outside every pool. */
static const apr_bucket_type_t sslx_bucket_type_packet = {
    "SSLX_PACKET", 5, APR_BUCKET_DATA,
    packet_destroy,
    packet_read,
    apr_bucket_setaside_noop,
    apr_bucket_shared_split,
    apr_bucket_shared_copy
};

apr_bucket *sslx_packet_bucket_create(gnutls_packet_t packet,
                                      apr_bucket_alloc_t *list)
{
    apr_bucket *b = apr_bucket_alloc(sizeof(*b), list);
    sslx_packet_t *p = apr_bucket_alloc(sizeof(*p), list);
    gnutls_datum_t payload;

    gnutls_packet_get(packet, &payload, NULL);
    p->packet = packet;
    p->data = (const char *)payload.data;
    APR_BUCKET_INIT(b);
    b->free = apr_bucket_free;
    b->list = list;
    b = apr_bucket_shared_make(b, p, 0, payload.size);
    b->type = &sslx_bucket_type_packet;
    return b;
}
