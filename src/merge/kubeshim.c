/*
 * kubeshim.c: the public API of include/kubeshim.h as thin wrappers over the
 * engine (gojson, manifest, patch_*, merge_*, pmeta_openapi, plan): JSON text
 * in and out, struct ks_err mapped onto struct kubeshim_error. The built-in
 * metadata lookup lives in schemas/kubeshim_schema.c, beside its tables.
 */
#include "kubeshim.h"

#include "base/gojson.h"
#include "base/ks.h"
#include "base/manifest.h"
#include "base/strbuf.h"
#include "base/yamlin.h"
#include "merge/merge_jmp.h"
#include "merge/merge_smp.h"
#include "merge/plan.h"
#include "patch/patch_jmp.h"
#include "patch/patch_jsonpatch.h"
#include "patch/patch_smp.h"
#include "patch/pmeta_openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA(s) ((const struct pmeta_type *)(const void *)(s))

static int done(int rc, const struct ks_err *e, struct kubeshim_error *err)
{
    if (err) {
        err->code = rc;
        snprintf(err->message, sizeof(err->message), "%s", rc ? e->msg : "");
    }
    return rc;
}

void kubeshim_init(void)
{
    ks_alloc_install();
}

const char *kubeshim_version(void)
{
    return KUBESHIM_VERSION;
}

void kubeshim_free(void *p)
{
    free(p);
}

/* Parse text as one JSON value; NULL or empty text gives NULL (the callee's {}). */
static int parse(json_t **out, const char *buf, size_t len, const char *what, struct ks_err *e)
{
    *out = NULL;
    if (!buf || !len)
        return 0;
    if (gojson_loads(out, buf, len, e) < 0)
        return ks_context(e, "%s", what);
    return 0;
}

/* Serialise v into *out. */
static int emit(char **out, size_t *outlen, const json_t *v, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = gojson_write(&sb, v, e);
    if (rc < 0) {
        strbuf_release(&sb);
        return rc;
    }
    strbuf_addch(&sb, '\0');
    sb.len--;
    *out = strbuf_detach(&sb, outlen);
    return 0;
}

static void clear_out(char **out, size_t *outlen)
{
    *out = NULL;
    if (outlen)
        *outlen = 0;
}

int kubeshim_manifest_to_json(char **out, size_t *outlen, const char *buf, size_t len,
                              const char *source, struct kubeshim_error *err)
{
    struct ks_err e = KS_ERR_INIT;
    struct manifest m = MANIFEST_INIT;
    json_t *arr = json_array();
    clear_out(out, outlen);
    int rc = manifest_load(&m, buf ? buf : "", buf ? len : 0, source ? source : "STDIN", NULL, &e);
    for (size_t i = 0; rc == 0 && i < m.n; i++)
        json_array_append(arr, m.objs[i].obj);
    if (rc == 0)
        rc = emit(out, outlen, arr, &e);
    json_decref(arr);
    manifest_release(&m);
    return done(rc, &e, err);
}

int kubeshim_json_canonical(char **out, size_t *outlen, const char *json, size_t len,
                            struct kubeshim_error *err)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;
    clear_out(out, outlen);
    int rc = gojson_loads(&v, json ? json : "", json ? len : 0, &e);
    if (rc == 0)
        rc = emit(out, outlen, v, &e);
    json_decref(v);
    return done(rc, &e, err);
}

int kubeshim_openapi_load(struct kubeshim_openapi **out, const char *json, size_t len,
                          struct kubeshim_error *err)
{
    struct ks_err e = KS_ERR_INIT;
    struct pmeta_openapi *set = NULL;
    json_t *doc = NULL;
    *out = NULL;
    int rc = parse(&doc, json, len, "OpenAPI document", &e);
    if (rc == 0 && !doc)
        rc = ks_fail(&e, KS_EINPUT, "OpenAPI document: empty");
    if (rc == 0)
        rc = json_object_get(doc, "openapi") ? pmeta_openapi_load_v3(&set, doc, &e)
                                             : pmeta_openapi_load_v2(&set, doc, &e);
    json_decref(doc);
    *out = (struct kubeshim_openapi *)(void *)set;
    return done(rc, &e, err);
}

/* Split "group/version" (or "v1") into its parts. */
static void split_gv(char *group, size_t gsz, char *version, size_t vsz, const char *av)
{
    const char *slash = av ? strchr(av, '/') : NULL;
    if (!slash) {
        snprintf(group, gsz, "%s", "");
        snprintf(version, vsz, "%s", av ? av : "");
    } else {
        snprintf(group, gsz, "%.*s", (int)(slash - av), av);
        snprintf(version, vsz, "%s", slash + 1);
    }
}

int kubeshim_openapi_kind(const struct kubeshim_schema **out, int *accepts_smp,
                          struct kubeshim_openapi *o, const char *api_version, const char *kind,
                          struct kubeshim_error *err)
{
    struct ks_err e = KS_ERR_INIT;
    const struct pmeta_type *t = NULL;
    char group[256], version[64];
    bool smp = false;
    *out = NULL;
    if (accepts_smp)
        *accepts_smp = 0;
    if (!o)
        return done(ks_fail(&e, KS_EUSAGE, "no OpenAPI document"), &e, err);
    split_gv(group, sizeof(group), version, sizeof(version), api_version);
    int rc =
        pmeta_openapi_kind(&t, &smp, (struct pmeta_openapi *)(void *)o, group, version, kind, &e);
    *out = (const struct kubeshim_schema *)(const void *)t;
    if (accepts_smp)
        *accepts_smp = smp;
    return done(rc, &e, err);
}

void kubeshim_openapi_free(struct kubeshim_openapi *o)
{
    pmeta_openapi_free((struct pmeta_openapi *)(void *)o);
}

const char *kubeshim_patch_content_type(enum kubeshim_patch_type type)
{
    switch (type) {
    case KUBESHIM_PATCH_STRATEGIC:
        return "application/strategic-merge-patch+json";
    case KUBESHIM_PATCH_MERGE:
        return "application/merge-patch+json";
    case KUBESHIM_PATCH_JSON:
        return "application/json-patch+json";
    }
    return NULL;
}

int kubeshim_patch_apply(char **out, size_t *outlen, enum kubeshim_patch_type type,
                         const char *target, size_t target_len, const char *patch, size_t patch_len,
                         const struct kubeshim_schema *schema, struct kubeshim_error *err)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *t = NULL, *p = NULL, *res = NULL;
    int rc;
    clear_out(out, outlen);
    if ((rc = parse(&t, target, target_len, "target", &e)) < 0 ||
        (rc = parse(&p, patch, patch_len, "patch", &e)) < 0)
        goto out;
    switch (type) {
    case KUBESHIM_PATCH_STRATEGIC:
        rc = patch_smp_apply(&res, t, p, SCHEMA(schema), &e);
        break;
    case KUBESHIM_PATCH_MERGE:
        rc = patch_jmp_apply(&res, t, p, &e);
        break;
    case KUBESHIM_PATCH_JSON:
        rc = patch_jsonpatch_apply(&res, t, p, &e);
        break;
    default:
        rc = ks_fail(&e, KS_EUSAGE, "unknown patch type %d", (int)type);
    }
    if (rc == 0)
        rc = emit(out, outlen, res, &e);
out:
    json_decref(t);
    json_decref(p);
    json_decref(res);
    return done(rc, &e, err);
}

int kubeshim_patch_build(char **out, size_t *outlen, const struct kubeshim_patch_in *in,
                         struct kubeshim_error *err)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *o = NULL, *m = NULL, *c = NULL, *res = NULL;
    int rc;
    clear_out(out, outlen);
    if ((rc = parse(&o, in->original, in->original_len, "original", &e)) < 0 ||
        (rc = parse(&m, in->modified, in->modified_len, "modified", &e)) < 0 ||
        (rc = parse(&c, in->current, in->current_len, "current", &e)) < 0)
        goto out;
    if (in->type == KUBESHIM_PATCH_STRATEGIC) {
        rc = in->current ? merge_smp_3way(&res, o, m, c, SCHEMA(in->schema), in->overwrite != 0, &e)
                         : merge_smp_2way(&res, o, m, SCHEMA(in->schema), &e);
    } else if (in->type == KUBESHIM_PATCH_MERGE) {
        rc = in->current ? merge_jmp_3way(&res, o, m, c, &e) : merge_jmp_2way(&res, o, m, &e);
    } else {
        rc = ks_fail(&e, KS_EUSAGE, "patches are built as strategic or merge patches");
    }
    if (rc == 0)
        rc = emit(out, outlen, res, &e);
out:
    json_decref(o);
    json_decref(m);
    json_decref(c);
    json_decref(res);
    return done(rc, &e, err);
}

int kubeshim_plan(struct kubeshim_plan *out, const struct kubeshim_plan_in *in,
                  struct kubeshim_error *err)
{
    struct ks_err e = KS_ERR_INIT;
    struct plan p;
    json_t *man = NULL, *live = NULL;
    int rc;
    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    rc = yamlin_load(&man, in->manifest ? in->manifest : "", in->manifest ? in->manifest_len : 0,
                     "manifest", NULL, &e);
    if (rc < 0 || (rc = parse(&live, in->live, in->live_len, "live object", &e)) < 0)
        goto out;
    if (!json_is_object(man)) {
        rc = ks_fail(&e, KS_EINPUT, "manifest: not an object");
        goto out;
    }
    json_t *md = json_object_get(man, "metadata");
    if (in->namespace_ && json_is_object(md) && !json_object_get(md, "namespace"))
        json_object_set_new(md, "namespace", json_string(in->namespace_));
    struct plan_in pin = {.manifest = man,
                          .live = live,
                          .schema = SCHEMA(in->schema),
                          .smp = in->schema != NULL,
                          .overwrite = in->overwrite != 0,
                          .for_diff = in->for_diff != 0};
    if ((rc = plan_object(&p, &pin, &e)) < 0)
        goto out;
    out->op = p.op == PLAN_CREATE  ? KUBESHIM_OP_CREATE
              : p.op == PLAN_PATCH ? KUBESHIM_OP_PATCH
                                   : KUBESHIM_OP_UNCHANGED;
    out->missing_annotation = p.missing_annotation;
    out->annotation = p.annotation ? ks_strdup(p.annotation) : NULL;
    if (p.op == PLAN_CREATE) {
        out->content_type = "application/json";
        rc = emit(&out->body, &out->body_len, p.create, &e);
    } else if (p.op == PLAN_PATCH) {
        out->content_type = p.content_type;
        rc = emit(&out->body, &out->body_len, p.patch, &e);
    }
out:
    plan_release(&p);
    json_decref(man);
    json_decref(live);
    return done(rc, &e, err);
}

void kubeshim_plan_release(struct kubeshim_plan *p)
{
    if (!p)
        return;
    free(p->body);
    free(p->annotation);
    memset(p, 0, sizeof(*p));
}
