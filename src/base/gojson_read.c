/*
 * gojson_read.c: decoding JSON as k8s.io/apimachinery/pkg/util/json does
 * (integers as int64 when they parse, else float64; invalid UTF-8 as
 * U+FFFD; Go's depth limit and error texts), with gojson.h's filters; and
 * the UTF-8 checks.
 */
#include "base/gojson.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ----------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool gojson_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_seq(p + i, len - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

char *gojson_fix_utf8(const char *s, size_t len, size_t *outlen)
{
    struct strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    strbuf_grow(&sb, len);
    for (size_t i = 0; i < len;) {
        size_t k = utf8_seq(p + i, len - i);
        if (k) {
            strbuf_add(&sb, s + i, k);
            i += k;
        } else {
            strbuf_add(&sb, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    return strbuf_detach(&sb, outlen);
}

/* ---- decoding -------------------------------------------------------- */

struct jp {
    const char *s;
    size_t len, pos;
    int depth;
    struct ks_err *e;
    struct strbuf tmp;
    const struct gojson_filter *filter; /* NULL: every member is kept */
    size_t reported;                    /* input offset last given to filter->consumed */
};

/* Tell the filter, every 256 KiB, how far the input has been read. */
static void jp_progress(struct jp *p)
{
    if (p->filter && p->filter->consumed && p->pos - p->reported >= 256 * 1024) {
        p->reported = p->pos;
        p->filter->consumed(p->filter->ctx, p->pos);
    }
}

static void jp_ws(struct jp *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            p->pos++;
        else
            break;
    }
}

static int jp_badchar(struct jp *p, const char *context)
{
    if (p->pos >= p->len)
        return ks_fail(p->e, KS_EINPUT, "unexpected end of JSON input");
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c >= 0x20 && c < 0x7f && c != '\'')
        return ks_fail(p->e, KS_EINPUT, "invalid character '%c' %s (offset %zu)", c, context,
                       p->pos + 1);
    return ks_fail(p->e, KS_EINPUT, "invalid character '\\x%02x' %s (offset %zu)", c, context,
                   p->pos + 1);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int jp_hex4(struct jp *p, size_t at)
{
    if (at + 4 > p->len)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p->s[at + i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static void utf8_put(struct strbuf *sb, uint32_t cp)
{
    char b[4];
    if (cp < 0x80) {
        strbuf_addch(sb, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(sb, b, 4);
    }
}

/* Parse a string at p->pos (on the opening quote) into p->tmp. */
static int jp_string(struct jp *p)
{
    strbuf_reset(&p->tmp);
    p->pos++;
    const unsigned char *s = (const unsigned char *)p->s;
    while (p->pos < p->len) {
        unsigned char c = s[p->pos];
        if (c == '"') {
            p->pos++;
            return 0;
        }
        if (c < 0x20)
            return jp_badchar(p, "in string literal");
        if (c == '\\') {
            if (p->pos + 1 >= p->len)
                break;
            char x = p->s[p->pos + 1];
            p->pos += 2;
            switch (x) {
            case '"':
            case '\\':
            case '/':
                strbuf_addch(&p->tmp, x);
                break;
            case 'b':
                strbuf_addch(&p->tmp, '\b');
                break;
            case 'f':
                strbuf_addch(&p->tmp, '\f');
                break;
            case 'n':
                strbuf_addch(&p->tmp, '\n');
                break;
            case 'r':
                strbuf_addch(&p->tmp, '\r');
                break;
            case 't':
                strbuf_addch(&p->tmp, '\t');
                break;
            case 'u': {
                int cp = jp_hex4(p, p->pos);
                if (cp < 0) {
                    p->pos--;
                    return jp_badchar(p, "in \\u hexadecimal character escape");
                }
                p->pos += 4;
                uint32_t u = (uint32_t)cp;
                if (u >= 0xD800 && u < 0xDC00) {
                    /* A high surrogate needs a low one; otherwise U+FFFD (Go). */
                    int lo = -1;
                    if (p->pos + 6 <= p->len && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u')
                        lo = jp_hex4(p, p->pos + 2);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        u = 0x10000 + ((u - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                        p->pos += 6;
                    } else {
                        u = 0xFFFD;
                    }
                } else if (u >= 0xDC00 && u < 0xE000) {
                    u = 0xFFFD;
                }
                utf8_put(&p->tmp, u);
                break;
            }
            default:
                p->pos--;
                return jp_badchar(p, "in string escape code");
            }
            continue;
        }
        size_t k = utf8_seq(s + p->pos, p->len - p->pos);
        if (k) {
            strbuf_add(&p->tmp, p->s + p->pos, k);
            p->pos += k;
        } else {
            strbuf_add(&p->tmp, "\xEF\xBF\xBD", 3);
            p->pos++;
        }
    }
    return ks_fail(p->e, KS_EINPUT, "unexpected end of JSON input");
}

static int jp_number(struct jp *p, json_t **out)
{
    size_t start = p->pos;
    const char *s = p->s;
    bool isint = true;
    if (p->pos < p->len && s[p->pos] == '-')
        p->pos++;
    if (p->pos >= p->len)
        return ks_fail(p->e, KS_EINPUT, "unexpected end of JSON input");
    if (s[p->pos] == '0') {
        p->pos++;
    } else if (s[p->pos] >= '1' && s[p->pos] <= '9') {
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
            p->pos++;
    } else {
        return jp_badchar(p, "in numeric literal");
    }
    if (p->pos < p->len && s[p->pos] == '.') {
        isint = false;
        p->pos++;
        if (p->pos >= p->len || s[p->pos] < '0' || s[p->pos] > '9')
            return jp_badchar(p, "after decimal point in numeric literal");
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
            p->pos++;
    }
    if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
        isint = false;
        p->pos++;
        if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->len || s[p->pos] < '0' || s[p->pos] > '9')
            return jp_badchar(p, "in exponent of numeric literal");
        while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
            p->pos++;
    }
    char buf[128];
    size_t n = p->pos - start;
    char *num = n < sizeof(buf) ? buf : ks_malloc(n + 1);
    memcpy(num, s + start, n);
    num[n] = '\0';
    int rc = 0;
    if (isint) {
        errno = 0;
        long long v = strtoll(num, NULL, 10);
        if (errno == 0) {
            *out = json_integer(v);
            goto done;
        }
    }
    errno = 0;
    double d = strtod(num, NULL);
    if (errno == ERANGE && isinf(d)) {
        rc = ks_fail(p->e, KS_EINPUT,
                     "json: cannot unmarshal number %s into Go value of type float64", num);
        goto done;
    }
    *out = json_real(d);
done:
    if (num != buf)
        free(num);
    return rc;
}

static int jp_literal(struct jp *p, const char *word, json_t *v, json_t **out)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (p->pos + i >= p->len) {
            p->pos += i;
            return ks_fail(p->e, KS_EINPUT, "unexpected end of JSON input");
        }
        if (p->s[p->pos + i] != word[i]) {
            p->pos += i;
            return jp_badchar(p, "in literal");
        }
    }
    p->pos += n;
    *out = v;
    return 0;
}

/* One open object or array while decoding. */
struct jp_frame {
    json_t *c; /* the container */
    char *key; /* objects: the key whose value is being read */
    size_t klen;
    size_t start; /* the container's offset in the input */
    bool span;    /* objects: report the member's span (GOJSON_KEEP_SPAN) */
};

/* Read a member key into p->tmp, and its ':' (p->pos on the opening quote). */
static int jp_key_read(struct jp *p)
{
    jp_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return jp_badchar(p, "looking for beginning of object key string");
    int rc = jp_string(p);
    if (rc)
        return rc;
    jp_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':')
        return jp_badchar(p, "after object key");
    p->pos++;
    return 0;
}

/* Read a member key and its ':' into the frame. */
static int jp_key(struct jp *p, struct jp_frame *f)
{
    int rc = jp_key_read(p);
    if (rc)
        return rc;
    free(f->key);
    f->key = ks_strndup(p->tmp.buf ? p->tmp.buf : "", p->tmp.len);
    f->klen = p->tmp.len;
    return 0;
}

/*
 * Check one value's syntax without building it (a member the filter drops);
 * depth is the nesting around it, which counts towards Go's limit.
 */
static int jp_skip_value(struct jp *p, size_t depth)
{
    /* one bit per open container: set for an object */
    unsigned char open[(GOJSON_MAX_DEPTH + 7) / 8];
    size_t n = 0;
    for (;;) {
        jp_progress(p);
        jp_ws(p);
        if (p->pos >= p->len)
            return ks_fail(p->e, KS_EINPUT, "unexpected end of JSON input");
        char c = p->s[p->pos];
        json_t *v = NULL;
        int rc = 0;
        if (c == '{' || c == '[') {
            if (depth + n + 1 > GOJSON_MAX_DEPTH)
                return ks_fail(p->e, KS_EINPUT, "exceeded max depth");
            p->pos++;
            jp_ws(p);
            if (p->pos < p->len && p->s[p->pos] == (c == '{' ? '}' : ']')) {
                p->pos++;
            } else {
                if (c == '{')
                    open[n / 8] |= (unsigned char)(1u << (n % 8));
                else
                    open[n / 8] &= (unsigned char)~(1u << (n % 8));
                n++;
                if (c == '{' && (rc = jp_key_read(p)) != 0)
                    return rc;
                continue;
            }
        } else if (c == '"') {
            rc = jp_string(p);
        } else if (c == 't') {
            rc = jp_literal(p, "true", json_true(), &v);
        } else if (c == 'f') {
            rc = jp_literal(p, "false", json_false(), &v);
        } else if (c == 'n') {
            rc = jp_literal(p, "null", json_null(), &v);
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            rc = jp_number(p, &v);
            json_decref(v);
        } else {
            rc = jp_badchar(p, "looking for beginning of value");
        }
        if (rc)
            return rc;
        /* after a value: the next member or element, or close containers */
        for (;;) {
            if (n == 0)
                return 0;
            bool obj = open[(n - 1) / 8] & (1u << ((n - 1) % 8));
            jp_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                if (obj && (rc = jp_key_read(p)) != 0)
                    return rc;
                break;
            }
            if (p->pos < p->len && p->s[p->pos] == (obj ? '}' : ']')) {
                p->pos++;
                n--;
                continue;
            }
            return jp_badchar(p, obj ? "after object key:value pair" : "after array element");
        }
    }
}

/* What the filter does with the member being read in the innermost frame (enum gojson_keep). */
static int jp_keeps(struct jp *p, const struct jp_frame *st, size_t depth, const char ***path,
                    size_t *apath)
{
    const struct jp_frame *f = &st[depth - 1];
    if (!p->filter || !f->key)
        return GOJSON_KEEP;
    if (*apath < depth) {
        *apath = depth * 2;
        *path = ks_realloc(*path, *apath * sizeof(**path));
    }
    for (size_t i = 0; i + 1 < depth; i++)
        (*path)[i] = st[i].key;
    return p->filter->keep(p->filter->ctx, *path, depth - 1, f->key, f->klen);
}

/*
 * Decode one value with an explicit stack (no recursion, so hostile nesting
 * up to Go's limit cannot overflow the C stack, sanitizers included).
 */
static int jp_value(struct jp *p, json_t **out)
{
    struct jp_frame *st = NULL;
    size_t depth = 0, alloc = 0, apath = 0, vstart = 0;
    const char **path = NULL;
    json_t *v = NULL;
    int rc = 0;
    for (;;) {
        jp_progress(p);
        /* a member the filter drops: check it, then go on as after a value */
        if (depth > 0 && json_is_object(st[depth - 1].c)) {
            int k = jp_keeps(p, st, depth, &path, &apath);
            if (k == GOJSON_DROP) {
                if ((rc = jp_skip_value(p, depth)) != 0)
                    goto fail;
                goto attached;
            }
            st[depth - 1].span = k == GOJSON_KEEP_SPAN;
        }
        /* read a value, or open a container */
        jp_ws(p);
        vstart = p->pos;
        if (p->pos >= p->len) {
            rc = ks_fail(p->e, KS_EINPUT, "unexpected end of JSON input");
            goto fail;
        }
        char c = p->s[p->pos];
        if (c == '{' || c == '[') {
            if (depth + 1 > GOJSON_MAX_DEPTH) {
                rc = ks_fail(p->e, KS_EINPUT, "exceeded max depth");
                goto fail;
            }
            if (depth == alloc) {
                alloc = alloc ? 2 * alloc : 16;
                st = ks_realloc(st, alloc * sizeof(*st));
            }
            struct jp_frame *f = &st[depth++];
            f->c = c == '{' ? json_object() : json_array();
            f->key = NULL;
            f->klen = 0;
            f->start = p->pos;
            f->span = false;
            p->pos++;
            jp_ws(p);
            if (p->pos < p->len && p->s[p->pos] == (c == '{' ? '}' : ']')) {
                p->pos++;
                v = f->c;
                depth--;
            } else if (c == '{') {
                if ((rc = jp_key(p, f)) != 0)
                    goto fail;
                continue;
            } else {
                continue;
            }
        } else if (c == '"') {
            if ((rc = jp_string(p)) != 0)
                goto fail;
            v = json_stringn_nocheck(p->tmp.buf ? p->tmp.buf : "", p->tmp.len);
        } else if (c == 't') {
            if ((rc = jp_literal(p, "true", json_true(), &v)) != 0)
                goto fail;
        } else if (c == 'f') {
            if ((rc = jp_literal(p, "false", json_false(), &v)) != 0)
                goto fail;
        } else if (c == 'n') {
            if ((rc = jp_literal(p, "null", json_null(), &v)) != 0)
                goto fail;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if ((rc = jp_number(p, &v)) != 0)
                goto fail;
        } else {
            rc = jp_badchar(p, "looking for beginning of value");
            goto fail;
        }
        /* attach v to the open containers, closing those that end here */
        for (;;) {
            if (depth == 0) {
                free(st);
                free(path);
                *out = v;
                return 0;
            }
            struct jp_frame *top = &st[depth - 1];
            if (json_is_object(top->c)) {
                if (top->span && p->filter->span)
                    p->filter->span(p->filter->ctx, top->key, top->klen, vstart, p->pos);
                json_object_setn_new_nocheck(top->c, top->key, top->klen, v);
            } else {
                json_array_append_new(top->c, v);
            }
            v = NULL;
        attached:;
            struct jp_frame *f = &st[depth - 1];
            bool obj = json_is_object(f->c);
            jp_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                if (obj && (rc = jp_key(p, f)) != 0)
                    goto fail;
                break; /* read the next value */
            }
            if (p->pos < p->len && p->s[p->pos] == (obj ? '}' : ']')) {
                p->pos++;
                free(f->key);
                v = f->c;
                vstart = f->start;
                depth--;
                continue; /* attach the closed container to its parent */
            }
            rc = jp_badchar(p, obj ? "after object key:value pair" : "after array element");
            goto fail;
        }
    }
fail:
    json_decref(v);
    for (size_t i = 0; i < depth; i++) {
        json_decref(st[i].c);
        free(st[i].key);
    }
    free(st);
    free(path);
    return rc;
}

const char *gojson_go_type(const json_t *v)
{
    if (json_is_object(v))
        return "object";
    if (json_is_array(v))
        return "array";
    if (json_is_string(v))
        return "string";
    if (json_is_boolean(v))
        return "bool";
    return "number";
}

int gojson_loads(json_t **out, const char *buf, size_t len, struct ks_err *e)
{
    return gojson_loads_filter(out, buf, len, NULL, e);
}

int gojson_loads_filter(json_t **out, const char *buf, size_t len, const struct gojson_filter *f,
                        struct ks_err *e)
{
    struct jp p = {buf, len, 0, 0, e, STRBUF_INIT, f, 0};
    json_t *v = NULL;
    *out = NULL;
    int rc = jp_value(&p, &v);
    if (rc == 0) {
        jp_ws(&p);
        if (p.pos < p.len) {
            json_decref(v);
            v = NULL;
            rc = jp_badchar(&p, "after top-level value");
        }
    }
    strbuf_release(&p.tmp);
    if (rc == 0)
        *out = v;
    return rc;
}
