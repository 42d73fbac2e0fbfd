/*
 * test_docs_read.c: manifests read as kubectl reads them. For every
 * DIR/NAME.yaml, NAME.expected holds what kubectl 1.33 read from it (one
 * compact JSON object a line, then "error: ..." when kubectl refused it;
 * recorded by record_read.py). manifest_load must give the same objects
 * (deep equality with number kinds) and fail exactly when kubectl failed.
 */
#include "base/gojson.h"
#include "base/manifest.h"
#include "base/strbuf.h"
#include "ktest.h"

#include <dirent.h>
#include <stdbool.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb, len);
}

static void check_case(const char *dir, const char *name)
{
    char path[4096], exp[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(exp, sizeof(exp), "%s/%.*s.expected", dir, (int)(strlen(name) - 5), name);
    size_t len, elen;
    char *buf = slurp(path, &len), *ebuf = slurp(exp, &elen);
    if (!buf || !ebuf) {
        fprintf(stderr, "%s: missing input or expected file\n", path);
        kt_fail++;
        free(buf);
        free(ebuf);
        return;
    }
    struct manifest m = MANIFEST_INIT;
    struct ks_err e = KS_ERR_INIT;
    int rc = manifest_load(&m, buf, len, name, NULL, &e);
    size_t i = 0;
    int want_error = 0;
    for (char *line = strtok(ebuf, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "error: ", 7) == 0) {
            want_error = 1;
            continue;
        }
        json_t *want = NULL;
        struct ks_err je = KS_ERR_INIT;
        if (gojson_loads(&want, line, strlen(line), &je)) {
            fprintf(stderr, "%s: bad expected line: %s\n", exp, je.msg);
            kt_fail++;
            continue;
        }
        /*
         * kubectl prints the float 1.0 of a JSON document as 1, so for JSON
         * inputs (name holds "json") the printed bytes are compared; YAML
         * values must match in kind too (YAML never yields such floats).
         */
        char *gd = i < m.n ? gojson_dumps(m.objs[i].obj) : NULL, *wd = gojson_dumps(want);
        bool same = i < m.n && (gojson_equal(m.objs[i].obj, want) ||
                                (strstr(name, "json") && gd && wd && strcmp(gd, wd) == 0));
        free(gd);
        free(wd);
        if (same) {
            kt_pass++;
        } else {
            char *got = i < m.n ? gojson_dumps(m.objs[i].obj) : NULL;
            fprintf(stderr, "%s: object %zu\n  want: %s\n  got:  %s\n", path, i + 1, line,
                    got ? got : "(none)");
            free(got);
            kt_fail++;
        }
        json_decref(want);
        i++;
    }
    if (i != m.n) {
        fprintf(stderr, "%s: %zu objects, kubectl read %zu\n", path, m.n, i);
        kt_fail++;
    }
    if ((rc != 0) != want_error) {
        fprintf(stderr, "%s: kubectl %s, we %s (%s)\n", path, want_error ? "failed" : "succeeded",
                rc ? "failed" : "succeeded", e.msg);
        kt_fail++;
    } else {
        kt_pass++;
    }
    manifest_release(&m);
    free(buf);
    free(ebuf);
}

int main(int argc, char **argv)
{
    ks_alloc_install();
    if (argc != 2) {
        fprintf(stderr, "usage: test_docs_read DIR\n");
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n > 5 && strcmp(de->d_name + n - 5, ".yaml") == 0)
            check_case(argv[1], de->d_name);
    }
    closedir(d);
    return kt_done();
}
