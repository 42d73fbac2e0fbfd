/*
 * asrv_router.h: the request router of kubeshim-apiserver: authentication,
 * fault injection, the control endpoint, and the non-resource endpoints
 * (/version, /healthz, discovery, OpenAPI) in front of the resource handlers.
 */
#ifndef ASRV_ROUTER_H
#define ASRV_ROUTER_H

#include "apiserver/asrv_http.h"
#include "apiserver/asrv_server.h"

/*
 * Answer q into r (r->reply says whether to drop or never send it).
 * Returns the log category: "resource", "discovery", "openapi", "version",
 * "health", "control", "fault", "unauthorized" or "other".
 */
const char *asrv_router_handle(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r);

#endif
