/*
 * apiserver_load.c: a small HTTP/1.1 load generator for kubeshim-apiserver:
 * C connections with keep-alive, each sending requests back to back for S
 * seconds from a mix of GET (one object), LIST (a label selector) and PATCH
 * (merge patch), then the request rate, status counts and latency
 * percentiles. Also seeds the store with N ConfigMaps.
 *
 * usage: apiserver_load PORT seed N
 *        apiserver_load PORT run N CONNECTIONS SECONDS [LIST% [PATCH%]]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, nobj, list_pct, patch_pct;
static double seconds;

struct worker {
    pthread_t th;
    int id;
    long done, ok, errors;
    double *lat; /* milliseconds */
    long nlat, alat;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* Send one request and read the whole response; returns the status or -1. */
static int roundtrip(int fd, const char *req, size_t n, char *buf, size_t cap)
{
    if (write(fd, req, n) != (ssize_t)n)
        return -1;
    size_t have = 0;
    long body = -1;
    size_t hdr = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, cap - have - 1);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        if (body < 0) {
            char *end = strstr(buf, "\r\n\r\n");
            if (!end)
                continue;
            hdr = (size_t)(end - buf) + 4;
            char *cl = strcasestr(buf, "Content-Length:");
            body = cl ? strtol(cl + 15, NULL, 10) : 0;
        }
        if (have >= hdr + (size_t)body) {
            if (have > hdr + (size_t)body)
                return -1; /* pipelining is not used: extra bytes are an error */
            return atoi(buf + 9);
        }
        if (have + 1 >= cap)
            return -1;
    }
}

static void *work(void *arg)
{
    struct worker *w = arg;
    size_t cap = 8 << 20;
    char *buf = malloc(cap), req[1024], body[128];
    unsigned seed = (unsigned)w->id * 7919u + 1;
    int fd = dial();
    double end = now() + seconds;
    while (fd >= 0 && now() < end) {
        int pick = (int)(rand_r(&seed) % 100), obj = (int)(rand_r(&seed) % (unsigned)nobj);
        int n;
        if (pick < list_pct) {
            n = snprintf(req, sizeof(req),
                         "GET /api/v1/namespaces/default/configmaps?labelSelector=shard%%3D%d "
                         "HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n",
                         obj % 100);
        } else if (pick < list_pct + patch_pct) {
            int bl = snprintf(body, sizeof(body), "{\"data\":{\"n\":\"%d\"}}", rand_r(&seed));
            n = snprintf(req, sizeof(req),
                         "PATCH /api/v1/namespaces/default/configmaps/cm-%d HTTP/1.1\r\nHost: "
                         "x\r\nContent-Type: application/merge-patch+json\r\nContent-Length: "
                         "%d\r\n\r\n%s",
                         obj, bl, body);
        } else {
            n = snprintf(req, sizeof(req),
                         "GET /api/v1/namespaces/default/configmaps/cm-%d HTTP/1.1\r\nHost: "
                         "x\r\nAccept: application/json\r\n\r\n",
                         obj);
        }
        double t0 = now();
        int st = roundtrip(fd, req, (size_t)n, buf, cap);
        double ms = (now() - t0) * 1000;
        w->done++;
        if (st == 200)
            w->ok++;
        else
            w->errors++;
        if (st < 0) {
            close(fd);
            fd = dial();
        }
        if (w->nlat == w->alat) {
            w->alat = w->alat ? w->alat * 2 : 4096;
            w->lat = realloc(w->lat, (size_t)w->alat * sizeof(double));
        }
        w->lat[w->nlat++] = ms;
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int seed_store(void)
{
    int fd = dial();
    if (fd < 0)
        return 1;
    char req[1024], body[512], buf[65536];
    for (int i = 0; i < nobj; i++) {
        int bl = snprintf(body, sizeof(body),
                          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                          "\"cm-%d\",\"labels\":{\"shard\":\"%d\",\"app\":\"bench\"}},\"data\":{"
                          "\"n\":\"%d\",\"payload\":\"0123456789abcdef0123456789abcdef\"}}",
                          i, i % 100, i);
        int n = snprintf(req, sizeof(req),
                         "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: "
                         "x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                         bl, body);
        int st = roundtrip(fd, req, (size_t)n, buf, sizeof(buf));
        if (st != 201 && st != 409) {
            fprintf(stderr, "seed: cm-%d: status %d\n", i, st);
            close(fd);
            return 1;
        }
    }
    close(fd);
    printf("seeded %d ConfigMaps\n", nobj);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: apiserver_load PORT seed N | PORT run N CONNS SECONDS [LIST%% "
                        "[PATCH%%]]\n");
        return 2;
    }
    port = atoi(argv[1]);
    nobj = atoi(argv[3]);
    if (nobj <= 0)
        nobj = 1;
    if (strcmp(argv[2], "seed") == 0)
        return seed_store();
    if (argc < 6)
        return 2;
    int conns = atoi(argv[4]);
    seconds = atof(argv[5]);
    list_pct = argc > 6 ? atoi(argv[6]) : 0;
    patch_pct = argc > 7 ? atoi(argv[7]) : 0;
    struct worker *w = calloc((size_t)conns, sizeof(*w));
    double t0 = now();
    for (int i = 0; i < conns; i++) {
        w[i].id = i;
        pthread_create(&w[i].th, NULL, work, &w[i]);
    }
    long done = 0, ok = 0, errors = 0, nlat = 0;
    for (int i = 0; i < conns; i++) {
        pthread_join(w[i].th, NULL);
        done += w[i].done;
        ok += w[i].ok;
        errors += w[i].errors;
        nlat += w[i].nlat;
    }
    double el = now() - t0;
    double *all = malloc((size_t)(nlat ? nlat : 1) * sizeof(double));
    long k = 0;
    for (int i = 0; i < conns; i++) {
        memcpy(all + k, w[i].lat, (size_t)w[i].nlat * sizeof(double));
        k += w[i].nlat;
        free(w[i].lat);
    }
    qsort(all, (size_t)nlat, sizeof(double), dcmp);
    printf("%ld requests in %.2f s with %d connections (%d%% LIST, %d%% PATCH): %.0f req/s, "
           "%ld non-200; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f\n",
           done, el, conns, list_pct, patch_pct, done / el, errors + (done - ok - errors),
           nlat ? all[nlat / 2] : 0, nlat ? all[nlat * 9 / 10] : 0, nlat ? all[nlat * 99 / 100] : 0,
           nlat ? all[nlat - 1] : 0);
    free(all);
    free(w);
    return errors ? 1 : 0;
}
