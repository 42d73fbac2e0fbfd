/*
 * asrv_ssa.h: managedFields for kubeshim-apiserver: server-side apply
 * (ownership, conflicts, force, pruning of fields an applier dropped) and
 * the Update entries that every other write records.
 */
#ifndef ASRV_SSA_H
#define ASRV_SSA_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

struct asrv_ssa_opts {
    const char *manager;             /* fieldManager */
    const char *api_version;         /* "apps/v1" */
    const char *now;                 /* RFC 3339 time for the entry */
    const struct pmeta_type *schema; /* the kind's root type, or NULL */
    bool builtin;                    /* a built-in kind (typed objects) */
    bool force;                      /* apply: take fields from other managers */
    bool reset_status;               /* status belongs to the status subresource */
};

/*
 * Apply config to live (NULL: create). Ownership: *out gets a new object
 * carrying the new managedFields.
 * Errors: KS_ECONFLICT when other managers own fields the apply changes (and
 * !force): *msg gets the apiserver's message (free it) and *causes the
 * Status causes (a new reference).
 */
int asrv_ssa_apply(json_t **out, char **msg, json_t **causes, const json_t *live,
                   const json_t *config, const struct asrv_ssa_opts *o, struct ks_err *e);

/*
 * Record a non-apply write of new_obj over live (NULL: create) in
 * new_obj's metadata.managedFields. Managed fields that the writer changed
 * itself (kubectl's client-side to server-side migration) are taken as given.
 * Ownership: new_obj is modified in place (it must be private).
 */
void asrv_ssa_update(json_t *new_obj, const json_t *live, const struct asrv_ssa_opts *o);

/* A copy of obj without metadata.managedFields (shares the rest). */
json_t *asrv_ssa_strip(const json_t *obj);

#endif
