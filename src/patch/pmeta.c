/*
 * pmeta.c: NEEDSWORK: placeholder lookup (exact names only, no errors).
 */
#include "patch/pmeta.h"

#include <string.h>

int pmeta_lookup(struct pmeta *out, const struct pmeta_type *at, const char *field,
                 struct ks_err *e)
{
    (void)e;
    memset(out, 0, sizeof(*out));
    if (!at)
        return 0;
    for (size_t i = 0; i < at->nfields; i++) {
        const struct pmeta_field *f = &at->fields[i];
        if (strcmp(f->name, field) == 0) {
            out->strategy = f->strategy;
            out->retain_keys = f->retain_keys;
            out->merge_key = f->merge_key;
            out->type = f->type;
            out->field = f;
        }
    }
    return 0;
}
