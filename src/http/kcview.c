/*
 * kcview.c: the merged kubeconfig as `kubectl config view --minify --raw -o json`
 * prints it, for checking our merge side by side with kubectl.
 * PARITY: kubectl config view (MinifyConfig; only --context applies) and the
 * field order of clientcmd/api/v1's Cluster, AuthInfo, ExecConfig and Context.
 */
#include "http/kcview.h"

#include <string.h>

static const char *kcview_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

static const char *kcview_context_name(const struct kubeconfig *kc, const struct kflags *f)
{
    if (f && f->context && *f->context)
        return f->context;
    return kcview_str(kc->merged, "current-context");
}

/* Copy keys of src into a new object in Go's struct order, dropping empty values. */
static json_t *kcview_ordered(const json_t *src, const char *const *keys, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(src, keys[i]);
        if (!v || json_is_false(v) || json_is_null(v) ||
            (json_is_string(v) && !*json_string_value(v)))
            continue;
        json_object_set(o, keys[i], v);
    }
    return o;
}

static json_t *kcview_named(const char *name, const char *inner, json_t *body)
{
    return json_pack("{s:s,s:o}", "name", name, inner, body);
}

int kcview_minify(json_t **out, const struct kubeconfig *kc, const struct kflags *f,
                  struct ks_err *e)
{
    static const char *const ckeys[] = {"server",
                                        "tls-server-name",
                                        "insecure-skip-tls-verify",
                                        "certificate-authority",
                                        "certificate-authority-data",
                                        "proxy-url",
                                        "disable-compression",
                                        "extensions"};
    static const char *const ukeys[] = {"client-certificate",
                                        "client-certificate-data",
                                        "client-key",
                                        "client-key-data",
                                        "token",
                                        "tokenFile",
                                        "as",
                                        "as-uid",
                                        "as-groups",
                                        "as-user-extra",
                                        "username",
                                        "password",
                                        "auth-provider",
                                        "exec"};
    static const char *const xkeys[] = {"command",        "args",        "env",
                                        "apiVersion",     "installHint", "provideClusterInfo",
                                        "interactiveMode"};
    static const char *const tkeys[] = {"cluster", "user", "namespace", "extensions"};
    const char *ctx_name = kcview_context_name(kc, f);
    const json_t *ctx =
        ctx_name ? json_object_get(json_object_get(kc->merged, "contexts"), ctx_name) : NULL;
    *out = NULL;
    /* PARITY: kubectl config view --minify: "cannot locate context X" */
    if (!ctx)
        return ks_fail(e, KS_EINPUT, "cannot locate context %s", ctx_name ? ctx_name : "");
    json_t *res = json_pack("{s:s,s:s,s:O,s:[],s:[],s:[],s:s}", "kind", "Config", "apiVersion",
                            "v1", "preferences", json_object_get(kc->merged, "preferences"),
                            "clusters", "users", "contexts", "current-context", ctx_name);
    const char *cn = kcview_str(ctx, "cluster"), *un = kcview_str(ctx, "user");
    const json_t *cl = cn ? json_object_get(json_object_get(kc->merged, "clusters"), cn) : NULL;
    const json_t *us = un ? json_object_get(json_object_get(kc->merged, "users"), un) : NULL;
    if (cl)
        json_array_append_new(json_object_get(res, "clusters"),
                              kcview_named(cn, "cluster", kcview_ordered(cl, ckeys, 8)));
    if (us) {
        json_t *u = kcview_ordered(us, ukeys, KS_ARRAY_SIZE(ukeys));
        const json_t *ex = json_object_get(us, "exec");
        if (json_is_object(ex)) {
            json_t *x = kcview_ordered(ex, xkeys, KS_ARRAY_SIZE(xkeys));
            if (!json_object_get(x, "env"))
                json_object_set_new(x, "env", json_null());
            json_object_set_new(
                x, "provideClusterInfo",
                json_boolean(json_is_true(json_object_get(ex, "provideClusterInfo"))));
            json_object_set_new(u, "exec", x);
        }
        json_array_append_new(json_object_get(res, "users"), kcview_named(un, "user", u));
    }
    json_array_append_new(json_object_get(res, "contexts"),
                          kcview_named(ctx_name, "context", kcview_ordered(ctx, tkeys, 4)));
    *out = res;
    return 0;
}
