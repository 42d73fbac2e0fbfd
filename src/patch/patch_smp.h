/*
 * patch_smp.h: apply a strategic merge patch as the API server does
 * (smp-semantics.md §4, "server mode").
 */
#ifndef PATCH_SMP_H
#define PATCH_SMP_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>

/*
 * Apply patch to target under schema (the kind's root type; NULL: no schema).
 * A NULL or JSON-null target or patch counts as {}.
 * Ownership: *out gets a new reference (it may share unchanged subtrees of
 * target by reference), or NULL on error; target and patch are not modified.
 * Errors: KS_EINPUT for bad documents and directives (HTTP 400 on a server),
 * KS_EINVALID for `lists of lists are not supported` (422), KS_EGENERIC for
 * the rest (500), each with the upstream text of smp-semantics.md §6.
 */
int patch_smp_apply(json_t **out, const json_t *target, const json_t *patch,
                    const struct pmeta_type *schema, struct ks_err *e);

#endif
