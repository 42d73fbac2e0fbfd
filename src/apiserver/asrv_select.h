/*
 * asrv_select.h: label and field selectors of LIST requests
 * (k8s.io/apimachinery/pkg/labels and pkg/fields syntax).
 */
#ifndef ASRV_SELECT_H
#define ASRV_SELECT_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>

struct asrv_select;

/*
 * Parse labelSelector and fieldSelector (either may be NULL or "").
 * Ownership: *out is freed with asrv_select_free().
 * Errors: KS_EINPUT with the apiserver's wording (HTTP 400).
 */
int asrv_select_parse(struct asrv_select **out, const char *labels, const char *fields,
                      struct ks_err *e);
bool asrv_select_match(const struct asrv_select *s, const json_t *obj);
void asrv_select_free(struct asrv_select *s);

#endif
