/*
 * asrv_openapi.h: OpenAPI for kubeshim-apiserver: the v3 index and
 * per-group-version documents (read from a directory of
 * <api__v1|apis__<g>__<v>>_openapi.json files, or a schema-less stub), and a
 * schema-less protobuf v2 document.
 */
#ifndef ASRV_OPENAPI_H
#define ASRV_OPENAPI_H

#include "apiserver/asrv_catalog.h"
#include "apiserver/asrv_http.h"

#include <stdbool.h>

struct asrv_openapi_doc {
    char *key; /* "api/v1", "apis/apps/v1" */
    char *data;
    size_t len;
    char hash[129]; /* upper-case hex SHA-512 */
};

struct asrv_openapi {
    struct asrv_openapi_doc *docs;
    size_t n;
    char *server_version; /* info.version of stubs */
};

/*
 * Read every *.json of dir (NULL: none).
 * Errors: KS_EINPUT naming the file that cannot be read.
 */
int asrv_openapi_load(struct asrv_openapi *o, const char *dir, const char *server_version,
                      struct ks_err *e);
void asrv_openapi_release(struct asrv_openapi *o);

/* GET /openapi/v3. */
void asrv_openapi_index(struct asrv_resp *r, const struct asrv_openapi *o,
                        const struct asrv_catalog *c);
/*
 * GET /openapi/v3/<key>[?hash=H]; false when the group-version is not served.
 * PARITY: kube-openapi handler3: an Etag (the document's SHA-512), and with
 * the current hash "Cache-Control: public, immutable" for a year (clients
 * then use their cache without asking again); another hash is a 301 to the
 * current URL. hash: the query parameter, or NULL.
 */
bool asrv_openapi_doc(struct asrv_resp *r, const struct asrv_openapi *o,
                      const struct asrv_catalog *c, const char *key, const char *hash);
/* GET /openapi/v2: the protobuf stub. */
void asrv_openapi_v2(struct asrv_resp *r, const struct asrv_openapi *o,
                     const struct asrv_catalog *c);

#endif
