/*
 * convert_util.h: small helpers the conversion rules share to read and edit
 * one object (a private deep copy the rule owns), in the shapes Go's
 * encoding/json gives to absent, null and empty fields.
 */
#ifndef CONVERT_UTIL_H
#define CONVERT_UTIL_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>

/* The member key of obj when it is an object, else NULL. Ownership: borrowed. */
json_t *convert_util_obj_get(const json_t *obj, const char *key);

/* The member key of obj when it is an array, else NULL. Ownership: borrowed. */
json_t *convert_util_arr_get(const json_t *obj, const char *key);

/* The member key of obj when it is a string, else NULL. */
const char *convert_util_str_get(const json_t *obj, const char *key);

/*
 * The object member key of obj, created as {} when absent or null. NULL when
 * obj is not an object or the member holds another kind of value.
 * Ownership: borrowed.
 */
json_t *convert_util_obj_ensure(json_t *obj, const char *key);

/*
 * True when key is absent from obj or null: what Go decodes as a nil pointer,
 * the state in which a SetDefaults_* function fills a field.
 */
bool convert_util_unset(const json_t *obj, const char *key);

/* Set obj[key] = v when the field is unset (see above). Ownership: steals v. */
void convert_util_default_new(json_t *obj, const char *key, json_t *v);

/*
 * True when v is what Go's omitempty drops or a nil slice/map decodes from:
 * absent (NULL), null, "", 0, false, [] or {}.
 */
bool convert_util_empty(const json_t *v);

/* Move obj[from] to obj[to] (replacing it); nothing when from is absent. */
void convert_util_rename(json_t *obj, const char *from, const char *to);

/* The object at obj.k1.k2... (NULL-terminated key list), or NULL. Borrowed. */
json_t *convert_util_path(const json_t *obj, ...);

/*
 * Default the selector and the object's labels from the pod template's labels,
 * as the v1beta1 SetDefaults_{Deployment,DaemonSet,ReplicaSet,StatefulSet} did:
 * when spec.template.metadata.labels is present (even {}), spec.selector gets
 * {matchLabels: <labels>} if unset and metadata.labels gets a copy if empty.
 */
void convert_util_selector_from_template(json_t *obj);

#endif
