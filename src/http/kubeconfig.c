/*
 * kubeconfig.c: read kubeconfig files once each, merge them, and resolve the
 * context/cluster/user of a command line into a struct kconn.
 * PARITY: client-go tools/clientcmd: loader.go (precedence, first file wins per
 * name, ResolveLocalPaths), client_config.go (overrides, "only read the auth
 * information if we are secure"), validation.go texts as kubectl prints them.
 */
#include "http/kubeconfig.h"

#include "base/strbuf.h"
#include "base/yamlin.h"
#include "http/kflags.h"
#include "http/kbase64.h"
#include "http/klog.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int kubeconfig_read_file(struct strbuf *out, const char *path, struct ks_err *e)
{
    FILE *fp = fopen(path, "rb");
    char buf[8192];
    size_t n;
    if (!fp)
        return ks_fail(e, KS_EINPUT, "error loading config file \"%s\": open %s: %s", path, path,
                       strerror(errno));
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        strbuf_add(out, buf, n);
    fclose(fp);
    return 0;
}

static char *kubeconfig_dir_of(const char *path)
{
    char *copy = ks_strdup(path);
    char *slash = strrchr(copy, '/');
    char *dir;
    if (!slash)
        strcpy(copy, ".");
    else if (slash == copy)
        copy[1] = '\0';
    else
        *slash = '\0';
    if (copy[0] == '/') {
        dir = copy;
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd)))
            strcpy(cwd, "/");
        dir = strcmp(copy, ".") == 0 ? ks_strdup(cwd) : ks_asprintf("%s/%s", cwd, copy);
        free(copy);
    }
    return dir;
}

/* PARITY: Go's filepath.Clean on an absolute path: drop "." and empty parts, resolve "..". */
static void kubeconfig_clean(char *path)
{
    char *out = path, *p = path;
    size_t keep[256];
    size_t depth = 0;
    *out++ = '/';
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 1 && p[0] == '.') {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (depth)
                out = path + keep[--depth];
        } else {
            if (depth < 256)
                keep[depth++] = (size_t)(out - path);
            if (out > path + 1)
                *out++ = '/';
            memmove(out, p, n);
            out += n;
        }
        p += n;
    }
    *out = '\0';
}

/*
 * A relative path in a kubeconfig is relative to the directory of the file
 * that holds it (kept in "LocationOfOrigin" of the stanza). Caller frees.
 */
static char *kubeconfig_path(const json_t *stanza, const json_t *obj, const char *key,
                             bool need_slash)
{
    const char *p = json_string_value(json_object_get(obj, key));
    const char *dir = json_string_value(json_object_get(stanza, "LocationOfOrigin"));
    if (!p || !*p)
        return NULL;
    if (p[0] == '/' || !dir || (need_slash && !strchr(p, '/')))
        return ks_strdup(p);
    char *joined = ks_asprintf("%s/%s", dir, p);
    kubeconfig_clean(joined);
    return joined;
}

/* Merge one section (clusters/users/contexts) of a file: the first name seen wins. */
static int kubeconfig_merge_section(json_t *merged, const json_t *doc, const char *section,
                                    const char *inner, const char *path, struct ks_err *e)
{
    json_t *dst = json_object_get(merged, section);
    const json_t *list = json_object_get(doc, section);
    size_t i;
    const json_t *item;
    if (!list || json_is_null(list))
        return 0;
    if (!json_is_array(list)) {
        /* PARITY: encoding/json's UnmarshalTypeError for Config.<section> */
        const char *type = json_is_object(list)    ? "object"
                           : json_is_string(list)  ? "string"
                           : json_is_boolean(list) ? "bool"
                                                   : "number";
        const char *go = strcmp(inner, "cluster") == 0 ? "NamedCluster"
                         : strcmp(inner, "user") == 0  ? "NamedAuthInfo"
                                                       : "NamedContext";
        return ks_fail(e, KS_EINPUT,
                       "error loading config file \"%s\": json: cannot unmarshal %s into Go "
                       "struct field Config.%s of type []v1.%s",
                       path, type, section, go);
    }
    char *dir = kubeconfig_dir_of(path);
    json_array_foreach(list, i, item)
    {
        const char *name = json_string_value(json_object_get(item, "name"));
        json_t *body = json_object_get(item, inner);
        if (!name || json_object_get(dst, name))
            continue;
        json_t *copy = body && json_is_object(body) ? json_deep_copy(body) : json_object();
        json_object_set_new(copy, "LocationOfOrigin", json_string(dir));
        json_object_set_new(dst, name, copy);
    }
    free(dir);
    return 0;
}

static int kubeconfig_add_file(struct kubeconfig *kc, const char *path, bool must_exist,
                               struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    struct stat st;
    json_t *doc = NULL;
    int rc = 0;
    for (size_t i = 0; i < kc->n_paths; i++)
        if (strcmp(kc->paths[i], path) == 0)
            return 0;
    if (stat(path, &st) < 0) {
        if (must_exist || errno != ENOENT)
            return ks_fail(e, KS_EINPUT, "stat %s: %s", path, "no such file or directory");
        return 0;
    }
    if ((rc = kubeconfig_read_file(&sb, path, e)) < 0)
        goto done;
    kc->paths = ks_realloc(kc->paths, (kc->n_paths + 1) * sizeof(char *));
    kc->raw = ks_realloc(kc->raw, (kc->n_paths + 1) * sizeof(char *));
    kc->raw_len = ks_realloc(kc->raw_len, (kc->n_paths + 1) * sizeof(size_t));
    kc->raw[kc->n_paths] = ks_malloc(sb.len + 1);
    if (sb.len)
        memcpy(kc->raw[kc->n_paths], sb.buf, sb.len);
    kc->raw[kc->n_paths][sb.len] = '\0';
    kc->raw_len[kc->n_paths] = sb.len;
    kc->paths[kc->n_paths++] = ks_strdup(path);
    if (kc->verbosity >= 6) {
        /* PARITY: client-go loader.go logs each file at -v=6 */
        struct strbuf lg = STRBUF_INIT;
        klog_header(&lg, 'I', "loader.go:402");
        strbuf_addf(&lg, "Config loaded from file:  %s\n", path);
        klog_flush(&lg, stderr);
        strbuf_release(&lg);
    }
    if (sb.len == 0)
        goto done;
    struct ks_err ye = KS_ERR_INIT;
    if (yamlin_load(&doc, sb.buf, sb.len, "", NULL, &ye) < 0) {
        const char *m = ye.msg;
        const char *conv = strstr(m, "error converting YAML to JSON: ");
        if (conv)
            m = conv + strlen("error converting YAML to JSON: ");
        else if (m[0] == ':' && m[1] == ' ')
            m += 2;
        rc = ks_fail(e, KS_EINPUT, "error loading config file \"%s\": %s%s", path,
                     strncmp(m, "line", 4) == 0 ? "yaml: " : "", m);
        /* NEEDSWORK: yamlin's wording differs from go-yaml's for some syntax errors */
        goto done;
    }
    if (json_is_null(doc))
        goto done;
    if (!json_is_object(doc)) {
        rc = ks_fail(e, KS_EINPUT,
                     "error loading config file \"%s\": couldn't get version/kind; json parse "
                     "error: json: cannot unmarshal into Go value of type struct",
                     path);
        goto done;
    }
    if ((rc = kubeconfig_merge_section(kc->merged, doc, "clusters", "cluster", path, e)) < 0 ||
        (rc = kubeconfig_merge_section(kc->merged, doc, "users", "user", path, e)) < 0 ||
        (rc = kubeconfig_merge_section(kc->merged, doc, "contexts", "context", path, e)) < 0)
        goto done;
    const char *cur = json_string_value(json_object_get(doc, "current-context"));
    if (cur && *cur && !json_object_get(kc->merged, "current-context"))
        json_object_set_new(kc->merged, "current-context", json_string(cur));
    json_t *prefs = json_object_get(doc, "preferences");
    if (json_is_object(prefs) && json_object_size(prefs) &&
        !json_object_size(json_object_get(kc->merged, "preferences")))
        json_object_set(kc->merged, "preferences", prefs);
done:
    json_decref(doc);
    strbuf_release(&sb);
    return rc;
}

int kubeconfig_load(struct kubeconfig *kc, const struct kflags *f, struct ks_err *e)
{
    int rc = 0;
    memset(kc, 0, sizeof(*kc));
    kc->verbosity = f ? f->verbosity : 0;
    kc->merged = json_pack("{s:{},s:{},s:{},s:{}}", "clusters", "users", "contexts", "preferences");
    if (f && f->kubeconfig && *f->kubeconfig)
        return kubeconfig_add_file(kc, f->kubeconfig, true, e);
    const char *env = getenv("KUBECONFIG");
    if (env && *env) {
        char *copy = ks_strdup(env), *save = NULL;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
            if (*p && (rc = kubeconfig_add_file(kc, p, false, e)) < 0)
                break;
        free(copy);
        return rc;
    }
    const char *home = getenv("HOME");
    char *path = ks_asprintf("%s/.kube/config", home ? home : "");
    kc->from_default = true;
    rc = kubeconfig_add_file(kc, path, false, e);
    free(path);
    return rc;
}

void kubeconfig_release(struct kubeconfig *kc)
{
    json_decref(kc->merged);
    for (size_t i = 0; i < kc->n_paths; i++) {
        free(kc->paths[i]);
        if (kc->raw[i])
            memset(kc->raw[i], 0, kc->raw_len[i]); /* it may hold credentials */
        free(kc->raw[i]);
    }
    free(kc->paths);
    free(kc->raw);
    free(kc->raw_len);
    memset(kc, 0, sizeof(*kc));
}

static const char *kubeconfig_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

static char *kubeconfig_dup(const char *s)
{
    return s ? ks_strdup(s) : NULL;
}

static int kubeconfig_data(unsigned char **out, size_t *len, const json_t *o, const char *key,
                           struct ks_err *e)
{
    const char *s = kubeconfig_str(o, key);
    if (!s)
        return 0;
    if (kbase64_decode(out, len, s, strlen(s)) < 0)
        return ks_fail(e, KS_EINPUT, "error loading config file \"%s\": illegal base64 data in %s",
                       kubeconfig_str(o, "LocationOfOrigin") ? kubeconfig_str(o, "LocationOfOrigin")
                                                             : "",
                       key);
    return 0;
}

/* The context name a command uses: --context, else current-context (may be NULL). */
static const char *kubeconfig_context_name(const struct kubeconfig *kc, const struct kflags *f)
{
    if (f && f->context && *f->context)
        return f->context;
    return kubeconfig_str(kc->merged, "current-context");
}

static bool kubeconfig_is_https(const char *server)
{
    return server && strncmp(server, "https://", 8) == 0;
}

static bool kubeconfig_flag(const char *v)
{
    return v && *v;
}

static void kubeconfig_check_file(struct strbuf *errs, int *n, const char *file, const char *what,
                                  const char *name)
{
    if (file && access(file, R_OK) < 0) {
        strbuf_addf(errs, "\n* unable to read %s %s for %s due to open %s: %s", what, file, name,
                    file, errno == ENOENT ? "no such file or directory" : strerror(errno));
        (*n)++;
    }
}

/*
 * PARITY: clientcmd validation.go (validateAuthInfo, then validateClusterInfo). One
 * error is returned as it is (kubectl prints "error: ..."); several become
 * errConfigurationInvalid, printed "Error in configuration: " + "\n* " items.
 * NEEDSWORK: a long list is cut at KS_ERR_MSG bytes.
 */
static int kubeconfig_validate(const struct kconn *out, const json_t *user, const json_t *cluster,
                               const struct kflags *f, struct ks_err *e)
{
    struct strbuf errs = STRBUF_INIT;
    int n = 0;
    const char *un = out->user_name ? out->user_name : "";
    const char *cn = out->cluster_name ? out->cluster_name : "";
    bool cert_file =
        kubeconfig_flag(f->client_certificate) || kubeconfig_str(user, "client-certificate");
    bool key_file = kubeconfig_flag(f->client_key) || kubeconfig_str(user, "client-key");
    if (user || kubeconfig_flag(f->client_certificate) || kubeconfig_flag(f->client_key)) {
        if (cert_file && kubeconfig_str(user, "client-certificate-data")) {
            strbuf_addf(&errs,
                        "\n* client-cert-data and client-cert are both specified for %s. "
                        "client-cert-data will override.",
                        un);
            n++;
        }
        if (key_file && kubeconfig_str(user, "client-key-data")) {
            strbuf_addf(&errs,
                        "\n* client-key-data and client-key are both specified for %s; "
                        "client-key-data will override",
                        un);
            n++;
        }
        kubeconfig_check_file(&errs, &n, out->cert_file, "client-cert", un);
        kubeconfig_check_file(&errs, &n, out->key_file, "client-key", un);
    }
    if (out->ca_file && out->ca_data) {
        strbuf_addf(&errs,
                    "\n* certificate-authority-data and certificate-authority are both specified "
                    "for %s. certificate-authority-data will override.",
                    cn);
        n++;
    } else if (cluster || kubeconfig_flag(f->certificate_authority)) {
        kubeconfig_check_file(&errs, &n, out->ca_file, "certificate-authority", cn);
    }
    int rc = 0;
    if (n == 1)
        rc = ks_fail(e, KS_EINPUT, "%s", errs.buf + 3);
    else if (n > 1)
        rc = ks_fail(e, KS_EINPUT, "Error in configuration: %s", errs.buf);
    strbuf_release(&errs);
    return rc;
}

int kubeconfig_resolve(struct kconn *out, const struct kubeconfig *kc, const struct kflags *f,
                       struct ks_err *e)
{
    static const struct kflags noflags = KFLAGS_INIT;
    const json_t *ctx = NULL, *cluster = NULL, *user = NULL;
    const char *ctx_name, *cluster_name = NULL, *user_name = NULL;
    int rc = 0;
    memset(out, 0, sizeof(*out));
    if (!f)
        f = &noflags;
    ctx_name = kubeconfig_context_name(kc, f);
    if (ctx_name) {
        ctx = json_object_get(json_object_get(kc->merged, "contexts"), ctx_name);
        /* PARITY: validation.go, printed by kubectl as "Error in configuration: ..." */
        if (!ctx)
            return ks_fail(e, KS_EINPUT,
                           "Error in configuration: context was not found for specified "
                           "context: %s",
                           ctx_name);
    }
    cluster_name = f->cluster && *f->cluster ? f->cluster : kubeconfig_str(ctx, "cluster");
    user_name = f->user && *f->user ? f->user : kubeconfig_str(ctx, "user");
    if (cluster_name)
        cluster = json_object_get(json_object_get(kc->merged, "clusters"), cluster_name);
    if (user_name)
        user = json_object_get(json_object_get(kc->merged, "users"), user_name);
    if (f->cluster && *f->cluster && !cluster && !(f->server && *f->server))
        return ks_fail(e, KS_EINPUT, "no server found for cluster \"%s\"", f->cluster);
    if (f->user && *f->user && !user)
        return ks_fail(e, KS_EINPUT, "auth info \"%s\" does not exist", f->user);

    out->context_name = kubeconfig_dup(ctx_name);
    out->cluster_name = kubeconfig_dup(cluster_name);
    out->user_name = kubeconfig_dup(user_name);

    /* Cluster, then the flags over it. */
    const char *server = f->server && *f->server ? f->server : kubeconfig_str(cluster, "server");
    if (!server)
        server = "http://localhost:8080";
    if (!strstr(server, "://"))
        out->server = ks_asprintf("%s://%s",
                                  kubeconfig_str(cluster, "certificate-authority") ||
                                          kubeconfig_str(cluster, "certificate-authority-data")
                                      ? "https"
                                      : "http",
                                  server);
    else
        out->server = ks_strdup(server);
    size_t sl = strlen(out->server);
    while (sl > 0 && out->server[sl - 1] == '/')
        out->server[--sl] = '\0';

    out->insecure = json_is_true(json_object_get(cluster, "insecure-skip-tls-verify"));
    out->tls_server_name = kubeconfig_dup(kubeconfig_str(cluster, "tls-server-name"));
    /* PARITY: a -s override without --tls-server-name drops the kubeconfig's server name. */
    if (f->server && *f->server) {
        free(out->tls_server_name);
        out->tls_server_name = NULL;
    }
    if (f->tls_server_name) {
        free(out->tls_server_name);
        out->tls_server_name = kubeconfig_dup(f->tls_server_name);
    }
    out->proxy_url = kubeconfig_dup(kubeconfig_str(cluster, "proxy-url"));
    if (f->insecure_skip_tls_verify >= 0)
        out->insecure = f->insecure_skip_tls_verify == 1;
    if (f->certificate_authority && *f->certificate_authority) {
        /* PARITY: a --certificate-authority override also resets insecure and the CA data */
        out->ca_file = ks_strdup(f->certificate_authority);
        out->insecure = f->insecure_skip_tls_verify == 1;
    } else if (!(f->insecure_skip_tls_verify == 1)) {
        out->ca_file = kubeconfig_path(cluster, cluster, "certificate-authority", false);
        if ((rc = kubeconfig_data(&out->ca_data, &out->ca_len, cluster,
                                  "certificate-authority-data", e)) < 0)
            goto fail;
    }
    if (cluster) {
        out->cluster = json_deep_copy(cluster);
        json_object_del(out->cluster, "LocationOfOrigin");
    }

    out->cert_file = kubeconfig_flag(f->client_certificate)
                         ? ks_strdup(f->client_certificate)
                         : kubeconfig_path(user, user, "client-certificate", false);
    out->key_file = kubeconfig_flag(f->client_key)
                        ? ks_strdup(f->client_key)
                        : kubeconfig_path(user, user, "client-key", false);
    if ((rc = kubeconfig_validate(out, user, cluster, f, e)) < 0)
        goto fail;
    /* PARITY: client-go transport.TLSConfigFor */
    if (out->insecure && (out->ca_file || out->ca_data) && kubeconfig_is_https(out->server)) {
        rc = ks_fail(e, KS_EINPUT,
                     "specifying a root certificates file with the insecure flag is not allowed");
        goto fail;
    }

    /* PARITY: client-go reads the user's credentials only for TLS transports. */
    if (!kubeconfig_is_https(out->server)) {
        free(out->cert_file);
        free(out->key_file);
        out->cert_file = out->key_file = NULL;
    } else {
        if (!(f->client_certificate && *f->client_certificate) &&
            (rc = kubeconfig_data(&out->cert_data, &out->cert_len, user, "client-certificate-data",
                                  e)) < 0)
            goto fail;
        if (!(f->client_key && *f->client_key) &&
            (rc = kubeconfig_data(&out->key_data, &out->key_len, user, "client-key-data", e)) < 0)
            goto fail;
        if (f->token && *f->token) {
            out->token = ks_strdup(f->token);
        } else {
            out->token = kubeconfig_dup(kubeconfig_str(user, "token"));
            out->token_file = kubeconfig_path(user, user, "tokenFile", false);
        }
        out->username = kubeconfig_dup(
            f->username && *f->username ? f->username : kubeconfig_str(user, "username"));
        out->password = kubeconfig_dup(
            f->password && *f->password ? f->password : kubeconfig_str(user, "password"));
        /* PARITY: clientcmd canIdentifyUser(); prompting is kubectl's fallbackReader */
        out->prompt_basic = !out->token && !out->token_file && !out->username && !out->password &&
                            !out->cert_file && !out->cert_data &&
                            !json_is_object(json_object_get(user, "exec")) &&
                            !json_is_object(json_object_get(user, "auth-provider"));
        json_t *ex = json_object_get(user, "exec");
        if (json_is_object(ex) && !out->token) {
            out->exec = json_deep_copy(ex);
            char *cmd = kubeconfig_path(user, ex, "command", true);
            if (cmd)
                json_object_set_new(out->exec, "command", json_string(cmd));
            free(cmd);
        }
    }
    out->as = kubeconfig_dup(f->as && *f->as ? f->as : kubeconfig_str(user, "as"));
    out->as_uid =
        kubeconfig_dup(f->as_uid && *f->as_uid ? f->as_uid : kubeconfig_str(user, "as-uid"));
    if (f->n_as_groups) {
        out->as_groups = ks_calloc(f->n_as_groups, sizeof(char *));
        for (size_t i = 0; i < f->n_as_groups; i++)
            out->as_groups[i] = ks_strdup(f->as_groups[i]);
        out->n_as_groups = f->n_as_groups;
    } else if (json_is_array(json_object_get(user, "as-groups"))) {
        const json_t *g = json_object_get(user, "as-groups"), *v;
        size_t i;
        out->as_groups = ks_calloc(json_array_size(g) + 1, sizeof(char *));
        json_array_foreach(g, i, v) if (json_is_string(v)) out->as_groups[out->n_as_groups++] =
            ks_strdup(json_string_value(v));
    }

    /* Namespace: -n, else the context's, else "default". */
    if (f->namespace_ && *f->namespace_) {
        out->namespace_ = ks_strdup(f->namespace_);
        out->namespace_from_flag = true;
    } else {
        const char *ns = kubeconfig_str(ctx, "namespace");
        out->namespace_ = ks_strdup(ns ? ns : "default");
    }
    if (f->request_timeout && (rc = kflags_timeout_ms(&out->timeout_ms, f->request_timeout, e)) < 0)
        goto fail;
    if (f->cache_dir && *f->cache_dir) {
        out->cache_dir = ks_strdup(f->cache_dir);
    } else {
        const char *home = getenv("HOME");
        out->cache_dir = ks_asprintf("%s/.kube/cache", home ? home : "");
    }
    out->verbosity = f->verbosity;
    return 0;
fail:
    kubeconfig_conn_release(out);
    return rc;
}

int kubeconfig_conn_from_flags(struct kconn *out, const struct kflags *f, struct ks_err *e)
{
    struct kubeconfig kc;
    int rc = kubeconfig_load(&kc, f, e);
    if (rc == 0)
        rc = kubeconfig_resolve(out, &kc, f, e);
    else
        memset(out, 0, sizeof(*out));
    kubeconfig_release(&kc);
    return rc;
}

const char *kubeconfig_err_prefix(const struct ks_err *e)
{
    return strncmp(e->msg, "Error in configuration", 22) == 0 ? "" : "error: ";
}

void kubeconfig_conn_release(struct kconn *c)
{
    char **strs[] = {&c->server,     &c->context_name,    &c->cluster_name, &c->user_name,
                     &c->namespace_, &c->tls_server_name, &c->ca_file,      &c->cert_file,
                     &c->key_file,   &c->token,           &c->token_file,   &c->username,
                     &c->password,   &c->proxy_url,       &c->as,           &c->as_uid,
                     &c->cache_dir};
    for (size_t i = 0; i < KS_ARRAY_SIZE(strs); i++)
        free(*strs[i]);
    if (c->key_data)
        memset(c->key_data, 0, c->key_len);
    free(c->ca_data);
    free(c->cert_data);
    free(c->key_data);
    json_decref(c->exec);
    json_decref(c->cluster);
    for (size_t i = 0; i < c->n_as_groups; i++)
        free(c->as_groups[i]);
    free(c->as_groups);
    memset(c, 0, sizeof(*c));
}
