/*
 * convert_hpa.c: HorizontalPodAutoscaler metrics. autoscaling/v2beta1 spells
 * targets as flat fields (targetAverageUtilization, targetValue, metricName);
 * v2beta2 and v2 nest them as metric{name,selector} and target{type,value,
 * averageValue,averageUtilization} (kubernetes pkg/apis/autoscaling/v2beta1/
 * conversion.go). The older versions carried newer fields in annotations,
 * which every conversion drops (DropRoundTripHorizontalPodAutoscalerAnnotations).
 */
#include "convert/convert_hpa.h"

#include "base/gojson.h"
#include "convert/convert_util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Move src[from] into dst[to] when present and not null. */
static void move(json_t *dst, const char *to, json_t *src, const char *from)
{
    json_t *v = json_object_get(src, from);
    if (v && !json_is_null(v))
        json_object_set(dst, to, v);
}

/* src[from] (a resource.Quantity, a value type in v2beta1), or "0" when unset. */
static json_t *quantity_or_zero(json_t *src, const char *from)
{
    json_t *v = json_object_get(src, from);
    return v && !json_is_null(v) ? json_incref(v) : json_string("0");
}

/* {name: src[name_key], selector: src[sel_key]}: a v2 MetricIdentifier. */
static json_t *metric_identifier(json_t *src, const char *sel_key)
{
    json_t *m = json_object();
    const char *name = convert_util_str_get(src, "metricName");
    json_object_set_new(m, "name", json_string(name ? name : ""));
    move(m, "selector", src, sel_key);
    return m;
}

/* v2beta1 CrossVersionObjectReference `target` -> v2 `describedObject`. */
static json_t *described_object(json_t *src)
{
    json_t *t = convert_util_obj_get(src, "target"), *d = json_object();
    const char *kind = convert_util_str_get(t, "kind"), *name = convert_util_str_get(t, "name");
    json_object_set_new(d, "kind", json_string(kind ? kind : ""));
    json_object_set_new(d, "name", json_string(name ? name : ""));
    move(d, "apiVersion", t, "apiVersion");
    return d;
}

/* One v2beta1 MetricSpec (status: one MetricStatus), rewritten in place. */
static void metric_up(json_t *m, bool status)
{
    const char *pre = status ? "current" : "target";
    char util[40], avg[40], val[40];
    snprintf(util, sizeof(util), "%sAverageUtilization", pre);
    snprintf(avg, sizeof(avg), "%sAverageValue", pre);
    snprintf(val, sizeof(val), "%sValue", pre);

    static const char *const resource_keys[] = {"resource", "containerResource"};
    for (size_t i = 0; i < 2; i++) {
        json_t *r = convert_util_obj_get(m, resource_keys[i]);
        if (!r)
            continue;
        /* PARITY: Convert_v2beta1_Resource{MetricSource,MetricStatus}_To_autoscaling_... */
        json_t *t = json_object();
        bool has_util = !convert_util_unset(r, util);
        if (status)
            json_object_set_new(t, "averageValue", quantity_or_zero(r, avg));
        else {
            json_object_set_new(t, "type", json_string(has_util ? "Utilization" : "AverageValue"));
            move(t, "averageValue", r, avg);
        }
        move(t, "averageUtilization", r, util);
        json_object_del(r, util);
        json_object_del(r, avg);
        json_object_set_new(r, pre, t);
    }
    json_t *p = convert_util_obj_get(m, "pods");
    if (p) {
        /* PARITY: Convert_v2beta1_PodsMetric{Source,Status}_To_autoscaling_... */
        json_t *t = json_object();
        if (!status)
            json_object_set_new(t, "type", json_string("AverageValue"));
        json_object_set_new(t, "averageValue", quantity_or_zero(p, avg));
        json_t *n = json_object();
        json_object_set_new(n, "metric", metric_identifier(p, "selector"));
        json_object_set_new(n, pre, t);
        json_object_set_new(m, "pods", n);
    }
    json_t *o = convert_util_obj_get(m, "object");
    if (o) {
        /* PARITY: Convert_v2beta1_ObjectMetric{Source,Status}_To_autoscaling_...: the value is
         * always set, the type is AverageValue only when averageValue is */
        json_t *t = json_object();
        if (!status)
            json_object_set_new(
                t, "type",
                json_string(convert_util_unset(o, "averageValue") ? "Value" : "AverageValue"));
        json_object_set_new(t, "value", quantity_or_zero(o, val));
        move(t, "averageValue", o, "averageValue");
        json_t *n = json_object();
        json_object_set_new(n, "describedObject", described_object(o));
        json_object_set_new(n, "metric", metric_identifier(o, "selector"));
        json_object_set_new(n, pre, t);
        json_object_set_new(m, "object", n);
    }
    json_t *x = convert_util_obj_get(m, "external");
    if (x) {
        /* PARITY: Convert_v2beta1_ExternalMetric{Source,Status}_To_autoscaling_... */
        json_t *t = json_object();
        if (status) {
            json_object_set_new(t, "value", quantity_or_zero(x, val));
        } else {
            json_object_set_new(t, "type",
                                json_string(convert_util_unset(x, val) ? "AverageValue" : "Value"));
            move(t, "value", x, val);
        }
        move(t, "averageValue", x, avg);
        json_t *n = json_object();
        json_object_set_new(n, "metric", metric_identifier(x, "metricSelector"));
        json_object_set_new(n, pre, t);
        json_object_set_new(m, "external", n);
    }
}

/*
 * A copy of src with its members renamed to the names in keys, matched without
 * regard to case as encoding/json matches them; other members are dropped.
 * The annotation holds the internal type marshalled without json tags
 * ("ScaleUp", "StabilizationWindowSeconds"), which Unmarshal reads either way.
 */
static json_t *fold_members(json_t *src, const char *const *keys)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v)
    {
        for (const char *const *want = keys; *want; want++)
            if (strcasecmp(k, *want) == 0 && !json_is_null(v))
                json_object_set(out, *want, v);
    }
    return out;
}

/* The behavior annotation's value as a v2 HorizontalPodAutoscalerBehavior. */
static json_t *behavior_from_annotation(json_t *b)
{
    static const char *const top[] = {"scaleUp", "scaleDown", NULL};
    static const char *const rules[] = {"stabilizationWindowSeconds", "selectPolicy", "policies",
                                        "tolerance", NULL};
    static const char *const policy[] = {"type", "value", "periodSeconds", NULL};
    json_t *out = fold_members(b, top);
    const char *k;
    json_t *v;
    json_object_foreach(out, k, v)
    {
        if (!json_is_object(v))
            continue;
        json_t *r = fold_members(v, rules);
        json_t *pols = convert_util_arr_get(r, "policies");
        for (size_t i = 0; i < json_array_size(pols); i++)
            if (json_is_object(json_array_get(pols, i)))
                json_array_set_new(pols, i, fold_members(json_array_get(pols, i), policy));
        json_object_set_new(out, k, r);
    }
    return out;
}

/*
 * PARITY: DropRoundTripHorizontalPodAutoscalerAnnotations; an annotation map
 * left empty is dropped by omitempty. behavior: the v2beta1 annotation moves to
 * spec.behavior when it holds a non-empty object (as the conversion did).
 */
static void drop_round_trip_annotations(json_t *obj, bool take_behavior)
{
    static const char *const keys[] = {
        "autoscaling.alpha.kubernetes.io/metrics",
        "autoscaling.alpha.kubernetes.io/behavior",
        "autoscaling.alpha.kubernetes.io/current-metrics",
        "autoscaling.alpha.kubernetes.io/conditions",
    };
    json_t *meta = convert_util_obj_get(obj, "metadata");
    json_t *ann = convert_util_obj_get(meta, "annotations");
    if (!ann)
        return;
    const char *beh = convert_util_str_get(ann, keys[1]);
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (take_behavior && beh && spec) {
        json_t *b = NULL;
        struct ks_err e = KS_ERR_INIT;
        if (gojson_loads(&b, beh, strlen(beh), &e) == 0 && json_is_object(b)) {
            json_t *nb = behavior_from_annotation(b);
            if (json_object_size(nb))
                json_object_set(spec, "behavior", nb);
            json_decref(nb);
        }
        json_decref(b);
    }
    for (size_t i = 0; i < KS_ARRAY_SIZE(keys); i++)
        json_object_del(ann, keys[i]);
    if (json_object_size(ann) == 0)
        json_object_del(meta, "annotations");
}

static void metrics_each(json_t *parent, const char *key, bool status)
{
    json_t *arr = convert_util_arr_get(parent, key);
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (json_is_object(json_array_get(arr, i)))
            metric_up(json_array_get(arr, i), status);
}

int convert_hpa_v2beta1_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    drop_round_trip_annotations(obj, true);
    metrics_each(convert_util_obj_get(obj, "spec"), "metrics", false);
    metrics_each(convert_util_obj_get(obj, "status"), "currentMetrics", true);
    return 0;
}

int convert_hpa_v2beta2_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: Convert_v2beta2_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler */
    drop_round_trip_annotations(obj, false);
    return 0;
}

int convert_hpa_v2_down(json_t *obj, struct ks_err *e)
{
    (void)e;
    drop_round_trip_annotations(obj, false);
    /* NEEDSWORK: upstream keeps behavior.scale{Up,Down}.tolerance (alpha in 1.33) in
     * annotations for the round trip; clusters that serve only v2beta2 have no such field,
     * so it is dropped here */
    json_t *beh = convert_util_path(obj, "spec", "behavior", NULL);
    json_object_del(convert_util_obj_get(beh, "scaleUp"), "tolerance");
    json_object_del(convert_util_obj_get(beh, "scaleDown"), "tolerance");
    return 0;
}
