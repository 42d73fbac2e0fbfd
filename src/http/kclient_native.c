/*
 * kclient_native.c: kclient's native transport: a request becomes HTTP/1.1
 * bytes for the knet.h pool (the exec plugin's client certificate goes to
 * the pool), and the pool's finished transfers become kclient responses.
 */
#include "http/kauth.h"
#include "http/kclient_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The escape hatch: KUBESHIM_HTTP=curl sends every request through libcurl. */
bool kclient_want_native(void)
{
    const char *v = getenv("KUBESHIM_HTTP");
    return !v || strcmp(v, "curl") != 0;
}

/* The native pool: connect to the server's host and port; speak TLS for tls-server-name. */
void kclient_setup_native(struct kclient *c)
{
    const struct kconn *k = c->conn;
    const char *p = strstr(k->server, "://");
    bool tls = strncmp(k->server, "https", 5) == 0;
    p = p ? p + 3 : k->server;
    size_t hp_len = strcspn(p, "/?#");
    c->net_hostport = ks_strndup(p, hp_len);
    const char *hp = c->net_hostport, *colon;
    if (hp[0] == '[') { /* [v6]:port */
        const char *rb = strchr(hp, ']');
        size_t hl = rb ? (size_t)(rb - hp - 1) : strlen(hp + 1);
        c->net_host = ks_strndup(hp + 1, hl);
        colon = rb && rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = strrchr(hp, ':');
        c->net_host = colon ? ks_strndup(hp, (size_t)(colon - hp)) : ks_strdup(hp);
    }
    c->net_port = ks_strdup(colon && colon[1] ? colon + 1 : tls ? "443" : "80");
    p = strstr(c->base, "://");
    c->origin_len = p ? (size_t)(p + 3 - c->base) + strcspn(p + 3, "/?#") : 0;
    struct knet_opts o = {0};
    o.host = c->net_host;
    o.port = c->net_port;
    o.tls = tls;
    o.max_conns = c->host_limit < c->opts.max_total_connections ? c->host_limit
                                                                : c->opts.max_total_connections;
    o.connect_timeout_ms = c->opts.connect_timeout_ms;
    o.tls_opts.insecure = k->insecure;
    o.tls_opts.verify_name = k->tls_server_name ? k->tls_server_name : c->net_host;
    o.tls_opts.ca_data = k->ca_data;
    o.tls_opts.ca_len = k->ca_len;
    o.tls_opts.ca_file = k->ca_file;
    o.tls_opts.cert_data = k->cert_data;
    o.tls_opts.cert_len = k->cert_len;
    o.tls_opts.cert_file = k->cert_data ? NULL : k->cert_file;
    o.tls_opts.key_data = k->key_data;
    o.tls_opts.key_len = k->key_len;
    o.tls_opts.key_file = k->key_data ? NULL : k->key_file;
    c->net = knet_new(&o);
}

static void kclient_net_header(void *arg, const char *line, size_t len)
{
    kclient_on_header((char *)line, 1, len, arg);
}

static void kclient_net_body(void *arg, const char *data, size_t len)
{
    kclient_on_body((char *)data, 1, len, arg);
}

/* Native: the exec plugin's client certificate goes to the pool, as curl gets it per request. */
static void kclient_net_tls(struct kclient_call *call, struct ks_err *e)
{
    const char *xc = NULL, *xk = NULL;
    size_t xcl = 0, xkl = 0;
    if (call->c->opts.no_credentials)
        return;
    kauth_exec_cert(&xc, &xcl, &xk, &xkl, call->c->auth, e);
    if (xc && xk)
        knet_set_client_cert(call->c->net, xc, xcl, xk, xkl);
}

/* Native: the request line, Host, the headers added so far, the framing; the transfer. */
static void kclient_net_finish(struct kclient_call *call, const struct kclient_req *req)
{
    struct kclient *c = call->c;
    const char *target = strlen(call->url) > c->origin_len ? call->url + c->origin_len : "/";
    struct strbuf head = STRBUF_INIT;
    bool sends_body = call->body || strcmp(call->method, "POST") == 0 ||
                      strcmp(call->method, "PUT") == 0 || strcmp(call->method, "PATCH") == 0;
    strbuf_addf(&head, "%s %s%s HTTP/1.1\r\nHost: %s\r\n", call->method,
                target[0] == '/' ? "" : "/", target, c->net_hostport);
    strbuf_add(&head, call->head.buf ? call->head.buf : "", call->head.len);
    if (sends_body)
        strbuf_addf(&head, "Content-Length: %zu\r\n", call->body ? call->body_len : 0);
    strbuf_add(&head, "\r\n", 2);
    if (call->head.buf)
        memset(call->head.buf, 0, call->head.alloc);
    strbuf_release(&call->head);
    call->head = head;
    struct knet_xfer *x = &call->x;
    x->head = call->head.buf;
    x->head_len = call->head.len;
    x->body = call->body;
    x->body_len = call->body ? call->body_len : 0;
    x->no_body = strcmp(call->method, "HEAD") == 0;
    /* PARITY: net/http's isReplayable: only these are sent again after a reused
     * connection fails under them (a write must never be applied twice). */
    x->replayable = strcmp(call->method, "GET") == 0 || strcmp(call->method, "HEAD") == 0 ||
                    strcmp(call->method, "OPTIONS") == 0;
    x->timeout_ms = req->timeout_ms ? req->timeout_ms : c->opts.timeout_ms;
    if (x->timeout_ms < 0)
        x->timeout_ms = 0;
    x->on_header = kclient_net_header;
    x->on_body = kclient_net_body;
    x->arg = call;
}

/* Native: everything kclient_prepare() gives curl, as request bytes. */
int kclient_prepare_native(struct kclient_call *call, const struct kclient_req *req,
                           struct ks_err *e)
{
    int rc;
    if (strncmp(call->c->conn->server, "https", 5) == 0)
        kclient_net_tls(call, e);
    /* No Accept-Encoding: without it servers do not compress (and we carry no zlib). */
    if ((rc = kclient_common_headers(call, req, e)) < 0)
        return rc;
    kclient_net_finish(call, req);
    return 0;
}

int kclient_run_native(struct kclient *c)
{
    for (;;) {
        long next = kclient_start_due(c);
        if (c->active == 0 && next < 0 && !c->waiting)
            return 0;
        if (c->active == 0) {
            if (next >= 0) {
                struct timespec ts = {next / 1000, (next % 1000) * 1000000L};
                nanosleep(&ts, NULL);
            }
            continue;
        }
        struct knet_xfer *done = NULL;
        knet_run(c->net, next >= 0 && next < 1000 ? next : 1000, &done);
        while (done) {
            struct kclient_call *call = done->arg;
            done = done->next;
            c->active--;
            if (call->x.result == 0) {
                call->resp.status = call->x.status;
                kclient_grow_pool(c);
            } else {
                call->resp.status = 0;
                snprintf(call->errbuf, sizeof(call->errbuf), "%s", call->x.errbuf);
                kclient_transport_error(call, (CURLcode)call->x.result);
            }
            kclient_finish(call);
        }
    }
}
