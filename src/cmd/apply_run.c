/*
 * apply_run.c: runs the objects of one apply or diff over the asynchronous
 * client: a bounded number in flight, output in input order, and kubectl's
 * wording for per-object errors (cmdutil.AddSourceToErr, StandardErrorMessage).
 */
#include "cmd/apply.h"

#include "base/gojson.h"
#include "http/kstatus.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void start_more(struct apply_session *s)
{
    while (s->next < s->n && s->active < s->limit && !s->stopped) {
        struct aobj *a = &s->objs[s->next++];
        if (a->done || a->deferred)
            continue;
        if (a->failed) {
            /* failed while preparing: nothing to send */
            a->done = true;
            continue;
        }
        s->active++;
        apply_obj_unpark(a);
        s->start(a);
    }
}

static void flush(struct apply_session *s)
{
    while (s->flushed < s->n && !s->objs[s->flushed].deferred &&
           (s->objs[s->flushed].done || s->objs[s->flushed].failed)) {
        struct aobj *a = &s->objs[s->flushed++];
        for (size_t i = 0; i < a->warnings.n; i++)
            fprintf(s->err, "%s\n", a->warnings.v[i]);
        if (a->op && !a->failed)
            fprintf(s->out, "%s\n", a->op);
    }
    fflush(s->out);
    fflush(s->err);
}

void apply_obj_done(struct aobj *a)
{
    struct apply_session *s = a->s;
    a->done = true;
    if (s->active)
        s->active--;
    if (a->failed && s->stop_on_error)
        s->stopped = true;
    /* PARITY: MarkObjectVisited records the uid of what the server returned. */
    const json_t *seen = a->result ? a->result : a->live;
    const char *uid = json_string_value(json_object_get(json_object_get(seen, "metadata"), "uid"));
    if (uid && !a->uid)
        a->uid = ks_strdup(uid);
    if (!a->failed && s->finished)
        s->finished(a);
    if (!s->keep_results) {
        /* Nothing reads them again: 400 objects need not hold 400 live copies. */
        json_decref(a->live);
        json_decref(a->result);
        a->live = a->result = NULL;
    }
    free(a->patch_body); /* no retry is due */
    a->patch_body = NULL;
    apply_obj_park(a);
    flush(s);
    start_more(s);
    flush(s);
}

int apply_run(struct apply_session *s, struct ks_err *e)
{
    s->next = 0;
    if (s->limit == 0)
        s->limit = 1;
    start_more(s);
    flush(s);
    int rc = kclient_run(s->client, e);
    flush(s);
    return rc;
}

void apply_obj_error(struct aobj *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ks_vasprintf(fmt, ap);
    va_end(ap);
    cliopt_list_add(&a->errors, msg);
    free(msg);
    a->failed = true;
}

void apply_obj_status_error(struct aobj *a, const struct kclient_resp *resp, const char *verb,
                            const char *inner_verb)
{
    struct kstatus st;
    kstatus_from_resp(&st, resp);
    char *inner =
        inner_verb ? ks_asprintf("error when %s \"%s\": %s", inner_verb, a->src->source, st.message)
                   : ks_strdup(st.message);
    char *wrapped = ks_asprintf("error when %s \"%s\": %s", verb, a->src->source, inner);
    free(inner);
    if (resp->status == 0 || !st.obj) {
        apply_obj_error(a, "error: %s", wrapped);
    } else {
        free(st.message);
        st.message = wrapped;
        wrapped = NULL;
        char *text = kstatus_text(&st);
        apply_obj_error(a, "%s", text);
        free(text);
    }
    free(wrapped);
    kstatus_release(&st);
}

void apply_obj_warnings(struct aobj *a, const struct kclient_resp *resp)
{
    for (size_t i = 0; i < resp->n_warnings; i++) {
        char *w = ks_asprintf("Warning: %s", resp->warnings[i]);
        cliopt_list_add(&a->warnings, w);
        free(w);
    }
}

void apply_obj_submit(struct aobj *a, const char *method, const char *path, const char *ctype,
                      const char *body, long delay_ms, kclient_done_fn done)
{
    struct kclient_req r = {0};
    r.method = method;
    r.path = path;
    r.content_type = ctype;
    r.body = body;
    r.body_len = body ? strlen(body) : 0;
    r.delay_ms = delay_ms;
    struct ks_err e = KS_ERR_INIT;
    if (kclient_submit(a->s->client, &r, done, a, &e) != 0) {
        apply_obj_error(a, "error: %s", e.msg);
        apply_obj_done(a);
    }
}

json_t *apply_body_json(const struct kclient_resp *resp)
{
    json_t *v = NULL;
    if (resp->body.len)
        gojson_loads(&v, resp->body.buf, resp->body.len, NULL);
    return v;
}

void apply_obj_set_result(struct aobj *a, const struct kclient_resp *resp)
{
    json_decref(a->result);
    a->result = apply_body_json(resp);
}

char *apply_body_dump(const json_t *v)
{
    char *s = gojson_dumps(v);
    char *r = ks_asprintf("%s\n", s ? s : "{}");
    free(s);
    return r;
}
