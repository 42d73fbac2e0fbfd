/*
 * asrv_status.c: metav1.Status bodies with the apiserver's messages
 * (k8s.io/apimachinery/pkg/api/errors: NewNotFound, NewConflict,
 * NewAlreadyExists, NewInvalid).
 */
#include "apiserver/asrv_status.h"

#include "base/gojson.h"

#include <stdlib.h>
#include <string.h>

void asrv_status_json_ct(struct asrv_resp *r, int code, const char *ctype, const json_t *v)
{
    struct ks_err e = KS_ERR_INIT;
    r->status = code;
    snprintf(r->content_type, sizeof(r->content_type), "%s", ctype);
    strbuf_reset(&r->body);
    if (gojson_write(&r->body, v, &e) < 0) {
        strbuf_reset(&r->body);
        r->status = 500;
        strbuf_adds(&r->body, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                              "\"message\":\"unencodable value\",\"code\":500}");
    }
    strbuf_addch(&r->body, '\n');
}

void asrv_status_json(struct asrv_resp *r, int code, const json_t *v)
{
    asrv_status_json_ct(r, code, "application/json", v);
}

void asrv_status_fail(struct asrv_resp *r, int code, const char *reason, const char *message,
                      json_t *details)
{
    json_t *s = json_pack("{s:s,s:s,s:{},s:s,s:s,s:i}", "kind", "Status", "apiVersion", "v1",
                          "metadata", "status", "Failure", "message", message, "code", code);
    /* PARITY: StatusReasonUnknown is "", which omitempty leaves out */
    if (*reason)
        json_object_set_new(s, "reason", json_string(reason));
    if (details)
        json_object_set_new(s, "details", details);
    asrv_status_json(r, code, s);
    json_decref(s);
}

json_t *asrv_status_details(const struct asrv_res *res, const char *name)
{
    json_t *d = json_object();
    json_object_set_new(d, "name", json_string(name ? name : ""));
    if (*res->group)
        json_object_set_new(d, "group", json_string(res->group));
    json_object_set_new(d, "kind", json_string(res->resource));
    return d;
}

void asrv_status_not_found(struct asrv_resp *r, const struct asrv_res *res, const char *name)
{
    char *q = asrv_catalog_qualified(res);
    char *msg = ks_asprintf("%s \"%s\" not found", q, name);
    asrv_status_fail(r, 404, "NotFound", msg, asrv_status_details(res, name));
    free(msg);
    free(q);
}

void asrv_status_conflict(struct asrv_resp *r, const struct asrv_res *res, const char *name)
{
    char *q = asrv_catalog_qualified(res);
    char *msg = ks_asprintf("Operation cannot be fulfilled on %s \"%s\": the object has been "
                            "modified; please apply your changes to the latest version and try "
                            "again",
                            q, name);
    asrv_status_fail(r, 409, "Conflict", msg, asrv_status_details(res, name));
    free(msg);
    free(q);
}

void asrv_status_exists(struct asrv_resp *r, const struct asrv_res *res, const char *name)
{
    char *q = asrv_catalog_qualified(res);
    char *msg = ks_asprintf("%s \"%s\" already exists", q, name);
    asrv_status_fail(r, 409, "AlreadyExists", msg, asrv_status_details(res, name));
    free(msg);
    free(q);
}

void asrv_status_no_namespace(struct asrv_resp *r, const char *ns)
{
    char *msg = ks_asprintf("namespaces \"%s\" not found", ns);
    asrv_status_fail(r, 404, "NotFound", msg,
                     json_pack("{s:s,s:s}", "name", ns, "kind", "namespaces"));
    free(msg);
}

void asrv_status_invalid(struct asrv_resp *r, const struct asrv_res *res, const char *name,
                         const char *field, const char *cause_reason, const char *detail)
{
    char *msg =
        ks_asprintf("%s \"%s\" is invalid: %s: %s", res->kind, name ? name : "", field, detail);
    json_t *d = json_object();
    json_object_set_new(d, "name", json_string(name ? name : ""));
    if (*res->group)
        json_object_set_new(d, "group", json_string(res->group));
    json_object_set_new(d, "kind", json_string(res->kind));
    json_object_set_new(
        d, "causes",
        json_pack("[{s:s,s:s,s:s}]", "reason", cause_reason, "message", detail, "field", field));
    asrv_status_fail(r, 422, "Invalid", msg, d);
    free(msg);
}

void asrv_status_no_resource(struct asrv_resp *r)
{
    asrv_status_fail(r, 404, "NotFound", "the server could not find the requested resource",
                     json_object());
}

void asrv_status_page_not_found(struct asrv_resp *r)
{
    asrv_resp_set(r, 404, "text/plain; charset=utf-8", "404 page not found\n", 19);
}
