/*
 * convert.c: the conversion engine: find a path of rules through the table
 * (breadth-first, so the shortest, ties broken by table order), then run the
 * rules over a private deep copy of the object.
 */
#include "convert/convert.h"

#include "base/strbuf.h"
#include "convert/convert_rules.h"

#include <string.h>

/* A node of the search: (group-version, kind); kind never changes. */
struct convert_node {
    const char *gv;
    int prev;  /* index of the previous node, -1 for the start */
    int rule;  /* rule index that led here */
    int depth; /* rules from the start */
};

#define CONVERT_MAX_NODES 64

static int node_find(const struct convert_node *nodes, int n, const char *gv)
{
    for (int i = 0; i < n; i++)
        if (strcmp(nodes[i].gv, gv) == 0)
            return i;
    return -1;
}

static void path_build(struct convert_path *out, const struct convert_node *nodes, int at)
{
    const struct convert_rule *rules = convert_rules_table(NULL);
    size_t n = 0;
    for (int i = at; nodes[i].prev >= 0; i = nodes[i].prev)
        n++;
    out->n = n;
    for (int i = at; nodes[i].prev >= 0; i = nodes[i].prev)
        out->steps[--n] = &rules[nodes[i].rule];
}

/*
 * Breadth-first from api_version; stop at the first node (other than the
 * start) that matches target_gv, or that served() accepts. up_only: ignore
 * down rules. Returns the node index reached, or -1; *out gets the path.
 */
static int search(struct convert_path *out, const char *api_version, const char *kind,
                  const char *target_gv, convert_served_fn served, void *ctx, bool up_only)
{
    size_t nrules;
    const struct convert_rule *rules = convert_rules_table(&nrules);
    struct convert_node nodes[CONVERT_MAX_NODES];
    int n = 1, last = -1;
    nodes[0] = (struct convert_node){api_version, -1, -1, 0};
    out->n = 0;
    for (int head = 0; head < n; head++) {
        for (size_t r = 0; r < nrules; r++) {
            const struct convert_rule *rule = &rules[r];
            if ((up_only && rule->down) || strcmp(rule->kind, kind) != 0 ||
                strcmp(rule->from, nodes[head].gv) != 0 || node_find(nodes, n, rule->to) >= 0)
                continue;
            if (n == CONVERT_MAX_NODES)
                break;
            if (nodes[head].depth + 1 > CONVERT_MAX_STEPS)
                continue;
            nodes[n] = (struct convert_node){rule->to, head, (int)r, nodes[head].depth + 1};
            n++;
            int at = n - 1;
            if ((target_gv && strcmp(rule->to, target_gv) == 0) ||
                (served && served(rule->to, kind, ctx))) {
                path_build(out, nodes, at);
                return at;
            }
            last = at;
        }
    }
    /* up_only: the newest is the last node the up rules reached */
    if (up_only && !target_gv && !served && last >= 0) {
        path_build(out, nodes, last);
        return last;
    }
    return -1;
}

int convert_check_removed(const char *api_version, const char *kind, const char *name,
                          struct ks_err *e)
{
    size_t n;
    const struct convert_removed *rm = convert_rules_removed(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rm[i].kind, kind) != 0 || (rm[i].from && strcmp(rm[i].from, api_version) != 0))
            continue;
        if (name)
            return ks_fail(e, KS_EINVALID, "%s %s \"%s\" has no successor: %s", api_version, kind,
                           name, rm[i].why);
        return ks_fail(e, KS_EINVALID, "%s %s has no successor: %s", api_version, kind, rm[i].why);
    }
    return 0;
}

int convert_path_find(struct convert_path *out, const char *api_version, const char *kind,
                      const char *target_gv, struct ks_err *e)
{
    out->n = 0;
    if (strcmp(api_version, target_gv) == 0)
        return 0;
    int rc = convert_check_removed(api_version, kind, NULL, e);
    if (rc)
        return rc;
    if (search(out, api_version, kind, target_gv, NULL, NULL, false) < 0)
        return ks_fail(e, KS_ENOTFOUND, "no conversion of %s %s to %s", api_version, kind,
                       target_gv);
    return 0;
}

int convert_path_to_served(struct convert_path *out, const char *api_version, const char *kind,
                           convert_served_fn served, void *ctx, struct ks_err *e)
{
    out->n = 0;
    int rc = convert_check_removed(api_version, kind, NULL, e);
    if (rc)
        return rc;
    if (search(out, api_version, kind, NULL, served, ctx, false) < 0)
        return ks_fail(e, KS_ENOTFOUND, "no conversion of %s %s to a served version", api_version,
                       kind);
    return 0;
}

void convert_path_latest(struct convert_path *out, const char *api_version, const char *kind)
{
    search(out, api_version, kind, NULL, NULL, NULL, true);
}

/* `<apiVersion> <Kind> "<name>"` of obj, for messages. */
static void describe(struct strbuf *sb, const json_t *obj, const char *gv, const char *kind)
{
    const json_t *meta = json_object_get(obj, "metadata");
    const char *name = json_string_value(json_object_get(meta, "name"));
    strbuf_addf(sb, "%s %s", gv, kind);
    if (name)
        strbuf_addf(sb, " \"%s\"", name);
}

int convert_path_apply(json_t **out, const json_t *obj, const struct convert_path *p,
                       struct ks_err *e)
{
    *out = NULL;
    if (!json_is_object(obj))
        return ks_fail(e, KS_EINPUT, "object to convert is not a JSON object");
    json_t *copy = json_deep_copy(obj);
    for (size_t i = 0; i < p->n; i++) {
        const struct convert_rule *r = p->steps[i];
        int rc = r->apply ? r->apply(copy, e) : 0;
        if (rc) {
            struct strbuf sb = STRBUF_INIT;
            describe(&sb, obj, r->from, r->kind);
            ks_context(e, "converting %s to %s", strbuf_str(&sb), r->to);
            strbuf_release(&sb);
            json_decref(copy);
            return rc;
        }
        json_object_set_new(copy, "apiVersion", json_string(r->to));
    }
    *out = copy;
    return 0;
}

int convert_object(json_t **out, const json_t *obj, const char *target_gv, struct ks_err *e)
{
    *out = NULL;
    const char *gv = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!json_is_object(obj) || !gv || !*gv || !kind || !*kind)
        return ks_fail(e, KS_EINPUT, "object has no apiVersion and kind");
    struct convert_path p;
    int rc = convert_path_find(&p, gv, kind, target_gv, e);
    if (rc == KS_EINVALID) {
        /* name the object in the no-successor error */
        const char *name =
            json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
        return convert_check_removed(gv, kind, name, e);
    }
    if (rc == KS_ENOTFOUND) {
        struct strbuf sb = STRBUF_INIT;
        describe(&sb, obj, gv, kind);
        ks_fail(e, KS_ENOTFOUND, "cannot convert %s to %s: no conversion rule", strbuf_str(&sb),
                target_gv);
        strbuf_release(&sb);
        return KS_ENOTFOUND;
    }
    if (rc)
        return rc;
    return convert_path_apply(out, obj, &p, e);
}

int convert_to_served(json_t **out, char **warning, const json_t *obj, convert_served_fn served,
                      void *ctx, struct ks_err *e)
{
    *out = NULL;
    *warning = NULL;
    const char *gv = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!json_is_object(obj) || !gv || !*gv || !kind || !*kind)
        return ks_fail(e, KS_EINPUT, "object has no apiVersion and kind");
    if (served(gv, kind, ctx))
        return 0;
    const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    int rc = convert_check_removed(gv, kind, name, e);
    if (rc)
        return rc;
    struct convert_path p;
    if ((rc = convert_path_to_served(&p, gv, kind, served, ctx, e)))
        return rc;
    if ((rc = convert_path_apply(out, obj, &p, e)))
        return rc;
    *warning = convert_warning(obj, &p);
    return 0;
}

char *convert_warning(const json_t *obj, const struct convert_path *p)
{
    struct strbuf sb = STRBUF_INIT;
    const char *gv = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    describe(&sb, obj, gv ? gv : "", kind ? kind : "");
    strbuf_addf(&sb, " converted to %s; update the manifest", p->n ? p->steps[p->n - 1]->to : gv);
    return strbuf_detach(&sb, NULL);
}

char *convert_no_match_error(const char *name, const char *ns, const char *source, const char *kind,
                             const char *api_version)
{
    /* PARITY: kubectl 1.33 apply of an unserved version (recorded with the oracle's fake
     * server): cli-runtime's mapping error plus the CRD hint */
    return ks_asprintf("resource mapping not found for name: \"%s\" namespace: \"%s\" from "
                       "\"%s\": no matches for kind \"%s\" in version \"%s\"\n"
                       "ensure CRDs are installed first",
                       name ? name : "", ns ? ns : "", source ? source : "", kind, api_version);
}
