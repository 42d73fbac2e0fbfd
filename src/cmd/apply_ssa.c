/*
 * apply_ssa.c: `kubectl apply --server-side` for one object: the apply patch,
 * then kubectl's two follow-ups: keep the last-applied annotation owned by an
 * apply manager ("kubectl-last-applied"), and migrate the managedFields of the
 * client-side managers onto the server-side one (a JSON patch, retried on
 * 409), re-sending the apply patch when something moved.
 * PARITY: kubectl pkg/cmd/apply/apply.go (the ServerSideApply branch,
 * saveLastApplyAnnotationIfNecessary, migrateToSSAIfNecessary) and client-go
 * util/csaupgrade (FindFieldsOwners, UpgradeManagedFieldsPatch).
 */
#include "cmd/apply.h"

#include "base/gojson.h"
#include "http/kstatus.h"
#include "merge/fieldset.h"
#include "merge/plan.h"

#include <stdlib.h>
#include <string.h>

#define SSA_MANAGER "kubectl"
#define SSA_LAST_APPLIED_MANAGER "kubectl-last-applied"
#define SSA_MAX_MIGRATION_PATCHES 5

static const char annotation_field[] = "f:kubectl.kubernetes.io/last-applied-configuration";
static const char *const annotation_path[] = {"f:metadata", "f:annotations", annotation_field};

static void cb_apply(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_save(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_migrate(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_refetch(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_reapply(struct kclient *c, const struct kclient_resp *resp, void *arg);

static const char *manager(const struct apply_opts *o)
{
    return o->field_manager ? o->field_manager : SSA_MANAGER;
}

static void send_apply(struct aobj *a, kclient_done_fn done)
{
    const struct apply_opts *o = a->s->o;
    struct krest_query q = KREST_QUERY_INIT;
    q.field_manager = manager(o);
    q.field_validation = o->field_validation;
    q.force = o->force_conflicts ? 1 : 0;
    if (o->dry == APPLY_DRY_SERVER)
        q.dry_run = "All";
    char *path = apply_obj_path(a, false, &q);
    if (!a->patch_body)
        a->patch_body = apply_body_dump(a->obj);
    apply_obj_submit(a, "PATCH", path, "application/apply-patch+yaml", a->patch_body, 0, done);
    free(path);
}

void apply_ssa_start(struct aobj *a)
{
    send_apply(a, cb_apply);
}

static void finish(struct aobj *a)
{
    char *ref = apply_obj_ref(a);
    const struct apply_opts *o = a->s->o;
    free(a->op);
    if (o->output && strcmp(o->output, "name") == 0)
        a->op = ks_strdup(ref);
    else if (o->output && *o->output)
        a->op = NULL;
    else
        a->op = ks_asprintf("%s serverside-applied%s", ref,
                            o->dry == APPLY_DRY_SERVER ? " (server dry run)" : "");
    free(ref);
    apply_obj_done(a);
}

static void warn(struct aobj *a, const char *fmt, const struct kclient_resp *resp)
{
    struct kstatus st;
    kstatus_from_resp(&st, resp);
    char *w = ks_asprintf(fmt, st.message);
    cliopt_list_add(&a->warnings, w);
    free(w);
    kstatus_release(&st);
}

static const json_t *managed_fields(const json_t *obj)
{
    return json_object_get(json_object_get(obj, "metadata"), "managedFields");
}

/* FindFieldsOwners: entries of the operation whose set holds the annotation. */
static bool owned_by(const json_t *entry, const char *operation)
{
    const char *op = json_string_value(json_object_get(entry, "operation"));
    return op && strcmp(op, operation) == 0 &&
           fieldset_has(json_object_get(entry, "fieldsV1"), annotation_path,
                        KS_ARRAY_SIZE(annotation_path));
}

static const char *entry_str(const json_t *entry, const char *key)
{
    const char *s = json_string_value(json_object_get(entry, key));
    return s ? s : "";
}

/* Append one ManagedFieldsEntry as Go's json.Marshal writes the struct. */
static void write_entry(struct strbuf *sb, const json_t *e)
{
    static const char *const order[] = {"manager",    "operation", "apiVersion", "time",
                                        "fieldsType", "fieldsV1",  "subresource"};
    bool first = true;
    strbuf_addch(sb, '{');
    for (size_t i = 0; i < KS_ARRAY_SIZE(order); i++) {
        json_t *v = json_object_get(e, order[i]);
        if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
            continue;
        if (!first)
            strbuf_addch(sb, ',');
        first = false;
        gojson_write_string(sb, order[i], strlen(order[i]));
        strbuf_addch(sb, ':');
        if (strcmp(order[i], "fieldsV1") == 0 && json_is_object(v))
            fieldset_write(sb, v);
        else
            gojson_write(sb, v, NULL);
    }
    strbuf_addch(sb, '}');
}

/*
 * PARITY: csaupgrade.UpgradeManagedFieldsPatch for every client-side manager
 * owning the annotation: the server-side manager's Apply entry (or the client
 * manager's own entry, renamed) takes the union of the fields, and the client
 * manager's Update entries go. NULL when nothing changes.
 */
static char *migration_patch(const json_t *obj, const char *ssa_manager)
{
    const json_t *mf = managed_fields(obj);
    if (!json_is_array(mf))
        return NULL;
    json_t *entries = json_deep_copy(mf);
    bool changed = false;
    size_t i;
    json_t *e;
    json_array_foreach(mf, i, e)
    {
        if (!owned_by(e, "Update"))
            continue;
        const char *csa = entry_str(e, "manager");
        const char *sub = entry_str(e, "subresource");
        /* the target: the SSA manager's Apply entry, else this manager's Update entry */
        size_t target = (size_t)-1, k;
        json_t *t;
        json_array_foreach(entries, k, t)
        {
            if (strcmp(entry_str(t, "manager"), ssa_manager) == 0 &&
                strcmp(entry_str(t, "operation"), "Apply") == 0 &&
                strcmp(entry_str(t, "subresource"), sub) == 0) {
                target = k;
                break;
            }
        }
        if (target == (size_t)-1) {
            json_array_foreach(entries, k, t)
            {
                if (strcmp(entry_str(t, "manager"), csa) == 0 &&
                    strcmp(entry_str(t, "operation"), "Update") == 0 &&
                    strcmp(entry_str(t, "subresource"), sub) == 0) {
                    target = k;
                    break;
                }
            }
            if (target == (size_t)-1)
                continue;
            t = json_array_get(entries, target);
            json_object_set_new(t, "operation", json_string("Apply"));
            json_object_set_new(t, "manager", json_string(ssa_manager));
        }
        t = json_array_get(entries, target);
        json_t *u = NULL;
        json_array_foreach(entries, k, e)
        {
            if (strcmp(entry_str(e, "manager"), csa) == 0 &&
                strcmp(entry_str(e, "operation"), "Update") == 0 &&
                strcmp(entry_str(e, "subresource"), sub) == 0 &&
                strcmp(entry_str(e, "apiVersion"), entry_str(t, "apiVersion")) == 0) {
                u = fieldset_union(json_object_get(t, "fieldsV1"), json_object_get(e, "fieldsV1"));
                break;
            }
        }
        if (u)
            json_object_set_new(t, "fieldsV1", u);
        /* drop the client-side manager's entries */
        json_t *kept = json_array();
        json_array_foreach(entries, k, e)
        {
            if (!(strcmp(entry_str(e, "manager"), csa) == 0 &&
                  strcmp(entry_str(e, "operation"), "Update") == 0 &&
                  strcmp(entry_str(e, "subresource"), sub) == 0))
                json_array_append(kept, e);
        }
        json_decref(entries);
        entries = kept;
        changed = true;
    }
    if (!changed || gojson_equal(entries, mf)) {
        json_decref(entries);
        return NULL;
    }
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "[{\"op\":\"replace\",\"path\":\"/metadata/managedFields\",\"value\":[");
    json_array_foreach(entries, i, e)
    {
        if (i)
            strbuf_addch(&sb, ',');
        write_entry(&sb, e);
    }
    strbuf_adds(&sb, "]},{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":");
    const char *rv =
        json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
    gojson_write_string(&sb, rv ? rv : "", rv ? strlen(rv) : 0);
    strbuf_adds(&sb, "}]");
    json_decref(entries);
    return strbuf_detach(&sb, NULL);
}

static void migrate(struct aobj *a)
{
    char *patch = migration_patch(a->result, manager(a->s->o));
    if (!patch) {
        finish(a);
        return;
    }
    struct krest_query q = KREST_QUERY_INIT;
    q.field_manager = manager(a->s->o);
    q.field_validation = a->s->o->field_validation;
    if (a->s->o->dry == APPLY_DRY_SERVER)
        q.dry_run = "All";
    char *path = apply_obj_path(a, false, &q);
    a->patches++;
    apply_obj_submit(a, "PATCH", path, "application/json-patch+json", patch, 0, cb_migrate);
    free(path);
    free(patch);
}

/* PARITY: saveLastApplyAnnotationIfNecessary. */
static void save_annotation(struct aobj *a)
{
    const struct apply_opts *o = a->s->o;
    json_t *an = json_object_get(json_object_get(a->result, "metadata"), "annotations");
    json_t *la = json_object_get(an, PLAN_LAST_APPLIED);
    bool owned = false;
    size_t i;
    json_t *e;
    json_array_foreach(managed_fields(a->result), i, e) owned = owned || owned_by(e, "Apply");
    if (strcmp(manager(o), SSA_MANAGER) != 0 || !json_is_string(la) || owned) {
        migrate(a);
        return;
    }
    json_t *just =
        json_pack("{s:s, s:s, s:{s:{s:O}, s:s}}", "apiVersion",
                  json_string_value(json_object_get(a->obj, "apiVersion")), "kind", a->map.kind,
                  "metadata", "annotations", PLAN_LAST_APPLIED, la, "name", a->name);
    if (a->ns)
        json_object_set_new(json_object_get(just, "metadata"), "namespace", json_string(a->ns));
    char *body = apply_body_dump(just);
    json_decref(just);
    struct krest_query q = KREST_QUERY_INIT;
    q.field_manager = SSA_LAST_APPLIED_MANAGER;
    q.field_validation = o->field_validation;
    if (o->dry == APPLY_DRY_SERVER)
        q.dry_run = "All";
    char *path = apply_obj_path(a, false, &q);
    apply_obj_submit(a, "PATCH", path, "application/apply-patch+yaml", body, 0, cb_save);
    free(path);
    free(body);
}

static void cb_apply(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    apply_obj_warnings(a, resp);
    if (resp->status >= 200 && resp->status < 300) {
        apply_obj_set_result(a, resp);
        save_annotation(a);
        return;
    }
    struct kstatus st;
    kstatus_from_resp(&st, resp);
    if (resp->status == 415) {
        apply_obj_error(a, "error: Server-side apply not available on the server: (%s)",
                        st.message);
    } else if (resp->status == 409) {
        apply_obj_error(
            a,
            "error: %s\nPlease review the fields above--they currently have other managers. "
            "Here\nare the ways you can resolve this warning:\n* If you intend to manage all of "
            "these fields, please re-run the apply\n  command with the `--force-conflicts` "
            "flag.\n* If you do not intend to manage all of the fields, please edit your\n  "
            "manifest to remove references to the fields that should keep their\n  current "
            "managers.\n* You may co-own fields by updating your manifest to match the "
            "existing\n  value; in this case, you'll become the manager if the other "
            "manager(s)\n  stop managing the field (remove it from their configuration).\nSee "
            "https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts",
            st.message);
    } else if (resp->status == 0 || !st.obj) {
        apply_obj_error(a, "error: %s", st.message);
    } else {
        char *text = kstatus_text(&st);
        apply_obj_error(a, "%s", text);
        free(text);
    }
    kstatus_release(&st);
    apply_obj_done(a);
}

static void cb_save(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    if (resp->status >= 200 && resp->status < 300) {
        apply_obj_set_result(a, resp);
        migrate(a);
        return;
    }
    warn(a,
         "Warning: failed to migrate kubectl.kubernetes.io/last-applied-configuration for "
         "Server-Side Apply. This is non-fatal and will be retried next time you apply. Error: %s",
         resp);
    finish(a);
}

static void cb_migrate(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    if (resp->status >= 200 && resp->status < 300) {
        apply_obj_set_result(a, resp);
        send_apply(a, cb_reapply);
        return;
    }
    if (resp->status == 409 && a->patches < SSA_MAX_MIGRATION_PATCHES) {
        char *path = apply_obj_path(a, false, NULL);
        apply_obj_submit(a, "GET", path, NULL, NULL, 0, cb_refetch);
        free(path);
        return;
    }
    warn(a,
         "Warning: server rejected managed fields migration to Server-Side Apply. This is "
         "non-fatal and will be retried next time you apply. Error: %s",
         resp);
    finish(a);
}

static void cb_refetch(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    if (resp->status != 200) {
        warn(a,
             "Warning: server rejected managed fields migration to Server-Side Apply. This is "
             "non-fatal and will be retried next time you apply. Error: %s",
             resp);
        finish(a);
        return;
    }
    apply_obj_set_result(a, resp);
    migrate(a);
}

static void cb_reapply(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    if (resp->status >= 200 && resp->status < 300) {
        apply_obj_set_result(a, resp);
    } else {
        warn(a,
             "Warning: failed to re-apply configuration after performing Server-Side Apply "
             "migration. This is non-fatal and will be retried next time you apply. Error: %s",
             resp);
    }
    finish(a);
}
