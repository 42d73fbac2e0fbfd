/*
 * asrv_discovery.h: the discovery documents of kubeshim-apiserver: legacy
 * (APIVersions, APIGroupList, APIGroup, APIResourceList) and aggregated
 * (apidiscovery.k8s.io v2 and v2beta1, chosen by the Accept header).
 */
#ifndef ASRV_DISCOVERY_H
#define ASRV_DISCOVERY_H

#include "apiserver/asrv_catalog.h"
#include "apiserver/asrv_http.h"

#include <stdbool.h>

/*
 * The aggregated discovery version ("v2" or "v2beta1") the Accept header asks
 * for first, or NULL for legacy discovery.
 */
const char *asrv_discovery_aggregated(const char *accept);

/* GET /api and /apis. agg: the aggregated version, or NULL. host: "127.0.0.1:port". */
void asrv_discovery_api(struct asrv_resp *r, const struct asrv_catalog *c, const char *agg,
                        const char *host);
void asrv_discovery_apis(struct asrv_resp *r, const struct asrv_catalog *c, const char *agg);
/* GET /apis/<group>: false when the group is not served. */
bool asrv_discovery_group(struct asrv_resp *r, const struct asrv_catalog *c, const char *group);
/* GET /api/v1 and /apis/<group>/<version> (the caller checked it is served). */
void asrv_discovery_gv(struct asrv_resp *r, const struct asrv_catalog *c, const char *group,
                       const char *version);

#endif
