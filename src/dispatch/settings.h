/*
 * settings.h: dispatch's configuration. kuberlr's TOML files, merged in its
 * order (/usr/etc/kuberlr.conf, /etc/kuberlr.conf, ~/.kuberlr/kuberlr.conf,
 * $KUBERLR_CFG; later files win), its keys and its KUBERLR_<KEY> environment
 * overrides, plus kubeshim's own keys in a [kubeshim] table of the same files
 * and KUBESHIM_* environment variables:
 *
 *   [kubeshim]               environment              default
 *   policy = "nearest"       KUBESHIM_POLICY          nearest (exact, nearest, newest)
 *   probe_timeout = 2.0      KUBESHIM_PROBE_TIMEOUT   2 s (else kuberlr's Timeout)
 *   cache_ttl = 300          KUBESHIM_CACHE_TTL       300 s (0 turns the cache off)
 *   cache_dir = "..."        KUBESHIM_CACHE_DIR       $XDG_CACHE_HOME/kubeshim or ~/.cache/kubeshim
 *   download_timeout = 120   KUBESHIM_DOWNLOAD_TIMEOUT 120 s
 *   quiet = false            KUBESHIM_QUIET           false (kuberlr's Quiet too)
 *
 * KUBESHIM_SYSTEM_CONFIGS (a ':' list, may be empty) replaces the two system
 * files, so tests can point every path at temporary directories. Read
 * elsewhere: KUBESHIM_KUBECTL (force a binary), KUBESHIM_VERBOSE (name the
 * choice on stderr), KUBESHIM_PROGRAM (the full program, for the front end).
 */
#ifndef SETTINGS_H
#define SETTINGS_H

#include "base/ks.h"

#include <stdbool.h>

enum settings_policy {
    SETTINGS_POLICY_NEAREST, /* exact minor, else the nearest within +-1 (newer first) */
    SETTINGS_POLICY_EXACT,   /* exact minor only */
    SETTINGS_POLICY_NEWEST,  /* the newest within +-1 (kuberlr's rule) */
};

struct settings {
    bool allow_download;  /* AllowDownload (true) */
    bool use_latest;      /* UseLatestIfNoCompatible: kubeshim's default is true */
    char *system_path;    /* SystemPath (/usr/bin) */
    char *mirror;         /* KubeMirrorUrl (https://dl.k8s.io), no trailing '/' */
    int probe_timeout_ms; /* the whole /version request */
    int download_timeout_s;
    int cache_ttl_s;
    enum settings_policy policy;
    bool quiet;
    char *home; /* $HOME, else the passwd entry */
    char *cache_dir;
    char *files; /* the config files read, "; "-separated, for `which --explain` */
};

/*
 * Fill s from the defaults, the files and the environment.
 * Ownership: s owns its strings; release with settings_release() (also on error).
 * Errors: KS_EINPUT naming the file (and line, for syntax) or the variable.
 */
int settings_load(struct settings *s, struct ks_err *e);

void settings_release(struct settings *s);

/* "nearest", "exact" or "newest". */
const char *settings_policy_name(enum settings_policy p);

/* Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False; -1 otherwise. */
int settings_parse_bool(const char *s);

#endif
