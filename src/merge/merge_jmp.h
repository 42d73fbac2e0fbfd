/*
 * merge_jmp.h: build JSON merge patches, two-way (original -> modified) and
 * three-way (last-applied, manifest, live) as kubectl builds them for kinds
 * without patch metadata (smp-semantics.md §1.2-1.3; evanphx/json-patch v4
 * CreateMergePatch, apimachinery jsonmergepatch.CreateThreeWayJSONMergePatch).
 *
 * Numbers: this side of the reference decodes every number as a float64, so
 * the inputs' integers are compared and emitted as doubles (1 equals 1.0,
 * integers above 2^53 lose precision, exactly as kubectl's patch bytes do).
 */
#ifndef MERGE_JMP_H
#define MERGE_JMP_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * The merge patch that turns original into modified: changed and added keys
 * carry modified's value (lists whole), removed keys are null. NULL or JSON
 * null inputs count as {}.
 * Ownership: *out gets a new reference, or NULL on error.
 * Errors: KS_EINPUT `Invalid JSON Document` when an input is not an object.
 */
int merge_jmp_2way(json_t **out, const json_t *original, const json_t *modified, struct ks_err *e);

/*
 * kubectl apply's merge patch (§1.3): additions and changes from current to
 * modified, deletions from original to modified, merged. NULL or JSON null
 * inputs count as {}. No preconditions are checked here; see
 * merge_jmp_preconditions().
 * Ownership: *out gets a new reference, or NULL on error.
 * Errors: KS_EINPUT as merge_jmp_2way; KS_ECONFLICT (never seen in practice,
 * see §1.3 step 3) with the text of merge_conflict_fail().
 */
int merge_jmp_3way(json_t **out, const json_t *original, const json_t *modified,
                   const json_t *current, struct ks_err *e);

/*
 * kubectl's preconditions on a three-way merge patch: no top-level
 * apiVersion or kind, no metadata.name.
 * Errors: KS_EINVALID `At least one of apiVersion, kind and name was changed`.
 */
int merge_jmp_preconditions(const json_t *patch, struct ks_err *e);

/*
 * The null filter of the three-way patch (apimachinery keepOrDeleteNullInObj):
 * with keep_null, only null members survive (inside non-empty objects that
 * keep something); without, nulls go, emptied sub-objects go, and objects
 * that were already empty stay.
 * Ownership: returns a new reference; obj must be an object.
 */
json_t *merge_jmp_filter_nulls(const json_t *obj, bool keep_null);

/*
 * v with every integer turned into a float (a double), as Go's json.Unmarshal
 * into interface{} decodes numbers. Ownership: returns a new reference.
 */
json_t *merge_jmp_floats(const json_t *v);

#endif
