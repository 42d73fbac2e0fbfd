/*
 * gojson.c: Go-compatible JSON encoding (see gojson.h; decoding is gojson_read.c).
 * PARITY: encoding/json encode.go (floatEncoder, appendString with
 * HTML escaping, sorted map keys) and k8s.io/apimachinery/pkg/util/json
 * (integers as int64 when they parse, else float64).
 */
#include "base/gojson.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- floats ---------------------------------------------------------- */

/*
 * Shortest decimal digits that read back as d (d > 0, finite): *dp is the
 * position of the decimal point relative to the digits (Go's digs.dp).
 * NEEDSWORK: printf's correctly rounded p-digit form is tried for growing p;
 * in rare boundary cases a different p-digit string round-trips and Go's
 * algorithm finds it first.
 */
static void float_shortest(double d, char *digits, size_t cap, int *dp)
{
    char buf[64];
    for (int p = 0; p < 17; p++) {
        snprintf(buf, sizeof(buf), "%.*e", p, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    size_t n = 0;
    const char *s = buf;
    for (; *s && *s != 'e'; s++) {
        if (*s >= '0' && *s <= '9' && n + 1 < cap)
            digits[n++] = *s;
    }
    int exp10 = (*s == 'e') ? atoi(s + 1) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *dp = exp10 + 1;
}

static void write_fixed(struct strbuf *out, const char *dig, int dp)
{
    int nd = (int)strlen(dig);
    if (dp <= 0) {
        strbuf_adds(out, "0.");
        for (int i = 0; i < -dp; i++)
            strbuf_addch(out, '0');
        strbuf_adds(out, dig);
    } else if (dp >= nd) {
        strbuf_adds(out, dig);
        for (int i = nd; i < dp; i++)
            strbuf_addch(out, '0');
    } else {
        strbuf_add(out, dig, (size_t)dp);
        strbuf_addch(out, '.');
        strbuf_adds(out, dig + dp);
    }
}

/* Go's %e with shortest digits: d.ddde±XX, at least mindigits exponent digits. */
static void write_exp(struct strbuf *out, const char *dig, int dp, int mindigits)
{
    strbuf_addch(out, dig[0]);
    if (dig[1]) {
        strbuf_addch(out, '.');
        strbuf_adds(out, dig + 1);
    }
    int x = dp - 1;
    strbuf_addch(out, 'e');
    strbuf_addch(out, x < 0 ? '-' : '+');
    if (x < 0)
        x = -x;
    strbuf_addf(out, "%0*d", mindigits, x);
}

void gojson_write_float(struct strbuf *out, double d)
{
    if (d == 0) {
        strbuf_adds(out, signbit(d) ? "-0" : "0");
        return;
    }
    if (d < 0) {
        strbuf_addch(out, '-');
        d = -d;
    }
    char dig[32];
    int dp;
    float_shortest(d, dig, sizeof(dig), &dp);
    if (d < 1e-6 || d >= 1e21)
        write_exp(out, dig, dp, 1); /* encoding/json trims e-07 to e-7 */
    else
        write_fixed(out, dig, dp);
}

static void write_float_v(struct strbuf *out, double d)
{
    if (isnan(d)) {
        strbuf_adds(out, "NaN");
        return;
    }
    if (isinf(d)) {
        strbuf_adds(out, d > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (d == 0) {
        strbuf_adds(out, signbit(d) ? "-0" : "0");
        return;
    }
    if (d < 0) {
        strbuf_addch(out, '-');
        d = -d;
    }
    char dig[32];
    int dp;
    float_shortest(d, dig, sizeof(dig), &dp);
    int x = dp - 1;
    if (x < -4 || x >= 6)
        write_exp(out, dig, dp, 2);
    else
        write_fixed(out, dig, dp);
}

/* ---- strings --------------------------------------------------------- */

void gojson_write_string(struct strbuf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    strbuf_grow(out, len + 2);
    strbuf_addch(out, '"');
    size_t start = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        const char *esc = NULL;
        char ubuf[7];
        size_t skip = 1;
        if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') {
            switch (c) {
            case '"':
                esc = "\\\"";
                break;
            case '\\':
                esc = "\\\\";
                break;
            case '\b':
                esc = "\\b";
                break;
            case '\f':
                esc = "\\f";
                break;
            case '\n':
                esc = "\\n";
                break;
            case '\r':
                esc = "\\r";
                break;
            case '\t':
                esc = "\\t";
                break;
            default:
                ubuf[0] = '\\';
                ubuf[1] = 'u';
                ubuf[2] = '0';
                ubuf[3] = '0';
                ubuf[4] = hex[c >> 4];
                ubuf[5] = hex[c & 15];
                ubuf[6] = '\0';
                esc = ubuf;
            }
        } else if (c == 0xE2 && i + 2 < len && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
            esc = p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
            skip = 3;
        }
        if (esc) {
            strbuf_add(out, s + start, i - start);
            strbuf_adds(out, esc);
            i += skip;
            start = i;
        } else {
            i++;
        }
    }
    strbuf_add(out, s + start, len - start);
    strbuf_addch(out, '"');
}

/* ---- writing values -------------------------------------------------- */

struct kv {
    const char *key;
    size_t klen;
    json_t *val;
};

static int kv_cmp(const void *a, const void *b)
{
    const struct kv *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return (x->klen > y->klen) - (x->klen < y->klen);
}

/* The members of an object in Go's map order (sorted by key bytes). */
static struct kv *sorted_members(const json_t *obj, size_t *n)
{
    size_t cnt = json_object_size(obj), i = 0;
    struct kv *kvs = ks_malloc(sizeof(*kvs) * (cnt ? cnt : 1));
    for (void *it = json_object_iter((json_t *)obj); it && i < cnt;
         it = json_object_iter_next((json_t *)obj, it), i++) {
        kvs[i].key = json_object_iter_key(it);
        kvs[i].klen = json_object_iter_key_len(it);
        kvs[i].val = json_object_iter_value(it);
    }
    qsort(kvs, i, sizeof(*kvs), kv_cmp);
    *n = i;
    return kvs;
}

static void newline_indent(struct strbuf *out, const char *prefix, const char *indent, int depth)
{
    strbuf_addch(out, '\n');
    strbuf_adds(out, prefix);
    for (int i = 0; i < depth; i++)
        strbuf_adds(out, indent);
}

static int write_value(struct strbuf *out, const json_t *v, const char *prefix, const char *indent,
                       int depth, struct ks_err *e)
{
    int rc = 0;
    switch (json_typeof(v)) {
    case JSON_NULL:
        strbuf_adds(out, "null");
        break;
    case JSON_TRUE:
        strbuf_adds(out, "true");
        break;
    case JSON_FALSE:
        strbuf_adds(out, "false");
        break;
    case JSON_INTEGER:
        strbuf_addf(out, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL: {
        double d = json_real_value(v);
        if (!isfinite(d)) {
            struct strbuf sb = STRBUF_INIT;
            write_float_v(&sb, d);
            rc = ks_fail(e, KS_EINPUT, "json: unsupported value: %s", strbuf_str(&sb));
            strbuf_release(&sb);
            return rc;
        }
        gojson_write_float(out, d);
        break;
    }
    case JSON_STRING:
        gojson_write_string(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (n == 0) {
            strbuf_adds(out, "[]");
            break;
        }
        strbuf_addch(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                strbuf_addch(out, ',');
            if (indent)
                newline_indent(out, prefix, indent, depth + 1);
            rc = write_value(out, json_array_get(v, i), prefix, indent, depth + 1, e);
            if (rc)
                return rc;
        }
        if (indent)
            newline_indent(out, prefix, indent, depth);
        strbuf_addch(out, ']');
        break;
    }
    case JSON_OBJECT: {
        size_t n;
        struct kv *kvs = sorted_members(v, &n);
        if (n == 0) {
            strbuf_adds(out, "{}");
            free(kvs);
            break;
        }
        strbuf_addch(out, '{');
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (i)
                strbuf_addch(out, ',');
            if (indent)
                newline_indent(out, prefix, indent, depth + 1);
            gojson_write_string(out, kvs[i].key, kvs[i].klen);
            strbuf_adds(out, indent ? ": " : ":");
            rc = write_value(out, kvs[i].val, prefix, indent, depth + 1, e);
        }
        free(kvs);
        if (rc)
            return rc;
        if (indent)
            newline_indent(out, prefix, indent, depth);
        strbuf_addch(out, '}');
        break;
    }
    }
    return 0;
}

int gojson_write(struct strbuf *out, const json_t *v, struct ks_err *e)
{
    return write_value(out, v, "", NULL, 0, e);
}

int gojson_write_indent(struct strbuf *out, const json_t *v, const char *prefix, const char *indent,
                        struct ks_err *e)
{
    return write_value(out, v, prefix ? prefix : "", indent ? indent : "", 0, e);
}

char *gojson_dumps(const json_t *v)
{
    struct strbuf sb = STRBUF_INIT;
    if (gojson_write(&sb, v, NULL) != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

void gojson_strform(struct strbuf *out, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
        strbuf_adds(out, "<nil>");
        break;
    case JSON_TRUE:
        strbuf_adds(out, "true");
        break;
    case JSON_FALSE:
        strbuf_adds(out, "false");
        break;
    case JSON_INTEGER:
        strbuf_addf(out, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        write_float_v(out, json_real_value(v));
        break;
    case JSON_STRING:
        strbuf_add(out, json_string_value(v), json_string_length(v));
        break;
    default:
        gojson_write(out, v, NULL);
        break;
    }
}

bool gojson_equal(const json_t *a, const json_t *b)
{
    return json_equal((json_t *)a, (json_t *)b) != 0;
}
