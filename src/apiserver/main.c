/*
 * main.c: kubeshim-apiserver, a small in-memory Kubernetes API server on
 * 127.0.0.1 for the demo and the end-to-end tests: parse options, set up
 * the state, listen, write the port and kubeconfig files, serve until
 * SIGTERM or SIGINT, then stop cleanly.
 */
#include "apiserver/asrv_net.h"
#include "apiserver/asrv_opts.h"
#include "apiserver/asrv_server.h"
#include "apiserver/asrv_tls.h"
#include "base/ks.h"

#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct asrv server;

static void on_signal(int sig)
{
    (void)sig;
    asrv_net_stop(&server);
}

static int write_port(const char *path, int port, struct ks_err *e)
{
    char *tmp = ks_asprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = 0;
    if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
        rc = ks_fail(e, KS_EINPUT, "--port-file \"%s\": cannot write", path);
    free(tmp);
    return rc;
}

int main(int argc, char **argv)
{
    ks_alloc_install();
    struct asrv_opts o;
    struct ks_err e = KS_ERR_INIT;
    char *ca_pem = NULL, *dir_copy = NULL;
    int rc = asrv_opts_parse(&o, argc, argv, &e);
    if (rc < 0) {
        fprintf(stderr, "kubeshim-apiserver: %s\n", e.msg);
        free(o.faults);
        return 2;
    }
    if (o.help) {
        asrv_opts_usage(stdout);
        free(o.faults);
        return 0;
    }
    signal(SIGPIPE, SIG_IGN);
    rc = asrv_server_init(&server, &o, &e);
    if (rc == 0)
        rc = asrv_net_listen(&server, &e);
    if (rc == 0 && o.tls) {
        const char *dir = o.cert_dir;
        if (!dir && o.kubeconfig_out) {
            dir_copy = ks_strdup(o.kubeconfig_out);
            dir = dirname(dir_copy);
        }
        rc = asrv_tls_setup(&server, dir ? dir : ".", &ca_pem, &e);
    }
    if (rc == 0 && o.kubeconfig_out)
        rc = asrv_tls_kubeconfig(&server, o.kubeconfig_out, ca_pem, &e);
    if (rc == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
    }
    if (rc == 0 && o.port_file)
        rc = write_port(o.port_file, server.port, &e);
    if (rc == 0) {
        fprintf(stderr, "kubeshim-apiserver: listening on %s://127.0.0.1:%d\n",
                o.tls ? "https" : "http", server.port);
        rc = asrv_net_run(&server, &e);
    }
    if (rc < 0)
        fprintf(stderr, "kubeshim-apiserver: %s\n", e.msg);
    else
        fprintf(stderr, "kubeshim-apiserver: stopped\n");
    asrv_server_release(&server);
    free(ca_pem);
    free(dir_copy);
    free(o.faults);
    return rc < 0 ? 1 : 0;
}
