/*
 * convert_crd.h: CustomResourceDefinition apiextensions.k8s.io/v1beta1 -> v1
 * (see convert.h).
 *
 * Ownership: each function changes obj, the engine's private copy, in place.
 * Errors: none; they return 0.
 */
#ifndef CONVERT_CRD_H
#define CONVERT_CRD_H

#include "base/ks.h"

#include <jansson.h>

int convert_crd_up(json_t *obj, struct ks_err *e);

#endif
