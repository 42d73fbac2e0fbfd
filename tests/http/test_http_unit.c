/*
 * test_http_unit.c: the pure helpers of src/http. Expected values are kubectl
 * 1.33's own texts (flag errors, Status messages, recorded request paths in
 * ../shared/corpus) and Go's documented formats (time.Duration.String,
 * url.QueryEscape, httpproxy's NO_PROXY rules, base64.StdEncoding).
 */
#include "http/kbase64.h"
#include "http/kclient.h"
#include "http/kdisc.h"
#include "http/kflags.h"
#include "http/kprobe.h"
#include "http/kproxy.h"
#include "http/krest.h"
#include "http/kstatus.h"
#include "http/kubeconfig.h"
#include "ktest.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_flags(void)
{
    char *argv[] = {"kubectl",
                    "--context=a",
                    "get",
                    "-n",
                    "ns1",
                    "pods",
                    "--kubeconfig",
                    "k.yaml",
                    "-s",
                    "http://x:1",
                    "--as-group",
                    "g1",
                    "--as-group=g2",
                    "-v=8",
                    "--insecure-skip-tls-verify",
                    "--request-timeout",
                    "5s",
                    "-nns2",
                    "--",
                    "--context",
                    "ignored"};
    struct kflags f = KFLAGS_INIT;
    struct ks_err e = KS_ERR_INIT;
    KT_CHECK_INT(kflags_parse(&f, (int)KS_ARRAY_SIZE(argv), argv, &e), 0);
    KT_CHECK_STR(f.context, "a");
    KT_CHECK_STR(f.namespace_, "ns2"); /* the last occurrence wins */
    KT_CHECK_STR(f.kubeconfig, "k.yaml");
    KT_CHECK_STR(f.server, "http://x:1");
    KT_CHECK_INT(f.n_as_groups, 2);
    KT_CHECK_STR(f.as_groups[1], "g2");
    KT_CHECK_INT(f.verbosity, 8);
    KT_CHECK_INT(f.insecure_skip_tls_verify, 1);
    KT_CHECK_STR(f.request_timeout, "5s");
    kflags_release(&f);

    /* kubectl 1.33's own error texts */
    char *a2[] = {"kubectl", "get", "pods", "--context"};
    KT_CHECK_INT(kflags_parse(&f, 4, a2, &e), KS_EUSAGE);
    KT_CHECK_STR(e.msg, "flag needs an argument: --context");
    kflags_release(&f);
    char *a3[] = {"kubectl", "get", "pods", "-n"};
    KT_CHECK_INT(kflags_parse(&f, 4, a3, &e), KS_EUSAGE);
    KT_CHECK_STR(e.msg, "flag needs an argument: 'n' in -n");
    kflags_release(&f);
    char *a4[] = {"kubectl", "get", "--insecure-skip-tls-verify=maybe"};
    KT_CHECK_INT(kflags_parse(&f, 3, a4, &e), KS_EUSAGE);
    KT_CHECK_STR(e.msg, "invalid argument \"maybe\" for \"--insecure-skip-tls-verify\" flag: "
                        "strconv.ParseBool: parsing \"maybe\": invalid syntax");
    kflags_release(&f);
    char *a5[] = {"kubectl", "get", "-v=x"};
    KT_CHECK_INT(kflags_parse(&f, 3, a5, &e), KS_EUSAGE);
    KT_CHECK_STR(e.msg, "invalid argument \"x\" for \"-v, --v\" flag: strconv.ParseInt: parsing "
                        "\"x\": invalid syntax");
    kflags_release(&f);
    /* a value of another global flag is not mistaken for a flag */
    char *a6[] = {"kubectl", "--vmodule", "--context", "get"};
    KT_CHECK_INT(kflags_parse(&f, 4, a6, &e), 0);
    KT_CHECK(f.context == NULL);
    kflags_release(&f);
}

static void test_durations(void)
{
    struct ks_err e = KS_ERR_INIT;
    long ms = -1;
    KT_CHECK_INT(kflags_timeout_ms(&ms, "0", &e), 0);
    KT_CHECK_INT(ms, 0);
    KT_CHECK_INT(kflags_timeout_ms(&ms, "90", &e), 0);
    KT_CHECK_INT(ms, 90000);
    KT_CHECK_INT(kflags_timeout_ms(&ms, "1m30s", &e), 0);
    KT_CHECK_INT(ms, 90000);
    KT_CHECK_INT(kflags_timeout_ms(&ms, "500ms", &e), 0);
    KT_CHECK_INT(ms, 500);
    KT_CHECK_INT(kflags_timeout_ms(&ms, "abc", &e), KS_EUSAGE);
    KT_CHECK_STR(e.msg, "Invalid timeout value. Timeout must be a single integer in seconds, or an "
                        "integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)");
    /* Go's time.Duration.String() */
    const struct {
        long ms;
        const char *want;
    } d[] = {{5000, "5s"},        {90000, "1m30s"}, {500, "500ms"},
             {3600000, "1h0m0s"}, {1500, "1.5s"},   {32000, "32s"}};
    for (size_t i = 0; i < KS_ARRAY_SIZE(d); i++) {
        char *s = kclient_go_duration(d[i].ms);
        KT_CHECK_STR(s, d[i].want);
        free(s);
    }
}

static void test_base64(void)
{
    unsigned char *out = NULL;
    size_t n = 0;
    KT_CHECK_INT(kbase64_decode(&out, &n, "aGVsbG8=", 8), 0);
    KT_CHECK_INT(n, 5);
    KT_CHECK_STR((char *)out, "hello");
    free(out);
    KT_CHECK_INT(kbase64_decode(&out, &n, "aGVs\nbG8h", 9), 0);
    KT_CHECK_STR((char *)out, "hello!");
    free(out);
    KT_CHECK_INT(kbase64_decode(&out, &n, "aGVsbG8", 7), -1);
    KT_CHECK_INT(kbase64_decode(&out, &n, "a$==", 4), -1);
    char *s = kbase64_encode((const unsigned char *)"user:pass", 9);
    KT_CHECK_STR(s, "dXNlcjpwYXNz");
    free(s);
}

static void test_rest_paths(void)
{
    struct kdisc_mapping dep = {"apps", "v1", "Deployment", "deployments", true};
    struct kdisc_mapping ns = {"", "v1", "Namespace", "namespaces", false};
    struct krest_query q = KREST_QUERY_INIT;
    q.field_manager = "kubectl-client-side-apply";
    q.field_validation = "Strict";
    /* as recorded in ../shared/corpus/kubectl-golden (PATCH of an existing Deployment) */
    char *p = krest_path(&dep, "default", "web", &q);
    KT_CHECK_STR(p, "/apis/apps/v1/namespaces/default/deployments/web"
                    "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict");
    free(p);
    struct krest_query d = KREST_QUERY_INIT;
    d.dry_run = "All";
    d.field_manager = "kubectl-client-side-apply";
    p = krest_path(&dep, "default", NULL, &d);
    KT_CHECK_STR(p, "/apis/apps/v1/namespaces/default/deployments"
                    "?dryRun=All&fieldManager=kubectl-client-side-apply");
    free(p);
    struct krest_query s = KREST_QUERY_INIT;
    s.field_manager = "kubectl";
    s.field_validation = "Strict";
    s.force = 0;
    p = krest_path(&ns, "ignored", "prod", &s);
    KT_CHECK_STR(p,
                 "/api/v1/namespaces/prod?fieldManager=kubectl&fieldValidation=Strict&force=false");
    free(p);
    char *esc = krest_query_escape("app=web,tier in (a,b)");
    KT_CHECK_STR(esc, "app%3Dweb%2Ctier+in+%28a%2Cb%29");
    free(esc);
    p = krest_delete_body("Background");
    KT_CHECK_STR(p, "{\"propagationPolicy\":\"Background\"}");
    free(p);
}

static void status_text(const char *want, long code, const char *body)
{
    struct kclient_resp r;
    struct kstatus st;
    memset(&r, 0, sizeof(r));
    r.status = code;
    strbuf_adds(&r.body, body);
    kstatus_from_resp(&st, &r);
    char *t = kstatus_text(&st);
    KT_CHECK_STR(t, want);
    free(t);
    kstatus_release(&st);
    kclient_resp_release(&r);
}

static void test_status(void)
{
    status_text("Error from server (NotFound): deployments.apps \"web\" not found", 404,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                "\"message\":\"deployments.apps \\\"web\\\" not found\",\"reason\":\"NotFound\","
                "\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\"},"
                "\"code\":404}");
    status_text("error: You must be logged in to the server (Unauthorized)", 401,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}");
    status_text("Error from server (NotFound): the server could not find the requested resource",
                404, "404 page not found");
    struct kclient_resp r;
    memset(&r, 0, sizeof(r));
    ks_fail(&r.err, KS_EHTTP,
            "Get \"http://127.0.0.1:1/api?timeout=32s\": dial tcp 127.0.0.1:1: "
            "connect: connection refused");
    struct kstatus st;
    kstatus_from_resp(&st, &r);
    char *t = kstatus_text(&st);
    KT_CHECK_STR(t, "The connection to the server 127.0.0.1:1 was refused - did you specify the "
                    "right host or port?");
    free(t);
    KT_CHECK_INT(kstatus_code(&st), KS_EHTTP);
    kstatus_release(&st);
}

static void test_version_parse(void)
{
    struct kprobe_version v;
    struct ks_err e = KS_ERR_INIT;
    const char *gke = "{\"major\":\"1\",\"minor\":\"30+\",\"gitVersion\":\"v1.30.2-gke.1\"}";
    KT_CHECK_INT(kprobe_version_parse(&v, gke, strlen(gke), &e), 0);
    KT_CHECK_INT(v.major, 1);
    KT_CHECK_INT(v.minor, 30);
    KT_CHECK_INT(v.patch, 2);
    kprobe_version_release(&v);
    const char *k3s = "{\"major\":\"\",\"minor\":\"\",\"gitVersion\":\"v1.29.4+k3s1\"}";
    KT_CHECK_INT(kprobe_version_parse(&v, k3s, strlen(k3s), &e), 0);
    KT_CHECK_INT(v.minor, 29);
    KT_CHECK_INT(v.patch, 4);
    kprobe_version_release(&v);
    KT_CHECK_INT(kprobe_version_parse(&v, "{}", 2, &e), KS_EINPUT);
    KT_CHECK_INT(kprobe_version_parse(&v, "<html>", 6, &e), KS_EINPUT);
}

static void test_proxy(void)
{
    setenv("HTTPS_PROXY", "http://proxy:3128", 1);
    unsetenv("https_proxy");
    unsetenv("NO_PROXY");
    unsetenv("no_proxy");
    char *p = kproxy_for("https://10.0.0.1:6443", NULL);
    KT_CHECK_STR(p, "http://proxy:3128");
    free(p);
    /* Go's httpproxy never proxies loopback from the environment */
    KT_CHECK(kproxy_for("https://127.0.0.1:6443", NULL) == NULL);
    KT_CHECK(kproxy_for("https://localhost:6443", NULL) == NULL);
    KT_CHECK(kproxy_for("https://[::1]:6443", NULL) == NULL);
    /* ...but an explicit proxy-url is always used */
    p = kproxy_for("https://127.0.0.1:6443", "socks5://127.0.0.1:1080");
    KT_CHECK_STR(p, "socks5://127.0.0.1:1080");
    free(p);
    setenv("NO_PROXY", "10.0.0.0/8,.example.com,exact.org:6443", 1);
    KT_CHECK(kproxy_for("https://10.1.2.3:6443", NULL) == NULL);
    KT_CHECK(kproxy_for("https://api.example.com", NULL) == NULL);
    KT_CHECK(kproxy_for("https://exact.org:6443", NULL) == NULL);
    p = kproxy_for("https://exact.org:443", NULL);
    KT_CHECK_STR(p, "http://proxy:3128");
    free(p);
    KT_CHECK(kproxy_for("http://10.0.0.1:8080", NULL) == NULL); /* HTTP_PROXY unset */
    unsetenv("HTTPS_PROXY");
    unsetenv("NO_PROXY");
}

static void test_cache_dir_names(void)
{
    /* PARITY: client-go computeDiscoverCacheDir, as kubectl writes ~/.kube/cache/discovery/ */
    char *s = kdisc_host_dir("https://127.0.0.1:6443");
    KT_CHECK_STR(s, "127.0.0.1_6443");
    free(s);
    s = kdisc_host_dir("https://k8s.example.com:443/prefix");
    KT_CHECK_STR(s, "k8s.example.com_443/prefix");
    free(s);
}

static void test_kubeconfig_merge(void)
{
    char dir[] = "/tmp/kshttp-unit-XXXXXX";
    if (!mkdtemp(dir))
        return;
    char *a = ks_asprintf("%s/a.json", dir), *sub = ks_asprintf("%s/sub", dir);
    char *b = ks_asprintf("%s/sub/b.json", dir);
    mkdir(sub, 0700);
    FILE *fp = fopen(a, "w");
    fputs("{\"clusters\":[{\"name\":\"c\",\"cluster\":{\"server\":\"https://a:1\"}}],"
          "\"contexts\":[{\"name\":\"x\",\"context\":{\"cluster\":\"c\",\"user\":\"u\"}}],"
          "\"users\":[{\"name\":\"u\",\"user\":{\"token\":\"t\"}}]}",
          fp);
    fclose(fp);
    fp = fopen(b, "w");
    fputs("{\"current-context\":\"x\",\"clusters\":[{\"name\":\"c\",\"cluster\":{\"server\":"
          "\"https://b:1\"}},{\"name\":\"d\",\"cluster\":{\"server\":\"https://d:1\","
          "\"certificate-authority\":\"ca.crt\"}}],\"contexts\":[{\"name\":\"x\",\"context\":"
          "{\"cluster\":\"d\",\"namespace\":\"nb\"}}]}",
          fp);
    fclose(fp);
    char *env = ks_asprintf("%s:%s", a, b);
    setenv("KUBECONFIG", env, 1);
    struct kflags f = KFLAGS_INIT;
    struct kubeconfig kc;
    struct kconn conn;
    struct ks_err e = KS_ERR_INIT;
    KT_CHECK_INT(kubeconfig_load(&kc, &f, &e), 0);
    KT_CHECK_INT(kc.n_paths, 2);
    KT_CHECK(kc.raw_len[0] > 0 && strncmp(kc.raw[0], "{\"clusters\"", 11) == 0);
    KT_CHECK_INT(kubeconfig_resolve(&conn, &kc, &f, &e), 0);
    /* first file wins per name; current-context from the first file that has one */
    KT_CHECK_STR(conn.server, "https://a:1");
    KT_CHECK_STR(conn.namespace_, "default");
    KT_CHECK(conn.token != NULL);
    kubeconfig_conn_release(&conn);
    f.cluster = ks_strdup("d");
    KT_CHECK_INT(kubeconfig_resolve(&conn, &kc, &f, &e), KS_EINPUT); /* ca.crt does not exist */
    char *want = ks_asprintf("unable to read certificate-authority "
                             "%s/sub/ca.crt for d due to open %s/sub/ca.crt: no such file or "
                             "directory",
                             dir, dir);
    KT_CHECK_STR(e.msg, want);
    free(want);
    kflags_release(&f);
    kubeconfig_release(&kc);
    unlink(a);
    unlink(b);
    rmdir(sub);
    rmdir(dir);
    unsetenv("KUBECONFIG");
    free(a);
    free(b);
    free(sub);
    free(env);
}

int main(void)
{
    ks_alloc_install();
    test_flags();
    test_durations();
    test_base64();
    test_rest_paths();
    test_status();
    test_version_parse();
    test_proxy();
    test_cache_dir_names();
    test_kubeconfig_merge();
    return kt_done();
}
