/* sslx_status.h - mod_sslx's section of mod_status. */
#ifndef SSLX_STATUS_H
#define SSLX_STATUS_H

/* register_hooks: the handshake, session cache and reload counters on
 * /server-status, and as "SSLX...: n" lines with ?auto.  The session
 * cache provider's own report follows (sslx_cache.c). */
void sslx_status_register_hooks(void);

#endif /* SSLX_STATUS_H */
