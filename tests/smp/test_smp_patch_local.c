/*
 * test_smp_patch_local.c: patch_smp_apply against real kubectl. Each case of
 * fixtures/smp/patch-local.yaml holds a live Pod, a strategic merge patch and
 * what `kubectl.1.33 patch --local --type strategic` printed (the result, or
 * the error line), recorded by tests/smp/record_patch_local.py. The Pod's
 * patch metadata is hand-built here from builtin-patch-meta.tsv (struct tags).
 * Usage: test_smp_patch_local PYTHON3 CASE2JSON FIXTURE | --absent WHY
 */
#include "base/gojson.h"
#include "base/strbuf.h"
#include "ktest.h"
#include "patch/patch_smp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(n, s, r, mk, t)                                                                          \
    {                                                                                              \
        n, s, r, 0, 0, 0, mk, NULL, NULL, t                                                        \
    }
#define T(n, f)                                                                                    \
    {                                                                                              \
        n, PMETA_STRUCT, PMETA_T_OBJECT, 0, sizeof(f) / sizeof((f)[0]), f                          \
    }

static const struct pmeta_type str_t = {"string", PMETA_STRUCT, PMETA_T_OPAQUE, 0, 0, NULL};
static const struct pmeta_type map_t = {"map", PMETA_STRUCT, PMETA_T_OPAQUE, 0, 0, NULL};
static const struct pmeta_type int_t = {"int32", PMETA_STRUCT, PMETA_T_OPAQUE, 0, 0, NULL};
static const struct pmeta_type bool_t = {"bool", PMETA_STRUCT, PMETA_T_OPAQUE, 0, 0, NULL};

/* fields sorted by name */
static const struct pmeta_field env_f[] = {F("name", 0, 0, NULL, &str_t),
                                           F("value", 0, 0, NULL, &str_t),
                                           F("valueFrom", 0, 0, NULL, &map_t)};
static const struct pmeta_type env_t = T("EnvVar", env_f);
static const struct pmeta_field port_f[] = {
    F("containerPort", 0, 0, NULL, &int_t), F("hostIP", 0, 0, NULL, &str_t),
    F("hostPort", 0, 0, NULL, &int_t), F("name", 0, 0, NULL, &str_t),
    F("protocol", 0, 0, NULL, &str_t)};
static const struct pmeta_type port_t = T("ContainerPort", port_f);
static const struct pmeta_field mount_f[] = {F("mountPath", 0, 0, NULL, &str_t),
                                             F("name", 0, 0, NULL, &str_t),
                                             F("readOnly", 0, 0, NULL, &bool_t)};
static const struct pmeta_type mount_t = T("VolumeMount", mount_f);
static const struct pmeta_field res_f[] = {F("limits", 0, 0, NULL, &map_t),
                                           F("requests", 0, 0, NULL, &map_t)};
static const struct pmeta_type res_t = T("ResourceRequirements", res_f);
static const struct pmeta_field container_f[] = {
    F("args", 0, 0, NULL, &str_t),
    F("command", 0, 0, NULL, &str_t),
    F("env", PMETA_MERGE, 0, "name", &env_t),
    F("image", 0, 0, NULL, &str_t),
    F("imagePullPolicy", 0, 0, NULL, &str_t),
    F("name", 0, 0, NULL, &str_t),
    F("ports", PMETA_MERGE, 0, "containerPort", &port_t),
    F("resources", 0, 0, NULL, &res_t),
    F("tty", 0, 0, NULL, &bool_t),
    F("volumeMounts", PMETA_MERGE, 0, "mountPath", &mount_t)};
static const struct pmeta_type container_t = T("Container", container_f);
static const struct pmeta_field alias_f[] = {F("hostnames", 0, 0, NULL, &str_t),
                                             F("ip", 0, 0, NULL, &str_t)};
static const struct pmeta_type alias_t = T("HostAlias", alias_f);
static const struct pmeta_field tol_f[] = {
    F("effect", 0, 0, NULL, &str_t), F("key", 0, 0, NULL, &str_t),
    F("operator", 0, 0, NULL, &str_t), F("value", 0, 0, NULL, &str_t)};
static const struct pmeta_type tol_t = T("Toleration", tol_f);
static const struct pmeta_field cm_f[] = {F("defaultMode", 0, 0, NULL, &int_t),
                                          F("items", 0, 0, NULL, &map_t),
                                          F("name", 0, 0, NULL, &str_t)};
static const struct pmeta_type cm_t = T("ConfigMapVolumeSource", cm_f);
static const struct pmeta_field ed_f[] = {F("medium", 0, 0, NULL, &str_t),
                                          F("sizeLimit", 0, 0, NULL, &str_t)};
static const struct pmeta_type ed_t = T("EmptyDirVolumeSource", ed_f);
static const struct pmeta_field sec_f[] = {F("items", 0, 0, NULL, &map_t),
                                           F("secretName", 0, 0, NULL, &str_t)};
static const struct pmeta_type sec_t = T("SecretVolumeSource", sec_f);
static const struct pmeta_field vol_f[] = {
    F("configMap", 0, 0, NULL, &cm_t), F("emptyDir", 0, 0, NULL, &ed_t),
    F("name", 0, 0, NULL, &str_t), F("secret", 0, 0, NULL, &sec_t)};
static const struct pmeta_type vol_t = T("Volume", vol_f);
static const struct pmeta_field ref_f[] = {F("name", 0, 0, NULL, &str_t)};
static const struct pmeta_type ref_t = T("LocalObjectReference", ref_f);
static const struct pmeta_field spec_f[] = {
    F("containers", PMETA_MERGE, 0, "name", &container_t),
    F("hostAliases", PMETA_MERGE, 0, "ip", &alias_t),
    F("imagePullSecrets", PMETA_MERGE, 0, "name", &ref_t),
    F("initContainers", PMETA_MERGE, 0, "name", &container_t),
    F("nodeSelector", 0, 0, NULL, &map_t),
    F("restartPolicy", 0, 0, NULL, &str_t),
    F("tolerations", 0, 0, NULL, &tol_t),
    F("volumes", PMETA_MERGE, 1, "name", &vol_t)};
static const struct pmeta_type spec_t = T("PodSpec", spec_f);
static const struct pmeta_field owner_f[] = {
    F("apiVersion", 0, 0, NULL, &str_t), F("kind", 0, 0, NULL, &str_t),
    F("name", 0, 0, NULL, &str_t), F("uid", 0, 0, NULL, &str_t)};
static const struct pmeta_type owner_t = T("OwnerReference", owner_f);
static const struct pmeta_field meta_f[] = {
    F("annotations", 0, 0, NULL, &map_t), F("finalizers", PMETA_MERGE, 0, NULL, &str_t),
    F("labels", 0, 0, NULL, &map_t),      F("name", 0, 0, NULL, &str_t),
    F("namespace", 0, 0, NULL, &str_t),   F("ownerReferences", PMETA_MERGE, 0, "uid", &owner_t)};
static const struct pmeta_type meta_t = T("ObjectMeta", meta_f);
static const struct pmeta_field pod_f[] = {
    F("apiVersion", 0, 0, NULL, &str_t), F("kind", 0, 0, NULL, &str_t),
    F("metadata", 0, 0, NULL, &meta_t), F("spec", 0, 0, NULL, &spec_t),
    F("status", 0, 0, NULL, &map_t)};
static const struct pmeta_type pod_t = T("Pod", pod_f);

static json_t *load_fixture(const char *py, const char *c2j, const char *path)
{
    struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    json_t *c = NULL;
    char buf[8192];
    size_t n;
    FILE *p;

    strbuf_addf(&cmd, "'%s' '%s' '%s'", py, c2j, path);
    if (!(p = popen(strbuf_str(&cmd), "r")))
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        strbuf_add(&out, buf, n);
    if (pclose(p) == 0 && gojson_loads(&c, out.buf, out.len, &e) < 0)
        fprintf(stderr, "%s: %s\n", path, e.msg);
    strbuf_release(&cmd);
    strbuf_release(&out);
    return c;
}

static void run_case(const char *fixture, const json_t *c)
{
    const char *name = json_string_value(json_object_get(c, "name"));
    const json_t *want = json_object_get(c, "result");
    const char *want_err = json_string_value(json_object_get(c, "error"));
    struct ks_err e = KS_ERR_INIT;
    json_t *got = NULL;
    int rc =
        patch_smp_apply(&got, json_object_get(c, "live"), json_object_get(c, "patch"), &pod_t, &e);
    char *g = rc == 0 ? gojson_dumps(got) : NULL, *w = want ? gojson_dumps(want) : NULL;
    size_t n = strlen(e.msg);

    /* kubectl prints the message with a newline added unless it ends with one */
    if (rc < 0 && (!n || e.msg[n - 1] != '\n') && n + 1 < sizeof(e.msg))
        strcat(e.msg, "\n");
    if (want_err ? (rc < 0 && !strcmp(e.msg, want_err)) : (g && w && !strcmp(g, w))) {
        kt_pass++;
    } else {
        kt_fail++;
        fprintf(stderr, "FAIL %s: case \"%s\"\n  want: %s\n  got:  %s\n", fixture, name,
                want_err ? want_err : w, rc < 0 ? e.msg : g);
    }
    free(g);
    free(w);
    json_decref(got);
}

int main(int argc, char **argv)
{
    json_t *doc, *cases;

    ks_alloc_install();
    if (argc == 3 && !strcmp(argv[1], "--absent"))
        kt_skip(argv[2]);
    if (argc != 4) {
        fprintf(stderr, "usage: test_smp_patch_local PYTHON3 CASE2JSON FIXTURE\n");
        return 2;
    }
    if (!(doc = load_fixture(argv[1], argv[2], argv[3])))
        return 1;
    cases = json_object_get(doc, "cases");
    for (size_t i = 0; i < json_array_size(cases); i++)
        run_case(argv[3], json_array_get(cases, i));
    json_decref(doc);
    return kt_done();
}
