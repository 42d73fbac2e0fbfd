/*
 * test_smp_util.c: the Go-emulation helpers of strategic merge patch:
 * deduplicateScalars' order (against the reference algorithm, transcribed
 * below from strategicpatch/patch.go), fmt's %v and %s of decoded JSON, and
 * the "less or equal" sort by string form.
 */
#include "base/strbuf.h"
#include "ktest.h"
#include "patch/patch_smp_util.h"

#include <stdlib.h>

/* strategicpatch deduplicateScalars, literally. */
static size_t reference_dedupe(const json_t **s, size_t n)
{
    if (!n)
        return 0;
    size_t length = n - 1;
    for (size_t i = 0; i < length; i++)
        for (size_t j = i + 1; j <= length; j++)
            if (patch_smp_util_same(s[i], s[j])) {
                s[j] = s[length];
                length--;
                j--;
            }
    return length + 1;
}

static char *fmt(const char *json, char verb)
{
    struct strbuf sb = STRBUF_INIT;
    json_error_t err;
    json_t *v = json_loads(json, JSON_DECODE_ANY, &err);
    patch_smp_util_gofmt(&sb, v, verb);
    json_decref(v);
    return strbuf_detach(&sb, NULL);
}

int main(void)
{
    json_t *pool[6];
    unsigned seed = 12345;
    int mismatches = 0;

    ks_alloc_install();
    pool[0] = json_integer(1);
    pool[1] = json_string("1");
    pool[2] = json_integer(2);
    pool[3] = json_real(1.0);
    pool[4] = json_true();
    pool[5] = json_string("b");
    for (int round = 0; round < 20000; round++) {
        const json_t *a[40], *b[40];
        size_t n = (size_t)(rand_r(&seed) % 40), na, nb;
        unsigned range = 1 + (unsigned)rand_r(&seed) % 6;
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] = pool[(unsigned)rand_r(&seed) % range];
        na = patch_smp_util_dedupe(a, n);
        nb = reference_dedupe(b, n);
        if (na != nb || memcmp(a, b, na * sizeof(*a)) != 0)
            mismatches++;
    }
    KT_CHECK_INT(mismatches, 0);

    /* fmt: maps with sorted keys, nil, bad verbs for %s */
    char *s;
    KT_CHECK_STR(s = fmt("{\"b\":[1,\"x\",null],\"a\":{\"c\":true}}", 'v'),
                 "map[a:map[c:true] b:[1 x <nil>]]");
    free(s);
    KT_CHECK_STR(s = fmt("{\"n\":1,\"s\":\"x\",\"z\":null,\"f\":1.5}", 's'),
                 "map[f:%!s(float64=1.5) n:%!s(int64=1) s:x z:%!s(<nil>)]");
    free(s);
    KT_CHECK_STR(s = fmt("1000000.0", 'v'), "1e+06");
    free(s);

    /* sort by string form with "<=": "10" < "9", ties reversed */
    {
        const json_t *keys[4] = {pool[1], pool[0], json_integer(10), json_integer(9)};
        size_t perm[4];
        patch_smp_util_sort_strform(perm, keys, 4);
        KT_CHECK_INT(perm[0], 1); /* 1 (int) and "1" tie: the later one first */
        KT_CHECK_INT(perm[1], 0);
        KT_CHECK_INT(perm[2], 2);
        KT_CHECK_INT(perm[3], 3);
        json_decref((json_t *)keys[2]);
        json_decref((json_t *)keys[3]);
    }
    for (int i = 0; i < 6; i++)
        json_decref(pool[i]);
    return kt_done();
}
