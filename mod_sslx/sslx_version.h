/* sslx_version.h - the version mod_sslx reports in SSL_VERSION_INTERFACE
 * and the server banner. */
#ifndef SSLX_VERSION_H
#define SSLX_VERSION_H

#define SSLX_VERSION "0.1.0"

#endif /* SSLX_VERSION_H */
