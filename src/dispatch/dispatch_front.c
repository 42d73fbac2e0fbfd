/*
 * dispatch_front.c: the fast front end (see dispatch_front.h). Resolution is
 * resolve.c's, run offline; KS_EDELEGATE from it, a native command or the
 * kubeshim name means "exec the full program with the same argv".
 */
#include "dispatch/dispatch_front.h"

#include "base/ks.h"
#include "dispatch/argv.h"
#include "dispatch/bins.h"
#include "dispatch/resolve.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/*
 * The commands the full program runs natively. NEEDSWORK: keep in step with
 * src/dispatch/cmdtable.c (the front cannot link the command table).
 */
static const char *const native[] = {"apply", "diff", "convert"};

static bool invoked_as_kubectl(const char *argv0)
{
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    size_t n = strlen(base);
    return n >= 7 && strcmp(base + n - 7, "kubectl") == 0;
}

static int exec_full(char **argv)
{
    const char *env = getenv("KUBESHIM_PROGRAM");
    char *full = NULL;
    if (env && *env) {
        full = ks_strdup(env);
    } else {
        char *self = bins_self_path();
        const char *slash = self ? strrchr(self, '/') : NULL;
        if (slash)
            full = ks_asprintf("%.*s/kubeshim", (int)(slash - self), self);
        free(self);
    }
    char *self = bins_self_path(), real[PATH_MAX];
    bool loops = self && full && realpath(full, real) && strcmp(real, self) == 0;
    free(self);
    if (!full || loops) {
        fprintf(stderr, "error: kubeshim: cannot find the kubeshim program beside %s\n", argv[0]);
        free(full);
        return 1;
    }
    execve(full, argv, environ);
    int err = errno;
    fprintf(stderr, "error: kubeshim: cannot run %s: %s\n", full, strerror(err));
    free(full);
    return err == ENOENT ? 127 : 126;
}

int dispatch_front_run(int argc, char **argv)
{
    if (argc < 1 || !invoked_as_kubectl(argv[0]))
        return exec_full(argv);
    int ci = argv_command_index(argc, argv);
    for (size_t i = 0; ci > 0 && i < KS_ARRAY_SIZE(native); i++)
        if (strcmp(argv[ci], native[i]) == 0)
            return exec_full(argv);

    struct resolve r;
    struct resolve_opts o = {false, false, NULL};
    struct ks_err e = KS_ERR_INIT;
    int rc = resolve_run(&r, argc, argv, &o, &e);
    if (rc == KS_EDELEGATE) {
        resolve_release(&r);
        return exec_full(argv);
    }
    if (rc < 0) {
        fprintf(stderr, "error: kubeshim: %s\n", e.msg);
        resolve_release(&r);
        return 1;
    }
    resolve_print_notes(&r);
    execve(r.chosen, argv, environ);
    int err = errno;
    fprintf(stderr, "error: kubeshim: cannot run %s: %s\n", r.chosen, strerror(err));
    resolve_release(&r);
    return err == ENOENT ? 127 : 126;
}
