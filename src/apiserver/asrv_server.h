/*
 * asrv_server.h: the state of one kubeshim-apiserver: options, the object
 * store and resource catalog (under one lock), OpenAPI documents, faults,
 * the request log, TLS, and the shutdown signal.
 */
#ifndef ASRV_SERVER_H
#define ASRV_SERVER_H

#include "apiserver/asrv_catalog.h"
#include "apiserver/asrv_fault.h"
#include "apiserver/asrv_log.h"
#include "apiserver/asrv_openapi.h"
#include "apiserver/asrv_opts.h"
#include "apiserver/asrv_store.h"
#include "apiserver/asrv_watch.h"
#include "base/ks.h"

#include <jansson.h>
#include <openssl/ssl.h>
#include <pthread.h>

struct asrv {
    struct asrv_opts opts;
    pthread_mutex_t mu; /* store and catalog */
    struct asrv_store store;
    struct asrv_events events; /* for watches; under mu */
    struct asrv_catalog cat;
    struct asrv_openapi openapi;
    struct asrv_faults faults;
    struct asrv_log log;
    json_t *version; /* the /version document */
    SSL_CTX *tls;    /* NULL: plain HTTP */
    int port;
    int listen_fd;
    int stop_pipe[2]; /* readable once the server is stopping */
    double t0;        /* start time (monotonic seconds) */
};

/*
 * Set up everything but the listener: catalog, store (default namespaces and
 * --fixtures), OpenAPI, faults, log.
 * Errors: KS_EINPUT / KS_EUSAGE naming the option or file at fault.
 */
int asrv_server_init(struct asrv *s, const struct asrv_opts *o, struct ks_err *e);
void asrv_server_release(struct asrv *s);

/* Seconds since start. */
double asrv_server_elapsed(const struct asrv *s);
/* Now as RFC 3339 ("2006-01-02T15:04:05Z"). Writes 21 bytes. */
void asrv_server_now(char out[32]);
/* A random (version 4) UUID. */
void asrv_server_uuid(char out[37]);

#endif
