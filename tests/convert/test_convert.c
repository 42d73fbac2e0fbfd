/*
 * test_convert.c: the conversion engine's own behaviour: path search (to a
 * target, to a served version, to the newest), the table's consistency, the
 * errors and the warning text. The field mappings are the golden cases'
 * business (fixtures/convert).
 */
#include "base/gojson.h"
#include "base/ks.h"
#include "convert/convert.h"
#include "convert/convert_rules.h"
#include "ktest.h"

#include <string.h>

/* A fake discovery: a NULL-terminated list of served group-versions. */
static bool served_in(const char *gv, const char *kind, void *ctx)
{
    (void)kind;
    for (const char *const *s = ctx; *s; s++)
        if (strcmp(*s, gv) == 0)
            return true;
    return false;
}

static json_t *obj(const char *text)
{
    json_t *o = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (gojson_loads(&o, text, strlen(text), &e))
        fprintf(stderr, "bad test JSON: %s\n", e.msg);
    return o;
}

static void test_paths(void)
{
    struct convert_path p;
    struct ks_err e = KS_ERR_INIT;

    KT_CHECK_INT(convert_path_find(&p, "extensions/v1beta1", "Deployment", "apps/v1", &e), 0);
    KT_CHECK_INT(p.n, 1);
    KT_CHECK_INT(convert_path_find(&p, "apps/v1", "Deployment", "apps/v1", &e), 0);
    KT_CHECK_INT(p.n, 0);
    /* extensions Ingress reaches networking v1beta1 through v1 */
    KT_CHECK_INT(
        convert_path_find(&p, "extensions/v1beta1", "Ingress", "networking.k8s.io/v1beta1", &e), 0);
    KT_CHECK_INT(p.n, 2);
    if (p.n == 2) {
        KT_CHECK_STR(p.steps[0]->to, "networking.k8s.io/v1");
        KT_CHECK(p.steps[1]->down);
    }
    KT_CHECK_INT(convert_path_find(&p, "apps/v1", "Deployment", "networking.k8s.io/v1", &e),
                 KS_ENOTFOUND);
    KT_CHECK_INT(convert_path_find(&p, "apps/v1beta2", "Deployment", "apps/v1beta1", &e),
                 KS_ENOTFOUND);

    /* served: a 1.33 cluster, and one from before 1.19 */
    const char *modern[] = {"apps/v1", "networking.k8s.io/v1", "autoscaling/v2", NULL};
    const char *old[] = {"apps/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1",
                         "autoscaling/v2beta2", NULL};
    KT_CHECK_INT(convert_path_to_served(&p, "networking.k8s.io/v1beta1", "Ingress", served_in,
                                        (void *)modern, &e),
                 0);
    KT_CHECK(p.n == 1 && strcmp(p.steps[0]->to, "networking.k8s.io/v1") == 0);
    KT_CHECK_INT(
        convert_path_to_served(&p, "networking.k8s.io/v1", "Ingress", served_in, (void *)old, &e),
        0);
    KT_CHECK(p.n == 1 && strcmp(p.steps[0]->to, "networking.k8s.io/v1beta1") == 0);
    KT_CHECK_INT(convert_path_to_served(&p, "autoscaling/v2beta1", "HorizontalPodAutoscaler",
                                        served_in, (void *)old, &e),
                 0);
    KT_CHECK_INT(p.n, 2);
    KT_CHECK_INT(convert_path_to_served(&p, "batch/v1beta1", "CronJob", served_in, (void *)old, &e),
                 KS_ENOTFOUND);
    KT_CHECK(strstr(e.msg, "batch/v1beta1 CronJob") != NULL);

    /* newest by up rules only; nothing for a current or unknown kind */
    convert_path_latest(&p, "networking.k8s.io/v1beta1", "Ingress");
    KT_CHECK(p.n == 1 && strcmp(p.steps[0]->to, "networking.k8s.io/v1") == 0);
    convert_path_latest(&p, "networking.k8s.io/v1", "Ingress");
    KT_CHECK_INT(p.n, 0);
    convert_path_latest(&p, "example.com/v1", "Widget");
    KT_CHECK_INT(p.n, 0);
}

static void test_table(void)
{
    size_t n;
    const struct convert_rule *r = convert_rules_table(&n);
    bool seen_down = false;
    for (size_t i = 0; i < n; i++) {
        KT_CHECK(r[i].kind && r[i].from && r[i].to && r[i].source);
        KT_CHECK(strcmp(r[i].from, r[i].to) != 0);
        /* up rules first, so ties prefer them */
        if (r[i].down)
            seen_down = true;
        else
            KT_CHECK(!seen_down);
        for (size_t j = 0; j < i; j++)
            KT_CHECK(!(strcmp(r[i].kind, r[j].kind) == 0 && strcmp(r[i].from, r[j].from) == 0 &&
                       strcmp(r[i].to, r[j].to) == 0));
    }
    KT_CHECK(n >= 30);
}

static void test_errors(void)
{
    struct ks_err e = KS_ERR_INIT;
    struct convert_path p;
    json_t *psp = obj("{\"apiVersion\":\"policy/v1beta1\",\"kind\":\"PodSecurityPolicy\","
                      "\"metadata\":{\"name\":\"restricted\"}}");
    json_t *out = NULL;
    KT_CHECK_INT(convert_object(&out, psp, "policy/v1", &e), KS_EINVALID);
    KT_CHECK(out == NULL);
    KT_CHECK_STR(e.msg, "policy/v1beta1 PodSecurityPolicy \"restricted\" has no successor: "
                        "PodSecurityPolicy was removed in Kubernetes v1.25; use Pod Security "
                        "Admission (the pod-security.kubernetes.io/enforce, audit and warn "
                        "namespace labels) instead");
    KT_CHECK_INT(convert_path_to_served(&p, "extensions/v1beta1", "PodSecurityPolicy", served_in,
                                        (void *)(const char *[]){NULL}, &e),
                 KS_EINVALID);
    KT_CHECK(strstr(e.msg, "Pod Security Admission") != NULL);
    json_decref(psp);

    json_t *nokind = obj("{\"apiVersion\":\"apps/v1\"}");
    KT_CHECK_INT(convert_object(&out, nokind, "apps/v1", &e), KS_EINPUT);
    json_decref(nokind);

    json_t *cm =
        obj("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
    KT_CHECK_INT(convert_object(&out, cm, "apps/v1", &e), KS_ENOTFOUND);
    KT_CHECK_STR(e.msg, "cannot convert v1 ConfigMap \"c\" to apps/v1: no conversion rule");
    /* same version: a copy, not the same reference */
    KT_CHECK_INT(convert_object(&out, cm, "v1", &e), 0);
    KT_CHECK(out && out != cm && gojson_equal(out, cm));
    json_decref(out);
    json_decref(cm);

    /* a rule's error names the object */
    json_t *csr = obj("{\"apiVersion\":\"certificates.k8s.io/v1beta1\",\"kind\":"
                      "\"CertificateSigningRequest\",\"metadata\":{\"name\":\"n\"},"
                      "\"spec\":{\"request\":\"eA==\"}}");
    KT_CHECK_INT(convert_object(&out, csr, "certificates.k8s.io/v1", &e), KS_EINVALID);
    KT_CHECK(strncmp(e.msg,
                     "converting certificates.k8s.io/v1beta1 CertificateSigningRequest \"n\" "
                     "to certificates.k8s.io/v1: spec.signerName",
                     100) == 0);
    json_decref(csr);
}

static void test_messages(void)
{
    struct convert_path p;
    struct ks_err e = KS_ERR_INIT;
    json_t *d = obj("{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"Deployment\","
                    "\"metadata\":{\"name\":\"web\"}}");
    KT_CHECK_INT(convert_path_find(&p, "extensions/v1beta1", "Deployment", "apps/v1", &e), 0);
    char *w = convert_warning(d, &p);
    KT_CHECK_STR(w, "extensions/v1beta1 Deployment \"web\" converted to apps/v1; update the "
                    "manifest");
    free(w);
    json_decref(d);
    char *m = convert_no_match_error("web", "", "deploy.yaml", "Deployment", "extensions/v1beta1");
    KT_CHECK_STR(m, "resource mapping not found for name: \"web\" namespace: \"\" from "
                    "\"deploy.yaml\": no matches for kind \"Deployment\" in version "
                    "\"extensions/v1beta1\"\nensure CRDs are installed first");
    free(m);
}

static void test_to_served(void)
{
    struct ks_err e = KS_ERR_INIT;
    const char *modern[] = {"apps/v1", "networking.k8s.io/v1", NULL};
    json_t *d = obj("{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"Deployment\","
                    "\"metadata\":{\"name\":\"web\"},\"spec\":{\"template\":{\"metadata\":"
                    "{\"labels\":{\"app\":\"web\"}}}}}");
    json_t *before = json_deep_copy(d), *out = NULL;
    char *warn = NULL;
    KT_CHECK_INT(convert_to_served(&out, &warn, d, served_in, (void *)modern, &e), 0);
    KT_CHECK(out && gojson_equal(before, d));
    KT_CHECK_STR(json_string_value(json_object_get(out, "apiVersion")), "apps/v1");
    KT_CHECK_STR(warn, "extensions/v1beta1 Deployment \"web\" converted to apps/v1; update the "
                       "manifest");
    json_decref(out);
    free(warn);

    /* served as it is: nothing to do */
    const char *old[] = {"extensions/v1beta1", NULL};
    KT_CHECK_INT(convert_to_served(&out, &warn, d, served_in, (void *)old, &e), 0);
    KT_CHECK(out == NULL && warn == NULL);
    /* nothing reaches a served version */
    const char *none[] = {NULL};
    KT_CHECK_INT(convert_to_served(&out, &warn, d, served_in, (void *)none, &e), KS_ENOTFOUND);
    KT_CHECK(out == NULL && warn == NULL);
    json_decref(before);
    json_decref(d);

    json_t *psp = obj("{\"apiVersion\":\"policy/v1beta1\",\"kind\":\"PodSecurityPolicy\","
                      "\"metadata\":{\"name\":\"p\"}}");
    KT_CHECK_INT(convert_to_served(&out, &warn, psp, served_in, (void *)modern, &e), KS_EINVALID);
    KT_CHECK(strstr(e.msg, "policy/v1beta1 PodSecurityPolicy \"p\" has no successor") == e.msg);
    json_decref(psp);
}

int main(void)
{
    ks_alloc_install();
    test_paths();
    test_table();
    test_errors();
    test_messages();
    test_to_served();
    return kt_done();
}
