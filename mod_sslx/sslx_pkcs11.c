/* sslx_pkcs11.c - certificates and private keys on PKCS#11 tokens
 * (HSMs, smart cards, SoftHSM), named by pkcs11: URLs (RFC 7512) in
 * SSLXCertificateFile and SSLXCertificateKeyFile.
 *
 * GnuTLS loads the objects and finds the modules through p11-kit's
 * configuration.  A token that wants a PIN gets it, in this order, from
 * the URL ("pin-value=..." or "pin-source=/file", which GnuTLS reads
 * itself), from the keystore, or from the pass phrase dialog.  A PIN
 * from the dialog is kept in the keystore (sslx_keystore.c) for the
 * life of the parent: every child must log in again after the fork,
 * because PKCS#11 sessions and logins do not survive fork().  GnuTLS
 * starts PKCS#11 again in a child on its own when it notices the fork;
 * child_init does it up front so no handshake pays for it.
 *
 * The PIN callback hangs off the credentials, so it lives as long as
 * they do; the dialog it may use lives only while the configuration is
 * read, and a pool cleanup cuts the link when that ends.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <http_core.h>
#include <gnutls/pkcs11.h>

#include "sslx_pkcs11.h"

typedef struct {
    sslx_keystore_t *ks;
    sslx_pphrase_t *pp;         /* NULL once its reading is over */
    sslx_secret_req_t req;      /* the pair being loaded */
    int asked;                  /* dialogs run for this pair */
    int withheld;               /* a PIN was wanted but could not be had */
    const char *error;          /* why the dialog failed */
} pin_ctx_t;

int sslx_pkcs11_is_url(const char *name)
{
    return strncmp(name, "pkcs11:", 7) == 0
           || (strchr(name, ':') && !strchr(name, '/'));
}

static apr_status_t forget_pphrase(void *data)
{
    ((pin_ctx_t *)data)->pp = NULL;
    return APR_SUCCESS;
}

static int use_pin(const char *kept, char *pin, size_t pin_max)
{
    size_t len = strlen(kept);

    if (len + 1 > pin_max) {
        return GNUTLS_E_SHORT_MEMORY_BUFFER;
    }
    memcpy(pin, kept, len + 1);
    return 0;
}

/* GnuTLS asks whenever it logs in: at configuration time in the parent,
 * and in each child after the fork, where only a kept PIN can answer. */
static int pin_callback(void *userdata, int attempt, const char *token_url,
                        const char *token_label, unsigned int flags,
                        char *pin, size_t pin_max)
{
    pin_ctx_t *ctx = userdata;
    int may_ask = ctx->pp && sslx_pphrase_may_ask(ctx->pp);
    sslx_secret_req_t req;
    const char *kept;
    char what[256];

    (void)attempt;
    if (flags & GNUTLS_PIN_SO) {
        return GNUTLS_E_PKCS11_PIN_ERROR;
    }
    if (!(flags & GNUTLS_PIN_WRONG)) {
        kept = sslx_keystore_find_pin(ctx->ks, token_url, may_ask);
        if (kept) {
            return use_pin(kept, pin, pin_max);
        }
    }
    else if (may_ask) {
        sslx_keystore_set_pin(ctx->ks, token_url, NULL);
    }
    if (!may_ask) {
        ctx->withheld = 1;
        return GNUTLS_E_PKCS11_PIN_ERROR;
    }
    req = ctx->req;
    apr_snprintf(what, sizeof(what), "token '%s'", token_label);
    req.what = what;
    if (sslx_pphrase_ask(ctx->pp, &req, ctx->asked++, pin, pin_max,
                         &ctx->error) != OK) {
        return GNUTLS_E_PKCS11_PIN_ERROR;
    }
    sslx_keystore_set_pin(ctx->ks, token_url, pin);
    return 0;
}

/* One callback context per credentials object, made with the first
 * pair that needs it and pointed at each later pair. */
static pin_ctx_t *pin_context(apr_pool_t *owner,
                              gnutls_certificate_credentials_t creds,
                              sslx_pphrase_t *pp,
                              const sslx_secret_req_t *req)
{
    pin_ctx_t *ctx = apr_pcalloc(owner, sizeof(*ctx));

    ctx->ks = sslx_pphrase_keystore(pp);
    ctx->pp = pp;
    ctx->req = *req;
    apr_pool_cleanup_register(sslx_pphrase_pool(pp), ctx, forget_pphrase,
                              apr_pool_cleanup_null);
    gnutls_certificate_set_pin_function(creds, pin_callback, ctx);
    return ctx;
}

/* The algorithm of a certificate named by URL, for the dialog. */
static const char *url_algorithm(const char *url)
{
    gnutls_x509_crt_t crt;
    int alg = GNUTLS_PK_UNKNOWN;

    if (gnutls_x509_crt_init(&crt) < 0) {
        return sslx_pphrase_algorithm(alg);
    }
    if (gnutls_x509_crt_import_url(crt, url, 0) == 0) {
        alg = gnutls_x509_crt_get_pk_algorithm(crt, NULL);
    }
    gnutls_x509_crt_deinit(crt);
    return sslx_pphrase_algorithm(alg < 0 ? GNUTLS_PK_UNKNOWN : alg);
}

int sslx_pkcs11_add(apr_pool_t *p, gnutls_certificate_credentials_t creds,
                    const char *cert, const char *key, sslx_pphrase_t *pp,
                    const sslx_secret_req_t *req, const char **perr)
{
    sslx_secret_req_t r = *req;
    pin_ctx_t *ctx;
    int rv;

    if (sslx_pkcs11_is_url(cert)) {
        r.algorithm = url_algorithm(cert);
    }
    ctx = pin_context(p, creds, pp, &r);
    rv = gnutls_certificate_set_x509_key_file2(creds, cert, key,
                                               GNUTLS_X509_FMT_PEM, NULL, 0);
    if (rv >= 0) {
        return 0;
    }
    if (ctx->withheld && !sslx_pphrase_may_ask(pp)
        && ap_state_query(AP_SQ_RUN_MODE) != AP_SQ_RM_NORMAL) {
        *perr = "its token wants a PIN, which a configuration test does "
                "not ask for";
        return SSLX_PPHRASE_SKIPPED;
    }
    *perr = apr_psprintf(p, "cannot load it with key '%s'%s%s: %s (%s)",
                         key, ctx->error ? ": " : "",
                         ctx->error ? ctx->error : "", gnutls_strerror(rv),
                         gnutls_strerror_name(rv));
    return rv;
}

void sslx_pkcs11_reinit(server_rec *s)
{
    int rv;

    if ((rv = gnutls_pkcs11_reinit()) < 0) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SSLXLOGNO(02510)
                     "starting PKCS#11 again after the fork failed: %s (%s)",
                     gnutls_strerror(rv), gnutls_strerror_name(rv));
    }
}
