/*
 * bins.h: find the kubectl binaries dispatch may run, with their versions
 * (from their names) and where they were found.
 */
#ifndef BINS_H
#define BINS_H

#include "dispatch/kver.h"

#include <stddef.h>

enum bins_source {
    BINS_INVOKED,      /* kubectl.1.30 beside the invoked path (argv[0]) */
    BINS_REAL,         /* beside the real executable (symlinks resolved) */
    BINS_PATH_KUBECTL, /* beside the real path of the first other kubectl on PATH (Google's SDK) */
    BINS_CACHE,        /* kubeshim's download cache (<cache_dir>/bin) */
    BINS_KUBERLR_HOME, /* ~/.kuberlr/<os>-<arch>/ */
    BINS_SYSTEM,       /* kuberlr's SystemPath (default /usr/bin) */
};

struct bins_entry {
    char *path;
    struct kver ver;
    enum bins_source source;
};

/* Sorted newest first; for one version, in enum bins_source order. */
struct bins_list {
    struct bins_entry *v;
    size_t n;
};

struct bins_opts {
    const char *argv0;       /* as invoked */
    const char *self;        /* realpath of this program (never listed), or NULL */
    const char *cache_dir;   /* kubeshim's cache directory */
    const char *home;        /* for ~/.kuberlr */
    const char *system_path; /* kuberlr's SystemPath */
    const char *path;        /* $PATH, searched for another kubectl; NULL: not searched */
};

/*
 * Scan every directory for kubectl.<M>.<m>, kubectl<M>.<m>.<p> and kubectl<M>.<m>
 * that are executable regular files; one entry per real file.
 * Ownership: release with bins_release().
 */
void bins_find(struct bins_list *out, const struct bins_opts *o);

void bins_release(struct bins_list *l);

/* "beside invoked path", "beside real executable", "beside the kubectl on PATH",
 * "download cache", "kuberlr", "system path". */
const char *bins_source_name(enum bins_source s);

/* The Go os-arch pair of this machine, e.g. "linux-amd64". */
const char *bins_goos_goarch(void);

/* The real path of this program, or NULL. Ownership: a new string. */
char *bins_self_path(void);

/*
 * Ask match(dir, ctx) of each directory of path (a PATH value; NULL: none),
 * in order; the first non-NULL answer is returned. Ownership: the answer is
 * match's (caller frees).
 */
char *bins_path_first(const char *path, char *(*match)(const char *dir, void *ctx), void *ctx);

#endif
