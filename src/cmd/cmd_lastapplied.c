/*
 * cmd_lastapplied.c: `kubectl apply view-last-applied` and
 * `kubectl apply set-last-applied`, natively (edit-last-applied goes to kubectl).
 * PARITY: kubectl pkg/cmd/apply/apply_view_last_applied.go (json.Indent with
 * two spaces, or JSON-to-YAML), apply_set_last_applied.go and
 * pkg/cmd/util/editor GetApplyPatch (a JSON merge patch setting the
 * annotation to the file's object as compact JSON and a newline, without the
 * "annotations":{} that apply adds).
 */
#include "cmd/lastapplied.h"

#include "base/gojson.h"
#include "base/yamlout.h"
#include "cmd/applyin.h"
#include "http/kstatus.h"
#include "merge/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct la_opts {
    struct cliopt_list files;
    bool recursive;
    char *output;
    bool create_annotation;
    char *dry_run;
};

/* GET the live object at path; NULL and an error line on failure. */
static json_t *get_live(struct apply_session *s, const char *path, const char *what, bool *nf)
{
    struct kclient_req r = {.method = "GET", .path = path};
    struct kclient_resp resp;
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;
    *nf = false;
    if (kclient_do(s->client, &r, &resp, &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
    } else if (resp.status != 200) {
        struct kstatus st;
        kstatus_from_resp(&st, &resp);
        char *t = kstatus_text(&st);
        fprintf(stderr, "%s\n", t);
        free(t);
        *nf = resp.status == 404;
        kstatus_release(&st);
    } else {
        gojson_loads(&v, resp.body.buf ? resp.body.buf : "", resp.body.len, NULL);
    }
    kclient_resp_release(&resp);
    (void)what;
    return v;
}

static const char *annotation_of(const json_t *live)
{
    return json_string_value(json_object_get(
        json_object_get(json_object_get(live, "metadata"), "annotations"), PLAN_LAST_APPLIED));
}

static int view_print(const char *str, const char *output)
{
    json_t *v = NULL;
    if (gojson_loads(&v, str, strlen(str), NULL) != 0) {
        fprintf(stderr, "error: invalid character in the last-applied-configuration\n");
        return 1;
    }
    struct strbuf sb = STRBUF_INIT;
    if (strcmp(output, "json") == 0) {
        gojson_write_indent(&sb, v, "", "  ", NULL);
        /* json.Indent keeps the annotation's trailing newline */
        size_t n = strlen(str);
        if (n && str[n - 1] == '\n')
            strbuf_addch(&sb, '\n');
    } else {
        yamlout_write(&sb, v, NULL);
    }
    fwrite(sb.buf ? sb.buf : "", 1, sb.len, stdout);
    strbuf_release(&sb);
    json_decref(v);
    return 0;
}

static int run_view(struct la_opts *o, struct cliopt_list *args, int argc, char **argv)
{
    struct apply_opts ao;
    struct apply_session s;
    struct ks_err e = KS_ERR_INIT;
    int rc = 0;
    memset(&ao, 0, sizeof(ao));
    ao.field_validation = "Ignore";
    ao.is_diff = true;
    ao.openapi_patch = false;
    if (apply_session_open(&s, &ao, argc, argv, "kubectl apply", &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        apply_session_close(&s);
        return 1;
    }
    struct cliopt_list strs = {0};
    if (o->files.n) {
        struct manifest m = MANIFEST_INIT;
        struct cliopt_list errs = {0};
        struct applyin_opts io = {&o->files, o->recursive, NULL, false};
        if (applyin_load(&m, &errs, &io, &e) != 0 || errs.n) {
            fprintf(stderr, "error: %s\n", errs.n ? errs.v[0] : e.msg);
            rc = 1;
        }
        for (size_t i = 0; rc == 0 && i < m.n; i++) {
            struct aobj a;
            apply_obj_init(&a, &s, i, &m.objs[i], false);
            if (apply_obj_prepare(&a, &e) != 0) {
                fprintf(stderr, "error: %s\n", e.msg);
                rc = 1;
            } else {
                char *path = apply_obj_path(&a, false, NULL);
                bool nf;
                json_t *live = get_live(&s, path, a.name, &nf);
                free(path);
                const char *la = annotation_of(live);
                if (!live) {
                    rc = 1;
                } else if (!la) {
                    fprintf(stderr,
                            "error: error when no last-applied-configuration annotation found on "
                            "resource: %s\n \"%s\": <nil>\n",
                            a.name, a.src->source);
                    rc = 1;
                } else {
                    cliopt_list_add(&strs, la);
                }
                json_decref(live);
            }
            apply_obj_release(&a);
        }
        cliopt_list_free(&errs);
        manifest_release(&m);
    } else {
        /* TYPE NAME... or TYPE/NAME... */
        const char *type = NULL;
        for (size_t i = 0; rc == 0 && i < args->n; i++) {
            const char *arg = args->v[i];
            const char *slash = strchr(arg, '/');
            char *t = slash ? ks_strndup(arg, (size_t)(slash - arg)) : NULL;
            const char *name = slash ? slash + 1 : NULL;
            if (!slash && !type) {
                type = arg;
                continue;
            }
            if (!slash)
                name = arg;
            struct kdisc_mapping mp;
            if (kdisc_map_resource(s.disc, &mp, t ? t : type, &e) != 0) {
                fprintf(stderr, "error: %s\n", e.msg);
                rc = 1;
            } else {
                char *path = krest_path(&mp, mp.namespaced ? s.conn.namespace_ : NULL, name, NULL);
                bool nf;
                json_t *live = get_live(&s, path, name, &nf);
                free(path);
                const char *la = annotation_of(live);
                if (!live)
                    rc = 1;
                else if (la)
                    cliopt_list_add(&strs, la);
                json_decref(live);
            }
            free(t);
        }
        if (rc == 0 && strs.n == 0 && type && args->n == 1) {
            fprintf(stderr, "error: you must specify the name of resources\n");
            rc = 1;
        }
    }
    for (size_t i = 0; rc == 0 && i < strs.n; i++)
        rc = view_print(strs.v[i], o->output ? o->output : "yaml");
    cliopt_list_free(&strs);
    apply_session_close(&s);
    return rc;
}

static int run_set(struct la_opts *o, int argc, char **argv)
{
    struct apply_opts ao;
    struct apply_session s;
    struct ks_err e = KS_ERR_INIT;
    struct manifest m = MANIFEST_INIT;
    struct cliopt_list errs = {0};
    int rc = 0;
    memset(&ao, 0, sizeof(ao));
    ao.field_validation = "Ignore";
    ao.is_diff = true;
    if (o->dry_run && strcmp(o->dry_run, "server") == 0)
        ao.dry = APPLY_DRY_SERVER;
    else if (o->dry_run && strcmp(o->dry_run, "client") == 0)
        ao.dry = APPLY_DRY_CLIENT;
    ao.output = o->output;
    struct applyin_opts io = {&o->files, o->recursive, NULL, false};
    if (applyin_load(&m, &errs, &io, &e) != 0 || errs.n) {
        fprintf(stderr, "error: %s\n", errs.n ? errs.v[0] : e.msg);
        cliopt_list_free(&errs);
        manifest_release(&m);
        return 1;
    }
    if (apply_session_open(&s, &ao, argc, argv, "kubectl apply", &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        apply_session_close(&s);
        manifest_release(&m);
        return 1;
    }
    struct strbuf out = STRBUF_INIT;
    for (size_t i = 0; rc == 0 && i < m.n; i++) {
        struct aobj a;
        apply_obj_init(&a, &s, i, &m.objs[i], false);
        if (apply_obj_prepare(&a, &e) != 0) {
            fprintf(stderr, "error: %s\n", e.msg);
            rc = 1;
            apply_obj_release(&a);
            break;
        }
        /* PARITY: editor.GetApplyPatch: the object as the unstructured encoder writes it. */
        char *compact = gojson_dumps(a.obj);
        char *before = ks_asprintf("%s\n", compact ? compact : "{}");
        free(compact);
        char *path = apply_obj_path(&a, false, NULL);
        bool nf;
        json_t *live = get_live(&s, path, a.name, &nf);
        const char *orig = annotation_of(live);
        if (!live) {
            rc = 1;
        } else if (!orig && !o->create_annotation) {
            fprintf(stderr,
                    "error: no last-applied-configuration annotation found on resource: %s, to "
                    "create the annotation, run the command with --create-annotation\n",
                    a.name);
            rc = 1;
        } else if (orig && strcmp(orig, before) == 0) {
            strbuf_addf(&out, "set-last-applied %s: no changes required.\n", a.name);
        } else {
            json_t *patch =
                json_pack("{s:{s:{s:s}}}", "metadata", "annotations", PLAN_LAST_APPLIED, before);
            char *body = gojson_dumps(patch);
            json_decref(patch);
            if (ao.dry != APPLY_DRY_CLIENT) {
                struct krest_query q = KREST_QUERY_INIT;
                if (ao.dry == APPLY_DRY_SERVER)
                    q.dry_run = "All";
                char *ppath = apply_obj_path(&a, false, &q);
                struct kclient_req r = {.method = "PATCH",
                                        .path = ppath,
                                        .content_type = "application/merge-patch+json",
                                        .body = body,
                                        .body_len = strlen(body)};
                struct kclient_resp resp;
                if (kclient_do(s.client, &r, &resp, &e) != 0) {
                    fprintf(stderr, "error: %s\n", e.msg);
                    rc = 1;
                } else if (resp.status >= 300) {
                    struct kstatus st;
                    kstatus_from_resp(&st, &resp);
                    char *t = kstatus_text(&st);
                    fprintf(stderr, "%s\n", t);
                    free(t);
                    kstatus_release(&st);
                    rc = 1;
                }
                kclient_resp_release(&resp);
                free(ppath);
            }
            free(body);
            if (rc == 0) {
                char *ref = apply_obj_ref(&a);
                if (o->output && strcmp(o->output, "name") == 0)
                    strbuf_addf(&out, "%s\n", ref);
                else
                    strbuf_addf(&out, "%s configured%s\n", ref,
                                ao.dry == APPLY_DRY_CLIENT   ? " (dry run)"
                                : ao.dry == APPLY_DRY_SERVER ? " (server dry run)"
                                                             : "");
                free(ref);
            }
        }
        json_decref(live);
        free(path);
        free(before);
        apply_obj_release(&a);
    }
    fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
    strbuf_release(&out);
    apply_session_close(&s);
    cliopt_list_free(&errs);
    manifest_release(&m);
    return rc;
}

int cmd_lastapplied_run(const char *sub, int argc, char **argv)
{
    struct la_opts o;
    struct cliopt_list args = {0};
    memset(&o, 0, sizeof(o));
    bool view = strcmp(sub, "view-last-applied") == 0;
    const struct cliopt view_opts[] = {
        {"filename", 'f', CLIOPT_STRINGS, &o.files, NULL, NULL, false},
        {"recursive", 'R', CLIOPT_BOOL, &o.recursive, NULL, NULL, false},
        {"output", 'o', CLIOPT_STRING, &o.output, NULL, NULL, false},
        {NULL, 0, 0, NULL, NULL, NULL, false},
    };
    const struct cliopt set_opts[] = {
        {"filename", 'f', CLIOPT_STRINGS, &o.files, NULL, NULL, false},
        {"recursive", 'R', CLIOPT_BOOL, &o.recursive, NULL, NULL, false},
        {"output", 'o', CLIOPT_STRING, &o.output, NULL, NULL, false},
        {"create-annotation", 0, CLIOPT_BOOL, &o.create_annotation, NULL, NULL, false},
        {"dry-run", 0, CLIOPT_STRING, &o.dry_run, "unchanged", NULL, false},
        {NULL, 0, 0, NULL, NULL, NULL, false},
    };
    int ci = cliopt_command_index(argc, argv);
    int rc = cliopt_parse(view ? view_opts : set_opts, argc, argv, ci, &args, NULL);
    /* args[0] is the sub-command word */
    struct cliopt_list rest = {0};
    for (size_t i = 1; i < args.n; i++)
        cliopt_list_add(&rest, args.v[i]);
    if (rc == 0) {
        if (view && (!o.output || strcmp(o.output, "json") == 0 || strcmp(o.output, "yaml") == 0) &&
            (o.files.n > 0) != (rest.n > 0))
            rc = run_view(&o, &rest, argc, argv);
        else if (!view && o.files.n && rest.n == 0 &&
                 (!o.output || strcmp(o.output, "name") == 0) &&
                 (!o.dry_run || strcmp(o.dry_run, "none") == 0 ||
                  strcmp(o.dry_run, "client") == 0 || strcmp(o.dry_run, "server") == 0))
            rc = run_set(&o, argc, argv);
        else
            rc = KS_EDELEGATE; /* other forms and kubectl's usage errors */
    } else {
        rc = KS_EDELEGATE;
    }
    cliopt_list_free(&o.files);
    free(o.output);
    free(o.dry_run);
    cliopt_list_free(&args);
    cliopt_list_free(&rest);
    return rc;
}
