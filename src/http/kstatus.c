/*
 * kstatus.c: API errors as kubectl reports them.
 * PARITY: apimachinery api/errors (FromObject; NewGenericServerResponse for
 * bodies that are not a Status), kubectl cmd/util/helpers.go
 * (StandardErrorMessage, checkErr's Invalid branch, MultilineError).
 */
#include "http/kstatus.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "http/klog.h"

#include <stdlib.h>
#include <string.h>

/* PARITY: NewGenericServerResponse's reason and message for a status code. */
static void kstatus_generic(struct kstatus *st, long code, const char *server_msg)
{
    const char *reason = "", *msg = NULL;
    char *owned = NULL;
    switch (code) {
    case 409:
        reason = "Conflict", msg = "the server reported a conflict";
        break;
    case 404:
        reason = "NotFound", msg = "the server could not find the requested resource";
        break;
    case 400:
        reason = "BadRequest", msg = "the server rejected our request for an unknown reason";
        break;
    case 401:
        reason = "Unauthorized", msg = "the server has asked for the client to provide credentials";
        break;
    case 403:
        reason = "Forbidden", msg = server_msg;
        break;
    case 405:
        reason = "MethodNotAllowed",
        msg = "the server does not allow this method on the requested resource";
        break;
    case 406:
        reason = "NotAcceptable",
        msg = "the server was unable to respond with a content type that the client supports";
        break;
    case 415:
        reason = "UnsupportedMediaType",
        msg = "the server was unable to respond with a content type that the client supports";
        break;
    case 422:
        reason = "Invalid", msg = "the server rejected our request due to an error in our request";
        break;
    case 429:
        reason = "TooManyRequests",
        msg = "the server has received too many requests and has asked us to try again later";
        break;
    case 503:
        reason = "ServiceUnavailable", msg = "the server is currently unable to handle the request";
        break;
    case 504:
        reason = "Timeout", msg = "the server was unable to return a response in the time "
                                  "allotted, but may still be processing the request";
        break;
    default:
        if (code >= 500) {
            struct strbuf sb = STRBUF_INIT;
            strbuf_adds(&sb, "an error on the server (");
            gojson_write_string(&sb, server_msg, strlen(server_msg));
            strbuf_adds(&sb, ") has prevented the request from succeeding");
            reason = "InternalError";
            owned = klog_detach(&sb);
        } else {
            reason = "";
            owned = ks_asprintf("the server responded with the status code %ld but did not "
                                "return more information",
                                code);
        }
    }
    st->reason = ks_strdup(reason);
    st->message = owned ? owned : ks_strdup(msg ? msg : "");
}

void kstatus_from_resp(struct kstatus *st, const struct kclient_resp *resp)
{
    json_t *obj = NULL;
    memset(st, 0, sizeof(*st));
    st->code = resp->status;
    if (resp->status == 0) {
        st->reason = ks_strdup("");
        st->message = ks_strdup(resp->err.msg);
        return;
    }
    if (resp->body.len && gojson_loads(&obj, resp->body.buf, resp->body.len, NULL) == 0 &&
        json_is_object(obj) && json_is_string(json_object_get(obj, "kind")) &&
        strcmp(json_string_value(json_object_get(obj, "kind")), "Status") == 0) {
        const char *r = json_string_value(json_object_get(obj, "reason"));
        const char *m = json_string_value(json_object_get(obj, "message"));
        json_t *code = json_object_get(obj, "code");
        st->reason = ks_strdup(r ? r : "");
        st->message = ks_strdup(m ? m : "");
        if (json_is_integer(code) && json_integer_value(code))
            st->code = (long)json_integer_value(code);
        st->obj = obj;
        return;
    }
    json_decref(obj);
    /* client-go keeps a short body as the server's message */
    char *body = ks_strndup(resp->body.buf ? resp->body.buf : "", resp->body.len);
    kstatus_generic(st, resp->status, body);
    free(body);
}

int kstatus_code(const struct kstatus *st)
{
    switch (st->code) {
    case 404:
        return KS_ENOTFOUND;
    case 409:
        return KS_ECONFLICT;
    case 422:
        return KS_EINVALID;
    default:
        return KS_EHTTP;
    }
}

/* The host of a URL in a transport error: "Get \"https://h:p/x\": ..." -> "h:p". */
static char *kstatus_err_host(const char *msg)
{
    const char *q = strstr(msg, "://");
    if (!q)
        return ks_strdup("");
    q += 3;
    return ks_strndup(q, strcspn(q, "/\"?"));
}

static char *kstatus_invalid_text(const struct kstatus *st)
{
    const json_t *d = json_object_get(st->obj, "details");
    struct strbuf sb = STRBUF_INIT;
    const char *kind = json_string_value(json_object_get(d, "kind"));
    const char *name = json_string_value(json_object_get(d, "name"));
    const json_t *causes = json_object_get(d, "causes");
    if (!d)
        return ks_strdup("The request is invalid");
    if ((kind && *kind) || (name && *name)) {
        strbuf_addf(&sb, "The %s ", kind ? kind : "");
        gojson_write_string(&sb, name ? name : "", name ? strlen(name) : 0);
        strbuf_adds(&sb, " is invalid");
    } else {
        strbuf_adds(&sb, "The request is invalid");
    }
    size_t n = json_array_size(causes);
    if (n == 0)
        return klog_detach(&sb);
    strbuf_adds(&sb, ": ");
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_array_get(causes, i);
        const char *f = json_string_value(json_object_get(c, "field"));
        const char *m = json_string_value(json_object_get(c, "message"));
        if (n > 1)
            strbuf_adds(&sb, "\n* ");
        strbuf_addf(&sb, "%s: %s", f ? f : "", m ? m : "");
    }
    return klog_detach(&sb);
}

char *kstatus_text(const struct kstatus *st)
{
    if (st->code == 0) {
        if (strstr(st->message, "connection refused")) {
            char *host = kstatus_err_host(st->message);
            char *s = ks_asprintf("The connection to the server %s was refused - did you "
                                  "specify the right host or port?",
                                  host);
            free(host);
            return s;
        }
        const char *why = strstr(st->message, "\": ");
        return ks_asprintf("Unable to connect to the server: %s", why ? why + 3 : st->message);
    }
    if (strcmp(st->reason, "Invalid") == 0 && st->obj)
        return kstatus_invalid_text(st);
    if (strcmp(st->reason, "Unauthorized") == 0)
        return ks_asprintf("error: You must be logged in to the server (%s)", st->message);
    if (*st->reason)
        return ks_asprintf("Error from server (%s): %s", st->reason, st->message);
    return ks_asprintf("Error from server: %s", st->message);
}

int kstatus_fail(struct ks_err *e, const struct kclient_resp *resp)
{
    struct kstatus st;
    kstatus_from_resp(&st, resp);
    char *t = kstatus_text(&st);
    int code = kstatus_code(&st);
    ks_fail(e, code, "%s", t);
    free(t);
    kstatus_release(&st);
    return code;
}

void kstatus_release(struct kstatus *st)
{
    free(st->reason);
    free(st->message);
    json_decref(st->obj);
    memset(st, 0, sizeof(*st));
}
