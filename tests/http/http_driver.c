/*
 * http_driver.c: a command-line driver of src/http for the loopback tests
 * (test_http.py): every subcommand takes kubectl's global flags anywhere.
 *   listcm             GET the configmaps of the resolved namespace (as `kubectl get cm`)
 *   get PATH...        GET each path concurrently; prints "STATUS PATH" lines, bodies with -b
 *   do METHOD PATH [BODY] [CONTENT-TYPE]  one synchronous request
 *   probe              the dispatcher's /version probe
 *   minify             kcview_minify() as JSON
 *   conn               the resolved connection (no secrets) as JSON
 *   map APIVERSION KIND, mapres NAME   REST mapping; prints the discovery request count
 *   openapi GVKEY      fetch one OpenAPI v3 document; prints its top-level keys
 *   many N PATH        N concurrent GETs of PATH; prints the count of 200s
 *   delay MS PATH      one GET delayed by MS and one at once; prints the completion order
 * Errors print as kubectl prints them and exit 1.
 */
#include "base/ks.h"
#include "http/kclient.h"
#include "http/kcview.h"
#include "http/kprompt.h"
#include "http/kdisc.h"
#include "http/kflags.h"
#include "http/kopenapi.h"
#include "http/kprobe.h"
#include "http/kstatus.h"
#include "http/kubeconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The words of argv that are not global flags (or their values). */
static int positional(char **out, int argc, char **argv)
{
    static const char *const valued[] = {"--kubeconfig",
                                         "--context",
                                         "--cluster",
                                         "--user",
                                         "-s",
                                         "--server",
                                         "--token",
                                         "--username",
                                         "--password",
                                         "--as",
                                         "--as-uid",
                                         "--as-group",
                                         "--certificate-authority",
                                         "--client-certificate",
                                         "--client-key",
                                         "--tls-server-name",
                                         "--request-timeout",
                                         "--cache-dir",
                                         "-n",
                                         "--namespace",
                                         "-v",
                                         "--v"};
    int n = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (strchr(a, '=') || (a[1] != '-' && a[2]))
                continue;
            for (size_t k = 0; k < KS_ARRAY_SIZE(valued); k++)
                if (strcmp(a, valued[k]) == 0)
                    i++;
            continue;
        }
        out[n++] = argv[i];
    }
    return n;
}

static int fail(const struct ks_err *e)
{
    fprintf(stderr, "%s%s\n", kubeconfig_err_prefix(e), e->msg);
    return 1;
}

struct many {
    int ok, done;
};

static void many_done(struct kclient *c, const struct kclient_resp *r, void *arg)
{
    struct many *m = arg;
    (void)c;
    m->done++;
    if (r->status == 200)
        m->ok++;
}

static int any_failed;

static void print_resp(const char *path, const struct kclient_resp *r, void *arg)
{
    int bodies = *(int *)arg;
    if (r->status == 0 || r->status >= 300)
        any_failed = 1;
    if (r->status == 0) {
        struct kstatus st;
        kstatus_from_resp(&st, r);
        char *t = kstatus_text(&st);
        printf("0 %s %s\n", path, t);
        free(t);
        kstatus_release(&st);
        return;
    }
    printf("%ld %s\n", r->status, path);
    if (r->status >= 300) {
        struct kstatus st;
        kstatus_from_resp(&st, r);
        char *t = kstatus_text(&st);
        printf("%s\n", t);
        free(t);
        kstatus_release(&st);
    } else if (bodies) {
        printf("%.*s\n", (int)r->body.len, r->body.buf ? r->body.buf : "");
    }
}

struct getarg {
    const char *path;
    int *bodies;
};

static void get_done(struct kclient *c, const struct kclient_resp *r, void *arg)
{
    struct getarg *g = arg;
    (void)c;
    print_resp(g->path, r, g->bodies);
}

struct delayed {
    const char *name;
    struct timespec *t0;
};

static void delay_done(struct kclient *c, const struct kclient_resp *r, void *arg)
{
    struct delayed *d = arg;
    struct timespec t1;
    (void)c;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - d->t0->tv_sec) * 1000 + (t1.tv_nsec - d->t0->tv_nsec) / 1000000;
    printf("%s status=%ld after_ms=%ld\n", d->name, r->status, ms);
}

static json_t *conn_json(const struct kconn *k)
{
    json_t *o = json_object();
#define S(name, v) json_object_set_new(o, name, (v) ? json_string(v) : json_null())
    S("server", k->server);
    S("context", k->context_name);
    S("cluster", k->cluster_name);
    S("user", k->user_name);
    S("namespace", k->namespace_);
    S("tls_server_name", k->tls_server_name);
    S("ca_file", k->ca_file);
    S("cert_file", k->cert_file);
    S("key_file", k->key_file);
    S("token_file", k->token_file);
    S("proxy_url", k->proxy_url);
    S("as", k->as);
    S("as_uid", k->as_uid);
    S("cache_dir", k->cache_dir);
    S("username", k->username);
#undef S
    json_object_set_new(o, "insecure", json_boolean(k->insecure));
    json_object_set_new(o, "has_token", json_boolean(k->token != NULL));
    json_object_set_new(o, "has_password", json_boolean(k->password != NULL));
    json_object_set_new(o, "ca_data_len", json_integer((json_int_t)k->ca_len));
    json_object_set_new(o, "cert_data_len", json_integer((json_int_t)k->cert_len));
    json_object_set_new(o, "key_data_len", json_integer((json_int_t)k->key_len));
    json_object_set_new(o, "has_exec", json_boolean(k->exec != NULL));
    json_object_set_new(o, "timeout_ms", json_integer(k->timeout_ms));
    json_object_set_new(o, "namespace_from_flag", json_boolean(k->namespace_from_flag));
    json_t *g = json_array();
    for (size_t i = 0; i < k->n_as_groups; i++)
        json_array_append_new(g, json_string(k->as_groups[i]));
    json_object_set_new(o, "as_groups", g);
    return o;
}

int main(int argc, char **argv)
{
    struct kflags f = KFLAGS_INIT;
    struct kubeconfig kc;
    struct kconn conn;
    struct kclient *c = NULL;
    struct ks_err e = KS_ERR_INIT;
    char **pos = calloc((size_t)argc + 1, sizeof(char *));
    int n, rc = 0, bodies = 0;
    ks_alloc_install();
    memset(&kc, 0, sizeof(kc));
    memset(&conn, 0, sizeof(conn));
    n = positional(pos, argc, argv);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-b") == 0)
            bodies = 1;
    if (n < 1) {
        fprintf(stderr,
                "usage: http_driver get|do|probe|minify|conn|map|mapres|openapi|many ...\n");
        free(pos);
        return 2;
    }
    const char *cmd = pos[0];
    if (kflags_parse(&f, argc, argv, &e) < 0 || kubeconfig_load(&kc, &f, &e) < 0) {
        rc = fail(&e);
        goto done;
    }
    if (strcmp(cmd, "minify") == 0) {
        json_t *m = NULL;
        if (kcview_minify(&m, &kc, &f, &e) < 0) {
            rc = fail(&e);
            goto done;
        }
        char *s = json_dumps(m, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(m);
        goto done;
    }
    if (kubeconfig_resolve(&conn, &kc, &f, &e) < 0) {
        rc = fail(&e);
        goto done;
    }
    if (conn.prompt_basic && strcmp(cmd, "conn") != 0 && strcmp(cmd, "probe") != 0 &&
        kprompt_basic(&conn, stdin, stdout, &e) < 0) {
        fflush(stdout);
        rc = fail(&e);
        goto done;
    }
    if (strcmp(cmd, "conn") == 0) {
        json_t *j = conn_json(&conn);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("%s\n", s);
        free(s);
        json_decref(j);
        goto done;
    }
    if (strcmp(cmd, "probe") == 0) {
        struct kprobe_version v;
        struct kprobe_opts po = {.timeout_ms = conn.timeout_ms ? conn.timeout_ms : 2000};
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = kprobe_version_get(&v, &conn, &po, &e);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (rc < 0) {
            printf("probe failed after %ld ms (requests=%u): %s\n", ms, v.requests, e.msg);
            rc = 1;
        } else {
            printf("version %d.%d.%d %s requests=%u credentials=%s\n", v.major, v.minor, v.patch,
                   v.git_version ? v.git_version : "", v.requests,
                   v.used_credentials ? "yes" : "no");
        }
        kprobe_version_release(&v);
        goto done;
    }
    /* HTTP_DRIVER_MAX_CONNS: a smaller pool for servers with a tiny listen backlog (fakeapi) */
    struct kclient_opts copts = {0};
    if (getenv("HTTP_DRIVER_MAX_CONNS"))
        copts.max_host_connections = copts.max_total_connections =
            atoi(getenv("HTTP_DRIVER_MAX_CONNS"));
    if (kclient_new(&c, &conn, &copts, &e) < 0) {
        rc = fail(&e);
        goto done;
    }
    if (strcmp(cmd, "listcm") == 0) {
        /* what `kubectl get configmaps` requests, in the resolved namespace */
        char *path = ks_asprintf("/api/v1/namespaces/%s/configmaps?limit=500", conn.namespace_);
        struct getarg ga = {path, &bodies};
        struct kclient_req req = {.method = "GET", .path = path};
        kclient_submit(c, &req, get_done, &ga, NULL);
        rc = kclient_run(c, &e) < 0 ? fail(&e) : 0;
        free(path);
    } else if (strcmp(cmd, "get") == 0) {
        struct getarg *ga = calloc((size_t)n, sizeof(*ga));
        for (int i = 1; i < n; i++) {
            struct kclient_req req = {.method = "GET", .path = pos[i]};
            ga[i].path = pos[i];
            ga[i].bodies = &bodies;
            kclient_submit(c, &req, get_done, &ga[i], NULL);
        }
        rc = kclient_run(c, &e) < 0 ? fail(&e) : 0;
        free(ga);
    } else if (strcmp(cmd, "do") == 0 && n >= 3) {
        struct kclient_req req = {.method = pos[1], .path = pos[2]};
        struct kclient_resp resp;
        if (n >= 4) {
            req.body = pos[3];
            req.body_len = strlen(pos[3]);
        }
        if (n >= 5)
            req.content_type = pos[4];
        int b = 1;
        rc = kclient_do(c, &req, &resp, &e);
        print_resp(pos[2], &resp, &b);
        rc = rc < 0 || resp.status >= 300 ? 1 : 0;
        kclient_resp_release(&resp);
    } else if ((strcmp(cmd, "map") == 0 && n >= 3) || (strcmp(cmd, "mapres") == 0 && n >= 2)) {
        struct kdisc *d = NULL;
        struct kdisc_mapping m;
        kdisc_new(&d, c, NULL, &e);
        int r = strcmp(cmd, "map") == 0 ? kdisc_map(d, &m, pos[1], pos[2], &e)
                                        : kdisc_map_resource(d, &m, pos[1], &e);
        if (r < 0) {
            printf("error: %s\n", e.msg);
            rc = 1;
        } else {
            printf("group=%s version=%s kind=%s resource=%s namespaced=%s\n", m.group, m.version,
                   m.kind, m.resource, m.namespaced ? "true" : "false");
        }
        printf("discovery requests=%lu\n", kdisc_request_count(d));
        kdisc_free(d);
    } else if (strcmp(cmd, "openapi") == 0 && n >= 2) {
        struct kopenapi *o = NULL;
        const json_t *doc;
        kopenapi_new(&o, c, &e);
        for (int i = 1; i < n; i++) {
            if (kopenapi_gv_get(&doc, o, pos[i], &e) < 0) {
                printf("error: %s\n", e.msg);
                rc = 1;
                break;
            }
            const char *k;
            json_t *v;
            printf("%s:", pos[i]);
            json_object_foreach((json_t *)doc, k, v) printf(" %s", k);
            printf("\n");
        }
        printf("requests=%lu\n", kclient_request_count(c));
        kopenapi_free(o);
    } else if (strcmp(cmd, "delay") == 0 && n >= 3) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        struct delayed late = {"delayed", &t0}, now = {"immediate", &t0};
        struct kclient_req rl = {.method = "GET", .path = pos[2], .delay_ms = atol(pos[1])};
        struct kclient_req rn = {.method = "GET", .path = pos[2]};
        kclient_submit(c, &rl, delay_done, &late, NULL);
        kclient_submit(c, &rn, delay_done, &now, NULL);
        rc = kclient_run(c, &e) < 0 ? fail(&e) : 0;
    } else if (strcmp(cmd, "many") == 0 && n >= 3) {
        struct many m = {0, 0};
        int count = atoi(pos[1]);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 0; i < count; i++) {
            struct kclient_req req = {.method = "GET", .path = pos[2]};
            kclient_submit(c, &req, many_done, &m, NULL);
        }
        rc = kclient_run(c, &e) < 0 ? fail(&e) : 0;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        printf("ok=%d done=%d ms=%ld\n", m.ok, m.done, ms);
    } else {
        fprintf(stderr, "http_driver: unknown or incomplete command \"%s\"\n", cmd);
        rc = 2;
    }
done:
    if (any_failed && rc == 0)
        rc = 1;
    kclient_free(c);
    kubeconfig_conn_release(&conn);
    kubeconfig_release(&kc);
    kflags_release(&f);
    free(pos);
    return rc;
}
