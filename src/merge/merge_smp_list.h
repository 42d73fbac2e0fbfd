/*
 * merge_smp_list.h: the diff of two merge lists (smp-semantics.md §3.2-3.3),
 * for merge_smp.c.
 */
#ifndef MERGE_SMP_LIST_H
#define MERGE_SMP_LIST_H

#include "base/ks.h"
#include "merge/merge_smp.h"
#include "patch/pmeta.h"

#include <jansson.h>

/*
 * diffLists: *add gets the patch list, *del the $deleteFromPrimitiveList
 * values, *order the $setElementOrder list; each NULL when there is none.
 * schema is the element type, merge_key NULL when the field has none.
 * Ownership: new references; original and modified are not modified (the
 * in-place sort of the reference is emulated on a copy).
 */
int merge_smp_list_diff(json_t **add, json_t **del, json_t **order, const json_t *original,
                        const json_t *modified, const struct pmeta_type *schema,
                        const char *merge_key, const struct merge_smp_opts *o, struct ks_err *e);

/*
 * original as the reference leaves it after diffing it against modified: its
 * primitive merge lists that the diff visited sorted by string form, in
 * place (smp-semantics.md §3.3). The three-way build's conflict check diffs
 * those sorted documents. Ownership: a new reference (original itself when
 * nothing moves).
 */
json_t *merge_smp_list_presort(const json_t *original, const json_t *modified,
                               const struct pmeta_type *schema);

#endif
