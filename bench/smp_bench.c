/*
 * smp_bench.c: how the three-way strategic merge patch (and applying it)
 * grows with the size of merge lists of objects, merge lists of primitives
 * and maps (issue 3, must-show 4). Each size runs in a child process so its
 * peak memory (getrusage ru_maxrss) is its own.
 * Usage: smp_bench [N...]   (default: 1000 10000 100000)
 * SMP_BENCH_SHAPE=objects|primitives|map runs one shape only.
 */
#include "base/gojson.h"
#include "merge/merge_smp.h"
#include "patch/patch_smp.h"
#include "smp/smp_schemas.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum shape { LIST_OF_OBJECTS, LIST_OF_PRIMITIVES, MAP, NSHAPES };
static const char *shape_names[] = {"merge list of objects", "merge list of primitives", "map"};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A scrambled but deterministic id for position i, so lists are not pre-sorted. */
static unsigned long scramble(unsigned long i, unsigned long n)
{
    return (i * 2654435761UL) % (n * 4 + 7);
}

/*
 * original (last-applied), modified (manifest: 10% changed, 1% removed, 1% added)
 * and current (live: original plus a server-side field everywhere and 1% extra items).
 */
static void make_docs(json_t **o, json_t **m, json_t **c, enum shape s, unsigned long n)
{
    json_t *lo = s == MAP ? json_object() : json_array();
    json_t *lm = s == MAP ? json_object() : json_array();
    json_t *lc = s == MAP ? json_object() : json_array();
    const char *field = s == LIST_OF_OBJECTS      ? "mergingList"
                        : s == LIST_OF_PRIMITIVES ? "mergingIntList"
                                                  : "simpleMap";
    char key[32], val[32];

    for (unsigned long i = 0; i < n + n / 100; i++) {
        unsigned long id = scramble(i, n);
        bool in_o = i < n, in_m = i < n ? (i % 100 != 3) : true, in_c = i < n || i % 2;
        snprintf(key, sizeof(key), "item-%lu", id);
        snprintf(val, sizeof(val), "v%lu%s", i, i % 10 == 1 ? "-new" : "");
        if (s == LIST_OF_OBJECTS) {
            json_t *eo = json_pack("{ss ss}", "name", key, "value", val);
            json_t *em = json_pack("{ss ss}", "name", key, "value", val);
            json_t *ec = json_pack("{ss ss ss}", "name", key, "value", val, "other", "server");
            if (i % 10 == 1)
                json_object_set_new(eo, "value", json_string("old"));
            if (in_o)
                json_array_append(lo, eo);
            if (in_m)
                json_array_append(lm, em);
            if (in_c)
                json_array_append(lc, in_o ? ec : em);
            json_decref(eo);
            json_decref(em);
            json_decref(ec);
        } else if (s == LIST_OF_PRIMITIVES) {
            json_t *v = json_integer((json_int_t)id);
            if (in_o)
                json_array_append(lo, v);
            if (in_m)
                json_array_append(lm, v);
            if (in_c)
                json_array_append(lc, v);
            json_decref(v);
        } else {
            if (in_o)
                json_object_set_new(lo, key, json_string(i % 10 == 1 ? "old" : val));
            if (in_m)
                json_object_set_new(lm, key, json_string(val));
            if (in_c)
                json_object_set_new(lc, key, json_string(i % 10 == 1 ? "old" : val));
        }
    }
    *o = json_pack("{so}", field, lo);
    *m = json_pack("{so}", field, lm);
    *c = json_pack("{so}", field, lc);
}

static int run_one(enum shape s, unsigned long n)
{
    const struct pmeta_type *schema = smp_schemas_builtin("struct:MergeItem");
    struct ks_err e = KS_ERR_INIT;
    json_t *o, *m, *c, *patch = NULL, *result = NULL;
    double t0, t1, t2;
    char *bytes;

    double best3 = 1e9, besta = 1e9;
    int reps = n >= 100000 ? 1 : 5;

    make_docs(&o, &m, &c, s, n);
    /* the best of a few runs: the machine is shared */
    for (int r = 0; r < reps; r++) {
        json_decref(patch);
        json_decref(result);
        t0 = now();
        if (merge_smp_3way(&patch, o, m, c, schema, true, &e) < 0) {
            fprintf(stderr, "three-way: %s\n", e.msg);
            return 1;
        }
        t1 = now();
        if (patch_smp_apply(&result, c, patch, schema, &e) < 0) {
            fprintf(stderr, "apply: %s\n", e.msg);
            return 1;
        }
        t2 = now();
        best3 = t1 - t0 < best3 ? t1 - t0 : best3;
        besta = t2 - t1 < besta ? t2 - t1 : besta;
    }
    bytes = gojson_dumps(patch);
    printf("%-26s %8lu %12.1f %12.1f %12zu", shape_names[s], n, best3 * 1e3, besta * 1e3,
           strlen(bytes));
    fflush(stdout);
    free(bytes);
    json_decref(o);
    json_decref(m);
    json_decref(c);
    json_decref(patch);
    json_decref(result);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long sizes[16] = {1000, 10000, 100000};
    int nsizes = 3;

    ks_alloc_install();
    if (argc > 1) {
        nsizes = 0;
        for (int i = 1; i < argc && nsizes < 16; i++)
            sizes[nsizes++] = strtoul(argv[i], NULL, 10);
    }
    printf("%-26s %8s %12s %12s %12s %10s\n", "shape", "n", "3-way cpu ms", "apply cpu ms",
           "patch bytes", "peak MiB");
    for (int s = 0; s < NSHAPES; s++) {
        const char *only = getenv("SMP_BENCH_SHAPE");
        if (only && !strstr(shape_names[s], only))
            continue;
        for (int i = 0; i < nsizes; i++) {
            struct rusage ru;
            int status;
            pid_t pid;
            fflush(stdout);
            if ((pid = fork()) == 0)
                _exit(run_one((enum shape)s, sizes[i]));
            if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
                WEXITSTATUS(status)) {
                fprintf(stderr, "size %lu failed\n", sizes[i]);
                return 1;
            }
            printf(" %10.1f\n", ru.ru_maxrss / 1024.0);
        }
    }
    return 0;
}
