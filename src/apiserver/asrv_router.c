/*
 * asrv_router.c: the top of request handling. With --token every path but
 * /version, /healthz, /livez and /readyz needs the bearer token (as the
 * apiserver's system:public-info-viewer allows); faults are drawn before the
 * request is served; the store and catalog are used under the server lock.
 */
#include "apiserver/asrv_router.h"

#include "apiserver/asrv_discovery.h"
#include "apiserver/asrv_openapi.h"
#include "apiserver/asrv_rest.h"
#include "apiserver/asrv_status.h"
#include "base/gojson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool public_path(const char *p)
{
    static const char *const pub[] = {"/version", "/healthz", "/livez", "/readyz"};
    for (size_t i = 0; i < KS_ARRAY_SIZE(pub); i++) {
        size_t n = strlen(pub[i]);
        if (strncmp(p, pub[i], n) == 0 && (p[n] == '\0' || p[n] == '/'))
            return true;
    }
    return false;
}

static bool authorized(const struct asrv *s, const struct asrv_req *q)
{
    if (!s->opts.token || public_path(q->path))
        return true;
    const char *a = q->authorization;
    if (strncasecmp(a, "Bearer ", 7) != 0)
        return false;
    a += 7;
    while (*a == ' ')
        a++;
    return strcmp(a, s->opts.token) == 0;
}

static const char *reason_of(int code)
{
    switch (code) {
    case 400:
        return "BadRequest";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "NotFound";
    case 405:
        return "MethodNotAllowed";
    case 409:
        return "Conflict";
    case 410:
        return "Expired";
    case 422:
        return "Invalid";
    case 429:
        return "TooManyRequests";
    case 500:
        return "InternalError";
    case 503:
        return "ServiceUnavailable";
    case 504:
        return "Timeout";
    default:
        return "Unknown";
    }
}

/* Split the path into segments (in place in a copy). Caller frees *dup and the array. */
static char **split_path(const char *path, char **dup, size_t *n)
{
    *dup = ks_strdup(path);
    char **segs = ks_calloc(strlen(path) / 2 + 2, sizeof(char *));
    *n = 0;
    char *save = NULL;
    for (char *t = strtok_r(*dup, "/", &save); t; t = strtok_r(NULL, "/", &save))
        segs[(*n)++] = t;
    return segs;
}

/* Group and version of /api/v1/... or /apis/g/v/...; the index of the first segment after. */
static bool split_gv(char **segs, size_t n, const char **group, const char **version, size_t *rest)
{
    if (n >= 2 && strcmp(segs[0], "api") == 0) {
        *group = "";
        *version = segs[1];
        *rest = 2;
        return true;
    }
    if (n >= 3 && strcmp(segs[0], "apis") == 0) {
        *group = segs[1];
        *version = segs[2];
        *rest = 3;
        return true;
    }
    return false;
}

static void injected(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                     const struct asrv_fault_hit *hit)
{
    char *msg = hit->message ? ks_strdup(hit->message) : NULL;
    json_t *details = NULL;
    char *dup = NULL;
    size_t n = 0, rest = 0;
    char **segs = split_path(q->path, &dup, &n);
    const char *group, *version;
    pthread_mutex_lock(&s->mu);
    struct asrv_target t;
    struct asrv_resp scratch;
    asrv_resp_init(&scratch);
    if (split_gv(segs, n, &group, &version, &rest) && n > rest &&
        asrv_rest_target(&t, &s->cat, group, version, segs + rest, n - rest, &scratch)) {
        details = asrv_status_details(t.res, t.name ? t.name : "");
        /* PARITY: NewInvalid names the Kind, the other errors the resource */
        if (hit->status == 422)
            json_object_set_new(details, "kind", json_string(t.res->kind));
        if (!msg && hit->status == 409) {
            char *qn = asrv_catalog_qualified(t.res);
            msg = ks_asprintf("Operation cannot be fulfilled on %s \"%s\": the object has been "
                              "modified; please apply your changes to the latest version and try "
                              "again",
                              qn, t.name ? t.name : "");
            free(qn);
        }
        asrv_rest_target_release(&t);
    }
    pthread_mutex_unlock(&s->mu);
    asrv_resp_release(&scratch);
    if (!msg)
        msg = ks_asprintf("injected %d", hit->status);
    asrv_status_fail(r, hit->status, hit->reason ? hit->reason : reason_of(hit->status), msg,
                     details);
    free(msg);
    free(segs);
    free(dup);
}

static const char *control(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r)
{
    if (strcmp(q->path, "/_kubeshim/faults") != 0) {
        asrv_status_page_not_found(r);
        return "control";
    }
    if (strcmp(q->method, "POST") == 0 || strcmp(q->method, "PUT") == 0) {
        json_t *doc = NULL;
        struct ks_err e = KS_ERR_INIT;
        if (gojson_loads(&doc, q->body, q->body_len, &e) < 0 ||
            asrv_fault_load(&s->faults, doc, &e) < 0) {
            asrv_status_fail(r, 400, "BadRequest", e.msg, NULL);
            json_decref(doc);
            return "control";
        }
        json_decref(doc);
    } else if (strcmp(q->method, "DELETE") == 0) {
        json_t *empty = json_object();
        asrv_fault_load(&s->faults, empty, NULL);
        json_decref(empty);
    } else if (strcmp(q->method, "GET") != 0) {
        asrv_status_fail(r, 405, "MethodNotAllowed", "GET, POST or DELETE", NULL);
        return "control";
    }
    json_t *dump = asrv_fault_dump(&s->faults);
    asrv_status_json(r, 200, dump);
    json_decref(dump);
    return "control";
}

static const char *route(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r)
{
    const char *p = q->path;
    if (strcmp(p, "/version") == 0 || strcmp(p, "/version/") == 0) {
        asrv_status_json(r, 200, s->version);
        return "version";
    }
    if (public_path(p)) {
        asrv_resp_set(r, 200, "text/plain; charset=utf-8", "ok", 2);
        return "health";
    }
    if (strcmp(p, "/openapi/v2") == 0) {
        pthread_mutex_lock(&s->mu);
        asrv_openapi_v2(r, &s->openapi, &s->cat);
        pthread_mutex_unlock(&s->mu);
        return "openapi";
    }
    if (strcmp(p, "/openapi/v3") == 0 || strncmp(p, "/openapi/v3/", 12) == 0) {
        pthread_mutex_lock(&s->mu);
        if (p[11] == '\0')
            asrv_openapi_index(r, &s->openapi, &s->cat);
        else {
            char *hash = asrv_http_query(q, "hash");
            if (!asrv_openapi_doc(r, &s->openapi, &s->cat, p + 12, hash))
                asrv_status_page_not_found(r);
            free(hash);
        }
        pthread_mutex_unlock(&s->mu);
        return "openapi";
    }
    const char *agg = s->opts.legacy_discovery ? NULL : asrv_discovery_aggregated(q->accept);
    char host[64];
    snprintf(host, sizeof(host), "127.0.0.1:%d", s->port);
    char *dup = NULL;
    size_t n = 0, rest = 0;
    char **segs = split_path(p, &dup, &n);
    const char *group = NULL, *version = NULL, *cat = "other";
    pthread_mutex_lock(&s->mu);
    if (n == 1 && strcmp(segs[0], "api") == 0) {
        asrv_discovery_api(r, &s->cat, agg, host);
        cat = "discovery";
    } else if (n == 1 && strcmp(segs[0], "apis") == 0) {
        asrv_discovery_apis(r, &s->cat, agg);
        cat = "discovery";
    } else if (n == 2 && strcmp(segs[0], "apis") == 0) {
        if (!asrv_discovery_group(r, &s->cat, segs[1]))
            asrv_status_page_not_found(r);
        cat = "discovery";
    } else if (split_gv(segs, n, &group, &version, &rest) &&
               asrv_catalog_has_gv(&s->cat, group, version)) {
        if (n == rest) {
            asrv_discovery_gv(r, &s->cat, group, version);
            cat = "discovery";
        } else {
            struct asrv_target t;
            if (asrv_rest_target(&t, &s->cat, group, version, segs + rest, n - rest, r)) {
                asrv_rest_handle(s, q, r, &t);
                asrv_rest_target_release(&t);
            }
            cat = "resource";
        }
    } else {
        asrv_status_page_not_found(r);
    }
    pthread_mutex_unlock(&s->mu);
    free(segs);
    free(dup);
    return cat;
}

const char *asrv_router_handle(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r)
{
    if (!authorized(s, q)) {
        asrv_status_fail(r, 401, "Unauthorized", "Unauthorized", NULL);
        return "unauthorized";
    }
    if (strncmp(q->path, "/_kubeshim/", 11) == 0)
        return control(s, q, r);
    char *dry = asrv_http_query(q, "dryRun");
    bool dry_run = dry && strcmp(dry, "All") == 0;
    free(dry);
    struct asrv_fault_hit hit;
    if (asrv_fault_take(&s->faults, q->method, q->path, dry_run, &hit)) {
        const char *cat = "fault";
        if (hit.action == ASRV_FAULT_STATUS) {
            injected(s, q, r, &hit);
        } else if (hit.action == ASRV_FAULT_HANG) {
            r->reply = ASRV_REPLY_HANG;
        } else {
            cat = route(s, q, r);
            r->reply = ASRV_REPLY_DROP;
        }
        asrv_fault_hit_release(&hit);
        return cat;
    }
    return route(s, q, r);
}
