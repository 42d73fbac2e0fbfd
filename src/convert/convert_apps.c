/*
 * convert_apps.c: workload controllers to apps/v1 (and Deployment back to
 * extensions/v1beta1). The field shapes match; what differs is the defaulting
 * of the old versions (kubernetes pkg/apis/{extensions,apps}/v1beta1 and
 * apps/v1beta2 defaults.go) and fields apps/v1 dropped (rollbackTo,
 * templateGeneration).
 */
#include "convert/convert_apps.h"

#include "convert/convert_util.h"

#include <string.h>

/*
 * strategy.rollingUpdate defaults: when the type is RollingUpdate (or unset,
 * which defaults to it) or, with or_present, whenever rollingUpdate is set.
 */
static void rolling_update_defaults(json_t *strategy, bool or_present, bool write_type,
                                    json_t *max_unavailable, json_t *max_surge)
{
    const char *type = convert_util_str_get(strategy, "type");
    bool rolling = !type || !*type || strcmp(type, "RollingUpdate") == 0;
    if (strategy && (rolling || (or_present && !convert_util_unset(strategy, "rollingUpdate")))) {
        /*
         * The old defaulting also set the type. Writing it keeps re-applies
         * stable: a strategy holding rollingUpdate without its type makes every
         * three-way patch carry $retainKeys (smp-semantics.md §3.5) against a
         * live object whose type the server defaulted.
         */
        if (write_type && rolling && (!type || !*type))
            json_object_set_new(strategy, "type", json_string("RollingUpdate"));
        json_t *ru = convert_util_obj_ensure(strategy, "rollingUpdate");
        if (ru) {
            if (max_unavailable)
                convert_util_default_new(ru, "maxUnavailable", json_incref(max_unavailable));
            if (max_surge)
                convert_util_default_new(ru, "maxSurge", json_incref(max_surge));
        }
    }
    json_decref(max_unavailable);
    json_decref(max_surge);
}

int convert_apps_deployment_ext_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: extensions/v1beta1 SetDefaults_Deployment (release-1.15 defaults.go) */
    convert_util_selector_from_template(obj);
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    /* maxUnavailable/maxSurge 1 where apps/v1 would default 25% */
    rolling_update_defaults(convert_util_obj_ensure(spec, "strategy"), true, true, json_integer(1),
                            json_integer(1));
    json_t *strategy = convert_util_obj_get(spec, "strategy");
    if (strategy && json_object_size(strategy) == 0)
        json_object_del(spec, "strategy");
    /* MaxInt32 "has the same meaning as unset" in extensions/v1beta1; apps/v1 says 600 and 10 */
    convert_util_default_new(spec, "progressDeadlineSeconds", json_integer(2147483647));
    convert_util_default_new(spec, "revisionHistoryLimit", json_integer(2147483647));
    /* PARITY: apps/v1 has no rollbackTo (Convert_apps_Deployment_To_v1_Deployment kept it only
     * in the deprecated.deployment.rollback.to annotation, for round trips) */
    json_object_del(spec, "rollbackTo");
    return 0;
}

int convert_apps_deployment_v1beta1_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: apps/v1beta1 SetDefaults_Deployment: selector, labels, revisionHistoryLimit 2 */
    convert_util_selector_from_template(obj);
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    convert_util_default_new(spec, "revisionHistoryLimit", json_integer(2));
    json_object_del(spec, "rollbackTo");
    return 0;
}

int convert_apps_deployment_ext_down(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: apps/v1 SetDefaults_Deployment, where extensions/v1beta1 defaults otherwise */
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    json_t *strategy = convert_util_obj_ensure(spec, "strategy");
    rolling_update_defaults(strategy, false, false, json_string("25%"), json_string("25%"));
    if (strategy && json_object_size(strategy) == 0)
        json_object_del(spec, "strategy");
    convert_util_default_new(spec, "revisionHistoryLimit", json_integer(10));
    convert_util_default_new(spec, "progressDeadlineSeconds", json_integer(600));
    return 0;
}

int convert_apps_daemonset_ext_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: extensions/v1beta1 SetDefaults_DaemonSet: updateStrategy OnDelete (apps/v1:
     * RollingUpdate); the rest (maxUnavailable 1, revisionHistoryLimit 10) matches apps/v1 */
    convert_util_selector_from_template(obj);
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    json_t *us = convert_util_obj_ensure(spec, "updateStrategy");
    if (us && convert_util_empty(json_object_get(us, "type")))
        json_object_set_new(us, "type", json_string("OnDelete"));
    /* apps/v1 keeps templateGeneration only in the deprecated.daemonset.template.generation
     * annotation, which no served version reads */
    json_object_del(spec, "templateGeneration");
    return 0;
}

int convert_apps_replicaset_ext_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: extensions/v1beta1 SetDefaults_ReplicaSet: selector and labels from the template */
    convert_util_selector_from_template(obj);
    return 0;
}

int convert_apps_statefulset_v1beta1_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: apps/v1beta1 SetDefaults_StatefulSet: updateStrategy OnDelete (apps/v1:
     * RollingUpdate with partition 0), selector and labels from the template */
    convert_util_selector_from_template(obj);
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    json_t *us = convert_util_obj_ensure(spec, "updateStrategy");
    if (us && convert_util_empty(json_object_get(us, "type")))
        json_object_set_new(us, "type", json_string("OnDelete"));
    return 0;
}
