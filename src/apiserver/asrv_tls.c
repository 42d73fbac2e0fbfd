/*
 * asrv_tls.c: a throw-away PKI made with the OpenSSL API (EC P-256 keys, a
 * self-signed CA, a server certificate with subjectAltName IP:127.0.0.1 and
 * DNS:localhost, which Go clients require), a TLS 1.2+ server context that
 * selects ALPN http/1.1, and the kubeconfig writer. Over HTTPS the
 * kubeconfig always carries a token: kubectl prompts for a username when a
 * TLS user has no credential at all.
 */
#include "apiserver/asrv_tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static EVP_PKEY *new_key(void)
{
    return EVP_EC_gen("P-256");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return -1;
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return 0;
}

static X509 *new_cert(EVP_PKEY *key, const char *cn, long serial, X509 *issuer,
                      EVP_PKEY *issuer_key, bool ca)
{
    X509 *c = X509_new();
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
    X509_gmtime_adj(X509_getm_notBefore(c), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c), 7L * 24 * 3600);
    X509_set_pubkey(c, key);
    X509_NAME *name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
    X509 *iss = issuer ? issuer : c;
    int bad = 0;
    if (ca) {
        bad |= add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE");
        bad |= add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
        bad |= add_ext(c, iss, NID_subject_key_identifier, "hash");
    } else {
        bad |= add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE");
        bad |= add_ext(c, iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        bad |= add_ext(c, iss, NID_ext_key_usage, "serverAuth");
        bad |= add_ext(c, iss, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    }
    if (bad || !X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256())) {
        X509_free(c);
        return NULL;
    }
    return c;
}

static char *cert_pem(X509 *c)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, c);
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    char *out = ks_strndup(data, (size_t)n);
    BIO_free(b);
    return out;
}

static char *key_pem(EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    char *out = ks_strndup(data, (size_t)n);
    BIO_free(b);
    return out;
}

static int write_file(const char *dir, const char *name, const char *data, int mode,
                      struct ks_err *e)
{
    char *path = ks_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    int rc = 0;
    if (!f || fputs(data, f) < 0)
        rc = ks_fail(e, KS_EINPUT, "cannot write \"%s\"", path);
    if (f && fclose(f) != 0 && rc == 0)
        rc = ks_fail(e, KS_EINPUT, "cannot write \"%s\"", path);
    if (rc == 0)
        chmod(path, (mode_t)mode);
    free(path);
    return rc;
}

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)ssl;
    (void)arg;
    for (unsigned i = 0; i < inlen;) {
        unsigned n = in[i];
        if (n == 8 && i + 1 + n <= inlen && memcmp(in + i + 1, "http/1.1", 8) == 0) {
            *out = in + i + 1;
            *outlen = 8;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + n;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

int asrv_tls_setup(struct asrv *s, const char *dir, char **ca_pem, struct ks_err *e)
{
    int rc = 0;
    EVP_PKEY *ca_key = new_key(), *srv_key = new_key();
    X509 *ca = NULL, *srv = NULL;
    char *srv_pem = NULL, *srv_key_pem = NULL;
    *ca_pem = NULL;
    if (!ca_key || !srv_key) {
        rc = ks_fail(e, KS_EGENERIC, "cannot generate keys");
        goto done;
    }
    ca = new_cert(ca_key, "kubeshim-ca", 1, NULL, NULL, true);
    srv = ca ? new_cert(srv_key, "kube-apiserver", 2, ca, ca_key, false) : NULL;
    if (!ca || !srv) {
        rc = ks_fail(e, KS_EGENERIC, "cannot make certificates");
        goto done;
    }
    *ca_pem = cert_pem(ca);
    srv_pem = cert_pem(srv);
    srv_key_pem = key_pem(srv_key);
    if ((rc = write_file(dir, "ca.crt", *ca_pem, 0644, e)) < 0 ||
        (rc = write_file(dir, "server.crt", srv_pem, 0644, e)) < 0 ||
        (rc = write_file(dir, "server.key", srv_key_pem, 0600, e)) < 0)
        goto done;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate(ctx, srv) != 1 || SSL_CTX_use_PrivateKey(ctx, srv_key) != 1) {
        SSL_CTX_free(ctx);
        rc = ks_fail(e, KS_EGENERIC, "cannot load the server certificate");
        goto done;
    }
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
    s->tls = ctx;
done:
    if (rc < 0) {
        free(*ca_pem);
        *ca_pem = NULL;
    }
    free(srv_pem);
    free(srv_key_pem);
    X509_free(ca);
    X509_free(srv);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(srv_key);
    return rc;
}

int asrv_tls_kubeconfig(const struct asrv *s, const char *path, const char *ca_pem,
                        struct ks_err *e)
{
    char *tmp = ks_asprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int rc = ks_fail(e, KS_EINPUT, "--kubeconfig-out \"%s\": cannot write", path);
        free(tmp);
        return rc;
    }
    fprintf(f,
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: %s://127.0.0.1:%d\n",
            ca_pem ? "https" : "http", s->port);
    if (ca_pem) {
        size_t n = strlen(ca_pem);
        char *b64 = ks_malloc(4 * ((n + 2) / 3) + 1);
        EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)ca_pem, (int)n);
        fprintf(f, "    certificate-authority-data: %s\n", b64);
        free(b64);
    }
    fprintf(
        f,
        "  name: kubeshim\ncontexts:\n- context:\n    cluster: kubeshim\n    namespace: \"%s\"\n"
        "    user: kubeshim\n  name: kubeshim\ncurrent-context: kubeshim\npreferences: {}\n"
        "users:\n- name: kubeshim\n  user:",
        s->opts.context_ns);
    const char *token = s->opts.token ? s->opts.token : (ca_pem ? "kubeshim" : NULL);
    if (token)
        fprintf(f, "\n    token: \"%s\"\n", token);
    else
        fputs(" {}\n", f);
    int bad = fclose(f) != 0;
    int rc = 0;
    if (bad || rename(tmp, path) != 0)
        rc = ks_fail(e, KS_EINPUT, "--kubeconfig-out \"%s\": cannot write", path);
    free(tmp);
    return rc;
}
