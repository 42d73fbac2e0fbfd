/*
 * asrv_table.h: meta.k8s.io/v1 Table answers, which `kubectl get` asks for
 * (Accept: application/json;as=Table;v=v1;g=meta.k8s.io) to print its
 * columns.
 */
#ifndef ASRV_TABLE_H
#define ASRV_TABLE_H

#include "apiserver/asrv_catalog.h"

#include <jansson.h>
#include <stdbool.h>

/* The Table version the Accept header asks for first ("v1", "v1beta1"), or NULL. */
const char *asrv_table_wanted(const char *accept);

/*
 * A Table of objs (an array) for resource res. Ownership: a new object;
 * objs is borrowed.
 */
json_t *asrv_table_build(const struct asrv_res *res, const json_t *objs, const char *version,
                         const char *resource_version);

#endif
