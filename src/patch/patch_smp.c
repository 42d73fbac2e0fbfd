/*
 * patch_smp.c: apply a strategic merge patch to an object (strategicpatch
 * mergeMap, smp-semantics.md §4.1): whole-map $patch directives,
 * $retainKeys, $setElementOrder lists, $deleteFromPrimitiveList lists,
 * nulls, and the per-field merge. Lists are merged in patch_smp_list.c.
 * Values are never modified: results are new objects sharing subtrees.
 */
#include "patch/patch_smp.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "patch/patch_smp_list.h"
#include "patch/patch_smp_order.h"
#include "patch/patch_smp_util.h"

#include <stdlib.h>
#include <string.h>

#define DIRECTIVE "$patch"
#define RETAIN_KEYS "$retainKeys"
#define DELETE_PREFIX "$deleteFromPrimitiveList"
#define ORDER_PREFIX "$setElementOrder"

static bool is_str(const json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0 &&
           strlen(s) == json_string_length(v);
}

static json_t *drop_nulls(const json_t *v)
{
    /* PARITY: discardNullValuesFromPatch; copies only what changes */
    if (json_is_object(v)) {
        json_t *out = NULL;
        const char *k;
        json_t *c;
        json_object_foreach((json_t *)v, k, c)
        {
            json_t *nc = json_is_null(c) ? NULL : drop_nulls(c);
            if (nc == c) {
                json_decref(nc);
                continue;
            }
            if (!out)
                out = json_copy((json_t *)v);
            if (nc)
                json_object_set_new(out, k, nc);
            else
                json_object_del(out, k);
        }
        return out ? out : json_incref((json_t *)v);
    }
    if (json_is_array(v)) {
        json_t *out = NULL;
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *c = json_array_get(v, i), *nc = drop_nulls(c);
            if (nc != c && !out)
                out = json_copy((json_t *)v);
            if (out)
                json_array_set_new(out, i, nc);
            else
                json_decref(nc);
        }
        return out ? out : json_incref((json_t *)v);
    }
    return json_incref((json_t *)v);
}

static json_t *remove_directives(const json_t *v, bool *keep)
{
    *keep = true;
    if (json_is_object(v)) {
        json_t *out = NULL;
        const char *k;
        json_t *c;
        if (json_object_get(v, DIRECTIVE)) {
            *keep = false;
            return NULL;
        }
        json_object_foreach((json_t *)v, k, c)
        {
            bool ck;
            json_t *nc = remove_directives(c, &ck);
            if (ck && nc == c) {
                json_decref(nc);
                continue;
            }
            if (!out)
                out = json_copy((json_t *)v);
            if (ck)
                json_object_set_new(out, k, nc);
            else
                json_object_del(out, k);
        }
        return out ? out : json_incref((json_t *)v);
    }
    if (json_is_array(v)) {
        json_t *out = json_array();
        bool changed = false;
        for (size_t i = 0; i < json_array_size(v); i++) {
            bool ck;
            json_t *c = json_array_get(v, i), *nc = remove_directives(c, &ck);
            changed |= !ck || nc != c;
            if (ck)
                json_array_append_new(out, nc);
        }
        if (!changed) {
            json_decref(out);
            return json_incref((json_t *)v);
        }
        return out;
    }
    return json_incref((json_t *)v);
}

json_t *patch_smp_clean(const json_t *v, bool drop, bool *keep)
{
    json_t *nn, *out;
    if (!drop)
        return remove_directives(v, keep);
    nn = drop_nulls(v);
    out = remove_directives(nn, keep);
    json_decref(nn);
    return out;
}

/* PARITY: extractKey: "<prefix>/<field>", split at the first slash. */
static int extract_key(const char **field, const char *key, const char *prefix, struct ks_err *e)
{
    const char *slash = strchr(key, '/');
    if (!slash || (size_t)(slash - key) != strlen(prefix) ||
        strncmp(key, prefix, strlen(prefix)) != 0) {
        if (strcmp(prefix, DELETE_PREFIX) == 0)
            return ks_fail(e, KS_EINPUT, "invalid patch format of primitive list");
        return ks_fail(e, KS_EINPUT, "invalid patch format of setElementOrder list");
    }
    *field = slash + 1;
    return 0;
}

static int fail_arg_type(const char *expected, const json_t *actual, struct ks_err *e)
{
    return ks_fail(e, KS_EGENERIC, "expected a %s, but received a %s", expected,
                   patch_smp_util_gotype(actual));
}

/* applyRetainKeysDirective; p is our working copy of the patch. */
static int retain_keys(json_t *res, json_t *p, bool server, struct ks_err *e)
{
    json_t *rk = json_object_get(p, RETAIN_KEYS);
    struct patch_smp_util_index ix;
    const char *k;
    json_t *v, *tmp;
    size_t pos;
    int rc = 0;

    if (!rk)
        return 0;
    json_incref(rk);
    json_object_del(p, RETAIN_KEYS);
    if (!server) {
        json_t *have = json_object_get(res, RETAIN_KEYS);
        if (have && !gojson_equal(have, rk)) {
            struct strbuf sb = STRBUF_INIT;
            patch_smp_util_gofmt(&sb, have, 'v');
            strbuf_adds(&sb, " and ");
            patch_smp_util_gofmt(&sb, rk, 'v');
            rc = ks_fail(e, KS_EGENERIC,
                         "%s are not deep equal: this may happen when calculating the 3-way "
                         "diff patch",
                         strbuf_str(&sb));
            strbuf_release(&sb);
        } else if (!have) {
            json_object_set(res, RETAIN_KEYS, rk);
        }
        json_decref(rk);
        return rc;
    }
    if (!json_is_array(rk)) {
        json_decref(rk);
        return ks_fail(e, KS_EINPUT, "invalid patch format of retainKeys");
    }
    patch_smp_util_index_init(&ix, json_array_size(rk));
    for (size_t i = 0; i < json_array_size(rk); i++) {
        json_t *x = json_array_get(rk, i);
        if (json_is_object(x) || json_is_array(x)) {
            rc = ks_fail(e, KS_EGENERIC, "runtime error: hash of unhashable type %s",
                         patch_smp_util_gotype(x));
            goto done;
        }
        patch_smp_util_index_add(&ix, x, i);
    }
    json_object_foreach(p, k, v)
    {
        json_t *ks;
        int found;
        if (json_is_null(v) || patch_smp_util_prefixed(k, DELETE_PREFIX) ||
            patch_smp_util_prefixed(k, ORDER_PREFIX))
            continue;
        ks = json_string(k);
        found = patch_smp_util_index_find(&ix, ks, &pos, e);
        json_decref(ks);
        if (found != 1) {
            rc = ks_fail(e, KS_EINPUT, "invalid patch format of retainKeys");
            goto done;
        }
    }
    json_object_foreach_safe(res, tmp, k, v)
    {
        json_t *ks = json_string(k);
        int found = patch_smp_util_index_find(&ix, ks, &pos, e);
        json_decref(ks);
        if (found != 1)
            json_object_del(res, k);
    }
done:
    patch_smp_util_index_free(&ix);
    json_decref(rk);
    return rc;
}

/* The $setElementOrder keys of an object, copied, so the object may change while we walk them. */
static char **order_keys(const json_t *o, size_t *n)
{
    char **keys = NULL;
    const char *k;
    json_t *v;
    *n = 0;
    json_object_foreach((json_t *)o, k, v)
    {
        if (!patch_smp_util_prefixed(k, ORDER_PREFIX))
            continue;
        if (!keys)
            keys = ks_calloc(json_object_size(o) + 1, sizeof(*keys));
        keys[(*n)++] = ks_strdup(k);
    }
    return keys;
}

static void free_keys(char **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

/* mergePatchIntoOriginal: one $setElementOrder/<f> member. */
static int set_element_order(json_t *res, json_t *p, const char *key,
                             const struct pmeta_type *schema, bool server, struct ks_err *e)
{
    json_t *order = json_incref(json_object_get(p, key));
    json_t *tl, *pl, *merged = NULL, *alias = NULL, *both = NULL;
    const char *f;
    struct pmeta m;
    int rc = 0;

    if (!server) {
        json_t *have = json_object_get(res, key);
        if (have && !gojson_equal(have, order)) {
            rc = ks_fail(e, KS_EINPUT, "invalid patch format of setElementOrder list");
            goto done;
        }
        if (!have)
            json_object_set(res, key, order);
    }
    json_object_del(p, key);
    if (!json_is_array(order)) {
        rc = fail_arg_type("[]interface {}", order, e);
        goto done;
    }
    if ((rc = extract_key(&f, key, ORDER_PREFIX, e)) < 0)
        goto done;
    tl = json_object_get(res, f);
    pl = json_object_get(p, f);
    if (tl && !json_is_array(tl)) {
        rc = fail_arg_type("[]interface {}", tl, e);
        goto done;
    }
    if (pl && !json_is_array(pl)) {
        rc = fail_arg_type("[]interface {}", pl, e);
        goto done;
    }
    if ((rc = pmeta_lookup(&m, schema, f, e)) < 0)
        goto done;
    if ((rc = patch_smp_order_check(pl, order, m.merge_key, e)) < 0)
        goto done;
    if (tl && !pl) {
        merged = json_incref(tl);
    } else if (!tl && pl) {
        bool keep;
        merged = patch_smp_clean(pl, false, &keep);
    } else if (tl && pl) {
        struct patch_smp_list_args a = {m.type, m.merge_key, server, false};
        if (m.strategy == PMETA_MERGE)
            rc = patch_smp_list_merge(&merged, &alias, tl, pl, &a, e);
        else
            merged = json_incref(pl);
        if (rc < 0)
            goto done;
    } else {
        goto done;
    }
    rc = patch_smp_order_reorder(&both, merged, order, tl, pl, alias ? alias : tl, m.merge_key, e);
    if (rc < 0)
        goto done;
    json_object_set_new(res, f, both);
    json_object_del(p, f);
done:
    json_decref(order);
    json_decref(merged);
    json_decref(alias);
    return rc;
}

/* One remaining member k: v of the patch (mergeMap's main loop). */
static int merge_member(json_t *res, const char *key, json_t *v, const struct pmeta_type *schema,
                        bool server, struct ks_err *e)
{
    const char *k = key;
    bool is_delete = false, keep;
    json_t *t, *nv = NULL;
    struct pmeta m;
    int tk, pk, rc = 0;

    if (patch_smp_util_prefixed(key, DELETE_PREFIX)) {
        if (!server) {
            json_object_set(res, key, v);
            return 0;
        }
        if ((rc = extract_key(&k, key, DELETE_PREFIX, e)) < 0)
            return rc;
        is_delete = true;
    }
    if (json_is_null(v)) {
        json_object_del(res, k);
        if (server)
            return 0;
    }
    t = json_object_get(res, k);
    tk = patch_smp_util_gokind(t);
    pk = patch_smp_util_gokind(v);
    if (!t || tk != pk) {
        if (is_delete)
            return 0;
        nv = patch_smp_clean(v, server, &keep);
        if (keep)
            json_object_set_new(res, k, nv);
        else
            json_object_del(res, k);
        return 0;
    }
    if (tk == PATCH_SMP_UTIL_MAP || tk == PATCH_SMP_UTIL_SLICE) {
        if ((rc = pmeta_lookup(&m, schema, k, e)) < 0)
            return rc;
    }
    if (tk == PATCH_SMP_UTIL_MAP) {
        if (m.strategy == PMETA_REPLACE)
            nv = json_incref(v);
        else if ((rc = patch_smp_apply_object(&nv, t, v, m.type, server, e)) < 0)
            return rc;
    } else if (tk == PATCH_SMP_UTIL_SLICE) {
        struct patch_smp_list_args a = {m.type, m.merge_key, server, is_delete};
        if (m.strategy == PMETA_MERGE || is_delete) {
            if ((rc = patch_smp_list_merge(&nv, NULL, t, v, &a, e)) < 0)
                return rc;
        } else {
            nv = json_incref(v);
        }
    } else {
        nv = json_incref(v);
    }
    json_object_set_new(res, k, nv);
    return 0;
}

int patch_smp_apply_object(json_t **out, const json_t *target, const json_t *patch,
                           const struct pmeta_type *schema, bool server, struct ks_err *e)
{
    json_t *dir = json_object_get(patch, DIRECTIVE);
    json_t *res = NULL, *p = NULL;
    char **keys = NULL;
    size_t nkeys = 0;
    int rc = 0;

    *out = NULL;
    if (dir) {
        /* PARITY: handleDirectiveInMergeMap */
        if (is_str(dir, "replace")) {
            res = json_copy((json_t *)patch);
            json_object_del(res, DIRECTIVE);
            *out = res;
            return 0;
        }
        if (is_str(dir, "delete")) {
            *out = json_object();
            return 0;
        }
        return patch_smp_util_fail_bad_patch_type(dir, patch, e);
    }
    res = target ? json_copy((json_t *)target) : json_object();
    p = json_copy((json_t *)patch);
    if ((rc = retain_keys(res, p, server, e)) < 0)
        goto done;
    keys = order_keys(p, &nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        if (!json_object_get(p, keys[i]))
            continue;
        if ((rc = set_element_order(res, p, keys[i], schema, server, e)) < 0)
            goto done;
    }
    {
        const char *k;
        json_t *v;
        /* p does not change from here on */
        json_object_foreach(p, k, v)
        {
            if ((rc = merge_member(res, k, v, schema, server, e)) < 0)
                goto done;
        }
    }
done:
    free_keys(keys, nkeys);
    json_decref(p);
    if (rc < 0) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return 0;
}

static int as_object(const json_t **out, const json_t *v, struct ks_err *e)
{
    if (!v || json_is_null(v)) {
        *out = NULL;
        return 0;
    }
    if (!json_is_object(v))
        return ks_fail(e, KS_EINPUT, "invalid JSON document");
    *out = v;
    return 0;
}

int patch_smp_apply(json_t **out, const json_t *target, const json_t *patch,
                    const struct pmeta_type *schema, struct ks_err *e)
{
    const json_t *t = NULL, *p = NULL;
    json_t *empty = NULL;
    int rc;

    *out = NULL;
    if ((rc = as_object(&t, target, e)) < 0 || (rc = as_object(&p, patch, e)) < 0)
        return rc;
    if (!p)
        p = empty = json_object();
    rc = patch_smp_apply_object(out, t, p, schema, true, e);
    json_decref(empty);
    return rc;
}

int patch_smp_merge(json_t **out, const json_t *first, const json_t *second,
                    const struct pmeta_type *schema, struct ks_err *e)
{
    const json_t *t = NULL, *p = NULL;
    json_t *empty = NULL;
    int rc;

    *out = NULL;
    if ((rc = as_object(&t, first, e)) < 0 || (rc = as_object(&p, second, e)) < 0)
        return rc;
    if (!p)
        p = empty = json_object();
    rc = patch_smp_apply_object(out, t, p, schema, false, e);
    json_decref(empty);
    return rc;
}

static int load_doc(json_t **out, const char *buf, size_t len, struct ks_err *e)
{
    struct ks_err ignore = KS_ERR_INIT;
    *out = NULL;
    if (!buf)
        return 0;
    /* PARITY: json.Unmarshal into a map: any failure is ErrBadJSONDoc */
    if (gojson_loads(out, buf, len, &ignore) < 0 || !(json_is_object(*out) || json_is_null(*out))) {
        json_decref(*out);
        *out = NULL;
        return ks_fail(e, KS_EINPUT, "invalid JSON document");
    }
    return 0;
}

int patch_smp_apply_bytes(char **out, const char *target, size_t target_len, const char *patch,
                          size_t patch_len, const struct pmeta_type *schema, struct ks_err *e)
{
    json_t *t = NULL, *p = NULL, *res = NULL;
    int rc;

    *out = NULL;
    if ((rc = load_doc(&t, target, target_len, e)) < 0 ||
        (rc = load_doc(&p, patch, patch_len, e)) < 0 ||
        (rc = patch_smp_apply(&res, t, p, schema, e)) < 0)
        goto done;
    if (!(*out = gojson_dumps(res)))
        rc = ks_fail(e, KS_EINPUT, "json: unsupported value");
done:
    json_decref(t);
    json_decref(p);
    json_decref(res);
    return rc;
}
