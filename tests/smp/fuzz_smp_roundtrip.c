/*
 * fuzz_smp_roundtrip.c: the two-way strategic merge patch is its own oracle:
 * apply(original, merge_smp_2way(original, modified)) == modified, under the
 * MergeItem struct schema; so is the three-way one with the live object equal
 * to original (overwrite=true: a replace-strategy object is always in the
 * original-to-current diff, so overwrite=false may report a conflict). The bytes drive a generator
 * that builds only documents the property holds for: no nulls, no $-directive keys, known fields
 * only, merge lists of objects with distinct string merge keys, merge lists of primitives with
 * distinct integers (one kind per list).
 */
#include "base/gojson.h"
#include "merge/merge_smp.h"
#include "patch/patch_smp.h"
#include "smp/smp_schemas.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct gen {
    const uint8_t *p;
    size_t n;
    bool sorted_sets; /* the original's primitive merge lists are sorted (see int_set) */
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

static json_t *scalar(struct gen *g)
{
    static const char *strs[] = {"a", "b", "x", "1", "<&>", ""};
    switch (take(g, 5)) {
    case 0:
        return json_string(strs[take(g, 6)]);
    case 1:
        return json_integer((json_int_t)take(g, 5) - 1);
    case 2:
        return json_real(take(g, 4) * 0.5);
    case 3:
        return json_boolean(take(g, 2));
    default:
        return json_string(strs[take(g, 3)]);
    }
}

static json_t *item(struct gen *g, int depth, bool retain_item, const char *name);

/* A merge list of objects: up to 4 elements with distinct names, in random order. */
static json_t *merge_list(struct gen *g, int depth)
{
    static const char *names[] = {"a", "b", "c", "d", "e", "f"};
    json_t *l = json_array();
    unsigned used = 0, n = take(g, 5);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = take(g, 6);
        while (used & (1u << k))
            k = (k + 1) % 6;
        used |= 1u << k;
        json_array_append_new(l, item(g, depth + 1, false, names[k]));
    }
    return l;
}

/*
 * Distinct single-digit integers. PARITY: the reference compares the original
 * list sorted in place with the modified one (smp-semantics.md §3.3), so an
 * unsorted original whose sorted form equals modified gets no
 * $setElementOrder and keeps its order: the property needs a sorted original.
 */
static json_t *int_set(struct gen *g)
{
    json_t *l = json_array();
    unsigned used = 0, n = take(g, 5);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = take(g, 8);
        while (used & (1u << k))
            k = (k + 1) % 8;
        used |= 1u << k;
        if (!g->sorted_sets)
            json_array_append_new(l, json_integer(k));
    }
    for (unsigned k = 0; g->sorted_sets && k < 8; k++)
        if (used & (1u << k))
            json_array_append_new(l, json_integer(k));
    return l;
}

static json_t *item(struct gen *g, int depth, bool retain_item, const char *name)
{
    json_t *o = json_object();
    unsigned mask = take(g, 0) | (take(g, 0) << 8);
    if (name)
        json_object_set_new(o, "name", json_string(name));
    else if (mask & 1)
        json_object_set_new(o, "name", scalar(g));
    if (mask & 2)
        json_object_set_new(o, "value", scalar(g));
    if (mask & 4)
        json_object_set_new(o, "other", scalar(g));
    if (mask & 8) {
        json_t *m = json_object();
        for (unsigned i = 0, n = take(g, 3); i < n; i++)
            json_object_set_new(m, i ? (i == 1 ? "k2" : "k3") : "k1", scalar(g));
        json_object_set_new(o, "simpleMap", m);
    }
    if (mask & 16)
        json_object_set_new(o, "mergingIntList", int_set(g));
    if ((mask & 32) && depth < 3)
        json_object_set_new(o, "mergingList", merge_list(g, depth));
    if ((mask & 64) && depth < 3) {
        json_t *l = json_array();
        for (unsigned i = 0, n = take(g, 3); i < n; i++)
            json_array_append_new(l, item(g, 3, false, NULL));
        json_object_set_new(o, "nonMergingList", l);
    }
    if (retain_item)
        return o;
    if (mask & 128) {
        json_t *l = json_array();
        for (unsigned i = 0, n = take(g, 3); i < n; i++)
            json_array_append_new(l, json_integer((json_int_t)take(g, 3)));
        json_object_set_new(o, "nonMergingIntList", l);
    }
    if ((mask & 256) && depth < 3)
        json_object_set_new(o, "mergeItemPtr", merge_list(g, depth));
    if (mask & 512) {
        json_t *r = json_object();
        if (take(g, 2))
            json_object_set_new(r, "x", scalar(g));
        json_object_set_new(o, "replacingItem", r);
    }
    if ((mask & 1024) && depth < 3)
        json_object_set_new(o, "retainKeysMap", item(g, depth + 1, true, NULL));
    if ((mask & 2048) && depth < 3)
        json_object_set_new(o, "retainKeysMergingList", merge_list(g, depth));
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gen g = {data, size, true};
    const struct pmeta_type *schema;
    struct ks_err e = KS_ERR_INIT;
    json_t *original, *modified, *patch = NULL, *result = NULL, *p3 = NULL, *r3 = NULL;

    ks_alloc_install();
    schema = smp_schemas_builtin("struct:MergeItem");
    original = item(&g, 0, false, NULL);
    g.sorted_sets = false;
    modified = item(&g, 0, false, NULL);
    if (merge_smp_2way(&patch, original, modified, schema, &e) < 0 ||
        patch_smp_apply(&result, original, patch, schema, &e) < 0 ||
        !gojson_equal(result, modified)) {
        char *o = gojson_dumps(original), *m = gojson_dumps(modified);
        char *p = patch ? gojson_dumps(patch) : NULL, *r = result ? gojson_dumps(result) : NULL;
        fprintf(stderr,
                "round trip failed: %s\noriginal: %s\nmodified: %s\npatch:    %s\nresult:   %s\n",
                e.msg, o, m, p ? p : "-", r ? r : "-");
        abort();
    }
    /* the three-way patch against an unchanged live object does the same */
    if (merge_smp_3way(&p3, original, modified, original, schema, true, &e) < 0 ||
        patch_smp_apply(&r3, original, p3, schema, &e) < 0 || !gojson_equal(r3, modified)) {
        char *o = gojson_dumps(original), *m = gojson_dumps(modified);
        char *p = p3 ? gojson_dumps(p3) : NULL, *r = r3 ? gojson_dumps(r3) : NULL;
        fprintf(stderr,
                "three-way round trip failed: %s\noriginal: %s\nmodified: %s\npatch:    %s\n"
                "result:   %s\n",
                e.msg, o, m, p ? p : "-", r ? r : "-");
        abort();
    }
    json_decref(p3);
    json_decref(r3);
    json_decref(original);
    json_decref(modified);
    json_decref(patch);
    json_decref(result);
    return 0;
}
