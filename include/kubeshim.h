/*
 * kubeshim.h: the public C API of the kubeshim engine (library
 * kubeshim_engine / libkubeshim): read manifests as kubectl reads them, apply
 * and build strategic merge, JSON merge and JSON patches byte for byte as
 * kubectl 1.33 and the API server do, look up patch metadata (built in, or
 * from a server's OpenAPI document), and plan `kubectl apply` for one object.
 *
 * Documents cross this API as JSON text (bytes and a length). Outputs are
 * compact JSON with sorted keys, Go's escaping and number forms: the bytes
 * kubectl would send. Every output string is NUL-terminated and allocated;
 * release it with kubeshim_free().
 *
 * Contracts (as in the engine's STYLE.md):
 *   - A fallible function returns 0 or a negative KUBESHIM_E* code, which it
 *     also writes, with a one-line message (kubectl's wording where kubectl
 *     has one), into the struct kubeshim_error passed last (may be NULL).
 *   - Out-parameters come first; on error they are set to NULL / zero.
 *   - Call kubeshim_init() once before anything else. Out of memory aborts
 *     the process; a NULL result never means "no memory".
 *   - Nothing here reads files, the network or the environment, or prints.
 *   - Functions are reentrant; a struct kubeshim_openapi must not be used
 *     from two threads at once (it builds its types lazily).
 *
 * Example (see tests/lib/example.c):
 *   kubeshim_init();
 *   const struct kubeshim_schema *s = kubeshim_schema_builtin("apps/v1", "Deployment");
 *   struct kubeshim_plan_in in = {manifest, mlen, live, llen, s, "default", 1, 0};
 *   struct kubeshim_plan p;
 *   if (kubeshim_plan(&p, &in, &err) == 0 && p.op == KUBESHIM_OP_PATCH)
 *       send(p.content_type, p.body, p.body_len);
 *   kubeshim_plan_release(&p);
 */
#ifndef KUBESHIM_H
#define KUBESHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KUBESHIM_VERSION "0.1.0"

/* Error codes (the values of the engine's KS_E* codes). */
enum {
    KUBESHIM_OK = 0,
    KUBESHIM_EGENERIC = -1,  /* anything else */
    KUBESHIM_EUSAGE = -2,    /* a bad argument */
    KUBESHIM_EINPUT = -3,    /* a broken document or a malformed patch */
    KUBESHIM_ENOTFOUND = -4, /* something missing */
    KUBESHIM_ECONFLICT = -5, /* a three-way patch conflict (overwrite off) */
    KUBESHIM_EINVALID = -6,  /* an invalid patch, directive or field */
};

struct kubeshim_error {
    int code;
    char message[256];
};

/* Install the engine's allocator (also jansson's). Call once, first. */
void kubeshim_init(void);

/* The library version, KUBESHIM_VERSION. */
const char *kubeshim_version(void);

/* Release a string returned by this API. NULL is fine. */
void kubeshim_free(void *p);

/* ---- Documents ---- */

/*
 * Read a manifest stream (YAML or JSON, `---` separated, List kinds
 * flattened) as kubectl apply -f does; *out is a JSON array of the objects.
 * source names the stream in error messages.
 * Ownership: *out is the caller's (kubeshim_free).
 * Errors: KUBESHIM_EINPUT naming source, document and line.
 */
int kubeshim_manifest_to_json(char **out, size_t *outlen, const char *buf, size_t len,
                              const char *source, struct kubeshim_error *err);

/*
 * Re-encode JSON as kubectl writes it: compact, sorted keys, Go's escaping;
 * integers stay integers and 1.0 stays a float (written 1).
 * Errors: KUBESHIM_EINPUT for text that is not one JSON value.
 */
int kubeshim_json_canonical(char **out, size_t *outlen, const char *json, size_t len,
                            struct kubeshim_error *err);

/* ---- Patch metadata ---- */

/* How the fields of one kind merge; owned by the library or an openapi set. */
struct kubeshim_schema;
/* A server's OpenAPI document, read for patch metadata. */
struct kubeshim_openapi;

/*
 * The compiled-in metadata of a built-in kind (Kubernetes 1.33, plus
 * group-versions 1.33 dropped), or NULL for kinds without it (custom
 * resources): kubectl uses a JSON merge patch for those.
 * api_version is "v1" or "group/version". Static: never freed.
 */
const struct kubeshim_schema *kubeshim_schema_builtin(const char *api_version, const char *kind);

/*
 * Read an OpenAPI v3 group-version document or a v2 (swagger) document.
 * Ownership: *out is released with kubeshim_openapi_free(); schemas from it
 * live as long as it does.
 * Errors: KUBESHIM_EINPUT when json is not such a document.
 */
int kubeshim_openapi_load(struct kubeshim_openapi **out, const char *json, size_t len,
                          struct kubeshim_error *err);

/*
 * The schema of a kind in the document (NULL when absent), and in
 * *accepts_smp (may be NULL) whether its PATCH takes strategic merge patch,
 * which is when kubectl uses the document.
 */
int kubeshim_openapi_kind(const struct kubeshim_schema **out, int *accepts_smp,
                          struct kubeshim_openapi *o, const char *api_version, const char *kind,
                          struct kubeshim_error *err);

void kubeshim_openapi_free(struct kubeshim_openapi *o);

/* ---- Patches ---- */

enum kubeshim_patch_type {
    KUBESHIM_PATCH_STRATEGIC = 0, /* application/strategic-merge-patch+json */
    KUBESHIM_PATCH_MERGE = 1,     /* application/merge-patch+json (RFC 7386) */
    KUBESHIM_PATCH_JSON = 2,      /* application/json-patch+json (RFC 6902) */
};

/* The HTTP content type of a patch type. */
const char *kubeshim_patch_content_type(enum kubeshim_patch_type type);

/*
 * Apply patch to target as the API server does. schema is used by
 * KUBESHIM_PATCH_STRATEGIC only (NULL: no metadata).
 * Ownership: *out is the caller's.
 * Errors: KUBESHIM_EINPUT / KUBESHIM_EINVALID with upstream's texts (e.g.
 * `Invalid JSON Patch`, `unable to find api field ...`,
 * `add operation does not apply: doc is missing path: "/a/b": missing value`).
 */
int kubeshim_patch_apply(char **out, size_t *outlen, enum kubeshim_patch_type type,
                         const char *target, size_t target_len, const char *patch, size_t patch_len,
                         const struct kubeshim_schema *schema, struct kubeshim_error *err);

/* What kubeshim_patch_build() builds a patch from. A NULL or empty text counts as {}. */
struct kubeshim_patch_in {
    enum kubeshim_patch_type type; /* STRATEGIC or MERGE */
    const char *original;          /* two-way: from; three-way: last-applied */
    size_t original_len;
    const char *modified; /* the desired object */
    size_t modified_len;
    const char *current; /* three-way: the live object; NULL for a two-way patch */
    size_t current_len;
    const struct kubeshim_schema *schema; /* STRATEGIC only; NULL: no metadata */
    int overwrite; /* three-way STRATEGIC: 0 turns cluster changes into conflicts */
};

/*
 * Build the patch from original to modified (two-way), or kubectl apply's
 * three-way patch when current is given.
 * Ownership: *out is the caller's.
 * Errors: KUBESHIM_ECONFLICT (overwrite off), KUBESHIM_EINVALID (unknown
 * field, malformed directive, missing merge key), KUBESHIM_EINPUT.
 */
int kubeshim_patch_build(char **out, size_t *outlen, const struct kubeshim_patch_in *in,
                         struct kubeshim_error *err);

/* ---- Planning kubectl apply for one object ---- */

enum kubeshim_op { KUBESHIM_OP_CREATE = 0, KUBESHIM_OP_PATCH = 1, KUBESHIM_OP_UNCHANGED = 2 };

struct kubeshim_plan_in {
    const char *manifest; /* the object from the manifest: one YAML or JSON document */
    size_t manifest_len;
    const char *live; /* the object on the server (JSON), or NULL when absent */
    size_t live_len;
    const struct kubeshim_schema *schema; /* NULL: JSON merge patch (custom resources) */
    const char *namespace_; /* set when the manifest has none; NULL for cluster-scoped kinds */
    int overwrite;          /* kubectl apply --overwrite (its default: 1) */
    int for_diff;           /* kubectl diff: no annotation, resourceVersion in the patch */
};

struct kubeshim_plan {
    int op;     /* enum kubeshim_op */
    char *body; /* CREATE: the object to POST; PATCH: the patch; else NULL */
    size_t body_len;
    const char *content_type; /* of the body: application/json or a patch type */
    char *annotation;         /* the new last-applied-configuration value */
    int missing_annotation;   /* the live object lacks the annotation (kubectl warns) */
};

/*
 * Decide create / patch / unchanged (a patch of exactly {} is unchanged) and
 * compute what kubectl apply (or diff) sends.
 * Ownership: release *out with kubeshim_plan_release(), also after an error.
 * Errors: those of kubeshim_patch_build(); KUBESHIM_EINPUT for a malformed
 * last-applied annotation (`invalid JSON document`); KUBESHIM_EINVALID
 * `At least one of apiVersion, kind and name was changed` (merge patch).
 */
int kubeshim_plan(struct kubeshim_plan *out, const struct kubeshim_plan_in *in,
                  struct kubeshim_error *err);

void kubeshim_plan_release(struct kubeshim_plan *p);

#ifdef __cplusplus
}
#endif

#endif
