/*
 * kopenapi.c: the OpenAPI v3 index and per-group-version documents, each
 * fetched at most once per command; documents (immutable for their ?hash=)
 * are shared with kubectl through its HTTP cache, <cache-dir>/http.
 * PARITY: client-go openapi3 root (GET /openapi/v3?timeout=32s with Accept
 * "application/json" plus any type, then the index's serverRelativeURL + &timeout=32s),
 * client-go transport/cache (file name = sha256 of the URL, content = sha256
 * of the response dump + httputil.DumpResponse bytes).
 */
#include "http/kopenapi.h"

#include "base/gojson.h"
#include "base/sha256.h"
#include "base/strbuf.h"
#include "http/kstatus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct kopenapi {
    struct kclient *c;
    json_t *paths;                      /* the index's "paths" */
    json_t *docs;                       /* gv key -> document */
    json_t *v2;                         /* the v2 document, once fetched */
    char *dir;                          /* <cache-dir>/http, or NULL */
    const struct gojson_filter *filter; /* for documents (not the index), or NULL */
};

void kopenapi_set_filter(struct kopenapi *o, const struct gojson_filter *f)
{
    o->filter = f;
}

int kopenapi_new(struct kopenapi **out, struct kclient *c, struct ks_err *e)
{
    (void)e;
    struct kopenapi *o = ks_calloc(1, sizeof(*o));
    const struct kconn *k = kclient_conn_get(c);
    o->c = c;
    o->docs = json_object();
    if (k->cache_dir && *k->cache_dir)
        o->dir = ks_asprintf("%s/http", k->cache_dir);
    *out = o;
    return 0;
}

void kopenapi_free(struct kopenapi *o)
{
    if (!o)
        return;
    json_decref(o->paths);
    json_decref(o->docs);
    json_decref(o->v2);
    free(o->dir);
    free(o);
}

void kopenapi_drop_docs(struct kopenapi *o)
{
    json_object_clear(o->docs);
    json_decref(o->v2);
    o->v2 = NULL;
}

char *kopenapi_gv_key(const char *api_version)
{
    return strchr(api_version, '/') ? ks_asprintf("apis/%s", api_version)
                                    : ks_asprintf("api/%s", api_version);
}

/* path + the timeout query parameter of client-go's discovery client. */
static char *kopenapi_with_timeout(const struct kopenapi *o, const char *path)
{
    long ms = kclient_conn_get(o->c)->timeout_ms;
    char *d = ms > 0 ? kclient_go_duration(ms) : ks_strdup("32s");
    char *s = ks_asprintf("%s%ctimeout=%s", path, strchr(path, '?') ? '&' : '?', d);
    free(d);
    return s;
}

static void kopenapi_sha256(unsigned char out[32], const void *data, size_t len)
{
    sha256_digest(out, data, len);
}

static char *kopenapi_cache_file(const struct kopenapi *o, const char *path)
{
    unsigned char sum[32];
    char hex[65];
    if (!o->dir)
        return NULL;
    char *url = ks_asprintf("%s%s", kclient_conn_get(o->c)->server, path);
    kopenapi_sha256(sum, url, strlen(url));
    free(url);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
    return ks_asprintf("%s/%s", o->dir, hex);
}

/* A mapped cache file being parsed: the pages behind the parser are let go. */
struct kopenapi_map {
    struct gojson_filter f;
    const struct gojson_filter *inner;
    char *base;
    size_t body_off; /* where the parser's input starts */
    size_t released; /* bytes from base already given back */
};

static bool kopenapi_map_keep(void *ctx, const char *const *path, size_t depth, const char *key,
                              size_t klen)
{
    const struct kopenapi_map *m = ctx;
    return !m->inner || m->inner->keep(m->inner->ctx, path, depth, key, klen);
}

static void kopenapi_map_release(struct kopenapi_map *m, size_t upto)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    upto -= upto % page;
    if (upto > m->released) {
        madvise(m->base + m->released, upto - m->released, MADV_DONTNEED);
        m->released = upto;
    }
}

static void kopenapi_map_consumed(void *ctx, size_t upto)
{
    struct kopenapi_map *m = ctx;
    kopenapi_map_release(m, m->body_off + upto);
}

/*
 * The body of a cached 200 response whose checksum holds, or NULL. The file
 * is mapped, not read: a document is megabytes, and its pages are given back
 * as the checksum and the parser pass them, so they never add up in memory.
 */
static json_t *kopenapi_cache_read(const char *file, const struct gojson_filter *filter)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    json_t *v = NULL;
    unsigned char sum[32];
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || st.st_size < 32 + 12) {
        close(fd);
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    char *base = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (base == MAP_FAILED)
        return NULL;
    struct kopenapi_map m = {{kopenapi_map_keep, kopenapi_map_consumed, NULL}, filter, base, 0, 0};
    m.f.ctx = &m;
    struct sha256 h;
    sha256_init(&h);
    for (size_t at = 32; at < len;) {
        size_t n = len - at < 256 * 1024 ? len - at : 256 * 1024;
        sha256_update(&h, base + at, n);
        at += n;
        kopenapi_map_release(&m, at);
    }
    sha256_final(&h, sum);
    m.released = 0; /* the parser reads it again from the start */
    const char *end = memmem(base + 32, len - 32, "\r\n\r\n", 4);
    if (memcmp(sum, base, 32) == 0 && memcmp(base + 32, "HTTP/1.1 200", 12) == 0 && end) {
        m.body_off = (size_t)(end + 4 - base);
        if (gojson_loads_filter(&v, end + 4, len - m.body_off, &m.f, NULL) == 0 &&
            !json_is_object(v)) {
            json_decref(v);
            v = NULL;
        }
    }
    munmap(base, len);
    return v;
}

/* Write the response as httputil.DumpResponse would (Content-Length first, then sorted). */
static void kopenapi_cache_write(const char *file, const struct kclient_resp *r)
{
    struct strbuf head = STRBUF_INIT;
    char *hdrs = ks_strndup(r->headers.buf ? r->headers.buf : "", r->headers.len);
    char *lines[128];
    size_t n = 0;
    char *save = NULL;
    for (char *l = strtok_r(hdrs, "\r\n", &save); l && n < 128; l = strtok_r(NULL, "\r\n", &save))
        if (strncasecmp(l, "Content-Length:", 15) && strncasecmp(l, "Transfer-Encoding:", 18) &&
            strncasecmp(l, "Content-Encoding:", 17) && strncasecmp(l, "Connection:", 11) &&
            strncasecmp(l, "Keep-Alive:", 11))
            lines[n++] = l;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcasecmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    strbuf_addf(&head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n", r->body.len);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&head, "%s\r\n", lines[i]);
    strbuf_adds(&head, "\r\n");
    /* sha256(dump) + dump, written in pieces: the body is not copied */
    const char *body = r->body.buf ? r->body.buf : "";
    unsigned char sum[32];
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, head.buf, head.len);
    sha256_update(&h, body, r->body.len);
    sha256_final(&h, sum);

    char *dir = ks_strdup(file);
    *strrchr(dir, '/') = '\0';
    for (char *q = dir + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            mkdir(dir, 0750);
            *q = '/';
        }
    mkdir(dir, 0750);
    char *tmp = ks_asprintf("%s.%d.tmp", file, (int)getpid());
    FILE *fp = fopen(tmp, "wb");
    if (fp) {
        bool ok = fwrite(sum, 1, 32, fp) == 32 && fwrite(head.buf, 1, head.len, fp) == head.len &&
                  fwrite(body, 1, r->body.len, fp) == r->body.len;
        ok = fclose(fp) == 0 && ok && chmod(tmp, 0660) == 0 && rename(tmp, file) == 0;
        if (!ok)
            unlink(tmp);
    }
    free(tmp);
    free(dir);
    free(hdrs);
    strbuf_release(&head);
}

static int kopenapi_get(json_t **out, struct kclient_resp *resp, struct kopenapi *o,
                        const char *path, const char *accept, const char *what,
                        const struct gojson_filter *filter, struct ks_err *e)
{
    struct kclient_req req = {.method = "GET", .path = path, .accept = accept};
    long t = kclient_conn_get(o->c)->timeout_ms;
    int rc;
    *out = NULL;
    /* PARITY: the discovery client's 32 s timeout when none is set */
    req.timeout_ms = t > 0 ? t : 32000;
    if ((rc = kclient_do(o->c, &req, resp, e)) < 0)
        return rc;
    if (resp->status != 200) {
        rc = kstatus_fail(e, resp);
        ks_context(e, "failed to download %s", what);
        return rc;
    }
    if (gojson_loads_filter(out, resp->body.buf ? resp->body.buf : "", resp->body.len, filter, e) <
            0 ||
        !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return ks_fail(e, KS_EHTTP, "failed to download %s: malformed JSON", what);
    }
    return 0;
}

int kopenapi_paths_get(const json_t **out, struct kopenapi *o, struct ks_err *e)
{
    json_t *idx = NULL;
    struct kclient_resp resp;
    int rc;
    *out = NULL;
    if (!o->paths) {
        char *path = kopenapi_with_timeout(o, "/openapi/v3");
        rc = kopenapi_get(&idx, &resp, o, path, "application/json, */*", "openapi/v3", NULL, e);
        kclient_resp_release(&resp);
        free(path);
        if (rc < 0)
            return rc;
        json_t *p = json_object_get(idx, "paths");
        o->paths = json_is_object(p) ? json_incref(p) : json_object();
        json_decref(idx);
    }
    *out = o->paths;
    return 0;
}

int kopenapi_gv_get(const json_t **out, struct kopenapi *o, const char *gv_key, struct ks_err *e)
{
    const json_t *paths;
    json_t *doc = NULL;
    struct kclient_resp resp;
    int rc;
    *out = json_object_get(o->docs, gv_key);
    if (*out)
        return 0;
    if ((rc = kopenapi_paths_get(&paths, o, e)) < 0)
        return rc;
    const char *url =
        json_string_value(json_object_get(json_object_get(paths, gv_key), "serverRelativeURL"));
    if (!url)
        return ks_fail(e, KS_ENOTFOUND, "no OpenAPI v3 document for \"%s\"", gv_key);
    char *path = kopenapi_with_timeout(o, url);
    /* only a hash-keyed document is immutable, so only those come from the cache */
    char *file = strstr(url, "hash=") ? kopenapi_cache_file(o, path) : NULL;
    if (file)
        doc = kopenapi_cache_read(file, o->filter);
    if (!doc) {
        rc = kopenapi_get(&doc, &resp, o, path, "application/json", url, o->filter, e);
        if (rc == 0 && file)
            kopenapi_cache_write(file, &resp);
        kclient_resp_release(&resp);
        if (rc < 0) {
            free(file);
            free(path);
            return rc;
        }
    }
    free(file);
    free(path);
    json_object_set_new(o->docs, gv_key, doc);
    *out = doc;
    return 0;
}

int kopenapi_v2_get(const json_t **out, struct kopenapi *o, struct ks_err *e)
{
    struct kclient_resp resp;
    int rc = 0;
    *out = NULL;
    if (!o->v2) {
        char *path = kopenapi_with_timeout(o, "/openapi/v2");
        rc = kopenapi_get(&o->v2, &resp, o, path, "application/json", "openapi/v2", o->filter, e);
        kclient_resp_release(&resp);
        free(path);
    }
    *out = rc == 0 ? o->v2 : NULL;
    return rc;
}
