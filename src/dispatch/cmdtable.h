/*
 * cmdtable.h: the table of commands kubeshim runs itself (STYLE.md "Commands").
 *
 * A run function gets the whole argv (argv[0] is the program, global flags may
 * stand anywhere) and returns the process exit status, or KS_EDELEGATE to hand
 * the unchanged command line to the matched kubectl.
 */
#ifndef CMDTABLE_H
#define CMDTABLE_H

#include <stdbool.h>

enum {
    CMD_KUBESHIM_ONLY = 1 << 0, /* only when invoked as kubeshim, never as kubectl */
    CMD_UNLESS_PLUGIN = 1 << 1, /* run natively only when no kubectl-<name> plugin is on PATH */
};

struct cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    unsigned flags;
    const char *help; /* one line for `kubeshim --help` */
};

/* The native command named name, or NULL. as_kubeshim: invoked under the kubeshim name. */
const struct cmd *cmdtable_find(const char *name, bool as_kubeshim);

/* Print the kubeshim usage to stdout. */
void cmdtable_usage(void);

#endif
