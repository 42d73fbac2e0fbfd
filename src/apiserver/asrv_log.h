/*
 * asrv_log.h: the request log of kubeshim-apiserver: one JSON object per
 * line (seq, t, method, path, query, accept, content_type, user_agent,
 * body, status, response_content_type, response_body for resources).
 */
#ifndef ASRV_LOG_H
#define ASRV_LOG_H

#include "apiserver/asrv_http.h"
#include "base/ks.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

struct asrv_log {
    FILE *f; /* NULL: no log */
    pthread_mutex_t mu;
    long seq;
};

/* Errors: KS_EINPUT when path cannot be opened. path NULL: no log. */
int asrv_log_open(struct asrv_log *l, const char *path, struct ks_err *e);
void asrv_log_close(struct asrv_log *l);

/*
 * Log one exchange (r NULL: no reply was sent, e.g. a hanging fault). t is
 * seconds since start. resource: add the response body.
 */
void asrv_log_write(struct asrv_log *l, double t, const struct asrv_req *q,
                    const struct asrv_resp *r, const char *category);

#endif
