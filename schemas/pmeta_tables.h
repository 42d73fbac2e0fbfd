/*
 * pmeta_tables.h: the generated patch-metadata tables (pmeta_tables.c,
 * written by gen_pmeta.py): the kinds whose PATCH accepts strategic merge
 * patch, sorted by (group, version, kind), and every type by its OpenAPI
 * definition name, sorted; both sorted by strcmp for bsearch.
 */
#ifndef PMETA_TABLES_H
#define PMETA_TABLES_H

#include "patch/pmeta.h"

#include <stddef.h>

struct pmeta_tables_kind {
    const char *group, *version, *kind;
    const struct pmeta_type *type;
};

struct pmeta_tables_name {
    const char *name;
    const struct pmeta_type *type;
};

extern const struct pmeta_tables_kind pmeta_tables_kinds[];
extern const size_t pmeta_tables_nkinds;
extern const struct pmeta_tables_name pmeta_tables_names[];
extern const size_t pmeta_tables_nnames;

#endif
