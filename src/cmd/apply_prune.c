/*
 * apply_prune.c: `kubectl apply --prune` without an ApplySet (and the walk
 * `kubectl diff --prune` shares), and the label selector that filters the
 * objects read from files (-l).
 * PARITY: kubectl pkg/cmd/apply/prune.go (pruneAll, prune, runDelete),
 * pkg/cmd/diff/prune.go,
 * pkg/util/prune (the default allowlist, ParseResources), and
 * apimachinery's labels.Parse for the selector forms.
 */
#include "cmd/apply.h"

#include "base/gojson.h"
#include "http/klog.h"
#include "http/kstatus.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct prune_res {
    const char *group, *version, *kind;
    bool namespaced;
};

static const struct prune_res default_namespaced[] = {
    {"", "v1", "ConfigMap", true},
    {"", "v1", "Endpoints", true},
    {"", "v1", "PersistentVolumeClaim", true},
    {"", "v1", "Pod", true},
    {"", "v1", "ReplicationController", true},
    {"", "v1", "Secret", true},
    {"", "v1", "Service", true},
    {"batch", "v1", "Job", true},
    {"batch", "v1", "CronJob", true},
    {"networking.k8s.io", "v1", "Ingress", true},
    {"apps", "v1", "DaemonSet", true},
    {"apps", "v1", "Deployment", true},
    {"apps", "v1", "ReplicaSet", true},
    {"apps", "v1", "StatefulSet", true},
};

static const struct prune_res default_cluster[] = {
    {"", "v1", "Namespace", false},
    {"", "v1", "PersistentVolume", false},
};

/* ---- label selectors --------------------------------------------------- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Does value appear in "(a, b, c)"? */
static bool in_set(const char *set, const char *value)
{
    char *copy = ks_strdup(set);
    bool found = false;
    char *p = copy;
    if (*p == '(')
        p++;
    char *close = strrchr(p, ')');
    if (close)
        *close = '\0';
    for (char *save = NULL, *tok = strtok_r(p, ",", &save); tok && !found;
         tok = strtok_r(NULL, ",", &save))
        found = strcmp(trim(tok), value) == 0;
    free(copy);
    return found;
}

/* Split a selector on the commas outside parentheses; calls fn on each requirement. */
static int for_each_requirement(const char *sel, int (*fn)(char *req, void *arg), void *arg)
{
    char *copy = ks_strdup(sel);
    int depth = 0, rc = 0;
    char *start = copy;
    for (char *p = copy;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if ((*p == ',' && depth == 0) || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            char *req = trim(start);
            if (*req && (rc = fn(req, arg)) != 0)
                break;
            if (end)
                break;
            start = p + 1;
        }
    }
    free(copy);
    return rc;
}

struct match_ctx {
    const json_t *labels;
    bool ok;
};

/* PARITY: labels.Parse: k=v, k==v, k!=v, k, !k, k in (..), k notin (..). */
static int match_one(char *req, void *arg)
{
    struct match_ctx *m = arg;
    char *op;
    if (req[0] == '!') {
        m->ok = m->ok && !json_object_get(m->labels, trim(req + 1));
        return 0;
    }
    if ((op = strstr(req, " notin ")) || (op = strstr(req, " in "))) {
        bool notin = strncmp(op, " notin ", 7) == 0;
        *op = '\0';
        const char *v = json_string_value(json_object_get(m->labels, trim(req)));
        bool in = v && in_set(trim(op + (notin ? 7 : 4)), v);
        m->ok = m->ok && (notin ? !in : in);
        return 0;
    }
    if ((op = strstr(req, "!="))) {
        *op = '\0';
        const char *v = json_string_value(json_object_get(m->labels, trim(req)));
        m->ok = m->ok && (!v || strcmp(v, trim(op + 2)) != 0);
        return 0;
    }
    if ((op = strchr(req, '='))) {
        char *val = op + 1 + (op[1] == '=');
        *op = '\0';
        const char *v = json_string_value(json_object_get(m->labels, trim(req)));
        m->ok = m->ok && v && strcmp(v, trim(val)) == 0;
        return 0;
    }
    m->ok = m->ok && json_object_get(m->labels, req) != NULL;
    return 0;
}

bool apply_selector_matches(const char *selector, const json_t *obj)
{
    if (!selector || !*selector)
        return true;
    struct match_ctx m = {json_object_get(json_object_get(obj, "metadata"), "labels"), true};
    for_each_requirement(selector, match_one, &m);
    return m.ok;
}

/* ---- pruning ------------------------------------------------------------ */

static void set_add(struct cliopt_list *set, const char *s)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i], s) == 0)
            return;
    cliopt_list_add(set, s);
}

static char *delete_body(const struct apply_opts *o)
{
    /* PARITY: metav1.DeleteOptions encoded by the typed client, in field order. */
    const char *policy = "Background";
    if (o->cascade && strcmp(o->cascade, "foreground") == 0)
        policy = "Foreground";
    else if (o->cascade && strcmp(o->cascade, "orphan") == 0)
        policy = "Orphan";
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"");
    if (o->grace_period >= 0)
        strbuf_addf(&sb, ",\"gracePeriodSeconds\":%ld", o->grace_period);
    strbuf_addf(&sb, ",\"propagationPolicy\":\"%s\"", policy);
    if (o->dry == APPLY_DRY_SERVER)
        strbuf_adds(&sb, ",\"dryRun\":[\"All\"]");
    strbuf_adds(&sb, "}\n");
    return strbuf_detach(&sb, NULL);
}

/* What apply does with a candidate: DELETE it (unless a client dry run) and print a line. */
struct prune_delete {
    char *body;          /* the DeleteOptions */
    struct strbuf lines; /* "<ref> pruned" lines */
};

static int prune_delete(struct apply_session *s, const struct kdisc_mapping *m, const char *ns,
                        json_t *item, void *ctx, char **err)
{
    struct prune_delete *d = ctx;
    const char *name =
        json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
    int rc = 0;
    if (s->o->dry != APPLY_DRY_CLIENT) {
        char *dpath = krest_path(m, ns, name, NULL);
        struct kclient_req r = {.method = "DELETE",
                                .path = dpath,
                                .content_type = "application/json",
                                .body = d->body,
                                .body_len = strlen(d->body)};
        struct kclient_resp resp;
        struct ks_err e = KS_ERR_INIT;
        rc = kclient_do(s->client, &r, &resp, &e);
        free(dpath);
        if (rc == 0 && resp.status >= 300 && resp.status != 404) {
            struct kstatus st;
            kstatus_from_resp(&st, &resp);
            *err = ks_strdup(st.message);
            kstatus_release(&st);
            rc = KS_EHTTP;
        } else if (rc) {
            *err = ks_strdup(e.msg);
        }
        kclient_resp_release(&resp);
        if (rc)
            return rc;
    }
    char *lower = ks_strdup(m->kind);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (s->o->output && strcmp(s->o->output, "name") == 0)
        strbuf_addf(&d->lines, "%s%s%s/%s\n", lower, *m->group ? "." : "", m->group, name);
    else
        strbuf_addf(&d->lines, "%s%s%s/%s pruned%s\n", lower, *m->group ? "." : "", m->group, name,
                    s->o->dry == APPLY_DRY_CLIENT   ? " (dry run)"
                    : s->o->dry == APPLY_DRY_SERVER ? " (server dry run)"
                                                    : "");
    free(lower);
    return 0;
}

/*
 * List one resource in one namespace (NULL: cluster-scoped) by the selector
 * and hand fn each item that carries the annotation and was not applied.
 * Returns 0, or an error with *err set.
 */
static int prune_one(struct apply_session *s, const struct kdisc_mapping *m, const char *ns,
                     const struct cliopt_list *uids, apply_prune_fn fn, void *ctx, char **err)
{
    struct krest_query q = KREST_QUERY_INIT;
    q.label_selector = s->o->selector && *s->o->selector ? s->o->selector : NULL;
    char *path = krest_path(m, ns, NULL, &q);
    struct kclient_req r = {.method = "GET", .path = path};
    struct kclient_resp resp;
    struct ks_err e = KS_ERR_INIT;
    int rc = kclient_do(s->client, &r, &resp, &e);
    free(path);
    if (rc == 0 && resp.status != 200) {
        struct kstatus st;
        kstatus_from_resp(&st, &resp);
        *err = ks_strdup(st.message);
        kstatus_release(&st);
        rc = KS_EHTTP;
    } else if (rc) {
        *err = ks_strdup(e.msg);
    }
    json_t *list = NULL;
    if (rc == 0)
        gojson_loads(&list, resp.body.buf ? resp.body.buf : "", resp.body.len, NULL);
    kclient_resp_release(&resp);
    if (rc)
        return rc;
    /* PARITY: the unstructured list decoder gives each item the list's apiVersion and kind */
    const char *list_av = json_string_value(json_object_get(list, "apiVersion"));
    const char *list_kind = json_string_value(json_object_get(list, "kind"));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item)
    {
        json_t *md = json_object_get(item, "metadata");
        if (!json_object_get(json_object_get(md, "annotations"),
                             "kubectl.kubernetes.io/last-applied-configuration"))
            continue;
        const char *uid = json_string_value(json_object_get(md, "uid"));
        const char *name = json_string_value(json_object_get(md, "name"));
        bool visited = false;
        for (size_t k = 0; uid && k < uids->n && !visited; k++)
            visited = strcmp(uids->v[k], uid) == 0;
        if (visited || !name)
            continue;
        if (!json_object_get(item, "apiVersion") && list_av)
            json_object_set_new(item, "apiVersion", json_string(list_av));
        size_t kl = list_kind ? strlen(list_kind) : 0;
        if (!json_object_get(item, "kind") && kl > 4 && strcmp(list_kind + kl - 4, "List") == 0)
            json_object_set_new(item, "kind", json_stringn(list_kind, kl - 4));
        if ((rc = fn(s, m, ns, item, ctx, err)) != 0)
            break;
    }
    json_decref(list);
    return rc;
}

/* The allowlist: --prune-allowlist group/version/kind entries, else kubectl's default. */
static int allowlist(struct apply_session *s, struct prune_res **out, size_t *n, char **err)
{
    const struct cliopt_list *al = &s->o->prune_allowlist;
    if (al->n == 0) {
        /* PARITY: prune.GetRESTMappings warns whenever a namespace is in effect (always). */
        struct strbuf w = STRBUF_INIT;
        klog_header(&w, 'W', "prune.go:71");
        strbuf_adds(&w, "Deprecated: kubectl apply will no longer prune non-namespaced resources "
                        "by default when used with the --namespace flag in a future release. To "
                        "preserve the current behaviour, list the resources you want to target "
                        "explicitly in the --prune-allowlist flag.\n");
        klog_flush(&w, s->err);
        strbuf_release(&w);
        *n = KS_ARRAY_SIZE(default_namespaced) + KS_ARRAY_SIZE(default_cluster);
        *out = ks_malloc(*n * sizeof(**out));
        memcpy(*out, default_namespaced, sizeof(default_namespaced));
        memcpy(*out + KS_ARRAY_SIZE(default_namespaced), default_cluster, sizeof(default_cluster));
        return 0;
    }
    *out = ks_calloc(al->n, sizeof(**out));
    *n = 0;
    for (size_t i = 0; i < al->n; i++) {
        char *copy = ks_strdup(al->v[i]);
        char *parts[3] = {0};
        int np = 0;
        for (char *save = NULL, *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
            if (np++ < 3)
                parts[np - 1] = t;
        if (np != 3) {
            *err = ks_asprintf("invalid GroupVersionKind format: %s, please follow "
                               "<group/version/kind>",
                               al->v[i]);
            free(copy);
            return KS_EUSAGE;
        }
        const char *group = strcmp(parts[0], "core") == 0 ? "" : parts[0];
        /* the strings live in s's discovery once mapped; keep copies meanwhile */
        (*out)[*n].group = ks_strdup(group);
        (*out)[*n].version = ks_strdup(parts[1]);
        (*out)[*n].kind = ks_strdup(parts[2]);
        (*out)[*n].namespaced = true;
        (*n)++;
        free(copy);
    }
    return 0;
}

int apply_prune_allowlist_check(struct apply_session *s, char **err)
{
    const struct cliopt_list *al = &s->o->prune_allowlist;
    struct prune_res *res = NULL;
    size_t nres = 0;
    int rc = 0;
    if (!s->o->prune || al->n == 0)
        return 0;
    rc = allowlist(s, &res, &nres, err);
    for (size_t i = 0; i < nres; i++) {
        if (rc == 0) {
            char *av = *res[i].group ? ks_asprintf("%s/%s", res[i].group, res[i].version)
                                     : ks_strdup(res[i].version);
            struct kdisc_mapping m;
            struct ks_err e = KS_ERR_INIT;
            if ((rc = kdisc_map(s->disc, &m, av, res[i].kind, &e)) != 0)
                *err = ks_strdup(e.msg);
            free(av);
        }
        free((char *)res[i].group);
        free((char *)res[i].version);
        free((char *)res[i].kind);
    }
    free(res);
    return rc;
}

int apply_prune_each(struct apply_session *s, bool flag_ns, apply_prune_fn fn, void *ctx,
                     char **err)
{
    struct prune_res *res = NULL;
    size_t nres = 0;
    int rc = allowlist(s, &res, &nres, err);
    bool owned = s->o->prune_allowlist.n > 0;
    struct cliopt_list nss = {0}, uids = {0};
    struct kdisc_mapping *maps = NULL;
    if (rc)
        goto done;
    if (flag_ns && s->conn.namespace_from_flag)
        set_add(&nss, s->conn.namespace_);
    for (size_t i = 0; i < s->n; i++) {
        if (s->objs[i].ns && s->objs[i].mapped)
            set_add(&nss, s->objs[i].ns);
        if (s->objs[i].uid)
            set_add(&uids, s->objs[i].uid);
    }
    maps = ks_calloc(nres ? nres : 1, sizeof(*maps));
    for (size_t i = 0; i < nres; i++) {
        char *av = *res[i].group ? ks_asprintf("%s/%s", res[i].group, res[i].version)
                                 : ks_strdup(res[i].version);
        struct ks_err e = KS_ERR_INIT;
        rc = kdisc_map(s->disc, &maps[i], av, res[i].kind, &e);
        free(av);
        if (rc) {
            *err = ks_asprintf("error retrieving RESTMappings to prune: invalid resource "
                               "%s/%s, Kind=%s, Namespaced=%s: %s",
                               res[i].group, res[i].version, res[i].kind,
                               res[i].namespaced ? "true" : "false", e.msg);
            goto done;
        }
        if (owned)
            res[i].namespaced = maps[i].namespaced;
    }
    for (size_t k = 0; k < nss.n && rc == 0; k++)
        for (size_t i = 0; i < nres && rc == 0; i++)
            if (res[i].namespaced &&
                (rc = prune_one(s, &maps[i], nss.v[k], &uids, fn, ctx, err)) != 0) {
                char *inner = *err;
                *err = ks_asprintf("error pruning namespaced object %s/%s, Kind=%s: %s",
                                   maps[i].group, maps[i].version, maps[i].kind, inner);
                free(inner);
            }
    for (size_t i = 0; i < nres && rc == 0; i++)
        if (!res[i].namespaced && (rc = prune_one(s, &maps[i], NULL, &uids, fn, ctx, err)) != 0) {
            char *inner = *err;
            *err = ks_asprintf("error pruning nonNamespaced object %s/%s, Kind=%s: %s",
                               maps[i].group, maps[i].version, maps[i].kind, inner);
            free(inner);
        }
done:
    if (owned) {
        for (size_t i = 0; i < nres; i++) {
            free((char *)res[i].group);
            free((char *)res[i].version);
            free((char *)res[i].kind);
        }
    }
    free(res);
    free(maps);
    cliopt_list_free(&nss);
    cliopt_list_free(&uids);
    return rc;
}

int apply_prune(struct apply_session *s, FILE *out, char **err)
{
    struct prune_delete d = {delete_body(s->o), STRBUF_INIT};
    int rc = apply_prune_each(s, true, prune_delete, &d, err);
    fwrite(d.lines.buf ? d.lines.buf : "", 1, d.lines.len, out);
    strbuf_release(&d.lines);
    free(d.body);
    return rc;
}

void apply_manifest_select(struct manifest *m, const char *selector)
{
    size_t kept = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (apply_selector_matches(selector, m->objs[i].obj)) {
            m->objs[kept++] = m->objs[i];
        } else {
            json_decref(m->objs[i].obj);
            free(m->objs[i].source);
            free(m->objs[i].list_api_version);
            free(m->objs[i].list_kind);
        }
    }
    m->n = kept;
}
