/*
 * patch_smp_list.c: list merging for strategic merge patch application
 * (strategicpatch mergeSlice; smp-semantics.md §4.2, §4.4): delete/replace
 * directive elements, merge by merge key, primitive sets, and the aliasing of
 * the live list's storage. Ordering is in patch_smp_order.c. Hash indexes
 * keep it O(n).
 */
#include "patch/patch_smp_list.h"

#include "base/strbuf.h"
#include "patch/patch_smp.h"
#include "patch/patch_smp_order.h"
#include "patch/patch_smp_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOPOS SIZE_MAX

static bool unhashable(const json_t *v)
{
    return json_is_object(v) || json_is_array(v);
}

static int fail_unhashable(const json_t *v, struct ks_err *e)
{
    return ks_fail(e, KS_EGENERIC, "runtime error: hash of unhashable type %s",
                   patch_smp_util_gotype(v));
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
        } else if (patch_smp_order_is_delete(v)) {
            json_t *key = json_object_get(v, mk);
            if (!key) {
                rc = patch_smp_order_fail_no_key(v, mk, e);
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
            rc = patch_smp_util_fail_bad_patch_type(d, v, e);
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
                rc = patch_smp_order_fail_no_key(v, mk, e);
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
        rc = patch_smp_order_partition(&in, &rest, r, pw, mk, e);
        if (rc == 0)
            rc = patch_smp_order_normalize(out, in, rest, pw, post, mk, PATCH_SMP_UTIL_MAP, e);
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
    rc = patch_smp_order_partition(&in, &rest, both, p, a->merge_key, e);
    if (rc == 0)
        rc = patch_smp_order_normalize(out, in, rest, p, t, a->merge_key, kind, e);
    json_decref(both);
    json_decref(in);
    json_decref(rest);
    return rc;
}
