/*
 * kopenapi.h: OpenAPI v3 documents of the server, per group-version, cached
 * on disk keyed by the hash the server puts in each document's URL.
 *
 * GET /openapi/v3 gives the index ({"paths":{"apis/apps/v1":
 * {"serverRelativeURL":"/openapi/v3/apis/apps/v1?hash=..."}}}); a document is
 * fetched (or read from the cache) only when asked for.
 * The patch engine turns the documents into patch metadata (pmeta_openapi.h).
 */
#ifndef KOPENAPI_H
#define KOPENAPI_H

#include "base/gojson.h"
#include "base/ks.h"
#include "http/kclient.h"

#include <jansson.h>

struct kopenapi;

/* Ownership: c is borrowed (must outlive o); free o with kopenapi_free(). */
int kopenapi_new(struct kopenapi **out, struct kclient *c, struct ks_err *e);

void kopenapi_free(struct kopenapi *o);

/*
 * Parse the documents (v3 group-versions and v2, not the index) through f,
 * keeping only what the caller reads (pmeta_openapi_filter). With a schema
 * filter, members f marks GOJSON_KEEP_SPAN are not kept whole but recorded,
 * and kopenapi_span_decode() decodes one of them through schema when it is
 * needed (pmeta_openapi_index_filter / _schema_filter): a document is then
 * never held whole in memory. Ownership: the filters are borrowed and must
 * outlive o. Documents already read are not re-read.
 */
void kopenapi_set_filter(struct kopenapi *o, const struct gojson_filter *f,
                         const struct gojson_filter *schema);

/*
 * The /openapi/v3 index "paths" object (fetched once).
 * Ownership: borrowed from o.
 * Errors: KS_ENOTFOUND when the server has no OpenAPI v3 (404).
 */
int kopenapi_paths_get(const json_t **out, struct kopenapi *o, struct ks_err *e);

/*
 * The document for a group-version key as the index names it: "api/v1",
 * "apis/apps/v1" (what the filter kept of it). Fetched once per kopenapi; a
 * hash-keyed document is read from and written to kubectl's HTTP cache
 * (<cache-dir>/http/<sha256 of the URL>), so kubectl and kubeshim share it.
 * Ownership: borrowed from o (valid until kopenapi_drop_docs()).
 * Errors: KS_ENOTFOUND when the index has no such key.
 */
int kopenapi_gv_get(const json_t **out, struct kopenapi *o, const char *gv_key, struct ks_err *e);

/*
 * The OpenAPI v2 document (GET /openapi/v2, JSON), for servers without v3.
 * Fetched once per kopenapi; not kept on disk (NEEDSWORK: kubectl revalidates
 * it with its HTTP cache's ETag).
 * Ownership: borrowed from o.
 * Errors: KS_ENOTFOUND when the server has no OpenAPI v2 (404).
 */
int kopenapi_v2_get(const json_t **out, struct kopenapi *o, struct ks_err *e);

/*
 * The span source of a group-version document already read with a schema
 * filter, for kopenapi_span_decode(); NULL otherwise. Ownership: borrowed
 * from o, valid until kopenapi_drop_docs() or kopenapi_free().
 */
void *kopenapi_gv_source(struct kopenapi *o, const char *gv_key);

/*
 * Decode the recorded member key (e.g. a schema name) of a document through
 * the schema filter; NULL when there is no such member or its text cannot
 * be read back. Ownership: a new reference. Fits pmeta_schema_fn.
 */
json_t *kopenapi_span_decode(void *source, const char *key);

/*
 * Free the documents read so far (not the index): pointers from
 * kopenapi_gv_get() and kopenapi_v2_get() become invalid. A later get reads
 * a document again (from the cache when it is hash-keyed, else from the
 * server), so call it once no more lookups are due.
 */
void kopenapi_drop_docs(struct kopenapi *o);

/* "apps/v1" -> "apis/apps/v1", "v1" -> "api/v1". Ownership: caller frees. */
char *kopenapi_gv_key(const char *api_version);

#endif
