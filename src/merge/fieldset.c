/*
 * fieldset.c: fieldsV1 sets (see fieldset.h).
 * PARITY: sigs.k8s.io/structured-merge-diff fieldpath (Set.Union,
 * Set.ToJSON's emitContentsV1, PathElement.Compare, value.Compare).
 */
#include "merge/fieldset.h"

#include "base/gojson.h"
#include "base/ks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool fieldset_has(const json_t *set, const char *const *path, size_t n)
{
    const json_t *at = set;
    for (size_t i = 0; i < n; i++) {
        at = json_object_get(at, path[i]);
        if (!json_is_object(at))
            return false;
    }
    /* A member is a leaf {} or carries "." beside its children. */
    return n > 0 && (json_object_size(at) == 0 || json_object_get(at, ".") != NULL);
}

json_t *fieldset_union(const json_t *a, const json_t *b)
{
    if (!json_is_object(a))
        return json_is_object(b) ? json_deep_copy(b) : json_object();
    if (!json_is_object(b))
        return json_deep_copy(a);
    json_t *out = json_deep_copy(a);
    const char *k;
    json_t *bv;
    json_object_foreach((json_t *)b, k, bv)
    {
        json_t *av = json_object_get(out, k);
        if (!av) {
            json_object_set_new(out, k, json_deep_copy(bv));
            continue;
        }
        bool a_member = json_object_size(av) == 0 || json_object_get(av, ".");
        bool b_member = json_object_size(bv) == 0 || json_object_get(bv, ".");
        json_t *u = fieldset_union(av, bv);
        json_object_del(u, ".");
        if ((a_member || b_member) && json_object_size(u) > 0)
            json_object_set_new(u, ".", json_object());
        json_object_set_new(out, k, u);
    }
    return out;
}

/* The kind of a path element: f: < k: < v: < i: (PathElement.Compare's order). */
static int elem_rank(const char *k)
{
    if (strncmp(k, "f:", 2) == 0)
        return 0;
    if (strncmp(k, "k:", 2) == 0)
        return 1;
    if (strncmp(k, "v:", 2) == 0)
        return 2;
    if (strncmp(k, "i:", 2) == 0)
        return 3;
    return 4;
}

static int value_rank(const json_t *v)
{
    /* PARITY: value.Compare: numbers, strings, booleans, lists, maps, null. */
    switch (json_typeof(v)) {
    case JSON_INTEGER:
    case JSON_REAL:
        return 0;
    case JSON_STRING:
        return 1;
    case JSON_TRUE:
    case JSON_FALSE:
        return 2;
    case JSON_ARRAY:
        return 3;
    case JSON_OBJECT:
        return 4;
    default:
        return 5;
    }
}

static int value_cmp(const json_t *a, const json_t *b)
{
    int ra = value_rank(a), rb = value_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0) {
        double x = json_number_value(a), y = json_number_value(b);
        return x < y ? -1 : x > y;
    }
    if (ra == 1)
        return strcmp(json_string_value(a), json_string_value(b));
    if (ra == 2)
        return (int)json_is_true(a) - (int)json_is_true(b);
    char *sa = gojson_dumps(a), *sb = gojson_dumps(b);
    int c = strcmp(sa ? sa : "", sb ? sb : "");
    free(sa);
    free(sb);
    return c;
}

/* FieldList.Compare over objects whose members are in name order. */
static int key_cmp(const json_t *a, const json_t *b)
{
    void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
    for (;;) {
        if (!ia || !ib)
            return ia ? 1 : ib ? -1 : 0;
        int c = strcmp(json_object_iter_key(ia), json_object_iter_key(ib));
        if (c)
            return c;
        c = value_cmp(json_object_iter_value(ia), json_object_iter_value(ib));
        if (c)
            return c;
        ia = json_object_iter_next((json_t *)a, ia);
        ib = json_object_iter_next((json_t *)b, ib);
    }
}

static int elem_cmp(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    int ra = elem_rank(a), rb = elem_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0 || ra == 4)
        return strcmp(a + (ra == 0 ? 2 : 0), b + (ra == 0 ? 2 : 0));
    if (ra == 3) {
        long x = strtol(a + 2, NULL, 10), y = strtol(b + 2, NULL, 10);
        return x < y ? -1 : x > y;
    }
    json_t *va = NULL, *vb = NULL;
    gojson_loads(&va, a + 2, strlen(a + 2), NULL);
    gojson_loads(&vb, b + 2, strlen(b + 2), NULL);
    int c = (va && vb) ? (ra == 1 ? key_cmp(va, vb) : value_cmp(va, vb)) : strcmp(a, b);
    json_decref(va);
    json_decref(vb);
    return c;
}

void fieldset_write(struct strbuf *out, const json_t *set)
{
    size_t n = json_object_size(set), i = 0;
    const char **keys = ks_malloc((n ? n : 1) * sizeof(*keys));
    const char *k;
    json_t *v;
    bool self = false;
    json_object_foreach((json_t *)set, k, v)
    {
        if (strcmp(k, ".") == 0)
            self = true;
        else
            keys[i++] = k;
    }
    qsort(keys, i, sizeof(*keys), elem_cmp);
    strbuf_addch(out, '{');
    if (self)
        strbuf_adds(out, "\".\":{}");
    for (size_t j = 0; j < i; j++) {
        if (j || self)
            strbuf_addch(out, ',');
        gojson_write_string(out, keys[j], strlen(keys[j]));
        strbuf_addch(out, ':');
        fieldset_write(out, json_object_get(set, keys[j]));
    }
    strbuf_addch(out, '}');
    free(keys);
}
