/*
 * patch_jmp.c: NEEDSWORK: placeholder until the JSON merge patch lands.
 */
#include "patch/patch_jmp.h"

int patch_jmp_apply(json_t **out, const json_t *target, const json_t *patch, struct ks_err *e)
{
    (void)target;
    (void)patch;
    *out = NULL;
    return ks_fail(e, KS_EGENERIC, "JSON merge patch is not implemented yet");
}
