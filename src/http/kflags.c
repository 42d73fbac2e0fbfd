/*
 * kflags.c: collect kubectl's global connection flags from anywhere in argv.
 * PARITY: cli-runtime genericclioptions.ConfigFlags and klog's -v, parsed with
 * pflag's syntax (--f v, --f=v, -n v, -nv, -n=v; the last occurrence wins).
 */
#include "http/kflags.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kflags_kind { KF_STR, KF_GROUP, KF_BOOL, KF_VERBOSITY };

struct kflags_def {
    const char *name; /* long form without dashes */
    char shorthand;   /* 0 when none */
    enum kflags_kind kind;
    size_t offset; /* of the char * (or int) in struct kflags */
};

#define KF(n, s, k, field)                                                                         \
    {                                                                                              \
        n, s, k, offsetof(struct kflags, field)                                                    \
    }

static const struct kflags_def kflags_defs[] = {
    KF("kubeconfig", 0, KF_STR, kubeconfig),
    KF("context", 0, KF_STR, context),
    KF("cluster", 0, KF_STR, cluster),
    KF("user", 0, KF_STR, user),
    KF("server", 's', KF_STR, server),
    KF("token", 0, KF_STR, token),
    KF("username", 0, KF_STR, username),
    KF("password", 0, KF_STR, password),
    KF("as", 0, KF_STR, as),
    KF("as-uid", 0, KF_STR, as_uid),
    KF("as-group", 0, KF_GROUP, as_groups),
    KF("certificate-authority", 0, KF_STR, certificate_authority),
    KF("client-certificate", 0, KF_STR, client_certificate),
    KF("client-key", 0, KF_STR, client_key),
    KF("tls-server-name", 0, KF_STR, tls_server_name),
    KF("insecure-skip-tls-verify", 0, KF_BOOL, insecure_skip_tls_verify),
    KF("request-timeout", 0, KF_STR, request_timeout),
    KF("cache-dir", 0, KF_STR, cache_dir),
    KF("namespace", 'n', KF_STR, namespace_),
    KF("v", 'v', KF_VERBOSITY, verbosity),
};

/* Other value-taking global flags, so their values are not mistaken for flags. */
static const char *const kflags_other_values[] = {"log-flush-frequency", "profile",
                                                  "profile-output", "vmodule"};

static const struct kflags_def *kflags_find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < KS_ARRAY_SIZE(kflags_defs); i++)
        if (strlen(kflags_defs[i].name) == len && memcmp(kflags_defs[i].name, name, len) == 0)
            return &kflags_defs[i];
    return NULL;
}

static const struct kflags_def *kflags_find_short(char c)
{
    for (size_t i = 0; i < KS_ARRAY_SIZE(kflags_defs); i++)
        if (kflags_defs[i].shorthand == c)
            return &kflags_defs[i];
    return NULL;
}

static bool kflags_other_takes_value(const char *name, size_t len)
{
    for (size_t i = 0; i < KS_ARRAY_SIZE(kflags_other_values); i++)
        if (strlen(kflags_other_values[i]) == len && memcmp(kflags_other_values[i], name, len) == 0)
            return true;
    return false;
}

/* PARITY: strconv.ParseBool, as pflag's bool flags use it. */
static int kflags_parse_bool(int *out, const char *v)
{
    static const char *const t[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *const f[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(t); i++) {
        if (strcmp(v, t[i]) == 0)
            return *out = 1, 0;
        if (strcmp(v, f[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

static int kflags_set(struct kflags *f, const struct kflags_def *d, const char *flagname,
                      const char *v, struct ks_err *e)
{
    char *base = (char *)f;
    switch (d->kind) {
    case KF_STR: {
        char **slot = (char **)(base + d->offset);
        free(*slot);
        *slot = ks_strdup(v);
        return 0;
    }
    case KF_GROUP:
        f->as_groups = ks_realloc(f->as_groups, (f->n_as_groups + 1) * sizeof(char *));
        f->as_groups[f->n_as_groups++] = ks_strdup(v);
        return 0;
    case KF_BOOL:
        if (kflags_parse_bool(&f->insecure_skip_tls_verify, v) < 0)
            return ks_fail(e, KS_EUSAGE,
                           "invalid argument \"%s\" for \"%s\" flag: strconv.ParseBool: parsing "
                           "\"%s\": invalid syntax",
                           v, flagname, v);
        return 0;
    case KF_VERBOSITY: {
        char *end = NULL;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 0 || n > 1000)
            return ks_fail(e, KS_EUSAGE,
                           "invalid argument \"%s\" for \"%s\" flag: strconv.ParseInt: parsing "
                           "\"%s\": invalid syntax",
                           v, flagname, v);
        f->verbosity = (int)n;
        return 0;
    }
    }
    return 0;
}

int kflags_parse(struct kflags *f, int argc, char **argv, struct ks_err *e)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct kflags_def *d = NULL;
        const char *val = NULL;
        char flagname[80], missing[80];
        if (strcmp(a, "--") == 0)
            break;
        if (a[0] != '-' || a[1] == '\0')
            continue;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            d = kflags_find_long(name, len);
            if (!d) {
                if (!eq && kflags_other_takes_value(name, len))
                    i++;
                continue;
            }
            snprintf(flagname, sizeof(flagname), "--%s", d->name);
            snprintf(missing, sizeof(missing), "--%s", d->name);
            if (eq)
                val = eq + 1;
            else if (d->kind == KF_BOOL)
                val = "true";
        } else {
            d = kflags_find_short(a[1]);
            if (!d)
                continue;
            snprintf(missing, sizeof(missing), "'%c' in -%c", a[1], a[1]);
            if (a[2] == '=')
                val = a + 3;
            else if (a[2])
                val = a + 2;
        }
        if (!val) {
            if (i + 1 >= argc)
                return ks_fail(e, KS_EUSAGE, "flag needs an argument: %s", missing);
            val = argv[++i];
        }
        /* pflag names a flag with a shorthand "-v, --v" in its errors */
        if (d->shorthand)
            snprintf(flagname, sizeof(flagname), "-%c, --%s", d->shorthand, d->name);
        else
            snprintf(flagname, sizeof(flagname), "--%s", d->name);
        if (kflags_set(f, d, flagname, val, e) < 0)
            return e ? e->code : KS_EUSAGE;
    }
    return 0;
}

/* PARITY: kubectl's ConfigFlags request timeout: an integer is seconds, else time.ParseDuration. */
int kflags_timeout_ms(long *out_ms, const char *value, struct ks_err *e)
{
    static const char *const msg =
        "Invalid timeout value. Timeout must be a single integer in seconds, or an integer "
        "followed by a corresponding time unit (e.g. 1s | 2m | 3h)";
    const char *p = value;
    double total = 0;
    *out_ms = 0;
    if (!value || !*value)
        return 0;
    bool digits = true;
    for (const char *q = value; *q; q++)
        if (!isdigit((unsigned char)*q))
            digits = false;
    if (digits) {
        *out_ms = strtol(value, NULL, 10) * 1000;
        return 0;
    }
    while (*p) {
        char *end = NULL;
        if (!isdigit((unsigned char)*p) && *p != '.')
            return ks_fail(e, KS_EUSAGE, "%s", msg);
        double n = strtod(p, &end);
        if (end == p)
            return ks_fail(e, KS_EUSAGE, "%s", msg);
        p = end;
        double mult;
        if (strncmp(p, "ms", 2) == 0)
            mult = 1, p += 2;
        else if (strncmp(p, "us", 2) == 0)
            mult = 0.001, p += 2;
        else if (strncmp(p, "ns", 2) == 0)
            mult = 0.000001, p += 2;
        else if (*p == 'h')
            mult = 3600000, p++;
        else if (*p == 'm')
            mult = 60000, p++;
        else if (*p == 's')
            mult = 1000, p++;
        else
            return ks_fail(e, KS_EUSAGE, "%s", msg);
        total += n * mult;
    }
    *out_ms = (long)total;
    if (total > 0 && *out_ms == 0)
        *out_ms = 1;
    return 0;
}

void kflags_release(struct kflags *f)
{
    for (size_t i = 0; i < KS_ARRAY_SIZE(kflags_defs); i++)
        if (kflags_defs[i].kind == KF_STR)
            free(*(char **)((char *)f + kflags_defs[i].offset));
    for (size_t i = 0; i < f->n_as_groups; i++)
        free(f->as_groups[i]);
    free(f->as_groups);
    memset(f, 0, sizeof(*f));
    f->insecure_skip_tls_verify = -1;
}
