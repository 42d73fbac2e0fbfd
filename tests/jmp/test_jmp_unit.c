/*
 * test_jmp_unit.c: the parts of the JSON merge patch code the upstream tables
 * do not reach: kubectl's preconditions on a three-way merge patch (the
 * wording of pkg/cmd/apply/patcher.go, mergepatch.RequireKeyUnchanged /
 * RequireMetadataKeyUnchanged: a key counts when present, even null), the
 * conflict text (mergepatch.ErrConflict, YAML as sigs.k8s.io/yaml writes it),
 * and the float decoding of the builders (Go's float64 forms).
 */
#include "base/gojson.h"
#include "ktest.h"
#include "merge/merge_conflict.h"
#include "merge/merge_jmp.h"

static json_t *J(const char *s)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;
    if (gojson_loads(&v, s, strlen(s), &e) < 0) {
        fprintf(stderr, "bad test JSON %s: %s\n", s, e.msg);
        exit(1);
    }
    return v;
}

static void precondition(const char *patch, int want_fail)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *p = J(patch);
    int rc = merge_jmp_preconditions(p, &e);
    KT_CHECK_INT(rc < 0, want_fail);
    if (want_fail)
        KT_CHECK_STR(e.msg, "At least one of apiVersion, kind and name was changed");
    json_decref(p);
}

static void three_way(const char *o, const char *m, const char *c, const char *want)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *jo = J(o), *jm = J(m), *jc = J(c), *p = NULL;
    KT_CHECK_INT(merge_jmp_3way(&p, jo, jm, jc, &e), 0);
    char *got = p ? gojson_dumps(p) : NULL;
    KT_CHECK_STR(got, want);
    free(got);
    json_decref(jo);
    json_decref(jm);
    json_decref(jc);
    json_decref(p);
}

int main(void)
{
    ks_alloc_install();
    precondition("{}", 0);
    precondition("{\"spec\":{\"a\":1},\"metadata\":{\"labels\":{\"a\":null}}}", 0);
    precondition("{\"metadata\":{\"namespace\":\"x\"}}", 0);
    precondition("{\"apiVersion\":\"example.com/v2\"}", 1);
    precondition("{\"kind\":null}", 1);
    precondition("{\"metadata\":{\"name\":\"other\"}}", 1);
    precondition("{\"metadata\":\"x\",\"spec\":{\"name\":\"n\"}}", 0);

    /* kubectl changes the apiVersion of a custom resource: the patch names it. */
    json_t *p = NULL;
    struct ks_err e = KS_ERR_INIT;
    json_t *live =
        J("{\"apiVersion\":\"example.com/v1\",\"kind\":\"W\",\"metadata\":{\"name\":\"w\"}}");
    json_t *man =
        J("{\"apiVersion\":\"example.com/v2\",\"kind\":\"W\",\"metadata\":{\"name\":\"w\"}}");
    KT_CHECK_INT(merge_jmp_3way(&p, NULL, man, live, &e), 0);
    KT_CHECK(merge_jmp_preconditions(p, &e) < 0);
    json_decref(p);
    json_decref(live);
    json_decref(man);

    /* Numbers decode as float64: 1 and 1.0 are equal, big integers round, 1e21 prints so. */
    three_way("{}", "{\"a\":1.0,\"b\":12345678901234567891,\"c\":1e21}", "{\"a\":1}",
              "{\"b\":12345678901234567000,\"c\":1e+21}");

    /* The conflict text: YAML, as mergepatch.ErrConflict formats it. */
    json_t *a = J("{\"a\":1,\"l\":[\"x\"]}"), *b = J("{\"a\":null}");
    KT_CHECK(merge_conflict_json(a, b));
    KT_CHECK_INT(merge_conflict_fail(&e, a, b), KS_ECONFLICT);
    KT_CHECK_STR(e.msg, "patch:\na: 1\nl:\n- x\n\nconflicts with changes made from original to "
                        "current:\na: null\n\n");
    json_decref(a);
    json_decref(b);
    return kt_done();
}
