/*
 * asrv_watch.c: the watch protocol of kube-apiserver over HTTP/1.1: a
 * chunked 200 response, one JSON event per line ({"type": ..., "object":
 * ...}), starting with the current state as ADDED events when no
 * resourceVersion (or "0") was given, ending after timeoutSeconds. Events
 * older than the ring answer an ERROR event with a 410 Expired Status.
 */
#include "apiserver/asrv_watch.h"

#include "base/gojson.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void asrv_watch_init(struct asrv_events *ev)
{
    memset(ev, 0, sizeof(*ev));
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&ev->cv, &a);
    pthread_condattr_destroy(&a);
}

void asrv_watch_release(struct asrv_events *ev)
{
    for (size_t i = 0; i < ev->n; i++) {
        struct asrv_event *e = &ev->ring[(ev->start + i) % ASRV_WATCH_RING];
        free(e->key);
        json_decref(e->obj);
    }
    pthread_cond_destroy(&ev->cv);
}

void asrv_watch_record(struct asrv_events *ev, const char *type, const char *key, json_t *obj,
                       long long rv)
{
    if (ev->n == ASRV_WATCH_RING) {
        struct asrv_event *old = &ev->ring[ev->start];
        free(old->key);
        json_decref(old->obj);
        ev->start = (ev->start + 1) % ASRV_WATCH_RING;
        ev->n--;
        ev->first_rv = ev->ring[ev->start].rv;
    }
    struct asrv_event *e = &ev->ring[(ev->start + ev->n) % ASRV_WATCH_RING];
    e->rv = rv;
    e->type = type;
    e->key = ks_strdup(key);
    e->obj = json_incref(obj);
    ev->n++;
    pthread_cond_broadcast(&ev->cv);
}

void asrv_watch_stop(struct asrv_events *ev)
{
    ev->stopping = true;
    pthread_cond_broadcast(&ev->cv);
}

void asrv_watch_req_free(struct asrv_watch_req *w)
{
    if (!w)
        return;
    free(w->prefix);
    free(w->gv);
    asrv_select_free(w->sel);
    json_decref(w->initial);
    free(w);
}

static int send_event(struct asrv_conn *c, const char *type, const json_t *obj, const char *gv)
{
    json_t *view = json_copy((json_t *)obj);
    if (gv)
        json_object_set_new(view, "apiVersion", json_string(gv));
    json_t *ev = json_pack("{s:s,s:o}", "type", type, "object", view);
    struct strbuf sb = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    gojson_write(&sb, ev, &e);
    strbuf_addch(&sb, '\n');
    int rc = asrv_http_write_chunk(c, sb.buf, sb.len);
    strbuf_release(&sb);
    json_decref(ev);
    return rc;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void asrv_watch_serve(struct asrv_events *ev, pthread_mutex_t *mu, struct asrv_conn *c,
                      struct asrv_watch_req *w)
{
    if (asrv_http_write_head(c, 200, "application/json") < 0)
        return;
    for (size_t i = 0; i < json_array_size(w->initial); i++)
        if (send_event(c, "ADDED", json_array_get(w->initial, i), w->gv) < 0)
            return;
    double deadline = mono() + w->timeout;
    long long last = w->since;
    size_t plen = strlen(w->prefix);
    for (;;) {
        json_t *batch = json_array();
        bool expired = false, done = false;
        pthread_mutex_lock(mu);
        for (;;) {
            expired = ev->first_rv && last < ev->first_rv - 1;
            bool fresh = ev->n && ev->ring[(ev->start + ev->n - 1) % ASRV_WATCH_RING].rv > last;
            if (expired || fresh || ev->stopping || mono() >= deadline)
                break;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += 200 * 1000000L;
            if (ts.tv_nsec >= 1000000000L)
                ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&ev->cv, mu, &ts);
        }
        for (size_t i = 0; i < ev->n && !expired; i++) {
            const struct asrv_event *e = &ev->ring[(ev->start + i) % ASRV_WATCH_RING];
            if (e->rv <= last)
                continue;
            last = e->rv;
            if (strncmp(e->key, w->prefix, plen) == 0 && asrv_select_match(w->sel, e->obj))
                json_array_append_new(batch, json_pack("{s:s,s:O}", "type", e->type, "o", e->obj));
        }
        done = ev->stopping || mono() >= deadline;
        pthread_mutex_unlock(mu);
        int bad = 0;
        for (size_t i = 0; i < json_array_size(batch) && !bad; i++) {
            const json_t *b = json_array_get(batch, i);
            bad = send_event(c, json_string_value(json_object_get(b, "type")),
                             json_object_get(b, "o"), w->gv) < 0;
        }
        json_decref(batch);
        if (expired) {
            char *msg =
                ks_asprintf("too old resource version: %lld (%lld)", w->since, ev->first_rv - 1);
            json_t *st = json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status", "apiVersion",
                                   "v1", "metadata", "status", "Failure", "message", msg, "reason",
                                   "Expired", "code", 410);
            send_event(c, "ERROR", st, NULL);
            json_decref(st);
            free(msg);
            done = true;
        }
        if (bad || done)
            break;
    }
    asrv_http_write_chunk(c, NULL, 0);
}
