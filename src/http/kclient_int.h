/*
 * kclient_int.h: what kclient.c (the pool, the libcurl transport) and
 * kclient_native.c (the native HTTP/1.1 transport over knet.h) share. Not a
 * public header: only src/http/kclient*.c include it.
 */
#ifndef KCLIENT_INT_H
#define KCLIENT_INT_H

#include "http/kclient.h"
#include "http/kcurl.h"
#include "http/knet.h"

struct kclient_call {
    struct kclient *c;
    CURL *easy;
    struct curl_slist *hdrs;
    char *method;
    char *url;
    char *body;
    size_t body_len;
    struct strbuf req_log_hdrs; /* "Name: value" lines for -v=7, credentials masked */
    struct strbuf resp_hdrs;    /* response headers for -v=7 */
    struct strbuf head;         /* native: the request line and headers */
    struct knet_xfer x;         /* native: the transfer */
    struct kclient_resp resp;
    kclient_done_fn done;
    void *arg;
    double t_start;
    double t_due;
    bool failed; /* finished before being sent (credentials) */
    struct kclient_call *next;
    char errbuf[CURL_ERROR_SIZE];
};

struct kclient {
    const struct kconn *conn;
    struct kclient_opts opts;
    bool native;      /* requests go through knet (no proxy, KUBESHIM_HTTP is not "curl") */
    struct knet *net; /* native: the pool */
    char *net_host;   /* native: the host and port connected to, the Host header */
    char *net_port;
    char *net_hostport;
    size_t origin_len; /* native: length of "scheme://host:port" at the start of base */
    CURLM *multi;
    struct kauth *auth;
    struct kclient_call *waiting; /* delayed or failed, not yet in the multi */
    int active;
    unsigned long nreq;
    char *base;     /* URL prefix requests go to */
    char *host_hdr; /* "Host: ..." when tls-server-name rewrites the URL */
    struct curl_slist *connect_to;
    char *proxy;
    FILE *log;
    /*
     * Over TLS the first request goes alone: once its connection has told
     * (ALPN) whether it speaks HTTP/2, the rest multiplex over it instead of
     * each opening a connection of its own (curl's PIPEWAIT cannot wait for a
     * connection that is still in its handshake).
     */
    bool first_pending; /* a lone first request is in flight */
    bool proto_known;
    bool h2;        /* the server spoke HTTP/2 */
    char *ua;       /* the default User-Agent */
    int host_limit; /* current CURLMOPT_MAX_HOST_CONNECTIONS (slow start) */
};

/* Shared by both transports (kclient.c). */
size_t kclient_on_body(char *ptr, size_t size, size_t n, void *arg);
size_t kclient_on_header(char *ptr, size_t size, size_t n, void *arg);
void kclient_add_header(struct kclient_call *call, const char *name, const char *value,
                        bool secret);
int kclient_common_headers(struct kclient_call *call, const struct kclient_req *req,
                           struct ks_err *e);
void kclient_transport_error(struct kclient_call *call, CURLcode cc);
void kclient_finish(struct kclient_call *call);
long kclient_start_due(struct kclient *c);
void kclient_grow_pool(struct kclient *c);

/* The native transport (kclient_native.c). */
bool kclient_want_native(void);
void kclient_setup_native(struct kclient *c);
int kclient_prepare_native(struct kclient_call *call, const struct kclient_req *req,
                           struct ks_err *e);
int kclient_run_native(struct kclient *c);

#endif
