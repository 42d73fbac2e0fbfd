/*
 * asrv_table.c: server-side printing as kube-apiserver's table convertors
 * do it (pkg/printers/internalversion/printers.go): the columns of the
 * common kinds, NAME and AGE (or NAME and CREATED AT) for the rest, ages as
 * duration.HumanDuration writes them, and each row's object as
 * PartialObjectMetadata.
 */
#include "apiserver/asrv_table.h"

#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *asrv_table_wanted(const char *accept)
{
    const char *p = strstr(accept, "as=Table");
    if (!p)
        return NULL;
    const char *end = strchr(p, ',');
    const char *v1b = strstr(p, "v=v1beta1");
    if (v1b && (!end || v1b < end))
        return "v1beta1";
    return "v1";
}

/* PARITY: k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
static char *human(long long s)
{
    if (s < -1)
        return ks_strdup("<invalid>");
    if (s < 0)
        s = 0;
    long long m = s / 60, h = s / 3600, d = h / 24, y = d / 365;
    if (s < 120)
        return ks_asprintf("%llds", s);
    if (m < 10)
        return s % 60 ? ks_asprintf("%lldm%llds", m, s % 60) : ks_asprintf("%lldm", m);
    if (m < 180)
        return ks_asprintf("%lldm", m);
    if (h < 8)
        return m % 60 ? ks_asprintf("%lldh%lldm", h, m % 60) : ks_asprintf("%lldh", h);
    if (h < 48)
        return ks_asprintf("%lldh", h);
    if (h < 192)
        return h % 24 ? ks_asprintf("%lldd%lldh", d, h % 24) : ks_asprintf("%lldd", d);
    if (y < 2)
        return ks_asprintf("%lldd", d);
    if (y < 8)
        return d % 365 ? ks_asprintf("%lldy%lldd", y, d % 365) : ks_asprintf("%lldy", y);
    return ks_asprintf("%lldy", y);
}

static json_t *age(const json_t *obj)
{
    const char *ts =
        json_string_value(json_object_get(json_object_get(obj, "metadata"), "creationTimestamp"));
    struct tm tm = {0};
    if (!ts || !strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_string("<unknown>");
    char *h = human((long long)(time(NULL) - timegm(&tm)));
    json_t *v = json_string(h);
    free(h);
    return v;
}

static const json_t *at(const json_t *o, const char *path)
{
    char *dup = ks_strdup(path), *save = NULL;
    const json_t *v = o;
    for (char *t = strtok_r(dup, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
        v = json_object_get(v, t);
    free(dup);
    return v;
}

static json_int_t num(const json_t *o, const char *path)
{
    return json_integer_value(at(o, path));
}

static json_t *col(const char *name, const char *type, const char *format, int priority)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:i}", "name", name, "type", type, "format", format,
                     "description", "", "priority", priority);
}

static json_t *ports_of(const json_t *svc)
{
    const json_t *ports = at(svc, "spec.ports");
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < json_array_size(ports); i++) {
        const json_t *p = json_array_get(ports, i);
        strbuf_addf(&sb, "%s%lld", i ? "," : "", (long long)num(p, "port"));
        if (json_object_get(p, "nodePort"))
            strbuf_addf(&sb, ":%lld", (long long)num(p, "nodePort"));
        const char *proto = json_string_value(json_object_get(p, "protocol"));
        strbuf_addf(&sb, "/%s", proto ? proto : "TCP");
    }
    json_t *v = json_string(sb.len ? sb.buf : "<none>");
    strbuf_release(&sb);
    return v;
}

/* The columns of kind (after Name), and the cells of one object. */
static void columns(const struct asrv_res *res, json_t *cols)
{
    const char *k = res->crd ? "" : res->kind;
    if (!strcmp(k, "ConfigMap")) {
        json_array_append_new(cols, col("Data", "string", "", 0));
    } else if (!strcmp(k, "Secret")) {
        json_array_append_new(cols, col("Type", "string", "", 0));
        json_array_append_new(cols, col("Data", "string", "", 0));
    } else if (!strcmp(k, "Service")) {
        json_array_append_new(cols, col("Type", "string", "", 0));
        json_array_append_new(cols, col("Cluster-IP", "string", "", 0));
        json_array_append_new(cols, col("External-IP", "string", "", 0));
        json_array_append_new(cols, col("Port(s)", "string", "", 0));
    } else if (!strcmp(k, "Deployment")) {
        json_array_append_new(cols, col("Ready", "string", "", 0));
        json_array_append_new(cols, col("Up-to-date", "string", "", 0));
        json_array_append_new(cols, col("Available", "string", "", 0));
    } else if (!strcmp(k, "Namespace")) {
        json_array_append_new(cols, col("Status", "string", "", 0));
    } else if (!strcmp(k, "Pod")) {
        json_array_append_new(cols, col("Ready", "string", "", 0));
        json_array_append_new(cols, col("Status", "string", "", 0));
        json_array_append_new(cols, col("Restarts", "string", "", 0));
    }
    if (!strcmp(k, "CustomResourceDefinition"))
        json_array_append_new(cols, col("Created At", "date", "", 0));
    else
        json_array_append_new(cols, col("Age", "string", "", 0));
    if (!strcmp(k, "Deployment")) {
        json_array_append_new(cols, col("Containers", "string", "", 1));
        json_array_append_new(cols, col("Images", "string", "", 1));
    }
    if (!strcmp(k, "Deployment") || !strcmp(k, "Service"))
        json_array_append_new(cols, col("Selector", "string", "", 1));
}

/* "a,b" of a field of every container; the labels of a selector as "k=v,k2=v2". */
static json_t *joined(const json_t *o, const char *list, const char *field)
{
    const json_t *arr = at(o, list);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *v = json_string_value(json_object_get(json_array_get(arr, i), field));
        strbuf_addf(&sb, "%s%s", i ? "," : "", v ? v : "");
    }
    json_t *r = json_string(sb.len ? sb.buf : "<none>");
    strbuf_release(&sb);
    return r;
}

static json_t *labels_of(const json_t *m)
{
    struct strbuf sb = STRBUF_INIT;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)m, k, v) strbuf_addf(
        &sb, "%s%s=%s", sb.len ? "," : "", k, json_is_string(v) ? json_string_value(v) : "");
    json_t *r = json_string(sb.len ? sb.buf : "<none>");
    strbuf_release(&sb);
    return r;
}

/* Append v (or "<none>" when absent). */
static void put(json_t *c, const json_t *v)
{
    json_array_append_new(c, v ? json_deep_copy(v) : json_string("<none>"));
}

static json_t *cells(const struct asrv_res *res, const json_t *o)
{
    const char *k = res->crd ? "" : res->kind;
    json_t *c = json_array();
    put(c, at(o, "metadata.name"));
    if (!strcmp(k, "ConfigMap")) {
        json_array_append_new(c, json_integer((json_int_t)(json_object_size(at(o, "data")) +
                                                           json_object_size(at(o, "binaryData")))));
    } else if (!strcmp(k, "Secret")) {
        put(c, at(o, "type"));
        json_array_append_new(c, json_integer((json_int_t)json_object_size(at(o, "data"))));
    } else if (!strcmp(k, "Service")) {
        put(c, at(o, "spec.type"));
        const json_t *ip = at(o, "spec.clusterIP");
        json_array_append_new(c, json_string(ip ? json_string_value(ip) : "<none>"));
        json_array_append_new(c, json_string("<none>"));
        json_array_append_new(c, ports_of(o));
    } else if (!strcmp(k, "Deployment")) {
        char *ready = ks_asprintf("%lld/%lld", (long long)num(o, "status.readyReplicas"),
                                  (long long)num(o, "spec.replicas"));
        json_array_append_new(c, json_string(ready));
        free(ready);
        json_array_append_new(c, json_integer(num(o, "status.updatedReplicas")));
        json_array_append_new(c, json_integer(num(o, "status.availableReplicas")));
    } else if (!strcmp(k, "Namespace")) {
        const json_t *ph = at(o, "status.phase");
        json_array_append_new(c, json_string(ph ? json_string_value(ph) : "Active"));
    } else if (!strcmp(k, "Pod")) {
        char *ready = ks_asprintf("0/%zu", json_array_size(at(o, "spec.containers")));
        json_array_append_new(c, json_string(ready));
        free(ready);
        const json_t *ph = at(o, "status.phase");
        json_array_append_new(c, json_string(ph ? json_string_value(ph) : "Pending"));
        json_array_append_new(c, json_string("0"));
    }
    if (!strcmp(k, "CustomResourceDefinition"))
        put(c, at(o, "metadata.creationTimestamp"));
    else
        json_array_append_new(c, age(o));
    if (!strcmp(k, "Deployment")) {
        json_array_append_new(c, joined(o, "spec.template.spec.containers", "name"));
        json_array_append_new(c, joined(o, "spec.template.spec.containers", "image"));
        json_array_append_new(c, labels_of(at(o, "spec.selector.matchLabels")));
    } else if (!strcmp(k, "Service")) {
        json_array_append_new(c, labels_of(at(o, "spec.selector")));
    }
    return c;
}

json_t *asrv_table_build(const struct asrv_res *res, const json_t *objs, const char *version,
                         const char *resource_version)
{
    json_t *cols = json_array();
    json_array_append_new(cols, col("Name", "string", "name", 0));
    columns(res, cols);
    json_t *rows = json_array();
    for (size_t i = 0; i < json_array_size(objs); i++) {
        const json_t *o = json_array_get(objs, i);
        char *av = ks_asprintf("meta.k8s.io/%s", version);
        json_t *pom = json_pack("{s:s,s:s,s:O}", "kind", "PartialObjectMetadata", "apiVersion", av,
                                "metadata", json_object_get(o, "metadata"));
        free(av);
        json_array_append_new(rows, json_pack("{s:o,s:o}", "cells", cells(res, o), "object", pom));
    }
    char *av = ks_asprintf("meta.k8s.io/%s", version);
    json_t *t =
        json_pack("{s:s,s:s,s:{s:s},s:o,s:o}", "kind", "Table", "apiVersion", av, "metadata",
                  "resourceVersion", resource_version, "columnDefinitions", cols, "rows", rows);
    free(av);
    return t;
}
