/*
 * run_case.c: the golden-case runner of the conversion rules. One case file
 * (fixtures/convert/<rule>/<case>.yaml, read with the YAML reader) holds
 * name, source, input and expected (or expectedError); `target` defaults to
 * expected.apiVersion. With --roundtrip it converts the case's newer object
 * down to the older version and back up, and wants it unchanged (or equal to
 * the case's roundTrip object when that is an object).
 *
 * Usage: run_case [--roundtrip] CASE.yaml
 */
#include "base/gojson.h"
#include "base/ks.h"
#include "base/strbuf.h"
#include "base/yamlin.h"
#include "convert/convert.h"
#include "ktest.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static json_t *load_case(const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open the case\n", file);
        return NULL;
    }
    struct strbuf sb = STRBUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    json_t *doc = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (yamlin_load(&doc, strbuf_str(&sb), sb.len, file, NULL, &e) != 0)
        fprintf(stderr, "%s: cannot read the case: %s\n", file, e.msg);
    strbuf_release(&sb);
    return doc;
}

static void show(const char *what, const json_t *v)
{
    struct strbuf sb = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    if (v)
        gojson_write_indent(&sb, v, "", "  ", &e);
    fprintf(stderr, "%s:\n%s\n", what, v ? strbuf_str(&sb) : "(none)");
    strbuf_release(&sb);
}

static void check_equal(const char *file, const json_t *got, const json_t *want)
{
    bool ok = got && gojson_equal(got, want);
    KT_CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s: converted object differs\n", file);
        show("want", want);
        show("got", got);
    }
}

static const char *gv_of(const json_t *o)
{
    return json_string_value(json_object_get(o, "apiVersion"));
}

static void run_golden(const char *file, json_t *doc)
{
    json_t *input = json_object_get(doc, "input"), *expected = json_object_get(doc, "expected");
    const char *experr = json_string_value(json_object_get(doc, "expectedError"));
    const char *target = json_string_value(json_object_get(doc, "target"));
    if (!target)
        target = gv_of(expected);
    KT_CHECK(json_is_string(json_object_get(doc, "source")));
    KT_CHECK(json_is_object(input) && target);
    if (!json_is_object(input) || !target)
        return;
    json_t *before = json_deep_copy(input), *got = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc = convert_object(&got, input, target, &e);
    if (experr) {
        KT_CHECK(rc != 0 && strstr(e.msg, experr) != NULL);
        if (rc == 0 || !strstr(e.msg, experr))
            fprintf(stderr, "%s: want an error containing \"%s\", got rc %d \"%s\"\n", file, experr,
                    rc, e.msg);
    } else {
        KT_CHECK_INT(rc, 0);
        if (rc)
            fprintf(stderr, "%s: %s\n", file, e.msg);
        check_equal(file, got, expected);
    }
    KT_CHECK(gojson_equal(before, input)); /* the input is untouched */
    json_decref(got);
    json_decref(before);
}

static void run_roundtrip(const char *file, json_t *doc)
{
    json_t *input = json_object_get(doc, "input"), *expected = json_object_get(doc, "expected");
    json_t *rt = json_object_get(doc, "roundTrip");
    struct convert_path p;
    struct ks_err e = KS_ERR_INIT;
    KT_CHECK(json_is_object(input) && json_is_object(expected));
    if (!json_is_object(input) || !json_is_object(expected))
        return;
    /* the newer object: the expected one of an up case, the input of a down case */
    int rc = convert_path_find(&p, gv_of(input), json_string_value(json_object_get(input, "kind")),
                               gv_of(expected), &e);
    KT_CHECK_INT(rc, 0);
    if (rc)
        return;
    bool down = p.n && p.steps[0]->down;
    json_t *newer = down ? input : expected;
    const char *older = down ? gv_of(expected) : gv_of(input);
    json_t *mid = NULL, *back = NULL;
    rc = convert_object(&mid, newer, older, &e);
    KT_CHECK_INT(rc, 0);
    if (rc == 0)
        rc = convert_object(&back, mid, gv_of(newer), &e);
    KT_CHECK_INT(rc, 0);
    if (rc)
        fprintf(stderr, "%s: round trip: %s\n", file, e.msg);
    check_equal(file, back, json_is_object(rt) ? rt : newer);
    json_decref(mid);
    json_decref(back);
}

int main(int argc, char **argv)
{
    ks_alloc_install();
    bool roundtrip = argc > 1 && strcmp(argv[1], "--roundtrip") == 0;
    if (roundtrip) {
        argv++;
        argc--;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: run_case [--roundtrip] CASE.yaml\n");
        return 2;
    }
    json_t *doc = load_case(argv[1]);
    KT_CHECK(json_is_object(doc));
    if (json_is_object(doc)) {
        if (roundtrip)
            run_roundtrip(argv[1], doc);
        else
            run_golden(argv[1], doc);
    }
    json_decref(doc);
    return kt_done();
}
