/*
 * convert_crd.h: CustomResourceDefinition apiextensions.k8s.io/v1beta1 -> v1
 * (see convert.h).
 */
#ifndef CONVERT_CRD_H
#define CONVERT_CRD_H

#include "base/ks.h"

#include <jansson.h>

int convert_crd_up(json_t *obj, struct ks_err *e);

#endif
