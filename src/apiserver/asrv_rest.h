/*
 * asrv_rest.h: the resource endpoints of kubeshim-apiserver: GET, LIST,
 * POST, PUT, DELETE (and deletecollection) on /api/<v>/... and
 * /apis/<g>/<v>/..., the status and scale subresources; PATCH is in
 * asrv_patch.
 */
#ifndef ASRV_REST_H
#define ASRV_REST_H

#include "apiserver/asrv_server.h"
#include "apiserver/asrv_write.h"

#include <stdbool.h>

struct asrv_target {
    const struct asrv_res *res;
    char *ns;   /* "" for cluster-scoped or all namespaces */
    char *name; /* NULL for a collection */
    char *sub;  /* subresource, or NULL */
};

/*
 * Resolve the path segments after the version. Returns false (and fills r
 * with the apiserver's 404) when no served resource matches.
 * Ownership: release t with asrv_rest_target_release().
 */
bool asrv_rest_target(struct asrv_target *t, const struct asrv_catalog *c, const char *group,
                      const char *version, char **segs, size_t nseg, struct asrv_resp *r);
void asrv_rest_target_release(struct asrv_target *t);

/* Serve one resource request. The caller holds s->mu. */
void asrv_rest_handle(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                      struct asrv_target *t);

/* Fill the write context of a mutating request from its query (caller frees w->manager). */
void asrv_rest_wctx(struct asrv_wctx *w, struct asrv *s, const struct asrv_req *q,
                    struct asrv_resp *r, const struct asrv_target *t);

/* Decode a request body (JSON, or YAML when ctype says so). NULL: r holds a 400. */
json_t *asrv_rest_decode(const struct asrv_req *q, struct asrv_resp *r);

/* The autoscaling/v1 Scale of obj. Ownership: new. */
json_t *asrv_rest_scale_of(const json_t *obj);

/* The object as the response shows it: in the requested version. Ownership: new ref. */
json_t *asrv_rest_view(const json_t *obj, const struct asrv_res *res);

#endif
