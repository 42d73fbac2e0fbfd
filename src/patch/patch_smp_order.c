/*
 * patch_smp_order.c: the order of merged lists in strategic merge patch
 * application (strategicpatch normalizeElementOrder, normalizeSliceOrder,
 * mergeSortedSlice, partition*ByPresentInList, validatePatchWithSetOrderList;
 * smp-semantics.md §4.3): patch items in patch or $setElementOrder order,
 * server-only items interleaved by their live order. Positions come from hash
 * indexes; Go's own stable sort is replayed only when its comparator is
 * inconsistent.
 */
#include "patch/patch_smp_order.h"

#include "base/strbuf.h"
#include "patch/patch_smp_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOPOS SIZE_MAX

static const char *mkey(const char *mk)
{
    return mk ? mk : "";
}

int patch_smp_order_fail_no_key(const json_t *m, const char *mk, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc;
    patch_smp_util_gofmt(&sb, m, 'v');
    rc = ks_fail(e, KS_EGENERIC, "map: %s does not contain declared merge key: %s", strbuf_str(&sb),
                 mkey(mk));
    strbuf_release(&sb);
    return rc;
}

static int fail_not_map(const json_t *v, struct ks_err *e)
{
    return ks_fail(e, KS_EGENERIC, "expected a map[string]interface {}, but received a %s",
                   patch_smp_util_gotype(v));
}

static int fail_unhashable(const json_t *v, struct ks_err *e)
{
    return ks_fail(e, KS_EGENERIC, "runtime error: hash of unhashable type %s",
                   patch_smp_util_gotype(v));
}

static bool unhashable(const json_t *v)
{
    return json_is_object(v) || json_is_array(v);
}

/* index()'s value of an item: its merge key (nil when absent), or the item. */
static const json_t *item_key(const json_t *item, const char *mk, int kind)
{
    if (kind != PATCH_SMP_UTIL_MAP)
        return item;
    if (!json_is_object(item))
        return NULL;
    return json_object_get(item, mkey(mk));
}

static void index_list(struct patch_smp_util_index *ix, const json_t *l, const char *mk, int kind)
{
    patch_smp_util_index_init(ix, json_array_size(l));
    for (size_t i = 0; l && i < json_array_size(l); i++)
        patch_smp_util_index_add(ix, item_key(json_array_get(l, i), mk, kind), i);
}

/* index(): first position of item's key in the indexed list, or NOPOS. */
static int position(size_t *pos, const struct patch_smp_util_index *ix, const json_t *item,
                    const char *mk, int kind, struct ks_err *e)
{
    int rc = patch_smp_util_index_find(ix, item_key(item, mk, kind), pos, e);
    if (rc == 0)
        *pos = NOPOS;
    return rc < 0 ? rc : 0;
}

static int validate_merge_keys(const json_t *l, const char *mk, struct ks_err *e)
{
    for (size_t i = 0; l && i < json_array_size(l); i++) {
        const json_t *m = json_array_get(l, i);
        if (!json_is_object(m))
            return fail_not_map(m, e);
        if (!json_object_get(m, mkey(mk)))
            return patch_smp_order_fail_no_key(m, mk, e);
    }
    return 0;
}

bool patch_smp_order_is_delete(const json_t *m)
{
    const json_t *d = json_object_get(m, "$patch");
    return json_is_string(d) && strcmp(json_string_value(d), "delete") == 0 &&
           json_string_length(d) == 6;
}

struct sort_item {
    size_t idx; /* position in the order list, NOPOS when absent */
    size_t pos; /* position before sorting */
};

static int cmp_sort_item(const void *pa, const void *pb)
{
    const struct sort_item *a = pa, *b = pb;
    if (a->idx != b->idx)
        return a->idx < b->idx ? -1 : 1;
    return a->pos < b->pos ? -1 : (a->pos > b->pos ? 1 : 0);
}

/* The comparator of normalizeSliceOrder, inconsistent for absent items. */
static bool go_less(const struct sort_item *a, const struct sort_item *b)
{
    if (a->idx != NOPOS && b->idx != NOPOS)
        return a->idx < b->idx;
    return true;
}

static void swap_items(struct sort_item *d, size_t i, size_t j)
{
    struct sort_item t = d[i];
    d[i] = d[j];
    d[j] = t;
}

static void insertion_sort(struct sort_item *d, size_t a, size_t b)
{
    for (size_t i = a + 1; i < b; i++)
        for (size_t j = i; j > a && go_less(&d[j], &d[j - 1]); j--)
            swap_items(d, j, j - 1);
}

static void swap_range(struct sort_item *d, size_t a, size_t b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        swap_items(d, a + i, b + i);
}

static void rotate(struct sort_item *d, size_t a, size_t m, size_t b)
{
    size_t i = m - a, j = b - m;
    while (i != j) {
        if (i > j) {
            swap_range(d, m - i, m, j);
            i -= j;
        } else {
            swap_range(d, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(d, m - i, m, i);
}

static void sym_merge(struct sort_item *d, size_t a, size_t m, size_t b)
{
    size_t mid, n, start, r, end;
    if (m - a == 1) {
        size_t i = m, j = b;
        while (i < j) {
            size_t h = (i + j) / 2;
            if (go_less(&d[h], &d[a]))
                i = h + 1;
            else
                j = h;
        }
        for (size_t k = a; k + 1 < i; k++)
            swap_items(d, k, k + 1);
        return;
    }
    if (b - m == 1) {
        size_t i = a, j = m;
        while (i < j) {
            size_t h = (i + j) / 2;
            if (!go_less(&d[m], &d[h]))
                i = h + 1;
            else
                j = h;
        }
        for (size_t k = m; k > i; k--)
            swap_items(d, k, k - 1);
        return;
    }
    mid = (a + b) / 2;
    n = mid + m;
    if (m > mid) {
        start = n - b;
        r = mid;
    } else {
        start = a;
        r = m;
    }
    while (start < r) {
        size_t c = (start + r) / 2;
        if (!go_less(&d[n - 1 - c], &d[c]))
            start = c + 1;
        else
            r = c;
    }
    end = n - start;
    if (start < m && m < end)
        rotate(d, start, m, end);
    if (a < start && start < mid)
        sym_merge(d, a, start, mid);
    if (mid < end && end < b)
        sym_merge(d, mid, end, b);
}

/* PARITY: sort.SliceStable (stable_func: insertion sorts of 20, then symMerge). */
static void go_stable_sort(struct sort_item *d, size_t n)
{
    size_t block = 20, a = 0, b = block;
    while (b <= n) {
        insertion_sort(d, a, b);
        a = b;
        b += block;
    }
    insertion_sort(d, a, n);
    while (block < n) {
        a = 0;
        b = 2 * block;
        while (b <= n) {
            sym_merge(d, a, a + block, b);
            a = b;
            b += 2 * block;
        }
        if (a + block < n)
            sym_merge(d, a, a + block, n);
        block *= 2;
    }
}

/* normalizeSliceOrder: sort items (an array we own) by their position in order. */
static int sort_by_order(json_t **out, const json_t *items, const json_t *order,
                         const struct patch_smp_util_index *ix, const char *mk, int kind,
                         struct ks_err *e)
{
    size_t n = json_array_size(items), nkeep = 0;
    struct sort_item *it = ks_calloc(n + 1, sizeof(*it));
    json_t *res = json_array(), *deletes = json_array();
    bool all_found = true;
    int rc = 0;

    if (kind == PATCH_SMP_UTIL_MAP) {
        if ((rc = validate_merge_keys(items, mk, e)) < 0 ||
            (rc = validate_merge_keys(order, mk, e)) < 0)
            goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(items, i);
        if (kind == PATCH_SMP_UTIL_MAP && patch_smp_order_is_delete(v)) {
            json_array_append(deletes, (json_t *)v);
            continue;
        }
        it[nkeep].pos = i;
        if ((rc = position(&it[nkeep].idx, ix, v, mk, kind, e)) < 0)
            goto done;
        all_found &= it[nkeep].idx != NOPOS;
        nkeep++;
    }
    if (all_found)
        qsort(it, nkeep, sizeof(*it), cmp_sort_item); /* any stable sort agrees */
    else
        go_stable_sort(it, nkeep); /* the comparator is inconsistent: do exactly as Go */
    for (size_t i = 0; i < nkeep; i++)
        json_array_append(res, json_array_get(items, it[i].pos));
    json_array_extend(res, deletes);
done:
    free(it);
    json_decref(deletes);
    if (rc < 0) {
        json_decref(res);
        res = NULL;
    }
    *out = res;
    return rc;
}

/* normalizeElementOrder + mergeSortedSlice (§4.3). */
int patch_smp_order_normalize(json_t **out, const json_t *patch_items, const json_t *server_only,
                              const json_t *patch_order, const json_t *server_order, const char *mk,
                              int kind, struct ks_err *e)
{
    struct patch_smp_util_index pix, six;
    json_t *pi = NULL, *so = NULL, *res = NULL;
    size_t i = 0, j = 0;
    int rc;

    *out = NULL;
    index_list(&pix, patch_order, mk, kind);
    index_list(&six, server_order, mk, kind);
    if ((rc = sort_by_order(&pi, patch_items, patch_order, &pix, mk, kind, e)) < 0)
        goto done;
    if ((rc = sort_by_order(&so, server_only, server_order, &six, mk, kind, e)) < 0)
        goto done;
    res = json_array();
    while (i < json_array_size(so) || j < json_array_size(pi)) {
        bool take_left;
        if (i >= json_array_size(so)) {
            take_left = false;
        } else if (j >= json_array_size(pi)) {
            take_left = true;
        } else {
            size_t li, ri;
            if ((rc = position(&li, &six, json_array_get(so, i), mk, kind, e)) < 0 ||
                (rc = position(&ri, &six, json_array_get(pi, j), mk, kind, e)) < 0)
                goto done;
            take_left = li != NOPOS && ri != NOPOS && li < ri;
        }
        if (take_left)
            json_array_append(res, json_array_get(so, i++));
        else
            json_array_append(res, json_array_get(pi, j++));
    }
done:
    patch_smp_util_index_free(&pix);
    patch_smp_util_index_free(&six);
    json_decref(pi);
    json_decref(so);
    if (rc < 0) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return 0;
}

int patch_smp_order_sort(json_t **out, const json_t *items, const json_t *order,
                         const char *merge_key, int kind, struct ks_err *e)
{
    struct patch_smp_util_index ix;
    int rc;
    index_list(&ix, order, merge_key, kind);
    rc = sort_by_order(out, items, order, &ix, merge_key, kind, e);
    patch_smp_util_index_free(&ix);
    return rc;
}

/* partitionPrimitivesByPresentInList / partitionMapsByPresentInList. */
int patch_smp_order_partition(json_t **in, json_t **rest, const json_t *merged, const json_t *by,
                              const char *mk, struct ks_err *e)
{
    struct patch_smp_util_index ix;
    size_t first_nonmap = NOPOS, pos;
    int rc = 0;

    *in = json_array();
    *rest = json_array();
    patch_smp_util_index_init(&ix, json_array_size(by));
    for (size_t i = 0; by && i < json_array_size(by); i++) {
        const json_t *b = json_array_get(by, i);
        if (!mk) {
            if (unhashable(b)) {
                rc = fail_unhashable(b, e);
                goto done;
            }
            patch_smp_util_index_add(&ix, b, i);
        } else if (!json_is_object(b)) {
            if (first_nonmap == NOPOS)
                first_nonmap = i;
        } else if (json_object_get(b, mk)) {
            patch_smp_util_index_add(&ix, json_object_get(b, mk), i);
        }
    }
    for (size_t i = 0; i < json_array_size(merged); i++) {
        json_t *v = json_array_get(merged, i);
        const json_t *key = v;
        int found;
        if (mk) {
            if (!json_is_object(v)) {
                rc = fail_not_map(v, e);
                goto done;
            }
            if (!(key = json_object_get(v, mk))) {
                rc = patch_smp_order_fail_no_key(v, mk, e);
                goto done;
            }
        } else if (unhashable(v)) {
            rc = fail_unhashable(v, e);
            goto done;
        }
        if ((found = patch_smp_util_index_find(&ix, key, &pos, e)) < 0) {
            rc = found;
            goto done;
        }
        if (first_nonmap != NOPOS && (!found || first_nonmap < pos)) {
            rc = ks_fail(e, KS_EGENERIC, "value for key %zu is not a map", first_nonmap);
            goto done;
        }
        json_array_append(found ? *in : *rest, v);
    }
done:
    patch_smp_util_index_free(&ix);
    if (rc < 0) {
        json_decref(*in);
        json_decref(*rest);
        *in = *rest = NULL;
    }
    return rc;
}

int patch_smp_order_reorder(json_t **out, const json_t *merged, const json_t *order,
                            const json_t *tl, const json_t *pl, const json_t *server_order,
                            const char *merge_key, struct ks_err *e)
{
    json_t *in = NULL, *rest = NULL;
    int kind, rc;

    *out = NULL;
    if ((rc = patch_smp_order_partition(&in, &rest, merged, order, merge_key, e)) < 0)
        return rc;
    if ((rc = patch_smp_util_elem_kind(&kind, tl, pl, e)) == 0)
        rc = patch_smp_order_normalize(out, in, rest, order, server_order, merge_key, kind, e);
    json_decref(in);
    json_decref(rest);
    return rc;
}

static int key_equal(bool *eq, const json_t *a, const json_t *b, const char *mk, struct ks_err *e)
{
    /* PARITY: mergeKeyValueEqual */
    if (mk) {
        if (!json_is_object(a))
            return fail_not_map(a, e);
        if (!json_is_object(b))
            return fail_not_map(b, e);
        if (!json_object_get(a, mk))
            return patch_smp_order_fail_no_key(a, mk, e);
        if (!json_object_get(b, mk))
            return patch_smp_order_fail_no_key(b, mk, e);
        a = json_object_get(a, mk);
        b = json_object_get(b, mk);
    }
    if (unhashable(a) && patch_smp_util_gokind(a) == patch_smp_util_gokind(b))
        return ks_fail(e, KS_EGENERIC, "runtime error: comparing uncomparable type %s",
                       patch_smp_util_gotype(a));
    *eq = patch_smp_util_same(a, b);
    return 0;
}

int patch_smp_order_check(const json_t *pl, const json_t *order, const char *merge_key,
                          struct ks_err *e)
{
    json_t *nondel = json_array();
    size_t pi = 0, oi = 0;
    int rc = 0;

    if (!json_array_size(order) || !json_array_size(pl))
        goto done;
    for (size_t i = 0; i < json_array_size(pl); i++) {
        json_t *v = json_array_get(pl, i);
        if (merge_key && !json_is_object(v)) {
            rc = fail_not_map(v, e);
            goto done;
        }
        if (!merge_key || !patch_smp_order_is_delete(v))
            json_array_append(nondel, v);
    }
    while (pi < json_array_size(nondel) && oi < json_array_size(order)) {
        bool eq = false;
        const json_t *v = json_array_get(nondel, pi);
        if (json_is_object(v) && json_object_get(v, "$patch")) {
            pi++;
            continue;
        }
        if ((rc = key_equal(&eq, v, json_array_get(order, oi), merge_key, e)) < 0)
            goto done;
        if (eq)
            pi++;
        oi++;
    }
    if (pi < json_array_size(nondel) && oi >= json_array_size(order)) {
        struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
        patch_smp_util_gofmt(&a, pl, 'v');
        patch_smp_util_gofmt(&b, order, 'v');
        rc = ks_fail(e, KS_EINPUT,
                     "The order in patch list:\n%s\n doesn't match $setElementOrder list:\n%s\n",
                     strbuf_str(&a), strbuf_str(&b));
        strbuf_release(&a);
        strbuf_release(&b);
    }
done:
    json_decref(nondel);
    return rc;
}
