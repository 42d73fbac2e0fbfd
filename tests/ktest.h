/*
 * ktest.h: the assertions of kubeshim's C tests. A test program calls
 * KT_CHECK*() as often as it likes and returns kt_done(), which prints
 * "N passed, N failed" and gives a non-zero exit when anything failed.
 * kt_skip(reason) prints why and exits 77 (ctest's SKIP_RETURN_CODE).
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int kt_pass, kt_fail;

#define KT_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (cond) {                                                                                \
            kt_pass++;                                                                             \
        } else {                                                                                   \
            kt_fail++;                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define KT_CHECK_STR(got, want)                                                                    \
    do {                                                                                           \
        const char *kt_g = (got), *kt_w = (want);                                                  \
        if (kt_g && kt_w && strcmp(kt_g, kt_w) == 0) {                                             \
            kt_pass++;                                                                             \
        } else {                                                                                   \
            kt_fail++;                                                                             \
            fprintf(stderr, "%s:%d: %s\n  want: %s\n  got:  %s\n", __FILE__, __LINE__, #got,       \
                    kt_w ? kt_w : "(null)", kt_g ? kt_g : "(null)");                               \
        }                                                                                          \
    } while (0)

#define KT_CHECK_INT(got, want)                                                                    \
    do {                                                                                           \
        long long kt_g = (long long)(got), kt_w = (long long)(want);                               \
        if (kt_g == kt_w) {                                                                        \
            kt_pass++;                                                                             \
        } else {                                                                                   \
            kt_fail++;                                                                             \
            fprintf(stderr, "%s:%d: %s: want %lld, got %lld\n", __FILE__, __LINE__, #got, kt_w,    \
                    kt_g);                                                                         \
        }                                                                                          \
    } while (0)

static inline int kt_done(void)
{
    printf("%d passed, %d failed\n", kt_pass, kt_fail);
    return kt_fail ? 1 : (kt_pass ? 0 : 1);
}

static inline void kt_skip(const char *reason)
{
    printf("SKIPPED: %s\n", reason);
    exit(77);
}

#endif
