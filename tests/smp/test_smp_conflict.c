/*
 * test_smp_conflict.c: the three-way conflict of `kubectl apply
 * --overwrite=false`, against real kubectl: fixtures/smp/conflict/<case>
 * holds the last-applied, manifest and live ConfigMap kubectl printed and its
 * conflict message (recorded by tests/smp/record_conflict.py with the oracle).
 * Usage: test_smp_conflict EXPECTED.json
 */
#include "base/gojson.h"
#include "base/strbuf.h"
#include "ktest.h"
#include "merge/merge_smp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(n, s, mk, t)                                                                             \
    {                                                                                              \
        n, s, 0, 0, 0, 0, mk, NULL, NULL, t                                                        \
    }
#define T(n, f)                                                                                    \
    {                                                                                              \
        n, PMETA_STRUCT, PMETA_T_OBJECT, 0, sizeof(f) / sizeof((f)[0]), f                          \
    }

static const struct pmeta_type str_t = {"string", PMETA_STRUCT, PMETA_T_OPAQUE, 0, 0, NULL};
static const struct pmeta_type map_t = {"map", PMETA_STRUCT, PMETA_T_OPAQUE, 0, 0, NULL};
static const struct pmeta_field owner_f[] = {F("apiVersion", 0, NULL, &str_t),
                                             F("kind", 0, NULL, &str_t), F("name", 0, NULL, &str_t),
                                             F("uid", 0, NULL, &str_t)};
static const struct pmeta_type owner_t = T("OwnerReference", owner_f);
static const struct pmeta_field meta_f[] = {F("annotations", 0, NULL, &map_t),
                                            F("creationTimestamp", 0, NULL, &str_t),
                                            F("finalizers", PMETA_MERGE, NULL, &str_t),
                                            F("generation", 0, NULL, &str_t),
                                            F("labels", 0, NULL, &map_t),
                                            F("name", 0, NULL, &str_t),
                                            F("namespace", 0, NULL, &str_t),
                                            F("ownerReferences", PMETA_MERGE, "uid", &owner_t),
                                            F("resourceVersion", 0, NULL, &str_t),
                                            F("uid", 0, NULL, &str_t)};
static const struct pmeta_type meta_t = T("ObjectMeta", meta_f);
static const struct pmeta_field cm_f[] = {
    F("apiVersion", 0, NULL, &str_t), F("binaryData", 0, NULL, &map_t),
    F("data", 0, NULL, &map_t),       F("immutable", 0, NULL, &str_t),
    F("kind", 0, NULL, &str_t),       F("metadata", 0, NULL, &meta_t)};
static const struct pmeta_type cm_t = T("ConfigMap", cm_f);

static json_t *doc(const json_t *fx, const char *name)
{
    const char *s = json_string_value(json_object_get(fx, name));
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;
    if (!s || gojson_loads(&v, s, strlen(s), &e) < 0) {
        fprintf(stderr, "fixture field %s: %s\n", name, e.msg);
        exit(1);
    }
    return v;
}

int main(int argc, char **argv)
{
    struct strbuf text = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    json_t *fx = NULL, *o, *m, *c, *patch = NULL;
    const char *want;
    char buf[4096], *full = NULL;
    size_t n;
    FILE *f;
    int rc;

    ks_alloc_install();
    if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: test_smp_conflict EXPECTED.json\n");
        return 2;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&text, buf, n);
    fclose(f);
    if (gojson_loads(&fx, text.buf, text.len, &e) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], e.msg);
        return 1;
    }
    o = doc(fx, "original");
    m = doc(fx, "modified");
    c = doc(fx, "current");
    want = json_string_value(json_object_get(fx, "message"));

    rc = merge_smp_3way(&patch, o, m, c, &cm_t, false, &e);
    KT_CHECK_INT(rc, KS_ECONFLICT);
    KT_CHECK(patch == NULL);
    KT_CHECK(strlen(e.msg) == KS_ERR_MSG - 1 && !strncmp(e.msg, want, KS_ERR_MSG - 1));

    ks_err_clear(&e);
    rc = merge_smp_3way_conflict(&full, o, m, c, &cm_t, &e);
    KT_CHECK_INT(rc, 0);
    KT_CHECK_STR(full, want);
    free(full);

    /* with overwrite the patch is computed; it carries the manifest's changes */
    rc = merge_smp_3way(&patch, o, m, c, &cm_t, true, &e);
    KT_CHECK_INT(rc, 0);
    full = patch ? gojson_dumps(json_object_get(patch, "data")) : NULL;
    KT_CHECK(full && !strncmp(full, "{\"k\":\"mine\"", 11));
    free(full);

    /* no conflict without changes in the cluster */
    ks_err_clear(&e);
    full = NULL;
    rc = merge_smp_3way_conflict(&full, o, m, o, &cm_t, &e);
    KT_CHECK_INT(rc, 0);
    KT_CHECK(full == NULL);

    json_decref(patch);
    json_decref(o);
    json_decref(m);
    json_decref(c);
    json_decref(fx);
    strbuf_release(&text);
    return kt_done();
}
