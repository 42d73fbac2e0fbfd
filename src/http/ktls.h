/*
 * ktls.h: TLS client connections for the native transport (knet.h), through
 * OpenSSL loaded with dlopen on first use: a program that never speaks https
 * never maps libssl (every dispatched kubectl command starts through us).
 *
 * Failures are named by the CURLcode curl would have returned, with curl's
 * wording in errbuf, so kgoerr_transport() words them as today.
 */
#ifndef KTLS_H
#define KTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define KTLS_ERRBUF 256

/* What to trust and who we are. Every pointer is borrowed for the life of the context. */
struct ktls_opts {
    bool insecure;           /* no verification at all (insecure-skip-tls-verify) */
    const char *verify_name; /* SNI (for a DNS name) and the name or IP the certificate must hold */
    const unsigned char *ca_data; /* PEM; else ca_file; else the system's default paths */
    size_t ca_len;
    const char *ca_file;
    const unsigned char *cert_data; /* client certificate (PEM, chain allowed); else cert_file */
    size_t cert_len;
    const char *cert_file;
    const unsigned char *key_data; /* client key (PEM); else key_file */
    size_t key_len;
    const char *key_file;
};

struct ktls_ctx;
struct ktls;

/*
 * A context for o (OpenSSL is loaded and initialised on the first call).
 * Returns 0, or a CURLcode (CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
 * CURLE_SSL_CONNECT_ERROR) with curl's text in errbuf.
 * Ownership: *out is freed with ktls_ctx_free(); o's pointers stay borrowed.
 */
int ktls_ctx_new(struct ktls_ctx **out, const struct ktls_opts *o, char *errbuf);

void ktls_ctx_free(struct ktls_ctx *ctx);

/* A client connection over the connected socket fd (fd stays the caller's). */
struct ktls *ktls_new(struct ktls_ctx *ctx, int fd);

void ktls_free(struct ktls *t);

/*
 * Drive the handshake. Returns 1 while in progress (*events: the poll events
 * to wait for), 0 when done, or a CURLcode (CURLE_PEER_FAILED_VERIFICATION with
 * the X.509 verify result, CURLE_SSL_CONNECT_ERROR) with curl's text in errbuf.
 */
int ktls_handshake(struct ktls *t, short *events, char *errbuf);

/*
 * Read up to n bytes: > 0 bytes read, 0 at the end of the stream, -1 when it
 * would block (*events: what to wait for), -2 on failure (*code: a CURLcode,
 * errbuf: its text, naming an alert the server sent such as "alert
 * certificate required").
 */
ssize_t ktls_read(struct ktls *t, void *buf, size_t n, short *events, int *code, char *errbuf);

/* Write up to n bytes: as ktls_read(), never 0. */
ssize_t ktls_write(struct ktls *t, const void *buf, size_t n, short *events, int *code,
                   char *errbuf);

/* Whether decrypted bytes are waiting in t (poll would not report them). */
bool ktls_pending(struct ktls *t);

#endif
