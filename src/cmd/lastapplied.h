/*
 * lastapplied.h: the native sub-commands of `kubectl apply` that read or set
 * the last-applied annotation.
 */
#ifndef LASTAPPLIED_H
#define LASTAPPLIED_H

#include "cmd/apply.h"

/*
 * Run `apply view-last-applied` or `apply set-last-applied` (sub names which).
 * Returns the exit status, or KS_EDELEGATE for forms kubectl should run
 * (selectors, --all, other -o forms, usage errors).
 */
int cmd_lastapplied_run(const char *sub, int argc, char **argv);

#endif
