/*
 * policy.c: the version policy. PARITY: kubectl's skew policy (a client is
 * supported within one minor of the apiserver); kuberlr's window rule for
 * "newest"; Google's dispatcher's exact match for "exact".
 */
#include "dispatch/policy.h"

#include <stdio.h>

static int first_with_diff(const struct bins_list *l, const struct kver *server, int diff)
{
    for (size_t i = 0; i < l->n; i++)
        if (kver_minor_diff(server, &l->v[i].ver) == diff)
            return (int)i;
    return -1;
}

int policy_choose(const struct bins_list *l, const struct kver *server, enum settings_policy p,
                  char *why, size_t n)
{
    int i = -1;
    snprintf(why, n, "no kubectl within the %s policy for server %d.%d", settings_policy_name(p),
             server->major, server->minor);
    switch (p) {
    case SETTINGS_POLICY_EXACT:
        if ((i = first_with_diff(l, server, 0)) >= 0)
            snprintf(why, n, "exact minor");
        break;
    case SETTINGS_POLICY_NEWEST:
        for (size_t k = 0; k < l->n && i < 0; k++) {
            int d = kver_minor_diff(server, &l->v[k].ver);
            if (d >= -1 && d <= 1)
                i = (int)k;
        }
        if (i >= 0)
            snprintf(why, n, "newest within +-1 minor");
        break;
    default:
        if ((i = first_with_diff(l, server, 0)) >= 0) {
            snprintf(why, n, "exact minor");
        } else if ((i = first_with_diff(l, server, 1)) >= 0 ||
                   (i = first_with_diff(l, server, -1)) >= 0) {
            snprintf(why, n, "nearest within +-1 minor (no %d.%d present)", server->major,
                     server->minor);
        }
        break;
    }
    return i;
}
