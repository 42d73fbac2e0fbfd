/*
 * apply_csa.c: client-side apply of one object, as a chain of requests:
 * GET; then POST (absent), PATCH (changed) or nothing (unchanged); a 409 is
 * retried with a fresh GET and a new plan; with --force, a 409 or 422 after
 * the retries deletes and re-creates the object.
 * PARITY: kubectl pkg/cmd/apply/apply.go applyOneObject and patcher.go
 * (maxPatchRetry 5, backOffPeriod 1s, the first retry immediate,
 * deleteAndCreate), smp-semantics.md §7.3-7.7.
 */
#include "cmd/apply.h"

#include "base/gojson.h"
#include "merge/plan.h"
#include "patch/patch_jmp.h"
#include "patch/patch_smp.h"
#include "patch/pmeta_builtin.h"

#include <stdlib.h>
#include <string.h>

#define CSA_MAX_PATCHES 6 /* the first PATCH and 5 retries */

static void cb_get(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_patch(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_post(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_nsget(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_delete(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_gone(struct kclient *c, const struct kclient_resp *resp, void *arg);

static const char *dry_suffix(const struct apply_opts *o)
{
    if (o->dry == APPLY_DRY_CLIENT)
        return " (dry run)";
    if (o->dry == APPLY_DRY_SERVER)
        return " (server dry run)";
    return "";
}

/* Set the output line for a finished object ("configmap/x created (dry run)"). */
static void set_op(struct aobj *a, const char *op)
{
    char *ref = apply_obj_ref(a);
    const struct apply_opts *o = a->s->o;
    free(a->op);
    if (o->output && strcmp(o->output, "name") == 0)
        a->op = ks_strdup(ref);
    else if (o->output && *o->output)
        a->op = NULL; /* -o json|yaml: the objects are printed at the end */
    else
        a->op = ks_asprintf("%s %s%s", ref, op, dry_suffix(o));
    free(ref);
}

static void write_query(struct krest_query *q, const struct apply_opts *o)
{
    q->field_manager = o->field_manager ? o->field_manager : "kubectl-client-side-apply";
    q->field_validation = o->field_validation;
    if (o->dry == APPLY_DRY_SERVER)
        q->dry_run = "All";
}

static void send_get(struct aobj *a, long delay_ms)
{
    char *path = apply_obj_path(a, false, NULL);
    apply_obj_submit(a, "GET", path, NULL, NULL, delay_ms, cb_get);
    free(path);
}

void apply_csa_start(struct aobj *a)
{
    send_get(a, 0);
}

static void send_post(struct aobj *a, const json_t *obj)
{
    struct krest_query q = KREST_QUERY_INIT;
    write_query(&q, a->s->o);
    char *path = apply_obj_path(a, true, &q);
    char *body = apply_body_dump(obj); /* client-go ends request bodies with "\n" */
    apply_obj_submit(a, "POST", path, "application/json", body, 0, cb_post);
    free(body);
    free(path);
}

/*
 * Plan with the kind's metadata; when the server's OpenAPI v3 fails, warn and
 * plan again with the embedded tables, as kubectl falls back to its compiled-in
 * types. Returns 0 or records the object's error.
 */
static int make_plan(struct aobj *a, struct plan *p)
{
    const struct apply_meta *m = a->meta;
    struct plan_in in = {.manifest = a->obj,
                         .live = a->live,
                         .schema = m->schema,
                         .smp = m->smp,
                         .overwrite = a->s->o->overwrite};
    struct ks_err e = KS_ERR_INIT;
    int rc = plan_object(p, &in, &e);
    if (rc && m->fallback) {
        char *w = ks_asprintf("warning: error calculating patch from openapi v3 spec: %s", e.msg);
        cliopt_list_add(&a->warnings, w);
        free(w);
        plan_release(p);
        ks_err_clear(&e);
        in.schema = m->fallback;
        rc = plan_object(p, &in, &e);
    }
    if (rc) {
        const char *why = p->conflict ? p->conflict : e.msg;
        if (a->live) {
            /* PARITY: patchSimple's "creating patch with" error, wrapped by
             * Patch ("patching") and applyOneObject ("applying patch", with no patch). */
            char *info = apply_obj_info(a);
            char *cur = gojson_dumps(a->live);
            apply_obj_error(a,
                            "error: error when applying patch:\n\nto:\n%s\nfor: \"%s\": error when "
                            "patching \"%s\": creating patch with:\noriginal:\n%s\nmodified:\n%s\n"
                            "current:\n%s\n\nfor:: %s",
                            info, a->src->source, a->src->source, p->original ? p->original : "",
                            p->modified ? p->modified : "", cur ? cur : "", why);
            free(cur);
            free(info);
        } else {
            apply_obj_error(a, "error: %s", why);
        }
    }
    return rc;
}

static void do_create(struct aobj *a)
{
    struct plan p;
    if (make_plan(a, &p) != 0) {
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    if (a->s->o->dry == APPLY_DRY_CLIENT) {
        json_decref(a->result);
        a->result = json_incref(p.create);
        set_op(a, "created");
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    send_post(a, p.create);
    plan_release(&p);
}

static void cb_nsget(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    (void)resp;
    do_create(arg);
}

static void cb_post(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    apply_obj_warnings(a, resp);
    if (resp->status >= 200 && resp->status < 300) {
        apply_obj_set_result(a, resp);
        set_op(a, a->patches ? "configured" : "created");
    } else {
        apply_obj_status_error(a, resp, "creating", NULL);
    }
    apply_obj_done(a);
}

static const char *missing_annotation_warning =
    "Warning: resource %s/%s is missing the kubectl.kubernetes.io/last-applied-configuration "
    "annotation which is required by kubectl apply. kubectl apply should only be used on "
    "resources created declaratively by either kubectl create --save-config or kubectl apply. "
    "The missing annotation will be patched automatically.";

/* Apply the patch locally, as kubectl --dry-run=client does. */
static json_t *patch_locally(struct aobj *a, const struct plan *p)
{
    json_t *out = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (a->meta->smp) {
        const struct pmeta_type *t = pmeta_builtin_kind(a->map.group, a->map.version, a->map.kind);
        patch_smp_apply(&out, a->live, p->patch, t ? t : a->meta->schema, &e);
    } else {
        patch_jmp_apply(&out, a->live, p->patch, &e);
    }
    return out ? out : json_incref(a->live);
}

static void cb_get(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    if (resp->status == 404 && a->patches == 0) {
        /* PARITY: cli-runtime Info.Get looks the namespace up after a 404 in any
         * namespace but "default" (the answer only matters for its error). */
        if (a->ns && strcmp(a->ns, "default") != 0) {
            char *path = ks_asprintf("/api/v1/namespaces/%s", a->ns);
            apply_obj_submit(a, "GET", path, NULL, NULL, 0, cb_nsget);
            free(path);
            return;
        }
        do_create(a);
        return;
    }
    if (resp->status != 200) {
        char *info = apply_obj_info(a);
        char *verb =
            ks_asprintf("retrieving current configuration of:\n%s\nfrom server for:", info);
        apply_obj_status_error(a, resp, verb, NULL);
        free(verb);
        free(info);
        apply_obj_done(a);
        return;
    }
    json_decref(a->live);
    a->live = apply_body_json(resp);
    if (!json_is_object(a->live)) {
        apply_obj_error(a,
                        "error: error when retrieving current configuration of \"%s\": the "
                        "server returned an unreadable object",
                        a->src->source);
        apply_obj_done(a);
        return;
    }
    struct plan p;
    if (make_plan(a, &p) != 0) {
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    if (p.missing_annotation && a->patches == 0) {
        char *w = ks_asprintf(missing_annotation_warning, a->map.resource, a->name);
        cliopt_list_add(&a->warnings, w);
        free(w);
    }
    if (p.op == PLAN_UNCHANGED) {
        json_decref(a->result);
        a->result = json_incref(a->live);
        set_op(a, "unchanged");
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    if (a->s->o->dry == APPLY_DRY_CLIENT) {
        json_decref(a->result);
        a->result = patch_locally(a, &p);
        set_op(a, "configured");
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    free(a->patch_body);
    a->patch_body = gojson_dumps(p.patch);
    struct krest_query q = KREST_QUERY_INIT;
    write_query(&q, a->s->o);
    char *path = apply_obj_path(a, false, &q);
    a->patches++;
    apply_obj_submit(a, "PATCH", path, p.content_type, a->patch_body, 0, cb_patch);
    free(path);
    plan_release(&p);
}

/* PARITY: patcher.deleteAndCreate: DELETE, wait until gone, POST the modified object. */
static void force_replace(struct aobj *a)
{
    char *path = apply_obj_path(a, false, NULL);
    char *body = krest_delete_body(a->s->o->cascade ? a->s->o->cascade : "Background");
    char *nl = ks_asprintf("%s\n", body);
    apply_obj_submit(a, "DELETE", path, "application/json", nl, 0, cb_delete);
    free(nl);
    free(body);
    free(path);
}

static void cb_delete(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    if (resp->status >= 300 && resp->status != 404) {
        apply_obj_status_error(a, resp, "deleting", NULL);
        apply_obj_done(a);
        return;
    }
    char *path = apply_obj_path(a, false, NULL);
    apply_obj_submit(a, "GET", path, NULL, NULL, 0, cb_gone);
    free(path);
}

static void cb_gone(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    if (resp->status != 404) {
        /* NEEDSWORK: --timeout; kubectl 1.33's default (0) gives up at once. */
        apply_obj_error(a, "error: timed out waiting for the condition");
        apply_obj_done(a);
        return;
    }
    struct plan p;
    json_t *live = a->live;
    a->live = NULL;
    int rc = make_plan(a, &p);
    a->live = live;
    if (rc) {
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    send_post(a, p.create);
    plan_release(&p);
}

static void cb_patch(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    const struct apply_opts *o = a->s->o;
    apply_obj_warnings(a, resp);
    if (resp->status >= 200 && resp->status < 300) {
        apply_obj_set_result(a, resp);
        set_op(a, "configured");
        apply_obj_done(a);
        return;
    }
    if (resp->status == 409 && a->patches < CSA_MAX_PATCHES) {
        /* PARITY: the first retry at once, the later ones after 1 s. */
        send_get(a, a->patches == 1 ? 0 : 1000);
        return;
    }
    if (o->force && (resp->status == 409 || resp->status == 422)) {
        force_replace(a);
        return;
    }
    char *info = apply_obj_info(a);
    char *verb = ks_asprintf("applying patch:\n%s\nto:\n%s\nfor:", a->patch_body, info);
    apply_obj_status_error(a, resp, verb, "patching");
    free(verb);
    free(info);
    apply_obj_done(a);
}
