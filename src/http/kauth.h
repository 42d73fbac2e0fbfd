/*
 * kauth.h: the credentials of one connection: a bearer token (inline or a
 * tokenFile re-read as client-go re-reads it), basic auth, client
 * certificates, and exec credential plugins, run at most once per command.
 */
#ifndef KAUTH_H
#define KAUTH_H

#include "base/ks.h"
#include "http/kubeconfig.h"

#include <stddef.h>

struct kauth;

/* Ownership: conn is borrowed and must outlive a; free a with kauth_free(). */
struct kauth *kauth_new(const struct kconn *conn);

void kauth_free(struct kauth *a);

/*
 * The value of the Authorization header ("Bearer ...", "Basic ..."), or
 * NULL in *out when the connection sends none. Runs the exec plugin the
 * first time it is needed (and again only when its credential has expired).
 * Ownership: *out is borrowed from a (valid until the next call).
 * Errors: KS_EINPUT for an unreadable token file or a failing plugin, with
 * client-go's wording ("getting credentials: exec: executable x failed with exit code 1").
 */
int kauth_header(const char **out, struct kauth *a, struct ks_err *e);

/*
 * Client certificate and key from the exec plugin (PEM), or NULL. Runs the
 * plugin when the connection has one and it has not run yet.
 * Ownership: borrowed from a.
 */
int kauth_exec_cert(const char **cert, size_t *cert_len, const char **key, size_t *key_len,
                    struct kauth *a, struct ks_err *e);

/* How many times the exec plugin has run (tests: at most once per command). */
unsigned kauth_exec_runs(const struct kauth *a);

#endif
