/*
 * download.h: fetch a kubectl release from a mirror into kubeshim's cache,
 * verified against the published .sha256, written so that no reader ever
 * sees a partial file.
 */
#ifndef DOWNLOAD_H
#define DOWNLOAD_H

#include "base/ks.h"
#include "dispatch/kver.h"

struct download_opts {
    const char *mirror;    /* "https://dl.k8s.io" (no trailing '/'); http, https or file */
    const char *dest_dir;  /* <cache_dir>/bin */
    const char *goos_arch; /* "linux-amd64" */
    long connect_timeout_ms;
    long timeout_ms; /* the whole download */
};

/*
 * Download <mirror>/release/v<M>.<m>.<p>/bin/<os>/<arch>/kubectl and its
 * .sha256 into dest_dir/kubectl<M>.<m>.<p>: stream to a temp file in dest_dir
 * while hashing, compare, chmod 0755, rename, all under flock(dest_dir/.lock),
 * so concurrent commands download once and never see half a file. A
 * mismatch or any failure removes the temp file.
 * Ownership: *out_path is a new string on success.
 * Errors: KS_EHTTP (transport or HTTP status), KS_EINPUT (bad or mismatched
 * checksum), KS_EGENERIC (file system), each with a one-line reason.
 */
int download_kubectl(char **out_path, const struct kver *v, const struct download_opts *o,
                     struct ks_err *e);

#endif
