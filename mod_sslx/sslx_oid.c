/* sslx_oid.c - OpenSSL's names for object identifiers.
 *
 * mod_ssl shows OIDs by the names in OpenSSL's objects table: DN
 * attribute types by their short names (X509_NAME_print_ex, for
 * SSL_*_S_DN and FakeBasicAuth), signature and key algorithms and key
 * purposes by their long names (OBJ_nid2ln, for SSL_*_A_SIG, SSL_*_A_KEY
 * and PeerExtList()), and PeerExtList() takes an extension by its short
 * or long name as well as by OID (OBJ_txt2obj).  This file owns those
 * tables and their lookups: data and string comparison only, no pools
 * and no GnuTLS.
 */

#include <string.h>

#include <apr_lib.h>

#include "sslx_oid.h"

typedef struct {
    const char *oid;
    const char *name;
} sslx_oid_name_t;

/* Attribute types OpenSSL knows, with the short name X509_NAME_print_ex
 * shows (XN_FLAG_FN_SN).  An OID missing here prints as dotted.oid=#hex. */
static const sslx_oid_name_t dn_short_names[] = {
    { "2.5.4.3", "CN" },                { "2.5.4.4", "SN" },
    { "2.5.4.5", "serialNumber" },      { "2.5.4.6", "C" },
    { "2.5.4.7", "L" },                 { "2.5.4.8", "ST" },
    { "2.5.4.9", "street" },            { "2.5.4.10", "O" },
    { "2.5.4.11", "OU" },               { "2.5.4.12", "title" },
    { "2.5.4.13", "description" },      { "2.5.4.14", "searchGuide" },
    { "2.5.4.15", "businessCategory" }, { "2.5.4.16", "postalAddress" },
    { "2.5.4.17", "postalCode" },       { "2.5.4.18", "postOfficeBox" },
    { "2.5.4.19", "physicalDeliveryOfficeName" },
    { "2.5.4.20", "telephoneNumber" },  { "2.5.4.21", "telexNumber" },
    { "2.5.4.22", "teletexTerminalIdentifier" },
    { "2.5.4.23", "facsimileTelephoneNumber" },
    { "2.5.4.24", "x121Address" },
    { "2.5.4.25", "internationaliSDNNumber" },
    { "2.5.4.26", "registeredAddress" },
    { "2.5.4.27", "destinationIndicator" },
    { "2.5.4.28", "preferredDeliveryMethod" },
    { "2.5.4.29", "presentationAddress" },
    { "2.5.4.30", "supportedApplicationContext" },
    { "2.5.4.31", "member" },           { "2.5.4.32", "owner" },
    { "2.5.4.33", "roleOccupant" },     { "2.5.4.34", "seeAlso" },
    { "2.5.4.35", "userPassword" },     { "2.5.4.36", "userCertificate" },
    { "2.5.4.37", "cACertificate" },
    { "2.5.4.38", "authorityRevocationList" },
    { "2.5.4.39", "certificateRevocationList" },
    { "2.5.4.40", "crossCertificatePair" },
    { "2.5.4.41", "name" },             { "2.5.4.42", "GN" },
    { "2.5.4.43", "initials" },         { "2.5.4.44", "generationQualifier" },
    { "2.5.4.45", "x500UniqueIdentifier" },
    { "2.5.4.46", "dnQualifier" },      { "2.5.4.47", "enhancedSearchGuide" },
    { "2.5.4.48", "protocolInformation" },
    { "2.5.4.49", "distinguishedName" }, { "2.5.4.50", "uniqueMember" },
    { "2.5.4.51", "houseIdentifier" },  { "2.5.4.52", "supportedAlgorithms" },
    { "2.5.4.53", "deltaRevocationList" }, { "2.5.4.54", "dmdName" },
    { "2.5.4.65", "pseudonym" },        { "2.5.4.72", "role" },
    { "2.5.4.97", "organizationIdentifier" },
    { "2.5.4.98", "c3" },               { "2.5.4.99", "n3" },
    { "2.5.4.100", "dnsName" },
    { "1.2.840.113549.1.9.1", "emailAddress" },
    { "1.2.840.113549.1.9.2", "unstructuredName" },
    { "1.2.840.113549.1.9.3", "contentType" },
    { "1.2.840.113549.1.9.4", "messageDigest" },
    { "1.2.840.113549.1.9.5", "signingTime" },
    { "1.2.840.113549.1.9.6", "countersignature" },
    { "1.2.840.113549.1.9.7", "challengePassword" },
    { "1.2.840.113549.1.9.8", "unstructuredAddress" },
    { "1.2.840.113549.1.9.9", "extendedCertificateAttributes" },
    { "1.2.840.113549.1.9.14", "extReq" },
    { "1.2.840.113549.1.9.15", "SMIME-CAPS" },
    { "1.2.840.113549.1.9.20", "friendlyName" },
    { "1.2.840.113549.1.9.21", "localKeyID" },
    { "0.9.2342.19200300.100.1.1", "UID" },
    { "0.9.2342.19200300.100.1.2", "textEncodedORAddress" },
    { "0.9.2342.19200300.100.1.3", "mail" },
    { "0.9.2342.19200300.100.1.4", "info" },
    { "0.9.2342.19200300.100.1.5", "favouriteDrink" },
    { "0.9.2342.19200300.100.1.6", "roomNumber" },
    { "0.9.2342.19200300.100.1.7", "photo" },
    { "0.9.2342.19200300.100.1.8", "userClass" },
    { "0.9.2342.19200300.100.1.9", "host" },
    { "0.9.2342.19200300.100.1.10", "manager" },
    { "0.9.2342.19200300.100.1.11", "documentIdentifier" },
    { "0.9.2342.19200300.100.1.12", "documentTitle" },
    { "0.9.2342.19200300.100.1.13", "documentVersion" },
    { "0.9.2342.19200300.100.1.14", "documentAuthor" },
    { "0.9.2342.19200300.100.1.15", "documentLocation" },
    { "0.9.2342.19200300.100.1.20", "homeTelephoneNumber" },
    { "0.9.2342.19200300.100.1.21", "secretary" },
    { "0.9.2342.19200300.100.1.22", "otherMailbox" },
    { "0.9.2342.19200300.100.1.23", "lastModifiedTime" },
    { "0.9.2342.19200300.100.1.24", "lastModifiedBy" },
    { "0.9.2342.19200300.100.1.25", "DC" },
    { "0.9.2342.19200300.100.1.26", "aRecord" },
    { "0.9.2342.19200300.100.1.27", "pilotAttributeType27" },
    { "0.9.2342.19200300.100.1.28", "mXRecord" },
    { "0.9.2342.19200300.100.1.29", "nSRecord" },
    { "0.9.2342.19200300.100.1.30", "sOARecord" },
    { "0.9.2342.19200300.100.1.31", "cNAMERecord" },
    { "0.9.2342.19200300.100.1.37", "associatedDomain" },
    { "0.9.2342.19200300.100.1.38", "associatedName" },
    { "0.9.2342.19200300.100.1.39", "homePostalAddress" },
    { "0.9.2342.19200300.100.1.40", "personalTitle" },
    { "0.9.2342.19200300.100.1.41", "mobileTelephoneNumber" },
    { "0.9.2342.19200300.100.1.42", "pagerTelephoneNumber" },
    { "0.9.2342.19200300.100.1.43", "friendlyCountryName" },
    { "0.9.2342.19200300.100.1.44", "uid" },
    { "0.9.2342.19200300.100.1.45", "organizationalStatus" },
    { "0.9.2342.19200300.100.1.46", "janetMailbox" },
    { "0.9.2342.19200300.100.1.47", "mailPreferenceOption" },
    { "0.9.2342.19200300.100.1.48", "buildingName" },
    { "0.9.2342.19200300.100.1.49", "dSAQuality" },
    { "0.9.2342.19200300.100.1.50", "singleLevelQuality" },
    { "0.9.2342.19200300.100.1.51", "subtreeMinimumQuality" },
    { "0.9.2342.19200300.100.1.52", "subtreeMaximumQuality" },
    { "0.9.2342.19200300.100.1.53", "personalSignature" },
    { "0.9.2342.19200300.100.1.54", "dITRedirect" },
    { "0.9.2342.19200300.100.1.55", "audio" },
    { "0.9.2342.19200300.100.1.56", "documentPublisher" },
    { "1.3.6.1.5.5.7.9.1", "id-pda-dateOfBirth" },
    { "1.3.6.1.5.5.7.9.2", "id-pda-placeOfBirth" },
    { "1.3.6.1.5.5.7.9.3", "id-pda-gender" },
    { "1.3.6.1.5.5.7.9.4", "id-pda-countryOfCitizenship" },
    { "1.3.6.1.5.5.7.9.5", "id-pda-countryOfResidence" },
    { "1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL" },
    { "1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST" },
    { "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC" },
    { "1.2.643.3.131.1.1", "INN" },
    { "1.2.643.100.1", "OGRN" },
    { "1.2.643.100.3", "SNILS" },
    { "1.2.643.100.5", "OGRNIP" },
    { "1.2.643.100.111", "subjectSignTool" },
    { "1.2.643.100.112", "issuerSignTool" },
    { NULL, NULL }
};

/* Signature and public-key algorithms with OpenSSL's long names, as
 * OBJ_nid2ln gives them for SSL_*_A_SIG and SSL_*_A_KEY. */
static const sslx_oid_name_t alg_long_names[] = {
    { "1.2.840.113549.1.1.1", "rsaEncryption" },
    { "1.2.840.113549.1.1.2", "md2WithRSAEncryption" },
    { "1.2.840.113549.1.1.3", "md4WithRSAEncryption" },
    { "1.2.840.113549.1.1.4", "md5WithRSAEncryption" },
    { "1.2.840.113549.1.1.5", "sha1WithRSAEncryption" },
    { "1.2.840.113549.1.1.10", "rsassaPss" },
    { "1.2.840.113549.1.1.11", "sha256WithRSAEncryption" },
    { "1.2.840.113549.1.1.12", "sha384WithRSAEncryption" },
    { "1.2.840.113549.1.1.13", "sha512WithRSAEncryption" },
    { "1.2.840.113549.1.1.14", "sha224WithRSAEncryption" },
    { "1.2.840.113549.1.1.15", "sha512-224WithRSAEncryption" },
    { "1.2.840.113549.1.1.16", "sha512-256WithRSAEncryption" },
    { "2.16.840.1.101.3.4.3.13", "RSA-SHA3-224" },
    { "2.16.840.1.101.3.4.3.14", "RSA-SHA3-256" },
    { "2.16.840.1.101.3.4.3.15", "RSA-SHA3-384" },
    { "2.16.840.1.101.3.4.3.16", "RSA-SHA3-512" },
    { "1.3.14.3.2.3", "md5WithRSA" },
    { "1.3.14.3.2.15", "shaWithRSAEncryption" },
    { "1.3.14.3.2.29", "sha1WithRSA" },
    { "2.5.8.1.1", "rsa" },
    { "1.2.840.10045.2.1", "id-ecPublicKey" },
    { "1.2.840.10045.4.1", "ecdsa-with-SHA1" },
    { "1.2.840.10045.4.3.1", "ecdsa-with-SHA224" },
    { "1.2.840.10045.4.3.2", "ecdsa-with-SHA256" },
    { "1.2.840.10045.4.3.3", "ecdsa-with-SHA384" },
    { "1.2.840.10045.4.3.4", "ecdsa-with-SHA512" },
    { "2.16.840.1.101.3.4.3.9", "ecdsa_with_SHA3-224" },
    { "2.16.840.1.101.3.4.3.10", "ecdsa_with_SHA3-256" },
    { "2.16.840.1.101.3.4.3.11", "ecdsa_with_SHA3-384" },
    { "2.16.840.1.101.3.4.3.12", "ecdsa_with_SHA3-512" },
    { "1.2.840.10040.4.1", "dsaEncryption" },
    { "1.2.840.10040.4.3", "dsaWithSHA1" },
    { "1.3.14.3.2.12", "dsaEncryption-old" },
    { "1.3.14.3.2.13", "dsaWithSHA" },
    { "1.3.14.3.2.27", "dsaWithSHA1-old" },
    { "2.16.840.1.101.3.4.3.1", "dsa_with_SHA224" },
    { "2.16.840.1.101.3.4.3.2", "dsa_with_SHA256" },
    { "2.16.840.1.101.3.4.3.3", "dsa_with_SHA384" },
    { "2.16.840.1.101.3.4.3.4", "dsa_with_SHA512" },
    { "2.16.840.1.101.3.4.3.5", "dsa_with_SHA3-224" },
    { "2.16.840.1.101.3.4.3.6", "dsa_with_SHA3-256" },
    { "2.16.840.1.101.3.4.3.7", "dsa_with_SHA3-384" },
    { "2.16.840.1.101.3.4.3.8", "dsa_with_SHA3-512" },
    { "1.3.101.110", "X25519" },
    { "1.3.101.111", "X448" },
    { "1.3.101.112", "ED25519" },
    { "1.3.101.113", "ED448" },
    { "1.2.840.113549.1.3.1", "dhKeyAgreement" },
    { "1.2.840.10046.2.1", "X9.42 DH" },
    { "1.2.643.2.2.3", "GOST R 34.11-94 with GOST R 34.10-2001" },
    { "1.2.643.2.2.4", "GOST R 34.11-94 with GOST R 34.10-94" },
    { "1.2.643.2.2.19", "GOST R 34.10-2001" },
    { "1.2.643.2.2.20", "GOST R 34.10-94" },
    { "1.2.643.7.1.1.1.1", "GOST R 34.10-2012 with 256 bit modulus" },
    { "1.2.643.7.1.1.1.2", "GOST R 34.10-2012 with 512 bit modulus" },
    { "1.2.643.7.1.1.3.2",
      "GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)" },
    { "1.2.643.7.1.1.3.3",
      "GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)" },
    { "1.2.156.10197.1.301", "sm2" },
    { "1.2.156.10197.1.501", "SM2-with-SM3" },
    { NULL, NULL }
};

/* Key purposes with the long names OpenSSL prints (OBJ_nid2ln). */
static const sslx_oid_name_t purpose_long_names[] = {
    { "1.3.6.1.5.5.7.3.1", "TLS Web Server Authentication" },
    { "1.3.6.1.5.5.7.3.2", "TLS Web Client Authentication" },
    { "1.3.6.1.5.5.7.3.3", "Code Signing" },
    { "1.3.6.1.5.5.7.3.4", "E-mail Protection" },
    { "1.3.6.1.5.5.7.3.5", "IPSec End System" },
    { "1.3.6.1.5.5.7.3.6", "IPSec Tunnel" },
    { "1.3.6.1.5.5.7.3.7", "IPSec User" },
    { "1.3.6.1.5.5.7.3.8", "Time Stamping" },
    { "1.3.6.1.5.5.7.3.9", "OCSP Signing" },
    { "1.3.6.1.5.5.7.3.17", "ipsec Internet Key Exchange" },
    { "1.3.6.1.5.5.7.3.21", "SSH Client" },
    { "1.3.6.1.5.5.7.3.22", "SSH Server" },
    { "2.5.29.37.0", "Any Extended Key Usage" },
    { "1.3.6.1.4.1.311.2.1.21", "Microsoft Individual Code Signing" },
    { "1.3.6.1.4.1.311.2.1.22", "Microsoft Commercial Code Signing" },
    { "1.3.6.1.4.1.311.10.3.1", "Microsoft Trust List Signing" },
    { "1.3.6.1.4.1.311.10.3.3", "Microsoft Server Gated Crypto" },
    { "1.3.6.1.4.1.311.10.3.4", "Microsoft Encrypted File System" },
    { "1.3.6.1.4.1.311.20.2.2", "Microsoft Smartcard Login" },
    { "2.16.840.1.113730.4.1", "Netscape Server Gated Crypto" },
    { "1.3.6.1.5.2.3.4", "PKINIT Client Auth" },
    { "1.3.6.1.5.2.3.5", "Signing KDC Response" },
    { NULL, NULL }
};

/* Extensions by OID, with OpenSSL's short and long names. */
static const struct {
    const char *oid;
    const char *sn;
    const char *ln;
} ext_names[] = {
    { "2.5.29.14", "subjectKeyIdentifier", "X509v3 Subject Key Identifier" },
    { "2.5.29.15", "keyUsage", "X509v3 Key Usage" },
    { "2.5.29.17", "subjectAltName", "X509v3 Subject Alternative Name" },
    { "2.5.29.18", "issuerAltName", "X509v3 Issuer Alternative Name" },
    { "2.5.29.19", "basicConstraints", "X509v3 Basic Constraints" },
    { "2.5.29.31", "crlDistributionPoints",
      "X509v3 CRL Distribution Points" },
    { "2.5.29.32", "certificatePolicies", "X509v3 Certificate Policies" },
    { "2.5.29.35", "authorityKeyIdentifier",
      "X509v3 Authority Key Identifier" },
    { "2.5.29.37", "extendedKeyUsage", "X509v3 Extended Key Usage" },
    { "1.3.6.1.5.5.7.1.1", "authorityInfoAccess",
      "Authority Information Access" },
    { "2.16.840.1.113730.1.1", "nsCertType", "Netscape Cert Type" },
    { "2.16.840.1.113730.1.2", "nsBaseUrl", "Netscape Base Url" },
    { "2.16.840.1.113730.1.3", "nsRevocationUrl", "Netscape Revocation Url" },
    { "2.16.840.1.113730.1.4", "nsCaRevocationUrl",
      "Netscape CA Revocation Url" },
    { "2.16.840.1.113730.1.7", "nsRenewalUrl", "Netscape Renewal Url" },
    { "2.16.840.1.113730.1.8", "nsCaPolicyUrl", "Netscape CA Policy Url" },
    { "2.16.840.1.113730.1.12", "nsSslServerName",
      "Netscape SSL Server Name" },
    { "2.16.840.1.113730.1.13", "nsComment", "Netscape Comment" },
    { NULL, NULL, NULL }
};

static const char *find_name(const sslx_oid_name_t *table, const char *oid)
{
    int i;

    for (i = 0; table[i].oid != NULL; i++) {
        if (strcmp(table[i].oid, oid) == 0) {
            return table[i].name;
        }
    }
    return NULL;
}

const char *sslx_oid_attr_short_name(const char *oid)
{
    return find_name(dn_short_names, oid);
}

const char *sslx_oid_alg_long_name(const char *oid)
{
    return find_name(alg_long_names, oid);
}

const char *sslx_oid_purpose_long_name(const char *oid)
{
    return find_name(purpose_long_names, oid);
}

static int is_dotted_oid(const char *s)
{
    int arcs = 0;

    while (*s) {
        if (!apr_isdigit(*s)) {
            return 0;
        }
        while (apr_isdigit(*s)) {
            s++;
        }
        arcs++;
        if (*s == '.') {
            if (!*++s) {
                return 0;
            }
        }
    }
    return arcs >= 2;
}

const char *sslx_oid_ext_parse(const char *name)
{
    int i;

    if (is_dotted_oid(name)) {
        return name;
    }
    for (i = 0; ext_names[i].oid; i++) {
        if (!strcmp(name, ext_names[i].sn) || !strcmp(name, ext_names[i].ln)) {
            return ext_names[i].oid;
        }
    }
    return NULL;
}

