/*
 * asrv_net.c: accept loop and per-connection threads. A self-pipe carries
 * the stop request (written from the signal handler); on stop the listener
 * closes, every open connection is shut down so blocked reads return, and
 * the loop waits for the last thread before returning.
 */
#include "apiserver/asrv_net.h"

#include "apiserver/asrv_router.h"
#include "apiserver/asrv_watch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static pthread_mutex_t conns_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_cv = PTHREAD_COND_INITIALIZER;
static int *conns;
static size_t nconns, aconns;
static size_t active;
static int stopping;
/* Threads that have finished serving, to be joined (so none outlives the server). */
static pthread_t *done_th;
static size_t ndone, adone;

struct conn_arg {
    struct asrv *s;
    int fd;
};

int asrv_net_listen(struct asrv *s, struct ks_err *e)
{
    if (pipe(s->stop_pipe) < 0)
        return ks_fail(e, KS_EHTTP, "pipe: %s", strerror(errno));
    fcntl(s->stop_pipe[1], F_SETFL, O_NONBLOCK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return ks_fail(e, KS_EHTTP, "socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)s->opts.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 512) < 0) {
        int rc = ks_fail(e, KS_EHTTP, "listen on 127.0.0.1:%d: %s", s->opts.port, strerror(errno));
        close(fd);
        return rc;
    }
    socklen_t len = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    s->listen_fd = fd;
    return 0;
}

void asrv_net_stop(struct asrv *s)
{
    char c = 'x';
    if (s->stop_pipe[1] >= 0) {
        ssize_t w = write(s->stop_pipe[1], &c, 1);
        (void)w;
    }
}

static void conn_register(int fd)
{
    pthread_mutex_lock(&conns_mu);
    if (nconns == aconns) {
        aconns = aconns ? aconns * 2 : 64;
        conns = ks_realloc(conns, aconns * sizeof(int));
    }
    conns[nconns++] = fd;
    if (stopping)
        shutdown(fd, SHUT_RDWR);
    pthread_mutex_unlock(&conns_mu);
}

/* Unregister and close under the lock, so a stop never shuts down a reused fd. */
static void conn_unregister(struct asrv_conn *c, bool thread)
{
    pthread_mutex_lock(&conns_mu);
    if (thread) {
        if (ndone == adone) {
            adone = adone ? adone * 2 : 64;
            done_th = ks_realloc(done_th, adone * sizeof(pthread_t));
        }
        done_th[ndone++] = pthread_self();
    }
    for (size_t i = 0; i < nconns; i++) {
        if (conns[i] == c->fd) {
            conns[i] = conns[--nconns];
            break;
        }
    }
    asrv_conn_close(c);
    active--;
    pthread_cond_broadcast(&conns_cv);
    pthread_mutex_unlock(&conns_mu);
}

static void conn_finish(struct asrv_conn *c)
{
    /* free OpenSSL's per-thread state now, not in a destructor that may run after exit */
    OPENSSL_thread_stop();
    conn_unregister(c, true);
}

/* Join the threads that have finished. */
static void reap(void)
{
    pthread_mutex_lock(&conns_mu);
    pthread_t *th = done_th;
    size_t n = ndone;
    done_th = NULL;
    ndone = adone = 0;
    pthread_mutex_unlock(&conns_mu);
    for (size_t i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    free(th);
}

/* Wait ms milliseconds (ms < 0: forever) or until the server stops or the peer goes away. */
static void wait_stop(struct asrv *s, int fd, int ms)
{
    struct pollfd p[2] = {{s->stop_pipe[0], POLLIN, 0}, {fd, POLLRDHUP, 0}};
    poll(p, fd >= 0 ? 2 : 1, ms);
}

static void serve(struct asrv *s, struct asrv_conn *c)
{
    for (;;) {
        struct asrv_req q;
        struct asrv_resp r;
        struct ks_err e = KS_ERR_INIT;
        int rc = asrv_http_read(c, &q, &e);
        if (rc == 1) {
            asrv_req_release(&q);
            return;
        }
        asrv_resp_init(&r);
        if (rc < 0) {
            asrv_resp_set(&r, 400, "text/plain; charset=utf-8", "400 Bad Request\n", 16);
            snprintf(q.method, sizeof(q.method), "GET");
            asrv_http_write(c, &q, &r, false, &e);
            asrv_resp_release(&r);
            asrv_req_release(&q);
            return;
        }
        const char *cat = asrv_router_handle(s, &q, &r);
        if (r.watch && r.reply != ASRV_REPLY_WATCH) {
            /* a fault took over the reply of a watch */
            asrv_watch_req_free(r.watch);
            r.watch = NULL;
        }
        double t = asrv_server_elapsed(s);
        if (r.reply == ASRV_REPLY_HANG) {
            asrv_log_write(&s->log, t, &q, NULL, "hang");
            asrv_resp_release(&r);
            asrv_req_release(&q);
            wait_stop(s, c->fd, -1);
            return;
        }
        if (r.reply == ASRV_REPLY_WATCH) {
            asrv_log_write(&s->log, t, &q, &r, "watch");
            asrv_watch_serve(&s->events, &s->mu, c, r.watch);
            asrv_watch_req_free(r.watch);
            asrv_resp_release(&r);
            asrv_req_release(&q);
            return;
        }
        int ms = asrv_fault_latency(&s->faults);
        if (ms > 0)
            wait_stop(s, -1, ms);
        bool keep = q.keep_alive && r.reply != ASRV_REPLY_DROP;
        int wrc = asrv_http_write(c, &q, &r, keep, &e);
        asrv_log_write(&s->log, t, &q, &r, r.reply == ASRV_REPLY_DROP ? "drop" : cat);
        asrv_resp_release(&r);
        asrv_req_release(&q);
        if (wrc < 0 || !keep)
            return;
    }
}

static void *conn_main(void *arg)
{
    struct conn_arg a = *(struct conn_arg *)arg;
    free(arg);
    struct asrv *s = a.s;
    int one = 1;
    setsockopt(a.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct asrv_conn c;
    asrv_conn_init(&c, a.fd, NULL);
    if (s->tls) {
        SSL *ssl = SSL_new(s->tls);
        SSL_set_fd(ssl, a.fd);
        c.ssl = ssl;
        if (SSL_accept(ssl) <= 0) {
            SSL_free(ssl);
            c.ssl = NULL;
            conn_finish(&c);
            return NULL;
        }
    }
    serve(s, &c);
    conn_finish(&c);
    return NULL;
}

int asrv_net_run(struct asrv *s, struct ks_err *e)
{
    (void)e;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    /* documents nest up to 10000 levels (Go's limit) and every layer recurses: reserve room */
    pthread_attr_setstacksize(&attr, 64 * 1024 * 1024);
    for (;;) {
        struct pollfd p[2] = {{s->listen_fd, POLLIN, 0}, {s->stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        reap();
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        struct conn_arg *a = ks_malloc(sizeof(*a));
        a->s = s;
        a->fd = fd;
        pthread_mutex_lock(&conns_mu);
        active++;
        pthread_mutex_unlock(&conns_mu);
        conn_register(fd);
        pthread_t th;
        if (pthread_create(&th, &attr, conn_main, a) != 0) {
            struct asrv_conn c;
            asrv_conn_init(&c, fd, NULL);
            conn_unregister(&c, false);
            free(a);
        }
    }
    pthread_attr_destroy(&attr);
    close(s->listen_fd);
    s->listen_fd = -1;
    pthread_mutex_lock(&s->mu);
    asrv_watch_stop(&s->events);
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_lock(&conns_mu);
    stopping = 1;
    for (size_t i = 0; i < nconns; i++)
        shutdown(conns[i], SHUT_RDWR);
    while (active > 0)
        pthread_cond_wait(&conns_cv, &conns_mu);
    free(conns);
    conns = NULL;
    nconns = aconns = 0;
    pthread_mutex_unlock(&conns_mu);
    reap();
    return 0;
}
