/*
 * yamlin_scalar.h: one YAML scalar as kubectl sees it: go-yaml v2's YAML 1.1
 * resolution (bools, nulls, ints in every base, floats, tags), then the JSON
 * round trip of sigs.k8s.io/yaml (integral floats become int64, integers past
 * int64 become doubles), and the map-key spelling of convertToJSONableObject.
 */
#ifndef YAMLIN_SCALAR_H
#define YAMLIN_SCALAR_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What go-yaml v2 resolved a scalar to. */
enum yamlin_kind {
    YAMLIN_NULL,
    YAMLIN_BOOL,
    YAMLIN_INT,   /* fits int64: .i */
    YAMLIN_UINT,  /* past int64, fits uint64: .u */
    YAMLIN_FLOAT, /* .d, may be NaN or an infinity */
    YAMLIN_STR,   /* .s/.len: owned copy (binary data decoded) */
};

struct yamlin_scalar {
    enum yamlin_kind kind;
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    char *s;
    size_t len;
};

/*
 * Resolve a scalar. tag is the expanded tag or NULL; plain is libyaml's
 * plain_implicit (an untagged plain scalar). Errors (go-yaml's wording, no
 * "yaml: " prefix): "cannot decode !!str `abc` as a !!int",
 * "!!binary value contains invalid base64 data".
 * Ownership: sc->s is owned by sc; release with yamlin_scalar_release().
 * Errors: KS_EINPUT.
 */
int yamlin_scalar_resolve(struct yamlin_scalar *sc, const char *tag, const char *val, size_t len,
                          bool plain, struct ks_err *e);

void yamlin_scalar_release(struct yamlin_scalar *sc);

/*
 * The JSON value kubectl ends up with. NaN and infinities become the
 * sentinel reals 1.0 (NaN), 2.0 (+Inf), 3.0 (-Inf): a real never holds an
 * integral value below 2^63 otherwise, so yamlin_scalar_sentinel() finds them
 * later (Go's json.Marshal rejects them only if they survive to the end).
 * Ownership: returns a new reference.
 */
json_t *yamlin_scalar_json(const struct yamlin_scalar *sc);

/* For a sentinel real: "NaN", "+Inf" or "-Inf"; NULL for any other value. */
const char *yamlin_scalar_sentinel(const json_t *v);

/*
 * The map key string sigs.k8s.io/yaml makes of a scalar key (ints in
 * decimal, floats as float32 %g, bools as true/false).
 * Ownership: *out is a new string (free()).
 * Errors: KS_EINPUT for null and uint64 keys, in sigs.k8s.io/yaml's words.
 */
int yamlin_scalar_key(char **out, const struct yamlin_scalar *sc, struct ks_err *e);

/*
 * True when go-yaml v2 reads s, written plain, back as a string: not a
 * bool, null, number or timestamp (resolve("", s) == !!str). The writer
 * quotes the others.
 */
bool yamlin_scalar_plain_is_str(const char *s, size_t len);

/* A double turned into the JSON kubectl re-reads (int64 when integral). */
json_t *yamlin_scalar_number(double d);

#endif
