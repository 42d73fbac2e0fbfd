/*
 * ks.h: the error type and the allocator that every module uses.
 *
 * Errors: a fallible function returns int, 0 or a negative KS_E* code that it
 * also wrote into its last argument, a struct ks_err. Callers add context on
 * the way up with ks_context(). Only src/cmd and src/dispatch print or exit.
 *
 * Allocation: out of memory aborts (ks_alloc_install() also hands the same
 * allocator to jansson), so a NULL from a library means bad input, never OOM.
 */
#ifndef KS_H
#define KS_H

#include <stdarg.h>
#include <stddef.h>

enum {
    KS_OK = 0,
    KS_EGENERIC = -1,  /* anything else */
    KS_EUSAGE = -2,    /* bad flags or arguments */
    KS_EINPUT = -3,    /* bad input: a broken document, a malformed patch */
    KS_ENOTFOUND = -4, /* 404, or a missing thing */
    KS_ECONFLICT = -5, /* 409, or a three-way patch conflict */
    KS_EINVALID = -6,  /* 422, or an invalid patch or directive */
    KS_EHTTP = -7,     /* transport or an HTTP status without a better code */
    KS_EDELEGATE = -8, /* not a failure: hand this command line to kubectl */
};

#define KS_ERR_MSG 256

struct ks_err {
    int code;
    char msg[KS_ERR_MSG];
};

#define KS_ERR_INIT                                                                                \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/*
 * Format a message into e (if e is not NULL) and return code.
 * Ownership: nothing is retained.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int ks_fail(struct ks_err *e, int code, const char *fmt, ...);

/*
 * Prefix e->msg with formatted context and ": ", keeping the code; returns e->code.
 * The message is truncated at KS_ERR_MSG - 1 bytes, keeping its start.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int ks_context(struct ks_err *e, const char *fmt, ...);

/* Reset e to "no error". */
void ks_err_clear(struct ks_err *e);

/* The aborting allocator. ks_alloc_install() must run first in main(). */
void ks_alloc_install(void);
void *ks_malloc(size_t n);
void *ks_calloc(size_t nmemb, size_t size);
void *ks_realloc(void *p, size_t n);
char *ks_strdup(const char *s);
char *ks_strndup(const char *s, size_t n);
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
char *
ks_asprintf(const char *fmt, ...);
char *ks_vasprintf(const char *fmt, va_list ap);

#define KS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
