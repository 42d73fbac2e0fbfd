/*
 * test_docs_bad.c: malformed manifests fail with one clear line. For every
 * DIR/NAME.yaml, NAME.expected (record_bad.py) holds kubectl 1.33's error
 * line, how many objects kubectl read before it, and our message. Checks:
 * manifest_load fails; its message is exactly `want`; `want` without our
 * location ("document N, line L[, item I]: ") is kubectl's line word for
 * word; the objects before the bad document are kept, as many as kubectl
 * read. Then the limits (size, depth, aliases) on their own. With
 * --validate, the same over cases of kubectl's client-side validation.
 */
#include "base/manifest.h"
#include "base/strbuf.h"
#include "base/yamlin.h"
#include "ktest.h"

#include <ctype.h>
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

/* Every "kubectl: " line of the expected file, in order. */
static size_t kubectl_lines(char *text, const char **out, size_t cap)
{
    size_t n = 0;
    for (char *l = strtok(text, "\n"); l && n < cap; l = strtok(NULL, "\n"))
        if (strncmp(l, "kubectl: ", 9) == 0)
            out[n++] = l + 9;
    return n;
}

static const char *field(char *text, const char *name)
{
    size_t n = strlen(name);
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
        if (strncmp(l, name, n) == 0 && l[n] == ':' && l[n + 1] == ' ')
            return l + n + 2;
    return "";
}

/* Our message without the location we add: what kubectl says. */
static void strip_location(char *out, size_t cap, const char *msg, const char *file)
{
    const char *p = strstr(msg, "document ");
    snprintf(out, cap, "%s", msg);
    if (!p)
        return;
    const char *q = p + 9;
    while (isdigit((unsigned char)*q))
        q++;
    if (strncmp(q, ", line ", 7) != 0)
        return;
    for (q += 7; isdigit((unsigned char)*q);)
        q++;
    if (strncmp(q, ", item ", 7) == 0)
        for (q += 7; isdigit((unsigned char)*q);)
            q++;
    if (strncmp(q, ": ", 2) != 0)
        return;
    q += 2;
    size_t flen = strlen(file);
    if (p == msg + flen + 2 && strncmp(msg, file, flen) == 0)
        snprintf(out, cap, "%s", q); /* "FILE: document ...: kubectl's words" */
    else
        snprintf(out, cap, "%.*s%s", (int)(p - msg), msg, q);
}

static bool validate; /* --validate: kubectl's client-side checks on */

static void check_case(const char *dir, const char *name)
{
    char path[4096], exp[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(exp, sizeof(exp), "%s/%.*s.expected", dir, (int)(strlen(name) - 5), name);
    size_t len, elen;
    char *buf = slurp(path, &len), *e1 = slurp(exp, &elen);
    if (!buf || !e1) {
        fprintf(stderr, "%s: missing input or expected file\n", path);
        kt_fail++;
        free(buf);
        free(e1);
        return;
    }
    char *e2 = strdup(e1), *e3 = strdup(e1);
    const char *kl[16];
    size_t nk = kubectl_lines(e1, kl, 16);
    const char *want = field(e2, "want");
    int objects = atoi(field(e3, "objects"));
    struct manifest m = MANIFEST_INIT;
    struct ks_err e = KS_ERR_INIT;
    struct manifest_opts mo = {NULL, validate};
    int rc = manifest_load_opts(&m, buf, len, name, &mo, &e);
    if (rc != KS_EINPUT || strcmp(e.msg, want) != 0 || strchr(e.msg, '\n')) {
        fprintf(stderr, "%s: rc %d\n  want: %s\n  got:  %s\n", path, rc, want, e.msg);
        kt_fail++;
    } else {
        kt_pass++;
    }
    /* ours: every skipped document's message, then the one that stopped the stream */
    const char *ours[18];
    size_t no = 0;
    for (size_t i = 0; i < m.nerrs && no < 16; i++)
        ours[no++] = m.errs[i];
    if (rc && (m.nerrs == 0 || strcmp(e.msg, m.errs[0]) != 0))
        ours[no++] = e.msg;
    bool accepted = nk == 1 && strcmp(kl[0], "(accepted)") == 0;
    if (!accepted && nk != no) {
        fprintf(stderr, "%s: %zu errors, kubectl printed %zu\n", path, no, nk);
        kt_fail++;
    }
    for (size_t i = 0; !accepted && i < nk && i < no; i++) {
        char bare[512];
        strip_location(bare, sizeof(bare), ours[i], name);
        if (strcmp(bare, kl[i]) != 0) {
            fprintf(stderr, "%s: not kubectl's words\n  kubectl: %s\n  ours:    %s\n", path, kl[i],
                    bare);
            kt_fail++;
        } else {
            kt_pass++;
        }
    }
    if ((int)m.n != objects) {
        fprintf(stderr, "%s: kept %zu objects, kubectl read %d\n", path, m.n, objects);
        kt_fail++;
    } else {
        kt_pass++;
    }
    manifest_release(&m);
    free(buf);
    free(e1);
    free(e2);
    free(e3);
}

static void check_limits(void)
{
    const char *doc = "a: [1, [2, [3, [4]]]]\n";
    struct yamlin_limits lim = {0, 3, 0};
    struct ks_err e = KS_ERR_INIT;
    json_t *v = NULL;
    KT_CHECK_INT(yamlin_load(&v, doc, strlen(doc), "d.yaml", &lim, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "d.yaml: line 1: error converting YAML to JSON: yaml: line 1: exceeded max "
                        "depth of 3");
    KT_CHECK(v == NULL);

    struct yamlin_limits small = {10, 0, 0};
    ks_err_clear(&e);
    KT_CHECK_INT(yamlin_load(&v, doc, strlen(doc), "d.yaml", &small, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "d.yaml: line 1: document of 22 bytes exceeds the limit of 10 bytes");

    struct manifest m = MANIFEST_INIT;
    ks_err_clear(&e);
    KT_CHECK_INT(manifest_load(&m, doc, strlen(doc), "d.yaml", &small, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "error parsing d.yaml: 22 bytes exceed the limit of 10 bytes");
    manifest_release(&m);

    /* an absolute cap on alias expansion, below go-yaml's ratio rule */
    const char *al = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a]\n";
    struct yamlin_limits alim = {0, 0, 20};
    ks_err_clear(&e);
    KT_CHECK_INT(yamlin_load(&v, al, strlen(al), "al.yaml", &alim, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "al.yaml: line 2: error converting YAML to JSON: yaml: document contains "
                        "excessive aliasing");
    ks_err_clear(&e);
    KT_CHECK_INT(yamlin_load(&v, al, strlen(al), "al.yaml", NULL, &e), 0);
    KT_CHECK_INT(json_array_size(json_object_get(v, "b")), 4);
    json_decref(v);

    /* the empty document is null; a broken kubeconfig names file and line */
    ks_err_clear(&e);
    KT_CHECK_INT(yamlin_load(&v, "# nothing\n", 10, "e.yaml", NULL, &e), 0);
    KT_CHECK(json_is_null(v));
    json_decref(v);
    const char *kc = "apiVersion: v1\nclusters:\n- cluster: {server: x\n";
    ks_err_clear(&e);
    KT_CHECK_INT(yamlin_load(&v, kc, strlen(kc), "kc.yaml", NULL, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "kc.yaml: line 3: error converting YAML to JSON: yaml: line 3: did not "
                        "find expected ',' or '}'");
    ks_err_clear(&e);
    KT_CHECK_INT(yamlin_load(&v, kc, strlen(kc), "", NULL, &e), KS_EINPUT);
    KT_CHECK_STR(e.msg, "line 3: error converting YAML to JSON: yaml: line 3: did not find "
                        "expected ',' or '}'");
}

int main(int argc, char **argv)
{
    ks_alloc_install();
    validate = argc == 3 && strcmp(argv[1], "--validate") == 0;
    if (argc != 2 && !validate) {
        fprintf(stderr, "usage: test_docs_bad [--validate] DIR\n");
        return 2;
    }
    const char *dir = argv[argc - 1];
    if (!validate)
        check_limits();
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", dir);
        return 1;
    }
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) {
            check_case(dir, de->d_name);
            n++;
        }
    }
    closedir(d);
    printf("%d malformed documents\n", n);
    KT_CHECK(n >= (validate ? 10 : 30));
    return kt_done();
}
