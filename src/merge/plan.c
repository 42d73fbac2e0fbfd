/*
 * plan.c: plan one object of kubectl apply/diff.
 * PARITY: kubectl pkg/util/apply.go (GetModifiedConfiguration,
 * GetOriginalConfiguration, CreateApplyAnnotation), pkg/cmd/apply/apply.go
 * (create path), pkg/cmd/apply/patcher.go (patchSimple), pkg/cmd/diff
 * (annotate=false, resourceVersion precondition).
 */
#include "merge/plan.h"

#include "base/gojson.h"
#include "merge/merge_jmp.h"
#include "merge/merge_smp.h"

#include <stdlib.h>
#include <string.h>

/* metadata.annotations of obj as an object we may modify (created if absent). */
static json_t *annotations_of(json_t *obj)
{
    json_t *md = json_object_get(obj, "metadata");
    if (!json_is_object(md)) {
        md = json_object();
        json_object_set_new(obj, "metadata", md);
    }
    json_t *an = json_object_get(md, "annotations");
    if (!json_is_object(an)) {
        an = json_object();
        json_object_set_new(md, "annotations", an);
    }
    return an;
}

/* A deep copy of obj whose annotations lack the last-applied key (and exist). */
static json_t *without_last_applied(const json_t *obj)
{
    json_t *c = json_deep_copy(obj);
    json_t *an = annotations_of(c);
    json_object_del(an, PLAN_LAST_APPLIED);
    return c;
}

static char *dump_nl(const json_t *v)
{
    char *s = gojson_dumps(v);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    s = ks_realloc(s, n + 2);
    s[n] = '\n';
    s[n + 1] = '\0';
    return s;
}

char *plan_annotation(const json_t *obj)
{
    json_t *c = without_last_applied(obj);
    char *s = dump_nl(c);
    json_decref(c);
    return s;
}

json_t *plan_prune_nulls(const json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!json_is_null(x))
                json_object_set_new(o, k, plan_prune_nulls(x));
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) json_array_append_new(a, plan_prune_nulls(x));
        return a;
    }
    return json_incref((json_t *)v);
}

/* The live object's last-applied value, or NULL (absent or empty). */
static const char *live_last_applied(const json_t *live, bool *present)
{
    json_t *an = json_object_get(json_object_get(live, "metadata"), "annotations");
    json_t *v = json_object_get(an, PLAN_LAST_APPLIED);
    *present = json_is_string(v);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return NULL;
    return json_string_value(v);
}

static int plan_create(struct plan *p, const struct plan_in *in)
{
    p->op = PLAN_CREATE;
    if (in->for_diff) {
        /* kubectl diff creates the manifest as it is (server dry run). */
        p->create = json_incref((json_t *)in->manifest);
        return 0;
    }
    json_t *c = json_deep_copy(in->manifest);
    json_object_set_new(annotations_of(c), PLAN_LAST_APPLIED, json_string(p->annotation));
    p->create = plan_prune_nulls(c);
    json_decref(c);
    return 0;
}

int plan_object(struct plan *p, const struct plan_in *in, struct ks_err *e)
{
    int rc = 0;
    json_t *modified = NULL, *original = NULL, *patch = NULL;
    memset(p, 0, sizeof(*p));

    p->annotation = plan_annotation(in->manifest);
    if (!p->annotation)
        return ks_fail(e, KS_EINPUT, "json: unsupported value");
    if (!in->live)
        return plan_create(p, in);

    /* modified: the manifest with the new annotation (apply) or without any (diff). */
    modified = without_last_applied(in->manifest);
    if (!in->for_diff)
        json_object_set_new(annotations_of(modified), PLAN_LAST_APPLIED,
                            json_string(p->annotation));
    p->modified = dump_nl(modified);

    bool present = false;
    const char *orig = live_last_applied(in->live, &present);
    p->missing_annotation = !present;
    if (orig) {
        p->original = ks_strdup(orig);
        rc = gojson_loads(&original, orig, strlen(orig), e);
        if (rc) {
            rc = ks_fail(e, KS_EINPUT, "invalid JSON document");
            goto done;
        }
    }

    if (in->smp) {
        rc = merge_smp_3way(&patch, original, modified, in->live, in->schema, in->overwrite, e);
        if (rc == KS_ECONFLICT) /* the whole text: a struct ks_err holds 255 bytes */
            merge_smp_3way_conflict(&p->conflict, original, modified, in->live, in->schema, NULL);
        p->content_type = "application/strategic-merge-patch+json";
    } else {
        rc = merge_jmp_3way(&patch, original, modified, in->live, e);
        if (rc == 0)
            rc = merge_jmp_preconditions(patch, e);
        p->content_type = "application/merge-patch+json";
    }
    if (rc)
        goto done;

    if (json_object_size(patch) == 0) {
        p->op = PLAN_UNCHANGED;
        goto done;
    }
    p->op = PLAN_PATCH;
    if (in->for_diff && !in->diff_no_lock) {
        /*
         * PARITY: kubectl diff's patcher (addResourceVersion) sets the live
         * resourceVersion as a precondition after the {} check, through a
         * round trip that decodes every number as a float64.
         */
        json_t *floats = merge_jmp_floats(patch);
        json_decref(patch);
        patch = floats;
        const char *rv = json_string_value(
            json_object_get(json_object_get(in->live, "metadata"), "resourceVersion"));
        json_t *md = json_object_get(patch, "metadata");
        if (rv && *rv) {
            if (!json_is_object(md)) {
                md = json_object();
                json_object_set_new(patch, "metadata", md);
            }
            json_object_set_new(md, "resourceVersion", json_string(rv));
        } else if (json_is_object(md)) {
            json_object_del(md, "resourceVersion");
        }
    }
    p->patch = patch;
    patch = NULL;
done:
    json_decref(patch);
    json_decref(original);
    json_decref(modified);
    return rc;
}

void plan_release(struct plan *p)
{
    free(p->annotation);
    free(p->original);
    free(p->modified);
    free(p->conflict);
    json_decref(p->create);
    json_decref(p->patch);
    memset(p, 0, sizeof(*p));
}
