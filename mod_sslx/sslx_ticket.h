/* sslx_ticket.h - the session ticket keys: a master key shared by all
 * children (retained across graceful restarts) or by a cluster
 * (SSLXSessionTicketKeyFile), rotated every SSLXSessionTicketKeyRotation
 * seconds, and the key one session's tickets are sealed with.
 */
#ifndef SSLX_TICKET_H
#define SSLX_TICKET_H

#include <httpd.h>
#include <gnutls/gnutls.h>

/* Size of a GnuTLS session ticket master key, of a key file
 * (SSLXSessionTicketKeyFile) and of each key derived here: the size of
 * a SHA-512 HMAC, which the derivations rely on. */
#define SSLX_TICKET_KEY_SIZE 64

/* mod_ssl's key files hold this many bytes: the key is derived from
 * them, so servers sharing one such file share tickets. */
#define SSLX_MODSSL_TICKET_KEY_SIZE 48

/* A ticket starts with the name of the key that sealed it: this many
 * bytes of a hash of that key (GnuTLS 3.6.14 and later). */
#define SSLX_TICKET_NAME_SIZE 16

/* Retained-data key of the generated keys; bump the number if the
 * layout of the retained record ever changes. */
#define SSLX_TICKET_RETAINED_KEY "mod_sslx-ticket-keys-2"

/* SSLXSessionTicketKeyRotation when not configured, in seconds; raised
 * to the longest SSLXSessionCacheTimeout so tickets live their time. */
#define SSLX_TICKET_DEFAULT_ROTATION 3600

typedef struct sslx_ticket_keys_t sslx_ticket_keys_t;

/* post_config: the keys from key_file (NULL: generated and retained),
 * rotated every period seconds (0: never).  Logs its errors. */
int sslx_ticket_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                            server_rec *s, const char *key_file,
                            apr_int64_t period, sslx_ticket_keys_t **out);

/* child_init: the lock the child's threads share the keys under. */
void sslx_ticket_child_init(sslx_ticket_keys_t *keys, apr_pool_t *pchild,
                            server_rec *s);

/* monitor (parent): rotate on schedule, wiping the superseded key. */
void sslx_ticket_monitor(sslx_ticket_keys_t *keys, server_rec *s);

/* The key for a session under the TLS settings `settings` (the vhost's
 * identity) whose tickets live `lifetime` seconds: the current
 * generation's, or the previous generation's when ticket_name (the
 * first SSLX_TICKET_NAME_SIZE bytes of the ticket the client offers, or
 * NULL) was made with it.  Returns 0 or a GnuTLS error code. */
int sslx_ticket_session_key(sslx_ticket_keys_t *keys, const char *settings,
                            int lifetime, const unsigned char *ticket_name,
                            unsigned char out[SSLX_TICKET_KEY_SIZE]);

#endif /* SSLX_TICKET_H */
