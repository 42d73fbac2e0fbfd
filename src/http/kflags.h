/*
 * kflags.h: kubectl's global connection flags, found anywhere on a command
 * line (--context X, --context=X, -n X, -nX, -s URL, ...).
 *
 * This is the dispatcher's cheap path: parsing touches no file and no network.
 */
#ifndef KFLAGS_H
#define KFLAGS_H

#include "base/ks.h"

#include <stdbool.h>
#include <stddef.h>

/* The global flags; a NULL string means "not given on the command line". */
struct kflags {
    char *kubeconfig;
    char *context;
    char *cluster;
    char *user;
    char *server; /* -s, --server */
    char *token;
    char *username; /* --username (basic auth) */
    char *password;
    char *as;
    char *as_uid;
    char **as_groups; /* --as-group, repeatable; n_as_groups entries */
    size_t n_as_groups;
    char *certificate_authority;
    char *client_certificate;
    char *client_key;
    char *tls_server_name;
    int insecure_skip_tls_verify; /* -1 not given, 0 false, 1 true */
    char *request_timeout;        /* as given ("0", "5s", "1m30s", "10") */
    char *cache_dir;
    char *namespace_; /* -n, --namespace */
    int verbosity;    /* -v, --v; 0 when not given */
};

#define KFLAGS_INIT                                                                                \
    {                                                                                              \
        .insecure_skip_tls_verify = -1                                                             \
    }

/*
 * Collect the global flags from argv[1..argc-1]; other words and flags are
 * ignored. Everything after a bare "--" is ignored. The last occurrence of a
 * flag wins (kubectl's pflag rule), except --as-group, which accumulates.
 * Ownership: f owns its strings; release with kflags_release().
 * Errors: KS_EUSAGE for a value-taking flag at the end of argv
 * ("flag needs an argument: --context") or a malformed -v or
 * --insecure-skip-tls-verify value.
 */
int kflags_parse(struct kflags *f, int argc, char **argv, struct ks_err *e);

/*
 * Parse a --request-timeout value into milliseconds: "0" means no timeout
 * (0), a bare integer is seconds, else a Go duration ("1m30s", "500ms").
 * Errors: KS_EUSAGE with kubectl's text ("invalid timeout value. Timeout must be a single
 * integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)").
 */
int kflags_timeout_ms(long *out_ms, const char *value, struct ks_err *e);

void kflags_release(struct kflags *f);

#endif
