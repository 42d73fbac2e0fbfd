/*
 * dispatch.h: hand a command line to the kubectl that matches the server.
 */
#ifndef DISPATCH_H
#define DISPATCH_H

/*
 * Exec the matched kubectl with argv and the environment unchanged. Returns
 * only on failure, with the exit status to use (after printing one line).
 */
int dispatch_exec(int argc, char **argv);

/* kubeshim-only subcommands (see cmdtable.h for the contract). */
int dispatch_version_run(int argc, char **argv);
int dispatch_bins_run(int argc, char **argv);
int dispatch_which_run(int argc, char **argv);

#endif
