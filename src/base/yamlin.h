/*
 * yamlin.h: read YAML (and JSON, which is YAML) into jansson values the way
 * kubectl reads it: sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 scalars, then
 * JSON with integers as int64 (see gojson.h and yamlin_scalar.h).
 *
 * What kubectl does, and so what this does: `y n yes no on off True` are
 * booleans; `0755` `0o17` `0x1F` `0b101` `1_000` are integers; `1:30` stays a
 * string (go-yaml v2 has no sexagesimal ints); floats with an integral value
 * become int64 (`1.0` -> 1, `1e3` -> 1000); integers past int64 become
 * doubles; `.inf` and `.nan` fail ("json: unsupported value: +Inf") unless a
 * later duplicate key replaces them; duplicate keys: the last one wins;
 * anchors, aliases and `<<` merge keys are expanded; keys that are ints,
 * floats or bools become strings; a null key fails. Only the first document
 * of buf is read (go-yaml's Unmarshal); text after `...` is ignored.
 */
#ifndef YAMLIN_H
#define YAMLIN_H

#include "base/ks.h"

#include <jansson.h>
#include <stddef.h>

/* Limits against hostile input. */
struct yamlin_limits {
    size_t max_bytes;       /* 0: default (64 MiB) */
    int max_depth;          /* 0: default (10000, go-yaml's and Go's JSON limit) */
    size_t max_alias_nodes; /* 0: default (4,000,000); nodes reachable through aliases */
};

/*
 * Load exactly one document (a kubeconfig, a request body, a config file).
 * An empty document gives JSON null. name is used in error messages.
 * Ownership: *out gets a new reference, or NULL on error.
 * Errors: KS_EINPUT, "<name>: line N: <kubectl's words>" ("line N: ..."
 * when name is NULL or empty), e.g.
 * "kc.yaml: line 3: error converting YAML to JSON: yaml: line 3: could not
 * find expected ':'".
 */
int yamlin_load(json_t **out, const char *buf, size_t len, const char *name,
                const struct yamlin_limits *lim, struct ks_err *e);

/* Options of yamlin_load_first(). */
struct yamlin_opts {
    const struct yamlin_limits *lim; /* NULL: defaults */
    int first_line;                  /* the file's line number of buf[0]; 0 means 1 */
    int err_line;                    /* out: file line of the error, 0 when unknown */
};

/*
 * Decode the first YAML document of buf[0..len) as sigs.k8s.io/yaml's
 * YAMLToJSON followed by Kubernetes' JSON decoding does. An empty document
 * gives JSON null. The message is kubectl's, verbatim: its "yaml: line N" is
 * go-yaml's number within buf (for parser errors that is the line before
 * the problem, as go-yaml reports it); o->err_line is the true file line.
 * Ownership: *out gets a new reference, or NULL on error.
 * Errors: KS_EINPUT with kubectl's words, no file name:
 * "error converting YAML to JSON: yaml: line 5: did not find expected key",
 * "error converting YAML to JSON: json: unsupported value: NaN".
 */
int yamlin_load_first(json_t **out, const char *buf, size_t len, struct yamlin_opts *o,
                      struct ks_err *e);

#endif
