/*
 * test_jmp_corpus.c: runs one case of ../shared/corpus/jsonmergepatch or
 * ../shared/corpus/mergepatch by the procedure corpus/smp/README.md gives
 * ("jsonmergepatch and mergepatch areas").
 * Usage: test_jmp_corpus PYTHON3 CASE2JSON CASE.yaml | --absent DIR
 */
#include "base/gojson.h"
#include "ktest.h"
#include "lib/corpus_case.h"
#include "merge/merge_conflict.h"
#include "merge/merge_jmp.h"
#include "patch/patch_jmp.h"

static const char *case_id;

static void check_same(const char *what, const json_t *got, const json_t *want)
{
    if (got && want && corpus_equal_floats(got, want)) {
        kt_pass++;
        return;
    }
    char *g = corpus_dump(got), *w = corpus_dump(want);
    kt_fail++;
    fprintf(stderr, "%s: %s\n  want: %s\n  got:  %s\n", case_id, what, w, g);
    free(g);
    free(w);
}

static void run_merge_apply(const json_t *c, int expect_error)
{
    json_t *target = corpus_case_json(c, "target"), *patch = corpus_case_json(c, "patch");
    json_t *want = corpus_case_json(c, "expected"), *got = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc = patch_jmp_apply(&got, target, patch, &e);

    if (expect_error) {
        KT_CHECK(rc < 0);
        KT_CHECK_STR(e.msg, json_string_value(json_object_get(c, "expectedError")));
    } else {
        KT_CHECK_INT(rc, 0);
        if (rc < 0)
            fprintf(stderr, "%s: %s\n", case_id, e.msg);
        check_same("MergePatch(target, patch)", got, want);
    }
    json_decref(target);
    json_decref(patch);
    json_decref(want);
    json_decref(got);
}

static void run_three_way(const json_t *c)
{
    json_t *o = corpus_case_json(c, "original"), *m = corpus_case_json(c, "modified");
    json_t *cur = corpus_case_json(c, "current"), *want = corpus_case_json(c, "threeWay");
    json_t *result = corpus_case_json(c, "result"), *patch = NULL, *applied = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc = merge_jmp_3way(&patch, o, m, cur, &e);

    KT_CHECK_INT(rc, 0);
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", case_id, e.msg);
        goto done;
    }
    if (!want)
        want = json_object();
    check_same("CreateThreeWayJSONMergePatch", patch, want);
    rc = patch_jmp_apply(&applied, cur, patch, &e);
    KT_CHECK_INT(rc, 0);
    if (rc < 0)
        fprintf(stderr, "%s: apply: %s\n", case_id, e.msg);
    else
        check_same("MergePatch(current, patch)", applied, result);
done:
    json_decref(o);
    json_decref(m);
    json_decref(cur);
    json_decref(want);
    json_decref(result);
    json_decref(patch);
    json_decref(applied);
}

static json_t *field_json(const json_t *c, const char *name)
{
    /* keep-or-delete-null carries its payload under `json`. */
    const json_t *j = json_object_get(c, "json");
    return corpus_case_json(j, name);
}

static void run_filter(const json_t *c)
{
    json_t *obj = field_json(c, "originalObj"), *with = field_json(c, "expectedWithNull");
    json_t *without = field_json(c, "expectedWithoutNull");
    json_t *g1 = merge_jmp_filter_nulls(obj, true), *g2 = merge_jmp_filter_nulls(obj, false);

    check_same("keepOrDeleteNullInObj(keepNull=true)", g1, with);
    check_same("keepOrDeleteNullInObj(keepNull=false)", g2, without);
    json_decref(obj);
    json_decref(with);
    json_decref(without);
    json_decref(g1);
    json_decref(g2);
}

static void run_conflicts(const json_t *c)
{
    json_t *a = corpus_case_json(c, "aJson"), *b = corpus_case_json(c, "bJson");
    int want = json_is_true(json_object_get(c, "expected"));

    if (!a)
        a = json_null();
    if (!b)
        b = json_null();
    KT_CHECK_INT(merge_conflict_json(a, b), want);
    KT_CHECK_INT(merge_conflict_json(b, a), want);
    json_decref(a);
    json_decref(b);
}

static json_t *three_way_fields(const json_t *c)
{
    /* json-three-way cases carry their payload under `json`. */
    return json_incref(json_object_get(c, "json"));
}

int main(int argc, char **argv)
{
    ks_alloc_install();
    if (argc == 3 && strcmp(argv[1], "--absent") == 0) {
        fprintf(stderr, "no corpus cases under %s\n", argv[2]);
        kt_skip("../shared/corpus (jsonmergepatch, mergepatch) is absent");
    }
    if (argc != 4) {
        fprintf(stderr, "usage: test_jmp_corpus PYTHON3 CASE2JSON CASE.yaml\n");
        return 2;
    }
    json_t *c = corpus_case_load(argv[1], argv[2], argv[3]);
    if (!c)
        return 1;
    case_id = json_string_value(json_object_get(c, "id"));
    if (!case_id)
        case_id = argv[3];
    const char *proc = json_string_value(json_object_get(c, "procedure"));
    if (!proc)
        proc = "";
    if (strcmp(proc, "merge-patch-apply") == 0) {
        run_merge_apply(c, 0);
    } else if (strcmp(proc, "merge-patch-apply-error") == 0) {
        run_merge_apply(c, 1);
    } else if (strcmp(proc, "json-three-way") == 0) {
        json_t *f = three_way_fields(c);
        run_three_way(f);
        json_decref(f);
    } else if (strcmp(proc, "keep-or-delete-null") == 0) {
        run_filter(c);
    } else if (strcmp(proc, "has-conflicts-both-orders") == 0) {
        run_conflicts(c);
    } else {
        fprintf(stderr, "%s: unknown procedure \"%s\"\n", case_id, proc);
        kt_fail++;
    }
    json_decref(c);
    return kt_done();
}
