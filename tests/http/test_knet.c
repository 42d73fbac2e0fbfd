/*
 * test_knet.c: the native HTTP/1.1 transport (src/http/knet.c) against
 * scripted loopback servers (one thread per connection, raw bytes): framing
 * (Content-Length, chunked split across reads, close-delimited, bodiless),
 * keep-alive reuse, idle and in-flight closes, retries, truncation, timeouts,
 * the pool limit, and the request bytes kclient sends; and the framing
 * parser alone, fed whole and one byte at a time (RFC 9112; expected values
 * are the RFC's framing and curl's result codes and texts).
 */
#include "http/kclient.h"
#include "http/knet.h"
#include "http/knet_resp.h"
#include "ktest.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- the parser alone */

struct parsed {
    enum knet_resp_result rc;
    size_t used;
    long status;
    bool keep;
    int code;
    char errbuf[KNET_RESP_ERRBUF];
    struct strbuf headers, body;
};

static void parsed_header(void *arg, const char *line, size_t len)
{
    strbuf_add(&((struct parsed *)arg)->headers, line, len);
}

static void parsed_body(void *arg, const char *data, size_t len)
{
    strbuf_add(&((struct parsed *)arg)->body, data, len);
}

/* Parse text in pieces of step bytes (0: whole), then the close when eof. */
static void parse(struct parsed *out, const char *text, size_t step, bool no_body, bool eof)
{
    struct knet_resp r = {0};
    size_t len = strlen(text), off = 0;
    memset(out, 0, sizeof(*out));
    r.no_body = no_body;
    r.on_header = parsed_header;
    r.on_body = parsed_body;
    r.arg = out;
    knet_resp_start(&r);
    out->rc = KNET_RESP_MORE;
    while (off < len && out->rc == KNET_RESP_MORE) {
        size_t n = step && len - off > step ? step : len - off, used = 0;
        out->rc = knet_resp_feed(&r, text + off, n, &used);
        off += used;
    }
    out->used = off;
    if (out->rc == KNET_RESP_MORE && eof)
        out->rc = knet_resp_eof(&r);
    out->status = r.status;
    out->keep = r.keep_alive;
    out->code = r.code;
    snprintf(out->errbuf, sizeof(out->errbuf), "%s", r.errbuf);
    knet_resp_release(&r);
}

static const char *sb(struct strbuf *b)
{
    return b->buf ? strbuf_str(b) : "";
}

static void parsed_release(struct parsed *p)
{
    strbuf_release(&p->headers);
    strbuf_release(&p->body);
}

static void test_parser(void)
{
    static const char chunked[] = "HTTP/1.1 100 Continue\r\n\r\n"
                                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "5\r\nhello\r\n1A;name=value\r\n abcdefghijklmnopqrstuvwxy\r\n"
                                  "0\r\nX-Trailer: 1\r\n\r\n";
    struct parsed p;
    for (size_t step = 0; step <= 7; step++) { /* whole, then 1..7 bytes at a time */
        parse(&p, chunked, step, false, false);
        KT_CHECK_INT(p.rc, KNET_RESP_DONE);
        KT_CHECK_INT(p.used, strlen(chunked));
        KT_CHECK_INT(p.status, 200);
        KT_CHECK(p.keep);
        KT_CHECK_STR(sb(&p.body), "hello abcdefghijklmnopqrstuvwxy");
        KT_CHECK_STR(sb(&p.headers), "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n");
        parsed_release(&p);
    }
    /* Content-Length ends the body; what follows is not this response's */
    parse(&p, "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1", 0, false, false);
    KT_CHECK_INT(p.rc, KNET_RESP_DONE);
    KT_CHECK_INT(p.used, strlen("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc"));
    KT_CHECK_STR(sb(&p.body), "abc");
    parsed_release(&p);
    /* HTTP/1.0 and no length: the body runs to the close, which ends the connection */
    parse(&p, "HTTP/1.0 200 OK\r\n\r\nall of it", 2, false, true);
    KT_CHECK_INT(p.rc, KNET_RESP_DONE);
    KT_CHECK(!p.keep);
    KT_CHECK_STR(sb(&p.body), "all of it");
    parsed_release(&p);
    parse(&p, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 0, false,
          false);
    KT_CHECK_INT(p.rc, KNET_RESP_DONE);
    KT_CHECK(p.keep);
    parsed_release(&p);
    /* no body for 304, 204 or HEAD whatever the headers say */
    parse(&p, "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", 0, false, false);
    KT_CHECK_INT(p.rc, KNET_RESP_DONE);
    parsed_release(&p);
    parse(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, true, false);
    KT_CHECK_INT(p.rc, KNET_RESP_DONE);
    parsed_release(&p);
    parse(&p, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 1, false,
          false);
    KT_CHECK_INT(p.rc, KNET_RESP_DONE);
    KT_CHECK(!p.keep);
    parsed_release(&p);
    /* cut short: curl's codes and texts */
    parse(&p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1234", 3, false, true);
    KT_CHECK_INT(p.rc, KNET_RESP_ERROR);
    KT_CHECK_INT(p.code, CURLE_PARTIAL_FILE);
    KT_CHECK_STR(p.errbuf, "transfer closed with 6 bytes remaining to read");
    parsed_release(&p);
    parse(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", 0, false, true);
    KT_CHECK_INT(p.code, CURLE_PARTIAL_FILE);
    KT_CHECK_STR(p.errbuf, "transfer closed with outstanding read data remaining");
    parsed_release(&p);
    parse(&p, "HTTP/1.1 200 OK\r\nContent-Le", 0, false, true);
    KT_CHECK_INT(p.code, CURLE_RECV_ERROR);
    parsed_release(&p);
    /* malformed */
    parse(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, false, false);
    KT_CHECK_INT(p.rc, KNET_RESP_ERROR);
    KT_CHECK_INT(p.code, CURLE_RECV_ERROR);
    parsed_release(&p);
    parse(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 0, false, false);
    KT_CHECK_INT(p.rc, KNET_RESP_ERROR);
    parsed_release(&p);
    parse(&p, "SSH-2.0-OpenSSH\r\n", 0, false, false);
    KT_CHECK_INT(p.code, CURLE_WEIRD_SERVER_REPLY);
    parsed_release(&p);
    parse(&p, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 0, false, false);
    KT_CHECK_INT(p.code, CURLE_WEIRD_SERVER_REPLY);
    parsed_release(&p);
}

/* ---------------------------------------------------------------- the scripted server */

struct srv;
typedef void (*srv_fn)(struct srv *s, int fd, int conn_index);

struct srv {
    int lfd;
    int port;
    char port_s[16];
    srv_fn fn;
    pthread_t th;
    pthread_mutex_t mu;
    int accepted; /* connections accepted */
    int open;     /* connections open now */
    int max_open; /* the most open at once */
    int requests; /* requests read */
    char last_head[4096];
};

struct conn_arg {
    struct srv *s;
    int fd;
    int idx;
};

static void *conn_main(void *arg)
{
    struct conn_arg a = *(struct conn_arg *)arg;
    free(arg);
    a.s->fn(a.s, a.fd, a.idx);
    close(a.fd);
    pthread_mutex_lock(&a.s->mu);
    a.s->open--;
    pthread_mutex_unlock(&a.s->mu);
    return NULL;
}

static void *accept_main(void *arg)
{
    struct srv *s = arg;
    for (;;) {
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            return NULL;
        struct conn_arg *a = malloc(sizeof(*a));
        pthread_mutex_lock(&s->mu);
        a->idx = s->accepted++;
        if (++s->open > s->max_open)
            s->max_open = s->open;
        pthread_mutex_unlock(&s->mu);
        a->s = s;
        a->fd = fd;
        pthread_t t;
        pthread_create(&t, NULL, conn_main, a);
        pthread_detach(t);
    }
}

static void srv_start(struct srv *s, srv_fn fn)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    memset(s, 0, sizeof(*s));
    s->fn = fn;
    pthread_mutex_init(&s->mu, NULL);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa));
    listen(s->lfd, 64);
    getsockname(s->lfd, (struct sockaddr *)&sa, &len);
    s->port = ntohs(sa.sin_port);
    snprintf(s->port_s, sizeof(s->port_s), "%d", s->port);
    pthread_create(&s->th, NULL, accept_main, s);
}

static void srv_stop(struct srv *s)
{
    shutdown(s->lfd, SHUT_RDWR);
    close(s->lfd);
    pthread_join(s->th, NULL);
    usleep(50 * 1000); /* let connection threads see their clients go */
}

static void ms_sleep(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Read one request (head and Content-Length body). Returns false at EOF. */
static bool srv_read_request(struct srv *s, int fd)
{
    char buf[8192];
    size_t len = 0;
    char *end = NULL;
    while (!(end = len ? strstr(buf, "\r\n\r\n") : NULL)) {
        ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (r <= 0)
            return false;
        len += (size_t)r;
        buf[len] = '\0';
    }
    size_t head_len = (size_t)(end - buf) + 4;
    const char *cl = strcasestr(buf, "\r\nContent-Length: ");
    size_t want = cl && cl < end ? strtoul(cl + 18, NULL, 10) : 0;
    while (len - head_len < want) {
        ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (r <= 0)
            return false;
        len += (size_t)r;
    }
    pthread_mutex_lock(&s->mu);
    s->requests++;
    snprintf(s->last_head, sizeof(s->last_head), "%.*s", (int)head_len, buf);
    pthread_mutex_unlock(&s->mu);
    return true;
}

static void srv_write(int fd, const char *text)
{
    size_t len = strlen(text);
    while (len) {
        ssize_t r = write(fd, text, len);
        if (r <= 0)
            return;
        text += r;
        len -= (size_t)r;
    }
}

/* ---------------------------------------------------------------- the client side */

struct got {
    struct strbuf headers;
    struct strbuf body;
};

static void got_header(void *arg, const char *line, size_t len)
{
    strbuf_add(&((struct got *)arg)->headers, line, len);
}

static void got_body(void *arg, const char *data, size_t len)
{
    strbuf_add(&((struct got *)arg)->body, data, len);
}

static void got_release(struct got *g)
{
    strbuf_release(&g->headers);
    strbuf_release(&g->body);
}

static const char *got_str(struct strbuf *sb)
{
    return sb->buf ? strbuf_str(sb) : "";
}

static struct knet *net_for(struct srv *s, int max_conns)
{
    struct knet_opts o = {0};
    o.host = "127.0.0.1";
    o.port = s->port_s;
    o.max_conns = max_conns;
    o.connect_timeout_ms = 2000;
    return knet_new(&o);
}

static void xfer_init(struct knet_xfer *x, struct got *g, const char *head)
{
    memset(x, 0, sizeof(*x));
    memset(g, 0, sizeof(*g));
    x->head = head;
    x->head_len = strlen(head);
    x->on_header = got_header;
    x->on_body = got_body;
    x->arg = g;
    x->replayable = strncmp(head, "GET ", 4) == 0;
}

/* Run until n transfers have ended (or 5 s pass); returns how many did. */
static int net_wait(struct knet *n, int want)
{
    int ended = 0;
    for (int i = 0; i < 500 && ended < want; i++) {
        struct knet_xfer *done = NULL;
        knet_run(n, 10, &done);
        for (; done; done = done->next)
            ended++;
    }
    return ended;
}

static const char *GET_X = "GET /x HTTP/1.1\r\nHost: t\r\n\r\n";
static const char *POST_X = "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n";

/* ---------------------------------------------------------------- scripts and tests */

static void chunked_split(struct srv *s, int fd, int idx)
{
    (void)idx;
    if (!srv_read_request(s, fd))
        return;
    static const char *const parts[] = {"HTTP/1.1 200 OK\r\nContent-Ty",
                                        "pe: text/plain\r\nTransfer-Encoding: chunked\r",
                                        "\n\r\n5\r\nhel",
                                        "lo\r\n",
                                        "7;ext=1\r\n wo",
                                        "rld!\r",
                                        "\n0\r\nTrailer-X: y\r\n",
                                        "\r\n"};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        srv_write(fd, parts[i]);
        ms_sleep(15);
    }
    srv_read_request(s, fd); /* keep the connection until the client goes */
}

static void test_chunked_split(void)
{
    struct srv s;
    struct knet_xfer x;
    struct got g;
    srv_start(&s, chunked_split);
    struct knet *n = net_for(&s, 2);
    xfer_init(&x, &g, GET_X);
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    KT_CHECK_INT(x.result, 0);
    KT_CHECK_INT(x.status, 200);
    KT_CHECK_STR(got_str(&g.body), "hello world!");
    KT_CHECK_STR(got_str(&g.headers), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                      "Transfer-Encoding: chunked\r\n\r\n");
    got_release(&g);
    knet_free(n);
    srv_stop(&s);
}

/* Content-Length replies, keep-alive, for as long as the client asks. */
static void keepalive(struct srv *s, int fd, int idx)
{
    (void)idx;
    while (srv_read_request(s, fd))
        srv_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
}

static void test_keepalive_reuse(void)
{
    struct srv s;
    srv_start(&s, keepalive);
    struct knet *n = net_for(&s, 4);
    for (int i = 0; i < 3; i++) { /* one after another: one connection carries all */
        struct knet_xfer x;
        struct got g;
        xfer_init(&x, &g, GET_X);
        knet_add(n, &x);
        KT_CHECK_INT(net_wait(n, 1), 1);
        KT_CHECK_INT(x.result, 0);
        KT_CHECK_STR(got_str(&g.body), "hello");
        got_release(&g);
    }
    KT_CHECK_INT(s.requests, 3);
    KT_CHECK_INT(s.accepted, 1);
    knet_free(n);
    srv_stop(&s);
}

static void test_pool_limit(void)
{
    struct srv s;
    struct knet_xfer x[12];
    struct got g[12];
    srv_start(&s, keepalive);
    struct knet *n = net_for(&s, 3);
    for (int i = 0; i < 12; i++) {
        xfer_init(&x[i], &g[i], GET_X);
        knet_add(n, &x[i]);
    }
    KT_CHECK_INT(net_wait(n, 12), 12);
    int ok = 0;
    for (int i = 0; i < 12; i++) {
        ok += x[i].result == 0 && strcmp(got_str(&g[i].body), "hello") == 0;
        got_release(&g[i]);
    }
    KT_CHECK_INT(ok, 12);
    KT_CHECK(s.max_open <= 3);
    KT_CHECK(s.accepted <= 3);
    knet_free(n);
    srv_stop(&s);
}

/* One response, then the server closes the idle kept-alive connection. */
static void close_when_idle(struct srv *s, int fd, int idx)
{
    (void)idx;
    if (!srv_read_request(s, fd))
        return;
    srv_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    ms_sleep(20);
}

static void test_idle_close(void)
{
    struct srv s;
    srv_start(&s, close_when_idle);
    struct knet *n = net_for(&s, 4);
    for (int i = 0; i < 2; i++) {
        struct knet_xfer x;
        struct got g;
        xfer_init(&x, &g, i ? POST_X : GET_X);
        x.body = "{}";
        x.body_len = i ? 2 : 0;
        knet_add(n, &x);
        KT_CHECK_INT(net_wait(n, 1), 1);
        KT_CHECK_INT(x.result, 0);
        KT_CHECK_STR(got_str(&g.body), "ok");
        got_release(&g);
        ms_sleep(100); /* the server has closed the idle connection meanwhile */
        struct knet_xfer *done = NULL;
        knet_run(n, 0, &done); /* the pool sees the close while idle */
    }
    /* the POST went out on a fresh connection: it was never sent into a closed one */
    KT_CHECK_INT(s.accepted, 2);
    KT_CHECK_INT(s.requests, 2);
    knet_free(n);
    srv_stop(&s);
}

/* The first connection answers once, then reads the next request and closes without a word:
 * a reused connection that fails before any response byte. */
static void close_on_second(struct srv *s, int fd, int idx)
{
    if (!srv_read_request(s, fd))
        return;
    if (idx == 0) {
        srv_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        srv_read_request(s, fd);
        return;
    }
    do
        srv_write(fd, "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nnew");
    while (srv_read_request(s, fd));
}

static void test_retry_on_reused(bool post)
{
    struct srv s;
    struct knet_xfer x;
    struct got g;
    srv_start(&s, close_on_second);
    struct knet *n = net_for(&s, 4);
    xfer_init(&x, &g, GET_X);
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    KT_CHECK_INT(x.result, 0);
    got_release(&g);
    xfer_init(&x, &g, post ? POST_X : GET_X);
    x.body = post ? "{}" : NULL;
    x.body_len = post ? 2 : 0;
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    if (post) { /* a write is never sent twice: the failure is reported */
        KT_CHECK_INT(x.result, CURLE_GOT_NOTHING);
        KT_CHECK_STR(x.errbuf, "Empty reply from server");
        KT_CHECK_INT(s.requests, 2);
        KT_CHECK_INT(s.accepted, 1);
    } else { /* a GET is sent once more, on a fresh connection */
        KT_CHECK_INT(x.result, 0);
        KT_CHECK_INT(x.status, 201);
        KT_CHECK_STR(got_str(&g.body), "new");
        KT_CHECK_INT(s.requests, 3);
        KT_CHECK_INT(s.accepted, 2);
    }
    got_release(&g);
    knet_free(n);
    srv_stop(&s);
}

static void truncated_len(struct srv *s, int fd, int idx)
{
    (void)idx;
    if (srv_read_request(s, fd))
        srv_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
}

static void truncated_chunked(struct srv *s, int fd, int idx)
{
    (void)idx;
    if (srv_read_request(s, fd))
        srv_write(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n01234");
}

static void empty_reply(struct srv *s, int fd, int idx)
{
    (void)idx;
    srv_read_request(s, fd);
}

static void test_truncated(srv_fn fn, int code, const char *text, const char *body)
{
    struct srv s;
    struct knet_xfer x;
    struct got g;
    srv_start(&s, fn);
    struct knet *n = net_for(&s, 1);
    xfer_init(&x, &g, GET_X);
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    KT_CHECK_INT(x.result, code);
    KT_CHECK_STR(x.errbuf, text);
    KT_CHECK_STR(got_str(&g.body), body);
    KT_CHECK_INT(s.accepted, 1); /* a fresh connection's failure is not retried */
    got_release(&g);
    knet_free(n);
    srv_stop(&s);
}

/* Bodiless replies (204, 304, HEAD) although they name a length; then Connection: close. */
static void bodiless(struct srv *s, int fd, int idx)
{
    (void)idx;
    if (!srv_read_request(s, fd))
        return;
    srv_write(fd, "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n");
    if (!srv_read_request(s, fd))
        return;
    srv_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
    if (!srv_read_request(s, fd))
        return;
    srv_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye");
    ms_sleep(50);
}

/* HTTP/1.0: the body runs to the close. */
static void http10(struct srv *s, int fd, int idx)
{
    (void)idx;
    if (!srv_read_request(s, fd))
        return;
    srv_write(fd, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil");
    ms_sleep(30);
    srv_write(fd, " the end");
}

static void test_bodiless_and_close(void)
{
    struct srv s;
    struct knet_xfer x;
    struct got g;
    srv_start(&s, bodiless);
    struct knet *n = net_for(&s, 1);
    const char *seq[] = {
        "GET /a HTTP/1.1\r\nHost: t\r\n\r\n", "HEAD /b HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /c HTTP/1.1\r\nHost: t\r\n\r\n", "GET /d HTTP/1.1\r\nHost: t\r\n\r\n"};
    long want_status[] = {204, 200, 200, 204};
    const char *want_body[] = {"", "", "bye", ""};
    for (int i = 0; i < 4; i++) {
        xfer_init(&x, &g, seq[i]);
        x.no_body = i == 1;
        knet_add(n, &x);
        KT_CHECK_INT(net_wait(n, 1), 1);
        KT_CHECK_INT(x.result, 0);
        KT_CHECK_INT(x.status, want_status[i]);
        KT_CHECK_STR(got_str(&g.body), want_body[i]);
        got_release(&g);
    }
    /* three on the first connection; after "Connection: close" a new one */
    KT_CHECK_INT(s.accepted, 2);
    knet_free(n);
    srv_stop(&s);

    srv_start(&s, http10);
    n = net_for(&s, 1);
    xfer_init(&x, &g, GET_X);
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    KT_CHECK_INT(x.result, 0);
    KT_CHECK_STR(got_str(&g.body), "until the end");
    got_release(&g);
    knet_free(n);
    srv_stop(&s);
}

static void silent(struct srv *s, int fd, int idx)
{
    (void)idx;
    while (srv_read_request(s, fd))
        ;
}

static void test_timeout(void)
{
    struct srv s;
    struct knet_xfer x;
    struct got g;
    struct timespec t0, t1;
    srv_start(&s, silent);
    struct knet *n = net_for(&s, 1);
    xfer_init(&x, &g, GET_X);
    x.timeout_ms = 300;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    KT_CHECK_INT(x.result, CURLE_OPERATION_TIMEDOUT);
    KT_CHECK(ms >= 290 && ms < 1500);
    KT_CHECK(strstr(x.errbuf, "timed out") != NULL);
    got_release(&g);
    knet_free(n);
    srv_stop(&s);
}

/* A TLS handshake the server never answers: the connect timeout ends it (no total timeout). */
static void test_handshake_timeout(void)
{
    struct srv s;
    struct knet_xfer x;
    struct got g;
    struct knet_opts o = {0};
    struct timespec t0, t1;
    srv_start(&s, silent);
    o.host = "127.0.0.1";
    o.port = s.port_s;
    o.max_conns = 1;
    o.connect_timeout_ms = 300;
    o.tls = true;
    o.tls_opts.insecure = true;
    struct knet *n = knet_new(&o);
    xfer_init(&x, &g, GET_X);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    KT_CHECK_INT(x.result, CURLE_OPERATION_TIMEDOUT);
    KT_CHECK(ms >= 290 && ms < 1500);
    KT_CHECK_INT(s.accepted, 1);
    got_release(&g);
    knet_free(n);
    srv_stop(&s);
}

static void test_refused(void)
{
    struct srv s;
    struct knet_xfer x;
    struct got g;
    srv_start(&s, silent);
    srv_stop(&s); /* the port is free again: nothing listens */
    struct knet *n = net_for(&s, 1);
    xfer_init(&x, &g, GET_X);
    knet_add(n, &x);
    KT_CHECK_INT(net_wait(n, 1), 1);
    KT_CHECK_INT(x.result, CURLE_COULDNT_CONNECT);
    got_release(&g);
    knet_free(n);
}

/* What kclient puts on the wire: the headers it sent through curl, without
 * Accept-Encoding or Expect, with Host and Content-Length. */
static void test_kclient_request_bytes(void)
{
    struct srv s;
    struct kconn conn = {0};
    struct kclient *c = NULL;
    struct kclient_resp r;
    struct ks_err e = KS_ERR_INIT;
    srv_start(&s, keepalive);
    char server[64];
    snprintf(server, sizeof(server), "http://127.0.0.1:%d", s.port);
    conn.server = server;
    conn.as = "alice";
    struct kclient_opts o = {0};
    o.kubectl_command = "kubectl apply";
    unsetenv("KUBESHIM_HTTP");
    KT_CHECK_INT(kclient_new(&c, &conn, &o, &e), 0);
    struct kclient_req q = {0};
    q.method = "PATCH";
    q.path = "/api/v1/namespaces/default/configmaps/x?fieldManager=kubectl-client-side-apply";
    q.body = "{\"data\":{}}";
    q.body_len = strlen(q.body);
    q.content_type = "application/strategic-merge-patch+json";
    KT_CHECK_INT(kclient_do(c, &q, &r, &e), 0);
    KT_CHECK_INT(r.status, 200);
    KT_CHECK_STR(got_str(&r.body), "hello");
    char want[512];
    snprintf(want, sizeof(want),
             "PATCH /api/v1/namespaces/default/configmaps/x?fieldManager=kubectl-client-side-apply "
             "HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: application/json\r\n"
             "Content-Type: application/strategic-merge-patch+json\r\n",
             s.port);
    KT_CHECK(strncmp(s.last_head, want, strlen(want)) == 0);
    KT_CHECK(strstr(s.last_head, "\r\nKubectl-Command: kubectl apply\r\n") != NULL);
    KT_CHECK(strstr(s.last_head, "\r\nImpersonate-User: alice\r\n") != NULL);
    KT_CHECK(strstr(s.last_head, "\r\nContent-Length: 11\r\n\r\n") != NULL);
    KT_CHECK(strstr(s.last_head, "\r\nUser-Agent: ") != NULL);
    KT_CHECK(strcasestr(s.last_head, "Accept-Encoding") == NULL);
    KT_CHECK(strcasestr(s.last_head, "Expect") == NULL);
    KT_CHECK(strcasestr(s.last_head, "Authorization") == NULL); /* plain http: no credentials */
    kclient_resp_release(&r);
    KT_CHECK_INT(kclient_request_count(c), 1);
    kclient_free(c);
    srv_stop(&s);
}

int main(void)
{
    test_parser();
    test_chunked_split();
    test_keepalive_reuse();
    test_pool_limit();
    test_idle_close();
    test_retry_on_reused(false);
    test_retry_on_reused(true);
    test_truncated(truncated_len, CURLE_PARTIAL_FILE,
                   "transfer closed with 90 bytes remaining to read", "0123456789");
    test_truncated(truncated_chunked, CURLE_PARTIAL_FILE,
                   "transfer closed with outstanding read data remaining", "01234");
    test_truncated(empty_reply, CURLE_GOT_NOTHING, "Empty reply from server", "");
    test_bodiless_and_close();
    test_timeout();
    test_handshake_timeout();
    test_refused();
    test_kclient_request_bytes();
    return kt_done();
}
