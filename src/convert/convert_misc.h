/*
 * convert_misc.h: the v1beta1 -> v1 rules that need more than a new
 * apiVersion but less than a file of their own: PodDisruptionBudget,
 * EndpointSlice, the admission webhook configurations, the API priority
 * levels and CertificateSigningRequest (see convert.h).
 *
 * Ownership: each function changes obj, the engine's private copy, in place.
 * Errors: KS_EINVALID from convert_misc_csr_up (no spec.signerName).
 */
#ifndef CONVERT_MISC_H
#define CONVERT_MISC_H

#include "base/ks.h"

#include <jansson.h>

/* policy/v1beta1 PodDisruptionBudget -> policy/v1: the empty selector's meaning. */
int convert_misc_pdb_up(json_t *obj, struct ks_err *e);
/* policy/v1 PodDisruptionBudget -> policy/v1beta1 (clusters before 1.21). */
int convert_misc_pdb_down(json_t *obj, struct ks_err *e);
/* discovery.k8s.io/v1beta1 EndpointSlice -> v1: topology -> zone/deprecatedTopology. */
int convert_misc_endpointslice_up(json_t *obj, struct ks_err *e);
/* admissionregistration.k8s.io/v1beta1 Validating/MutatingWebhookConfiguration -> v1. */
int convert_misc_webhooks_up(json_t *obj, struct ks_err *e);
/* flowcontrol.apiserver.k8s.io/v1beta1|v1beta2 PriorityLevelConfiguration -> v1. */
int convert_misc_plc_v1beta2_up(json_t *obj, struct ks_err *e);
/* flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration -> v1. */
int convert_misc_plc_v1beta3_up(json_t *obj, struct ks_err *e);
/* certificates.k8s.io/v1beta1 CertificateSigningRequest -> v1. */
int convert_misc_csr_up(json_t *obj, struct ks_err *e);

#endif
