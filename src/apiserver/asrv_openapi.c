/*
 * asrv_openapi.c: OpenAPI v3 documents by group-version, addressed by
 * content hash as kube-apiserver does (/openapi/v3/apis/apps/v1?hash=...),
 * and stubs that only declare each kind's PATCH operation with the
 * dryRun/fieldManager/fieldValidation/force parameters: enough for kubectl's
 * query-parameter verifier to send fieldValidation=Strict, while it keeps
 * computing patches from its compiled-in types (tools/oracle/fakeapi.py).
 */
#include "apiserver/asrv_openapi.h"

#include "apiserver/asrv_status.h"
#include "base/gojson.h"

#include <ctype.h>
#include <dirent.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void hash_hex(char out[129], const char *data, size_t len)
{
    unsigned char md[SHA512_DIGEST_LENGTH];
    SHA512((const unsigned char *)data, len, md);
    for (int i = 0; i < SHA512_DIGEST_LENGTH; i++)
        snprintf(out + 2 * i, 3, "%02X", md[i]);
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    int bad = ferror(f);
    fclose(f);
    strbuf_grow(&sb, 0);
    *data = strbuf_detach(&sb, len);
    return bad ? -1 : 0;
}

int asrv_openapi_load(struct asrv_openapi *o, const char *dir, const char *server_version,
                      struct ks_err *e)
{
    memset(o, 0, sizeof(*o));
    o->server_version = ks_strdup(server_version);
    if (!dir)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return ks_fail(e, KS_EINPUT, "--openapi-dir \"%s\": cannot open directory", dir);
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        char *base = ks_strndup(de->d_name, n - 5);
        size_t bl = strlen(base);
        if (bl > 8 && strcmp(base + bl - 8, "_openapi") == 0)
            base[bl - 8] = '\0';
        struct strbuf key = STRBUF_INIT;
        for (const char *p = base; *p; p++) {
            if (p[0] == '_' && p[1] == '_') {
                strbuf_addch(&key, '/');
                p++;
            } else {
                strbuf_addch(&key, *p);
            }
        }
        free(base);
        char *path = ks_asprintf("%s/%s", dir, de->d_name);
        struct asrv_openapi_doc doc = {0};
        doc.key = strbuf_detach(&key, NULL);
        if (read_file(path, &doc.data, &doc.len) < 0) {
            rc = ks_fail(e, KS_EINPUT, "--openapi-dir: cannot read \"%s\"", path);
            free(path);
            free(doc.key);
            free(doc.data);
            break;
        }
        free(path);
        hash_hex(doc.hash, doc.data, doc.len);
        o->docs = ks_realloc(o->docs, (o->n + 1) * sizeof(*o->docs));
        o->docs[o->n++] = doc;
    }
    closedir(d);
    return rc;
}

void asrv_openapi_release(struct asrv_openapi *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->docs[i].key);
        free(o->docs[i].data);
    }
    free(o->docs);
    free(o->server_version);
    memset(o, 0, sizeof(*o));
}

static const struct asrv_openapi_doc *find_doc(const struct asrv_openapi *o, const char *key)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->docs[i].key, key) == 0)
            return &o->docs[i];
    return NULL;
}

static char *item_path(const struct asrv_res *r)
{
    char *prefix = *r->group ? ks_asprintf("/apis/%s/%s", r->group, r->version)
                             : ks_asprintf("/api/%s", r->version);
    char *p = r->namespaced
                  ? ks_asprintf("%s/namespaces/{namespace}/%s/{name}", prefix, r->resource)
                  : ks_asprintf("%s/%s/{name}", prefix, r->resource);
    free(prefix);
    return p;
}

/* The stub document of one group-version, as compact JSON. */
static char *stub_doc(const struct asrv_openapi *o, const struct asrv_catalog *c, const char *group,
                      const char *version)
{
    json_t *paths = json_object();
    for (size_t i = 0; i < c->n; i++) {
        const struct asrv_res *r = &c->res[i];
        if (strcmp(r->group, group) != 0 || strcmp(r->version, version) != 0)
            continue;
        json_t *params = json_array();
        static const char *const names[][2] = {{"dryRun", "string"},
                                               {"fieldManager", "string"},
                                               {"fieldValidation", "string"},
                                               {"force", "boolean"}};
        for (size_t k = 0; k < 4; k++)
            json_array_append_new(params, json_pack("{s:s,s:s,s:{s:s,s:b}}", "name", names[k][0],
                                                    "in", "query", "schema", "type", names[k][1],
                                                    "uniqueItems", 1));
        char *g = ks_strdup(*group ? group : "core");
        g[0] = (char)toupper((unsigned char)g[0]);
        char *dot = strchr(g, '.');
        if (dot)
            *dot = '\0';
        char *opid = ks_asprintf("patch%s%c%s%s%s", g, toupper((unsigned char)version[0]),
                                 version + 1, r->namespaced ? "Namespaced" : "", r->kind);
        json_t *op = json_pack("{s:s,s:o,s:{s:{s:s}},s:s,s:{s:s,s:s,s:s}}", "operationId", opid,
                               "parameters", params, "responses", "200", "description", "OK",
                               "x-kubernetes-action", "patch", "x-kubernetes-group-version-kind",
                               "group", group, "version", version, "kind", r->kind);
        char *p = item_path(r);
        json_object_set_new(paths, p, json_pack("{s:o}", "patch", op));
        free(p);
        free(opid);
        free(g);
    }
    json_t *doc = json_pack("{s:s,s:{s:s,s:s},s:o,s:{}}", "openapi", "3.0.0", "info", "title",
                            "Kubernetes (kubeshim-apiserver schema-less stub)", "version",
                            o->server_version, "paths", paths, "components");
    char *s = gojson_dumps(doc);
    json_decref(doc);
    return s;
}

/* Split "api/v1" / "apis/g/v" into group and version; false when malformed. */
static bool key_gv(const char *key, char **group, char **version)
{
    if (strncmp(key, "api/", 4) == 0 && !strchr(key + 4, '/')) {
        *group = ks_strdup("");
        *version = ks_strdup(key + 4);
        return true;
    }
    const char *slash = strncmp(key, "apis/", 5) == 0 ? strchr(key + 5, '/') : NULL;
    if (!slash || strchr(slash + 1, '/'))
        return false;
    *group = ks_strndup(key + 5, (size_t)(slash - key - 5));
    *version = ks_strdup(slash + 1);
    return true;
}

void asrv_openapi_index(struct asrv_resp *r, const struct asrv_openapi *o,
                        const struct asrv_catalog *c)
{
    json_t *paths = json_object();
    json_t *groups = asrv_catalog_groups(c);
    for (size_t i = 0; i < json_array_size(groups); i++) {
        const json_t *g = json_array_get(groups, i);
        const char *gn = json_string_value(json_object_get(g, "name"));
        const json_t *vs = json_object_get(g, "versions");
        for (size_t k = 0; k < json_array_size(vs); k++) {
            const char *v = json_string_value(json_array_get(vs, k));
            char *key = *gn ? ks_asprintf("apis/%s/%s", gn, v) : ks_asprintf("api/%s", v);
            const struct asrv_openapi_doc *d = find_doc(o, key);
            char hash[129];
            if (d) {
                memcpy(hash, d->hash, sizeof(hash));
            } else {
                char *s = stub_doc(o, c, gn, v);
                hash_hex(hash, s, strlen(s));
                free(s);
            }
            char *url = ks_asprintf("/openapi/v3/%s?hash=%s", key, hash);
            json_object_set_new(paths, key, json_pack("{s:s}", "serverRelativeURL", url));
            free(url);
            free(key);
        }
    }
    json_decref(groups);
    json_t *doc = json_pack("{s:o}", "paths", paths);
    asrv_status_json(r, 200, doc);
    json_decref(doc);
}

bool asrv_openapi_doc(struct asrv_resp *r, const struct asrv_openapi *o,
                      const struct asrv_catalog *c, const char *key, const char *hash)
{
    char *group = NULL, *version = NULL;
    if (!key_gv(key, &group, &version))
        return false;
    bool ok = asrv_catalog_has_gv(c, group, version);
    if (ok) {
        const struct asrv_openapi_doc *d = find_doc(o, key);
        char etag[129];
        char *stub = d ? NULL : stub_doc(o, c, group, version);
        const char *data = d ? d->data : stub;
        size_t len = d ? d->len : strlen(stub);
        if (d)
            memcpy(etag, d->hash, sizeof(etag));
        else
            hash_hex(etag, stub, len);
        if (hash && *hash && strcmp(hash, etag) != 0) {
            char *url = ks_asprintf("/openapi/v3/%s?hash=%s", key, etag);
            char *body = ks_asprintf("<a href=\"%s\">Moved Permanently</a>.\n\n", url);
            asrv_resp_set(r, 301, "text/html; charset=utf-8", body, strlen(body));
            strbuf_addf(&r->headers, "Location: %s\r\n", url);
            free(body);
            free(url);
        } else {
            asrv_resp_set(r, 200, "application/json", data, len);
            strbuf_addf(&r->headers, "Etag: \"%s\"\r\n", etag);
            if (hash && *hash) {
                char expires[64];
                time_t t = time(NULL) + 365 * 24 * 3600;
                struct tm tm;
                gmtime_r(&t, &tm);
                strftime(expires, sizeof(expires), "%a, %d %b %Y %H:%M:%S UTC", &tm);
                strbuf_addf(&r->headers,
                            "Vary: Accept\r\nCache-Control: public, immutable\r\nExpires: %s\r\n",
                            expires);
            }
        }
        free(stub);
    }
    free(group);
    free(version);
    return ok;
}

/* Protobuf: a varint, and a length-delimited field (wire type 2). */
static void pb_varint(struct strbuf *sb, unsigned long long n)
{
    do {
        unsigned char b = n & 0x7f;
        n >>= 7;
        strbuf_addch(sb, (char)(n ? b | 0x80 : b));
    } while (n);
}

static void pb_field(struct strbuf *sb, int num, const char *data, size_t len)
{
    pb_varint(sb, ((unsigned long long)num << 3) | 2);
    pb_varint(sb, len);
    strbuf_add(sb, data, len);
}

static void pb_str(struct strbuf *sb, int num, const char *s)
{
    pb_field(sb, num, s, strlen(s));
}

static void pb_msg(struct strbuf *sb, int num, struct strbuf *inner)
{
    pb_field(sb, num, strbuf_str(inner), inner->len);
    strbuf_release(inner);
}

/*
 * PARITY: gnostic openapiv2 Document (OpenAPIv2.proto field numbers), the
 * same stub as fakeapi.py: kubectl 1.27 only has the v2 verifier.
 */
void asrv_openapi_v2(struct asrv_resp *r, const struct asrv_openapi *o,
                     const struct asrv_catalog *c)
{
    struct strbuf items = STRBUF_INIT;
    static const char *const names[][2] = {{"dryRun", "string"},
                                           {"fieldManager", "string"},
                                           {"fieldValidation", "string"},
                                           {"force", "boolean"}};
    for (size_t i = 0; i < c->n; i++) {
        const struct asrv_res *res = &c->res[i];
        struct strbuf op = STRBUF_INIT;
        char *opid = ks_asprintf("patch%s", res->kind);
        pb_str(&op, 5, opid);
        free(opid);
        for (size_t k = 0; k < 4; k++) {
            struct strbuf q = STRBUF_INIT, nbp = STRBUF_INIT, prm = STRBUF_INIT, pp = STRBUF_INIT;
            pb_str(&q, 2, "query");
            pb_str(&q, 4, names[k][0]);
            pb_str(&q, 6, names[k][1]);
            pb_msg(&nbp, 3, &q);
            pb_msg(&prm, 2, &nbp);
            pb_msg(&pp, 1, &prm);
            pb_msg(&op, 8, &pp);
        }
        char *gvk = ks_asprintf("group: \"%s\"\nkind: %s\nversion: %s\n", res->group, res->kind,
                                res->version);
        struct strbuf any = STRBUF_INIT, named = STRBUF_INIT;
        pb_str(&any, 2, gvk);
        free(gvk);
        pb_str(&named, 1, "x-kubernetes-group-version-kind");
        pb_msg(&named, 2, &any);
        pb_msg(&op, 13, &named);
        struct strbuf pitem = STRBUF_INIT, nitem = STRBUF_INIT;
        pb_msg(&pitem, 8, &op);
        char *p = item_path(res);
        pb_str(&nitem, 1, p);
        free(p);
        pb_msg(&nitem, 2, &pitem);
        pb_msg(&items, 2, &nitem);
    }
    struct strbuf doc = STRBUF_INIT, info = STRBUF_INIT;
    pb_str(&info, 1, "Kubernetes (kubeshim-apiserver schema-less stub)");
    pb_str(&info, 2, o->server_version);
    pb_str(&doc, 1, "2.0");
    pb_msg(&doc, 2, &info);
    pb_msg(&doc, 8, &items);
    asrv_resp_set(r, 200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                  strbuf_str(&doc), doc.len);
    strbuf_release(&doc);
}
