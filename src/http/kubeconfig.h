/*
 * kubeconfig.h: load and merge kubeconfig files and resolve the context,
 * cluster and user that a command line selects, with kubectl's rules.
 *
 * PARITY: client-go tools/clientcmd (loader.go merge rules, client_config.go
 * overrides and defaults), kubectl's error texts for missing files and contexts.
 */
#ifndef KUBECONFIG_H
#define KUBECONFIG_H

#include "base/ks.h"
#include "http/kflags.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The merged configuration. Each file is read exactly once (a process
 * substitution such as --kubeconfig=<(...) works), its bytes kept in raw[]
 * (e.g. for handing a piped kubeconfig on to a kubectl through a memfd).
 */
struct kubeconfig {
    json_t *merged; /* {clusters:{name:obj}, users:{name:obj}, contexts:{name:obj},
                       "current-context": str, preferences: obj} (maps keyed by name) */
    char **paths;   /* files that were read, in precedence order */
    char **raw;     /* raw[i]: the bytes read from paths[i] (NUL-terminated), raw_len[i] long */
    size_t *raw_len;
    size_t n_paths;
    bool from_default; /* no --kubeconfig, no KUBECONFIG: ~/.kube/config (may be absent) */
    int verbosity;     /* -v: at 6 and above each file read is logged as kubectl logs it */
};

/*
 * The connection one command uses: everything needed to reach the cluster.
 * Strings are owned (NULL = unset). *_data fields are the decoded bytes of
 * the *-data fields (never written to a temp file).
 */
struct kconn {
    char *server;       /* "https://host:port[/prefix]" without a trailing slash */
    char *context_name; /* may be NULL when no context is selected */
    char *cluster_name;
    char *user_name;
    char *namespace_; /* effective namespace: -n, else the context's, else "default" */
    bool namespace_from_flag;
    /* TLS */
    bool insecure;
    char *tls_server_name;
    char *ca_file;
    unsigned char *ca_data;
    size_t ca_len;
    char *cert_file;
    unsigned char *cert_data;
    size_t cert_len;
    char *key_file;
    unsigned char *key_data;
    size_t key_len;
    /* credentials */
    char *token;
    char *token_file;
    char *username;
    char *password;
    json_t *exec;      /* the user's "exec" stanza (owned), or NULL */
    bool prompt_basic; /* https and no way to identify the user: kubectl prompts for basic
                          auth on stdin before its first request (kprompt.h) */
    json_t *cluster;   /* the resolved cluster object (owned; for provideClusterInfo) */
    char *proxy_url;   /* the cluster's proxy-url, or NULL: HTTPS_PROXY/NO_PROXY then apply */
    /* impersonation */
    char *as;
    char *as_uid;
    char **as_groups;
    size_t n_as_groups;
    /* transport */
    long timeout_ms; /* --request-timeout, 0 = none */
    char *cache_dir; /* --cache-dir, else $HOME/.kube/cache */
    int verbosity;
};

/*
 * Read the kubeconfig files that flags/env select: --kubeconfig (must exist),
 * else every file of $KUBECONFIG (':'-separated; missing ones skipped, empty
 * entries skipped, duplicates read once), else ~/.kube/config (may be absent).
 * Merge: for clusters/users/contexts the first file that defines a name wins;
 * current-context comes from the first file that sets one.
 * Ownership: kc owns everything; kubeconfig_release() frees it.
 * Errors: KS_EINPUT with kubectl's text, e.g.
 *   "stat /x: no such file or directory" (--kubeconfig missing),
 *   "error loading config file \"/x\": yaml: line 3: ..." (broken file).
 */
int kubeconfig_load(struct kubeconfig *kc, const struct kflags *f, struct ks_err *e);

/*
 * Resolve the connection: context (--context, else current-context), then
 * cluster and user (--cluster/--user override the context's), then flags
 * (-s, --token, --certificate-authority, ...) over the kubeconfig values.
 * Relative file paths are resolved against the directory of the file that
 * defined the stanza. With no server at all: "http://localhost:8080".
 * Ownership: out owns its fields; release with kubeconfig_conn_release().
 * Errors: KS_EINPUT with kubectl's text (e.g. "context was not found for specified
 *   context: foo", "cluster has no server defined", "error: ...").
 */
int kubeconfig_resolve(struct kconn *out, const struct kubeconfig *kc, const struct kflags *f,
                       struct ks_err *e);

/* Convenience for callers: kflags -> loaded -> resolved in one call. */
int kubeconfig_conn_from_flags(struct kconn *out, const struct kflags *f, struct ks_err *e);

/*
 * How an edge prints a kubeconfig error: kubectl prints "Error in configuration: ..."
 * as it is and everything else after "error: ". Returns "" or "error: ".
 */
const char *kubeconfig_err_prefix(const struct ks_err *e);

void kubeconfig_release(struct kubeconfig *kc);
void kubeconfig_conn_release(struct kconn *c);

#endif
