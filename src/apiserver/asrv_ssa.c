/*
 * asrv_ssa.c: the field manager of kubeshim-apiserver, after
 * k8s.io/apiserver's fieldmanager and structured-merge-diff's Updater:
 * managers are identified by (manager, operation, apiVersion for Update),
 * Apply conflicts are fields that other managers own and the apply would
 * change, force moves them, and entries are sorted Apply first, then by time.
 */
#include "apiserver/asrv_ssa.h"

#include "apiserver/asrv_fields.h"
#include "base/gojson.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mgr {
    char *manager, *operation, *api_version, *time, *subresource;
    json_t *set;
};

struct mgrs {
    struct mgr *v;
    size_t n;
};

static char *dup_or(const json_t *v, const char *dflt)
{
    return ks_strdup(json_is_string(v) ? json_string_value(v) : dflt);
}

static void mgrs_load(struct mgrs *m, const json_t *mf)
{
    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < json_array_size(mf); i++) {
        const json_t *e = json_array_get(mf, i);
        if (!json_is_object(e))
            continue;
        m->v = ks_realloc(m->v, (m->n + 1) * sizeof(*m->v));
        struct mgr *g = &m->v[m->n++];
        g->manager = dup_or(json_object_get(e, "manager"), "");
        g->operation = dup_or(json_object_get(e, "operation"), "Update");
        g->api_version = dup_or(json_object_get(e, "apiVersion"), "");
        g->time = dup_or(json_object_get(e, "time"), "");
        g->subresource = dup_or(json_object_get(e, "subresource"), "");
        const json_t *fs = json_object_get(e, "fieldsV1");
        g->set = json_is_object(fs) ? json_deep_copy(fs) : json_object();
    }
}

static void mgrs_release(struct mgrs *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].manager);
        free(m->v[i].operation);
        free(m->v[i].api_version);
        free(m->v[i].time);
        free(m->v[i].subresource);
        json_decref(m->v[i].set);
    }
    free(m->v);
    memset(m, 0, sizeof(*m));
}

static bool is_apply(const struct mgr *g)
{
    return strcmp(g->operation, "Apply") == 0;
}

/* PARITY: BuildManagerIdentifier: appliers are one manager whatever the apiVersion. */
static struct mgr *mgrs_find(struct mgrs *m, const char *manager, const char *op,
                             const char *api_version)
{
    for (size_t i = 0; i < m->n; i++) {
        struct mgr *g = &m->v[i];
        if (strcmp(g->manager, manager) == 0 && strcmp(g->operation, op) == 0 && !*g->subresource &&
            (strcmp(op, "Apply") == 0 || strcmp(g->api_version, api_version) == 0))
            return g;
    }
    return NULL;
}

static struct mgr *mgrs_add(struct mgrs *m, const char *manager, const char *op,
                            const char *api_version)
{
    m->v = ks_realloc(m->v, (m->n + 1) * sizeof(*m->v));
    struct mgr *g = &m->v[m->n++];
    g->manager = ks_strdup(manager);
    g->operation = ks_strdup(op);
    g->api_version = ks_strdup(api_version);
    g->time = ks_strdup("");
    g->subresource = ks_strdup("");
    g->set = json_object();
    return g;
}

static void set_replace(struct mgr *g, json_t *set)
{
    json_decref(g->set);
    g->set = set;
}

/* PARITY: sortEncodedManagedFields: operation (Apply < Update), time, manager, apiVersion. */
static int mgr_cmp(const void *pa, const void *pb)
{
    const struct mgr *a = pa, *b = pb;
    int c = strcmp(a->operation, b->operation);
    if (!c)
        c = strcmp(a->time, b->time);
    if (!c)
        c = strcmp(a->manager, b->manager);
    if (!c)
        c = strcmp(a->api_version, b->api_version);
    return c;
}

/* Write the managers into obj's metadata (entries with empty sets are dropped). */
static void mgrs_store(struct mgrs *m, json_t *obj)
{
    if (m->n > 1)
        qsort(m->v, m->n, sizeof(*m->v), mgr_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; i < m->n; i++) {
        const struct mgr *g = &m->v[i];
        if (asrv_fields_empty(g->set))
            continue;
        json_t *e =
            json_pack("{s:s,s:s,s:s,s:s,s:O}", "manager", g->manager, "operation", g->operation,
                      "apiVersion", g->api_version, "fieldsType", "FieldsV1", "fieldsV1", g->set);
        if (*g->time)
            json_object_set_new(e, "time", json_string(g->time));
        if (*g->subresource)
            json_object_set_new(e, "subresource", json_string(g->subresource));
        json_array_append_new(arr, e);
    }
    json_t *md = json_object_get(obj, "metadata");
    if (!json_is_object(md)) {
        md = json_object();
        json_object_set_new(obj, "metadata", md);
    }
    if (json_array_size(arr))
        json_object_set_new(md, "managedFields", arr);
    else
        (json_object_del(md, "managedFields"), json_decref(arr));
}

json_t *asrv_ssa_strip(const json_t *obj)
{
    json_t *c = json_copy((json_t *)obj);
    json_t *md = json_object_get(c, "metadata");
    if (json_is_object(md) && json_object_get(md, "managedFields")) {
        json_t *md2 = json_copy(md);
        json_object_del(md2, "managedFields");
        json_object_set_new(c, "metadata", md2);
    }
    return c;
}

static const json_t *mf_of(const json_t *obj)
{
    return json_object_get(json_object_get(obj, "metadata"), "managedFields");
}

static void subtract(struct mgr *g, const json_t *set)
{
    set_replace(g, asrv_fields_minus(g->set, set));
}

void asrv_ssa_update(json_t *new_obj, const json_t *live, const struct asrv_ssa_opts *o)
{
    struct mgrs m;
    const json_t *nmf = mf_of(new_obj), *lmf = live ? mf_of(live) : NULL;
    /* PARITY: managedFields changed by the request itself replace the stored ones. */
    bool reset = nmf && !(lmf && gojson_equal(nmf, lmf));
    mgrs_load(&m, reset ? nmf : lmf);
    json_t *old_c = live ? asrv_ssa_strip(live) : NULL, *new_c = asrv_ssa_strip(new_obj);
    json_t *changed = NULL, *removed = NULL;
    asrv_fields_compare(old_c, new_c, o->schema, o->builtin, &changed, &removed);
    asrv_fields_strip(changed, o->reset_status);
    asrv_fields_strip(removed, o->reset_status);
    if (!asrv_fields_empty(changed) || !asrv_fields_empty(removed)) {
        struct mgr *me = mgrs_find(&m, o->manager, "Update", o->api_version);
        for (size_t i = 0; i < m.n; i++) {
            if (&m.v[i] == me)
                continue;
            subtract(&m.v[i], changed);
            subtract(&m.v[i], removed);
        }
        if (!me)
            me = mgrs_add(&m, o->manager, "Update", o->api_version);
        json_t *u = asrv_fields_union(me->set, changed);
        set_replace(me, asrv_fields_minus(u, removed));
        json_decref(u);
        free(me->time);
        me->time = ks_strdup(o->now);
    }
    mgrs_store(&m, new_obj);
    mgrs_release(&m);
    json_decref(changed);
    json_decref(removed);
    json_decref(old_c);
    json_decref(new_c);
}

static void quote_manager(struct strbuf *sb, const struct mgr *g)
{
    json_t *s = json_string(g->manager);
    char *js = gojson_dumps(s);
    strbuf_adds(sb, js);
    free(js);
    json_decref(s);
    if (!is_apply(g))
        strbuf_addf(sb, " using %s", g->api_version);
}

/* PARITY: managedfields/internal/conflict.go NewConflictError and getConflictMessage. */
static void conflict_message(char **msg, json_t **causes, struct mgrs *m, json_t **sets,
                             size_t total)
{
    struct strbuf sb = STRBUF_INIT;
    *causes = json_array();
    size_t *order = ks_calloc(m->n + 1, sizeof(size_t)), no = 0;
    for (size_t i = 0; i < m->n; i++)
        if (sets[i])
            order[no++] = i;
    /* managers sorted by name (their identifiers sort that way) */
    for (size_t a = 0; a < no; a++)
        for (size_t b = a + 1; b < no; b++)
            if (strcmp(m->v[order[b]].manager, m->v[order[a]].manager) < 0) {
                size_t t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
    if (total == 1)
        strbuf_adds(&sb, "Apply failed with 1 conflict: ");
    else
        strbuf_addf(&sb, "Apply failed with %zu conflicts: ", total);
    for (size_t a = 0; a < no; a++) {
        const struct mgr *g = &m->v[order[a]];
        struct strbuf who = STRBUF_INIT;
        quote_manager(&who, g);
        json_t *paths = asrv_fields_paths(sets[order[a]]);
        if (total == 1) {
            strbuf_addf(&sb, "conflict with %s: %s", who.buf,
                        json_string_value(json_array_get(paths, 0)));
        } else {
            strbuf_addf(&sb, "%sconflicts with %s:", a ? "\n" : "", who.buf);
            for (size_t i = 0; i < json_array_size(paths); i++)
                strbuf_addf(&sb, "\n- %s", json_string_value(json_array_get(paths, i)));
        }
        for (size_t i = 0; i < json_array_size(paths); i++) {
            char *cm = ks_asprintf("conflict with %s", who.buf);
            json_array_append_new(*causes, json_pack("{s:s,s:s,s:s}", "reason",
                                                     "FieldManagerConflict", "message", cm, "field",
                                                     json_string_value(json_array_get(paths, i))));
            free(cm);
        }
        json_decref(paths);
        strbuf_release(&who);
    }
    free(order);
    *msg = strbuf_detach(&sb, NULL);
}

int asrv_ssa_apply(json_t **out, char **msg, json_t **causes, const json_t *live,
                   const json_t *config, const struct asrv_ssa_opts *o, struct ks_err *e)
{
    struct mgrs m;
    int rc = 0;
    *out = NULL;
    *msg = NULL;
    *causes = NULL;
    mgrs_load(&m, live ? mf_of(live) : NULL);
    json_t *live_c = live ? asrv_ssa_strip(live) : json_object();
    json_t *cfg = asrv_ssa_strip(config);
    if (o->reset_status)
        json_object_del(cfg, "status");
    json_t *cfg_set = asrv_fields_of(cfg, o->schema);
    asrv_fields_strip(cfg_set, o->reset_status);
    struct mgr *me = mgrs_find(&m, o->manager, "Apply", NULL);
    json_t *merged = asrv_fields_merge(live_c, cfg, o->schema);

    /* prune what this applier owned before, dropped now, and nobody else owns */
    if (me) {
        json_t *removable = asrv_fields_minus(me->set, cfg_set);
        json_t *owned = json_incref(cfg_set);
        for (size_t i = 0; i < m.n; i++) {
            if (&m.v[i] == me)
                continue;
            json_t *u = asrv_fields_union(owned, m.v[i].set);
            json_decref(owned);
            owned = u;
        }
        asrv_fields_remove(merged, removable, owned, o->schema);
        json_decref(removable);
        json_decref(owned);
    }

    json_t *changed = NULL, *removed = NULL;
    asrv_fields_compare(live ? live_c : NULL, merged, o->schema, o->builtin, &changed, &removed);
    asrv_fields_strip(changed, o->reset_status);
    asrv_fields_strip(removed, o->reset_status);
    json_t **conf = ks_calloc(m.n + 1, sizeof(json_t *));
    size_t total = 0;
    for (size_t i = 0; i < m.n; i++) {
        if (&m.v[i] == me)
            continue;
        json_t *c = asrv_fields_intersect(m.v[i].set, changed);
        if (asrv_fields_empty(c)) {
            json_decref(c);
            continue;
        }
        json_t *paths = asrv_fields_paths(c);
        total += json_array_size(paths);
        json_decref(paths);
        conf[i] = c;
    }
    if (total && !o->force) {
        conflict_message(msg, causes, &m, conf, total);
        rc = ks_fail(e, KS_ECONFLICT, "apply conflict");
        goto done;
    }
    for (size_t i = 0; i < m.n; i++) {
        if (&m.v[i] == me)
            continue;
        if (conf[i])
            subtract(&m.v[i], conf[i]);
        subtract(&m.v[i], removed);
    }
    if (!me)
        me = mgrs_add(&m, o->manager, "Apply", o->api_version);
    bool same_set = gojson_equal(me->set, cfg_set);
    set_replace(me, json_incref(cfg_set));
    free(me->api_version);
    me->api_version = ks_strdup(o->api_version);
    if (!same_set || !asrv_fields_empty(changed) || !asrv_fields_empty(removed) || !*me->time) {
        free(me->time);
        me->time = ks_strdup(o->now);
    }
    mgrs_store(&m, merged);
    *out = merged;
    merged = NULL;
done:
    for (size_t i = 0; i < m.n; i++)
        json_decref(conf[i]);
    free(conf);
    json_decref(merged);
    json_decref(changed);
    json_decref(removed);
    json_decref(cfg_set);
    json_decref(cfg);
    json_decref(live_c);
    mgrs_release(&m);
    return rc;
}
