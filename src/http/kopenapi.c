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

/* One group-version document, as read. */
struct kopenapi_doc {
    char *key;    /* "api/v1" */
    json_t *tree; /* what the document filter kept */
    /* lazy documents: the text of each recorded span, to decode later */
    json_t *spans;   /* member key -> [start, end], offsets into the body; or NULL */
    int fd;          /* the cache file holding the body, or -1 */
    size_t body_off; /* where the body starts in fd */
    char *mem;       /* or the body itself (no cache file) */
    const struct gojson_filter *schema;
    struct kopenapi_doc *next;
};

struct kopenapi {
    struct kclient *c;
    json_t *paths;                      /* the index's "paths" */
    struct kopenapi_doc *docs;          /* read so far */
    json_t *v2;                         /* the v2 document, once fetched */
    char *dir;                          /* <cache-dir>/http, or NULL */
    const struct gojson_filter *filter; /* for documents (not the index), or NULL */
    const struct gojson_filter *schema; /* decodes spans; NULL: spans are not kept */
};

void kopenapi_set_filter(struct kopenapi *o, const struct gojson_filter *f,
                         const struct gojson_filter *schema)
{
    o->filter = f;
    o->schema = schema;
}

int kopenapi_new(struct kopenapi **out, struct kclient *c, struct ks_err *e)
{
    (void)e;
    struct kopenapi *o = ks_calloc(1, sizeof(*o));
    const struct kconn *k = kclient_conn_get(c);
    o->c = c;
    if (k->cache_dir && *k->cache_dir)
        o->dir = ks_asprintf("%s/http", k->cache_dir);
    *out = o;
    return 0;
}

static void kopenapi_doc_free(struct kopenapi_doc *d)
{
    free(d->key);
    json_decref(d->tree);
    json_decref(d->spans);
    if (d->fd >= 0)
        close(d->fd);
    free(d->mem);
    free(d);
}

void kopenapi_drop_docs(struct kopenapi *o)
{
    while (o->docs) {
        struct kopenapi_doc *d = o->docs;
        o->docs = d->next;
        kopenapi_doc_free(d);
    }
    json_decref(o->v2);
    o->v2 = NULL;
}

void kopenapi_free(struct kopenapi *o)
{
    if (!o)
        return;
    kopenapi_drop_docs(o);
    json_decref(o->paths);
    free(o->dir);
    free(o);
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

/*
 * One parse of a document: the caller's filter, spans recorded into doc, and
 * (for a mapped cache file) the pages behind the parser let go.
 */
struct kopenapi_parse {
    struct gojson_filter f;
    const struct gojson_filter *inner;
    struct kopenapi_doc *doc; /* records spans, or NULL */
    char *base;               /* the mapping, or NULL */
    size_t body_off;          /* where the parser's input starts in it */
    size_t released;          /* bytes from base already given back */
};

static int kopenapi_parse_keep(void *ctx, const char *const *path, size_t depth, const char *key,
                               size_t klen)
{
    const struct kopenapi_parse *m = ctx;
    int k = m->inner ? m->inner->keep(m->inner->ctx, path, depth, key, klen) : GOJSON_KEEP;
    return k == GOJSON_KEEP_SPAN && !m->doc ? GOJSON_KEEP : k;
}

static void kopenapi_parse_span(void *ctx, const char *key, size_t klen, size_t start, size_t end)
{
    struct kopenapi_parse *m = ctx;
    json_object_setn_new(m->doc->spans, key, klen,
                         json_pack("[II]", (json_int_t)start, (json_int_t)end));
}

static void kopenapi_map_release(struct kopenapi_parse *m, size_t upto)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    upto -= upto % page;
    if (m->base && upto > m->released) {
        madvise(m->base + m->released, upto - m->released, MADV_DONTNEED);
        m->released = upto;
    }
}

static void kopenapi_parse_consumed(void *ctx, size_t upto)
{
    struct kopenapi_parse *m = ctx;
    kopenapi_map_release(m, m->body_off + upto);
}

/* Parse a document's body through the filter into doc (spans recorded when doc->spans). */
static int kopenapi_parse_doc(struct kopenapi_doc *doc, const char *body, size_t len,
                              const struct gojson_filter *filter, char *base, size_t body_off,
                              struct ks_err *e)
{
    struct kopenapi_parse m = {
        {kopenapi_parse_keep, kopenapi_parse_span, kopenapi_parse_consumed, NULL},
        filter,
        doc->spans ? doc : NULL,
        base,
        body_off,
        0};
    m.f.ctx = &m;
    json_t *v = NULL;
    int rc = gojson_loads_filter(&v, body, len, &m.f, e);
    if (rc == 0 && !json_is_object(v)) {
        json_decref(v);
        return ks_fail(e, KS_EINPUT, "not a JSON object");
    }
    if (rc == 0)
        doc->tree = v;
    return rc;
}

/*
 * Read a cached 200 response whose checksum holds into doc; -1 if there is
 * none. The file is mapped, not read: a document is megabytes, and its pages
 * are given back as the checksum and the parser pass them, so they never add
 * up in memory. A lazy doc keeps the file open to decode its spans later.
 */
static int kopenapi_cache_read(struct kopenapi_doc *doc, const char *file,
                               const struct gojson_filter *filter)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    unsigned char sum[32];
    int rc = -1;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || st.st_size < 32 + 12) {
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    char *base = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        close(fd);
        return -1;
    }
    struct kopenapi_parse m = {{NULL, NULL, NULL, NULL}, NULL, NULL, base, 0, 0};
    struct sha256 h;
    sha256_init(&h);
    for (size_t at = 32; at < len;) {
        size_t n = len - at < 256 * 1024 ? len - at : 256 * 1024;
        sha256_update(&h, base + at, n);
        at += n;
        kopenapi_map_release(&m, at);
    }
    sha256_final(&h, sum);
    const char *end = memmem(base + 32, len - 32, "\r\n\r\n", 4);
    if (memcmp(sum, base, 32) == 0 && memcmp(base + 32, "HTTP/1.1 200", 12) == 0 && end) {
        size_t off = (size_t)(end + 4 - base);
        rc = kopenapi_parse_doc(doc, end + 4, len - off, filter, base, off, NULL);
        if (rc == 0 && doc->spans) {
            doc->fd = fd;
            doc->body_off = off;
            fd = -1;
        }
    }
    munmap(base, len);
    if (fd >= 0)
        close(fd);
    return rc == 0 ? 0 : -1;
}

/*
 * Write the response as httputil.DumpResponse would (Content-Length first,
 * then sorted); returns where the body starts in the file, 0 if not written.
 */
static size_t kopenapi_cache_write(const char *file, const struct kclient_resp *r)
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
    size_t body_off = 0;
    if (fp) {
        bool ok = fwrite(sum, 1, 32, fp) == 32 && fwrite(head.buf, 1, head.len, fp) == head.len &&
                  fwrite(body, 1, r->body.len, fp) == r->body.len;
        ok = fclose(fp) == 0 && ok && chmod(tmp, 0660) == 0 && rename(tmp, file) == 0;
        if (!ok)
            unlink(tmp);
        else
            body_off = 32 + head.len;
    }
    free(tmp);
    free(dir);
    free(hdrs);
    strbuf_release(&head);
    return body_off;
}

/* GET path; a non-200 status is an error naming what. */
static int kopenapi_fetch(struct kclient_resp *resp, struct kopenapi *o, const char *path,
                          const char *accept, const char *what, struct ks_err *e)
{
    struct kclient_req req = {.method = "GET", .path = path, .accept = accept};
    long t = kclient_conn_get(o->c)->timeout_ms;
    int rc;
    /* PARITY: the discovery client's 32 s timeout when none is set */
    req.timeout_ms = t > 0 ? t : 32000;
    if ((rc = kclient_do(o->c, &req, resp, e)) < 0)
        return rc;
    if (resp->status != 200) {
        rc = kstatus_fail(e, resp);
        ks_context(e, "failed to download %s", what);
        return rc;
    }
    return 0;
}

static int kopenapi_get(json_t **out, struct kclient_resp *resp, struct kopenapi *o,
                        const char *path, const char *accept, const char *what,
                        const struct gojson_filter *filter, struct ks_err *e)
{
    int rc;
    *out = NULL;
    if ((rc = kopenapi_fetch(resp, o, path, accept, what, e)) < 0)
        return rc;
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

static struct kopenapi_doc *kopenapi_doc_find(const struct kopenapi *o, const char *gv_key)
{
    for (struct kopenapi_doc *d = o->docs; d; d = d->next)
        if (strcmp(d->key, gv_key) == 0)
            return d;
    return NULL;
}

/* Download the document at path into d (and into the cache file, if any). */
static int kopenapi_download(struct kopenapi_doc *d, struct kopenapi *o, const char *path,
                             const char *url, const char *file, struct ks_err *e)
{
    struct kclient_resp resp;
    int rc = kopenapi_fetch(&resp, o, path, "application/json", url, e);
    if (rc == 0) {
        if (d->spans)
            json_object_clear(d->spans);
        rc = kopenapi_parse_doc(d, resp.body.buf ? resp.body.buf : "", resp.body.len, o->filter,
                                NULL, 0, NULL);
        if (rc < 0)
            rc = ks_fail(e, KS_EHTTP, "failed to download %s: malformed JSON", url);
    }
    if (rc == 0) {
        size_t off = file ? kopenapi_cache_write(file, &resp) : 0;
        if (d->spans && off > 0)
            d->fd = open(file, O_RDONLY | O_CLOEXEC);
        if (d->fd >= 0)
            d->body_off = off;
        else if (d->spans)
            d->mem = strbuf_detach(&resp.body, NULL); /* spans are decoded from it */
    }
    kclient_resp_release(&resp);
    return rc;
}

int kopenapi_gv_get(const json_t **out, struct kopenapi *o, const char *gv_key, struct ks_err *e)
{
    const json_t *paths;
    int rc;
    struct kopenapi_doc *d = kopenapi_doc_find(o, gv_key);
    *out = d ? d->tree : NULL;
    if (d)
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
    d = ks_calloc(1, sizeof(*d));
    d->fd = -1;
    d->schema = o->schema;
    d->spans = o->schema ? json_object() : NULL;
    if (!file || kopenapi_cache_read(d, file, o->filter) < 0)
        rc = kopenapi_download(d, o, path, url, file, e);
    free(file);
    free(path);
    if (rc < 0) {
        kopenapi_doc_free(d);
        return rc;
    }
    d->key = ks_strdup(gv_key);
    d->next = o->docs;
    o->docs = d;
    *out = d->tree;
    return 0;
}

void *kopenapi_gv_source(struct kopenapi *o, const char *gv_key)
{
    struct kopenapi_doc *d = kopenapi_doc_find(o, gv_key);
    return d && d->spans ? d : NULL;
}

json_t *kopenapi_span_decode(void *source, const char *key)
{
    struct kopenapi_doc *d = source;
    json_t *sp = json_object_get(d->spans, key), *v = NULL;
    if (!sp)
        return NULL;
    size_t start = (size_t)json_integer_value(json_array_get(sp, 0));
    size_t end = (size_t)json_integer_value(json_array_get(sp, 1));
    size_t len = end - start, got = 0;
    char *buf = NULL;
    const char *text = d->mem ? d->mem + start : NULL;
    if (!text) {
        buf = ks_malloc(len ? len : 1);
        while (got < len) {
            ssize_t n = pread(d->fd, buf + got, len - got, (off_t)(d->body_off + start + got));
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        text = buf;
    }
    if (text && (d->mem || got == len))
        gojson_loads_filter(&v, text, len, d->schema, NULL);
    free(buf);
    return v;
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
