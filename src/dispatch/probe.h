/*
 * probe.h: the network half of dispatch: the server-version probe (through
 * src/http's kprobe) and the download, behind function pointers so that a
 * front end linked without libcurl can still run resolve.c.
 */
#ifndef PROBE_H
#define PROBE_H

#include "base/ks.h"
#include "dispatch/download.h"
#include "dispatch/kver.h"
#include "http/kubeconfig.h"

#include <stdbool.h>

struct probe_result {
    struct kver ver;
    char git_version[96]; /* "v1.30.2-gke.1", or "v1.30" built from the fields */
    bool used_credentials;
    unsigned requests;
};

struct probe_net {
    int (*version)(struct probe_result *out, const struct kconn *conn, long timeout_ms,
                   struct ks_err *e);
    int (*fetch)(char **out_path, const struct kver *v, const struct download_opts *o,
                 struct ks_err *e);
};

/*
 * GET /version on conn within timeout_ms: anonymous first, credentials only on
 * 401/403 (kprobe). The version is gitVersion when it parses, else major/minor.
 * Errors: KS_EHTTP or KS_EINPUT with a one-line reason.
 */
int probe_version(struct probe_result *out, const struct kconn *conn, long timeout_ms,
                  struct ks_err *e);

/* The real network: probe_version and download_kubectl. */
extern const struct probe_net probe_net_real;

#endif
