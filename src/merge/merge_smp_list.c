/*
 * merge_smp_list.c: diff two merge lists as strategicpatch diffLists does
 * (smp-semantics.md §3.2-3.3): walk both lists sorted by the string form of
 * the merge key (objects) or value (primitives), then restore the modified
 * order, append deletions, and decide on the $setElementOrder list. Sorting
 * keeps it O(n log n).
 */
#include "merge/merge_smp_list.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "patch/patch_smp_order.h"
#include "patch/patch_smp_util.h"

#include <stdlib.h>
#include <string.h>

static const char *mkey(const char *mk)
{
    return mk ? mk : "";
}

struct sorted {
    size_t n;
    size_t *perm;
    const json_t **keys; /* the sort key of each element, by original position */
    char **forms;        /* its string form, by original position */
};

static void sorted_init(struct sorted *s, const json_t *l, const char *mk, bool maps)
{
    struct strbuf sb = STRBUF_INIT;
    s->n = json_array_size(l);
    s->perm = ks_calloc(s->n + 1, sizeof(*s->perm));
    s->keys = ks_calloc(s->n + 1, sizeof(*s->keys));
    s->forms = ks_calloc(s->n + 1, sizeof(*s->forms));
    for (size_t i = 0; i < s->n; i++) {
        const json_t *v = json_array_get(l, i);
        s->keys[i] = maps ? json_object_get(v, mkey(mk)) : v;
        strbuf_reset(&sb);
        patch_smp_util_gofmt(&sb, s->keys[i], 'v');
        s->forms[i] = ks_strdup(strbuf_str(&sb));
    }
    strbuf_release(&sb);
    patch_smp_util_sort_strform(s->perm, s->keys, s->n);
}

static void sorted_free(struct sorted *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->forms[i]);
    free(s->forms);
    free(s->keys);
    free(s->perm);
}

/* diffListsOfMaps: the patch list and the delete directives. */
static int diff_maps(json_t *patch, json_t *dels, const json_t *o, const json_t *m,
                     const struct pmeta_type *schema, const char *mk,
                     const struct merge_smp_opts *opts, struct ks_err *e)
{
    struct sorted so, sm;
    size_t oi = 0, mi = 0;
    int rc = 0;

    sorted_init(&so, o, mk, true);
    sorted_init(&sm, m, mk, true);
    while (oi < so.n || mi < sm.n) {
        size_t op = oi < so.n ? so.perm[oi] : 0, mp = mi < sm.n ? sm.perm[mi] : 0;
        const json_t *oe = oi < so.n ? json_array_get(o, op) : NULL;
        const json_t *me = mi < sm.n ? json_array_get(m, mp) : NULL;
        int c = 0;
        if (oe && !so.keys[op]) {
            rc = patch_smp_order_fail_no_key(oe, mk, e);
            goto done;
        }
        if (me && !sm.keys[mp]) {
            rc = patch_smp_order_fail_no_key(me, mk, e);
            goto done;
        }
        if (oe && me)
            c = strcmp(so.forms[op], sm.forms[mp]);
        if (oe && me && c == 0) {
            json_t *sub = NULL;
            if ((rc = merge_smp_diff(&sub, oe, me, schema, opts, e)) < 0)
                goto done;
            if (json_object_size(sub)) {
                json_object_set(sub, mkey(mk), (json_t *)sm.keys[mp]);
                json_array_append(patch, sub);
            }
            json_decref(sub);
            oi++, mi++;
        } else if (!oe || c > 0) {
            if (!opts->ignore_changes)
                json_array_append(patch, (json_t *)me);
            mi++;
        } else {
            if (!opts->ignore_deletions) {
                json_t *d = json_object();
                json_object_set(d, mkey(mk), (json_t *)so.keys[op]);
                json_object_set_new(d, "$patch", json_string("delete"));
                json_array_append_new(dels, d);
            }
            oi++;
        }
    }
done:
    sorted_free(&so);
    sorted_free(&sm);
    return rc;
}

/* isOrderSame */
static int order_same(bool *same, const json_t *o, const json_t *m, const char *mk,
                      struct ks_err *e)
{
    *same = json_array_size(o) == json_array_size(m);
    for (size_t i = 0; *same && i < json_array_size(m); i++) {
        const json_t *a = json_array_get(o, i), *b = json_array_get(m, i);
        const json_t *ka = json_object_get(a, mkey(mk)), *kb = json_object_get(b, mkey(mk));
        if (!ka)
            return patch_smp_order_fail_no_key(a, mk, e);
        if (!kb)
            return patch_smp_order_fail_no_key(b, mk, e);
        if ((json_is_object(ka) && json_is_object(kb)) || (json_is_array(ka) && json_is_array(kb)))
            return ks_fail(e, KS_EGENERIC, "runtime error: comparing uncomparable type %s",
                           patch_smp_util_gotype(ka));
        *same = patch_smp_util_same(ka, kb);
    }
    return 0;
}

/* diffListsOfScalars; *o_sorted_equal tells whether the sorted original equals modified. */
static void diff_scalars(json_t *add, json_t **del, bool *o_sorted_equal, const json_t *o,
                         const json_t *m, const struct merge_smp_opts *opts)
{
    struct sorted so, sm;
    size_t oi = 0, mi = 0, nd = 0;
    const json_t **dels = ks_calloc(json_array_size(o) + 1, sizeof(*dels));

    sorted_init(&so, o, NULL, false);
    sorted_init(&sm, m, NULL, false);
    /* PARITY: §3.3 quirk, the reference compares the original sorted in place */
    *o_sorted_equal = so.n == sm.n;
    for (size_t i = 0; *o_sorted_equal && i < so.n; i++)
        *o_sorted_equal = gojson_equal(json_array_get(o, so.perm[i]), json_array_get(m, i));
    while (oi < so.n || mi < sm.n) {
        size_t op = oi < so.n ? so.perm[oi] : 0, mp = mi < sm.n ? sm.perm[mi] : 0;
        int c = (oi < so.n && mi < sm.n) ? strcmp(so.forms[op], sm.forms[mp]) : 0;
        if (oi < so.n && mi < sm.n && c == 0) {
            oi++, mi++;
        } else if (oi >= so.n || c > 0) {
            if (!opts->ignore_changes)
                json_array_append(add, json_array_get(m, mp));
            mi++;
        } else {
            if (!opts->ignore_deletions)
                dels[nd++] = json_array_get(o, op);
            oi++;
        }
    }
    nd = patch_smp_util_dedupe(dels, nd);
    *del = json_array();
    for (size_t i = 0; i < nd; i++)
        json_array_append(*del, (json_t *)dels[i]);
    free(dels);
    sorted_free(&so);
    sorted_free(&sm);
}

int merge_smp_list_diff(json_t **add, json_t **del, json_t **order, const json_t *original,
                        const json_t *modified, const struct pmeta_type *schema,
                        const char *merge_key, const struct merge_smp_opts *o, struct ks_err *e)
{
    json_t *patch = NULL, *dels = NULL, *sorted = NULL;
    int kind, rc;

    *add = *del = *order = NULL;
    if (!json_array_size(original)) {
        if (json_array_size(modified) && !o->ignore_changes)
            *add = json_incref((json_t *)modified);
        return 0;
    }
    if ((rc = patch_smp_util_elem_kind(&kind, original, modified, e)) < 0)
        return rc;
    patch = json_array();
    if (kind == PATCH_SMP_UTIL_MAP) {
        bool same;
        dels = json_array();
        if ((rc = diff_maps(patch, dels, original, modified, schema, merge_key, o, e)) < 0)
            goto done;
        rc = patch_smp_order_sort(&sorted, patch, modified, merge_key, kind, e);
        if (rc < 0 || (rc = order_same(&same, original, modified, merge_key, e)) < 0)
            goto done;
        json_array_extend(sorted, dels);
        if (o->set_order && ((!o->ignore_changes && (json_array_size(sorted) || !same)) ||
                             (!o->ignore_deletions && json_array_size(sorted)))) {
            *order = json_array();
            for (size_t i = 0; i < json_array_size(modified); i++) {
                json_t *item = json_object();
                const char *mk = mkey(merge_key);
                json_t *kv = json_object_get(json_array_get(modified, i), mk);
                json_object_set(item, mk, kv ? kv : json_null());
                json_array_append_new(*order, item);
            }
        }
        *add = sorted;
        sorted = NULL;
    } else {
        bool equal;
        diff_scalars(patch, &dels, &equal, original, modified, o);
        if ((rc = patch_smp_order_sort(&sorted, patch, modified, merge_key, kind, e)) < 0)
            goto done;
        if (o->set_order &&
            ((!o->ignore_deletions && json_array_size(dels)) || (!o->ignore_changes && !equal)))
            *order = json_incref((json_t *)modified);
        *add = sorted;
        *del = dels;
        sorted = dels = NULL;
    }
done:
    json_decref(patch);
    json_decref(dels);
    json_decref(sorted);
    if (rc < 0) {
        json_decref(*add);
        json_decref(*del);
        json_decref(*order);
        *add = *del = *order = NULL;
    }
    return rc;
}

static json_t *presort_list(const json_t *o, const json_t *m, const struct pmeta_type *schema,
                            const char *mk)
{
    struct ks_err ignore = KS_ERR_INIT;
    struct sorted so, sm;
    json_t *out = NULL;
    int kind;

    if (!json_array_size(o) || patch_smp_util_elem_kind(&kind, o, m, &ignore) < 0)
        return json_incref((json_t *)o);
    if (kind != PATCH_SMP_UTIL_MAP) {
        /* PARITY: sortScalars(original) sorts the caller's list in place */
        sorted_init(&so, o, NULL, false);
        out = json_array();
        for (size_t i = 0; i < so.n; i++)
            json_array_append(out, json_array_get(o, so.perm[i]));
        sorted_free(&so);
        return out;
    }
    /* lists of objects are sorted on copies, but their paired elements are diffed in place */
    sorted_init(&so, o, mk, true);
    sorted_init(&sm, m, mk, true);
    for (size_t oi = 0, mi = 0; oi < so.n && mi < sm.n;) {
        size_t op = so.perm[oi], mp = sm.perm[mi];
        int c;
        if (!so.keys[op] || !sm.keys[mp])
            break; /* the diff fails here */
        c = strcmp(so.forms[op], sm.forms[mp]);
        if (c == 0) {
            json_t *oe = json_array_get(o, op);
            json_t *ne = merge_smp_list_presort(oe, json_array_get(m, mp), schema);
            if (ne != oe && !out)
                out = json_copy((json_t *)o);
            if (out)
                json_array_set(out, op, ne);
            json_decref(ne);
            oi++, mi++;
        } else if (c > 0) {
            mi++;
        } else {
            oi++;
        }
    }
    sorted_free(&so);
    sorted_free(&sm);
    return out ? out : json_incref((json_t *)o);
}

json_t *merge_smp_list_presort(const json_t *original, const json_t *modified,
                               const struct pmeta_type *schema)
{
    struct ks_err ignore = KS_ERR_INIT;
    json_t *out = NULL, *mv;
    const char *k;

    if (!json_is_object(original) || !json_is_object(modified))
        return json_incref((json_t *)original);
    json_object_foreach((json_t *)modified, k, mv)
    {
        const json_t *ov = json_object_get(original, k);
        int kind = patch_smp_util_gokind(ov);
        json_t *nv = NULL;
        struct pmeta m;
        if (!ov || !strcmp(k, "$patch") || kind != patch_smp_util_gokind(mv) ||
            (kind != PATCH_SMP_UTIL_MAP && kind != PATCH_SMP_UTIL_SLICE) ||
            pmeta_lookup(&m, schema, k, &ignore) < 0)
            continue;
        if (kind == PATCH_SMP_UTIL_MAP && m.strategy != PMETA_REPLACE)
            nv = merge_smp_list_presort(ov, mv, m.type);
        else if (kind == PATCH_SMP_UTIL_SLICE && m.strategy == PMETA_MERGE)
            nv = presort_list(ov, mv, m.type, m.merge_key);
        if (nv && nv != ov) {
            if (!out)
                out = json_copy((json_t *)original);
            json_object_set(out, k, nv);
        }
        json_decref(nv);
    }
    return out ? out : json_incref((json_t *)original);
}
