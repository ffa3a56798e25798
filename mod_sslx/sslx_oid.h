/* sslx_oid.h - OpenSSL's names for object identifiers (sslx_oid.c). */
#ifndef SSLX_OID_H
#define SSLX_OID_H

/* The short name X509_NAME_print_ex shows for a DN attribute type
 * ("CN", "emailAddress", "UID"); NULL when OpenSSL has no name for it
 * (the attribute then prints as dotted.oid=#hex). */
const char *sslx_oid_attr_short_name(const char *oid);

/* OpenSSL's long name of a signature or public-key algorithm
 * ("sha256WithRSAEncryption", "id-ecPublicKey", "ED25519"); NULL when
 * OpenSSL has none. */
const char *sslx_oid_alg_long_name(const char *oid);

/* OpenSSL's long name of an extended key usage purpose ("TLS Web Client
 * Authentication"); NULL when OpenSSL has none. */
const char *sslx_oid_purpose_long_name(const char *oid);

/* The dotted OID of an extension named as OpenSSL's OBJ_txt2obj accepts
 * it: a dotted OID as it is, or OpenSSL's short or long name of a common
 * extension ("subjectAltName", "X509v3 Subject Alternative Name"); NULL
 * for anything else. */
const char *sslx_oid_ext_parse(const char *name);

#endif /* SSLX_OID_H */
