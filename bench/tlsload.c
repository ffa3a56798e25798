/* tlsload.c - the load generator of bench/run.
 *
 * One thread, one epoll loop, -c connections in flight, OpenSSL as the
 * client library (no certificate verification: the CertificateVerify or
 * ServerKeyExchange signature is still checked, as the protocol demands).
 *
 *   tlsload MODE -p PORT [options]
 *
 * MODE:
 *   full      every connection is a new session: handshake, one
 *             "Connection: close" GET, read to EOF, close
 *   resume    as full, but every connection after the first offers the
 *             latest session the server gave (ticket, or session id
 *             with -T), as a browser returning to a site does
 *   ka        keep-alive: each connection sends GETs one after the other
 *             until the time is up
 *   idle      -n connections each send one keep-alive GET, read the
 *             response and then stay open; "ready" is printed and the
 *             connections are held until standard input reaches EOF
 * options:
 *   -p PORT   port on 127.0.0.1 (required)
 *   -c N      connections in flight (default 8); for idle, how many
 *             are set up at a time
 *   -n N      connections for idle (default 100)
 *   -d SECS   how long to start new work (default 5); work in flight
 *             when the time is up is finished and counted
 *   -u PATH   request path (default /1k.bin)
 *   -v VER    1.2 or 1.3 (default 1.3)
 *   -g LIST   key exchange groups (default X25519:P-256)
 *   -T        resume by session id (no tickets; TLS 1.2)
 *   -P        plain TCP, no TLS
 *
 * Prints one line of key=value pairs: ops (completed connections for
 * full/resume, responses for ka), secs, rate, mb (response bodies),
 * full and resumed (handshakes as the client saw them), errors, lat_ms
 * (mean time of one operation).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

enum mode { M_FULL, M_RESUME, M_KA, M_IDLE };
enum state { S_CONNECT, S_HANDSHAKE, S_WRITE, S_READ, S_IDLE, S_DONE };

typedef struct {
    int fd;
    SSL *ssl;
    enum state st;
    unsigned events;        /* what epoll watches */
    size_t sent;            /* request bytes written */
    char hdr[8192];         /* response head as it arrives */
    size_t hdr_len;
    int in_body;
    long long body_left;    /* -1: unknown, read to EOF */
    double t0;              /* start of the current operation */
} conn_t;

static enum mode mode = M_FULL;
static int port, conc = 8, nidle = 100, plain, by_id;
static double duration = 5;
static const char *path = "/1k.bin", *groups = "X25519:P-256";
static int tls13 = 1;

static SSL_CTX *ctx;
static SSL_SESSION *latest;     /* for resume */
static int epfd;
static char request[512];
static size_t request_len;
static char rbuf[1 << 16];

static long long ops, errors, full_hs, resumed_hs, body_bytes;
static double lat_sum;
static int stopping, ready_count, active;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "tlsload: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int new_session(SSL *ssl, SSL_SESSION *sess)
{
    (void)ssl;
    if (mode != M_RESUME) {
        return 0;
    }
    if (latest) {
        SSL_SESSION_free(latest);
    }
    latest = sess;
    return 1;               /* we keep the reference */
}

static void setup_tls(void)
{
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        fprintf(stderr, "tlsload: SSL_CTX_new failed\n");
        exit(2);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_min_proto_version(ctx, tls13 ? TLS1_3_VERSION
                                             : TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, tls13 ? TLS1_3_VERSION
                                             : TLS1_2_VERSION);
    if (!SSL_CTX_set1_groups_list(ctx, groups)) {
        fprintf(stderr, "tlsload: bad group list '%s'\n", groups);
        exit(2);
    }
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256");
    SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:"
                                 "ECDHE-RSA-AES128-GCM-SHA256");
    if (by_id) {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    /* Sessions are kept by new_session() alone, never looked up. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT
                                        | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, new_session);
}

static void watch(conn_t *c, unsigned ev)
{
    struct epoll_event e;

    if (c->events == ev) {
        return;
    }
    e.events = ev;
    e.data.ptr = c;
    if (epoll_ctl(epfd, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd,
                  &e) < 0) {
        die("epoll_ctl");
    }
    c->events = ev;
}

static void close_conn(conn_t *c)
{
    if (c->ssl) {
        /* Without this OpenSSL marks the session not resumable. */
        SSL_set_shutdown(c->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);       /* also leaves the epoll set */
        c->fd = -1;
    }
    c->events = 0;
    c->st = S_DONE;
    active--;
}

static void reset_response(conn_t *c)
{
    c->sent = 0;
    c->hdr_len = 0;
    c->in_body = 0;
    c->body_left = -1;
    c->t0 = now();
}

static void open_conn(conn_t *c)
{
    struct sockaddr_in sa;
    int one = 1;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        die("socket");
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->events = 0;
    c->ssl = NULL;
    active++;
    reset_response(c);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0
        && errno != EINPROGRESS) {
        die("connect");
    }
    c->st = S_CONNECT;
    watch(c, EPOLLOUT);
}

static void fail(conn_t *c, const char *why)
{
    errors++;
    if (errors <= 5) {
        unsigned long e = ERR_get_error();
        fprintf(stderr, "tlsload: connection failed: %s%s%s\n", why,
                e ? ": " : "", e ? ERR_error_string(e, NULL) : "");
    }
    ERR_clear_error();
    close_conn(c);
}

/* The head is complete: check the status, find Content-Length. */
static int parse_head(conn_t *c, size_t head_len)
{
    char *p, *end = c->hdr + head_len;

    if (head_len < 12 || strncmp(c->hdr, "HTTP/1.1 200", 12) != 0) {
        return -1;
    }
    c->body_left = -1;
    for (p = c->hdr; p < end; p++) {
        if ((p == c->hdr || p[-1] == '\n')
            && !strncasecmp(p, "Content-Length:", 15)) {
            c->body_left = strtoll(p + 15, NULL, 10);
        }
    }
    return 0;
}

/* Consumes n bytes of response; returns 1 when the response is done. */
static int take(conn_t *c, const char *data, size_t n)
{
    if (!c->in_body) {
        size_t room = sizeof(c->hdr) - 1 - c->hdr_len;
        size_t k = n < room ? n : room;
        char *eoh;

        memcpy(c->hdr + c->hdr_len, data, k);
        c->hdr_len += k;
        c->hdr[c->hdr_len] = '\0';
        eoh = strstr(c->hdr, "\r\n\r\n");
        if (!eoh) {
            return k == room ? -1 : 0;
        }
        size_t head = (size_t)(eoh + 4 - c->hdr);
        size_t old = c->hdr_len - k;     /* head bytes from earlier reads */
        if (parse_head(c, head) < 0) {
            return -1;
        }
        c->in_body = 1;
        data += head - old;
        n -= head - old;
    }
    body_bytes += (long long)n;
    if (c->body_left >= 0) {
        c->body_left -= (long long)n;
        return c->body_left <= 0;
    }
    return 0;
}

static void op_done(conn_t *c)
{
    ops++;
    lat_sum += now() - c->t0;
}

static ssize_t do_read(conn_t *c, int *want)
{
    int n, err;

    *want = EPOLLIN;
    if (!c->ssl) {
        ssize_t r = read(c->fd, rbuf, sizeof(rbuf));
        if (r < 0 && errno == EAGAIN) {
            return -2;
        }
        return r;
    }
    n = SSL_read(c->ssl, rbuf, sizeof(rbuf));
    if (n > 0) {
        return n;
    }
    err = SSL_get_error(c->ssl, n);
    if (err == SSL_ERROR_WANT_READ) {
        return -2;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
        *want = EPOLLOUT;
        return -2;
    }
    if (err == SSL_ERROR_ZERO_RETURN) {
        return 0;
    }
    /* A peer that closes without close_notify counts as EOF too. */
    if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_SSL) {
        ERR_clear_error();
        return 0;
    }
    return -1;
}

static void step(conn_t *c);

/* idle: at most -c connections are being set up at a time, so that the
 * server never runs out of idle workers (the event MPM closes keep-alive
 * connections when it does). */
static conn_t *idle_conns;
static int idle_started;

static void start_idle(void)
{
    while (idle_started < nidle && idle_started - ready_count - errors < conc) {
        open_conn(&idle_conns[idle_started++]);
    }
}

static void next_op(conn_t *c)
{
    if (stopping) {
        close_conn(c);
        return;
    }
    open_conn(c);
}

static void step(conn_t *c)
{
    int rv, err, want;
    ssize_t n;

    for (;;) {
        switch (c->st) {
        case S_CONNECT: {
            socklen_t len = sizeof(err);
            struct pollfd pfd = { c->fd, POLLOUT, 0 };
            /* A stale event of the connection this slot had before. */
            if (poll(&pfd, 1, 0) == 0) {
                return;
            }
            if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0
                || err != 0) {
                errno = err;
                fail(c, "connect");
                return;
            }
            if (plain) {
                c->st = S_WRITE;
                break;
            }
            c->ssl = SSL_new(ctx);
            SSL_set_fd(c->ssl, c->fd);
            SSL_set_tlsext_host_name(c->ssl, "localhost");
            if (mode == M_RESUME && latest) {
                SSL_set_session(c->ssl, latest);
            }
            SSL_set_connect_state(c->ssl);
            c->st = S_HANDSHAKE;
            break;
        }
        case S_HANDSHAKE:
            rv = SSL_do_handshake(c->ssl);
            if (rv == 1) {
                if (SSL_session_reused(c->ssl)) {
                    resumed_hs++;
                }
                else {
                    full_hs++;
                }
                c->st = S_WRITE;
                break;
            }
            err = SSL_get_error(c->ssl, rv);
            if (err == SSL_ERROR_WANT_READ) {
                watch(c, EPOLLIN);
                return;
            }
            if (err == SSL_ERROR_WANT_WRITE) {
                watch(c, EPOLLOUT);
                return;
            }
            fail(c, "handshake");
            return;
        case S_WRITE:
            while (c->sent < request_len) {
                if (c->ssl) {
                    rv = SSL_write(c->ssl, request + c->sent,
                                   (int)(request_len - c->sent));
                    if (rv <= 0) {
                        err = SSL_get_error(c->ssl, rv);
                        if (err == SSL_ERROR_WANT_WRITE
                            || err == SSL_ERROR_WANT_READ) {
                            watch(c, err == SSL_ERROR_WANT_WRITE ? EPOLLOUT
                                                                 : EPOLLIN);
                            return;
                        }
                        fail(c, "write");
                        return;
                    }
                    c->sent += (size_t)rv;
                }
                else {
                    n = write(c->fd, request + c->sent,
                              request_len - c->sent);
                    if (n < 0 && errno == EAGAIN) {
                        watch(c, EPOLLOUT);
                        return;
                    }
                    if (n <= 0) {
                        fail(c, "write");
                        return;
                    }
                    c->sent += (size_t)n;
                }
            }
            c->st = S_READ;
            break;
        case S_READ:
            n = do_read(c, &want);
            if (n == -2) {
                watch(c, (unsigned)want);
                return;
            }
            if (n < 0) {
                fail(c, "read");
                return;
            }
            if (n == 0) {
                /* EOF: the end of a "Connection: close" operation. */
                if ((mode == M_FULL || mode == M_RESUME) && c->in_body
                    && c->body_left <= 0) {
                    op_done(c);
                    close_conn(c);
                    next_op(c);
                    return;
                }
                fail(c, "early EOF");
                return;
            }
            rv = take(c, rbuf, (size_t)n);
            if (rv < 0) {
                fail(c, "bad response");
                return;
            }
            if (rv == 0 || mode == M_FULL || mode == M_RESUME) {
                break;      /* read on (to EOF for full/resume) */
            }
            if (mode == M_IDLE) {
                c->st = S_IDLE;
                ready_count++;
                watch(c, EPOLLIN);
                start_idle();
                return;
            }
            op_done(c);     /* M_KA */
            if (stopping) {
                close_conn(c);
                return;
            }
            reset_response(c);
            c->st = S_WRITE;
            break;
        case S_IDLE:
            /* The server closed an idle connection. */
            n = do_read(c, &want);
            if (n == -2) {
                return;
            }
            fprintf(stderr, "tlsload: server closed an idle connection\n");
            ready_count--;
            close_conn(c);
            return;
        case S_DONE:
            return;
        }
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: tlsload full|resume|ka|idle -p PORT [-c N] "
            "[-n N] [-d SECS] [-u PATH] [-v 1.2|1.3] [-g GROUPS] [-T] "
            "[-P]\n");
    exit(2);
}

static void parse_args(int argc, char **argv)
{
    int opt;

    if (argc < 2) {
        usage();
    }
    if (!strcmp(argv[1], "full")) {
        mode = M_FULL;
    }
    else if (!strcmp(argv[1], "resume")) {
        mode = M_RESUME;
    }
    else if (!strcmp(argv[1], "ka")) {
        mode = M_KA;
    }
    else if (!strcmp(argv[1], "idle")) {
        mode = M_IDLE;
    }
    else {
        usage();
    }
    optind = 2;
    while ((opt = getopt(argc, argv, "p:c:n:d:u:v:g:TP")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'c': conc = atoi(optarg); break;
        case 'n': nidle = atoi(optarg); break;
        case 'd': duration = atof(optarg); break;
        case 'u': path = optarg; break;
        case 'v': tls13 = strcmp(optarg, "1.2") != 0; break;
        case 'g': groups = optarg; break;
        case 'T': by_id = 1; break;
        case 'P': plain = 1; break;
        default: usage();
        }
    }
    if (port <= 0 || conc <= 0 || nidle <= 0) {
        usage();
    }
}

int main(int argc, char **argv)
{
    struct epoll_event evs[256];
    conn_t *conns;
    double t_start, t_end, deadline, hard_stop;
    int i, n, count;

    parse_args(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    request_len = (size_t)snprintf(request, sizeof(request),
                                   "GET %s HTTP/1.1\r\nHost: localhost\r\n"
                                   "%s\r\n", path,
                                   (mode == M_FULL || mode == M_RESUME)
                                   ? "Connection: close\r\n" : "");
    if (!plain) {
        setup_tls();
    }
    epfd = epoll_create1(0);
    if (epfd < 0) {
        die("epoll_create1");
    }
    count = mode == M_IDLE ? nidle : conc;
    conns = calloc((size_t)count, sizeof(*conns));
    if (!conns) {
        die("calloc");
    }
    t_start = now();
    deadline = t_start + duration;
    hard_stop = deadline + 10;
    for (i = 0; i < count; i++) {
        conns[i].fd = -1;
        if (mode == M_IDLE) {
            conns[i].st = S_DONE;
            continue;
        }
        if (mode == M_RESUME && i > 0) {
            /* The first connection fetches the session the others use. */
            conns[i].st = S_DONE;
            continue;
        }
        open_conn(&conns[i]);
    }
    if (mode == M_IDLE) {
        idle_conns = conns;
        hard_stop = t_start + 60;
        start_idle();
    }
    while (active > 0 && now() < hard_stop) {
        n = epoll_wait(epfd, evs, 256, 100);
        if (n < 0 && errno != EINTR) {
            die("epoll_wait");
        }
        for (i = 0; i < n; i++) {
            step(evs[i].data.ptr);
        }
        if (mode == M_RESUME && latest) {
            for (i = 1; i < count && !stopping; i++) {
                if (conns[i].st == S_DONE && conns[i].fd < 0
                    && ops > 0) {
                    open_conn(&conns[i]);
                    step(&conns[i]);
                }
            }
        }
        if (mode == M_IDLE) {
            start_idle();
        }
        if (mode == M_IDLE && ready_count + errors >= nidle) {
            break;
        }
        if (!stopping && mode != M_IDLE && now() >= deadline) {
            stopping = 1;
        }
    }
    t_end = now();
    if (mode == M_IDLE) {
        printf("ready=%d errors=%lld\n", ready_count, errors);
        fflush(stdout);
        while (read(0, rbuf, sizeof(rbuf)) > 0) {
            /* hold the connections until stdin closes */
        }
        return 0;
    }
    printf("ops=%lld secs=%.3f rate=%.1f mb=%.2f full=%lld resumed=%lld "
           "errors=%lld lat_ms=%.3f\n", ops, t_end - t_start,
           ops / (t_end - t_start), body_bytes / 1048576.0, full_hs,
           resumed_hs, errors, ops ? 1000 * lat_sum / ops : 0.0);
    return 0;
}
