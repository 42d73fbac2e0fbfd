/*
 * yamlin.h: read YAML (and JSON, which is YAML) into jansson values the way
 * kubectl reads it: sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 scalars, then
 * JSON with integers as int64 (see gojson.h).
 */
#ifndef YAMLIN_H
#define YAMLIN_H

#include "base/ks.h"

#include <jansson.h>
#include <stddef.h>

/* Limits against hostile input. */
struct yamlin_limits {
    size_t max_bytes;       /* 0: default (64 MiB) */
    int max_depth;          /* 0: default (10000, Go's JSON limit) */
    size_t max_alias_nodes; /* 0: default; nodes reachable through aliases */
};

/*
 * Load exactly one document (a kubeconfig, a request body, a config file).
 * An empty document gives JSON null. name is used in error messages.
 * Ownership: *out gets a new reference, or NULL on error.
 * Errors: KS_EINPUT, "<name>: line N: <what>".
 */
int yamlin_load(json_t **out, const char *buf, size_t len, const char *name,
                const struct yamlin_limits *lim, struct ks_err *e);

#endif
