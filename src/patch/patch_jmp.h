/*
 * patch_jmp.h: apply an RFC 7386 JSON merge patch as the API server and
 * kubectl do (smp-semantics.md §1.1; evanphx/json-patch v4 MergePatch).
 */
#ifndef PATCH_JMP_H
#define PATCH_JMP_H

#include "base/ks.h"

#include <jansson.h>

/*
 * Ownership: *out gets a new reference (it may share unchanged subtrees of
 * target), or NULL on error.
 * Errors: KS_EINPUT `Invalid JSON Document` / `Invalid JSON Patch`.
 */
int patch_jmp_apply(json_t **out, const json_t *target, const json_t *patch, struct ks_err *e);

#endif
