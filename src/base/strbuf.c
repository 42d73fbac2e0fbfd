/*
 * strbuf.c: growable NUL-terminated byte buffer (see strbuf.h).
 */
#include "base/strbuf.h"

#include "base/ks.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n *= 2;
    sb->buf = ks_realloc(sb->buf, n);
    sb->alloc = n;
    sb->buf[sb->len] = '\0'; /* a fresh buffer is a valid empty string */
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
    strbuf_grow(sb, n);
    if (n)
        memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
    strbuf_grow(sb, 1);
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0) {
        strbuf_grow(sb, 0);
        return;
    }
    strbuf_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
    strbuf_setlen(sb, 0);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
    if (!sb->buf) {
        if (len == 0)
            return;
        strbuf_grow(sb, len);
    }
    sb->len = len;
    sb->buf[len] = '\0';
}

const char *strbuf_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    strbuf_grow(sb, 0);
    char *p = sb->buf;
    if (len)
        *len = sb->len;
    sb->buf = NULL;
    sb->len = sb->alloc = 0;
    return p;
}

void strbuf_release(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->alloc = 0;
}

/* The length of the valid UTF-8 sequence at p (n bytes left) and its rune, or 0. */
static size_t strbuf_rune(const unsigned char *p, size_t n, uint32_t *r)
{
    size_t len = p[0] < 0xc2 ? 0 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : p[0] < 0xf5 ? 4 : 0;
    if (!len || len > n)
        return 0;
    uint32_t v = p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3f);
    }
    /* overlong, surrogate or out of range */
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *r = v;
    return len;
}

/*
 * PARITY: strconv.IsPrint (letters, marks, numbers, punctuation, symbols):
 * false for the separators other than ASCII space, the format and
 * private-use characters and the noncharacters; unassigned code points are
 * taken as printable.
 */
static bool strbuf_goprint(uint32_t r)
{
    static const uint32_t not_print[][2] = {
        {0x80, 0xa0},     {0xad, 0xad},     {0x600, 0x605},     {0x61c, 0x61c},   {0x6dd, 0x6dd},
        {0x70f, 0x70f},   {0x1680, 0x1680}, {0x180e, 0x180e},   {0x2000, 0x200f}, {0x2028, 0x202f},
        {0x205f, 0x2064}, {0x2066, 0x206f}, {0x3000, 0x3000},   {0xd800, 0xf8ff}, {0xfdd0, 0xfdef},
        {0xfeff, 0xfeff}, {0xfff9, 0xfffb}, {0xf0000, 0x10ffff}};
    if ((r & 0xfffe) == 0xfffe)
        return false;
    for (size_t i = 0; i < sizeof(not_print) / sizeof(not_print[0]); i++)
        if (r >= not_print[i][0] && r <= not_print[i][1])
            return false;
    return true;
}

void strbuf_add_goquoted(struct strbuf *sb, const char *s, size_t len)
{
    static const char esc[] = {'a', 'b', 't', 'n', 'v', 'f', 'r'}; /* \a (7) ... \r (13) */
    const unsigned char *p = (const unsigned char *)s;
    strbuf_addch(sb, '"');
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            strbuf_addch(sb, '\\');
            strbuf_addch(sb, (char)c);
            i++;
        } else if (c >= 0x20 && c < 0x7f) {
            strbuf_addch(sb, (char)c);
            i++;
        } else if (c >= 7 && c <= 13) {
            strbuf_addch(sb, '\\');
            strbuf_addch(sb, esc[c - 7]);
            i++;
        } else if (c < 0x80) {
            strbuf_addf(sb, "\\x%02x", c);
            i++;
        } else {
            uint32_t r = 0;
            size_t n = strbuf_rune(p + i, len - i, &r);
            if (!n) {
                strbuf_addf(sb, "\\x%02x", c);
                i++;
            } else if (strbuf_goprint(r)) {
                strbuf_add(sb, p + i, n);
                i += n;
            } else {
                strbuf_addf(sb, r < 0x10000 ? "\\u%04x" : "\\U%08x", (unsigned)r);
                i += n;
            }
        }
    }
    strbuf_addch(sb, '"');
}
