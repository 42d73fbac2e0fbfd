/*
 * patch_jsonpatch.c: NEEDSWORK: placeholder until JSON patch lands.
 */
#include "patch/patch_jsonpatch.h"

int patch_jsonpatch_apply(json_t **out, const json_t *target, const json_t *ops, struct ks_err *e)
{
    (void)target;
    (void)ops;
    *out = NULL;
    return ks_fail(e, KS_EGENERIC, "JSON patch is not implemented yet");
}
