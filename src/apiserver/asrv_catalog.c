/*
 * asrv_catalog.c: the resource table of kubeshim-apiserver. Built-in kinds
 * follow the discovery documents of a 1.33 API server (short names,
 * categories, subresources); CRDs add their kinds at every served version,
 * like the apiextensions-apiserver does once a definition is Established.
 */
#include "apiserver/asrv_catalog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct builtin {
    const char *group, *version, *resource, *kind, *shorts, *categories, *subres;
    bool namespaced, generation;
};

/* PARITY: kube-apiserver 1.33 discovery (short names, categories, subresources). */
static const struct builtin builtins[] = {
    {"", "v1", "configmaps", "ConfigMap", "cm", "", "", true, false},
    {"", "v1", "endpoints", "Endpoints", "ep", "", "", true, false},
    {"", "v1", "events", "Event", "ev", "", "", true, false},
    {"", "v1", "limitranges", "LimitRange", "limits", "", "", true, false},
    {"", "v1", "namespaces", "Namespace", "ns", "", "status,finalize", false, false},
    {"", "v1", "nodes", "Node", "no", "", "status,proxy", false, false},
    {"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", "pvc", "", "status", true, false},
    {"", "v1", "persistentvolumes", "PersistentVolume", "pv", "", "status", false, false},
    {"", "v1", "pods", "Pod", "po", "all", "status,log,ephemeralcontainers", true, false},
    {"", "v1", "podtemplates", "PodTemplate", "", "", "", true, false},
    {"", "v1", "replicationcontrollers", "ReplicationController", "rc", "all", "status,scale", true,
     true},
    {"", "v1", "resourcequotas", "ResourceQuota", "quota", "", "status", true, false},
    {"", "v1", "secrets", "Secret", "", "", "", true, false},
    {"", "v1", "serviceaccounts", "ServiceAccount", "sa", "", "token", true, false},
    {"", "v1", "services", "Service", "svc", "all", "status,proxy", true, false},
    {"apps", "v1", "controllerrevisions", "ControllerRevision", "", "", "", true, false},
    {"apps", "v1", "daemonsets", "DaemonSet", "ds", "all", "status", true, true},
    {"apps", "v1", "deployments", "Deployment", "deploy", "all", "status,scale", true, true},
    {"apps", "v1", "replicasets", "ReplicaSet", "rs", "all", "status,scale", true, true},
    {"apps", "v1", "statefulsets", "StatefulSet", "sts", "all", "status,scale", true, true},
    {"batch", "v1", "cronjobs", "CronJob", "cj", "all", "status", true, true},
    {"batch", "v1", "jobs", "Job", "", "all", "status", true, true},
    {"networking.k8s.io", "v1", "ingressclasses", "IngressClass", "", "", "", false, true},
    {"networking.k8s.io", "v1", "ingresses", "Ingress", "ing", "", "status", true, true},
    {"networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", "netpol", "", "", true, true},
    {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", "", "", "",
     false, false},
    {"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", "", "", "", false, false},
    {"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", "", "", "", true, false},
    {"rbac.authorization.k8s.io", "v1", "roles", "Role", "", "", "", true, false},
    {"policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", "pdb", "", "status", true,
     true},
    {"autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", "hpa", "all",
     "status", true, false},
    {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
     "crd,crds", "api-extensions", "status", false, true},
    {"storage.k8s.io", "v1", "storageclasses", "StorageClass", "sc", "", "", false, false},
    {"scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", "pc", "", "", false, false},
    {"coordination.k8s.io", "v1", "leases", "Lease", "", "", "", true, false},
};

/* Group-versions older clusters served (1.16-1.25): only when --serve-only names them. */
static const struct builtin legacy[] = {
    {"extensions", "v1beta1", "deployments", "Deployment", "deploy", "all", "status,scale", true,
     true},
    {"extensions", "v1beta1", "daemonsets", "DaemonSet", "ds", "all", "status", true, true},
    {"extensions", "v1beta1", "replicasets", "ReplicaSet", "rs", "all", "status,scale", true, true},
    {"extensions", "v1beta1", "ingresses", "Ingress", "ing", "", "status", true, true},
    {"extensions", "v1beta1", "networkpolicies", "NetworkPolicy", "netpol", "", "", true, true},
    {"apps", "v1beta1", "deployments", "Deployment", "deploy", "all", "status,scale", true, true},
    {"apps", "v1beta2", "deployments", "Deployment", "deploy", "all", "status,scale", true, true},
    {"batch", "v1beta1", "cronjobs", "CronJob", "cj", "all", "status", true, true},
    {"networking.k8s.io", "v1beta1", "ingresses", "Ingress", "ing", "", "status", true, true},
    {"policy", "v1beta1", "poddisruptionbudgets", "PodDisruptionBudget", "pdb", "", "status", true,
     true},
    {"autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", "hpa", "all",
     "status", true, false},
    {"autoscaling", "v2beta2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", "hpa", "all",
     "status", true, false},
    {"rbac.authorization.k8s.io", "v1beta1", "roles", "Role", "", "", "", true, false},
    {"apiextensions.k8s.io", "v1beta1", "customresourcedefinitions", "CustomResourceDefinition",
     "crd,crds", "api-extensions", "status", false, true},
};

/* PARITY: the group order of a 1.33 API server's /apis (by group priority). */
static const char *const group_order[] = {
    "",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
};

static void res_add(struct asrv_catalog *c, const struct builtin *b, const char *singular,
                    const char *list_kind, bool crd)
{
    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 64;
        c->res = ks_realloc(c->res, c->alloc * sizeof(*c->res));
    }
    struct asrv_res *r = &c->res[c->n++];
    memset(r, 0, sizeof(*r));
    r->group = ks_strdup(b->group);
    r->version = ks_strdup(b->version);
    r->resource = ks_strdup(b->resource);
    r->kind = ks_strdup(b->kind);
    if (singular) {
        r->singular = ks_strdup(singular);
    } else {
        r->singular = ks_strdup(b->kind);
        for (char *p = r->singular; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    r->list_kind = list_kind ? ks_strdup(list_kind) : ks_asprintf("%sList", b->kind);
    r->shorts = ks_strdup(b->shorts);
    r->categories = ks_strdup(b->categories);
    r->subres = ks_strdup(b->subres);
    r->namespaced = b->namespaced;
    r->generation = b->generation;
    r->crd = crd;
    r->cluster_ish = strcmp(b->resource, "namespaces") == 0;
}

static void res_free(struct asrv_res *r)
{
    free(r->group);
    free(r->version);
    free(r->resource);
    free(r->kind);
    free(r->singular);
    free(r->list_kind);
    free(r->shorts);
    free(r->categories);
    free(r->subres);
}

static bool gv_allowed(const struct asrv_catalog *c, const char *group, const char *version,
                       bool old)
{
    if (!c->only)
        return !old;
    for (char **p = c->only; *p; p++) {
        const char *slash = strchr(*p, '/');
        if (!slash && !*group && strcmp(*p, version) == 0)
            return true;
        if (slash && strlen(group) == (size_t)(slash - *p) &&
            strncmp(*p, group, strlen(group)) == 0 && strcmp(slash + 1, version) == 0)
            return true;
    }
    return false;
}

void asrv_catalog_init(struct asrv_catalog *c, const char *only)
{
    memset(c, 0, sizeof(*c));
    if (only && *only) {
        size_t n = 1;
        for (const char *p = only; *p; p++)
            n += *p == ',';
        c->only = ks_calloc(n + 1, sizeof(char *));
        char *dup = ks_strdup(only), *save = NULL;
        size_t i = 0;
        for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
            c->only[i++] = ks_strdup(t);
        free(dup);
    }
    for (size_t i = 0; i < KS_ARRAY_SIZE(builtins); i++)
        if (gv_allowed(c, builtins[i].group, builtins[i].version, false))
            res_add(c, &builtins[i], NULL, NULL, false);
    for (size_t i = 0; i < KS_ARRAY_SIZE(legacy); i++)
        if (gv_allowed(c, legacy[i].group, legacy[i].version, true))
            res_add(c, &legacy[i], NULL, NULL, false);
}

void asrv_catalog_release(struct asrv_catalog *c)
{
    for (size_t i = 0; i < c->n; i++)
        res_free(&c->res[i]);
    free(c->res);
    if (c->only) {
        for (char **p = c->only; *p; p++)
            free(*p);
        free(c->only);
    }
    memset(c, 0, sizeof(*c));
}

const struct asrv_res *asrv_catalog_find(const struct asrv_catalog *c, const char *group,
                                         const char *version, const char *resource)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct asrv_res *r = &c->res[i];
        if (strcmp(r->resource, resource) == 0 && strcmp(r->group, group) == 0 &&
            strcmp(r->version, version) == 0)
            return r;
    }
    return NULL;
}

const struct asrv_res *asrv_catalog_by_kind(const struct asrv_catalog *c, const char *group,
                                            const char *version, const char *kind)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct asrv_res *r = &c->res[i];
        if (strcmp(r->kind, kind) == 0 && strcmp(r->group, group) == 0 &&
            strcmp(r->version, version) == 0)
            return r;
    }
    return NULL;
}

bool asrv_catalog_has_gv(const struct asrv_catalog *c, const char *group, const char *version)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->res[i].group, group) == 0 && strcmp(c->res[i].version, version) == 0)
            return true;
    return false;
}

/* Split "v1beta2" into major 1, level (3 GA, 2 beta, 1 alpha) and minor 2; 0 when not kube-like. */
static int version_parse(const char *v, long *major, int *level, long *minor)
{
    char *end = NULL;
    if (v[0] != 'v' || !isdigit((unsigned char)v[1]))
        return 0;
    *major = strtol(v + 1, &end, 10);
    *minor = 0;
    if (!*end) {
        *level = 3;
        return 1;
    }
    if (strncmp(end, "beta", 4) == 0)
        *level = 2, end += 4;
    else if (strncmp(end, "alpha", 5) == 0)
        *level = 1, end += 5;
    else
        return 0;
    if (!isdigit((unsigned char)*end))
        return 0;
    *minor = strtol(end, &end, 10);
    return *end ? 0 : 1;
}

int asrv_catalog_version_cmp(const char *a, const char *b)
{
    long ma = 0, mb = 0, na = 0, nb = 0;
    int la = 0, lb = 0;
    int ka = version_parse(a, &ma, &la, &na), kb = version_parse(b, &mb, &lb, &nb);
    if (ka != kb)
        return ka ? -1 : 1;
    if (!ka)
        return strcmp(a, b);
    if (la != lb)
        return lb - la;
    if (ma != mb)
        return ma > mb ? -1 : 1;
    if (na != nb)
        return na > nb ? -1 : 1;
    return 0;
}

static int group_rank(const char *g)
{
    for (size_t i = 0; i < KS_ARRAY_SIZE(group_order); i++)
        if (strcmp(group_order[i], g) == 0)
            return (int)i;
    return (int)KS_ARRAY_SIZE(group_order);
}

static int group_cmp(const void *pa, const void *pb)
{
    const char *a = json_string_value(json_object_get(*(json_t *const *)pa, "name"));
    const char *b = json_string_value(json_object_get(*(json_t *const *)pb, "name"));
    int ra = group_rank(a), rb = group_rank(b);
    if (ra != rb)
        return ra - rb;
    return strcmp(a, b);
}

static int ver_qcmp(const void *pa, const void *pb)
{
    return asrv_catalog_version_cmp(json_string_value(*(json_t *const *)pa),
                                    json_string_value(*(json_t *const *)pb));
}

json_t *asrv_catalog_groups(const struct asrv_catalog *c)
{
    json_t *byname = json_object();
    for (size_t i = 0; i < c->n; i++) {
        const struct asrv_res *r = &c->res[i];
        json_t *g = json_object_get(byname, r->group);
        if (!g) {
            g = json_pack("{s:s,s:[]}", "name", r->group, "versions");
            json_object_set_new(byname, r->group, g);
        }
        json_t *vs = json_object_get(g, "versions");
        bool seen = false;
        for (size_t k = 0; k < json_array_size(vs); k++)
            seen |= strcmp(json_string_value(json_array_get(vs, k)), r->version) == 0;
        if (!seen)
            json_array_append_new(vs, json_string(r->version));
    }
    size_t n = json_object_size(byname), i = 0;
    json_t **arr = ks_calloc(n ? n : 1, sizeof(json_t *));
    const char *k;
    json_t *v;
    json_object_foreach(byname, k, v)
    {
        json_t *vs = json_object_get(v, "versions");
        size_t nv = json_array_size(vs);
        json_t **va = ks_calloc(nv ? nv : 1, sizeof(json_t *));
        for (size_t j = 0; j < nv; j++)
            va[j] = json_incref(json_array_get(vs, j));
        qsort(va, nv, sizeof(json_t *), ver_qcmp);
        json_array_clear(vs);
        for (size_t j = 0; j < nv; j++)
            json_array_append_new(vs, va[j]);
        free(va);
        arr[i++] = v;
    }
    qsort(arr, n, sizeof(json_t *), group_cmp);
    json_t *out = json_array();
    for (i = 0; i < n; i++)
        json_array_append(out, arr[i]);
    free(arr);
    json_decref(byname);
    return out;
}

static void remove_crd_kinds(struct asrv_catalog *c, const char *name)
{
    size_t w = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct asrv_res *r = &c->res[i];
        bool mine = false;
        if (r->crd) {
            char *q = ks_asprintf("%s.%s", r->resource, r->group);
            mine = strcmp(q, name) == 0;
            free(q);
        }
        if (mine)
            res_free(r);
        else
            c->res[w++] = *r;
    }
    c->n = w;
}

static char *join_strings(const json_t *arr)
{
    char *out = ks_strdup("");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s)
            continue;
        char *n = ks_asprintf("%s%s%s", out, *out ? "," : "", s);
        free(out);
        out = n;
    }
    return out;
}

int asrv_catalog_set_crd(struct asrv_catalog *c, const char *name, const json_t *crd,
                         struct ks_err *e)
{
    remove_crd_kinds(c, name);
    if (!crd)
        return 0;
    const json_t *spec = json_object_get(crd, "spec");
    const json_t *names = json_object_get(spec, "names");
    const char *group = json_string_value(json_object_get(spec, "group"));
    const char *plural = json_string_value(json_object_get(names, "plural"));
    const char *kind = json_string_value(json_object_get(names, "kind"));
    const char *singular = json_string_value(json_object_get(names, "singular"));
    const char *list_kind = json_string_value(json_object_get(names, "listKind"));
    const char *scope = json_string_value(json_object_get(spec, "scope"));
    const json_t *versions = json_object_get(spec, "versions");
    if (!group || !plural || !kind || !json_is_array(versions))
        return ks_fail(e, KS_EINVALID, "spec.group, spec.names and spec.versions are required");
    char *shorts = join_strings(json_object_get(names, "shortNames"));
    char *cats = join_strings(json_object_get(names, "categories"));
    for (size_t i = 0; i < json_array_size(versions); i++) {
        const json_t *v = json_array_get(versions, i);
        const char *vn = json_string_value(json_object_get(v, "name"));
        if (!vn || json_is_false(json_object_get(v, "served")) || !gv_allowed(c, group, vn, false))
            continue;
        const json_t *subs = json_object_get(v, "subresources");
        char *sub = ks_asprintf(
            "%s%s%s", json_object_get(subs, "status") ? "status" : "",
            json_object_get(subs, "status") && json_object_get(subs, "scale") ? "," : "",
            json_object_get(subs, "scale") ? "scale" : "");
        struct builtin b = {group,  vn,   plural, kind,
                            shorts, cats, sub,    !scope || strcmp(scope, "Cluster") != 0,
                            true};
        res_add(c, &b, singular && *singular ? singular : NULL, list_kind, true);
        free(sub);
    }
    free(shorts);
    free(cats);
    return 0;
}

char *asrv_catalog_qualified(const struct asrv_res *r)
{
    return *r->group ? ks_asprintf("%s.%s", r->resource, r->group) : ks_strdup(r->resource);
}

char *asrv_catalog_gv(const struct asrv_res *r)
{
    return *r->group ? ks_asprintf("%s/%s", r->group, r->version) : ks_strdup(r->version);
}
