/*
 * merge_smp.c: build two- and three-way strategic merge patches
 * (smp-semantics.md §3, §5). NEEDSWORK: placeholder until the engine lands.
 */
#include "merge/merge_smp.h"

int merge_smp_2way(json_t **out, const json_t *original, const json_t *modified,
                   const struct pmeta_type *schema, struct ks_err *e)
{
    (void)original;
    (void)modified;
    (void)schema;
    *out = NULL;
    return ks_fail(e, KS_EGENERIC, "strategic merge patch is not implemented yet");
}

int merge_smp_3way(json_t **out, const json_t *original, const json_t *modified,
                   const json_t *current, const struct pmeta_type *schema, bool overwrite,
                   struct ks_err *e)
{
    (void)original;
    (void)modified;
    (void)current;
    (void)schema;
    (void)overwrite;
    *out = NULL;
    return ks_fail(e, KS_EGENERIC, "strategic merge patch is not implemented yet");
}
