/*
 * plan.h: the apply plan for one object (pure): create, patch or leave
 * unchanged; the last-applied annotation; the object to create; the patch to
 * send and its type. kubectl apply and kubectl diff both plan this way
 * (smp-semantics.md §7.2-7.4 and §9).
 *
 * Written by the lead for native apply/diff; the jmp engineer owns its golden
 * test (tests/plan). Extend it rather than replace it.
 */
#ifndef PLAN_H
#define PLAN_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

#define PLAN_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

enum plan_op { PLAN_CREATE = 0, PLAN_PATCH, PLAN_UNCHANGED };

struct plan_in {
    const json_t *manifest;          /* the object as read, namespace defaulted */
    const json_t *live;              /* NULL when the object does not exist */
    const struct pmeta_type *schema; /* the kind's metadata; NULL with smp false */
    bool smp;                        /* strategic merge patch; false: JSON merge patch */
    bool overwrite;                  /* --overwrite (kubectl's default: true) */
    bool for_diff;                   /* kubectl diff: no annotation; resourceVersion in the patch */
    bool diff_no_lock;               /* kubectl diff's last attempt: no resourceVersion */
};

struct plan {
    enum plan_op op;
    char *annotation;         /* the new last-applied value, "...\n" (apply only) */
    char *original;           /* the live object's last-applied value, or NULL */
    char *modified;           /* the modified document the patch was built from */
    json_t *create;           /* PLAN_CREATE: the object to POST */
    json_t *patch;            /* PLAN_PATCH: the patch */
    const char *content_type; /* PLAN_PATCH: strategic-merge-patch+json or merge-patch+json */
    bool missing_annotation;  /* the live object has no last-applied annotation */
    char *conflict;           /* after KS_ECONFLICT: upstream's whole message (any length) */
};

/*
 * Plan one object. On error, p->original and p->modified are still set (when
 * computed), for kubectl's "creating patch with:" message.
 * Ownership: release p with plan_release(), also after an error.
 * Errors: those of the patch builders (KS_ECONFLICT with --overwrite=false,
 * KS_EINVALID for lookup errors and preconditions, KS_EINPUT for a malformed
 * annotation: `invalid JSON document`).
 */
int plan_object(struct plan *p, const struct plan_in *in, struct ks_err *e);

void plan_release(struct plan *p);

/* The annotation value kubectl computes for obj: compact sorted JSON of obj
 * without the last-applied key (annotations {} when none), plus "\n".
 * Ownership: caller frees. Errors: none for valid documents (NULL on NaN). */
char *plan_annotation(const json_t *obj);

/* obj with every null member removed, recursively (arrays too): what kubectl
 * POSTs after computing the annotation. Ownership: new reference. */
json_t *plan_prune_nulls(const json_t *obj);

#endif
