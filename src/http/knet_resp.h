/*
 * knet_resp.h: the framing of one HTTP/1.1 response (RFC 9112 sections 4-7):
 * the status line and header lines, then a body delimited by Content-Length,
 * by the chunked coding, by the close of the connection, or absent (a reply
 * to HEAD, 1xx, 204, 304). Pure: bytes in, lines and body bytes out through
 * callbacks, in pieces of any size. Failures carry curl's result code and text.
 */
#ifndef KNET_RESP_H
#define KNET_RESP_H

#include "base/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

#define KNET_RESP_ERRBUF 256

enum knet_resp_result {
    KNET_RESP_MORE,  /* every byte was taken; the response goes on */
    KNET_RESP_DONE,  /* the response ended (see *used) */
    KNET_RESP_ERROR, /* malformed (code, errbuf) */
};

struct knet_resp {
    /* in: set before knet_resp_start() */
    bool no_body; /* the request was HEAD */
    /* each line as received: "HTTP/1.1 200 OK\r\n", "Name: value\r\n", "\r\n" (trailers not) */
    void (*on_header)(void *arg, const char *line, size_t len);
    void (*on_body)(void *arg, const char *data, size_t len);
    void *arg;
    /* out */
    long status;
    bool keep_alive;    /* the connection may carry another request after this one */
    long long received; /* body bytes so far */
    int code;           /* with KNET_RESP_ERROR: a CURLcode */
    char errbuf[KNET_RESP_ERRBUF];
    /* the parser's */
    int state;
    bool chunked;
    long long clen; /* -1: no Content-Length */
    unsigned long long left;
    struct strbuf line;
};

/* Begin a response (callbacks and no_body stay as set). */
void knet_resp_start(struct knet_resp *r);

/* Ownership: frees the line buffer; r can be started again. */
void knet_resp_release(struct knet_resp *r);

/*
 * Take len bytes. With KNET_RESP_DONE, *used says how many belonged to the
 * response (the rest is not ours: the connection cannot be reused).
 */
enum knet_resp_result knet_resp_feed(struct knet_resp *r, const char *p, size_t len, size_t *used);

/*
 * The connection ended. KNET_RESP_DONE for a body delimited by the close,
 * else KNET_RESP_ERROR: CURLE_PARTIAL_FILE for a body cut short ("transfer
 * closed with N bytes remaining to read"), CURLE_RECV_ERROR within the headers.
 */
enum knet_resp_result knet_resp_eof(struct knet_resp *r);

#endif
