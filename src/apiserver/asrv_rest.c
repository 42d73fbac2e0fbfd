/*
 * asrv_rest.c: GET, LIST (label and field selectors), POST, PUT and DELETE
 * on resources, with the URL layout, query parameters and answers of
 * kube-apiserver (k8s.io/apiserver/pkg/endpoints/handlers): DELETE answers
 * a Success Status, preconditions and stale resourceVersions answer 409.
 */
#include "apiserver/asrv_rest.h"

#include "apiserver/asrv_patch.h"
#include "apiserver/asrv_proto.h"
#include "apiserver/asrv_select.h"
#include "apiserver/asrv_status.h"
#include "apiserver/asrv_table.h"
#include "apiserver/asrv_watch.h"
#include "base/gojson.h"
#include "base/yamlin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool asrv_rest_target(struct asrv_target *t, const struct asrv_catalog *c, const char *group,
                      const char *version, char **segs, size_t nseg, struct asrv_resp *r)
{
    memset(t, 0, sizeof(*t));
    size_t i = 0;
    const char *ns = "";
    if (nseg >= 3 && strcmp(segs[0], "namespaces") == 0) {
        const struct asrv_res *cand = asrv_catalog_find(c, group, version, segs[2]);
        if (cand && cand->namespaced) {
            ns = segs[1];
            i = 2;
        }
    }
    const struct asrv_res *res = i < nseg ? asrv_catalog_find(c, group, version, segs[i]) : NULL;
    if (!res || nseg - i > 3) {
        asrv_status_no_resource(r);
        return false;
    }
    const char *sub = nseg - i == 3 ? segs[i + 2] : NULL;
    if (sub) {
        bool ok = false;
        char *dup = ks_strdup(res->subres), *save = NULL;
        for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            ok |= strcmp(tok, sub) == 0;
        free(dup);
        if (!ok) {
            asrv_status_no_resource(r);
            return false;
        }
    }
    t->res = res;
    t->ns = ks_strdup(ns);
    t->name = nseg - i >= 2 ? ks_strdup(segs[i + 1]) : NULL;
    t->sub = sub ? ks_strdup(sub) : NULL;
    return true;
}

void asrv_rest_target_release(struct asrv_target *t)
{
    free(t->ns);
    free(t->name);
    free(t->sub);
    memset(t, 0, sizeof(*t));
}

json_t *asrv_rest_decode(const struct asrv_req *q, struct asrv_resp *r)
{
    json_t *v = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc;
    if (strstr(q->content_type, "protobuf")) {
        /* NEEDSWORK: only the kinds kubectl create sends for ConfigMaps, Secrets, Namespaces, ...
         */
        if (asrv_proto_decode(&v, q->body, q->body_len, &e) < 0) {
            char *m = ks_asprintf("the body of the request was in an unknown format - accepted "
                                  "media types include: application/json, application/yaml (%s)",
                                  e.msg);
            asrv_status_fail(r, 415, "UnsupportedMediaType", m, NULL);
            free(m);
            return NULL;
        }
        return v;
    }
    if (strstr(q->content_type, "yaml"))
        rc = yamlin_load(&v, q->body, q->body_len, "body", NULL, &e);
    else
        rc = gojson_loads(&v, q->body, q->body_len, &e);
    if (rc < 0) {
        char *m = ks_asprintf("error decoding request body: %s", e.msg);
        asrv_status_fail(r, 400, "BadRequest", m, NULL);
        free(m);
        return NULL;
    }
    return v;
}

void asrv_rest_wctx(struct asrv_wctx *w, struct asrv *s, const struct asrv_req *q,
                    struct asrv_resp *r, const struct asrv_target *t)
{
    memset(w, 0, sizeof(*w));
    w->srv = s;
    w->res = t->res;
    w->ns = t->ns;
    w->name = t->name;
    w->r = r;
    char *dry = asrv_http_query(q, "dryRun");
    w->dry_run = dry && strcmp(dry, "All") == 0;
    free(dry);
    char *fv = asrv_http_query(q, "fieldValidation");
    w->validation = !fv || strcmp(fv, "Warn") == 0 ? ASRV_VALIDATE_WARN
                    : strcmp(fv, "Strict") == 0    ? ASRV_VALIDATE_STRICT
                                                   : ASRV_VALIDATE_IGNORE;
    free(fv);
    char *fm = asrv_http_query(q, "fieldManager");
    if (!fm || !*fm) {
        /* PARITY: the default manager is the User-Agent up to its first "/". */
        free(fm);
        const char *slash = strchr(q->user_agent, '/');
        fm = *q->user_agent ? ks_strndup(q->user_agent, slash ? (size_t)(slash - q->user_agent)
                                                              : strlen(q->user_agent))
                            : ks_strdup("unknown");
    }
    w->manager = fm;
}

json_t *asrv_rest_view(const json_t *obj, const struct asrv_res *res)
{
    /* PARITY: a version served from shared storage without conversion ("None" strategy) */
    char *gv = asrv_catalog_gv(res);
    json_t *v = json_incref((json_t *)obj);
    const char *av = json_string_value(json_object_get(obj, "apiVersion"));
    if (!av || strcmp(av, gv) != 0) {
        json_decref(v);
        v = json_copy((json_t *)obj);
        json_object_set_new(v, "apiVersion", json_string(gv));
    }
    free(gv);
    return v;
}

static void send_obj(struct asrv_resp *r, int code, const json_t *obj, const struct asrv_res *res)
{
    json_t *v = asrv_rest_view(obj, res);
    asrv_status_json(r, code, v);
    json_decref(v);
}

json_t *asrv_rest_scale_of(const json_t *obj)
{
    const json_t *md = json_object_get(obj, "metadata");
    const json_t *spec = json_object_get(obj, "spec");
    json_t *smd = json_object();
    static const char *const keep[] = {"name", "namespace", "uid", "resourceVersion",
                                       "creationTimestamp"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(keep); i++)
        if (json_object_get(md, keep[i]))
            json_object_set(smd, keep[i], json_object_get(md, keep[i]));
    struct strbuf sel = STRBUF_INIT;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(json_object_get(spec, "selector"), "matchLabels"), k, v)
        strbuf_addf(&sel, "%s%s=%s", sel.len ? "," : "", k,
                    json_is_string(v) ? json_string_value(v) : "");
    json_int_t replicas = json_integer_value(json_object_get(spec, "replicas"));
    json_int_t st = json_integer_value(json_object_get(json_object_get(obj, "status"), "replicas"));
    json_t *scale =
        json_pack("{s:s,s:s,s:o,s:{s:I},s:{s:I,s:s}}", "kind", "Scale", "apiVersion",
                  "autoscaling/v1", "metadata", smd, "spec", "replicas", (json_int_t)replicas,
                  "status", "replicas", (json_int_t)st, "selector", strbuf_str(&sel));
    strbuf_release(&sel);
    return scale;
}

/*
 * PARITY: the items of a built-in kind's list carry no apiVersion and kind (their
 * TypeMeta is empty); custom resources' items (unstructured) keep theirs.
 */
static void strip_item_types(json_t *items, const struct asrv_res *res)
{
    if (res->crd)
        return;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_copy(json_array_get(items, i));
        json_object_del(it, "apiVersion");
        json_object_del(it, "kind");
        json_array_set_new(items, i, it);
    }
}

/* Prepare a watch: the net layer streams it once the lock is released. Steals sel and prefix. */
static void start_watch(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                        const struct asrv_res *res, struct asrv_select *sel, char *prefix,
                        size_t lo, size_t hi)
{
    struct asrv_watch_req *w = ks_calloc(1, sizeof(*w));
    w->prefix = prefix;
    w->gv = asrv_catalog_gv(res);
    w->sel = sel;
    w->initial = json_array();
    char *rv = asrv_http_query(q, "resourceVersion");
    char *to = asrv_http_query(q, "timeoutSeconds");
    w->timeout = to && atof(to) > 0 ? atof(to) : 1800;
    if (!rv || !*rv || strcmp(rv, "0") == 0) {
        /* PARITY: without a resourceVersion a watch starts with the current state */
        for (size_t i = lo; i < hi; i++)
            if (asrv_select_match(sel, s->store.v[i].obj))
                json_array_append(w->initial, s->store.v[i].obj);
        w->since = s->store.rv;
    } else {
        w->since = atoll(rv);
    }
    free(rv);
    free(to);
    r->status = 200;
    r->reply = ASRV_REPLY_WATCH;
    r->watch = w;
}

static void do_list(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                    const struct asrv_target *t)
{
    const struct asrv_res *res = t->res;
    char *ls = asrv_http_query(q, "labelSelector"), *fs = asrv_http_query(q, "fieldSelector");
    struct asrv_select *sel = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (asrv_select_parse(&sel, ls, fs, &e) < 0) {
        asrv_status_fail(r, 400, "BadRequest", e.msg, NULL);
        goto done;
    }
    char *prefix = *t->ns ? ks_asprintf("%s/%s/%s/", res->group, res->resource, t->ns)
                          : ks_asprintf("%s/%s/", res->group, res->resource);
    size_t lo, hi;
    asrv_store_range(&s->store, prefix, &lo, &hi);
    char *watch = asrv_http_query(q, "watch");
    if (watch && (strcmp(watch, "true") == 0 || strcmp(watch, "1") == 0)) {
        free(watch);
        start_watch(s, q, r, res, sel, prefix, lo, hi);
        sel = NULL;
        goto done;
    }
    free(watch);
    free(prefix);
    json_t *items = json_array();
    for (size_t i = lo; i < hi; i++)
        if (asrv_select_match(sel, s->store.v[i].obj))
            json_array_append_new(items, asrv_rest_view(s->store.v[i].obj, res));
    char *gv = asrv_catalog_gv(res), rv[32];
    snprintf(rv, sizeof(rv), "%lld", s->store.rv);
    const char *tv = asrv_table_wanted(q->accept);
    if (tv) {
        json_t *table = asrv_table_build(res, items, tv, rv);
        asrv_status_json(r, 200, table);
        json_decref(table);
        json_decref(items);
        free(gv);
        goto done;
    }
    strip_item_types(items, res);
    json_t *list = json_pack("{s:s,s:s,s:{s:s},s:o}", "kind", res->list_kind, "apiVersion", gv,
                             "metadata", "resourceVersion", rv, "items", items);
    asrv_status_json(r, 200, list);
    json_decref(list);
    free(gv);
done:
    asrv_select_free(sel);
    free(ls);
    free(fs);
}

static void do_create(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                      const struct asrv_target *t)
{
    json_t *obj = asrv_rest_decode(q, r);
    if (!obj)
        return;
    struct asrv_wctx w;
    asrv_rest_wctx(&w, s, q, r, t);
    char *gv = asrv_catalog_gv(t->res);
    w.gv = gv;
    asrv_write_commit(&w, obj, NULL, 201);
    free(gv);
    free((char *)w.manager);
}

static bool stale(const json_t *obj, const json_t *live)
{
    const char *rv =
        json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
    const char *lrv =
        json_string_value(json_object_get(json_object_get(live, "metadata"), "resourceVersion"));
    return rv && *rv && (!lrv || strcmp(rv, lrv) != 0);
}

static void do_update(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                      const struct asrv_target *t, const json_t *live)
{
    json_t *obj = asrv_rest_decode(q, r);
    if (!obj)
        return;
    if (!live) {
        /* PARITY: PUT creates only for kinds that allow create-on-update; none here do. */
        asrv_status_not_found(r, t->res, t->name);
        json_decref(obj);
        return;
    }
    if (stale(obj, live)) {
        asrv_status_conflict(r, t->res, t->name);
        json_decref(obj);
        return;
    }
    struct asrv_wctx w;
    asrv_rest_wctx(&w, s, q, r, t);
    char *gv = asrv_catalog_gv(t->res);
    w.gv = gv;
    if (t->sub && strcmp(t->sub, "scale") == 0) {
        json_t *n = json_deep_copy(live);
        json_t *rep = json_object_get(json_object_get(obj, "spec"), "replicas");
        json_t *spec = json_object_get(n, "spec");
        if (json_is_object(spec))
            json_object_set_new(spec, "replicas",
                                json_integer(json_is_integer(rep) ? json_integer_value(rep) : 0));
        json_decref(obj);
        struct asrv_resp tmp;
        asrv_resp_init(&tmp);
        w.r = &tmp;
        if (asrv_write_commit(&w, n, live, 200) == 0) {
            json_t *stored = NULL;
            struct ks_err e = KS_ERR_INIT;
            gojson_loads(&stored, tmp.body.buf, tmp.body.len, &e);
            json_t *scale = asrv_rest_scale_of(stored);
            asrv_status_json(r, 200, scale);
            json_decref(scale);
            json_decref(stored);
        } else {
            asrv_resp_set(r, tmp.status, tmp.content_type, tmp.body.buf, tmp.body.len);
        }
        asrv_resp_release(&tmp);
    } else if (t->sub && strcmp(t->sub, "status") == 0) {
        json_t *n = json_deep_copy(live);
        json_t *st = json_object_get(obj, "status");
        if (st)
            json_object_set(n, "status", st);
        json_decref(obj);
        asrv_write_commit(&w, n, live, 200);
    } else {
        if (strstr(t->res->subres, "status")) {
            /* PARITY: the main resource ignores status changes when status is a subresource. */
            json_t *ls = json_object_get(live, "status");
            if (ls)
                json_object_set(obj, "status", ls);
            else
                json_object_del(obj, "status");
        }
        asrv_write_commit(&w, obj, live, 200);
    }
    free(gv);
    free((char *)w.manager);
}

static json_t *delete_options(const struct asrv_req *q)
{
    json_t *o = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (q->body_len == 0 || gojson_loads(&o, q->body, q->body_len, &e) < 0 || !json_is_object(o)) {
        json_decref(o);
        return json_object();
    }
    return o;
}

static void do_delete(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                      const struct asrv_target *t, const json_t *live, const char *key)
{
    const struct asrv_res *res = t->res;
    if (!live) {
        asrv_status_not_found(r, res, t->name);
        return;
    }
    json_t *opts = delete_options(q);
    char *dry = asrv_http_query(q, "dryRun");
    bool dry_run = (dry && strcmp(dry, "All") == 0) ||
                   json_string_value(json_array_get(json_object_get(opts, "dryRun"), 0));
    free(dry);
    const json_t *pre = json_object_get(opts, "preconditions");
    const json_t *lmd = json_object_get(live, "metadata");
    const char *puid = json_string_value(json_object_get(pre, "uid"));
    const char *prv = json_string_value(json_object_get(pre, "resourceVersion"));
    char *q_name = asrv_catalog_qualified(res);
    if ((puid && strcmp(puid, json_string_value(json_object_get(lmd, "uid"))) != 0) ||
        (prv && strcmp(prv, json_string_value(json_object_get(lmd, "resourceVersion"))) != 0)) {
        char *m = ks_asprintf(
            "Operation cannot be fulfilled on %s \"%s\": Precondition failed: "
            "%s: %s, %s: %s",
            q_name, t->name, puid ? "UID in precondition" : "ResourceVersion in precondition",
            puid ? puid : prv, puid ? "UID in object meta" : "ResourceVersion in object meta",
            json_string_value(json_object_get(lmd, puid ? "uid" : "resourceVersion")));
        asrv_status_fail(r, 409, "Conflict", m, asrv_status_details(res, t->name));
        free(m);
        goto done;
    }
    const json_t *fin = json_object_get(lmd, "finalizers");
    bool is_ns = !*res->group && strcmp(res->resource, "namespaces") == 0;
    if (json_array_size(fin) > 0 && !is_ns) {
        /* finalizers hold the object until they are removed */
        json_t *n = json_deep_copy(live);
        json_t *md = json_object_get(n, "metadata");
        if (!json_object_get(md, "deletionTimestamp")) {
            char now[32];
            asrv_server_now(now);
            json_object_set_new(md, "deletionTimestamp", json_string(now));
            json_object_set_new(md, "deletionGracePeriodSeconds", json_integer(0));
            if (!dry_run) {
                char rv[32];
                snprintf(rv, sizeof(rv), "%lld", asrv_store_next_rv(&s->store));
                json_object_set_new(md, "resourceVersion", json_string(rv));
            }
        }
        send_obj(r, 200, n, res);
        if (!dry_run) {
            asrv_watch_record(&s->events, "MODIFIED", key, n, s->store.rv);
            asrv_store_put_new(&s->store, key, n);
        } else
            json_decref(n);
        goto done;
    }
    json_t *details = asrv_status_details(res, t->name);
    json_object_set(details, "uid", json_object_get(lmd, "uid"));
    json_t *st = json_pack("{s:s,s:s,s:{},s:s,s:o}", "kind", "Status", "apiVersion", "v1",
                           "metadata", "status", "Success", "details", details);
    asrv_status_json(r, 200, st);
    json_decref(st);
    if (!dry_run)
        asrv_write_delete(s, res, key, live);
done:
    free(q_name);
    json_decref(opts);
}

static void do_delete_collection(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                                 const struct asrv_target *t)
{
    const struct asrv_res *res = t->res;
    char *ls = asrv_http_query(q, "labelSelector"), *fs = asrv_http_query(q, "fieldSelector");
    struct asrv_select *sel = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (asrv_select_parse(&sel, ls, fs, &e) < 0) {
        asrv_status_fail(r, 400, "BadRequest", e.msg, NULL);
        goto done;
    }
    char *dry = asrv_http_query(q, "dryRun");
    bool dry_run = dry && strcmp(dry, "All") == 0;
    free(dry);
    char *prefix = *t->ns ? ks_asprintf("%s/%s/%s/", res->group, res->resource, t->ns)
                          : ks_asprintf("%s/%s/", res->group, res->resource);
    size_t lo, hi;
    asrv_store_range(&s->store, prefix, &lo, &hi);
    free(prefix);
    json_t *items = json_array();
    for (size_t i = hi; i-- > lo;) {
        if (!asrv_select_match(sel, s->store.v[i].obj))
            continue;
        json_array_insert_new(items, 0, asrv_rest_view(s->store.v[i].obj, res));
        if (!dry_run) {
            char *key = ks_strdup(s->store.v[i].key);
            json_t *obj = json_incref(s->store.v[i].obj);
            asrv_write_delete(s, res, key, obj);
            json_decref(obj);
            free(key);
        }
    }
    char *gv = asrv_catalog_gv(res);
    strip_item_types(items, res);
    json_t *list = json_pack("{s:s,s:s,s:{},s:o}", "kind", res->list_kind, "apiVersion", gv,
                             "metadata", "items", items);
    asrv_status_json(r, 200, list);
    json_decref(list);
    free(gv);
done:
    asrv_select_free(sel);
    free(ls);
    free(fs);
}

void asrv_rest_handle(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                      struct asrv_target *t)
{
    const struct asrv_res *res = t->res;
    const char *m = q->method;
    if (!t->name) {
        if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
            do_list(s, q, r, t);
        else if (strcmp(m, "POST") == 0)
            do_create(s, q, r, t);
        else if (strcmp(m, "DELETE") == 0 && !res->cluster_ish)
            do_delete_collection(s, q, r, t);
        else
            asrv_status_fail(r, 405, "MethodNotAllowed",
                             "the server does not allow this method on the requested resource",
                             json_object());
        return;
    }
    char *key = asrv_store_key(res->group, res->resource, res->namespaced ? t->ns : "", t->name);
    const json_t *live = asrv_store_get(&s->store, key);
    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
        if (!live) {
            asrv_status_not_found(r, res, t->name);
        } else if (t->sub && strcmp(t->sub, "scale") == 0) {
            json_t *scale = asrv_rest_scale_of(live);
            asrv_status_json(r, 200, scale);
            json_decref(scale);
        } else if (asrv_table_wanted(q->accept)) {
            json_t *one = json_pack("[O]", live);
            const char *rv = json_string_value(
                json_object_get(json_object_get(live, "metadata"), "resourceVersion"));
            json_t *table = asrv_table_build(res, one, asrv_table_wanted(q->accept), rv ? rv : "");
            asrv_status_json(r, 200, table);
            json_decref(table);
            json_decref(one);
        } else {
            send_obj(r, 200, live, res);
        }
    } else if (strcmp(m, "PUT") == 0) {
        do_update(s, q, r, t, live);
    } else if (strcmp(m, "PATCH") == 0) {
        asrv_patch_handle(s, q, r, t, live);
    } else if (strcmp(m, "DELETE") == 0 && !t->sub) {
        do_delete(s, q, r, t, live, key);
    } else {
        asrv_status_fail(r, 405, "MethodNotAllowed",
                         "the server does not allow this method on the requested resource",
                         json_object());
    }
    free(key);
}
