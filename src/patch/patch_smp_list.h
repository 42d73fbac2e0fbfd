/*
 * patch_smp_list.h: merging and ordering lists for strategic merge patch
 * application (smp-semantics.md §4.2-4.4). Internal to src/patch.
 */
#ifndef PATCH_SMP_LIST_H
#define PATCH_SMP_LIST_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

struct patch_smp_list_args {
    const struct pmeta_type *schema; /* element type */
    const char *merge_key;           /* NULL: none */
    bool server;                     /* server mode (else patch-merge mode) */
    bool delete_list;                /* a $deleteFromPrimitiveList list */
};

/*
 * mergeSlice: merge patch list p into target list t (both arrays).
 * *alias (when alias is not NULL) gets the target's storage as the reference
 * sees it afterwards through its old length (§4.4), for lists of objects;
 * NULL otherwise.
 * Ownership: *out and *alias get new references.
 */
int patch_smp_list_merge(json_t **out, json_t **alias, const json_t *t, const json_t *p,
                         const struct patch_smp_list_args *a, struct ks_err *e);

/*
 * The ordering step of a $setElementOrder list: partition merged by order,
 * then interleave with server_order (§4.3). tl/pl are the target and patch
 * lists (NULL when absent), for the element-kind check.
 * Ownership: *out gets a new reference.
 */
int patch_smp_list_reorder(json_t **out, const json_t *merged, const json_t *order,
                           const json_t *tl, const json_t *pl, const json_t *server_order,
                           const char *merge_key, struct ks_err *e);

/*
 * normalizeSliceOrder: items stably sorted by the position of their merge key
 * (kind PATCH_SMP_UTIL_MAP) or value in order; for maps, elements carrying
 * `$patch: delete` go last.
 * Ownership: *out gets a new reference.
 */
int patch_smp_list_sort(json_t **out, const json_t *items, const json_t *order,
                        const char *merge_key, int kind, struct ks_err *e);

/* validatePatchWithSetOrderList: pl (NULL: absent) against order. */
int patch_smp_list_check_order(const json_t *pl, const json_t *order, const char *merge_key,
                               struct ks_err *e);

#endif
