/*
 * patch_smp.h: apply a strategic merge patch as the API server does
 * (smp-semantics.md §4, "server mode"), and merge two patches into one as the
 * three-way build does (§5.2, "patch-merge mode").
 */
#ifndef PATCH_SMP_H
#define PATCH_SMP_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * Apply patch to target under schema (the kind's root type; NULL: no schema).
 * A NULL or JSON-null target or patch counts as {}.
 * Ownership: *out gets a new reference (it may share unchanged subtrees of
 * target by reference), or NULL on error; target and patch are not modified.
 * Errors: KS_EINPUT for bad documents and directives (HTTP 400 on a server),
 * KS_EINVALID for `lists of lists are not supported` (422) and lookup errors,
 * KS_EGENERIC for the rest (500), each with the upstream text of
 * smp-semantics.md §6.
 */
int patch_smp_apply(json_t **out, const json_t *target, const json_t *patch,
                    const struct pmeta_type *schema, struct ks_err *e);

/*
 * StrategicMergePatch on bytes: parse both documents as Go does (a NULL
 * pointer counts as {}, the literal null too; anything else that is not a
 * JSON object fails with `invalid JSON document`), apply, and serialise the
 * result canonically (sorted keys, Go escaping).
 * Ownership: *out is a new string (free()), or NULL on error.
 * Errors: as patch_smp_apply.
 */
int patch_smp_apply_bytes(char **out, const char *target, size_t target_len, const char *patch,
                          size_t patch_len, const struct pmeta_type *schema, struct ks_err *e);

/*
 * Patch-merge mode (MergeStrategicMergeMapPatchUsingLookupPatchMeta with two
 * patches): merge second into first, keeping nulls, $retainKeys,
 * $setElementOrder and $deleteFromPrimitiveList members (§5.2).
 * Ownership and errors: as patch_smp_apply (both inputs must be objects or NULL).
 */
int patch_smp_merge(json_t **out, const json_t *first, const json_t *second,
                    const struct pmeta_type *schema, struct ks_err *e);

/*
 * mergeMap for one object: target (an object or NULL) and patch (an object),
 * server mode or patch-merge mode. For the list code and the builders.
 * Ownership: as patch_smp_apply.
 */
int patch_smp_apply_object(json_t **out, const json_t *target, const json_t *patch,
                           const struct pmeta_type *schema, bool server, struct ks_err *e);

/*
 * removeDirectives, after discardNullValuesFromPatch when drop_nulls (§4.5).
 * *keep is false when v itself is an object carrying $patch (the result is
 * then NULL). Ownership: returns a new reference (v itself when unchanged).
 */
json_t *patch_smp_clean(const json_t *v, bool drop_nulls, bool *keep);

#endif
