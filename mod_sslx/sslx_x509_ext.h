/* sslx_x509_ext.h - certificate extensions as mod_ssl's PeerExtList()
 * shows them.  Pure helpers over GnuTLS and APR, like sslx_x509.h. */
#ifndef SSLX_X509_EXT_H
#define SSLX_X509_EXT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* The text of every extension of crt with the OID ext names, in
 * certificate order, as OpenSSL's X509V3_EXT_print prints it (or, for an
 * extension OpenSSL has no printer for, the DisplayText string inside,
 * converted to UTF-8): "CA:FALSE", "Digital Signature, Key Encipherment",
 * "TLS Web Client Authentication", "email:a@example.org, DNS:example.org",
 * "foobar".  ext is a dotted OID or OpenSSL's short or long name of a
 * common extension ("subjectAltName", "X509v3 Subject Alternative Name").
 * *values receives a (possibly empty) array of const char *.  Returns
 * APR_EINVAL when ext is no OID we know, APR_INCOMPLETE when some
 * matching extension could not be printed the way OpenSSL would (it is
 * left out, as mod_ssl leaves out what it cannot print), else
 * APR_SUCCESS. */
apr_status_t sslx_x509_ext_values(apr_pool_t *p, gnutls_x509_crt_t crt,
                                  const char *ext,
                                  apr_array_header_t **values);

#endif /* SSLX_X509_EXT_H */
