/*
 * argv.c: kubectl's global flags and where the command word stands.
 * PARITY: kubectl's persistent flags (cli-runtime ConfigFlags plus klog's -v).
 */
#include "dispatch/argv.h"

#include <string.h>

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
