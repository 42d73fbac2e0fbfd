/*
 * main.c: the front door. Install the aborting allocator, find the command
 * word, run it natively when the table has it, and otherwise hand the whole,
 * unchanged argv to kubectl.
 */
#include "base/ks.h"
#include "dispatch/argv.h"
#include "dispatch/cmdtable.h"
#include "dispatch/dispatch.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Invoked under a name that ends in "kubectl" (kubectl, mykubectl): act as kubectl. */
static bool invoked_as_kubectl(const char *argv0)
{
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    size_t n = strlen(base);
    return n >= 7 && strcmp(base + n - 7, "kubectl") == 0;
}

int main(int argc, char **argv)
{
    ks_alloc_install();
    bool as_kubeshim = !invoked_as_kubectl(argv[0]);
    int ci = argv_command_index(argc, argv);

    if (as_kubeshim) {
        if (argc < 2 || ci < 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
            (ci > 0 && strcmp(argv[ci], "help") == 0 && ci == argc - 1)) {
            cmdtable_usage();
            return 0;
        }
    }
    if (ci > 0) {
        const struct cmd *c = cmdtable_find(argv[ci], as_kubeshim);
        if (c) {
            int rc = c->run(argc, argv);
            if (rc != KS_EDELEGATE)
                return rc;
        }
    }
    return dispatch_exec(argc, argv);
}
