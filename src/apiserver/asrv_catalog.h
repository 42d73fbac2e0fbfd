/*
 * asrv_catalog.h: the resources kubeshim-apiserver serves: the built-in table
 * and the kinds that CustomResourceDefinitions add at run time.
 */
#ifndef ASRV_CATALOG_H
#define ASRV_CATALOG_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct asrv_res {
    char *group, *version, *resource, *kind, *singular, *list_kind;
    char *shorts;     /* comma-separated short names, "" for none */
    char *categories; /* comma-separated, "" for none */
    char *subres;     /* comma-separated subresources: status, scale, ... */
    bool namespaced;
    bool crd;         /* defined by a CustomResourceDefinition */
    bool generation;  /* metadata.generation is kept */
    bool cluster_ish; /* namespaces: no deletecollection */
};

struct asrv_catalog {
    struct asrv_res *res;
    size_t n, alloc;
    char **only; /* --serve-only group-versions ("v1", "apps/v1"), NULL-terminated, or NULL */
};

/* The built-in resources, minus those outside only (a comma list of group-versions, or NULL). */
void asrv_catalog_init(struct asrv_catalog *c, const char *only);
void asrv_catalog_release(struct asrv_catalog *c);

/* Lookups; NULL when not served. Borrowed: valid until the catalog changes. */
const struct asrv_res *asrv_catalog_find(const struct asrv_catalog *c, const char *group,
                                         const char *version, const char *resource);
const struct asrv_res *asrv_catalog_by_kind(const struct asrv_catalog *c, const char *group,
                                            const char *version, const char *kind);
/* True when group/version has at least one resource. */
bool asrv_catalog_has_gv(const struct asrv_catalog *c, const char *group, const char *version);

/*
 * The served groups in discovery order ("" first), each with its versions,
 * preferred first. Ownership: a new array of {"name":..., "versions":[...]}.
 */
json_t *asrv_catalog_groups(const struct asrv_catalog *c);

/*
 * Serve the kinds of a CustomResourceDefinition (every served version) and
 * stop serving the ones of its previous definition. crd == NULL removes.
 * name is metadata.name ("<plural>.<group>").
 * Errors: KS_EINVALID when the definition lacks group, names or versions.
 */
int asrv_catalog_set_crd(struct asrv_catalog *c, const char *name, const json_t *crd,
                         struct ks_err *e);

/* "deployments.apps" or "configmaps": the qualified resource of Status messages. */
char *asrv_catalog_qualified(const struct asrv_res *r);

/* "apps/v1" or "v1". Caller frees. */
char *asrv_catalog_gv(const struct asrv_res *r);

/* Kubernetes version priority (v1 > v1beta2 > v1beta1 > v1alpha1 > other): <0 when a sorts first.
 */
int asrv_catalog_version_cmp(const char *a, const char *b);

#endif
