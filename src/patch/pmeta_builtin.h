/*
 * pmeta_builtin.h: the patch metadata of the built-in Kubernetes kinds,
 * generated into schemas/ from the OpenAPI documents (schemas/gen_pmeta.py).
 */
#ifndef PMETA_BUILTIN_H
#define PMETA_BUILTIN_H

#include "patch/pmeta.h"

#include <stdbool.h>

/*
 * The root type of a built-in kind, or NULL when the kind is not built in
 * (custom resources, aggregated APIs: they get a JSON merge patch).
 * group is "" for the core group. The schema is static: never freed.
 */
const struct pmeta_type *pmeta_builtin_kind(const char *group, const char *version,
                                            const char *kind);

#endif
