/*
 * applyin.h: gather the objects of `kubectl apply|diff -f ...`: files,
 * directories (their .json/.yaml/.yml files; subdirectories with -R), `-`
 * for standard input, and http(s) URLs, in kubectl's visiting order.
 */
#ifndef APPLYIN_H
#define APPLYIN_H

#include "base/ks.h"
#include "base/manifest.h"
#include "cmd/cliopt.h"

#include <stdbool.h>

struct applyin_opts {
    const struct cliopt_list *files; /* -f values, in order */
    bool recursive;                  /* -R */
    const char *kustomize;           /* -k DIR, or NULL */
    bool validate; /* kubectl's client-side document checks (apply's --validate) */
};

/*
 * Append every object to m, in order. A source that cannot be read or parsed
 * adds one line to errs (kubectl's wording) and the others are still read;
 * objects read from a stream before its bad document are kept.
 * Ownership: m and errs own what is appended.
 * With -k, the directory is rendered by the matched kubectl's `kustomize`
 * (this program run as `kubectl kustomize DIR`, which dispatch hands over),
 * and its objects name the directory as their source.
 * Errors: KS_EUSAGE when no -f or -k was given; KS_ENOTFOUND for a path that does
 * not exist (`the path "x" does not exist`): kubectl stops before applying
 * anything in that case.
 */
int applyin_load(struct manifest *m, struct cliopt_list *errs, const struct applyin_opts *o,
                 struct ks_err *e);

#endif
