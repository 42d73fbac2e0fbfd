/*
 * asrv_opts.c: option table and parser of kubeshim-apiserver (each option a
 * row pointing at the field it fills), and the --help text.
 */
#include "apiserver/asrv_opts.h"

#include <stdlib.h>
#include <string.h>

enum kind { O_STR, O_INT, O_FLAG, O_FAULT };

struct opt {
    const char *name;
    int kind;
    size_t off;
    const char *arg, *help;
};

#define OFF(f) offsetof(struct asrv_opts, f)

static const struct opt opts[] = {
    {"--port", O_INT, OFF(port), "N", "listen on 127.0.0.1:N (default 0: a free port)"},
    {"--port-file", O_STR, OFF(port_file), "FILE", "write the port to FILE once listening"},
    {"--kubeconfig-out", O_STR, OFF(kubeconfig_out), "FILE",
     "write a kubeconfig for this server to FILE"},
    {"--namespace", O_STR, OFF(context_ns), "NS", "namespace of the kubeconfig context (default)"},
    {"--log", O_STR, OFF(log_file), "FILE", "append one JSON line per request to FILE"},
    {"--version", O_STR, OFF(version), "VER", "gitVersion served at /version (v1.33.1)"},
    {"--openapi-dir", O_STR, OFF(openapi_dir), "DIR",
     "serve OpenAPI v3 documents from DIR (api__v1_openapi.json, ...); others get a stub"},
    {"--serve-only", O_STR, OFF(serve_only), "GVS",
     "serve only these group-versions (comma-separated: v1,apps/v1,...); also the way to serve "
     "old ones: extensions/v1beta1, apps/v1beta1, apps/v1beta2, batch/v1beta1, "
     "networking.k8s.io/v1beta1, policy/v1beta1, autoscaling/v1, autoscaling/v2beta2, "
     "rbac.authorization.k8s.io/v1beta1, apiextensions.k8s.io/v1beta1"},
    {"--fixtures", O_STR, OFF(fixtures), "FILE", "load these objects (JSON or YAML) at start"},
    {"--tls", O_FLAG, OFF(tls), NULL, "serve HTTPS with a CA and certificate generated at start"},
    {"--cert-dir", O_STR, OFF(cert_dir), "DIR",
     "write ca.crt, server.crt and server.key to DIR (default: the kubeconfig's directory)"},
    {"--token", O_STR, OFF(token), "TOKEN", "require \"Authorization: Bearer TOKEN\""},
    {"--discovery-legacy", O_FLAG, OFF(legacy_discovery), NULL,
     "answer legacy discovery even when aggregated discovery is asked for"},
    {"--no-defaulting", O_FLAG, OFF(no_defaulting), NULL, "store objects without defaults"},
    {"--conflicts", O_INT, OFF(conflicts), "N", "answer the first N PATCHes with 409 Conflict"},
    {"--latency-ms", O_INT, OFF(latency_ms), "MS", "delay every reply by MS milliseconds"},
    {"--fault", O_FAULT, 0, "SPEC",
     "\"METHOD PATH_REGEX STATUS[xN]\": answer N matching requests (default 1) with STATUS, or "
     "with drop (close mid-reply) or hang (never reply); METHOD or PATH_REGEX * for any"},
    {"--help", O_FLAG, OFF(help), NULL, "print this help"},
};

void asrv_opts_usage(FILE *f)
{
    fputs("usage: kubeshim-apiserver [options]\n\n"
          "A small in-memory Kubernetes API server on 127.0.0.1 for demos and tests.\n"
          "SIGTERM or SIGINT stops it cleanly.\n\noptions:\n",
          f);
    for (size_t i = 0; i < KS_ARRAY_SIZE(opts); i++) {
        char left[64];
        snprintf(left, sizeof(left), "%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        fprintf(f, "  %-24s %s\n", left, opts[i].help);
    }
    fputs("\nfault control at run time:\n"
          "  POST /_kubeshim/faults  "
          "{\"latencyMs\":N,\"conflicts\":N,\"rules\":[{\"method\":\"PATCH\","
          "\"path\":\"regex\",\"status\":500,\"times\":2}]}\n"
          "                          (or \"action\":\"drop\"|\"hang\"); GET shows the rules and "
          "hits,\n"
          "                          DELETE clears them\n",
          f);
}

int asrv_opts_parse(struct asrv_opts *o, int argc, char **argv, struct ks_err *e)
{
    memset(o, 0, sizeof(*o));
    o->context_ns = "default";
    o->version = "v1.33.1";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        const struct opt *op = NULL;
        for (size_t k = 0; k < KS_ARRAY_SIZE(opts) && !op; k++)
            if (strlen(opts[k].name) == nl && strncmp(opts[k].name, a, nl) == 0)
                op = &opts[k];
        if (!op && strcmp(a, "-h") == 0)
            op = &opts[KS_ARRAY_SIZE(opts) - 1];
        if (!op)
            return ks_fail(e, KS_EUSAGE, "unknown option \"%s\" (see --help)", a);
        if (op->kind != O_FLAG) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return ks_fail(e, KS_EUSAGE, "option \"%s\" needs a value", op->name);
        } else if (eq) {
            return ks_fail(e, KS_EUSAGE, "option \"%s\" takes no value", op->name);
        }
        char *base = (char *)o;
        switch (op->kind) {
        case O_STR:
            *(const char **)(base + op->off) = val;
            break;
        case O_INT: {
            char *end = NULL;
            long n = strtol(val, &end, 10);
            if (!*val || *end || n < 0 || n > 1000000)
                return ks_fail(e, KS_EUSAGE, "option \"%s\": bad number \"%s\"", op->name, val);
            *(int *)(base + op->off) = (int)n;
            break;
        }
        case O_FLAG:
            *(bool *)(base + op->off) = true;
            break;
        case O_FAULT:
            o->faults = ks_realloc(o->faults, (o->nfaults + 1) * sizeof(char *));
            o->faults[o->nfaults++] = val;
            break;
        }
    }
    if (o->port > 65535)
        return ks_fail(e, KS_EUSAGE, "option \"--port\": %d is not a port", o->port);
    return 0;
}
