/*
 * cmd_convert.c: `kubeshim convert` / `kubectl convert`. NEEDSWORK: stub.
 */
#include "cmd/cmd.h"

#include "base/ks.h"

int cmd_convert_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return KS_EDELEGATE;
}
