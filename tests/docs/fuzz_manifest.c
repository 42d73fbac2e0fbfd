/*
 * fuzz_manifest.c: libFuzzer target for the document layer. Any input must
 * load or fail cleanly (one line, no crash, no leak); every object loaded
 * must write as JSON and, unless it holds characters YAML cannot carry, as
 * YAML that reads back to the same value (the writer's quoting is its own
 * oracle).
 */
#include "base/gojson.h"
#include "base/manifest.h"
#include "base/strbuf.h"
#include "base/yamlin.h"
#include "base/yamlout.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* kubectl prints a "<<" key plain, so it reads back as a merge key: no round trip then. */
static int has_merge_key(const json_t *v, int depth)
{
    if (depth > 300)
        return 1;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (has_merge_key(json_array_get(v, i), depth + 1))
                return 1;
    } else if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach((json_t *)v, k,
                            m) if (strcmp(k, "<<") == 0 || has_merge_key(m, depth + 1)) return 1;
    }
    return 0;
}

static void roundtrip(const json_t *obj)
{
    struct strbuf js = STRBUF_INIT, ys = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    if (gojson_write(&js, obj, &e) != 0) {
        fprintf(stderr, "loaded object does not write as JSON: %s\n", e.msg);
        abort();
    }
    if (!has_merge_key(obj, 0) && yamlout_write(&ys, obj, &e) == 0) {
        json_t *back = NULL;
        /* compared as JSON text: a real 1.0 prints as 1 and reads back as an int, as in kubectl */
        char *a = gojson_dumps(obj), *b2 = NULL;
        int same = yamlin_load(&back, ys.buf, ys.len, "roundtrip", NULL, &e) == 0 &&
                   (b2 = gojson_dumps(back)) && a && strcmp(a, b2) == 0;
        free(a);
        free(b2);
        if (!same) {
            char *b = back ? gojson_dumps(back) : NULL;
            fprintf(stderr,
                    "YAML round trip changed the value (%s)\n  json: %s\n  yaml: %s\n  back: %s\n",
                    e.msg, js.buf, ys.buf, b ? b : "(none)");
            abort();
        }
        json_decref(back);
    }
    strbuf_release(&js);
    strbuf_release(&ys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int installed;
    if (!installed) {
        ks_alloc_install();
        installed = 1;
    }
    struct manifest m = MANIFEST_INIT;
    struct ks_err e = KS_ERR_INIT;
    struct yamlin_limits lim = {1 << 20, 200, 100000};
    int rc = manifest_load(&m, (const char *)data, size, "fuzz.yaml", &lim, &e);
    if (rc && (!e.msg[0] || strchr(e.msg, '\n'))) {
        fprintf(stderr, "error without one clear line: rc %d, \"%s\"\n", rc, e.msg);
        abort();
    }
    for (size_t i = 0; i < m.n; i++)
        roundtrip(m.objs[i].obj);
    manifest_release(&m);
    return 0;
}
