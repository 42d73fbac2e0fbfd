/*
 * argv.h: find the command word in a kubectl command line, where kubectl's
 * global flags (-n NS, --context=X, --kubeconfig X, ...) may stand anywhere.
 */
#ifndef ARGV_H
#define ARGV_H

#include <stdbool.h>

/* True when flag (e.g. "--context" or "-n", without "=value") takes a separate value. */
bool argv_global_takes_value(const char *flag);

/* Index in argv of the first word that is not a flag or a flag's value, or -1. */
int argv_command_index(int argc, char **argv);

#endif
