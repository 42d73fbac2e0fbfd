/*
 * asrv_discovery.c: discovery as kubectl 1.27 (aggregated v2beta1) and 1.30+
 * (v2 first) ask for it; the Content-Type of an aggregated answer echoes the
 * media type that was accepted (k8s.io/apiserver/pkg/endpoints/discovery).
 */
#include "apiserver/asrv_discovery.h"

#include "apiserver/asrv_status.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

static const char agg_v2[] = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
static const char agg_v2beta1[] =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/* True when the media range carries parameter key=val. */
static bool has_param(const char *media, size_t n, const char *kv)
{
    size_t kl = strlen(kv);
    for (size_t i = 0; i + kl <= n; i++) {
        if ((i == 0 || media[i - 1] == ';' || media[i - 1] == ' ') &&
            strncmp(media + i, kv, kl) == 0 && (i + kl == n || media[i + kl] == ';'))
            return true;
    }
    return false;
}

const char *asrv_discovery_aggregated(const char *accept)
{
    const char *p = accept;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (has_param(p, n, "g=apidiscovery.k8s.io") &&
            has_param(p, n, "as=APIGroupDiscoveryList")) {
            if (has_param(p, n, "v=v2"))
                return "v2";
            if (has_param(p, n, "v=v2beta1"))
                return "v2beta1";
        }
        p = comma ? comma + 1 : NULL;
    }
    return NULL;
}

struct subinfo {
    const char *name, *verbs, *group, *version, *kind; /* kind NULL: the parent's kind */
};

static const struct subinfo subinfos[] = {
    {"status", "get,patch,update", NULL, NULL, NULL},
    {"scale", "get,patch,update", "autoscaling", "v1", "Scale"},
    {"proxy", "create,delete,get,patch,update", NULL, NULL, "ProxyOptions"},
    {"log", "get", NULL, NULL, "Pod"},
    {"ephemeralcontainers", "get,patch,update", NULL, NULL, "Pod"},
    {"finalize", "update", NULL, NULL, "Namespace"},
    {"token", "create", "authentication.k8s.io", "v1", "TokenRequest"},
};

static const struct subinfo *sub_lookup(const char *name)
{
    for (size_t i = 0; i < KS_ARRAY_SIZE(subinfos); i++)
        if (strcmp(subinfos[i].name, name) == 0)
            return &subinfos[i];
    return NULL;
}

static json_t *split_list(const char *s)
{
    json_t *a = json_array();
    char *dup = ks_strdup(s), *save = NULL;
    for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_array_append_new(a, json_string(t));
    free(dup);
    return a;
}

static json_t *verbs_of(const struct asrv_res *r)
{
    return split_list(r->cluster_ish
                          ? "create,delete,get,list,patch,update,watch"
                          : "create,delete,deletecollection,get,list,patch,update,watch");
}

static char *sub_kind(const struct asrv_res *r, const struct subinfo *si)
{
    if (!si->kind)
        return ks_strdup(r->kind);
    if (strcmp(si->kind, "ProxyOptions") == 0)
        return ks_asprintf("%sProxyOptions", r->kind);
    return ks_strdup(si->kind);
}

/* PARITY: storageVersionHash is base64(sha256(...)[:8]) in kube-apiserver. */
static json_t *storage_hash(const struct asrv_res *r)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    char *in = ks_asprintf("%s/%s/%s", r->group, r->version, r->kind);
    SHA256((const unsigned char *)in, strlen(in), md);
    free(in);
    unsigned char out[16];
    EVP_EncodeBlock(out, md, 8);
    return json_string((const char *)out);
}

static json_t *agg_resource(const struct asrv_res *r)
{
    json_t *d = json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "resource", r->resource,
                          "responseKind", "group", "", "version", "", "kind", r->kind, "scope",
                          r->namespaced ? "Namespaced" : "Cluster", "singularResource", r->singular,
                          "verbs", verbs_of(r));
    if (*r->shorts)
        json_object_set_new(d, "shortNames", split_list(r->shorts));
    if (*r->categories)
        json_object_set_new(d, "categories", split_list(r->categories));
    if (*r->subres) {
        json_t *subs = json_array();
        json_t *names = split_list(r->subres);
        for (size_t i = 0; i < json_array_size(names); i++) {
            const char *sn = json_string_value(json_array_get(names, i));
            const struct subinfo *si = sub_lookup(sn);
            if (!si)
                continue;
            char *k = sub_kind(r, si);
            json_array_append_new(subs,
                                  json_pack("{s:s,s:{s:s,s:s,s:s},s:o}", "subresource", sn,
                                            "responseKind", "group", si->group ? si->group : "",
                                            "version", si->version ? si->version : "", "kind", k,
                                            "verbs", split_list(si->verbs)));
            free(k);
        }
        json_decref(names);
        json_object_set_new(d, "subresources", subs);
    }
    return d;
}

static json_t *agg_group(const struct asrv_catalog *c, const json_t *g)
{
    const char *name = json_string_value(json_object_get(g, "name"));
    json_t *md = *name ? json_pack("{s:s,s:n}", "name", name, "creationTimestamp")
                       : json_pack("{s:n}", "creationTimestamp");
    json_t *versions = json_array();
    const json_t *vs = json_object_get(g, "versions");
    for (size_t i = 0; i < json_array_size(vs); i++) {
        const char *v = json_string_value(json_array_get(vs, i));
        json_t *res = json_array();
        for (size_t k = 0; k < c->n; k++)
            if (strcmp(c->res[k].group, name) == 0 && strcmp(c->res[k].version, v) == 0)
                json_array_append_new(res, agg_resource(&c->res[k]));
        json_array_append_new(versions, json_pack("{s:s,s:o,s:s}", "version", v, "resources", res,
                                                  "freshness", "Current"));
    }
    return json_pack("{s:o,s:o}", "metadata", md, "versions", versions);
}

static void agg_list(struct asrv_resp *r, const struct asrv_catalog *c, const char *agg, bool core)
{
    json_t *groups = asrv_catalog_groups(c);
    json_t *items = json_array();
    for (size_t i = 0; i < json_array_size(groups); i++) {
        const json_t *g = json_array_get(groups, i);
        bool is_core = !*json_string_value(json_object_get(g, "name"));
        if (is_core == core)
            json_array_append_new(items, agg_group(c, g));
    }
    char *av = ks_asprintf("apidiscovery.k8s.io/%s", agg);
    json_t *doc = json_pack("{s:s,s:s,s:{},s:o}", "kind", "APIGroupDiscoveryList", "apiVersion", av,
                            "metadata", "items", items);
    asrv_status_json_ct(r, 200, strcmp(agg, "v2") == 0 ? agg_v2 : agg_v2beta1, doc);
    json_decref(doc);
    json_decref(groups);
    free(av);
}

void asrv_discovery_api(struct asrv_resp *r, const struct asrv_catalog *c, const char *agg,
                        const char *host)
{
    if (agg) {
        agg_list(r, c, agg, true);
        return;
    }
    json_t *doc =
        json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions", "versions", "v1",
                  "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0", "serverAddress", host);
    asrv_status_json(r, 200, doc);
    json_decref(doc);
}

static json_t *legacy_group(const json_t *g)
{
    const char *name = json_string_value(json_object_get(g, "name"));
    const json_t *vs = json_object_get(g, "versions");
    json_t *gvs = json_array();
    for (size_t i = 0; i < json_array_size(vs); i++) {
        const char *v = json_string_value(json_array_get(vs, i));
        char *gv = ks_asprintf("%s/%s", name, v);
        json_array_append_new(gvs, json_pack("{s:s,s:s}", "groupVersion", gv, "version", v));
        free(gv);
    }
    json_t *pref = json_deep_copy(json_array_get(gvs, 0));
    return json_pack("{s:s,s:o,s:o}", "name", name, "versions", gvs, "preferredVersion", pref);
}

void asrv_discovery_apis(struct asrv_resp *r, const struct asrv_catalog *c, const char *agg)
{
    if (agg) {
        agg_list(r, c, agg, false);
        return;
    }
    json_t *groups = asrv_catalog_groups(c);
    json_t *list = json_array();
    for (size_t i = 0; i < json_array_size(groups); i++) {
        const json_t *g = json_array_get(groups, i);
        if (*json_string_value(json_object_get(g, "name")))
            json_array_append_new(list, legacy_group(g));
    }
    json_t *doc =
        json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion", "v1", "groups", list);
    asrv_status_json(r, 200, doc);
    json_decref(doc);
    json_decref(groups);
}

bool asrv_discovery_group(struct asrv_resp *r, const struct asrv_catalog *c, const char *group)
{
    json_t *groups = asrv_catalog_groups(c);
    bool found = false;
    for (size_t i = 0; i < json_array_size(groups) && *group; i++) {
        const json_t *g = json_array_get(groups, i);
        if (strcmp(json_string_value(json_object_get(g, "name")), group) != 0)
            continue;
        json_t *doc = legacy_group(g);
        json_object_set_new(doc, "kind", json_string("APIGroup"));
        json_object_set_new(doc, "apiVersion", json_string("v1"));
        asrv_status_json(r, 200, doc);
        json_decref(doc);
        found = true;
    }
    json_decref(groups);
    return found;
}

void asrv_discovery_gv(struct asrv_resp *r, const struct asrv_catalog *c, const char *group,
                       const char *version)
{
    json_t *list = json_array();
    for (size_t k = 0; k < c->n; k++) {
        const struct asrv_res *res = &c->res[k];
        if (strcmp(res->group, group) != 0 || strcmp(res->version, version) != 0)
            continue;
        json_t *d =
            json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", res->resource, "singularName", res->singular,
                      "namespaced", res->namespaced, "kind", res->kind, "verbs", verbs_of(res));
        if (*res->shorts)
            json_object_set_new(d, "shortNames", split_list(res->shorts));
        if (*res->categories)
            json_object_set_new(d, "categories", split_list(res->categories));
        json_object_set_new(d, "storageVersionHash", storage_hash(res));
        json_array_append_new(list, d);
        json_t *names = split_list(res->subres);
        for (size_t i = 0; i < json_array_size(names); i++) {
            const struct subinfo *si = sub_lookup(json_string_value(json_array_get(names, i)));
            if (!si)
                continue;
            char *n = ks_asprintf("%s/%s", res->resource, si->name);
            char *kind = sub_kind(res, si);
            json_t *sd =
                json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", n, "singularName", "", "namespaced",
                          res->namespaced, "kind", kind, "verbs", split_list(si->verbs));
            if (si->group) {
                json_object_set_new(sd, "group", json_string(si->group));
                json_object_set_new(sd, "version", json_string(si->version));
            }
            json_array_append_new(list, sd);
            free(n);
            free(kind);
        }
        json_decref(names);
    }
    char *gv = *group ? ks_asprintf("%s/%s", group, version) : ks_strdup(version);
    json_t *doc = json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList", "apiVersion", "v1",
                            "groupVersion", gv, "resources", list);
    asrv_status_json(r, 200, doc);
    json_decref(doc);
    free(gv);
}
