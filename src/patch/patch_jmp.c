/*
 * patch_jmp.c: apply an RFC 7386 JSON merge patch the way evanphx/json-patch
 * v4 MergePatch does (smp-semantics.md §1.1), which is what the API server
 * runs for application/merge-patch+json and kubectl for client dry-run.
 * Unlike the RFC, a patch that is a bare scalar is refused.
 */
#include "patch/patch_jmp.h"

/* PARITY: evanphx/json-patch v4 pruneNulls/pruneDocNulls/pruneAryNulls. */
json_t *patch_jmp_prune_nulls(const json_t *v)
{
    if (json_is_object(v)) {
        json_t *res = json_object();
        const char *k;
        json_t *sub;
        json_object_foreach((json_t *)v, k, sub)
        {
            if (json_is_null(sub))
                continue;
            json_object_set_new(res, k, patch_jmp_prune_nulls(sub));
        }
        return res;
    }
    if (json_is_array(v)) {
        /* Null elements of arrays are kept; objects inside lose their nulls. */
        json_t *res = json_array();
        size_t i;
        json_t *sub;
        json_array_foreach(v, i, sub)
        {
            json_array_append_new(res, patch_jmp_prune_nulls(sub));
        }
        return res;
    }
    return json_incref((json_t *)v);
}

/* PARITY: evanphx/json-patch v4 mergeDocs and merge (mergeMerge false). */
static json_t *merge_docs(const json_t *doc, const json_t *patch)
{
    json_t *res = json_object();
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)doc, k, v)
    {
        json_object_set(res, k, v);
    }
    json_object_foreach((json_t *)patch, k, v)
    {
        json_t *cur = json_object_get(res, k);
        if (json_is_null(v)) {
            json_object_del(res, k);
        } else if (!cur || json_is_null(cur) || !json_is_object(cur)) {
            json_object_set_new(res, k, patch_jmp_prune_nulls(v));
        } else if (!json_is_object(v)) {
            /* An object replaced by a non-object: the patch value as is. */
            json_object_set(res, k, v);
        } else {
            json_object_set_new(res, k, merge_docs(cur, v));
        }
    }
    return res;
}

int patch_jmp_apply(json_t **out, const json_t *target, const json_t *patch, struct ks_err *e)
{
    *out = NULL;
    /* PARITY: doMergePatch checks a null document before a null patch. */
    if (!target || json_is_null(target))
        return ks_fail(e, KS_EINPUT, "Invalid JSON Document");
    if (!patch || json_is_null(patch))
        return ks_fail(e, KS_EINPUT, "Invalid JSON Patch");
    if (json_is_array(patch)) {
        *out = patch_jmp_prune_nulls(patch);
        return 0;
    }
    if (!json_is_object(patch))
        return ks_fail(e, KS_EINPUT, "Invalid JSON Patch");
    if (!json_is_object(target)) {
        *out = patch_jmp_prune_nulls(patch);
        return 0;
    }
    *out = merge_docs(target, patch);
    return 0;
}
