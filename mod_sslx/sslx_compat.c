/* sslx_compat.c - mod_ssl's SSLProtocol and SSLCipherSuite, as GnuTLS
 * priority text.
 *
 * mod_sslx's exact control is SSLXPriorities, a GnuTLS priority string.
 * So that mod_ssl configurations run unchanged, this file translates the
 * two mod_ssl directives that overlap with it into priority fragments to
 * append to that string: SSLProtocol words into "-VERS-ALL:+VERS-..."
 * and OpenSSL cipher lists into "-CIPHER-ALL:-MAC-ALL:-KX-ALL:+...".  It
 * owns the semantics of both languages as mod_ssl and OpenSSL 3 define
 * them, and says so when a value cannot be expressed in GnuTLS terms.
 * Pure string work on APR pools.  What OpenSSL knows of each suite (its
 * name and classes) and its aliases live in sslx_cipher.c; this file
 * evaluates the language with them.
 */

#include <string.h>

#include <apr.h>
#include <apr_cstr.h>
#include <apr_strings.h>
#include <gnutls/gnutls.h>

#include "sslx_compat.h"
#include "sslx_cipher.h"

/* ------------------------------------------------------------------ */
/* SSLProtocol                                                          */
/* ------------------------------------------------------------------ */

#define PROTO_TLS1   0x01
#define PROTO_TLS1_1 0x02
#define PROTO_TLS1_2 0x04
#define PROTO_TLS1_3 0x08
/* "all" is what mod_ssl gives today (OpenSSL's security level keeps
 * TLS 1.0 and 1.1 out): TLS 1.2 and 1.3.  The old versions only come
 * when named. */
#define PROTO_ALL    (PROTO_TLS1_2 | PROTO_TLS1_3)

typedef struct {
    const char *word;           /* mod_ssl's spelling */
    unsigned int bits;
    const char *priority;       /* GnuTLS keyword, for single versions */
} proto_word_t;

/* Single versions from the highest down: proto_fragment relies on it. */
static const proto_word_t proto_words[] = {
    { "TLSv1.3", PROTO_TLS1_3, "+VERS-TLS1.3" },
    { "TLSv1.2", PROTO_TLS1_2, "+VERS-TLS1.2" },
    { "TLSv1.1", PROTO_TLS1_1, "+VERS-TLS1.1" },
    { "TLSv1",   PROTO_TLS1,   "+VERS-TLS1.0" },
    { "all",     PROTO_ALL,    NULL }
};

#define PROTO_WORDS_N (sizeof(proto_words) / sizeof(proto_words[0]))

/* Apply one SSLProtocol word to *set, as mod_ssl's
 * ssl_cmd_protocol_parse does: "+x" adds, "-x" removes, a bare word
 * replaces the set so far; case does not matter.  SSLv2 and SSLv3 may
 * only be removed (mod_ssl does the same with an OpenSSL built without
 * them, which is what GnuTLS 3.7 is). */
static const char *proto_apply(apr_pool_t *p, const char *arg,
                               unsigned int *set)
{
    const char *w = arg;
    char action = '\0';
    size_t i;

    if (*w == '+' || *w == '-') {
        action = *w++;
    }
    if (!apr_cstr_casecmp(w, "SSLv2") || !apr_cstr_casecmp(w, "SSLv3")) {
        if (action == '-') {
            return NULL;
        }
        return apr_psprintf(p, "'%s': %s is not supported by GnuTLS",
                            arg, w);
    }
    for (i = 0; i < PROTO_WORDS_N; i++) {
        if (!apr_cstr_casecmp(w, proto_words[i].word)) {
            break;
        }
    }
    if (i == PROTO_WORDS_N) {
        return apr_psprintf(p, "unknown protocol '%s' (expected all, "
                            "TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3, with an "
                            "optional + or - in front)", arg);
    }
    if (action == '-') {
        *set &= ~proto_words[i].bits;
    }
    else if (action == '+') {
        *set |= proto_words[i].bits;
    }
    else {
        *set = proto_words[i].bits;
    }
    return NULL;
}

/* The versions mod_ssl really enables for a set: the highest one and
 * those directly below it, stopping at the first hole (mod_ssl sets
 * OpenSSL's maximum and minimum version, never a list). */
static const char *proto_fragment(apr_pool_t *p, unsigned int set,
                                  const char **perr)
{
    const char *frag = "-VERS-ALL";
    int started = 0;
    size_t i;

    for (i = 0; i < PROTO_WORDS_N && proto_words[i].priority; i++) {
        if (set & proto_words[i].bits) {
            frag = apr_pstrcat(p, frag, ":", proto_words[i].priority, NULL);
            started = 1;
        }
        else if (started) {
            break;
        }
    }
    if (!started) {
        *perr = "no protocol is left enabled";
        return NULL;
    }
    return frag;
}

const char *sslx_compat_protocol_priority(apr_pool_t *p, int argc,
                                          char *const argv[],
                                          const char **perr)
{
    unsigned int set = 0;
    const char *err;
    int i;

    for (i = 0; i < argc; i++) {
        err = proto_apply(p, argv[i], &set);
        if (err) {
            *perr = err;
            return NULL;
        }
    }
    return proto_fragment(p, set, perr);
}

/* ------------------------------------------------------------------ */
/* SSLCipherSuite                                                       */
/* ------------------------------------------------------------------ */

/* What is supported, and how it is translated.
 *
 * The spec is read with OpenSSL 3's rules for cipher lists: words split
 * at ':', ',', ';' or blanks; a word is one or more names joined by '+'
 * (a suite must match all of them); "!w" removes the matching suites for
 * good, "-w" removes them until a later word adds them back, "+w" moves
 * them to the end, a bare word adds them.  Names and aliases are
 * case-sensitive, as in OpenSSL.  Understood: every OpenSSL suite name
 * of a suite GnuTLS can negotiate (sslx_cipher.c), the TLS 1.3 names,
 * DEFAULT (first word only), ALL, COMPLEMENTOFALL, COMPLEMENTOFDEFAULT,
 * HIGH, MEDIUM, the key exchange, authentication, cipher and MAC
 * aliases (kRSA RSA aRSA kDHE kEDH DH DHE EDH ADH kECDHE kEECDH ECDH ECDHE
 * EECDH AECDH aECDSA ECDSA aDSS DSS aNULL PSK kPSK kRSAPSK kDHEPSK kECDHEPSK
 * aPSK SRP kSRP aSRP eNULL NULL AES AES128 AES256 AESGCM AESCCM AESCCM8
 * CAMELLIA CAMELLIA128 CAMELLIA256 CHACHA20 CBC 3DES RC4 MD5 SHA1 SHA
 * SHA256 SHA384), the version aliases SSLv3, TLSv1, TLSv1.0 and TLSv1.2,
 * the old names EDH-DSS-DES-CBC3-SHA and EDH-RSA-DES-CBC3-SHA, and
 * @STRENGTH (accepted; GnuTLS orders suites itself).  Aliases for
 * things GnuTLS does not have at all (LOW, EXP, EXPORT, SSLv2, DES, RC2,
 * IDEA, SEED, ARIA, GOST, the fixed-DH and Kerberos ones, ...) match
 * nothing, so "!IDEA" is harmless and "IDEA" alone selects nothing.
 * Refused with an error naming the word: any other word (a typo, or a
 * suite GnuTLS lacks such as ARIA ones), DEFAULT after the first word,
 * FIPS and SUITEB*, which have no GnuTLS counterpart here
 * (SSLXPriorities is the way to say those things).  @SECLEVEL=n becomes
 * the GnuTLS security profile of the same strength (1: 80 bits, 2: 112,
 * 3: 128, 4: 192, 5: 256; 0 adds nothing).
 *
 * The approximation.  A GnuTLS priority is not a list of suites but
 * three lists, key exchanges, ciphers and MACs, and GnuTLS enables every
 * suite built from one of each.  The translation evaluates the spec to a
 * set of suites as OpenSSL would, then lists each key exchange, cipher
 * and MAC that a selected suite uses, ordered by the word that first
 * selected it (a fixed preference like GnuTLS's NORMAL breaks ties).  So
 * a list of suites may come out wider, but only by recombining parts the
 * spec itself accepted:
 * "ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-CHACHA20-POLY1305" also enables
 * ECDHE-RSA-CHACHA20-POLY1305 and DHE-RSA-AES128-GCM-SHA256.
 * When a recombined suite is one the spec explicitly removed ("-" or
 * "!"), the translation fails and names the word, rather than re-enable
 * it: "HIGH:!ECDHE-RSA-AES128-SHA" cannot be expressed.
 *
 * TLS 1.3.  GnuTLS has one cipher list for TLS 1.2 and 1.3, where mod_ssl
 * sets TLS 1.3 suites apart ("SSLCipherSuite TLSv1.3 ...").  TLS 1.3
 * names may therefore appear in the same spec, and the caller should
 * join both of mod_ssl's values into one spec.  The TLS 1.3 suites left
 * enabled are those whose AEAD cipher the spec selects.  When none is
 * left (a spec of CBC suites), the fragment ends in "-VERS-TLS1.3":
 * GnuTLS would otherwise agree on TLS 1.3 and then fail the handshake
 * for want of a suite; it must therefore come after the SSLProtocol
 * fragment.  A spec with TLS 1.3 names only leaves the base priority's
 * key exchanges alone, so TLS 1.2 keeps them, with the spec's ciphers.
 *
 * Left out.  Suites with an SRP or RSA-PSK key exchange are selected as
 * OpenSSL would, but not passed on: GnuTLS turns TLS 1.3 off whenever
 * one of those key exchanges is enabled (so "HIGH:!aNULL" would cost
 * TLS 1.3), and mod_sslx gives GnuTLS no SRP or PSK credentials, without
 * which they are never negotiated anyway. */

/* A search pattern, or a suite's own classes: for a pattern, a class
 * field of 0 matches anything and id 0 any suite. */
typedef struct {
    sslx_cipher_class_t cls;
    unsigned int id;            /* (id[0] << 8 | id[1]) + 1, or 0 */
} cs_mask_t;

/* What separates words, as in OpenSSL (plus tabs). */
#define CS_SEPARATORS ":,; \t"

/* One GnuTLS suite during the evaluation. */
typedef struct {
    const char *name;           /* OpenSSL's name, NULL if none */
    unsigned char id[2];
    gnutls_kx_algorithm_t kx;   /* GNUTLS_KX_UNKNOWN for TLS 1.3 */
    gnutls_cipher_algorithm_t cipher;
    gnutls_mac_algorithm_t mac;
    cs_mask_t mask;             /* classes all 0: only its name selects it */
    unsigned int seq;           /* when it was (last) added; 0: not on */
    int killed;                 /* removed by "!" */
    const char *removed_by;     /* the "-"/"!" word that took it out */
} cs_suite_t;

typedef struct {
    apr_pool_t *p;
    cs_suite_t *suites;
    int n;
    unsigned int seq;
    int seclevel;               /* @SECLEVEL=n, -1: not given */
} cs_eval_t;

/* Every suite GnuTLS knows, none of them selected yet. */
static void cs_load(cs_eval_t *ev)
{
    unsigned char id[2];
    gnutls_kx_algorithm_t kx;
    gnutls_cipher_algorithm_t cipher;
    gnutls_mac_algorithm_t mac;
    gnutls_protocol_t min;
    int n;

    for (n = 0; gnutls_cipher_suite_info(n, id, &kx, &cipher, &mac, &min);
         n++) {
        continue;
    }
    ev->suites = apr_pcalloc(ev->p, n * sizeof(*ev->suites));
    ev->n = n;
    for (n = 0; n < ev->n; n++) {
        cs_suite_t *s = &ev->suites[n];

        gnutls_cipher_suite_info(n, s->id, &s->kx, &s->cipher, &s->mac,
                                 &min);
        s->name = sslx_cipher_openssl_name(s->id);
        s->mask.id = ((unsigned int)s->id[0] << 8 | s->id[1]) + 1;
        sslx_cipher_classify(s->id, s->kx, s->cipher, s->mac, &s->mask.cls);
    }
}

/* The pattern of an OpenSSL suite name; 0 when name is none. */
static int cs_suite_mask(const cs_eval_t *ev, const char *name,
                         cs_mask_t *a)
{
    int i;

    for (i = 0; i < ev->n; i++) {
        if (ev->suites[i].name && !strcmp(name, ev->suites[i].name)) {
            a->id = ev->suites[i].mask.id;
            return 1;
        }
    }
    return 0;
}

/* Narrow pattern *m by pattern *a, as OpenSSL joins names with '+': each
 * field keeps what both allow, and an empty field matches nothing. */
static void cs_mask_narrow(cs_mask_t *m, const cs_mask_t *a)
{
    apr_uint32_t *mf = m->cls.f;
    const apr_uint32_t *af = a->cls.f;
    int i;

    for (i = 0; i < SSLX_CIPHER_F_N; i++) {
        if (af[i] && mf[i]) {
            mf[i] &= af[i];
            mf[i] = mf[i] ? mf[i] : SSLX_CIPHER_NO_CLASS;
        }
        else if (af[i]) {
            mf[i] = af[i];
        }
    }
    if (a->id && m->id && a->id != m->id) {
        mf[SSLX_CIPHER_F_ENC] = SSLX_CIPHER_NO_CLASS;
    }
    m->id = a->id ? a->id : m->id;
}

/* Narrow pattern *m by one '+'-joined name.  Returns 0, or -1 when the
 * name is unknown or cannot be translated (*perr says why). */
static int cs_mask_name(cs_eval_t *ev, const char *name, cs_mask_t *m,
                        const char **perr)
{
    cs_mask_t a;

    memset(&a, 0, sizeof(a));
    if (!sslx_cipher_alias(name, &a.cls) && !cs_suite_mask(ev, name, &a)) {
        *perr = apr_psprintf(ev->p, "'%s' is neither an OpenSSL cipher "
                             "suite GnuTLS supports nor a cipher alias "
                             "that can be translated (names are "
                             "case-sensitive)", name);
        return -1;
    }
    cs_mask_narrow(m, &a);
    return 0;
}

/* The pattern of a word without its operator: names joined by '+'. */
static int cs_mask_word(cs_eval_t *ev, const char *word, cs_mask_t *m,
                        const char **perr)
{
    char *copy = apr_pstrdup(ev->p, word);
    char *name, *last;

    memset(m, 0, sizeof(*m));
    if (*copy == '+' || copy[strlen(copy) - 1] == '+'
        || strstr(copy, "++")) {
        *perr = apr_psprintf(ev->p, "'%s': a '+' without a name on each "
                             "side", word);
        return -1;
    }
    for (name = apr_strtok(copy, "+", &last); name;
         name = apr_strtok(NULL, "+", &last)) {
        if (cs_mask_name(ev, name, m, perr) < 0) {
            return -1;
        }
    }
    return 0;
}

static int cs_match(const cs_mask_t *m, const cs_suite_t *s)
{
    int i;

    if (m->id && m->id != s->mask.id) {
        return 0;
    }
    for (i = 0; i < SSLX_CIPHER_F_N; i++) {
        if (m->cls.f[i] && !(m->cls.f[i] & s->mask.cls.f[i])) {
            return 0;
        }
    }
    return 1;
}

/* Apply one operator ('\0' add, '-' delete, '!' kill, '+' move to the
 * end) with a pattern, as OpenSSL does; the order of suites is kept as
 * the step (seq) that last added or moved them. */
static void cs_apply(cs_eval_t *ev, char op, const cs_mask_t *m,
                     const char *word)
{
    int i;

    ev->seq++;
    for (i = 0; i < ev->n; i++) {
        cs_suite_t *s = &ev->suites[i];

        if (!cs_match(m, s)) {
            continue;
        }
        if (op == '\0' && !s->killed && !s->seq) {
            s->seq = ev->seq;
            s->removed_by = NULL;
        }
        else if (op == '+' && s->seq) {
            s->seq = ev->seq;
        }
        else if (op == '-' && s->seq) {
            s->seq = 0;
            s->removed_by = word;
        }
        else if (op == '!') {
            s->seq = 0;
            s->killed = 1;
            s->removed_by = word;
        }
    }
}

/* One word of the spec, with its operator. */
static int cs_word(cs_eval_t *ev, const char *word, const char **perr)
{
    cs_mask_t m;
    char op = '\0';
    const char *w = word;

    if (*w == '!' || *w == '-' || *w == '+') {
        op = *w++;
    }
    if (*w == '\0') {
        *perr = apr_psprintf(ev->p, "'%s' names nothing", word);
        return -1;
    }
    if (!strcmp(w, "@STRENGTH")) {
        return 0;
    }
    if (!strncmp(w, "@SECLEVEL=", 10) && w[10] >= '0' && w[10] <= '5'
        && w[11] == '\0' && op == '\0') {
        ev->seclevel = w[10] - '0';
        return 0;
    }
    if (*w == '@' || !strcmp(w, "FIPS") || !strncmp(w, "SUITEB", 6)) {
        *perr = apr_psprintf(ev->p, "'%s' has no GnuTLS equivalent here; "
                             "use SSLXPriorities to say it in GnuTLS "
                             "terms", word);
        return -1;
    }
    if (!strcmp(w, "DEFAULT")) {
        *perr = "DEFAULT is only understood as the first word";
        return -1;
    }
    if (cs_mask_word(ev, w, &m, perr) < 0) {
        return -1;
    }
    cs_apply(ev, op, &m, word);
    return 0;
}

/* OpenSSL's DEFAULT, when it starts the spec: "ALL:!COMPLEMENTOFDEFAULT:
 * !eNULL".  Returns the rest of the spec. */
static const char *cs_default(cs_eval_t *ev, const char *spec)
{
    static const char *const expansion[] = {
        "ALL", "!COMPLEMENTOFDEFAULT", "!eNULL"
    };
    const char *err;
    size_t i;

    spec += strspn(spec, CS_SEPARATORS);
    if (strncmp(spec, "DEFAULT", 7) != 0
        || (spec[7] != '\0' && !strchr(CS_SEPARATORS, spec[7]))) {
        return spec;
    }
    for (i = 0; i < sizeof(expansion) / sizeof(expansion[0]); i++) {
        cs_word(ev, expansion[i], &err);
    }
    for (i = 0; i < (size_t)ev->n; i++) {
        if (ev->suites[i].removed_by) {
            ev->suites[i].removed_by = "DEFAULT";
        }
    }
    return spec + 7;
}

/* ---- from the selected set to GnuTLS's three lists ---------------- */

/* More than GnuTLS's suites use of any one kind (about 17 at most). */
#define CS_ALGS_MAX 32

/* One of the three lists: algorithm ids with their sort keys. */
typedef struct {
    int n;
    int alg[CS_ALGS_MAX];
    unsigned int key[CS_ALGS_MAX];
} cs_list_t;

/* A fixed preference (as in GnuTLS's NORMAL), to order what one word
 * selects at once. */
static unsigned int cs_rank(const int *pref, int alg)
{
    unsigned int r;

    for (r = 0; pref[r] != -1 && pref[r] != alg; r++) {
        continue;
    }
    return r;
}

static const int cs_kx_pref[] = {
    GNUTLS_KX_ECDHE_ECDSA, GNUTLS_KX_ECDHE_RSA, GNUTLS_KX_DHE_RSA,
    GNUTLS_KX_DHE_DSS, GNUTLS_KX_ECDHE_PSK, GNUTLS_KX_DHE_PSK,
    GNUTLS_KX_RSA_PSK, GNUTLS_KX_PSK, GNUTLS_KX_SRP_RSA, GNUTLS_KX_SRP_DSS,
    GNUTLS_KX_SRP, GNUTLS_KX_RSA, GNUTLS_KX_ANON_ECDH, GNUTLS_KX_ANON_DH, -1
};

static const int cs_cipher_pref[] = {
    GNUTLS_CIPHER_AES_256_GCM, GNUTLS_CIPHER_CHACHA20_POLY1305,
    GNUTLS_CIPHER_AES_128_GCM, GNUTLS_CIPHER_AES_256_CCM,
    GNUTLS_CIPHER_AES_128_CCM, GNUTLS_CIPHER_AES_256_CBC,
    GNUTLS_CIPHER_AES_128_CBC, GNUTLS_CIPHER_CAMELLIA_256_CBC,
    GNUTLS_CIPHER_CAMELLIA_128_CBC, GNUTLS_CIPHER_AES_256_CCM_8,
    GNUTLS_CIPHER_AES_128_CCM_8, GNUTLS_CIPHER_3DES_CBC,
    GNUTLS_CIPHER_ARCFOUR_128, GNUTLS_CIPHER_NULL, -1
};

static const int cs_mac_pref[] = {
    GNUTLS_MAC_AEAD, GNUTLS_MAC_SHA384, GNUTLS_MAC_SHA256, GNUTLS_MAC_SHA1,
    GNUTLS_MAC_MD5, -1
};

/* Add alg with its key, keeping the smallest key seen for it. */
static void cs_list_add(cs_list_t *l, int alg, unsigned int key)
{
    int i;

    for (i = 0; i < l->n && l->alg[i] != alg; i++) {
        continue;
    }
    if (i == l->n) {
        if (l->n == CS_ALGS_MAX) {
            return;
        }
        l->alg[l->n] = alg;
        l->key[l->n++] = key;
    }
    else if (key < l->key[i]) {
        l->key[i] = key;
    }
}

static int cs_list_has(const cs_list_t *l, int alg)
{
    int i;

    for (i = 0; i < l->n; i++) {
        if (l->alg[i] == alg) {
            return 1;
        }
    }
    return 0;
}

/* Key exchanges whose suites are not passed on (see the top of the
 * SSLCipherSuite part). */
static int cs_kx_left_out(gnutls_kx_algorithm_t kx)
{
    return kx == GNUTLS_KX_SRP || kx == GNUTLS_KX_SRP_RSA
           || kx == GNUTLS_KX_SRP_DSS || kx == GNUTLS_KX_RSA_PSK;
}

/* Collect the three lists from the selected suites: each algorithm sorts
 * by the first step that selected a suite using it, then by the fixed
 * preference.  Returns the number of suites passed on. */
static int cs_lists(const cs_eval_t *ev, cs_list_t *kx, cs_list_t *cipher,
                    cs_list_t *mac)
{
    int i, selected = 0;

    memset(kx, 0, sizeof(*kx));
    memset(cipher, 0, sizeof(*cipher));
    memset(mac, 0, sizeof(*mac));
    for (i = 0; i < ev->n; i++) {
        const cs_suite_t *s = &ev->suites[i];
        unsigned int base = s->seq * 64;

        if (!s->seq || cs_kx_left_out(s->kx)) {
            continue;
        }
        selected++;
        if (s->kx != GNUTLS_KX_UNKNOWN) {
            cs_list_add(kx, s->kx, base + cs_rank(cs_kx_pref, s->kx));
        }
        cs_list_add(cipher, s->cipher,
                    base + cs_rank(cs_cipher_pref, s->cipher));
        cs_list_add(mac, s->mac, base + cs_rank(cs_mac_pref, s->mac));
    }
    return selected;
}

/* The suites GnuTLS would enable with these lists must not include one
 * the spec removed: the translation would silently widen it.  (Only a
 * suite with an OpenSSL name can have been removed.) */
static const char *cs_check_widening(const cs_eval_t *ev,
                                     const cs_list_t *kx,
                                     const cs_list_t *cipher,
                                     const cs_list_t *mac)
{
    int i;

    for (i = 0; i < ev->n; i++) {
        const cs_suite_t *s = &ev->suites[i];
        int tls13 = s->kx == GNUTLS_KX_UNKNOWN;

        if (s->seq || !s->removed_by || !cs_list_has(cipher, s->cipher)
            || !cs_list_has(mac, s->mac)
            || (!tls13 && !cs_list_has(kx, s->kx))) {
            continue;
        }
        return apr_psprintf(ev->p, "'%s' cannot be honoured: GnuTLS "
                            "enables every combination of the key "
                            "exchanges, ciphers and MACs in use, so %s "
                            "would stay enabled; use SSLXPriorities",
                            s->removed_by, s->name);
    }
    return NULL;
}

/* Whether GnuTLS would have a TLS 1.3 suite with these lists: one whose
 * AEAD cipher is listed. */
static int cs_has_tls13(const cs_eval_t *ev, const cs_list_t *cipher,
                        const cs_list_t *mac)
{
    int i;

    for (i = 0; i < ev->n; i++) {
        const cs_suite_t *s = &ev->suites[i];

        if (s->kx == GNUTLS_KX_UNKNOWN && cs_list_has(cipher, s->cipher)
            && cs_list_has(mac, s->mac)) {
            return 1;
        }
    }
    return 0;
}

/* "-<ALL>:+a:+b..." for one list, sorted by key. */
static const char *cs_list_text(apr_pool_t *p, const char *all,
                                cs_list_t *l, const char *(*alg_name)(int))
{
    const char *text = all;
    int i, j;

    for (i = 1; i < l->n; i++) {
        for (j = i; j > 0 && l->key[j - 1] > l->key[j]; j--) {
            int alg = l->alg[j];
            unsigned int key = l->key[j];

            l->alg[j] = l->alg[j - 1];
            l->key[j] = l->key[j - 1];
            l->alg[j - 1] = alg;
            l->key[j - 1] = key;
        }
    }
    for (i = 0; i < l->n; i++) {
        text = apr_pstrcat(p, text, ":+", alg_name(l->alg[i]), NULL);
    }
    return text;
}

static const char *cs_kx_name(int alg)
{
    return gnutls_kx_get_name((gnutls_kx_algorithm_t)alg);
}

static const char *cs_cipher_name(int alg)
{
    return gnutls_cipher_get_name((gnutls_cipher_algorithm_t)alg);
}

static const char *cs_mac_name(int alg)
{
    return gnutls_mac_get_name((gnutls_mac_algorithm_t)alg);
}

/* The fragment for the selected set, or NULL with *perr set. */
static const char *cs_fragment(cs_eval_t *ev, const char *spec,
                               const char **perr)
{
    cs_list_t kx, cipher, mac;
    const char *frag;

    if (!cs_lists(ev, &kx, &cipher, &mac)) {
        *perr = apr_psprintf(ev->p, "'%s' selects no cipher suite that "
                             "GnuTLS can use here", spec);
        return NULL;
    }
    *perr = cs_check_widening(ev, &kx, &cipher, &mac);
    if (*perr) {
        return NULL;
    }
    frag = apr_pstrcat(ev->p,
                       cs_list_text(ev->p, "-CIPHER-ALL", &cipher,
                                    cs_cipher_name), ":",
                       cs_list_text(ev->p, "-MAC-ALL", &mac, cs_mac_name),
                       NULL);
    if (kx.n) {
        frag = apr_pstrcat(ev->p, frag, ":",
                           cs_list_text(ev->p, "-KX-ALL", &kx, cs_kx_name),
                           NULL);
    }
    if (!cs_has_tls13(ev, &cipher, &mac)) {
        frag = apr_pstrcat(ev->p, frag, ":-VERS-TLS1.3", NULL);
    }
    return frag;
}

/* OpenSSL's security levels as GnuTLS's profiles of the same strength. */
static const char *with_seclevel(apr_pool_t *p, const char *fragment,
                                 int level)
{
    static const char *const profiles[] = {
        NULL, "%PROFILE_LOW", "%PROFILE_MEDIUM", "%PROFILE_HIGH",
        "%PROFILE_ULTRA", "%PROFILE_FUTURE"
    };

    if (!fragment || level <= 0
        || level >= (int)(sizeof(profiles) / sizeof(profiles[0]))) {
        return fragment;
    }
    return apr_pstrcat(p, fragment, ":", profiles[level], NULL);
}

const char *sslx_compat_cipher_priority(apr_pool_t *p,
                                        const char *openssl_spec,
                                        const char **perr)
{
    cs_eval_t ev;
    char *rest, *word, *last;

    memset(&ev, 0, sizeof(ev));
    ev.p = p;
    ev.seclevel = -1;
    cs_load(&ev);
    rest = apr_pstrdup(p, cs_default(&ev, openssl_spec));
    for (word = apr_strtok(rest, CS_SEPARATORS, &last); word;
         word = apr_strtok(NULL, CS_SEPARATORS, &last)) {
        if (cs_word(&ev, word, perr) < 0) {
            return NULL;
        }
    }
    return with_seclevel(p, cs_fragment(&ev, openssl_spec, perr),
                         ev.seclevel);
}

static apr_status_t free_priority(void *data)
{
    gnutls_priority_deinit(data);
    return APR_SUCCESS;
}

int sslx_compat_make_priority(apr_pool_t *owner, gnutls_priority_t *pprio,
                              const char *text, const char **errpos)
{
    int rv = gnutls_priority_init(pprio, text, errpos);

    if (rv >= 0) {
        apr_pool_cleanup_register(owner, *pprio, free_priority,
                                  apr_pool_cleanup_null);
    }
    return rv;
}
