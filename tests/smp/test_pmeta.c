/*
 * test_pmeta.c: pmeta_lookup's rules and error texts per source flavour, as
 * upstream words them (strategicpatch meta.go/types.go/errors.go and the
 * forked encoding/json fields.go), on the corpus test schemas.
 */
#include "ktest.h"
#include "patch/pmeta.h"
#include "smp_schemas.h"

static const char *lookup_err(const struct pmeta_type *t, const char *field)
{
    static struct ks_err e;
    struct pmeta m;
    ks_err_clear(&e);
    return pmeta_lookup(&m, t, field, &e) < 0 ? e.msg : "(ok)";
}

int main(void)
{
    const struct pmeta_type *st = smp_schemas_builtin("struct:MergeItem");
    const struct pmeta_type *v2 =
        smp_schemas_builtin("openapi-v2:swagger-merge-item.json#/definitions/mergeItem");
    const struct pmeta_type *v3 =
        smp_schemas_builtin("openapi-v3:swagger-merge-item-v3.json#/components/schemas/mergeItem");
    struct ks_err e = KS_ERR_INIT;
    struct pmeta m, sub;

    ks_alloc_install();
    /* found: strategy, retainKeys, merge key, element type */
    KT_CHECK_INT(pmeta_lookup(&m, st, "retainKeysMergingList", &e), 0);
    KT_CHECK_INT(m.strategy, PMETA_MERGE);
    KT_CHECK(m.retain_keys);
    KT_CHECK_STR(m.merge_key, "name");
    KT_CHECK(m.type == st);
    KT_CHECK_INT(pmeta_lookup(&m, v3, "replacingItem", &e), 0);
    KT_CHECK_INT(m.strategy, PMETA_REPLACE);
    KT_CHECK(m.merge_key == NULL);

    /* struct: exact, then case-insensitive (and Go's Kelvin-sign folding) */
    KT_CHECK_INT(pmeta_lookup(&m, st, "MERGINGLIST", &e), 0);
    KT_CHECK_STR(m.merge_key, "name");
    KT_CHECK_INT(pmeta_lookup(&m, st, "simpleMap", &e), 0);
    KT_CHECK_STR(lookup_err(st, "mergingLis"),
                 "unable to find api field in struct MergeItem for the json field "
                 "\"mergingLis\"");
    KT_CHECK_STR(lookup_err(v2, "MERGINGLIST"),
                 "unable to find api field \"MERGINGLIST\" in mergeItem");
    KT_CHECK_STR(lookup_err(v3, "MERGINGLIST"), "unable to find api field \"MERGINGLIST\"");
    KT_CHECK_STR(lookup_err(st, "a\"b\n"),
                 "unable to find api field in struct MergeItem for the json field \"a\\\"b\\n\"");

    /* below a map-typed field */
    KT_CHECK_INT(pmeta_lookup(&m, st, "simpleMap", &e), 0);
    KT_CHECK_STR(lookup_err(m.type, "x"),
                 "merging an object in json but data type is not struct, instead is: map");
    KT_CHECK_INT(pmeta_lookup(&m, v2, "simpleMap", &e), 0);
    KT_CHECK_STR(lookup_err(m.type, "x"), "expected kind, but got map");
    KT_CHECK_INT(pmeta_lookup(&m, v3, "simpleMap", &e), 0);
    KT_CHECK_STR(lookup_err(m.type, "x"), "unable to find api field \"x\"");

    /* jsonItem: no fields (struct: an anonymous struct, v3: no properties), arbitrary in v2 */
    KT_CHECK_INT(pmeta_lookup(&m, st, "jsonItem", &e), 0);
    KT_CHECK_STR(lookup_err(m.type, "nested"),
                 "unable to find api field in struct  for the json field \"nested\"");
    KT_CHECK_INT(pmeta_lookup(&m, v3, "jsonItem", &e), 0);
    KT_CHECK_STR(lookup_err(m.type, "nested"), "unable to find api field \"nested\"");
    KT_CHECK_INT(pmeta_lookup(&m, v2, "jsonItem", &e), 0);
    KT_CHECK_INT(pmeta_lookup(&sub, m.type, "nested", &e), 0);
    KT_CHECK(sub.type == NULL && sub.strategy == PMETA_NONE && sub.merge_key == NULL);
    /* no schema: everything below succeeds, empty */
    KT_CHECK_INT(pmeta_lookup(&m, NULL, "anything", &e), 0);
    KT_CHECK(m.type == NULL && m.field == NULL);

    {
        static const struct pmeta_type prim = {"primitive", PMETA_V2, PMETA_T_OPAQUE, 0, 0, NULL};
        KT_CHECK_STR(lookup_err(&prim, "x"), "expected kind, but got primitive");
    }
    /* a malformed strategy is reported on lookup */
    {
        static const struct pmeta_field bad_f[] = {
            {"x", 0, 0, 1, 0, 0, NULL, NULL, "merge,replace", NULL}};
        static const struct pmeta_type bad = {"Bad", PMETA_STRUCT, PMETA_T_OBJECT, 0, 1, bad_f};
        KT_CHECK_STR(lookup_err(&bad, "x"), "unexpected patch strategy: [merge replace]");
    }
    return kt_done();
}
