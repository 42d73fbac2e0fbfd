/*
 * kdiscagg.c: aggregated discovery (apidiscovery.k8s.io v2/v2beta1
 * APIGroupDiscoveryList) turned into the legacy APIGroupList and
 * APIResourceList shapes that kubectl writes to its discovery cache.
 * PARITY: client-go discovery SplitGroupsAndResources / convertAPIResource
 * (subresources as "<resource>/<sub>", responseKind group/version only when set).
 */
#include "http/kdiscagg.h"

#include "base/ks.h"

#include <stdlib.h>
#include <string.h>

static void kdiscagg_copy_if(json_t *dst, const char *dkey, const json_t *src, const char *skey)
{
    json_t *v = json_object_get(src, skey);
    if (v && !json_is_null(v) && !(json_is_array(v) && json_array_size(v) == 0))
        json_object_set(dst, dkey, v);
}

static json_t *kdiscagg_resource(const json_t *r, const json_t *parent, const char *sub)
{
    json_t *o = json_object();
    const json_t *rk = json_object_get(r, "responseKind");
    const json_t *base = parent ? parent : r;
    if (sub) {
        char *n = ks_asprintf("%s/%s", json_string_value(json_object_get(parent, "resource")), sub);
        json_object_set_new(o, "name", json_string(n));
        free(n);
    } else {
        kdiscagg_copy_if(o, "name", r, "resource");
    }
    kdiscagg_copy_if(o, "singularName", base, "singularResource");
    const char *scope = json_string_value(json_object_get(base, "scope"));
    json_object_set_new(o, "namespaced", json_boolean(scope && strcmp(scope, "Namespaced") == 0));
    const char *g = json_string_value(json_object_get(rk, "group"));
    const char *v = json_string_value(json_object_get(rk, "version"));
    if (g && *g)
        json_object_set_new(o, "group", json_string(g));
    if (v && *v)
        json_object_set_new(o, "version", json_string(v));
    kdiscagg_copy_if(o, "kind", rk, "kind");
    kdiscagg_copy_if(o, "verbs", r, "verbs");
    if (!sub) {
        kdiscagg_copy_if(o, "shortNames", r, "shortNames");
        kdiscagg_copy_if(o, "categories", r, "categories");
    }
    return o;
}

void kdiscagg_convert(json_t *groups, json_t *resources, const json_t *list)
{
    size_t i, j, k, m;
    const json_t *item, *ver, *r, *s;
    json_array_foreach(json_object_get(list, "items"), i, item)
    {
        const char *name =
            json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
        if (!name)
            name = "";
        json_t *versions = json_array();
        json_array_foreach(json_object_get(item, "versions"), j, ver)
        {
            const char *v = json_string_value(json_object_get(ver, "version"));
            if (!v)
                continue;
            char *gv = *name ? ks_asprintf("%s/%s", name, v) : ks_strdup(v);
            json_array_append_new(versions,
                                  json_pack("{s:s,s:s}", "groupVersion", gv, "version", v));
            json_t *rl = json_pack("{s:s,s:s,s:s,s:[]}", "kind", "APIResourceList", "apiVersion",
                                   "v1", "groupVersion", gv, "resources");
            json_t *arr = json_object_get(rl, "resources");
            json_array_foreach(json_object_get(ver, "resources"), k, r)
            {
                json_array_append_new(arr, kdiscagg_resource(r, NULL, NULL));
                json_array_foreach(json_object_get(r, "subresources"), m, s)
                {
                    const char *sn = json_string_value(json_object_get(s, "subresource"));
                    if (sn)
                        json_array_append_new(arr, kdiscagg_resource(s, r, sn));
                }
            }
            json_object_set_new(resources, gv, rl);
            free(gv);
        }
        if (!json_array_size(versions)) {
            json_decref(versions);
            continue;
        }
        json_t *g = json_pack("{s:s,s:o,s:O}", "name", name, "versions", versions,
                              "preferredVersion", json_array_get(versions, 0));
        json_array_append_new(json_object_get(groups, "groups"), g);
    }
}
