/*
 * patch_smp_util.c: Go's view of decoded JSON for the strategic merge patch
 * code: type names and fmt verbs for error texts, == identity and a hash
 * index over it, sliceElementType, and the string-form sorts of
 * strategicpatch (smp-semantics.md §0.1, §3.2-3.3).
 */
#include "patch/patch_smp_util.h"

#include "base/gojson.h"

#include <stdlib.h>
#include <string.h>

int patch_smp_util_gokind(const json_t *v)
{
    if (!v)
        return PATCH_SMP_UTIL_NIL;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return PATCH_SMP_UTIL_MAP;
    case JSON_ARRAY:
        return PATCH_SMP_UTIL_SLICE;
    case JSON_STRING:
        return PATCH_SMP_UTIL_STRING;
    case JSON_INTEGER:
        return PATCH_SMP_UTIL_INT;
    case JSON_REAL:
        return PATCH_SMP_UTIL_FLOAT;
    case JSON_TRUE:
    case JSON_FALSE:
        return PATCH_SMP_UTIL_BOOL;
    default:
        return PATCH_SMP_UTIL_NIL;
    }
}

const char *patch_smp_util_gotype(const json_t *v)
{
    static const char *names[] = {
        "%!s(<nil>)", "map[string]interface {}", "[]interface {}", "string", "int64", "float64",
        "bool"};
    return names[patch_smp_util_gokind(v)];
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void patch_smp_util_gofmt(struct strbuf *sb, const json_t *v, char verb)
{
    int k = patch_smp_util_gokind(v);
    if (k == PATCH_SMP_UTIL_MAP) {
        size_t n = json_object_size(v), i = 0;
        const char **keys = ks_calloc(n ? n : 1, sizeof(*keys));
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)v, key, val) keys[i++] = key;
        qsort(keys, n, sizeof(*keys), cmp_keys);
        strbuf_adds(sb, "map[");
        for (i = 0; i < n; i++) {
            if (i)
                strbuf_addch(sb, ' ');
            strbuf_adds(sb, keys[i]);
            strbuf_addch(sb, ':');
            patch_smp_util_gofmt(sb, json_object_get(v, keys[i]), verb);
        }
        strbuf_addch(sb, ']');
        free(keys);
        return;
    }
    if (k == PATCH_SMP_UTIL_SLICE) {
        strbuf_addch(sb, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                strbuf_addch(sb, ' ');
            patch_smp_util_gofmt(sb, json_array_get(v, i), verb);
        }
        strbuf_addch(sb, ']');
        return;
    }
    if (verb == 's' && k != PATCH_SMP_UTIL_STRING) {
        /* PARITY: fmt's bad-verb form, %!s(int64=1) */
        if (k == PATCH_SMP_UTIL_NIL) {
            strbuf_adds(sb, "%!s(<nil>)");
            return;
        }
        strbuf_addf(sb, "%%!s(%s=", patch_smp_util_gotype(v));
        gojson_strform(sb, v);
        strbuf_addch(sb, ')');
        return;
    }
    if (k == PATCH_SMP_UTIL_NIL) {
        strbuf_adds(sb, "<nil>");
        return;
    }
    gojson_strform(sb, v);
}

int patch_smp_util_fail_bad_patch_type(const json_t *dir, const json_t *map, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc;
    strbuf_adds(&sb, "unknown patch type: ");
    patch_smp_util_gofmt(&sb, dir, 's');
    strbuf_adds(&sb, " in map: ");
    patch_smp_util_gofmt(&sb, map, 'v');
    rc = ks_fail(e, KS_EINPUT, "%s", strbuf_str(&sb));
    strbuf_release(&sb);
    return rc;
}

bool patch_smp_util_same(const json_t *a, const json_t *b)
{
    int ka = patch_smp_util_gokind(a), kb = patch_smp_util_gokind(b);
    if (ka != kb)
        return false;
    switch (ka) {
    case PATCH_SMP_UTIL_NIL:
        return true;
    case PATCH_SMP_UTIL_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case PATCH_SMP_UTIL_INT:
        return json_integer_value(a) == json_integer_value(b);
    case PATCH_SMP_UTIL_FLOAT:
        return json_real_value(a) == json_real_value(b);
    case PATCH_SMP_UTIL_BOOL:
        return json_typeof(a) == json_typeof(b);
    default:
        return false;
    }
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_value(const json_t *v)
{
    int k = patch_smp_util_gokind(v);
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)k;
    switch (k) {
    case PATCH_SMP_UTIL_STRING: {
        const unsigned char *s = (const unsigned char *)json_string_value(v);
        size_t n = json_string_length(v);
        for (size_t i = 0; i < n; i++)
            h = (h ^ s[i]) * 1099511628211ULL;
        return mix(h);
    }
    case PATCH_SMP_UTIL_INT:
        return mix(h ^ (uint64_t)json_integer_value(v));
    case PATCH_SMP_UTIL_FLOAT: {
        double d = json_real_value(v);
        uint64_t bits;
        if (d == 0)
            d = 0; /* -0 == 0 in Go */
        memcpy(&bits, &d, sizeof(bits));
        return mix(h ^ bits);
    }
    case PATCH_SMP_UTIL_BOOL:
        return mix(h ^ (json_typeof(v) == JSON_TRUE));
    default:
        return mix(h);
    }
}

void patch_smp_util_index_init(struct patch_smp_util_index *ix, size_t hint)
{
    size_t cap = 8;
    while (cap < hint * 2)
        cap *= 2;
    memset(ix, 0, sizeof(*ix));
    ix->cap = cap;
    ix->keys = ks_calloc(cap, sizeof(*ix->keys));
    ix->pos = ks_calloc(cap, sizeof(*ix->pos));
    ix->hash = ks_calloc(cap, sizeof(*ix->hash));
}

static void index_grow(struct patch_smp_util_index *ix)
{
    struct patch_smp_util_index big;
    patch_smp_util_index_init(&big, ix->cap);
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->keys[i])
            patch_smp_util_index_add(&big, ix->keys[i], ix->pos[i]);
    big.nmap = ix->nmap;
    big.nslice = ix->nslice;
    patch_smp_util_index_free(ix);
    *ix = big;
}

void patch_smp_util_index_add(struct patch_smp_util_index *ix, const json_t *key, size_t pos)
{
    int k = patch_smp_util_gokind(key);
    if (k == PATCH_SMP_UTIL_MAP) {
        ix->nmap++;
        return;
    }
    if (k == PATCH_SMP_UTIL_SLICE) {
        ix->nslice++;
        return;
    }
    if (!key)
        key = json_null();
    if ((ix->n + 1) * 2 > ix->cap)
        index_grow(ix);
    uint64_t h = hash_value(key);
    size_t i = (size_t)h & (ix->cap - 1);
    while (ix->keys[i]) {
        if (ix->hash[i] == h && patch_smp_util_same(ix->keys[i], key))
            return; /* keep the first position */
        i = (i + 1) & (ix->cap - 1);
    }
    ix->keys[i] = key;
    ix->pos[i] = pos;
    ix->hash[i] = h;
    ix->n++;
}

int patch_smp_util_index_find(const struct patch_smp_util_index *ix, const json_t *key, size_t *pos,
                              struct ks_err *e)
{
    int k = patch_smp_util_gokind(key);
    if (k == PATCH_SMP_UTIL_MAP || k == PATCH_SMP_UTIL_SLICE) {
        if ((k == PATCH_SMP_UTIL_MAP && ix->nmap) || (k == PATCH_SMP_UTIL_SLICE && ix->nslice))
            /* PARITY: Go panics comparing two maps with == */
            return ks_fail(e, KS_EGENERIC, "runtime error: comparing uncomparable type %s",
                           patch_smp_util_gotype(key));
        return 0;
    }
    if (!key)
        key = json_null();
    if (!ix->cap)
        return 0;
    uint64_t h = hash_value(key);
    size_t i = (size_t)h & (ix->cap - 1);
    while (ix->keys[i]) {
        if (ix->hash[i] == h && patch_smp_util_same(ix->keys[i], key)) {
            *pos = ix->pos[i];
            return 1;
        }
        i = (i + 1) & (ix->cap - 1);
    }
    return 0;
}

void patch_smp_util_index_free(struct patch_smp_util_index *ix)
{
    free(ix->keys);
    free(ix->pos);
    free(ix->hash);
    memset(ix, 0, sizeof(*ix));
}

static void fmt_lists(struct strbuf *sb, const json_t *a, const json_t *b)
{
    /* fmt.Sprint(slices): the variadic [][]interface{} of the call */
    strbuf_addch(sb, '[');
    patch_smp_util_gofmt(sb, a ? a : NULL, 'v');
    if (b) {
        strbuf_addch(sb, ' ');
        patch_smp_util_gofmt(sb, b, 'v');
    }
    strbuf_addch(sb, ']');
}

int patch_smp_util_elem_kind(int *kind, const json_t *a, const json_t *b, struct ks_err *e)
{
    const json_t *lists[2] = {a, b};
    int prev = -1;
    *kind = PATCH_SMP_UTIL_NIL;
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; lists[l] && i < json_array_size(lists[l]); i++) {
            int k = patch_smp_util_gokind(json_array_get(lists[l], i));
            if (prev < 0) {
                if (k == PATCH_SMP_UTIL_NIL)
                    /* PARITY: reflect.TypeOf(nil).Kind() panics in sliceElementType */
                    return ks_fail(e, KS_EGENERIC,
                                   "runtime error: invalid memory address or nil pointer "
                                   "dereference");
                if (k == PATCH_SMP_UTIL_SLICE)
                    return ks_fail(e, KS_EINVALID, "lists of lists are not supported");
                prev = k;
            } else if (k != prev) {
                struct strbuf sb = STRBUF_INIT;
                int rc;
                if (b)
                    fmt_lists(&sb, a ? a : json_array(), b);
                else
                    fmt_lists(&sb, a, NULL);
                rc = ks_fail(e, KS_EGENERIC, "list element types are not identical: %s",
                             strbuf_str(&sb));
                strbuf_release(&sb);
                return rc;
            }
        }
    }
    if (prev < 0)
        return ks_fail(e, KS_EGENERIC, "no elements in any of the given slices");
    *kind = prev;
    return 0;
}

struct strform_item {
    char *s;
    size_t len;
    size_t pos;
};

static int cmp_strform(const void *pa, const void *pb)
{
    const struct strform_item *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    /* equal forms: later first (insertion sort with "<=") */
    return a->pos < b->pos ? 1 : (a->pos > b->pos ? -1 : 0);
}

void patch_smp_util_sort_strform(size_t *perm, const json_t *const *keys, size_t n)
{
    struct strform_item *it = ks_calloc(n ? n : 1, sizeof(*it));
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        strbuf_reset(&sb);
        patch_smp_util_gofmt(&sb, keys[i], 'v');
        it[i].len = sb.len;
        it[i].s = ks_malloc(sb.len + 1);
        memcpy(it[i].s, strbuf_str(&sb), sb.len + 1);
        it[i].pos = i;
    }
    strbuf_release(&sb);
    qsort(it, n, sizeof(*it), cmp_strform);
    for (size_t i = 0; i < n; i++) {
        perm[i] = it[i].pos;
        free(it[i].s);
    }
    free(it);
}

struct posvec {
    size_t *v;
    size_t n, cap;
};

static void posvec_push(struct posvec *pv, size_t x)
{
    if (pv->n == pv->cap) {
        pv->cap = pv->cap ? pv->cap * 2 : 4;
        pv->v = ks_realloc(pv->v, pv->cap * sizeof(*pv->v));
    }
    pv->v[pv->n++] = x;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * PARITY: deduplicateScalars keeps s[i] and, scanning j upwards, replaces
 * every later duplicate s[j] by the last element (shrinking the slice), so
 * the order it leaves shows in patches. Emulated exactly without its
 * quadratic scan: for the value at i, its later positions are the holes,
 * filled in ascending order from the tail (dropping tail copies of the value).
 */
size_t patch_smp_util_dedupe(const json_t **items, size_t n)
{
    struct patch_smp_util_index ix;
    struct ks_err ignore = KS_ERR_INIT;
    size_t *id, nid = 0, pos, length;
    struct posvec *where;

    if (n < 2)
        return n;
    id = ks_calloc(n, sizeof(*id));
    where = ks_calloc(n, sizeof(*where));
    patch_smp_util_index_init(&ix, n);
    for (size_t i = 0; i < n; i++) {
        if (patch_smp_util_index_find(&ix, items[i], &pos, &ignore) == 1) {
            id[i] = id[pos];
        } else {
            /* containers never compare equal here (Go would panic) */
            id[i] = nid++;
            patch_smp_util_index_add(&ix, items[i], i);
        }
        posvec_push(&where[id[i]], i);
    }
    patch_smp_util_index_free(&ix);
    if (nid == n)
        goto done; /* no duplicates: nothing moves */
    length = n - 1;
    for (size_t i = 0; i < length; i++) {
        size_t v = id[i], k = 0;
        struct posvec *pv = &where[v];
        /* the live later positions of v, ascending */
        for (size_t x = 0; x < pv->n; x++)
            if (pv->v[x] > i && pv->v[x] <= length && id[pv->v[x]] == v)
                pv->v[k++] = pv->v[x];
        pv->n = k;
        qsort(pv->v, pv->n, sizeof(*pv->v), cmp_size);
        for (size_t x = 0; x < pv->n; x++) {
            size_t h = pv->v[x];
            if (h > length)
                break;
            if (x && h == pv->v[x - 1])
                continue;
            while (length > h && id[length] == v)
                length--;
            if (length == h) {
                length--;
                break;
            }
            id[h] = id[length];
            items[h] = items[length];
            posvec_push(&where[id[h]], h);
            length--;
        }
        pv->n = 0;
    }
    n = length + 1;
done:
    for (size_t i = 0; i < nid; i++)
        free(where[i].v);
    free(where);
    free(id);
    return n;
}

bool patch_smp_util_prefixed(const char *key, const char *prefix)
{
    return strncmp(key, prefix, strlen(prefix)) == 0;
}
