/*
 * asrv_proto.c: a table-driven protobuf decoder for the few message types
 * (k8s.io/api/core/v1/generated.proto, apimachinery meta/v1 and runtime)
 * that kubectl 1.33 sends as application/vnd.kubernetes.protobuf. Unknown
 * fields are skipped; bytes become base64 strings as in the JSON form.
 */
#include "apiserver/asrv_proto.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* P_INT0: an omitempty integer (gogo-protobuf writes 0; JSON leaves it out) */
enum ptype { P_STR, P_BYTES, P_INT, P_INT0, P_BOOL, P_MSG, P_MAP_SS, P_MAP_SB, P_TIME };

struct pmsg;

struct pfield {
    int num;
    const char *name;
    int type;
    bool repeated;
    const struct pmsg *msg;
};

struct pmsg {
    const struct pfield *f;
    size_t n;
};

#define MSG(name, ...)                                                                             \
    static const struct pfield name##_f[] = {__VA_ARGS__};                                         \
    static const struct pmsg name = {name##_f, sizeof(name##_f) / sizeof(name##_f[0])}

MSG(owner_ref, {1, "kind", P_STR, false, NULL}, {3, "name", P_STR, false, NULL},
    {4, "uid", P_STR, false, NULL}, {5, "apiVersion", P_STR, false, NULL},
    {6, "controller", P_BOOL, false, NULL}, {7, "blockOwnerDeletion", P_BOOL, false, NULL});
MSG(object_meta, {1, "name", P_STR, false, NULL}, {2, "generateName", P_STR, false, NULL},
    {3, "namespace", P_STR, false, NULL}, {5, "uid", P_STR, false, NULL},
    {6, "resourceVersion", P_STR, false, NULL}, {7, "generation", P_INT0, false, NULL},
    {8, "creationTimestamp", P_TIME, false, NULL}, {11, "labels", P_MAP_SS, false, NULL},
    {12, "annotations", P_MAP_SS, false, NULL}, {13, "ownerReferences", P_MSG, true, &owner_ref},
    {14, "finalizers", P_STR, true, NULL});
MSG(configmap, {1, "metadata", P_MSG, false, &object_meta}, {2, "data", P_MAP_SS, false, NULL},
    {3, "binaryData", P_MAP_SB, false, NULL}, {4, "immutable", P_BOOL, false, NULL});
MSG(secret, {1, "metadata", P_MSG, false, &object_meta}, {2, "data", P_MAP_SB, false, NULL},
    {3, "type", P_STR, false, NULL}, {4, "stringData", P_MAP_SS, false, NULL},
    {5, "immutable", P_BOOL, false, NULL});
MSG(ns_spec, {1, "finalizers", P_STR, true, NULL});
MSG(namespace, {1, "metadata", P_MSG, false, &object_meta}, {2, "spec", P_MSG, false, &ns_spec});
MSG(obj_ref, {1, "kind", P_STR, false, NULL}, {2, "namespace", P_STR, false, NULL},
    {3, "name", P_STR, false, NULL}, {4, "uid", P_STR, false, NULL},
    {5, "apiVersion", P_STR, false, NULL});
MSG(local_ref, {1, "name", P_STR, false, NULL});
MSG(service_account, {1, "metadata", P_MSG, false, &object_meta},
    {2, "secrets", P_MSG, true, &obj_ref}, {3, "imagePullSecrets", P_MSG, true, &local_ref},
    {4, "automountServiceAccountToken", P_BOOL, false, NULL});

struct rd {
    const unsigned char *p, *end;
};

static int varint(struct rd *r, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return -1;
        unsigned char b = *r->p++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* The next field: number, wire type, and for wire type 2 its bytes. */
static int next(struct rd *r, int *num, int *wt, uint64_t *val, struct rd *sub)
{
    uint64_t key;
    if (varint(r, &key) < 0)
        return -1;
    *num = (int)(key >> 3);
    *wt = (int)(key & 7);
    switch (*wt) {
    case 0:
        return varint(r, val);
    case 1:
        if (r->end - r->p < 8)
            return -1;
        r->p += 8;
        return 0;
    case 5:
        if (r->end - r->p < 4)
            return -1;
        r->p += 4;
        return 0;
    case 2:
        if (varint(r, val) < 0 || *val > (uint64_t)(r->end - r->p))
            return -1;
        sub->p = r->p;
        sub->end = r->p + *val;
        r->p += *val;
        return 0;
    default:
        return -1;
    }
}

static json_t *b64(const unsigned char *p, size_t n)
{
    char *out = ks_malloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    json_t *s = json_string(out);
    free(out);
    return s;
}

static json_t *decode_msg(struct rd *r, const struct pmsg *m, int depth);

static int map_entry(json_t *map, struct rd *r, bool bytes)
{
    json_t *key = NULL, *val = NULL;
    int num, wt;
    uint64_t v;
    struct rd sub;
    while (r->p < r->end) {
        if (next(r, &num, &wt, &v, &sub) < 0)
            goto bad;
        if (wt != 2)
            continue;
        json_t *s = num == 2 && bytes
                        ? b64(sub.p, (size_t)(sub.end - sub.p))
                        : json_stringn((const char *)sub.p, (size_t)(sub.end - sub.p));
        if (!s)
            goto bad;
        if (num == 1) {
            json_decref(key);
            key = s;
        } else if (num == 2) {
            json_decref(val);
            val = s;
        } else {
            json_decref(s);
        }
    }
    if (!key)
        goto bad;
    json_object_set_new(map, json_string_value(key), val ? val : json_string(""));
    json_decref(key);
    return 0;
bad:
    json_decref(key);
    json_decref(val);
    return -1;
}

static json_t *time_of(struct rd *r)
{
    int num, wt;
    uint64_t v, secs = 0;
    struct rd sub;
    while (r->p < r->end) {
        if (next(r, &num, &wt, &v, &sub) < 0)
            return NULL;
        if (num == 1 && wt == 0)
            secs = v;
    }
    if (secs == 0)
        return json_null();
    time_t t = (time_t)secs;
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

static int field(json_t *obj, const struct pfield *f, int wt, uint64_t v, struct rd *sub, int depth)
{
    json_t *val = NULL;
    if (f->type == P_MAP_SS || f->type == P_MAP_SB) {
        json_t *map = json_object_get(obj, f->name);
        if (!map) {
            map = json_object();
            json_object_set_new(obj, f->name, map);
        }
        return wt == 2 ? map_entry(map, sub, f->type == P_MAP_SB) : -1;
    }
    switch (f->type) {
    case P_STR:
        /* PARITY: gogo-protobuf writes empty strings; JSON omits them (omitempty) */
        if (wt == 2 && sub->p == sub->end && !f->repeated)
            return 0;
        val = wt == 2 ? json_stringn((const char *)sub->p, (size_t)(sub->end - sub->p)) : NULL;
        break;
    case P_BYTES:
        val = wt == 2 ? b64(sub->p, (size_t)(sub->end - sub->p)) : NULL;
        break;
    case P_INT0:
        if (wt == 0 && v == 0)
            return 0;
        /* fall through */
    case P_INT:
        val = wt == 0 ? json_integer((json_int_t)(int64_t)v) : NULL;
        break;
    case P_BOOL:
        val = wt == 0 ? json_boolean(v != 0) : NULL;
        break;
    case P_TIME:
        val = wt == 2 ? time_of(sub) : NULL;
        break;
    case P_MSG:
        val = wt == 2 ? decode_msg(sub, f->msg, depth + 1) : NULL;
        break;
    }
    if (!val)
        return -1;
    if (!f->repeated) {
        json_object_set_new(obj, f->name, val);
        return 0;
    }
    json_t *arr = json_object_get(obj, f->name);
    if (!arr) {
        arr = json_array();
        json_object_set_new(obj, f->name, arr);
    }
    json_array_append_new(arr, val);
    return 0;
}

static json_t *decode_msg(struct rd *r, const struct pmsg *m, int depth)
{
    if (depth > 32)
        return NULL;
    json_t *obj = json_object();
    while (r->p < r->end) {
        int num, wt;
        uint64_t v = 0;
        struct rd sub = {NULL, NULL};
        if (next(r, &num, &wt, &v, &sub) < 0) {
            json_decref(obj);
            return NULL;
        }
        for (size_t i = 0; i < m->n; i++) {
            if (m->f[i].num != num)
                continue;
            if (field(obj, &m->f[i], wt, v, &sub, depth) < 0) {
                json_decref(obj);
                return NULL;
            }
            break;
        }
    }
    return obj;
}

/* apps/v1 Deployment, as `kubectl create deployment` fills it (k8s.io/api/apps/v1/generated.proto).
 */
MSG(label_selector, {1, "matchLabels", P_MAP_SS, false, NULL});
MSG(container_port, {1, "name", P_STR, false, NULL}, {2, "hostPort", P_INT0, false, NULL},
    {3, "containerPort", P_INT, false, NULL}, {4, "protocol", P_STR, false, NULL},
    {5, "hostIP", P_STR, false, NULL});
MSG(env_var, {1, "name", P_STR, false, NULL}, {2, "value", P_STR, false, NULL});
/* NEEDSWORK: limits and requests (maps of Quantity messages) are not decoded */
MSG(resources, {0, "", P_STR, false, NULL});
MSG(container, {1, "name", P_STR, false, NULL}, {2, "image", P_STR, false, NULL},
    {3, "command", P_STR, true, NULL}, {4, "args", P_STR, true, NULL},
    {5, "workingDir", P_STR, false, NULL}, {6, "ports", P_MSG, true, &container_port},
    {7, "env", P_MSG, true, &env_var}, {8, "resources", P_MSG, false, &resources},
    {13, "terminationMessagePath", P_STR, false, NULL},
    {14, "imagePullPolicy", P_STR, false, NULL});
MSG(pod_spec, {2, "containers", P_MSG, true, &container}, {3, "restartPolicy", P_STR, false, NULL},
    {6, "dnsPolicy", P_STR, false, NULL}, {7, "nodeSelector", P_MAP_SS, false, NULL},
    {8, "serviceAccountName", P_STR, false, NULL});
MSG(pod_template, {1, "metadata", P_MSG, false, &object_meta},
    {2, "spec", P_MSG, false, &pod_spec});
MSG(deploy_strategy, {1, "type", P_STR, false, NULL});
MSG(deploy_spec, {1, "replicas", P_INT, false, NULL},
    {2, "selector", P_MSG, false, &label_selector}, {3, "template", P_MSG, false, &pod_template},
    {4, "strategy", P_MSG, false, &deploy_strategy}, {5, "minReadySeconds", P_INT0, false, NULL},
    {6, "revisionHistoryLimit", P_INT, false, NULL},
    {9, "progressDeadlineSeconds", P_INT, false, NULL});
MSG(deployment, {1, "metadata", P_MSG, false, &object_meta},
    {2, "spec", P_MSG, false, &deploy_spec});

static const struct {
    const char *api_version, *kind;
    const struct pmsg *msg;
} kinds[] = {
    {"apps/v1", "Deployment", &deployment},
    {"v1", "ConfigMap", &configmap},
    {"v1", "Secret", &secret},
    {"v1", "Namespace", &namespace},
    {"v1", "ServiceAccount", &service_account},
};

int asrv_proto_decode(json_t **out, const char *buf, size_t len, struct ks_err *e)
{
    *out = NULL;
    if (len < 4 || memcmp(buf, "k8s\0", 4) != 0)
        return ks_fail(e, KS_EINPUT, "not a Kubernetes protobuf envelope");
    struct rd r = {(const unsigned char *)buf + 4, (const unsigned char *)buf + len};
    char *api_version = NULL, *kind = NULL;
    struct rd raw = {NULL, NULL};
    int rc = 0;
    while (r.p < r.end) {
        int num, wt;
        uint64_t v;
        struct rd sub;
        if (next(&r, &num, &wt, &v, &sub) < 0) {
            rc = ks_fail(e, KS_EINPUT, "malformed protobuf envelope");
            goto done;
        }
        if (num == 1 && wt == 2) {
            while (sub.p < sub.end) {
                int n2, w2;
                uint64_t v2;
                struct rd s2;
                if (next(&sub, &n2, &w2, &v2, &s2) < 0 || w2 != 2)
                    break;
                char **slot = n2 == 1 ? &api_version : n2 == 2 ? &kind : NULL;
                if (slot) {
                    free(*slot);
                    *slot = ks_strndup((const char *)s2.p, (size_t)(s2.end - s2.p));
                }
            }
        } else if (num == 2 && wt == 2) {
            raw = sub;
        }
    }
    for (size_t i = 0; i < KS_ARRAY_SIZE(kinds); i++) {
        if (!api_version || !kind || strcmp(kinds[i].api_version, api_version) != 0 ||
            strcmp(kinds[i].kind, kind) != 0)
            continue;
        json_t *obj = raw.p ? decode_msg(&raw, kinds[i].msg, 0) : json_object();
        if (!obj) {
            rc = ks_fail(e, KS_EINPUT, "malformed protobuf %s", kind);
            goto done;
        }
        json_object_set_new(obj, "apiVersion", json_string(api_version));
        json_object_set_new(obj, "kind", json_string(kind));
        json_t *md = json_object_get(obj, "metadata");
        if (json_is_null(json_object_get(md, "creationTimestamp")))
            json_object_del(md, "creationTimestamp");
        *out = obj;
        goto done;
    }
    rc = ks_fail(e, KS_EINPUT, "protobuf bodies of %s %s are not supported",
                 api_version ? api_version : "?", kind ? kind : "?");
done:
    free(api_version);
    free(kind);
    return rc;
}
