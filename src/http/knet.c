/*
 * knet.c: HTTP/1.1 over a keep-alive pool of non-blocking sockets (RFC 9112
 * message framing: Content-Length, chunked, close-delimited and bodiless
 * responses), driven by poll() from the caller's thread.
 * PARITY: net/http's Transport (idle connections reused in turn, a request
 * retried once when a reused connection was closed under it) and libcurl's
 * result codes and error texts for each failure (kgoerr.c words them).
 */
#include "http/knet.h"

#include "base/ks.h"
#include "http/knet_resp.h"

#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define KNET_RBUF 16384

enum knet_state { KNET_CONNECTING, KNET_HANDSHAKE, KNET_IDLE, KNET_BUSY, KNET_DEAD };

struct knet_conn {
    int fd;
    struct ktls *tls;
    enum knet_state state;
    double t_start;            /* connect start (the connect timeout) */
    const struct addrinfo *ai; /* the address being tried */
    short want;                /* TLS: the events the handshake waits for */
    short want_r, want_w;      /* TLS: the events a blocked read or write waits for */
    bool reused;               /* a response was read on it before */
    struct knet_xfer *x;       /* with KNET_BUSY */
    size_t wpos;               /* bytes of x's request written */
    bool got_byte;             /* a byte of x's response arrived */
    struct knet_resp resp;     /* x's response */
    struct knet_conn *next;
};

struct knet {
    struct knet_opts o;
    struct ktls_opts tls;      /* o.tls_opts, with the exec plugin's certificate */
    char *xcert, *xkey;        /* owned copies of that certificate */
    struct ktls_ctx *ctx;      /* NULL until the first TLS connection */
    struct ktls_ctx **retired; /* contexts replaced while connections used them */
    size_t n_retired;
    struct addrinfo *addrs;
    struct knet_conn *conns;
    struct knet_xfer *pending, **pending_tail;
    struct knet_xfer *done, **done_tail;
    int n_conns;
    char *rbuf;
};

static double knet_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

struct knet *knet_new(const struct knet_opts *o)
{
    struct knet *n = ks_calloc(1, sizeof(*n));
    n->o = *o;
    n->tls = o->tls_opts;
    if (n->o.max_conns < 1)
        n->o.max_conns = 1;
    n->pending_tail = &n->pending;
    n->done_tail = &n->done;
    return n;
}

static void knet_conn_free(struct knet_conn *k)
{
    ktls_free(k->tls);
    if (k->fd >= 0)
        close(k->fd);
    knet_resp_release(&k->resp);
    free(k);
}

void knet_free(struct knet *n)
{
    if (!n)
        return;
    while (n->conns) {
        struct knet_conn *k = n->conns;
        n->conns = k->next;
        knet_conn_free(k);
    }
    ktls_ctx_free(n->ctx);
    for (size_t i = 0; i < n->n_retired; i++)
        ktls_ctx_free(n->retired[i]);
    free(n->retired);
    if (n->addrs)
        freeaddrinfo(n->addrs);
    free(n->xcert);
    free(n->xkey);
    free(n->rbuf);
    free(n);
}

void knet_set_max_conns(struct knet *n, int max)
{
    n->o.max_conns = max < 1 ? 1 : max;
}

void knet_set_client_cert(struct knet *n, const char *cert, size_t cert_len, const char *key,
                          size_t key_len)
{
    if (n->xcert && n->tls.cert_len == cert_len && memcmp(n->xcert, cert, cert_len) == 0 &&
        n->tls.key_len == key_len && memcmp(n->xkey, key, key_len) == 0)
        return;
    if (n->ctx) { /* connections being set up may still use it */
        n->retired = ks_realloc(n->retired, (n->n_retired + 1) * sizeof(*n->retired));
        n->retired[n->n_retired++] = n->ctx;
        n->ctx = NULL;
    }
    free(n->xcert);
    free(n->xkey);
    n->xcert = ks_malloc(cert_len + 1);
    memcpy(n->xcert, cert, cert_len);
    n->xkey = ks_malloc(key_len + 1);
    memcpy(n->xkey, key, key_len);
    n->tls.cert_data = (const unsigned char *)n->xcert;
    n->tls.cert_len = cert_len;
    n->tls.cert_file = NULL;
    n->tls.key_data = (const unsigned char *)n->xkey;
    n->tls.key_len = key_len;
    n->tls.key_file = NULL;
}

void knet_add(struct knet *n, struct knet_xfer *x)
{
    x->result = 0;
    x->status = 0;
    x->errbuf[0] = '\0';
    x->retried = false;
    x->conn = NULL;
    x->next = NULL;
    x->deadline = x->timeout_ms > 0 ? knet_now_ms() + (double)x->timeout_ms : 0;
    *n->pending_tail = x;
    n->pending_tail = &x->next;
}

/* ---------------------------------------------------------------- queues */

static struct knet_xfer *knet_pending_pop(struct knet *n)
{
    struct knet_xfer *x = n->pending;
    if (!x)
        return NULL;
    n->pending = x->next;
    if (!n->pending)
        n->pending_tail = &n->pending;
    x->next = NULL;
    return x;
}

static void knet_pending_push_front(struct knet *n, struct knet_xfer *x)
{
    x->next = n->pending;
    n->pending = x;
    if (!x->next)
        n->pending_tail = &x->next;
}

static void knet_pending_remove(struct knet *n, struct knet_xfer *x)
{
    struct knet_xfer **pp = &n->pending;
    while (*pp && *pp != x)
        pp = &(*pp)->next;
    if (!*pp)
        return;
    *pp = x->next;
    if (n->pending_tail == &x->next)
        n->pending_tail = pp;
    x->next = NULL;
}

static void knet_done(struct knet *n, struct knet_xfer *x)
{
    x->conn = NULL;
    x->next = NULL;
    *n->done_tail = x;
    n->done_tail = &x->next;
}

static void knet_fail(struct knet *n, struct knet_xfer *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void knet_fail(struct knet *n, struct knet_xfer *x, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->errbuf, sizeof(x->errbuf), fmt, ap);
    va_end(ap);
    x->result = code;
    x->status = 0;
    knet_done(n, x);
}

/* ---------------------------------------------------------------- connections */

static void knet_conn_close(struct knet *n, struct knet_conn *k)
{
    if (k->state == KNET_DEAD)
        return;
    k->state = KNET_DEAD;
    k->x = NULL;
    n->n_conns--;
}

/* The transfer on k failed: it ends with code, and k is closed. */
static void knet_conn_fail(struct knet *n, struct knet_conn *k, int code, const char *text)
{
    struct knet_xfer *x = k->x;
    knet_conn_close(n, k);
    if (x)
        knet_fail(n, x, code, "%s", text);
}

/* A connection could not be set up: the oldest waiting transfer gets the error (curl's
 * transfers each own their connection attempt, and each fails with it). */
static void knet_setup_failed(struct knet *n, struct knet_conn *k, int code, const char *text)
{
    if (k)
        knet_conn_close(n, k);
    struct knet_xfer *x = knet_pending_pop(n);
    if (x)
        knet_fail(n, x, code, "%s", text);
}

/* A name lookup in glibc's helper thread; abandoned (not freed) if it outlives its wait. */
struct knet_lookup {
    struct gaicb cb;
    struct addrinfo hints;
    char *host, *port;
};

static void knet_lookup_free(struct knet_lookup *l)
{
    free(l->host);
    free(l->port);
    free(l);
}

/*
 * How long a lookup may take: the connect timeout, and no longer than the
 * earliest pending transfer's deadline (0: no limit).
 */
static long knet_lookup_budget(const struct knet *n)
{
    double now = knet_now_ms(), until = 0;
    if (n->o.connect_timeout_ms > 0)
        until = now + (double)n->o.connect_timeout_ms;
    for (const struct knet_xfer *x = n->pending; x; x = x->next)
        if (x->deadline > 0 && (until == 0 || x->deadline < until))
            until = x->deadline;
    if (until == 0)
        return 0;
    return until > now + 1 ? (long)(until - now) : 1;
}

/*
 * The server's addresses, looked up once per pool. An address literal needs
 * no lookup; a name is resolved in glibc's helper thread (getaddrinfo_a)
 * within knet_lookup_budget(), as curl resolves in a thread, so a DNS server
 * that does not answer fails the request in time instead of stalling it.
 */
static int knet_resolve(struct knet *n, char *errbuf)
{
    struct addrinfo hints = {0};
    if (n->addrs)
        return 0;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(n->o.host, n->o.port, &hints, &n->addrs) == 0 && n->addrs)
        return 0;
    n->addrs = NULL;
    struct knet_lookup *l = ks_calloc(1, sizeof(*l));
    l->hints.ai_family = AF_UNSPEC;
    l->hints.ai_socktype = SOCK_STREAM;
    l->host = ks_strdup(n->o.host);
    l->port = ks_strdup(n->o.port);
    l->cb.ar_name = l->host;
    l->cb.ar_service = l->port;
    l->cb.ar_request = &l->hints;
    struct gaicb *list[1] = {&l->cb};
    long budget = knet_lookup_budget(n);
    int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
    if (rc == 0) {
        double end = knet_now_ms() + (double)budget;
        const struct gaicb *const wait[1] = {&l->cb};
        do {
            struct timespec ts, *tsp = NULL;
            if (budget > 0) {
                double left = end - knet_now_ms();
                if (left < 0)
                    left = 0;
                ts.tv_sec = (time_t)(left / 1000);
                ts.tv_nsec = (long)((left - (double)ts.tv_sec * 1000.0) * 1e6);
                tsp = &ts;
            }
            rc = gai_suspend(wait, 1, tsp);
        } while (rc == EAI_INTR);
        if (gai_error(&l->cb) == EAI_INPROGRESS) {
            /* the helper thread still owns l unless the cancel took */
            if (gai_cancel(&l->cb) == EAI_CANCELED)
                knet_lookup_free(l);
            snprintf(errbuf, KNET_ERRBUF, "Resolving timed out after %ld milliseconds", budget);
            return CURLE_OPERATION_TIMEDOUT;
        }
        rc = gai_error(&l->cb);
    }
    if (rc == 0 && l->cb.ar_result) {
        n->addrs = l->cb.ar_result;
        knet_lookup_free(l);
        return 0;
    }
    if (l->cb.ar_result)
        freeaddrinfo(l->cb.ar_result);
    knet_lookup_free(l);
    snprintf(errbuf, KNET_ERRBUF, "Could not resolve host: %s", n->o.host);
    return CURLE_COULDNT_RESOLVE_HOST;
}

static void knet_start_xfer(struct knet *n, struct knet_conn *k, struct knet_xfer *x);
static void knet_ready(struct knet *n, struct knet_conn *k);

static void knet_handshake(struct knet *n, struct knet_conn *k)
{
    char errbuf[KNET_ERRBUF];
    int rc = ktls_handshake(k->tls, &k->want, errbuf);
    if (rc == 1)
        return;
    if (rc != 0) {
        knet_setup_failed(n, k, rc, errbuf);
        return;
    }
    knet_ready(n, k);
}

/* TCP is up: start TLS, or take a transfer. */
static void knet_connected(struct knet *n, struct knet_conn *k)
{
    int one = 1;
    setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(k->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    if (!n->o.tls) {
        knet_ready(n, k);
        return;
    }
    if (!(k->tls = ktls_new(n->ctx, k->fd))) {
        knet_setup_failed(n, k, CURLE_SSL_CONNECT_ERROR, "SSL: couldn't create a connection");
        return;
    }
    k->state = KNET_HANDSHAKE;
    knet_handshake(n, k);
}

/* Connect to k->ai or the addresses after it (err: why the one before failed). */
static void knet_connect_from(struct knet *n, struct knet_conn *k, int err)
{
    for (; k->ai; k->ai = k->ai->ai_next) {
        const struct addrinfo *a = k->ai;
        if (k->fd >= 0)
            close(k->fd);
        k->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (k->fd < 0) {
            err = errno;
            continue;
        }
        if (connect(k->fd, a->ai_addr, a->ai_addrlen) == 0) {
            knet_connected(n, k);
            return;
        }
        if (errno == EINPROGRESS) {
            k->state = KNET_CONNECTING;
            return;
        }
        err = errno;
    }
    char text[KNET_ERRBUF];
    snprintf(text, sizeof(text), "Failed to connect to %s port %s after %ld ms: %s", n->o.host,
             n->o.port, (long)(knet_now_ms() - k->t_start),
             err == ECONNREFUSED ? "Couldn't connect to server" : strerror(err));
    knet_setup_failed(n, k, CURLE_COULDNT_CONNECT, text);
}

static void knet_open(struct knet *n)
{
    char errbuf[KNET_ERRBUF];
    int rc;
    if ((rc = knet_resolve(n, errbuf)) != 0) {
        knet_setup_failed(n, NULL, rc, errbuf);
        return;
    }
    if (n->o.tls && !n->ctx && (rc = ktls_ctx_new(&n->ctx, &n->tls, errbuf)) != 0) {
        knet_setup_failed(n, NULL, rc, errbuf);
        return;
    }
    struct knet_conn *k = ks_calloc(1, sizeof(*k));
    k->fd = -1;
    k->t_start = knet_now_ms();
    k->ai = n->addrs;
    k->state = KNET_CONNECTING;
    k->next = n->conns;
    n->conns = k;
    n->n_conns++;
    knet_connect_from(n, k, ECONNREFUSED);
}

/* ---------------------------------------------------------------- responses */

/* Whether a connection that failed under x may send it again on a fresh one. */
static bool knet_may_retry(const struct knet_conn *k, const struct knet_xfer *x)
{
    return k->reused && !k->got_byte && !x->retried && (x->replayable || k->wpos == 0);
}

static void knet_retry(struct knet *n, struct knet_conn *k)
{
    struct knet_xfer *x = k->x;
    knet_conn_close(n, k);
    x->retried = true;
    x->conn = NULL;
    knet_pending_push_front(n, x);
}

/* The response on k is complete; k is kept for the next request when it may be. */
static void knet_complete(struct knet *n, struct knet_conn *k, bool keep)
{
    struct knet_xfer *x = k->x;
    k->x = NULL;
    x->result = 0;
    x->status = k->resp.status;
    knet_done(n, x);
    if (!keep || !k->resp.keep_alive) {
        knet_conn_close(n, k);
        return;
    }
    k->state = KNET_IDLE;
    k->reused = true;
}

/* Feed received bytes to the response on k. */
static void knet_parse(struct knet *n, struct knet_conn *k, const char *p, size_t len)
{
    size_t used = 0;
    k->got_byte = true;
    switch (knet_resp_feed(&k->resp, p, len, &used)) {
    case KNET_RESP_DONE: /* bytes past the response: the connection is out of step */
        knet_complete(n, k, used == len);
        return;
    case KNET_RESP_ERROR:
        knet_conn_fail(n, k, k->resp.code, k->resp.errbuf);
        return;
    case KNET_RESP_MORE:
        return;
    }
}

/* The server closed k (code 0) or it failed (code, why) while k was busy. */
static void knet_eof(struct knet *n, struct knet_conn *k, int code, const char *why)
{
    if (!k->x) {
        knet_conn_close(n, k);
        return;
    }
    if (knet_may_retry(k, k->x)) {
        knet_retry(n, k);
        return;
    }
    if (!k->got_byte) {
        knet_conn_fail(n, k, code ? code : CURLE_GOT_NOTHING,
                       why ? why : "Empty reply from server");
        return;
    }
    if (code) /* cut by an error (a reset, a TLS alert), not by a close */
        knet_conn_fail(n, k, code, why);
    else if (knet_resp_eof(&k->resp) == KNET_RESP_DONE)
        knet_complete(n, k, false);
    else
        knet_conn_fail(n, k, k->resp.code, k->resp.errbuf);
}

/* ---------------------------------------------------------------- I/O */

/* Read what k has; parse it. */
static void knet_read(struct knet *n, struct knet_conn *k)
{
    if (!n->rbuf)
        n->rbuf = ks_malloc(KNET_RBUF);
    while (k->state == KNET_BUSY) {
        ssize_t r;
        int code = 0;
        char errbuf[KNET_ERRBUF];
        if (k->tls) {
            short ev = POLLIN;
            r = ktls_read(k->tls, n->rbuf, KNET_RBUF, &ev, &code, errbuf);
            if (r == -1) {
                k->want_r = ev;
                return;
            }
            k->want_r = 0;
            if (r == -2) {
                knet_eof(n, k, code, errbuf);
                return;
            }
        } else {
            r = recv(k->fd, n->rbuf, KNET_RBUF, 0);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            if (r < 0) {
                snprintf(errbuf, sizeof(errbuf), "Recv failure: %s", strerror(errno));
                knet_eof(n, k, CURLE_RECV_ERROR, errbuf);
                return;
            }
        }
        if (r == 0) {
            knet_eof(n, k, 0, NULL);
            return;
        }
        knet_parse(n, k, n->rbuf, (size_t)r);
    }
}

/* Write what is left of the request on k. */
static void knet_write(struct knet *n, struct knet_conn *k)
{
    struct knet_xfer *x = k->x;
    size_t total = x->head_len + x->body_len;
    while (k->state == KNET_BUSY && k->x == x && k->wpos < total) {
        struct iovec iov[2];
        int niov = 0;
        if (k->wpos < x->head_len) {
            iov[niov].iov_base = (void *)(x->head + k->wpos);
            iov[niov++].iov_len = x->head_len - k->wpos;
            if (x->body_len) {
                iov[niov].iov_base = (void *)x->body;
                iov[niov++].iov_len = x->body_len;
            }
        } else {
            iov[niov].iov_base = (void *)(x->body + (k->wpos - x->head_len));
            iov[niov++].iov_len = total - k->wpos;
        }
        ssize_t r;
        int code = CURLE_SEND_ERROR;
        char errbuf[KNET_ERRBUF];
        if (k->tls) {
            short ev = POLLOUT;
            r = ktls_write(k->tls, iov[0].iov_base, iov[0].iov_len, &ev, &code, errbuf);
            if (r == -1) {
                k->want_w = ev;
                return;
            }
            k->want_w = 0;
        } else {
            struct msghdr msg = {0};
            msg.msg_iov = iov;
            msg.msg_iovlen = (size_t)niov;
            r = sendmsg(k->fd, &msg, MSG_NOSIGNAL);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            if (r < 0)
                snprintf(errbuf, sizeof(errbuf), "Send failure: %s", strerror(errno));
        }
        if (r < 0) {
            if (knet_may_retry(k, x))
                knet_retry(n, k);
            else
                knet_conn_fail(n, k, code, errbuf);
            return;
        }
        k->wpos += (size_t)r;
    }
}

static void knet_start_xfer(struct knet *n, struct knet_conn *k, struct knet_xfer *x)
{
    k->state = KNET_BUSY;
    k->x = x;
    x->conn = k;
    k->wpos = 0;
    k->got_byte = false;
    k->want_r = k->want_w = 0;
    k->resp.no_body = x->no_body;
    k->resp.on_header = x->on_header;
    k->resp.on_body = x->on_body;
    k->resp.arg = x->arg;
    knet_resp_start(&k->resp);
    knet_write(n, k);
}

/* k can carry a request: give it the oldest waiting one. */
static void knet_ready(struct knet *n, struct knet_conn *k)
{
    k->state = KNET_IDLE;
    struct knet_xfer *x = knet_pending_pop(n);
    if (x)
        knet_start_xfer(n, k, x);
}

/* An idle connection became readable: the server closed it (or says something unasked). */
static void knet_idle_event(struct knet *n, struct knet_conn *k)
{
    if (k->tls) {
        short ev;
        int code;
        char errbuf[KNET_ERRBUF];
        if (!n->rbuf)
            n->rbuf = ks_malloc(KNET_RBUF);
        /* TLS 1.3 session tickets arrive after the handshake: those leave it usable */
        if (ktls_read(k->tls, n->rbuf, KNET_RBUF, &ev, &code, errbuf) == -1)
            return;
    }
    knet_conn_close(n, k);
}

static void knet_event(struct knet *n, struct knet_conn *k, short rev)
{
    switch (k->state) {
    case KNET_CONNECTING: {
        int err = 0;
        socklen_t len = sizeof(err);
        if (!(rev & (POLLOUT | POLLERR | POLLHUP)))
            return;
        if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err) {
            k->ai = k->ai->ai_next;
            knet_connect_from(n, k, err);
            return;
        }
        knet_connected(n, k);
        return;
    }
    case KNET_HANDSHAKE:
        knet_handshake(n, k);
        return;
    case KNET_IDLE:
        knet_idle_event(n, k);
        return;
    case KNET_BUSY:
        if (k->wpos < k->x->head_len + k->x->body_len)
            knet_write(n, k);
        if (k->state == KNET_BUSY)
            knet_read(n, k);
        return;
    case KNET_DEAD:
        return;
    }
}

static short knet_events(const struct knet_conn *k)
{
    switch (k->state) {
    case KNET_CONNECTING:
        return POLLOUT;
    case KNET_HANDSHAKE:
        return k->want;
    case KNET_IDLE:
        return POLLIN;
    case KNET_BUSY:
        if (k->wpos < k->x->head_len + k->x->body_len)
            return POLLIN | (k->tls ? k->want_w : POLLOUT) | k->want_r;
        return POLLIN | k->want_r;
    default:
        return 0;
    }
}

/* ---------------------------------------------------------------- the loop */

/* Give waiting transfers to idle connections, and open connections for the rest. */
static void knet_dispatch(struct knet *n)
{
    for (struct knet_conn *k = n->conns; k && n->pending; k = k->next)
        if (k->state == KNET_IDLE)
            knet_start_xfer(n, k, knet_pending_pop(n));
    for (;;) {
        int setting_up = 0, waiting = 0;
        for (struct knet_conn *k = n->conns; k; k = k->next)
            if (k->state == KNET_CONNECTING || k->state == KNET_HANDSHAKE)
                setting_up++;
        for (struct knet_xfer *x = n->pending; x; x = x->next)
            waiting++;
        if (waiting <= setting_up || n->n_conns >= n->o.max_conns)
            return;
        knet_open(n);
    }
}

static void knet_timeouts(struct knet *n, double now)
{
    char text[KNET_ERRBUF];
    for (struct knet_conn *k = n->conns; k; k = k->next) {
        bool setting_up = k->state == KNET_CONNECTING || k->state == KNET_HANDSHAKE;
        if (setting_up && n->o.connect_timeout_ms > 0 &&
            now - k->t_start >= (double)n->o.connect_timeout_ms) {
            snprintf(text, sizeof(text), "Connection timed out after %ld milliseconds",
                     (long)(now - k->t_start));
            knet_setup_failed(n, k, CURLE_OPERATION_TIMEDOUT, text);
        }
        struct knet_xfer *x = k->state == KNET_BUSY ? k->x : NULL;
        if (x && x->deadline > 0 && now >= x->deadline) {
            snprintf(text, sizeof(text),
                     "Operation timed out after %ld milliseconds with %lld bytes received",
                     x->timeout_ms, k->resp.received);
            knet_conn_fail(n, k, CURLE_OPERATION_TIMEDOUT, text);
        }
    }
    struct knet_xfer *x = n->pending;
    while (x) {
        struct knet_xfer *next = x->next;
        if (x->deadline > 0 && now >= x->deadline) {
            knet_pending_remove(n, x);
            knet_fail(n, x, CURLE_OPERATION_TIMEDOUT,
                      "Operation timed out after %ld milliseconds with 0 bytes received",
                      x->timeout_ms);
        }
        x = next;
    }
}

/* The earliest deadline (transfers, connects) after now, as a poll timeout no longer than wait. */
static int knet_poll_timeout(const struct knet *n, double now, long wait)
{
    double until = now + (double)(wait < 0 ? 0 : wait);
    for (const struct knet_conn *k = n->conns; k; k = k->next) {
        if ((k->state == KNET_CONNECTING || k->state == KNET_HANDSHAKE) &&
            n->o.connect_timeout_ms > 0 && k->t_start + (double)n->o.connect_timeout_ms < until)
            until = k->t_start + (double)n->o.connect_timeout_ms;
        if (k->state == KNET_BUSY && k->x->deadline > 0 && k->x->deadline < until)
            until = k->x->deadline;
    }
    for (const struct knet_xfer *x = n->pending; x; x = x->next)
        if (x->deadline > 0 && x->deadline < until)
            until = x->deadline;
    double ms = until - now;
    return ms <= 0 ? 0 : (int)ms + 1;
}

static void knet_reap(struct knet *n)
{
    struct knet_conn **pp = &n->conns;
    while (*pp) {
        struct knet_conn *k = *pp;
        if (k->state == KNET_DEAD) {
            *pp = k->next;
            knet_conn_free(k);
        } else {
            pp = &k->next;
        }
    }
}

void knet_run(struct knet *n, long wait_ms, struct knet_xfer **done)
{
    /* OpenSSL writes to its socket with write(2): a peer that has gone must not kill us */
    struct sigaction ign = {0}, old;
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    knet_dispatch(n);
    size_t cap = (size_t)n->n_conns + 1, nfd = 0;
    struct pollfd *pfd = ks_calloc(cap, sizeof(*pfd));
    struct knet_conn **pk = ks_calloc(cap, sizeof(*pk));
    for (struct knet_conn *k = n->conns; k && nfd < cap; k = k->next) {
        if (k->state == KNET_DEAD)
            continue;
        pfd[nfd].fd = k->fd;
        pfd[nfd].events = knet_events(k);
        pk[nfd++] = k;
    }
    int timeout = n->done ? 0 : knet_poll_timeout(n, knet_now_ms(), wait_ms);
    int r = poll(pfd, (nfds_t)nfd, timeout);
    for (size_t i = 0; r > 0 && i < nfd; i++)
        if (pfd[i].revents)
            knet_event(n, pk[i], pfd[i].revents);
    knet_timeouts(n, knet_now_ms());
    knet_reap(n);
    knet_dispatch(n);
    knet_reap(n);
    free(pfd);
    free(pk);
    sigaction(SIGPIPE, &old, NULL);
    *done = n->done;
    n->done = NULL;
    n->done_tail = &n->done;
}
