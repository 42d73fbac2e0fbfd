/*
 * merge_smp_conflict.h: the strategic-merge "has conflicts" check of the
 * three-way build with overwrite=false (smp-semantics.md §5.3).
 */
#ifndef MERGE_SMP_CONFLICT_H
#define MERGE_SMP_CONFLICT_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * MergingMapsHaveConflicts(patch, changed): *conflict tells whether they do.
 * Errors: lookup and list errors met on the way (the reference returns them
 * together with "conflict").
 */
int merge_smp_conflict_find(bool *conflict, const json_t *patch, const json_t *changed,
                            const struct pmeta_type *schema, struct ks_err *e);

/*
 * The conflict error text: `patch:\n<patch as YAML>\nconflicts with changes
 * made from original to current:\n<changed as YAML>\n`.
 * Ownership: *out is a new string (free()).
 */
int merge_smp_conflict_text(char **out, const json_t *patch, const json_t *changed,
                            struct ks_err *e);

/*
 * 0 when patch and changed do not conflict; otherwise KS_ECONFLICT with
 * `patch:\n<patch>\nconflicts with changes made from original to current:\n<changed>\n`.
 */
int merge_smp_conflict_check(const json_t *patch, const json_t *changed,
                             const struct pmeta_type *schema, struct ks_err *e);

#endif
