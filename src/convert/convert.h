/*
 * convert.h: convert Kubernetes objects between API versions, offline, with
 * built-in rules for the versions Kubernetes removed (extensions/v1beta1
 * Deployments, networking.k8s.io/v1beta1 Ingresses, v1beta1 CRDs, ...).
 *
 * Pure data to data: no I/O. Each rule maps one kind from one group-version to
 * another, as upstream's conversion functions (versioned -> internal ->
 * versioned) did, plus the defaults the old version applied that the new one
 * applies differently or requires (see "Defaulting" below). The rules live in
 * a table (convert_rules.c); a conversion is a path of rules, found by a
 * breadth-first search, so an extensions/v1beta1 Ingress reaches
 * networking.k8s.io/v1beta1 through networking.k8s.io/v1 when only that is
 * served.
 *
 * Defaulting: a real API server defaulted an old object with the old
 * version's SetDefaults_* before it converted it. A rule applies exactly those
 * old defaults whose value differs from what the target version would default
 * (extensions/v1beta1 Deployment: maxSurge 1, maxUnavailable 1,
 * revisionHistoryLimit and progressDeadlineSeconds 2147483647; DaemonSet and
 * apps/v1beta1 StatefulSet: updateStrategy OnDelete; webhooks: failurePolicy
 * Ignore, ...) or that the target requires (the selector from the template
 * labels, a CRD's scope). Defaults the target applies the same way (replicas
 * 1, strategy type RollingUpdate, ...) are left out, so the object keeps
 * owning only the fields its author wrote. Down rules (newer -> older) do the
 * same the other way round. The full list: fixtures/convert/README.md.
 *
 * Integration with apply/diff (the lead), one call per manifest object:
 *
 *     json_t *conv = NULL; char *warn = NULL;
 *     rc = convert_to_served(&conv, &warn, obj, served_fn, ctx, &e);
 *     rc == 0 && !conv:  obj's own version is served: use obj
 *     rc == 0 && conv:   use conv (also for the last-applied annotation);
 *                        fprintf(stderr, "Warning: %s\n", warn)
 *     rc == KS_ENOTFOUND: no rule reaches a served version: print kubectl's
 *                        error, convert_no_match_error(...)
 *     rc == KS_EINVALID: no successor (PodSecurityPolicy) or a field the
 *                        target requires; e.msg names object and field
 *     --convert=never: skip the call; unserved -> convert_no_match_error().
 *
 * The steps are public too: convert_path_to_served, convert_path_apply,
 * convert_warning.
 *
 * Ownership: objects passed in are borrowed and never modified; converted
 * objects are new references (deep copies) owned by the caller.
 */
#ifndef CONVERT_H
#define CONVERT_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* One step: kind in group-version from becomes kind in group-version to. */
struct convert_rule {
    const char *kind;
    const char *from;   /* group/version ("apps/v1"; core is "v1") */
    const char *to;     /* group/version */
    bool down;          /* newer -> older (for clusters that predate the new version) */
    const char *source; /* the upstream conversion/defaulting code it follows */
    /*
     * Rewrite obj (the engine's private copy) from `from` to `to`; the engine
     * sets apiVersion afterwards. NULL: the shapes are identical and only
     * apiVersion changes. Errors: KS_EINPUT/KS_EINVALID naming the field.
     */
    int (*apply)(json_t *obj, struct ks_err *e);
};

/* A kind removed without successor at some group-versions. */
struct convert_removed {
    const char *kind;
    const char *from; /* group/version, or NULL for every version */
    const char *why;  /* the replacement, for the error message */
};

#define CONVERT_MAX_STEPS 6

/* A conversion: steps[0] starts at the object's group-version. */
struct convert_path {
    size_t n;
    const struct convert_rule *steps[CONVERT_MAX_STEPS];
};

/* Is group_version serving kind? (apply answers this from discovery.) */
typedef bool (*convert_served_fn)(const char *group_version, const char *kind, void *ctx);

/*
 * The shortest path of rules from api_version to target_gv for kind; n == 0
 * when they are equal. Among paths of equal length the table order decides.
 * Errors: KS_EINVALID when kind has no successor (convert_check_removed's
 * message), KS_ENOTFOUND when no rule path exists.
 */
int convert_path_find(struct convert_path *out, const char *api_version, const char *kind,
                      const char *target_gv, struct ks_err *e);

/*
 * The shortest path from api_version to a group-version that served() accepts
 * (api_version itself is not asked). Ties: table order, which lists up rules
 * before down rules. Errors: as convert_path_find.
 */
int convert_path_to_served(struct convert_path *out, const char *api_version, const char *kind,
                           convert_served_fn served, void *ctx, struct ks_err *e);

/*
 * The path to the newest version reachable by up rules only (what
 * `kubectl convert` does without --output-version); n == 0 when the object is
 * already at the newest version or no rule knows its kind. Never fails.
 */
void convert_path_latest(struct convert_path *out, const char *api_version, const char *kind);

/*
 * Apply a path to obj. Ownership: *out gets a new reference (a converted deep
 * copy; a plain copy when p->n == 0), or NULL on error; obj is untouched.
 * Errors: from the rules, with context `<apiVersion> <Kind> "<name>"`.
 */
int convert_path_apply(json_t **out, const json_t *obj, const struct convert_path *p,
                       struct ks_err *e);

/*
 * convert_path_find + convert_path_apply for obj's own apiVersion and kind.
 * Errors: KS_EINPUT when obj has no apiVersion or kind; as above.
 */
int convert_object(json_t **out, const json_t *obj, const char *target_gv, struct ks_err *e);

/*
 * apply/diff in one call. When served(obj's apiVersion, kind): 0, *out and
 * *warning NULL. Otherwise convert obj along convert_path_to_served.
 * Ownership: *out gets a new reference and *warning a string to free (the
 * convert_warning text), both NULL on error or when nothing was converted.
 * Errors: KS_EINPUT (no apiVersion/kind), KS_ENOTFOUND (no rule reaches a
 * served version), KS_EINVALID (no successor; a rule's refusal).
 */
int convert_to_served(json_t **out, char **warning, const json_t *obj, convert_served_fn served,
                      void *ctx, struct ks_err *e);

/*
 * KS_EINVALID with `<apiVersion> <Kind> "<name>" has no successor: <why>`
 * when api_version/kind was removed without successor; 0 otherwise.
 * name may be NULL.
 */
int convert_check_removed(const char *api_version, const char *kind, const char *name,
                          struct ks_err *e);

/*
 * The warning line apply/diff prints for a converted object, without
 * "Warning: " and the newline:
 * `extensions/v1beta1 Deployment "web" converted to apps/v1; update the manifest`.
 * obj is the original. Ownership: the caller frees the result.
 */
char *convert_warning(const json_t *obj, const struct convert_path *p);

/*
 * kubectl's error when a group-version does not serve kind and conversion is
 * off (--convert=never), without "error: ":
 * `resource mapping not found for name: "web" namespace: "" from "f.yaml":
 * no matches for kind "Deployment" in version "extensions/v1beta1"` then a
 * newline and `ensure CRDs are installed first`. Ownership: caller frees.
 */
char *convert_no_match_error(const char *name, const char *ns, const char *source, const char *kind,
                             const char *api_version);

#endif
