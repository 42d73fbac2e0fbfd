/*
 * patch_jmp.h: apply an RFC 7386 JSON merge patch as the API server and
 * kubectl do (smp-semantics.md §1.1; evanphx/json-patch v4 MergePatch).
 */
#ifndef PATCH_JMP_H
#define PATCH_JMP_H

#include "base/ks.h"

#include <jansson.h>

/*
 * Merge patch into target. A patch that is an array is the result (objects
 * inside it lose their null members); a patch object applied to a target
 * that is not an object is the result with its nulls pruned; a patch that
 * is a string, number, boolean or null is refused (unlike the RFC).
 * Number kinds are kept as they are (the server keeps the number text).
 * Ownership: *out gets a new reference (it may share unchanged subtrees of
 * target and patch), or NULL on error; target and patch are not modified.
 * Errors: KS_EINPUT `Invalid JSON Document` (target NULL or JSON null) /
 * `Invalid JSON Patch`.
 */
int patch_jmp_apply(json_t **out, const json_t *target, const json_t *patch, struct ks_err *e);

/*
 * v without null-valued object members, recursively; null elements of arrays
 * are kept (evanphx/json-patch pruneNulls).
 * Ownership: returns a new reference (unchanged scalars are shared).
 */
json_t *patch_jmp_prune_nulls(const json_t *v);

#endif
