/*
 * ktls.c: non-blocking TLS client connections over OpenSSL 3, which is
 * dlopen'd on first use (a table of the calls we make, like kcurl.c for
 * libcurl). Verification follows Go's crypto/tls client: the kubeconfig's CA
 * (else the system's), the server name or IP in the certificate, TLS >= 1.2,
 * ALPN "http/1.1"; failures are worded as curl words them (kgoerr.c reads them).
 */
#include "http/ktls.h"

#include "base/ks.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | _LOAD_CONFIG | _NO_LOAD_SSL_STRINGS, as kcurl.c:
 * our messages never use OpenSSL's error texts, whose table costs ~0.5 MB. */
#define KTLS_INIT_FLAGS (0x00000001ULL | 0x00000040ULL | 0x00100000ULL)

/* The OpenSSL calls we make. Macros of ssl.h that expand to SSL_CTX_ctrl/SSL_ctrl are
 * spelled out through ctx_ctrl/ssl_ctrl: nothing here may reference libssl directly. */
struct ktls_api {
    int (*init_ssl)(uint64_t opts, const OPENSSL_INIT_SETTINGS *s);
    const SSL_METHOD *(*client_method)(void);
    SSL_CTX *(*ctx_new)(const SSL_METHOD *m);
    void (*ctx_free)(SSL_CTX *c);
    long (*ctx_ctrl)(SSL_CTX *c, int cmd, long larg, void *parg);
    uint64_t (*ctx_set_options)(SSL_CTX *c, uint64_t op);
    void (*ctx_set_verify)(SSL_CTX *c, int mode, SSL_verify_cb cb);
    X509_STORE *(*ctx_get_cert_store)(const SSL_CTX *c);
    int (*ctx_load_verify_locations)(SSL_CTX *c, const char *file, const char *path);
    int (*ctx_set_default_verify_paths)(SSL_CTX *c);
    int (*ctx_use_certificate)(SSL_CTX *c, X509 *x);
    int (*ctx_use_private_key)(SSL_CTX *c, EVP_PKEY *k);
    int (*ctx_use_certificate_chain_file)(SSL_CTX *c, const char *file);
    int (*ctx_use_private_key_file)(SSL_CTX *c, const char *file, int type);
    int (*ctx_check_private_key)(const SSL_CTX *c);
    int (*ctx_set_alpn_protos)(SSL_CTX *c, const unsigned char *p, unsigned int n);
    SSL *(*ssl_new)(SSL_CTX *c);
    void (*ssl_free)(SSL *s);
    int (*ssl_set_fd)(SSL *s, int fd);
    long (*ssl_ctrl)(SSL *s, int cmd, long larg, void *parg);
    int (*ssl_set1_host)(SSL *s, const char *name);
    int (*ssl_connect)(SSL *s);
    int (*ssl_read)(SSL *s, void *buf, int n);
    int (*ssl_write)(SSL *s, const void *buf, int n);
    int (*ssl_get_error)(const SSL *s, int ret);
    int (*ssl_pending)(const SSL *s);
    long (*ssl_get_verify_result)(const SSL *s);
    BIO *(*bio_new_mem_buf)(const void *buf, int len);
    int (*bio_free)(BIO *b);
    X509 *(*pem_read_x509)(BIO *b, X509 **x, pem_password_cb *cb, void *u);
    EVP_PKEY *(*pem_read_key)(BIO *b, EVP_PKEY **x, pem_password_cb *cb, void *u);
    void (*x509_free)(X509 *x);
    void (*pkey_free)(EVP_PKEY *k);
    int (*store_add_cert)(X509_STORE *s, X509 *x);
    const char *(*verify_error_string)(long n);
    unsigned long (*err_peek_last_error)(void);
    void (*err_clear_error)(void);
};

static struct ktls_api api;
static int ktls_loaded; /* 0: not tried, 1: loaded, -1: failed */
static char ktls_load_error[200];

struct ktls_ctx {
    SSL_CTX *ctx;
    const struct ktls_opts *o;
    bool sni; /* verify_name is a DNS name (no SNI for an IP address) */
};

struct ktls {
    SSL *ssl;
    struct ktls_ctx *ctx;
};

static int ktls_load(void)
{
    if (ktls_loaded)
        return ktls_loaded;
    void *ssl = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    void *crypto = ssl ? dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!ssl || !crypto) {
        snprintf(ktls_load_error, sizeof(ktls_load_error), "cannot load OpenSSL: %s", dlerror());
        ktls_loaded = -1;
        return -1;
    }
    const char *missing = NULL;
    /* POSIX allows converting dlsym's void * to a function pointer this way. */
#define KTLS_SYM(lib, field, name)                                                                 \
    do {                                                                                           \
        if (!(*(void **)(&api.field) = dlsym(lib, name)) && !missing)                              \
            missing = name;                                                                        \
    } while (0)
    KTLS_SYM(ssl, init_ssl, "OPENSSL_init_ssl");
    KTLS_SYM(ssl, client_method, "TLS_client_method");
    KTLS_SYM(ssl, ctx_new, "SSL_CTX_new");
    KTLS_SYM(ssl, ctx_free, "SSL_CTX_free");
    KTLS_SYM(ssl, ctx_ctrl, "SSL_CTX_ctrl");
    KTLS_SYM(ssl, ctx_set_options, "SSL_CTX_set_options");
    KTLS_SYM(ssl, ctx_set_verify, "SSL_CTX_set_verify");
    KTLS_SYM(ssl, ctx_get_cert_store, "SSL_CTX_get_cert_store");
    KTLS_SYM(ssl, ctx_load_verify_locations, "SSL_CTX_load_verify_locations");
    KTLS_SYM(ssl, ctx_set_default_verify_paths, "SSL_CTX_set_default_verify_paths");
    KTLS_SYM(ssl, ctx_use_certificate, "SSL_CTX_use_certificate");
    KTLS_SYM(ssl, ctx_use_private_key, "SSL_CTX_use_PrivateKey");
    KTLS_SYM(ssl, ctx_use_certificate_chain_file, "SSL_CTX_use_certificate_chain_file");
    KTLS_SYM(ssl, ctx_use_private_key_file, "SSL_CTX_use_PrivateKey_file");
    KTLS_SYM(ssl, ctx_check_private_key, "SSL_CTX_check_private_key");
    KTLS_SYM(ssl, ctx_set_alpn_protos, "SSL_CTX_set_alpn_protos");
    KTLS_SYM(ssl, ssl_new, "SSL_new");
    KTLS_SYM(ssl, ssl_free, "SSL_free");
    KTLS_SYM(ssl, ssl_set_fd, "SSL_set_fd");
    KTLS_SYM(ssl, ssl_ctrl, "SSL_ctrl");
    KTLS_SYM(ssl, ssl_set1_host, "SSL_set1_host");
    KTLS_SYM(ssl, ssl_connect, "SSL_connect");
    KTLS_SYM(ssl, ssl_read, "SSL_read");
    KTLS_SYM(ssl, ssl_write, "SSL_write");
    KTLS_SYM(ssl, ssl_get_error, "SSL_get_error");
    KTLS_SYM(ssl, ssl_pending, "SSL_pending");
    KTLS_SYM(ssl, ssl_get_verify_result, "SSL_get_verify_result");
    KTLS_SYM(crypto, bio_new_mem_buf, "BIO_new_mem_buf");
    KTLS_SYM(crypto, bio_free, "BIO_free");
    KTLS_SYM(crypto, pem_read_x509, "PEM_read_bio_X509");
    KTLS_SYM(crypto, pem_read_key, "PEM_read_bio_PrivateKey");
    KTLS_SYM(crypto, x509_free, "X509_free");
    KTLS_SYM(crypto, pkey_free, "EVP_PKEY_free");
    KTLS_SYM(crypto, store_add_cert, "X509_STORE_add_cert");
    KTLS_SYM(crypto, verify_error_string, "X509_verify_cert_error_string");
    KTLS_SYM(crypto, err_peek_last_error, "ERR_peek_last_error");
    KTLS_SYM(crypto, err_clear_error, "ERR_clear_error");
#undef KTLS_SYM
    if (missing) {
        snprintf(ktls_load_error, sizeof(ktls_load_error), "OpenSSL lacks %s", missing);
        ktls_loaded = -1;
        return -1;
    }
    api.init_ssl(KTLS_INIT_FLAGS, NULL);
    ktls_loaded = 1;
    return 1;
}

/* Every certificate of a PEM buffer; returns how many were handed to add(). */
static int ktls_each_pem_cert(const unsigned char *pem, size_t len, void (*add)(void *, X509 *),
                              void *arg)
{
    BIO *bio = api.bio_new_mem_buf(pem, (int)len);
    int n = 0;
    X509 *x;
    if (!bio)
        return 0;
    while ((x = api.pem_read_x509(bio, NULL, NULL, NULL))) {
        add(arg, x);
        n++;
    }
    api.bio_free(bio);
    api.err_clear_error(); /* the end of the buffer leaves a "no start line" error */
    return n;
}

static void ktls_add_ca(void *arg, X509 *x)
{
    api.store_add_cert(arg, x);
    api.x509_free(x);
}

struct ktls_chain {
    SSL_CTX *ctx;
    int n;
    int rc;
};

static void ktls_add_chain(void *arg, X509 *x)
{
    struct ktls_chain *ch = arg;
    if (ch->n++ == 0) {
        if (api.ctx_use_certificate(ch->ctx, x) != 1)
            ch->rc = -1;
        api.x509_free(x);
    } else if (api.ctx_ctrl(ch->ctx, SSL_CTRL_EXTRA_CHAIN_CERT, 0, x) != 1) {
        api.x509_free(x); /* on success the context owns x */
    }
}

static int ktls_client_cert(SSL_CTX *c, const struct ktls_opts *o, char *errbuf)
{
    if (o->cert_data) {
        struct ktls_chain ch = {c, 0, 0};
        if (ktls_each_pem_cert(o->cert_data, o->cert_len, ktls_add_chain, &ch) == 0 || ch.rc) {
            snprintf(errbuf, KTLS_ERRBUF, "could not load PEM client certificate from blob");
            return CURLE_SSL_CERTPROBLEM;
        }
    } else if (o->cert_file && api.ctx_use_certificate_chain_file(c, o->cert_file) != 1) {
        snprintf(errbuf, KTLS_ERRBUF, "could not load PEM client certificate from %s",
                 o->cert_file);
        return CURLE_SSL_CERTPROBLEM;
    }
    if (o->key_data) {
        BIO *bio = api.bio_new_mem_buf(o->key_data, (int)o->key_len);
        EVP_PKEY *k = bio ? api.pem_read_key(bio, NULL, NULL, NULL) : NULL;
        int ok = k && api.ctx_use_private_key(c, k) == 1;
        if (k)
            api.pkey_free(k);
        if (bio)
            api.bio_free(bio);
        if (!ok) {
            snprintf(errbuf, KTLS_ERRBUF, "unable to set private key file: blob type PEM");
            return CURLE_SSL_CERTPROBLEM;
        }
    } else if (o->key_file && api.ctx_use_private_key_file(c, o->key_file, SSL_FILETYPE_PEM) != 1) {
        snprintf(errbuf, KTLS_ERRBUF, "unable to set private key file: '%s' type PEM", o->key_file);
        return CURLE_SSL_CERTPROBLEM;
    }
    if ((o->cert_data || o->cert_file) && (o->key_data || o->key_file) &&
        api.ctx_check_private_key(c) != 1) {
        snprintf(errbuf, KTLS_ERRBUF, "Private key does not match the certificate public key");
        return CURLE_SSL_CERTPROBLEM;
    }
    return 0;
}

int ktls_ctx_new(struct ktls_ctx **out, const struct ktls_opts *o, char *errbuf)
{
    static const unsigned char alpn[] = "\x08http/1.1";
    SSL_CTX *c = NULL;
    int rc = 0;
    *out = NULL;
    if (ktls_load() < 0) {
        snprintf(errbuf, KTLS_ERRBUF, "%s", ktls_load_error);
        return CURLE_SSL_ENGINE_INITFAILED;
    }
    api.err_clear_error();
    if (!(c = api.ctx_new(api.client_method()))) {
        snprintf(errbuf, KTLS_ERRBUF, "SSL: couldn't create a context");
        return CURLE_OUT_OF_MEMORY;
    }
    /* PARITY: Go's tls.Config defaults: TLS 1.2 and later, no compression, no renegotiation. */
    api.ctx_ctrl(c, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
    api.ctx_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    /* Idle keep-alive connections give their 2 x 16 KB buffers back. */
    api.ctx_ctrl(c, SSL_CTRL_MODE,
                 SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                     SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER,
                 NULL);
    api.ctx_set_alpn_protos(c, alpn, sizeof(alpn) - 1);
    if (o->insecure) {
        api.ctx_set_verify(c, SSL_VERIFY_NONE, NULL);
    } else {
        api.ctx_set_verify(c, SSL_VERIFY_PEER, NULL);
        if (o->ca_data) {
            X509_STORE *st = api.ctx_get_cert_store(c);
            if (ktls_each_pem_cert(o->ca_data, o->ca_len, ktls_add_ca, st) == 0) {
                snprintf(errbuf, KTLS_ERRBUF, "error adding trust anchors from certificate blob");
                rc = CURLE_SSL_CACERT_BADFILE;
                goto done;
            }
        } else if (o->ca_file) {
            if (api.ctx_load_verify_locations(c, o->ca_file, NULL) != 1) {
                snprintf(errbuf, KTLS_ERRBUF, "error setting certificate file: %s", o->ca_file);
                rc = CURLE_SSL_CACERT_BADFILE;
                goto done;
            }
        } else {
            api.ctx_set_default_verify_paths(c);
        }
    }
    if ((rc = ktls_client_cert(c, o, errbuf)) != 0)
        goto done;
    struct ktls_ctx *k = ks_calloc(1, sizeof(*k));
    unsigned char ip[16];
    k->ctx = c;
    k->o = o;
    k->sni = o->verify_name && inet_pton(AF_INET, o->verify_name, ip) != 1 &&
             inet_pton(AF_INET6, o->verify_name, ip) != 1;
    c = NULL;
    *out = k;
done:
    if (c)
        api.ctx_free(c);
    api.err_clear_error();
    return rc;
}

void ktls_ctx_free(struct ktls_ctx *ctx)
{
    if (!ctx)
        return;
    api.ctx_free(ctx->ctx);
    free(ctx);
}

struct ktls *ktls_new(struct ktls_ctx *ctx, int fd)
{
    SSL *s = api.ssl_new(ctx->ctx);
    if (!s)
        return NULL;
    api.ssl_set_fd(s, fd);
    if (ctx->sni)
        api.ssl_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     (void *)ctx->o->verify_name);
    /* OpenSSL 3 takes an IP address literal here as an IP to match. */
    if (!ctx->o->insecure && ctx->o->verify_name)
        api.ssl_set1_host(s, ctx->o->verify_name);
    struct ktls *t = ks_calloc(1, sizeof(*t));
    t->ssl = s;
    t->ctx = ctx;
    return t;
}

void ktls_free(struct ktls *t)
{
    if (!t)
        return;
    api.ssl_free(t->ssl);
    free(t);
}

/* An alert the server sent, in the words curl's OpenSSL backend prints (kgoerr.c looks for them).
 */
static const char *ktls_reason_text(unsigned long err)
{
    switch (ERR_GET_REASON(err)) {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
        return "tlsv13 alert certificate required";
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        return "sslv3 alert bad certificate";
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
        return "tlsv1 alert unknown ca";
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
        return "sslv3 alert handshake failure";
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
        return "tlsv1 alert protocol version";
    case SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL:
        return "tlsv1 alert no application protocol";
    case SSL_R_WRONG_VERSION_NUMBER:
        return "wrong version number";
    default:
        return NULL;
    }
}

/* The text of a failed SSL_* call: "OpenSSL SSL_read: <reason>, errno N", as curl writes it. */
static void ktls_error_text(char *errbuf, const char *call, int ssl_err, int err_no)
{
    unsigned long e = api.err_peek_last_error();
    const char *why = e ? ktls_reason_text(e) : NULL;
    if (why)
        snprintf(errbuf, KTLS_ERRBUF, "OpenSSL %s: error:%08lX:SSL routines::%s, errno %d", call, e,
                 why, err_no);
    else if (ssl_err == SSL_ERROR_SYSCALL)
        snprintf(errbuf, KTLS_ERRBUF, "OpenSSL %s: SSL_ERROR_SYSCALL, errno %d", call, err_no);
    else
        snprintf(errbuf, KTLS_ERRBUF, "OpenSSL %s: error:%08lX, errno %d", call, e, err_no);
    api.err_clear_error();
}

int ktls_handshake(struct ktls *t, short *events, char *errbuf)
{
    errno = 0;
    int r = api.ssl_connect(t->ssl);
    if (r == 1)
        return 0;
    int err = api.ssl_get_error(t->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        *events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        return 1;
    }
    long vr = api.ssl_get_verify_result(t->ssl);
    if (!t->ctx->o->insecure && vr != X509_V_OK) {
        if (vr == X509_V_ERR_HOSTNAME_MISMATCH || vr == X509_V_ERR_IP_ADDRESS_MISMATCH)
            snprintf(errbuf, KTLS_ERRBUF,
                     "SSL: no alternative certificate subject name matches target host name '%s'",
                     t->ctx->o->verify_name ? t->ctx->o->verify_name : "");
        else
            snprintf(errbuf, KTLS_ERRBUF, "SSL certificate problem: %s",
                     api.verify_error_string(vr));
        api.err_clear_error();
        return CURLE_PEER_FAILED_VERIFICATION;
    }
    ktls_error_text(errbuf, "SSL_connect", err, errno);
    return CURLE_SSL_CONNECT_ERROR;
}

static ssize_t ktls_io_result(struct ktls *t, int r, const char *call, short *events, int *code,
                              char *errbuf)
{
    int err = api.ssl_get_error(t->ssl, r);
    switch (err) {
    case SSL_ERROR_WANT_READ:
        *events = POLLIN;
        return -1;
    case SSL_ERROR_WANT_WRITE:
        *events = POLLOUT;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0; /* close_notify */
    case SSL_ERROR_SYSCALL:
        if (errno == 0 && api.err_peek_last_error() == 0)
            return 0; /* the peer closed without close_notify: Go reads EOF too */
        break;
    default:
        break;
    }
    *code = strcmp(call, "SSL_read") == 0 ? CURLE_RECV_ERROR : CURLE_SEND_ERROR;
    ktls_error_text(errbuf, call, err, errno);
    return -2;
}

ssize_t ktls_read(struct ktls *t, void *buf, size_t n, short *events, int *code, char *errbuf)
{
    errno = 0;
    int r = api.ssl_read(t->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
    if (r > 0)
        return r;
    return ktls_io_result(t, r, "SSL_read", events, code, errbuf);
}

ssize_t ktls_write(struct ktls *t, const void *buf, size_t n, short *events, int *code,
                   char *errbuf)
{
    errno = 0;
    int r = api.ssl_write(t->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
    if (r > 0)
        return r;
    ssize_t rc = ktls_io_result(t, r, "SSL_write", events, code, errbuf);
    if (rc == 0) {
        *code = CURLE_SEND_ERROR;
        snprintf(errbuf, KTLS_ERRBUF, "OpenSSL SSL_write: connection closed");
        return -2;
    }
    return rc;
}

bool ktls_pending(struct ktls *t)
{
    return api.ssl_pending(t->ssl) > 0;
}
