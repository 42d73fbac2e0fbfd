/*
 * fuzz_smp_apply.c: strategic merge patch on arbitrary documents must never
 * crash, leak or hang, whatever directives, kinds and nesting the bytes hold.
 * Input: up to three JSON documents separated by NUL bytes (target or
 * original, patch or modified, current). Runs apply, the patch-merge mode,
 * the two-way and the three-way build under the MergeItem struct schema and
 * with no schema. Errors are fine; only the memory behaviour is checked.
 */
#include "base/gojson.h"
#include "merge/merge_smp.h"
#include "patch/patch_smp.h"
#include "smp/smp_schemas.c"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *docs[3] = {NULL, NULL, NULL};
    const char *p = (const char *)data, *end = p + size;
    const struct pmeta_type *schemas[2];
    struct ks_err e = KS_ERR_INIT;

    ks_alloc_install();
    schemas[0] = smp_schemas_builtin("struct:MergeItem");
    schemas[1] = NULL;
    for (int i = 0; i < 3 && p <= end; i++) {
        const char *nul = memchr(p, 0, (size_t)(end - p));
        size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
        if (gojson_loads(&docs[i], p, n, &e) < 0)
            docs[i] = NULL;
        p += n + 1;
    }
    for (int s = 0; s < 2; s++) {
        json_t *out = NULL;
        char *conflict = NULL;
        patch_smp_apply(&out, docs[0], docs[1], schemas[s], &e);
        json_decref(out);
        if (json_is_object(docs[1]) && (!docs[0] || json_is_object(docs[0]))) {
            patch_smp_merge(&out, docs[0], docs[1], schemas[s], &e);
            json_decref(out);
        }
        merge_smp_2way(&out, docs[0], docs[1], schemas[s], &e);
        json_decref(out);
        merge_smp_3way(&out, docs[0], docs[1], docs[2], schemas[s], false, &e);
        json_decref(out);
        merge_smp_3way_conflict(&conflict, docs[0], docs[1], docs[2], schemas[s], &e);
        free(conflict);
    }
    for (int i = 0; i < 3; i++)
        json_decref(docs[i]);
    return 0;
}
