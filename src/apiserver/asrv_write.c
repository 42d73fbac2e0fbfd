/*
 * asrv_write.c: the common end of every write, as the generic registry
 * (k8s.io/apiserver/pkg/registry/generic/registry/store.go) does it:
 * metadata rules, strict field validation, defaulting, generation on spec
 * changes, managedFields, resourceVersion, no-op writes left alone, dry run;
 * and the cascades: a namespace takes its objects with it (finalization is
 * immediate), a CRD starts or stops serving its kinds.
 */
#include "apiserver/asrv_write.h"

#include "apiserver/asrv_defaults.h"
#include "apiserver/asrv_ssa.h"
#include "apiserver/asrv_status.h"
#include "base/gojson.h"
#include "patch/pmeta_builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct pmeta_type *asrv_write_schema(const struct asrv_res *res)
{
    if (res->crd)
        return NULL;
    const struct pmeta_type *t = pmeta_builtin_kind(res->group, res->version, res->kind);
    return t;
}

static void unknown_walk(json_t *out, json_t *obj, const struct pmeta_type *t, struct strbuf *path,
                         bool prune)
{
    /* an object schema without properties (FieldsV1, RawExtension) holds anything */
    if (!t || t->kind != PMETA_T_OBJECT || t->nfields == 0 || !json_is_object(obj))
        return;
    const char *k;
    json_t *v, *tmp;
    json_object_foreach_safe(obj, tmp, k, v)
    {
        const struct pmeta_field *f = pmeta_field(t, k);
        size_t len = path->len;
        strbuf_addf(path, "%s%s", len ? "." : "", k);
        if (!f) {
            json_array_append_new(out, json_string(path->buf));
            if (prune)
                json_object_del(obj, k);
        } else if (f->is_list && json_is_array(v)) {
            for (size_t i = 0; i < json_array_size(v); i++) {
                size_t l2 = path->len;
                strbuf_addf(path, "[%zu]", i);
                unknown_walk(out, json_array_get(v, i), f->type, path, prune);
                strbuf_setlen(path, l2);
            }
        } else {
            unknown_walk(out, v, f->type, path, prune);
        }
        strbuf_setlen(path, len);
    }
}

json_t *asrv_write_unknown(json_t *obj, const struct pmeta_type *t, bool prune)
{
    /* A schema that does not list metadata does not list every field: no verdict. */
    if (!pmeta_field(t, "metadata"))
        return NULL;
    json_t *out = json_array();
    struct strbuf path = STRBUF_INIT;
    unknown_walk(out, obj, t, &path, prune);
    strbuf_release(&path);
    if (json_array_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *meta_of(json_t *obj)
{
    json_t *md = json_object_get(obj, "metadata");
    if (!json_is_object(md)) {
        md = json_object();
        json_object_set_new(obj, "metadata", md);
    }
    return md;
}

static const char *str_of(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* PARITY: apiextensions defaulting and the status an Established CRD reports. */
static void crd_defaults(json_t *crd, const char *now)
{
    json_t *spec = json_object_get(crd, "spec");
    json_t *names = json_object_get(spec, "names");
    const char *kind = str_of(names, "kind");
    if (!json_is_object(names) || !kind)
        return;
    if (!str_of(names, "singular")) {
        char *s = ks_strdup(kind);
        for (char *p = s; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        json_object_set_new(names, "singular", json_string(s));
        free(s);
    }
    if (!str_of(names, "listKind")) {
        char *lk = ks_asprintf("%sList", kind);
        json_object_set_new(names, "listKind", json_string(lk));
        free(lk);
    }
    if (!json_object_get(spec, "conversion"))
        json_object_set_new(spec, "conversion", json_pack("{s:s}", "strategy", "None"));
    json_t *stored = json_array();
    json_t *versions = json_object_get(spec, "versions");
    for (size_t i = 0; i < json_array_size(versions); i++) {
        json_t *v = json_array_get(versions, i);
        if (json_is_true(json_object_get(v, "storage")) && str_of(v, "name"))
            json_array_append_new(stored, json_string(str_of(v, "name")));
    }
    json_t *status = json_pack(
        "{s:O,s:[{s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s}],s:o}", "acceptedNames", names,
        "conditions", "lastTransitionTime", now, "message", "no conflicts found", "reason",
        "NoConflicts", "status", "True", "type", "NamesAccepted", "lastTransitionTime", now,
        "message", "the initial names have been accepted", "reason", "InitialNamesAccepted",
        "status", "True", "type", "Established", "storedVersions", stored);
    json_object_set_new(crd, "status", status);
}

/* Everything but metadata and status: what a spec change means for generation. */
static bool spec_changed(const json_t *a, const json_t *b)
{
    json_t *ca = json_copy((json_t *)a), *cb = json_copy((json_t *)b);
    json_object_del(ca, "metadata");
    json_object_del(cb, "metadata");
    json_object_del(ca, "status");
    json_object_del(cb, "status");
    bool changed = !gojson_equal(ca, cb);
    json_decref(ca);
    json_decref(cb);
    return changed;
}

static int fail_unknown(struct asrv_wctx *w, json_t *unknown)
{
    struct strbuf sb = STRBUF_INIT;
    if (!w->is_patch)
        strbuf_addf(&sb, "%s in version \"%s\" cannot be handled as a %s: ", w->res->kind,
                    w->res->version, w->res->kind);
    strbuf_adds(&sb, "strict decoding error: ");
    for (size_t i = 0; i < json_array_size(unknown); i++)
        strbuf_addf(&sb, "%sunknown field \"%s\"", i ? ", " : "",
                    json_string_value(json_array_get(unknown, i)));
    asrv_status_fail(w->r, 400, "BadRequest", sb.buf, NULL);
    strbuf_release(&sb);
    return -1;
}

static void warn_unknown(struct asrv_wctx *w, json_t *unknown)
{
    for (size_t i = 0; i < json_array_size(unknown); i++)
        strbuf_addf(&w->r->headers, "Warning: 299 - \"unknown field \\\"%s\\\"\"\r\n",
                    json_string_value(json_array_get(unknown, i)));
}

static int check_names(struct asrv_wctx *w, json_t *obj, json_t *md, const json_t *live)
{
    const struct asrv_res *res = w->res;
    const char *name = str_of(md, "name");
    if (!live && !w->name && (!name || !*name)) {
        const char *gen = str_of(md, "generateName");
        if (gen && *gen) {
            char uid[37];
            asrv_server_uuid(uid);
            char *n = ks_asprintf("%s%.5s", gen, uid);
            json_object_set_new(md, "name", json_string(n));
            free(n);
        } else {
            asrv_status_invalid(w->r, res, "", "metadata.name", "FieldValueRequired",
                                "Required value: name or generateName is required");
            return -1;
        }
    }
    if (w->name) {
        if (name && *name && strcmp(name, w->name) != 0) {
            char *m = ks_asprintf("the name of the object (%s) does not match the name on the "
                                  "URL (%s)",
                                  name, w->name);
            asrv_status_fail(w->r, 400, "BadRequest", m, NULL);
            free(m);
            return -1;
        }
        json_object_set_new(md, "name", json_string(w->name));
    }
    const char *ons = str_of(md, "namespace");
    if (res->namespaced) {
        if (ons && *ons && strcmp(ons, w->ns) != 0) {
            asrv_status_fail(w->r, 400, "BadRequest",
                             "the namespace of the provided object does not match the namespace "
                             "sent on the request",
                             NULL);
            return -1;
        }
        json_object_set_new(md, "namespace", json_string(w->ns));
    } else {
        json_object_del(md, "namespace");
    }
    (void)obj;
    return 0;
}

/* Metadata of a new object; -1 (r filled) when its namespace is missing or the name is taken. */
static int create_meta(struct asrv_wctx *w, json_t *md, const char *key, const char *name,
                       const char *now)
{
    struct asrv *s = w->srv;
    if (w->res->namespaced) {
        char *nskey = asrv_store_key("", "namespaces", "", w->ns);
        bool ok = asrv_store_get(&s->store, nskey) != NULL;
        free(nskey);
        if (!ok) {
            asrv_status_no_namespace(w->r, w->ns);
            return -1;
        }
    }
    if (asrv_store_get(&s->store, key)) {
        asrv_status_exists(w->r, w->res, name);
        return -1;
    }
    char uid[37];
    asrv_server_uuid(uid);
    json_object_set_new(md, "uid", json_string(uid));
    json_object_set_new(md, "creationTimestamp", json_string(now));
    json_object_del(md, "resourceVersion");
    json_object_del(md, "deletionTimestamp");
    if (w->res->generation)
        json_object_set_new(md, "generation", json_integer(1));
    else
        json_object_del(md, "generation");
    return 0;
}

/* Metadata the server owns stays as stored; a changed spec bumps generation (after defaults). */
static void update_meta(json_t *md, const json_t *live)
{
    const json_t *lmd = json_object_get(live, "metadata");
    static const char *const keep[] = {
        "uid",        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "generation", "resourceVersion"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(keep); i++) {
        json_t *v = json_object_get(lmd, keep[i]);
        if (v)
            json_object_set(md, keep[i], v);
        else
            json_object_del(md, keep[i]);
    }
}

/* fieldValidation: Strict fails (-1, r filled), Warn adds warnings, both drop unknown fields. */
static int validate_fields(struct asrv_wctx *w, json_t *obj, const struct pmeta_type *schema)
{
    if (w->validation == ASRV_VALIDATE_IGNORE && w->is_apply)
        return 0;
    json_t *unknown = asrv_write_unknown(obj, schema, w->validation != ASRV_VALIDATE_STRICT);
    int rc = 0;
    if (unknown && w->validation == ASRV_VALIDATE_STRICT)
        rc = fail_unknown(w, unknown);
    else if (unknown && w->validation == ASRV_VALIDATE_WARN)
        warn_unknown(w, unknown);
    json_decref(unknown);
    return rc;
}

/* A CRD must name its group, kinds and versions (checked on a scratch catalog). */
static int check_crd(struct asrv_wctx *w, const char *name, const json_t *obj)
{
    struct ks_err e = KS_ERR_INIT;
    struct asrv_catalog probe;
    asrv_catalog_init(&probe, NULL);
    int bad = asrv_catalog_set_crd(&probe, name, obj, &e);
    asrv_catalog_release(&probe);
    if (bad < 0)
        asrv_status_invalid(w->r, w->res, name, "spec", "FieldValueRequired", e.msg);
    return bad < 0 ? -1 : 0;
}

static bool is_crd_res(const struct asrv_res *res)
{
    return strcmp(res->group, "apiextensions.k8s.io") == 0 &&
           strcmp(res->resource, "customresourcedefinitions") == 0;
}

/* Bump resourceVersion, answer, and (unless dry run) store, tell watchers, serve a CRD's kinds. */
static void store_obj(struct asrv_wctx *w, const char *key, const char *name, json_t *obj,
                      const json_t *live, int ok_status)
{
    struct asrv *s = w->srv;
    bool is_crd = is_crd_res(w->res);
    if (!w->dry_run) {
        char rv[32];
        snprintf(rv, sizeof(rv), "%lld", asrv_store_next_rv(&s->store));
        json_object_set_new(json_object_get(obj, "metadata"), "resourceVersion", json_string(rv));
    }
    asrv_status_json(w->r, ok_status, obj);
    if (w->dry_run) {
        json_decref(obj);
        return;
    }
    if (is_crd)
        asrv_catalog_set_crd(&s->cat, name, obj, NULL);
    asrv_watch_record(&s->events, live ? "MODIFIED" : "ADDED", key, obj, s->store.rv);
    asrv_store_put_new(&s->store, key, obj);
}

int asrv_write_commit(struct asrv_wctx *w, json_t *obj, const json_t *live, int ok_status)
{
    const struct asrv_res *res = w->res;
    char now[32];
    char *key = NULL;
    int rc = -1;
    asrv_server_now(now);
    if (!json_is_object(obj)) {
        asrv_status_fail(w->r, 400, "BadRequest", "the body of the request is not an object", NULL);
        goto done;
    }
    json_object_set_new(obj, "apiVersion", json_string(w->gv));
    json_object_set_new(obj, "kind", json_string(res->kind));
    json_t *md = meta_of(obj);
    if (check_names(w, obj, md, live) < 0)
        goto done;
    char *name = ks_strdup(str_of(md, "name"));
    key = asrv_store_key(res->group, res->resource, res->namespaced ? w->ns : "", name);
    const struct pmeta_type *schema = asrv_write_schema(res);
    if (live)
        update_meta(md, live);
    if ((!live && create_meta(w, md, key, name, now) < 0) || validate_fields(w, obj, schema) < 0)
        goto done_name;
    if (!res->crd && !w->srv->opts.no_defaulting)
        asrv_defaults_apply(obj);
    if (is_crd_res(res)) {
        const json_t *conds =
            live ? json_object_get(json_object_get(live, "status"), "conditions") : NULL;
        const char *t0 = str_of(json_array_get(conds, 0), "lastTransitionTime");
        crd_defaults(obj, t0 ? t0 : now);
        if (check_crd(w, name, obj) < 0)
            goto done_name;
    }
    if (live && res->generation && spec_changed(live, obj)) {
        json_int_t g =
            json_integer_value(json_object_get(json_object_get(live, "metadata"), "generation"));
        json_object_set_new(md, "generation", json_integer(g + 1));
    }
    if (!w->is_apply) {
        struct asrv_ssa_opts so = {w->manager, w->gv, now, schema, !res->crd, false, false};
        so.reset_status = strstr(res->subres, "status") != NULL;
        asrv_ssa_update(obj, live, &so);
    }
    rc = 0;
    if (live && gojson_equal(obj, live)) {
        /* PARITY: a write that changes nothing keeps the resourceVersion */
        asrv_status_json(w->r, 200, live);
    } else if (live && json_object_get(md, "deletionTimestamp") &&
               json_array_size(json_object_get(md, "finalizers")) == 0) {
        /* the last finalizer of an object being deleted is gone: it goes now */
        if (!w->dry_run)
            asrv_write_delete(w->srv, res, key, obj);
        asrv_status_json(w->r, 200, obj);
    } else {
        store_obj(w, key, name, obj, live, ok_status);
        obj = NULL;
    }
done_name:
    free(name);
done:
    json_decref(obj);
    free(key);
    return rc;
}

int asrv_write_seed(struct asrv *s, json_t *obj, struct ks_err *e)
{
    int rc = 0;
    char *av = ks_strdup(str_of(obj, "apiVersion") ? str_of(obj, "apiVersion") : "");
    char *kind = ks_strdup(str_of(obj, "kind") ? str_of(obj, "kind") : "");
    json_t *md = json_object_get(obj, "metadata");
    char *name = ks_strdup(str_of(md, "name") ? str_of(md, "name") : "");
    if (!*av || !*kind || !*name) {
        rc = ks_fail(e, KS_EINPUT, "object needs apiVersion, kind and metadata.name");
        goto done;
    }
    const char *slash = strchr(av, '/');
    char *group = slash ? ks_strndup(av, (size_t)(slash - av)) : ks_strdup("");
    const struct asrv_res *res = asrv_catalog_by_kind(&s->cat, group, slash ? slash + 1 : av, kind);
    free(group);
    if (!res) {
        rc = ks_fail(e, KS_EINPUT, "%s %s \"%s\": kind not served", av, kind, name);
        goto done;
    }
    const char *ns0 = res->namespaced ? str_of(md, "namespace") : "";
    char *ns = ks_strdup(ns0 ? ns0 : "default");
    struct asrv_resp r;
    asrv_resp_init(&r);
    struct asrv_wctx w = {
        s, res, ns, NULL, av, "kubeshim-fixtures", false, ASRV_VALIDATE_IGNORE, false, false, &r};
    int wrc = asrv_write_commit(&w, obj, NULL, 201);
    obj = NULL;
    if (wrc < 0)
        rc = ks_fail(e, KS_EINPUT, "%s %s \"%s\": %.150s", av, kind, name, strbuf_str(&r.body));
    asrv_resp_release(&r);
    free(ns);
done:
    json_decref(obj);
    free(av);
    free(kind);
    free(name);
    return rc;
}

/* Remove the object at key, telling watchers (the event carries a new resourceVersion). */
static void remove_key(struct asrv *s, const char *key)
{
    json_t *obj = asrv_store_get(&s->store, key);
    if (!obj)
        return;
    json_t *gone = json_deep_copy(obj);
    long long rv = asrv_store_next_rv(&s->store);
    char rvs[32];
    snprintf(rvs, sizeof(rvs), "%lld", rv);
    json_t *md = json_object_get(gone, "metadata");
    if (json_is_object(md))
        json_object_set_new(md, "resourceVersion", json_string(rvs));
    asrv_watch_record(&s->events, "DELETED", key, gone, rv);
    json_decref(gone);
    asrv_store_del(&s->store, key);
}

/* Remove every stored key that starts with prefix and has ns as its namespace segment. */
static void delete_where(struct asrv *s, const char *ns, const char *prefix)
{
    for (size_t i = s->store.n; i-- > 0;) {
        const char *k = s->store.v[i].key;
        if (prefix && strncmp(k, prefix, strlen(prefix)) != 0)
            continue;
        if (ns) {
            const char *p = strchr(k, '/');
            p = p ? strchr(p + 1, '/') : NULL;
            if (!p || strncmp(p + 1, ns, strlen(ns)) != 0 || p[1 + strlen(ns)] != '/')
                continue;
        }
        char *dup = ks_strdup(k);
        remove_key(s, dup);
        free(dup);
    }
}

void asrv_write_delete(struct asrv *s, const struct asrv_res *res, const char *key,
                       const json_t *obj)
{
    const char *name = str_of(json_object_get(obj, "metadata"), "name");
    char *name_dup = ks_strdup(name ? name : "");
    bool is_ns = !*res->group && strcmp(res->resource, "namespaces") == 0;
    bool is_crd = strcmp(res->group, "apiextensions.k8s.io") == 0 &&
                  strcmp(res->resource, "customresourcedefinitions") == 0;
    json_t *keep = json_incref((json_t *)obj);
    char *key_dup = ks_strdup(key);
    remove_key(s, key_dup);
    free(key_dup);
    if (is_ns) {
        delete_where(s, name_dup, NULL);
    } else if (is_crd) {
        const json_t *spec = json_object_get(keep, "spec");
        const char *g = str_of(spec, "group");
        const char *plural = str_of(json_object_get(spec, "names"), "plural");
        if (g && plural) {
            char *prefix = ks_asprintf("%s/%s/", g, plural);
            delete_where(s, NULL, prefix);
            free(prefix);
        }
        asrv_catalog_set_crd(&s->cat, name_dup, NULL, NULL);
    }
    json_decref(keep);
    free(name_dup);
}
