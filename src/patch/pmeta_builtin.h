/*
 * pmeta_builtin.h: the patch metadata of the built-in Kubernetes kinds, as
 * kubectl's compiled-in struct tags give it (PMETA_STRUCT flavour), generated
 * into schemas/pmeta_tables.c from the OpenAPI documents by
 * schemas/gen_pmeta.py (1.33, plus 1.20.4 for group-versions 1.33 dropped).
 *
 * The implementation lives in schemas/pmeta_builtin.c, in the ks_schemas
 * module with the tables: link ks_schemas to use these.
 */
#ifndef PMETA_BUILTIN_H
#define PMETA_BUILTIN_H

#include "patch/pmeta.h"

#include <stdbool.h>

/*
 * The root type of a built-in kind whose PATCH accepts strategic merge
 * patch, or NULL when the kind is not built in (custom resources, aggregated
 * APIs: they get a JSON merge patch). group is "" for the core group.
 * Binary search; the schema is static: never freed.
 */
const struct pmeta_type *pmeta_builtin_kind(const char *group, const char *version,
                                            const char *kind);

/*
 * The type of an OpenAPI definition by its full name, e.g.
 * "io.k8s.api.apps.v1.DeploymentSpec", or NULL. For tests and tools.
 */
const struct pmeta_type *pmeta_builtin_named(const char *name);

#endif
