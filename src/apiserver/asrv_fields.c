/*
 * asrv_fields.c: structured-merge-diff's field sets and merge, enough for
 * server-side apply: sets from objects (ToFieldSet), comparisons (Compare:
 * added, modified, removed), set algebra, path strings for conflict
 * messages, the apply merge and pruning. List semantics come from the
 * schema's x-kubernetes-list-type/-map-keys (pmeta); without a schema maps
 * are granular and lists atomic, as for an unstructured object.
 */
#include "apiserver/asrv_fields.h"

#include "base/gojson.h"
#include "base/ks.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

enum vkind { VK_LEAF, VK_MAP, VK_ASSOC, VK_SET };

struct shape {
    int kind;
    const struct pmeta_type *type; /* MAP: the object's type; ASSOC: the item type */
    const char *keys;              /* ASSOC: comma-separated key fields */
};

static const struct pmeta_type *obj_type(const struct pmeta_type *t)
{
    return t && t->kind == PMETA_T_OBJECT ? t : NULL;
}

/* How the value v of field f (NULL: unknown) merges. */
static struct shape shape_of(const struct pmeta_field *f, const json_t *v)
{
    struct shape s = {VK_LEAF, NULL, NULL};
    if (json_is_object(v)) {
        if (f &&
            (f->map_type == PMETA_MAP_ATOMIC || (f->type && f->type->map_type == PMETA_MAP_ATOMIC)))
            return s;
        s.kind = VK_MAP;
        s.type = f ? obj_type(f->type) : NULL;
    } else if (json_is_array(v) && f) {
        if (f->list_type == PMETA_LIST_MAP && f->list_map_keys) {
            s.kind = VK_ASSOC;
            s.keys = f->list_map_keys;
        } else if (f->list_type == PMETA_LIST_SET) {
            s.kind = VK_SET;
        } else if (f->list_type == PMETA_LIST_UNSET && f->strategy == PMETA_MERGE) {
            s.kind = f->merge_key ? VK_ASSOC : VK_SET;
            s.keys = f->merge_key;
        }
        s.type = obj_type(f->type);
    }
    return s;
}

/* "k:{...}" for an associative list item, or NULL when it lacks every key. */
static char *item_key(const json_t *item, const char *keys)
{
    json_t *k = json_object();
    char *dup = ks_strdup(keys), *save = NULL;
    for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        json_t *v = json_object_get(item, t);
        /* PARITY: a defaulted key (ports[].protocol) keys the item with its default. */
        if (!v && strcmp(t, "protocol") == 0 && json_object_size(k) > 0)
            v = json_string("TCP"), json_object_set_new(k, t, v);
        else if (v)
            json_object_set(k, t, v);
    }
    free(dup);
    char *out = NULL;
    if (json_object_size(k) > 0 && json_is_object(item)) {
        char *js = gojson_dumps(k);
        out = ks_asprintf("k:%s", js ? js : "{}");
        free(js);
    }
    json_decref(k);
    return out;
}

static char *value_key(const json_t *v)
{
    char *js = gojson_dumps(v);
    char *out = ks_asprintf("v:%s", js ? js : "null");
    free(js);
    return out;
}

static bool is_member(const json_t *node)
{
    return json_object_size(node) == 0 || json_object_get(node, ".") != NULL;
}

/* Finish a node: NULL when it says nothing, "." when it is a member with children. */
static json_t *finish(json_t *node, bool member)
{
    if (json_object_size(node) == 0 && !member) {
        json_decref(node);
        return NULL;
    }
    if (member && json_object_size(node) > 0)
        json_object_set_new(node, ".", json_object());
    return node;
}

static void put(json_t *parent, const char *key, json_t *node)
{
    if (node)
        json_object_set_new(parent, key, node);
}

/* ---------------------------------------------------------------- ToFieldSet */

static json_t *set_of_value(const json_t *v, struct shape s);

static json_t *set_of_map(const json_t *obj, const struct pmeta_type *t)
{
    json_t *node = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        if (json_is_null(v))
            continue;
        char *fk = ks_asprintf("f:%s", k);
        json_t *child = set_of_value(v, shape_of(pmeta_field(t, k), v));
        put(node, fk, child ? child : json_object());
        free(fk);
    }
    return node;
}

static json_t *set_of_value(const json_t *v, struct shape s)
{
    if (s.kind == VK_MAP) {
        json_t *n = set_of_map(v, s.type);
        return json_object_size(n) ? n : (json_decref(n), json_object());
    }
    if (s.kind == VK_LEAF)
        return json_object();
    json_t *node = json_object();
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *item = json_array_get(v, i);
        if (s.kind == VK_SET) {
            char *vk = value_key(item);
            json_object_set_new(node, vk, json_object());
            free(vk);
            continue;
        }
        char *kk = item_key(item, s.keys);
        if (!kk)
            kk = ks_asprintf("i:%zu", i);
        json_t *in = json_is_object(item) ? set_of_map(item, s.type) : json_object();
        json_object_set_new(node, kk, finish(in, true));
        free(kk);
    }
    return json_object_size(node) ? node : (json_decref(node), json_object());
}

json_t *asrv_fields_of(const json_t *obj, const struct pmeta_type *t)
{
    return json_is_object(obj) ? set_of_map(obj, obj_type(t)) : json_object();
}

/* ------------------------------------------------------------------ Compare */

/* PARITY: typed objects always hold these non-pointer structs, so they are never "added". */
static bool always_struct(const char *name)
{
    static const char *const names[] = {"metadata", "spec",           "status",     "template",
                                        "strategy", "updateStrategy", "jobTemplate"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(names); i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* Everything under v, v itself a member when member is set. */
static json_t *full_node(const json_t *v, struct shape s, bool builtin, bool member);

static json_t *full_map(const json_t *obj, const struct pmeta_type *t, bool builtin)
{
    json_t *node = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        if (json_is_null(v))
            continue;
        char *fk = ks_asprintf("f:%s", k);
        put(node, fk,
            full_node(v, shape_of(pmeta_field(t, k), v), builtin, !(builtin && always_struct(k))));
        free(fk);
    }
    return node;
}

static json_t *full_node(const json_t *v, struct shape s, bool builtin, bool member)
{
    json_t *node;
    if (s.kind == VK_MAP) {
        node = full_map(v, s.type, builtin);
    } else if (s.kind == VK_LEAF) {
        node = json_object();
    } else {
        node = json_object();
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *item = json_array_get(v, i);
            char *kk = s.kind == VK_SET ? value_key(item) : item_key(item, s.keys);
            if (!kk)
                kk = ks_asprintf("i:%zu", i);
            json_t *in = s.kind == VK_ASSOC && json_is_object(item)
                             ? full_map(item, s.type, builtin)
                             : json_object();
            json_object_set_new(node, kk, finish(in, true));
            free(kk);
        }
    }
    return finish(node, member);
}

static const json_t *find_item(const json_t *arr, const char *key, struct shape s)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *it = json_array_get(arr, i);
        char *kk = s.kind == VK_SET ? value_key(it) : item_key(it, s.keys);
        bool same = kk && strcmp(kk, key) == 0;
        free(kk);
        if (same)
            return it;
    }
    return NULL;
}

static void cmp_value(json_t *chg, json_t *rem, const char *key, const json_t *o, const json_t *n,
                      struct shape s, bool builtin, bool name_struct);

static void cmp_map(json_t *chg, json_t *rem, const json_t *o, const json_t *n,
                    const struct pmeta_type *t, bool builtin)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)n, k, v)
    {
        if (json_is_null(v))
            continue;
        char *fk = ks_asprintf("f:%s", k);
        cmp_value(chg, rem, fk, json_object_get(o, k), v, shape_of(pmeta_field(t, k), v), builtin,
                  builtin && always_struct(k));
        free(fk);
    }
    json_object_foreach((json_t *)o, k, v)
    {
        json_t *nv = json_object_get(n, k);
        if (json_is_null(v) || (nv && !json_is_null(nv)))
            continue;
        char *fk = ks_asprintf("f:%s", k);
        put(rem, fk, full_node(v, shape_of(pmeta_field(t, k), v), builtin, true));
        free(fk);
    }
}

static void cmp_list(json_t *chg, json_t *rem, const json_t *o, const json_t *n, struct shape s,
                     bool builtin)
{
    for (size_t i = 0; i < json_array_size(n); i++) {
        const json_t *it = json_array_get(n, i);
        char *kk = s.kind == VK_SET ? value_key(it) : item_key(it, s.keys);
        if (!kk)
            continue;
        const json_t *oi = find_item(o, kk, s);
        if (!oi) {
            json_t *in = s.kind == VK_ASSOC && json_is_object(it) ? full_map(it, s.type, builtin)
                                                                  : json_object();
            json_object_set_new(chg, kk, finish(in, true));
        } else if (s.kind == VK_ASSOC && !gojson_equal(oi, it)) {
            json_t *c2 = json_object(), *r2 = json_object();
            cmp_map(c2, r2, oi, it, s.type, builtin);
            put(chg, kk, finish(c2, false));
            put(rem, kk, finish(r2, false));
        }
        free(kk);
    }
    for (size_t i = 0; i < json_array_size(o); i++) {
        const json_t *it = json_array_get(o, i);
        char *kk = s.kind == VK_SET ? value_key(it) : item_key(it, s.keys);
        if (kk && !find_item(n, kk, s))
            json_object_set_new(rem, kk, json_object());
        free(kk);
    }
}

static void cmp_value(json_t *chg, json_t *rem, const char *key, const json_t *o, const json_t *n,
                      struct shape s, bool builtin, bool name_struct)
{
    if (!o || json_is_null(o)) {
        put(chg, key, full_node(n, s, builtin, !name_struct));
        return;
    }
    if (gojson_equal(o, n))
        return;
    bool same_kind =
        (json_is_object(o) && json_is_object(n)) || (json_is_array(o) && json_is_array(n));
    if (!same_kind || s.kind == VK_LEAF) {
        json_object_set_new(chg, key, json_object());
        return;
    }
    json_t *c2 = json_object(), *r2 = json_object();
    if (s.kind == VK_MAP)
        cmp_map(c2, r2, o, n, s.type, builtin);
    else
        cmp_list(c2, r2, o, n, s, builtin);
    put(chg, key, finish(c2, false));
    put(rem, key, finish(r2, false));
}

void asrv_fields_compare(const json_t *old, const json_t *new_obj, const struct pmeta_type *t,
                         bool builtin, json_t **changed, json_t **removed)
{
    *changed = json_object();
    *removed = json_object();
    cmp_map(*changed, *removed, json_is_object(old) ? old : NULL, new_obj, obj_type(t), builtin);
}

/* ------------------------------------------------------------- set algebra */

enum { OP_UNION, OP_MINUS, OP_INTERSECT };

static json_t *op_node(const json_t *a, const json_t *b, int op, bool root)
{
    bool ma = a && !root && is_member(a), mb = b && !root && is_member(b);
    bool m = op == OP_UNION ? (ma || mb) : op == OP_MINUS ? (ma && !mb) : (ma && mb);
    json_t *node = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)a, k, v)
    {
        if (strcmp(k, ".") == 0)
            continue;
        const json_t *bv = json_object_get(b, k);
        if (op == OP_INTERSECT && !bv)
            continue;
        put(node, k, op_node(v, bv, op, false));
    }
    if (op == OP_UNION) {
        json_object_foreach((json_t *)b, k, v)
        {
            if (strcmp(k, ".") == 0 || json_object_get(a, k))
                continue;
            put(node, k, op_node(NULL, v, op, false));
        }
    }
    if (root)
        return node;
    return finish(node, m);
}

json_t *asrv_fields_union(const json_t *a, const json_t *b)
{
    return op_node(a, b, OP_UNION, true);
}

json_t *asrv_fields_minus(const json_t *a, const json_t *b)
{
    return op_node(a, b, OP_MINUS, true);
}

json_t *asrv_fields_intersect(const json_t *a, const json_t *b)
{
    return op_node(a, b, OP_INTERSECT, true);
}

bool asrv_fields_empty(const json_t *set)
{
    return json_object_size(set) == 0;
}

void asrv_fields_strip(json_t *set, bool status)
{
    json_object_del(set, "f:apiVersion");
    json_object_del(set, "f:kind");
    if (status)
        json_object_del(set, "f:status");
    json_t *md = json_object_get(set, "f:metadata");
    if (!md)
        return;
    /* PARITY: fieldmanager's stripMeta: these metadata fields are never owned. */
    static const char *const meta[] = {
        "f:name",        "f:namespace",  "f:creationTimestamp", "f:selfLink",        "f:uid",
        "f:clusterName", "f:generation", "f:managedFields",     "f:resourceVersion", "."};
    for (size_t i = 0; i < KS_ARRAY_SIZE(meta); i++)
        json_object_del(md, meta[i]);
    if (json_object_size(md) == 0)
        json_object_del(set, "f:metadata");
}

/* ------------------------------------------------------------------- paths */

static void path_elem(struct strbuf *sb, const char *k)
{
    if (k[0] == 'f' && k[1] == ':') {
        strbuf_addf(sb, ".%s", k + 2);
    } else if (k[0] == 'v' && k[1] == ':') {
        strbuf_addf(sb, "[=%s]", k + 2);
    } else if (k[0] == 'i' && k[1] == ':') {
        strbuf_addf(sb, "[%s]", k + 2);
    } else if (k[0] == 'k' && k[1] == ':') {
        json_t *kv = NULL;
        struct ks_err e = KS_ERR_INIT;
        strbuf_addch(sb, '[');
        if (gojson_loads(&kv, k + 2, strlen(k + 2), &e) == 0 && json_is_object(kv)) {
            const char *name;
            json_t *v;
            bool first = true;
            json_object_foreach(kv, name, v)
            {
                char *js = gojson_dumps(v);
                strbuf_addf(sb, "%s%s=%s", first ? "" : ",", name, js ? js : "null");
                free(js);
                first = false;
            }
        }
        json_decref(kv);
        strbuf_addch(sb, ']');
    }
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void paths_walk(json_t *out, const json_t *node, struct strbuf *prefix, bool root)
{
    if (!root && is_member(node))
        json_array_append_new(out, json_string(strbuf_str(prefix)));
    size_t n = json_object_size(node), i = 0;
    const char **keys = ks_calloc(n ? n : 1, sizeof(char *));
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)node, k, v) keys[i++] = k;
    qsort(keys, n, sizeof(char *), key_cmp);
    for (i = 0; i < n; i++) {
        if (strcmp(keys[i], ".") == 0)
            continue;
        size_t len = prefix->len;
        path_elem(prefix, keys[i]);
        paths_walk(out, json_object_get(node, keys[i]), prefix, false);
        strbuf_setlen(prefix, len);
    }
    free(keys);
}

json_t *asrv_fields_paths(const json_t *set)
{
    json_t *out = json_array();
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "");
    paths_walk(out, set, &sb, true);
    strbuf_release(&sb);
    return out;
}

/* ------------------------------------------------------------------- merge */

static json_t *merge_value(const json_t *l, const json_t *c, struct shape s);

static json_t *merge_map(const json_t *l, const json_t *c, const struct pmeta_type *t)
{
    json_t *out = json_copy((json_t *)l);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)c, k, v)
    {
        if (json_is_null(v))
            continue;
        json_object_set_new(out, k,
                            merge_value(json_object_get(l, k), v, shape_of(pmeta_field(t, k), v)));
    }
    return out;
}

static json_t *merge_value(const json_t *l, const json_t *c, struct shape s)
{
    if (!l || s.kind == VK_LEAF)
        return json_deep_copy(c);
    if (s.kind == VK_MAP)
        return json_is_object(l) ? merge_map(l, c, s.type) : json_deep_copy(c);
    if (!json_is_array(l))
        return json_deep_copy(c);
    json_t *out = json_array();
    bool *used = ks_calloc(json_array_size(c) + 1, sizeof(bool));
    for (size_t i = 0; i < json_array_size(l); i++) {
        const json_t *li = json_array_get(l, i);
        char *kk = s.kind == VK_SET ? value_key(li) : item_key(li, s.keys);
        json_t *merged = NULL;
        for (size_t j = 0; kk && j < json_array_size(c) && !merged; j++) {
            const json_t *ci = json_array_get(c, j);
            char *ck = s.kind == VK_SET ? value_key(ci) : item_key(ci, s.keys);
            if (ck && !used[j] && strcmp(ck, kk) == 0) {
                used[j] = true;
                merged = s.kind == VK_ASSOC && json_is_object(li) && json_is_object(ci)
                             ? merge_map(li, ci, s.type)
                             : json_deep_copy(ci);
            }
            free(ck);
        }
        json_array_append_new(out, merged ? merged : json_deep_copy(li));
        free(kk);
    }
    for (size_t j = 0; j < json_array_size(c); j++)
        if (!used[j])
            json_array_append_new(out, json_deep_copy(json_array_get(c, j)));
    free(used);
    return out;
}

json_t *asrv_fields_merge(const json_t *live, const json_t *config, const struct pmeta_type *t)
{
    if (!json_is_object(live))
        return json_deep_copy(config);
    /* merge_map shares the untouched members of its left side: give it a private copy */
    json_t *l = json_deep_copy(live);
    json_t *out = merge_map(l, config, obj_type(t));
    json_decref(l);
    return out;
}

/* ------------------------------------------------------------------ remove */

/*
 * PARITY: Updater.prune removes what the applier dropped, then adds back
 * whatever anyone (the applier included) still owns at or below a path: so
 * a member is removed only when owned holds nothing at its position.
 */
static void remove_in(json_t *val, const json_t *node, const json_t *owned, struct shape s);

static void remove_map(json_t *obj, const json_t *node, const json_t *owned,
                       const struct pmeta_type *t)
{
    const char *k;
    json_t *child;
    json_object_foreach((json_t *)node, k, child)
    {
        if (strncmp(k, "f:", 2) != 0)
            continue;
        json_t *v = json_object_get(obj, k + 2);
        const json_t *own = json_object_get(owned, k);
        if (!v)
            continue;
        if (is_member(child) && !own)
            json_object_del(obj, k + 2);
        else
            remove_in(v, child, own, shape_of(pmeta_field(t, k + 2), v));
    }
}

static void remove_in(json_t *val, const json_t *node, const json_t *owned, struct shape s)
{
    if (s.kind == VK_MAP && json_is_object(val)) {
        remove_map(val, node, owned, s.type);
        return;
    }
    if ((s.kind != VK_ASSOC && s.kind != VK_SET) || !json_is_array(val))
        return;
    for (size_t i = json_array_size(val); i-- > 0;) {
        json_t *it = json_array_get(val, i);
        char *kk = s.kind == VK_SET ? value_key(it) : item_key(it, s.keys);
        const json_t *child = kk ? json_object_get(node, kk) : NULL;
        const json_t *own = kk ? json_object_get(owned, kk) : NULL;
        if (child && is_member(child) && !own)
            json_array_remove(val, i);
        else if (child && json_is_object(it))
            remove_map(it, child, own, s.type);
        free(kk);
    }
}

void asrv_fields_remove(json_t *obj, const json_t *set, const json_t *owned,
                        const struct pmeta_type *t)
{
    if (json_is_object(obj))
        remove_map(obj, set, owned, obj_type(t));
}
