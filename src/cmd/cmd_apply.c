/*
 * cmd_apply.c: `kubectl apply`, natively: flags, reading the objects, the run
 * over the cluster, and the final output and exit code.
 * PARITY: kubectl pkg/cmd/apply/apply.go (flags, Validate, Run's error
 * aggregation, printing with -o), smp-semantics.md §7.
 * Flags and forms not implemented here return KS_EDELEGATE: kubectl runs them.
 */
#include "cmd/cmd.h"

#include "base/gojson.h"
#include "base/yamlout.h"
#include "cmd/apply.h"
#include "cmd/applyin.h"
#include "cmd/lastapplied.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Up to this many objects go out one at a time, in kubectl's exact request
 * order; larger applies run APPLY_DEFAULT_CONCURRENCY objects at once. */
#define APPLY_SERIAL_MAX 8
#define APPLY_DEFAULT_CONCURRENCY 16

static const char *const apply_subcommands[] = {"view-last-applied", "set-last-applied",
                                                "edit-last-applied"};

static int parse_flags(struct apply_opts *o, int argc, char **argv, int ci,
                       struct cliopt_list *args)
{
    const struct cliopt opts[] = {
        {"filename", 'f', CLIOPT_STRINGS, &o->files, NULL, NULL, false},
        {"recursive", 'R', CLIOPT_BOOL, &o->recursive, NULL, NULL, false},
        {"dry-run", 0, CLIOPT_STRING, &o->dry_run, "unchanged", NULL, false},
        {"output", 'o', CLIOPT_STRING, &o->output, NULL, NULL, false},
        {"field-manager", 0, CLIOPT_STRING, &o->field_manager, NULL, &o->field_manager_set, false},
        {"overwrite", 0, CLIOPT_BOOL, &o->overwrite, NULL, NULL, false},
        {"validate", 0, CLIOPT_STRING, &o->validate, "strict", NULL, false},
        {"openapi-patch", 0, CLIOPT_BOOL, &o->openapi_patch, NULL, NULL, false},
        {"force", 0, CLIOPT_BOOL, &o->force, NULL, NULL, false},
        {"grace-period", 0, CLIOPT_INT, &o->grace_period, NULL, NULL, false},
        {"timeout", 0, CLIOPT_STRING, &o->timeout, NULL, NULL, false},
        {"cascade", 0, CLIOPT_STRING, &o->cascade, "background", NULL, false},
        {"concurrency", 0, CLIOPT_INT, &o->concurrency, NULL, NULL, false},
        {"convert", 0, CLIOPT_STRING, &o->convert, NULL, NULL, false},
        {"server-side", 0, CLIOPT_BOOL, &o->server_side, NULL, NULL, false},
        {"force-conflicts", 0, CLIOPT_BOOL, &o->force_conflicts, NULL, NULL, false},
        {"prune", 0, CLIOPT_BOOL, &o->prune, NULL, NULL, false},
        {"selector", 'l', CLIOPT_STRING, &o->selector, NULL, NULL, false},
        {"all", 0, CLIOPT_BOOL, &o->all, NULL, NULL, false},
        {"prune-allowlist", 0, CLIOPT_STRINGS, &o->prune_allowlist, NULL, NULL, false},
        {"kustomize", 'k', CLIOPT_STRING, &o->kustomize, NULL, NULL, false},
        {NULL, 0, 0, NULL, NULL, NULL, false},
    };
    int rc = cliopt_parse(opts, argc, argv, ci, args, NULL);
    return rc ? KS_EDELEGATE : 0;
}

/* kubectl's --dry-run and --validate values; anything unusual goes to kubectl. */
static int resolve_flags(struct apply_opts *o)
{
    if (apply_opts_convert(o) != 0)
        return KS_EUSAGE;
    if (!o->dry_run || strcmp(o->dry_run, "none") == 0)
        o->dry = APPLY_DRY_NONE;
    else if (strcmp(o->dry_run, "client") == 0)
        o->dry = APPLY_DRY_CLIENT;
    else if (strcmp(o->dry_run, "server") == 0)
        o->dry = APPLY_DRY_SERVER;
    else
        return KS_EDELEGATE; /* deprecated forms warn, bad ones fail: kubectl's words */
    if (!o->validate || strcmp(o->validate, "strict") == 0 || strcmp(o->validate, "true") == 0)
        o->field_validation = "Strict";
    else if (strcmp(o->validate, "warn") == 0)
        o->field_validation = "Warn";
    else if (strcmp(o->validate, "ignore") == 0 || strcmp(o->validate, "false") == 0)
        o->field_validation = "Ignore";
    else
        return KS_EDELEGATE;
    if (o->output && *o->output && strcmp(o->output, "name") != 0 &&
        strcmp(o->output, "json") != 0 && strcmp(o->output, "yaml") != 0)
        return KS_EDELEGATE;
    if (o->force && o->dry == APPLY_DRY_SERVER)
        return KS_EDELEGATE; /* kubectl rejects the combination */
    /* kubectl rejects these combinations in its own words */
    if (o->kustomize && o->files.n)
        return KS_EDELEGATE; /* kubectl: only one of -f or -k */
    if (o->force_conflicts && !o->server_side)
        return KS_EDELEGATE;
    if (o->server_side && (o->force || o->dry == APPLY_DRY_CLIENT))
        return KS_EDELEGATE;
    if (o->prune && (o->force || o->server_side || (!o->all && !(o->selector && *o->selector))))
        return KS_EDELEGATE;
    if ((o->all && o->selector && *o->selector) || (o->prune_allowlist.n && !o->prune))
        return KS_EDELEGATE;
    if (o->cascade && strcmp(o->cascade, "background") != 0)
        return KS_EDELEGATE;
    if (o->timeout && strcmp(o->timeout, "0") != 0 && strcmp(o->timeout, "0s") != 0)
        return KS_EDELEGATE;
    if (o->grace_period != -1)
        return KS_EDELEGATE;
    return 0;
}

/*
 * PARITY: kubectl prints one object bare and several as a v1 List, whose JSON
 * keeps metav1.List's field order (kind, apiVersion, metadata, items); the
 * YAML printer goes through JSON-to-YAML and so sorts the keys.
 */
static void print_objects(struct apply_session *s)
{
    struct strbuf sb = STRBUF_INIT;
    bool json = strcmp(s->o->output, "json") == 0;
    if (s->n == 1 && s->objs[0].result) {
        if (json) {
            gojson_write_indent(&sb, s->objs[0].result, "", "    ", NULL);
            strbuf_addch(&sb, '\n');
        } else {
            yamlout_write(&sb, s->objs[0].result, NULL);
        }
    } else if (json) {
        strbuf_adds(&sb, "{\n    \"kind\": \"List\",\n    \"apiVersion\": \"v1\",\n"
                         "    \"metadata\": {},\n    \"items\": [");
        bool first = true;
        for (size_t i = 0; i < s->n; i++) {
            if (!s->objs[i].result)
                continue;
            strbuf_adds(&sb, first ? "\n        " : ",\n        ");
            gojson_write_indent(&sb, s->objs[i].result, "        ", "    ", NULL);
            first = false;
        }
        strbuf_adds(&sb, first ? "]\n}\n" : "\n    ]\n}\n");
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < s->n; i++)
            if (s->objs[i].result)
                json_array_append(items, s->objs[i].result);
        json_t *list = json_pack("{s:s, s:o, s:s, s:{}}", "apiVersion", "v1", "items", items,
                                 "kind", "List", "metadata");
        yamlout_write(&sb, list, NULL);
        json_decref(list);
    }
    fwrite(sb.buf ? sb.buf : "", 1, sb.len, s->out);
    strbuf_release(&sb);
}

/*
 * PARITY: cmdutil.checkErr: one error is printed with "error: " (unless it is an
 * API error, "Error from server ..."), several as MultipleErrors does, each
 * message bare on its own line; fatal() adds a newline only when missing.
 */
static void print_error(const char *msg, size_t nerr)
{
    if (nerr > 1 && strncmp(msg, "error: ", 7) == 0)
        msg += 7;
    size_t n = strlen(msg);
    fprintf(stderr, "%s%s", msg, n && msg[n - 1] == '\n' ? "" : "\n");
}

static bool goes_first(const json_t *obj)
{
    const char *av = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!av || !kind)
        return false;
    return (strcmp(av, "v1") == 0 && strcmp(kind, "Namespace") == 0) ||
           (strncmp(av, "apiextensions.k8s.io/", 21) == 0 &&
            strcmp(kind, "CustomResourceDefinition") == 0);
}

static bool established(const json_t *crd)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(json_object_get(crd, "status"), "conditions"), i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        const char *st = json_string_value(json_object_get(c, "status"));
        if (t && st && strcmp(t, "Established") == 0 && strcmp(st, "True") == 0)
            return true;
    }
    return false;
}

/*
 * Poll each CRD applied in the first phase until Established (60 s at most
 * each), then read discovery again: the objects of the second phase may be of
 * the new kinds. (Mapped objects own their strings, so the old discovery can go.)
 */
static void wait_established(struct apply_session *s)
{
    bool any = false;
    if (s->o->dry != APPLY_DRY_NONE)
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct aobj *a = &s->objs[i];
        if (a->deferred || a->failed || !a->mapped ||
            strcmp(a->map.kind, "CustomResourceDefinition") != 0)
            continue;
        char *path = apply_obj_path(a, false, NULL);
        for (int tries = 0; tries < 600; tries++) {
            struct kclient_req r = {.method = "GET", .path = path};
            struct kclient_resp resp;
            json_t *crd = NULL;
            struct ks_err e = KS_ERR_INIT;
            if (kclient_do(s->client, &r, &resp, &e) == 0 && resp.status == 200)
                gojson_loads(&crd, resp.body.buf ? resp.body.buf : "", resp.body.len, NULL);
            kclient_resp_release(&resp);
            bool ok = crd && established(crd);
            json_decref(crd);
            if (ok)
                break;
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        free(path);
        any = true;
    }
    struct kdisc *fresh = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (any && kdisc_new(&fresh, s->client, NULL, &e) == 0) {
        kdisc_free(s->disc);
        s->disc = fresh;
    }
}

static int run_apply(struct apply_opts *o, int argc, char **argv)
{
    struct manifest m = MANIFEST_INIT;
    struct cliopt_list in_errs = {0};
    struct apply_session s;
    struct ks_err e = KS_ERR_INIT;
    int exit_code = 0;
    bool session = false;

    struct applyin_opts io = {&o->files, o->recursive, o->kustomize,
                              strcmp(o->field_validation, "Ignore") != 0};
    if (applyin_load(&m, &in_errs, &io, &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        exit_code = 1;
        goto done;
    }
    if (m.n == 0 && in_errs.n == 0) {
        fprintf(stderr, "error: no objects passed to apply\n");
        exit_code = 1;
        goto done;
    }
    if (apply_session_open(&s, o, argc, argv, "kubectl apply", &e) != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        exit_code = 1;
        goto done;
    }
    session = true;
    char *aerr = NULL;
    if (apply_prune_allowlist_check(&s, &aerr) != 0) {
        fprintf(stderr, "error: %s\n", aerr ? aerr : "invalid --prune-allowlist");
        free(aerr);
        exit_code = 1;
        goto done;
    }
    s.objs = ks_calloc(m.n ? m.n : 1, sizeof(*s.objs));
    s.n = m.n;
    s.start = o->server_side ? apply_ssa_start : apply_csa_start;
    s.keep_results =
        o->output && (strcmp(o->output, "json") == 0 || strcmp(o->output, "yaml") == 0);
    s.limit = o->concurrency > 0        ? (size_t)o->concurrency
              : m.n <= APPLY_SERIAL_MAX ? 1
                                        : APPLY_DEFAULT_CONCURRENCY;
    if (o->selector && *o->selector) {
        apply_manifest_select(&m, o->selector);
        s.n = m.n;
        if (m.n == 0 && in_errs.n == 0) {
            fprintf(stderr, "error: no objects passed to apply\n");
            exit_code = 1;
            goto done;
        }
    }
    /*
     * Serially (kubectl's order) every object is mapped before any is sent.
     * Concurrently, Namespaces and CRDs go first, the CRDs are waited on until
     * Established, and only then are the others mapped (their kinds may be new).
     */
    bool phased = s.limit > 1;
    for (size_t i = 0; i < m.n; i++) {
        struct aobj *a = &s.objs[i];
        apply_obj_init(a, &s, i, &m.objs[i], true);
        a->deferred = phased && !goes_first(a->obj);
        if (!a->deferred)
            apply_obj_ready(a);
    }
    if (!phased)
        apply_session_prepared(&s);
    int rrc = apply_run(&s, &e);
    if (rrc == 0 && phased) {
        wait_established(&s);
        for (size_t i = 0; i < s.n; i++) {
            struct aobj *a = &s.objs[i];
            if (!a->deferred)
                continue;
            a->deferred = false;
            apply_obj_ready(a);
        }
        apply_session_prepared(&s);
        rrc = apply_run(&s, &e);
    }
    if (rrc != 0) {
        fprintf(stderr, "error: %s\n", e.msg);
        exit_code = 1;
    }
    size_t nerr = in_errs.n;
    for (size_t i = 0; i < s.n; i++)
        nerr += s.objs[i].errors.n;
    if (nerr == 0 && o->output &&
        (strcmp(o->output, "json") == 0 || strcmp(o->output, "yaml") == 0))
        print_objects(&s);
    if (nerr == 0 && o->prune) {
        char *perr = NULL;
        if (apply_prune(&s, stdout, &perr) != 0) {
            fprintf(stderr, "error: %s\n", perr ? perr : "pruning failed");
            exit_code = 1;
        }
        free(perr);
    }
    for (size_t i = 0; i < in_errs.n; i++) {
        char *msg = strncmp(in_errs.v[i], "error: ", 7) ? ks_asprintf("error: %s", in_errs.v[i])
                                                        : ks_strdup(in_errs.v[i]);
        print_error(msg, nerr);
        free(msg);
    }
    for (size_t i = 0; i < s.n; i++)
        for (size_t k = 0; k < s.objs[i].errors.n; k++)
            print_error(s.objs[i].errors.v[k], nerr);
    if (nerr)
        exit_code = 1;
done:
    if (session) {
        for (size_t i = 0; i < s.n; i++)
            apply_obj_release(&s.objs[i]);
        free(s.objs);
        apply_session_close(&s);
    }
    cliopt_list_free(&in_errs);
    manifest_release(&m);
    return exit_code;
}

int cmd_apply_run(int argc, char **argv)
{
    struct apply_opts o;
    struct cliopt_list args = {0};
    int ci = cliopt_command_index(argc, argv);
    if (ci > 0 && ci + 1 < argc &&
        (strcmp(argv[ci + 1], "view-last-applied") == 0 ||
         strcmp(argv[ci + 1], "set-last-applied") == 0))
        return cmd_lastapplied_run(argv[ci + 1], argc, argv);
    memset(&o, 0, sizeof(o));
    o.overwrite = true;
    o.openapi_patch = true;
    o.grace_period = -1;
    int rc = parse_flags(&o, argc, argv, ci, &args);
    if (rc == 0 && args.n > 0) {
        /* apply view-last-applied | set-last-applied | edit-last-applied: kubectl's */
        for (size_t i = 0; i < KS_ARRAY_SIZE(apply_subcommands); i++)
            if (strcmp(args.v[0], apply_subcommands[i]) == 0)
                rc = KS_EDELEGATE;
        if (rc == 0)
            rc = KS_EDELEGATE; /* kubectl reports unexpected arguments */
    }
    if (rc == 0)
        rc = resolve_flags(&o);
    if (rc == KS_EUSAGE) {
        fprintf(stderr,
                "error: invalid argument \"%s\" for \"--convert\" flag: must be auto or never\n",
                o.convert);
        rc = 1;
    } else if (rc == 0) {
        rc = run_apply(&o, argc, argv);
    }
    free(o.dry_run);
    free(o.output);
    free(o.field_manager);
    free(o.validate);
    free(o.timeout);
    free(o.cascade);
    free(o.selector);
    free(o.kustomize);
    free(o.convert);
    cliopt_list_free(&o.files);
    cliopt_list_free(&o.prune_allowlist);
    cliopt_list_free(&args);
    return rc;
}
