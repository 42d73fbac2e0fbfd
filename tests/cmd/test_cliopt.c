/*
 * test_cliopt.c: the option parser against pflag's syntax rules (spf13/pflag
 * flag.go: parseLongArg, parseShortArg, NoOptDefVal) and kubectl's global flags.
 */
#include "cmd/cliopt.h"
#include "ktest.h"

struct o {
    bool recursive, server_side, overwrite;
    char *dry_run, *output, *field_manager;
    struct cliopt_list files;
    long grace;
};

static int parse(struct o *o, int argc, char **argv, struct cliopt_list *args)
{
    memset(o, 0, sizeof(*o));
    o->overwrite = true;
    o->grace = -1;
    const struct cliopt opts[] = {
        {"filename", 'f', CLIOPT_STRINGS, &o->files, NULL, NULL, false},
        {"recursive", 'R', CLIOPT_BOOL, &o->recursive, NULL, NULL, false},
        {"server-side", 0, CLIOPT_BOOL, &o->server_side, NULL, NULL, false},
        {"overwrite", 0, CLIOPT_BOOL, &o->overwrite, NULL, NULL, false},
        {"dry-run", 0, CLIOPT_STRING, &o->dry_run, "unchanged", NULL, false},
        {"output", 'o', CLIOPT_STRING, &o->output, NULL, NULL, false},
        {"field-manager", 0, CLIOPT_STRING, &o->field_manager, NULL, NULL, false},
        {"grace-period", 0, CLIOPT_INT, &o->grace, NULL, NULL, false},
        {"wait", 0, CLIOPT_DELEGATE, NULL, NULL, NULL, false},
        {NULL, 0, 0, NULL, NULL, NULL, false},
    };
    struct ks_err e = KS_ERR_INIT;
    int rc = cliopt_parse(opts, argc, argv, 1, args, &e);
    if (rc)
        cliopt_free(opts);
    return rc;
}

static void release(struct o *o)
{
    free(o->dry_run);
    free(o->output);
    free(o->field_manager);
    cliopt_list_free(&o->files);
}

int main(void)
{
    struct o o;
    struct cliopt_list args = {0};
    {
        char *argv[] = {"kubectl",  "apply", "-f", "a.yaml",      "--filename=b.yaml",
                        "-fc.yaml", "-Rf",   "d",  "-o=name",     "--dry-run",
                        "server",   "-n",    "ns", "--context=x", "--grace-period",
                        "30",       NULL};
        KT_CHECK_INT(parse(&o, 16, argv, &args), 0);
        KT_CHECK_INT(o.files.n, 4);
        KT_CHECK_STR(o.files.v[0], "a.yaml");
        KT_CHECK_STR(o.files.v[1], "b.yaml");
        KT_CHECK_STR(o.files.v[2], "c.yaml");
        KT_CHECK_STR(o.files.v[3], "d");
        KT_CHECK(o.recursive);
        KT_CHECK_STR(o.output, "name");
        /* --dry-run has a no-option default: "server" is a positional argument */
        KT_CHECK_STR(o.dry_run, "unchanged");
        KT_CHECK_INT(args.n, 1);
        KT_CHECK_STR(args.v[0], "server");
        KT_CHECK_INT(o.grace, 30);
        release(&o);
        cliopt_list_free(&args);
    }
    {
        char *argv[] = {
            "kubectl", "apply", "--overwrite=false", "--server-side", "--dry-run=client", "--",
            "-x",      NULL};
        KT_CHECK_INT(parse(&o, 7, argv, &args), 0);
        KT_CHECK(!o.overwrite);
        KT_CHECK(o.server_side);
        KT_CHECK_STR(o.dry_run, "client");
        KT_CHECK_INT(args.n, 1);
        KT_CHECK_STR(args.v[0], "-x");
        release(&o);
        cliopt_list_free(&args);
    }
    {
        /* unknown flags and flags we do not implement go to kubectl */
        char *a1[] = {"kubectl", "apply", "--frobnicate", NULL};
        KT_CHECK_INT(parse(&o, 3, a1, &args), KS_EDELEGATE);
        char *a2[] = {"kubectl", "apply", "--wait", NULL};
        KT_CHECK_INT(parse(&o, 3, a2, &args), KS_EDELEGATE);
        char *a3[] = {"kubectl", "apply", "-Z", NULL};
        KT_CHECK_INT(parse(&o, 3, a3, &args), KS_EDELEGATE);
        /* a malformed value is a usage error (the command hands it to kubectl) */
        char *a4[] = {"kubectl", "apply", "--overwrite=maybe", NULL};
        KT_CHECK_INT(parse(&o, 3, a4, &args), KS_EUSAGE);
        char *a5[] = {"kubectl", "apply", "-o", NULL};
        KT_CHECK_INT(parse(&o, 3, a5, &args), KS_EUSAGE);
        cliopt_list_free(&args);
    }
    KT_CHECK(cliopt_global_takes_value("--kubeconfig"));
    KT_CHECK(cliopt_global_takes_value("-n"));
    KT_CHECK(!cliopt_global_takes_value("--insecure-skip-tls-verify"));
    KT_CHECK(cliopt_is_global("--insecure-skip-tls-verify"));
    KT_CHECK(!cliopt_is_global("--filename"));
    return kt_done();
}
