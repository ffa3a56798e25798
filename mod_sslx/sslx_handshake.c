/* sslx_handshake.c - what mod_sslx decides during the handshake.
 *
 * A GnuTLS hook runs before the ClientHello is processed: it reads the
 * server_name extension from the raw hello, finds the name-based vhost
 * for it among the vhosts of the connection's address, and switches the
 * session to that vhost's credentials and priorities while protocol
 * versions can still change.  Names nobody serves keep the address's
 * default vhost (RFC 6066 allows either; mod_ssl does the same).
 */
#include "sslx_private.h"

#include <apr_strings.h>
#include <apr_lib.h>
#include <http_core.h>
#include <http_vhost.h>
#include <http_protocol.h>

#include "sslx_cache.h"
#include "sslx_counters.h"
#include "sslx_handshake.h"
#include "sslx_config.h"
#include "sslx_log.h"
#include "sslx_md.h"
#include "sslx_ticket.h"

#define SSLX_EXT_SERVER_NAME 0
#define SSLX_SNI_HOST_NAME   0
#define SSLX_EXT_ALPN        16
#define SSLX_EXT_SESSION_TICKET 35
#define SSLX_EXT_PRE_SHARED_KEY 41
#define SSLX_EXT_SUPPORTED_VERSIONS 43

/* What the ClientHello asks for, read before GnuTLS processes it. */
typedef struct {
    apr_pool_t *pool;
    const char *name;               /* server_name, NULL: none */
    apr_array_header_t *alpn;       /* protocol names, NULL: no ALPN */
    int alpn_malformed;             /* an ALPN extension we cannot read */
    unsigned max_version;           /* highest version offered */
    const unsigned char *ticket_name; /* SSLX_TICKET_NAME_SIZE bytes into
                                       * the hello, or NULL */
    int ticket_ext;                 /* a TLS 1.2 session_ticket extension */
} sni_parse_t;

/* Host names only: letters, digits, '-', '.', '_' (a lenient but safe set;
 * anything else is ignored rather than matched against vhosts). */
static int is_host_name(const unsigned char *s, unsigned len)
{
    unsigned i;

    if (len == 0 || len > 255) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalnum(s[i]) && s[i] != '-' && s[i] != '.'
            && s[i] != '_') {
            return 0;
        }
    }
    return 1;
}

/* supported_versions: length (1), then versions (2 each). */
static void read_versions(sni_parse_t *sni, const unsigned char *data,
                          unsigned size)
{
    unsigned i, v;

    if (size < 1 || data[0] + 1u != size) {
        return;
    }
    sni->max_version = 0;
    for (i = 1; i + 1 < size; i += 2) {
        v = (data[i] << 8) | data[i + 1];
        /* Ignore GREASE and draft values: only 3.x counts. */
        if (data[i] == 3 && v > sni->max_version) {
            sni->max_version = v;
        }
    }
}

/* ALPN: list length (2), then names of length (1) + bytes.  A list
 * that is empty, or whose lengths do not add up, is marked malformed and
 * offers nothing. */
static void read_alpn(sni_parse_t *sni, const unsigned char *data,
                      unsigned size)
{
    unsigned pos = 2, len;
    apr_array_header_t *names;

    if (size < 3 || ((data[0] << 8) | data[1]) + 2u != size) {
        sni->alpn_malformed = 1;
        return;
    }
    names = apr_array_make(sni->pool, 3, sizeof(const char *));
    while (pos < size) {
        len = data[pos++];
        if (len == 0 || pos + len > size) {
            sni->alpn_malformed = 1;
            return;
        }
        APR_ARRAY_PUSH(names, const char *) =
            apr_pstrmemdup(sni->pool, (const char *)data + pos, len);
        pos += len;
    }
    sni->alpn = names;
}

/* GnuTLS checks an ALPN extension only when the session has a list of
 * protocols; an empty list makes it judge a malformed one itself, with
 * the alert and in the order gnutls-serv would. */
static int let_gnutls_reject_alpn(sslx_conn_t *sc)
{
    int rv = gnutls_alpn_set_protocols(sc->session, NULL, 0, 0);

    if (rv < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, sc->c, SSLXLOGNO(01310)
                      "%s", sslx_log_describe(sc->c->pool, "setting an "
                                              "empty ALPN list", rv));
    }
    return rv;
}

/* The ticket offered: a TLS 1.2 session_ticket is the ticket itself; a
 * TLS 1.3 pre_shared_key lists identities (length 2, then each of
 * length 2 + bytes + age 4), of which GnuTLS tries the first. */
static void read_ticket_name(sni_parse_t *sni, unsigned tls_id,
                             const unsigned char *data, unsigned size)
{
    unsigned id_len;

    if (tls_id == SSLX_EXT_SESSION_TICKET) {
        sni->ticket_ext = 1;
        sni->ticket_name = size >= SSLX_TICKET_NAME_SIZE ? data : NULL;
        return;
    }
    if (size < 4) {
        return;
    }
    id_len = (data[2] << 8) | data[3];
    if (id_len >= SSLX_TICKET_NAME_SIZE && 4u + id_len <= size) {
        sni->ticket_name = data + 4;
    }
}

/* server_name: list length (2), then entries of type (1), length (2). */
static int read_server_name(void *ctx, unsigned tls_id,
                            const unsigned char *data, unsigned size)
{
    sni_parse_t *sni = ctx;
    unsigned list_len, name_len;

    if (tls_id == SSLX_EXT_SESSION_TICKET
        || tls_id == SSLX_EXT_PRE_SHARED_KEY) {
        read_ticket_name(sni, tls_id, data, size);
        return 0;
    }
    if (tls_id == SSLX_EXT_ALPN) {
        read_alpn(sni, data, size);
        return 0;
    }
    if (tls_id == SSLX_EXT_SUPPORTED_VERSIONS) {
        read_versions(sni, data, size);
        return 0;
    }
    if (tls_id != SSLX_EXT_SERVER_NAME || size < 5) {
        return 0;
    }
    list_len = (data[0] << 8) | data[1];
    if (list_len + 2 != size || data[2] != SSLX_SNI_HOST_NAME) {
        return 0;
    }
    name_len = (data[3] << 8) | data[4];
    if (name_len + 5 > size || !is_host_name(data + 5, name_len)) {
        return 0;
    }
    sni->name = apr_pstrmemdup(sni->pool, (const char *)data + 5, name_len);
    return 0;
}

static int name_matches(const server_rec *s, const char *name)
{
    const char **names;
    int i;

    if (s->server_hostname && !strcasecmp(s->server_hostname, name)) {
        return 1;
    }
    if (s->names) {
        names = (const char **)s->names->elts;
        for (i = 0; i < s->names->nelts; i++) {
            if (names[i] && !strcasecmp(names[i], name)) {
                return 1;
            }
        }
    }
    if (s->wild_names) {
        names = (const char **)s->wild_names->elts;
        for (i = 0; i < s->wild_names->nelts; i++) {
            if (names[i] && !ap_strcasecmp_match(name, names[i])) {
                return 1;
            }
        }
    }
    return 0;
}

typedef struct {
    const char *name;
    server_rec *found;
} vhost_search_t;

static int match_vhost(void *baton, conn_rec *c, server_rec *s)
{
    vhost_search_t *search = baton;

    (void)c;
    if (name_matches(s, search->name) && sslx_config_srv(s)->tls) {
        search->found = s;
        return 1;
    }
    return 0;
}

static int select_vhost(sslx_conn_t *sc, const char *name)
{
    vhost_search_t search;
    int rv;

    search.name = name;
    search.found = NULL;
    ap_vhost_iterate_given_conn(sc->c, match_vhost, &search);
    if (!search.found) {
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(01301)
                      "SNI '%s' names no TLS vhost here, using %s", name,
                      sc->server->server_hostname);
        return 0;
    }
    if ((rv = sslx_conn_use_vhost(sc, search.found)) < 0) {
        /* Half-switched settings must not serve: end the handshake. */
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, sc->c, SSLXLOGNO(01302)
                      "%s", sslx_log_describe(sc->c->pool, apr_psprintf(
                      sc->c->pool, "switching to vhost %s for SNI '%s'",
                      search.found->server_hostname, name), rv));
        return rv;
    }
    ap_log_cerror(APLOG_MARK, APLOG_TRACE1, 0, sc->c,
                  "SNI '%s' selects vhost %s (%s:%u)", name,
                  search.found->server_hostname,
                  search.found->defn_name ? search.found->defn_name : "?",
                  search.found->defn_line_number);
    return 0;
}

/* httpd's Protocols decide (ap_select_protocol, as for mod_ssl); GnuTLS
 * is offered exactly the choice, or http/1.1 as "mandatory" when nothing
 * fits, which ends the handshake with no_application_protocol. */
static int offer_protocol(sslx_conn_t *sc, apr_array_header_t *choices)
{
    const char *proto;
    gnutls_datum_t offer;
    unsigned flags = 0;
    int rv;

    proto = ap_select_protocol(sc->c, NULL, sc->server, choices);
    if (!proto) {
        ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, sc->c, SSLXLOGNO(01307)
                      "no protocol offered by the client via ALPN is "
                      "enabled for vhost %s", sc->server->server_hostname);
        proto = "http/1.1";
        flags = GNUTLS_ALPN_MANDATORY;
    }
    else {
        sc->alpn = proto;
    }
    offer.data = (unsigned char *)proto;
    offer.size = (unsigned)strlen(proto);
    rv = gnutls_alpn_set_protocols(sc->session, &offer, 1, flags);
    if (rv < 0) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, 0, sc->c, SSLXLOGNO(01308)
                      "%s", sslx_log_describe(sc->c->pool, "setting ALPN",
                                              rv));
    }
    return rv;
}

/* A ClientHello after the first (the second one after a
 * HelloRetryRequest, or a TLS 1.2 renegotiation) changes nothing: the
 * vhost, its verify settings and its ticket keys were fixed by the first.
 * One that names another server is refused, so no handshake can be
 * started under one vhost's rules and finished under another's. */
static int later_hello(sslx_conn_t *sc, const sni_parse_t *sni)
{
    int same = sni->name ? (sc->sni && !strcasecmp(sc->sni, sni->name))
                         : (sc->sni == NULL);

    if (same) {
        return 0;
    }
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, sc->c, SSLXLOGNO(01309)
                  "a later ClientHello names server '%s' on a connection "
                  "made for '%s': handshake refused",
                  sni->name ? sni->name : "(none)",
                  sc->sni ? sc->sni : "(none)");
    return GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER;
}

/* A renegotiation the server started ignores the ticket the client
 * offers (its priority says %NO_TICKETS: resuming would bring no
 * certificate).  GnuTLS clients still expect the NewSessionTicket their
 * first handshake arranged, and GnuTLS servers send it only with tickets
 * on: once the hello has been read, they are switched back on for the
 * rest of this handshake, which then issues a fresh ticket as OpenSSL
 * servers do. */
static void reissue_ticket(sslx_conn_t *sc)
{
    if (sc->renegotiating && sc->hello_asks_ticket) {
        gnutls_session_ticket_enable_client(sc->session);
    }
}

static int client_hello_hook(gnutls_session_t session, unsigned int htype,
                             unsigned when, unsigned int incoming,
                             const gnutls_datum_t *msg)
{
    sslx_conn_t *sc = gnutls_session_get_ptr(session);
    sni_parse_t sni;
    int rv;

    if (htype != GNUTLS_HANDSHAKE_CLIENT_HELLO || !incoming) {
        return 0;
    }
    if (when == GNUTLS_HOOK_POST) {
        reissue_ticket(sc);
        return 0;
    }
    sni.pool = sc->c->pool;
    sni.name = NULL;
    sni.alpn = NULL;
    sni.alpn_malformed = 0;
    sni.ticket_name = NULL;
    sni.ticket_ext = 0;
    /* legacy_version leads the hello; supported_versions may raise it. */
    sni.max_version = msg->size >= 2 ? (msg->data[0] << 8) | msg->data[1]
                                     : 0;
    rv = gnutls_ext_raw_parse(&sni, read_server_name, msg,
                              GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO);
    if (rv < 0) {
        /* GnuTLS will reject the malformed hello itself, with an alert. */
        ap_log_cerror(APLOG_MARK, APLOG_DEBUG, 0, sc->c, SSLXLOGNO(01303)
                      "%s", sslx_log_describe(sc->c->pool, "parsing "
                                              "ClientHello extensions", rv));
        return 0;
    }
    if (sc->hello_seen) {
        sc->hello_asks_ticket = sni.ticket_ext;
        return later_hello(sc, &sni);
    }
    sc->hello_seen = 1;
    sc->sni = sni.name;
    if (sni.name && (rv = select_vhost(sc, sni.name)) < 0) {
        return rv;
    }
    sc->client_max_version = sni.max_version;
    if ((rv = sslx_conn_use_priority(sc)) < 0) {
        return rv;
    }
    if (sni.alpn && (rv = offer_protocol(sc, sni.alpn)) < 0) {
        return rv;
    }
    if (sni.alpn_malformed && (rv = let_gnutls_reject_alpn(sc)) < 0) {
        return rv;
    }
    if ((rv = sslx_md_answer_challenge(sc)) < 0 || sc->challenge) {
        /* A challenge is answered in a full handshake, never resumed. */
        return rv;
    }
    /* The vhost is final: GnuTLS cannot take tickets back once enabled,
     * so resumption is set up here and not at connection start. */
    return sslx_cache_session_init(sc->session, sc->c, sc->server,
                                   sni.ticket_name);
}

void sslx_handshake_completed(sslx_conn_t *sc)
{
    gnutls_protocol_t version = gnutls_protocol_get_version(sc->session);
    apr_status_t rv;

    sslx_counters_add(sc->server, gnutls_session_is_resumed(sc->session)
                                  ? SSLX_CNT_RESUMED : SSLX_CNT_FULL);
    if (version == GNUTLS_TLS1_3 || version == GNUTLS_TLS1_2) {
        sslx_counters_add(sc->server, version == GNUTLS_TLS1_3
                                      ? SSLX_CNT_TLS13 : SSLX_CNT_TLS12);
    }

    if (!sc->alpn || !strcmp(sc->alpn, ap_get_protocol(sc->c))) {
        return;
    }
    rv = ap_switch_protocol(sc->c, NULL, sc->server, sc->alpn);
    if (rv != APR_SUCCESS) {
        ap_log_cerror(APLOG_MARK, APLOG_ERR, rv, sc->c, SSLXLOGNO(01306)
                      "switching to protocol '%s' chosen by ALPN failed",
                      sc->alpn);
    }
}

void sslx_handshake_setup(sslx_conn_t *sc)
{
    gnutls_handshake_set_hook_function(sc->session,
                                       GNUTLS_HANDSHAKE_CLIENT_HELLO,
                                       GNUTLS_HOOK_BOTH, client_hello_hook);
}

void sslx_handshake_log_failure(sslx_conn_t *sc, const char *what, int rv)
{
    conn_rec *c = sc->c;
    const char *alert;

    if (rv == GNUTLS_E_FATAL_ALERT_RECEIVED
        || rv == GNUTLS_E_WARNING_ALERT_RECEIVED) {
        alert = gnutls_alert_get_name(gnutls_alert_get(sc->session));
        ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, c, SSLXLOGNO(01304)
                      "%s: client sent alert '%s'", what,
                      alert ? alert : "unknown");
        return;
    }
    ap_log_cerror(APLOG_MARK, APLOG_INFO, 0, c, SSLXLOGNO(01305) "%s",
                  sslx_log_describe(c->pool, what, rv));
}
