/*
 * cmd_convert.c: `kubeshim convert` / `kubectl convert`: convert manifests
 * between API versions offline with the rules of src/convert.
 * PARITY: the kubectl-convert plugin (kubernetes pkg/kubectl/cmd/convert/
 * convert.go): -f/-R/-k, --output-version, -o (default yaml), --local; one
 * object from one file prints alone, anything else as a v1 List.
 * NEEDSWORK: the plugin decodes into typed objects, so its output also holds
 * every server default (imagePullPolicy, creationTimestamp: null, status: {})
 * and its -o json follows Go struct field order; kubeshim prints the converted
 * manifest only (see src/convert/convert.h), -o json with sorted keys.
 */
#include "cmd/cmd.h"

#include "base/gojson.h"
#include "base/ks.h"
#include "base/manifest.h"
#include "base/strbuf.h"
#include "base/yamlout.h"
#include "cmd/applyin.h"
#include "cmd/cliopt.h"
#include "convert/convert.h"
#include "convert/convert_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct convert_cmd {
    struct cliopt_list files;
    bool recursive, local, help;
    char *kustomize, *output_version, *output, *validate, *tmpl;
    bool allow_missing, show_managed;
};

/* Invoked under a name that ends in "kubectl". */
static bool as_kubectl(const char *argv0)
{
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    size_t n = strlen(base);
    return n >= 7 && strcmp(base + n - 7, "kubectl") == 0;
}

/* A kubectl-convert executable on PATH (kubectl would run it for `kubectl convert`). */
static bool plugin_on_path(void)
{
    const char *path = getenv("PATH");
    bool found = false;
    if (!path)
        return false;
    char *copy = ks_strdup(path);
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char *cand = ks_asprintf("%s/kubectl-convert", *dir ? dir : ".");
        struct stat st;
        found = stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0;
        free(cand);
    }
    free(copy);
    return found;
}

static const char usage[] =
    "Convert config files between different API versions. Both YAML and JSON formats are "
    "accepted.\n\n"
    " The command takes filename, directory, or URL as input, and convert it into format of "
    "version specified by --output-version flag. If target version is not specified or not "
    "supported, convert to latest version.\n\n"
    " The default output will be printed to stdout in YAML format. One can use -o option to "
    "change to output destination.\n\n"
    "Examples:\n"
    "  # Convert 'pod.yaml' to latest version and print to stdout.\n"
    "  kubectl convert -f pod.yaml\n\n"
    "  # Convert all files under current directory to latest version and create them all.\n"
    "  kubectl convert -f . | kubectl create -f -\n\n"
    "Options:\n"
    "    -f, --filename=[]: Filename, directory, or URL to files to need to get converted.\n"
    "    -k, --kustomize='': Process the kustomization directory (not supported by kubeshim).\n"
    "    --local=true: If true, convert will NOT try to contact api-server but run locally.\n"
    "    -o, --output='yaml': Output format. One of: json|yaml|name.\n"
    "    --output-version='': Output the formatted object with the given group version (for "
    "ex: 'extensions/v1beta1').\n"
    "    -R, --recursive=false: Process the directory used in -f, --filename recursively.\n\n"
    "Usage:\n"
    "  kubectl convert -f FILENAME [options]\n";

/* kubeshim's own message for a flag it does not know (no plugin to hand it to). */
static void report_unknown_flag(const struct cliopt *opts, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (a[0] != '-' || a[1] == '\0')
            continue;
        size_t len = strcspn(a, "=");
        bool known = false;
        for (const struct cliopt *o = opts; o->name && !known; o++)
            known = (a[1] == '-' && strlen(o->name) == len - 2 &&
                     strncmp(a + 2, o->name, len - 2) == 0) ||
                    (a[1] != '-' && o->shorthand && strchr(a + 1, o->shorthand) == a + 1);
        char *flag = ks_strndup(a, len);
        known = known || cliopt_is_global(flag);
        free(flag);
        if (!known) {
            fprintf(stderr, "error: unknown flag: %.*s\nSee 'kubectl convert --help' for usage.\n",
                    (int)len, a);
            return;
        }
    }
    fprintf(stderr, "error: kubeshim convert: unsupported flag\n");
}

/*
 * --output-version as schema.ParseGroupVersion reads it: "" or "v1" (core),
 * "group/version"; more than one slash is an error.
 */
static int check_group_version(const char *gv, struct ks_err *e)
{
    const char *slash = strchr(gv, '/');
    if (slash && strchr(slash + 1, '/'))
        return ks_fail(e, KS_EUSAGE, "unexpected GroupVersion string: %s", gv);
    return 0;
}

/* True when some rule knows kind (a kind kubectl-convert's scheme would have). */
static bool kind_known(const char *kind)
{
    size_t n;
    const struct convert_rule *r = convert_rules_table(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].kind, kind) == 0)
            return true;
    return false;
}

/*
 * Convert one object. No --output-version: the newest version the up rules
 * reach (unchanged when none). With one: the path there; an object of a kind
 * no rule knows goes through unchanged, as the plugin passes objects its
 * scheme does not register.
 */
static int convert_one(json_t **out, const struct manifest_obj *mo, const char *target,
                       struct ks_err *e)
{
    const json_t *obj = mo->obj;
    const char *gv = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!json_is_object(obj) || !kind || !*kind || !gv || !*gv) {
        /* PARITY: the plugin's decoder (apimachinery runtime.missingKindErr) */
        char *js = gojson_dumps(obj);
        ks_fail(e, KS_EINPUT, "unable to decode \"%s\": Object '%s' is missing in '%s'", mo->source,
                !kind || !*kind ? "Kind" : "apiVersion", js ? js : "");
        free(js);
        return KS_EINPUT;
    }
    const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    int rc = convert_check_removed(gv, kind, name, e);
    if (rc)
        return rc;
    struct convert_path p;
    if (!target || !*target) {
        convert_path_latest(&p, gv, kind);
        return convert_path_apply(out, obj, &p, e);
    }
    if (!kind_known(kind) && strcmp(gv, target) != 0) {
        *out = json_incref((json_t *)obj);
        return 0;
    }
    return convert_object(out, obj, target, e);
}

/* PARITY: cli-runtime NamePrinter with the operation "converted": kind.group/name */
static void print_name(struct strbuf *sb, const json_t *o)
{
    const char *gv = json_string_value(json_object_get(o, "apiVersion"));
    const char *kind = json_string_value(json_object_get(o, "kind"));
    const char *name = json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
    const char *slash = gv ? strchr(gv, '/') : NULL;
    for (const char *k = kind ? kind : ""; *k; k++)
        strbuf_addch(sb, (char)tolower((unsigned char)*k));
    if (slash)
        strbuf_addf(sb, ".%.*s", (int)(slash - gv), gv);
    strbuf_addf(sb, "/%s converted\n", name && *name ? name : "<unknown>");
}

/* The v1 List that wraps several objects (see run()). */
static bool is_list(const json_t *result)
{
    const char *kind = json_string_value(json_object_get(result, "kind"));
    const char *gv = json_string_value(json_object_get(result, "apiVersion"));
    return kind && gv && strcmp(kind, "List") == 0 && strcmp(gv, "v1") == 0 &&
           json_is_array(json_object_get(result, "items"));
}

/* Write the result (one object, or a List) in format fmt. */
static int print_result(struct strbuf *sb, const json_t *result, const char *fmt, struct ks_err *e)
{
    if (strcmp(fmt, "json") == 0) {
        /* PARITY: printers.JSONPrinter: 4-space MarshalIndent and a newline */
        int rc = gojson_write_indent(sb, result, "", "    ", e);
        strbuf_addch(sb, '\n');
        return rc;
    }
    if (strcmp(fmt, "yaml") == 0)
        return yamlout_write(sb, result, e); /* PARITY: printers.YAMLPrinter */
    /* PARITY: the plugin's List is a typed *v1.List, which NamePrinter refuses */
    if (is_list(result))
        return ks_fail(e, KS_EUSAGE, "list types are not supported by name printing: *v1.List");
    print_name(sb, result);
    return 0;
}

/* The formats kubectl's PrintFlags know, of which kubeshim prints json, yaml and name. */
static int check_output(const char *fmt, struct ks_err *e)
{
    static const char *const native[] = {"json", "yaml", "name"};
    static const char *const kubectl_only[] = {"go-template",      "go-template-file", "jsonpath",
                                               "jsonpath-as-json", "jsonpath-file",    "template",
                                               "templatefile"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(native); i++)
        if (strcmp(fmt, native[i]) == 0)
            return 0;
    size_t len = strcspn(fmt, "=");
    for (size_t i = 0; i < KS_ARRAY_SIZE(kubectl_only); i++)
        if (strlen(kubectl_only[i]) == len && strncmp(fmt, kubectl_only[i], len) == 0)
            return ks_fail(e, KS_EUSAGE,
                           "kubeshim convert: output format \"%s\" is not "
                           "supported natively; install the kubectl-convert "
                           "plugin",
                           fmt);
    /* PARITY: genericclioptions.NoCompatiblePrinterError */
    return ks_fail(e, KS_EUSAGE,
                   "unable to match a printer suitable for the output format \"%s\", allowed "
                   "formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
                   "jsonpath-file,name,template,templatefile,yaml",
                   fmt);
}

/* One -f path that is a file: the plugin's singleItemImplied (cli-runtime visitByPaths). */
static bool single_item_implied(const struct cliopt_list *files)
{
    if (files->n != 1 || strcmp(files->v[0], "-") == 0 || strstr(files->v[0], "://"))
        return false;
    struct stat st;
    return stat(files->v[0], &st) == 0 && !S_ISDIR(st.st_mode);
}

static int run(struct convert_cmd *c, struct strbuf *out, struct ks_err *e)
{
    struct manifest m = MANIFEST_INIT;
    struct cliopt_list errs = {0};
    json_t *items = json_array(), *result = NULL;
    int rc = 0;
    if (c->files.n && c->kustomize) {
        rc = ks_fail(e, KS_EUSAGE, "only one of -f or -k can be specified");
        goto done;
    }
    if (c->kustomize) {
        rc = ks_fail(e, KS_EUSAGE,
                     "kubeshim convert: -k is not supported natively; run "
                     "kubectl kustomize and convert its output with -f -");
        goto done;
    }
    if ((rc = check_output(c->output ? c->output : "yaml", e)) ||
        (c->output_version && (rc = check_group_version(c->output_version, e))))
        goto done;
    struct applyin_opts ao = {&c->files, c->recursive, NULL, false};
    if ((rc = applyin_load(&m, &errs, &ao, e)))
        goto done;
    if (errs.n) {
        /* PARITY: ContinueOnError aggregates; one line per source, the first decides */
        rc = ks_fail(e, KS_EINPUT, "%s", errs.v[0]);
        goto done;
    }
    if (m.n == 0) {
        rc = ks_fail(e, KS_EINPUT, "no objects passed to convert");
        goto done;
    }
    for (size_t i = 0; i < m.n; i++) {
        json_t *conv = NULL;
        if ((rc = convert_one(&conv, &m.objs[i], c->output_version, e)))
            goto done;
        json_array_append_new(items, conv);
    }
    if (json_array_size(items) == 1 && single_item_implied(&c->files)) {
        result = json_incref(json_array_get(items, 0));
    } else {
        /* PARITY: asVersionedObject wraps the objects in an api.List, encoded as v1 List */
        result = json_pack("{s:s, s:s, s:O, s:{}}", "apiVersion", "v1", "kind", "List", "items",
                           items, "metadata");
    }
    rc = print_result(out, result, c->output ? c->output : "yaml", e);
done:
    json_decref(result);
    json_decref(items);
    cliopt_list_free(&errs);
    manifest_release(&m);
    return rc;
}

int cmd_convert_run(int argc, char **argv)
{
    /* kubectl runs a kubectl-convert plugin itself; so do we, as kubectl */
    if (as_kubectl(argv[0]) && plugin_on_path())
        return KS_EDELEGATE;
    struct convert_cmd c = {.local = true};
    const struct cliopt opts[] = {
        {"filename", 'f', CLIOPT_STRINGS, &c.files, NULL, NULL, true},
        {"recursive", 'R', CLIOPT_BOOL, &c.recursive, NULL, NULL, false},
        {"kustomize", 'k', CLIOPT_STRING, &c.kustomize, NULL, NULL, false},
        {"output-version", 0, CLIOPT_STRING, &c.output_version, NULL, NULL, false},
        {"output", 'o', CLIOPT_STRING, &c.output, NULL, NULL, false},
        /* NEEDSWORK: --local=false only made the plugin load the server's schema to validate */
        {"local", 0, CLIOPT_BOOL, &c.local, NULL, NULL, false},
        {"validate", 0, CLIOPT_STRING, &c.validate, "strict", NULL, false},
        {"template", 0, CLIOPT_STRING, &c.tmpl, NULL, NULL, false},
        {"allow-missing-template-keys", 0, CLIOPT_BOOL, &c.allow_missing, NULL, NULL, false},
        {"show-managed-fields", 0, CLIOPT_BOOL, &c.show_managed, NULL, NULL, false},
        {"help", 'h', CLIOPT_BOOL, &c.help, NULL, NULL, false},
        {NULL, 0, CLIOPT_BOOL, NULL, NULL, NULL, false},
    };
    struct cliopt_list args = {0};
    struct ks_err e = KS_ERR_INIT;
    struct strbuf out = STRBUF_INIT;
    int status = 0;
    int rc = cliopt_parse(opts, argc, argv, cliopt_command_index(argc, argv), &args, &e);
    if (rc == KS_EDELEGATE) {
        report_unknown_flag(opts, argc, argv);
        status = 1;
    } else if (rc) {
        fprintf(stderr, "error: %s\n", e.msg);
        status = 1;
    } else if (c.help) {
        fputs(usage, stdout);
    } else if ((rc = run(&c, &out, &e))) {
        fprintf(stderr, "error: %s\n", e.msg);
        status = 1;
    } else {
        fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
    }
    strbuf_release(&out);
    cliopt_list_free(&args);
    cliopt_free(opts);
    return status;
}
