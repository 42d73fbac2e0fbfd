/*
 * merge_smp.c: build strategic merge patches as kubectl does
 * (strategicpatch CreateTwoWayMergePatch / CreateThreeWayMergePatch,
 * smp-semantics.md §3, §5): the object diff with its flags, $retainKeys, and
 * the three-way assembly (delta, deletions, patch-merge, conflict check).
 * Lists are diffed in merge_smp_list.c, conflicts found in merge_smp_conflict.c.
 */
#include "merge/merge_smp.h"

#include "base/gojson.h"
#include "merge/merge_smp_conflict.h"
#include "merge/merge_smp_list.h"
#include "patch/patch_smp.h"
#include "patch/patch_smp_util.h"

#include <stdlib.h>
#include <string.h>

#define DIRECTIVE "$patch"

static int lookup(struct pmeta *m, bool *skip, const struct pmeta_type *schema, const char *k,
                  const json_t *ov, const json_t *mv, struct ks_err *e)
{
    struct ks_err le = KS_ERR_INIT;
    int rc = pmeta_lookup(m, schema, k, &le);
    *skip = false;
    if (rc == 0)
        return 0;
    /* PARITY: handleMapDiff / handleSliceDiff ignore the error for equal values */
    if (gojson_equal(ov, mv)) {
        *skip = true;
        return 0;
    }
    return ks_fail(e, le.code, "%s", le.msg);
}

static int diff_list_field(json_t *p, const char *k, const json_t *ov, const json_t *mv,
                           const struct pmeta *m, const struct merge_smp_opts *o, struct ks_err *e)
{
    struct merge_smp_opts lo = *o;
    json_t *add = NULL, *del = NULL, *order = NULL;
    int rc;

    lo.build_retain = m->retain_keys;
    rc = merge_smp_list_diff(&add, &del, &order, ov, mv, m->type, m->merge_key, &lo, e);
    if (rc < 0)
        return rc;
    if (json_array_size(add))
        json_object_set(p, k, add);
    if (json_array_size(del)) {
        char *key = ks_asprintf("$deleteFromPrimitiveList/%s", k);
        json_object_set(p, key, del);
        free(key);
    }
    if (json_array_size(order)) {
        char *key = ks_asprintf("$setElementOrder/%s", k);
        json_object_set(p, key, order);
        free(key);
    }
    json_decref(add);
    json_decref(del);
    json_decref(order);
    return 0;
}

static bool has_additional_field(const json_t *o, const json_t *m)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        if (!json_is_null(v) && !json_object_get(m, k))
            return true;
    }
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *sorted_keys(const char **keys, size_t n)
{
    json_t *l = json_array();
    qsort(keys, n, sizeof(*keys), cmp_str);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(l, json_string(keys[i]));
    return l;
}

static int diff_member(json_t *p, const char *k, const json_t *ov, const json_t *mv,
                       const struct pmeta_type *schema, const struct merge_smp_opts *o,
                       struct ks_err *e)
{
    int kind = patch_smp_util_gokind(ov);
    struct pmeta m;
    bool skip;
    int rc;

    if (strcmp(k, DIRECTIVE) == 0) {
        if (!json_is_string(ov) || !json_is_string(mv))
            return ks_fail(e, KS_EINPUT, "invalid value for special key: $patch");
        if (!json_equal((json_t *)ov, (json_t *)mv))
            json_object_set(p, k, (json_t *)mv);
        return 0;
    }
    if (kind != patch_smp_util_gokind(mv)) {
        if (!o->ignore_changes)
            json_object_set(p, k, (json_t *)mv);
        return 0;
    }
    if (kind == PATCH_SMP_UTIL_MAP) {
        struct merge_smp_opts so = *o;
        json_t *sub = NULL;
        if ((rc = lookup(&m, &skip, schema, k, ov, mv, e)) < 0 || skip)
            return rc;
        if (m.strategy == PMETA_REPLACE) {
            /* PARITY: a replace-strategy object is sent even when unchanged */
            if (!o->ignore_changes)
                json_object_set(p, k, (json_t *)mv);
            return 0;
        }
        so.build_retain = m.retain_keys;
        if ((rc = merge_smp_diff(&sub, ov, mv, m.type, &so, e)) < 0)
            return rc;
        if (json_object_size(sub))
            json_object_set(p, k, sub);
        json_decref(sub);
        return 0;
    }
    if (kind == PATCH_SMP_UTIL_SLICE) {
        if ((rc = lookup(&m, &skip, schema, k, ov, mv, e)) < 0 || skip)
            return rc;
        if (m.strategy == PMETA_MERGE)
            return diff_list_field(p, k, ov, mv, &m, o, e);
    }
    if (!o->ignore_changes && !gojson_equal(ov, mv))
        json_object_set(p, k, (json_t *)mv);
    return 0;
}

int merge_smp_diff(json_t **out, const json_t *original, const json_t *modified,
                   const struct pmeta_type *schema, const struct merge_smp_opts *o,
                   struct ks_err *e)
{
    json_t *p = json_object(), *empty = NULL, *mv, *v;
    const char **retain = NULL;
    size_t nretain = 0;
    const char *k;
    int rc = 0;

    *out = NULL;
    if (!original || !modified) {
        empty = json_object();
        original = original ? original : empty;
        modified = modified ? modified : empty;
    }
    if (o->build_retain)
        retain = ks_calloc(json_object_size(modified) + 1, sizeof(*retain));
    json_object_foreach((json_t *)modified, k, mv)
    {
        const json_t *ov = json_object_get(original, k);
        if (o->build_retain && !json_is_null(mv))
            retain[nretain++] = k;
        if (!ov) {
            if (!o->ignore_changes)
                json_object_set(p, k, mv);
            continue;
        }
        if ((rc = diff_member(p, k, ov, mv, schema, o, e)) < 0)
            goto done;
    }
    if (!o->ignore_deletions) {
        json_object_foreach((json_t *)original, k, v)
        {
            if (!json_object_get(modified, k))
                json_object_set_new(p, k, json_null());
        }
    }
    if (nretain && (json_object_size(p) || has_additional_field(original, modified)))
        json_object_set_new(p, "$retainKeys", sorted_keys(retain, nretain));
done:
    free(retain);
    json_decref(empty);
    if (rc < 0) {
        json_decref(p);
        return rc;
    }
    *out = p;
    return 0;
}

static int as_object(const json_t **out, const json_t *v, struct ks_err *e)
{
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return ks_fail(e, KS_EINPUT, "invalid JSON document");
    *out = v;
    return 0;
}

int merge_smp_2way(json_t **out, const json_t *original, const json_t *modified,
                   const struct pmeta_type *schema, struct ks_err *e)
{
    struct merge_smp_opts o = {.set_order = true};
    const json_t *ov, *mv;
    int rc;

    *out = NULL;
    if ((rc = as_object(&ov, original, e)) < 0 || (rc = as_object(&mv, modified, e)) < 0)
        return rc;
    return merge_smp_diff(out, ov, mv, schema, &o, e);
}

/* CreateThreeWayMergePatch up to the conflict check; *changed only when want_changed. */
static int three_way(json_t **out, json_t **changed, const json_t *original, const json_t *modified,
                     const json_t *current, const struct pmeta_type *schema, struct ks_err *e)
{
    struct merge_smp_opts delta_o = {.set_order = true, .ignore_deletions = true};
    struct merge_smp_opts del_o = {.set_order = true, .ignore_changes = true};
    struct merge_smp_opts changed_o = {0};
    const json_t *ov, *mv, *cv;
    json_t *delta = NULL, *deletions = NULL, *patch = NULL;
    int rc;

    *out = NULL;
    if ((rc = as_object(&ov, original, e)) < 0 || (rc = as_object(&mv, modified, e)) < 0 ||
        (rc = as_object(&cv, current, e)) < 0)
        return rc;
    if ((rc = merge_smp_diff(&delta, cv, mv, schema, &delta_o, e)) < 0)
        goto done;
    if ((rc = merge_smp_diff(&deletions, ov, mv, schema, &del_o, e)) < 0)
        goto done;
    if ((rc = patch_smp_merge(&patch, deletions, delta, schema, e)) < 0)
        goto done;
    if (changed) {
        /* PARITY: the two diffs above sorted the primitive merge lists of
         * current and original in place; the original-to-current diff sees that */
        json_t *os = merge_smp_list_presort(ov, mv, schema);
        json_t *cs = merge_smp_list_presort(cv, mv, schema);
        rc = merge_smp_diff(changed, os, cs, schema, &changed_o, e);
        json_decref(os);
        json_decref(cs);
        if (rc < 0)
            goto done;
    }
done:
    json_decref(delta);
    json_decref(deletions);
    if (rc < 0) {
        json_decref(patch);
        return rc;
    }
    *out = patch;
    return 0;
}

int merge_smp_3way(json_t **out, const json_t *original, const json_t *modified,
                   const json_t *current, const struct pmeta_type *schema, bool overwrite,
                   struct ks_err *e)
{
    json_t *patch = NULL, *changed = NULL;
    int rc;

    *out = NULL;
    rc = three_way(&patch, overwrite ? NULL : &changed, original, modified, current, schema, e);
    if (rc == 0 && !overwrite)
        rc = merge_smp_conflict_check(patch, changed, schema, e);
    json_decref(changed);
    if (rc < 0) {
        json_decref(patch);
        return rc;
    }
    *out = patch;
    return 0;
}

int merge_smp_3way_conflict(char **out, const json_t *original, const json_t *modified,
                            const json_t *current, const struct pmeta_type *schema,
                            struct ks_err *e)
{
    json_t *patch = NULL, *changed = NULL;
    bool conflict = false;
    int rc;

    *out = NULL;
    rc = three_way(&patch, &changed, original, modified, current, schema, e);
    if (rc == 0)
        rc = merge_smp_conflict_find(&conflict, patch, changed, schema, e);
    if (rc == 0 && conflict)
        rc = merge_smp_conflict_text(out, patch, changed, e);
    json_decref(patch);
    json_decref(changed);
    return rc;
}
