/*
 * test_plan_golden.c: the apply plan against kubectl 1.33's recorded traffic
 * (../shared/corpus/kubectl-golden/<case>): for every PATCH request of
 * content type strategic-merge-patch+json or merge-patch+json, plan_object()
 * on (the live object and its annotation, the manifest object, namespace
 * defaulted as the request path shows) gives kubectl's body_raw byte for
 * byte. Built-in kinds use pmeta_builtin_kind; others JSON merge patch.
 * Usage: test_plan_golden PYTHON3 CASE2JSON CASEDIR
 */
#include "base/gojson.h"
#include "base/manifest.h"
#include "base/strbuf.h"
#include "ktest.h"
#include "lib/corpus_case.h"
#include "merge/plan.h"
#include "patch/pmeta_builtin.h"

#include <ctype.h>

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

/* A PATCH request path: /api/v1[/namespaces/NS]/PLURAL/NAME or /apis/G/V[...]. */
struct target {
    char group[128], version[64], ns[128], plural[128], name[256];
};

static int parse_path(struct target *t, const char *path)
{
    char buf[1024];
    char *seg[12];
    int n = 0;
    memset(t, 0, sizeof(*t));
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *save = NULL, *p = strtok_r(buf, "/", &save); p && n < 12;
         p = strtok_r(NULL, "/", &save))
        seg[n++] = p;
    int i = 0;
    if (n >= 2 && strcmp(seg[0], "api") == 0) {
        snprintf(t->version, sizeof(t->version), "%s", seg[1]);
        i = 2;
    } else if (n >= 3 && strcmp(seg[0], "apis") == 0) {
        snprintf(t->group, sizeof(t->group), "%s", seg[1]);
        snprintf(t->version, sizeof(t->version), "%s", seg[2]);
        i = 3;
    } else {
        return -1;
    }
    if (n - i == 4 && strcmp(seg[i], "namespaces") == 0) {
        snprintf(t->ns, sizeof(t->ns), "%s", seg[i + 1]);
        i += 2;
    }
    if (n - i == 3 && strcmp(seg[i], "namespaces") == 0) { /* a namespaced collection */
        snprintf(t->ns, sizeof(t->ns), "%s", seg[i + 1]);
        i += 2;
    }
    if (n - i != 2 && n - i != 1)
        return -1;
    snprintf(t->plural, sizeof(t->plural), "%s", seg[i]);
    if (n - i == 2)
        snprintf(t->name, sizeof(t->name), "%s", seg[i + 1]);
    return 0;
}

static const char *str_at(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    return json_string_value(v);
}

/* Does obj (apiVersion, kind, metadata.name) denote the request target? */
static int matches(const json_t *obj, const struct target *t)
{
    char gv[256], kind[128];
    const char *av = str_at(obj, "apiVersion", NULL), *k = str_at(obj, "kind", NULL);
    const char *name = str_at(obj, "metadata", "name");
    if (!av || !k || !name || strcmp(name, t->name))
        return 0;
    if (t->group[0])
        snprintf(gv, sizeof(gv), "%s/%s", t->group, t->version);
    else
        snprintf(gv, sizeof(gv), "%s", t->version);
    if (strcmp(av, gv))
        return 0;
    size_t n = strlen(k);
    snprintf(kind, sizeof(kind), "%s", k);
    for (size_t i = 0; i < n; i++)
        kind[i] = (char)tolower((unsigned char)kind[i]);
    /* the plural starts with the kind, less a trailing y (policy -> policies) */
    if (n > 1 && kind[n - 1] == 'y')
        n--;
    return strncmp(t->plural, kind, n) == 0;
}

static json_t *manifest_objects(const json_t *c)
{
    const char *text = json_string_value(json_object_get(c, "manifest"));
    struct manifest m = MANIFEST_INIT;
    struct ks_err e = KS_ERR_INIT;
    json_t *objs = json_array();

    if (!text)
        return objs;
    if (manifest_load(&m, text, strlen(text), "manifest.yaml", NULL, &e) < 0) {
        fprintf(stderr, "manifest: %s\n", e.msg);
        kt_fail++;
    }
    for (size_t i = 0; i < m.n; i++)
        json_array_append(objs, m.objs[i].obj);
    manifest_release(&m);
    return objs;
}

static const json_t *find(const json_t *objs, const struct target *t)
{
    size_t i;
    json_t *o;
    if (json_is_object(objs))
        return matches(objs, t) ? objs : NULL;
    json_array_foreach(objs, i, o) if (matches(o, t)) return o;
    return NULL;
}

enum want { WANT_PATCH, WANT_CREATE, WANT_UNCHANGED };

/* Plan the object a request is about and compare with what kubectl did. */
/* kubectl's stderr of the case: the missing-annotation warning is checked against the plan. */
static const char *case_stderr;

static void check_request(const json_t *req, enum want want_op, const json_t *manifests,
                          const json_t *lives, int for_diff)
{
    const char *path = json_string_value(json_object_get(req, "path"));
    const char *ctype = json_string_value(json_object_get(req, "content_type"));
    const char *want = json_string_value(json_object_get(req, "body_raw"));
    struct target t;
    struct plan p;
    struct ks_err e = KS_ERR_INIT;
    struct strbuf got = STRBUF_INIT;
    json_t *body = NULL;

    if (!path || parse_path(&t, path) < 0 || (want_op != WANT_UNCHANGED && !want)) {
        fprintf(stderr, "unexpected request %s\n", path ? path : "(no path)");
        kt_fail++;
        return;
    }
    if (want_op == WANT_CREATE) {
        /* a POST names its object in the body */
        const char *name;
        if (gojson_loads(&body, want, strlen(want), &e) < 0 ||
            !(name = str_at(body, "metadata", "name"))) {
            fprintf(stderr, "%s: POST body without a name\n", path);
            kt_fail++;
            return;
        }
        snprintf(t.name, sizeof(t.name), "%s", name);
    }
    const json_t *man = find(manifests, &t);
    const json_t *live = want_op == WANT_CREATE ? NULL : find(lives, &t);
    json_decref(body);
    if (!man || (want_op != WANT_CREATE && !live)) {
        fprintf(stderr, "%s: no %s object for it\n", path, man ? "live" : "manifest");
        kt_fail++;
        return;
    }
    json_t *obj = json_deep_copy(man);
    json_t *md = json_object_get(obj, "metadata");
    if (t.ns[0] && json_is_object(md) && !json_object_get(md, "namespace"))
        json_object_set_new(md, "namespace", json_string(t.ns));
    struct plan_in in = {.manifest = obj, .live = live, .overwrite = true, .for_diff = for_diff};
    const char *kind = str_at(obj, "kind", NULL);
    in.schema = pmeta_builtin_kind(t.group, t.version, kind ? kind : "");
    in.smp = in.schema != NULL;
    int rc = plan_object(&p, &in, &e);
    if (rc < 0) {
        fprintf(stderr, "%s: plan: %s\n", path, e.msg);
        kt_fail++;
    } else if (want_op != WANT_CREATE && !for_diff && case_stderr &&
               (strstr(case_stderr,
                       "is missing the kubectl.kubernetes.io/last-applied-configuration") !=
                NULL) != p.missing_annotation) {
        fprintf(stderr, "%s: missing_annotation %d disagrees with kubectl's stderr\n", path,
                p.missing_annotation);
        kt_fail++;
    } else if (want_op == WANT_UNCHANGED) {
        KT_CHECK_INT(p.op, PLAN_UNCHANGED);
    } else {
        KT_CHECK_INT(p.op, want_op == WANT_CREATE ? PLAN_CREATE : PLAN_PATCH);
        if (want_op == WANT_PATCH)
            KT_CHECK_STR(p.content_type, ctype);
        const json_t *sent = want_op == WANT_CREATE ? p.create : p.patch;
        if (sent)
            gojson_write(&got, sent, &e);
        if (sent && want_op == WANT_CREATE)
            strbuf_addch(&got, '\n'); /* PARITY: a POST body is json.Encoder output */
        if (strcmp(got.buf ? got.buf : "", want) == 0) {
            kt_pass++;
        } else {
            kt_fail++;
            fprintf(stderr, "%s: body\n  want: %s\n  got:  %s\n", path, want,
                    got.buf ? got.buf : "(none)");
        }
    }
    plan_release(&p);
    strbuf_release(&got);
    json_decref(obj);
}

/* Was there a later PATCH to path, after request index i? */
static int patched_later(const json_t *reqs, size_t i, const char *path)
{
    for (size_t j = i + 1; j < json_array_size(reqs); j++) {
        const json_t *r = json_array_get(reqs, j);
        const char *m = json_string_value(json_object_get(r, "method"));
        const char *pp = json_string_value(json_object_get(r, "path"));
        if (m && pp && strcmp(m, "PATCH") == 0 && strcmp(pp, path) == 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    size_t len;
    struct ks_err e = KS_ERR_INIT;
    json_t *exp = NULL;

    ks_alloc_install();
    if (argc == 3 && strcmp(argv[1], "--absent") == 0) {
        fprintf(stderr, "no kubectl-golden cases under %s\n", argv[2]);
        kt_skip("../shared/corpus/kubectl-golden is absent");
    }
    if (argc < 4) {
        fprintf(stderr, "usage: test_plan_golden PYTHON3 CASE2JSON CASEDIR\n");
        return 2;
    }
    char *casefile = ks_asprintf("%s/case.yaml", argv[3]);
    char *expfile = ks_asprintf("%s/expected.json", argv[3]);
    json_t *c = corpus_case_load(argv[1], argv[2], casefile);
    char *buf = slurp(expfile, &len);
    if (!c || !buf || gojson_loads(&exp, buf, len, &e) < 0) {
        fprintf(stderr, "%s: cannot read the case (%s)\n", argv[3], e.msg);
        return 1;
    }
    json_t *manifests = manifest_objects(c);
    case_stderr = json_string_value(json_object_get(exp, "stderr"));
    const json_t *argvs = json_object_get(exp, "argv");
    int for_diff = json_string_value(json_array_get(argvs, 1)) &&
                   strcmp(json_string_value(json_array_get(argvs, 1)), "diff") == 0;
    size_t i;
    json_t *req;
    int npatch = 0;
    const json_t *reqs = json_object_get(exp, "requests");
    json_array_foreach(reqs, i, req)
    {
        const char *m = json_string_value(json_object_get(req, "method"));
        const char *ct = json_string_value(json_object_get(req, "content_type"));
        const char *path = json_string_value(json_object_get(req, "path"));
        int status = (int)json_integer_value(json_object_get(req, "status"));
        if (!m || !path)
            continue;
        if (strcmp(m, "PATCH") == 0 && ct &&
            (strcmp(ct, "application/strategic-merge-patch+json") == 0 ||
             strcmp(ct, "application/merge-patch+json") == 0)) {
            npatch++;
            check_request(req, WANT_PATCH, manifests, json_object_get(c, "live"), for_diff);
        } else if (strcmp(m, "POST") == 0) {
            npatch++;
            check_request(req, WANT_CREATE, manifests, json_object_get(c, "live"), for_diff);
        } else if (strcmp(m, "GET") == 0 && status == 200 && !patched_later(reqs, i, path)) {
            npatch++;
            check_request(req, WANT_UNCHANGED, manifests, json_object_get(c, "live"), for_diff);
        }
    }
    KT_CHECK(npatch > 0);
    json_decref(manifests);
    json_decref(exp);
    json_decref(c);
    free(buf);
    free(casefile);
    free(expfile);
    return kt_done();
}
