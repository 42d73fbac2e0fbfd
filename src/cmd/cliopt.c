/*
 * cliopt.c: the native commands' option parser (see cliopt.h).
 * PARITY: spf13/pflag flag syntax and kubectl's persistent (global) flags.
 */
#include "cmd/cliopt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct global_flag {
    const char *name; /* long name without "--" */
    char shorthand;
    bool takes_value;
};

/* kubectl 1.33's global flags (kubectl options). */
static const struct global_flag globals[] = {
    {"as", 0, true},
    {"as-group", 0, true},
    {"as-uid", 0, true},
    {"cache-dir", 0, true},
    {"certificate-authority", 0, true},
    {"client-certificate", 0, true},
    {"client-key", 0, true},
    {"cluster", 0, true},
    {"context", 0, true},
    {"disable-compression", 0, false},
    {"insecure-skip-tls-verify", 0, false},
    {"kubeconfig", 0, true},
    {"kuberc", 0, true},
    {"log-flush-frequency", 0, true},
    {"match-server-version", 0, false},
    {"namespace", 'n', true},
    {"password", 0, true},
    {"profile", 0, true},
    {"profile-output", 0, true},
    {"request-timeout", 0, true},
    {"server", 's', true},
    {"tls-server-name", 0, true},
    {"token", 0, true},
    {"user", 0, true},
    {"username", 0, true},
    {"v", 'v', true},
    {"vmodule", 0, true},
    {"warnings-as-errors", 0, false},
};

static const struct global_flag *global_find(const char *flag)
{
    if (flag[0] != '-')
        return NULL;
    for (size_t i = 0; i < KS_ARRAY_SIZE(globals); i++) {
        if (flag[1] == '-' ? strcmp(flag + 2, globals[i].name) == 0
                           : (flag[1] == globals[i].shorthand && flag[2] == '\0'))
            return &globals[i];
    }
    return NULL;
}

bool cliopt_global_takes_value(const char *flag)
{
    const struct global_flag *g = global_find(flag);
    return g && g->takes_value;
}

bool cliopt_is_global(const char *flag)
{
    return global_find(flag) != NULL;
}

int cliopt_command_index(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1 < argc ? i + 1 : -1;
        if (a[0] != '-' || a[1] == '\0')
            return i;
        if (strchr(a, '='))
            continue;
        if (a[1] != '-' && a[2] != '\0')
            continue; /* -nfoo, -v3 */
        if (cliopt_global_takes_value(a))
            i++;
    }
    return -1;
}

void cliopt_list_add(struct cliopt_list *l, const char *s)
{
    if (l->n + 1 >= l->alloc) {
        l->alloc = l->alloc ? 2 * l->alloc : 8;
        l->v = ks_realloc(l->v, l->alloc * sizeof(*l->v));
    }
    l->v[l->n++] = ks_strdup(s);
    l->v[l->n] = NULL;
}

void cliopt_list_free(struct cliopt_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->alloc = 0;
}

int cliopt_parse_bool(bool *out, const char *s)
{
    static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(t); i++) {
        if (strcmp(s, t[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, f[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return KS_EUSAGE;
}

static const struct cliopt *find_long(const struct cliopt *opts, const char *name, size_t len)
{
    for (const struct cliopt *o = opts; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static const struct cliopt *find_short(const struct cliopt *opts, char c)
{
    for (const struct cliopt *o = opts; o->name; o++)
        if (o->shorthand && o->shorthand == c)
            return o;
    return NULL;
}

/* Store value (never NULL) into o's destination. */
static int set_value(const struct cliopt *o, const char *value, const char *shown, struct ks_err *e)
{
    if (o->changed)
        *o->changed = true;
    switch (o->kind) {
    case CLIOPT_BOOL:
        if (cliopt_parse_bool(o->dest, value))
            return ks_fail(e, KS_EUSAGE,
                           "invalid argument \"%s\" for \"%s\" flag: strconv.ParseBool: parsing "
                           "\"%s\": invalid syntax",
                           value, shown, value);
        return 0;
    case CLIOPT_STRING: {
        char **dst = o->dest;
        free(*dst);
        *dst = ks_strdup(value);
        return 0;
    }
    case CLIOPT_STRINGS: {
        struct cliopt_list *l = o->dest;
        if (!o->split_commas) {
            cliopt_list_add(l, value);
            return 0;
        }
        const char *p = value;
        for (;;) {
            const char *c = strchr(p, ',');
            char *part = ks_strndup(p, c ? (size_t)(c - p) : strlen(p));
            cliopt_list_add(l, part);
            free(part);
            if (!c)
                break;
            p = c + 1;
        }
        return 0;
    }
    case CLIOPT_INT: {
        char *end = NULL;
        errno = 0;
        long v = strtol(value, &end, 0);
        if (errno || !*value || *end)
            return ks_fail(e, KS_EUSAGE,
                           "invalid argument \"%s\" for \"%s\" flag: strconv.ParseInt: parsing "
                           "\"%s\": invalid syntax",
                           value, shown, value);
        *(long *)o->dest = v;
        return 0;
    }
    case CLIOPT_DELEGATE:
        return KS_EDELEGATE;
    }
    return 0;
}

static int parse_long(const struct cliopt *opts, int argc, char **argv, int *i, struct ks_err *e)
{
    const char *a = argv[*i] + 2;
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    const struct cliopt *o = find_long(opts, a, len);
    if (!o) {
        char *flag = ks_strndup(argv[*i], len + 2);
        const struct global_flag *g = global_find(flag);
        free(flag);
        if (!g)
            return KS_EDELEGATE;
        if (g->takes_value && !eq)
            (*i)++;
        return 0;
    }
    if (o->kind == CLIOPT_DELEGATE)
        return KS_EDELEGATE;
    char shown[128];
    snprintf(shown, sizeof(shown), "--%.*s", (int)len, a);
    if (eq)
        return set_value(o, eq + 1, shown, e);
    if (o->kind == CLIOPT_BOOL)
        return set_value(o, "true", shown, e);
    if (o->noopt)
        return set_value(o, o->noopt, shown, e);
    if (*i + 1 >= argc)
        return ks_fail(e, KS_EUSAGE, "flag needs an argument: %s", shown);
    (*i)++;
    return set_value(o, argv[*i], shown, e);
}

static int parse_short(const struct cliopt *opts, int argc, char **argv, int *i, struct ks_err *e)
{
    const char *a = argv[*i] + 1;
    for (size_t k = 0; a[k]; k++) {
        char c = a[k];
        const struct cliopt *o = find_short(opts, c);
        char shown[8] = {'-', c, '\0'};
        if (!o) {
            const struct global_flag *g = global_find(shown);
            if (!g)
                return KS_EDELEGATE;
            if (!g->takes_value)
                continue;
            if (a[k + 1] == '\0')
                (*i)++;
            return 0;
        }
        if (o->kind == CLIOPT_DELEGATE)
            return KS_EDELEGATE;
        const char *rest = a + k + 1;
        if (*rest == '=')
            return set_value(o, rest + 1, shown, e);
        if (o->kind == CLIOPT_BOOL) {
            int rc = set_value(o, "true", shown, e);
            if (rc)
                return rc;
            continue;
        }
        if (*rest)
            return set_value(o, rest, shown, e);
        if (o->noopt)
            return set_value(o, o->noopt, shown, e);
        if (*i + 1 >= argc)
            return ks_fail(e, KS_EUSAGE, "flag needs an argument: '%c' in -%c", c, c);
        (*i)++;
        return set_value(o, argv[*i], shown, e);
    }
    return 0;
}

int cliopt_parse(const struct cliopt *opts, int argc, char **argv, int cmd_index,
                 struct cliopt_list *args, struct ks_err *e)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (i == cmd_index)
            continue;
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                cliopt_list_add(args, argv[i]);
            break;
        }
        if (a[0] == '-' && a[1] == '-')
            rc = parse_long(opts, argc, argv, &i, e);
        else if (a[0] == '-' && a[1] != '\0')
            rc = parse_short(opts, argc, argv, &i, e);
        else
            cliopt_list_add(args, a);
        if (rc)
            return rc;
    }
    return 0;
}

void cliopt_free(const struct cliopt *opts)
{
    for (const struct cliopt *o = opts; o->name; o++) {
        if (o->kind == CLIOPT_STRING) {
            char **dst = o->dest;
            free(*dst);
            *dst = NULL;
        } else if (o->kind == CLIOPT_STRINGS) {
            cliopt_list_free(o->dest);
        }
    }
}
