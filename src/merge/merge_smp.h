/*
 * merge_smp.h: build strategic merge patches, two-way (original -> modified)
 * and three-way (last-applied, manifest, live) as kubectl apply does
 * (smp-semantics.md §3 and §5; apimachinery strategicpatch
 * CreateTwoWayMergePatch / CreateThreeWayMergePatch).
 */
#ifndef MERGE_SMP_H
#define MERGE_SMP_H

#include "base/ks.h"
#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * The patch that turns original into modified when applied with
 * patch_smp_apply(), with $setElementOrder lists (§3). NULL or JSON-null
 * inputs count as {}; schema NULL means "no metadata" (JSON-merge-like).
 * Ownership: *out gets a new reference (it may share subtrees of modified by
 * reference), or NULL on error; the inputs are never modified (the in-place
 * sort of §3.3 is emulated on copies).
 * Errors: KS_EINPUT for documents that are not objects (`invalid JSON
 * document`) and malformed directives; KS_EINVALID for lookup errors
 * (`unable to find api field ...`, `unexpected patch strategy`) and lists of
 * lists; KS_EGENERIC for the rest (a missing merge key, mixed element kinds);
 * texts as in smp-semantics.md §6.
 */
int merge_smp_2way(json_t **out, const json_t *original, const json_t *modified,
                   const struct pmeta_type *schema, struct ks_err *e);

/*
 * kubectl apply's patch (§5): original = last-applied annotation, modified =
 * manifest with its new annotation, current = live object. With overwrite
 * false, changes made in the cluster since original that the patch would
 * undo are a conflict (§5.3).
 * Ownership: as merge_smp_2way.
 * Errors: KS_ECONFLICT with `patch:\n<yaml>\nconflicts with changes made from
 * original to current:\n<yaml>\n` (truncated to KS_ERR_MSG); otherwise as
 * merge_smp_2way.
 */
int merge_smp_3way(json_t **out, const json_t *original, const json_t *modified,
                   const json_t *current, const struct pmeta_type *schema, bool overwrite,
                   struct ks_err *e);

/*
 * The whole conflict message of merge_smp_3way(..., overwrite=false) (a
 * struct ks_err holds only its first KS_ERR_MSG - 1 bytes), as kubectl prints
 * it after "for:: "; *out is NULL when the inputs do not conflict.
 * Ownership: *out is a new string (free()) or NULL.
 * Errors: as merge_smp_3way, except that a conflict is not an error here.
 */
int merge_smp_3way_conflict(char **out, const json_t *original, const json_t *modified,
                            const json_t *current, const struct pmeta_type *schema,
                            struct ks_err *e);

/* Internal to the merge_smp* files: the diff of §3 with the flags of DiffOptions. */
struct merge_smp_opts {
    bool set_order;        /* SetElementOrder */
    bool ignore_changes;   /* IgnoreChangesAndAdditions */
    bool ignore_deletions; /* IgnoreDeletions */
    bool build_retain;     /* BuildRetainKeysDirective */
};

/*
 * diffMaps: the patch from original to modified (both objects or NULL).
 * Ownership: *out gets a new reference.
 */
int merge_smp_diff(json_t **out, const json_t *original, const json_t *modified,
                   const struct pmeta_type *schema, const struct merge_smp_opts *o,
                   struct ks_err *e);

#endif
