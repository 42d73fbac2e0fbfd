/*
 * kdisc.c: discovery (aggregated v2/v2beta1, else legacy), kubectl's disk
 * cache layout and lifetime, and REST mapping of apiVersion+kind.
 * PARITY: client-go discovery (AcceptV2/AcceptV2Beta1 Accept header,
 * SplitGroupsAndResources), disk.CachedDiscoveryClient (servergroups.json,
 * <gv>/serverresources.json, 6h TTL via cli-runtime, computeDiscoverCacheDir),
 * restmapper.DeferredDiscoveryRESTMapper (reset and retry once on a miss).
 */
#include "http/kdisc.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "http/kdiscagg.h"
#include "http/kstatus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KDISC_ACCEPT                                                                               \
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/"            \
    "json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

struct kdisc {
    struct kclient *c;
    struct kdisc_opts opts;
    json_t *groups;    /* APIGroupList as kubectl caches it (core group first) */
    json_t *resources; /* groupVersion -> APIResourceList */
    json_t *flat;      /* kdisc_resources_get() */
    bool loaded;
    bool from_cache;
    bool refreshed; /* already re-read from the server once */
    unsigned long requests;
    char *dir; /* <cache-dir>/discovery/<host_port> */
};

char *kdisc_host_dir(const char *server)
{
    const char *p = server;
    if (strncmp(p, "https://", 8) == 0)
        p += 8;
    else if (strncmp(p, "http://", 7) == 0)
        p += 7;
    char *s = ks_strdup(p);
    /* PARITY: overlyCautiousIllegalFileCharacters = [^(\w/.)] */
    for (char *q = s; *q; q++) {
        char ch = *q;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '/' || ch == '.' || ch == '(' ||
                  ch == ')';
        if (!ok)
            *q = '_';
    }
    return s;
}

int kdisc_new(struct kdisc **out, struct kclient *c, const struct kdisc_opts *opts,
              struct ks_err *e)
{
    (void)e;
    struct kdisc *d = ks_calloc(1, sizeof(*d));
    const struct kconn *k = kclient_conn_get(c);
    d->c = c;
    if (opts)
        d->opts = *opts;
    if (!d->opts.ttl_s)
        d->opts.ttl_s = 6 * 3600;
    if (k->cache_dir && *k->cache_dir) {
        char *h = kdisc_host_dir(k->server);
        d->dir = ks_asprintf("%s/discovery/%s", k->cache_dir, h);
        free(h);
    }
    *out = d;
    return 0;
}

static void kdisc_reset(struct kdisc *d)
{
    json_decref(d->groups);
    json_decref(d->resources);
    json_decref(d->flat);
    d->groups = d->resources = d->flat = NULL;
    d->loaded = false;
}

void kdisc_free(struct kdisc *d)
{
    if (!d)
        return;
    kdisc_reset(d);
    free(d->dir);
    free(d);
}

unsigned long kdisc_request_count(const struct kdisc *d)
{
    return d->requests;
}

/* ---- the disk cache ---- */

static int kdisc_mkdirs(const char *path)
{
    char *p = ks_strdup(path);
    for (char *q = p + 1; *q; q++) {
        if (*q == '/') {
            *q = '\0';
            mkdir(p, 0750);
            *q = '/';
        }
    }
    int rc = mkdir(p, 0750) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static char *kdisc_gv_file(const struct kdisc *d, const char *gv)
{
    return ks_asprintf("%s/%s/serverresources.json", d->dir, gv);
}

/* Write atomically (temp file + rename), mode 0660 like kubectl. Failures are ignored. */
static void kdisc_write(const char *path, const json_t *v)
{
    char *dir = ks_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    kdisc_mkdirs(dir);
    char *tmp = ks_asprintf("%s.%d.tmp", path, (int)getpid());
    char *s = json_dumps(v, JSON_COMPACT);
    FILE *fp = fopen(tmp, "wb");
    if (fp && s) {
        fputs(s, fp);
        if (fclose(fp) == 0 && chmod(tmp, 0660) == 0 && rename(tmp, path) == 0)
            fp = NULL;
        else
            unlink(tmp);
    } else if (fp) {
        fclose(fp);
        unlink(tmp);
    }
    free(s);
    free(tmp);
    free(dir);
}

static json_t *kdisc_read_fresh(const char *path, long ttl_s)
{
    struct stat st;
    json_t *v = NULL;
    if (stat(path, &st) < 0 || time(NULL) - st.st_mtime > ttl_s)
        return NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char buf[8192];
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

static int kdisc_load_cache(struct kdisc *d)
{
    if (!d->dir || d->opts.no_disk_cache)
        return -1;
    char *path = ks_asprintf("%s/servergroups.json", d->dir);
    json_t *groups = kdisc_read_fresh(path, d->opts.ttl_s);
    free(path);
    if (!groups)
        return -1;
    json_t *res = json_object();
    size_t i, j;
    json_t *g, *v;
    json_array_foreach(json_object_get(groups, "groups"), i, g)
    {
        json_array_foreach(json_object_get(g, "versions"), j, v)
        {
            const char *gv = json_string_value(json_object_get(v, "groupVersion"));
            if (!gv)
                continue;
            char *f = kdisc_gv_file(d, gv);
            json_t *list = kdisc_read_fresh(f, d->opts.ttl_s);
            free(f);
            if (!list) {
                json_decref(groups);
                json_decref(res);
                return -1;
            }
            json_object_set_new(res, gv, list);
        }
    }
    d->groups = groups;
    d->resources = res;
    d->from_cache = true;
    return 0;
}

static void kdisc_save_cache(struct kdisc *d)
{
    const char *gv;
    json_t *list;
    if (!d->dir || d->opts.no_disk_cache)
        return;
    json_object_foreach(d->resources, gv, list)
    {
        char *f = kdisc_gv_file(d, gv);
        kdisc_write(f, list);
        free(f);
    }
    char *path = ks_asprintf("%s/servergroups.json", d->dir);
    kdisc_write(path, d->groups);
    free(path);
}

static bool kdisc_is_aggregated(const struct kclient_resp *r)
{
    return r->content_type && strstr(r->content_type, "as=APIGroupDiscoveryList");
}

struct kdisc_fetch {
    struct kclient_resp resp;
    char *gv;
};

static void kdisc_fetch_done(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    struct kdisc_fetch *f = arg;
    (void)c;
    f->resp = *resp;
    memset((struct kclient_resp *)resp, 0, sizeof(*resp));
}

static int kdisc_parse(json_t **out, const struct kclient_resp *r, const char *what,
                       struct ks_err *e)
{
    *out = NULL;
    if (r->status != 200) {
        int rc = kstatus_fail(e, r);
        ks_context(e, "couldn't get %s", what);
        return rc;
    }
    if (gojson_loads(out, r->body.buf ? r->body.buf : "", r->body.len, e) < 0 ||
        !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return ks_fail(e, KS_EHTTP, "couldn't get %s: the server returned malformed JSON", what);
    }
    return 0;
}

/* PARITY: discovery requests carry ?timeout=32s, or the --request-timeout. */
static char *kdisc_timeout(const struct kdisc *d)
{
    long ms = kclient_conn_get(d->c)->timeout_ms;
    return ms > 0 ? kclient_go_duration(ms) : ks_strdup("32s");
}

/* PARITY: client-go's discovery client has a 32 s timeout of its own when none is set. */
static long kdisc_client_timeout(const struct kdisc *d)
{
    long ms = kclient_conn_get(d->c)->timeout_ms;
    return ms > 0 ? ms : 32000;
}

/* Legacy: /api gives APIVersions, /apis APIGroupList; then every group-version's list. */
static int kdisc_legacy(struct kdisc *d, const json_t *api, const json_t *apis, struct ks_err *e)
{
    size_t i, j, n = 0;
    const json_t *g, *v;
    int rc = 0;
    json_t *core = json_array();
    json_array_foreach(json_object_get(api, "versions"), i, v)
        json_array_append_new(core, json_pack("{s:s,s:s}", "groupVersion", json_string_value(v),
                                              "version", json_string_value(v)));
    if (json_array_size(core))
        json_array_append_new(json_object_get(d->groups, "groups"),
                              json_pack("{s:s,s:O,s:O}", "name", "", "versions", core,
                                        "preferredVersion", json_array_get(core, 0)));
    json_decref(core);
    json_array_foreach(json_object_get(apis, "groups"), i, g)
        json_array_append_new(json_object_get(d->groups, "groups"), json_deep_copy(g));
    json_array_foreach(json_object_get(d->groups, "groups"), i, g) n +=
        json_array_size(json_object_get(g, "versions"));
    struct kdisc_fetch *fs = ks_calloc(n + 1, sizeof(*fs));
    n = 0;
    json_array_foreach(json_object_get(d->groups, "groups"), i, g)
    {
        json_array_foreach(json_object_get(g, "versions"), j, v)
        {
            const char *gv = json_string_value(json_object_get(v, "groupVersion"));
            if (!gv)
                continue;
            char *t = kdisc_timeout(d);
            char *path = ks_asprintf("/%s/%s?timeout=%s", strchr(gv, '/') ? "apis" : "api", gv, t);
            free(t);
            /* PARITY: kubectl asks the legacy group-version lists for JSON or any other type */
            struct kclient_req req = {.method = "GET",
                                      .path = path,
                                      .accept = "application/json, */*",
                                      .timeout_ms = kdisc_client_timeout(d)};
            fs[n].gv = ks_strdup(gv);
            kclient_submit(d->c, &req, kdisc_fetch_done, &fs[n], NULL);
            d->requests++;
            n++;
            free(path);
        }
    }
    rc = kclient_run(d->c, e);
    for (size_t k = 0; k < n; k++) {
        json_t *list = NULL;
        if (rc == 0 && fs[k].resp.status == 200 &&
            kdisc_parse(&list, &fs[k].resp, fs[k].gv, NULL) == 0)
            json_object_set_new(d->resources, fs[k].gv, list);
        kclient_resp_release(&fs[k].resp);
        free(fs[k].gv);
    }
    free(fs);
    return rc;
}

static int kdisc_fetch(struct kdisc *d, struct ks_err *e)
{
    struct kdisc_fetch f[2];
    json_t *api = NULL, *apis = NULL;
    int rc;
    memset(f, 0, sizeof(f));
    char *t = kdisc_timeout(d);
    char *p1 = ks_asprintf("/api?timeout=%s", t), *p2 = ks_asprintf("/apis?timeout=%s", t);
    struct kclient_req r1 = {
        .method = "GET", .path = p1, .accept = KDISC_ACCEPT, .timeout_ms = kdisc_client_timeout(d)};
    struct kclient_req r2 = {
        .method = "GET", .path = p2, .accept = KDISC_ACCEPT, .timeout_ms = kdisc_client_timeout(d)};
    kclient_submit(d->c, &r1, kdisc_fetch_done, &f[0], NULL);
    kclient_submit(d->c, &r2, kdisc_fetch_done, &f[1], NULL);
    free(t);
    free(p1);
    free(p2);
    d->requests += 2;
    if ((rc = kclient_run(d->c, e)) < 0)
        goto done;
    if (f[0].resp.status == 0 || f[1].resp.status == 0) {
        rc = kstatus_fail(e, f[0].resp.status == 0 ? &f[0].resp : &f[1].resp);
        goto done;
    }
    if ((rc = kdisc_parse(&api, &f[0].resp, "current server API group list", e)) < 0 ||
        (rc = kdisc_parse(&apis, &f[1].resp, "current server API group list", e)) < 0)
        goto done;
    d->groups = json_pack("{s:s,s:s,s:[]}", "kind", "APIGroupList", "apiVersion", "v1", "groups");
    d->resources = json_object();
    if (kdisc_is_aggregated(&f[0].resp) && kdisc_is_aggregated(&f[1].resp)) {
        kdiscagg_convert(d->groups, d->resources, api);
        kdiscagg_convert(d->groups, d->resources, apis);
    } else if ((rc = kdisc_legacy(d, api, apis, e)) < 0) {
        goto done;
    }
    d->from_cache = false;
    kdisc_save_cache(d);
done:
    json_decref(api);
    json_decref(apis);
    kclient_resp_release(&f[0].resp);
    kclient_resp_release(&f[1].resp);
    return rc;
}

static const char *kdisc_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void kdisc_flatten(struct kdisc *d)
{
    size_t i, k;
    const json_t *g, *r;
    d->flat = json_array();
    json_array_foreach(json_object_get(d->groups, "groups"), i, g)
    {
        const char *gname = json_string_value(json_object_get(g, "name"));
        const json_t *pv = json_object_get(g, "preferredVersion");
        const char *gv = json_string_value(json_object_get(pv, "groupVersion"));
        const char *ver = json_string_value(json_object_get(pv, "version"));
        const json_t *list = gv ? json_object_get(d->resources, gv) : NULL;
        json_array_foreach(json_object_get(list, "resources"), k, r)
        {
            const char *name = json_string_value(json_object_get(r, "name"));
            if (!name || strchr(name, '/'))
                continue;
            json_array_append_new(
                d->flat,
                json_pack("{s:s,s:s,s:s,s:s,s:b,s:o}", "group", gname ? gname : "", "version",
                          ver ? ver : "", "kind", kdisc_str(r, "kind"), "resource", name,
                          "namespaced", json_is_true(json_object_get(r, "namespaced")), "verbs",
                          json_object_get(r, "verbs") ? json_incref(json_object_get(r, "verbs"))
                                                      : json_array()));
        }
    }
}

static int kdisc_ensure(struct kdisc *d, bool from_server, struct ks_err *e)
{
    int rc;
    if (d->loaded && !from_server)
        return 0;
    kdisc_reset(d);
    if (from_server || kdisc_load_cache(d) < 0) {
        if ((rc = kdisc_fetch(d, e)) < 0) {
            kdisc_reset(d);
            return rc;
        }
    }
    kdisc_flatten(d);
    d->loaded = true;
    return 0;
}

int kdisc_resources_get(const json_t **out, struct kdisc *d, struct ks_err *e)
{
    int rc = kdisc_ensure(d, false, e);
    *out = rc == 0 ? d->flat : NULL;
    return rc;
}

static bool kdisc_lookup(struct kdisc *d, struct kdisc_mapping *out, const char *gv,
                         const char *kind)
{
    const json_t *list = json_object_get(d->resources, gv);
    const json_t *r;
    size_t i;
    json_array_foreach(json_object_get(list, "resources"), i, r)
    {
        const char *name = json_string_value(json_object_get(r, "name"));
        const char *k = json_string_value(json_object_get(r, "kind"));
        if (!name || strchr(name, '/') || !k || strcmp(k, kind) != 0)
            continue;
        const char *gvs = json_string_value(json_object_get(list, "groupVersion"));
        const char *slash = strchr(gvs, '/');
        /* strings borrowed from the cached documents */
        json_t *keep = (json_t *)r;
        json_object_set_new(keep, "x-group",
                            slash ? json_stringn(gvs, (size_t)(slash - gvs)) : json_string(""));
        json_object_set_new(keep, "x-version", json_string(slash ? slash + 1 : gvs));
        out->group = json_string_value(json_object_get(r, "x-group"));
        out->version = json_string_value(json_object_get(r, "x-version"));
        out->kind = k;
        out->resource = name;
        out->namespaced = json_is_true(json_object_get(r, "namespaced"));
        return true;
    }
    return false;
}

int kdisc_map(struct kdisc *d, struct kdisc_mapping *out, const char *api_version, const char *kind,
              struct ks_err *e)
{
    int rc;
    memset(out, 0, sizeof(*out));
    if ((rc = kdisc_ensure(d, false, e)) < 0)
        return rc;
    if (kdisc_lookup(d, out, api_version, kind))
        return 0;
    /* PARITY: DeferredDiscoveryRESTMapper resets a cached mapper and retries once. */
    if (d->from_cache && !d->refreshed) {
        d->refreshed = true;
        if ((rc = kdisc_ensure(d, true, e)) < 0)
            return rc;
        if (kdisc_lookup(d, out, api_version, kind))
            return 0;
    }
    return ks_fail(e, KS_ENOTFOUND, "no matches for kind \"%s\" in version \"%s\"", kind,
                   api_version);
}

static bool kdisc_name_matches(const json_t *r, const char *name)
{
    const char *res = json_string_value(json_object_get(r, "resource"));
    const char *kind = json_string_value(json_object_get(r, "kind"));
    if (res && strcmp(res, name) == 0)
        return true;
    if (kind && strcasecmp(kind, name) == 0)
        return true;
    return false;
}

int kdisc_map_resource(struct kdisc *d, struct kdisc_mapping *out, const char *name,
                       struct ks_err *e)
{
    int rc;
    char *base = ks_strdup(name), *group = NULL;
    char *dot = strchr(base, '.');
    memset(out, 0, sizeof(*out));
    if (dot) {
        *dot = '\0';
        group = dot + 1;
    }
    for (int pass = 0; pass < 2; pass++) {
        if ((rc = kdisc_ensure(d, pass == 1, e)) < 0)
            goto done;
        size_t i;
        const json_t *r;
        json_array_foreach(d->flat, i, r)
        {
            const char *g = json_string_value(json_object_get(r, "group"));
            if (group && strcmp(g, group) != 0)
                continue;
            char *gvs =
                *g ? ks_asprintf("%s/%s", g, json_string_value(json_object_get(r, "version")))
                   : ks_strdup(json_string_value(json_object_get(r, "version")));
            const json_t *list = json_object_get(d->resources, gvs);
            const json_t *full;
            size_t k;
            bool hit = kdisc_name_matches(r, base);
            json_array_foreach(json_object_get(list, "resources"), k, full)
            {
                if (hit)
                    break;
                const char *rn = json_string_value(json_object_get(full, "name"));
                if (!rn || strcmp(rn, json_string_value(json_object_get(r, "resource"))) != 0)
                    continue;
                const char *sn = json_string_value(json_object_get(full, "singularName"));
                if (sn && strcmp(sn, base) == 0)
                    hit = true;
                size_t s;
                const json_t *sh;
                json_array_foreach(json_object_get(full, "shortNames"), s,
                                   sh) if (json_is_string(sh) &&
                                           strcmp(json_string_value(sh), base) == 0) hit = true;
            }
            if (hit) {
                bool ok = kdisc_lookup(d, out, gvs, json_string_value(json_object_get(r, "kind")));
                free(gvs);
                if (ok) {
                    rc = 0;
                    goto done;
                }
                continue;
            }
            free(gvs);
        }
        if (!d->from_cache || d->refreshed)
            break;
        d->refreshed = true;
    }
    rc = ks_fail(e, KS_ENOTFOUND, "the server doesn't have a resource type \"%s\"", name);
done:
    free(base);
    return rc;
}
