/*
 * test_smp_corpus.c: runs one case of ../shared/corpus/smp by the procedure
 * of corpus/smp/README.md, against every schema the case lists, comparing
 * patches and results byte for byte (gojson_dumps) where upstream does.
 * Usage: test_smp_corpus PYTHON3 CASE2JSON CASE.yaml SCHEMADIR [CASE.json] | --absent DIR
 * (CASE.json: the case already converted by case2json.py at build time.)
 */
#include "base/gojson.h"
#include "base/strbuf.h"
#include "ktest.h"
#include "merge/merge_smp.h"
#include "patch/patch_smp.h"
#include "smp_schemas.h"
#include "smp_sort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *case_file, *schema_id;

static void failf(const char *step, const char *want, const char *got)
{
    kt_fail++;
    fprintf(stderr, "FAIL %s\n  schema: %s\n  step:   %s\n  want:   %s\n  got:    %s\n", case_file,
            schema_id ? schema_id : "-", step, want ? want : "(nothing)", got ? got : "(nothing)");
}

/* got must serialise to exactly want. */
static void check_bytes(const char *step, const json_t *got, const char *want)
{
    char *g = got ? gojson_dumps(got) : NULL;
    if (g && want && strcmp(g, want) == 0)
        kt_pass++;
    else
        failf(step, want, g);
    free(g);
}

static void check_ok(const char *step, int rc, const struct ks_err *e)
{
    if (rc == 0) {
        kt_pass++;
        return;
    }
    char buf[400];
    snprintf(buf, sizeof(buf), "error: %s", e->msg);
    failf(step, "success", buf);
}

/*
 * The case as JSON: json_path when the build made it (case2json.py run once
 * at build time), else `python3 case2json.py path` now.
 */
static json_t *load_case(const char *py, const char *c2j, const char *path, const char *json_path)
{
    struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    json_t *c = NULL;
    char buf[8192];
    size_t n;
    FILE *p;

    if (json_path && (p = fopen(json_path, "rb"))) {
        while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
            strbuf_add(&out, buf, n);
        fclose(p);
        if (out.len && gojson_loads(&c, out.buf, out.len, &e) == 0)
            goto done;
        strbuf_reset(&out); /* stale or partial: convert again */
    }
    strbuf_addf(&cmd, "'%s' '%s' '%s'", py, c2j, path);
    if (!(p = popen(strbuf_str(&cmd), "r"))) {
        fprintf(stderr, "cannot run %s\n", strbuf_str(&cmd));
        goto done;
    }
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        strbuf_add(&out, buf, n);
    if (pclose(p) != 0)
        fprintf(stderr, "%s failed\n", strbuf_str(&cmd));
    else if (gojson_loads(&c, out.buf, out.len, &e) < 0)
        fprintf(stderr, "%s: %s\n", path, e.msg);
done:
    strbuf_release(&cmd);
    strbuf_release(&out);
    return c;
}

/* The JSON text of member name of fields, parsed; NULL when absent or null. */
static json_t *payload(const json_t *fields, const char *name)
{
    const json_t *s = json_object_get(fields, name);
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;
    if (!json_is_string(s))
        return NULL;
    if (gojson_loads(&v, json_string_value(s), json_string_length(s), &e) < 0) {
        fprintf(stderr, "%s: field %s: %s\n", case_file, name, e.msg);
        exit(1);
    }
    return v;
}

static const char *text(const json_t *fields, const char *name)
{
    return json_string_value(json_object_get(fields, name));
}

/* Whether the case has field name: the `present` list of raw cases, else a non-null value. */
static bool present(const json_t *c, const json_t *fields, const char *name)
{
    const json_t *p = json_object_get(c, "present");
    if (json_is_array(p)) {
        for (size_t i = 0; i < json_array_size(p); i++)
            if (!strcmp(json_string_value(json_array_get(p, i)), name))
                return true;
        return false;
    }
    return json_is_string(json_object_get(fields, name));
}

static void run_sort(const json_t *c, const struct pmeta_type *schema)
{
    const json_t *f = json_object_get(c, "json");
    json_t *orig = payload(f, "original"), *got = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc = smp_sort_merge_lists(&got, orig, schema, &e);
    check_ok("sortMergeListsByName(original)", rc, &e);
    if (rc == 0)
        check_bytes("sortMergeListsByName(original) == sorted", got, text(f, "sorted"));
    json_decref(orig);
    json_decref(got);
}

static void run_apply_two_way(const json_t *c, const json_t *f, const struct pmeta_type *schema)
{
    json_t *orig = payload(f, "original"), *patch = payload(f, "twoWay"), *got = NULL;
    const char *want =
        present(c, f, "twoWayResult") ? text(f, "twoWayResult") : text(f, "modified");
    const char *experr = json_string_value(json_object_get(c, "expectedError"));
    struct ks_err e = KS_ERR_INIT;
    int rc = patch_smp_apply(&got, orig, patch, schema, &e);

    if (experr) {
        if (rc < 0 && strstr(e.msg, experr))
            kt_pass++;
        else
            failf("apply(original, twoWay) fails", experr, rc < 0 ? e.msg : "success");
    } else {
        check_ok("apply(original, twoWay)", rc, &e);
        if (rc == 0)
            check_bytes("apply(original, twoWay) == expected", got, want);
    }
    json_decref(orig);
    json_decref(patch);
    json_decref(got);
}

static void apply_and_check(const char *step, const json_t *target, const json_t *patch,
                            const char *want, const struct pmeta_type *schema)
{
    json_t *got = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc = patch_smp_apply(&got, target, patch, schema, &e);
    check_ok(step, rc, &e);
    if (rc == 0)
        check_bytes(step, got, want);
    json_decref(got);
}

static void run_create(const json_t *c, const json_t *f, const struct pmeta_type *schema)
{
    json_t *o = payload(f, "original"), *m = payload(f, "modified"), *cur = payload(f, "current");
    json_t *p2 = NULL, *p3 = NULL;
    struct ks_err e = KS_ERR_INIT;
    bool conflict = json_is_true(json_object_get(c, "expectThreeWayConflict"));
    const char *want2 =
        present(c, f, "twoWayResult") ? text(f, "twoWayResult") : text(f, "modified");
    int rc;

    rc = merge_smp_2way(&p2, o, m, schema, &e);
    check_ok("twoWay(original, modified)", rc, &e);
    if (rc == 0) {
        check_bytes("twoWay(original, modified) == twoWay", p2, text(f, "twoWay"));
        apply_and_check("apply(original, twoWay patch) == twoWayResult|modified", o, p2, want2,
                        schema);
    }
    ks_err_clear(&e);
    rc = merge_smp_3way(&p3, o, m, cur, schema, false, &e);
    if (conflict) {
        if (rc == KS_ECONFLICT)
            kt_pass++;
        else
            failf("threeWay(overwrite=false) conflicts", "a conflict error",
                  rc < 0 ? e.msg : "success");
        json_decref(p3);
        p3 = NULL;
        if (present(c, f, "result")) {
            ks_err_clear(&e);
            rc = merge_smp_3way(&p3, o, m, cur, schema, true, &e);
            check_ok("threeWay(overwrite=true)", rc, &e);
        } else {
            rc = -1;
        }
    } else {
        check_ok("threeWay(overwrite=false)", rc, &e);
    }
    if (rc == 0) {
        check_bytes("threeWay patch == threeWay", p3, text(f, "threeWay"));
        apply_and_check("apply(current, threeWay patch) == result", cur, p3, text(f, "result"),
                        schema);
    }
    json_decref(o);
    json_decref(m);
    json_decref(cur);
    json_decref(p2);
    json_decref(p3);
}

/* number-conversion and unknown-field: exact bytes, errors by substring. */
static void run_exact_way(const json_t *c, const struct pmeta_type *schema, bool three,
                          const char *outcome)
{
    const char *pfx = three ? "expectedThreeWay" : "expectedTwoWay";
    char k_patch[64], k_err[64], k_res[64];
    json_t *o = payload(c, "original"), *m = payload(c, "modified"), *cur = payload(c, "current");
    json_t *p = NULL;
    struct ks_err e = KS_ERR_INIT;
    const char *experr;
    int rc;

    snprintf(k_patch, sizeof(k_patch), "%s", pfx);
    snprintf(k_err, sizeof(k_err), "%sErr", pfx);
    snprintf(k_res, sizeof(k_res), "%sResult", pfx);
    experr = text(c, k_err);
    rc = three ? merge_smp_3way(&p, o, m, cur, schema, false, &e)
               : merge_smp_2way(&p, o, m, schema, &e);
    if (outcome && !strcmp(outcome, "error") && rc == 0)
        failf(three ? "threeWay fails for this schema" : "twoWay fails for this schema", "an error",
              "success");
    if (outcome && !strcmp(outcome, "success") && rc < 0)
        failf(three ? "threeWay succeeds for this schema" : "twoWay succeeds for this schema",
              "success", e.msg);
    if (rc < 0) {
        if (experr && *experr && strstr(e.msg, experr))
            kt_pass++;
        else
            failf(three ? "threeWay" : "twoWay", "success", e.msg);
    } else {
        check_bytes(three ? "threeWay == expectedThreeWay" : "twoWay == expectedTwoWay", p,
                    text(c, k_patch));
        apply_and_check(three ? "apply(current, patch) == expectedThreeWayResult"
                              : "apply(original, patch) == expectedTwoWayResult",
                        three ? cur : o, p, text(c, k_res), schema);
    }
    json_decref(o);
    json_decref(m);
    json_decref(cur);
    json_decref(p);
}

static void run_expect_error(const json_t *c, const struct pmeta_type *schema)
{
    const char *orig = text(c, "original"), *patch = text(c, "patch");
    const char *want = text(c, "expectedErrorExact");
    struct ks_err e = KS_ERR_INIT;
    char *out = NULL;
    int rc = patch_smp_apply_bytes(&out, orig, strlen(orig), patch, strlen(patch), schema, &e);
    if (rc < 0 && !strcmp(e.msg, want))
        kt_pass++;
    else
        failf("apply(original, patch) fails exactly", want, rc < 0 ? e.msg : out);
    free(out);
}

static const char *flavour_of(const char *id)
{
    if (!strncmp(id, "struct:", 7))
        return "struct";
    if (!strncmp(id, "openapi-v2:", 11))
        return "openapi-v2";
    return "openapi-v3";
}

int main(int argc, char **argv)
{
    json_t *c;
    const char *proc, *group;
    const json_t *schemas;
    int repeat;

    ks_alloc_install();
    if (argc == 3 && !strcmp(argv[1], "--absent")) {
        printf("SKIPPED: the SMP corpus is not at %s (or no python3 with PyYAML)\n", argv[2]);
        return 77;
    }
    if (argc != 5 && argc != 6) {
        fprintf(stderr,
                "usage: test_smp_corpus PYTHON3 CASE2JSON CASE.yaml SCHEMADIR [CASE.json]\n");
        return 2;
    }
    case_file = argv[3];
    if (!(c = load_case(argv[1], argv[2], argv[3], argc == 6 ? argv[5] : NULL)))
        return 1;
    proc = json_string_value(json_object_get(c, "procedure"));
    group = json_string_value(json_object_get(c, "group"));
    schemas = json_object_get(c, "schemas");
    if (!schemas && json_is_true(json_object_get(c, "runsInsideSchemaLoop")))
        /* custom-arguments: run by TestStrategicMergePatch for each MergeItem schema */
        json_object_set_new(c, "schemas",
                            json_pack("[sss]", "struct:MergeItem",
                                      "openapi-v2:swagger-merge-item.json#/definitions/mergeItem",
                                      "openapi-v3:swagger-merge-item-v3.json#/components/"
                                      "schemas/mergeItem"));
    schemas = json_object_get(c, "schemas");
    repeat = json_is_integer(json_object_get(c, "repeat"))
                 ? (int)json_integer_value(json_object_get(c, "repeat"))
                 : 1;
    if (!proc || !group) {
        fprintf(stderr, "%s: not a case file\n", case_file);
        return 1;
    }
    if (!strcmp(proc, "apply-expect-error") && json_is_true(json_object_get(c, "goApiSpecific"))) {
        printf("SKIPPED: %s tests Go-only API misuse (a non-struct schema argument)\n", case_file);
        json_decref(c);
        return 77;
    }
    for (size_t i = 0; i < json_array_size(schemas); i++) {
        const char *how;
        const struct pmeta_type *schema;
        schema_id = json_string_value(json_array_get(schemas, i));
        schema = smp_schemas_get(schema_id, argv[4], &how);
        if (!schema) {
            failf("schema", schema_id, "unknown schema id");
            continue;
        }
        printf("schema %s (%s)\n", schema_id, how);
        for (int r = 0; r < repeat; r++) {
            if (!strcmp(proc, "sort-merge-lists")) {
                run_sort(c, schema);
            } else if (!strcmp(proc, "apply-two-way")) {
                bool raw = !strcmp(group, "custom-apply-raw");
                run_apply_two_way(c, json_object_get(c, raw ? "json" : "asRun"), schema);
            } else if (!strcmp(proc, "create-and-apply")) {
                bool yaml = !strcmp(group, "create");
                run_create(c, json_object_get(c, yaml ? "asRun" : "json"), schema);
            } else if (!strcmp(proc, "two-way-exact")) {
                run_exact_way(c, schema, false, NULL);
            } else if (!strcmp(proc, "two-and-three-way-exact")) {
                const char *outcome = json_string_value(
                    json_object_get(json_object_get(c, "outcomeBySchema"), flavour_of(schema_id)));
                run_exact_way(c, schema, false, outcome);
                run_exact_way(c, schema, true, outcome);
            } else if (!strcmp(proc, "apply-expect-error")) {
                run_expect_error(c, schema);
            } else {
                failf("procedure", "a known procedure", proc);
            }
        }
    }
    json_decref(c);
    smp_schemas_free();
    return kt_done();
}
