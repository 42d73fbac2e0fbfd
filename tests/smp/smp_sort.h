/*
 * smp_sort.h: sortMergeListsByName, the normaliser of strategicpatch's tests
 * (corpus/smp/README.md, "The sortMergeListsByName normalisation").
 */
#ifndef SMP_SORT_H
#define SMP_SORT_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>

/* Ownership: *out gets a new reference. Errors: as the reference's. */
int smp_sort_merge_lists(json_t **out, const json_t *doc, const struct pmeta_type *schema,
                         struct ks_err *e);

#endif
