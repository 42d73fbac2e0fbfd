/*
 * patch_smp_util.h: the small vocabulary shared by strategic merge patch
 * application (src/patch) and building (src/merge): Go's view of a JSON value
 * (reflect type names, fmt %v / %s), scalar identity (Go ==) with a hash
 * index, the element-kind check of lists, and the sorts by string form.
 */
#ifndef PATCH_SMP_UTIL_H
#define PATCH_SMP_UTIL_H

#include "base/ks.h"
#include "base/strbuf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Go dynamic types of decoded JSON (reflect.TypeOf): nil has no type. */
enum patch_smp_util_gokind {
    PATCH_SMP_UTIL_NIL = 0,
    PATCH_SMP_UTIL_MAP,
    PATCH_SMP_UTIL_SLICE,
    PATCH_SMP_UTIL_STRING,
    PATCH_SMP_UTIL_INT,
    PATCH_SMP_UTIL_FLOAT,
    PATCH_SMP_UTIL_BOOL,
};

/* The Go kind of v (NULL counts as nil). */
int patch_smp_util_gokind(const json_t *v);

/* reflect.TypeOf(v).String(), e.g. "map[string]interface {}"; "%!s(<nil>)" for nil. */
const char *patch_smp_util_gotype(const json_t *v);

/* Append v as fmt prints it with verb 'v' or 's' (maps with sorted keys). */
void patch_smp_util_gofmt(struct strbuf *sb, const json_t *v, char verb);

/* Fail with upstream's "unknown patch type: <dir> in map: <map>" (KS_EINPUT), as ks_fail does. */
int patch_smp_util_fail_bad_patch_type(const json_t *dir, const json_t *map, struct ks_err *e);

/* Go == on two decoded values: same type and value (scalars; containers never). */
bool patch_smp_util_same(const json_t *a, const json_t *b);

/*
 * A hash index from scalar values (Go identity) to the first position where
 * each was added. Containers are not indexed; they are counted, because Go
 * panics when it compares two maps (or two slices) with ==.
 */
struct patch_smp_util_index {
    size_t cap;          /* power of two, or 0 */
    size_t n;            /* entries */
    const json_t **keys; /* borrowed */
    size_t *pos;         /* position of each slot's key */
    uint64_t *hash;      /* hash of each slot's key */
    size_t nmap, nslice; /* containers seen */
};

void patch_smp_util_index_init(struct patch_smp_util_index *ix, size_t hint);
void patch_smp_util_index_add(struct patch_smp_util_index *ix, const json_t *key, size_t pos);
/*
 * 1 and *pos when key was added, 0 when not.
 * Errors: KS_EGENERIC (Go's runtime panic text) when key is a container and
 * the index holds a container of the same kind.
 */
int patch_smp_util_index_find(const struct patch_smp_util_index *ix, const json_t *key, size_t *pos,
                              struct ks_err *e);
void patch_smp_util_index_free(struct patch_smp_util_index *ix);

/*
 * sliceElementType: the Go kind shared by every element of a and b (either
 * may be NULL for "absent").
 * Errors: KS_EINVALID `lists of lists are not supported`; KS_EGENERIC `list
 * element types are not identical: ...`, `no elements in any of the given
 * slices`, or the nil-dereference panic when the first element is null.
 */
int patch_smp_util_elem_kind(int *kind, const json_t *a, const json_t *b, struct ks_err *e);

/*
 * Sort positions 0..n-1 by the string form (%v) of keys[i], byte order, as
 * sort.Sort does with the reference's "less or equal" comparison: runs of
 * equal forms come out reversed (exact for up to 12 elements).
 * Ownership: perm is the caller's array of n entries.
 */
void patch_smp_util_sort_strform(size_t *perm, const json_t *const *keys, size_t n);

/*
 * deduplicateScalars: drop repeated values (Go identity) in place, moving the
 * last element into each duplicate's slot as the reference does, in
 * O(n log n). Returns the new length. Ownership: items are borrowed pointers.
 */
size_t patch_smp_util_dedupe(const json_t **items, size_t n);

/* True when key starts with prefix. */
bool patch_smp_util_prefixed(const char *key, const char *prefix);

#endif
