/*
 * convert_rules.c: every built-in conversion, one table line each: kind,
 * from, to, direction, the upstream code it follows, and the function that
 * rewrites the fields (NULL when only apiVersion changes, i.e. both versions
 * share the field layout and the defaults).
 */
#include "convert/convert_rules.h"

#include "convert/convert_apps.h"
#include "convert/convert_crd.h"
#include "convert/convert_hpa.h"
#include "convert/convert_ingress.h"
#include "convert/convert_misc.h"

#define UP false
#define DOWN true

#define EXT "extensions/v1beta1"
#define APPS "apps/v1"
#define NET "networking.k8s.io/v1"
#define NETB "networking.k8s.io/v1beta1"
#define FC "flowcontrol.apiserver.k8s.io/v1"
#define K "pkg/apis/"

/* clang-format off */
static const struct convert_rule rules[] = {
    /* workloads */
    {"Deployment", EXT, APPS, UP, K "extensions/v1beta1/defaults.go SetDefaults_Deployment", convert_apps_deployment_ext_up},
    {"Deployment", "apps/v1beta1", APPS, UP, K "apps/v1beta1/defaults.go SetDefaults_Deployment", convert_apps_deployment_v1beta1_up},
    {"Deployment", "apps/v1beta2", APPS, UP, K "apps/v1beta2/defaults.go SetDefaults_Deployment", NULL},
    {"DaemonSet", EXT, APPS, UP, K "extensions/v1beta1/defaults.go SetDefaults_DaemonSet", convert_apps_daemonset_ext_up},
    {"DaemonSet", "apps/v1beta2", APPS, UP, K "apps/v1beta2/defaults.go SetDefaults_DaemonSet", NULL},
    {"ReplicaSet", EXT, APPS, UP, K "extensions/v1beta1/defaults.go SetDefaults_ReplicaSet", convert_apps_replicaset_ext_up},
    {"ReplicaSet", "apps/v1beta2", APPS, UP, K "apps/v1beta2/defaults.go SetDefaults_ReplicaSet", NULL},
    {"StatefulSet", "apps/v1beta1", APPS, UP, K "apps/v1beta1/defaults.go SetDefaults_StatefulSet", convert_apps_statefulset_v1beta1_up},
    {"StatefulSet", "apps/v1beta2", APPS, UP, K "apps/v1beta2/defaults.go SetDefaults_StatefulSet", NULL},
    {"ControllerRevision", "apps/v1beta1", APPS, UP, K "apps/v1beta1 zz_generated.conversion.go", NULL},
    {"ControllerRevision", "apps/v1beta2", APPS, UP, K "apps/v1beta2 zz_generated.conversion.go", NULL},

    /* networking */
    {"Ingress", EXT, NET, UP, K "networking/v1beta1/conversion.go Convert_v1beta1_IngressSpec_To_networking_IngressSpec", convert_ingress_up},
    {"Ingress", NETB, NET, UP, K "networking/v1beta1/conversion.go Convert_v1beta1_IngressSpec_To_networking_IngressSpec", convert_ingress_up},
    {"IngressClass", NETB, NET, UP, K "networking/v1beta1 zz_generated.conversion.go", NULL},
    {"NetworkPolicy", EXT, NET, UP, K "extensions/v1beta1/defaults.go SetDefaults_NetworkPolicy", NULL},

    /* batch, policy, autoscaling */
    {"CronJob", "batch/v1beta1", "batch/v1", UP, K "batch/v1beta1/defaults.go SetDefaults_CronJob", NULL},
    {"PodDisruptionBudget", "policy/v1beta1", "policy/v1", UP, K "policy/v1beta1/conversion.go Convert_v1beta1_PodDisruptionBudget_To_policy_PodDisruptionBudget", convert_misc_pdb_up},
    {"HorizontalPodAutoscaler", "autoscaling/v2beta1", "autoscaling/v2", UP, K "autoscaling/v2beta1/conversion.go", convert_hpa_v2beta1_up},
    {"HorizontalPodAutoscaler", "autoscaling/v2beta2", "autoscaling/v2", UP, K "autoscaling/v2beta2/conversion.go", convert_hpa_v2beta2_up},

    /* RBAC */
    {"Role", "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1", UP, K "rbac/v1beta1 zz_generated.conversion.go", NULL},
    {"ClusterRole", "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1", UP, K "rbac/v1beta1 zz_generated.conversion.go", NULL},
    {"RoleBinding", "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1", UP, K "rbac/v1beta1/defaults.go SetDefaults_Subject", NULL},
    {"ClusterRoleBinding", "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1", UP, K "rbac/v1beta1/defaults.go SetDefaults_Subject", NULL},

    /* scheduling, coordination, node, storage, discovery, events */
    {"PriorityClass", "scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1", UP, K "scheduling/v1beta1/defaults.go SetDefaults_PriorityClass", NULL},
    {"Lease", "coordination.k8s.io/v1beta1", "coordination.k8s.io/v1", UP, K "coordination/v1beta1 zz_generated.conversion.go", NULL},
    {"RuntimeClass", "node.k8s.io/v1beta1", "node.k8s.io/v1", UP, K "node/v1beta1 zz_generated.conversion.go", NULL},
    {"CSIDriver", "storage.k8s.io/v1beta1", "storage.k8s.io/v1", UP, K "storage/v1beta1/defaults.go SetDefaults_CSIDriver", NULL},
    {"CSINode", "storage.k8s.io/v1beta1", "storage.k8s.io/v1", UP, K "storage/v1beta1 zz_generated.conversion.go", NULL},
    {"StorageClass", "storage.k8s.io/v1beta1", "storage.k8s.io/v1", UP, K "storage/v1beta1/defaults.go SetDefaults_StorageClass", NULL},
    {"VolumeAttachment", "storage.k8s.io/v1beta1", "storage.k8s.io/v1", UP, K "storage/v1beta1 zz_generated.conversion.go", NULL},
    {"CSIStorageCapacity", "storage.k8s.io/v1beta1", "storage.k8s.io/v1", UP, K "storage/v1beta1 zz_generated.conversion.go", NULL},
    {"EndpointSlice", "discovery.k8s.io/v1beta1", "discovery.k8s.io/v1", UP, K "discovery/v1beta1/conversion.go Convert_v1beta1_Endpoint_To_discovery_Endpoint", convert_misc_endpointslice_up},
    {"Event", "events.k8s.io/v1beta1", "events.k8s.io/v1", UP, K "events/v1beta1 zz_generated.conversion.go", NULL},

    /* API priority and fairness */
    {"FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta1", FC, UP, K "flowcontrol/v1beta1/defaults.go SetDefaults_FlowSchemaSpec", NULL},
    {"FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta2", FC, UP, K "flowcontrol/v1beta2/defaults.go SetDefaults_FlowSchemaSpec", NULL},
    {"FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta3", FC, UP, K "flowcontrol/v1beta3/defaults.go SetDefaults_FlowSchemaSpec", NULL},
    {"PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io/v1beta1", FC, UP, K "flowcontrol/v1beta1/conversion.go Convert_v1beta1_LimitedPriorityLevelConfiguration_To_flowcontrol_LimitedPriorityLevelConfiguration", convert_misc_plc_v1beta2_up},
    {"PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io/v1beta2", FC, UP, K "flowcontrol/v1beta2/conversion.go Convert_v1beta2_LimitedPriorityLevelConfiguration_To_flowcontrol_LimitedPriorityLevelConfiguration", convert_misc_plc_v1beta2_up},
    {"PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io/v1beta3", FC, UP, K "flowcontrol/v1beta3/conversion.go Convert_v1beta3_PriorityLevelConfiguration_To_flowcontrol_PriorityLevelConfiguration", convert_misc_plc_v1beta3_up},

    /* certificates, admission, apiextensions */
    {"CertificateSigningRequest", "certificates.k8s.io/v1beta1", "certificates.k8s.io/v1", UP, K "certificates/v1beta1/defaults.go SetDefaults_CertificateSigningRequestSpec", convert_misc_csr_up},
    {"ValidatingWebhookConfiguration", "admissionregistration.k8s.io/v1beta1", "admissionregistration.k8s.io/v1", UP, K "admissionregistration/v1beta1/defaults.go SetDefaults_ValidatingWebhook", convert_misc_webhooks_up},
    {"MutatingWebhookConfiguration", "admissionregistration.k8s.io/v1beta1", "admissionregistration.k8s.io/v1", UP, K "admissionregistration/v1beta1/defaults.go SetDefaults_MutatingWebhook", convert_misc_webhooks_up},
    {"CustomResourceDefinition", "apiextensions.k8s.io/v1beta1", "apiextensions.k8s.io/v1", UP, "apiextensions-apiserver pkg/apis/apiextensions/v1/conversion.go", convert_crd_up},

    /* down rules, for clusters older than the new version */
    {"Deployment", APPS, EXT, DOWN, K "apps/v1/defaults.go SetDefaults_Deployment", convert_apps_deployment_ext_down},
    {"Ingress", NET, NETB, DOWN, K "networking/v1beta1/conversion.go Convert_networking_IngressSpec_To_v1beta1_IngressSpec", convert_ingress_down},
    {"Ingress", NET, EXT, DOWN, K "extensions/v1beta1/conversion.go Convert_networking_IngressSpec_To_v1beta1_IngressSpec", convert_ingress_down},
    {"CronJob", "batch/v1", "batch/v1beta1", DOWN, K "batch/v1beta1 zz_generated.conversion.go", NULL},
    {"PodDisruptionBudget", "policy/v1", "policy/v1beta1", DOWN, K "policy/v1beta1/conversion.go Convert_policy_PodDisruptionBudget_To_v1beta1_PodDisruptionBudget", convert_misc_pdb_down},
    {"HorizontalPodAutoscaler", "autoscaling/v2", "autoscaling/v2beta2", DOWN, K "autoscaling/v2beta2/conversion.go", convert_hpa_v2_down},
};

static const struct convert_removed removed[] = {
    {"PodSecurityPolicy", NULL,
     "PodSecurityPolicy was removed in Kubernetes v1.25; use Pod Security Admission "
     "(the pod-security.kubernetes.io/enforce, audit and warn namespace labels) instead"},
};
/* clang-format on */

const struct convert_rule *convert_rules_table(size_t *n)
{
    if (n)
        *n = KS_ARRAY_SIZE(rules);
    return rules;
}

const struct convert_removed *convert_rules_removed(size_t *n)
{
    if (n)
        *n = KS_ARRAY_SIZE(removed);
    return removed;
}
