/*
 * patch_smp_order.h: the order of merged lists in strategic merge patch
 * application (smp-semantics.md §4.3). Internal to src/patch and src/merge.
 */
#ifndef PATCH_SMP_ORDER_H
#define PATCH_SMP_ORDER_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * normalizeSliceOrder: items stably sorted by the position of their merge key
 * (kind PATCH_SMP_UTIL_MAP) or value in order; for maps, elements carrying
 * `$patch: delete` go last.
 * Ownership: *out gets a new reference.
 */
int patch_smp_order_sort(json_t **out, const json_t *items, const json_t *order,
                         const char *merge_key, int kind, struct ks_err *e);

/*
 * normalizeElementOrder: patch_items in patch_order, server_only in
 * server_order, interleaved by server_order (mergeSortedSlice).
 * Ownership: *out gets a new reference.
 */
int patch_smp_order_normalize(json_t **out, const json_t *patch_items, const json_t *server_only,
                              const json_t *patch_order, const json_t *server_order,
                              const char *merge_key, int kind, struct ks_err *e);

/*
 * partition{Primitives,Maps}ByPresentInList: the elements of merged found in
 * by (by merge key when merge_key is not NULL) go to *in, the rest to *rest.
 * Ownership: *in and *rest get new references.
 */
int patch_smp_order_partition(json_t **in, json_t **rest, const json_t *merged, const json_t *by,
                              const char *merge_key, struct ks_err *e);

/*
 * The ordering step of a $setElementOrder list: partition merged by order,
 * then interleave with server_order. tl/pl are the target and patch lists
 * (NULL when absent), for the element-kind check.
 * Ownership: *out gets a new reference.
 */
int patch_smp_order_reorder(json_t **out, const json_t *merged, const json_t *order,
                            const json_t *tl, const json_t *pl, const json_t *server_order,
                            const char *merge_key, struct ks_err *e);

/* validatePatchWithSetOrderList: pl (NULL: absent) against order. */
int patch_smp_order_check(const json_t *pl, const json_t *order, const char *merge_key,
                          struct ks_err *e);

/* ErrNoMergeKey: `map: <m> does not contain declared merge key: <k>`; returns KS_EGENERIC. */
int patch_smp_order_fail_no_key(const json_t *m, const char *merge_key, struct ks_err *e);

/* Whether m is an object whose $patch is the string "delete". */
bool patch_smp_order_is_delete(const json_t *m);

#endif
