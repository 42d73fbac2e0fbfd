/*
 * knet.h: the native HTTP/1.1 transport of kclient.h: a keep-alive pool of
 * connections to one server (plain TCP, or TLS through ktls.h), requests
 * queued and driven from the caller's thread with poll(). It frames bytes and
 * nothing else: the caller writes the request head and reads the headers.
 *
 * A failed transfer is named by the CURLcode libcurl would have returned for
 * the same failure, with curl's wording in errbuf, so that kgoerr_transport()
 * gives the very texts the libcurl transport gives.
 */
#ifndef KNET_H
#define KNET_H

#include "http/ktls.h"

#include <stdbool.h>
#include <stddef.h>

#define KNET_ERRBUF KTLS_ERRBUF

struct knet_opts {
    const char *host; /* to connect to: a DNS name or an IP literal (no brackets) */
    const char *port;
    bool tls;
    struct ktls_opts tls_opts; /* with tls; its pointers are borrowed */
    int max_conns;             /* connections open at once (knet_set_max_conns() changes it) */
    long connect_timeout_ms;   /* TCP connect and TLS handshake; 0: none */
};

struct knet_conn;

/*
 * One request and its response. The caller fills the first part, hands the
 * transfer to knet_add() and gets it back from knet_run() with the outcome.
 */
struct knet_xfer {
    /* in (borrowed until the transfer is returned) */
    const char *head; /* "METHOD target HTTP/1.1\r\n" headers "\r\n" */
    size_t head_len;
    const char *body; /* NULL: none (the head then says Content-Length or not) */
    size_t body_len;
    bool no_body;    /* the response has no body whatever its headers say (HEAD) */
    bool replayable; /* idempotent: may be sent again (see knet_add()) */
    long timeout_ms; /* total, from knet_add(); 0: none */
    /* each response line as received ("HTTP/1.1 200 OK\r\n", "Name: value\r\n", "\r\n") */
    void (*on_header)(void *arg, const char *line, size_t len);
    void (*on_body)(void *arg, const char *data, size_t len);
    void *arg;
    /* out */
    int result; /* 0, or a CURLcode naming the failure */
    long status;
    char errbuf[KNET_ERRBUF]; /* with result: curl's text for it */
    /* the engine's */
    double deadline;
    bool retried;
    struct knet_conn *conn;
    struct knet_xfer *next;
};

struct knet;

/* Ownership: o's strings are borrowed and must outlive n; free n with knet_free(). */
struct knet *knet_new(const struct knet_opts *o);

/* Close every connection. Transfers still queued are the caller's (never returned). */
void knet_free(struct knet *n);

/* Raise or lower the number of connections (the caller's slow start). */
void knet_set_max_conns(struct knet *n, int max);

/*
 * The client certificate and key (PEM) of an exec credential plugin, which
 * replace those of the options for connections opened from now on.
 * Ownership: copied.
 */
void knet_set_client_cert(struct knet *n, const char *cert, size_t cert_len, const char *key,
                          size_t key_len);

/*
 * Queue x. It is sent on an idle kept-alive connection or on a new one, in
 * queue order. When a reused connection turns out closed before any byte of
 * the response, x is sent once more on a fresh connection if it is
 * replayable or nothing of it had been written (Go's transport does the same).
 */
void knet_add(struct knet *n, struct knet_xfer *x);

/*
 * Wait up to wait_ms (or until a transfer's deadline) for I/O, then move
 * everything along. Transfers that ended are returned in *done, linked through
 * next, in the order they ended. SIGPIPE is ignored only during the call.
 */
void knet_run(struct knet *n, long wait_ms, struct knet_xfer **done);

#endif
