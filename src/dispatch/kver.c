/*
 * kver.c: parse Kubernetes versions robustly (gitVersion with vendor
 * suffixes, the major/minor fields with "+", binary names) and compare them.
 * PARITY: kuberlr parses gitVersion with semver ParseTolerant; the dispatcher
 * reads major/minor by their leading digits. We prefer gitVersion.
 */
#include "dispatch/kver.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Read a decimal number at *p (at most 6 digits); false when there is none. */
static bool read_num(const char **p, int *out)
{
    const char *s = *p;
    long v = 0;
    int n = 0;
    while (isdigit((unsigned char)*s)) {
        if (++n > 6)
            return false;
        v = v * 10 + (*s - '0');
        s++;
    }
    if (n == 0)
        return false;
    *out = (int)v;
    *p = s;
    return true;
}

int kver_parse_git(struct kver *out, const char *s, struct ks_err *e)
{
    const char *p = s;
    struct kver v = {0, 0, 0, false};
    if (!s)
        return ks_fail(e, KS_EINPUT, "empty version");
    if (*p == 'v' || *p == 'V')
        p++;
    if (!read_num(&p, &v.major) || *p++ != '.' || !read_num(&p, &v.minor))
        return ks_fail(e, KS_EINPUT, "cannot parse version \"%s\"", s);
    if (*p == '.') {
        p++;
        if (!read_num(&p, &v.patch))
            return ks_fail(e, KS_EINPUT, "cannot parse version \"%s\"", s);
        v.has_patch = true;
    }
    if (*p != '\0' && *p != '-' && *p != '+')
        return ks_fail(e, KS_EINPUT, "cannot parse version \"%s\"", s);
    if (v.major == 0 && v.minor == 0)
        return ks_fail(e, KS_EINPUT, "cannot parse version \"%s\"", s);
    *out = v;
    return 0;
}

static int leading_num(int *out, const char *s)
{
    const char *p = s;
    while (*p == ' ')
        p++;
    if (!read_num(&p, out) || *out == 0)
        return -1;
    return 0;
}

int kver_parse_fields(struct kver *out, const char *major, const char *minor, struct ks_err *e)
{
    struct kver v = {0, 0, 0, false};
    if (!major || leading_num(&v.major, major) < 0)
        return ks_fail(e, KS_EINPUT, "cannot parse major version \"%s\"", major ? major : "");
    if (!minor || leading_num(&v.minor, minor) < 0)
        return ks_fail(e, KS_EINPUT, "cannot parse minor version \"%s\"", minor ? minor : "");
    *out = v;
    return 0;
}

int kver_from_info(struct kver *out, const json_t *body, struct ks_err *e)
{
    if (!json_is_object(body))
        return ks_fail(e, KS_EINPUT, "the /version answer is not a JSON object");
    const char *git = json_string_value(json_object_get(body, "gitVersion"));
    if (git && kver_parse_git(out, git, NULL) == 0)
        return 0;
    const char *major = json_string_value(json_object_get(body, "major"));
    const char *minor = json_string_value(json_object_get(body, "minor"));
    if (kver_parse_fields(out, major, minor, e) < 0)
        return ks_context(e, "gitVersion \"%s\"", git ? git : "");
    return 0;
}

bool kver_from_binary_name(struct kver *out, const char *name)
{
    struct kver v = {0, 0, 0, false};
    const char *p;
    if (strncmp(name, "kubectl", 7) != 0)
        return false;
    p = name + 7;
    if (*p == '.') {
        /* Google: kubectl.<major>.<minor> */
        p++;
        if (!read_num(&p, &v.major) || *p++ != '.' || !read_num(&p, &v.minor) || *p)
            return false;
    } else {
        /* kuberlr: kubectl<major>.<minor>[.<patch>] */
        if (!read_num(&p, &v.major) || *p++ != '.' || !read_num(&p, &v.minor))
            return false;
        if (*p == '.') {
            p++;
            if (!read_num(&p, &v.patch))
                return false;
            v.has_patch = true;
        }
        if (*p)
            return false;
    }
    if (v.major == 0)
        return false;
    *out = v;
    return true;
}

int kver_minor_diff(const struct kver *a, const struct kver *b)
{
    if (a->major != b->major)
        return INT_MAX / 2;
    return b->minor - a->minor;
}

int kver_cmp(const struct kver *a, const struct kver *b)
{
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    if (a->patch != b->patch)
        return a->patch < b->patch ? -1 : 1;
    return 0;
}

const char *kver_str(const struct kver *v, char *buf, size_t n)
{
    if (v->has_patch)
        snprintf(buf, n, "%d.%d.%d", v->major, v->minor, v->patch);
    else
        snprintf(buf, n, "%d.%d", v->major, v->minor);
    return buf;
}
