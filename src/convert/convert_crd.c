/*
 * convert_crd.c: CustomResourceDefinition v1beta1 -> v1. The v1beta1 spec's
 * top-level validation, subresources, additionalPrinterColumns and
 * selectableFields move into every version; spec.version becomes a versions
 * entry; the conversion webhook fields nest under conversion.webhook; printer
 * columns' JSONPath becomes jsonPath (apiextensions-apiserver
 * pkg/apis/apiextensions/v1/conversion.go, v1beta1/defaults.go).
 */
#include "convert/convert_crd.h"

#include "convert/convert_util.h"

#include <string.h>

/* Rename JSONPath to jsonPath in each printer column of arr. */
static void columns_rename(json_t *arr)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        convert_util_rename(json_array_get(arr, i), "JSONPath", "jsonPath");
}

/* versions[] from the deprecated spec.version when there is no list. */
static json_t *versions_ensure(json_t *spec)
{
    json_t *versions = convert_util_arr_get(spec, "versions");
    const char *version = convert_util_str_get(spec, "version");
    if (json_array_size(versions) == 0 && version && *version) {
        /* PARITY: Convert_apiextensions_CustomResourceDefinitionSpec_To_v1_... */
        json_t *v = json_object();
        json_object_set_new(v, "name", json_string(version));
        json_object_set_new(v, "served", json_true());
        json_object_set_new(v, "storage", json_true());
        versions = json_array();
        json_array_append_new(versions, v);
        json_object_set_new(spec, "versions", versions);
    }
    json_object_del(spec, "version");
    return versions;
}

/*
 * v1beta1 defaulted preserveUnknownFields to true; v1 refuses true on create
 * ("cannot set to true, set x-kubernetes-preserve-unknown-fields to true in
 * spec.versions[*].schema instead"), so keep the meaning the way that message
 * says: at the root of every version's schema (a schema v1 requires: one is
 * made when there is none). NEEDSWORK: below the root, objects with
 * properties are pruned in v1 where v1beta1 preserved them.
 */
static void preserve_unknown(json_t *spec, json_t *versions)
{
    json_t *p = json_object_get(spec, "preserveUnknownFields");
    bool preserve = !p || json_is_null(p) || json_is_true(p);
    /* v1's preserveUnknownFields is a plain bool with omitempty: false is not written */
    json_object_del(spec, "preserveUnknownFields");
    for (size_t i = 0; i < json_array_size(versions); i++) {
        json_t *v = json_array_get(versions, i);
        json_t *schema = convert_util_obj_ensure(v, "schema");
        json_t *root = schema ? convert_util_obj_get(schema, "openAPIV3Schema") : NULL;
        if (schema && !root) {
            if (!preserve)
                continue; /* the server says what is missing */
            root = json_object();
            json_object_set_new(root, "type", json_string("object"));
            json_object_set_new(schema, "openAPIV3Schema", root);
        }
        if (preserve && root)
            convert_util_default_new(root, "x-kubernetes-preserve-unknown-fields", json_true());
        if (schema && json_object_size(schema) == 0)
            json_object_del(v, "schema");
    }
}

/* conversion.{webhookClientConfig,conversionReviewVersions} -> conversion.webhook.* */
static void conversion_up(json_t *spec)
{
    json_t *conv = convert_util_obj_get(spec, "conversion");
    if (!conv)
        return;
    const char *strategy = convert_util_str_get(conv, "strategy");
    /* PARITY: v1beta1 SetDefaults_CustomResourceDefinitionSpec: webhooks review v1beta1 */
    if (strategy && strcmp(strategy, "Webhook") == 0 &&
        convert_util_empty(json_object_get(conv, "conversionReviewVersions")))
        json_object_set_new(conv, "conversionReviewVersions", json_pack("[s]", "v1beta1"));
    json_t *cc = json_object_get(conv, "webhookClientConfig");
    json_t *rv = json_object_get(conv, "conversionReviewVersions");
    /* PARITY: Convert_apiextensions_CustomResourceConversion_To_v1_CustomResourceConversion */
    if ((cc && !json_is_null(cc)) || (rv && !json_is_null(rv))) {
        json_t *wh = json_object();
        if (rv && !json_is_null(rv))
            json_object_set(wh, "conversionReviewVersions", rv);
        if (cc && !json_is_null(cc))
            json_object_set(wh, "clientConfig", cc);
        json_object_set_new(conv, "webhook", wh);
    }
    json_object_del(conv, "webhookClientConfig");
    json_object_del(conv, "conversionReviewVersions");
}

int convert_crd_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    /* PARITY: v1beta1 SetDefaults_CustomResourceDefinitionSpec: scope Namespaced (v1 has no
     * default and requires it) */
    if (convert_util_empty(json_object_get(spec, "scope")))
        json_object_set_new(spec, "scope", json_string("Namespaced"));
    json_t *versions = versions_ensure(spec);
    for (size_t i = 0; i < json_array_size(versions); i++)
        columns_rename(
            convert_util_arr_get(json_array_get(versions, i), "additionalPrinterColumns"));
    columns_rename(convert_util_arr_get(spec, "additionalPrinterColumns"));

    /* top-level fields into each version; the JSON key of validation changes to schema */
    static const char *const moved[][2] = {
        {"subresources", "subresources"},
        {"validation", "schema"},
        {"additionalPrinterColumns", "additionalPrinterColumns"},
        {"selectableFields", "selectableFields"},
    };
    for (size_t k = 0; k < KS_ARRAY_SIZE(moved); k++) {
        json_t *v = json_object_get(spec, moved[k][0]);
        if (v && !json_is_null(v))
            for (size_t i = 0; i < json_array_size(versions); i++)
                if (json_is_object(json_array_get(versions, i)))
                    json_object_set_new(json_array_get(versions, i), moved[k][1],
                                        json_deep_copy(v));
        json_object_del(spec, moved[k][0]);
    }
    preserve_unknown(spec, versions);
    conversion_up(spec);
    return 0;
}
