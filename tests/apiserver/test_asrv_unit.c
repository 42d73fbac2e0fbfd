/*
 * test_asrv_unit.c: pure parts of kubeshim-apiserver against upstream's
 * documented behaviour: label selectors (k8s.io/apimachinery/pkg/labels),
 * CRD version priority (the order in the Kubernetes docs, "Version
 * priority"), the FieldsV1 set of an applied ConfigMap (the managedFields
 * example of the server-side apply docs), conflict paths
 * (structured-merge-diff fieldpath String), and the aggregated discovery
 * media type choice (kubectl 1.27 and 1.33 Accept headers).
 */
#include "apiserver/asrv_catalog.h"
#include "apiserver/asrv_discovery.h"
#include "apiserver/asrv_fields.h"
#include "apiserver/asrv_select.h"
#include "apiserver/asrv_ssa.h"
#include "base/gojson.h"
#include "ktest.h"
#include "patch/pmeta_builtin.h"

#include <stdlib.h>

static json_t *J(const char *s)
{
    json_t *v = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (gojson_loads(&v, s, strlen(s), &e) < 0)
        fprintf(stderr, "bad test JSON: %s\n", e.msg);
    return v;
}

static int sel(const char *labels, const char *obj)
{
    struct asrv_select *s = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (asrv_select_parse(&s, labels, NULL, &e) < 0)
        return -1;
    json_t *o = J(obj);
    int m = asrv_select_match(s, o);
    json_decref(o);
    asrv_select_free(s);
    return m;
}

static void test_selectors(void)
{
    const char *o = "{\"metadata\":{\"labels\":{\"app\":\"web\",\"tier\":\"be\"}}}";
    KT_CHECK_INT(sel("app=web", o), 1);
    KT_CHECK_INT(sel("app==web", o), 1);
    KT_CHECK_INT(sel("app!=web", o), 0);
    KT_CHECK_INT(sel("app!=db", o), 1);
    KT_CHECK_INT(sel("missing!=x", o), 1); /* != matches objects without the label */
    KT_CHECK_INT(sel("app", o), 1);
    KT_CHECK_INT(sel("!app", o), 0);
    KT_CHECK_INT(sel("!missing", o), 1);
    KT_CHECK_INT(sel("app in (db,web)", o), 1);
    KT_CHECK_INT(sel("app notin (db,web)", o), 0);
    KT_CHECK_INT(sel("missing notin (a)", o), 1);
    KT_CHECK_INT(sel("app=web,tier in (be, fe)", o), 1);
    KT_CHECK_INT(sel("app=web,tier=fe", o), 0);
    KT_CHECK_INT(sel("", o), 1);

    struct asrv_select *s = NULL;
    struct ks_err e = KS_ERR_INIT;
    KT_CHECK_INT(
        asrv_select_parse(&s, NULL, "metadata.name=web,metadata.namespace!=kube-system", &e), 0);
    json_t *obj = J("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"}}");
    KT_CHECK(asrv_select_match(s, obj));
    json_decref(obj);
    asrv_select_free(s);
}

static int vcmp(const void *a, const void *b)
{
    return asrv_catalog_version_cmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_version_priority(void)
{
    /* PARITY: "Version priority" in the CustomResourceDefinition versioning docs. */
    const char *v[] = {"foo1",     "v3beta1", "v11alpha2", "v1",       "v12alpha1",
                       "v10beta3", "foo10",   "v2",        "v11beta2", "v10"};
    const char *want = "v10 v2 v1 v11beta2 v10beta3 v3beta1 v12alpha1 v11alpha2 foo1 foo10";
    qsort(v, KS_ARRAY_SIZE(v), sizeof(v[0]), vcmp);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < KS_ARRAY_SIZE(v); i++)
        strbuf_addf(&sb, "%s%s", i ? " " : "", v[i]);
    KT_CHECK_STR(sb.buf, want);
    strbuf_release(&sb);
}

static void test_fieldset(void)
{
    /* PARITY: the managedFields example of the server-side apply documentation. */
    json_t *cm = J("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                   "\"test-cm\",\"namespace\":\"default\",\"labels\":{\"test-label\":\"test\"}},"
                   "\"data\":{\"key\":\"some value\"}}");
    json_t *set = asrv_fields_of(cm, pmeta_builtin_kind("", "v1", "ConfigMap"));
    asrv_fields_strip(set, false);
    char *s = gojson_dumps(set);
    KT_CHECK_STR(s,
                 "{\"f:data\":{\"f:key\":{}},\"f:metadata\":{\"f:labels\":{\"f:test-label\":{}}}}");
    free(s);

    /* conflict paths as structured-merge-diff prints them */
    json_t *fs = J("{\"f:spec\":{\"f:replicas\":{},\"f:template\":{\"f:spec\":{\"f:containers\":"
                   "{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\"f:image\":{}}}}}},"
                   "\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a\\\"\":{}}}}");
    json_t *paths = asrv_fields_paths(fs);
    char *p = gojson_dumps(paths);
    KT_CHECK_STR(p, "[\".metadata.finalizers[=\\\"a\\\"]\",\".spec.replicas\","
                    "\".spec.template.spec.containers[name=\\\"nginx\\\"].image\"]");
    free(p);

    /* set algebra: a member with children keeps "." */
    json_t *a = J("{\"f:data\":{\".\":{},\"f:a\":{},\"f:b\":{}}}");
    json_t *b = J("{\"f:data\":{\"f:a\":{}}}");
    json_t *m = asrv_fields_minus(a, b), *i = asrv_fields_intersect(a, b);
    char *ms = gojson_dumps(m), *is = gojson_dumps(i);
    KT_CHECK_STR(ms, "{\"f:data\":{\".\":{},\"f:b\":{}}}");
    KT_CHECK_STR(is, "{\"f:data\":{\"f:a\":{}}}");
    free(ms);
    free(is);
    json_decref(m);
    json_decref(i);
    json_decref(a);
    json_decref(b);
    json_decref(paths);
    json_decref(fs);
    json_decref(set);
    json_decref(cm);
}

static void test_discovery_accept(void)
{
    /* Accept headers recorded from kubectl 1.33 and 1.27 (tools/oracle logs). */
    KT_CHECK_STR(asrv_discovery_aggregated(
                     "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                     "application/json"),
                 "v2");
    KT_CHECK_STR(asrv_discovery_aggregated(
                     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                     "application/json"),
                 "v2beta1");
    KT_CHECK(asrv_discovery_aggregated("application/json, */*") == NULL);
}

static json_t *apply(const json_t *live, const char *cfg, bool force, char **msg, int *rc)
{
    json_t *c = J(cfg), *out = NULL, *causes = NULL;
    struct ks_err e = KS_ERR_INIT;
    struct asrv_ssa_opts o = {"kubectl", "v1", "2026-01-01T00:00:00Z", NULL, true, force, false};
    *rc = asrv_ssa_apply(&out, msg, &causes, live, c, &o, &e);
    json_decref(c);
    json_decref(causes);
    return out;
}

static void test_ssa(void)
{
    /* PARITY: managedfields/internal/conflict.go getConflictMessage, two managers */
    json_t *live =
        J("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
          "\"managedFields\":[{\"manager\":\"b\",\"operation\":\"Update\",\"apiVersion\":"
          "\"v1\",\"time\":\"T\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{"
          "\"f:y\":{}}}},{\"manager\":\"a\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
          "\"time\":\"T\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:x\":{},"
          "\"f:z\":{}}}}]},\"data\":{\"x\":\"1\",\"y\":\"2\",\"z\":\"3\"}}");
    const char *cfg = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                      "\"c\"},\"data\":{\"x\":\"9\",\"y\":\"9\",\"z\":\"3\"}}";
    char *msg = NULL;
    int rc = 0;
    json_t *out = apply(live, cfg, false, &msg, &rc);
    KT_CHECK_INT(rc, KS_ECONFLICT);
    KT_CHECK_STR(msg, "Apply failed with 2 conflicts: conflicts with \"a\" using v1:\n- .data.x\n"
                      "conflicts with \"b\" using v1:\n- .data.y");
    KT_CHECK(out == NULL);
    free(msg);
    msg = NULL;

    /* force: the applier takes x and y; a keeps z, which the apply left unchanged */
    out = apply(live, cfg, true, &msg, &rc);
    KT_CHECK_INT(rc, 0);
    char *mf = gojson_dumps(json_object_get(json_object_get(out, "metadata"), "managedFields"));
    KT_CHECK_STR(mf, "[{\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
                     "\"f:data\":{\"f:x\":{},\"f:y\":{},\"f:z\":{}}},\"manager\":\"kubectl\","
                     "\"operation\":\"Apply\",\"time\":\"2026-01-01T00:00:00Z\"},{\"apiVersion\":"
                     "\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:z\":{}}},"
                     "\"manager\":\"a\",\"operation\":\"Update\",\"time\":\"T\"}]");
    free(mf);

    /* dropping x and z from the config: x (owned by the applier alone) goes, z (co-owned by a)
     * stays */
    json_t *out2 = apply(out,
                         "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{"
                         "\"name\":\"c\"},\"data\":{\"y\":\"9\"}}",
                         false, &msg, &rc);
    KT_CHECK_INT(rc, 0);
    char *d = gojson_dumps(json_object_get(out2, "data"));
    KT_CHECK_STR(d, "{\"y\":\"9\",\"z\":\"3\"}");
    free(d);
    json_decref(out2);
    json_decref(out);
    json_decref(live);
}

int main(void)
{
    ks_alloc_install();
    test_selectors();
    test_version_priority();
    test_fieldset();
    test_discovery_accept();
    test_ssa();
    return kt_done();
}
