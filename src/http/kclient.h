/*
 * kclient.h: the HTTP client of one command: one connection pool; requests
 * run concurrently in one thread.
 *
 * Two transports carry the requests:
 *   - native (knet.h), for every server reached directly: HTTP/1.1 over a
 *     keep-alive pool of plain sockets, TLS through OpenSSL loaded on the first
 *     https request. It costs ~8 MB less memory than libcurl and the ~30
 *     libraries it pulls in (issue: apply's peak RSS).
 *   - libcurl (kcurl.h), when a proxy applies (the cluster's proxy-url, or
 *     HTTPS_PROXY/HTTP_PROXY for a non-loopback server, see kproxy.h), and for
 *     every request when the environment sets KUBESHIM_HTTP=curl (the escape
 *     hatch): keep-alive, HTTP/2 through ALPN when the server offers it.
 * Both send the same headers (the native one no Accept-Encoding, so replies
 * come uncompressed) and fail with the same texts.
 *
 * Two ways to call:
 *   - synchronous: kclient_do() sends one request and waits for it;
 *   - asynchronous: kclient_submit() queues requests, each with a completion
 *     callback; kclient_run() drives them until none is left. A callback may
 *     submit further requests (GET -> plan -> PATCH chains), which run in the
 *     same kclient_run() call. Callbacks run on the caller's thread, one at a
 *     time, in completion order.
 *
 * Credentials are attached by the client (see kauth.h): the exec plugin runs
 * at most once per client. Logging at -v=6 / -v=8 follows kubectl's klog
 * lines; Authorization headers, tokens and keys are never printed.
 */
#ifndef KCLIENT_H
#define KCLIENT_H

#include "base/ks.h"
#include "base/strbuf.h"
#include "http/kubeconfig.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct kclient;

struct kclient_opts {
    int max_total_connections; /* 0: default 64 (HTTP/1.1 keep-alive pool size) */
    int max_host_connections;  /* 0: default 64 */
    long connect_timeout_ms;   /* 0: default 10000 (a dispatcher probe passes ~2000) */
    long timeout_ms;        /* per-request total timeout; 0: conn->timeout_ms (may be 0 = none) */
    bool no_credentials;    /* send no credential at all (the dispatcher's first probe) */
    FILE *log;              /* where -v output goes; NULL: stderr */
    const char *user_agent; /* NULL: "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0" */
    const char *kubectl_command; /* "Kubectl-Command" header, e.g. "kubectl apply"; NULL: none */
    const char *kubectl_session; /* "Kubectl-Session" header; NULL: none */
};

/* One request. Strings are copied at submit time; the caller may free them after. */
struct kclient_req {
    const char *method;       /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *path;         /* "/api/v1/namespaces/default/configmaps/x?fieldManager=..." */
    const char *accept;       /* NULL: "application/json" */
    const char *content_type; /* NULL with a body: "application/json" */
    const char *body;         /* NULL: no body */
    size_t body_len;
    long
        delay_ms; /* async only: start no earlier than this many ms after submit (retry back-off) */
    long timeout_ms; /* 0: the client's timeout */
};

/* The outcome of one request. */
struct kclient_resp {
    long status;        /* HTTP status, or 0 when the transport failed (see err) */
    struct strbuf body; /* the response body */
    char *content_type; /* NULL when absent */
    char **warnings;    /* the texts of "Warning: 299 - \"...\"" headers, in order */
    size_t n_warnings;
    double elapsed_ms;
    struct strbuf headers; /* the response's header lines as received, "Name: value\r\n" each */
    struct ks_err
        err; /* transport failure (status 0): KS_EHTTP with kubectl's wording, e.g.
                "Get \"https://h:6443/api\": dial tcp 127.0.0.1:1: connect: connection refused",
                or a timeout "... (Client.Timeout exceeded while awaiting headers)" */
};

/* Completion callback: resp is borrowed and valid only during the call. */
typedef void (*kclient_done_fn)(struct kclient *c, const struct kclient_resp *resp, void *arg);

/*
 * A client for conn (borrowed: conn must outlive the client). opts may be NULL.
 * Ownership: *out is freed with kclient_free().
 * Errors: KS_EINPUT for unusable TLS material ("unable to load client certificate ...").
 */
int kclient_new(struct kclient **out, const struct kconn *conn, const struct kclient_opts *opts,
                struct ks_err *e);

void kclient_free(struct kclient *c);

/* The connection the client was made for (borrowed). */
const struct kconn *kclient_conn_get(const struct kclient *c);

/*
 * Queue a request; done(c, resp, arg) runs from kclient_run() when it ends.
 * With --request-timeout (conn->timeout_ms > 0), "timeout=<d>" is appended to
 * the query unless the path already carries one, as client-go does.
 * Any number may be queued (hundreds run concurrently over the pool).
 * Errors: KS_EUSAGE for a request without method or path.
 */
int kclient_submit(struct kclient *c, const struct kclient_req *req, kclient_done_fn done,
                   void *arg, struct ks_err *e);

/*
 * Run until every submitted request (including those submitted from
 * callbacks) has completed and its callback has returned.
 * Errors: only an internal curl failure (never natively); per-request failures go to callbacks.
 * Must not be called from a callback.
 */
int kclient_run(struct kclient *c, struct ks_err *e);

/*
 * Send one request and wait for it. resp is initialised by the call; release
 * it with kclient_resp_release(). Returns 0 when an HTTP response arrived
 * (whatever its status), or KS_EHTTP (also in resp->err and e) on a
 * transport failure. Must not be called from a callback.
 */
int kclient_do(struct kclient *c, const struct kclient_req *req, struct kclient_resp *resp,
               struct ks_err *e);

void kclient_resp_release(struct kclient_resp *resp);

/*
 * A duration as Go's time.Duration.String() writes it ("1s", "1m30s", "500ms"):
 * the value of the "timeout" query parameter client-go adds to every request
 * when --request-timeout is set. Ownership: caller frees.
 */
char *kclient_go_duration(long ms);

/* Number of requests sent so far (for tests and benchmarks). */
unsigned long kclient_request_count(const struct kclient *c);

#endif
