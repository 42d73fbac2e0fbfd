/*
 * probe.c: the server-version probe over src/http (kprobe: anonymous first,
 * credentials only on 401/403, so an exec plugin runs at most once) and the
 * table of network functions that dispatch_exec() hands to resolve.c.
 */
#include "dispatch/probe.h"

#include "http/kprobe.h"

#include <stdio.h>
#include <string.h>

int probe_version(struct probe_result *out, const struct kconn *conn, long timeout_ms,
                  struct ks_err *e)
{
    struct kprobe_version pv;
    struct kprobe_opts po = {timeout_ms > 0 ? timeout_ms : 1, 0};
    memset(&pv, 0, sizeof(pv));
    memset(out, 0, sizeof(*out));
    int rc = kprobe_version_get(&pv, conn, &po, e);
    out->requests = pv.requests ? pv.requests : 1;
    out->used_credentials = pv.used_credentials;
    if (rc == 0) {
        if (!pv.raw || kver_from_info(&out->ver, pv.raw, NULL) < 0)
            out->ver =
                (struct kver){pv.major, pv.minor, pv.patch < 0 ? 0 : pv.patch, pv.patch >= 0};
        if (pv.git_version && strlen(pv.git_version) < sizeof(out->git_version) &&
            !strpbrk(pv.git_version, "\r\n"))
            snprintf(out->git_version, sizeof(out->git_version), "%s", pv.git_version);
        else
            snprintf(out->git_version, sizeof(out->git_version), "v%d.%d", out->ver.major,
                     out->ver.minor);
    }
    kprobe_version_release(&pv);
    return rc;
}

const struct probe_net probe_net_real = {probe_version, download_kubectl};
