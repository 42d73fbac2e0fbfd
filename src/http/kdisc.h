/*
 * kdisc.h: API discovery and REST mapping, with kubectl's disk cache.
 *
 * Aggregated discovery first (GET /api and /apis with kubectl 1.33's Accept:
 * apidiscovery.k8s.io v2, v2beta1, then plain JSON); a server that answers
 * the legacy form gets the per-group-version lists too. The result is written
 * to <cache-dir>/discovery/<host_port>/servergroups.json and
 * <group>/<version>/serverresources.json, as kubectl writes them, and read
 * back without any request while younger than 6 hours (kubectl's lifetime).
 */
#ifndef KDISC_H
#define KDISC_H

#include "base/ks.h"
#include "http/kclient.h"

#include <jansson.h>
#include <stdbool.h>

struct kdisc;

struct kdisc_opts {
    bool no_disk_cache; /* neither read nor write the disk cache */
    long ttl_s;         /* 0: 6 hours */
};

/* A REST mapping; the strings are borrowed from the kdisc and live as long as it. */
struct kdisc_mapping {
    const char *group; /* "" for the core group */
    const char *version;
    const char *kind;
    const char *resource; /* plural, e.g. "deployments" */
    bool namespaced;
};

/*
 * Discovery over client c (borrowed; must outlive d). Nothing is fetched
 * until the first lookup. Ownership: free with kdisc_free().
 */
int kdisc_new(struct kdisc **out, struct kclient *c, const struct kdisc_opts *opts,
              struct ks_err *e);

void kdisc_free(struct kdisc *d);

/*
 * Map apiVersion ("apps/v1", "v1") and kind to a resource. On a miss with
 * data from the disk cache, discovery is re-read from the server once (as
 * kubectl's deferred mapper resets) and the lookup repeated.
 * Errors: KS_ENOTFOUND "no matches for kind \"X\" in version \"g/v\"" (kubectl's
 * meta.NoKindMatchError text; apply wraps it in "resource mapping not found for name: ...");
 * KS_EHTTP when discovery itself fails.
 */
int kdisc_map(struct kdisc *d, struct kdisc_mapping *out, const char *api_version, const char *kind,
              struct ks_err *e);

/*
 * Map a resource name as a user types it ("deploy", "deployments.apps",
 * "configmap") to a mapping, preferring kubectl's group order.
 * Errors: KS_ENOTFOUND "the server doesn't have a resource type \"x\"".
 */
int kdisc_map_resource(struct kdisc *d, struct kdisc_mapping *out, const char *name,
                       struct ks_err *e);

/*
 * Every resource of the server (loads discovery if needed) as a JSON array of
 * {"group","version","kind","resource","namespaced"(bool),"verbs"[...]} in
 * discovery order, preferred versions only. Ownership: borrowed from d.
 */
int kdisc_resources_get(const json_t **out, struct kdisc *d, struct ks_err *e);

/* Number of HTTP requests discovery has sent (0 on a warm cache). */
unsigned long kdisc_request_count(const struct kdisc *d);

/*
 * The cache directory name kubectl uses for a server URL:
 * "https://127.0.0.1:6443" -> "127.0.0.1_6443". Ownership: caller frees.
 */
char *kdisc_host_dir(const char *server);

#endif
