/*
 * ks.c: errors and the aborting allocator (STYLE.md "Errors").
 * Out of memory is not an error that callers handle: it aborts here, once.
 */
#include "base/ks.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ks_oom(size_t n)
{
    fprintf(stderr, "kubeshim: out of memory (%zu bytes)\n", n);
    abort();
}

void *ks_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        ks_oom(n);
    return p;
}

void *ks_calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        ks_oom(nmemb * size);
    return p;
}

void *ks_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        ks_oom(n);
    return q;
}

char *ks_strndup(const char *s, size_t n)
{
    char *p = ks_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ks_strdup(const char *s)
{
    return ks_strndup(s, strlen(s));
}

char *ks_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = ks_malloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *ks_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = ks_vasprintf(fmt, ap);
    va_end(ap);
    return p;
}

static void *ks_json_malloc(size_t n)
{
    return ks_malloc(n);
}

void ks_alloc_install(void)
{
    json_set_alloc_funcs(ks_json_malloc, free);
}

int ks_fail(struct ks_err *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
        e->code = code;
    }
    return code;
}

int ks_context(struct ks_err *e, const char *fmt, ...)
{
    if (!e)
        return KS_EGENERIC;
    char prefix[KS_ERR_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    char old[KS_ERR_MSG];
    memcpy(old, e->msg, sizeof(old));
    /* Keep the start of the combined message when it is too long. */
    size_t pl = strnlen(prefix, sizeof(prefix) - 1);
    size_t ol = strnlen(old, sizeof(old) - 1);
    size_t at = 0;
    memcpy(e->msg, prefix, pl);
    at = pl;
    if (at + 2 < sizeof(e->msg)) {
        memcpy(e->msg + at, ": ", 2);
        at += 2;
    }
    if (at + ol >= sizeof(e->msg))
        ol = sizeof(e->msg) - 1 - at;
    memcpy(e->msg + at, old, ol);
    e->msg[at + ol] = '\0';
    if (e->code == 0)
        e->code = KS_EGENERIC;
    return e->code;
}

void ks_err_clear(struct ks_err *e)
{
    e->code = 0;
    e->msg[0] = '\0';
}
