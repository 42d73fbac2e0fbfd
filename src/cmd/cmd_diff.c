/*
 * cmd_diff.c: `kubectl diff`, natively: the MERGED object of each manifest
 * object comes from a server dry run (POST for a new object, the apply patch
 * with the live resourceVersion for an existing one); LIVE and MERGED are
 * written as YAML into two temporary directories and compared by `diff -u -N`
 * or $KUBECTL_EXTERNAL_DIFF.
 * PARITY: kubectl pkg/cmd/diff/diff.go (InfoObject.Merged, maxRetries 4,
 * Masker, Differ, NewDiffProgram, the exit codes), smp-semantics.md §9.
 */
#include "cmd/cmd.h"

#include "base/gojson.h"
#include "base/yamlout.h"
#include "cmd/apply.h"
#include "cmd/applyin.h"
#include "http/klog.h"
#include "merge/plan.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DIFF_MAX_ATTEMPTS 4
#define DIFF_SERIAL_MAX 8
#define DIFF_DEFAULT_CONCURRENCY 16

static void cb_get(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void cb_nsget(struct kclient *c, const struct kclient_resp *resp, void *arg);
static void plan_merged(struct aobj *a);
static void cb_dry(struct kclient *c, const struct kclient_resp *resp, void *arg);

static void diff_start(struct aobj *a)
{
    a->diff_attempts++;
    a->ns_looked_up = false;
    char *path = apply_obj_path(a, false, NULL);
    apply_obj_submit(a, "GET", path, NULL, NULL, 0, cb_get);
    free(path);
}

static void dry_query(struct krest_query *q, const struct apply_opts *o)
{
    q->dry_run = "All";
    q->field_manager = o->field_manager ? o->field_manager : "kubectl-client-side-apply";
}

static void cb_get(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    json_decref(a->live);
    a->live = NULL;
    if (resp->status != 200 && resp->status != 404) {
        char *info = apply_obj_info(a);
        char *verb =
            ks_asprintf("retrieving current configuration of:\n%s\nfrom server for:", info);
        apply_obj_status_error(a, resp, verb, NULL);
        free(verb);
        free(info);
        apply_obj_done(a);
        return;
    }
    if (resp->status == 404 && a->ns && strcmp(a->ns, "default") != 0 && !a->ns_looked_up) {
        /* PARITY: cli-runtime Info.Get looks the namespace up after a 404. */
        a->ns_looked_up = true;
        char *path = ks_asprintf("/api/v1/namespaces/%s", a->ns);
        apply_obj_submit(a, "GET", path, NULL, NULL, 0, cb_nsget);
        free(path);
        return;
    }
    if (resp->status == 200)
        a->live = apply_body_json(resp);
    plan_merged(a);
}

static void cb_nsget(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    (void)resp;
    plan_merged(arg);
}

/* Compute MERGED: nothing to send, a dry-run create, or a dry-run patch. */
static void plan_merged(struct aobj *a)
{
    if (a->s->o->server_side) {
        /* PARITY: InfoObject.Merged: a dry-run apply patch of the manifest, existing or not. */
        struct krest_query sq = KREST_QUERY_INIT;
        sq.dry_run = "All";
        sq.field_manager = a->s->o->field_manager ? a->s->o->field_manager : "kubectl";
        sq.force = a->s->o->force_conflicts ? 1 : 0;
        char *path = apply_obj_path(a, false, &sq);
        char *body = apply_body_dump(a->obj);
        apply_obj_submit(a, "PATCH", path, "application/apply-patch+yaml", body, 0, cb_dry);
        free(body);
        free(path);
        return;
    }
    struct plan p;
    struct plan_in in = {.manifest = a->obj,
                         .live = a->live,
                         .schema = a->meta->schema,
                         .smp = a->meta->smp,
                         .overwrite = true,
                         .for_diff = true,
                         .diff_no_lock = a->diff_attempts >= DIFF_MAX_ATTEMPTS};
    struct ks_err e = KS_ERR_INIT;
    if (plan_object(&p, &in, &e) != 0) {
        apply_obj_error(a, "error: %s", e.msg);
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    struct krest_query q = KREST_QUERY_INIT;
    dry_query(&q, a->s->o);
    if (p.op == PLAN_UNCHANGED) {
        json_decref(a->result);
        a->result = json_incref(a->live);
        plan_release(&p);
        apply_obj_done(a);
        return;
    }
    if (p.op == PLAN_CREATE) {
        char *path = apply_obj_path(a, true, &q);
        char *body = apply_body_dump(p.create);
        apply_obj_submit(a, "POST", path, "application/json", body, 0, cb_dry);
        free(body);
        free(path);
        plan_release(&p);
        return;
    }
    if (a->diff_attempts >= DIFF_MAX_ATTEMPTS) {
        /* PARITY: klog.Warningf in diff.go's Run loop. */
        struct strbuf w = STRBUF_INIT;
        klog_header(&w, 'W', "diff.go:723");
        strbuf_addf(&w, "Object (%s/%s, Kind=%s: %s) keeps changing, diffing without lock",
                    a->map.group, a->map.version, a->map.kind, a->name);
        cliopt_list_add(&a->warnings, strbuf_str(&w));
        strbuf_release(&w);
    }
    free(a->patch_body);
    a->patch_body = gojson_dumps(p.patch);
    char *path = apply_obj_path(a, false, &q);
    apply_obj_submit(a, "PATCH", path, p.content_type, a->patch_body, 0, cb_dry);
    free(path);
    plan_release(&p);
}

static void cb_dry(struct kclient *c, const struct kclient_resp *resp, void *arg)
{
    (void)c;
    struct aobj *a = arg;
    apply_obj_warnings(a, resp);
    if (resp->status >= 200 && resp->status < 300) {
        apply_obj_set_result(a, resp);
        apply_obj_done(a);
        return;
    }
    if (resp->status == 409 && a->diff_attempts < DIFF_MAX_ATTEMPTS) {
        diff_start(a);
        return;
    }
    if (a->live) {
        /* PARITY: diff calls the patcher directly: only its "patching" wrap. */
        apply_obj_status_error(a, resp, "patching", NULL);
    } else {
        apply_obj_status_error(a, resp, "creating", NULL);
    }
    apply_obj_done(a);
}

/* ---- writing LIVE and MERGED --------------------------------------------- */

/* A directory $TMPDIR/<prefix><digits>, as Go's os.MkdirTemp names it. */
static char *make_tempdir(const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    static unsigned seed;
    if (!seed)
        seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    for (int i = 0; i < 10000; i++) {
        seed = seed * 1664525u + 1013904223u;
        char *p = ks_asprintf("%s/%s%u", tmp, prefix, seed);
        if (mkdir(p, 0700) == 0)
            return p;
        free(p);
        if (errno != EEXIST)
            return NULL;
    }
    return NULL;
}

static void remove_tree(const char *dir, const struct apply_session *s, const char *const *names)
{
    for (size_t i = 0; names && i < s->n; i++) {
        if (!names[i])
            continue;
        char *p = ks_asprintf("%s/%s", dir, names[i]);
        unlink(p);
        free(p);
    }
    rmdir(dir);
}

/* PARITY: diff.InfoObject's file name: "<group.>v<version>.<Kind>.<namespace>.<name>". */
static char *file_name(const struct aobj *a)
{
    if (*a->map.group)
        return ks_asprintf("%s.%s.%s.%s.%s", a->map.group, a->map.version, a->map.kind,
                           a->ns ? a->ns : "", a->name);
    return ks_asprintf("%s.%s.%s.%s", a->map.version, a->map.kind, a->ns ? a->ns : "", a->name);
}

static json_t *prepared(const json_t *obj, bool show_managed)
{
    if (!obj)
        return NULL;
    json_t *c = json_deep_copy(obj);
    if (!show_managed)
        json_object_del(json_object_get(c, "metadata"), "managedFields");
    return c;
}

/* PARITY: diff.Masker.run: keys on both sides: "***" when equal, "*** (before)" /
 * "*** (after)" when not; keys on one side only: "***". Only `data` is masked. */
static void mask_secrets(json_t *live, json_t *merged)
{
    json_t *from = json_object_get(live, "data"), *to = json_object_get(merged, "data");
    if (!json_is_object(from))
        from = NULL;
    if (!json_is_object(to))
        to = NULL;
    const char *k;
    json_t *v;
    void *tmp;
    if (from) {
        json_object_foreach_safe(from, tmp, k, v)
        {
            json_t *t = to ? json_object_get(to, k) : NULL;
            if (t) {
                if (!gojson_equal(v, t)) {
                    json_object_set_new(from, k, json_string("*** (before)"));
                    json_object_set_new(to, k, json_string("*** (after)"));
                    continue;
                }
                json_object_set_new(to, k, json_string("***"));
            }
            json_object_set_new(from, k, json_string("***"));
        }
    }
    if (to) {
        json_object_foreach_safe(to, tmp, k, v)
        {
            if (!from || !json_object_get(from, k))
                json_object_set_new(to, k, json_string("***"));
        }
    }
}

static bool is_secret(const json_t *obj)
{
    json_t *k = json_object_get(obj, "kind"), *v = json_object_get(obj, "apiVersion");
    return json_is_string(k) && strcmp(json_string_value(k), "Secret") == 0 && json_is_string(v) &&
           (strcmp(json_string_value(v), "v1") == 0 ||
            (strlen(json_string_value(v)) > 3 &&
             strcmp(json_string_value(v) + strlen(json_string_value(v)) - 3, "/v1") == 0));
}

static int write_file(const char *dir, const char *name, const json_t *obj)
{
    char *p = ks_asprintf("%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    free(p);
    if (fd < 0)
        return -1;
    struct strbuf sb = STRBUF_INIT;
    if (obj)
        yamlout_write(&sb, obj, NULL);
    ssize_t w = sb.len ? write(fd, sb.buf, sb.len) : 0;
    strbuf_release(&sb);
    close(fd);
    return w < 0 ? -1 : 0;
}

/* ---- running the diff program ------------------------------------------ */

/* PARITY: diff.NewDiffProgram: KUBECTL_EXTERNAL_DIFF split on spaces; only
 * arguments matching ^[a-zA-Z0-9-=]+$ are kept, placed after the two dirs. */
static int run_diff(const char *live, const char *merged)
{
    const char *ext = getenv("KUBECTL_EXTERNAL_DIFF");
    char *copy = NULL;
    char *argvv[64];
    int n = 0;
    char *prog = "diff";
    char *extra[60];
    int nextra = 0;
    if (ext && *ext) {
        copy = ks_strdup(ext);
        regex_t re;
        regcomp(&re, "^[a-zA-Z0-9=-]+$", REG_EXTENDED | REG_NOSUB);
        char *save = NULL;
        char *tok = strtok_r(copy, " ", &save);
        prog = tok ? tok : "diff";
        while ((tok = strtok_r(NULL, " ", &save)) && nextra < 60)
            if (regexec(&re, tok, 0, NULL, 0) == 0)
                extra[nextra++] = tok;
        regfree(&re);
    }
    argvv[n++] = prog;
    if (!ext || !*ext) {
        argvv[n++] = "-u";
        argvv[n++] = "-N";
    }
    argvv[n++] = (char *)live;
    argvv[n++] = (char *)merged;
    for (int i = 0; i < nextra; i++)
        argvv[n++] = extra[i];
    argvv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(prog, argvv);
        fprintf(stderr, "error: failed to run \"%s\": %s\n", prog, strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        free(copy);
        fprintf(stderr, "error: failed to run \"%s\": %s\n", prog, strerror(errno));
        return 2;
    }
    free(copy);
    if (WIFEXITED(status)) {
        int rc = WEXITSTATUS(status);
        if (rc == 127)
            return 2;
        return rc <= 1 ? rc : 2;
    }
    return 2;
}

/* The run's files: written as each object is merged, so objects need not wait in memory. */
struct diff_files {
    char *live_dir, *merged_dir;
    char **names; /* per object, NULL until written */
    bool failed;
};

static void write_finished(struct aobj *a)
{
    struct diff_files *f = a->s->ctx;
    const struct apply_opts *o = a->s->o;
    json_t *live = prepared(a->live, o->show_managed_fields);
    json_t *merged = prepared(a->result, o->show_managed_fields);
    if (is_secret(a->obj) && (live || merged))
        mask_secrets(live, merged);
    f->names[a->index] = file_name(a);
    if (write_file(f->live_dir, f->names[a->index], live) ||
        write_file(f->merged_dir, f->names[a->index], merged)) {
        apply_obj_error(a, "error: cannot write %s: %s", f->names[a->index], strerror(errno));
        f->failed = true;
    }
    json_decref(live);
    json_decref(merged);
    json_decref(a->live);
    json_decref(a->result);
    a->live = a->result = NULL;
}

/* ---- --prune -------------------------------------------------------------- */

/* The objects pruning would delete: their LIVE file names and the objects. */
struct diff_pruned {
    struct cliopt_list names;
    json_t *objs; /* array, in the walk's order */
};

/* PARITY: diff.getObjectName, from the object's own apiVersion and kind. */
static char *pruned_name(const json_t *obj)
{
    const char *av = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const json_t *md = json_object_get(obj, "metadata");
    const char *ns = json_string_value(json_object_get(md, "namespace"));
    const char *name = json_string_value(json_object_get(md, "name"));
    const char *slash = av ? strchr(av, '/') : NULL;
    if (slash)
        return ks_asprintf("%.*s.%s.%s.%s.%s", (int)(slash - av), av, slash + 1, kind ? kind : "",
                           ns ? ns : "", name ? name : "");
    return ks_asprintf("%s.%s.%s.%s", av ? av : "", kind ? kind : "", ns ? ns : "",
                       name ? name : "");
}

static int diff_prune_add(struct apply_session *s, const struct kdisc_mapping *m, const char *ns,
                          json_t *item, void *ctx, char **err)
{
    struct diff_pruned *p = ctx;
    (void)s;
    (void)m;
    (void)ns;
    (void)err;
    json_array_append(p->objs, item);
    return 0;
}

/*
 * PARITY: DiffOptions.Run with --prune: after the objects, the pruner lists
 * what pruning would delete and prints each into LIVE only, as the server
 * has it (nothing omitted or masked: kubectl's printer writes the object
 * as is). A failure is a warning; a namespaced one drops every candidate
 * (pruneAll returns that call's empty list), a cluster-scoped one keeps
 * those found before it.
 */
static void diff_prune(struct apply_session *s, struct diff_files *f, struct diff_pruned *p)
{
    char *err = NULL;
    if (apply_prune_each(s, false, diff_prune_add, p, &err) != 0) {
        struct strbuf w = STRBUF_INIT;
        klog_header(&w, 'W', "diff.go:760");
        strbuf_addf(&w, "pruning failed and could not be evaluated err: %s\n", err ? err : "");
        klog_flush(&w, s->err);
        strbuf_release(&w);
        if (!err || strncmp(err, "error pruning nonNamespaced", 27) != 0)
            json_array_clear(p->objs);
    }
    free(err);
    size_t i;
    json_t *obj;
    json_array_foreach(p->objs, i, obj)
    {
        char *name = pruned_name(obj);
        if (write_file(f->live_dir, name, obj) != 0)
            f->failed = true;
        cliopt_list_add(&p->names, name);
        free(name);
    }
}

/* ---- the command ------------------------------------------------------- */

static int parse_flags(struct apply_opts *o, int argc, char **argv, int ci,
                       struct cliopt_list *args)
{
    const struct cliopt opts[] = {
        {"filename", 'f', CLIOPT_STRINGS, &o->files, NULL, NULL, false},
        {"recursive", 'R', CLIOPT_BOOL, &o->recursive, NULL, NULL, false},
        {"field-manager", 0, CLIOPT_STRING, &o->field_manager, NULL, &o->field_manager_set, false},
        {"show-managed-fields", 0, CLIOPT_BOOL, &o->show_managed_fields, NULL, NULL, false},
        {"concurrency", 0, CLIOPT_INT, &o->concurrency, NULL, NULL, false},
        {"convert", 0, CLIOPT_STRING, &o->convert, NULL, NULL, false},
        {"server-side", 0, CLIOPT_BOOL, &o->server_side, NULL, NULL, false},
        {"force-conflicts", 0, CLIOPT_BOOL, &o->force_conflicts, NULL, NULL, false},
        {"prune", 0, CLIOPT_BOOL, &o->prune, NULL, NULL, false},
        {"prune-allowlist", 0, CLIOPT_STRINGS, &o->prune_allowlist, NULL, NULL, false},
        {"selector", 'l', CLIOPT_STRING, &o->selector, NULL, NULL, false},
        {"kustomize", 'k', CLIOPT_STRING, &o->kustomize, NULL, NULL, false},
        {NULL, 0, 0, NULL, NULL, NULL, false},
    };
    int rc = cliopt_parse(opts, argc, argv, ci, args, NULL);
    return rc ? KS_EDELEGATE : 0;
}

static int run_diff_cmd(struct apply_opts *o, int argc, char **argv)
{
    struct manifest m = MANIFEST_INIT;
    struct cliopt_list in_errs = {0};
    struct apply_session s;
    struct ks_err e = KS_ERR_INIT;
    int exit_code = 0;
    bool session = false;
    struct diff_files files = {NULL, NULL, NULL, false};
    struct diff_pruned pruned = {{0}, json_array()};
    memset(&s, 0, sizeof(s));

    struct applyin_opts io = {&o->files, o->recursive, o->kustomize, false};
    if (applyin_load(&m, &in_errs, &io, &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        exit_code = 2;
        goto done;
    }
    if (apply_session_open(&s, o, argc, argv, "kubectl diff", &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        exit_code = 2;
        goto done;
    }
    session = true;
    char *perr = NULL;
    if (apply_prune_allowlist_check(&s, &perr) != 0) {
        fprintf(stderr, "error: %s\n", perr ? perr : "invalid --prune-allowlist");
        free(perr);
        exit_code = 2;
        goto done;
    }
    if (o->selector && *o->selector)
        apply_manifest_select(&m, o->selector);
    s.objs = ks_calloc(m.n ? m.n : 1, sizeof(*s.objs));
    s.n = m.n;
    s.start = diff_start;
    s.keep_results = true; /* until write_finished has written them */
    s.stop_on_error = true;
    s.finished = write_finished;
    /* PARITY: kubectl creates both directories before it visits the objects. */
    files.live_dir = make_tempdir("LIVE-");
    files.merged_dir = make_tempdir("MERGED-");
    files.names = ks_calloc(m.n ? m.n : 1, sizeof(*files.names));
    s.ctx = &files;
    if (!files.live_dir || !files.merged_dir) {
        fprintf(stderr, "error: cannot create temporary directories: %s\n", strerror(errno));
        exit_code = 2;
        goto done;
    }
    s.limit = o->concurrency > 0       ? (size_t)o->concurrency
              : m.n <= DIFF_SERIAL_MAX ? 1
                                       : DIFF_DEFAULT_CONCURRENCY;
    for (size_t i = 0; i < m.n; i++) {
        apply_obj_init(&s.objs[i], &s, i, &m.objs[i], true);
        apply_obj_ready(&s.objs[i]);
    }
    apply_session_prepared(&s);
    if (apply_run(&s, &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        exit_code = 2;
        goto done;
    }
    if (o->prune)
        diff_prune(&s, &files, &pruned);
    size_t nerr = in_errs.n;
    for (size_t i = 0; i < s.n; i++)
        nerr += s.objs[i].errors.n;
    if (nerr) {
        for (size_t i = 0; i < in_errs.n; i++)
            fprintf(stderr, "%s%s\n", strncmp(in_errs.v[i], "error: ", 7) ? "error: " : "",
                    in_errs.v[i]);
        for (size_t i = 0; i < s.n; i++)
            for (size_t k = 0; k < s.objs[i].errors.n; k++)
                fprintf(stderr, "%s\n", s.objs[i].errors.v[k]);
        exit_code = 2;
        goto done;
    }
    if (exit_code == 0)
        exit_code = run_diff(files.live_dir, files.merged_dir);
done:
    for (size_t i = 0; files.live_dir && i < pruned.names.n; i++) {
        char *p = ks_asprintf("%s/%s", files.live_dir, pruned.names.v[i]);
        unlink(p);
        free(p);
    }
    cliopt_list_free(&pruned.names);
    json_decref(pruned.objs);
    if (files.live_dir)
        remove_tree(files.live_dir, &s, (const char *const *)files.names);
    if (files.merged_dir)
        remove_tree(files.merged_dir, &s, (const char *const *)files.names);
    free(files.live_dir);
    free(files.merged_dir);
    if (session) {
        for (size_t i = 0; i < s.n; i++) {
            if (files.names)
                free(files.names[i]);
            apply_obj_release(&s.objs[i]);
        }
        free(s.objs);
        apply_session_close(&s);
    }
    free(files.names);
    cliopt_list_free(&in_errs);
    manifest_release(&m);
    return exit_code;
}

int cmd_diff_run(int argc, char **argv)
{
    struct apply_opts o;
    struct cliopt_list args = {0};
    int ci = cliopt_command_index(argc, argv);
    memset(&o, 0, sizeof(o));
    o.overwrite = true;
    o.openapi_patch = true;
    o.is_diff = true;
    int rc = parse_flags(&o, argc, argv, ci, &args);
    if (rc == 0 && (args.n > 0 || (o.kustomize && o.files.n)))
        rc = KS_EDELEGATE;
    if (rc == 0 && apply_opts_convert(&o) != 0) {
        fprintf(stderr,
                "error: invalid argument \"%s\" for \"--convert\" flag: must be auto or never\n",
                o.convert);
        rc = 2;
    } else if (rc == 0) {
        rc = run_diff_cmd(&o, argc, argv);
    }
    free(o.field_manager);
    free(o.convert);
    free(o.kustomize);
    free(o.selector);
    cliopt_list_free(&o.prune_allowlist);
    cliopt_list_free(&o.files);
    cliopt_list_free(&args);
    return rc;
}
