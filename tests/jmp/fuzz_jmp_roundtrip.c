/*
 * fuzz_jmp_roundtrip.c: the JSON merge patch builders are their own oracle
 * (documents without nulls, which a merge patch cannot carry as values):
 *   apply(original, merge_jmp_2way(original, modified)) == modified
 *   apply(original, merge_jmp_3way(original, modified, original)) == modified
 * compared with the JSON-merge number semantics (every number a double).
 * The bytes drive a generator of nested objects, arrays and scalars; every
 * document is also fed raw to patch_jmp_apply and patch_jsonpatch_apply,
 * which must not crash or leak.
 */
#include "base/gojson.h"
#include "merge/merge_jmp.h"
#include "patch/patch_jmp.h"
#include "patch/patch_jsonpatch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct gen {
    const uint8_t *p;
    size_t n;
};

static unsigned take(struct gen *g, unsigned mod)
{
    unsigned v;
    if (!g->n)
        return 0;
    v = *g->p++;
    g->n--;
    return mod ? v % mod : v;
}

static json_t *value(struct gen *g, int depth);

static json_t *object(struct gen *g, int depth)
{
    static const char *keys[] = {"a", "b", "c", "spec", "metadata", "x/y", "<&>", ""};
    json_t *o = json_object();
    unsigned n = take(g, 5);
    for (unsigned i = 0; i < n; i++)
        json_object_set_new(o, keys[take(g, 8)], value(g, depth + 1));
    return o;
}

static json_t *value(struct gen *g, int depth)
{
    static const char *strs[] = {"v", "w", "1", ""};
    switch (take(g, depth > 3 ? 5 : 7)) {
    case 0:
        return json_string(strs[take(g, 4)]);
    case 1:
        return json_integer((json_int_t)take(g, 7) - 3);
    case 2:
        return json_real(take(g, 5) * 0.25);
    case 3:
        return json_boolean(take(g, 2));
    case 4: {
        json_t *a = json_array();
        unsigned n = take(g, 4);
        for (unsigned i = 0; i < n; i++)
            json_array_append_new(a, value(g, depth + 2));
        return a;
    }
    default:
        return object(g, depth);
    }
}

static void check(const json_t *original, const json_t *modified, const json_t *patch,
                  const char *what)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *res = NULL;
    if (patch_jmp_apply(&res, original, patch, &e) < 0) {
        fprintf(stderr, "%s: apply failed: %s\n", what, e.msg);
        abort();
    }
    json_t *fr = merge_jmp_floats(res), *fm = merge_jmp_floats(modified);
    if (!gojson_equal(fr, fm)) {
        char *o = gojson_dumps(original), *m = gojson_dumps(modified), *p = gojson_dumps(patch),
             *r = gojson_dumps(res);
        fprintf(stderr, "%s round trip broken:\n original %s\n modified %s\n patch %s\n got %s\n",
                what, o, m, p, r);
        abort();
    }
    json_decref(fr);
    json_decref(fm);
    json_decref(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    struct gen g = {data, size};
    struct ks_err e = KS_ERR_INIT;
    json_t *patch = NULL, *raw = NULL, *out = NULL;

    if (!init) {
        ks_alloc_install();
        init = 1;
    }
    json_t *original = object(&g, 0), *modified = object(&g, 0);
    if (merge_jmp_2way(&patch, original, modified, &e) < 0)
        abort();
    check(original, modified, patch, "two-way");
    json_decref(patch);
    patch = NULL;
    if (merge_jmp_3way(&patch, original, modified, original, &e) < 0) {
        fprintf(stderr, "three-way failed: %s\n", e.msg);
        abort();
    }
    check(original, modified, patch, "three-way");
    json_decref(patch);

    /* Raw bytes as a patch: any outcome but a crash or a leak. */
    if (gojson_loads(&raw, (const char *)data, size, &e) == 0) {
        if (patch_jmp_apply(&out, original, raw, &e) == 0)
            json_decref(out);
        out = NULL;
        if (patch_jsonpatch_apply(&out, original, raw, &e) == 0)
            json_decref(out);
        json_decref(raw);
    }
    json_decref(original);
    json_decref(modified);
    return 0;
}
