/*
 * pmeta_openapi.c: build patch-metadata graphs from an OpenAPI document read
 * at run time, lazily, for the types reachable from what is asked. PARITY:
 * v2 as kube-openapi proto.ParseSchema + strategicpatch PatchMetaFromOpenAPI
 * (extensions beside $ref, untyped = arbitrary); v3 as PatchMetaFromOpenAPIV3
 * (items, allOf[0], $ref); the SMP check as kubectl's patcher does it.
 */
#include "patch/pmeta_openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMP_TYPE "application/strategic-merge-patch+json"

struct pmeta_openapi {
    json_t *doc;           /* held: every borrowed string points into it */
    const json_t *schemas; /* definitions (v2) or components.schemas (v3) */
    bool v3;
    json_t *memo; /* "%p" of a schema node -> index into types */
    struct pmeta_type **types;
    size_t ntypes, atypes;
    char **strs; /* owned strings: names, joined list-map keys */
    size_t nstrs, astrs;
    struct pmeta_type *shared[4]; /* v2 map, slice, primitive, arbitrary; v3 "no properties" */
    /* lazy sets: schemas holds stubs; whole schemas are fetched by name */
    pmeta_schema_fn fetch;
    void *fetch_ctx;
    json_t *loaded; /* name -> whole schema, held while the set lives */
};

static const char *keep(struct pmeta_openapi *s, char *str)
{
    if (s->nstrs == s->astrs) {
        s->astrs = s->astrs ? 2 * s->astrs : 64;
        s->strs = ks_realloc(s->strs, s->astrs * sizeof(*s->strs));
    }
    s->strs[s->nstrs++] = str;
    return str;
}

static struct pmeta_type *new_type(struct pmeta_openapi *s, const char *name, int kind)
{
    struct pmeta_type *t = ks_calloc(1, sizeof(*t));
    if (s->ntypes == s->atypes) {
        s->atypes = s->atypes ? 2 * s->atypes : 64;
        s->types = ks_realloc(s->types, s->atypes * sizeof(*s->types));
    }
    s->types[s->ntypes++] = t;
    t->name = name;
    t->flavor = (unsigned char)(s->v3 ? PMETA_V3 : PMETA_V2);
    t->kind = (unsigned char)kind;
    return t;
}

static struct pmeta_type *shared_type(struct pmeta_openapi *s, int which, const char *name,
                                      int kind)
{
    if (!s->shared[which])
        s->shared[which] = new_type(s, name, kind);
    return s->shared[which];
}

/*
 * The whole schema named name, or NULL; *stored (may be NULL) gets the name
 * as the document holds it. A lazy set fetches it on first use.
 */
static const json_t *schema_named(struct pmeta_openapi *s, const char *name, const char **stored)
{
    const json_t *v = name ? json_object_get(s->schemas, name) : NULL;
    if (stored)
        *stored = v ? json_object_iter_key(json_object_iter_at((json_t *)s->schemas, name)) : NULL;
    if (!v || !s->fetch)
        return v;
    const json_t *whole = json_object_get(s->loaded, name);
    if (whole)
        return whole;
    json_t *got = s->fetch(s->fetch_ctx, name);
    if (!got) {
        if (stored)
            *stored = NULL;
        return NULL;
    }
    json_object_set_new(s->loaded, name, got);
    return got;
}

/* The schema a "#/definitions/X" or "#/components/schemas/X" reference names, or NULL. */
static const json_t *deref(struct pmeta_openapi *s, const json_t *ref, const char **name)
{
    const char *r = json_string_value(ref);
    const char *prefix = s->v3 ? "#/components/schemas/" : "#/definitions/";
    *name = NULL;
    if (!r)
        return NULL;
    if (strncmp(r, prefix, strlen(prefix)) == 0)
        r += strlen(prefix);
    return schema_named(s, r, name);
}

static int cmp_field(const void *a, const void *b)
{
    return strcmp(((const struct pmeta_field *)a)->name, ((const struct pmeta_field *)b)->name);
}

/* PARITY: extractRetainKeysPatchStrategy, for the strategy string of a property. */
static void set_strategy(struct pmeta_field *f, const json_t *prop)
{
    const char *st = json_string_value(json_object_get(prop, "x-kubernetes-patch-strategy"));
    char other[64] = "";
    if (!st)
        return;
    const char *comma = strchr(st, ',');
    if (!comma) {
        if (strcmp(st, "retainKeys") == 0)
            f->retain_keys = 1;
        else
            snprintf(other, sizeof(other), "%s", st);
    } else if (!strchr(comma + 1, ',') && strcmp(comma + 1, "retainKeys") == 0) {
        f->retain_keys = 1;
        snprintf(other, sizeof(other), "%.*s", (int)(comma - st), st);
    } else if (!strchr(comma + 1, ',') && strncmp(st, "retainKeys,", 11) == 0) {
        f->retain_keys = 1;
        snprintf(other, sizeof(other), "%s", comma + 1);
    } else {
        f->bad_strategy = st;
        return;
    }
    if (strcmp(other, "merge") == 0)
        f->strategy = PMETA_MERGE;
    else if (strcmp(other, "replace") == 0)
        f->strategy = PMETA_REPLACE;
    else if (other[0])
        f->bad_strategy = st; /* NEEDSWORK: upstream passes unknown strategies through */
}

static void set_ssa(struct pmeta_openapi *s, struct pmeta_field *f, const json_t *prop)
{
    const char *lt = json_string_value(json_object_get(prop, "x-kubernetes-list-type"));
    const char *mt = json_string_value(json_object_get(prop, "x-kubernetes-map-type"));
    const json_t *keys = json_object_get(prop, "x-kubernetes-list-map-keys");
    if (lt)
        f->list_type = (unsigned char)(strcmp(lt, "atomic") == 0 ? PMETA_LIST_ATOMIC
                                       : strcmp(lt, "set") == 0  ? PMETA_LIST_SET
                                       : strcmp(lt, "map") == 0  ? PMETA_LIST_MAP
                                                                 : PMETA_LIST_UNSET);
    if (mt)
        f->map_type = (unsigned char)(strcmp(mt, "atomic") == 0     ? PMETA_MAP_ATOMIC
                                      : strcmp(mt, "granular") == 0 ? PMETA_MAP_GRANULAR
                                                                    : PMETA_MAP_UNSET);
    if (json_array_size(keys) > 0) {
        size_t n = 0, i;
        json_t *k;
        json_array_foreach(keys, i, k) n += json_string_length(k) + 1;
        char *joined = ks_calloc(1, n + 1);
        json_array_foreach(keys, i, k)
        {
            if (i)
                strcat(joined, ",");
            if (json_is_string(k))
                strcat(joined, json_string_value(k));
        }
        f->list_map_keys = keep(s, joined);
    }
    f->merge_key = json_string_value(json_object_get(prop, "x-kubernetes-patch-merge-key"));
}

static const struct pmeta_type *build(struct pmeta_openapi *s, const json_t *node,
                                      const char *name);

/* Fill t's fields from the properties of node (t is already memoised). */
static void fill_fields(struct pmeta_openapi *s, struct pmeta_type *t, const json_t *props)
{
    size_t n = json_object_size(props), i = 0;
    const char *k;
    json_t *prop;
    if (!n)
        return;
    struct pmeta_field *fields = ks_calloc(n, sizeof(*fields));
    t->fields = fields;
    t->nfields = n;
    json_object_foreach((json_t *)props, k, prop)
    {
        struct pmeta_field *f = &fields[i++];
        const json_t *target = prop, *items = json_object_get(prop, "items");
        const char *tname = NULL;
        f->name = k;
        set_strategy(f, prop);
        set_ssa(s, f, prop);
        if (s->v3) {
            /* PARITY: LookupPatchMetadataForSlice steps into items, then resolve(). */
            if (json_is_object(items)) {
                f->is_list = 1;
                target = items;
            }
            const json_t *all = json_object_get(target, "allOf");
            if (json_array_size(all) > 0)
                target = json_array_get(all, 0);
            const json_t *ref = json_object_get(target, "$ref");
            if (ref)
                target = deref(s, ref, &tname); /* NEEDSWORK: unresolvable: no schema */
        } else {
            const char *ptype = json_string_value(json_object_get(prop, "type"));
            if (!json_object_get(prop, "$ref") && ptype && strcmp(ptype, "array") == 0) {
                f->is_list = 1;
                target = items;
            }
            if (target && json_object_get(target, "$ref"))
                target = deref(s, json_object_get(target, "$ref"), &tname);
        }
        if (!tname)
            tname = keep(s, ks_asprintf("%s.%s", t->name ? t->name : "", k));
        f->type = target ? build(s, target, tname) : NULL;
    }
    qsort(fields, n, sizeof(*fields), cmp_field);
}

/*
 * The type of schema node (already dereferenced). PARITY: proto.ParseSchema
 * for v2 (kind / map / array / primitive / arbitrary); for v3 every schema is
 * an object whose properties (possibly none) are its fields.
 */
static const struct pmeta_type *build(struct pmeta_openapi *s, const json_t *node, const char *name)
{
    char key[32];
    snprintf(key, sizeof(key), "%p", (const void *)node);
    const json_t *hit = json_object_get(s->memo, key);
    if (hit)
        return s->types[json_integer_value(hit)];

    const json_t *props = json_object_get(node, "properties");
    const char *type = json_string_value(json_object_get(node, "type"));
    if (s->v3) {
        if (json_object_size(props) == 0)
            return shared_type(s, 0, "Struct", PMETA_T_OBJECT);
    } else if (!type) {
        if (!json_is_object(props))
            return shared_type(s, 3, "arbitrary", PMETA_T_ARBITRARY);
    } else if (strcmp(type, "object") != 0 || !json_is_object(props)) {
        if (strcmp(type, "object") == 0)
            return shared_type(s, 0, "map", PMETA_T_OPAQUE);
        if (strcmp(type, "array") == 0)
            return shared_type(s, 1, "slice", PMETA_T_OPAQUE);
        return shared_type(s, 2, "primitive", PMETA_T_OPAQUE);
    }
    struct pmeta_type *t = new_type(s, name, PMETA_T_OBJECT);
    const char *mt = json_string_value(json_object_get(node, "x-kubernetes-map-type"));
    if (mt)
        t->map_type = (unsigned char)(strcmp(mt, "atomic") == 0     ? PMETA_MAP_ATOMIC
                                      : strcmp(mt, "granular") == 0 ? PMETA_MAP_GRANULAR
                                                                    : PMETA_MAP_UNSET);
    json_object_set_new(s->memo, key, json_integer((json_int_t)(s->ntypes - 1)));
    fill_fields(s, t, props);
    return t;
}

/* Where a member sits in an OpenAPI document, for pmeta_openapi_filter. */
enum oa_place {
    OA_DROP,
    OA_ALL, /* kept whole */
    OA_ROOT,
    OA_PATHS,      /* paths: path -> item */
    OA_PATH_ITEM,  /* operations by method */
    OA_PATCH_OP,   /* the patch operation */
    OA_REQ_BODY,   /* its requestBody */
    OA_CONTENT,    /* media type -> media object (whose members are not read) */
    OA_MEDIA,      /* a media object */
    OA_COMPONENTS, /* components */
    OA_SCHEMAS,    /* name -> schema (components.schemas, definitions) */
    OA_SCHEMA,     /* a schema */
    OA_PROPS,      /* properties: field name -> schema */
    OA_ALLOF,      /* allOf: schemas */
    OA_STUB,       /* a schema in an index: only its GVKs are kept */
};

/* The three filters: whole documents, indexes (schemas as stubs), single schemas. */
enum oa_mode { OA_MODE_WHOLE, OA_MODE_INDEX, OA_MODE_SCHEMA };

static bool oa_is(const char *key, size_t klen, const char *word)
{
    return strlen(word) == klen && memcmp(key, word, klen) == 0;
}

/* The place of the member key (NULL: an array element) of a container at place. */
static enum oa_place oa_step(enum oa_mode mode, enum oa_place place, const char *key, size_t klen)
{
    switch (place) {
    case OA_ALL:
        return OA_ALL;
    case OA_ROOT:
        if (!key)
            return OA_DROP;
        if (oa_is(key, klen, "paths"))
            return OA_PATHS;
        if (oa_is(key, klen, "components"))
            return OA_COMPONENTS;
        if (oa_is(key, klen, "definitions"))
            return OA_SCHEMAS;
        return oa_is(key, klen, "openapi") || oa_is(key, klen, "swagger") ? OA_ALL : OA_DROP;
    case OA_PATHS:
        return key ? OA_PATH_ITEM : OA_DROP;
    case OA_PATH_ITEM:
        return key && oa_is(key, klen, "patch") ? OA_PATCH_OP : OA_DROP;
    case OA_PATCH_OP:
        if (!key)
            return OA_DROP;
        if (oa_is(key, klen, "x-kubernetes-group-version-kind") || oa_is(key, klen, "consumes"))
            return OA_ALL;
        return oa_is(key, klen, "requestBody") ? OA_REQ_BODY : OA_DROP;
    case OA_REQ_BODY:
        return key && oa_is(key, klen, "content") ? OA_CONTENT : OA_DROP;
    case OA_CONTENT:
        return key ? OA_MEDIA : OA_DROP;
    case OA_COMPONENTS:
        return key && oa_is(key, klen, "schemas") ? OA_SCHEMAS : OA_DROP;
    case OA_SCHEMAS:
        return !key ? OA_DROP : mode == OA_MODE_INDEX ? OA_STUB : OA_SCHEMA;
    case OA_STUB:
        return key && oa_is(key, klen, "x-kubernetes-group-version-kind") ? OA_ALL : OA_DROP;
    case OA_PROPS:
        return key ? OA_SCHEMA : OA_DROP;
    case OA_ALLOF:
        return key ? OA_DROP : OA_SCHEMA;
    case OA_SCHEMA:
        if (!key)
            return OA_DROP;
        if (oa_is(key, klen, "properties"))
            return OA_PROPS;
        if (oa_is(key, klen, "items"))
            return OA_SCHEMA;
        if (oa_is(key, klen, "allOf"))
            return OA_ALLOF;
        if (oa_is(key, klen, "$ref") || oa_is(key, klen, "type") ||
            (klen > 13 && memcmp(key, "x-kubernetes-", 13) == 0))
            return OA_ALL;
        return OA_DROP;
    default:
        return OA_DROP;
    }
}

static int oa_keep(void *ctx, const char *const *path, size_t depth, const char *key, size_t klen)
{
    enum oa_mode mode = *(const enum oa_mode *)ctx;
    enum oa_place place = mode == OA_MODE_SCHEMA ? OA_SCHEMA : OA_ROOT;
    for (size_t i = 0; i < depth && place != OA_DROP; i++)
        place = oa_step(mode, place, path[i], path[i] ? strlen(path[i]) : 0);
    if (place == OA_DROP)
        return GOJSON_DROP;
    enum oa_place next = oa_step(mode, place, key, klen);
    if (next == OA_DROP)
        return GOJSON_DROP;
    return next == OA_STUB ? GOJSON_KEEP_SPAN : GOJSON_KEEP;
}

static const enum oa_mode oa_modes[] = {OA_MODE_WHOLE, OA_MODE_INDEX, OA_MODE_SCHEMA};
const struct gojson_filter pmeta_openapi_filter = {oa_keep, NULL, NULL, (void *)&oa_modes[0]};
const struct gojson_filter pmeta_openapi_index_filter = {oa_keep, NULL, NULL, (void *)&oa_modes[1]};
const struct gojson_filter pmeta_openapi_schema_filter = {oa_keep, NULL, NULL,
                                                          (void *)&oa_modes[2]};

static int load(struct pmeta_openapi **out, const json_t *doc, bool v3, struct ks_err *e)
{
    const json_t *schemas = v3 ? json_object_get(json_object_get(doc, "components"), "schemas")
                               : json_object_get(doc, "definitions");
    *out = NULL;
    if (!json_is_object(schemas))
        return ks_fail(e, KS_EINPUT, "OpenAPI %s document has no %s object", v3 ? "v3" : "v2",
                       v3 ? "components.schemas" : "definitions");
    struct pmeta_openapi *s = ks_calloc(1, sizeof(*s));
    s->doc = json_incref((json_t *)doc);
    s->schemas = schemas;
    s->v3 = v3;
    s->memo = json_object();
    *out = s;
    return 0;
}

int pmeta_openapi_load_v3(struct pmeta_openapi **out, const json_t *doc, struct ks_err *e)
{
    return load(out, doc, true, e);
}

int pmeta_openapi_load_v3_lazy(struct pmeta_openapi **out, const json_t *index,
                               pmeta_schema_fn fetch, void *ctx, struct ks_err *e)
{
    int rc = load(out, index, true, e);
    if (rc == 0) {
        (*out)->fetch = fetch;
        (*out)->fetch_ctx = ctx;
        (*out)->loaded = json_object();
    }
    return rc;
}

int pmeta_openapi_load_v2(struct pmeta_openapi **out, const json_t *doc, struct ks_err *e)
{
    return load(out, doc, false, e);
}

static bool gvk_is(const json_t *g, const char *group, const char *version, const char *kind)
{
    const char *gg = json_string_value(json_object_get(g, "group"));
    const char *gv = json_string_value(json_object_get(g, "version"));
    const char *gk = json_string_value(json_object_get(g, "kind"));
    return strcmp(gg ? gg : "", group) == 0 && gv && strcmp(gv, version) == 0 && gk &&
           strcmp(gk, kind) == 0;
}

/*
 * PARITY: kubectl gvkSupportsPatchOpenAPIV3 (the first PATCH operation with
 * the GVK decides, by its requestBody.content) and getPatchTypeFromOpenAPI
 * (v2: its consumes).
 */
static bool accepts_smp(const struct pmeta_openapi *s, const char *group, const char *version,
                        const char *kind)
{
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(s->doc, "paths"), path, item)
    {
        const json_t *op = json_object_get(item, "patch");
        if (!op ||
            !gvk_is(json_object_get(op, "x-kubernetes-group-version-kind"), group, version, kind))
            continue;
        if (s->v3)
            return json_object_get(json_object_get(json_object_get(op, "requestBody"), "content"),
                                   SMP_TYPE) != NULL;
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(op, "consumes"), i, c)
        {
            if (json_is_string(c) && strcmp(json_string_value(c), SMP_TYPE) == 0)
                return true;
        }
        return false;
    }
    return false;
}

int pmeta_openapi_kind(const struct pmeta_type **out, bool *smp, struct pmeta_openapi *set,
                       const char *group, const char *version, const char *kind, struct ks_err *e)
{
    const char *name;
    json_t *schema;
    (void)e;
    *out = NULL;
    if (!group)
        group = "";
    if (smp)
        *smp = version && kind && accepts_smp(set, group, version, kind);
    if (!version || !kind)
        return 0;
    json_object_foreach((json_t *)set->schemas, name, schema)
    {
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(schema, "x-kubernetes-group-version-kind"), i, g)
        {
            if (gvk_is(g, group, version, kind)) {
                const json_t *whole = schema_named(set, name, NULL);
                *out = whole ? build(set, whole, name) : NULL;
                return 0;
            }
        }
    }
    return 0;
}

int pmeta_openapi_named(const struct pmeta_type **out, struct pmeta_openapi *set, const char *name,
                        struct ks_err *e)
{
    (void)e;
    *out = NULL;
    const char *stored = NULL;
    const json_t *schema = schema_named(set, name, &stored);
    if (schema)
        *out = build(set, schema, stored);
    return 0;
}

void pmeta_openapi_detach(struct pmeta_openapi *set)
{
    if (!set || !set->doc)
        return;
    for (size_t i = 0; i < set->ntypes; i++) {
        struct pmeta_type *t = set->types[i];
        if (t->name)
            t->name = keep(set, ks_strdup(t->name));
        for (size_t j = 0; j < t->nfields; j++) {
            struct pmeta_field *f = (struct pmeta_field *)&t->fields[j];
            f->name = keep(set, ks_strdup(f->name));
            if (f->merge_key)
                f->merge_key = keep(set, ks_strdup(f->merge_key));
            if (f->bad_strategy)
                f->bad_strategy = keep(set, ks_strdup(f->bad_strategy));
        }
    }
    /* the memo is keyed by the document's node addresses */
    json_decref(set->memo);
    set->memo = json_object();
    json_decref(set->doc);
    json_decref(set->loaded);
    set->doc = NULL;
    set->schemas = NULL;
    set->loaded = NULL;
    set->fetch = NULL;
}

void pmeta_openapi_free(struct pmeta_openapi *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->ntypes; i++) {
        free((void *)set->types[i]->fields);
        free(set->types[i]);
    }
    for (size_t i = 0; i < set->nstrs; i++)
        free(set->strs[i]);
    free(set->types);
    free(set->strs);
    json_decref(set->memo);
    json_decref(set->doc);
    json_decref(set->loaded);
    free(set);
}
