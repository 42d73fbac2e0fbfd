/*
 * asrv_patch.h: PATCH in kubeshim-apiserver: JSON patch, JSON merge patch,
 * strategic merge patch (through src/patch) and server-side apply.
 */
#ifndef ASRV_PATCH_H
#define ASRV_PATCH_H

#include "apiserver/asrv_rest.h"

/* Serve one PATCH (live NULL: the object does not exist). The caller holds s->mu. */
void asrv_patch_handle(struct asrv *s, const struct asrv_req *q, struct asrv_resp *r,
                       struct asrv_target *t, const json_t *live);

#endif
