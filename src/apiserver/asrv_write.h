/*
 * asrv_write.h: the write path shared by POST, PUT, PATCH and server-side
 * apply: metadata (name, namespace, uid, creationTimestamp, generation,
 * resourceVersion), field validation, defaulting, managedFields, dry run,
 * storage, and the side effects of namespaces and CRDs.
 */
#ifndef ASRV_WRITE_H
#define ASRV_WRITE_H

#include "apiserver/asrv_server.h"
#include "patch/pmeta.h"

#include <stdbool.h>

enum asrv_validation { ASRV_VALIDATE_IGNORE = 0, ASRV_VALIDATE_WARN, ASRV_VALIDATE_STRICT };

struct asrv_wctx {
    struct asrv *srv;
    const struct asrv_res *res;
    const char *ns;      /* "" for cluster-scoped */
    const char *name;    /* the name in the URL, NULL for POST */
    const char *gv;      /* apiVersion of the request, "apps/v1" */
    const char *manager; /* fieldManager */
    bool dry_run;
    int validation; /* enum asrv_validation */
    bool is_apply;  /* managedFields were computed by server-side apply */
    bool is_patch;  /* unknown-field errors use the patch wording */
    struct asrv_resp *r;
};

/*
 * Store obj as the new state of live (NULL: create) and write the response:
 * ok_status with the stored object, or the Status of the failure.
 * Ownership: steals obj; live is borrowed (a stored object).
 * Returns 0, or -1 when the response is a failure.
 */
int asrv_write_commit(struct asrv_wctx *w, json_t *obj, const json_t *live, int ok_status);

/*
 * Store obj at start-up (the default namespaces, --fixtures).
 * Ownership: steals obj. Errors: KS_EINPUT for an unknown kind or a missing name.
 */
int asrv_write_seed(struct asrv *s, json_t *obj, struct ks_err *e);

/* Delete the object at key and what depends on it (a namespace's objects, a CRD's kinds). */
void asrv_write_delete(struct asrv *s, const struct asrv_res *res, const char *key,
                       const json_t *obj);

/* The schema of a built-in kind, NULL for custom resources. */
const struct pmeta_type *asrv_write_schema(const struct asrv_res *res);

/*
 * The unknown fields of obj under t ("spec.foo", "spec.containers[0].bar"),
 * and drop them from obj when prune is set. NULL when there are none.
 * Ownership: a new array.
 */
json_t *asrv_write_unknown(json_t *obj, const struct pmeta_type *t, bool prune);

#endif
