/*
 * asrv_status.h: response bodies of kubeshim-apiserver: JSON objects and
 * the metav1.Status failures a real API server sends, with its wording.
 */
#ifndef ASRV_STATUS_H
#define ASRV_STATUS_H

#include "apiserver/asrv_catalog.h"
#include "apiserver/asrv_http.h"

#include <jansson.h>

/* Body = v as compact JSON and a newline. Ownership: v borrowed. */
void asrv_status_json(struct asrv_resp *r, int code, const json_t *v);
/* Same, with a content type (discovery). */
void asrv_status_json_ct(struct asrv_resp *r, int code, const char *ctype, const json_t *v);

/* A Status failure (reason "": none, as for errors that are not API errors). Ownership: steals
 * details (NULL: no details member). */
void asrv_status_fail(struct asrv_resp *r, int code, const char *reason, const char *message,
                      json_t *details);

/* {"name", "group" (non-core), "kind": resource}. */
json_t *asrv_status_details(const struct asrv_res *res, const char *name);

/* 404 `<resource> "<name>" not found`. */
void asrv_status_not_found(struct asrv_resp *r, const struct asrv_res *res, const char *name);
/* 409 `Operation cannot be fulfilled on <resource> "<name>": the object has been modified; ...`. */
void asrv_status_conflict(struct asrv_resp *r, const struct asrv_res *res, const char *name);
/* 409 AlreadyExists `<resource> "<name>" already exists`. */
void asrv_status_exists(struct asrv_resp *r, const struct asrv_res *res, const char *name);
/* 404 `namespaces "<ns>" not found`. */
void asrv_status_no_namespace(struct asrv_resp *r, const char *ns);
/*
 * 422 `<Kind> "<name>" is invalid: <field>: <detail>`, one cause.
 * reason is the cause type (FieldValueRequired, FieldValueInvalid, ...).
 */
void asrv_status_invalid(struct asrv_resp *r, const struct asrv_res *res, const char *name,
                         const char *field, const char *cause_reason, const char *detail);
/* 404 `the server could not find the requested resource`. */
void asrv_status_no_resource(struct asrv_resp *r);
/* 404 text/plain `404 page not found`. */
void asrv_status_page_not_found(struct asrv_resp *r);

#endif
