/*
 * merge_conflict.c: conflict detection for three-way JSON merge patches
 * (smp-semantics.md §1.4, PARITY: apimachinery mergepatch.HasConflicts) and
 * the conflict error text (PARITY: mergepatch.ErrConflict).
 */
#include "merge/merge_conflict.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "base/yamlout.h"

bool merge_conflict_json(const json_t *left, const json_t *right)
{
    if (json_is_object(left)) {
        const char *k;
        json_t *lv;
        if (!json_is_object(right))
            return true;
        json_object_foreach((json_t *)left, k, lv)
        {
            const json_t *rv = json_object_get(right, k);
            if (rv && merge_conflict_json(lv, rv))
                return true;
        }
        return false;
    }
    if (json_is_array(left)) {
        if (!json_is_array(right) || json_array_size(left) != json_array_size(right))
            return true;
        for (size_t i = 0; i < json_array_size(left); i++)
            if (merge_conflict_json(json_array_get(left, i), json_array_get(right, i)))
                return true;
        return false;
    }
    return !gojson_equal(left, right);
}

int merge_conflict_fail(struct ks_err *e, const json_t *patch, const json_t *changed)
{
    /* PARITY: mergepatch.NewErrConflict(ToYAMLOrError(patch), ToYAMLOrError(changed)) */
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "patch:\n");
    yamlout_write(&sb, patch, NULL);
    strbuf_adds(&sb, "\nconflicts with changes made from original to current:\n");
    yamlout_write(&sb, changed, NULL);
    strbuf_addch(&sb, '\n');
    int rc = ks_fail(e, KS_ECONFLICT, "%s", strbuf_str(&sb));
    strbuf_release(&sb);
    return rc;
}
