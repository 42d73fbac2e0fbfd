/*
 * asrv_http.c: HTTP/1.1 framing for kubeshim-apiserver: request line and
 * headers, Content-Length and chunked bodies, keep-alive, and the response
 * writer (which can also drop a connection mid-reply for fault injection).
 */
#include "apiserver/asrv_http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

void asrv_conn_init(struct asrv_conn *c, int fd, SSL *ssl)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    c->ssl = ssl;
}

void asrv_conn_close(struct asrv_conn *c)
{
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
}

/* Read more bytes into the buffer; returns bytes read, 0 on EOF, -1 on error. */
static long conn_fill(struct asrv_conn *c)
{
    if (c->off > 0 && c->off == c->len) {
        c->off = c->len = 0;
    } else if (c->off > 0 && c->len - c->off < c->off) {
        memmove(c->buf, c->buf + c->off, c->len - c->off);
        c->len -= c->off;
        c->off = 0;
    }
    if (c->alloc - c->len < 16384) {
        c->alloc = c->alloc ? c->alloc * 2 : 32768;
        c->buf = ks_realloc(c->buf, c->alloc);
    }
    for (;;) {
        long n;
        if (c->ssl) {
            n = SSL_read(c->ssl, c->buf + c->len, (int)(c->alloc - c->len - 1));
            if (n <= 0) {
                int err = SSL_get_error(c->ssl, (int)n);
                if (err == SSL_ERROR_ZERO_RETURN)
                    return 0;
                if (err == SSL_ERROR_SYSCALL && errno == EINTR)
                    continue;
                return -1;
            }
        } else {
            n = read(c->fd, c->buf + c->len, c->alloc - c->len - 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return -1;
            if (n == 0)
                return 0;
        }
        c->len += (size_t)n;
        c->buf[c->len] = '\0';
        return n;
    }
}

static int conn_write(struct asrv_conn *c, const char *p, size_t n)
{
    while (n > 0) {
        long w;
        if (c->ssl) {
            w = SSL_write(c->ssl, p, (int)n);
            if (w <= 0)
                return -1;
        } else {
            w = send(c->fd, p, n, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read exactly n body bytes into out. */
static int conn_take(struct asrv_conn *c, struct strbuf *out, size_t n)
{
    while (c->len - c->off < n) {
        size_t have = c->len - c->off;
        strbuf_add(out, c->buf + c->off, have);
        c->off += have;
        n -= have;
        if (conn_fill(c) <= 0)
            return -1;
    }
    strbuf_add(out, c->buf + c->off, n);
    c->off += n;
    return 0;
}

/* Read one CRLF-terminated line (without the CRLF) into out. */
static int conn_line(struct asrv_conn *c, struct strbuf *out)
{
    for (;;) {
        char *nl = memchr(c->buf + c->off, '\n', c->len - c->off);
        if (nl) {
            size_t n = (size_t)(nl - (c->buf + c->off));
            strbuf_reset(out);
            strbuf_add(out, c->buf + c->off, n);
            if (out->len && out->buf[out->len - 1] == '\r')
                strbuf_setlen(out, out->len - 1);
            c->off += n + 1;
            return 0;
        }
        if (c->len - c->off > ASRV_HTTP_MAX_HEADER || conn_fill(c) <= 0)
            return -1;
    }
}

static char *trim_dup(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return ks_strndup(s, n);
}

void asrv_http_unescape(char *s, bool plus)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], 0};
            *w++ = (char)strtol(hex, NULL, 16);
            r += 2;
        } else if (*r == '+' && plus) {
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static int read_chunked(struct asrv_conn *c, struct strbuf *body, struct ks_err *e)
{
    struct strbuf line = STRBUF_INIT;
    int rc = 0;
    for (;;) {
        if (conn_line(c, &line) < 0) {
            rc = ks_fail(e, KS_EINPUT, "truncated chunked body");
            break;
        }
        char *end = NULL;
        unsigned long n = strtoul(line.buf, &end, 16);
        if (end == line.buf || body->len + n > ASRV_HTTP_MAX_BODY) {
            rc = ks_fail(e, KS_EINPUT, "bad chunk size");
            break;
        }
        if (n == 0) {
            /* trailers up to the empty line */
            do {
                if (conn_line(c, &line) < 0)
                    break;
            } while (line.len > 0);
            break;
        }
        if (conn_take(c, body, n) < 0 || conn_line(c, &line) < 0) {
            rc = ks_fail(e, KS_EINPUT, "truncated chunk");
            break;
        }
    }
    strbuf_release(&line);
    return rc;
}

int asrv_http_read(struct asrv_conn *c, struct asrv_req *req, struct ks_err *e)
{
    struct strbuf line = STRBUF_INIT, body = STRBUF_INIT;
    long clen = -1;
    bool chunked = false, http10 = false, conn_close = false, conn_keep = false, expect = false;
    int rc = 0;

    memset(req, 0, sizeof(*req));
    /* skip empty lines between requests; EOF here is a clean close */
    do {
        if (c->off == c->len && conn_fill(c) <= 0) {
            strbuf_release(&line);
            return 1;
        }
        if (conn_line(c, &line) < 0) {
            rc = ks_fail(e, KS_EINPUT, "truncated request line");
            goto done;
        }
    } while (line.len == 0);

    char *sp1 = strchr(line.buf, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || (size_t)(sp1 - line.buf) >= sizeof(req->method)) {
        rc = ks_fail(e, KS_EINPUT, "malformed request line");
        goto done;
    }
    memcpy(req->method, line.buf, (size_t)(sp1 - line.buf));
    http10 = strncmp(sp2 + 1, "HTTP/1.0", 8) == 0;
    *sp2 = '\0';
    char *target = sp1 + 1;
    char *q = strchr(target, '?');
    req->query = ks_strdup(q ? q + 1 : "");
    req->path = q ? ks_strndup(target, (size_t)(q - target)) : ks_strdup(target);
    asrv_http_unescape(req->path, false);

    for (size_t total = 0;;) {
        if (conn_line(c, &line) < 0) {
            rc = ks_fail(e, KS_EINPUT, "truncated headers");
            goto done;
        }
        total += line.len;
        if (total > ASRV_HTTP_MAX_HEADER) {
            rc = ks_fail(e, KS_EINPUT, "headers too large");
            goto done;
        }
        if (line.len == 0)
            break;
        char *colon = strchr(line.buf, ':');
        if (!colon)
            continue;
        *colon = '\0';
        const char *name = line.buf, *val = colon + 1;
        char **slot = NULL;
        if (strcasecmp(name, "Accept") == 0)
            slot = &req->accept;
        else if (strcasecmp(name, "Content-Type") == 0)
            slot = &req->content_type;
        else if (strcasecmp(name, "Authorization") == 0)
            slot = &req->authorization;
        else if (strcasecmp(name, "User-Agent") == 0)
            slot = &req->user_agent;
        if (slot) {
            free(*slot);
            *slot = trim_dup(val);
        } else if (strcasecmp(name, "Content-Length") == 0) {
            clen = strtol(val, NULL, 10);
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            chunked = strcasestr(val, "chunked") != NULL;
        } else if (strcasecmp(name, "Expect") == 0) {
            expect = strcasestr(val, "100-continue") != NULL;
        } else if (strcasecmp(name, "Connection") == 0) {
            conn_close = strcasestr(val, "close") != NULL;
            conn_keep = strcasestr(val, "keep-alive") != NULL;
        }
    }
    req->keep_alive = http10 ? conn_keep : !conn_close;
    /* curl sends Expect: 100-continue with larger bodies and waits a second for this */
    if (expect && (chunked || clen > 0) && !http10)
        conn_write(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    if (chunked) {
        rc = read_chunked(c, &body, e);
        if (rc < 0)
            goto done;
    } else if (clen > 0) {
        if (clen > ASRV_HTTP_MAX_BODY) {
            rc = ks_fail(e, KS_EINPUT, "request body too large");
            goto done;
        }
        if (conn_take(c, &body, (size_t)clen) < 0) {
            rc = ks_fail(e, KS_EINPUT, "truncated request body");
            goto done;
        }
    }
    strbuf_grow(&body, 0);
    req->body_len = body.len;
    req->body = strbuf_detach(&body, NULL);
done:
    if (!req->accept)
        req->accept = ks_strdup("");
    if (!req->content_type)
        req->content_type = ks_strdup("");
    if (!req->authorization)
        req->authorization = ks_strdup("");
    if (!req->user_agent)
        req->user_agent = ks_strdup("");
    if (!req->path)
        req->path = ks_strdup("");
    if (!req->query)
        req->query = ks_strdup("");
    if (!req->body)
        req->body = ks_strdup("");
    strbuf_release(&line);
    strbuf_release(&body);
    return rc;
}

void asrv_req_release(struct asrv_req *req)
{
    free(req->path);
    free(req->query);
    free(req->accept);
    free(req->content_type);
    free(req->authorization);
    free(req->user_agent);
    free(req->body);
    memset(req, 0, sizeof(*req));
}

char *asrv_http_query(const struct asrv_req *req, const char *name)
{
    size_t nl = strlen(name);
    const char *p = req->query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t seg = amp ? (size_t)(amp - p) : strlen(p);
        char *kv = ks_strndup(p, seg);
        char *eq = strchr(kv, '=');
        if (eq)
            *eq = '\0';
        asrv_http_unescape(kv, true);
        if (strlen(kv) == nl && strcmp(kv, name) == 0) {
            char *val = ks_strdup(eq ? eq + 1 : "");
            asrv_http_unescape(val, true);
            free(kv);
            return val;
        }
        free(kv);
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

void asrv_resp_init(struct asrv_resp *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
    snprintf(r->content_type, sizeof(r->content_type), "application/json");
}

void asrv_resp_release(struct asrv_resp *r)
{
    strbuf_release(&r->body);
    strbuf_release(&r->headers);
}

void asrv_resp_set(struct asrv_resp *r, int status, const char *ctype, const char *body, size_t len)
{
    r->status = status;
    snprintf(r->content_type, sizeof(r->content_type), "%s", ctype);
    strbuf_reset(&r->body);
    strbuf_add(&r->body, body, len);
}

const char *asrv_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 301:
        return "Moved Permanently";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

int asrv_http_write(struct asrv_conn *c, const struct asrv_req *req, const struct asrv_resp *r,
                    bool keep_alive, struct ks_err *e)
{
    struct strbuf out = STRBUF_INIT;
    bool head = strcmp(req->method, "HEAD") == 0;
    /* PARITY: the generic API server's default, which a handler may replace (OpenAPI v3) */
    bool own_cc = strstr(strbuf_str(&r->headers), "Cache-Control:") != NULL;
    strbuf_addf(&out,
                "HTTP/1.1 %d %s\r\nAudit-Id: kubeshim\r\n%s"
                "Content-Type: %s\r\nContent-Length: %zu\r\n%s%s\r\n",
                r->status, asrv_http_reason(r->status),
                own_cc ? "" : "Cache-Control: no-cache, private\r\n", r->content_type, r->body.len,
                strbuf_str(&r->headers), keep_alive ? "" : "Connection: close\r\n");
    size_t body_n = head ? 0 : r->body.len;
    if (r->reply == ASRV_REPLY_DROP)
        body_n /= 2;
    strbuf_add(&out, strbuf_str(&r->body), body_n);
    int rc = conn_write(c, out.buf, out.len);
    strbuf_release(&out);
    if (rc < 0)
        return ks_fail(e, KS_EHTTP, "write failed");
    return 0;
}

int asrv_http_write_head(struct asrv_conn *c, int status, const char *ctype)
{
    struct strbuf out = STRBUF_INIT;
    strbuf_addf(&out,
                "HTTP/1.1 %d %s\r\nAudit-Id: kubeshim\r\nCache-Control: no-cache, private\r\n"
                "Content-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n",
                status, asrv_http_reason(status), ctype);
    int rc = conn_write(c, out.buf, out.len);
    strbuf_release(&out);
    return rc;
}

int asrv_http_write_chunk(struct asrv_conn *c, const char *data, size_t n)
{
    char head[32];
    int hl = snprintf(head, sizeof(head), "%zx\r\n", n);
    if (conn_write(c, head, (size_t)hl) < 0 || (n && conn_write(c, data, n) < 0))
        return -1;
    return conn_write(c, "\r\n", 2);
}
