/*
 * kclient.c: one connection pool per command: the native HTTP/1.1 transport
 * (knet.h) for a direct connection, else a curl multi handle (keep-alive,
 * HTTP/2 over ALPN, TLS material handed to curl as in-memory blobs);
 * concurrent requests with completion callbacks.
 * PARITY: client-go's transport (User-Agent, impersonation headers, Warning
 * headers, net/http error wording) and round_trippers.go's -v=6..9 traces.
 */
#include "http/kclient.h"

#include "http/kauth.h"
#include "http/kclient_int.h"
#include "http/kgoerr.h"
#include "http/klog.h"
#include "http/kproxy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* PARITY: client-go DefaultUserAgent(): the base name of argv[0], then kubectl 1.33.1's build. */
#define KCLIENT_UA_REST "v1.33.1 (linux/amd64) kubernetes/8adc0f0"

static double kclient_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int kclient_global_init(void)
{
    static int done;
    if (!done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return -1;
        done = 1;
    }
    return 0;
}

/* With tls-server-name, connect to the server but speak TLS (SNI, checks) for that name. */
static void kclient_setup_server_name(struct kclient *c)
{
    const struct kconn *k = c->conn;
    const char *p = strstr(k->server, "://");
    if (!k->tls_server_name || !p || strncmp(k->server, "https", 5) != 0) {
        c->base = ks_strdup(k->server);
        return;
    }
    p += 3;
    size_t hostport_len = strcspn(p, "/");
    char *hostport = ks_strndup(p, hostport_len);
    const char *colon = strrchr(hostport, ':');
    const char *port = colon && !strchr(colon, ']') ? colon + 1 : "443";
    char *host = colon && !strchr(colon, ']') ? ks_strndup(hostport, (size_t)(colon - hostport))
                                              : ks_strdup(hostport);
    char *ct = ks_asprintf("%s:%s:%s:%s", k->tls_server_name, port, host, port);
    if (!c->native) /* knet connects to the server's host itself (kclient_setup_native()) */
        c->connect_to = curl_slist_append(NULL, ct);
    c->base = ks_asprintf("https://%s:%s%s", k->tls_server_name, port, p + hostport_len);
    c->host_hdr = ks_asprintf("Host: %s", hostport);
    free(ct);
    free(host);
    free(hostport);
}

int kclient_new(struct kclient **out, const struct kconn *conn, const struct kclient_opts *opts,
                struct ks_err *e)
{
    struct kclient *c;
    char *proxy = kproxy_for(conn->server, conn->proxy_url);
    bool native = !proxy && kclient_want_native();
    *out = NULL;
    if (!native && kclient_global_init() < 0) {
        free(proxy);
        return ks_fail(e, KS_EGENERIC, "curl_global_init failed");
    }
    c = ks_calloc(1, sizeof(*c));
    c->native = native;
    c->proxy = proxy;
    c->conn = conn;
    if (opts)
        c->opts = *opts;
    if (!c->opts.max_total_connections)
        c->opts.max_total_connections = 64;
    if (!c->opts.max_host_connections)
        c->opts.max_host_connections = 64;
    if (!c->opts.connect_timeout_ms)
        c->opts.connect_timeout_ms = 10000;
    if (!c->opts.timeout_ms)
        c->opts.timeout_ms = conn->timeout_ms;
    c->log = c->opts.log ? c->opts.log : stderr;
    c->host_limit = c->opts.max_host_connections < 6 ? c->opts.max_host_connections : 6;
    c->auth = kauth_new(conn);
    const char *prog = program_invocation_short_name;
    c->ua = ks_asprintf("%s/%s", prog && *prog ? prog : "kubectl", KCLIENT_UA_REST);
    if (c->native) {
        kclient_setup_server_name(c);
        kclient_setup_native(c);
        c->proto_known = true; /* HTTP/1.1 only: nothing to wait for */
        *out = c;
        return 0;
    }
    c->multi = curl_multi_init();
    curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    /* Slow start: a burst of connects can overflow a small listen backlog (the kernel then
     * drops SYNs and the client waits 1 s, 3 s, ... to retry), so the pool grows from a
     * few connections by two with each completed request, up to the limit. */
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->host_limit);
    curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      (long)c->opts.max_total_connections);
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->opts.max_total_connections);
    kclient_setup_server_name(c);
    c->proto_known = strncmp(conn->server, "https", 5) != 0;
    *out = c;
    return 0;
}

const struct kconn *kclient_conn_get(const struct kclient *c)
{
    return c->conn;
}

unsigned long kclient_request_count(const struct kclient *c)
{
    return c->nreq;
}

void kclient_resp_release(struct kclient_resp *resp)
{
    strbuf_release(&resp->body);
    strbuf_release(&resp->headers);
    free(resp->content_type);
    for (size_t i = 0; i < resp->n_warnings; i++)
        free(resp->warnings[i]);
    free(resp->warnings);
    memset(resp, 0, sizeof(*resp));
}

static void kclient_call_free(struct kclient_call *call)
{
    if (call->easy)
        curl_easy_cleanup(call->easy);
    if (call->hdrs)
        curl_slist_free_all(call->hdrs);
    if (call->head.buf) /* it holds the Authorization header */
        memset(call->head.buf, 0, call->head.alloc);
    strbuf_release(&call->head);
    free(call->method);
    free(call->url);
    free(call->body);
    strbuf_release(&call->req_log_hdrs);
    strbuf_release(&call->resp_hdrs);
    kclient_resp_release(&call->resp);
    free(call);
}

void kclient_free(struct kclient *c)
{
    if (!c)
        return;
    while (c->waiting) {
        struct kclient_call *n = c->waiting->next;
        kclient_call_free(c->waiting);
        c->waiting = n;
    }
    if (c->multi)
        curl_multi_cleanup(c->multi);
    knet_free(c->net);
    kauth_free(c->auth);
    if (c->connect_to)
        curl_slist_free_all(c->connect_to);
    free(c->net_host);
    free(c->net_port);
    free(c->net_hostport);
    free(c->base);
    free(c->host_hdr);
    free(c->proxy);
    free(c->ua);
    free(c);
}

size_t kclient_on_body(char *ptr, size_t size, size_t n, void *arg)
{
    struct kclient_call *call = arg;
    strbuf_add(&call->resp.body, ptr, size * n);
    return size * n;
}

/* A Warning header "299 - \"text\"" gives text (client-go's warning handler). */
static char *kclient_warning_text(const char *v, size_t len)
{
    const char *q = memchr(v, '"', len);
    if (!q)
        return ks_strndup(v, len);
    const char *end = v + len;
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = q + 1; p < end && *p != '"'; p++) {
        if (*p == '\\' && p + 1 < end)
            p++;
        strbuf_addch(&sb, *p);
    }
    return klog_detach(&sb);
}

size_t kclient_on_header(char *ptr, size_t size, size_t n, void *arg)
{
    struct kclient_call *call = arg;
    size_t len = size * n;
    while (len && (ptr[len - 1] == '\n' || ptr[len - 1] == '\r'))
        len--;
    if (len >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        /* a new response (after a 100 Continue or a redirect): forget the old headers */
        strbuf_reset(&call->resp_hdrs);
        strbuf_reset(&call->resp.headers);
        return size * n;
    }
    if (len)
        strbuf_addf(&call->resp.headers, "%.*s\r\n", (int)len, ptr);
    const char *colon = memchr(ptr, ':', len);
    if (!colon)
        return size * n;
    size_t nl = (size_t)(colon - ptr);
    const char *v = colon + 1;
    while (v < ptr + len && *v == ' ')
        v++;
    size_t vl = (size_t)(ptr + len - v);
    if (nl == 12 && strncasecmp(ptr, "Content-Type", 12) == 0) {
        free(call->resp.content_type);
        call->resp.content_type = ks_strndup(v, vl);
    } else if (nl == 7 && strncasecmp(ptr, "Warning", 7) == 0) {
        struct kclient_resp *r = &call->resp;
        r->warnings = ks_realloc(r->warnings, (r->n_warnings + 1) * sizeof(char *));
        r->warnings[r->n_warnings++] = kclient_warning_text(v, vl);
    }
    if (call->c->conn->verbosity >= 7) {
        while (len && (ptr[len - 1] == ' ' || ptr[len - 1] == '\t'))
            len--;
        strbuf_addf(&call->resp_hdrs, "\t%.*s\n", (int)len, ptr);
    }
    return size * n;
}

void kclient_add_header(struct kclient_call *call, const char *name, const char *value, bool secret)
{
    if (call->c->native) {
        strbuf_addf(&call->head, "%s: %s\r\n", name, value);
    } else {
        char *h = ks_asprintf("%s: %s", name, value);
        call->hdrs = curl_slist_append(call->hdrs, h);
        memset(h, 0, strlen(h));
        free(h);
    }
    if (call->c->conn->verbosity >= 7) {
        if (secret) {
            const char *sp = strchr(value, ' ');
            strbuf_addf(&call->req_log_hdrs, "\t%s: %.*s<masked>\n", name,
                        sp ? (int)(sp - value + 1) : 0, value);
        } else {
            strbuf_addf(&call->req_log_hdrs, "\t%s: %s\n", name, value);
        }
    }
}

static void kclient_log_request(struct kclient_call *call)
{
    klog_request(call->c->log, call->c->conn->verbosity, call->method, call->url,
                 &call->req_log_hdrs, call->body, call->body_len);
}

static void kclient_log_response(struct kclient_call *call)
{
    const struct kclient_resp *r = &call->resp;
    klog_response(call->c->log, call->c->conn->verbosity, call->method, call->url, r->status,
                  r->elapsed_ms, &call->resp_hdrs, r->body.buf, r->body.len);
}

void kclient_transport_error(struct kclient_call *call, CURLcode cc)
{
    kgoerr_transport(&call->resp.err, call->method, call->url, call->c->conn->server, (int)cc,
                     call->errbuf);
}

static void kclient_set_tls(struct kclient_call *call, CURL *h, struct ks_err *e)
{
    const struct kconn *k = call->c->conn;
    struct curl_blob blob;
    if (k->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (k->ca_data) {
        blob.data = k->ca_data;
        blob.len = k->ca_len;
        blob.flags = CURL_BLOB_NOCOPY;
        curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    } else if (k->ca_file) {
        curl_easy_setopt(h, CURLOPT_CAINFO, k->ca_file);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    }
    const char *xc = NULL, *xk = NULL;
    size_t xcl = 0, xkl = 0;
    if (!call->c->opts.no_credentials)
        kauth_exec_cert(&xc, &xcl, &xk, &xkl, call->c->auth, e);
    if (xc && xk) {
        blob.data = (void *)xc;
        blob.len = xcl;
        blob.flags = CURL_BLOB_COPY;
        curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &blob);
        blob.data = (void *)xk;
        blob.len = xkl;
        curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &blob);
    } else {
        if (k->cert_data) {
            blob.data = k->cert_data;
            blob.len = k->cert_len;
            blob.flags = CURL_BLOB_NOCOPY;
            curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &blob);
        } else if (k->cert_file) {
            curl_easy_setopt(h, CURLOPT_SSLCERT, k->cert_file);
        }
        if (k->key_data) {
            blob.data = k->key_data;
            blob.len = k->key_len;
            blob.flags = CURL_BLOB_NOCOPY;
            curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &blob);
        } else if (k->key_file) {
            curl_easy_setopt(h, CURLOPT_SSLKEY, k->key_file);
        }
    }
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
}

/*
 * The headers both transports send, in this order; credentials go only to
 * https servers (client-go's rule).
 */
int kclient_common_headers(struct kclient_call *call, const struct kclient_req *req,
                           struct ks_err *e)
{
    struct kclient *c = call->c;
    const struct kconn *k = c->conn;
    const char *authz = NULL;
    int rc;
    kclient_add_header(call, "Accept", req->accept ? req->accept : "application/json", false);
    if (call->body || req->content_type)
        kclient_add_header(call, "Content-Type",
                           req->content_type ? req->content_type : "application/json", false);
    kclient_add_header(call, "User-Agent", c->opts.user_agent ? c->opts.user_agent : c->ua, false);
    if (c->opts.kubectl_command)
        kclient_add_header(call, "Kubectl-Command", c->opts.kubectl_command, false);
    if (c->opts.kubectl_session)
        kclient_add_header(call, "Kubectl-Session", c->opts.kubectl_session, false);
    if (!c->opts.no_credentials && strncmp(k->server, "https", 5) == 0) {
        if ((rc = kauth_header(&authz, c->auth, e)) < 0)
            return rc;
        if (authz)
            kclient_add_header(call, "Authorization", authz, true);
    }
    if (k->as)
        kclient_add_header(call, "Impersonate-User", k->as, false);
    if (k->as_uid)
        kclient_add_header(call, "Impersonate-Uid", k->as_uid, false);
    for (size_t i = 0; i < k->n_as_groups; i++)
        kclient_add_header(call, "Impersonate-Group", k->as_groups[i], false);
    return 0;
}

static int kclient_prepare(struct kclient_call *call, const struct kclient_req *req,
                           struct ks_err *e)
{
    struct kclient *c = call->c;
    const struct kconn *k = c->conn;
    if (c->native)
        return kclient_prepare_native(call, req, e);
    CURL *h = curl_easy_init();
    int rc = 0;
    call->easy = h;
    curl_easy_setopt(h, CURLOPT_URL, call->url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, call);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, kclient_on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, call);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, kclient_on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, call);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, call->errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    /* Wait for a connection that may multiplex only where ALPN can offer HTTP/2;
     * over cleartext HTTP/1.1 that wait would serialise the requests. */
    if (strncmp(k->server, "https", 5) == 0)
        curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->opts.connect_timeout_ms);
    long t = req->timeout_ms ? req->timeout_ms : c->opts.timeout_ms;
    if (t > 0)
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, t);
    curl_easy_setopt(h, CURLOPT_PROXY, c->proxy ? c->proxy : "");
    if (c->connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, c->connect_to);
    if (strncmp(k->server, "https", 5) == 0)
        kclient_set_tls(call, h, e);

    if (strcmp(call->method, "GET") != 0)
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call->method);
    if (call->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, call->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
    } else if (strcmp(call->method, "POST") == 0 || strcmp(call->method, "PUT") == 0 ||
               strcmp(call->method, "PATCH") == 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    }
    if ((rc = kclient_common_headers(call, req, e)) < 0)
        return rc;
    call->hdrs = curl_slist_append(call->hdrs, "Expect:");
    if (c->host_hdr)
        call->hdrs = curl_slist_append(call->hdrs, c->host_hdr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, call->hdrs);
    return 0;
}

char *kclient_go_duration(long ms)
{
    if (ms < 1000)
        return ks_asprintf("%ldms", ms);
    long h = ms / 3600000, m = ms / 60000 % 60, sec = ms / 1000 % 60, frac = ms % 1000;
    char s[32];
    if (frac) {
        int n = snprintf(s, sizeof(s), "%ld.%03ld", sec, frac);
        while (n > 0 && s[n - 1] == '0')
            s[--n] = '\0';
    } else {
        snprintf(s, sizeof(s), "%ld", sec);
    }
    if (h)
        return ks_asprintf("%ldh%ldm%ss", h, m, s);
    if (m)
        return ks_asprintf("%ldm%ss", m, s);
    return ks_asprintf("%ss", s);
}

int kclient_submit(struct kclient *c, const struct kclient_req *req, kclient_done_fn done,
                   void *arg, struct ks_err *e)
{
    if (!req || !req->method || !req->path)
        return ks_fail(e, KS_EUSAGE, "kclient: a request needs a method and a path");
    struct kclient_call *call = ks_calloc(1, sizeof(*call));
    call->c = c;
    call->method = ks_strdup(req->method);
    call->url = ks_asprintf("%s%s%s", c->base, req->path[0] == '/' ? "" : "/", req->path);
    if (c->conn->timeout_ms > 0 && !strstr(req->path, "?timeout=") &&
        !strstr(req->path, "&timeout=")) {
        char *d = kclient_go_duration(c->conn->timeout_ms);
        char *u = ks_asprintf("%s%ctimeout=%s", call->url, strchr(req->path, '?') ? '&' : '?', d);
        free(call->url);
        call->url = u;
        free(d);
    }
    if (req->body) {
        call->body = ks_malloc(req->body_len + 1);
        memcpy(call->body, req->body, req->body_len);
        call->body[req->body_len] = '\0';
        call->body_len = req->body_len;
    }
    call->done = done;
    call->arg = arg;
    call->t_due = kclient_now_ms() + (double)(req->delay_ms > 0 ? req->delay_ms : 0);
    struct ks_err pe = KS_ERR_INIT;
    if (kclient_prepare(call, req, &pe) < 0) {
        call->failed = true;
        call->resp.err = pe;
    }
    /* Everything starts from kclient_run(), in submission order. */
    struct kclient_call **tail = &c->waiting;
    while (*tail)
        tail = &(*tail)->next;
    *tail = call;
    return 0;
}

void kclient_finish(struct kclient_call *call)
{
    struct kclient *c = call->c;
    if (!call->failed && !c->proto_known) {
        c->proto_known = true;
        c->first_pending = false;
    }
    call->resp.elapsed_ms = kclient_now_ms() - call->t_start;
    if (!call->failed)
        kclient_log_response(call);
    if (call->done)
        call->done(c, &call->resp, call->arg);
    kclient_call_free(call);
}

/* Move due calls into the multi; returns ms until the next one is due (-1: none waiting). */
long kclient_start_due(struct kclient *c)
{
    double now = kclient_now_ms();
    long next = -1;
    struct kclient_call **pp = &c->waiting;
    while (*pp) {
        struct kclient_call *call = *pp;
        if (call->t_due > now && !call->failed) {
            long wait = (long)(call->t_due - now) + 1;
            if (next < 0 || wait < next)
                next = wait;
            pp = &call->next;
            continue;
        }
        if (!call->failed && !c->proto_known) {
            if (c->first_pending) {
                pp = &call->next;
                continue;
            }
            c->first_pending = true;
        }
        *pp = call->next;
        call->next = NULL;
        call->t_start = kclient_now_ms();
        if (call->failed) {
            kclient_finish(call);
            pp = &c->waiting; /* the callback may have queued more */
            continue;
        }
        c->nreq++;
        kclient_log_request(call);
        if (c->native)
            knet_add(c->net, &call->x);
        else
            curl_multi_add_handle(c->multi, call->easy);
        c->active++;
    }
    return next;
}

/* Slow start (see kclient_new()): two more connections per completed request. */
void kclient_grow_pool(struct kclient *c)
{
    if (c->host_limit >= c->opts.max_host_connections)
        return;
    c->host_limit += 2;
    if (c->host_limit > c->opts.max_host_connections)
        c->host_limit = c->opts.max_host_connections;
    if (c->native)
        knet_set_max_conns(c->net, c->host_limit < c->opts.max_total_connections
                                       ? c->host_limit
                                       : c->opts.max_total_connections);
    else
        curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->host_limit);
}

int kclient_run(struct kclient *c, struct ks_err *e)
{
    if (c->native)
        return kclient_run_native(c);
    for (;;) {
        long next = kclient_start_due(c);
        if (c->active == 0 && next < 0 && !c->waiting)
            return 0;
        int running = 0;
        CURLMcode mc = curl_multi_perform(c->multi, &running);
        if (mc != CURLM_OK)
            return ks_fail(e, KS_EHTTP, "curl: %s", curl_multi_strerror(mc));
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(c->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct kclient_call *call = NULL;
            CURL *h = msg->easy_handle;
            CURLcode cc = msg->data.result;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&call);
            curl_multi_remove_handle(c->multi, h);
            c->active--;
            if (cc == CURLE_OK) {
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &call->resp.status);
                long ver = 0;
                curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &ver);
                if (!c->h2)
                    kclient_grow_pool(c);
                if (ver == CURL_HTTP_VERSION_2_0 && !c->h2) {
                    /* a few multiplexed connections instead of one per request: curl
                     * opens another connection whenever the streams of the existing
                     * ones are taken, so cap them (100 streams each) */
                    c->h2 = true;
                    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
                }
            } else {
                call->resp.status = 0;
                kclient_transport_error(call, cc);
            }
            kclient_finish(call);
        }
        if (c->active == 0) {
            next = kclient_start_due(c);
            if (c->active == 0 && next >= 0) {
                struct timespec ts = {next / 1000, (next % 1000) * 1000000L};
                nanosleep(&ts, NULL);
            }
            continue;
        }
        int timeout = next >= 0 && next < 1000 ? (int)next : 1000;
        curl_multi_poll(c->multi, NULL, 0, timeout, NULL);
    }
}

struct kclient_sync {
    struct kclient_resp *out;
    bool done;
};

static void kclient_sync_done(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    struct kclient_sync *s = arg;
    struct kclient_resp *r = (struct kclient_resp *)resp;
    (void)c;
    /* move the response out of the call, which is freed after this returns */
    *s->out = *r;
    memset(r, 0, sizeof(*r));
    s->done = true;
}

int kclient_do(struct kclient *c, const struct kclient_req *req, struct kclient_resp *resp,
               struct ks_err *e)
{
    struct kclient_sync s = {resp, false};
    int rc;
    memset(resp, 0, sizeof(*resp));
    if ((rc = kclient_submit(c, req, kclient_sync_done, &s, e)) < 0)
        return rc;
    if ((rc = kclient_run(c, e)) < 0)
        return rc;
    if (resp->status == 0) {
        if (e)
            *e = resp->err;
        return resp->err.code ? resp->err.code : KS_EHTTP;
    }
    return 0;
}
