/*
 * kcview.h: `kubectl config view --minify --raw` of a loaded kubeconfig.
 */
#ifndef KCVIEW_H
#define KCVIEW_H

#include "base/ks.h"
#include "http/kflags.h"
#include "http/kubeconfig.h"

#include <jansson.h>

/*
 * The minified configuration exactly as `kubectl config view --minify --raw -o json`
 * would print it: one cluster, one user, one context, current-context.
 * Flags are applied as kubectl applies them to `config view`.
 * Ownership: *out gets a new reference.
 */
int kcview_minify(json_t **out, const struct kubeconfig *kc, const struct kflags *f,
                  struct ks_err *e);

#endif
