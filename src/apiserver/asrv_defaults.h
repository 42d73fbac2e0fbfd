/*
 * asrv_defaults.h: the common apiserver defaulting, so that live objects
 * look like what a real cluster stores.
 */
#ifndef ASRV_DEFAULTS_H
#define ASRV_DEFAULTS_H

#include <jansson.h>

/*
 * Default obj in place by its kind (built-in kinds only; others unchanged),
 * and fold Secret stringData into data. Ownership: obj must be private to
 * the caller (not shared).
 */
void asrv_defaults_apply(json_t *obj);

#endif
