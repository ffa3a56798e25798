/* sslx_private.h - what every mod_sslx source file shares: the module
 * declaration, the log-module binding and the log tag macro.  No structs
 * live here; each subsystem's header owns its own types.
 */
#ifndef SSLX_PRIVATE_H
#define SSLX_PRIVATE_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>

extern module AP_MODULE_DECLARE_DATA sslx_module;

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(sslx);
#endif

/* Log tags for messages at DEBUG and above: "SSLX01234: ".  httpd's AH
 * numbers are reserved for modules shipped with httpd, so mod_sslx keeps
 * its own series; build/check-log-tags fails on empty or duplicate tags. */
#define SSLXLOGNO(n) "SSLX" #n ": "

/* Tri-state for flags that merge: unset inherits from the base config. */
#define SSLX_UNSET (-1)

#endif /* SSLX_PRIVATE_H */
