/*
 * patch_smp_list.c: list merging for strategic merge patch application
 * (strategicpatch mergeSlice, normalizeElementOrder, mergeSortedSlice;
 * smp-semantics.md §4.2-4.4): delete/replace directive elements, merge by
 * merge key, primitive sets, the interleave of patch and server-only items,
 * and the aliasing of the live list's storage. Hash indexes keep it O(n).
 */
#include "patch/patch_smp_list.h"

#include "base/strbuf.h"
#include "patch/patch_smp.h"
#include "patch/patch_smp_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOPOS SIZE_MAX

static const char *mkey(const char *mk)
{
    return mk ? mk : "";
}

static int fail_no_merge_key(const json_t *m, const char *mk, struct ks_err *e)
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
            return fail_no_merge_key(m, mk, e);
    }
    return 0;
}

static bool is_delete_elem(const json_t *m)
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
        if (kind == PATCH_SMP_UTIL_MAP && is_delete_elem(v)) {
            json_array_append(deletes, (json_t *)v);
            continue;
        }
        it[nkeep].pos = i;
        if ((rc = position(&it[nkeep].idx, ix, v, mk, kind, e)) < 0)
            goto done;
        all_found &= it[nkeep].idx != NOPOS;
        nkeep++;
    }
    if (all_found || nkeep > 20) {
        /* NEEDSWORK: absent items in lists of more than 20 sort last, not as Go's symMerge */
        qsort(it, nkeep, sizeof(*it), cmp_sort_item);
    } else {
        /* PARITY: sort.SliceStable is one insertion sort up to 20 elements */
        for (size_t i = 1; i < nkeep; i++)
            for (size_t j = i; j > 0 && go_less(&it[j], &it[j - 1]); j--) {
                struct sort_item tmp = it[j];
                it[j] = it[j - 1];
                it[j - 1] = tmp;
            }
    }
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
static int normalize(json_t **out, const json_t *patch_items, const json_t *server_only,
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

int patch_smp_list_sort(json_t **out, const json_t *items, const json_t *order,
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
static int partition(json_t **in, json_t **rest, const json_t *merged, const json_t *by,
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
                rc = fail_no_merge_key(v, mk, e);
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

int patch_smp_list_reorder(json_t **out, const json_t *merged, const json_t *order,
                           const json_t *tl, const json_t *pl, const json_t *server_order,
                           const char *merge_key, struct ks_err *e)
{
    json_t *in = NULL, *rest = NULL;
    int kind, rc;

    *out = NULL;
    if ((rc = partition(&in, &rest, merged, order, merge_key, e)) < 0)
        return rc;
    if ((rc = patch_smp_util_elem_kind(&kind, tl, pl, e)) == 0)
        rc = normalize(out, in, rest, order, server_order, merge_key, kind, e);
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
            return fail_no_merge_key(a, mk, e);
        if (!json_object_get(b, mk))
            return fail_no_merge_key(b, mk, e);
        a = json_object_get(a, mk);
        b = json_object_get(b, mk);
    }
    if (unhashable(a) && patch_smp_util_gokind(a) == patch_smp_util_gokind(b))
        return ks_fail(e, KS_EGENERIC, "runtime error: comparing uncomparable type %s",
                       patch_smp_util_gotype(a));
    *eq = patch_smp_util_same(a, b);
    return 0;
}

int patch_smp_list_check_order(const json_t *pl, const json_t *order, const char *merge_key,
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
        if (!merge_key || !is_delete_elem(v))
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

/* schema.Name() of the element type, for "cannot merge lists without merge key". */
static const char *schema_name(const struct pmeta_type *t)
{
    if (!t)
        return "<nil>";
    if (t->flavor == PMETA_STRUCT)
        return t->kind == PMETA_T_OBJECT ? "struct" : (t->name ? t->name : "");
    if (t->flavor == PMETA_V3)
        return "object";
    return t->name ? t->name : "";
}

static int fail_bad_patch_type(const json_t *dir, const json_t *map, struct ks_err *e)
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

/* The target list with its deletions, and the storage the reference leaves behind (§4.4). */
struct target {
    const json_t *t;
    size_t n, len, hi;
    bool *alive;
    size_t *next;          /* next element with the same merge-key value */
    const json_t **frozen; /* slot len.. of the storage after deletions */
    struct patch_smp_util_index ix;
};

static void target_init(struct target *tg, const json_t *t, const char *mk)
{
    size_t pos, *last;
    struct ks_err ignore = KS_ERR_INIT;

    memset(tg, 0, sizeof(*tg));
    tg->t = t;
    tg->n = tg->len = json_array_size(t);
    tg->hi = tg->n ? tg->n - 1 : NOPOS;
    tg->alive = ks_calloc(tg->n + 1, sizeof(*tg->alive));
    tg->next = ks_calloc(tg->n + 1, sizeof(*tg->next));
    tg->frozen = ks_calloc(tg->n + 1, sizeof(*tg->frozen));
    last = ks_calloc(tg->n + 1, sizeof(*last));
    patch_smp_util_index_init(&tg->ix, tg->n);
    for (size_t i = 0; i < tg->n; i++) {
        const json_t *key = json_object_get(json_array_get(t, i), mk);
        tg->alive[i] = true;
        tg->next[i] = NOPOS;
        if (!key)
            continue;
        patch_smp_util_index_add(&tg->ix, key, i);
        if (patch_smp_util_index_find(&tg->ix, key, &pos, &ignore) != 1)
            continue; /* a container: never matched without a panic */
        if (pos != i)
            tg->next[last[pos]] = i;
        last[pos] = i;
    }
    free(last);
}

static void target_free(struct target *tg)
{
    free(tg->alive);
    free(tg->next);
    free(tg->frozen);
    patch_smp_util_index_free(&tg->ix);
}

/* deleteMatchingEntries: remove every element whose merge key equals key. */
static int target_delete(struct target *tg, const json_t *key, struct ks_err *e)
{
    size_t pos;
    int rc = patch_smp_util_index_find(&tg->ix, key, &pos, e);
    if (rc <= 0)
        return rc;
    for (size_t x = pos; x != NOPOS; x = tg->next[x]) {
        if (!tg->alive[x])
            continue;
        /* PARITY: append(s[:i], s[i+1:]...) leaves the old last element in slot len-1 */
        tg->frozen[tg->len - 1] = json_array_get(tg->t, tg->hi);
        tg->alive[x] = false;
        tg->len--;
        while (tg->hi != NOPOS && !tg->alive[tg->hi])
            tg->hi = tg->hi ? tg->hi - 1 : NOPOS;
    }
    return 0;
}

static json_t *target_alive(const struct target *tg)
{
    json_t *l = json_array();
    for (size_t i = 0; i < tg->n; i++)
        if (tg->alive[i])
            json_array_append(l, json_array_get(tg->t, i));
    return l;
}

/* The storage through the old length, with appends written into the freed slots. */
static json_t *target_alias(const struct target *tg, const json_t *appended)
{
    json_t *s = target_alive(tg);
    for (size_t k = tg->len; k < tg->n; k++) {
        size_t j = k - tg->len;
        if (j < json_array_size(appended))
            json_array_append(s, json_array_get(appended, j));
        else
            json_array_append(s, (json_t *)tg->frozen[k]);
    }
    return s;
}

/* mergeSliceWithSpecialElements + mergeSliceWithoutSpecialElements + order. */
static int merge_maps(json_t **out, json_t **alias, const json_t *t, const json_t *p,
                      const struct patch_smp_list_args *a, struct ks_err *e)
{
    const char *mk = a->merge_key;
    struct target tg;
    struct patch_smp_util_index rix;
    json_t *pw = json_array(), *r = NULL, *appended = json_array(), *in = NULL, *rest = NULL;
    const json_t *server_order;
    bool replace = false;
    size_t pos;
    int rc = 0;

    target_init(&tg, t, mk);
    memset(&rix, 0, sizeof(rix));
    for (size_t i = 0; i < json_array_size(p); i++) {
        json_t *v = json_array_get(p, i);
        json_t *d = json_object_get(v, "$patch");
        if (!d) {
            json_array_append(pw, v);
        } else if (is_delete_elem(v)) {
            json_t *key = json_object_get(v, mk);
            if (!key) {
                rc = fail_no_merge_key(v, mk, e);
                goto done;
            }
            if ((rc = target_delete(&tg, key, e)) < 0)
                goto done;
        } else if (json_is_string(d) && strcmp(json_string_value(d), "replace") == 0) {
            replace = true;
        } else if (json_is_string(d) && strcmp(json_string_value(d), "merge") == 0) {
            rc = ks_fail(e, KS_EINPUT, "merging lists cannot yet be specified in the patch");
            goto done;
        } else {
            rc = fail_bad_patch_type(d, v, e);
            goto done;
        }
    }
    if (replace) {
        r = json_incref(pw);
        server_order = pw;
        json_decref(pw);
        pw = json_array();
    } else {
        r = target_alive(&tg);
        server_order = NULL;
        patch_smp_util_index_init(&rix, json_array_size(r) + json_array_size(pw));
        for (size_t i = 0; i < json_array_size(r); i++) {
            json_t *key = json_object_get(json_array_get(r, i), mk);
            if (key)
                patch_smp_util_index_add(&rix, key, i);
        }
        for (size_t i = 0; i < json_array_size(pw); i++) {
            json_t *v = json_array_get(pw, i), *key = json_object_get(v, mk), *nv;
            int found;
            if (!key) {
                rc = fail_no_merge_key(v, mk, e);
                goto done;
            }
            if ((found = patch_smp_util_index_find(&rix, key, &pos, e)) < 0) {
                rc = found;
                goto done;
            }
            if (found) {
                rc =
                    patch_smp_apply_object(&nv, json_array_get(r, pos), v, a->schema, a->server, e);
                if (rc < 0)
                    goto done;
                json_array_set_new(r, pos, nv);
            } else {
                /* PARITY: appended verbatim, and found by later elements */
                patch_smp_util_index_add(&rix, key, json_array_size(r));
                json_array_append(r, v);
                json_array_append(appended, v);
            }
        }
    }
    {
        json_t *post = server_order ? json_incref((json_t *)server_order) : NULL;
        if (!post) {
            /* the post-deletion target, without the appends */
            post = json_array();
            for (size_t i = 0; i < tg.len; i++)
                json_array_append(post, json_array_get(r, i));
        }
        rc = partition(&in, &rest, r, pw, mk, e);
        if (rc == 0)
            rc = normalize(out, in, rest, pw, post, mk, PATCH_SMP_UTIL_MAP, e);
        json_decref(post);
        if (rc < 0)
            goto done;
    }
    if (alias)
        *alias = target_alias(&tg, replace ? NULL : appended);
done:
    target_free(&tg);
    patch_smp_util_index_free(&rix);
    json_decref(pw);
    json_decref(r);
    json_decref(appended);
    json_decref(in);
    json_decref(rest);
    return rc;
}

/* deleteFromSlice: drop every element of t equal to one of p. */
static int delete_from(json_t **out, const json_t *t, const json_t *p, struct ks_err *e)
{
    struct patch_smp_util_index ix;
    json_t *res = json_array();
    size_t pos;
    int rc = 0;

    patch_smp_util_index_init(&ix, json_array_size(p));
    for (size_t i = 0; i < json_array_size(p); i++) {
        if (unhashable(json_array_get(p, i))) {
            rc = fail_unhashable(json_array_get(p, i), e);
            goto done;
        }
        patch_smp_util_index_add(&ix, json_array_get(p, i), i);
    }
    for (size_t i = 0; i < json_array_size(t); i++) {
        json_t *v = json_array_get(t, i);
        if (unhashable(v)) {
            rc = fail_unhashable(v, e);
            goto done;
        }
        if (patch_smp_util_index_find(&ix, v, &pos, e) == 0)
            json_array_append(res, v);
    }
done:
    patch_smp_util_index_free(&ix);
    if (rc < 0) {
        json_decref(res);
        res = NULL;
    }
    *out = res;
    return rc;
}

int patch_smp_list_merge(json_t **out, json_t **alias, const json_t *t, const json_t *p,
                         const struct patch_smp_list_args *a, struct ks_err *e)
{
    json_t *both = NULL, *in = NULL, *rest = NULL;
    struct patch_smp_util_index ix;
    size_t pos;
    int kind, rc;

    *out = NULL;
    if (alias)
        *alias = NULL;
    if (!json_array_size(t) && !json_array_size(p)) {
        *out = json_incref((json_t *)t);
        if (alias)
            *alias = json_incref((json_t *)t);
        return 0;
    }
    if ((rc = patch_smp_util_elem_kind(&kind, t, p, e)) < 0)
        return rc;
    if (kind == PATCH_SMP_UTIL_MAP) {
        if (!a->merge_key)
            return ks_fail(e, KS_EGENERIC, "cannot merge lists without merge key for %s",
                           schema_name(a->schema));
        return merge_maps(out, alias, t, p, a, e);
    }
    if (a->server && a->delete_list)
        return delete_from(out, t, p, e);
    /* concatenate and de-duplicate; the order step below fixes the order */
    both = json_array();
    patch_smp_util_index_init(&ix, json_array_size(t) + json_array_size(p));
    for (int l = 0; l < 2; l++) {
        const json_t *src = l ? p : t;
        for (size_t i = 0; i < json_array_size(src); i++) {
            json_t *v = json_array_get(src, i);
            if (patch_smp_util_index_find(&ix, v, &pos, e) == 1)
                continue;
            patch_smp_util_index_add(&ix, v, i);
            json_array_append(both, v);
        }
    }
    patch_smp_util_index_free(&ix);
    rc = partition(&in, &rest, both, p, a->merge_key, e);
    if (rc == 0)
        rc = normalize(out, in, rest, p, t, a->merge_key, kind, e);
    json_decref(both);
    json_decref(in);
    json_decref(rest);
    return rc;
}
