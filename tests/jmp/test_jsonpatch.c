/*
 * test_jsonpatch.c: RFC 6902 JSON patch application against results recorded
 * from real kubectl 1.33 (`kubectl patch --local --type json -o json`, see
 * jsonpatch/record.py): the printed object, or the error line, byte for byte.
 * Usage: test_jsonpatch jsonpatch/cases.json
 */
#include "base/gojson.h"
#include "base/strbuf.h"
#include "ktest.h"
#include "patch/patch_jsonpatch.h"

/* PARITY: kubectl pkg/cmd/patch getPatchedJSON rewrites "doc is missing key" errors. */
static void kubectl_error(struct strbuf *sb, const char *msg)
{
    const char *k = strstr(msg, "doc is missing key");
    if (k && strstr(k, "key:")) {
        strbuf_addf(sb, "error: Object to be patched is missing field (%s)\n",
                    strstr(k, "key:") + 5);
        return;
    }
    strbuf_addf(sb, "error: %s\n", msg);
}

static void run_case(const json_t *c)
{
    const char *name = json_string_value(json_object_get(c, "name"));
    const json_t *target = json_object_get(c, "target"), *ops = json_object_get(c, "patch");
    int want_rc = (int)json_integer_value(json_object_get(c, "exit_code"));
    struct ks_err e = KS_ERR_INIT;
    struct strbuf got = STRBUF_INIT;
    json_t *res = NULL;
    int rc = patch_jsonpatch_apply(&res, target, ops, &e);

    if (rc == 0) {
        gojson_write_indent(&got, res, "", "    ", &e);
        strbuf_addch(&got, '\n');
    } else {
        kubectl_error(&got, e.msg);
    }
    const char *want = json_string_value(json_object_get(c, want_rc ? "stderr" : "stdout"));
    if ((rc != 0) == (want_rc != 0) && strcmp(got.buf, want) == 0) {
        kt_pass++;
    } else {
        kt_fail++;
        fprintf(stderr, "case %s (%s)\n  want: %s\n  got:  %s\n", name,
                json_string_value(json_object_get(c, "command")), want, got.buf);
    }
    json_decref(res);
    strbuf_release(&got);
}

int main(int argc, char **argv)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *cases = NULL;

    ks_alloc_install();
    if (argc != 2) {
        fprintf(stderr, "usage: test_jsonpatch cases.json\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    struct strbuf sb = STRBUF_INIT;
    char buf[8192];
    size_t n;
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    if (gojson_loads(&cases, sb.buf, sb.len, &e) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], e.msg);
        return 1;
    }
    strbuf_release(&sb);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) run_case(c);
    json_decref(cases);
    return kt_done();
}
