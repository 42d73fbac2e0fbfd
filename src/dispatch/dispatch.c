/*
 * dispatch.c: choose and exec a kubectl. NEEDSWORK: this first rule runs the
 * next `kubectl` on PATH that is not kubeshim itself; the version-matching
 * dispatcher replaces it.
 */
#include "dispatch/dispatch.h"

#include "base/ks.h"
#include "base/strbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static char *self_path(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    return ks_strdup(buf);
}

/* The first kubectl on PATH whose real path is not this program. */
static char *find_kubectl(void)
{
    const char *path = getenv("PATH");
    char *self = self_path();
    char *found = NULL;
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    char *copy = ks_strdup(path);
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char *cand = ks_asprintf("%s/kubectl", *dir ? dir : ".");
        char real[PATH_MAX];
        if (access(cand, X_OK) == 0 && realpath(cand, real) && (!self || strcmp(real, self) != 0))
            found = cand;
        else
            free(cand);
    }
    free(copy);
    free(self);
    return found;
}

int dispatch_exec(int argc, char **argv)
{
    (void)argc;
    const char *forced = getenv("KUBESHIM_KUBECTL");
    char *bin = forced && *forced ? ks_strdup(forced) : find_kubectl();
    if (!bin) {
        fprintf(stderr, "error: kubeshim: no kubectl found on PATH to run this command\n");
        return 1;
    }
    execve(bin, argv, environ);
    fprintf(stderr, "error: kubeshim: cannot run %s: %s\n", bin, strerror(errno));
    free(bin);
    return 1;
}

int dispatch_version_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("kubeshim version %s\n", KUBESHIM_VERSION);
    return 0;
}

int dispatch_bins_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "error: bins is not implemented yet\n");
    return 1;
}

int dispatch_which_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "error: which is not implemented yet\n");
    return 1;
}
