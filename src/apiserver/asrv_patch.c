/*
 * asrv_patch.c: PATCH as k8s.io/apiserver/pkg/endpoints/handlers/patch.go
 * does it (smp-semantics.md §8): the content type picks the mechanism,
 * custom resources refuse strategic merge patch with 415, a patched
 * metadata.resourceVersion that differs from the stored one is a 409, apply
 * patches go through the field manager (conflicts, force) and may create.
 */
#include "apiserver/asrv_patch.h"

#include "apiserver/asrv_ssa.h"
#include "apiserver/asrv_status.h"
#include "base/gojson.h"
#include "base/yamlin.h"
#include "patch/patch_jmp.h"
#include "patch/patch_jsonpatch.h"
#include "patch/patch_smp.h"
#include "patch/pmeta_builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ct_json[] = "application/json-patch+json";
static const char ct_merge[] = "application/merge-patch+json";
static const char ct_smp[] = "application/strategic-merge-patch+json";
static const char ct_apply[] = "application/apply-patch+yaml";

static void unsupported(struct asrv_resp *r, bool crd)
{
    char *m = ks_asprintf("the body of the request was in an unknown format - accepted media "
                          "types include: %s, %s, %s%s%s",
                          ct_json, ct_merge, ct_apply, crd ? "" : ", ", crd ? "" : ct_smp);
    asrv_status_fail(r, 415, "UnsupportedMediaType", m, NULL);
    free(m);
}

/* Map a patch engine error to the apiserver's answer (smp-semantics.md §6). */
static void patch_error(struct asrv_resp *r, const struct asrv_target *t, struct ks_err *e)
{
    if (e->code == KS_EINPUT) {
        asrv_status_fail(r, 400, "BadRequest", e->msg, NULL);
    } else if (e->code == KS_EINVALID) {
        json_t *d = asrv_status_details(t->res, t->name);
        json_object_set_new(d, "kind", json_string(t->res->kind));
        char *m = ks_asprintf("%s \"%s\" is invalid: %s", t->res->kind, t->name, e->msg);
        asrv_status_fail(r, 422, "Invalid", m, d);
        free(m);
    } else {
        asrv_status_fail(r, 500, "InternalError", e->msg, NULL);
    }
}

static void ssa(struct asrv_wctx *w, const struct asrv_req *q, struct asrv_resp *r,
                const struct asrv_target *t, const json_t *live)
{
    char *fm = asrv_http_query(q, "fieldManager");
    json_t *cfg = NULL, *out = NULL, *causes = NULL;
    char *msg = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (!fm || !*fm) {
        /* PARITY: the kind of this Invalid is PatchOptions */
        asrv_status_fail(
            r, 422, "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
            "is required for apply patch",
            json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s}]}", "name", "", "group", "meta.k8s.io", "kind",
                      "PatchOptions", "causes", "reason", "FieldValueRequired", "message",
                      "Required value: is required for apply patch", "field", "fieldManager"));
        goto done;
    }
    if (yamlin_load(&cfg, q->body, q->body_len, "body", NULL, &e) < 0 || !json_is_object(cfg)) {
        char *m = ks_asprintf("error decoding YAML: %s", cfg ? "not an object" : e.msg);
        asrv_status_fail(r, 400, "BadRequest", m, NULL);
        free(m);
        goto done;
    }
    const struct pmeta_type *schema = asrv_write_schema(t->res);
    json_t *unknown = asrv_write_unknown(cfg, schema, false);
    if (unknown) {
        /* PARITY: fieldmanager's fmt.Errorf, a 500 without a reason:
         * "failed to create typed patch object (<ns>/<name>; <group>/<version>, Kind=<kind>): ..."
         */
        char *m =
            ks_asprintf("failed to create typed patch object (%s/%s; %s/%s, Kind=%s): .%s: "
                        "field not declared in schema",
                        t->res->namespaced ? t->ns : "", t->name, t->res->group, t->res->version,
                        t->res->kind, json_string_value(json_array_get(unknown, 0)));
        asrv_status_fail(r, 500, "", m, NULL);
        free(m);
        json_decref(unknown);
        goto done;
    }
    json_t *md = json_object_get(cfg, "metadata");
    if (!json_is_object(md)) {
        md = json_object();
        json_object_set_new(cfg, "metadata", md);
    }
    if (!json_object_get(md, "name"))
        json_object_set_new(md, "name", json_string(t->name));
    char now[32];
    asrv_server_now(now);
    char *force = asrv_http_query(q, "force");
    struct asrv_ssa_opts so = {fm,
                               w->gv,
                               now,
                               schema,
                               !t->res->crd,
                               force && strcmp(force, "true") == 0,
                               strstr(t->res->subres, "status") != NULL};
    free(force);
    if (asrv_ssa_apply(&out, &msg, &causes, live, cfg, &so, &e) < 0) {
        if (e.code == KS_ECONFLICT && msg)
            asrv_status_fail(r, 409, "Conflict", msg, json_pack("{s:O}", "causes", causes));
        else
            asrv_status_fail(r, 500, "InternalError", e.msg, NULL);
        goto done;
    }
    w->is_apply = true;
    asrv_write_commit(w, out, live, live ? 200 : 201);
    out = NULL;
done:
    json_decref(cfg);
    json_decref(out);
    json_decref(causes);
    free(msg);
    free(fm);
}

void asrv_patch_handle(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                       struct asrv_target *t, const json_t *live)
{
    const struct asrv_res *res = t->res;
    char ctype[128];
    snprintf(ctype, sizeof(ctype), "%s", q->content_type);
    char *semi = strchr(ctype, ';');
    if (semi)
        *semi = '\0';
    for (char *p = ctype + strlen(ctype); p > ctype && p[-1] == ' ';)
        *--p = '\0';
    bool is_json = strcmp(ctype, ct_json) == 0, is_merge = strcmp(ctype, ct_merge) == 0;
    bool is_smp = strcmp(ctype, ct_smp) == 0, is_apply = strcmp(ctype, ct_apply) == 0;
    if (!is_json && !is_merge && !is_apply && (!is_smp || res->crd)) {
        unsupported(r, res->crd);
        return;
    }
    struct asrv_wctx w;
    asrv_rest_wctx(&w, s, q, r, t);
    w.is_patch = true;
    char *gv = asrv_catalog_gv(res);
    w.gv = gv;
    json_t *patch = NULL, *base = NULL, *out = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc;
    bool scale = t->sub && strcmp(t->sub, "scale") == 0;
    if (is_apply && !t->sub) {
        ssa(&w, q, r, t, live);
        goto done;
    }
    if (!live) {
        asrv_status_not_found(r, res, t->name);
        goto done;
    }
    rc = is_apply ? yamlin_load(&patch, q->body, q->body_len, "body", NULL, &e)
                  : gojson_loads(&patch, q->body, q->body_len, &e);
    if (rc < 0) {
        char *m = ks_asprintf("error decoding patch: %s", e.msg);
        asrv_status_fail(r, 400, "BadRequest", m, NULL);
        free(m);
        goto done;
    }
    /* a private copy: the stored object must not change whatever the patch engine does */
    json_t *view = scale ? asrv_rest_scale_of(live) : asrv_rest_view(live, res);
    base = json_deep_copy(view);
    json_decref(view);
    if (is_json)
        rc = patch_jsonpatch_apply(&out, base, patch, &e);
    else if (is_merge || is_apply)
        rc = patch_jmp_apply(&out, base, patch, &e);
    else
        rc = patch_smp_apply(
            &out, base, patch,
            scale ? pmeta_builtin_kind("autoscaling", "v1", "Scale") : asrv_write_schema(res), &e);
    if (rc < 0) {
        patch_error(r, t, &e);
        goto done;
    }
    if (!json_is_object(out)) {
        asrv_status_fail(r, 400, "BadRequest", "the patched document is not an object", NULL);
        goto done;
    }
    const char *lrv =
        json_string_value(json_object_get(json_object_get(live, "metadata"), "resourceVersion"));
    const char *prv =
        json_string_value(json_object_get(json_object_get(out, "metadata"), "resourceVersion"));
    if (prv && *prv && lrv && strcmp(prv, lrv) != 0) {
        asrv_status_conflict(r, res, t->name);
        goto done;
    }
    json_t *n;
    if (scale) {
        n = json_deep_copy(live);
        json_t *rep = json_object_get(json_object_get(out, "spec"), "replicas");
        json_t *spec = json_object_get(n, "spec");
        if (json_is_object(spec) && json_is_integer(rep))
            json_object_set(spec, "replicas", rep);
        struct asrv_resp tmp;
        asrv_resp_init(&tmp);
        w.r = &tmp;
        if (asrv_write_commit(&w, n, live, 200) == 0) {
            json_t *stored = NULL;
            gojson_loads(&stored, tmp.body.buf, tmp.body.len, &e);
            json_t *sc = asrv_rest_scale_of(stored);
            asrv_status_json(r, 200, sc);
            json_decref(sc);
            json_decref(stored);
        } else {
            asrv_resp_set(r, tmp.status, tmp.content_type, tmp.body.buf, tmp.body.len);
        }
        asrv_resp_release(&tmp);
        goto done;
    }
    if (t->sub && strcmp(t->sub, "status") == 0) {
        n = json_deep_copy(live);
        if (json_object_get(out, "status"))
            json_object_set(n, "status", json_object_get(out, "status"));
    } else {
        n = json_deep_copy(out);
        if (strstr(res->subres, "status")) {
            json_t *ls = json_object_get(live, "status");
            if (ls)
                json_object_set(n, "status", ls);
            else
                json_object_del(n, "status");
        }
    }
    asrv_write_commit(&w, n, live, 200);
done:
    json_decref(patch);
    json_decref(base);
    json_decref(out);
    free(gv);
    free((char *)w.manager);
}
