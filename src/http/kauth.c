/*
 * kauth.c: credentials for requests: token, tokenFile, basic auth and exec
 * credential plugins.
 * PARITY: client-go rest/transport (cachingTokenSource re-reads a tokenFile
 * after a minute, trimmed), plugin/pkg/client/auth/exec (ExecCredential v1 and
 * v1beta1, KUBERNETES_EXEC_INFO, interactiveMode, expirationTimestamp).
 */
#include "http/kauth.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "base/yamlin.h"
#include "http/kbase64.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct kauth {
    const struct kconn *conn;
    char *header;      /* current Authorization value */
    time_t token_read; /* when token_file was last read */
    /* exec plugin results */
    unsigned exec_runs;
    bool exec_done;
    struct ks_err exec_err; /* a failed run, reported again instead of re-running */
    time_t exec_expiry;     /* 0: none */
    char *exec_token;
    char *exec_cert;
    char *exec_key;
};

struct kauth *kauth_new(const struct kconn *conn)
{
    struct kauth *a = ks_calloc(1, sizeof(*a));
    a->conn = conn;
    return a;
}

static void kauth_clear_secret(char **s)
{
    if (*s) {
        memset(*s, 0, strlen(*s));
        free(*s);
        *s = NULL;
    }
}

void kauth_free(struct kauth *a)
{
    if (!a)
        return;
    kauth_clear_secret(&a->header);
    kauth_clear_secret(&a->exec_token);
    kauth_clear_secret(&a->exec_cert);
    kauth_clear_secret(&a->exec_key);
    free(a);
}

unsigned kauth_exec_runs(const struct kauth *a)
{
    return a->exec_runs;
}

static char *kauth_trim(const char *s, size_t len)
{
    while (len && strchr(" \t\r\n", s[0]))
        s++, len--;
    while (len && strchr(" \t\r\n", s[len - 1]))
        len--;
    return ks_strndup(s, len);
}

static int kauth_read_token_file(char **out, const char *path, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    char buf[4096];
    size_t n;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ks_fail(e, KS_EINPUT, "open %s: %s", path,
                       errno == ENOENT ? "no such file or directory" : strerror(errno));
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(fp);
    *out = kauth_trim(sb.buf ? sb.buf : "", sb.len);
    if (sb.buf)
        memset(sb.buf, 0, sb.len);
    strbuf_release(&sb);
    return 0;
}

/* RFC 3339 "2006-01-02T15:04:05Z" (optionally with fraction / offset) to epoch seconds. */
static time_t kauth_parse_time(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                     &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    const char *z = s + strlen(s) - 1;
    const char *off = strpbrk(s + 19, "+-");
    if (*z != 'Z' && off) {
        int h = 0, m = 0;
        if (sscanf(off + 1, "%d:%d", &h, &m) >= 1)
            t -= (off[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    }
    return t;
}

/* KUBERNETES_EXEC_INFO: the ExecCredential spec handed to the plugin. */
static char *kauth_exec_info(const struct kconn *conn, const char *api_version, bool interactive)
{
    json_t *spec = json_object();
    const json_t *ex = conn->exec;
    if (json_is_true(json_object_get(ex, "provideClusterInfo"))) {
        json_t *cl = json_object();
        const json_t *src = conn->cluster;
        json_object_set_new(cl, "server", json_string(conn->server));
        if (conn->tls_server_name)
            json_object_set_new(cl, "tls-server-name", json_string(conn->tls_server_name));
        if (conn->insecure)
            json_object_set_new(cl, "insecure-skip-tls-verify", json_true());
        if (conn->ca_data) {
            char *b = kbase64_encode(conn->ca_data, conn->ca_len);
            json_object_set_new(cl, "certificate-authority-data", json_string(b));
            free(b);
        }
        if (conn->proxy_url)
            json_object_set_new(cl, "proxy-url", json_string(conn->proxy_url));
        const json_t *exts = json_object_get(src, "extensions");
        size_t i;
        const json_t *x;
        json_array_foreach(exts, i, x)
        {
            const char *n = json_string_value(json_object_get(x, "name"));
            if (n && strcmp(n, "client.authentication.k8s.io/exec") == 0)
                json_object_set(cl, "config", json_object_get(x, "extension"));
        }
        json_object_set_new(spec, "cluster", cl);
    }
    json_object_set_new(spec, "interactive", json_boolean(interactive));
    json_t *cred = json_pack("{s:s,s:s,s:o}", "kind", "ExecCredential", "apiVersion", api_version,
                             "spec", spec);
    char *s = gojson_dumps(cred);
    json_decref(cred);
    return s;
}

/* Build the child's environment: ours, the stanza's env, KUBERNETES_EXEC_INFO. */
static char **kauth_exec_env(const json_t *env, const char *info)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    char **out = ks_calloc(n + json_array_size(env) + 2, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        out[k++] = ks_strdup(environ[i]);
    size_t i;
    const json_t *v;
    json_array_foreach(env, i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *val = json_string_value(json_object_get(v, "value"));
        if (name)
            out[k++] = ks_asprintf("%s=%s", name, val ? val : "");
    }
    out[k++] = ks_asprintf("KUBERNETES_EXEC_INFO=%s", info);
    return out;
}

static void kauth_free_vec(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/*
 * PARITY: os/exec: a command with a slash must exist ("fork/exec X: no such file or
 * directory"); one without is looked up in PATH, and client-go explains a miss.
 */
static int kauth_exec_findable(const char *cmd, const char *hint, struct ks_err *e)
{
    if (strchr(cmd, '/')) {
        if (access(cmd, X_OK) == 0)
            return 0;
        return ks_fail(e, KS_EINPUT, "getting credentials: exec: fork/exec %s: %s", cmd,
                       errno == ENOENT ? "no such file or directory" : "permission denied");
    }
    const char *path = getenv("PATH");
    char *copy = ks_strdup(path ? path : ""), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *full = ks_asprintf("%s/%s", *d ? d : ".", cmd);
        found = access(full, X_OK) == 0;
        free(full);
    }
    free(copy);
    if (found)
        return 0;
    /* NEEDSWORK: the whole text is longer than a ks_err holds */
    return ks_fail(e, KS_EINPUT,
                   "getting credentials: exec: executable %s not found\n\nIt looks like you are "
                   "trying to use a client-go credential plugin that is not installed.\n\nTo "
                   "learn more about this feature, consult the documentation available at:\n      "
                   "https://kubernetes.io/docs/reference/access-authn-authz/authentication/"
                   "#client-go-credential-plugins%s%s",
                   cmd, hint && *hint ? "\n\n" : "", hint ? hint : "");
}

/* Run the plugin, collecting stdout; stderr passes through. */
static int kauth_exec_spawn(struct strbuf *out, int *status, char **argv, char **envp,
                            bool interactive, struct ks_err *e)
{
    int pfd[2];
    if (pipe(pfd) < 0)
        return ks_fail(e, KS_EGENERIC, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return ks_fail(e, KS_EGENERIC, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        if (!interactive) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd >= 0)
                dup2(fd, 0);
        }
        if (strchr(argv[0], '/'))
            execve(argv[0], argv, envp);
        else
            execvpe(argv[0], argv, envp);
        _exit(127);
    }
    close(pfd[1]);
    char buf[4096];
    ssize_t n;
    while ((n = read(pfd[0], buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        strbuf_add(out, buf, (size_t)n);
    }
    close(pfd[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

static int kauth_exec_run(struct kauth *a, struct ks_err *e)
{
    const json_t *ex = a->conn->exec;
    const char *cmd = json_string_value(json_object_get(ex, "command"));
    const char *apiv = json_string_value(json_object_get(ex, "apiVersion"));
    const char *mode = json_string_value(json_object_get(ex, "interactiveMode"));
    struct strbuf out = STRBUF_INIT;
    json_t *cred = NULL;
    char **argv = NULL, **envp = NULL, *info = NULL;
    int status = 0, rc = 0;
    if (!cmd || !*cmd)
        return ks_fail(e, KS_EINPUT, "exec plugin: invalid apiVersion or command");
    if (!apiv || (strcmp(apiv, "client.authentication.k8s.io/v1") != 0 &&
                  strcmp(apiv, "client.authentication.k8s.io/v1beta1") != 0))
        return ks_fail(e, KS_EINPUT, "exec plugin: invalid apiVersion \"%s\"", apiv ? apiv : "");
    bool v1 = strcmp(apiv, "client.authentication.k8s.io/v1") == 0;
    if (v1 && (!mode || !*mode))
        return ks_fail(e, KS_EINPUT,
                       "interactiveMode must be specified for %s to use exec authentication "
                       "plugin",
                       cmd);
    if (!mode || !*mode)
        mode = "IfAvailable";
    bool tty = isatty(0);
    bool interactive = strcmp(mode, "Never") != 0 && tty;
    if (strcmp(mode, "Always") == 0 && !tty)
        return ks_fail(e, KS_EINPUT,
                       "getting credentials: exec plugin cannot support interactive mode: "
                       "standard input is not a terminal");
    const json_t *args = json_object_get(ex, "args");
    argv = ks_calloc(json_array_size(args) + 2, sizeof(char *));
    argv[0] = ks_strdup(cmd);
    for (size_t i = 0; i < json_array_size(args); i++)
        argv[i + 1] = ks_strdup(json_string_value(json_array_get(args, i))
                                    ? json_string_value(json_array_get(args, i))
                                    : "");
    info = kauth_exec_info(a->conn, apiv, interactive);
    envp = kauth_exec_env(json_object_get(ex, "env"), info);
    if ((rc = kauth_exec_findable(cmd, json_string_value(json_object_get(ex, "installHint")), e)) <
        0)
        goto done;
    a->exec_runs++;
    if ((rc = kauth_exec_spawn(&out, &status, argv, envp, interactive, e)) < 0)
        goto done;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = ks_fail(e, KS_EINPUT,
                     "getting credentials: exec: executable %s failed with exit code %d", cmd,
                     WIFEXITED(status) ? WEXITSTATUS(status) : 1);
        goto done;
    }
    struct ks_err je = KS_ERR_INIT;
    if (yamlin_load(&cred, out.buf ? out.buf : "", out.len, "", NULL, &je) < 0 ||
        !json_is_object(cred)) {
        /* PARITY: apimachinery's version/kind probe of the plugin's output */
        const char *t = !cred                   ? NULL
                        : json_is_array(cred)   ? "array"
                        : json_is_string(cred)  ? "string"
                        : json_is_boolean(cred) ? "bool"
                        : json_is_null(cred)    ? NULL
                                                : "number";
        if (t)
            rc = ks_fail(e, KS_EINPUT,
                         "getting credentials: decoding stdout: couldn't get version/kind; json "
                         "parse error: json: cannot unmarshal %s into Go value of type struct { "
                         "APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string "
                         "\"json:\\\"kind,omitempty\\\"\" }",
                         t);
        else
            rc = ks_fail(e, KS_EINPUT, "getting credentials: decoding stdout: %s",
                         je.code ? je.msg : "Object 'Kind' is missing in ''");
        goto done;
    }
    const char *got = json_string_value(json_object_get(cred, "apiVersion"));
    if (!got || strcmp(got, apiv) != 0) {
        rc = ks_fail(e, KS_EINPUT,
                     "getting credentials: exec plugin is configured to use API version %s, "
                     "plugin returned version %s",
                     apiv, got ? got : "");
        goto done;
    }
    const json_t *st = json_object_get(cred, "status");
    const char *tok = json_string_value(json_object_get(st, "token"));
    const char *crt = json_string_value(json_object_get(st, "clientCertificateData"));
    const char *key = json_string_value(json_object_get(st, "clientKeyData"));
    if (!st || (!tok && !(crt && key))) {
        rc = ks_fail(e, KS_EINPUT,
                     "getting credentials: exec plugin didn't return a token or "
                     "cert/key pair");
        goto done;
    }
    kauth_clear_secret(&a->exec_token);
    kauth_clear_secret(&a->exec_cert);
    kauth_clear_secret(&a->exec_key);
    a->exec_token = tok ? ks_strdup(tok) : NULL;
    a->exec_cert = crt ? ks_strdup(crt) : NULL;
    a->exec_key = key ? ks_strdup(key) : NULL;
    a->exec_expiry =
        kauth_parse_time(json_string_value(json_object_get(st, "expirationTimestamp")));
    a->exec_done = true;
done:
    if (out.buf)
        memset(out.buf, 0, out.len);
    strbuf_release(&out);
    json_decref(cred);
    kauth_free_vec(argv);
    kauth_free_vec(envp);
    free(info);
    return rc;
}

static int kauth_exec_ensure(struct kauth *a, struct ks_err *e)
{
    if (a->exec_err.code) {
        if (e)
            *e = a->exec_err;
        return a->exec_err.code;
    }
    if (a->exec_done && (a->exec_expiry == 0 || time(NULL) < a->exec_expiry))
        return 0;
    /* An expired credential may be refreshed, but a command never runs the plugin twice
     * unless the first credential has expired. */
    if (a->exec_done && a->exec_runs >= 8)
        return 0;
    int rc = kauth_exec_run(a, &a->exec_err);
    if (rc < 0) {
        if (e)
            *e = a->exec_err;
        return rc;
    }
    return 0;
}

int kauth_header(const char **out, struct kauth *a, struct ks_err *e)
{
    const struct kconn *c = a->conn;
    int rc;
    *out = NULL;
    if (c->token_file && !c->token) {
        time_t now = time(NULL);
        /* PARITY: client-go's cachingTokenSource re-reads the file after a minute. */
        if (!a->header || now - a->token_read >= 60) {
            char *tok = NULL;
            if ((rc = kauth_read_token_file(&tok, c->token_file, e)) < 0)
                return rc;
            kauth_clear_secret(&a->header);
            a->header = ks_asprintf("Bearer %s", tok);
            kauth_clear_secret(&tok);
            a->token_read = now;
        }
    } else if (c->token) {
        if (!a->header)
            a->header = ks_asprintf("Bearer %s", c->token);
    } else if (c->username || c->password) {
        if (!a->header) {
            char *up = ks_asprintf("%s:%s", c->username ? c->username : "",
                                   c->password ? c->password : "");
            char *b = kbase64_encode((const unsigned char *)up, strlen(up));
            a->header = ks_asprintf("Basic %s", b);
            kauth_clear_secret(&up);
            kauth_clear_secret(&b);
        }
    } else if (c->exec) {
        if ((rc = kauth_exec_ensure(a, e)) < 0)
            return rc;
        if (a->exec_token) {
            kauth_clear_secret(&a->header);
            a->header = ks_asprintf("Bearer %s", a->exec_token);
        }
    }
    *out = a->header;
    return 0;
}

int kauth_exec_cert(const char **cert, size_t *cert_len, const char **key, size_t *key_len,
                    struct kauth *a, struct ks_err *e)
{
    int rc;
    *cert = *key = NULL;
    *cert_len = *key_len = 0;
    if (!a->conn->exec || a->conn->token || a->conn->token_file)
        return 0;
    if ((rc = kauth_exec_ensure(a, e)) < 0)
        return rc;
    if (a->exec_cert && a->exec_key) {
        *cert = a->exec_cert;
        *cert_len = strlen(a->exec_cert);
        *key = a->exec_key;
        *key_len = strlen(a->exec_key);
    }
    return 0;
}
