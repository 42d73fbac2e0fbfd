/*
 * kopenapi.c: the OpenAPI v3 index and per-group-version documents, each
 * fetched at most once per command and kept on disk keyed by the server's hash.
 * PARITY: client-go openapi3 root (GET /openapi/v3, then the index's
 * serverRelativeURL with its ?hash=, which is immutable for that hash).
 * NEEDSWORK: kubectl keeps these in its HTTP cache (<cache-dir>/http); ours is a
 * separate directory, so the two do not share OpenAPI documents.
 */
#include "http/kopenapi.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "http/kdisc.h"
#include "http/kstatus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct kopenapi {
    struct kclient *c;
    json_t *paths; /* the index's "paths" */
    json_t *docs;  /* gv key -> document */
    json_t *v2;    /* the v2 document, once fetched */
    char *dir;     /* <cache-dir>/kubeshim-openapi/<host_port> */
};

int kopenapi_new(struct kopenapi **out, struct kclient *c, struct ks_err *e)
{
    (void)e;
    struct kopenapi *o = ks_calloc(1, sizeof(*o));
    const struct kconn *k = kclient_conn_get(c);
    o->c = c;
    o->docs = json_object();
    if (k->cache_dir && *k->cache_dir) {
        char *h = kdisc_host_dir(k->server);
        o->dir = ks_asprintf("%s/kubeshim-openapi/%s", k->cache_dir, h);
        free(h);
    }
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

char *kopenapi_gv_key(const char *api_version)
{
    return strchr(api_version, '/') ? ks_asprintf("apis/%s", api_version)
                                    : ks_asprintf("api/%s", api_version);
}

static int kopenapi_get_json(json_t **out, struct kopenapi *o, const char *path, const char *what,
                             struct ks_err *e)
{
    /* PARITY: OpenAPI goes through the discovery client, with its 32 s default timeout */
    long t = kclient_conn_get(o->c)->timeout_ms;
    struct kclient_req req = {.method = "GET",
                              .path = path,
                              .accept = "application/json",
                              .timeout_ms = t > 0 ? t : 32000};
    struct kclient_resp resp;
    int rc;
    *out = NULL;
    if ((rc = kclient_do(o->c, &req, &resp, e)) < 0)
        goto done;
    if (resp.status != 200) {
        rc = kstatus_fail(e, &resp);
        ks_context(e, "failed to download %s", what);
        goto done;
    }
    if (gojson_loads(out, resp.body.buf ? resp.body.buf : "", resp.body.len, e) < 0 ||
        !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        rc = ks_fail(e, KS_EHTTP, "failed to download %s: malformed JSON", what);
    }
done:
    kclient_resp_release(&resp);
    return rc;
}

int kopenapi_paths_get(const json_t **out, struct kopenapi *o, struct ks_err *e)
{
    json_t *idx = NULL;
    int rc;
    *out = NULL;
    if (!o->paths) {
        if ((rc = kopenapi_get_json(&idx, o, "/openapi/v3", "openapi/v3", e)) < 0)
            return rc;
        json_t *p = json_object_get(idx, "paths");
        o->paths = json_is_object(p) ? json_incref(p) : json_object();
        json_decref(idx);
    }
    *out = o->paths;
    return 0;
}

/* A cache file name from the hash of the URL ("...?hash=ABC" -> "ABC"), or NULL. */
static char *kopenapi_cache_file(const struct kopenapi *o, const char *key, const char *url)
{
    const char *h = strstr(url, "hash=");
    if (!o->dir || !h)
        return NULL;
    h += 5;
    size_t n = strcspn(h, "&");
    for (size_t i = 0; i < n; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'A' && h[i] <= 'Z') ||
              (h[i] >= 'a' && h[i] <= 'z')))
            return NULL;
    return ks_asprintf("%s/%s/%.*s.json", o->dir, key, (int)n, h);
}

static json_t *kopenapi_read(const char *path)
{
    FILE *fp = fopen(path, "rb");
    json_t *v = NULL;
    if (!fp)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(fp);
    if (gojson_loads(&v, sb.buf ? sb.buf : "", sb.len, NULL) < 0 || !json_is_object(v)) {
        json_decref(v);
        v = NULL;
    }
    strbuf_release(&sb);
    return v;
}

static void kopenapi_write(const char *path, const json_t *doc)
{
    char *dir = ks_strdup(path);
    *strrchr(dir, '/') = '\0';
    for (char *q = dir + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            mkdir(dir, 0750);
            *q = '/';
        }
    mkdir(dir, 0750);
    char *tmp = ks_asprintf("%s.%d.tmp", path, (int)getpid());
    char *s = json_dumps(doc, JSON_COMPACT);
    FILE *fp = fopen(tmp, "wb");
    bool ok = false;
    if (fp) {
        ok = s && fputs(s, fp) >= 0;
        ok = fclose(fp) == 0 && ok && rename(tmp, path) == 0;
        if (!ok)
            unlink(tmp);
    }
    free(s);
    free(tmp);
    free(dir);
}

int kopenapi_gv_get(const json_t **out, struct kopenapi *o, const char *gv_key, struct ks_err *e)
{
    const json_t *paths;
    json_t *doc = NULL;
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
    char *file = kopenapi_cache_file(o, gv_key, url);
    if (file)
        doc = kopenapi_read(file);
    if (!doc) {
        if ((rc = kopenapi_get_json(&doc, o, url, url, e)) < 0) {
            free(file);
            return rc;
        }
        if (file)
            kopenapi_write(file, doc);
    }
    free(file);
    json_object_set_new(o->docs, gv_key, doc);
    *out = doc;
    return 0;
}

int kopenapi_v2_get(const json_t **out, struct kopenapi *o, struct ks_err *e)
{
    int rc;
    *out = NULL;
    if (!o->v2 && (rc = kopenapi_get_json(&o->v2, o, "/openapi/v2", "openapi/v2", e)) < 0)
        return rc;
    *out = o->v2;
    return 0;
}
