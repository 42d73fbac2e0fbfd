/*
 * asrv_defaults.c: a subset of kube-apiserver's defaulting functions
 * (pkg/apis/<group>/v1/defaults.go) for the kinds that manifests commonly
 * hold; the same subset as tools/oracle/defaults.py. Deterministic: the
 * Service clusterIP is derived from the object's name.
 */
#include "apiserver/asrv_defaults.h"

#include "base/ks.h"
#include "base/strbuf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void sd(json_t *o, const char *k, json_t *v)
{
    if (json_is_object(o) && !json_object_get(o, k))
        json_object_set_new(o, k, v);
    else
        json_decref(v);
}

static json_t *sub(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_object(v) ? v : NULL;
}

/* An object member, created as {} when absent. NULL when it holds something else. */
static json_t *sub_make(json_t *o, const char *k)
{
    if (!json_is_object(o))
        return NULL;
    json_t *v = json_object_get(o, k);
    if (!v) {
        v = json_object();
        json_object_set_new(o, k, v);
    }
    return json_is_object(v) ? v : NULL;
}

/* PARITY: SetDefaults_Container (imagePullPolicy from the tag) and probes, ports, env. */
static void container(json_t *c)
{
    const char *image = json_string_value(json_object_get(c, "image"));
    const char *tag = image ? strrchr(image, '/') : NULL;
    tag = tag ? tag + 1 : (image ? image : "");
    const char *pull = "IfNotPresent";
    const char *colon = strrchr(tag, ':');
    if (!strchr(tag, '@') && (!colon || strcmp(colon, ":latest") == 0))
        pull = "Always";
    sd(c, "imagePullPolicy", json_string(pull));
    sd(c, "terminationMessagePath", json_string("/dev/termination-log"));
    sd(c, "terminationMessagePolicy", json_string("File"));
    sd(c, "resources", json_object());
    json_t *ports = json_object_get(c, "ports");
    for (size_t i = 0; i < json_array_size(ports); i++)
        sd(json_array_get(ports, i), "protocol", json_string("TCP"));
    static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
    for (size_t i = 0; i < 3; i++) {
        json_t *p = sub(c, probes[i]);
        if (!p)
            continue;
        sd(p, "timeoutSeconds", json_integer(1));
        sd(p, "periodSeconds", json_integer(10));
        sd(p, "successThreshold", json_integer(1));
        sd(p, "failureThreshold", json_integer(3));
        sd(sub(p, "httpGet"), "scheme", json_string("HTTP"));
    }
    json_t *env = json_object_get(c, "env");
    for (size_t i = 0; i < json_array_size(env); i++)
        sd(sub(sub(json_array_get(env, i), "valueFrom"), "fieldRef"), "apiVersion",
           json_string("v1"));
}

static void pod_spec(json_t *spec, const char *restart)
{
    if (restart)
        sd(spec, "restartPolicy", json_string(restart));
    sd(spec, "dnsPolicy", json_string("ClusterFirst"));
    sd(spec, "schedulerName", json_string("default-scheduler"));
    sd(spec, "securityContext", json_object());
    sd(spec, "terminationGracePeriodSeconds", json_integer(30));
    static const char *const lists[] = {"containers", "initContainers"};
    for (size_t k = 0; k < 2; k++) {
        json_t *cs = json_object_get(spec, lists[k]);
        for (size_t i = 0; i < json_array_size(cs); i++)
            if (json_is_object(json_array_get(cs, i)))
                container(json_array_get(cs, i));
    }
    json_t *vols = json_object_get(spec, "volumes");
    for (size_t i = 0; i < json_array_size(vols); i++) {
        json_t *v = json_array_get(vols, i);
        sd(sub(v, "configMap"), "defaultMode", json_integer(420));
        sd(sub(v, "secret"), "defaultMode", json_integer(420));
        sd(sub(v, "hostPath"), "type", json_string(""));
    }
}

static void template(json_t *t, const char *restart)
{
    if (!json_is_object(t))
        return;
    json_t *md = json_object_get(t, "metadata");
    if (!md || json_is_null(md)) {
        md = json_object();
        json_object_set_new(t, "metadata", md);
    }
    /* PARITY: the API server keeps "creationTimestamp": null in templates. */
    sd(md, "creationTimestamp", json_null());
    json_t *spec = sub(t, "spec");
    if (spec)
        pod_spec(spec, restart);
}

static void deployment(json_t *obj, json_t *spec)
{
    sd(spec, "replicas", json_integer(1));
    sd(spec, "revisionHistoryLimit", json_integer(10));
    sd(spec, "progressDeadlineSeconds", json_integer(600));
    json_t *st = sub_make(spec, "strategy");
    sd(st, "type", json_string("RollingUpdate"));
    const char *type = json_string_value(json_object_get(st, "type"));
    if (type && strcmp(type, "RollingUpdate") == 0) {
        json_t *ru = sub_make(st, "rollingUpdate");
        sd(ru, "maxSurge", json_string("25%"));
        sd(ru, "maxUnavailable", json_string("25%"));
    }
    template(json_object_get(spec, "template"), "Always");
    sd(obj, "status", json_object());
}

static void statefulset(json_t *obj, json_t *spec)
{
    sd(spec, "replicas", json_integer(1));
    sd(spec, "revisionHistoryLimit", json_integer(10));
    sd(spec, "podManagementPolicy", json_string("OrderedReady"));
    json_t *us = sub_make(spec, "updateStrategy");
    sd(us, "type", json_string("RollingUpdate"));
    const char *type = json_string_value(json_object_get(us, "type"));
    if (type && strcmp(type, "RollingUpdate") == 0)
        sd(us, "rollingUpdate", json_pack("{s:i}", "partition", 0));
    sd(spec, "persistentVolumeClaimRetentionPolicy",
       json_pack("{s:s,s:s}", "whenDeleted", "Retain", "whenScaled", "Retain"));
    template(json_object_get(spec, "template"), "Always");
    sd(obj, "status", json_pack("{s:i,s:i}", "availableReplicas", 0, "replicas", 0));
}

static void daemonset(json_t *obj, json_t *spec)
{
    sd(spec, "revisionHistoryLimit", json_integer(10));
    json_t *us = sub_make(spec, "updateStrategy");
    sd(us, "type", json_string("RollingUpdate"));
    const char *type = json_string_value(json_object_get(us, "type"));
    if (type && strcmp(type, "RollingUpdate") == 0)
        sd(us, "rollingUpdate", json_pack("{s:i,s:i}", "maxSurge", 0, "maxUnavailable", 1));
    template(json_object_get(spec, "template"), "Always");
    sd(obj, "status",
       json_pack("{s:i,s:i,s:i,s:i}", "currentNumberScheduled", 0, "desiredNumberScheduled", 0,
                 "numberMisscheduled", 0, "numberReady", 0));
}

static void job_spec(json_t *spec)
{
    sd(spec, "backoffLimit", json_integer(6));
    sd(spec, "completionMode", json_string("NonIndexed"));
    sd(spec, "completions", json_integer(1));
    sd(spec, "parallelism", json_integer(1));
    sd(spec, "suspend", json_false());
    sd(spec, "podReplacementPolicy", json_string("TerminatingOrFailed"));
    template(json_object_get(spec, "template"), NULL);
}

static void cronjob(json_t *spec)
{
    sd(spec, "concurrencyPolicy", json_string("Allow"));
    sd(spec, "failedJobsHistoryLimit", json_integer(1));
    sd(spec, "successfulJobsHistoryLimit", json_integer(3));
    sd(spec, "suspend", json_false());
    json_t *jt = sub(spec, "jobTemplate");
    if (jt) {
        sd(sub_make(jt, "metadata"), "creationTimestamp", json_null());
        json_t *js = sub(jt, "spec");
        if (js)
            template(json_object_get(js, "template"), NULL);
    }
}

/* A cluster IP derived from the name (10.96.x.y), stable across runs. */
static char *cluster_ip(const char *name)
{
    unsigned h = 2166136261u;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    unsigned a = h & 0xff, b = (h >> 8) & 0xff;
    return ks_asprintf("10.96.%u.%u", a, b < 2 ? b + 2 : (b == 255 ? 254 : b));
}

static void service(json_t *obj, json_t *spec)
{
    sd(spec, "type", json_string("ClusterIP"));
    const char *type = json_string_value(json_object_get(spec, "type"));
    if (!type)
        type = "ClusterIP";
    if (strcmp(type, "ExternalName") != 0) {
        const char *name =
            json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
        char *ip = cluster_ip(name ? name : "");
        sd(spec, "clusterIP", json_string(ip));
        free(ip);
        json_t *cip = json_object_get(spec, "clusterIP");
        sd(spec, "clusterIPs", json_pack("[O]", cip));
        sd(spec, "internalTrafficPolicy", json_string("Cluster"));
        sd(spec, "ipFamilies", json_pack("[s]", "IPv4"));
        sd(spec, "ipFamilyPolicy", json_string("SingleStack"));
    }
    sd(spec, "sessionAffinity", json_string("None"));
    json_t *ports = json_object_get(spec, "ports");
    bool node = strcmp(type, "NodePort") == 0 || strcmp(type, "LoadBalancer") == 0;
    for (size_t i = 0; i < json_array_size(ports); i++) {
        json_t *p = json_array_get(ports, i);
        if (!json_is_object(p))
            continue;
        sd(p, "protocol", json_string("TCP"));
        json_t *port = json_object_get(p, "port");
        if (port)
            sd(p, "targetPort", json_deep_copy(port));
        if (node)
            sd(p, "nodePort",
               json_integer(30000 + (json_integer_value(port) * 7 + (json_int_t)i) % 2767));
    }
    if (node)
        sd(spec, "externalTrafficPolicy", json_string("Cluster"));
    sd(obj, "status", json_pack("{s:{}}", "loadBalancer"));
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64(const char *s, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)s[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)s[i + 2];
        strbuf_addch(&sb, b64[(v >> 18) & 63]);
        strbuf_addch(&sb, b64[(v >> 12) & 63]);
        strbuf_addch(&sb, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        strbuf_addch(&sb, i + 2 < n ? b64[v & 63] : '=');
    }
    strbuf_grow(&sb, 0);
    return strbuf_detach(&sb, NULL);
}

/* PARITY: stringData is write-only; the API server merges it into data (base64). */
static void secret(json_t *obj)
{
    sd(obj, "type", json_string("Opaque"));
    json_t *sdata = json_object_get(obj, "stringData");
    if (!sdata)
        return;
    if (json_is_object(sdata)) {
        json_t *data = sub_make(obj, "data");
        if (!data && json_is_null(json_object_get(obj, "data"))) {
            data = json_object();
            json_object_set_new(obj, "data", data);
        }
        const char *k;
        json_t *v;
        json_object_foreach(sdata, k, v)
        {
            if (!json_is_string(v) || !data)
                continue;
            char *enc = base64(json_string_value(v), json_string_length(v));
            json_object_set_new(data, k, json_string(enc));
            free(enc);
        }
    }
    json_object_del(obj, "stringData");
}

static void namespace(json_t *obj)
{
    /* PARITY: the namespace strategy's PrepareForCreate adds the kubernetes finalizer */
    sd(sub_make(obj, "spec"), "finalizers", json_pack("[s]", "kubernetes"));
    sd(obj, "status", json_pack("{s:s}", "phase", "Active"));
    json_t *md = sub_make(obj, "metadata");
    json_t *labels = sub_make(md, "labels");
    json_t *name = json_object_get(md, "name");
    if (labels && json_is_string(name))
        sd(labels, "kubernetes.io/metadata.name", json_incref(name));
}

void asrv_defaults_apply(json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!kind)
        return;
    json_t *spec = sub(obj, "spec");
    if (strcmp(kind, "Secret") == 0) {
        secret(obj);
    } else if (strcmp(kind, "Namespace") == 0) {
        namespace(obj);
    } else if (!spec) {
        return;
    } else if (strcmp(kind, "Deployment") == 0) {
        deployment(obj, spec);
    } else if (strcmp(kind, "StatefulSet") == 0) {
        statefulset(obj, spec);
    } else if (strcmp(kind, "DaemonSet") == 0) {
        daemonset(obj, spec);
    } else if (strcmp(kind, "ReplicaSet") == 0) {
        sd(spec, "replicas", json_integer(1));
        template(json_object_get(spec, "template"), "Always");
    } else if (strcmp(kind, "Job") == 0) {
        job_spec(spec);
    } else if (strcmp(kind, "CronJob") == 0) {
        cronjob(spec);
    } else if (strcmp(kind, "Pod") == 0) {
        pod_spec(spec, "Always");
        sd(spec, "enableServiceLinks", json_true());
        sd(spec, "preemptionPolicy", json_string("PreemptLowerPriority"));
        sd(spec, "priority", json_integer(0));
        sd(obj, "status", json_pack("{s:s,s:s}", "phase", "Pending", "qosClass", "BestEffort"));
    } else if (strcmp(kind, "Service") == 0) {
        service(obj, spec);
    } else if (strcmp(kind, "NetworkPolicy") == 0) {
        /* PARITY: SetDefaults_NetworkPolicy: Ingress always, Egress when egress rules exist */
        if (!json_object_get(spec, "policyTypes")) {
            json_t *types = json_pack("[s]", "Ingress");
            if (json_array_size(json_object_get(spec, "egress")) > 0)
                json_array_append_new(types, json_string("Egress"));
            json_object_set_new(spec, "policyTypes", types);
        }
    } else if (strcmp(kind, "HorizontalPodAutoscaler") == 0) {
        /* PARITY: autoscaling/v2 SetDefaults_HorizontalPodAutoscaler */
        sd(spec, "minReplicas", json_integer(1));
        if (json_array_size(json_object_get(spec, "metrics")) == 0)
            json_object_set_new(spec, "metrics",
                                json_pack("[{s:s,s:{s:s,s:{s:s,s:i}}}]", "type", "Resource",
                                          "resource", "name", "cpu", "target", "type",
                                          "Utilization", "averageUtilization", 80));
    } else if (strcmp(kind, "PersistentVolumeClaim") == 0) {
        sd(spec, "volumeMode", json_string("Filesystem"));
        sd(obj, "status", json_pack("{s:s}", "phase", "Pending"));
    }
}
