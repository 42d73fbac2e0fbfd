/*
 * kver.h: Kubernetes versions as dispatch needs them: the server's answer to
 * GET /version, the version in a kubectl binary's name, and their distance.
 */
#ifndef KVER_H
#define KVER_H

#include "base/ks.h"

#include <jansson.h>
#include <stdbool.h>

struct kver {
    int major;
    int minor;
    int patch;      /* 0 when unknown (see has_patch) */
    bool has_patch; /* the patch level is known (gitVersion, kubectl1.30.2) */
};

/*
 * Parse a gitVersion: "v1.30.2", "v1.30.2-gke.1", "v1.30.2+k3s1", "1.30.0-eks-a1b2",
 * or "v1.30". Anything after the patch must start with '-' or '+'.
 * Errors: KS_EINPUT for anything else.
 */
int kver_parse_git(struct kver *out, const char *s, struct ks_err *e);

/*
 * Parse the major and minor fields of /version by their leading digits ("30+" is 30).
 * PARITY: kubectl-dispatcher normalizeVersionStr (an empty or zero field is an error).
 * Errors: KS_EINPUT.
 */
int kver_parse_fields(struct kver *out, const char *major, const char *minor, struct ks_err *e);

/*
 * The version in a /version body: gitVersion when it parses, else major/minor.
 * Errors: KS_EINPUT when neither gives a version. Ownership: body is borrowed.
 */
int kver_from_info(struct kver *out, const json_t *body, struct ks_err *e);

/*
 * The version in a kubectl binary's file name, or false: Google's "kubectl.1.30",
 * kuberlr's "kubectl1.30.2" and "kubectl1.30". Nothing else may follow.
 */
bool kver_from_binary_name(struct kver *out, const char *name);

/* Minor-version distance b - a when the majors agree, else a large number. */
int kver_minor_diff(const struct kver *a, const struct kver *b);

/* <0, 0, >0 like strcmp, by major, minor and patch. */
int kver_cmp(const struct kver *a, const struct kver *b);

/* "1.30.2", or "1.30" when the patch is unknown, into buf. */
const char *kver_str(const struct kver *v, char *buf, size_t n);

#endif
