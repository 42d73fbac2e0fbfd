/*
 * test_pmeta_builtin.c: the generated built-in tables against upstream's
 * table of struct tags (../shared/corpus/smp/builtin-patch-meta.tsv, from
 * kubernetes/api): every row whose type and field exist in the OpenAPI
 * documents the tables come from is reproduced by pmeta_lookup; plus kind
 * lookups and negative checks.
 * Usage: test_pmeta_builtin builtin-patch-meta.tsv swagger-v1.33.json
 */
#include "base/gojson.h"
#include "base/strbuf.h"
#include "ktest.h"
#include "patch/pmeta.h"
#include "patch/pmeta_builtin.h"

static char *slurp(const char *path, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb, len);
}

/* "apps/v1" -> "io.k8s.api.apps.v1", "apimachinery/meta/v1" ->
 * "io.k8s.apimachinery.pkg.apis.meta.v1" */
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

/*
 * Rows where the TSV (kubernetes/api newer than 1.33) and the 1.33 document
 * legitimately differ in SSA metadata: shareID joined the keys after 1.33.
 */
static int ssa_drift(const char *def, const char *field)
{
    return strcmp(field, "devices") == 0 &&
           (strcmp(def, "io.k8s.api.resource.v1beta1.ResourceClaimStatus") == 0 ||
            strcmp(def, "io.k8s.api.resource.v1beta2.ResourceClaimStatus") == 0);
}

static const char *list_type_name(int t)
{
    static const char *names[] = {"", "atomic", "set", "map"};
    return t >= 0 && t < 4 ? names[t] : "?";
}

static int rows, checked, absent;

static void check_row(char **col, const json_t *defs133)
{
    struct strbuf name = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    struct pmeta m;
    def_name(&name, col[0], col[1]);
    const struct pmeta_type *t = pmeta_builtin_named(name.buf);
    rows++;
    if (!t || pmeta_lookup(&m, t, col[3], &e) < 0 || !m.field || strcmp(m.field->name, col[3])) {
        absent++; /* a type or field newer than the 1.33 document */
        strbuf_release(&name);
        return;
    }
    checked++;
    struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
    const char *strat = m.strategy == PMETA_MERGE     ? "merge"
                        : m.strategy == PMETA_REPLACE ? "replace"
                                                      : "";
    if (m.retain_keys)
        strbuf_addf(&got, "%s%sretainKeys", strat, *strat ? "," : "");
    else
        strbuf_adds(&got, strat);
    strbuf_addf(&got, "|%s", m.merge_key ? m.merge_key : "");
    strbuf_addf(&want, "%s|%s", col[5], col[6]);
    if (json_object_get(defs133, name.buf) && !ssa_drift(name.buf, col[3])) {
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
    strbuf_release(&got);
    strbuf_release(&want);
    strbuf_release(&name);
}

static void negative_checks(void)
{
    struct ks_err e = KS_ERR_INIT;
    struct pmeta m;
    KT_CHECK(pmeta_builtin_kind("example.com", "v1", "Widget") == NULL);
    KT_CHECK(pmeta_builtin_kind("apps", "v1", "deployment") == NULL);
    KT_CHECK(pmeta_builtin_kind("", "v1", "ComponentStatus") == NULL); /* no PATCH */
    KT_CHECK(pmeta_builtin_kind("apps", "v2", "Deployment") == NULL);
    KT_CHECK(pmeta_builtin_kind(NULL, NULL, NULL) == NULL);
    KT_CHECK(pmeta_builtin_named("io.k8s.api.apps.v1.NoSuchType") == NULL);

    const struct pmeta_type *d = pmeta_builtin_kind("apps", "v1", "Deployment");
    KT_CHECK(d != NULL);
    KT_CHECK(d == pmeta_builtin_named("io.k8s.api.apps.v1.Deployment"));
    /* walk Deployment -> spec.template.spec.containers[].env */
    const char *path[] = {"spec", "template", "spec", "containers", "env"};
    const struct pmeta_type *at = d;
    for (size_t i = 0; i < KS_ARRAY_SIZE(path) && at; i++) {
        KT_CHECK_INT(pmeta_lookup(&m, at, path[i], &e), 0);
        at = m.type;
    }
    KT_CHECK_INT(m.strategy, PMETA_MERGE);
    KT_CHECK_STR(m.merge_key, "name");
    KT_CHECK(at == pmeta_builtin_named("io.k8s.api.core.v1.EnvVar"));
    /* an unknown field is not found */
    int rc = pmeta_lookup(&m, d, "bogusField", &e);
    KT_CHECK(rc < 0 || m.field == NULL);
    /* kinds from the 1.20.4 document for group-versions 1.33 dropped */
    KT_CHECK(pmeta_builtin_kind("extensions", "v1beta1", "Ingress") != NULL);
    KT_CHECK(pmeta_builtin_kind("policy", "v1beta1", "PodSecurityPolicy") != NULL);
    KT_CHECK(pmeta_builtin_kind("batch", "v1beta1", "CronJob") != NULL);
    KT_CHECK(pmeta_builtin_kind("networking.k8s.io", "v1beta1", "Ingress") != NULL);
    KT_CHECK(pmeta_builtin_kind("policy", "v1", "PodDisruptionBudget") != NULL);
}

int main(int argc, char **argv)
{
    size_t len;
    struct ks_err e = KS_ERR_INIT;
    json_t *doc = NULL;

    ks_alloc_install();
    negative_checks();
    if (argc != 3)
        kt_skip("usage: test_pmeta_builtin TSV SWAGGER");
    char *tsv = slurp(argv[1], &len), *sw = slurp(argv[2], &len);
    if (!tsv || !sw) {
        free(tsv);
        free(sw);
        kt_skip("../shared/corpus/smp/builtin-patch-meta.tsv or the 1.33 swagger is absent");
    }
    if (gojson_loads(&doc, sw, len, &e) < 0) {
        fprintf(stderr, "%s: %s\n", argv[2], e.msg);
        return 1;
    }
    const json_t *defs = json_object_get(doc, "definitions");
    char *save = NULL;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *col[9] = {0};
        int n = 0;
        if (line[0] == '#' || strncmp(line, "package\t", 8) == 0)
            continue;
        for (char *p = line; n < 9; n++) {
            col[n] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                n++;
                break;
            }
            *tab = '\0';
            p = tab + 1;
        }
        for (int i = n; i < 9; i++)
            col[i] = "";
        check_row(col, defs);
    }
    printf("%d rows: %d reproduced by lookups, %d name a type or field absent from the "
           "1.33 and 1.20.4 documents\n",
           rows, checked, absent);
    KT_CHECK(checked >= 360);
    json_decref(doc);
    free(tsv);
    free(sw);
    return kt_done();
}
