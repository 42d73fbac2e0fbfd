/*
 * corpus_case.c: shared helpers of the corpus runners: YAML case files read
 * through tests/case2json.py, JSON payload fields, float-semantics equality.
 */
#include "lib/corpus_case.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "merge/merge_jmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *corpus_case_load(const char *python3, const char *case2json, const char *path)
{
    struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    json_t *c = NULL;
    char buf[8192];
    size_t n;

    strbuf_addf(&cmd, "'%s' '%s' '%s'", python3, case2json, path);
    FILE *p = popen(cmd.buf, "r");
    if (!p) {
        fprintf(stderr, "cannot run %s\n", cmd.buf);
        goto done;
    }
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        strbuf_add(&out, buf, n);
    if (pclose(p) != 0) {
        fprintf(stderr, "%s failed\n", cmd.buf);
        goto done;
    }
    if (gojson_loads(&c, out.buf, out.len, &e) < 0)
        fprintf(stderr, "%s: %s\n", path, e.msg);
done:
    strbuf_release(&cmd);
    strbuf_release(&out);
    return c;
}

json_t *corpus_case_json(const json_t *c, const char *name)
{
    const json_t *s = json_object_get(c, name);
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;

    if (!s || json_is_null(s))
        return NULL;
    if (!json_is_string(s)) {
        fprintf(stderr, "case field %s is not a string\n", name);
        exit(1);
    }
    if (gojson_loads(&v, json_string_value(s), json_string_length(s), &e) < 0) {
        fprintf(stderr, "case field %s: %s\n", name, e.msg);
        exit(1);
    }
    return v;
}

int corpus_equal_floats(const json_t *a, const json_t *b)
{
    json_t *fa = merge_jmp_floats(a), *fb = merge_jmp_floats(b);
    int eq = gojson_equal(fa, fb);
    json_decref(fa);
    json_decref(fb);
    return eq;
}

char *corpus_dump(const json_t *v)
{
    char *s = v ? gojson_dumps(v) : NULL;
    return s ? s : ks_strdup(v ? "(unprintable)" : "(none)");
}
