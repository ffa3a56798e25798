/* sslx_packet.h - a bucket holding one decrypted TLS record as GnuTLS
 * delivered it (gnutls_record_recv_packet), so received plaintext goes
 * up the filter chain without a copy and without a buffer of the
 * largest record size per connection.
 */
#ifndef SSLX_PACKET_H
#define SSLX_PACKET_H

#include <apr_buckets.h>
#include <gnutls/gnutls.h>

/* A data bucket over packet's payload; the bucket (and its copies and
 * splits) own the packet and release it with the last of them.  The
 * memory is GnuTLS's, not a pool's: the bucket may outlive the session. */
apr_bucket *sslx_packet_bucket_create(gnutls_packet_t packet,
                                      apr_bucket_alloc_t *list);

#endif /* SSLX_PACKET_H */
