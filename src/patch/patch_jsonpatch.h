/*
 * patch_jsonpatch.h: apply an RFC 6902 JSON patch (add, remove, replace,
 * move, copy, test), as the API server does for application/json-patch+json.
 */
#ifndef PATCH_JSONPATCH_H
#define PATCH_JSONPATCH_H

#include "base/ks.h"

#include <jansson.h>

/*
 * ops is the array of operations. Ownership: *out gets a new reference, or NULL.
 * Errors: KS_EINPUT for a malformed patch, KS_EINVALID for a failed operation
 * (a missing path, a failed test), with evanphx/json-patch's wording.
 */
int patch_jsonpatch_apply(json_t **out, const json_t *target, const json_t *ops, struct ks_err *e);

#endif
