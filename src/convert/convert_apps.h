/*
 * convert_apps.h: rules for the workload controllers (Deployment, DaemonSet,
 * ReplicaSet, StatefulSet) between extensions/v1beta1, apps/v1beta1,
 * apps/v1beta2 and apps/v1. Each rewrites obj in place (see convert.h).
 *
 * Ownership: each function changes obj, the engine's private copy, in place.
 * Errors: none; they return 0.
 */
#ifndef CONVERT_APPS_H
#define CONVERT_APPS_H

#include "base/ks.h"

#include <jansson.h>

/* extensions/v1beta1 Deployment -> apps/v1. */
int convert_apps_deployment_ext_up(json_t *obj, struct ks_err *e);
/* apps/v1beta1 Deployment -> apps/v1. */
int convert_apps_deployment_v1beta1_up(json_t *obj, struct ks_err *e);
/* apps/v1 Deployment -> extensions/v1beta1 (clusters before 1.9). */
int convert_apps_deployment_ext_down(json_t *obj, struct ks_err *e);
/* extensions/v1beta1 DaemonSet -> apps/v1. */
int convert_apps_daemonset_ext_up(json_t *obj, struct ks_err *e);
/* extensions/v1beta1 ReplicaSet -> apps/v1. */
int convert_apps_replicaset_ext_up(json_t *obj, struct ks_err *e);
/* apps/v1beta1 StatefulSet -> apps/v1. */
int convert_apps_statefulset_v1beta1_up(json_t *obj, struct ks_err *e);

#endif
