/*
 * manifest.c: NEEDSWORK: placeholder (one JSON document per stream).
 */
#include "base/manifest.h"

#include <stdlib.h>

int manifest_load(struct manifest *m, const char *buf, size_t len, const char *source,
                  const struct yamlin_limits *lim, struct ks_err *e)
{
    json_t *v = NULL;
    int rc = yamlin_load(&v, buf, len, source, lim, e);
    if (rc)
        return rc;
    if (m->n == m->alloc) {
        m->alloc = m->alloc ? 2 * m->alloc : 8;
        m->objs = ks_realloc(m->objs, m->alloc * sizeof(*m->objs));
    }
    struct manifest_obj *o = &m->objs[m->n++];
    o->obj = v;
    o->source = ks_strdup(source);
    o->doc = 1;
    o->item = 0;
    o->line = 1;
    return 0;
}

void manifest_release(struct manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        json_decref(m->objs[i].obj);
        free(m->objs[i].source);
    }
    free(m->objs);
    m->objs = NULL;
    m->n = m->alloc = 0;
}
