/*
 * test_dispatch_unit.c: unit tests of dispatch's pure helpers: version
 * parsing, the TOML subset, settings precedence, argv analysis, the policy,
 * candidate discovery and the version cache (in temporary directories).
 * Expected values: the Kubernetes /version formats of GKE, EKS and k3s, the
 * TOML 1.0 spec, kuberlr's documented keys, and kubectl 1.33 run against a
 * recording server (which commands send no request).
 */
#include "dispatch/argv.h"
#include "dispatch/bins.h"
#include "dispatch/kver.h"
#include "dispatch/policy.h"
#include "dispatch/settings.h"
#include "dispatch/toml.h"
#include "dispatch/vcache.h"
#include "ktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/ks-dispatch-unit-XXXXXX";

static void write_file(const char *path, const char *text, int mode)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

static void test_kver(void)
{
    struct kver v;
    struct ks_err e = KS_ERR_INIT;
    char b[32];
    KT_CHECK_INT(kver_parse_git(&v, "v1.30.2-gke.1", &e), 0);
    KT_CHECK_STR(kver_str(&v, b, sizeof(b)), "1.30.2");
    KT_CHECK_INT(kver_parse_git(&v, "v1.30.2+k3s1", &e), 0);
    KT_CHECK_STR(kver_str(&v, b, sizeof(b)), "1.30.2");
    KT_CHECK_INT(kver_parse_git(&v, "v1.29.10-eks-7f9249a", &e), 0);
    KT_CHECK_STR(kver_str(&v, b, sizeof(b)), "1.29.10");
    KT_CHECK_INT(kver_parse_git(&v, "v1.31.0", &e), 0);
    KT_CHECK_INT(v.minor, 31);
    KT_CHECK_INT(kver_parse_git(&v, "1.28", &e), 0);
    KT_CHECK(!v.has_patch);
    KT_CHECK_INT(kver_parse_git(&v, "v1.30.2x", &e), KS_EINPUT);
    KT_CHECK_INT(kver_parse_git(&v, "", &e), KS_EINPUT);
    KT_CHECK_INT(kver_parse_git(&v, "vx.y", &e), KS_EINPUT);
    KT_CHECK_INT(kver_parse_git(&v, "v1", &e), KS_EINPUT);
    /* PARITY: the dispatcher's normalizeVersionStr cases: "30+" -> 30, " 1" -> 1. */
    KT_CHECK_INT(kver_parse_fields(&v, "1", "30+", &e), 0);
    KT_CHECK_INT(v.minor, 30);
    KT_CHECK_INT(kver_parse_fields(&v, " 1", "030", &e), 0);
    KT_CHECK_INT(v.major, 1);
    KT_CHECK_INT(v.minor, 30);
    KT_CHECK_INT(kver_parse_fields(&v, "1", "", &e), KS_EINPUT);
    KT_CHECK_INT(kver_parse_fields(&v, "1", "+", &e), KS_EINPUT);
    KT_CHECK_INT(kver_parse_fields(&v, "1", "0", &e), KS_EINPUT);

    /* gitVersion wins over a disagreeing minor field; fields when gitVersion is broken. */
    json_t *body = json_pack("{s:s,s:s,s:s}", "major", "1", "minor", "29", "gitVersion", "v1.31.0");
    KT_CHECK_INT(kver_from_info(&v, body, &e), 0);
    KT_CHECK_INT(v.minor, 31);
    json_object_set_new(body, "gitVersion", json_string("garbage"));
    json_object_set_new(body, "minor", json_string("27+"));
    KT_CHECK_INT(kver_from_info(&v, body, &e), 0);
    KT_CHECK_INT(v.minor, 27);
    json_object_set_new(body, "minor", json_string(""));
    KT_CHECK_INT(kver_from_info(&v, body, &e), KS_EINPUT);
    json_decref(body);

    KT_CHECK(kver_from_binary_name(&v, "kubectl.1.30") && v.minor == 30 && !v.has_patch);
    KT_CHECK(kver_from_binary_name(&v, "kubectl1.31.2") && v.patch == 2 && v.has_patch);
    KT_CHECK(kver_from_binary_name(&v, "kubectl1.29") && v.minor == 29);
    KT_CHECK(!kver_from_binary_name(&v, "kubectl1.30.2.sha512"));
    KT_CHECK(!kver_from_binary_name(&v, "kubectl1.30-old"));
    KT_CHECK(!kver_from_binary_name(&v, "kubectl"));
    KT_CHECK(!kver_from_binary_name(&v, "kubectl-foo"));
    KT_CHECK(!kver_from_binary_name(&v, "kubectl.1.30.1"));
}

static void toml_err(const char *text, const char *want)
{
    json_t *doc = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc = toml_load(&doc, text, strlen(text), "k.conf", &e);
    KT_CHECK_INT(rc, KS_EINPUT);
    KT_CHECK(doc == NULL);
    KT_CHECK_STR(e.msg, want);
}

static void test_toml(void)
{
    const char *text = "# kuberlr\n"
                       "AllowDownload = false   # no\n"
                       "\n"
                       "SystemPath = \"/opt/bin\"\r\n"
                       "Timeout = 1_0\n"
                       "KubeMirrorUrl = 'C:\\mirror'\n"
                       "\"quoted key\" = \"tab\\there \\u00e9\"\n"
                       "f = 1.5e3\n"
                       "[kubeshim]\n"
                       "policy = \"exact\"\n";
    json_t *doc = NULL;
    struct ks_err e = KS_ERR_INIT;
    KT_CHECK_INT(toml_load(&doc, text, strlen(text), "k.conf", &e), 0);
    KT_CHECK(json_is_false(json_object_get(doc, "AllowDownload")));
    KT_CHECK_STR(json_string_value(json_object_get(doc, "SystemPath")), "/opt/bin");
    KT_CHECK_INT(json_integer_value(json_object_get(doc, "Timeout")), 10);
    KT_CHECK_STR(json_string_value(json_object_get(doc, "KubeMirrorUrl")), "C:\\mirror");
    KT_CHECK_STR(json_string_value(json_object_get(doc, "quoted key")), "tab\there \xc3\xa9");
    KT_CHECK(json_is_real(json_object_get(doc, "f")) &&
             json_real_value(json_object_get(doc, "f")) == 1500.0);
    KT_CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "kubeshim"), "policy")),
                 "exact");
    json_decref(doc);

    toml_err("a = 1\nb = \"x\n", "k.conf:2: unterminated string");
    toml_err("a = 1\na = 2\n", "k.conf:2: duplicate key \"a\"");
    toml_err("\n\nTimeout = 5s\n", "k.conf:3: invalid value \"5s\"");
    toml_err("a = [1, 2]\n", "k.conf:1: arrays and inline tables are not supported");
    toml_err("a.b = 1\n", "k.conf:1: dotted keys are not supported");
    toml_err("a = 1 b\n", "k.conf:1: unexpected text after value");
    toml_err("a =\n", "k.conf:1: expected a value");
    toml_err("= 1\n", "k.conf:1: expected a key");
    toml_err("a 1\n", "k.conf:1: expected '=' after the key");
    toml_err("a = \"\\q\"\n", "k.conf:1: invalid escape sequence in string");
    toml_err("a = 012\n", "k.conf:1: invalid value \"012\"");
    toml_err("a = True\n", "k.conf:1: invalid value \"True\"");
    toml_err("[t]\n[t]\n", "k.conf:2: duplicate key or table \"t\"");
    toml_err("[[t]]\n", "k.conf:1: arrays of tables are not supported");
    toml_err("a = \"\"\"x\"\"\"\n", "k.conf:1: multi-line strings are not supported");
    toml_err("a = 1__0\n", "k.conf:1: invalid value \"1__0\"");
}

static void test_settings(void)
{
    struct settings s;
    struct ks_err e = KS_ERR_INIT;
    char *home = ks_asprintf("%s/home", tmpdir), *kdir = ks_asprintf("%s/.kuberlr", home);
    char *sys1 = ks_asprintf("%s/etc1.conf", tmpdir), *sys2 = ks_asprintf("%s/etc2.conf", tmpdir);
    char *user = ks_asprintf("%s/kuberlr.conf", kdir), *cfg = ks_asprintf("%s/cfg.conf", tmpdir);
    char *list = ks_asprintf("%s:%s", sys1, sys2);
    mkdir(home, 0755);
    mkdir(kdir, 0755);
    setenv("HOME", home, 1);
    setenv("KUBESHIM_SYSTEM_CONFIGS", list, 1);
    unsetenv("XDG_CACHE_HOME");

    /* Defaults (kuberlr's, except the 2 s probe and the fallback). */
    KT_CHECK_INT(settings_load(&s, &e), 0);
    KT_CHECK(s.allow_download && s.use_latest && s.policy == SETTINGS_POLICY_NEAREST);
    KT_CHECK_STR(s.system_path, "/usr/bin");
    KT_CHECK_STR(s.mirror, "https://dl.k8s.io");
    KT_CHECK_INT(s.probe_timeout_ms, 2000);
    char *want_cache = ks_asprintf("%s/.cache/kubeshim", home);
    KT_CHECK_STR(s.cache_dir, want_cache);
    settings_release(&s);

    /* Later files win; keys are case-insensitive; [kubeshim] beats Timeout. */
    write_file(sys1, "SystemPath = \"/a\"\nallowdownload = false\nTimeout = 9\n", 0644);
    write_file(sys2, "SystemPath = \"/b\"\nKubeMirrorUrl = \"http://m/\"\n", 0644);
    write_file(user, "[kubeshim]\nprobe_timeout = 0.5\npolicy = \"newest\"\n", 0644);
    write_file(cfg, "SystemPath = \"/c\"\nTimeout = 7\n", 0644);
    setenv("KUBERLR_CFG", cfg, 1);
    KT_CHECK_INT(settings_load(&s, &e), 0);
    KT_CHECK_STR(s.system_path, "/c");
    KT_CHECK(!s.allow_download);
    KT_CHECK_STR(s.mirror, "http://m");
    KT_CHECK_INT(s.probe_timeout_ms, 500);
    KT_CHECK(s.policy == SETTINGS_POLICY_NEWEST);
    settings_release(&s);

    /* KUBERLR_<KEY> and KUBESHIM_* override the files. */
    setenv("KUBERLR_ALLOWDOWNLOAD", "true", 1);
    setenv("KUBERLR_SYSTEMPATH", "/env", 1);
    setenv("KUBESHIM_POLICY", "exact", 1);
    setenv("KUBESHIM_CACHE_TTL", "60", 1);
    KT_CHECK_INT(settings_load(&s, &e), 0);
    KT_CHECK(s.allow_download);
    KT_CHECK_STR(s.system_path, "/env");
    KT_CHECK(s.policy == SETTINGS_POLICY_EXACT);
    KT_CHECK_INT(s.cache_ttl_s, 60);
    settings_release(&s);

    /* Bad values name the file, line or variable. */
    setenv("KUBESHIM_POLICY", "closest", 1);
    KT_CHECK_INT(settings_load(&s, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "environment KUBESHIM_POLICY: kubeshim.policy: want \"exact\", "
                        "\"nearest\" or \"newest\"");
    settings_release(&s);
    unsetenv("KUBESHIM_POLICY");
    setenv("KUBERLR_ALLOWDOWNLOAD", "yes", 1);
    KT_CHECK_INT(settings_load(&s, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "environment: KUBERLR_ALLOWDOWNLOAD: want true or false");
    settings_release(&s);
    unsetenv("KUBERLR_ALLOWDOWNLOAD");
    write_file(sys2, "SystemPath = /b\n", 0644);
    KT_CHECK_INT(settings_load(&s, &e), KS_EINPUT);
    char *want = ks_asprintf("%s:1: invalid value \"/b\"", sys2);
    KT_CHECK_STR(e.msg, want);
    settings_release(&s);
    write_file(sys2, "[kubeshim]\nttl = 3\n", 0644);
    KT_CHECK_INT(settings_load(&s, &e), KS_EINPUT);
    settings_release(&s);
    write_file(sys2, "Timeout = \"5\"\n", 0644);
    KT_CHECK_INT(settings_load(&s, &e), KS_EINPUT);
    settings_release(&s);
    unlink(sys2);

    KT_CHECK_INT(settings_parse_bool("True"), 1);
    KT_CHECK_INT(settings_parse_bool("0"), 0);
    KT_CHECK_INT(settings_parse_bool("yes"), -1);
    unsetenv("KUBERLR_CFG");
    unsetenv("KUBERLR_SYSTEMPATH");
    unsetenv("KUBESHIM_CACHE_TTL");
    free(want);
    free(want_cache);
    free(home);
    free(kdir);
    free(sys1);
    free(sys2);
    free(user);
    free(cfg);
    free(list);
}

static const char *local(const char *line)
{
    char *copy = ks_strdup(line), *argv[32];
    int argc = 0;
    for (char *save = NULL, *p = strtok_r(copy, " ", &save); p && argc < 31;
         p = strtok_r(NULL, " ", &save))
        argv[argc++] = p;
    argv[argc] = NULL;
    const char *r = argv_local_reason(argc, argv);
    free(copy);
    return r ? r : "server";
}

static void test_argv(void)
{
    /* Recorded with kubectl 1.33 against a logging server: these send no request. */
    KT_CHECK_STR(local("kubectl version --client"), "version --client");
    KT_CHECK_STR(local("kubectl version --client=true"), "version --client");
    KT_CHECK_STR(local("kubectl --context x -n y version --client"), "version --client");
    KT_CHECK_STR(local("kubectl completion bash"), "completion");
    KT_CHECK_STR(local("kubectl -n ns completion zsh"), "completion");
    KT_CHECK_STR(local("kubectl --context x config view"), "config");
    KT_CHECK_STR(local("kubectl __complete get po"), "__complete");
    KT_CHECK_STR(local("kubectl help"), "help");
    KT_CHECK_STR(local("kubectl get -h"), "help flag");
    KT_CHECK_STR(local("kubectl --help"), "help flag");
    KT_CHECK_STR(local("kubectl plugin list"), "plugin");
    KT_CHECK_STR(local("kubectl kustomize ."), "kustomize");
    KT_CHECK_STR(local("kubectl options"), "options");
    KT_CHECK_STR(local("kubectl"), "no command");
    KT_CHECK_STR(local("kubectl -n x"), "no command");
    KT_CHECK_STR(local("kubectl label -f cm.yaml --local a=b -o yaml"), "--local");
    KT_CHECK_STR(local("kubectl patch -f cm.yaml --local -p {}"), "--local");
    /* These send requests. */
    KT_CHECK_STR(local("kubectl version"), "server");
    KT_CHECK_STR(local("kubectl version --client=false"), "server");
    KT_CHECK_STR(local("kubectl get ns"), "server");
    KT_CHECK_STR(local("kubectl api-resources"), "server");
    KT_CHECK_STR(local("kubectl -n config get po"), "server");
    KT_CHECK_STR(local("kubectl exec p -- sh -h"), "server");
    KT_CHECK_STR(local("kubectl patch -f cm.yaml --local=false -p {}"), "server");
    KT_CHECK_STR(local("kubectl create role r --verb=get --resource=pods --dry-run=client"),
                 "server");
    KT_CHECK_STR(local("kubectl apply -f cm.yaml --dry-run=client"), "server");

    char *a1[] = {"kubectl", "--context=a", "get", "--context", "b", "-sx", NULL};
    KT_CHECK_STR(argv_flag_value(6, a1, "--context", NULL), "b");
    KT_CHECK_STR(argv_flag_value(6, a1, "--server", "-s"), "x");
    char *a2[] = {"kubectl", "-n", "--context", "get", "--", "--context=z", NULL};
    KT_CHECK(argv_flag_value(6, a2, "--context", NULL) == NULL);
    KT_CHECK(argv_is_builtin("get") && argv_is_builtin("__complete"));
    KT_CHECK(!argv_is_builtin("oidc-login"));
}

static void make_exe(const char *dir, const char *name)
{
    char *p = ks_asprintf("%s/%s", dir, name);
    write_file(p, "#!/bin/sh\n", 0755);
    free(p);
}

/* PARITY: kubectl's plugin lookup: the longest kubectl-<w1>-<w2> name first, '-' in a word as '_'.
 */
static void test_plugins(void)
{
    char *dir = ks_asprintf("%s/plugins", tmpdir);
    char *old_path = ks_strdup(getenv("PATH") ? getenv("PATH") : "");
    mkdir(dir, 0755);
    make_exe(dir, "kubectl-oidc_login");
    make_exe(dir, "kubectl-foo");
    make_exe(dir, "kubectl-foo-bar");
    make_exe(dir, "kubectl-get");
    setenv("PATH", dir, 1);
    char *a1[] = {"kubectl", "oidc-login", "get-token", "--x", NULL};
    char *a2[] = {"kubectl", "foo", "bar", "baz", NULL};
    char *a3[] = {"kubectl", "foo", "-n", "bar", NULL};
    char *a4[] = {"kubectl", "get", "pods", NULL};
    char *a5[] = {"kubectl", "-n", "x", "foo", NULL};
    char *want1 = ks_asprintf("%s/kubectl-oidc_login", dir);
    char *want2 = ks_asprintf("%s/kubectl-foo-bar", dir);
    char *want3 = ks_asprintf("%s/kubectl-foo", dir);
    char *p;
    KT_CHECK_STR(p = argv_plugin_path(4, a1), want1);
    free(p);
    KT_CHECK_STR(p = argv_plugin_path(4, a2), want2);
    free(p);
    KT_CHECK_STR(p = argv_plugin_path(4, a3), want3);
    free(p);
    KT_CHECK(argv_plugin_path(3, a4) == NULL); /* a builtin is never a plugin */
    KT_CHECK(argv_plugin_path(4, a5) == NULL); /* kubectl stops at the first flag */
    setenv("PATH", old_path, 1);
    free(want1);
    free(want2);
    free(want3);
    free(old_path);
    free(dir);
}

static void test_bins_policy(void)
{
    char *inv = ks_asprintf("%s/inv", tmpdir), *sys = ks_asprintf("%s/sys", tmpdir);
    char *home = ks_asprintf("%s/h", tmpdir), *cache = ks_asprintf("%s/c", tmpdir);
    char *kdir = ks_asprintf("%s/.kuberlr", home),
         *kd = ks_asprintf("%s/%s", kdir, bins_goos_goarch());
    char *argv0 = ks_asprintf("%s/kubectl", inv);
    mkdir(inv, 0755);
    mkdir(sys, 0755);
    mkdir(home, 0755);
    mkdir(kdir, 0755);
    mkdir(kd, 0755);
    make_exe(inv, "kubectl.1.28");
    make_exe(inv, "kubectl.1.30");
    make_exe(inv, "kubectl.1.33");
    make_exe(sys, "kubectl1.31");
    make_exe(kd, "kubectl1.31.4");
    make_exe(kd, "kubectl1.31.4.sha512"); /* not a binary name */
    char *noexec = ks_asprintf("%s/kubectl.1.29", inv);
    write_file(noexec, "x", 0644); /* not executable: never a candidate */
    char *dirc = ks_asprintf("%s/kubectl.1.27", inv);
    mkdir(dirc, 0755); /* a directory: never a candidate */

    struct bins_list l;
    struct bins_opts o = {argv0, NULL, cache, home, sys, NULL};
    bins_find(&l, &o);
    KT_CHECK_INT(l.n, 5);
    char b[32];
    if (l.n == 5) {
        KT_CHECK_STR(kver_str(&l.v[0].ver, b, sizeof(b)), "1.33");
        KT_CHECK_STR(kver_str(&l.v[1].ver, b, sizeof(b)), "1.31.4");
        KT_CHECK(l.v[1].source == BINS_KUBERLR_HOME);
        KT_CHECK(l.v[2].source == BINS_SYSTEM);
        KT_CHECK_STR(kver_str(&l.v[4].ver, b, sizeof(b)), "1.28");
    }
    struct kver s;
    char why[128];
    int i;
#define PICK(gv, pol)                                                                              \
    (kver_parse_git(&s, gv, NULL), i = policy_choose(&l, &s, pol, why, 128),                       \
     i < 0 ? "none" : kver_str(&l.v[i].ver, b, sizeof(b)))
    KT_CHECK_STR(PICK("v1.30.2", SETTINGS_POLICY_NEAREST), "1.30");
    KT_CHECK_STR(PICK("v1.30.2", SETTINGS_POLICY_NEWEST), "1.31.4");
    KT_CHECK_STR(PICK("v1.34.0", SETTINGS_POLICY_NEAREST), "1.33");
    KT_CHECK_STR(PICK("v1.34.0", SETTINGS_POLICY_EXACT), "none");
    KT_CHECK_STR(PICK("v1.27.0", SETTINGS_POLICY_NEAREST), "1.28");
    KT_CHECK_STR(PICK("v1.29.0", SETTINGS_POLICY_NEAREST), "1.30"); /* newer client first */
    KT_CHECK_STR(PICK("v1.32.0", SETTINGS_POLICY_NEAREST), "1.33");
    KT_CHECK_STR(PICK("v1.40.0", SETTINGS_POLICY_NEAREST), "none");
    KT_CHECK_STR(PICK("v2.30.0", SETTINGS_POLICY_NEWEST), "none");
    bins_release(&l);

    /* Self is never a candidate, however it is named. */
    char *selfp = ks_asprintf("%s/kubectl.1.33", inv);
    struct bins_opts o2 = {argv0, selfp, NULL, NULL, NULL, NULL};
    bins_find(&l, &o2);
    KT_CHECK_INT(l.n, 2);
    bins_release(&l);
    free(selfp);
    free(inv);
    free(sys);
    free(home);
    free(cache);
    free(kdir);
    free(kd);
    free(argv0);
    free(noexec);
    free(dirc);
}

static void test_vcache(void)
{
    struct ks_err e = KS_ERR_INIT;
    char *dir = ks_asprintf("%s/vc/deep", tmpdir);
    char *p1 = vcache_path(dir, "https://a:6443", (const unsigned char *)"CA1", 3, NULL);
    char *p2 = vcache_path(dir, "https://a:6443", (const unsigned char *)"CA2", 3, NULL);
    char *p3 = vcache_path(dir, "https://b:6443", (const unsigned char *)"CA1", 3, NULL);
    KT_CHECK(strcmp(p1, p2) != 0 && strcmp(p1, p3) != 0);
    struct vcache_entry w = {"v1.30.2-gke.1", 1000, 0}, r;
    KT_CHECK_INT(vcache_get(&r, p1, 300, 1000), -1);
    KT_CHECK_INT(vcache_put(p1, &w, &e), 0);
    KT_CHECK_INT(vcache_get(&r, p1, 300, 1200), 1);
    KT_CHECK_STR(r.git_version, "v1.30.2-gke.1");
    KT_CHECK_INT(vcache_get(&r, p1, 300, 1300), 0); /* stale at the lifetime */
    KT_CHECK_INT(vcache_get(&r, p1, 300, 900), 0);  /* from the future: stale */
    vcache_drop(p1);
    KT_CHECK_INT(vcache_get(&r, p1, 300, 1000), -1);
    free(p1);
    free(p2);
    free(p3);
    free(dir);
}

/*
 * Robustness: random mutations of valid inputs never crash the parsers (run
 * under ASan in CI), and every refusal names the line.
 */
static void test_mutations(void)
{
    static const char *const seeds[] = {
        "AllowDownload = true\nSystemPath = \"/usr/bin\" # c\n[kubeshim]\npolicy = 'exact'\n",
        "Timeout = 1_000\nf = -1.5e-3\nk = \"\\u00e9\\t\"\n",
    };
    unsigned long long x = 88172645463325252ULL;
    int refused_named = 0, refused = 0;
    for (int n = 0; n < 20000; n++) {
        const char *seed = seeds[n % 2];
        size_t len = strlen(seed);
        char buf[256];
        memcpy(buf, seed, len + 1);
        for (int k = 0; k < 1 + n % 4; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[x % len] = (char)(x >> 24);
        }
        json_t *doc = NULL;
        struct ks_err e = KS_ERR_INIT;
        if (toml_load(&doc, buf, len, "m", &e) < 0) {
            refused++;
            refused_named += strncmp(e.msg, "m:", 2) == 0;
        }
        json_decref(doc);
        struct kver v;
        buf[24] = '\0';
        kver_parse_git(&v, buf, NULL);
        kver_from_binary_name(&v, buf);
    }
    KT_CHECK(refused > 1000);
    KT_CHECK_INT(refused_named, refused);
}

int main(void)
{
    ks_alloc_install();
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_kver();
    test_toml();
    test_settings();
    test_argv();
    test_bins_policy();
    test_vcache();
    test_plugins();
    test_mutations();
    char *cmd = ks_asprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    free(cmd);
    return kt_done();
}
