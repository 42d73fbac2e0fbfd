/*
 * yamlin_scalar.c: resolve one YAML scalar exactly as kubectl does.
 * PARITY: go-yaml v2 resolve.go (resolveTable hints, resolveMap, ParseInt
 * with base 0 after removing '_', ParseUint, yamlStyleFloat, the tag check
 * "cannot decode ... as a ..."), sigs.k8s.io/yaml convertToJSONableObject
 * (map keys) and the json.Marshal / k8s json.Unmarshal round trip.
 */
#include "base/yamlin_scalar.h"

#include "base/gojson.h"
#include "base/strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_PREFIX "tag:yaml.org,2002:"

static bool tag_is(const char *tag, const char *name)
{
    size_t n = strlen(TAG_PREFIX);
    return tag && strncmp(tag, TAG_PREFIX, n) == 0 && strcmp(tag + n, name) == 0;
}

/* go-yaml's shortTag: "tag:yaml.org,2002:int" -> "!!int". */
static void short_tag(char *buf, size_t cap, const char *tag)
{
    size_t n = strlen(TAG_PREFIX);
    if (strncmp(tag, TAG_PREFIX, n) == 0)
        snprintf(buf, cap, "!!%s", tag + n);
    else
        snprintf(buf, cap, "%s", tag);
}

static const struct {
    const char *word;
    enum yamlin_kind kind;
    int v; /* bool value, or 0 NaN, 1 +Inf, -1 -Inf for floats */
} resolve_map[] = {
    {"y", YAMLIN_BOOL, 1},       {"Y", YAMLIN_BOOL, 1},       {"yes", YAMLIN_BOOL, 1},
    {"Yes", YAMLIN_BOOL, 1},     {"YES", YAMLIN_BOOL, 1},     {"true", YAMLIN_BOOL, 1},
    {"True", YAMLIN_BOOL, 1},    {"TRUE", YAMLIN_BOOL, 1},    {"on", YAMLIN_BOOL, 1},
    {"On", YAMLIN_BOOL, 1},      {"ON", YAMLIN_BOOL, 1},      {"n", YAMLIN_BOOL, 0},
    {"N", YAMLIN_BOOL, 0},       {"no", YAMLIN_BOOL, 0},      {"No", YAMLIN_BOOL, 0},
    {"NO", YAMLIN_BOOL, 0},      {"false", YAMLIN_BOOL, 0},   {"False", YAMLIN_BOOL, 0},
    {"FALSE", YAMLIN_BOOL, 0},   {"off", YAMLIN_BOOL, 0},     {"Off", YAMLIN_BOOL, 0},
    {"OFF", YAMLIN_BOOL, 0},     {"", YAMLIN_NULL, 0},        {"~", YAMLIN_NULL, 0},
    {"null", YAMLIN_NULL, 0},    {"Null", YAMLIN_NULL, 0},    {"NULL", YAMLIN_NULL, 0},
    {".nan", YAMLIN_FLOAT, 0},   {".NaN", YAMLIN_FLOAT, 0},   {".NAN", YAMLIN_FLOAT, 0},
    {".inf", YAMLIN_FLOAT, 1},   {".Inf", YAMLIN_FLOAT, 1},   {".INF", YAMLIN_FLOAT, 1},
    {"+.inf", YAMLIN_FLOAT, 1},  {"+.Inf", YAMLIN_FLOAT, 1},  {"+.INF", YAMLIN_FLOAT, 1},
    {"-.inf", YAMLIN_FLOAT, -1}, {"-.Inf", YAMLIN_FLOAT, -1}, {"-.INF", YAMLIN_FLOAT, -1},
};

/* resolveTable: the first byte says what a plain scalar may be. */
static char hint_of(const char *s, size_t len)
{
    if (len == 0)
        return 'N';
    unsigned char c = (unsigned char)s[0];
    if (c == '+' || c == '-')
        return 'S';
    if (c >= '0' && c <= '9')
        return 'D';
    if (strchr("yYnNtTfFoO~", c) && c)
        return 'M';
    if (c == '.')
        return '.';
    return 0;
}

static int digit_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/*
 * Go's strconv.ParseInt/ParseUint(s, 0, 64) syntax: sign, then 0x/0o/0b or a
 * leading 0 (octal), or decimal. Gives the magnitude; false on bad syntax.
 */
static bool go_parse_mag(const char *s, bool *neg, bool *sign, uint64_t *mag, bool *overflow)
{
    *neg = *sign = *overflow = false;
    *mag = 0;
    if (*s == '+' || *s == '-') {
        *neg = *s == '-';
        *sign = true;
        s++;
    }
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
        base = 8;
        s += 2;
    } else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s += 2;
    } else if (s[0] == '0' && s[1]) {
        base = 8;
        s += 1;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        int d = digit_val(*s);
        if (d >= base)
            return false;
        if (*mag > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            *overflow = true;
        else
            *mag = *mag * (uint64_t)base + (uint64_t)d;
    }
    return true;
}

/* yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    } else {
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
        if (*s == '.') {
            s++;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* strconv.ParseFloat: overflow is an error, underflow is not. */
static bool go_parse_float(const char *s, double *d)
{
    errno = 0;
    char *end;
    *d = strtod(s, &end);
    if (*end || end == s)
        return false;
    return !(errno == ERANGE && isinf(*d));
}

static void set_str(struct yamlin_scalar *sc, const char *val, size_t len)
{
    sc->kind = YAMLIN_STR;
    sc->s = ks_strndup(val, len);
    sc->len = len;
}

/* The untagged (or resolvable-tag) resolution of go-yaml v2's resolve(). */
static void resolve_plain(struct yamlin_scalar *sc, const char *val, size_t len)
{
    char hint = hint_of(val, len);
    if (!hint || memchr(val, '\0', len))
        goto str;
    for (size_t k = 0; k < KS_ARRAY_SIZE(resolve_map); k++) {
        if (strlen(resolve_map[k].word) == len && memcmp(resolve_map[k].word, val, len) == 0) {
            sc->kind = resolve_map[k].kind;
            sc->b = resolve_map[k].v == 1;
            if (sc->kind == YAMLIN_FLOAT)
                sc->d = resolve_map[k].v == 0 ? NAN : resolve_map[k].v * INFINITY;
            return;
        }
    }
    if (hint == '.') {
        /* ParseFloat of the text as it is: only \.[0-9]+([eE][-+]?[0-9]+)? */
        char *t = ks_strndup(val, len);
        bool ok = yaml_style_float(t) && go_parse_float(t, &sc->d);
        free(t);
        if (ok) {
            sc->kind = YAMLIN_FLOAT;
            return;
        }
    } else if (hint == 'D' || hint == 'S') {
        char *plain = ks_malloc(len + 1);
        size_t n = 0;
        for (size_t k = 0; k < len; k++)
            if (val[k] != '_')
                plain[n++] = val[k];
        plain[n] = '\0';
        bool neg, sign, overflow;
        uint64_t mag;
        bool ok = go_parse_mag(plain, &neg, &sign, &mag, &overflow);
        if (ok && !overflow && (neg ? mag <= (uint64_t)INT64_MAX + 1 : mag <= INT64_MAX)) {
            sc->kind = YAMLIN_INT;
            sc->i = neg ? (int64_t)(0 - mag) : (int64_t)mag;
        } else if (ok && !overflow && !sign) {
            sc->kind = YAMLIN_UINT;
            sc->u = mag;
        } else if (yaml_style_float(plain) && go_parse_float(plain, &sc->d)) {
            sc->kind = YAMLIN_FLOAT;
        }
        free(plain);
        if (sc->kind != YAMLIN_STR)
            return;
    }
str:
    set_str(sc, val, len);
}

/* Go's base64.StdEncoding.DecodeString (padding required, CR/LF ignored). */
static bool base64_decode(struct strbuf *out, const char *s, size_t len)
{
    unsigned quad[4];
    int nq = 0, pad = 0;
    for (size_t k = 0; k < len; k++) {
        char c = s[k];
        if (c == '\r' || c == '\n')
            continue;
        unsigned v;
        if (c >= 'A' && c <= 'Z')
            v = (unsigned)(c - 'A');
        else if (c >= 'a' && c <= 'z')
            v = (unsigned)(c - 'a' + 26);
        else if (c >= '0' && c <= '9')
            v = (unsigned)(c - '0' + 52);
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else if (c == '=' && nq >= 2) {
            pad++;
            v = 0;
        } else
            return false;
        if (pad && c != '=')
            return false;
        quad[nq++] = v;
        if (nq == 4) {
            unsigned w = quad[0] << 18 | quad[1] << 12 | quad[2] << 6 | quad[3];
            char b[3] = {(char)(w >> 16), (char)(w >> 8 & 0xff), (char)(w & 0xff)};
            strbuf_add(out, b, (size_t)(3 - pad));
            nq = 0;
            if (pad) {
                for (k++; k < len; k++)
                    if (s[k] != '\r' && s[k] != '\n')
                        return false;
                return true;
            }
        }
    }
    return nq == 0;
}

static const char *kind_tag(enum yamlin_kind k)
{
    switch (k) {
    case YAMLIN_NULL:
        return TAG_PREFIX "null";
    case YAMLIN_BOOL:
        return TAG_PREFIX "bool";
    case YAMLIN_INT:
    case YAMLIN_UINT:
        return TAG_PREFIX "int";
    case YAMLIN_FLOAT:
        return TAG_PREFIX "float";
    default:
        return TAG_PREFIX "str";
    }
}

static bool is_timestamp(const char *s, size_t len);

/*
 * go-yaml's "cannot decode A `value` as a B". Better than kubectl: a line
 * break in the value is written as \n (or \r), so the error stays on one
 * line as every bad-input error does; kubectl prints the raw break.
 */
static int fail_decode(struct ks_err *e, const char *a, const char *val, size_t len, const char *b)
{
    struct strbuf v = STRBUF_INIT;
    for (size_t i = 0; i < len && i < 100; i++) {
        if (val[i] == '\n')
            strbuf_adds(&v, "\\n");
        else if (val[i] == '\r')
            strbuf_adds(&v, "\\r");
        else
            strbuf_addch(&v, val[i]);
    }
    int rc = ks_fail(e, KS_EINPUT, "cannot decode %s `%s` as a %s", a, strbuf_str(&v), b);
    strbuf_release(&v);
    return rc;
}

int yamlin_scalar_resolve(struct yamlin_scalar *sc, const char *tag, const char *val, size_t len,
                          bool plain, struct ks_err *e)
{
    memset(sc, 0, sizeof(*sc));
    sc->kind = YAMLIN_STR;
    if (!tag || !*tag) {
        if (!plain) {
            set_str(sc, val, len); /* quoted or block: always a string */
            return 0;
        }
        resolve_plain(sc, val, len);
        return 0;
    }
    if (tag_is(tag, "binary")) {
        struct strbuf sb = STRBUF_INIT;
        if (!base64_decode(&sb, val, len)) {
            strbuf_release(&sb);
            return ks_fail(e, KS_EINPUT, "!!binary value contains invalid base64 data");
        }
        size_t n;
        sc->s = gojson_fix_utf8(sb.buf ? sb.buf : "", sb.len, &n);
        sc->len = n;
        strbuf_release(&sb);
        return 0;
    }
    bool resolvable = tag_is(tag, "str") || tag_is(tag, "bool") || tag_is(tag, "int") ||
                      tag_is(tag, "float") || tag_is(tag, "null") || tag_is(tag, "timestamp");
    if (!resolvable || tag_is(tag, "str")) {
        set_str(sc, val, len); /* unknown tags ("!foo", "!") keep the text */
        return 0;
    }
    if (tag_is(tag, "timestamp")) {
        /* PARITY: parseTimestamp (time.Parse of go-yaml's layouts); the value stays a string */
        if (!is_timestamp(val, len))
            return fail_decode(e, "!!str", val, len, "!!timestamp");
        set_str(sc, val, len);
        return 0;
    }
    resolve_plain(sc, val, len);
    const char *rtag = kind_tag(sc->kind);
    if (strcmp(rtag, tag) == 0)
        return 0;
    if (tag_is(tag, "float") && sc->kind == YAMLIN_INT) {
        sc->kind = YAMLIN_FLOAT;
        sc->d = (double)sc->i;
        return 0;
    }
    char a[64], b[64];
    short_tag(a, sizeof(a), rtag);
    short_tag(b, sizeof(b), tag);
    yamlin_scalar_release(sc);
    return fail_decode(e, a, val, len, b);
}

/* Digits at *p (at most max, at least 1); false when none. */
static bool ts_num(const char **p, const char *end, int max, int *v)
{
    int n = 0;
    *v = 0;
    while (*p < end && n < max && **p >= '0' && **p <= '9') {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n > 0;
}

/*
 * PARITY: go-yaml v2 parseTimestamp: "2006-1-2T15:4:5.999999999Z07:00",
 * the same with 't', "2006-1-2 15:4:5.999999999" and "2006-1-2", as Go's
 * time.Parse accepts them (ranges checked).
 */
static bool is_timestamp(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    int y, mo, d, h, mi, se, k;
    if (len < 5 || !ts_num(&p, end, 4, &y) || p - s != 4 || *p++ != '-')
        return false;
    if (!ts_num(&p, end, 2, &mo) || p >= end || *p++ != '-' || !ts_num(&p, end, 2, &d))
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return false;
    if (p == end)
        return true;
    char sep = *p++;
    if (sep != 'T' && sep != 't' && sep != ' ')
        return false;
    if (!ts_num(&p, end, 2, &h) || p >= end || *p++ != ':' || !ts_num(&p, end, 2, &mi) ||
        p >= end || *p++ != ':' || !ts_num(&p, end, 2, &se))
        return false;
    if (h > 23 || mi > 59 || se > 59)
        return false;
    if (p < end && *p == '.') {
        p++;
        if (!ts_num(&p, end, 9, &k))
            return false;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (sep == ' ')
        return p == end;
    if (p < end && *p == 'Z')
        return p + 1 == end;
    if (p >= end || (*p != '+' && *p != '-'))
        return false;
    p++;
    if (end - p != 5 || !ts_num(&p, end, 2, &h) || *p++ != ':' || !ts_num(&p, end, 2, &mi))
        return false;
    return p == end && h <= 23 && mi <= 59;
}

bool yamlin_scalar_plain_is_str(const char *s, size_t len)
{
    char hint = hint_of(s, len);
    if (hint == 'D' && is_timestamp(s, len))
        return false;
    struct yamlin_scalar sc;
    memset(&sc, 0, sizeof(sc));
    sc.kind = YAMLIN_STR;
    resolve_plain(&sc, s, len);
    bool str = sc.kind == YAMLIN_STR;
    yamlin_scalar_release(&sc);
    return str;
}

void yamlin_scalar_release(struct yamlin_scalar *sc)
{
    free(sc->s);
    sc->s = NULL;
    sc->len = 0;
}

json_t *yamlin_scalar_number(double d)
{
    /*
     * Go writes an integral |d| < 1e21 as its shortest digits padded with
     * zeros (2^62 -> 4611686018427388000); k8s re-reads that text as int64
     * when it fits.
     */
    if (d != floor(d) || !(fabs(d) < 1e21))
        return json_real(d);
    if (fabs(d) < 9007199254740992.0)
        return json_integer((json_int_t)d);
    char buf[64], text[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    const char *q = buf;
    size_t n = 0;
    if (*q == '-')
        text[n++] = *q++;
    int nd = 0;
    for (; *q && *q != 'e'; q++)
        if (*q != '.') {
            text[n++] = *q;
            nd++;
        }
    for (int exp = atoi(q + 1); nd <= exp; nd++)
        text[n++] = '0';
    text[n] = '\0';
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE)
        return json_real(d);
    return json_integer((json_int_t)v);
}

json_t *yamlin_scalar_json(const struct yamlin_scalar *sc)
{
    switch (sc->kind) {
    case YAMLIN_NULL:
        return json_null();
    case YAMLIN_BOOL:
        return json_boolean(sc->b);
    case YAMLIN_INT:
        return json_integer(sc->i);
    case YAMLIN_UINT:
        return json_real((double)sc->u);
    case YAMLIN_FLOAT:
        if (isnan(sc->d))
            return json_real(1.0);
        if (isinf(sc->d))
            return json_real(sc->d > 0 ? 2.0 : 3.0);
        return yamlin_scalar_number(sc->d);
    default: {
        json_t *v = json_stringn(sc->s, sc->len);
        if (!v) {
            size_t n;
            char *fixed = gojson_fix_utf8(sc->s, sc->len, &n);
            v = json_stringn(fixed, n);
            free(fixed);
        }
        return v;
    }
    }
}

const char *yamlin_scalar_sentinel(const json_t *v)
{
    if (!json_is_real(v))
        return NULL;
    double d = json_real_value(v);
    if (d == 1.0)
        return "NaN";
    if (d == 2.0)
        return "+Inf";
    if (d == 3.0)
        return "-Inf";
    return NULL;
}

/* strconv.FormatFloat(f, 'g', -1, 32) */
static char *format_float32_g(double d)
{
    if (isnan(d))
        return ks_strdup(".nan");
    if (isinf(d))
        return ks_strdup(d > 0 ? ".inf" : "-.inf");
    float f = (float)d;
    if (isinf(f)) /* 1e44 is +Inf as a float32 */
        return ks_strdup(f > 0 ? ".inf" : "-.inf");
    if (f == 0)
        return ks_strdup(signbit(f) ? "-0" : "0");
    char buf[64];
    for (int p = 1; p <= 9; p++) {
        snprintf(buf, sizeof(buf), "%.*e", p - 1, (double)f);
        if ((float)strtod(buf, NULL) == f)
            break;
    }
    /* buf is [-]d[.ddd]e[+-]XX: split into digits and the decimal exponent */
    char digits[32];
    int nd = 0;
    const char *p = buf;
    bool neg = *p == '-';
    if (neg)
        p++;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    digits[nd] = '\0';
    int exp = atoi(p + 1);
    struct strbuf sb = STRBUF_INIT;
    if (neg)
        strbuf_addch(&sb, '-');
    if (exp < -4 || exp >= 6) {
        strbuf_addch(&sb, digits[0]);
        if (nd > 1) {
            strbuf_addch(&sb, '.');
            strbuf_adds(&sb, digits + 1);
        }
        strbuf_addf(&sb, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
    } else if (exp < 0) {
        strbuf_adds(&sb, "0.");
        for (int k = -1; k > exp; k--)
            strbuf_addch(&sb, '0');
        strbuf_adds(&sb, digits);
    } else {
        for (int k = 0; k <= exp || k < nd; k++) {
            if (k == exp + 1)
                strbuf_addch(&sb, '.');
            strbuf_addch(&sb, k < nd ? digits[k] : '0');
        }
    }
    return strbuf_detach(&sb, NULL);
}

int yamlin_scalar_key(char **out, const struct yamlin_scalar *sc, struct ks_err *e)
{
    *out = NULL;
    switch (sc->kind) {
    case YAMLIN_NULL:
        return ks_fail(e, KS_EINPUT, "unsupported map key of type: %%!s(<nil>), key: <nil>");
    case YAMLIN_BOOL:
        *out = ks_strdup(sc->b ? "true" : "false");
        return 0;
    case YAMLIN_INT:
        *out = ks_asprintf("%lld", (long long)sc->i);
        return 0;
    case YAMLIN_UINT:
        return ks_fail(e, KS_EINPUT, "unsupported map key of type: uint64, key: 0x%llx",
                       (unsigned long long)sc->u);
    case YAMLIN_FLOAT:
        *out = format_float32_g(sc->d);
        return 0;
    default:
        *out = ks_strndup(sc->s, sc->len);
        return 0;
    }
}
