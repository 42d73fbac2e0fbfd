/*
 * asrv_proto.h: the Kubernetes protobuf request bodies that kubectl's typed
 * clients send (kubectl create configmap|secret|namespace|serviceaccount),
 * decoded into the JSON form of the object.
 */
#ifndef ASRV_PROTO_H
#define ASRV_PROTO_H

#include "base/ks.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Decode a "k8s\0" + runtime.Unknown envelope holding one of the supported
 * kinds. Ownership: *out gets a new object, or NULL on error.
 * Errors: KS_EINPUT for a malformed body or a kind this decoder lacks.
 */
int asrv_proto_decode(json_t **out, const char *buf, size_t len, struct ks_err *e);

#endif
