/*
 * asrv_server.c: setting up and tearing down the state of one
 * kubeshim-apiserver: the catalog, a store holding the namespaces every
 * cluster has (default, kube-system, kube-public, kube-node-lease) plus any
 * --fixtures, OpenAPI documents, faults, the log and the /version document.
 */
#include "apiserver/asrv_server.h"

#include "apiserver/asrv_write.h"
#include "base/manifest.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double asrv_server_elapsed(const struct asrv *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - s->t0;
}

void asrv_server_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void asrv_server_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof(b)) != 1) {
        for (size_t i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)rand();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static json_t *version_doc(const char *v)
{
    const char *p = v[0] == 'v' ? v + 1 : v;
    long major = strtol(p, NULL, 10);
    const char *dot = strchr(p, '.');
    long minor = dot ? strtol(dot + 1, NULL, 10) : 0;
    char maj[16], min[16];
    snprintf(maj, sizeof(maj), "%ld", major);
    snprintf(min, sizeof(min), "%ld", minor);
    char *git = v[0] == 'v' ? ks_strdup(v) : ks_asprintf("v%s", v);
    json_t *doc =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "major", maj, "minor", min, "gitVersion",
                  git, "gitCommit", "0000000000000000000000000000000000000000", "gitTreeState",
                  "clean", "buildDate", "2025-05-15T00:00:00Z", "goVersion", "go1.24.2", "compiler",
                  "gc", "platform", "linux/amd64");
    free(git);
    return doc;
}

static int load_fixtures(struct asrv *s, const char *path, struct ks_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ks_fail(e, KS_EINPUT, "--fixtures \"%s\": cannot open", path);
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    struct manifest m = MANIFEST_INIT;
    int rc = manifest_load(&m, strbuf_str(&sb), sb.len, path, NULL, e);
    for (size_t i = 0; rc == 0 && i < m.n; i++) {
        rc = asrv_write_seed(s, json_incref(m.objs[i].obj), e);
        if (rc < 0)
            ks_context(e, "--fixtures \"%s\": document %d", path, m.objs[i].doc);
    }
    manifest_release(&m);
    strbuf_release(&sb);
    return rc;
}

int asrv_server_init(struct asrv *s, const struct asrv_opts *o, struct ks_err *e)
{
    memset(s, 0, sizeof(*s));
    s->opts = *o;
    s->listen_fd = -1;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    s->t0 = 0;
    s->t0 = asrv_server_elapsed(s);
    pthread_mutex_init(&s->mu, NULL);
    asrv_store_init(&s->store);
    asrv_watch_init(&s->events);
    asrv_catalog_init(&s->cat, o->serve_only);
    asrv_fault_init(&s->faults);
    s->faults.latency_ms = o->latency_ms;
    s->version = version_doc(o->version);
    int rc = asrv_log_open(&s->log, o->log_file, e);
    if (rc == 0)
        rc = asrv_openapi_load(&s->openapi, o->openapi_dir, o->version, e);
    for (size_t i = 0; rc == 0 && i < o->nfaults; i++)
        rc = asrv_fault_add_spec(&s->faults, o->faults[i], e);
    if (rc == 0 && o->conflicts > 0)
        asrv_fault_add_conflicts(&s->faults, o->conflicts);
    static const char *const namespaces[] = {"default", "kube-node-lease", "kube-public",
                                             "kube-system"};
    for (size_t i = 0; rc == 0 && i < KS_ARRAY_SIZE(namespaces); i++)
        rc = asrv_write_seed(s,
                             json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                                       "metadata", "name", namespaces[i]),
                             e);
    if (rc == 0 && o->fixtures)
        rc = load_fixtures(s, o->fixtures, e);
    return rc;
}

void asrv_server_release(struct asrv *s)
{
    asrv_store_release(&s->store);
    asrv_watch_release(&s->events);
    asrv_catalog_release(&s->cat);
    asrv_openapi_release(&s->openapi);
    asrv_fault_release(&s->faults);
    asrv_log_close(&s->log);
    json_decref(s->version);
    if (s->tls)
        SSL_CTX_free(s->tls);
    for (int i = 0; i < 2; i++)
        if (s->stop_pipe[i] >= 0)
            close(s->stop_pipe[i]);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    pthread_mutex_destroy(&s->mu);
}
