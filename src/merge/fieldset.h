/*
 * fieldset.h: server-side apply's field sets as managedFields carry them
 * (fieldsV1: {"f:metadata":{"f:labels":{".":{},"f:app":{}}}, "k:{...}":...}),
 * for kubectl's client-side to server-side apply migration (client-go
 * util/csaupgrade): membership, union, and structured-merge-diff's canonical
 * JSON form.
 */
#ifndef FIELDSET_H
#define FIELDSET_H

#include "base/strbuf.h"

#include <jansson.h>
#include <stdbool.h>

/* Is the path (n elements such as "f:metadata") a member of set (a fieldsV1 object)? */
bool fieldset_has(const json_t *set, const char *const *path, size_t n);

/*
 * The union of two fieldsV1 sets (either may be NULL). A path that is a
 * member in one set and has children in the other keeps both (".": {}).
 * Ownership: returns a new reference.
 */
json_t *fieldset_union(const json_t *a, const json_t *b);

/*
 * Append set as structured-merge-diff's Set.ToJSON writes it: "." first,
 * then the path elements in PathElement order (field names, then keys, then
 * values, then indexes; each kind in its own order).
 */
void fieldset_write(struct strbuf *out, const json_t *set);

#endif
