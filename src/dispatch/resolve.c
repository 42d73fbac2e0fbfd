/*
 * resolve.c: the dispatch decision. Order: KUBESHIM_KUBECTL; no probe for
 * nested calls (recursion guard), local-only commands and plugins; else the
 * server version from the per-cluster cache or one /version probe; then the
 * policy, a download, or the fallback with one warning line.
 */
#include "dispatch/resolve.h"

#include "base/strbuf.h"
#include "dispatch/argv.h"
#include "dispatch/bins.h"
#include "dispatch/download.h"
#include "dispatch/probe.h"
#include "dispatch/policy.h"
#include "dispatch/vcache.h"
#include "http/kflags.h"
#include "http/kubeconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set while we probe: a kubectl started by an exec credential plugin sees it and never probes. */
#define RESOLVE_GUARD "KUBESHIM_RESOLVING"

/* snprintf that may truncate on purpose (messages are bounded). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
bprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

/*
 * Every program with resolve.o carries this string: a kubectl on PATH that
 * holds it is kubeshim (a copy, or the front end), and running it would loop.
 */
const char resolve_marker[] = "kubeshim-dispatch-marker-7f3a9c";

static bool is_kubeshim(const char *path)
{
    struct stat st;
    bool found = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    /* Real kubectl binaries are 40 MB and more; ours are a few MB. */
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > (32 << 20)) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return false;
    found = memmem(m, (size_t)st.st_size, resolve_marker, sizeof(resolve_marker) - 1) != NULL;
    munmap(m, (size_t)st.st_size);
    return found;
}

/* dir/kubectl, if it is an executable regular file that is neither self nor kubeshim. */
static char *other_kubectl(const char *dir, void *self)
{
    char *cand = ks_asprintf("%s/kubectl", dir);
    char real[PATH_MAX];
    struct stat st;
    if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0 &&
        realpath(cand, real) && (!self || strcmp(real, (const char *)self) != 0) &&
        !is_kubeshim(real))
        return cand;
    free(cand);
    return NULL;
}

/* The first kubectl on PATH that is not kubeshim: the last resort. */
static char *path_kubectl(const char *self)
{
    return bins_path_first(getenv("PATH"), other_kubectl, (void *)self);
}

/* Choose the fallback: the newest candidate, else a kubectl on PATH. */
static int choose_fallback(struct resolve *r, const char *why, struct ks_err *e)
{
    char vb[32];
    if (r->bins.n > 0) {
        r->chosen = ks_strdup(r->bins.v[0].path);
        bprintf(r->reason, sizeof(r->reason), "%s: the newest local kubectl (%s)", why,
                kver_str(&r->bins.v[0].ver, vb, sizeof(vb)));
        return 0;
    }
    r->chosen = path_kubectl(r->self);
    if (r->chosen) {
        bprintf(r->reason, sizeof(r->reason), "%s: no versioned kubectl found, the first on PATH",
                why);
        return 0;
    }
    return ks_fail(e, KS_ENOTFOUND, "no kubectl found to run this command (see `kubeshim bins`)");
}

static void set_warning(struct resolve *r, const char *detail)
{
    char vb[32] = "";
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "kubeshim: warning: ");
    strbuf_adds(&sb, detail);
    if (r->bins.n > 0 && r->chosen && strcmp(r->chosen, r->bins.v[0].path) == 0)
        strbuf_addf(&sb, "; running kubectl %s (%s)", kver_str(&r->bins.v[0].ver, vb, sizeof(vb)),
                    r->chosen);
    else if (r->chosen)
        strbuf_addf(&sb, "; running %s", r->chosen);
    /* One line, whatever the detail held. */
    for (char *p = sb.buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    free(r->warning);
    r->warning = strbuf_detach(&sb, NULL);
}

/* A kubeconfig that is not a regular file (a pipe, /dev/stdin): reading it would consume it. */
static bool is_stream(const char *path)
{
    struct stat st;
    return path && *path && stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

static const char *streamed_kubeconfig(const struct kflags *f)
{
    static char found[PATH_MAX];
    if (f->kubeconfig)
        return is_stream(f->kubeconfig) ? f->kubeconfig : NULL;
    const char *env = getenv("KUBECONFIG");
    if (!env)
        return NULL;
    char *copy = ks_strdup(env);
    const char *hit = NULL;
    for (char *save = NULL, *p = strtok_r(copy, ":", &save); p && !hit;
         p = strtok_r(NULL, ":", &save))
        if (is_stream(p)) {
            bprintf(found, sizeof(found), "%s", p);
            hit = found;
        }
    free(copy);
    return hit;
}

/* The CA bytes of conn (data, or the file's contents). Ownership: *out is freed by the caller. */
static void ca_bytes(const struct kconn *c, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (c->ca_data) {
        *out = ks_malloc(c->ca_len ? c->ca_len : 1);
        memcpy(*out, c->ca_data, c->ca_len);
        *len = c->ca_len;
        return;
    }
    if (!c->ca_file)
        return;
    struct strbuf sb = STRBUF_INIT;
    FILE *fp = fopen(c->ca_file, "rb");
    if (fp) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 && sb.len < (1u << 20))
            strbuf_add(&sb, buf, n);
        fclose(fp);
    } else {
        strbuf_addf(&sb, "file:%s", c->ca_file);
    }
    *out = (unsigned char *)strbuf_detach(&sb, len);
}

/* Run the probe for conn; fill r's server fields. */
static int probe_server(struct resolve *r, const struct probe_net *net, const struct kconn *conn,
                        struct ks_err *e)
{
    struct probe_result pr;
    long timeout = r->set.probe_timeout_ms;
    if (conn->timeout_ms > 0 && conn->timeout_ms < timeout)
        timeout = conn->timeout_ms;
    setenv(RESOLVE_GUARD, "1", 1);
    int rc = net->version(&pr, conn, timeout, e);
    unsetenv(RESOLVE_GUARD);
    r->requests += pr.requests;
    if (rc < 0)
        return rc;
    r->server = pr.ver;
    snprintf(r->git_version, sizeof(r->git_version), "%s", pr.git_version);
    r->have_server = true;
    bprintf(r->probe, sizeof(r->probe), "probed %s%s", r->server_url,
            pr.used_credentials ? " (anonymous request refused; retried with credentials)" : "");
    return 0;
}

/*
 * Find the server version: the cache, else one probe. Returns 0 with
 * r->have_server, 1 when no probe was possible or sensible (kubectl will
 * report a broken command line or kubeconfig itself: no warning), 2 when a
 * probe is needed and o->net is NULL, or -1 when the probe failed (fail
 * says why).
 */
static int server_version(struct resolve *r, int argc, char **argv, const struct resolve_opts *o,
                          bool cache_only, char *fail, size_t nfail)
{
    struct kflags f = KFLAGS_INIT;
    struct kubeconfig kc;
    struct kconn conn;
    struct ks_err err = KS_ERR_INIT;
    unsigned char *ca = NULL;
    size_t ca_len = 0;
    int rc = 1;
    bool have_kc = false, have_conn = false;
    const char *stream;
    memset(&kc, 0, sizeof(kc));
    memset(&conn, 0, sizeof(conn));

    if (kflags_parse(&f, argc, argv, &err) < 0) {
        bprintf(r->probe, sizeof(r->probe), "not probed: %s", err.msg);
        goto done;
    }
    if ((stream = streamed_kubeconfig(&f)) != NULL) {
        /* Reading a pipe would leave kubectl an empty config (kubernetes/kubectl#1759). */
        bprintf(r->probe, sizeof(r->probe), "not probed: kubeconfig %s is a stream", stream);
        rc = cache_only ? 1 : -1;
        bprintf(fail, nfail, "kubeconfig %s is a pipe, not probing the server", stream);
        goto done;
    }
    if (kubeconfig_load(&kc, &f, &err) < 0) {
        bprintf(r->probe, sizeof(r->probe), "not probed: %s", err.msg);
        goto done;
    }
    have_kc = true;
    if (kubeconfig_resolve(&conn, &kc, &f, &err) < 0) {
        bprintf(r->probe, sizeof(r->probe), "not probed: %s", err.msg);
        goto done;
    }
    have_conn = true;
    if (!f.server && !json_string_value(json_object_get(conn.cluster, "server"))) {
        /* No cluster configured: kubectl's localhost:8080 default is nobody's server. */
        bprintf(r->probe, sizeof(r->probe), "not probed: no server configured");
        goto done;
    }
    r->server_url = ks_strdup(conn.server ? conn.server : "");
    ca_bytes(&conn, &ca, &ca_len);
    r->cache_file = vcache_path(r->set.cache_dir, r->server_url, ca, ca_len, conn.tls_server_name);

    bool bypass = argv_is_server_version(argc, argv);
    struct vcache_entry ent;
    int cached = -1;
    time_t now = time(NULL);
    if (r->set.cache_ttl_s > 0)
        cached = vcache_get(&ent, r->cache_file, r->set.cache_ttl_s, now);
    if (cached == 1 && !o->refresh && !bypass &&
        kver_parse_git(&r->server, ent.git_version, NULL) == 0) {
        snprintf(r->git_version, sizeof(r->git_version), "%s", ent.git_version);
        r->have_server = true;
        bprintf(r->probe, sizeof(r->probe), "cache hit for %s (age %llds of %ds)", r->server_url,
                (long long)(now - ent.probed), r->set.cache_ttl_s);
        rc = 0;
        goto done;
    }
    const char *state = bypass        ? "cache bypassed: kubectl version asks the server itself"
                        : o->refresh  ? "cache bypassed: --refresh"
                        : cached == 0 ? "cache stale"
                        : r->set.cache_ttl_s <= 0 ? "cache off"
                                                  : "cache miss";
    if (cache_only) {
        bprintf(r->probe, sizeof(r->probe), "%s; not probed", state);
        goto done;
    }
    if (!o->net) {
        bprintf(r->probe, sizeof(r->probe), "%s; the probe needs the full program", state);
        rc = 2;
        goto done;
    }
    if (probe_server(r, o->net, &conn, &err) < 0) {
        bprintf(r->probe, sizeof(r->probe), "%s; probe failed: %s", state, err.msg);
        bprintf(fail, nfail, "cannot get the server version (%s)", err.msg);
        if (cached >= 0)
            vcache_drop(r->cache_file);
        rc = -1;
        goto done;
    }
    char tail[sizeof(r->probe)];
    bprintf(tail, sizeof(tail), "%s; %s", state, r->probe);
    bprintf(r->probe, sizeof(r->probe), "%s", tail);
    if (r->set.cache_ttl_s > 0) {
        struct vcache_entry w;
        memset(&w, 0, sizeof(w));
        snprintf(w.git_version, sizeof(w.git_version), "%s", r->git_version);
        w.probed = now;
        if (cached >= 0 && strcmp(ent.git_version, r->git_version) == 0)
            w.download_failed = ent.download_failed;
        vcache_put(r->cache_file, &w, NULL); /* a cache we cannot write only costs speed */
    }
    rc = 0;
done:
    free(ca);
    if (have_conn)
        kubeconfig_conn_release(&conn);
    if (have_kc)
        kubeconfig_release(&kc);
    kflags_release(&f);
    return rc;
}

/* No compatible binary: download the server's exact patch when allowed. */
static char *try_download(struct resolve *r, const struct resolve_opts *o, char *why, size_t n,
                          bool *delegate)
{
    struct vcache_entry ent;
    time_t now = time(NULL);
    if (!r->set.allow_download) {
        bprintf(why, n, "downloads are off");
        return NULL;
    }
    if (o->no_fetch) {
        bprintf(why, n, "a download would be tried");
        return NULL;
    }
    if (!r->server.has_patch) {
        bprintf(why, n, "the server reports no patch version to download");
        return NULL;
    }
    if (r->cache_file && vcache_get(&ent, r->cache_file, r->set.cache_ttl_s, now) >= 0 &&
        ent.download_failed && now - ent.download_failed < r->set.cache_ttl_s &&
        strcmp(ent.git_version, r->git_version) == 0) {
        bprintf(why, n, "the download failed %llds ago", (long long)(now - ent.download_failed));
        return NULL;
    }
    if (!o->net) {
        *delegate = true;
        return NULL;
    }
    struct ks_err err = KS_ERR_INIT;
    char *dest = ks_asprintf("%s/bin", r->set.cache_dir);
    struct download_opts d = {r->set.mirror, dest, bins_goos_goarch(),
                              r->set.probe_timeout_ms > 1000 ? r->set.probe_timeout_ms : 1000,
                              (long)r->set.download_timeout_s * 1000};
    char *path = NULL;
    if (o->net->fetch(&path, &r->server, &d, &err) < 0) {
        bprintf(why, n, "download failed: %s", err.msg);
        if (r->cache_file && r->set.cache_ttl_s > 0) {
            memset(&ent, 0, sizeof(ent));
            snprintf(ent.git_version, sizeof(ent.git_version), "%s", r->git_version);
            ent.probed = now;
            ent.download_failed = now;
            vcache_put(r->cache_file, &ent, NULL);
        }
    }
    free(dest);
    return path;
}

int resolve_run(struct resolve *r, int argc, char **argv, const struct resolve_opts *o,
                struct ks_err *e)
{
    int rc;
    memset(r, 0, sizeof(*r));
    if ((rc = settings_load(&r->set, e)) < 0)
        return rc;
    r->self = bins_self_path();
    const char *forced = getenv("KUBESHIM_KUBECTL");
    if (forced && *forced) {
        r->chosen = ks_strdup(forced);
        r->probe_skipped = true;
        bprintf(r->probe, sizeof(r->probe), "not probed: KUBESHIM_KUBECTL is set");
        bprintf(r->reason, sizeof(r->reason), "forced by KUBESHIM_KUBECTL");
        return 0;
    }
    struct bins_opts bo = {
        argv[0], r->self, r->set.cache_dir, r->set.home, r->set.system_path, getenv("PATH")};
    bins_find(&r->bins, &bo);

    const char *local = argv_local_reason(argc, argv);
    char *plugin = local ? NULL : argv_plugin_path(argc, argv);
    const char *nested = getenv(RESOLVE_GUARD);
    if (!nested || !*nested)
        nested = getenv("KUBERLR_RESOLVING_VERSION");
    if ((nested && *nested) || local || plugin) {
        char why[PATH_MAX + 64];
        if (nested && *nested)
            bprintf(why, sizeof(why), "called while resolving a version (recursion guard)");
        else if (local)
            bprintf(why, sizeof(why), "local-only command (%s)", local);
        else
            bprintf(why, sizeof(why), "plugin %s", plugin);
        free(plugin);
        r->probe_skipped = true;
        /* A version the cache already holds costs no request: use it when there is one. */
        char fail[KS_ERR_MSG + PATH_MAX];
        if (!(nested && *nested) &&
            server_version(r, argc, argv, o, true, fail, sizeof(fail)) == 0) {
            char pwhy[sizeof(r->reason)], vb[32];
            int i = policy_choose(&r->bins, &r->server, r->set.policy, pwhy, sizeof(pwhy));
            if (i >= 0) {
                r->chosen = ks_strdup(r->bins.v[i].path);
                bprintf(r->reason, sizeof(r->reason), "%s, cached server %s: %s: kubectl %s", why,
                        r->git_version, pwhy, kver_str(&r->bins.v[i].ver, vb, sizeof(vb)));
                return 0;
            }
        }
        char probe[sizeof(r->probe)];
        if (r->probe[0])
            bprintf(probe, sizeof(probe), "not probed: %s (%s)", why, r->probe);
        else
            bprintf(probe, sizeof(probe), "not probed: %s", why);
        bprintf(r->probe, sizeof(r->probe), "%s", probe);
        return choose_fallback(r, why, e);
    }

    char fail[KS_ERR_MSG + PATH_MAX];
    int sv = server_version(r, argc, argv, o, false, fail, sizeof(fail));
    if (sv == 2)
        return ks_fail(e, KS_EDELEGATE, "the server version is not cached");
    if (sv != 0) {
        rc = choose_fallback(r, sv > 0 ? "server version unknown" : "probe failed", e);
        if (sv < 0 && rc == 0)
            set_warning(r, fail);
        return rc;
    }

    char why[sizeof(r->reason)];
    char vb[32];
    int i = policy_choose(&r->bins, &r->server, r->set.policy, why, sizeof(why));
    if (i >= 0) {
        r->chosen = ks_strdup(r->bins.v[i].path);
        bprintf(r->reason, sizeof(r->reason), "%s: kubectl %s for server %s", why,
                kver_str(&r->bins.v[i].ver, vb, sizeof(vb)), r->git_version);
        return 0;
    }
    char dwhy[KS_ERR_MSG + 32] = "";
    bool delegate = false;
    char *dl = try_download(r, o, dwhy, sizeof(dwhy), &delegate);
    if (delegate)
        return ks_fail(e, KS_EDELEGATE, "a download is needed");
    if (dl) {
        r->chosen = dl;
        bprintf(r->reason, sizeof(r->reason), "downloaded kubectl %s for server %s",
                kver_str(&r->server, vb, sizeof(vb)), r->git_version);
        return 0;
    }
    char what[sizeof(r->reason) + sizeof(dwhy) + 64];
    bprintf(what, sizeof(what), "no kubectl within the %s policy for server %s (%s)",
            settings_policy_name(r->set.policy), r->git_version, dwhy);
    if (!r->set.use_latest)
        return ks_fail(e, KS_ENOTFOUND, "%s, and UseLatestIfNoCompatible is false", what);
    if ((rc = choose_fallback(r, "no compatible kubectl", e)) < 0)
        return rc;
    set_warning(r, what);
    return 0;
}

void resolve_print_notes(const struct resolve *r)
{
    const char *v = getenv("KUBESHIM_VERBOSE");
    if (r->warning && !r->set.quiet)
        fprintf(stderr, "%s\n", r->warning);
    if (v && settings_parse_bool(v) == 1)
        fprintf(stderr, "kubeshim: running %s (%s; %s)\n", r->chosen, r->reason, r->probe);
}

void resolve_release(struct resolve *r)
{
    settings_release(&r->set);
    bins_release(&r->bins);
    free(r->self);
    free(r->chosen);
    free(r->warning);
    free(r->server_url);
    free(r->cache_file);
    memset(r, 0, sizeof(*r));
}
