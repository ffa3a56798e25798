/* sslx_pphrase.c - SSLXPassPhraseDialog and encrypted private keys.
 *
 * An encrypted key (traditional OpenSSL PEM with "Proc-Type: 4,ENCRYPTED"
 * or PKCS#8 "ENCRYPTED PRIVATE KEY") is decrypted at the first reading of
 * the configuration, while httpd still has its terminal, and kept in the
 * keystore (sslx_keystore.c) for the second reading, graceful restarts
 * and the children.  As in mod_ssl, every pass phrase given so far is
 * tried on a key before a new one is asked for, so one phrase for all
 * keys is asked for once.
 *
 * The dialog is mod_ssl's:
 *   builtin        a prompt on the terminal (stdin or /dev/tty), echo off,
 *                  a few tries per key;
 *   exec:/path     the program is run with "servername:port" and the key
 *                  algorithm (RSA, DSA, ECC) as arguments and prints the
 *                  pass phrase on stdout; one try, bounded in time.
 * The same dialog gives PKCS#11 PINs (sslx_pkcs11.c).
 *
 * A configuration test (apachectl -t, which Debian's graceful runs
 * first) never asks: an encrypted key not already kept is checked for
 * its form only.  Pass phrases live in the reading's temporary pool and
 * are overwritten when it ends; only the decrypted keys are kept.
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_thread_proc.h>
#include <http_main.h>
#include <http_core.h>
#include <fcntl.h>
#include <unistd.h>

#include "sslx_pphrase.h"

/* Tries a person gets at the terminal for one key. */
#define SSLX_PPHRASE_TERMINAL_TRIES 3

/* How long an exec: program may take to print the pass phrase. */
#define SSLX_PPHRASE_PROGRAM_TIMEOUT apr_time_from_sec(60)

/* Longest pass phrase or PIN accepted. */
#define SSLX_PPHRASE_MAX 1024

struct sslx_pphrase_t {
    apr_pool_t *pool;
    sslx_keystore_t *ks;
    const char *program;        /* exec: program, NULL: builtin */
    int may_ask;                /* a dialog may run */
    int mark;                   /* mark keystore entries as in use */
    int told_terminal;          /* the terminal got the introduction */
    apr_array_header_t *phrases; /* char *, wiped with pool */
};

static apr_status_t wipe_phrases(void *data)
{
    sslx_pphrase_t *pp = data;
    char **list = (char **)pp->phrases->elts;
    int i;

    for (i = 0; i < pp->phrases->nelts; i++) {
        gnutls_memset(list[i], 0, strlen(list[i]));
    }
    pp->phrases->nelts = 0;
    return APR_SUCCESS;
}

static sslx_pphrase_t *make(apr_pool_t *p, const char *program)
{
    sslx_pphrase_t *pp = apr_pcalloc(p, sizeof(*pp));

    pp->pool = p;
    pp->ks = sslx_keystore_get();
    pp->program = program;
    pp->phrases = apr_array_make(p, 2, sizeof(char *));
    apr_pool_cleanup_register(p, pp, wipe_phrases, apr_pool_cleanup_null);
    return pp;
}

sslx_pphrase_t *sslx_pphrase_begin(apr_pool_t *pconf, apr_pool_t *ptemp,
                                   const char *program)
{
    sslx_pphrase_t *pp = make(ptemp, program);

    pp->may_ask = ap_state_query(AP_SQ_RUN_MODE) == AP_SQ_RM_NORMAL;
    pp->mark = 1;
    sslx_keystore_begin(pp->ks, pconf);
    return pp;
}

void sslx_pphrase_end(sslx_pphrase_t *pp)
{
    sslx_keystore_end(pp->ks);
}

sslx_pphrase_t *sslx_pphrase_kept_only(apr_pool_t *p, const char *program)
{
    return make(p, program);
}

apr_pool_t *sslx_pphrase_pool(const sslx_pphrase_t *pp)
{
    return pp->pool;
}

sslx_keystore_t *sslx_pphrase_keystore(const sslx_pphrase_t *pp)
{
    return pp->ks;
}

int sslx_pphrase_may_ask(const sslx_pphrase_t *pp)
{
    return pp->may_ask;
}

const char *sslx_pphrase_vhost_id(apr_pool_t *p, const server_rec *s)
{
    apr_port_t port = s->port;

    if (port == 0 && s->addrs) {
        port = s->addrs->host_port;
    }
    return apr_psprintf(p, "%s:%u", s->server_hostname ? s->server_hostname
                        : "localhost", port ? port : 443);
}

const char *sslx_pphrase_algorithm(int pk_algorithm)
{
    const char *name;

    switch (pk_algorithm) {
    case GNUTLS_PK_RSA:
    case GNUTLS_PK_RSA_PSS:
        return "RSA";
    case GNUTLS_PK_DSA:
        return "DSA";
    case GNUTLS_PK_ECDSA:
        return "ECC";
    default:
        name = gnutls_pk_get_name(pk_algorithm);
        return name ? name : "UNKNOWN";
    }
}

/* ---- builtin: the terminal ---------------------------------------- */

static int have_terminal(void)
{
    int fd;

    if (isatty(STDIN_FILENO)) {
        return 1;
    }
    /* getpass() prompts on the controlling terminal when there is one. */
    if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY)) < 0) {
        return 0;
    }
    close(fd);
    return 1;
}

static int ask_terminal(sslx_pphrase_t *pp, const sslx_secret_req_t *req,
                        int attempt, char *buf, apr_size_t size,
                        const char **perr)
{
    const char *prompt;
    apr_size_t len = size;
    apr_status_t rv;

    if (!have_terminal()) {
        *perr = "no terminal to ask on (httpd has detached from it; start "
                "httpd from a terminal, or use SSLXPassPhraseDialog exec:)";
        return SSLX_PPHRASE_FAILED;
    }
    if (!pp->told_terminal) {
        pp->told_terminal = 1;
        fprintf(stderr, "%s mod_sslx (pass phrase dialog)\nSome private "
                "keys are encrypted or kept on a token: enter their pass "
                "phrases or PINs.\n", ap_get_server_banner());
    }
    if (attempt > 0) {
        fprintf(stderr, "Incorrect; %d more %s.\n",
                SSLX_PPHRASE_TERMINAL_TRIES - attempt,
                SSLX_PPHRASE_TERMINAL_TRIES - attempt == 1 ? "try"
                                                            : "tries");
    }
    fflush(stderr);
    prompt = apr_psprintf(pp->pool, "The %s of %s (%s, %s)\nEnter pass "
                          "phrase: ", req->noun, req->what,
                          sslx_pphrase_vhost_id(pp->pool, req->server),
                          req->algorithm);
    rv = apr_password_get(prompt, buf, &len);
    if (rv != APR_SUCCESS) {
        *perr = rv == APR_ENAMETOOLONG ? "the pass phrase is too long"
                                       : "reading from the terminal failed";
        gnutls_memset(buf, 0, size);
        return SSLX_PPHRASE_FAILED;
    }
    return OK;
}

/* ---- exec: a program ----------------------------------------------- */

/* Reads the program's first line into buf. */
static const char *read_first_line(apr_file_t *out, char *buf,
                                   apr_size_t size)
{
    apr_size_t used = 0, n;
    apr_status_t rv;
    char *eol;

    for (;;) {
        n = size - 1 - used;
        if (n == 0) {
            return "printed a pass phrase that is too long";
        }
        rv = apr_file_read(out, buf + used, &n);
        if (rv == APR_EOF || (rv == APR_SUCCESS && n == 0)) {
            break;
        }
        if (rv != APR_SUCCESS) {
            return APR_STATUS_IS_TIMEUP(rv) ? "printed no pass phrase in "
                   "time" : "could not be read from";
        }
        used += n;
        buf[used] = '\0';
        if (memchr(buf, '\n', used)) {
            break;
        }
    }
    buf[used] = '\0';
    if ((eol = strpbrk(buf, "\r\n")) != NULL) {
        *eol = '\0';
    }
    return NULL;
}

static int ask_program(sslx_pphrase_t *pp, const sslx_secret_req_t *req,
                       char *buf, apr_size_t size, const char **perr)
{
    const char *argv[4];
    apr_procattr_t *attr;
    apr_proc_t proc;
    apr_exit_why_e why;
    const char *err = NULL;
    int code;
    apr_status_t rv;

    argv[0] = pp->program;
    argv[1] = sslx_pphrase_vhost_id(pp->pool, req->server);
    argv[2] = req->algorithm;
    argv[3] = NULL;
    if ((rv = apr_procattr_create(&attr, pp->pool)) != APR_SUCCESS
        || (rv = apr_procattr_io_set(attr, APR_NO_PIPE, APR_CHILD_BLOCK,
                                     APR_NO_PIPE)) != APR_SUCCESS
        || (rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM_ENV))
           != APR_SUCCESS
        || (rv = apr_procattr_error_check_set(attr, 1)) != APR_SUCCESS
        || (rv = apr_proc_create(&proc, pp->program, argv, NULL, attr,
                                 pp->pool)) != APR_SUCCESS) {
        *perr = apr_psprintf(pp->pool, "cannot run %s: %pm", pp->program,
                             &rv);
        return SSLX_PPHRASE_FAILED;
    }
    apr_file_pipe_timeout_set(proc.out, SSLX_PPHRASE_PROGRAM_TIMEOUT);
    err = read_first_line(proc.out, buf, size);
    apr_file_close(proc.out);
    if (err) {
        apr_proc_kill(&proc, SIGKILL);
    }
    apr_proc_wait(&proc, &code, &why, APR_WAIT);
    if (!err && (why != APR_PROC_EXIT || code != 0)) {
        err = apr_psprintf(pp->pool, "%s %d", why == APR_PROC_EXIT
                           ? "exited with status" : "was killed by signal",
                           code);
    }
    if (err) {
        gnutls_memset(buf, 0, size);
        *perr = apr_psprintf(pp->pool, "SSLXPassPhraseDialog exec:%s %s",
                             pp->program, err);
        return SSLX_PPHRASE_FAILED;
    }
    return OK;
}

int sslx_pphrase_ask(sslx_pphrase_t *pp, const sslx_secret_req_t *req,
                     int attempt, char *buf, apr_size_t size,
                     const char **perr)
{
    int tries = pp->program ? 1 : SSLX_PPHRASE_TERMINAL_TRIES;

    if (!pp->may_ask) {
        *perr = "no pass phrase dialog can run now";
        return SSLX_PPHRASE_FAILED;
    }
    if (attempt >= tries) {
        *perr = pp->program
                ? apr_psprintf(pp->pool, "the %s printed by %s is wrong",
                               req->noun, pp->program)
                : apr_psprintf(pp->pool, "the %s was wrong %d times",
                               req->noun, tries);
        return SSLX_PPHRASE_FAILED;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, req->server, SSLXLOGNO(02501)
                 "asking %s for the %s of %s (%s)",
                 pp->program ? pp->program : "the terminal", req->noun,
                 req->what, sslx_pphrase_vhost_id(pp->pool, req->server));
    return pp->program ? ask_program(pp, req, buf, size, perr)
                       : ask_terminal(pp, req, attempt, buf, size, perr);
}

/* ---- decrypting a key ---------------------------------------------- */

static apr_status_t free_privkey(void *data)
{
    gnutls_x509_privkey_deinit(data);
    return APR_SUCCESS;
}

/* A fresh key object for each try: a failed import may leave it half
 * filled. */
static int try_phrase(apr_pool_t *p, const gnutls_datum_t *pem,
                      const char *phrase, gnutls_x509_privkey_t *pkey)
{
    gnutls_x509_privkey_t key;
    int rv;

    if ((rv = gnutls_x509_privkey_init(&key)) < 0) {
        return rv;
    }
    rv = gnutls_x509_privkey_import2(key, pem, GNUTLS_X509_FMT_PEM, phrase,
                                     0);
    if (rv < 0) {
        gnutls_x509_privkey_deinit(key);
        return rv;
    }
    apr_pool_cleanup_register(p, key, free_privkey, apr_pool_cleanup_null);
    *pkey = key;
    return 0;
}

static int try_known(sslx_pphrase_t *pp, apr_pool_t *p,
                     const gnutls_datum_t *pem, gnutls_x509_privkey_t *pkey)
{
    char **list = (char **)pp->phrases->elts;
    int i;

    for (i = pp->phrases->nelts - 1; i >= 0; i--) {
        if (try_phrase(p, pem, list[i], pkey) == 0) {
            return OK;
        }
    }
    return SSLX_PPHRASE_FAILED;
}

static int ask_until_right(sslx_pphrase_t *pp, const sslx_secret_req_t *req,
                           apr_pool_t *p, const gnutls_datum_t *pem,
                           gnutls_x509_privkey_t *pkey, const char **perr)
{
    char buf[SSLX_PPHRASE_MAX];
    int attempt, rv;

    for (attempt = 0; ; attempt++) {
        if (sslx_pphrase_ask(pp, req, attempt, buf, sizeof(buf), perr)
            != OK) {
            return SSLX_PPHRASE_FAILED;
        }
        rv = try_phrase(p, pem, buf, pkey);
        if (rv == 0) {
            APR_ARRAY_PUSH(pp->phrases, char *) = apr_pstrdup(pp->pool, buf);
        }
        gnutls_memset(buf, 0, sizeof(buf));
        if (rv == 0) {
            return OK;
        }
        if (rv != GNUTLS_E_DECRYPTION_FAILED) {
            *perr = apr_psprintf(p, "decrypting it failed: %s (%s)",
                                 gnutls_strerror(rv),
                                 gnutls_strerror_name(rv));
            return SSLX_PPHRASE_FAILED;
        }
    }
}

static int find_kept(sslx_pphrase_t *pp, apr_pool_t *p, const char *path,
                     const gnutls_datum_t *pem, gnutls_x509_privkey_t *pkey,
                     const char **perr)
{
    int rv;

    if (gnutls_x509_privkey_init(pkey) < 0) {
        *perr = "no memory for the key";
        return SSLX_PPHRASE_FAILED;
    }
    apr_pool_cleanup_register(p, *pkey, free_privkey, apr_pool_cleanup_null);
    rv = sslx_keystore_find_key(pp->ks, path, pem, pp->mark, *pkey);
    if (rv == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        return SSLX_PPHRASE_SKIPPED;
    }
    if (rv < 0) {
        *perr = apr_psprintf(p, "reading the kept key failed: %s",
                             gnutls_strerror(rv));
        return SSLX_PPHRASE_FAILED;
    }
    return OK;
}

int sslx_pphrase_unlock(sslx_pphrase_t *pp, const sslx_secret_req_t *req,
                        apr_pool_t *p, const char *path,
                        const gnutls_datum_t *pem,
                        gnutls_x509_privkey_t *pkey, const char **perr)
{
    int rv;

    if ((rv = find_kept(pp, p, path, pem, pkey, perr))
        != SSLX_PPHRASE_SKIPPED) {
        return rv;
    }
    if (try_known(pp, p, pem, pkey) != OK) {
        if (!pp->may_ask) {
            *perr = pp->mark ? "encrypted; a configuration test does not "
                               "ask for its pass phrase"
                             : "encrypted, and its pass phrase was only "
                               "given for the file as it was at startup";
            return pp->mark ? SSLX_PPHRASE_SKIPPED : SSLX_PPHRASE_FAILED;
        }
        if (ask_until_right(pp, req, p, pem, pkey, perr) != OK) {
            return SSLX_PPHRASE_FAILED;
        }
    }
    if (pp->mark && (rv = sslx_keystore_add_key(pp->ks, path, pem, *pkey))
                    < 0) {
        *perr = apr_psprintf(p, "keeping the decrypted key failed: %s",
                             gnutls_strerror(rv));
        return SSLX_PPHRASE_FAILED;
    }
    return OK;
}
