/*
 * smp_sort.c: the test-only normaliser sortMergeListsByName of
 * strategicpatch: merge lists of objects sorted by the string form of their
 * merge key, merge lists of primitives de-duplicated and sorted, $retainKeys
 * and $deleteFromPrimitiveList values sorted, everything else left alone.
 */
#include "smp_sort.h"

#include "patch/patch_smp_util.h"

#include <stdlib.h>
#include <string.h>

static int sort_map(json_t **out, const json_t *s, const struct pmeta_type *schema,
                    struct ks_err *e);

static json_t *sorted_scalars(const json_t *l, bool dedupe)
{
    size_t n = json_array_size(l);
    const json_t **items = ks_calloc(n + 1, sizeof(*items));
    size_t *perm;
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        items[i] = json_array_get(l, i);
    if (dedupe)
        n = patch_smp_util_dedupe(items, n);
    perm = ks_calloc(n + 1, sizeof(*perm));
    patch_smp_util_sort_strform(perm, items, n);
    for (size_t i = 0; i < n; i++)
        json_array_append(out, (json_t *)items[perm[i]]);
    free(perm);
    free(items);
    return out;
}

static int sort_array(json_t **out, const json_t *s, const struct pmeta_type *schema,
                      const char *mk, struct ks_err *e)
{
    size_t n = json_array_size(s);
    const json_t **keys;
    size_t *perm;
    json_t *elems;
    int kind, rc;

    *out = NULL;
    if (!n) {
        *out = json_incref((json_t *)s);
        return 0;
    }
    if ((rc = patch_smp_util_elem_kind(&kind, s, NULL, e)) < 0)
        return rc;
    if (kind != PATCH_SMP_UTIL_MAP) {
        *out = sorted_scalars(s, true);
        return 0;
    }
    elems = json_array();
    keys = ks_calloc(n, sizeof(*keys));
    perm = ks_calloc(n, sizeof(*perm));
    for (size_t i = 0; i < n; i++) {
        json_t *el = NULL;
        if ((rc = sort_map(&el, json_array_get(s, i), schema, e)) < 0)
            break;
        json_array_append_new(elems, el);
        keys[i] = json_object_get(el, mk ? mk : "");
    }
    if (rc == 0) {
        patch_smp_util_sort_strform(perm, keys, n);
        *out = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append(*out, json_array_get(elems, perm[i]));
    }
    json_decref(elems);
    free(keys);
    free(perm);
    return rc;
}

static int sort_map(json_t **out, const json_t *s, const struct pmeta_type *schema,
                    struct ks_err *e)
{
    json_t *res = json_object(), *v;
    const char *k;
    int rc = 0;

    json_object_foreach((json_t *)s, k, v)
    {
        json_t *nv = NULL;
        struct pmeta m;
        if (!strcmp(k, "$retainKeys") || patch_smp_util_prefixed(k, "$deleteFromPrimitiveList")) {
            if (!json_is_array(v)) {
                rc = ks_fail(e, KS_EINPUT, "invalid patch format");
                break;
            }
            nv = sorted_scalars(v, false);
        } else if (patch_smp_util_prefixed(k, "$setElementOrder") || !strcmp(k, "$patch") ||
                   !(json_is_object(v) || json_is_array(v))) {
            nv = json_incref(v);
        } else {
            if ((rc = pmeta_lookup(&m, schema, k, e)) < 0)
                break;
            if (json_is_object(v))
                rc = sort_map(&nv, v, m.type, e);
            else if (m.strategy == PMETA_MERGE)
                rc = sort_array(&nv, v, m.type, m.merge_key, e);
            else
                nv = json_incref(v);
            if (rc < 0)
                break;
        }
        json_object_set_new(res, k, nv);
    }
    if (rc < 0) {
        json_decref(res);
        res = NULL;
    }
    *out = res;
    return rc;
}

int smp_sort_merge_lists(json_t **out, const json_t *doc, const struct pmeta_type *schema,
                         struct ks_err *e)
{
    return sort_map(out, doc, schema, e);
}
