/*
 * knet_resp.c: an HTTP/1.1 response, byte by byte: status line, header lines
 * (Content-Length, Transfer-Encoding, Connection), then the body as RFC 9112
 * section 6.3 delimits it. PARITY: curl's result codes and texts for a reply
 * cut short or malformed (kgoerr.c turns them into net/http's words).
 */
#include "http/knet_resp.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KNET_RESP_MAX_LINE 65536 /* a longer status, header or chunk-size line is an error */

enum knet_resp_state {
    KNET_RESP_STATUS,
    KNET_RESP_HEADERS,
    KNET_RESP_BODY_LEN,
    KNET_RESP_BODY_EOF,
    KNET_RESP_CHUNK_SIZE,
    KNET_RESP_CHUNK_DATA,
    KNET_RESP_CHUNK_END,
    KNET_RESP_TRAILERS,
    KNET_RESP_END,
    KNET_RESP_FAILED
};

void knet_resp_start(struct knet_resp *r)
{
    r->status = 0;
    r->keep_alive = true;
    r->received = 0;
    r->code = 0;
    r->errbuf[0] = '\0';
    r->state = KNET_RESP_STATUS;
    r->chunked = false;
    r->clen = -1;
    r->left = 0;
    strbuf_reset(&r->line);
}

void knet_resp_release(struct knet_resp *r)
{
    strbuf_release(&r->line);
}

static void knet_resp_fail(struct knet_resp *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void knet_resp_fail(struct knet_resp *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errbuf, sizeof(r->errbuf), fmt, ap);
    va_end(ap);
    r->code = code;
    r->state = KNET_RESP_FAILED;
}

/* The empty line after the headers: how is the body delimited? */
static void knet_resp_headers_end(struct knet_resp *r)
{
    if (r->status >= 100 && r->status < 200) { /* interim: the real response follows */
        r->state = KNET_RESP_STATUS;
    } else if (r->no_body || r->status == 204 || r->status == 304) {
        r->state = KNET_RESP_END;
    } else if (r->chunked) {
        r->state = KNET_RESP_CHUNK_SIZE;
    } else if (r->clen >= 0) {
        r->left = (unsigned long long)r->clen;
        r->state = r->left ? KNET_RESP_BODY_LEN : KNET_RESP_END;
    } else {
        r->state = KNET_RESP_BODY_EOF;
        r->keep_alive = false;
    }
}

static void knet_resp_status(struct knet_resp *r, const char *s, size_t len)
{
    if (len < 12 || strncmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') || s[8] != ' ' ||
        s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9' ||
        (len > 12 && s[12] != ' ')) {
        knet_resp_fail(r, CURLE_WEIRD_SERVER_REPLY, "Unsupported HTTP version in response");
        return;
    }
    r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    r->keep_alive = s[7] == '1'; /* HTTP/1.0 closes unless it says keep-alive */
    r->chunked = false;
    r->clen = -1;
    r->state = KNET_RESP_HEADERS;
}

static void knet_resp_header(struct knet_resp *r, const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    if (!colon)
        return;
    size_t nl = (size_t)(colon - s);
    const char *v = colon + 1, *end = s + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    char val[64];
    snprintf(val, sizeof(val), "%.*s", (int)(end - v), v);
    if (nl == 14 && strncasecmp(s, "Content-Length", 14) == 0) {
        char *e;
        errno = 0;
        long long cl = strtoll(val, &e, 10);
        while (*e == ' ' || *e == '\t')
            e++;
        if (errno || cl < 0 || e == val || *e || (r->clen >= 0 && r->clen != cl))
            knet_resp_fail(r, CURLE_WEIRD_SERVER_REPLY, "Invalid Content-Length: value");
        else
            r->clen = cl;
    } else if (nl == 17 && strncasecmp(s, "Transfer-Encoding", 17) == 0) {
        if (strcasestr(val, "chunked"))
            r->chunked = true;
    } else if (nl == 10 && strncasecmp(s, "Connection", 10) == 0) {
        if (strcasestr(val, "close"))
            r->keep_alive = false;
        else if (strcasestr(val, "keep-alive"))
            r->keep_alive = true;
    }
}

static void knet_resp_chunk_size(struct knet_resp *r, const char *s, size_t len)
{
    size_t i = 0;
    unsigned long long n = 0;
    for (; i < len; i++) {
        int d = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
                : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                : s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
                                             : -1;
        if (d < 0)
            break;
        n = n * 16 + (unsigned)d;
    }
    if (i == 0 || i > 15 || (i < len && s[i] != ';' && s[i] != ' ' && s[i] != '\t')) {
        knet_resp_fail(r, CURLE_RECV_ERROR,
                       "Illegal or missing hexadecimal sequence in chunked-encoding");
        return;
    }
    r->left = n;
    r->state = n ? KNET_RESP_CHUNK_DATA : KNET_RESP_TRAILERS;
}

/* One whole line (with its line end) in r->line. */
static void knet_resp_line(struct knet_resp *r)
{
    const char *s = r->line.buf;
    size_t len = r->line.len;
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    switch (r->state) {
    case KNET_RESP_STATUS:
        knet_resp_status(r, s, len);
        if (r->state != KNET_RESP_FAILED)
            r->on_header(r->arg, r->line.buf, r->line.len);
        break;
    case KNET_RESP_HEADERS:
        r->on_header(r->arg, r->line.buf, r->line.len);
        if (len == 0)
            knet_resp_headers_end(r);
        else
            knet_resp_header(r, s, len);
        break;
    case KNET_RESP_CHUNK_SIZE:
        knet_resp_chunk_size(r, s, len);
        break;
    case KNET_RESP_CHUNK_END:
        if (len)
            knet_resp_fail(r, CURLE_RECV_ERROR, "chunk data not followed by CRLF");
        else
            r->state = KNET_RESP_CHUNK_SIZE;
        break;
    case KNET_RESP_TRAILERS:
        if (len == 0)
            r->state = KNET_RESP_END;
        break;
    default:
        break;
    }
    strbuf_reset(&r->line);
}

static void knet_resp_body(struct knet_resp *r, const char *p, size_t n)
{
    r->received += (long long)n;
    r->on_body(r->arg, p, n);
}

enum knet_resp_result knet_resp_feed(struct knet_resp *r, const char *p, size_t len, size_t *used)
{
    const char *start = p;
    while (len && r->state != KNET_RESP_END && r->state != KNET_RESP_FAILED) {
        size_t m;
        switch (r->state) {
        case KNET_RESP_BODY_LEN:
        case KNET_RESP_CHUNK_DATA:
            m = len < r->left ? len : (size_t)r->left;
            knet_resp_body(r, p, m);
            p += m;
            len -= m;
            r->left -= m;
            if (r->left == 0)
                r->state = r->state == KNET_RESP_BODY_LEN ? KNET_RESP_END : KNET_RESP_CHUNK_END;
            break;
        case KNET_RESP_BODY_EOF:
            knet_resp_body(r, p, len);
            p += len;
            len = 0;
            break;
        default: {
            const char *nl = memchr(p, '\n', len);
            m = nl ? (size_t)(nl - p) + 1 : len;
            if (r->line.len + m > KNET_RESP_MAX_LINE) {
                knet_resp_fail(r, CURLE_WEIRD_SERVER_REPLY, "Header line too long");
                break;
            }
            strbuf_add(&r->line, p, m);
            p += m;
            len -= m;
            if (nl)
                knet_resp_line(r);
        }
        }
    }
    *used = (size_t)(p - start);
    if (r->state == KNET_RESP_FAILED)
        return KNET_RESP_ERROR;
    return r->state == KNET_RESP_END ? KNET_RESP_DONE : KNET_RESP_MORE;
}

enum knet_resp_result knet_resp_eof(struct knet_resp *r)
{
    switch (r->state) {
    case KNET_RESP_END:
        return KNET_RESP_DONE;
    case KNET_RESP_BODY_EOF:
        r->state = KNET_RESP_END;
        return KNET_RESP_DONE;
    case KNET_RESP_FAILED:
        return KNET_RESP_ERROR;
    case KNET_RESP_BODY_LEN:
        knet_resp_fail(r, CURLE_PARTIAL_FILE, "transfer closed with %llu bytes remaining to read",
                       r->left);
        return KNET_RESP_ERROR;
    case KNET_RESP_STATUS:
    case KNET_RESP_HEADERS:
        knet_resp_fail(r, CURLE_RECV_ERROR, "Connection died");
        return KNET_RESP_ERROR;
    default:
        knet_resp_fail(r, CURLE_PARTIAL_FILE,
                       "transfer closed with outstanding read data remaining");
        return KNET_RESP_ERROR;
    }
}
