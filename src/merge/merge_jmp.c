/*
 * merge_jmp.c: two- and three-way JSON merge patches as kubectl builds them
 * for custom resources (smp-semantics.md §1.2-1.3). PARITY: evanphx/json-patch
 * v4 CreateMergePatch/getDiff and apimachinery jsonmergepatch
 * CreateThreeWayJSONMergePatch/keepOrDeleteNullInObj, kubectl's apply
 * preconditions (pkg/cmd/apply/patcher.go).
 */
#include "merge/merge_jmp.h"

#include "base/gojson.h"
#include "merge/merge_conflict.h"
#include "patch/patch_jmp.h"

json_t *merge_jmp_floats(const json_t *v)
{
    if (json_is_integer(v))
        return json_real((double)json_integer_value(v));
    if (json_is_object(v)) {
        json_t *res = json_object();
        const char *k;
        json_t *sub;
        json_object_foreach((json_t *)v, k, sub)
        {
            json_object_set_new(res, k, merge_jmp_floats(sub));
        }
        return res;
    }
    if (json_is_array(v)) {
        json_t *res = json_array();
        size_t i;
        json_t *sub;
        json_array_foreach(v, i, sub)
        {
            json_array_append_new(res, merge_jmp_floats(sub));
        }
        return res;
    }
    return json_incref((json_t *)v);
}

/* PARITY: getDiff; inputs hold floats only, so kinds equal reflect.TypeOf. */
static json_t *diff_objects(const json_t *a, const json_t *b)
{
    json_t *into = json_object();
    const char *k;
    json_t *bv;

    json_object_foreach((json_t *)b, k, bv)
    {
        const json_t *av = json_object_get(a, k);
        if (!av || json_typeof(av) != json_typeof(bv)) {
            json_object_set(into, k, bv);
        } else if (json_is_object(av)) {
            json_t *sub = diff_objects(av, bv);
            if (json_object_size(sub) > 0)
                json_object_set(into, k, sub);
            json_decref(sub);
        } else if (!gojson_equal(av, bv)) {
            json_object_set(into, k, bv);
        }
    }
    json_object_foreach((json_t *)a, k, bv)
    {
        if (!json_object_get(b, k))
            json_object_set_new(into, k, json_null());
    }
    return into;
}

static int as_object(json_t **out, const json_t *v, struct ks_err *e)
{
    *out = NULL;
    if (!v || json_is_null(v)) {
        *out = json_object();
        return 0;
    }
    if (!json_is_object(v))
        return ks_fail(e, KS_EINPUT, "Invalid JSON Document");
    *out = merge_jmp_floats(v);
    return 0;
}

int merge_jmp_2way(json_t **out, const json_t *original, const json_t *modified, struct ks_err *e)
{
    json_t *o = NULL, *m = NULL;
    int rc;

    *out = NULL;
    if ((rc = as_object(&o, original, e)) < 0 || (rc = as_object(&m, modified, e)) < 0)
        goto done;
    *out = diff_objects(o, m);
done:
    json_decref(o);
    json_decref(m);
    return rc;
}

json_t *merge_jmp_filter_nulls(const json_t *obj, bool keep_null)
{
    json_t *res = json_object();
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)obj, k, v)
    {
        if (json_is_null(v)) {
            if (keep_null)
                json_object_set(res, k, v);
        } else if (json_is_object(v)) {
            /* Explicitly empty maps are values, not empty patches. */
            if (json_object_size(v) == 0) {
                if (!keep_null)
                    json_object_set(res, k, v);
                continue;
            }
            json_t *sub = merge_jmp_filter_nulls(v, keep_null);
            if (json_object_size(sub) > 0)
                json_object_set(res, k, sub);
            json_decref(sub);
        } else if (!keep_null) {
            json_object_set(res, k, v);
        }
    }
    return res;
}

int merge_jmp_3way(json_t **out, const json_t *original, const json_t *modified,
                   const json_t *current, struct ks_err *e)
{
    json_t *add0 = NULL, *add = NULL, *del0 = NULL, *del = NULL;
    int rc;

    *out = NULL;
    if ((rc = merge_jmp_2way(&add0, current, modified, e)) < 0)
        goto done;
    add = merge_jmp_filter_nulls(add0, false);
    if ((rc = merge_jmp_2way(&del0, original, modified, e)) < 0)
        goto done;
    del = merge_jmp_filter_nulls(del0, true);
    if (merge_conflict_json(add, del)) {
        rc = merge_conflict_fail(e, add, del);
        goto done;
    }
    rc = patch_jmp_apply(out, del, add, e);
done:
    json_decref(add0);
    json_decref(add);
    json_decref(del0);
    json_decref(del);
    return rc;
}

/* PARITY: mergepatch.RequireKeyUnchanged / RequireMetadataKeyUnchanged. */
int merge_jmp_preconditions(const json_t *patch, struct ks_err *e)
{
    const json_t *meta = json_object_get(patch, "metadata");
    if (json_object_get(patch, "apiVersion") || json_object_get(patch, "kind") ||
        (json_is_object(meta) && json_object_get(meta, "name")))
        return ks_fail(e, KS_EINVALID, "At least one of apiVersion, kind and name was changed");
    return 0;
}
