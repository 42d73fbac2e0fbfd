/*
 * cmdtable.c: the native commands. Every other command line goes to kubectl.
 */
#include "dispatch/cmdtable.h"

#include "cmd/cmd.h"
#include "dispatch/dispatch.h"

#include <stdio.h>
#include <string.h>

static const struct cmd commands[] = {
    {"apply", cmd_apply_run, 0, "apply manifests natively (client-side or --server-side)"},
    {"diff", cmd_diff_run, 0, "diff manifests against the cluster natively"},
    {"convert", cmd_convert_run, CMD_UNLESS_PLUGIN,
     "convert manifests between API versions offline"},
    {"version", dispatch_version_run, CMD_KUBESHIM_ONLY,
     "print kubeshim's version and, when reachable, the server's"},
    {"bins", dispatch_bins_run, CMD_KUBESHIM_ONLY, "list the kubectl binaries found"},
    {"which", dispatch_which_run, CMD_KUBESHIM_ONLY,
     "print the kubectl that would run, and why (--explain)"},
    {"build-patch", cmd_build_patch_run, CMD_KUBESHIM_ONLY,
     "build a strategic or JSON merge patch from files"},
    {"apply-patch", cmd_apply_patch_run, CMD_KUBESHIM_ONLY, "apply a patch to a file"},
};

const struct cmd *cmdtable_find(const char *name, bool as_kubeshim)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct cmd *c = &commands[i];
        if (strcmp(c->name, name) != 0)
            continue;
        if ((c->flags & CMD_KUBESHIM_ONLY) && !as_kubeshim)
            return NULL;
        return c;
    }
    return NULL;
}

void cmdtable_usage(void)
{
    printf("kubeshim %s: a native kubectl front end\n\n", KUBESHIM_VERSION);
    printf("Usage: kubeshim <command> [flags]    (or installed as kubectl)\n\n");
    printf("Native commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        printf("  %-12s %s\n", commands[i].name, commands[i].help);
    printf("\nEvery other command is handed, unchanged, to the kubectl that matches the server.\n");
}
