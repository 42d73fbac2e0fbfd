/*
 * test_pmeta_openapi.c: patch metadata read from OpenAPI documents at run
 * time. For the 1.33 v2 document and each 1.33 v3 group-version document,
 * every row of ../shared/corpus/smp/builtin-patch-meta.tsv whose type is in
 * the document is reproduced by pmeta_lookup; the SMP checks of kubectl's
 * patcher (PATCH consumes / requestBody) hold; the corpus test schemas load.
 * Usage: test_pmeta_openapi SHARED_DIR
 */
#include "base/gojson.h"
#include "base/strbuf.h"
#include "ktest.h"
#include "patch/pmeta.h"
#include "patch/pmeta_openapi.h"

#include <time.h>

static const char *shared;

static char *slurp(const char *rel, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    char *path = ks_asprintf("%s/%s", shared, rel);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb, len);
}

static json_t *load_json_filtered(const char *rel, const struct gojson_filter *filter)
{
    size_t len;
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;
    char *buf = slurp(rel, &len);
    if (!buf)
        kt_skip("../shared/k8s-openapi or ../shared/corpus is absent");
    if (gojson_loads_filter(&v, buf, len, filter, &e) < 0)
        fprintf(stderr, "%s: %s\n", rel, e.msg);
    free(buf);
    return v;
}

static json_t *load_json(const char *rel)
{
    return load_json_filtered(rel, NULL);
}

static void def_name(struct strbuf *sb, const char *pkg, const char *type)
{
    strbuf_reset(sb);
    if (strncmp(pkg, "apimachinery/", 13) == 0) {
        strbuf_adds(sb, "io.k8s.apimachinery.pkg.apis.");
        pkg += 13;
    } else {
        strbuf_adds(sb, "io.k8s.api.");
    }
    for (const char *p = pkg; *p; p++)
        strbuf_addch(sb, *p == '/' ? '.' : *p);
    strbuf_addf(sb, ".%s", type);
}

static const char *list_type_name(int t)
{
    static const char *names[] = {"", "atomic", "set", "map"};
    return t >= 0 && t < 4 ? names[t] : "?";
}

/* Check every TSV row whose type the document has; returns how many were checked. */
static int check_rows(struct pmeta_openapi *set, const json_t *schemas, char *tsv)
{
    struct strbuf name = STRBUF_INIT, got = STRBUF_INIT, want = STRBUF_INIT;
    char *save = NULL, *copy = ks_strdup(tsv);
    int checked = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *col[9];
        int n = 0;
        if (line[0] == '#' || strncmp(line, "package\t", 8) == 0)
            continue;
        for (char *p = line; n < 9;) {
            col[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        while (n < 9)
            col[n++] = "";
        def_name(&name, col[0], col[1]);
        const json_t *def = json_object_get(schemas, name.buf);
        if (!def || !json_object_get(json_object_get(def, "properties"), col[3]))
            continue;
        const struct pmeta_type *t = NULL;
        struct ks_err e = KS_ERR_INIT;
        struct pmeta m;
        KT_CHECK_INT(pmeta_openapi_named(&t, set, name.buf, &e), 0);
        if (!t || pmeta_lookup(&m, t, col[3], &e) < 0 || !m.field) {
            kt_fail++;
            fprintf(stderr, "%s.%s: lookup failed: %s\n", name.buf, col[3], e.msg);
            continue;
        }
        checked++;
        strbuf_reset(&got);
        strbuf_reset(&want);
        const char *strat = m.strategy == PMETA_MERGE     ? "merge"
                            : m.strategy == PMETA_REPLACE ? "replace"
                                                          : "";
        if (m.retain_keys)
            strbuf_addf(&got, "%s%sretainKeys", strat, *strat ? "," : "");
        else
            strbuf_adds(&got, strat);
        strbuf_addf(&got, "|%s", m.merge_key ? m.merge_key : "");
        strbuf_addf(&want, "%s|%s", col[5], col[6]);
        /* SSA keys: shareID joined ResourceClaimStatus.devices after 1.33 (TSV is newer). */
        if (strcmp(col[3], "devices") != 0 || strcmp(col[1], "ResourceClaimStatus") != 0) {
            strbuf_addf(&got, "|%s|%s", list_type_name(m.field->list_type),
                        m.field->list_map_keys ? m.field->list_map_keys : "");
            strbuf_addf(&want, "|%s|%s", col[7], col[8]);
        }
        if (strcmp(got.buf, want.buf) == 0) {
            kt_pass++;
        } else {
            kt_fail++;
            fprintf(stderr, "%s.%s: want %s, got %s\n", name.buf, col[3], want.buf, got.buf);
        }
    }
    free(copy);
    strbuf_release(&name);
    strbuf_release(&got);
    strbuf_release(&want);
    return checked;
}

struct kindcheck {
    const char *group, *version, *kind, *def;
    bool smp;
};

/* a and b (from two sets) are the same graph: names, fields and their metadata. */
static bool same_type(const struct pmeta_type *a, const struct pmeta_type *b, json_t *seen)
{
    if (!a || !b)
        return a == b;
    char key[64];
    snprintf(key, sizeof(key), "%p/%p", (const void *)a, (const void *)b);
    if (json_object_get(seen, key))
        return true;
    json_object_set_new(seen, key, json_true());
    if (strcmp(a->name ? a->name : "", b->name ? b->name : "") != 0 || a->flavor != b->flavor ||
        a->kind != b->kind || a->map_type != b->map_type || a->nfields != b->nfields)
        return false;
    for (size_t i = 0; i < a->nfields; i++) {
        const struct pmeta_field *x = &a->fields[i], *y = &b->fields[i];
#define SAME_STR(f) (strcmp(x->f ? x->f : "(null)", y->f ? y->f : "(null)") == 0)
        if (!SAME_STR(name) || !SAME_STR(merge_key) || !SAME_STR(list_map_keys) ||
            !SAME_STR(bad_strategy) || x->strategy != y->strategy ||
            x->retain_keys != y->retain_keys || x->is_list != y->is_list ||
            x->list_type != y->list_type || x->map_type != y->map_type ||
            !same_type(x->type, y->type, seen))
            return false;
#undef SAME_STR
    }
    return true;
}

/* Every kind (every GVK of every schema of doc) is the same in sets a and b; returns the count. */
static int compare_kinds(const char *rel, const char *how, bool v3, const json_t *doc,
                         struct pmeta_openapi *a_set, struct pmeta_openapi *b_set)
{
    struct ks_err e = KS_ERR_INIT;
    json_t *seen = json_object();
    int n = 0;
    const json_t *schemas = v3 ? json_object_get(json_object_get(doc, "components"), "schemas")
                               : json_object_get(doc, "definitions");
    const char *name;
    json_t *schema;
    json_object_foreach((json_t *)schemas, name, schema)
    {
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(schema, "x-kubernetes-group-version-kind"), i, g)
        {
            const char *group = json_string_value(json_object_get(g, "group"));
            const char *version = json_string_value(json_object_get(g, "version"));
            const char *kind = json_string_value(json_object_get(g, "kind"));
            const struct pmeta_type *a = NULL, *b = NULL;
            bool sa = false, sb = true;
            pmeta_openapi_kind(&a, &sa, a_set, group, version, kind, &e);
            pmeta_openapi_kind(&b, &sb, b_set, group, version, kind, &e);
            bool same = sa == sb && a != NULL && same_type(a, b, seen);
            KT_CHECK(same);
            if (!same)
                fprintf(stderr, "  %s differs: %s: %s/%s %s\n", how, rel, group ? group : "",
                        version, kind);
            n++;
        }
    }
    json_decref(seen);
    return n;
}

/* Every kind is the same whether the document was read whole or through pmeta_openapi_filter. */
static int check_filter_same(const char *rel, bool v3, const json_t *doc)
{
    struct ks_err e = KS_ERR_INIT;
    struct pmeta_openapi *whole = NULL, *slim = NULL;
    json_t *filtered = load_json_filtered(rel, &pmeta_openapi_filter);
    KT_CHECK(filtered != NULL);
    if (!filtered)
        return 0;
    KT_CHECK_INT(
        v3 ? pmeta_openapi_load_v3(&whole, doc, &e) : pmeta_openapi_load_v2(&whole, doc, &e), 0);
    KT_CHECK_INT(v3 ? pmeta_openapi_load_v3(&slim, filtered, &e)
                    : pmeta_openapi_load_v2(&slim, filtered, &e),
                 0);
    int n = compare_kinds(rel, "filtered", v3, doc, whole, slim);
    pmeta_openapi_free(whole);
    pmeta_openapi_free(slim);
    json_decref(filtered);
    return n;
}

/* A lazy set's source: the document's text and the spans of its schemas. */
struct lazy_src {
    struct gojson_filter f;
    const char *buf;
    json_t *spans; /* name -> [start, end] */
    int fetched;
};

static int lazy_keep(void *ctx, const char *const *path, size_t depth, const char *key, size_t klen)
{
    (void)ctx;
    return pmeta_openapi_index_filter.keep(pmeta_openapi_index_filter.ctx, path, depth, key, klen);
}

static void lazy_span(void *ctx, const char *key, size_t klen, size_t start, size_t end)
{
    struct lazy_src *l = ctx;
    json_object_setn_new(l->spans, key, klen,
                         json_pack("[II]", (json_int_t)start, (json_int_t)end));
}

static json_t *lazy_fetch(void *ctx, const char *name)
{
    struct lazy_src *l = ctx;
    json_t *sp = json_object_get(l->spans, name), *v = NULL;
    if (!sp)
        return NULL;
    size_t start = (size_t)json_integer_value(json_array_get(sp, 0));
    size_t end = (size_t)json_integer_value(json_array_get(sp, 1));
    if (gojson_loads_filter(&v, l->buf + start, end - start, &pmeta_openapi_schema_filter, NULL) <
        0)
        return NULL;
    l->fetched++;
    return v;
}

/*
 * Every kind is the same through a lazy set (an index, schemas decoded from
 * their spans when needed); a Deployment needs a fraction of the schemas.
 */
static void check_lazy_same(const char *rel, const json_t *doc)
{
    struct ks_err e = KS_ERR_INIT;
    struct pmeta_openapi *whole = NULL, *lazy = NULL;
    size_t len;
    struct lazy_src l = {{lazy_keep, lazy_span, NULL, NULL}, NULL, json_object(), 0};
    l.f.ctx = &l;
    char *buf = slurp(rel, &len);
    json_t *index = NULL;
    l.buf = buf;
    KT_CHECK_INT(gojson_loads_filter(&index, buf, len, &l.f, &e), 0);
    const json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    KT_CHECK_INT(json_object_size(l.spans), json_object_size(schemas));
    KT_CHECK_INT(pmeta_openapi_load_v3(&whole, doc, &e), 0);
    KT_CHECK_INT(pmeta_openapi_load_v3_lazy(&lazy, index, lazy_fetch, &l, &e), 0);
    /* one kind first: only the schemas it reaches are decoded */
    const struct pmeta_type *t = NULL;
    bool smp = false;
    bool core = strstr(rel, "api__v1") != NULL;
    if (core || strstr(rel, "apps__v1")) {
        pmeta_openapi_kind(&t, &smp, lazy, core ? "" : "apps", "v1",
                           core ? "ConfigMap" : "Deployment", &e);
        printf("%s: %s decoded %d of %zu schemas\n", rel, core ? "ConfigMap" : "Deployment",
               l.fetched, json_object_size(schemas));
        KT_CHECK(t != NULL && smp);
        /* ConfigMap: itself, ObjectMeta and what it reaches; Deployment: most of core's pod types
         */
        KT_CHECK(l.fetched > 3 && (size_t)l.fetched < json_object_size(schemas) / (core ? 10 : 1));
    }
    int n = compare_kinds(rel, "lazy", true, doc, whole, lazy);
    printf("%s: %d kinds the same through a lazy set\n", rel, n);
    KT_CHECK(n > 0);
    /* detached, the built types stay valid and the same */
    pmeta_openapi_detach(lazy);
    json_t *seen = json_object();
    const struct pmeta_type *a = NULL, *b = NULL;
    if (t) {
        pmeta_openapi_kind(&a, NULL, whole, core ? "" : "apps", "v1",
                           core ? "ConfigMap" : "Deployment", &e);
        KT_CHECK(same_type(a, t, seen));
        pmeta_openapi_kind(&b, NULL, lazy, core ? "" : "apps", "v1",
                           core ? "ConfigMap" : "Deployment", &e);
        KT_CHECK(b == NULL);
    }
    json_decref(seen);
    pmeta_openapi_free(whole);
    pmeta_openapi_free(lazy);
    json_decref(index);
    json_decref(l.spans);
    free(buf);
}

static void check_doc(const char *rel, bool v3, char *tsv, const struct kindcheck *kc, size_t nkc)
{
    struct ks_err e = KS_ERR_INIT;
    struct pmeta_openapi *set = NULL;
    json_t *doc = load_json(rel);
    int same = check_filter_same(rel, v3, doc);
    printf("%s: %d kinds the same through pmeta_openapi_filter\n", rel, same);
    KT_CHECK(same > 0);
    if (v3)
        check_lazy_same(rel, doc);
    clock_t t0 = clock();
    int rc = v3 ? pmeta_openapi_load_v3(&set, doc, &e) : pmeta_openapi_load_v2(&set, doc, &e);
    KT_CHECK_INT(rc, 0);
    for (size_t i = 0; i < nkc; i++) {
        const struct pmeta_type *t = NULL, *named = NULL;
        bool smp = !kc[i].smp;
        KT_CHECK_INT(pmeta_openapi_kind(&t, &smp, set, kc[i].group, kc[i].version, kc[i].kind, &e),
                     0);
        KT_CHECK_INT(smp, kc[i].smp);
        if (kc[i].def) {
            pmeta_openapi_named(&named, set, kc[i].def, &e);
            KT_CHECK(t != NULL && t == named);
        } else {
            KT_CHECK(t == NULL);
        }
    }
    double ms = 1000.0 * (double)(clock() - t0) / CLOCKS_PER_SEC;
    const json_t *schemas = v3 ? json_object_get(json_object_get(doc, "components"), "schemas")
                               : json_object_get(doc, "definitions");
    int n = check_rows(set, schemas, tsv);
    printf("%s: kinds built in %.1f ms; %d TSV rows reproduced\n", rel, ms, n);
    KT_CHECK(n > 0);
    pmeta_openapi_free(set);
    json_decref(doc);
}

/* The corpus's test schemas (SCHEMAS.md): mergeItem in v2 and v3. */
static void check_test_schema(const char *rel, bool v3)
{
    struct ks_err e = KS_ERR_INIT;
    struct pmeta_openapi *set = NULL;
    const struct pmeta_type *root = NULL;
    struct pmeta m;
    json_t *doc = load_json(rel);
    KT_CHECK_INT(v3 ? pmeta_openapi_load_v3(&set, doc, &e) : pmeta_openapi_load_v2(&set, doc, &e),
                 0);
    KT_CHECK_INT(pmeta_openapi_named(&root, set, "mergeItem", &e), 0);
    KT_CHECK(root != NULL);
    KT_CHECK_INT(pmeta_lookup(&m, root, "mergingList", &e), 0);
    KT_CHECK_INT(m.strategy, PMETA_MERGE);
    KT_CHECK_STR(m.merge_key, "name");
    KT_CHECK(m.type == root);
    KT_CHECK_INT(pmeta_lookup(&m, root, "mergeItemPtr", &e), 0);
    KT_CHECK_INT(m.strategy, PMETA_MERGE);
    KT_CHECK(m.type == root);
    KT_CHECK_INT(pmeta_lookup(&m, root, "retainKeysMergingList", &e), 0);
    KT_CHECK(m.retain_keys && m.strategy == PMETA_MERGE);
    KT_CHECK_INT(pmeta_lookup(&m, root, "replacingItem", &e), 0);
    KT_CHECK_INT(m.strategy, PMETA_REPLACE);
    KT_CHECK_INT(pmeta_lookup(&m, root, "jsonItem", &e), 0);
    const struct pmeta_type *json_item = m.type;
    int rc = pmeta_lookup(&m, json_item, "anything", &e);
    /* v2: untyped "arbitrary" schema, lookups below succeed; v3: no properties, they fail */
    KT_CHECK_INT(rc < 0, v3);
    KT_CHECK(pmeta_lookup(&m, root, "noSuchField", &e) < 0);
    KT_CHECK(strstr(e.msg, "unable to find api field") != NULL);
    pmeta_openapi_free(set);
    json_decref(doc);
}

int main(int argc, char **argv)
{
    size_t len;
    ks_alloc_install();
    if (argc != 2)
        kt_skip("usage: test_pmeta_openapi SHARED_DIR");
    shared = argv[1];
    char *tsv = slurp("corpus/smp/builtin-patch-meta.tsv", &len);
    if (!tsv)
        kt_skip("../shared/corpus/smp/builtin-patch-meta.tsv is absent");

    static const struct kindcheck v2[] = {
        {"apps", "v1", "Deployment", "io.k8s.api.apps.v1.Deployment", true},
        {"", "v1", "Pod", "io.k8s.api.core.v1.Pod", true},
        {"policy", "v1", "PodDisruptionBudget", "io.k8s.api.policy.v1.PodDisruptionBudget", true},
        {"apiextensions.k8s.io", "v1", "CustomResourceDefinition",
         "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition", true},
        {"example.com", "v1", "Widget", NULL, false},
    };
    static const struct kindcheck core[] = {
        {"", "v1", "ConfigMap", "io.k8s.api.core.v1.ConfigMap", true},
        {"", "v1", "Service", "io.k8s.api.core.v1.Service", true},
        {"", "v1", "ComponentStatus", "io.k8s.api.core.v1.ComponentStatus", false},
        {"apps", "v1", "Deployment", NULL, false},
    };
    static const struct kindcheck apps[] = {
        {"apps", "v1", "Deployment", "io.k8s.api.apps.v1.Deployment", true},
        {"apps", "v1", "StatefulSet", "io.k8s.api.apps.v1.StatefulSet", true},
        {"apps", "v1beta1", "Deployment", NULL, false},
    };
    static const struct kindcheck batch[] = {
        {"batch", "v1", "CronJob", "io.k8s.api.batch.v1.CronJob", true},
    };
    static const struct kindcheck policy[] = {
        {"policy", "v1", "PodDisruptionBudget", "io.k8s.api.policy.v1.PodDisruptionBudget", true},
    };
    check_doc("k8s-openapi/swagger-v1.33.json", false, tsv, v2, KS_ARRAY_SIZE(v2));
    check_doc("k8s-openapi/v3-v1.33/api__v1_openapi.json", true, tsv, core, KS_ARRAY_SIZE(core));
    check_doc("k8s-openapi/v3-v1.33/apis__apps__v1_openapi.json", true, tsv, apps,
              KS_ARRAY_SIZE(apps));
    check_doc("k8s-openapi/v3-v1.33/apis__batch__v1_openapi.json", true, tsv, batch,
              KS_ARRAY_SIZE(batch));
    check_doc("k8s-openapi/v3-v1.33/apis__policy__v1_openapi.json", true, tsv, policy,
              KS_ARRAY_SIZE(policy));
    check_test_schema("corpus/smp/schemas/swagger-merge-item.strict.json", false);
    check_test_schema("corpus/smp/schemas/swagger-merge-item-v3.json", true);
    free(tsv);
    return kt_done();
}
