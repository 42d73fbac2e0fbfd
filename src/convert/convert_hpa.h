/*
 * convert_hpa.h: HorizontalPodAutoscaler between autoscaling/v2beta1,
 * autoscaling/v2beta2 and autoscaling/v2 (see convert.h).
 *
 * Ownership: each function changes obj, the engine's private copy, in place.
 * Errors: none; they return 0.
 */
#ifndef CONVERT_HPA_H
#define CONVERT_HPA_H

#include "base/ks.h"

#include <jansson.h>

/* autoscaling/v2beta1 -> autoscaling/v2: metric targets restructure. */
int convert_hpa_v2beta1_up(json_t *obj, struct ks_err *e);
/* autoscaling/v2beta2 -> autoscaling/v2 (same shape; round-trip annotations dropped). */
int convert_hpa_v2beta2_up(json_t *obj, struct ks_err *e);
/* autoscaling/v2 -> autoscaling/v2beta2 (clusters before 1.23). */
int convert_hpa_v2_down(json_t *obj, struct ks_err *e);

#endif
