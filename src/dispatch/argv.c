/*
 * argv.c: kubectl's global flags and where the command word stands.
 * Also: the commands kubectl answers offline, and plugin lookup.
 * PARITY: kubectl's persistent flags (cli-runtime ConfigFlags plus klog's -v).
 */
#include "dispatch/argv.h"

#include "base/ks.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const value_flags[] = {
    "--as",
    "--as-group",
    "--as-uid",
    "--cache-dir",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--cluster",
    "--context",
    "--kubeconfig",
    "--log-flush-frequency",
    "-n",
    "--namespace",
    "--password",
    "--profile",
    "--profile-output",
    "--request-timeout",
    "-s",
    "--server",
    "--tls-server-name",
    "--token",
    "--user",
    "--username",
    "-v",
    "--v",
    "--vmodule",
};

bool argv_global_takes_value(const char *flag)
{
    for (size_t i = 0; i < sizeof(value_flags) / sizeof(value_flags[0]); i++)
        if (strcmp(flag, value_flags[i]) == 0)
            return true;
    return false;
}

int argv_command_index(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1 < argc ? i + 1 : -1;
        if (a[0] != '-' || a[1] == '\0')
            return i;
        if (strchr(a, '='))
            continue;
        /* -nfoo and -v3 carry their value attached. */
        if (a[1] != '-' && a[2] != '\0')
            continue;
        if (argv_global_takes_value(a))
            i++;
    }
    return -1;
}

/* "--" ends kubectl's flags. */
static bool is_end(const char *a)
{
    return strcmp(a, "--") == 0;
}

const char *argv_flag_value(int argc, char **argv, const char *lng, const char *shrt)
{
    const char *val = NULL;
    size_t ln = strlen(lng), sn = shrt ? strlen(shrt) : 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (is_end(a))
            break;
        if (a[0] != '-' || a[1] == '\0')
            continue;
        if (strncmp(a, lng, ln) == 0 && (a[ln] == '=' || a[ln] == '\0')) {
            if (a[ln] == '=')
                val = a + ln + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            continue;
        }
        if (shrt && strncmp(a, shrt, sn) == 0) {
            if (a[sn] == '=')
                val = a + sn + 1;
            else if (a[sn])
                val = a + sn;
            else if (i + 1 < argc)
                val = argv[++i];
            continue;
        }
        /* Skip the separate value of any other global value flag. */
        if (!strchr(a, '=') && (a[1] == '-' || a[2] == '\0') && argv_global_takes_value(a))
            i++;
    }
    return val;
}

/* A boolean flag anywhere before "--": 1 true, 0 false or absent. */
static bool bool_flag(int argc, char **argv, const char *name)
{
    bool v = false;
    size_t n = strlen(name);
    for (int i = 1; i < argc && !is_end(argv[i]); i++) {
        const char *a = argv[i];
        if (strncmp(a, name, n) != 0)
            continue;
        if (a[n] == '\0')
            v = true;
        else if (a[n] == '=')
            v = strcmp(a + n + 1, "true") == 0 || strcmp(a + n + 1, "1") == 0 ||
                strcmp(a + n + 1, "t") == 0 || strcmp(a + n + 1, "T") == 0 ||
                strcmp(a + n + 1, "TRUE") == 0 || strcmp(a + n + 1, "True") == 0;
    }
    return v;
}

static const char *const builtins[] = {
    "alpha",   "annotate",  "api-resources", "api-versions", "apply",        "attach",
    "auth",    "autoscale", "certificate",   "cluster-info", "completion",   "config",
    "cordon",  "cp",        "create",        "debug",        "delete",       "describe",
    "diff",    "drain",     "edit",          "events",       "exec",         "explain",
    "expose",  "get",       "help",          "kuberc",       "kustomize",    "label",
    "logs",    "options",   "patch",         "plugin",       "port-forward", "proxy",
    "replace", "rollout",   "run",           "scale",        "set",          "taint",
    "top",     "uncordon",  "version",       "wait",         "__complete",   "__completeNoDesc",
};

bool argv_is_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (strcmp(name, builtins[i]) == 0)
            return true;
    return false;
}

const char *argv_local_reason(int argc, char **argv)
{
    static const char *const local_cmds[] = {
        "completion", "__complete", "__completeNoDesc", "config", "help",
        "options",    "plugin",     "kustomize",        "kuberc", "alpha",
    };
    for (int i = 1; i < argc && !is_end(argv[i]); i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ||
            strncmp(argv[i], "--help=", 7) == 0)
            return "help flag";
    int ci = argv_command_index(argc, argv);
    if (ci < 0)
        return "no command";
    for (size_t i = 0; i < sizeof(local_cmds) / sizeof(local_cmds[0]); i++)
        if (strcmp(argv[ci], local_cmds[i]) == 0)
            return local_cmds[i];
    if (strcmp(argv[ci], "version") == 0 && bool_flag(argc, argv, "--client"))
        return "version --client";
    if (bool_flag(argc, argv, "--local"))
        return "--local";
    return NULL;
}

bool argv_is_server_version(int argc, char **argv)
{
    int ci = argv_command_index(argc, argv);
    return ci > 0 && strcmp(argv[ci], "version") == 0 && !bool_flag(argc, argv, "--client");
}

/* The first executable dir/name on PATH, or NULL. */
static char *path_lookup(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return NULL;
    char *copy = ks_strdup(path), *found = NULL;
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char *cand = ks_asprintf("%s/%s", dir, name);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(copy);
    return found;
}

char *argv_plugin_path(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-' || argv_is_builtin(argv[1]))
        return NULL;
    struct strbuf name = STRBUF_INIT;
    size_t lens[8];
    int n = 0;
    strbuf_adds(&name, "kubectl");
    for (int i = 1; i < argc && n < 8 && argv[i][0] != '-'; i++) {
        strbuf_addch(&name, '-');
        for (const char *p = argv[i]; *p; p++)
            strbuf_addch(&name, *p == '-' ? '_' : *p);
        lens[n++] = name.len;
    }
    char *found = NULL;
    /* PARITY: kubectl tries the longest name first, dropping words from the end. */
    for (int k = n - 1; k >= 0 && !found; k--) {
        strbuf_setlen(&name, lens[k]);
        if (!strchr(name.buf + 8, '/'))
            found = path_lookup(name.buf);
    }
    strbuf_release(&name);
    return found;
}
