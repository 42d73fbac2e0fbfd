/*
 * convert_ingress.h: Ingress between extensions/v1beta1,
 * networking.k8s.io/v1beta1 and networking.k8s.io/v1 (see convert.h).
 *
 * Ownership: each function changes obj, the engine's private copy, in place.
 * Errors: KS_EINPUT for a serviceName/servicePort of the wrong JSON type.
 */
#ifndef CONVERT_INGRESS_H
#define CONVERT_INGRESS_H

#include "base/ks.h"

#include <jansson.h>

/* extensions/v1beta1 or networking.k8s.io/v1beta1 Ingress -> networking.k8s.io/v1. */
int convert_ingress_up(json_t *obj, struct ks_err *e);
/* networking.k8s.io/v1 Ingress -> networking.k8s.io/v1beta1 (clusters before 1.19). */
int convert_ingress_down(json_t *obj, struct ks_err *e);

#endif
