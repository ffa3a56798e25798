/*
 * tlsprobe: a TLS client for tests that need what no stock client does:
 * a different SNI in the second ClientHello after a HelloRetryRequest, or
 * in a TLS 1.2 renegotiation; resumption with a saved session; TLS 1.3
 * post-handshake authentication.
 *
 * Written against the GnuTLS API for the mod_sslx Apache::Test suite.  It
 * sends one or more HTTP/1.1 GET requests and prints one fact per line on
 * stdout (client_hello:, hrr:, handshake:, protocol:, resumed:, alert:,
 * rehandshake:, reauth:, status:, body-begin/body-end, session:, error:,
 * closed:).  Exit codes: 0 all well, 1 handshake failed, 2 failure after
 * the handshake, 3 timeout, 4 usage or setup error (message on stderr).
 *
 * Build:
 *   gcc -Wall -Wextra -Werror -O1 -o tlsprobe tlsprobe.c \
 *       $(pkg-config --cflags --libs gnutls)
 */

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#define EXIT_ALL_OK       0
#define EXIT_HANDSHAKE    1
#define EXIT_AFTER        2
#define EXIT_TIMEOUT      3
#define EXIT_SETUP        4

#define RECV_CHUNK        16384
#define MAX_SESSION_FILE  (1024 * 1024)
#define TLS_EXT_SNI       0

typedef struct {
    const char *host;
    const char *port;
    const char *sni;
    const char *host_header;
    const char *hrr_sni;
    const char *reneg_sni;
    const char *priority;
    const char *cert;
    const char *key;
    const char *sess_in;
    const char *sess_out;
    const char *path;
    long requests;
    long timeout;
    int no_tickets;
    int no_pha;
} options_t;

typedef struct {
    gnutls_session_t session;
    const options_t *opt;
    char *buf;              /* received plaintext not yet consumed */
    size_t len;
    size_t cap;
    int hrr;                /* a HelloRetryRequest was received */
    int eof;                /* the peer ended the connection */
    int failed;             /* something after the handshake failed */
    const char *closed;     /* "close_notify" or "eof" once eof is set */
    int close_err;          /* the GnuTLS error that ended the connection */
} conn_t;

typedef struct {
    char names[256];
    size_t len;
    int count;
} sni_list_t;

static void usage(const char *msg)
{
    if (msg) {
        fprintf(stderr, "tlsprobe: %s\n", msg);
    }
    fprintf(stderr,
        "usage: tlsprobe --port P [--host 127.0.0.1] [--sni NAME]\n"
        "         [--hrr-sni NAME] [--reneg-sni NAME] [--priority STRING]\n"
        "         [--cert FILE --key FILE] [--sess-in FILE]"
        " [--sess-out FILE]\n"
        "         [--path /some/path] [--requests N] [--no-tickets]"
        " [--no-pha]\n"
        "         [--timeout SECS] [--host-header NAME]\n");
    exit(EXIT_SETUP);
}

static void setup_failed(const char *what, int ret)
{
    const char *name = gnutls_strerror_name(ret);

    fprintf(stderr, "tlsprobe: %s: %s (%s)\n", what,
            name ? name : "unknown", gnutls_strerror(ret));
    exit(EXIT_SETUP);
}

static void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size);

    if (p == NULL) {
        fprintf(stderr, "tlsprobe: out of memory\n");
        exit(EXIT_SETUP);
    }
    return p;
}

static void on_alarm(int sig)
{
    static const char msg[] = "error: timeout\n";
    ssize_t n;

    (void)sig;
    n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    (void)n;
    _exit(EXIT_TIMEOUT);
}

/* Print "<prefix> <GNUTLS_E_NAME> (<text>)". */
static void print_error(const char *prefix, int ret)
{
    const char *name = gnutls_strerror_name(ret);

    printf("%s %s (%s)\n", prefix, name ? name : "unknown",
           gnutls_strerror(ret));
}

static void print_alert(gnutls_session_t session)
{
    gnutls_alert_description_t alert = gnutls_alert_get(session);
    const char *name = gnutls_alert_get_name(alert);

    printf("alert: %d %s\n", (int)alert, name ? name : "unknown");
}

static long parse_long(const char *arg, const char *opt, long min, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < min || v > max) {
        fprintf(stderr, "tlsprobe: bad value for %s: %s\n", opt, arg);
        usage(NULL);
    }
    return v;
}

static void parse_options(int argc, char **argv, options_t *opt)
{
    enum {
        O_PORT = 1, O_HOST, O_SNI, O_HRR_SNI, O_RENEG_SNI, O_PRIORITY,
        O_CERT, O_KEY, O_SESS_IN, O_SESS_OUT, O_PATH, O_REQUESTS,
        O_NO_TICKETS, O_NO_PHA, O_TIMEOUT, O_HOST_HEADER, O_HELP
    };
    static const struct option longopts[] = {
        { "port", required_argument, NULL, O_PORT },
        { "host", required_argument, NULL, O_HOST },
        { "sni", required_argument, NULL, O_SNI },
        { "hrr-sni", required_argument, NULL, O_HRR_SNI },
        { "reneg-sni", required_argument, NULL, O_RENEG_SNI },
        { "priority", required_argument, NULL, O_PRIORITY },
        { "cert", required_argument, NULL, O_CERT },
        { "key", required_argument, NULL, O_KEY },
        { "sess-in", required_argument, NULL, O_SESS_IN },
        { "sess-out", required_argument, NULL, O_SESS_OUT },
        { "path", required_argument, NULL, O_PATH },
        { "requests", required_argument, NULL, O_REQUESTS },
        { "no-tickets", no_argument, NULL, O_NO_TICKETS },
        { "no-pha", no_argument, NULL, O_NO_PHA },
        { "timeout", required_argument, NULL, O_TIMEOUT },
        { "host-header", required_argument, NULL, O_HOST_HEADER },
        { "help", no_argument, NULL, O_HELP },
        { NULL, 0, NULL, 0 }
    };
    int c;

    memset(opt, 0, sizeof(*opt));
    opt->host = "127.0.0.1";
    opt->priority = "NORMAL";
    opt->path = "/";
    opt->requests = 1;
    opt->timeout = 20;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_PORT:
            parse_long(optarg, "--port", 1, 65535);
            opt->port = optarg;
            break;
        case O_HOST:
            opt->host = optarg;
            break;
        case O_SNI:
            opt->sni = optarg;
            break;
        case O_HRR_SNI:
            opt->hrr_sni = optarg;
            break;
        case O_RENEG_SNI:
            opt->reneg_sni = optarg;
            break;
        case O_PRIORITY:
            opt->priority = optarg;
            break;
        case O_CERT:
            opt->cert = optarg;
            break;
        case O_KEY:
            opt->key = optarg;
            break;
        case O_SESS_IN:
            opt->sess_in = optarg;
            break;
        case O_SESS_OUT:
            opt->sess_out = optarg;
            break;
        case O_PATH:
            opt->path = optarg;
            break;
        case O_REQUESTS:
            opt->requests = parse_long(optarg, "--requests", 1, 10000);
            break;
        case O_NO_TICKETS:
            opt->no_tickets = 1;
            break;
        case O_NO_PHA:
            opt->no_pha = 1;
            break;
        case O_TIMEOUT:
            opt->timeout = parse_long(optarg, "--timeout", 0, 86400);
            break;
        case O_HOST_HEADER:
            opt->host_header = optarg;
            break;
        default:
            usage(NULL);
        }
    }
    if (optind < argc) {
        usage("unexpected argument");
    }
    if (opt->port == NULL) {
        usage("--port is required");
    }
    if ((opt->cert == NULL) != (opt->key == NULL)) {
        usage("--cert and --key go together");
    }
}

/* Handshake hook helpers: collect the server_name entries of a hello. */
static int sni_ext_cb(void *ctx, unsigned tls_id, const unsigned char *data,
                      unsigned size)
{
    sni_list_t *list = ctx;
    size_t off, end, nlen;

    if (tls_id != TLS_EXT_SNI || size < 2) {
        return 0;
    }
    end = 2 + (((size_t)data[0] << 8) | data[1]);
    if (end > size) {
        end = size;
    }
    off = 2;
    while (off + 3 <= end) {
        nlen = ((size_t)data[off + 1] << 8) | data[off + 2];
        off += 3;
        if (nlen > end - off) {
            break;
        }
        if (data[off - 3] == 0
            && list->len + nlen + 2 < sizeof(list->names)) {
            if (list->count++) {
                list->names[list->len++] = ',';
            }
            memcpy(list->names + list->len, data + off, nlen);
            list->len += nlen;
            list->names[list->len] = '\0';
        }
        off += nlen;
    }
    return 0;
}

static int handshake_hook(gnutls_session_t session, unsigned int htype,
                          unsigned when, unsigned int incoming,
                          const gnutls_datum_t *msg)
{
    conn_t *c = gnutls_session_get_ptr(session);
    sni_list_t list;
    int ret;

    (void)when;
    if (htype == GNUTLS_HANDSHAKE_CLIENT_HELLO && !incoming) {
        memset(&list, 0, sizeof(list));
        ret = gnutls_ext_raw_parse(&list, sni_ext_cb, msg,
                                   GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO);
        if (ret < 0) {
            print_error("error: client_hello parse", ret);
            return 0;
        }
        printf("client_hello: sni=%s\n", list.count ? list.names : "-");
    }
    else if (htype == GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST && incoming) {
        c->hrr = 1;
        if (c->opt->hrr_sni) {
            ret = gnutls_server_name_set(session, GNUTLS_NAME_DNS,
                                         c->opt->hrr_sni,
                                         strlen(c->opt->hrr_sni));
            if (ret < 0) {
                print_error("error: hrr-sni", ret);
                return ret;
            }
        }
    }
    return 0;
}

static void buf_append(conn_t *c, const char *data, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        c->cap = (c->len + n + 1) * 2;
        c->buf = xrealloc(c->buf, c->cap);
    }
    memcpy(c->buf + c->len, data, n);
    c->len += n;
    c->buf[c->len] = '\0';
}

static void buf_consume(conn_t *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
    c->buf[c->len] = '\0';
}

/*
 * Run the handshake (reauth == 0) or a post-handshake authentication
 * (reauth != 0) to the end.  Alerts are printed as they come; application
 * data arriving in the middle is kept for the HTTP reader.  Returns 0 or
 * the fatal GnuTLS error.
 */
static int drive_handshake(conn_t *c, int reauth)
{
    char tmp[RECV_CHUNK];
    ssize_t n;
    int ret;

    for (;;) {
        if (reauth) {
            ret = gnutls_reauth(c->session, 0);
        }
        else {
            ret = gnutls_handshake(c->session);
        }
        if (ret == GNUTLS_E_SUCCESS) {
            return 0;
        }
        if (ret == GNUTLS_E_WARNING_ALERT_RECEIVED) {
            print_alert(c->session);
            continue;
        }
        if (ret == GNUTLS_E_GOT_APPLICATION_DATA) {
            do {
                n = gnutls_record_recv(c->session, tmp, sizeof(tmp));
            } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
            if (n > 0) {
                buf_append(c, tmp, (size_t)n);
                continue;
            }
            if (n == 0) {
                return GNUTLS_E_PREMATURE_TERMINATION;
            }
            ret = (int)n;
        }
        if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
            print_alert(c->session);
            return ret;
        }
        if (gnutls_error_is_fatal(ret)) {
            return ret;
        }
    }
}

static int rehandshake(conn_t *c)
{
    const char *name = c->opt->reneg_sni;
    int ret;

    if (name) {
        ret = gnutls_server_name_set(c->session, GNUTLS_NAME_DNS, name,
                                     strlen(name));
        if (ret < 0) {
            print_error("rehandshake: failed", ret);
            return ret;
        }
    }
    ret = drive_handshake(c, 0);
    if (ret < 0) {
        print_error("rehandshake: failed", ret);
        return ret;
    }
    printf("rehandshake: ok\n");
    return 0;
}

static int reauth(conn_t *c)
{
    int ret = drive_handshake(c, 1);

    if (ret < 0) {
        print_error("reauth: failed", ret);
        return ret;
    }
    printf("reauth: ok\n");
    return 0;
}

/* The connection is dead: remember why, for the closed: line. */
static int conn_fail(conn_t *c, int ret)
{
    c->eof = 1;
    c->failed = 1;
    c->close_err = ret;
    return -1;
}

/*
 * Read more plaintext into c->buf, handling renegotiation, post-handshake
 * authentication and alerts on the way.  Returns the number of bytes
 * added, 0 when the peer ended the connection, -1 on failure (printed).
 */
static int fill(conn_t *c)
{
    char tmp[RECV_CHUNK];
    size_t before = c->len;
    ssize_t n;
    int ret;

    if (c->eof) {
        return c->close_err ? -1 : 0;
    }
    for (;;) {
        n = gnutls_record_recv(c->session, tmp, sizeof(tmp));
        if (n > 0) {
            buf_append(c, tmp, (size_t)n);
            return (int)n;
        }
        if (n == 0) {
            c->eof = 1;
            c->closed = "close_notify";
            return 0;
        }
        ret = (int)n;
        switch (ret) {
        case GNUTLS_E_AGAIN:
        case GNUTLS_E_INTERRUPTED:
            break;
        case GNUTLS_E_REHANDSHAKE:
            ret = rehandshake(c);
            if (ret < 0) {
                return conn_fail(c, ret);
            }
            break;
        case GNUTLS_E_REAUTH_REQUEST:
            ret = reauth(c);
            if (ret < 0) {
                return conn_fail(c, ret);
            }
            break;
        case GNUTLS_E_WARNING_ALERT_RECEIVED:
            print_alert(c->session);
            break;
        case GNUTLS_E_PREMATURE_TERMINATION:
            c->eof = 1;
            c->closed = "eof";
            return 0;
        case GNUTLS_E_FATAL_ALERT_RECEIVED:
            print_alert(c->session);
            return conn_fail(c, ret);
        default:
            if (gnutls_error_is_fatal(ret)) {
                print_error("error: recv", ret);
                return conn_fail(c, ret);
            }
            break;
        }
        /* data that came in during a rehandshake or reauth */
        if (c->len > before) {
            return (int)(c->len - before);
        }
    }
}

static int send_all(conn_t *c, const char *data, size_t len)
{
    ssize_t n;

    while (len > 0) {
        n = gnutls_record_send(c->session, data, len);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            continue;
        }
        if (n < 0) {
            print_error("error: send", (int)n);
            /* the server may have said why before it went away */
            if (fill(c) >= 0 && !c->eof) {
                conn_fail(c, (int)n);
            }
            c->failed = 1;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static int http_error(conn_t *c, const char *what)
{
    printf("error: http %s\n", what);
    c->failed = 1;
    return -1;
}

/* Make sure c->buf holds at least want bytes; -1 when it cannot. */
static int need(conn_t *c, size_t want, const char *what)
{
    int ret;

    while (c->len < want) {
        ret = fill(c);
        if (ret < 0) {
            return -1;
        }
        if (ret == 0 && c->len < want) {
            return http_error(c, what);
        }
    }
    return 0;
}

/* Offset just past the first "\r\n" in c->buf, or 0 if none yet. */
static size_t find_crlf(const conn_t *c)
{
    size_t i;

    for (i = 0; i + 1 < c->len; i++) {
        if (c->buf[i] == '\r' && c->buf[i + 1] == '\n') {
            return i + 2;
        }
    }
    return 0;
}

/* Offset just past the "\r\n\r\n" ending the header, or 0 if none yet. */
static size_t find_head_end(const conn_t *c)
{
    size_t i;

    for (i = 0; i + 3 < c->len; i++) {
        if (memcmp(c->buf + i, "\r\n\r\n", 4) == 0) {
            return i + 4;
        }
    }
    return 0;
}

/* Read one full line (ending in CRLF) from the start of c->buf. */
static int need_line(conn_t *c, size_t *end, const char *what)
{
    int ret;

    while ((*end = find_crlf(c)) == 0) {
        ret = fill(c);
        if (ret < 0) {
            return -1;
        }
        if (ret == 0) {
            return http_error(c, what);
        }
    }
    return 0;
}

static int contains_token(const char *value, const char *token)
{
    size_t tlen = strlen(token);

    for (; *value; value++) {
        if (strncasecmp(value, token, tlen) == 0) {
            return 1;
        }
    }
    return 0;
}

typedef struct {
    int status;
    int chunked;
    int have_length;
    unsigned long long length;
    int conn_close;
} resp_head_t;

/* Parse the status line and headers in c->buf[0 .. end). */
static int parse_head(conn_t *c, size_t end, resp_head_t *h)
{
    char *line = c->buf, *next, *colon, *value;
    char *stop;
    int minor;

    memset(h, 0, sizeof(*h));
    if (sscanf(line, "HTTP/1.%d %3d", &minor, &h->status) != 2) {
        return http_error(c, "bad status line");
    }
    if (minor == 0) {
        h->conn_close = 1;
    }
    while (line < c->buf + end) {
        next = strstr(line, "\r\n");
        *next = '\0';
        colon = strchr(line, ':');
        if (colon && line != c->buf) {
            *colon = '\0';
            value = colon + 1;
            while (*value == ' ' || *value == '\t') {
                value++;
            }
            if (strcasecmp(line, "Content-Length") == 0) {
                errno = 0;
                h->length = strtoull(value, &stop, 10);
                if (errno || stop == value) {
                    return http_error(c, "bad Content-Length");
                }
                h->have_length = 1;
            }
            else if (strcasecmp(line, "Transfer-Encoding") == 0) {
                h->chunked = contains_token(value, "chunked");
            }
            else if (strcasecmp(line, "Connection") == 0) {
                if (contains_token(value, "close")) {
                    h->conn_close = 1;
                }
                else if (contains_token(value, "keep-alive")) {
                    h->conn_close = 0;
                }
            }
        }
        line = next + 2;
    }
    buf_consume(c, end);
    return 0;
}

static int read_chunked(conn_t *c, char **body, size_t *blen)
{
    unsigned long long size;
    size_t end;
    char *stop;

    for (;;) {
        if (need_line(c, &end, "truncated chunk header") < 0) {
            return -1;
        }
        errno = 0;
        size = strtoull(c->buf, &stop, 16);
        if (errno || stop == c->buf || size > (1ULL << 30)) {
            return http_error(c, "bad chunk size");
        }
        buf_consume(c, end);
        if (size == 0) {
            break;
        }
        if (need(c, (size_t)size + 2, "truncated chunk") < 0) {
            return -1;
        }
        if (memcmp(c->buf + size, "\r\n", 2) != 0) {
            return http_error(c, "chunk not followed by CRLF");
        }
        *body = xrealloc(*body, *blen + (size_t)size + 1);
        memcpy(*body + *blen, c->buf, (size_t)size);
        *blen += (size_t)size;
        buf_consume(c, (size_t)size + 2);
    }
    /* trailer fields, up to the empty line */
    for (;;) {
        if (need_line(c, &end, "truncated chunked trailer") < 0) {
            return -1;
        }
        buf_consume(c, end);
        if (end == 2) {
            return 0;
        }
    }
}

/*
 * Read one response, print its status and body.  *conn_close is set when
 * the server will not take another request on this connection.
 */
static int read_response(conn_t *c, int *conn_close)
{
    resp_head_t h;
    char *body = NULL;
    size_t blen = 0, end;
    int ret;

    for (;;) {
        while ((end = find_head_end(c)) == 0) {
            ret = fill(c);
            if (ret < 0) {
                return -1;
            }
            if (ret == 0) {
                return http_error(c, c->len ? "truncated response header"
                                            : "no response");
            }
        }
        if (parse_head(c, end, &h) < 0) {
            return -1;
        }
        /* interim responses (100 Continue and the like) carry no body */
        if (h.status < 100 || h.status >= 200 || h.status == 101) {
            break;
        }
    }
    printf("status: %d\n", h.status);
    *conn_close = h.conn_close;

    if (h.status == 204 || h.status == 304 || h.status == 101) {
        /* no body */
    }
    else if (h.chunked) {
        if (read_chunked(c, &body, &blen) < 0) {
            free(body);
            return -1;
        }
    }
    else if (h.have_length) {
        if (h.length > (1ULL << 30)) {
            return http_error(c, "Content-Length too large");
        }
        if (need(c, (size_t)h.length, "truncated body") < 0) {
            return -1;
        }
        blen = (size_t)h.length;
        body = xrealloc(NULL, blen + 1);
        memcpy(body, c->buf, blen);
        buf_consume(c, blen);
    }
    else {
        /* the body ends when the connection does */
        while ((ret = fill(c)) > 0) {
            continue;
        }
        if (ret < 0) {
            return -1;
        }
        blen = c->len;
        body = xrealloc(NULL, blen + 1);
        memcpy(body, c->buf, blen);
        buf_consume(c, blen);
        *conn_close = 1;
    }

    printf("body-begin\n");
    if (blen > 0) {
        fwrite(body, 1, blen, stdout);
        if (body[blen - 1] != '\n') {
            putchar('\n');
        }
    }
    printf("body-end\n");
    fflush(stdout);
    free(body);
    return 0;
}

static int send_request(conn_t *c, int last)
{
    const options_t *opt = c->opt;
    const char *host = opt->host_header ? opt->host_header
                       : opt->sni ? opt->sni : opt->host;
    size_t len = strlen(opt->path) + strlen(host) + 128;
    char *req = xrealloc(NULL, len);
    int ret;

    snprintf(req, len, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n",
             opt->path, host, last ? "Connection: close\r\n" : "");
    ret = send_all(c, req, strlen(req));
    free(req);
    return ret;
}

static void load_session(gnutls_session_t session, const char *file)
{
    FILE *fp = fopen(file, "rb");
    char *data = xrealloc(NULL, MAX_SESSION_FILE);
    size_t n;
    int ret;

    if (fp == NULL) {
        fprintf(stderr, "tlsprobe: %s: %s\n", file, strerror(errno));
        exit(EXIT_SETUP);
    }
    n = fread(data, 1, MAX_SESSION_FILE, fp);
    if (ferror(fp) || n == 0 || n == MAX_SESSION_FILE) {
        fprintf(stderr, "tlsprobe: %s: cannot read session data\n", file);
        exit(EXIT_SETUP);
    }
    fclose(fp);
    ret = gnutls_session_set_data(session, data, n);
    if (ret < 0) {
        setup_failed("gnutls_session_set_data", ret);
    }
    free(data);
}

/*
 * Write the resumption data to file.  A TLS 1.3 session is resumable only
 * with a ticket (without one GnuTLS hands out placeholder data), a TLS 1.2
 * one with a ticket or a session ID.
 */
static void save_session(conn_t *c, const char *file)
{
    gnutls_datum_t data = { NULL, 0 }, id;
    unsigned int ticket;
    int tls13 = gnutls_protocol_get_version(c->session) == GNUTLS_TLS1_3;
    FILE *fp;
    int ret, ok;

    ret = gnutls_session_get_data2(c->session, &data);
    if (ret < 0) {
        /* GNUTLS_E_INVALID_SESSION: the session is not resumable */
        printf("session: none\n");
        fprintf(stderr, "tlsprobe: gnutls_session_get_data2: %s\n",
                gnutls_strerror(ret));
        return;
    }
    ticket = gnutls_session_get_flags(c->session)
             & GNUTLS_SFLAGS_SESSION_TICKET;
    ret = gnutls_session_get_id2(c->session, &id);
    if (ret < 0) {
        print_error("error: session id", ret);
        id.size = 0;
    }
    if (!ticket && (tls13 || id.size == 0)) {
        printf("session: none\n");
        gnutls_free(data.data);
        return;
    }
    fp = fopen(file, "wb");
    ok = fp != NULL;
    if (ok && fwrite(data.data, 1, data.size, fp) != data.size) {
        ok = 0;
    }
    if (fp && fclose(fp) != 0) {
        ok = 0;
    }
    if (ok) {
        printf("session: saved\n");
    }
    else {
        printf("error: session cannot write %s: %s\n", file,
               strerror(errno));
        c->failed = 1;
    }
    gnutls_free(data.data);
}

static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1, ret, err = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    ret = getaddrinfo(host, port, &hints, &res);
    if (ret != 0) {
        fprintf(stderr, "tlsprobe: %s: %s\n", host, gai_strerror(ret));
        exit(EXIT_SETUP);
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "tlsprobe: connect to %s port %s: %s\n", host, port,
                strerror(err));
        exit(EXIT_SETUP);
    }
    return fd;
}

/*
 * After the handshake: the requests and responses, the session data, and
 * the end of the connection.
 */
static void exchange(conn_t *c)
{
    const options_t *opt = c->opt;
    const char *name;
    int conn_close = 0, ret;
    long i;

    for (i = 1; i <= opt->requests; i++) {
        if (send_request(c, i == opt->requests) < 0
            || read_response(c, &conn_close) < 0) {
            break;
        }
        if (conn_close && i < opt->requests) {
            http_error(c, "server closes the connection early");
            break;
        }
    }

    if (opt->sess_out) {
        save_session(c, opt->sess_out);
    }

    /*
     * The last request asked for the connection to be closed: wait for
     * that (the timeout guards against a server that does not).
     */
    if (!c->eof) {
        while ((ret = fill(c)) > 0) {
            continue;
        }
        if (ret == 0 && c->len > 0 && !c->failed) {
            http_error(c, "unexpected data after the last response");
        }
    }
    if (c->closed) {
        printf("closed: %s\n", c->closed);
    }
    else {
        name = gnutls_strerror_name(c->close_err);
        printf("closed: error %s\n", name ? name : "unknown");
    }
    if (c->closed && strcmp(c->closed, "close_notify") == 0) {
        ret = gnutls_bye(c->session, GNUTLS_SHUT_WR);
        if (ret < 0) {
            /* the server may be gone already: not a test failure */
            fprintf(stderr, "tlsprobe: gnutls_bye: %s\n",
                    gnutls_strerror(ret));
        }
    }
}

int main(int argc, char **argv)
{
    options_t opt;
    conn_t conn;
    gnutls_certificate_credentials_t cred;
    struct sigaction sa;
    const char *err_pos = NULL;
    unsigned int flags;
    int fd, ret, rc;

    parse_options(argc, argv, &opt);

    if (setvbuf(stdout, NULL, _IOLBF, 0) != 0) {
        fprintf(stderr, "tlsprobe: setvbuf failed\n");
        return EXIT_SETUP;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) != 0) {
        fprintf(stderr, "tlsprobe: sigaction: %s\n", strerror(errno));
        return EXIT_SETUP;
    }
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        fprintf(stderr, "tlsprobe: signal: %s\n", strerror(errno));
        return EXIT_SETUP;
    }
    alarm((unsigned int)opt.timeout);

    ret = gnutls_global_init();
    if (ret < 0) {
        setup_failed("gnutls_global_init", ret);
    }
    ret = gnutls_certificate_allocate_credentials(&cred);
    if (ret < 0) {
        setup_failed("gnutls_certificate_allocate_credentials", ret);
    }
    if (opt.cert) {
        ret = gnutls_certificate_set_x509_key_file(cred, opt.cert, opt.key,
                                                   GNUTLS_X509_FMT_PEM);
        if (ret < 0) {
            setup_failed("loading --cert/--key", ret);
        }
    }

    memset(&conn, 0, sizeof(conn));
    conn.opt = &opt;
    /*
     * One key share only, for the first group of the priority string, so
     * that a test can force a HelloRetryRequest by putting a group the
     * server lacks first (GnuTLS sends two shares by default).
     */
    flags = GNUTLS_CLIENT | GNUTLS_KEY_SHARE_TOP;
    if (!opt.no_pha) {
        flags |= GNUTLS_POST_HANDSHAKE_AUTH;
    }
    if (opt.no_tickets) {
        flags |= GNUTLS_NO_TICKETS;
    }
    ret = gnutls_init(&conn.session, flags);
    if (ret < 0) {
        setup_failed("gnutls_init", ret);
    }
    gnutls_session_set_ptr(conn.session, &conn);
    ret = gnutls_priority_set_direct(conn.session, opt.priority, &err_pos);
    if (ret < 0) {
        fprintf(stderr, "tlsprobe: bad priority string near '%s'\n",
                err_pos ? err_pos : "");
        setup_failed("gnutls_priority_set_direct", ret);
    }
    ret = gnutls_credentials_set(conn.session, GNUTLS_CRD_CERTIFICATE, cred);
    if (ret < 0) {
        setup_failed("gnutls_credentials_set", ret);
    }
    if (opt.sess_in) {
        load_session(conn.session, opt.sess_in);
    }
    if (opt.sni) {
        ret = gnutls_server_name_set(conn.session, GNUTLS_NAME_DNS, opt.sni,
                                     strlen(opt.sni));
        if (ret < 0) {
            setup_failed("gnutls_server_name_set", ret);
        }
    }
    gnutls_handshake_set_hook_function(conn.session, GNUTLS_HANDSHAKE_ANY,
                                       GNUTLS_HOOK_POST, handshake_hook);

    fd = tcp_connect(opt.host, opt.port);
    gnutls_transport_set_int(conn.session, fd);

    ret = drive_handshake(&conn, 0);
    printf("hrr: %d\n", conn.hrr);
    if (ret < 0) {
        print_error("handshake: failed", ret);
        rc = EXIT_HANDSHAKE;
    }
    else {
        printf("handshake: ok\n");
        printf("protocol: %s\n", gnutls_protocol_get_name(
                                     gnutls_protocol_get_version(
                                         conn.session)));
        printf("resumed: %d\n",
               gnutls_session_is_resumed(conn.session) ? 1 : 0);
        exchange(&conn);
        rc = conn.failed ? EXIT_AFTER : EXIT_ALL_OK;
    }

    close(fd);
    free(conn.buf);
    gnutls_deinit(conn.session);
    gnutls_certificate_free_credentials(cred);
    gnutls_global_deinit();
    return rc;
}
