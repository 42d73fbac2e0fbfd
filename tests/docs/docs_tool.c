/*
 * docs_tool.c: a command-line probe of the document layer, for the tests and
 * for comparing with kubectl by hand.
 *   docs_tool load FILE   every object of the manifest, one compact JSON a line;
 *                         on error the objects before it, then "error: MSG", exit 1
 *   docs_tool vload FILE  the same with kubectl's client-side validation on
 *   docs_tool yaml FILE   each object written as YAML (yamlout), "---" between
 *   docs_tool lastapplied FILE CTXNS KIND/NAME=0|1...
 *                         the last-applied annotation kubectl computes for the
 *                         listed objects (=1: namespaced, namespace defaulted to
 *                         CTXNS), one "KIND/NAME<TAB>JSON string" line each
 */
#include "base/gojson.h"
#include "base/ks.h"
#include "base/manifest.h"
#include "base/strbuf.h"
#include "base/yamlout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* PARITY: smp-semantics.md 7.2 (kubectl apply's GetModifiedConfiguration). */
static char *last_applied(const json_t *obj, const char *ns, int namespaced)
{
    json_t *o = json_deep_copy(obj);
    json_t *md = json_object_get(o, "metadata");
    if (!json_is_object(md)) {
        md = json_object();
        json_object_set_new(o, "metadata", md);
    }
    json_t *ann = json_object_get(md, "annotations");
    ann = json_is_object(ann) ? json_deep_copy(ann) : json_object();
    json_object_del(ann, LAST_APPLIED);
    json_object_set_new(md, "annotations", ann);
    /* PARITY: the resource builder fills in the namespace of namespaced kinds and clears it on
       cluster-scoped ones */
    const char *cur = json_string_value(json_object_get(md, "namespace"));
    if (namespaced && (!cur || !*cur))
        json_object_set_new(md, "namespace", json_string(ns));
    else if (!namespaced)
        json_object_del(md, "namespace");
    struct strbuf sb = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    if (gojson_write(&sb, o, &e))
        strbuf_addf(&sb, "<%s>", e.msg);
    strbuf_addch(&sb, '\n');
    json_decref(o);
    return strbuf_detach(&sb, NULL);
}

static int cmd_lastapplied(struct manifest *m, int argc, char **argv)
{
    for (size_t i = 0; i < m->n; i++) {
        const json_t *o = m->objs[i].obj;
        const char *kind = json_string_value(json_object_get(o, "kind"));
        const char *name =
            json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
        char *id = ks_asprintf("%s/%s", kind ? kind : "", name ? name : "");
        for (int a = 4; a < argc; a++) {
            size_t n = strlen(id);
            if (strncmp(argv[a], id, n) == 0 && argv[a][n] == '=') {
                char *ann = last_applied(o, argv[3], argv[a][n + 1] == '1');
                struct strbuf sb = STRBUF_INIT;
                gojson_write_string(&sb, ann, strlen(ann));
                printf("%s\t%s\n", id, sb.buf);
                strbuf_release(&sb);
                free(ann);
                break;
            }
        }
        free(id);
    }
    return 0;
}

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
    if (argc < 3) {
        fprintf(stderr, "usage: docs_tool load|yaml|lastapplied FILE ...\n");
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
    struct manifest_opts mo = {NULL, strcmp(argv[1], "vload") == 0};
    int rc = manifest_load_opts(&m, buf, len, name, &mo, &e);
    if (strcmp(argv[1], "lastapplied") == 0 && argc >= 4) {
        cmd_lastapplied(&m, argc, argv); /* the objects before a bad document count too */
        if (rc)
            printf("error: %s\n", e.msg);
        manifest_release(&m);
        free(buf);
        return rc ? 1 : 0;
    }
    int yaml = strcmp(argv[1], "yaml") == 0;
    for (size_t i = 0; i < m.n; i++) {
        struct strbuf sb = STRBUF_INIT;
        struct ks_err we = KS_ERR_INIT;
        if (yaml) {
            if (yamlout_write(&sb, m.objs[i].obj, &we) == 0)
                printf("%s%s", i ? "---\n" : "", sb.buf);
            else
                printf("unwritable: %s\n", we.msg);
        } else if (gojson_write(&sb, m.objs[i].obj, &we) == 0)
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
