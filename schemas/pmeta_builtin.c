/*
 * pmeta_builtin.c: look the generated tables (pmeta_tables.c) up by kind or
 * by definition name. It lives beside the tables, in ks_schemas, so that the
 * ks_patch module does not depend on them.
 */
#include "patch/pmeta_builtin.h"

#include "pmeta_tables.h"

#include <stdlib.h>
#include <string.h>

struct gvk {
    const char *group, *version, *kind;
};

static int cmp_kind(const void *key, const void *elem)
{
    const struct gvk *k = key;
    const struct pmeta_tables_kind *t = elem;
    int c = strcmp(k->group, t->group);
    if (!c)
        c = strcmp(k->version, t->version);
    if (!c)
        c = strcmp(k->kind, t->kind);
    return c;
}

const struct pmeta_type *pmeta_builtin_kind(const char *group, const char *version,
                                            const char *kind)
{
    struct gvk k = {group ? group : "", version ? version : "", kind ? kind : ""};
    const struct pmeta_tables_kind *t =
        bsearch(&k, pmeta_tables_kinds, pmeta_tables_nkinds, sizeof(*t), cmp_kind);
    return t ? t->type : NULL;
}

static int cmp_name(const void *key, const void *elem)
{
    const struct pmeta_tables_name *t = elem;
    return strcmp(key, t->name);
}

const struct pmeta_type *pmeta_builtin_named(const char *name)
{
    const struct pmeta_tables_name *t;
    if (!name)
        return NULL;
    t = bsearch(name, pmeta_tables_names, pmeta_tables_nnames, sizeof(*t), cmp_name);
    return t ? t->type : NULL;
}
