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

/*
 * The last value of a global flag (long "--context", optional short "-s"),
 * wherever it stands before "--": "--context x", "--context=x", "-sURL", "-s=URL".
 * Ownership: the result points into argv (or is NULL).
 */
const char *argv_flag_value(int argc, char **argv, const char *lng, const char *shrt);

/*
 * Why this command line runs without a server (kubectl answers it offline), or
 * NULL: no command, completion, __complete, config, help, -h/--help, options,
 * plugin, kustomize, kuberc, alpha, version --client, and --local (label,
 * annotate, patch, set). Not --dry-run=client: `create role`, `create -f`,
 * `apply` and `expose` still read discovery with it.
 * PARITY: checked with kubectl 1.33 against a recording server.
 */
const char *argv_local_reason(int argc, char **argv);

/* The command is `version` without --client: kubectl asks the server itself. */
bool argv_is_server_version(int argc, char **argv);

/* True when name is one of kubectl 1.33's own commands (so never a plugin). */
bool argv_is_builtin(const char *name);

/*
 * The plugin this command line runs, as kubectl finds it: the longest
 * kubectl-<w1>-<w2>... executable on PATH built from the leading words ('-' in
 * a word becomes '_'), unless argv[1] is a builtin command or a flag.
 * PARITY: kubectl cmd.go HandlePluginCommand. Ownership: a new string, or NULL.
 */
char *argv_plugin_path(int argc, char **argv);

#endif
