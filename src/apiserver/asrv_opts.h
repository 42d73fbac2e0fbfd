/*
 * asrv_opts.h: the command line of kubeshim-apiserver.
 */
#ifndef ASRV_OPTS_H
#define ASRV_OPTS_H

#include "base/ks.h"

#include <stdbool.h>
#include <stdio.h>

struct asrv_opts {
    int port;                   /* 0: a free port */
    const char *port_file;      /* write the port here once listening */
    const char *kubeconfig_out; /* write a kubeconfig here */
    const char *context_ns;     /* the kubeconfig context's namespace */
    const char *log_file;
    const char *version;     /* gitVersion of /version, e.g. v1.33.1 */
    const char *openapi_dir; /* OpenAPI v3 documents */
    const char *serve_only;  /* comma-separated group-versions */
    const char *fixtures;    /* objects to load at start (JSON or YAML stream) */
    const char *token;       /* require this bearer token */
    const char *cert_dir;    /* where the generated CA and certificate go */
    const char **faults;     /* --fault specs */
    size_t nfaults;
    int conflicts;  /* the first N PATCHes get 409 */
    int latency_ms; /* added to every reply */
    bool tls;
    bool legacy_discovery;
    bool no_defaulting;
    bool help;
};

/*
 * Parse argv. Ownership: o borrows argv's strings; free o->faults.
 * Errors: KS_EUSAGE with a one-line message.
 */
int asrv_opts_parse(struct asrv_opts *o, int argc, char **argv, struct ks_err *e);
void asrv_opts_usage(FILE *f);

#endif
