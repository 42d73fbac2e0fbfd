/*
 * cmd_patchtool.c: the offline engine commands `kubeshim build-patch` and
 * `kubeshim apply-patch`. NEEDSWORK: stub.
 */
#include "cmd/cmd.h"

#include <stdio.h>

int cmd_build_patch_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "error: build-patch is not implemented yet\n");
    return 1;
}

int cmd_apply_patch_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "error: apply-patch is not implemented yet\n");
    return 1;
}
