/*
 * pmeta_builtin.c: NEEDSWORK: placeholder until the generated tables land.
 */
#include "patch/pmeta_builtin.h"

const struct pmeta_type *pmeta_builtin_kind(const char *group, const char *version,
                                            const char *kind)
{
    (void)group;
    (void)version;
    (void)kind;
    return NULL;
}
