/*
 * resolve.h: decide which kubectl runs a command line, and record why, for
 * dispatch_exec() (which execs it) and `kubeshim which --explain` (which
 * prints the record). Resolution prints nothing; resolve_print_notes() does.
 */
#ifndef RESOLVE_H
#define RESOLVE_H

#include "base/ks.h"
#include "dispatch/bins.h"
#include "dispatch/kver.h"
#include "dispatch/settings.h"

#include <stdbool.h>
#include <time.h>

struct probe_net;

struct resolve_opts {
    bool refresh;  /* ignore a cached version (kubeshim which --refresh) */
    bool no_fetch; /* never download (kubeshim which: explain without side effects) */
    /*
     * The network (probe.h). NULL: offline resolution for the libcurl-free
     * front end; when a probe or a download is needed, resolve_run() returns
     * KS_EDELEGATE and the caller hands the command line to the full program.
     */
    const struct probe_net *net;
};

struct resolve {
    struct settings set;
    struct bins_list bins;
    char *self;         /* realpath of this program */
    char *chosen;       /* the binary to exec, or NULL (then err says why) */
    char reason[320];   /* why chosen */
    char *warning;      /* one line for stderr before exec, or NULL */
    bool probe_skipped; /* no server contact was needed or possible */
    char probe[400];    /* what happened: "cache hit (age 12s)", "probed", "not probed: ..." */
    char *server_url;
    char *cache_file;
    bool have_server;
    struct kver server;
    char git_version[96];
    unsigned requests; /* /version requests sent */
};

/*
 * Resolve argv (the whole kubectl command line). Returns 0 with r->chosen
 * set, or a negative code when no kubectl can run (e.g. nothing compatible
 * and UseLatestIfNoCompatible = false, or no kubectl at all).
 * Ownership: release r with resolve_release() in every case.
 * Errors: KS_EINPUT (configuration), KS_ENOTFOUND (no kubectl to run),
 * KS_EDELEGATE (o->net is NULL and the network is needed).
 */
int resolve_run(struct resolve *r, int argc, char **argv, const struct resolve_opts *o,
                struct ks_err *e);

void resolve_release(struct resolve *r);

/*
 * Before exec: the warning line on stderr (unless quiet), and with
 * KUBESHIM_VERBOSE=1 one more line naming the binary, the reason and the probe.
 */
void resolve_print_notes(const struct resolve *r);

/* The marker string that identifies a kubeshim binary (see resolve.c). */
extern const char resolve_marker[];

#endif
