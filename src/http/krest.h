/*
 * krest.h: REST paths and query strings for resources, as kubectl builds
 * them (client-go's rest.Request: namespace segment, name, subresource, then
 * query parameters in kubectl's order).
 */
#ifndef KREST_H
#define KREST_H

#include "http/kdisc.h"

#include <stdbool.h>

#define KREST_PATCH_JSON "application/json-patch+json"
#define KREST_PATCH_MERGE "application/merge-patch+json"
#define KREST_PATCH_STRATEGIC "application/strategic-merge-patch+json"
#define KREST_PATCH_APPLY "application/apply-patch+yaml"

/* Query parameters; NULL/-1 = absent. Encoded in sorted key order (url.Values.Encode). */
struct krest_query {
    const char *dry_run; /* "All" */
    const char *field_manager;
    const char *field_validation; /* "Strict", "Warn", "Ignore" */
    int force;                    /* -1 absent, 0 "false", 1 "true" */
    const char *label_selector;
    const char *field_selector;
    const char *resource_version;
    const char
        *propagation_policy; /* goes in a DELETE body, not the query: see krest_delete_body */
    long limit;              /* 0 absent */
    const char *continue_;
};

#define KREST_QUERY_INIT                                                                           \
    {                                                                                              \
        .force = -1                                                                                \
    }

/*
 * "/apis/apps/v1/namespaces/ns/deployments/name?dryRun=All&fieldManager=x".
 * ns is ignored for cluster-scoped mappings; name may be NULL (a collection).
 * Ownership: caller frees.
 */
char *krest_path(const struct kdisc_mapping *m, const char *ns, const char *name,
                 const struct krest_query *q);

/* The DeleteOptions body kubectl sends: {"propagationPolicy":"Background"} (no newline). */
char *krest_delete_body(const char *propagation_policy);

/* Percent-encode a query value as Go's url.QueryEscape. Ownership: caller frees. */
char *krest_query_escape(const char *s);

#endif
