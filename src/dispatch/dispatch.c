/*
 * dispatch.c: exec the kubectl that resolve.c chose, and the kubeshim
 * subcommands that explain the choice: version, bins, which [--explain].
 * PARITY: Google's dispatcher execs with the original argv (argv[0] stays
 * "kubectl") and the unchanged environment; so do we.
 */
#include "dispatch/dispatch.h"

#include "base/ks.h"
#include "base/strbuf.h"
#include "dispatch/argv.h"
#include "dispatch/probe.h"
#include "dispatch/resolve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int dispatch_exec(int argc, char **argv)
{
    struct resolve r;
    struct resolve_opts o = {false, false, &probe_net_real};
    struct ks_err e = KS_ERR_INIT;
    if (resolve_run(&r, argc, argv, &o, &e) < 0) {
        fprintf(stderr, "error: kubeshim: %s\n", e.msg);
        resolve_release(&r);
        return 1;
    }
    resolve_print_notes(&r);
    fflush(stdout);
    execve(r.chosen, argv, environ);
    int err = errno;
    fprintf(stderr, "error: kubeshim: cannot run %s: %s\n", r.chosen, strerror(err));
    resolve_release(&r);
    return err == ENOENT ? 127 : 126;
}

/*
 * The kubectl command line inside a kubeshim subcommand line: argv[0], the
 * global flags before the subcommand word, and what follows it, without the
 * subcommand's own leading flags (named in own[], counted in *seen).
 * Ownership: the array is new (free() it); its strings are argv's.
 */
static char **inner_argv(int argc, char **argv, const char *const *own, bool *seen, int *out_argc)
{
    int ci = argv_command_index(argc, argv);
    char **kargv = ks_calloc((size_t)argc + 1, sizeof(*kargv));
    int n = 0;
    kargv[n++] = argv[0];
    for (int i = 1; i < ci; i++)
        kargv[n++] = argv[i];
    int i = ci + 1;
    for (; i < argc; i++) {
        int k = 0;
        for (; own[k]; k++)
            if (strcmp(argv[i], own[k]) == 0)
                break;
        if (!own[k])
            break;
        seen[k] = true;
    }
    for (; i < argc; i++)
        kargv[n++] = argv[i];
    kargv[n] = NULL;
    *out_argc = n;
    return kargv;
}

static void print_bins(const struct resolve *r, const char *mark)
{
    char vb[32];
    if (r->bins.n == 0) {
        printf("  (no versioned kubectl found)\n");
        return;
    }
    for (size_t i = 0; i < r->bins.n; i++) {
        const struct bins_entry *b = &r->bins.v[i];
        bool chosen = mark && strcmp(mark, b->path) == 0;
        printf("%s %-9s %-24s %s\n", chosen ? "*" : " ", kver_str(&b->ver, vb, sizeof(vb)),
               bins_source_name(b->source), b->path);
    }
}

int dispatch_which_run(int argc, char **argv)
{
    static const char *const own[] = {"--explain", "--refresh", NULL};
    bool seen[2] = {false, false};
    int kargc = 0;
    char **kargv = inner_argv(argc, argv, own, seen, &kargc);
    struct resolve r;
    struct resolve_opts o = {seen[1], true, &probe_net_real};
    struct ks_err e = KS_ERR_INIT;
    int rc = resolve_run(&r, kargc, kargv, &o, &e);
    if (rc < 0) {
        fprintf(stderr, "error: kubeshim: %s\n", e.msg);
        if (!seen[0])
            goto done;
    }
    if (!seen[0]) {
        if (r.warning && !r.set.quiet)
            fprintf(stderr, "%s\n", r.warning);
        printf("%s\n", r.chosen);
        goto done;
    }
    printf("kubectl:    %s\n", r.chosen ? r.chosen : "(none)");
    printf("reason:     %s\n", r.chosen ? r.reason : e.msg);
    if (r.have_server)
        printf("server:     %s %s\n", r.server_url ? r.server_url : "", r.git_version);
    printf("probe:      %s\n", r.probe[0] ? r.probe : "not needed");
    printf("policy:     %s (fallback: %s; downloads %s%s)\n", settings_policy_name(r.set.policy),
           r.set.use_latest ? "the newest local kubectl" : "none",
           r.set.allow_download ? "on from " : "off", r.set.allow_download ? r.set.mirror : "");
    printf("timeouts:   probe %dms, version cache %ds\n", r.set.probe_timeout_ms,
           r.set.cache_ttl_s);
    printf("config:     %s\n", r.set.files && r.set.files[0] ? r.set.files : "(no files)");
    if (r.cache_file)
        printf("cache:      %s\n", r.cache_file);
    if (r.warning)
        printf("warning:    %s\n", r.warning + strlen("kubeshim: warning: "));
    printf("candidates:\n");
    print_bins(&r, r.chosen);
done:
    resolve_release(&r);
    free(kargv);
    return rc < 0 ? 1 : 0;
}

int dispatch_bins_run(int argc, char **argv)
{
    static const char *const own[] = {NULL};
    int kargc = 0;
    char **kargv = inner_argv(argc, argv, own, NULL, &kargc);
    /* `config` is local-only: resolution scans the binaries and never probes. */
    char *local[] = {kargv[0], "config", NULL};
    struct resolve r;
    struct resolve_opts o = {false, true, &probe_net_real};
    struct ks_err e = KS_ERR_INIT;
    int rc = resolve_run(&r, 2, local, &o, &e);
    if (rc < 0 && e.code == KS_EINPUT) {
        fprintf(stderr, "error: kubeshim: %s\n", e.msg);
    } else {
        rc = 0;
        printf("  %-9s %-24s %s\n", "VERSION", "SOURCE", "PATH");
        print_bins(&r, NULL);
        if (r.bins.n == 0 && r.chosen)
            printf("  %-9s %-24s %s\n", "?", "PATH (fallback)", r.chosen);
    }
    resolve_release(&r);
    free(kargv);
    return rc < 0 ? 1 : 0;
}

int dispatch_version_run(int argc, char **argv)
{
    static const char *const own[] = {"--client", NULL};
    bool seen[1] = {false};
    int kargc = 0;
    char **kargv = inner_argv(argc, argv, own, seen, &kargc);
    printf("kubeshim version: %s\n", KUBESHIM_VERSION);
    if (seen[0]) {
        free(kargv);
        return 0;
    }
    /* Ask as `kubectl <flags> version` would: a fresh probe that refreshes the cache. */
    char **vargv = ks_calloc((size_t)kargc + 2, sizeof(*vargv));
    memcpy(vargv, kargv, (size_t)kargc * sizeof(*vargv));
    vargv[kargc] = "version";
    struct resolve r;
    struct resolve_opts o = {true, true, &probe_net_real};
    struct ks_err e = KS_ERR_INIT;
    int rc = resolve_run(&r, kargc + 1, vargv, &o, &e);
    if (r.have_server)
        printf("Server Version: %s (%s)\n", r.git_version, r.server_url ? r.server_url : "");
    else if (rc < 0)
        fprintf(stderr, "kubeshim: %s\n", e.msg);
    else
        fprintf(stderr, "kubeshim: server not reachable: %s\n", r.probe);
    if (r.chosen)
        printf("kubectl: %s (%s)\n", r.chosen, r.reason);
    resolve_release(&r);
    free(vargv);
    free(kargv);
    return 0;
}
