/* sslx_init.c - turning each TLS vhost's directives into the GnuTLS
 * objects its connections will use: one credentials object holding all
 * its certificate/key pairs, and one priority cache.
 *
 * This runs in check_config, before "apachectl -t" says "Syntax OK", so
 * an unreadable key or a key that does not match its certificate fails
 * the check with the directive, file and reason.  Vhosts whose TLS
 * settings are identical share one sslx_tls_t.  Everything is allocated
 * from pconf with its deinit registered next to it.
 *
 * The credentials are built by sslx_init_build_creds(), which a child
 * also calls when SSLXCertificateReload finds new files (sslx_reload.c):
 * whatever a vhost's certificates need goes there, so a reload rebuilds
 * all of it.  Encrypted keys and token PINs get their secrets through
 * one sslx_pphrase_t per reading of the configuration.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_hash.h>
#include <http_core.h>
#include <http_ssl.h>

#include "sslx_config.h"
#include "sslx_init.h"
#include "sslx_cert.h"
#include "sslx_compat.h"
#include "sslx_crl.h"
#include "sslx_log.h"
#include "sslx_pkcs11.h"
#include "sslx_pphrase.h"
#include "sslx_ocsp_config.h"
#include "sslx_x509.h"
#include "sslx_version.h"


/* The vhost's priority string.  for_tls13: the one for clients that
 * offer TLS 1.3, who get it under "SSLCipherSuite TLSv1.3 ..." and not
 * under the one-argument SSLCipherSuite, which in mod_ssl governs
 * TLS 1.2 and below only. */
static const char *priority_text(apr_pool_t *p, const sslx_srv_conf_t *sc,
                                 int for_tls13)
{
    const char *text = sc->priorities ? sc->priorities
                                      : SSLX_DEFAULT_PRIORITY;
    const char *ciphers = for_tls13 ? sc->tls13_prio : sc->cipher_prio;

    /* Versions first: the cipher fragment may switch TLS 1.3 off again
     * when no 1.3 suite is left, which "+VERS-TLS1.3" would undo. */
    if (sc->protocol_prio) {
        text = apr_pstrcat(p, text, ":", sc->protocol_prio, NULL);
    }
    if (ciphers) {
        text = apr_pstrcat(p, text, ":", ciphers, NULL);
    }
    if (sc->confcmd_prio) {
        text = apr_pstrcat(p, text, ":", sc->confcmd_prio, NULL);
    }
    if (sc->honor_cipher_order == 1) {
        text = apr_pstrcat(p, text, ":%SERVER_PRECEDENCE", NULL);
    }
    return text;
}

static const char *identity_of(apr_pool_t *p, const sslx_srv_conf_t *sc,
                               const char *prio)
{
    const char *id = apr_psprintf(p, "%s|%d|%d|%d|%s|%s|%s|%s|%s|%s|%s",
                                  prio, sc->verify_mode, sc->verify_depth,
                                  sc->crl_check, sc->ca_file, sc->ca_path,
                                  sc->ca_dn_file, sc->crl_file, sc->crl_path,
                                  sc->ca_dn_path, sc->chain_file);
    const sslx_cert_pair_t *pair;
    int i;

    for (i = 0; i < sc->cert_pairs->nelts; i++) {
        pair = &APR_ARRAY_IDX(sc->cert_pairs, i, sslx_cert_pair_t);
        id = apr_pstrcat(p, id, "|", pair->cert_file, "|",
                         pair->key_file ? pair->key_file : "", NULL);
    }
    /* Stapled response files are part of the credentials. */
    return apr_pstrcat(p, id, "|", sslx_ocsp_config_identity(p, sc->ocsp),
                       NULL);
}

static int fail_vhost(server_rec *s, const char *msg)
{
    ap_log_error(APLOG_MARK, APLOG_EMERG | APLOG_STARTUP, 0, s,
                 SSLXLOGNO(01101) "%s", msg);
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* Keeps the leaf GnuTLS stored for pair i, parsed, for SSL_SERVER_*. */
static const char *keep_leaf(apr_pool_t *owner, apr_pool_t *scratch,
                             gnutls_certificate_credentials_t creds,
                             apr_array_header_t *leaves, unsigned i)
{
    gnutls_datum_t raw;
    sslx_leaf_t *leaf = apr_array_push(leaves);
    int rv;

    if ((rv = gnutls_certificate_get_crt_raw(creds, i, 0, &raw)) < 0) {
        return sslx_log_describe(scratch, "reading back a loaded "
                                 "certificate", rv);
    }
    leaf->der.data = apr_pmemdup(owner, raw.data, raw.size);
    leaf->der.size = raw.size;
    if ((leaf->crt = sslx_x509_import(owner, &leaf->der)) == NULL) {
        return "parsing a loaded certificate failed";
    }
    return NULL;
}

/* A pair a configuration test could not unlock is left out, said at
 * INFO; the leaves array stays in step with what creds holds. */
static const char *load_pairs(const sslx_cert_load_t *ld,
                              const sslx_srv_conf_t *sc,
                              gnutls_certificate_credentials_t creds,
                              apr_array_header_t *leaves)
{
    const sslx_cert_pair_t *pair;
    const char *err = NULL;
    int i, rv;

    for (i = 0; i < sc->cert_pairs->nelts; i++) {
        pair = &APR_ARRAY_IDX(sc->cert_pairs, i, sslx_cert_pair_t);
        if (!pair->cert_origin.directive) {
            return apr_psprintf(ld->scratch, "%s (%s:%d) has no "
                                "SSLXCertificateFile to go with it",
                                pair->key_origin.directive,
                                pair->key_origin.file, pair->key_origin.line);
        }
        rv = sslx_cert_add_pair(ld, creds, pair, &err);
        if (rv == SSLX_CERT_SKIPPED) {
            ap_log_error(APLOG_MARK, APLOG_INFO, 0, ld->server,
                         SSLXLOGNO(02502) "%s", err);
            continue;
        }
        if (rv != SSLX_CERT_ADDED) {
            return err;
        }
        if ((err = keep_leaf(ld->owner, ld->scratch, creds, leaves,
                             (unsigned)leaves->nelts)) != NULL) {
            return err;
        }
    }
    return NULL;
}

/* The names the certificate request advertises: SSLXCADNRequestFile
 * and SSLXCADNRequestPath if either is given, else the trusted CAs
 * themselves. */
static const char *advertise_cas(apr_pool_t *scratch,
                                 const sslx_srv_conf_t *sc,
                                 gnutls_certificate_credentials_t creds)
{
    int dn_given = sc->ca_dn_file || sc->ca_dn_path;
    const char *file = dn_given ? sc->ca_dn_file : sc->ca_file;
    const char *dir = dn_given ? sc->ca_dn_path : sc->ca_path;
    int rv = 0;

    if (!sc->ca_file && !sc->ca_path) {
        return NULL;
    }
    if (file) {
        rv = gnutls_certificate_set_x509_trust_file(creds, file,
                                                    GNUTLS_X509_FMT_PEM);
    }
    if (rv >= 0 && dir) {
        rv = gnutls_certificate_set_x509_trust_dir(creds, dir,
                                                   GNUTLS_X509_FMT_PEM);
    }
    if (rv < 0) {
        return sslx_log_describe(scratch, apr_psprintf(scratch,
                                 "loading the CA names to request client "
                                 "certificates for from '%s'",
                                 file ? file : dir), rv);
    }
    return NULL;
}

const char *sslx_init_build_creds(const sslx_cert_load_t *ld,
                                  const sslx_srv_conf_t *sc,
                                  gnutls_certificate_credentials_t *pcreds,
                                  apr_array_header_t **pleaves)
{
    const char *err;
    int rv;

    if ((rv = sslx_cert_make_creds(ld->owner, pcreds)) < 0) {
        return sslx_log_describe(ld->scratch, "allocating credentials", rv);
    }
    *pleaves = apr_array_make(ld->owner, sc->cert_pairs->nelts,
                              sizeof(sslx_leaf_t));
    if ((err = load_pairs(ld, sc, *pcreds, *pleaves)) != NULL
        || (err = advertise_cas(ld->scratch, sc, *pcreds)) != NULL) {
        return err;
    }
    rv = gnutls_certificate_set_known_dh_params(*pcreds,
                                                GNUTLS_SEC_PARAM_MEDIUM);
    if (rv < 0) {
        return sslx_log_describe(ld->scratch, "setting DH parameters", rv);
    }
    return NULL;
}

static void warn_validity(apr_pool_t *ptemp, server_rec *s,
                          const sslx_srv_conf_t *sc, const sslx_tls_t *tls)
{
    const sslx_cert_pair_t *pair;
    const char *err;
    int i;

    /* Skipped pairs (a configuration test) leave fewer leaves than
     * pairs; the warning is then only as precise as the order allows. */
    for (i = 0; i < tls->leaves->nelts && i < sc->cert_pairs->nelts; i++) {
        pair = &APR_ARRAY_IDX(sc->cert_pairs, i, sslx_cert_pair_t);
        err = sslx_cert_validity_warning(ptemp, tls->creds, i, pair,
                                         apr_time_now());
        if (err) {
            ap_log_error(APLOG_MARK, APLOG_WARNING | APLOG_STARTUP, 0, s,
                         SSLXLOGNO(01102) "%s", err);
        }
    }
}

static int load_client_trust(apr_pool_t *pconf, apr_pool_t *ptemp,
                             server_rec *s, const sslx_srv_conf_t *sc,
                             sslx_tls_t *tls)
{
    sslx_trust_spec_t spec;
    const char *err;
    int crl = sc->crl_check == SSLX_UNSET ? SSLX_CRL_NONE : sc->crl_check;

    if (!sc->ca_file && !sc->ca_path) {
        if (sc->verify_mode == SSLX_VERIFY_REQUIRE
            || sc->verify_mode == SSLX_VERIFY_OPTIONAL) {
            return fail_vhost(s, apr_psprintf(ptemp, "SSLXVerifyClient "
                              "needs SSLXCACertificateFile or "
                              "SSLXCACertificatePath in vhost %s (%s:%d)",
                              s->server_hostname, s->defn_name ? s->defn_name
                              : "?", s->defn_line_number));
        }
        return OK;
    }
    spec.ca_file = sc->ca_file;
    spec.ca_path = sc->ca_path;
    err = sslx_cert_load_trust(pconf, &spec, &tls->trust);
    if (!err && (crl & SSLX_CRL_MODE_MASK)) {
        err = sslx_crl_load(pconf, ptemp, sc->crl_file, sc->crl_path,
                            &tls->crls);
    }
    if (err) {
        return fail_vhost(s, apr_psprintf(ptemp, "client certificate trust "
                          "of vhost %s: %s", s->server_hostname, err));
    }
    return OK;
}

/* The lowest protocol version the priority enables, as on the wire, so
 * a client that only speaks older ones can be told protocol_version. */
static unsigned lowest_version(gnutls_priority_t prio)
{
    const unsigned *list;
    unsigned wire, low = 0xffff;
    int i, n = gnutls_priority_protocol_list(prio, &list);

    for (i = 0; i < n; i++) {
        switch (list[i]) {
        case GNUTLS_TLS1_0: wire = 0x0301; break;
        case GNUTLS_TLS1_1: wire = 0x0302; break;
        case GNUTLS_TLS1_2: wire = 0x0303; break;
        case GNUTLS_TLS1_3: wire = 0x0304; break;
        default: continue;
        }
        low = wire < low ? wire : low;
    }
    return low == 0xffff ? 0 : low;
}

/* Only when cipher settings differ by version; NULL means "use the
 * main priority" (sslx_conn_use_priority). */
static int init_tls13_priority(apr_pool_t *pconf, apr_pool_t *ptemp,
                               server_rec *s, const sslx_srv_conf_t *sc,
                               sslx_tls_t *tls)
{
    const char *text, *errpos = NULL;
    int rv;

    if (!sc->cipher_prio && !sc->tls13_prio) {
        return OK;
    }
    text = priority_text(ptemp, sc, 1);
    rv = sslx_compat_make_priority(pconf, &tls->priority13, text, &errpos);
    if (rv < 0) {
        return fail_vhost(s, apr_psprintf(ptemp, "TLS 1.3 priority string "
                          "'%s' rejected at '%s': %s", text,
                          errpos ? errpos : "", gnutls_strerror(rv)));
    }
    return OK;
}

static int build_tls(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s,
                     const sslx_srv_conf_t *sc, const char *prio,
                     sslx_pphrase_t *pp, sslx_tls_t *tls)
{
    sslx_cert_load_t ld = { 0 };
    const char *errpos = NULL, *err;
    int rv;

    if ((rv = load_client_trust(pconf, ptemp, s, sc, tls)) != OK) {
        return rv;
    }
    ld.owner = pconf;
    ld.scratch = ptemp;
    ld.server = s;
    ld.pphrase = pp;
    ld.chain_file = sslx_config_srv(s)->chain_file;
    err = sslx_init_build_creds(&ld, sc, &tls->creds, &tls->leaves);
    if (err) {
        return fail_vhost(s, err);
    }
    warn_validity(ptemp, s, sc, tls);
    if ((rv = sslx_compat_make_priority(pconf, &tls->priority, prio,
                                        &errpos)) < 0) {
        return fail_vhost(s, apr_psprintf(ptemp, "priority string '%s' "
                          "rejected at '%s': %s", prio, errpos ? errpos : "",
                          gnutls_strerror(rv)));
    }
    tls->min_version = lowest_version(tls->priority);
    rv = sslx_compat_make_priority(pconf, &tls->reneg_priority,
                                   apr_pstrcat(ptemp, prio, ":%NO_TICKETS",
                                               NULL), &errpos);
    if (rv < 0) {
        return fail_vhost(s, sslx_log_describe(ptemp, "preparing the "
                                               "renegotiation priorities", rv));
    }
    return init_tls13_priority(pconf, ptemp, s, sc, tls);
}

static int prepare_vhost(apr_pool_t *pconf, apr_pool_t *ptemp,
                         server_rec *s, apr_hash_t *shared,
                         sslx_pphrase_t *pp)
{
    sslx_srv_conf_t *sc = sslx_config_srv(s);
    const char *prio, *id;
    sslx_tls_t *tls;
    int rv;

    sc->tls = NULL;
    if (sc->engine != 1) {
        return OK;
    }
    if (sc->cert_pairs->nelts == 0) {
        /* Another module (mod_md) may hand over files in post_config
         * (sslx_md.c), which says so if none does. */
        return sslx_init_cert_providers() ? OK
               : fail_vhost(s, sslx_init_no_cert_message(ptemp, s));
    }
    prio = priority_text(pconf, sc, 0);
    id = identity_of(pconf, sc, apr_pstrcat(ptemp, prio, "|",
                                            priority_text(ptemp, sc, 1),
                                            NULL));
    if ((tls = apr_hash_get(shared, id, APR_HASH_KEY_STRING)) == NULL) {
        tls = apr_pcalloc(pconf, sizeof(*tls));
        tls->priority_text = prio;
        tls->identity = id;
        if ((rv = build_tls(pconf, ptemp, s, sc, prio, pp, tls)) != OK) {
            return rv;
        }
        apr_hash_set(shared, id, APR_HASH_KEY_STRING, tls);
    }
    sc->tls = tls;
    return OK;
}

int sslx_init_cert_providers(void)
{
    const apr_array_header_t *add = ap_hook_get_ssl_add_cert_files();
    const apr_array_header_t *fallback =
        ap_hook_get_ssl_add_fallback_cert_files();

    return (add && add->nelts) || (fallback && fallback->nelts);
}

const char *sslx_init_no_cert_message(apr_pool_t *p, const server_rec *s)
{
    return apr_psprintf(p, "SSLXEngine is on for %s (%s:%d) but no "
                        "SSLXCertificateFile is configured%s",
                        s->server_hostname,
                        s->defn_name ? s->defn_name : "?",
                        s->defn_line_number,
                        sslx_init_cert_providers()
                        ? ", and no module (such as mod_md) provides one"
                        : "");
}

int sslx_init_vhost(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    sslx_pphrase_t *pp = sslx_pphrase_begin(pconf, ptemp,
        sslx_config_srv(s)->pphrase_dialog);
    int rv = prepare_vhost(pconf, ptemp, s, apr_hash_make(ptemp), pp);

    sslx_pphrase_end(pp);
    return rv;
}

int sslx_init_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *shared = apr_hash_make(ptemp);
    sslx_pphrase_t *pp = sslx_pphrase_begin(pconf, ptemp,
        sslx_config_srv(s)->pphrase_dialog);
    int rv;

    (void)plog;
    for (; s != NULL; s = s->next) {
        if ((rv = prepare_vhost(pconf, ptemp, s, shared, pp)) != OK) {
            return rv;
        }
    }
    sslx_pphrase_end(pp);
    return OK;
}

int sslx_init_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
    ap_add_version_component(pconf, "mod_sslx/" SSLX_VERSION);
    ap_add_version_component(pconf, apr_pstrcat(pconf, "GnuTLS/",
                             gnutls_check_version(NULL), NULL));
    sslx_log_setup_gnutls_debug(s);
    return OK;
}

static int uses_pkcs11(server_rec *s)
{
    const sslx_srv_conf_t *sc;
    const sslx_cert_pair_t *pair;
    int i;

    for (; s; s = s->next) {
        sc = sslx_config_srv(s);
        for (i = 0; sc->tls && i < sc->cert_pairs->nelts; i++) {
            pair = &APR_ARRAY_IDX(sc->cert_pairs, i, sslx_cert_pair_t);
            if (sslx_pkcs11_is_url(pair->cert_file)
                || (pair->key_file && sslx_pkcs11_is_url(pair->key_file))) {
                return 1;
            }
        }
    }
    return 0;
}

void sslx_init_child_init(apr_pool_t *pchild, server_rec *s)
{
    (void)pchild;
    if (uses_pkcs11(s)) {
        sslx_pkcs11_reinit(s);
    }
}
