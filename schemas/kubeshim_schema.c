/*
 * kubeshim_schema.c: kubeshim_schema_builtin() of include/kubeshim.h, the
 * public face of pmeta_builtin_kind(). It sits in ks_schemas with the tables
 * so that the rest of the public API (src/merge/kubeshim.c) does not make
 * ks_merge depend on them.
 */
#include "kubeshim.h"

#include "patch/pmeta_builtin.h"

#include <stdio.h>
#include <string.h>

const struct kubeshim_schema *kubeshim_schema_builtin(const char *api_version, const char *kind)
{
    char group[256], version[64];
    const char *slash = api_version ? strchr(api_version, '/') : NULL;
    if (!api_version || !kind)
        return NULL;
    if (slash) {
        snprintf(group, sizeof(group), "%.*s", (int)(slash - api_version), api_version);
        snprintf(version, sizeof(version), "%s", slash + 1);
    } else {
        group[0] = '\0';
        snprintf(version, sizeof(version), "%s", api_version);
    }
    return (const struct kubeshim_schema *)(const void *)pmeta_builtin_kind(group, version, kind);
}
