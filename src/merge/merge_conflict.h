/*
 * merge_conflict.h: the JSON-flavour conflict check of three-way JSON merge
 * patches (smp-semantics.md §1.4; apimachinery mergepatch.HasConflicts) and
 * the conflict error text shared by the three-way builders (§6).
 */
#ifndef MERGE_CONFLICT_H
#define MERGE_CONFLICT_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * True when left and right conflict: objects conflict on any shared key
 * whose values conflict; arrays when their lengths differ or any position
 * conflicts; an object or array against anything else conflicts; scalars and
 * nulls unless deep-equal with kinds (integer 0 and float 0 conflict).
 * Ownership: borrows both.
 */
bool merge_conflict_json(const json_t *left, const json_t *right);

/*
 * Fill e with KS_ECONFLICT and upstream's ErrConflict text, `patch:\n<patch>\n
 * conflicts with changes made from original to current:\n<changed>\n`, and
 * return KS_ECONFLICT; both documents as YAML (sigs.k8s.io/yaml). The
 * message is truncated to KS_ERR_MSG.
 * Ownership: borrows both.
 */
int merge_conflict_fail(struct ks_err *e, const json_t *patch, const json_t *changed);

#endif
