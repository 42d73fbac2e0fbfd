/*
 * asrv_log.c: JSON-lines request log, written under a mutex and flushed per
 * line so that a test can read it while the server runs. The Authorization
 * credential is never written, only its scheme.
 */
#include "apiserver/asrv_log.h"

#include "base/gojson.h"

#include <stdlib.h>
#include <string.h>

int asrv_log_open(struct asrv_log *l, const char *path, struct ks_err *e)
{
    memset(l, 0, sizeof(*l));
    pthread_mutex_init(&l->mu, NULL);
    if (!path)
        return 0;
    l->f = fopen(path, "a");
    if (!l->f)
        return ks_fail(e, KS_EINPUT, "--log \"%s\": cannot open for writing", path);
    return 0;
}

void asrv_log_close(struct asrv_log *l)
{
    if (l->f)
        fclose(l->f);
    l->f = NULL;
    pthread_mutex_destroy(&l->mu);
}

static json_t *text(const char *s, size_t n)
{
    size_t outlen = 0;
    char *fixed = gojson_fix_utf8(s, n, &outlen);
    json_t *v = json_stringn(fixed, outlen);
    free(fixed);
    return v ? v : json_string("");
}

void asrv_log_write(struct asrv_log *l, double t, const struct asrv_req *q,
                    const struct asrv_resp *r, const char *category)
{
    if (!l->f)
        return;
    json_t *o = json_object();
    json_object_set_new(o, "t", json_real(t));
    json_object_set_new(o, "method", json_string(q->method));
    json_object_set_new(o, "path", text(q->path, strlen(q->path)));
    json_object_set_new(o, "query", text(q->query, strlen(q->query)));
    json_object_set_new(o, "accept", text(q->accept, strlen(q->accept)));
    json_object_set_new(o, "content_type", text(q->content_type, strlen(q->content_type)));
    json_object_set_new(o, "user_agent", text(q->user_agent, strlen(q->user_agent)));
    const char *sp = strchr(q->authorization, ' ');
    if (*q->authorization)
        json_object_set_new(o, "auth",
                            json_stringn(q->authorization, sp ? (size_t)(sp - q->authorization)
                                                              : strlen(q->authorization)));
    json_object_set_new(o, "body", text(q->body, q->body_len));
    json_object_set_new(o, "category", json_string(category));
    json_object_set_new(o, "status", r ? json_integer(r->status) : json_null());
    if (r) {
        json_object_set_new(o, "response_content_type", json_string(r->content_type));
        if (strcmp(category, "resource") == 0 || strcmp(category, "fault") == 0)
            json_object_set_new(o, "response_body", text(strbuf_str(&r->body), r->body.len));
    }
    pthread_mutex_lock(&l->mu);
    json_object_set_new(o, "seq", json_integer(++l->seq));
    char *line = gojson_dumps(o);
    if (line) {
        fputs(line, l->f);
        fputc('\n', l->f);
        fflush(l->f);
    }
    pthread_mutex_unlock(&l->mu);
    free(line);
    json_decref(o);
}
