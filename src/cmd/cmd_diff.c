/*
 * cmd_diff.c: `kubectl diff`, natively. NEEDSWORK: not yet native.
 */
#include "cmd/cmd.h"

#include "base/ks.h"

int cmd_diff_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return KS_EDELEGATE;
}
