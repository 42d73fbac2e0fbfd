/*
 * vcache.h: the per-cluster server-version cache. One small file per cluster
 * under <cache_dir>/version/, named by a 128-bit hash of (server URL, CA bytes,
 * TLS server name). An entry lives cache_ttl seconds.
 *
 * Invalidation. kubeshim execs kubectl, so it never sees kubectl's stderr
 * and cannot react to kubectl's skew warning after the fact. Instead:
 *   - the only kubectl command that prints the skew warning is `kubectl
 *     version` (it asks the server itself): dispatch treats it as a cache
 *     bypass, probes afresh and rewrites (or drops) the entry first, so a
 *     stale entry is replaced exactly when the warning could appear;
 *   - the lifetime is short (300 s by default), and a different CA (a
 *     re-created cluster) is a different key;
 *   - `kubeshim which --refresh` and cache_ttl = 0 drop or disable entries.
 */
#ifndef VCACHE_H
#define VCACHE_H

#include "base/ks.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct vcache_entry {
    char git_version[96];   /* the version the server reported, e.g. "v1.30.2-gke.1" */
    time_t probed;          /* when */
    time_t download_failed; /* when a download for this version last failed, or 0 */
};

/* The cache file for a cluster. Ownership: a new string. */
char *vcache_path(const char *cache_dir, const char *server, const unsigned char *ca, size_t ca_len,
                  const char *tls_server_name);

/*
 * Read the entry at path. Returns 1 (fresh), 0 (present but older than ttl
 * seconds; *out is filled), or -1 (absent or unreadable).
 */
int vcache_get(struct vcache_entry *out, const char *path, int ttl, time_t now);

/*
 * Write the entry atomically (temp file and rename), creating directories.
 * Errors: KS_EGENERIC with the path and errno text.
 */
int vcache_put(const char *path, const struct vcache_entry *ent, struct ks_err *e);

/* Remove the entry (absent is fine). */
void vcache_drop(const char *path);

/* mkdir -p with mode 0700 for new directories. Errors: KS_EGENERIC. */
int vcache_mkdirs(const char *dir, struct ks_err *e);

#endif
