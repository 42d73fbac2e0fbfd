/*
 * dispatch_front.h: the libcurl-free front end. Installed as `kubectl`, it
 * answers the common case (a cached server version, a local-only command, a
 * plugin) by exec'ing the matched kubectl itself, and hands every other
 * command line (native commands, a probe, a download) unchanged to the full
 * program. It links only libc, jansson and libyaml, so it starts in about a
 * millisecond instead of the ~7 ms that loading libcurl's dependencies costs.
 */
#ifndef DISPATCH_FRONT_H
#define DISPATCH_FRONT_H

/*
 * Run the front end (call ks_alloc_install() first). Returns only on failure,
 * with the exit status (after one line on stderr). The full program is
 * $KUBESHIM_PROGRAM, else `kubeshim` beside the front's real executable.
 */
int dispatch_front_run(int argc, char **argv);

#endif
