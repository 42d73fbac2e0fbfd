/*
 * yamlin.c: NEEDSWORK: placeholder that reads JSON only; the YAML 1.1 reader
 * replaces it.
 */
#include "base/yamlin.h"

#include "base/gojson.h"

int yamlin_load(json_t **out, const char *buf, size_t len, const char *name,
                const struct yamlin_limits *lim, struct ks_err *e)
{
    (void)lim;
    int rc = gojson_loads(out, buf, len, e);
    if (rc)
        ks_context(e, "%s", name);
    return rc;
}
