/*
 * kdiscagg.h: aggregated discovery converted to the legacy shapes.
 */
#ifndef KDISCAGG_H
#define KDISCAGG_H

#include <jansson.h>

/*
 * Append list's groups (an APIGroupDiscoveryList) to groups["groups"] (an
 * APIGroupList, first version preferred) and set resources[groupVersion] to
 * each version's APIResourceList.
 * Ownership: list is borrowed; groups and resources are modified in place.
 */
void kdiscagg_convert(json_t *groups, json_t *resources, const json_t *list);

#endif
