/*
 * patch_smp.c: NEEDSWORK: placeholder until the strategic merge patch engine lands.
 */
#include "patch/patch_smp.h"

int patch_smp_apply(json_t **out, const json_t *target, const json_t *patch,
                    const struct pmeta_type *schema, struct ks_err *e)
{
    (void)target;
    (void)patch;
    (void)schema;
    *out = NULL;
    return ks_fail(e, KS_EGENERIC, "strategic merge patch is not implemented yet");
}
