/*
 * docs_tool.c: a command-line probe of the document layer, for the tests and
 * for comparing with kubectl by hand.
 *   docs_tool load FILE   every object of the manifest, one compact JSON a line;
 *                         on error the objects before it, then "error: MSG", exit 1
 *   docs_tool yaml FILE   each object written as YAML (yamlout), "---" between
 */
#include "base/gojson.h"
#include "base/ks.h"
#include "base/manifest.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    ks_alloc_install();
    if (argc != 3) {
        fprintf(stderr, "usage: docs_tool load|yaml FILE\n");
        return 2;
    }
    size_t len;
    char *buf = slurp(argv[2], &len);
    if (!buf) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 2;
    }
    const char *name = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
    struct manifest m = MANIFEST_INIT;
    struct ks_err e = KS_ERR_INIT;
    int rc = manifest_load(&m, buf, len, name, NULL, &e);
    for (size_t i = 0; i < m.n; i++) {
        struct strbuf sb = STRBUF_INIT;
        struct ks_err we = KS_ERR_INIT;
        if (gojson_write(&sb, m.objs[i].obj, &we) == 0)
            printf("%s\n", sb.buf);
        else
            printf("unwritable: %s\n", we.msg);
        strbuf_release(&sb);
    }
    if (rc)
        printf("error: %s\n", e.msg);
    manifest_release(&m);
    free(buf);
    return rc ? 1 : 0;
}
