/*
 * cmd_patchtool.c: the offline engine commands `kubeshim build-patch` (the
 * patch kubectl apply would build from original/modified[/current] files)
 * and `kubeshim apply-patch` (apply a patch to a file, like `kubectl patch
 * --local`). Metadata: --openapi FILE (v3 or v2, used when its PATCH takes
 * strategic merge patch, as kubectl does), else the built-in tables.
 * PARITY: kubectl patch's flags and local errors (pkg/cmd/patch/patch.go).
 */
#include "cmd/cmd.h"

#include "base/gojson.h"
#include "base/ks.h"
#include "base/strbuf.h"
#include "base/yamlin.h"
#include "base/yamlout.h"
#include "cmd/cliopt.h"
#include "merge/merge_jmp.h"
#include "merge/merge_smp.h"
#include "patch/patch_jmp.h"
#include "patch/patch_jsonpatch.h"
#include "patch/patch_smp.h"
#include "patch/pmeta_builtin.h"
#include "patch/pmeta_openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct patchtool {
    char *original, *modified, *current, *filename, *patch, *patch_file;
    char *type, *kind, *openapi, *output;
    bool overwrite, help;
    /* resolved */
    char group[256], version[64], kindname[128];
    struct pmeta_openapi *set;
    json_t *openapi_doc;
};

/* Read a file ("-" is stdin). Errors: KS_EINPUT naming the file. */
static int read_file(struct strbuf *sb, const char *path, struct ks_err *e)
{
    char buf[65536];
    size_t n;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return ks_fail(e, KS_EINPUT, "the path \"%s\" does not exist", path);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(sb, buf, n);
    if (f != stdin)
        fclose(f);
    return 0;
}

/* One YAML or JSON document from a file. */
static int load_doc(json_t **out, const char *path, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = read_file(&sb, path, e);
    *out = NULL;
    if (rc == 0)
        rc = yamlin_load(out, sb.buf ? sb.buf : "", sb.len, path, NULL, e);
    strbuf_release(&sb);
    return rc;
}

/* --kind: "group/version/Kind", "v1/Kind", or "Kind" (apiVersion from the documents). */
static void set_kind(struct patchtool *t, const char *api_version, const char *kind)
{
    const char *slash = api_version ? strchr(api_version, '/') : NULL;
    if (api_version && !t->version[0]) {
        if (slash) {
            snprintf(t->group, sizeof(t->group), "%.*s", (int)(slash - api_version), api_version);
            snprintf(t->version, sizeof(t->version), "%s", slash + 1);
        } else {
            snprintf(t->version, sizeof(t->version), "%s", api_version);
        }
    }
    if (kind && !t->kindname[0])
        snprintf(t->kindname, sizeof(t->kindname), "%s", kind);
}

static void resolve_kind(struct patchtool *t, const json_t *const *docs, size_t n)
{
    if (t->kind) {
        const char *last = strrchr(t->kind, '/');
        if (last) {
            char *av = ks_strndup(t->kind, (size_t)(last - t->kind));
            set_kind(t, av, last + 1);
            free(av);
        } else {
            set_kind(t, NULL, t->kind);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (docs[i])
            set_kind(t, json_string_value(json_object_get(docs[i], "apiVersion")),
                     json_string_value(json_object_get(docs[i], "kind")));
}

/*
 * The metadata for the kind, kubectl's way: the OpenAPI document when its
 * PATCH for the kind takes strategic merge patch, else the built-in tables.
 */
static int resolve_schema(const struct pmeta_type **out, struct patchtool *t, struct ks_err *e)
{
    *out = NULL;
    if (t->openapi) {
        bool smp = false;
        int rc = load_doc(&t->openapi_doc, t->openapi, e);
        if (rc == 0)
            rc = json_object_get(t->openapi_doc, "openapi")
                     ? pmeta_openapi_load_v3(&t->set, t->openapi_doc, e)
                     : pmeta_openapi_load_v2(&t->set, t->openapi_doc, e);
        if (rc == 0)
            rc = pmeta_openapi_kind(out, &smp, t->set, t->group, t->version, t->kindname, e);
        /* A schema named outright (--kind mergeItem): the caller's choice. */
        if (rc == 0 && !*out && !t->version[0] && t->kindname[0]) {
            rc = pmeta_openapi_named(out, t->set, t->kindname, e);
            smp = true;
        }
        if (rc < 0)
            return ks_context(e, "%s", t->openapi);
        if (*out && smp)
            return 0;
        *out = NULL;
    }
    *out = pmeta_builtin_kind(t->group, t->version, t->kindname);
    return 0;
}

static int print_value(const json_t *v, const char *output, bool compact_default, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc;
    if (!output || !*output)
        output = compact_default ? "" : "json";
    if (strcmp(output, "yaml") == 0)
        rc = yamlout_write(&sb, v, e);
    else if (strcmp(output, "json") == 0)
        rc = gojson_write_indent(&sb, v, "", "    ", e);
    else if (!*output)
        rc = gojson_write(&sb, v, e);
    else
        return ks_fail(e, KS_EUSAGE,
                       "unable to match a printer suitable for the output format \"%s\", allowed "
                       "formats are: json,yaml",
                       output);
    if (rc == 0) {
        if (!sb.len || sb.buf[sb.len - 1] != '\n')
            strbuf_addch(&sb, '\n');
        fwrite(sb.buf, 1, sb.len, stdout);
    }
    strbuf_release(&sb);
    return rc;
}

/* "error: <message>" on one line: newlines of multi-line upstream texts become spaces. */
static int report(const char *cmd, struct ks_err *e)
{
    if (e->code == KS_ECONFLICT) {
        fprintf(stderr,
                "error: %s: the patch conflicts with changes made from original to "
                "current (--overwrite=true overrides them)\n",
                cmd);
        return 1;
    }
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = e->msg; *p; p++)
        if (*p != '\n' || (p[1] && sb.len && sb.buf[sb.len - 1] != ' '))
            strbuf_addch(&sb, *p == '\n' ? ' ' : *p);
    fprintf(stderr, "error: %s\n",
            strncmp(sb.buf ? sb.buf : "", "error: ", 7) == 0 ? sb.buf + 7
                                                             : (sb.buf ? sb.buf : "unknown error"));
    strbuf_release(&sb);
    return 1;
}

static void release(struct patchtool *t, const struct cliopt *opts, struct cliopt_list *args)
{
    pmeta_openapi_free(t->set);
    json_decref(t->openapi_doc);
    cliopt_free(opts);
    cliopt_list_free(args);
}

static int parse_flags(const struct cliopt *opts, int argc, char **argv, struct cliopt_list *args,
                       const char *cmd, struct ks_err *e)
{
    int rc = cliopt_parse(opts, argc, argv, cliopt_command_index(argc, argv), args, e);
    if (rc == KS_EDELEGATE)
        rc = ks_fail(e, KS_EUSAGE, "unknown flag for %s; see 'kubeshim %s --help'", cmd, cmd);
    if (rc == 0 && args->n > 0)
        rc = ks_fail(e, KS_EUSAGE, "%s takes no arguments, got \"%s\"", cmd, args->v[0]);
    return rc;
}

static const char build_usage[] =
    "Build the patch kubectl would send, from files (YAML or JSON; - is stdin).\n"
    "\n"
    "Usage:\n"
    "  kubeshim build-patch --modified FILE [--original FILE] [--current FILE] [options]\n"
    "\n"
    "With --current, the three-way patch of kubectl apply (original = last-applied,\n"
    "modified = manifest, current = live); without, the two-way patch.\n"
    "\n"
    "Options:\n"
    "  --original FILE   the document before (three-way: the last-applied configuration)\n"
    "  --modified FILE   the document wanted\n"
    "  --current FILE    the live object: build kubectl apply's three-way patch\n"
    "  --type TYPE       strategic or merge (default: strategic when the kind has patch\n"
    "                    metadata, else merge, as kubectl apply chooses)\n"
    "  --kind KIND       group/version/Kind, v1/Kind or Kind (default: from the files);\n"
    "                    with --openapi, also the name of a schema in the document\n"
    "  --openapi FILE    an OpenAPI v3 or v2 document to read patch metadata from\n"
    "  --overwrite       three-way strategic: override changes made in the cluster (default true)\n"
    "  -o, --output FMT  json or yaml (default: compact JSON, the bytes kubectl sends)\n";

int cmd_build_patch_run(int argc, char **argv)
{
    struct patchtool t = {.overwrite = true};
    struct cliopt_list args = {0};
    struct ks_err e = KS_ERR_INIT;
    json_t *docs[3] = {NULL, NULL, NULL}, *patch = NULL;
    const struct pmeta_type *schema = NULL;
    const struct cliopt opts[] = {
        {"original", 0, CLIOPT_STRING, &t.original, NULL, NULL, false},
        {"modified", 0, CLIOPT_STRING, &t.modified, NULL, NULL, false},
        {"current", 0, CLIOPT_STRING, &t.current, NULL, NULL, false},
        {"type", 0, CLIOPT_STRING, &t.type, NULL, NULL, false},
        {"kind", 0, CLIOPT_STRING, &t.kind, NULL, NULL, false},
        {"openapi", 0, CLIOPT_STRING, &t.openapi, NULL, NULL, false},
        {"overwrite", 0, CLIOPT_BOOL, &t.overwrite, NULL, NULL, false},
        {"output", 'o', CLIOPT_STRING, &t.output, NULL, NULL, false},
        {"help", 'h', CLIOPT_BOOL, &t.help, NULL, NULL, false},
        {NULL, 0, CLIOPT_BOOL, NULL, NULL, NULL, false},
    };
    int rc = parse_flags(opts, argc, argv, &args, "build-patch", &e);
    if (rc == 0 && t.help) {
        fputs(build_usage, stdout);
        goto done;
    }
    if (rc == 0 && !t.modified)
        rc = ks_fail(&e, KS_EUSAGE, "build-patch needs --modified FILE");
    if (rc == 0 && t.type && strcmp(t.type, "strategic") && strcmp(t.type, "merge"))
        rc =
            ks_fail(&e, KS_EUSAGE, "--type must be \"strategic\" or \"merge\", not \"%s\"", t.type);
    if (rc == 0 && t.original)
        rc = load_doc(&docs[0], t.original, &e);
    if (rc == 0)
        rc = load_doc(&docs[1], t.modified, &e);
    if (rc == 0 && t.current)
        rc = load_doc(&docs[2], t.current, &e);
    if (rc < 0)
        goto done;
    resolve_kind(&t, (const json_t *const *)docs, 3);
    if ((rc = resolve_schema(&schema, &t, &e)) < 0)
        goto done;
    bool smp = t.type ? strcmp(t.type, "strategic") == 0 : schema != NULL;
    if (smp)
        rc = t.current ? merge_smp_3way(&patch, docs[0], docs[1], docs[2], schema, t.overwrite, &e)
                       : merge_smp_2way(&patch, docs[0], docs[1], schema, &e);
    else
        rc = t.current ? merge_jmp_3way(&patch, docs[0], docs[1], docs[2], &e)
                       : merge_jmp_2way(&patch, docs[0], docs[1], &e);
    if (rc == 0)
        rc = print_value(patch, t.output, true, &e);
done:
    for (size_t i = 0; i < 3; i++)
        json_decref(docs[i]);
    json_decref(patch);
    release(&t, opts, &args);
    return rc < 0 ? report("build-patch", &e) : 0;
}

static const char apply_usage[] =
    "Apply a patch to a file, as the API server would (like kubectl patch --local).\n"
    "\n"
    "Usage:\n"
    "  kubeshim apply-patch -f FILE (-p PATCH | --patch-file FILE) [options]\n"
    "\n"
    "Options:\n"
    "  -f, --filename FILE  the document to patch (YAML or JSON; - is stdin)\n"
    "  -p, --patch PATCH    the patch, JSON or YAML\n"
    "  --patch-file FILE    a file holding the patch\n"
    "  --type TYPE          strategic (default), merge or json\n"
    "  --kind KIND          group/version/Kind, v1/Kind or Kind (default: from the file)\n"
    "  --openapi FILE       an OpenAPI v3 or v2 document to read patch metadata from\n"
    "  -o, --output FMT     json (default) or yaml\n";

static int apply_patch(json_t **out, struct patchtool *t, const json_t *target, const json_t *patch,
                       struct ks_err *e)
{
    const char *type = t->type ? t->type : "strategic";
    const struct pmeta_type *schema = NULL;
    int rc;
    if (strcmp(type, "merge") == 0)
        return patch_jmp_apply(out, target, patch, e);
    if (strcmp(type, "json") == 0) {
        rc = patch_jsonpatch_apply(out, target, patch, e);
        /* PARITY: kubectl patch (getPatchedJSON) rewrites "doc is missing key" errors. */
        const char *key = rc < 0 ? strstr(e->msg, "doc is missing key: ") : NULL;
        if (key) {
            char *field = ks_strdup(key + 20);
            ks_fail(e, rc, "Object to be patched is missing field (%s)", field);
            free(field);
        }
        return rc;
    }
    if (strcmp(type, "strategic") != 0)
        return ks_fail(e, KS_EUSAGE, "--type must be one of [json merge strategic], not \"%s\"",
                       type);
    if ((rc = resolve_schema(&schema, t, e)) < 0)
        return rc;
    if (!schema)
        /* PARITY: kubectl patch --local on a kind it has no Go type for. */
        return ks_fail(e, KS_EINVALID,
                       "strategic merge patch is not supported for %s%s%s, Kind=%s locally, try "
                       "--type merge",
                       t->group, "/", t->version, t->kindname);
    return patch_smp_apply(out, target, patch, schema, e);
}

int cmd_apply_patch_run(int argc, char **argv)
{
    struct patchtool t = {0};
    struct cliopt_list args = {0};
    struct ks_err e = KS_ERR_INIT;
    struct strbuf pb = STRBUF_INIT;
    json_t *target = NULL, *patch = NULL, *res = NULL;
    const struct cliopt opts[] = {
        {"filename", 'f', CLIOPT_STRING, &t.filename, NULL, NULL, false},
        {"patch", 'p', CLIOPT_STRING, &t.patch, NULL, NULL, false},
        {"patch-file", 0, CLIOPT_STRING, &t.patch_file, NULL, NULL, false},
        {"type", 0, CLIOPT_STRING, &t.type, NULL, NULL, false},
        {"kind", 0, CLIOPT_STRING, &t.kind, NULL, NULL, false},
        {"openapi", 0, CLIOPT_STRING, &t.openapi, NULL, NULL, false},
        {"output", 'o', CLIOPT_STRING, &t.output, NULL, NULL, false},
        {"help", 'h', CLIOPT_BOOL, &t.help, NULL, NULL, false},
        {NULL, 0, CLIOPT_BOOL, NULL, NULL, NULL, false},
    };
    int rc = parse_flags(opts, argc, argv, &args, "apply-patch", &e);
    if (rc == 0 && t.help) {
        fputs(apply_usage, stdout);
        goto done;
    }
    if (rc == 0 && !t.filename)
        rc = ks_fail(&e, KS_EUSAGE, "apply-patch needs -f FILE");
    /* PARITY: kubectl patch's wording for the patch flags. */
    if (rc == 0 && t.patch && t.patch_file)
        rc = ks_fail(&e, KS_EUSAGE, "--patch and --patch-file are mutually exclusive");
    if (rc == 0 && !t.patch && !t.patch_file)
        rc = ks_fail(&e, KS_EUSAGE,
                     "must specify --patch or --patch-file containing the contents of the patch");
    if (rc == 0)
        rc = load_doc(&target, t.filename, &e);
    if (rc == 0 && t.patch_file)
        rc = read_file(&pb, t.patch_file, &e);
    else if (rc == 0)
        strbuf_adds(&pb, t.patch);
    /* PARITY: kubectl converts the patch from YAML to JSON first. */
    if (rc == 0)
        rc = yamlin_load(&patch, pb.buf ? pb.buf : "", pb.len,
                         t.patch_file ? t.patch_file : "--patch", NULL, &e);
    if (rc < 0)
        goto done;
    resolve_kind(&t, (const json_t *const *)&target, 1);
    rc = apply_patch(&res, &t, target, patch, &e);
    if (rc == 0)
        rc = print_value(res, t.output, false, &e);
done:
    json_decref(target);
    json_decref(patch);
    json_decref(res);
    strbuf_release(&pb);
    release(&t, opts, &args);
    return rc < 0 ? report("apply-patch", &e) : 0;
}
