/*
 * policy.h: choose the kubectl for a server version from the candidates.
 */
#ifndef POLICY_H
#define POLICY_H

#include "dispatch/bins.h"
#include "dispatch/kver.h"
#include "dispatch/settings.h"

#include <stddef.h>

/*
 * The index in l (sorted newest first) of the binary to run for server, or -1
 * when nothing is compatible:
 *   exact:   the same minor (the highest patch of it);
 *   nearest: exact, else +1 minor, else -1 minor (the skew policy; the newer
 *            client first, as kuberlr prefers);
 *   newest:  the newest within +-1 minor (kuberlr's rule).
 * why gets a short reason ("exact minor", "nearest within +-1 (server 1.34)").
 */
int policy_choose(const struct bins_list *l, const struct kver *server, enum settings_policy p,
                  char *why, size_t n);

#endif
