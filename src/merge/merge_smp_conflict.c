/*
 * merge_smp_conflict.c: strategicpatch MergingMapsHaveConflicts, the check
 * that makes `kubectl apply --overwrite=false` refuse to undo changes made
 * in the cluster (smp-semantics.md §5.3), and the conflict error text.
 */
#include "merge/merge_smp_conflict.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "base/yamlout.h"
#include "patch/patch_smp_util.h"

#include <stdlib.h>
#include <string.h>

static int fields(bool *c, const json_t *l, const json_t *r, const struct pmeta_type *schema,
                  int strategy, const char *mk, struct ks_err *e);

static int maps(bool *c, const json_t *l, const json_t *r, const struct pmeta_type *schema,
                struct ks_err *e)
{
    const char *k;
    json_t *lv;
    *c = false;
    json_object_foreach((json_t *)l, k, lv)
    {
        const json_t *rv = json_object_get(r, k);
        struct pmeta m;
        int rc;
        if (!strcmp(k, "$patch") || !strcmp(k, "$retainKeys") || !rv)
            continue;
        memset(&m, 0, sizeof(m));
        if (json_is_object(lv) || json_is_array(lv)) {
            if ((rc = pmeta_lookup(&m, schema, k, e)) < 0) {
                *c = true;
                return rc;
            }
        }
        rc = fields(c, lv, rv, m.type, m.strategy, m.merge_key, e);
        if (*c || rc < 0)
            return rc;
    }
    return 0;
}

/* sliceOfMapsToMapOfMaps: keyed by the %s form of the merge key. */
static int by_key(json_t **out, const json_t *l, const char *mk, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    *out = json_object();
    for (size_t i = 0; i < json_array_size(l); i++) {
        const json_t *v = json_array_get(l, i), *key;
        if (!json_is_object(v)) {
            patch_smp_util_gofmt(&sb, l, 'v');
            rc =
                ks_fail(e, KS_EGENERIC, "invalid element type in merging list:%s", strbuf_str(&sb));
            break;
        }
        if (!(key = json_object_get(v, mk ? mk : ""))) {
            patch_smp_util_gofmt(&sb, v, 'v');
            rc = ks_fail(e, KS_EGENERIC, "cannot find merge key `%s` in merging list element:%s",
                         mk ? mk : "", strbuf_str(&sb));
            break;
        }
        strbuf_reset(&sb);
        patch_smp_util_gofmt(&sb, key, 's');
        json_object_set(*out, strbuf_str(&sb), (json_t *)v);
    }
    strbuf_release(&sb);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* deduplicateAndSortScalars, on a copy. */
static json_t *dedupe_sort(const json_t *l)
{
    size_t n = json_array_size(l);
    const json_t **items = ks_calloc(n + 1, sizeof(*items));
    size_t *perm;
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        items[i] = json_array_get(l, i);
    n = patch_smp_util_dedupe(items, n);
    perm = ks_calloc(n + 1, sizeof(*perm));
    patch_smp_util_sort_strform(perm, items, n);
    for (size_t i = 0; i < n; i++)
        json_array_append(out, (json_t *)items[perm[i]]);
    free(perm);
    free(items);
    return out;
}

static int slices(bool *c, const json_t *l, const json_t *r, const struct pmeta_type *schema,
                  int strategy, const char *mk, struct ks_err *e)
{
    json_t *lm = NULL, *rm = NULL, *ls = NULL, *rs = NULL, *lv;
    const char *k;
    int kind, rc;

    *c = false;
    if ((rc = patch_smp_util_elem_kind(&kind, l, r, e)) < 0) {
        *c = true;
        return rc;
    }
    if (strategy == PMETA_MERGE) {
        if (kind != PATCH_SMP_UTIL_MAP)
            return 0; /* PARITY: merging lists of scalars never conflict */
        if ((rc = by_key(&lm, l, mk, e)) < 0 || (rc = by_key(&rm, r, mk, e)) < 0) {
            *c = true;
            goto done;
        }
        json_object_foreach(lm, k, lv)
        {
            const json_t *rv = json_object_get(rm, k);
            if (!rv)
                continue;
            if ((rc = fields(c, lv, rv, schema, PMETA_NONE, NULL, e)) < 0 || *c)
                goto done;
        }
        goto done;
    }
    if (json_array_size(l) != json_array_size(r)) {
        *c = true;
        return 0;
    }
    if (kind != PATCH_SMP_UTIL_MAP) {
        ls = dedupe_sort(l);
        rs = dedupe_sort(r);
        l = ls;
        r = rs;
    }
    for (size_t i = 0; i < json_array_size(l); i++) {
        const json_t *rv = json_array_get(r, i);
        if (!rv) {
            *c = true; /* NEEDSWORK: the reference indexes out of range here */
            break;
        }
        if ((rc = fields(c, json_array_get(l, i), rv, schema, PMETA_NONE, NULL, e)) < 0 || *c)
            break;
    }
done:
    json_decref(lm);
    json_decref(rm);
    json_decref(ls);
    json_decref(rs);
    return rc;
}

static int fields(bool *c, const json_t *l, const json_t *r, const struct pmeta_type *schema,
                  int strategy, const char *mk, struct ks_err *e)
{
    *c = false;
    if (json_is_object(l)) {
        const json_t *lp, *rp;
        if (!json_is_object(r)) {
            *c = true;
            return 0;
        }
        lp = json_object_get(l, "$patch");
        rp = json_object_get(r, "$patch");
        if (lp || rp) {
            if (!lp || !rp) {
                *c = true;
                return 0;
            }
            if (patch_smp_util_gokind(lp) == patch_smp_util_gokind(rp) &&
                (json_is_object(lp) || json_is_array(lp)))
                return ks_fail(e, KS_EGENERIC, "runtime error: comparing uncomparable type %s",
                               patch_smp_util_gotype(lp));
            if (!patch_smp_util_same(lp, rp)) {
                *c = true;
                return 0;
            }
        }
        if (strategy == PMETA_REPLACE)
            return 0;
        return maps(c, l, r, schema, e);
    }
    if (json_is_array(l)) {
        if (!json_is_array(r)) {
            *c = true;
            return 0;
        }
        return slices(c, l, r, schema, strategy, mk, e);
    }
    *c = !gojson_equal(l, r);
    return 0;
}

int merge_smp_conflict_find(bool *conflict, const json_t *patch, const json_t *changed,
                            const struct pmeta_type *schema, struct ks_err *e)
{
    return fields(conflict, patch, changed, schema, PMETA_NONE, NULL, e);
}

int merge_smp_conflict_text(char **out, const json_t *patch, const json_t *changed,
                            struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc;
    /* PARITY: mergepatch.NewErrConflict(ToYAMLOrError(patch), ToYAMLOrError(changed)) */
    *out = NULL;
    strbuf_adds(&sb, "patch:\n");
    if ((rc = yamlout_write(&sb, patch, e)) < 0)
        goto done;
    strbuf_adds(&sb, "\nconflicts with changes made from original to current:\n");
    if ((rc = yamlout_write(&sb, changed, e)) < 0)
        goto done;
    strbuf_addch(&sb, '\n');
    *out = strbuf_detach(&sb, NULL);
done:
    strbuf_release(&sb);
    return rc;
}

int merge_smp_conflict_check(const json_t *patch, const json_t *changed,
                             const struct pmeta_type *schema, struct ks_err *e)
{
    bool c = false;
    char *msg = NULL;
    int rc = merge_smp_conflict_find(&c, patch, changed, schema, e);
    if (rc < 0 || !c)
        return rc;
    if ((rc = merge_smp_conflict_text(&msg, patch, changed, e)) < 0)
        return rc;
    /* the message is cut at KS_ERR_MSG; merge_smp_3way_conflict() gives all of it */
    rc = ks_fail(e, KS_ECONFLICT, "%s", msg);
    free(msg);
    return rc;
}
