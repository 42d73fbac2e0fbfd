/*
 * patch_smp_list.h: merging lists for strategic merge patch application
 * (smp-semantics.md §4.2, §4.4). Internal to src/patch.
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

#endif
