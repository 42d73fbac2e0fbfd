/*
 * pmeta_openapi.c: NEEDSWORK: placeholder until the OpenAPI reader lands;
 * the API in pmeta_openapi.h is final.
 */
#include "patch/pmeta_openapi.h"

struct pmeta_openapi {
    json_t *doc;
};

static int load(struct pmeta_openapi **out, const json_t *doc, struct ks_err *e)
{
    *out = NULL;
    (void)doc;
    return ks_fail(e, KS_EGENERIC, "OpenAPI patch metadata is not implemented yet");
}

int pmeta_openapi_load_v3(struct pmeta_openapi **out, const json_t *doc, struct ks_err *e)
{
    return load(out, doc, e);
}

int pmeta_openapi_load_v2(struct pmeta_openapi **out, const json_t *doc, struct ks_err *e)
{
    return load(out, doc, e);
}

int pmeta_openapi_kind(const struct pmeta_type **out, bool *accepts_smp, struct pmeta_openapi *set,
                       const char *group, const char *version, const char *kind, struct ks_err *e)
{
    (void)set, (void)group, (void)version, (void)kind, (void)e;
    *out = NULL;
    if (accepts_smp)
        *accepts_smp = false;
    return 0;
}

int pmeta_openapi_named(const struct pmeta_type **out, struct pmeta_openapi *set, const char *name,
                        struct ks_err *e)
{
    (void)set, (void)name, (void)e;
    *out = NULL;
    return 0;
}

void pmeta_openapi_free(struct pmeta_openapi *set)
{
    (void)set;
}
