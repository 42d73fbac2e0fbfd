/*
 * smp_schemas.h: the test schemas of the strategic merge patch corpus
 * (corpus/smp/SCHEMAS.md) as patch-metadata graphs, in the three flavours.
 */
#ifndef SMP_SCHEMAS_H
#define SMP_SCHEMAS_H

#include "patch/pmeta.h"

/*
 * The root type for a schema id of the case files, e.g. "struct:MergeItem" or
 * "openapi-v3:swagger-merge-item-v3.json#/components/schemas/mergeItem".
 * OpenAPI ids are loaded from schemadir with pmeta_openapi when it can, else
 * built by hand; *how says which ("struct", "loaded", "hand-built: why").
 * Returns NULL for an unknown id. The graphs live until smp_schemas_free().
 */
const struct pmeta_type *smp_schemas_get(const char *id, const char *schemadir, const char **how);

/* The hand-built graph for an id (no loading). */
const struct pmeta_type *smp_schemas_builtin(const char *id);

void smp_schemas_free(void);

#endif
