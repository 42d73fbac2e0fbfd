/*
 * asrv_watch.h: watches (GET ...?watch=true): a ring of recent store events
 * (ADDED, MODIFIED, DELETED with their resourceVersion) that writers append
 * to, and the chunked event stream a watching connection receives.
 */
#ifndef ASRV_WATCH_H
#define ASRV_WATCH_H

#include "apiserver/asrv_http.h"
#include "apiserver/asrv_select.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#define ASRV_WATCH_RING 4096

struct asrv_event {
    long long rv;
    const char *type; /* "ADDED", "MODIFIED", "DELETED" (static) */
    char *key;        /* the store key */
    json_t *obj;      /* the object as stored (a reference) */
};

struct asrv_events {
    struct asrv_event ring[ASRV_WATCH_RING];
    size_t start, n;    /* oldest slot and count */
    long long first_rv; /* events before this one may have been lost (0: none lost) */
    pthread_cond_t cv;  /* signalled on every event and on stop; used with the server lock */
    bool stopping;
};

/* One watch request, prepared under the server lock. */
struct asrv_watch_req {
    char *prefix; /* store key prefix: "<group>/<resource>/[<ns>/]" */
    char *gv;     /* apiVersion of the objects sent */
    struct asrv_select *sel;
    long long since; /* send events after this resourceVersion */
    double timeout;  /* seconds */
    json_t *initial; /* events to send first (ADDED for the current state), an array */
};

void asrv_watch_init(struct asrv_events *ev);
void asrv_watch_release(struct asrv_events *ev);

/* Record an event (the caller holds the server lock). Ownership: obj borrowed. */
void asrv_watch_record(struct asrv_events *ev, const char *type, const char *key, json_t *obj,
                       long long rv);

/* Wake every watcher for shutdown (the caller holds the server lock). */
void asrv_watch_stop(struct asrv_events *ev);

void asrv_watch_req_free(struct asrv_watch_req *w);

/*
 * Stream the events of w over c until its timeout, a write error, or stop.
 * mu is the server lock (not held by the caller).
 */
void asrv_watch_serve(struct asrv_events *ev, pthread_mutex_t *mu, struct asrv_conn *c,
                      struct asrv_watch_req *w);

#endif
