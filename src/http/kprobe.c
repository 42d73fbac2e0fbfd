/*
 * kprobe.c: GET /version for the dispatcher, anonymous first and with
 * credentials only on 401/403, so an exec plugin runs at most once.
 * PARITY: version.Info's major/minor (with "+" and other suffixes) and
 * gitVersion ("v1.30.2-gke.1", "v1.30.2+k3s1") as kuberlr reads them.
 */
#include "http/kprobe.h"

#include "base/gojson.h"
#include "http/kclient.h"
#include "http/kstatus.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int kprobe_leading_int(const char *s)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    return atoi(s);
}

int kprobe_version_parse(struct kprobe_version *out, const char *body, size_t len, struct ks_err *e)
{
    json_t *v = NULL;
    memset(out, 0, sizeof(*out));
    out->patch = -1;
    if (gojson_loads(&v, body, len, NULL) < 0 || !json_is_object(v)) {
        json_decref(v);
        return ks_fail(e, KS_EINPUT, "unable to parse the server version: not a JSON object");
    }
    const char *git = json_string_value(json_object_get(v, "gitVersion"));
    int gmaj = -1, gmin = -1, gpatch = -1;
    if (git) {
        const char *p = git[0] == 'v' ? git + 1 : git;
        char *end;
        gmaj = isdigit((unsigned char)*p) ? (int)strtol(p, &end, 10) : -1;
        if (gmaj >= 0 && *end == '.') {
            p = end + 1;
            gmin = isdigit((unsigned char)*p) ? (int)strtol(p, &end, 10) : -1;
            if (gmin >= 0 && *end == '.' && isdigit((unsigned char)end[1]))
                gpatch = (int)strtol(end + 1, &end, 10);
        }
    }
    int maj = kprobe_leading_int(json_string_value(json_object_get(v, "major")));
    int min = kprobe_leading_int(json_string_value(json_object_get(v, "minor")));
    if (maj < 0 || min < 0) {
        maj = gmaj;
        min = gmin;
    }
    if (maj < 0 || min < 0) {
        json_decref(v);
        return ks_fail(e, KS_EINPUT, "unable to parse the server version \"%s\"", git ? git : "");
    }
    out->major = maj;
    out->minor = min;
    out->patch = (gmaj == maj && gmin == min) ? gpatch : -1;
    out->git_version = git ? ks_strdup(git) : NULL;
    out->raw = v;
    return 0;
}

static int kprobe_once(struct kprobe_version *out, long *status, const struct kconn *conn,
                       const struct kprobe_opts *o, bool creds, struct ks_err *e)
{
    struct kclient *c = NULL;
    struct kclient_opts co = {0};
    struct kclient_req req = {.method = "GET", .path = "/version"};
    struct kclient_resp resp;
    int rc;
    co.no_credentials = !creds;
    co.connect_timeout_ms = o->connect_timeout_ms;
    co.timeout_ms = o->timeout_ms;
    co.max_total_connections = 1;
    memset(&resp, 0, sizeof(resp));
    if ((rc = kclient_new(&c, conn, &co, e)) < 0)
        return rc;
    rc = kclient_do(c, &req, &resp, e);
    out->requests++;
    *status = resp.status;
    if (rc == 0 && resp.status == 200) {
        unsigned n = out->requests;
        rc = kprobe_version_parse(out, resp.body.buf ? resp.body.buf : "", resp.body.len, e);
        out->requests = n;
    } else if (rc == 0 && resp.status != 401 && resp.status != 403) {
        rc = kstatus_fail(e, &resp);
    }
    kclient_resp_release(&resp);
    kclient_free(c);
    return rc;
}

int kprobe_version_get(struct kprobe_version *out, const struct kconn *conn,
                       const struct kprobe_opts *opts, struct ks_err *e)
{
    struct kprobe_opts o = {0};
    long status = 0;
    int rc;
    if (opts)
        o = *opts;
    if (!o.timeout_ms)
        o.timeout_ms = 2000;
    if (!o.connect_timeout_ms)
        o.connect_timeout_ms = o.timeout_ms;
    memset(out, 0, sizeof(*out));
    out->patch = -1;
    rc = kprobe_once(out, &status, conn, &o, false, e);
    if (rc == 0 && (status == 401 || status == 403)) {
        unsigned n = out->requests;
        out->used_credentials = true;
        rc = kprobe_once(out, &status, conn, &o, true, e);
        if (rc == 0 && (status == 401 || status == 403))
            rc = ks_fail(e, KS_EHTTP, "GET /version: %ld %s", status,
                         status == 401 ? "Unauthorized" : "Forbidden");
        out->requests = n + 1;
        out->used_credentials = true;
    }
    if (rc < 0) {
        unsigned n = out->requests;
        bool used = out->used_credentials;
        kprobe_version_release(out);
        out->requests = n;
        out->used_credentials = used;
    }
    return rc;
}

void kprobe_version_release(struct kprobe_version *v)
{
    free(v->git_version);
    json_decref(v->raw);
    memset(v, 0, sizeof(*v));
    v->patch = -1;
}
