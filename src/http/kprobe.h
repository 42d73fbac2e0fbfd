/*
 * kprobe.h: the dispatcher's version probe: GET /version over the
 * connection a command line selects, first without credentials, then with
 * them only on 401/403 (so an exec plugin runs at most once).
 */
#ifndef KPROBE_H
#define KPROBE_H

#include "base/ks.h"
#include "http/kubeconfig.h"

#include <jansson.h>
#include <stdbool.h>

struct kprobe_version {
    int major, minor, patch; /* patch -1 when gitVersion has none */
    char *git_version;       /* "v1.30.2-gke.1" (owned; may be NULL) */
    json_t *raw;             /* the /version object (owned) */
    bool used_credentials;   /* the anonymous try got 401/403 */
    unsigned requests;       /* requests sent (1 or 2) */
};

struct kprobe_opts {
    long timeout_ms;         /* whole probe; 0: 2000 */
    long connect_timeout_ms; /* 0: timeout_ms */
};

/*
 * Probe conn's server. Ownership: release out with kprobe_version_release().
 * Errors: KS_EHTTP (unreachable, timeout, a non-200 answer), KS_EINPUT (an
 * unparsable answer), each with a one-line reason.
 */
int kprobe_version_get(struct kprobe_version *out, const struct kconn *conn,
                       const struct kprobe_opts *opts, struct ks_err *e);

/*
 * Parse a /version body: major/minor with suffixes ("30+"), else from
 * gitVersion ("v1.30.2-gke.1", "v1.30.2+k3s1").
 * Errors: KS_EINPUT.
 */
int kprobe_version_parse(struct kprobe_version *out, const char *body, size_t len,
                         struct ks_err *e);

void kprobe_version_release(struct kprobe_version *v);

#endif
