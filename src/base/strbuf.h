/*
 * strbuf.h: a growable byte buffer, always NUL-terminated (after git's strbuf).
 *
 * struct strbuf sb = STRBUF_INIT;
 * strbuf_addf(&sb, "%s/%d", a, b);
 * use(sb.buf, sb.len);
 * strbuf_release(&sb);
 *
 * Ownership: the buffer owns buf; strbuf_detach() hands it to the caller.
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf; /* never NULL after the first add; "" before */
    size_t len;
    size_t alloc;
};

#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/*
 * Append s[0..len) as Go's strconv.Quote writes it (so also %q and, for a
 * string, %#v): within double quotes, " and \ escaped, \a \b \f \n \r \t
 * \v, other control bytes and invalid UTF-8 as \xXX, characters Go does not
 * print as \uXXXX (C1 controls, U+00AD, U+2028, U+2029, U+FEFF, ...);
 * lower-case hex. Never a line break, whatever s holds.
 */
void strbuf_add_goquoted(struct strbuf *sb, const char *s, size_t len);

void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);
/* The C string (never NULL, "" for an empty buffer). */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the buffer to the caller (free() it); sb is reset. Never NULL. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_release(struct strbuf *sb);

#endif
