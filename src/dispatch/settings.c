/*
 * settings.c: load dispatch's configuration (see settings.h for the keys).
 * PARITY: kuberlr internal/config (viper): files merged in order, keys
 * case-insensitive, unknown top-level keys ignored, KUBERLR_<KEY> overrides.
 */
#include "dispatch/settings.h"

#include "base/strbuf.h"
#include "dispatch/toml.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = ks_strdup(v);
}

int settings_parse_bool(const char *s)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(yes); i++) {
        if (strcmp(s, yes[i]) == 0)
            return 1;
        if (strcmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

const char *settings_policy_name(enum settings_policy p)
{
    switch (p) {
    case SETTINGS_POLICY_EXACT:
        return "exact";
    case SETTINGS_POLICY_NEWEST:
        return "newest";
    default:
        return "nearest";
    }
}

static int parse_policy(enum settings_policy *p, const char *v)
{
    if (strcmp(v, "nearest") == 0)
        *p = SETTINGS_POLICY_NEAREST;
    else if (strcmp(v, "exact") == 0)
        *p = SETTINGS_POLICY_EXACT;
    else if (strcmp(v, "newest") == 0)
        *p = SETTINGS_POLICY_NEWEST;
    else
        return -1;
    return 0;
}

/* Seconds (integer or float, >= 0, bounded) as milliseconds. */
static int seconds_ms(const json_t *v, int *ms)
{
    double d;
    if (json_is_integer(v))
        d = (double)json_integer_value(v);
    else if (json_is_real(v))
        d = json_real_value(v);
    else
        return -1;
    if (!(d >= 0 && d <= 86400))
        return -1;
    *ms = (int)(d * 1000 + 0.5); /* d >= 0: rounds half up, as lround */
    return 0;
}

/* The setting a config value or environment string names: a small table. */
enum skey { K_ALLOW, K_LATEST, K_SYSPATH, K_MIRROR, K_TIMEOUT, K_QUIET };

static const struct {
    const char *name;
    enum skey key;
} kuberlr_keys[] = {
    {"AllowDownload", K_ALLOW}, {"UseLatestIfNoCompatible", K_LATEST},
    {"SystemPath", K_SYSPATH},  {"KubeMirrorUrl", K_MIRROR},
    {"Timeout", K_TIMEOUT},     {"Quiet", K_QUIET},
};

struct loadstate {
    struct settings *s;
    bool timeout_from_kubeshim; /* [kubeshim] probe_timeout wins over kuberlr's Timeout */
};

static int apply_kuberlr(struct loadstate *ls, enum skey k, const json_t *v, const char *where,
                         const char *name, struct ks_err *e)
{
    struct settings *s = ls->s;
    int ms;
    switch (k) {
    case K_ALLOW:
    case K_LATEST:
    case K_QUIET:
        if (!json_is_boolean(v))
            return ks_fail(e, KS_EINPUT, "%s: %s: want true or false", where, name);
        *(k == K_ALLOW    ? &s->allow_download
          : k == K_LATEST ? &s->use_latest
                          : &s->quiet) = json_is_true(v);
        return 0;
    case K_SYSPATH:
    case K_MIRROR:
        if (!json_is_string(v))
            return ks_fail(e, KS_EINPUT, "%s: %s: want a string", where, name);
        set_str(k == K_SYSPATH ? &s->system_path : &s->mirror, json_string_value(v));
        return 0;
    case K_TIMEOUT:
        if (seconds_ms(v, &ms) < 0)
            return ks_fail(e, KS_EINPUT, "%s: %s: want a number of seconds", where, name);
        if (!ls->timeout_from_kubeshim)
            s->probe_timeout_ms = ms;
        return 0;
    }
    return 0;
}

static int apply_kubeshim_key(struct loadstate *ls, const char *key, const json_t *v,
                              const char *where, struct ks_err *e)
{
    struct settings *s = ls->s;
    int ms;
    if (strcmp(key, "policy") == 0) {
        if (!json_is_string(v) || parse_policy(&s->policy, json_string_value(v)) < 0)
            return ks_fail(e, KS_EINPUT,
                           "%s: kubeshim.policy: want \"exact\", \"nearest\" or "
                           "\"newest\"",
                           where);
    } else if (strcmp(key, "probe_timeout") == 0) {
        if (seconds_ms(v, &ms) < 0)
            return ks_fail(e, KS_EINPUT, "%s: kubeshim.probe_timeout: want seconds", where);
        s->probe_timeout_ms = ms;
        ls->timeout_from_kubeshim = true;
    } else if (strcmp(key, "cache_ttl") == 0 || strcmp(key, "download_timeout") == 0) {
        if (seconds_ms(v, &ms) < 0)
            return ks_fail(e, KS_EINPUT, "%s: kubeshim.%s: want seconds", where, key);
        *(key[0] == 'c' ? &s->cache_ttl_s : &s->download_timeout_s) = ms / 1000;
    } else if (strcmp(key, "cache_dir") == 0) {
        if (!json_is_string(v))
            return ks_fail(e, KS_EINPUT, "%s: kubeshim.cache_dir: want a string", where);
        set_str(&s->cache_dir, json_string_value(v));
    } else if (strcmp(key, "quiet") == 0) {
        if (!json_is_boolean(v))
            return ks_fail(e, KS_EINPUT, "%s: kubeshim.quiet: want true or false", where);
        s->quiet = json_is_true(v);
    } else {
        return ks_fail(e, KS_EINPUT, "%s: unknown key \"kubeshim.%s\"", where, key);
    }
    return 0;
}

static int apply_file(struct loadstate *ls, const char *path, struct ks_err *e)
{
    FILE *f = fopen(path, "rb");
    struct strbuf text = STRBUF_INIT;
    json_t *doc = NULL;
    int rc = 0;
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return ks_fail(e, KS_EINPUT, "%s: %s", path, strerror(errno));
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && text.len < (1u << 20))
        strbuf_add(&text, buf, n);
    fclose(f);
    if ((rc = toml_load(&doc, strbuf_str(&text), text.len, path, e)) < 0)
        goto done;
    if (ls->s->files[0]) {
        char *joined = ks_asprintf("%s; %s", ls->s->files, path);
        free(ls->s->files);
        ls->s->files = joined;
    } else {
        set_str(&ls->s->files, path);
    }
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        if (strcasecmp(key, "kubeshim") == 0 && json_is_object(v)) {
            const char *k2;
            json_t *v2;
            json_object_foreach(v, k2, v2)
            {
                if ((rc = apply_kubeshim_key(ls, k2, v2, path, e)) < 0)
                    goto done;
            }
            continue;
        }
        for (size_t i = 0; i < KS_ARRAY_SIZE(kuberlr_keys); i++)
            if (strcasecmp(key, kuberlr_keys[i].name) == 0 &&
                (rc = apply_kuberlr(ls, kuberlr_keys[i].key, v, path, key, e)) < 0)
                goto done;
    }
done:
    json_decref(doc);
    strbuf_release(&text);
    return rc;
}

/* A string from the environment as the JSON kind the key wants. */
static json_t *env_value(enum skey k, const char *v)
{
    if (k == K_ALLOW || k == K_LATEST || k == K_QUIET) {
        int b = settings_parse_bool(v);
        return b < 0 ? json_string(v) : json_boolean(b);
    }
    if (k == K_TIMEOUT) {
        char *end = NULL;
        double d = strtod(v, &end);
        return *v && end && *end == '\0' && isfinite(d) ? json_real(d) : json_string(v);
    }
    return json_string(v);
}

static int apply_env(struct loadstate *ls, struct ks_err *e)
{
    int rc = 0;
    for (size_t i = 0; i < KS_ARRAY_SIZE(kuberlr_keys) && rc == 0; i++) {
        char name[64] = "KUBERLR_";
        for (size_t j = 0; kuberlr_keys[i].name[j] && j < 50; j++)
            name[8 + j] = (char)toupper((unsigned char)kuberlr_keys[i].name[j]);
        const char *v = getenv(name);
        if (!v)
            continue;
        json_t *jv = env_value(kuberlr_keys[i].key, v);
        rc = apply_kuberlr(ls, kuberlr_keys[i].key, jv, "environment", name, e);
        json_decref(jv);
    }
    static const struct {
        const char *env, *key;
    } own[] = {
        {"KUBESHIM_POLICY", "policy"},       {"KUBESHIM_PROBE_TIMEOUT", "probe_timeout"},
        {"KUBESHIM_CACHE_TTL", "cache_ttl"}, {"KUBESHIM_DOWNLOAD_TIMEOUT", "download_timeout"},
        {"KUBESHIM_CACHE_DIR", "cache_dir"}, {"KUBESHIM_QUIET", "quiet"},
    };
    for (size_t i = 0; i < KS_ARRAY_SIZE(own) && rc == 0; i++) {
        const char *v = getenv(own[i].env);
        if (!v || !*v)
            continue;
        json_t *jv;
        if (strcmp(own[i].key, "quiet") == 0) {
            int b = settings_parse_bool(v);
            jv = b < 0 ? json_string(v) : json_boolean(b);
        } else if (strcmp(own[i].key, "policy") == 0 || strcmp(own[i].key, "cache_dir") == 0) {
            jv = json_string(v);
        } else {
            jv = env_value(K_TIMEOUT, v);
        }
        char *where = ks_asprintf("environment %s", own[i].env);
        rc = apply_kubeshim_key(ls, own[i].key, jv, where, e);
        free(where);
        json_decref(jv);
    }
    return rc;
}

static char *home_dir(void)
{
    const char *h = getenv("HOME");
    if (h && *h)
        return ks_strdup(h);
    struct passwd *pw = getpwuid(getuid());
    return ks_strdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

int settings_load(struct settings *s, struct ks_err *e)
{
    struct loadstate ls = {s, false};
    int rc = 0;
    memset(s, 0, sizeof(*s));
    s->allow_download = true;
    s->use_latest = true;
    s->system_path = ks_strdup("/usr/bin");
    s->mirror = ks_strdup("https://dl.k8s.io");
    s->probe_timeout_ms = 2000;
    s->download_timeout_s = 120;
    s->cache_ttl_s = 300;
    s->policy = SETTINGS_POLICY_NEAREST;
    s->home = home_dir();
    s->files = ks_strdup("");

    const char *sys = getenv("KUBESHIM_SYSTEM_CONFIGS");
    char *list = ks_strdup(sys ? sys : "/usr/etc/kuberlr.conf:/etc/kuberlr.conf");
    for (char *save = NULL, *p = strtok_r(list, ":", &save); p && rc == 0;
         p = strtok_r(NULL, ":", &save))
        rc = apply_file(&ls, p, e);
    free(list);
    if (rc == 0) {
        char *user = ks_asprintf("%s/.kuberlr/kuberlr.conf", s->home);
        rc = apply_file(&ls, user, e);
        free(user);
    }
    const char *cfg = getenv("KUBERLR_CFG");
    if (rc == 0 && cfg && *cfg)
        rc = apply_file(&ls, cfg, e);
    if (rc == 0)
        rc = apply_env(&ls, e);
    if (rc < 0)
        return rc;
    size_t n = strlen(s->mirror);
    while (n > 0 && s->mirror[n - 1] == '/')
        s->mirror[--n] = '\0';
    if (!s->cache_dir) {
        const char *xdg = getenv("XDG_CACHE_HOME");
        s->cache_dir = xdg && *xdg ? ks_asprintf("%s/kubeshim", xdg)
                                   : ks_asprintf("%s/.cache/kubeshim", s->home);
    }
    return 0;
}

void settings_release(struct settings *s)
{
    free(s->system_path);
    free(s->mirror);
    free(s->home);
    free(s->cache_dir);
    free(s->files);
    memset(s, 0, sizeof(*s));
}
