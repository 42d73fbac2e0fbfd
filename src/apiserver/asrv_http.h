/*
 * asrv_http.h: one HTTP/1.1 connection of kubeshim-apiserver, plain or TLS:
 * reading requests (Content-Length or chunked bodies, keep-alive) and writing
 * responses.
 */
#ifndef ASRV_HTTP_H
#define ASRV_HTTP_H

#include "base/ks.h"
#include "base/strbuf.h"

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

/* Requests larger than this (headers or body) are refused. */
#define ASRV_HTTP_MAX_HEADER (64 * 1024)
#define ASRV_HTTP_MAX_BODY (64 * 1024 * 1024)

struct asrv_conn {
    int fd;
    SSL *ssl;  /* NULL for plain HTTP */
    char *buf; /* bytes read but not yet consumed */
    size_t len, off, alloc;
};

struct asrv_req {
    char method[16];
    char *path;  /* percent-decoded path, without the query */
    char *query; /* the raw query string ("" when none) */
    char *accept, *content_type, *authorization, *user_agent; /* "" when absent */
    bool keep_alive;
    char *body; /* NUL-terminated; body_len bytes */
    size_t body_len;
};

enum asrv_fault_kind { ASRV_REPLY_NORMAL = 0, ASRV_REPLY_DROP, ASRV_REPLY_HANG, ASRV_REPLY_WATCH };

struct asrv_resp {
    int status;
    char content_type[128];
    struct strbuf body;
    struct strbuf headers; /* extra header lines, each ending in \r\n */
    int reply;             /* enum asrv_fault_kind */
    void *watch;           /* ASRV_REPLY_WATCH: the struct asrv_watch_req (owned) */
};

/* Wrap fd (and ssl, already handshaken, or NULL). The connection owns both. */
void asrv_conn_init(struct asrv_conn *c, int fd, SSL *ssl);
void asrv_conn_close(struct asrv_conn *c);

/*
 * Read the next request. Returns 0 with *req filled, 1 when the peer closed
 * the connection cleanly between requests, or a negative code.
 * Ownership: release req with asrv_req_release().
 * Errors: KS_EINPUT for a malformed request (the caller answers 400 and closes).
 */
int asrv_http_read(struct asrv_conn *c, struct asrv_req *req, struct ks_err *e);
void asrv_req_release(struct asrv_req *req);

/* The first value of query parameter name, percent-decoded; NULL when absent. Caller frees. */
char *asrv_http_query(const struct asrv_req *req, const char *name);

/* Decode %XX (and '+' as a space when plus is set) in place. */
void asrv_http_unescape(char *s, bool plus);

void asrv_resp_init(struct asrv_resp *r);
void asrv_resp_release(struct asrv_resp *r);
/* Set status, content type and body (a copy of len bytes). */
void asrv_resp_set(struct asrv_resp *r, int status, const char *ctype, const char *body,
                   size_t len);

/*
 * Write the response. With reply == ASRV_REPLY_DROP only the headers and half
 * of the body are written (the caller then closes). Returns 0 or KS_EHTTP.
 */
int asrv_http_write(struct asrv_conn *c, const struct asrv_req *req, const struct asrv_resp *r,
                    bool keep_alive, struct ks_err *e);

/* Start a chunked response (the body follows as chunks). Returns 0 or -1. */
int asrv_http_write_head(struct asrv_conn *c, int status, const char *ctype);
/* One chunk of n bytes; n == 0 ends the body. Returns 0 or -1. */
int asrv_http_write_chunk(struct asrv_conn *c, const char *data, size_t n);

/* The standard reason phrase of an HTTP status. */
const char *asrv_http_reason(int status);

#endif
