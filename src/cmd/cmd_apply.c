/*
 * cmd_apply.c: `kubectl apply`, natively. NEEDSWORK: not yet native; every
 * apply is handed to kubectl until the engine and cluster access land.
 */
#include "cmd/cmd.h"

#include "base/ks.h"

int cmd_apply_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return KS_EDELEGATE;
}
