/*
 * pmeta.h: patch metadata, the vocabulary of how each field of a document
 * merges (smp-semantics.md §2.1, schemas.md).
 *
 * Every source of metadata (compiled tables generated into schemas/, an
 * OpenAPI v3 or v2 document read at run time, the test schemas of the
 * upstream corpus) is turned into the same graph: a struct pmeta_type per
 * schema type, holding its fields sorted by name. A field points at the type
 * of its value, or for a list, at the type of its elements.
 *
 * The flavour of a type records which upstream lookup it mirrors, because the
 * three sources differ in their error text and in corner cases:
 *   PMETA_STRUCT  Go struct tags: exact name, then case-insensitive; unknown
 *                 field: `unable to find api field in struct <T> for the json
 *                 field "<f>"`; lookup into a non-struct: `merging an object
 *                 in json but data type is not struct, instead is: <kind>`.
 *   PMETA_V2      OpenAPI v2: unknown field: `unable to find api field "<f>"
 *                 in <path>`; a schema with no type and no properties is
 *                 "arbitrary" (PMETA_T_ARBITRARY): lookups below it succeed
 *                 with empty metadata.
 *   PMETA_V3      OpenAPI v3: a schema without properties fails every lookup.
 * A NULL type means "no schema here": every lookup below succeeds with empty
 * metadata and a NULL type.
 *
 * Lookup into a PMETA_T_OPAQUE type fails: PMETA_STRUCT with `merging an
 * object in json but data type is not struct, instead is: <name>` (so give
 * such types the Go reflect kind as name: "map", "string", "slice"), PMETA_V2
 * with `expected kind, but got <name>` for the names "slice" and "primitive",
 * else `... got map`, PMETA_V3 like a missing field. A
 * PMETA_T_ARBITRARY type succeeds with empty metadata and a NULL type (v2).
 */
#ifndef PMETA_H
#define PMETA_H

#include "base/ks.h"

#include <stdbool.h>
#include <stddef.h>

enum pmeta_strategy {
    PMETA_NONE = 0,    /* no strategy: objects merge, lists are replaced whole */
    PMETA_MERGE = 1,   /* merge lists by merge key, or primitive lists as sets */
    PMETA_REPLACE = 2, /* replace the object or list whole */
};

enum pmeta_flavor { PMETA_STRUCT = 0, PMETA_V2 = 1, PMETA_V3 = 2 };

enum pmeta_tkind {
    PMETA_T_OBJECT = 0,    /* has properties (possibly none) and fields[] */
    PMETA_T_ARBITRARY = 1, /* v2 untyped schema: every lookup below succeeds, empty */
    PMETA_T_OPAQUE = 2,    /* map, scalar, RawExtension, preserve-unknown: lookups fail */
};

/* Server-side apply metadata (x-kubernetes-list-type / -map-type), carried for SSA. */
enum pmeta_list_type { PMETA_LIST_UNSET = 0, PMETA_LIST_ATOMIC, PMETA_LIST_SET, PMETA_LIST_MAP };
enum pmeta_map_type { PMETA_MAP_UNSET = 0, PMETA_MAP_ATOMIC, PMETA_MAP_GRANULAR };

struct pmeta_type;

struct pmeta_field {
    const char *name;              /* JSON field name */
    unsigned char strategy;        /* enum pmeta_strategy ("other strategy") */
    unsigned char retain_keys;     /* the retainKeys flag */
    unsigned char is_list;         /* the value is an array; type is the element type */
    unsigned char list_type;       /* enum pmeta_list_type (SSA) */
    unsigned char map_type;        /* enum pmeta_map_type (SSA, property level) */
    const char *merge_key;         /* x-kubernetes-patch-merge-key, or NULL */
    const char *list_map_keys;     /* comma-separated x-kubernetes-list-map-keys, or NULL */
    const char *bad_strategy;      /* a malformed strategy string, reported on lookup; or NULL */
    const struct pmeta_type *type; /* value (or element) type, or NULL for none/scalar */
};

struct pmeta_type {
    const char *name;       /* type name for messages, e.g. io.k8s.api.apps.v1.DeploymentSpec */
    unsigned char flavor;   /* enum pmeta_flavor */
    unsigned char kind;     /* enum pmeta_tkind */
    unsigned char map_type; /* enum pmeta_map_type (SSA, definition level) */
    size_t nfields;
    const struct pmeta_field *fields; /* sorted by strcmp of name */
};

/* The result of one lookup. */
struct pmeta {
    int strategy; /* enum pmeta_strategy */
    bool retain_keys;
    const char *merge_key;           /* borrowed from the schema, or NULL */
    const struct pmeta_type *type;   /* where lookups below this field start; NULL = no schema */
    const struct pmeta_field *field; /* the field found, or NULL */
};

/*
 * The field named exactly name in object type t, or NULL (also when t is NULL
 * or not PMETA_T_OBJECT). No case folding and no error: for callers that walk
 * a schema themselves. Ownership: borrows from the schema.
 */
const struct pmeta_field *pmeta_field(const struct pmeta_type *t, const char *name);

/*
 * Look field up under type at (the schema position of the object that holds
 * it). at == NULL succeeds with empty metadata and out->type = NULL.
 * Ownership: out borrows from the schema, which must outlive it.
 * Errors: KS_EINVALID with the source's upstream text (see the file comment),
 * or `unexpected patch strategy: [..]` for a malformed strategy.
 */
int pmeta_lookup(struct pmeta *out, const struct pmeta_type *at, const char *field,
                 struct ks_err *e);

#endif
