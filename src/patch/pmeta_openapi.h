/*
 * pmeta_openapi.h: patch metadata read at run time from an OpenAPI document,
 * as kubectl reads the server's (schemas.md §5-6; smp-semantics.md §2.1,
 * §7.4): a v3 group-version document (components/schemas, PMETA_V3 flavour)
 * or a v2 document (definitions, PMETA_V2 flavour).
 *
 * Types are built lazily: a lookup builds the root type asked for and every
 * type reachable from it, once; the rest of the document is never visited.
 *
 *   struct pmeta_openapi *set = NULL;
 *   if (pmeta_openapi_load_v3(&set, doc, e) < 0) ...
 *   const struct pmeta_type *root;
 *   bool smp;
 *   pmeta_openapi_kind(&root, &smp, set, "apps", "v1", "Deployment", e);
 *   ... pmeta_lookup(&m, root, "spec", e) ...
 *   pmeta_openapi_free(set);
 */
#ifndef PMETA_OPENAPI_H
#define PMETA_OPENAPI_H

#include "base/gojson.h"
#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

struct pmeta_openapi;

/*
 * Take an OpenAPI v3 document (an object with components.schemas).
 * Ownership: *out is a new set, freed with pmeta_openapi_free(); it holds a
 * reference to doc (doc must not be modified while the set lives).
 * Errors: KS_EINPUT when doc has no components.schemas object.
 */
int pmeta_openapi_load_v3(struct pmeta_openapi **out, const json_t *doc, struct ks_err *e);

/* A whole schema by name (a new reference), or NULL when it cannot be had. */
typedef json_t *(*pmeta_schema_fn)(void *ctx, const char *name);

/*
 * Take an index of an OpenAPI v3 document (read through
 * pmeta_openapi_index_filter): its schemas are stubs holding only their GVKs,
 * and a schema is fetched whole, through fetch(ctx, name), the first time a
 * type needs it. Only the schemas reachable from the kinds asked for are
 * ever decoded. Ownership: as pmeta_openapi_load_v3; ctx must stay valid
 * until the set is detached or freed.
 */
int pmeta_openapi_load_v3_lazy(struct pmeta_openapi **out, const json_t *index,
                               pmeta_schema_fn fetch, void *ctx, struct ks_err *e);

/*
 * Take an OpenAPI v2 (swagger) document (an object with definitions).
 * Ownership and errors: as pmeta_openapi_load_v3 (a missing definitions
 * object is KS_EINPUT).
 */
int pmeta_openapi_load_v2(struct pmeta_openapi **out, const json_t *doc, struct ks_err *e);

/*
 * The root type of a kind: the first schema whose
 * x-kubernetes-group-version-kind list holds (group, version, kind); group is
 * "" for core. *out is NULL when no schema has that GVK (not an error).
 * *accepts_smp (may be NULL) is set to whether the PATCH operation of that
 * GVK accepts application/strategic-merge-patch+json (v3: its
 * requestBody.content; v2: its consumes), false when there is no such
 * operation; kubectl uses SMP with this document only when it is true.
 * Ownership: *out borrows from set (valid until pmeta_openapi_free).
 * Errors: KS_EINPUT for a malformed document (a $ref that leads nowhere).
 */
int pmeta_openapi_kind(const struct pmeta_type **out, bool *accepts_smp, struct pmeta_openapi *set,
                       const char *group, const char *version, const char *kind, struct ks_err *e);

/*
 * The type of the schema named name (a components/schemas or definitions
 * key, e.g. "mergeItem" or "io.k8s.api.apps.v1.Deployment"); *out is NULL
 * when there is none. For test schemas that carry no GVK.
 * Ownership and errors: as pmeta_openapi_kind.
 */
int pmeta_openapi_named(const struct pmeta_type **out, struct pmeta_openapi *set, const char *name,
                        struct ks_err *e);

/*
 * The members of an OpenAPI v3 or v2 document that this module (and a
 * lookup of a PATCH operation's GVK) reads: each PATCH operation's
 * x-kubernetes-group-version-kind, requestBody.content media types and
 * consumes; in each schema its properties, items, allOf, $ref, type and
 * x-kubernetes-* extensions. A document parsed through it with
 * gojson_loads_filter is a small fraction of the whole (api/v1: 0.5 MB of
 * trees instead of 7 MB) and gives the same sets.
 */
extern const struct gojson_filter pmeta_openapi_filter;

/*
 * The same, for pmeta_openapi_load_v3_lazy: each schema under
 * components.schemas (or definitions) keeps only its GVKs and is a
 * GOJSON_KEEP_SPAN member, so the caller (whose filter adds the span
 * callback) can decode it later, whole, through pmeta_openapi_schema_filter
 * (which reads one schema as its root).
 */
extern const struct gojson_filter pmeta_openapi_index_filter;
extern const struct gojson_filter pmeta_openapi_schema_filter;

/*
 * Let go of the document: the types built so far copy the strings they
 * borrowed from it and stay valid; later lookups find nothing (*out NULL,
 * *accepts_smp false). For a caller that has built every kind it needs and
 * wants the document's memory back.
 */
void pmeta_openapi_detach(struct pmeta_openapi *set);

/* Release set and every type built from it. NULL is fine. */
void pmeta_openapi_free(struct pmeta_openapi *set);

#endif
