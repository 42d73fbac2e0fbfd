/*
 * asrv_fields.h: field sets for server-side apply, held in the FieldsV1
 * wire format itself: a tree of {"f:<field>", "k:<key json>", "v:<value
 * json>", "i:<index>"} nodes where an empty node is a member and a node with
 * children is a member when it holds ".". The root is never a member.
 */
#ifndef ASRV_FIELDS_H
#define ASRV_FIELDS_H

#include "patch/pmeta.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * The set an applied configuration manages: its leaves and the items of
 * associative lists (structured-merge-diff ToFieldSet). t: the root type, or
 * NULL (maps granular, lists atomic). Ownership: a new object.
 */
json_t *asrv_fields_of(const json_t *obj, const struct pmeta_type *t);

/*
 * Compare old (NULL: none) with new: *changed gets what was added or
 * modified (an added container also as a member), *removed what new lost.
 * builtin: keep well-known non-pointer structs (spec, template, ...) out of
 * the members, as typed objects always hold them. Ownership: new objects.
 */
void asrv_fields_compare(const json_t *old, const json_t *new_obj, const struct pmeta_type *t,
                         bool builtin, json_t **changed, json_t **removed);

/* Set algebra. Ownership: new objects (never NULL; {} is the empty set). */
json_t *asrv_fields_union(const json_t *a, const json_t *b);
json_t *asrv_fields_minus(const json_t *a, const json_t *b);
json_t *asrv_fields_intersect(const json_t *a, const json_t *b);
bool asrv_fields_empty(const json_t *set);

/* Drop the paths that apply never tracks: apiVersion, kind, metadata.name, ... and status. */
void asrv_fields_strip(json_t *set, bool status);

/* The members as path strings (".spec.replicas", ".spec.containers[name=\"web\"]"). */
json_t *asrv_fields_paths(const json_t *set);

/*
 * Merge config into live as structured-merge-diff does (maps and associative
 * lists merge, sets union, atomic values replace). Ownership: a new value.
 */
json_t *asrv_fields_merge(const json_t *live, const json_t *config, const struct pmeta_type *t);

/*
 * Remove the members of set from obj, except where owned holds the same path
 * or one below it (in place; obj must be private).
 */
void asrv_fields_remove(json_t *obj, const json_t *set, const json_t *owned,
                        const struct pmeta_type *t);

#endif
